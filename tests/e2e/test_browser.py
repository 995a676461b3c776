"""The example site in a real browser: figures, filters, search without diacritics, accessibility,
phones, and no request to another host. Fixtures in conftest.py. E2E_SCREENSHOTS=DIR keeps the
screenshot of the search results on a phone (otherwise it goes to pytest's tmp folder)."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from generator import i18n
from tests.e2e.conftest import UnderRepo, serve
from tests.e2e.network import LOCAL_HOST, REQUESTS, is_local

ROWS = "#task-table tbody tr:not([hidden])"
SEARCH_INPUT = "#site-search-input"
SEARCH_RESULTS = ".site-search__results a"
AXE_PAGES = ["/", "/tasks/", "/tasks/47/", "/agencies/", "/open-data/"]
PHONE_PAGES = AXE_PAGES + ["/attention/"]


def fold(text: str) -> str:
    """The same folding as the site's search: no diacritics, đ → d, lower case."""
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if not "\u0300" <= c <= "\u036f").lower()


def visible_rows(page) -> int:
    return page.locator(ROWS).count()


# 1. Home page, task list, task page ------------------------------------------------------------

def test_home_page_shows_its_figures_and_charts(page):
    page.goto("/")
    assert "Số liệu tính đến ngày 31/05/2021" in page.locator(".as-of").inner_text()
    assert page.locator(".kpi--done_on_day .kpi__value").inner_text() == "23"
    assert page.locator("a.kpi--overdue .kpi__value").inner_text() == "6"
    page.locator("details.home-more > summary").click()  # the charts are one tap away
    charts = page.locator("figure.chart img")
    assert charts.count() >= 2
    for chart in charts.all():  # loading="lazy": a chart loads when it comes into view
        chart.scroll_into_view_if_needed()
    page.wait_for_function("""() => [...document.querySelectorAll('figure.chart img')]
        .every(img => img.complete)""")
    widths = charts.evaluate_all("imgs => imgs.map(img => img.naturalWidth)")
    assert all(w > 0 for w in widths), widths
    assert all(alt for alt in charts.evaluate_all("imgs => imgs.map(img => img.alt)")), "every chart has a text"


def test_task_list_filters_by_status_and_text(page):
    page.goto("/tasks/")
    assert visible_rows(page) == 100
    page.select_option("select[name=status]", "done")
    assert visible_rows(page) == 38
    assert set(page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.status)")) == {"done"}
    page.select_option("select[name=status]", "")
    page.fill("input[name=text]", "be tong")
    rows = page.locator(ROWS).all_inner_texts()
    assert 0 < len(rows) < 100
    assert all("bê tông" in row.lower() for row in rows), rows
    assert "Đang hiện %d/100 nhiệm vụ" % len(rows) in page.locator(".filters__count").inner_text()
    page.fill("input[name=text]", "")
    assert visible_rows(page) == 100


def test_status_filter_from_the_address(page):
    page.goto("/tasks/?status=done")
    assert page.locator("select[name=status]").input_value() == "done"
    assert visible_rows(page) == 38


def test_a_task_page_opens_from_the_list(page):
    page.goto("/tasks/")
    page.fill("input[name=text]", "chieng co truong tieu hoc")
    link = page.locator(ROWS).first.locator("td[data-label='Nhiệm vụ'] a")
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/tasks/43/$"))
    assert title in page.locator("h1").first.inner_text()
    assert "Chiềng Cọ" in page.locator("h1").first.inner_text()


# 2. Search (the site's own box over the Pagefind index) -----------------------------------------

def open_search(page):
    """The search box as a citizen finds it: the magnifier in the header, at every width."""
    page.locator(".site-search__open").click()
    field = page.locator(SEARCH_INPUT)
    assert field.is_visible()
    return field


