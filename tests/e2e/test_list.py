"""The task list as a person sees it, at 360 px and 1280 px, with JavaScript and without.

Rows are counted by what is on the screen (a box with a size, not `visibility: hidden`), in the
order they appear from top to bottom, never by the attributes the script sets. The expected rows
come from the site's own open data (data/tasks.json), not from the page. Fixtures in conftest.py."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest


WIDTHS = [360, 1280]
SEEN_ROWS = """rows => rows
    .map(r => [r.getBoundingClientRect(), r])
    .filter(([box, r]) => box.width > 0 && box.height > 0 && getComputedStyle(r).visibility !== 'hidden')
    .sort((a, b) => a[0].top - b[0].top)
    .map(([box, r]) => parseInt(r.cells[0].textContent.trim(), 10))"""


@pytest.fixture(scope="module")
def open_data(built_site: Path) -> tuple[list[dict], dt.date]:
    tasks = json.loads((built_site / "data" / "tasks.json").read_text(encoding="utf-8"))
    summary = json.loads((built_site / "data" / "summary.json").read_text(encoding="utf-8"))
    return tasks, dt.date.fromisoformat(summary["as_of"])


PARTITION = ("done_early", "done_on_day", "done_late", "overdue", "in_progress", "not_started", "paused",
             "cancelled")


def part(task: dict) -> str:
    if task["status"] == "done":
        return "done_early" if task["early"] else "done_late" if task["late"] else "done_on_day"
    return "overdue" if task["overdue"] else task["status"]


def shown_for(task: dict, value: str) -> bool:
    """Whether the status filter ``value`` keeps the task: a part, all done, or all not yet due."""
    if value == "done":
        return task["status"] == "done"
    if value == "not_yet_due":
        return part(task) in ("in_progress", "not_started", "paused")
    return not value or part(task) == value


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if not "\u0300" <= c <= "\u036f").lower()


def open_list(page, path: str, script: bool = True) -> None:
    """Open the list and wait until it is ready to use (not for every image of the page)."""
    page.goto(path, wait_until="domcontentloaded", timeout=30_000)
    if script:
        page.locator("#task-filters").wait_for(state="visible", timeout=30_000)


def seen_rows(page) -> list[int]:
    """The numbers of the task rows a person can see, top to bottom."""
    return page.locator("#task-table tbody tr").evaluate_all(SEEN_ROWS)


def expected_order(tasks: list[dict], key: str, as_of: dt.date) -> list[int] | None:
    """The task numbers in the order the sort control promises; None for text orders (checked apart)."""
    def days_overdue(t: dict) -> int:
        return (as_of - dt.date.fromisoformat(t["deadline"])).days if t["overdue"] else 0

    def progress(t: dict) -> float:
        return -1 if t["progress"] is None else t["progress"]

    keys = {
        "id": lambda t: (t["id"],),
        "deadline": lambda t: (t["deadline"], t["id"]),
        "-deadline": lambda t: (-dt.date.fromisoformat(t["deadline"]).toordinal(), t["id"]),
        "-overdue": lambda t: (-days_overdue(t), t["id"]),
        "progress": lambda t: (progress(t), t["id"]),
        "-progress": lambda t: (-progress(t), t["id"]),
    }
    if key not in keys:
        return None
    return [t["id"] for t in sorted(tasks, key=keys[key])]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_status_filter_shows_exactly_its_rows(new_page, open_data, width):
    tasks, _ = open_data
    page = new_page(width=width, height=740 if width == 360 else 800)
    open_list(page, "/tasks/")
    assert sorted(seen_rows(page)) == sorted(t["id"] for t in tasks)
    values = page.locator("select[name=status] option").evaluate_all("os => os.map(o => o.value)")
    assert set(PARTITION) | {"done", "not_yet_due"} <= set(values)
    counter = page.locator(".filters__count")
    for value in values:
        page.select_option("select[name=status]", value)
        wanted = sorted(t["id"] for t in tasks if shown_for(t, value))
        assert sorted(seen_rows(page)) == wanted, (value, width)
        assert f"Đang hiện {len(wanted)}/{len(tasks)} nhiệm vụ" in counter.inner_text()
        assert counter.is_visible()
    # the partition: its parts together are the whole list, each task once
    seen: list[int] = []
    for value in PARTITION:
        page.select_option("select[name=status]", value)
        seen += seen_rows(page)
    assert sorted(seen) == sorted(t["id"] for t in tasks)


@pytest.mark.parametrize("width", WIDTHS)
def test_other_filters_and_text_show_exactly_their_rows(new_page, open_data, width):
    tasks, _ = open_data
    page = new_page(width=width, height=740 if width == 360 else 800)
    open_list(page, "/tasks/")
    for name in ("group", "bloc", "agency"):
        values = page.locator(f"select[name={name}] option").evaluate_all("os => os.map(o => o.value)")
        field = "lead" if name == "agency" else name
        for value in values:
            page.select_option(f"select[name={name}]", value)
            assert sorted(seen_rows(page)) == sorted(t["id"] for t in tasks if not value or t[field] == value)
        page.select_option(f"select[name={name}]", "")
    page.fill("input[name=text]", "chieng co")
    assert set(seen_rows(page)) >= {43, 50, 51}
    texts = page.locator("#task-table tbody tr").evaluate_all(
        "rows => rows.filter(r => r.getBoundingClientRect().height > 0).map(r => r.textContent)")
    assert len(texts) < len(tasks) and all("chieng" in fold(t) and "co" in fold(t) for t in texts), texts


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sort_control_orders_the_rows_a_person_sees(new_page, open_data, width):
    tasks, as_of = open_data
    page = new_page(width=width, height=740 if width == 360 else 800)
    open_list(page, "/tasks/")
    control = page.locator("select[name=sort]")
    box = control.bounding_box()
    assert box and box["width"] > 40 and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    keys = control.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert {"id", "deadline", "-deadline", "-overdue", "progress", "-progress", "title"} <= set(keys)
    titles = {t["id"]: t["title"] for t in tasks}
    for key in keys:
        control.select_option(key)
        order = seen_rows(page)
        assert sorted(order) == sorted(titles), key
        wanted = expected_order(tasks, key, as_of)
        if wanted is not None:
            assert order == wanted, key
        elif key == "title":  # Vietnamese order: "Ban ..." before "Xây ..."
            assert order != expected_order(tasks, "id", as_of)
            assert titles[order[0]].casefold()[0] <= titles[order[-1]].casefold()[0]
    # a sort and a filter together, kept in the address
    control.select_option("-progress")
    page.select_option("select[name=status]", "overdue")
    assert page.url.endswith("/tasks/?status=overdue&sort=-progress")
    overdue = [t for t in tasks if part(t) == "overdue"]
    assert seen_rows(page) == expected_order(overdue, "-progress", as_of)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("value", "selected"), [("overdue", "overdue"), ("done_late", "done_late"),
                                                ("not_yet_due", "not_yet_due"), ("done_on_time", "done_on_day")])
def test_links_to_a_filtered_list_work_on_every_width(new_page, open_data, width, value, selected):
    tasks, _ = open_data
    page = new_page(width=width, height=740 if width == 360 else 800)
    open_list(page, f"/tasks/?status={value}")
    assert page.locator("select[name=status]").input_value() == selected
    assert sorted(seen_rows(page)) == sorted(t["id"] for t in tasks if shown_for(t, selected))
    assert 0 < len(seen_rows(page)) < len(tasks)


@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_the_whole_list_and_no_dead_control(browser, base_url, open_data, width):
    tasks, _ = open_data
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=base_url,
                                  java_script_enabled=False, service_workers="block")
    try:
        page = context.new_page()
        open_list(page, "/tasks/?status=overdue", script=False)
        assert sorted(seen_rows(page)) == sorted(t["id"] for t in tasks)
        for control in ("#task-filters", "select", "input[name=text]", "#task-table th button", ".site-search__open"):
            shown = [el for el in page.locator(control).all() if el.is_visible()]
            assert not shown, f"{control} is shown but cannot work without JavaScript"
    finally:
        context.close()
