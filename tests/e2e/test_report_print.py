"""Printing (issue 16): Chromium prints pages of the example site to PDF; poppler reads the pages.

A table row or a card split across two pages would leave some of its cells' text on neither page
whole (text read in the order it is painted, ``-raw``); a chart's data table printed again under the chart would put its words in the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def pages_text(pdf: Path) -> list[str]:
    count = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    return [" ".join(subprocess.run(["pdftotext", "-raw", "-f", str(n), "-l", str(n), str(pdf), "-"],
                                    capture_output=True, text=True, check=True).stdout.split())
            for n in range(1, count + 1)]


def printed(page, path: str, tmp_path: Path) -> tuple[list[str], dict]:
    """Print ``path`` to PDF as a reader would (print media, A4); returns each PDF page's text and
    the text of the page's rows, cards and chart tables as the browser lays them out."""
    page.goto(path)
    page.emulate_media(media="print")
    found = page.evaluate("""() => {
        const clean = (s) => s.replace(/\\s+/g, ' ').trim();
        const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        const rows = [...document.querySelectorAll('article tr')].filter(shown)
            .map(tr => [...tr.cells].map(c => clean(c.innerText)).filter(t => t.length > 0));
        const cards = [...document.querySelectorAll('article .kpi, article .report-card, article li.report')]
            .filter(shown).map(c => clean(c.innerText));
        const chartTables = [...document.querySelectorAll('article .chart-data td')].map(c => clean(c.textContent));
        const chartHidden = [...document.querySelectorAll('article .chart-data')].every(d => !shown(d));
        const chrome = [...document.querySelectorAll('.md-header, .md-sidebar, .md-footer, .md-search')]
            .filter(shown).length;
        return {rows, cards, chartTables, chartHidden, chrome};
    }""")
    out = tmp_path / "page.pdf"
    page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True)
    return pages_text(out), found


def on_one_page(texts: list[str], pages: list[str]) -> bool:
    """Some single page holds every one of ``texts`` whole."""
    return any(all(t in p for t in texts) for p in pages)


@pytest.mark.parametrize("path", ["/reports/2021-05/", "/", "/attention/", "/tasks/50/", "/units/xa-chieng-co/"])
def test_printing_splits_no_row_or_card_and_repeats_no_chart_table(page, path, tmp_path):
    pages, found = printed(page, path, tmp_path)
    assert len(pages) >= 1 and found["chrome"] == 0
    assert found["rows"] or found["cards"]
    split_rows = [cells for cells in found["rows"] if cells and not on_one_page(cells, pages)]
    assert not split_rows, f"table rows split across pages: {split_rows[:3]}"
    split_cards = [card for card in found["cards"] if not on_one_page([card], pages)]
    assert not split_cards, f"cards split across pages: {split_cards[:3]}"
    assert found["chartHidden"]
    whole = " ".join(pages)
    assert "Số liệu của biểu đồ" not in whole  # the summary of a chart's data table
    assert "Đến hạn (cộng dồn)" not in whole  # a column only the burn-up chart's data table has


def test_the_printed_report_is_a4_without_site_chrome_and_keeps_vietnamese(page, tmp_path):
    pages, _ = printed(page, "/reports/2021-05/", tmp_path)
    whole = " ".join(pages)
    assert "Chiềng Cọ" in whole and "đ" in whole
    assert "Tìm kiếm" not in whole  # the search box is not printed
    assert "I. Kết quả chung" in whole and "VI. Kết quả theo khối và theo cơ quan chủ trì" in whole


A4_HEIGHT_PT = 297 / 25.4 * 72
BOTTOM_MARGIN_PT = 17 / 25.4 * 72  # print.css's @page margin under the text (the page number sits in it)


def lowest_text_on_page(pdf: Path, number: int) -> float:
    """How far down page ``number`` its text reaches, as a share of the page's height (the page number in the
    bottom margin left out)."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(number), "-l", str(number), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', xml)
    assert page
    height = float(page.group(2))
    assert abs(height - A4_HEIGHT_PT) < 2
    bottoms = [float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)"', xml)]
    body = [y for y in bottoms if y < height - BOTTOM_MARGIN_PT]
    return max(body) / height


def chart_words(site: Path, page_path: str, src: str) -> list[str]:
    """The words a chart draws (its SVG's text), one label a string."""
    tree = ET.parse(site / page_path.strip("/") / src)
    texts = ["".join(node.itertext()) for node in tree.iter() if node.tag.rsplit("}", 1)[-1] == "text"]
    return [" ".join(t.split()) for t in texts if t.strip()]


@pytest.mark.parametrize("path", ["/units/xa-chieng-co/", "/"])
def test_a_printed_home_fills_its_first_page_and_splits_no_chart(page, path, built_site, tmp_path):
    """The home's charts are folded away on screen and opened for printing. They used to be kept together as
    one block, which does not fit a page: the block started on page 2 and most of page 1 was left blank.
    Page 1 carries the answer and then as much as fits; a chart moves to the next page only when it would
    otherwise be cut, and no chart is cut."""
    pages, _ = printed(page, path, tmp_path)
    pdf = tmp_path / "page.pdf"
    assert " ".join((page.locator(".answer__sentence").text_content() or "").split()) in pages[0]
    reach = lowest_text_on_page(pdf, 1)
    assert reach > 0.75, f"page 1's text ends {reach:.0%} down the page: the rest of it is blank"
    # the first chart (statuses) fits under the answer: it is on page 1, caption and labels together
    charts = page.locator("article figure.chart").all()
    assert len(charts) >= 4
    for number, chart in enumerate(charts):
        caption = " ".join((chart.locator("figcaption").text_content() or "").split())
        words = chart_words(built_site, path, chart.locator("img").get_attribute("src") or "")
        assert caption and words
        holders = [n for n, text in enumerate(pages) if caption in text and all(w in text for w in words)]
        assert holders, f"the chart {caption!r} is cut across pages, or parted from its caption"
        if number == 0:
            assert holders[0] == 0, f"the first chart {caption!r} is not on page 1"
