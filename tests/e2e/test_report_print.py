"""Printing (issue 16): Chromium prints pages of the example site to PDF; poppler reads the pages.

A table row or a card split across two pages would leave some of its cells' text on neither page
whole (text read in the order it is painted, ``-raw``); a chart's data table printed again under the chart would put its words in the PDF."""

from __future__ import annotations

import shutil
import subprocess
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


@pytest.mark.parametrize("path", ["/reports/2021-05/", "/", "/attention/"])
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
