"""A task page's facts table in the browser: each value starts level with its label (side by side on a wide
screen), or right under it as every other row's does (stacked on a phone).

The target is the register's Markdown, so a paragraph: with the paragraph's margins it sat about a line
lower than its label, "Mục tiêu", while the other values sat level with theirs."""

from __future__ import annotations

import pytest

# The top of each row's label text and of its value's first line of text, as drawn (the text itself, not the
# boxes around it, so that a paragraph's margin counts).
TEXT_TOPS = """() => [...document.querySelectorAll('article table.facts tbody tr')].map(tr => {
    const top = (cell) => {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT,
            {acceptNode: (n) => n.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
        const range = document.createRange();
        range.selectNodeContents(walker.nextNode());
        const box = range.getClientRects()[0];
        return {top: box.top, bottom: box.bottom};
    };
    const label = top(tr.querySelector('th')), value = top(tr.querySelector('td'));
    return {label: tr.querySelector('th').innerText.trim(), labelTop: label.top, labelBottom: label.bottom,
            valueTop: value.top};
})"""


@pytest.mark.parametrize("task", [50, 1])
def test_the_target_starts_level_with_its_label_on_a_wide_screen(new_page, task):
    page = new_page(width=1280, height=800)
    page.goto(f"tasks/{task}/")
    rows = page.evaluate(TEXT_TOPS)
    target = [r for r in rows if r["label"] == "Mục tiêu"]
    assert len(target) >= 1  # the target in words; a measured task has its number too, in the second table
    assert page.locator("article table.facts td.register-text").first.is_visible()
    for row in rows:
        assert abs(row["valueTop"] - row["labelTop"]) <= 1, f"{row['label']}: value {row['valueTop'] - row['labelTop']:.0f} px below its label"


@pytest.mark.parametrize("task", [50, 1])
def test_the_target_sits_right_under_its_label_on_a_phone(new_page, task):
    page = new_page(width=360, height=740)
    page.goto(f"tasks/{task}/")
    rows = page.evaluate(TEXT_TOPS)
    gaps = {f"{row['label']} (row {n + 1})": row["valueTop"] - row["labelBottom"] for n, row in enumerate(rows)}
    assert any(label.startswith("Mục tiêu") for label in gaps)
    usual = sorted(gaps.values())[len(gaps) // 2]
    assert 0 <= usual <= 16  # stacked: the value's line right under the label's
    for label, gap in gaps.items():
        assert abs(gap - usual) <= 1, f"{label}: value {gap:.0f} px under its label, the others {usual:.0f} px"
