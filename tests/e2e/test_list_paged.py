"""The task list when it is too long for one page (checked on the example, cut into pages of 40
and data files of 30 tasks, as 10,000 tasks are cut into pages of 200 and files of 1,000).

Without JavaScript every task is on one of the pages, reached by plain links; with it, a filter or
an order works over all tasks, fetched from the list's data, and the address keeps the state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main
from generator.render import pages
from tests.conftest import ROOT

SEEN = """rows => rows.filter(r => { const b = r.getBoundingClientRect(); return b.width > 0 && b.height > 0; })
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
    .map(r => parseInt(r.cells[0].textContent.trim(), 10))"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("e2e-paged") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "LIST_PAGE_SIZE", 40)
        patch.setattr(pages, "LIST_CHUNK_SIZE", 30)
        patch.setattr(pages, "TABLE_PAGE_SIZE", 3)  # an agency's 8 + partnered tasks on several pages
        assert main(["build", "--register", str(ROOT / "tasks.yaml"), "--out", str(out)]) == 0
    yield out


@pytest.fixture(scope="module")
def tasks(built_site: Path) -> list[dict]:
    return json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))


def seen_rows(page) -> list[int]:
    return page.locator("#task-table tbody tr").evaluate_all(SEEN)


@pytest.mark.parametrize("width", [360, 1280])
def test_without_javascript_every_task_is_on_a_page_reached_by_links(browser, base_url, tasks, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=base_url,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/tasks/")
        seen: list[int] = []
        addresses = []
        for link in page.locator(".list-pager").first.locator("a").all():
            assert link.is_visible()
            addresses.append(link.get_attribute("href"))
        assert len(addresses) == 3
        for address in addresses:
            page.goto(page.url if address.startswith("http") else base_url + "/tasks/" + address.split("tasks/", 1)[-1])
            rows = seen_rows(page)
            assert 0 < len(rows) <= 40
            seen += rows
        assert sorted(seen) == sorted(t["id"] for t in tasks)
        assert not page.locator("#task-filters").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_filter_works_over_all_pages_from_the_data(new_page, tasks, width):
    page = new_page(width=width, height=740 if width == 360 else 800)
    page.goto("/tasks/page/2/?status=overdue&sort=-progress", wait_until="domcontentloaded")
    counter = page.locator(".filters__count")
    overdue = [t for t in tasks if t["overdue"]]
    page.wait_for_function("want => document.querySelector('.filters__count').textContent.trim() === want",
                           arg=f"Đang hiện {len(overdue)}/{len(tasks)} nhiệm vụ", timeout=30_000)
    wanted = [t["id"] for t in sorted(overdue, key=lambda t: (-(t["progress"] or 0), t["id"]))]
    assert seen_rows(page) == wanted
    assert not page.locator(".list-pager").first.is_visible()  # the pages are not the answer now
    page.select_option("select[name=status]", "")
    page.fill("input[name=text]", "chieng co")
    page.wait_for_function("() => /Đang hiện [0-9]+\\/100 nhiệm vụ$/.test(document.querySelector('.filters__count').textContent.trim())")
    assert {43, 50, 51} <= set(seen_rows(page))
    assert "text=chieng+co" in page.url and "sort=-progress" in page.url
    page.fill("input[name=text]", "")
    page.select_option("select[name=sort]", "id")
    assert page.url.endswith("/tasks/page/2/")
    assert seen_rows(page) == [t["id"] for t in sorted(tasks, key=lambda t: t["id"])][40:80]
    assert page.locator(".list-pager").first.is_visible()
    assert counter.inner_text() == ""


def test_the_list_data_is_small_and_fetched_in_chunks(new_page, built_site, tasks):
    page = new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/list/" in r.url else None)
    page.goto("/tasks/?status=done", wait_until="domcontentloaded")
    page.wait_for_function("() => /Đang hiện [0-9]+\\/100 nhiệm vụ$/.test(document.querySelector('.filters__count').textContent.trim())")
    assert [u.rsplit("/", 1)[1] for u in fetched] == ["meta.json", "0.json", "1.json", "2.json", "3.json"]
    assert sorted(seen_rows(page)) == sorted(t["id"] for t in tasks if t["status"] == "done")
    sizes = [p.stat().st_size for p in (built_site / "list").glob("*.json")]
    assert max(sizes) < 30 * 600, sizes  # a few hundred bytes a task


AGENCY = "phong-kinh-te"  # the example's agency with the most tasks


@pytest.mark.parametrize("width", [360, 1280])
def test_without_javascript_an_agencys_next_pages_are_reached_by_links(browser, base_url, tasks, width):
    context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 800},
                                  base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/agencies/{AGENCY}/")
        assert page.locator(".kpis--partition").is_visible()  # the first page keeps the figures
        seen = seen_rows_of(page)
        number = 1
        while True:
            following = page.locator(".list-pager").first.get_by_role("link", name=str(number + 1), exact=True)
            if not following.count():
                break
            following.scroll_into_view_if_needed()
            box = following.bounding_box()
            assert following.is_visible() and box and box["width"] >= 24 and box["height"] >= 24
            following.click()
            number += 1
            assert page.url.endswith(f"/agencies/{AGENCY}/page/{number}/")
            assert page.locator("h1").inner_text().rstrip("¶ ").endswith(str(number))
            back = page.locator(".list-pager__back a")
            assert back.is_visible()
            rows = seen_rows_of(page)
            assert 0 < len(rows) <= 3
            seen += rows
        assert number >= 3
        wanted = [t["id"] for t in tasks if t["lead"] == AGENCY or AGENCY in t["partners"]]
        assert sorted(seen) == sorted(wanted)
        back.click()
        assert page.url.endswith(f"/agencies/{AGENCY}/")
    finally:
        context.close()


def seen_rows_of(page) -> list[int]:
    return page.locator(".task-table tbody tr").evaluate_all(SEEN)
