"""No page too large at province scale (issue 14: no page over 500 KB of HTML at N = 10,000).

A synthetic register (benchmarks/synth.py) of 3,000 tasks: its blocs hold about 1,500 tasks each and
its groups several hundred, so a page that lists all of its tasks would be far over the limit. Every
generated page but the task pages (one task each), the monthly reports included, is rendered as the
site builder receives it; the
builder adds the same shell (header, navigation, ~30 KB) to each. Long tables are cut into pages of
``TABLE_PAGE_SIZE`` rows that link to each other, and every task stays on one of them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from generator import derive, load, report, validate
from generator.render import pages
from generator.render import report as report_pages
from tests.conftest import ROOT

N = 3_000
LIMIT = 500 * 1024
SHELL = 40 * 1024  # what the site builder wraps around a page's own HTML, with room to spare


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pages.Site]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    loaded = load.load_bytes(synth.generate(N).encode("utf-8"), max_bytes=1 << 30)
    checked = validate.validate(loaded)
    assert checked.register is not None and checked.as_of is not None
    site = pages.Site(checked.register, derive.derive(checked.register, checked.as_of.date), checked.register.meta.language)
    docs = tmp_path_factory.mktemp("sizes")
    pages.render(site, docs, [p for p in pages.plan(site) if p.template != "task.md.j2"])
    made = report.all_reports(site.register, site.figures.as_of, None)  # without PDFs: the page links the task list
    pages.render(site, docs, report_pages.pages(made, set()))
    return docs, site


def test_no_listing_page_nears_the_limit(staged):
    docs, _ = staged
    sizes = {p.relative_to(docs).as_posix(): p.stat().st_size for p in docs.rglob("*.md")}
    largest = max(sizes, key=sizes.__getitem__)
    assert sizes[largest] + SHELL < LIMIT, (largest, sizes[largest])


@pytest.mark.parametrize("kind", ["agencies", "groups", "blocs"])
def test_every_task_of_a_long_table_is_on_one_of_its_linked_pages(staged, kind):
    docs, site = staged
    reg = site.register
    owners = {"agencies": lambda t: [t.lead, *getattr(t, "partners", ())], "groups": lambda t: [t.group],
              "blocs": lambda t: [reg.agencies[t.lead].bloc]}[kind]
    paged_somewhere = False
    for folder in sorted(p for p in (docs / kind).iterdir() if p.is_dir()):
        first = (folder / "index.md").read_text(encoding="utf-8")
        linked = set(re.findall(rf'href="(?:\.\./)*{kind}/{re.escape(folder.name)}/page/(\d+)/"', first))
        extra = sorted(int(p.parent.name) for p in (folder / "page").glob("*/index.md")) if (folder / "page").is_dir() else []
        assert sorted(int(k) for k in linked) == extra  # the first page links to every other page
        paged_somewhere |= bool(extra)
        shown: list[int] = []
        for text in [first] + [(folder / "page" / str(k) / "index.md").read_text(encoding="utf-8") for k in extra]:
            rows = re.findall(r'<td data-label="[^"]*" data-value="(\d+)">', text)
            assert len(rows) <= pages.TABLE_PAGE_SIZE
            shown += [int(r) for r in rows]
        wanted = sorted(t.id for t in reg.tasks if folder.name in owners(t))
        assert sorted(shown) == wanted, folder.name
    if kind != "agencies":
        assert paged_somewhere  # the register is large enough for the test to mean something