def search(page, query: str, root_results: int = 0) -> list[str]:
    """Type ``query`` into the search box; the result links, best first (without ?h=). With
    ``root_results``, "more results" is pressed until that many of the root register's task pages are
    listed (the units' pages, found too since issue 15, can fill the first page)."""
    field = page.locator(SEARCH_INPUT)
    if not field.is_visible():
        field = open_search(page)
    field.press("Control+a")
    field.press("Backspace")
    page.evaluate("window.__e2eResults = null")
    page.keyboard.type(query, delay=15)
    page.keyboard.press("End")  # a key press after any text typed without key events (ọ, ề)
    # wait until the count is said and the list stops changing
    page.wait_for_function("""() => {
        const list = document.querySelector('.site-search__results');
        const status = document.querySelector('.site-search__status');
        const state = status.textContent + list.innerHTML, now = performance.now();
        const last = window.__e2eResults;
        if (!last || last.state !== state) { window.__e2eResults = {state, since: now}; return false; }
        return /\\d/.test(status.textContent) && list.children.length > 0 && now - last.since > 400;
    }""", polling=100, timeout=30_000)
    links = [re.sub(r"\?.*$", "", a.get_attribute("href")) for a in page.locator(SEARCH_RESULTS).all()]
    more = page.locator(".site-search__more")
    while len(task_links(links)) < root_results and more.is_visible():
        listed = len(links)
        more.click()
        page.wait_for_function(f"() => document.querySelectorAll('{SEARCH_RESULTS}').length > {listed}",
                               timeout=30_000)
        links = [re.sub(r"\?.*$", "", a.get_attribute("href")) for a in page.locator(SEARCH_RESULTS).all()]
    return links


def task_links(links: list[str]) -> list[int]:
    """The root register's task numbers among the results (the units' task pages, under units/<id>/tasks/,
    are found too since issue 15 and are left out here)."""
    return [int(m.group(1)) for m in (re.search(r"/tasks/(\d+)/$", link) for link in links if "/units/" not in link)
            if m]


@pytest.mark.parametrize(("query", "tasks", "words"), [
    ("chieng co", {43, 50, 51}, "Chiềng Cọ"),
    ("to hieu", {46}, "Tô Hiệu"),
    ("be tong", {50}, "bê tông"),
    ("dang vien", {2, 13, 15, 17}, "đảng viên"),  # đ is not an accent: the box also asks for "đang"
    ("Chiềng Cọ", {43, 50, 51}, "Chiềng Cọ"),  # typed with its diacritics, it still works
    ("Chieng Cọ", {43, 50, 51}, "Chiềng Cọ"),  # and with only some of them
])
def test_search_finds_tasks_without_diacritics(page, query, tasks, words):
    page.goto("/")
    found = task_links(search(page, query, root_results=len(tasks) + 2))
    assert tasks <= set(found[:len(tasks) + 2]), found[:10]
    # the pages found do say the words, with their diacritics
    titles = page.locator(SEARCH_RESULTS).evaluate_all("links => links.map(a => a.textContent)")
    assert any(words.lower() in t.lower() for t in titles[:3]), titles[:3]


@pytest.mark.parametrize("query", ["chieng co", "Chiềng Cọ"])
def test_whole_words_and_phrases_rank_above_prefixes(page, query):
    page.goto("/")
    found = task_links(search(page, query, root_results=40))
    # 43, 50, 51 say "Chiềng Cọ"; 79 only "Chiềng Cơi", where "co" is the start of a word
    assert 79 in found and all(found.index(t) < found.index(79) for t in (43, 50, 51)), found


def test_search_snippets_keep_spaces_between_table_cells(page):
    page.goto("/")
    search(page, "muc tieu thanh pho")
    excerpts = page.locator(".site-search__excerpt").all_inner_texts()
    assert excerpts
    glued = [e for e in excerpts if any(a.islower() and b.isupper() for a, b in zip(e, e[1:]))]
    assert not glued, glued


