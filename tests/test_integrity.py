"""The example site as a whole: builds strict, reproducible, no broken link, no request to another
host, and a build killed at any moment leaves the previous site as it was."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from generator.cli import main
from tests.conftest import REGISTERS, ROOT

def build(out: Path, register: Path = ROOT / "tasks.yaml") -> None:
    assert main(["build", "--register", str(register), "--out", str(out)]) == 0


@pytest.fixture(scope="module")
def example(tmp_path_factory, source_date_epoch) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    build(out)
    return out


def files(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file()}


def test_example_has_every_page(example):
    for page in ["index.html", "tasks/index.html", "attention/index.html", "agencies/index.html",
                 "groups/index.html", "blocs/index.html", "open-data/index.html", "changes/index.html",
                 "errors/index.html", "feed.xml", "data/tasks.csv", "data/summary.json"]:
        assert (example / page).is_file(), page
    assert len(list((example / "tasks").glob("*/index.html"))) == 100
    assert len(list((example / "charts").glob("*.svg"))) >= 10


def test_two_builds_are_byte_identical(example, tmp_path, source_date_epoch):
    again = tmp_path / "again"
    build(again)
    first, second = files(example), files(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _target(site: Path, page: Path, link: str) -> tuple[Path, str]:
    url, fragment = urldefrag(link)
    url = url.split("?", 1)[0]
    if not url:
        return page, fragment
    base = site if url.startswith("/") else page.parent  # 404.html links from the site root
    path = (base / unquote(url).lstrip("/")).resolve()
    if path.is_dir():
        path = path / "index.html"
    return path, fragment


def broken_links(site: Path) -> list[str]:
    """Every link of the site's pages to a file or an anchor of the site that is not there."""
    parsed = {p: _parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, parser in parsed.items():
        for link in parser.links:
            if urlparse(link).scheme or link.startswith("//"):
                continue
            target, fragment = _target(site, page, link)
            if not target.exists():
                broken.append(f"{page.relative_to(site)} → {link}")
            elif fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(site)} → {link} (anchor)")
    return broken


def test_no_broken_internal_link_or_anchor(example):
    assert broken_links(example) == []


FETCHING = re.compile(r"""(?:src|srcset|data)\s*=\s*["']?\s*(?:https?:)?//|<link[^>]+rel=["'][^"']*(?:stylesheet|preload|preconnect|icon|manifest|prefetch|dns-prefetch)[^>]*href=["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)
KNOWN_THIRD_PARTIES = ("fonts.googleapis.com", "fonts.gstatic.com", "api.github.com", "cdn.jsdelivr.net",
                       "unpkg.com", "cdnjs.cloudflare.com", "www.googletagmanager.com")


def test_no_request_to_another_host(example):
    offenders = []
    for path in example.rglob("*"):
        if path.suffix not in (".html", ".css", ".svg", ".js", ".xml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix != ".js" and path.suffix != ".xml":
            offenders += [f"{path.relative_to(example)}: {m.group(0)}" for m in FETCHING.finditer(text)]
        if path.suffix in (".html", ".css"):
            offenders += [f"{path.relative_to(example)}: {host}" for host in KNOWN_THIRD_PARTIES if host in text]
    assert offenders == []


def _outside_search(snapshot: dict[str, bytes]) -> set[str]:
    return {name for name in snapshot if not name.startswith("pagefind/")}


def _snapshot(tree: Path) -> dict[str, bytes]:
    return files(tree) if tree.exists() else {}


# Every point where the pipeline hands over to its next stage, in order (build.build_site's hook).
STAGES = ("load", "validate", "derive", "copy", "history", "charts", "reports", "pages", "list", "data", "feed", "pdfs",
          "mkdocs", "search", "swap", "done")
KILL_AT = """
import os, signal, sys
from pathlib import Path
from generator.build import SiteOptions, build_site

register, out, stage = sys.argv[1:]
def hook(name):
    if name == stage:
        os.kill(os.getpid(), signal.SIGKILL)
build_site(SiteOptions(Path(register), Path(out), on_stage=hook))
"""


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory, source_date_epoch) -> Path:
    out = tmp_path_factory.mktemp("previous") / "site"
    build(out, REGISTERS / "valid" / "small.yaml")
    return out


def test_the_hook_sees_every_stage_in_order(tmp_path, source_date_epoch):
    from generator.build import SiteOptions, build_site

    seen: list[str] = []
    assert build_site(SiteOptions(REGISTERS / "valid" / "small.yaml", tmp_path / "site", on_stage=seen.append)).ok
    assert tuple(seen) == STAGES


@pytest.mark.slow
@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_at_any_stage_leaves_the_previous_site_or_the_complete_new_one(previous_site, tmp_path,
                                                                                       stage, source_date_epoch):
    small = REGISTERS / "valid" / "small.yaml"
    changed = tmp_path / "tasks.yaml"
    changed.write_text(small.read_text(encoding="utf-8").replace("Cải tạo chợ trung tâm", "Cải tạo chợ Sơn La"),
                       encoding="utf-8")
    out = tmp_path / "site"
    shutil.copytree(previous_site, out)
    old = _snapshot(out)
    # its output closes (every process it started has ended: a worker left rendering would hold it open)
    killed = subprocess.run([sys.executable, "-c", KILL_AT, str(changed), str(out), stage], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # the build reached the stage and died there
    now = _snapshot(out)
    if stage == "done":  # killed after the swap: the new site, whole
        # The search index's files are named by their content, so a changed page renames some of them:
        # every other file is where it was, and every index file the entry names is there.
        assert _outside_search(now) == _outside_search(old)
        entry = json.loads(now["pagefind/pagefind-entry.json"])
        for language in entry["languages"].values():
            assert f"pagefind/pagefind.{language['hash']}.pf_meta" in now
        assert "Cải tạo chợ Sơn La" in now["tasks/5/index.html"].decode("utf-8")
    else:
        assert now == old
