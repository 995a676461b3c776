"""The cascade in the browser (issue 15): the units page and a unit's home on a 360 px phone."""

from __future__ import annotations

import pytest

PHONE = {"width": 360, "height": 740}


def _inside_the_screen(box: dict[str, float] | None) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_units_page_shows_every_unit_as_a_card_within_the_phone(browser, base_url, js):
    context = browser.new_context(viewport=PHONE, base_url=base_url, java_script_enabled=js, service_workers="block")
    try:
        page = context.new_page()
        page.goto("units/")
        rows = page.locator("tr.unit-row")
        assert rows.count() == 4
        names = [rows.nth(i).locator("th a").inner_text() for i in range(4)]
        assert names == ["Thành phố Sơn La", "Xã Chiềng Cọ", "Phường Tô Hiệu", "Chi bộ tổ dân phố 5, phường Tô Hiệu"]
        for i in range(4):
            assert rows.nth(i).is_visible()
            assert _inside_the_screen(rows.nth(i).bounding_box()), names[i]
        # the party cell sits deeper in the tree than its ward
        ward = rows.nth(2).locator("th a").bounding_box()
        cell = rows.nth(3).locator("th a").bounding_box()
        assert ward and cell and cell["x"] > ward["x"]
        assert page.get_by_text("mỗi nhiệm vụ tính một lần").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_a_units_home_answers_first_and_links_to_its_parent(new_page):
    page = new_page(width=PHONE["width"], height=PHONE["height"])  # requests to other hosts fail the test
    page.goto("units/chi-bo-to-5-to-hieu/")
    sentence = page.locator(".answer__sentence").first
    assert sentence.is_visible() and "22 việc" in sentence.inner_text() and "6 đã hoàn thành" in sentence.inner_text()
    box = sentence.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"] and _inside_the_screen(box)
    parent = page.locator(".unit-line a", has_text="Phường Tô Hiệu")
    assert parent.is_visible()
    parent.click()
    page.wait_for_url("**/units/phuong-to-hieu/")
    assert "Tô Hiệu" in page.locator("h1").inner_text()
    page.goto("units/xa-chieng-co/tasks/1/")
    page.locator(".contributes-to a").first.click()
    page.wait_for_url("**/tasks/50/")
    assert page.get_by_text("Xã Chiềng Cọ").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_units_are_found_by_name_without_diacritics(new_page):
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto("units/")
    search = page.locator("#units-q")
    assert search.is_visible() and _inside_the_screen(search.bounding_box())
    search.fill("chieng co")
    visible = [row.locator("th a").inner_text() for row in page.locator("tr.unit-row").all() if row.is_visible()]
    assert visible == ["Xã Chiềng Cọ"]
    none = page.locator("#units-none")
    assert not none.inner_text().strip()
    search.fill("xyzabc")
    assert sum(row.is_visible() for row in page.locator("tr.unit-row").all()) == 0
    assert none.is_visible() and none.inner_text() == "Không có đơn vị nào có tên như vậy."
    search.fill("")
    assert sum(row.is_visible() for row in page.locator("tr.unit-row").all()) == 4
    assert not none.is_visible() or not none.inner_text().strip()


def test_a_units_own_pages_are_reached_from_each_of_its_pages_on_a_phone(new_page):
    """The site's tabs lead to the root's pages; a unit's section names its unit above the title of each of
    its pages and leads to its own list, reports and data, without pushing the answer off the first screen."""
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto("units/xa-chieng-co/")
    bar = page.locator("nav.section-nav")
    assert bar.is_visible() and _inside_the_screen(bar.bounding_box())
    assert "Xã Chiềng Cọ" in bar.locator(".section-nav__name").inner_text()
    sentence = page.locator(".answer__sentence").first
    box = sentence.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    bar.get_by_role("link", name="Danh sách nhiệm vụ").click()
    page.wait_for_url("**/units/xa-chieng-co/tasks/")
    assert page.locator("nav.section-nav a[aria-current='page']").inner_text() == "Danh sách nhiệm vụ"
    assert page.locator("a[href$='tasks/53/'], a[href$='tasks/53']").count() or page.get_by_text("53").count()
    # the row of pages scrolls sideways within the bar; its last page is reached and opens the unit's own
    last = page.locator("nav.section-nav").get_by_role("link", name="Nhật ký thay đổi")
    last.scroll_into_view_if_needed()
    assert _inside_the_screen(last.bounding_box())
    last.click()
    page.wait_for_url("**/units/xa-chieng-co/changes/")
    page.goto("units/xa-chieng-co/tasks/1/")
    assert "Xã Chiềng Cọ" in page.locator("nav.section-nav").inner_text()
    assert page.locator("nav.section-nav a[aria-current]").inner_text() == "Danh sách nhiệm vụ"


def test_site_search_finds_a_units_tasks_without_diacritics(page):
    from tests.e2e.test_browser import search

    page.goto("/")
    links = search(page, "ban hun")
    assert any("/units/xa-chieng-co/tasks/" in link for link in links[:5]), links[:5]


CITY = "Ban Chấp hành Đảng bộ Thành phố Sơn La khóa XIX"


@pytest.mark.parametrize("size", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_a_units_pages_name_the_unit_in_the_tab_and_the_header(new_page, size):
    """The tab and the header of a commune's pages name the commune's issuer, as the city's name the city's;
    a page of the commune's is titled by what it is (its list was "Index")."""
    page = new_page(width=size["width"], height=size["height"])
    pages = {
        "units/xa-chieng-co/": ("53 đầu việc năm 2021 của xã Chiềng Cọ", "Đảng ủy xã Chiềng Cọ"),
        "units/xa-chieng-co/tasks/": ("Danh sách nhiệm vụ", "Đảng ủy xã Chiềng Cọ"),
        "units/xa-chieng-co/tasks/5/": ("Nhiệm vụ 5. Duy trì sinh hoạt chi bộ định kỳ hằng tháng ở các bản",
                                        "Đảng ủy xã Chiềng Cọ"),
        "": ("Kết luận số 55-KL/TU năm 2021", CITY),
        "tasks/50/": ("Nhiệm vụ 50. Bê tông hóa đường giao thông nông thôn trên địa bàn xã Chiềng Cọ", CITY),
    }
    for path, (title, owner) in pages.items():
        page.goto(path)
        assert page.title() == f"{title} - {owner}"
        topic = page.locator(".md-header__topic").first.locator(".md-ellipsis")
        assert topic.is_visible() and topic.inner_text().strip() == owner, path
        box, header = topic.bounding_box(), page.locator("header.md-header").bounding_box()
        assert box and header and box["y"] >= header["y"] - 0.5
        assert box["y"] + box["height"] <= header["y"] + header["height"] + 0.5
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5
        assert not topic.evaluate("e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1")