def test_the_phrase_results_show_before_the_rest_is_counted_with_the_phrase_marked_in_context(page):
    """The results that have the words as a phrase are shown as soon as the engine has ranked them (at
    10,000 tasks, ~230 ms before it has ranked every page with a word beginning "co"): when the first
    result appears the box says it is still searching, and the count follows. Their excerpts are made
    from the page: the phrase marked where it stands, with words before and after it."""
    page.goto("/")
    open_search(page)
    page.evaluate("""() => {
        window.__firstSeen = null;
        new MutationObserver(() => {
            if (window.__firstSeen === null && document.querySelector('.site-search__results a'))
                window.__firstSeen = document.querySelector('.site-search__status').textContent;
        }).observe(document.querySelector('.site-search'), {subtree: true, childList: true, characterData: true});
    }""")
    search(page, "chieng co")
    assert page.evaluate("window.__firstSeen") == "Đang tìm…"
    assert re.fullmatch(r"\d+ kết quả", page.locator(".site-search__status").inner_text())
    first = page.locator(".site-search__excerpt").first
    marks = first.locator("mark")
    assert marks.count() >= 1 and fold(marks.first.inner_text()).lower() == "chieng co" and marks.first.is_visible()
    before, _, after = first.inner_text().partition(marks.first.inner_text())
    assert before.split() and after.strip(" .,").split(), first.inner_text()


def test_a_reader_typing_slowly_does_not_download_every_word_that_begins_with_one_letter(page):
    """A phone user pauses between keys: "chieng c" is on screen long enough to be searched. A last word of
    one letter beside others is not searched (every word beginning with "c" is a tenth of the index); the
    results for the finished words stay, and the search goes on at the next letter."""
    page.goto("/")
    chunks: list[str] = []
    page.on("request", lambda r: chunks.append(r.url) if "/pagefind/index/" in r.url else None)
    links = search(page, "chieng")
    fetched = len(chunks)
    page.keyboard.type(" c")
    page.wait_for_timeout(800)  # several times the pause after which the box searches
    assert len(chunks) == fetched, chunks[fetched:]
    assert [re.sub(r"\?.*$", "", a.get_attribute("href")) for a in page.locator(SEARCH_RESULTS).all()] == links
    page.keyboard.type("o")
    assert "/tasks/51/" in search_results_after_typing(page)


def search_results_after_typing(page) -> list[str]:
    """The result links once the list has settled after the last key."""
    page.wait_for_function("""() => {
        const list = document.querySelector('.site-search__results');
        const state = list.innerHTML, now = performance.now(), last = window.__e2eSettle;
        if (!last || last.state !== state) { window.__e2eSettle = {state, since: now}; return false; }
        return list.children.length > 0 && now - last.since > 600;
    }""", polling=100, timeout=30_000)
    return [re.sub(r"\?.*$", "", a.get_attribute("href")) for a in page.locator(SEARCH_RESULTS).all()]


def test_search_result_opens_the_task_with_the_words_marked(page):
    page.goto("/agencies/")
    search(page, "be tong")
    page.keyboard.press("Enter")  # Enter opens the best result: the city's task 50 or, since issue 15, Chiềng Cọ's share
    page.wait_for_url(re.compile(r"/(units/xa-chieng-co/)?tasks/\d+/\?h=be\+tong$"))
    marked = page.locator("article mark.search-hit").all_inner_texts()
    assert {fold(m).lower() for m in marked} == {"be tong"}, marked  # the phrase, where the page has it
    assert page.locator("article mark.search-hit").first.is_visible()


def test_the_words_of_a_phrase_are_not_marked_apart_where_the_page_has_the_phrase(page):
    """"chieng co" marks "Chiềng Cọ", not every "Cơ quan" (Cơ and Cọ are alike without accents); a word
    alone is still marked where it begins a word."""
    page.goto("/tasks/50/?h=chieng+co")
    marked = page.locator("article mark.search-hit").all_inner_texts()
    assert marked and {fold(m).lower() for m in marked} == {"chieng co"}, marked
    page.goto("/tasks/50/?h=quan")
    assert {fold(m).lower() for m in page.locator("article mark.search-hit").all_inner_texts()} == {"quan"}


