"""The search index by shards (issue 15): which pages each index holds, and when a shard is made again.

Small sites of hand-made pages, indexed by the real Pagefind binary. What a visitor notices — a query
on the root site finding a unit's page — is in tests/e2e/test_units.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import search_index
from generator.cascade import Links, SiteUnit
from generator.model import Unit

# The province's shape in small: a district with a commune below it, a ward alone, under the root.
SUBTREES = [("huyen-a", ["units/huyen-a/", "units/xa-b/"]), ("phuong-c", ["units/phuong-c/"])]
PAGES = ["index.html", "404.html", "about/index.html", "tasks/1/index.html", "units/index.html",
         "units/huyen-a/index.html", "units/huyen-a/tasks/1/index.html", "units/xa-b/index.html",
         "units/xa-b/tasks/2/index.html", "units/phuong-c/index.html"]


def _page(words: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><title>{words}</title></head><body>'
            f'<nav>menu</nav><main data-pagefind-body><h1>{words}</h1><p>{words} chiềng cọ</p></main></body></html>')


def _site(root: Path) -> Path:
    site = root / "site"
    for page in PAGES:
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(_page(f"trang {page.replace('/', ' ').replace('.html', '')}"), encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets" / "site.css").write_text("body{}", encoding="utf-8")
    return site


def _rewrite(page: Path, text: str | None = None) -> None:
    """As the site builder writes a page: a new file (new inode), never the old one rewritten."""
    data = page.read_bytes() if text is None else text.encode()
    page.unlink()
    page.write_bytes(data)


def _page_count(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(lang["page_count"] for lang in entry["languages"].values())


def _urls(bundle: Path) -> set[str]:
    """The address of every page the bundle finds (from its fragments)."""
    import gzip

    urls = set()
    for fragment in (bundle / "fragment").iterdir():
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        urls.add(json.loads(text[text.index("{"):])["url"])
    return urls


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_page_is_in_exactly_one_shard_the_units_page_in_the_roots(tmp_path):
    site = _site(tmp_path)
    shards = search_index.plan(site, SUBTREES)
    assert [s.name for s in shards] == ["", "huyen-a", "phuong-c"]
    pages = {s.name: s.pages(site) for s in shards}
    assert pages[""] == ["404.html", "about/index.html", "index.html", "tasks/1/index.html", "units/index.html"]
    assert pages["huyen-a"] == ["units/huyen-a/index.html", "units/huyen-a/tasks/1/index.html",
                                "units/xa-b/index.html", "units/xa-b/tasks/2/index.html"]
    assert sorted(p for found in pages.values() for p in found) == sorted(PAGES)
    assert [s.output for s in shards] == ["pagefind", "pagefind/shards/huyen-a", "pagefind/shards/phuong-c"]


def test_a_site_of_one_register_has_one_index_of_every_page():
    assert search_index.plan(Path("/nowhere"), []) == [search_index.Shard("", whole_site=True)]
    assert search_index.groups(None) == []


def test_the_subtrees_are_the_units_under_the_root_with_everything_below_them():
    def section(unit_id: str | None, depth: int) -> SiteUnit:
        unit = Unit(id=unit_id, name=unit_id, kind="commune") if unit_id else None
        prefix = f"units/{unit_id}/" if unit_id else ""
        return SiteUnit(unit, "x.yaml", prefix, None, None, depth)  # type: ignore[arg-type]

    links = Links([section(None, 0), section("huyen-a", 1), section("xa-b", 2), section("to-d", 3),
                   section("phuong-c", 1)])
    assert search_index.groups(links) == [("huyen-a", ["units/huyen-a/", "units/xa-b/", "units/to-d/"]),
                                          ("phuong-c", ["units/phuong-c/"])]


def test_pagefind_reads_exactly_the_pages_of_each_shard(tmp_path):
    """The glob Pagefind is given and the pages the cache digests are the same set: each bundle finds
    its shard's pages, at their addresses from the site's root, and the list names the shards."""
    site = _site(tmp_path)
    written = search_index.write(site, SUBTREES, tmp_path / "cache")
    for shard in written.shards:
        bundle = site / shard.output
        expected = {"/" + p.removesuffix("index.html") for p in shard.pages(site)}
        assert _page_count(bundle) == len(expected) and _urls(bundle) == expected, shard.name
    listed = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert listed == {"shards": ["shards/huyen-a/", "shards/phuong-c/"]}
    assert not list((site / "pagefind").glob("pagefind-ui*"))


def test_a_site_of_one_register_gets_the_index_pagefind_makes_of_the_whole_site(tmp_path):
    """Byte for byte what one Pagefind run over the site gives (issue 14's measured index)."""
    site = _site(tmp_path)
    shutil.rmtree(site / "units")
    twin = tmp_path / "twin"
    shutil.copytree(site, twin)
    search_index.write(site, [], tmp_path / "cache")
    args = [str(search_index.executable()), "--site", str(twin), "--output-subdir", "pagefind", "--silent"]
    for selector in search_index.EXCLUDE:
        args += ["--exclude-selectors", selector]
    subprocess.run(args, check=True, capture_output=True)
    for name in search_index.UNUSED:
        (twin / "pagefind" / name).unlink(missing_ok=True)
    assert _files(site / "pagefind") == _files(twin / "pagefind")
    assert not (site / "pagefind" / "shards.json").exists()


def test_an_edited_page_indexes_only_its_shard_and_an_unchanged_build_none(tmp_path):
    cache = tmp_path / "cache"
    site = _site(tmp_path)
    first = search_index.write(site, SUBTREES, cache)
    assert [s.name for s in first.indexed] == ["", "huyen-a", "phuong-c"]
    before = _files(site / "pagefind")

    assert search_index.write(site, SUBTREES, cache).indexed == []
    assert _files(site / "pagefind") == before

    _rewrite(site / "units/xa-b/tasks/2/index.html", _page("trang đã sửa bê tông"))
    again = search_index.write(site, SUBTREES, cache)
    assert [s.name for s in again.indexed] == ["huyen-a"]
    after = _files(site / "pagefind")
    assert {k: v for k, v in after.items() if not k.startswith("shards/huyen-a/")} == \
           {k: v for k, v in before.items() if not k.startswith("shards/huyen-a/")}
    assert after != before

    _rewrite(site / "units/index.html", _page("trang đơn vị đã sửa"))
    assert [s.name for s in search_index.write(site, SUBTREES, cache).indexed] == [""]


def test_a_page_written_anew_with_the_same_bytes_is_not_indexed_again(tmp_path, monkeypatch):
    """The site builder rebuilds the navigation pages on every build, mostly to the same bytes: the
    root's shard is not indexed again for that, and the index stays what it was."""
    cache = tmp_path / "cache"
    site = _site(tmp_path)
    search_index.write(site, SUBTREES, cache)
    before = _files(site / "pagefind")
    _rewrite(site / "units/index.html")  # a new file (new inode), the same bytes
    _rewrite(site / "units/xa-b/tasks/2/index.html")
    assert search_index.write(site, SUBTREES, cache).indexed == []
    assert _files(site / "pagefind") == before

    def unread(*_: object) -> str:
        raise AssertionError("the pages were read again")

    monkeypatch.setattr(search_index, "content_digest", unread)  # the entries took the new quick digests
    assert search_index.write(site, SUBTREES, cache).indexed == []


def test_a_half_written_or_altered_cache_entry_is_not_used(tmp_path):
    cache = tmp_path / "cache"
    site = _site(tmp_path)
    search_index.write(site, SUBTREES, cache)
    good = _files(site / "pagefind")
    # A run killed before it finished leaves a temporary folder, never an entry without its done.json.
    (cache / "unit-phuong-c" / search_index.DONE).unlink()
    # A bundle file cut short, and one removed.
    meta = next((cache / "unit-huyen-a" / "pagefind").glob("*.pf_meta"))
    meta.write_bytes(meta.read_bytes()[:10])
    next((cache / "site" / "pagefind" / "fragment").iterdir()).unlink()
    again = search_index.write(site, SUBTREES, cache)
    assert sorted(s.name for s in again.indexed) == ["", "huyen-a", "phuong-c"]
    assert _files(site / "pagefind") == good
    assert search_index.write(site, SUBTREES, cache).indexed == []


def test_a_unit_folder_without_pages_gets_no_index(tmp_path):
    site = _site(tmp_path)
    for page in ("units/phuong-c/index.html",):
        (site / page).unlink()
    (site / "units/phuong-c/data.csv").write_text("a,b\n", encoding="utf-8")
    written = search_index.write(site, SUBTREES, tmp_path / "cache")
    assert [s.name for s in written.shards] == ["", "huyen-a"]
    assert json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": ["shards/huyen-a/"]}


def test_a_failed_run_leaves_the_previous_entry(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    site = _site(tmp_path)
    search_index.write(site, SUBTREES, cache)
    kept = _files(cache / "unit-phuong-c")
    _rewrite(site / "units/phuong-c/index.html", _page("khác"))

    def fail(site: Path, output: Path, glob: str | None, exclude: object) -> None:
        output.mkdir(parents=True)
        (output / "pagefind-entry.json").write_text("{", encoding="utf-8")
        raise search_index.SearchIndexError("search_failed", detail="killed")

    monkeypatch.setattr(search_index, "run", fail)
    with pytest.raises(search_index.SearchIndexError):
        search_index.write(site, SUBTREES, cache)
    assert _files(cache / "unit-phuong-c") == kept
    assert sorted(p.name for p in cache.iterdir()) == [".lock", "site", "unit-huyen-a", "unit-phuong-c"]


def _fragments_text(bundle: Path) -> str:
    import gzip

    return "".join(gzip.decompress(f.read_bytes()).decode("utf-8") for f in (bundle / "fragment").iterdir())


@pytest.mark.slow
def test_after_a_units_register_is_edited_the_build_reindexes_its_shard_and_reuses_the_others(
        tmp_path, source_date_epoch):
    """With the real site builder (which writes each rebuilt page as a new file): the edit is found,
    and the shard of the subtree that did not change is the one kept from the previous build."""
    from generator.cli import main
    from tests.conftest import REGISTERS

    project = tmp_path / "set"
    shutil.copytree(REGISTERS / "cascade", project)
    out, cache = tmp_path / "site", tmp_path / "cache"

    def build() -> None:
        assert main(["build", "--register", str(project / "tasks.yaml"), "--out", str(out), "--cache", str(cache),
                     "--no-pdf"]) == 0

    build()
    ward = out / "pagefind" / "shards" / "phuong-b" / "pagefind-entry.json"
    commune = out / "pagefind" / "shards" / "xa-a" / "pagefind-entry.json"
    before = (ward.stat().st_ino, commune.stat().st_ino)
    register = project / "registers" / "xa-a.yaml"
    register.write_text(register.read_text(encoding="utf-8").replace("Làm đường bản B", "Làm đường bản Bó Cụp"),
                        encoding="utf-8")
    build()
    assert "bản Bó Cụp" in _fragments_text(out / "pagefind" / "shards" / "xa-a")
    assert not any(url.startswith("/units/xa-a/") for url in _urls(out / "pagefind"))  # the root's: its own pages
    assert ward.stat().st_ino == before[0], "the ward's subtree did not change: its shard is reused"
    assert commune.stat().st_ino != before[1]


def test_folders_with_glob_characters_in_their_names_are_indexed_once(tmp_path):
    """A body's own pages may sit in folders named anyhow: Pagefind's glob must read what the digest lists."""
    site = _site(tmp_path)
    for folder in ("a,b", "c{d}", "hỏi đáp", "e[1]/x"):
        (site / folder).mkdir(parents=True)
        (site / folder / "index.html").write_text(_page(f"trang {folder}"), encoding="utf-8")
    written = search_index.write(site, SUBTREES, tmp_path / "cache")
    root = written.shards[0]
    assert len(root.pages(site)) == 9
    assert _page_count(site / "pagefind") == 9 and "/c{d}/" in _urls(site / "pagefind")


def test_after_an_edit_the_bundle_is_pagefinds_own_and_keeps_the_unchanged_chunks_as_the_same_files(tmp_path):
    """Pagefind writes into memory; the cache entry then holds the previous entry's files for the chunks
    that did not change (the same files, not copies) and new ones for the rest: the bundle is byte for byte
    that of a run on a fresh cache."""
    site = _site(tmp_path)
    shutil.rmtree(site / "units")
    search_index.write(site, [], tmp_path / "cache")
    inodes = {name: (site / "pagefind" / name).stat().st_ino for name in _files(site / "pagefind")}
    _rewrite(site / "tasks/1/index.html", _page("trang đã sửa bê tông"))
    assert search_index.write(site, [], tmp_path / "cache").indexed
    after = _files(site / "pagefind")
    kept = [name for name in after if inodes.get(name) == (site / "pagefind" / name).stat().st_ino]
    fresh = [name for name in after if name not in kept]
    assert kept and any(name.startswith("fragment/") for name in kept)  # the pages not edited
    assert any(name.startswith("fragment/") for name in fresh)  # the edited page's
    twin = tmp_path / "twin"
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("pagefind"))
    search_index.write(twin, [], tmp_path / "fresh-cache")
    assert _files(twin / "pagefind") == after


def test_without_room_in_memory_pagefind_writes_beside_the_cache(tmp_path, monkeypatch):
    site = _site(tmp_path)
    shutil.rmtree(site / "units")
    search_index.write(site, [], tmp_path / "cache")
    _rewrite(site / "tasks/1/index.html", _page("trang đã sửa bê tông"))
    monkeypatch.setattr(search_index, "SCRATCH", tmp_path / "no-such-folder")
    assert search_index.write(site, [], tmp_path / "cache").indexed
    twin = tmp_path / "twin"
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("pagefind"))
    search_index.write(twin, [], tmp_path / "fresh-cache")
    assert _files(site / "pagefind") == _files(twin / "pagefind")


