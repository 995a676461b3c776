"""The site builder's workspace: after one edit only the pages it touched are rebuilt, and the site is
exactly the one a clean build makes."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

import pytest

from generator import incremental
from generator.build import BuildOptions, build
from generator.cli import valid_register
from generator.derive import derive
from tests.conftest import REGISTERS, ROOT

SMALL = REGISTERS / "valid" / "small.yaml"
REPORT = "{date: 2021-02-28, status: in_progress, progress: 30}"


def run(register: Path, out: Path, cache: Path):
    result = valid_register(str(register), None)
    assert not isinstance(result, int)
    options = BuildOptions(register, out, cache=cache, project=register.parent)
    return build(result.register, derive(result.register, result.as_of.date), options)


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project of its own (register, content, settings), so that tests can edit its content."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1622419200")
    shutil.copy(SMALL, tmp_path / "tasks.yaml")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def test_one_edit_rebuilds_a_few_pages_and_gives_the_clean_build(project):
    register, cache = project / "tasks.yaml", project / "cache"
    first = run(register, project / "site", cache)
    assert first.pages_rebuilt == first.pages
    register.write_text(register.read_text(encoding="utf-8").replace(REPORT, REPORT.replace("30}", "45}")),
                        encoding="utf-8")
    second = run(register, project / "site", cache)
    assert 0 < second.pages_rebuilt < second.pages / 2
    clean = run(register, project / "clean", project / "fresh-cache")
    assert clean.pages_rebuilt == clean.pages
    assert files(project / "site") == files(project / "clean")  # pages, search index, sitemap: all the same
    assert "45%" in (project / "site" / "tasks" / "4" / "index.html").read_text(encoding="utf-8")


def test_a_new_page_means_a_full_build(project):
    register, cache = project / "tasks.yaml", project / "cache"
    run(register, project / "site", cache)
    register.write_text(register.read_text(encoding="utf-8") + "  - {id: 9, title: Trồng cây xanh, group: do-thi, "
                        "lead: phong-qldt, deadline: 2021-11-30}\n", encoding="utf-8")
    again = run(register, project / "site", cache)
    assert again.pages_rebuilt == again.pages
    assert (project / "site" / "tasks" / "9" / "index.html").is_file()


def test_a_failed_build_leaves_no_workspace_to_trust(project, monkeypatch):
    register, cache = project / "tasks.yaml", project / "cache"
    run(register, project / "site", cache)
    monkeypatch.setattr(incremental, "finish", lambda ws: (_ for _ in ()).throw(RuntimeError("killed")))
    with pytest.raises(RuntimeError):
        run(register, project / "site", cache)
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1622419200")
    after = run(register, project / "site", cache)
    assert after.pages_rebuilt == after.pages


def test_a_workspace_in_use_by_another_build_is_not_shared(project):
    register, cache = project / "tasks.yaml", project / "cache"
    run(register, project / "site", cache)
    with (cache / "site-builder" / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        other = run(register, project / "other", cache)
    assert other.pages_rebuilt == other.pages
    assert files(project / "other") == files(project / "site")


@pytest.mark.parametrize(("src", "url"), [("index.md", ""), ("tasks/index.md", "tasks/"), ("tasks/5/index.md", "tasks/5/"),
                                          ("about.md", "about/"), ("guide/README.md", "guide/"), ("README.md", "")])
def test_page_url(src, url):
    assert incremental.page_url(src) == url


def test_an_edited_page_is_rebuilt_even_when_its_old_output_looks_newer(project):
    """A coarse clock (or a clock set back) can make the old HTML look as new as the edited page."""
    import os
    import time

    register, cache = project / "tasks.yaml", project / "cache"
    run(register, project / "site", cache)
    later = time.time_ns() + 86_400 * 10**9
    for path in (cache / "site-builder" / "site").rglob("*"):
        os.utime(path, ns=(later, later))
    register.write_text(register.read_text(encoding="utf-8").replace(REPORT, REPORT.replace("30}", "45}")),
                        encoding="utf-8")
    run(register, project / "site", cache)
    run(register, project / "clean", project / "fresh-cache")
    assert files(project / "site") == files(project / "clean")


@pytest.mark.parametrize("page", ["about.md", "guide/README.md"])
def test_a_hand_written_page_edited_gives_the_clean_build(project, page):
    """Its title is in every page's navigation; a README is built as its folder's index."""
    register, cache, source = project / "tasks.yaml", project / "cache", project / "content" / page
    source.parent.mkdir(exist_ok=True)
    if not source.exists():
        source.write_text("# Hướng dẫn\n\nNội dung cũ.\n", encoding="utf-8")
    run(register, project / "site", cache)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(text.splitlines()[0], "# Giới thiệu mới", 1) + "\nNội dung mới.\n",
                      encoding="utf-8")
    run(register, project / "site", cache)
    run(register, project / "clean", project / "fresh-cache")
    assert files(project / "site") == files(project / "clean")


def test_the_published_site_shares_the_workspace_bytes_and_a_later_build_leaves_it_alone(project):
    """No second copy of the site in the cache: the published files are hard links to the workspace's.
    A warm build after an edit writes new files, so the site published before keeps its bytes."""
    register, cache = project / "tasks.yaml", project / "cache"
    run(register, project / "site", cache)
    page = project / "site" / "tasks" / "4" / "index.html"
    kept = cache / "site-builder" / "site" / "tasks" / "4" / "index.html"
    assert page.stat().st_ino == kept.stat().st_ino  # one file on disk, two names
    before = files(project / "site")
    register.write_text(register.read_text(encoding="utf-8").replace(REPORT, REPORT.replace("30}", "45}")),
                        encoding="utf-8")
    second = run(register, project / "other", cache)
    assert 0 < second.pages_rebuilt < second.pages / 2
    assert files(project / "site") == before  # sitemap, 404 page, rebuilt pages: not written through the links
    assert "45%" in (project / "other" / "tasks" / "4" / "index.html").read_text(encoding="utf-8")
    assert "45%" not in page.read_text(encoding="utf-8")


def test_the_replaced_site_is_brought_up_to_date_as_the_next_copy_and_never_differs_from_a_clean_build(project):
    """The site a build replaces is kept as a spare and, in the next build, made the workspace's site
    again by linking only what changed and removing what is gone: a page added, edited, removed."""
    register, cache = project / "tasks.yaml", project / "cache"
    original = register.read_text(encoding="utf-8")
    added = original + "  - {id: 9, title: Trồng cây xanh, group: do-thi, lead: phong-qldt, deadline: 2021-11-30}\n"
    edited = added.replace(REPORT, REPORT.replace("30}", "45}"))
    for number, text in enumerate([original, added, edited, original]):
        register.write_text(text, encoding="utf-8")
        run(register, project / "site", cache)
        clean = project / f"clean-{number}"
        run(register, clean, project / f"fresh-{number}")
        assert files(project / "site") == files(clean)
        assert (project / "site" / "tasks" / "9" / "index.html").exists() == (text != original)
        # the first build replaced no site and made its spare; later ones keep the site they replaced
        assert (cache / "site-builder" / "spare").is_dir()