def test_search_is_keyboard_usable_and_named(page):
    page.goto("/tasks/")
    opener = page.locator(".site-search__open")
    assert opener.is_visible() and opener.inner_text().strip() == "Tìm kiếm"
    page.locator("h1").click()
    page.keyboard.press("/")  # the shortcut to the search field
    assert page.evaluate("document.activeElement.id") == "site-search-input"
    assert page.locator("#site-search-input").evaluate("el => el.labels[0].textContent") == "Tìm trong trang web"
    search(page, "to hieu")
    assert re.fullmatch(r"\d+ kết quả", page.locator(".site-search__status").inner_text())
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href') || ''")
    assert focused.startswith("/units/phuong-to-hieu/?"), focused  # the ward's own home: the query names it
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search-input"
    page.keyboard.press("Escape")
    assert not page.locator("#site-search-input").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('site-search__open')")


def test_search_results_on_a_phone(new_page, tmp_path):
    page = new_page(width=360, height=740)
    page.goto("/")
    found = task_links(search(page, "chieng co"))
    assert {43, 50, 51} <= set(found[:5])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for box in page.locator(SEARCH_RESULTS).evaluate_all("links => links.map(a => a.getBoundingClientRect().right)"):
        assert box <= 360
    shots = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "search-chieng-co-360.png"))


@pytest.mark.parametrize("width", [360, 1280])
def test_search_opened_from_files_says_it_needs_a_web_server(browser, built_site, width):
    """Opened as files (file://), the browser lets no page fetch the index: the box says so, in words."""
    context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 800})
    try:
        page = context.new_page()
        page.goto((built_site / "tasks" / "43" / "index.html").as_uri())
        field = open_search(page)
        status = page.locator(".site-search__status")
        said = i18n.t("ui.search.offline", "vi")
        assert status.is_visible() and status.inner_text() == said
        field.type("chieng co", delay=15)
        page.wait_for_timeout(600)
        assert status.inner_text() == said
        assert not page.locator(SEARCH_RESULTS).count()
    finally:
        context.close()


def test_search_works_under_a_sub_path(browser, built_site):
    """Published at https://host/repo/, the box finds pages and links under /repo/."""
    with serve(built_site, UnderRepo) as url:
        context = browser.new_context(base_url=url, service_workers="block")
        try:
            page = context.new_page()
            missing: list[str] = []
            page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
            page.goto("/repo/tasks/43/")
            links = search(page, "be tong")
            assert links and all(link.startswith("/repo/") for link in links), links
            assert "/repo/tasks/50/" in links
            assert not missing, missing
        finally:
            context.close()


# 3. Accessibility ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def serious_violations(page, axe_source: str) -> str:
    """axe-core's serious and critical violations on the page as it is now, as a report ('' if none)."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    if not serious:
        return ""
    return f"axe-core {result['testEngine']['version']} on {page.url}:\n" + json.dumps(
        [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
          "nodes": [n["target"] for n in v["nodes"][:5]],
          "why": [n["failureSummary"] for n in v["nodes"][:2]]} for v in serious], ensure_ascii=False, indent=1)


@pytest.mark.parametrize("path", AXE_PAGES)
def test_no_serious_accessibility_violations(page, axe_source, path):
    page.goto(path)
    assert not (report := serious_violations(page, axe_source)), report


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_search_results_have_no_serious_accessibility_violations(new_page, axe_source, color_scheme):
    page = new_page(color_scheme=color_scheme)
    page.goto("/")
    search(page, "chieng co")
    assert not (report := serious_violations(page, axe_source)), report


# 4. Phones -------------------------------------------------------------------------------------

def test_no_page_scrolls_sideways_at_360px(new_page):
    page = new_page(width=360, height=740)
    wide = {}
    for path in PHONE_PAGES:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[path] = width
    assert not wide, f"pages wider than 360 px: {wide}"


# 5. Network (keep last: it checks the requests of every test before it) --------------------------

def test_no_request_left_the_local_server(page):
    page.goto("/")  # so that this test also checks something when it runs alone
    assert REQUESTS, "no request was recorded"
    outside = sorted({url for _, url in REQUESTS if not is_local(url)})
    assert not outside, f"requests to other hosts than {LOCAL_HOST}: {outside}"
