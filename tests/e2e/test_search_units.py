"""Search across the registers of a site with units (issue 15), whose index is split by unit subtree
(generator/search_index.py) and merged in the browser: typed without diacritics on any page, a query
finds the pages of every section, and the result opens that page. Served under a sub-path, as on
GitHub Pages (https://owner.github.io/repo/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import UnderRepo, serve
from tests.e2e.network import is_local
from tests.e2e.test_browser import SEARCH_RESULTS, fold, search

SUB = UnderRepo.PREFIX


@pytest.fixture(scope="module")
def repo_url(built_site: Path) -> Iterator[str]:
    with serve(built_site, UnderRepo) as url:
        yield url


@pytest.fixture
def visitor(browser, repo_url: str) -> Iterator[tuple[object, list[str], list[str]]]:
    """A page of the site under /repo/, the addresses it asked for, and those that failed."""
    context = browser.new_context(base_url=repo_url, service_workers="block")
    context.set_default_timeout(15_000)
    context.route(lambda url: not is_local(url), lambda route: route.abort())
    asked: list[str] = []
    failed: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: asked.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        yield page, asked, failed
    finally:
        context.close()
    assert all(is_local(url) for url in asked), [url for url in asked if not is_local(url)]


@pytest.mark.parametrize(("start", "query", "found", "heading"), [
    # a commune's task, from the city's home page
    ("", "noi ban hun", "units/xa-chieng-co/tasks/", "nội bản Hùn"),
    # a party cell's task, two levels below the city (the ward's shard)
    ("agencies/", "sinh hoat chi bo dinh ky", "units/chi-bo-to-5-to-hieu/tasks/", "Sinh hoạt chi bộ định kỳ"),
    # the city's own task, from deep in a unit's section
    ("units/chi-bo-to-5-to-hieu/tasks/1/", "be tong hoa duong", "tasks/", "Bê tông hóa"),
])
def test_search_on_any_page_finds_and_opens_the_pages_of_every_register(visitor, start, query, found, heading):
    page, asked, failed = visitor
    page.goto(SUB + start)
    links = search(page, query)
    wanted = re.compile(re.escape(SUB + found) + r"\d+/$")
    assert any(wanted.match(link) for link in links[:5]), links[:5]
    at = next(i for i, link in enumerate(links) if wanted.match(link))
    title = page.locator(SEARCH_RESULTS).nth(at).locator(".site-search__title").inner_text()
    assert heading.lower() in title.lower(), title
    page.locator(SEARCH_RESULTS).nth(at).click()
    page.wait_for_url(re.compile(re.escape(SUB + found) + r"\d+/\?h="))
    assert heading.lower() in page.locator("article h1").inner_text().lower()
    assert not failed, failed
    # the units' pages came from their own indexes, merged in the browser
    assert any("/repo/pagefind/shards/" in url for url in asked), asked


@pytest.mark.parametrize(("query", "home", "unit"), [
    ("chieng co", "units/xa-chieng-co/", "Xã Chiềng Cọ"),  # the city's tasks name the commune in their titles
    ("to hieu", "units/phuong-to-hieu/", "Phường Tô Hiệu"),
])
def test_a_query_naming_a_unit_opens_with_its_home_and_every_result_names_its_register(visitor, query, home, unit):
    """A citizen typing a commune's name wants the commune's own page first; and in a site where the city and
    each commune have a task 5, a result must say whose it is, above its title."""
    page, _, failed = visitor
    page.goto(SUB)
    links = search(page, query)
    assert links[0] == SUB + home, links[:5]
    results = page.locator(SEARCH_RESULTS)
    first_unit = results.nth(0).locator(".site-search__unit")
    assert first_unit.inner_text() == unit
    unit_box, title_box = first_unit.bounding_box(), results.nth(0).locator(".site-search__title").bounding_box()
    assert unit_box and title_box and unit_box["y"] + unit_box["height"] <= title_box["y"] + 1  # above the title
    # its excerpt marks the words (the phrase as one mark where they stand together), as every result's does
    marks = results.nth(0).locator(".site-search__excerpt mark")
    assert marks.count() >= 1 and marks.first.is_visible()
    marked = {word for m in marks.all_inner_texts() for word in fold(m).strip(" .,").split()}
    assert marked <= set(query.split()), marks.all_inner_texts()
    names = [results.nth(i).locator(".site-search__unit").inner_text() for i in range(len(links))]
    for link, name in zip(links, names):
        expected = unit if link.startswith(SUB + home) else None
        if expected:
            assert name == expected, (link, name)
        elif "/units/" not in link:
            assert name == "Thành phố Sơn La", (link, name)
    assert not failed, failed