def test_memory_left_by_a_build_killed_outright_is_given_back_and_a_run_short_of_memory_is_done_on_disk(
        tmp_path, monkeypatch):
    """Pagefind's scratch folders of a build whose process is gone are removed by the next build; when
    Pagefind fails in memory (room asked before, taken meanwhile), it runs once more on disk."""
    scratch = tmp_path / "shm"
    scratch.mkdir()
    monkeypatch.setattr(search_index, "SCRATCH", scratch)
    gone = subprocess.Popen(["true"])
    gone.wait()
    (scratch / f"{search_index.SCRATCH_PREFIX}{gone.pid}-abc" / "pagefind").mkdir(parents=True)
    (scratch / f"{search_index.SCRATCH_PREFIX}{os.getpid()}-live").mkdir()
    site = _site(tmp_path)
    shutil.rmtree(site / "units")
    search_index.write(site, [], tmp_path / "cache")
    _rewrite(site / "tasks/1/index.html", _page("trang đã sửa bê tông"))
    real, tries = search_index.run, []

    def short_of_memory(site_: Path, output: Path, *args: object) -> None:
        tries.append(output)
        if output.is_relative_to(scratch):
            raise search_index.SearchIndexError("search_failed", detail="No space left on device")
        real(site_, output, *args)

    monkeypatch.setattr(search_index, "run", short_of_memory)
    assert search_index.write(site, [], tmp_path / "cache").indexed
    assert [p.is_relative_to(scratch) for p in tries] == [True, False]
    assert sorted(p.name for p in scratch.iterdir()) == [f"{search_index.SCRATCH_PREFIX}{os.getpid()}-live"]
    twin = tmp_path / "twin"
    shutil.copytree(site, twin, ignore=shutil.ignore_patterns("pagefind"))
    monkeypatch.setattr(search_index, "run", real)
    search_index.write(twin, [], tmp_path / "fresh-cache")
    assert _files(site / "pagefind") == _files(twin / "pagefind")
