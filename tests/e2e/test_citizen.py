"""Issue 11 in a real browser: the answer on the first screen, one partition, since last month, the fair
scoreboard, the reader's words, link previews, the issuer in the header, charts in dark mode.

Each check runs at 360 × 740 and 1280 × 800, light and dark, with JavaScript on and off where it can
differ. E2E_SCREENSHOTS=DIR keeps the first-screen screenshots (otherwise pytest's tmp folder)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.e2e.network import REQUESTS, is_local

PHONE, DESKTOP = (360, 740), (1280, 800)
ANSWER = ("Đến ngày 31/05/2021, trong 100 việc: 38 đã hoàn thành (32 đúng hoặc trước hạn, 6 chậm), "
          "6 quá hạn chưa xong, 55 chưa đến hạn, 1 đã hủy.")
# Words the theme shows in English when it is not told otherwise.
ENGLISH = ("Made with", "Material for MkDocs", "Initializing search", "Dark mode", "Light mode",
           "Type to start searching", "Back to top", "Skip to content", "Table of contents", "Search")


@pytest.fixture
def open_page(browser, base_url, request):
    """A page in a fresh context: ``open_page(360, 740, "dark", js=False)``; other hosts are refused."""
    contexts, seen = [], []

    def make(width: int, height: int, scheme: str = "light", js: bool = True):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                      base_url=base_url, java_script_enabled=js, service_workers="block")
        context.set_default_timeout(10_000)
        context.route(lambda url: not is_local(url), lambda route: route.abort())
        context.on("request", lambda r: (seen.append(r.url), REQUESTS.append((request.node.nodeid, r.url))))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not [url for url in seen if not is_local(url)]


def screenshots(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def fully_in_view(page, locator) -> bool:
    """Whether the element is displayed and wholly inside the viewport, as the page first shows it."""
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box and box["width"] > 0 and box["height"] > 0 and box["x"] >= 0 and box["y"] >= 0
                and box["x"] + box["width"] <= size["width"] + 0.5 and box["y"] + box["height"] <= size["height"] + 0.5)


# 1. The first screen -----------------------------------------------------------------------------

@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_the_answer_is_on_the_first_screen(open_page, viewport, scheme, js, tmp_path):
    page = open_page(*viewport, scheme, js)
    page.goto("/")
    title, meta = page.locator("article h1").first, page.locator("article .register-meta")
    sentence, overdue = page.locator(".answer__sentence"), page.locator("a.answer__overdue")
    assert title.inner_text().strip().rstrip("¶").strip() == "Kết luận số 55-KL/TU năm 2021"
    assert "Ban Chấp hành Đảng bộ Thành phố Sơn La" in meta.inner_text()
    assert "Số liệu tính đến ngày 31/05/2021" in meta.inner_text()
    assert " ".join(sentence.inner_text().split()) == ANSWER
    assert overdue.inner_text().strip() == "Xem 6 việc quá hạn →"
    page.screenshot(path=str(screenshots(tmp_path) / f"home-{viewport[0]}-{scheme}-{'js' if js else 'nojs'}.png"))
    for what in (title, meta, sentence, overdue):
        assert fully_in_view(page, what), (what, what.bounding_box())
    # the overdue count leads to the overdue tasks
    overdue.click()
    page.wait_for_url(re.compile(r"/attention/#overdue$"))
    heading = page.locator("h2#overdue")
    assert "Quá hạn" in heading.inner_text() and heading.is_visible()
    assert page.locator("h2#overdue + div table tbody tr").count() == 6


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_home_page_is_at_most_five_phone_screens(open_page, js):
    page = open_page(*PHONE, js=js)
    page.goto("/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 5 * PHONE[1], height
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]


# 2. One partition ---------------------------------------------------------------------------------

def test_the_cards_are_one_partition_that_sums_to_the_total_as_in_summary_json(open_page):
    page = open_page(*PHONE)
    page.goto("/")
    cards = page.locator(".kpis--partition .kpi")
    shown = {card.locator(".kpi__label").inner_text(): int(card.locator(".kpi__value").inner_text())
             for card in cards.all() if card.is_visible()}
    assert len(shown) == 8 and sum(shown.values()) == 100, shown
    assert shown["Hoàn thành chậm"] == 6 and shown["Hoàn thành trước hạn"] == 9  # late as visible as early
    summary = page.request.get("/data/summary.json").json()
    assert sorted(shown.values()) == sorted(summary["partition"].values())
    assert "Đã đến hạn: 37% số việc (37)" in page.locator(".pace").inner_text()  # the pace beside the share done
    assert "Đã hoàn thành: 38% số việc (38)" in page.locator(".pace").inner_text()


# 3. Since last month ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/blocs/ubnd/", "/groups/", "/agencies/phong-tckh/"])
def test_each_summary_page_says_what_changed_since_last_month(open_page, path):
    page = open_page(*DESKTOP, js=False)
    page.goto(path)
    if path == "/groups/":  # a group page: the first one listed
        page.locator("article table a").first.click()
    box = page.locator("section.since")
    assert box.is_visible()
    text = " ".join(box.inner_text().split())
    assert "Từ cuối tháng trước (30/04/2021) đến nay" in text
    for words in ("việc mới hoàn thành", "việc mới quá hạn", "việc bị dời thời hạn", "việc có báo cáo cũ bị sửa"):
        assert words in text, text
    if path == "/":
        assert "10 việc mới hoàn thành" in text and "4 việc mới quá hạn" in text
        box.locator("a", has_text="32").click()  # a newly overdue task
        page.wait_for_url(re.compile(r"/tasks/32/$"))
        assert "Quá hạn" in page.locator("article").inner_text()


# 5. The fair scoreboard ---------------------------------------------------------------------------

def overdue_column(page) -> list[int]:
    return [int(v) for v in page.locator("#scoreboard tbody td[data-label='Quá hạn']").evaluate_all(
        "cells => cells.filter(c => c.offsetParent !== null).map(c => c.dataset.value)")]


def test_scoreboard_sorts_by_overdue_on_a_phone_with_its_sort_control(open_page, tmp_path):
    page = open_page(*PHONE)
    page.goto("/agencies/")
    control = page.locator("form.sort-control select")
    assert control.is_visible() and fully_in_view(page, control) or control.bounding_box()["width"] <= PHONE[0]
    control.select_option(label="Quá hạn ↓")
    column = overdue_column(page)
    assert column == sorted(column, reverse=True) and column[0] > 0
    first = page.locator("#scoreboard tbody tr").first
    first.scroll_into_view_if_needed()
    assert first.is_visible() and str(column[0]) in first.locator("td[data-label='Quá hạn']").inner_text()
    page.screenshot(path=str(screenshots(tmp_path) / "agencies-360-by-overdue.png"))
    control.select_option(label="Hạng ↑")
    assert page.locator("#scoreboard tbody tr").first.locator("td").first.inner_text().strip() == "1"


def test_scoreboard_sorts_by_each_heading_on_a_wide_screen(open_page):
    page = open_page(*DESKTOP)
    page.goto("/agencies/")
    page.locator("#scoreboard thead button", has_text="Quá hạn").click()
    column = overdue_column(page)
    assert column == sorted(column, reverse=True)
    page.locator("#scoreboard thead button", has_text="Quá hạn").click()
    assert overdue_column(page) == sorted(column)


def test_scoreboard_without_javascript_shows_no_dead_control_and_is_fair(open_page):
    page = open_page(*PHONE, js=False)
    page.goto("/agencies/")
    assert not page.locator("form.sort-control").is_visible()
    text = page.locator("article").inner_text()
    assert "tạm tính" in text  # 31/05 is not the year end: grades are provisional
    assert "Chưa đủ 3 việc đến hạn" in text  # one or two due tasks: not ranked, not graded
    grades = page.locator("#scoreboard tbody td[data-label='Xếp loại']").all_inner_texts()
    assert all("tạm tính" in g or g.startswith("Chưa đủ") for g in grades), grades
    assert sum("Hoàn thành xuất sắc" in g for g in grades) <= 2  # not 16 agencies sharing "xuất sắc"


# 6. The reader's words ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/tasks/", "/tasks/47/", "/agencies/", "/open-data/", "/changes/",
                                  "/attention/", "/methodology/"])
def test_no_english_word_of_the_theme_on_a_vietnamese_page(open_page, path):
    page = open_page(*DESKTOP)
    page.goto(path)
    visible = page.locator("body").inner_text()
    found = [w for w in ENGLISH if re.search(rf"\b{w}\b", visible)]
    assert not found, found
    html = page.content()
    assert "Initializing search" not in html and "Made with" not in html
    titles = page.locator("[title], [aria-label]").evaluate_all(
        "els => els.map(e => (e.getAttribute('title') || '') + ' ' + (e.getAttribute('aria-label') || ''))")
    assert not [t for t in titles if re.search(r"\b(Dark|Light) mode\b|\bSearch\b", t)], titles


def test_the_change_log_leads_with_what_changed_and_shows_no_bare_hash(open_page):
    page = open_page(*DESKTOP)
    page.goto("/changes/")
    headings = page.locator("section.revision h2").all_inner_texts()
    assert headings and all(re.match(r"\d\d/\d\d/\d{4}: \S", h) for h in headings), headings
    bare = page.locator("article").evaluate("""a => { const c = a.cloneNode(true);
        c.querySelectorAll('a').forEach(x => x.remove()); return c.innerText; }""")
    assert not re.search(r"\b[0-9a-f]{7,40}\b", bare)


# 8. Link previews and the header ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/tasks/47/", "/tasks/32/", "/agencies/", "/open-data/", "/about/"])
def test_every_page_has_link_preview_tags_with_one_site_image(open_page, path):
    page = open_page(*DESKTOP, js=False)
    page.goto(path)

    def meta(attr: str, name: str) -> str:
        return page.locator(f"head meta[{attr}='{name}']").get_attribute("content") or ""

    title, description, image = meta("property", "og:title"), meta("property", "og:description"), meta(
        "property", "og:image")
    assert title and description and image
    assert meta("name", "twitter:card") == "summary_large_image"
    assert meta("name", "twitter:image") == image and meta("name", "twitter:title") == title
    assert not image.startswith(("http://", "https://"))  # no site_url: relative to the page
    response = page.request.get(urljoin(page.url, image))
    assert response.ok and response.headers["content-type"] == "image/png"
    if path == "/":
        assert description == ANSWER
    if path == "/tasks/32/":  # an overdue task: its status and progress in the preview
        assert re.match(r"Quá hạn \d+ ngày · tiến độ \d", description), description
        assert "Nhiệm vụ 32." in title
    if path == "/tasks/47/":
        assert "tiến độ" in description and "thời hạn" in description


@pytest.mark.parametrize("width", [320, 360, 768, 1280])
def test_the_issuer_is_named_in_the_header_at_every_width(open_page, width):
    page = open_page(width, 740)
    page.goto("/agencies/")
    topic = page.locator(".md-header__topic").first.locator(".md-ellipsis")
    assert topic.inner_text().strip() == "Ban Chấp hành Đảng bộ Thành phố Sơn La khóa XIX"
    assert topic.is_visible()
    cut = topic.evaluate("e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1")
    assert not cut
    header = page.locator("header.md-header").bounding_box()
    box = topic.bounding_box()
    assert box["y"] >= header["y"] - 0.5 and box["y"] + box["height"] <= header["y"] + header["height"] + 0.5


# 9. Charts follow the colour scheme ------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_have_no_white_panel_in_dark_mode(open_page, scheme, tmp_path):
    from PIL import Image

    page = open_page(*DESKTOP, scheme)
    page.goto("/")
    page.locator("details.home-more > summary").click()
    chart = page.locator("figure.chart img").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('figure.chart img')].slice(0, 1).every(i => i.complete)")
    shot = Image.open(io.BytesIO(chart.screenshot())).convert("L")
    shot.save(screenshots(tmp_path) / f"chart-status-{scheme}.png")
    pixels = list(shot.getdata())
    mean = sum(pixels) / len(pixels)
    if scheme == "dark":
        assert mean < 90, mean  # a dark ground, not a white card
        label = page.locator("figure.chart figcaption").first
        colour = label.evaluate("e => getComputedStyle(e).color")
        assert colour != "rgba(0, 0, 0, 0.87)"  # the caption follows the theme too
    else:
        assert mean > 170, mean


def test_a_charts_data_table_names_each_figure_on_a_phone(new_page):
    """At 360 px a table becomes one column and its header row is hidden: each figure of a chart's data
    table says which column it is ("Số nhiệm vụ: 18"), as the other tables' cells do."""
    page = new_page(width=360, height=740)
    page.goto("tasks/50/")  # a task's progress over time
    details = page.locator("details.chart-data").first
    details.locator("summary").click()
    cells = details.locator("tbody td")
    assert cells.count() > 2 and cells.first.is_visible()
    headers = details.locator("thead th").all_inner_texts()
    shown = page.evaluate("""(cells) => cells.map(c => [getComputedStyle(c, '::before').content, c.textContent])""",
                          cells.element_handles())
    for i, (before, text) in enumerate(shown):
        assert before == f'"{headers[i % len(headers)]}: "', (before, text)
