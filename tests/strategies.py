"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import re

from hypothesis import strategies as st

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
VALUES = ["", " 0", " -1", " 101", " 3.5", " abc", " 2021-02-29", " 31/12/2021", " [a, b]", " {x: 1}", " null",
          " yes", " .inf", " 'quoted'", ' "<script>alert(1)</script>"', " done", " xong", " ~", " 9999999999"]


@st.composite
def mutated(draw, lines: list[str]) -> str:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "retype", "shuffle_date", "swap_ids"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "retype" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ":" + draw(st.sampled_from(VALUES))
        elif op == "shuffle_date":
            dates = [d for line in lines for d in DATE.findall(line)]
            if dates and DATE.search(lines[i]):
                lines[i] = DATE.sub(draw(st.sampled_from(dates)), lines[i], count=1)
        elif op == "swap_ids":
            ids = [k for k, line in enumerate(lines) if line.startswith("  - id: ")]
            if len(ids) > 1:
                a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
                lines[a], lines[b] = lines[b], lines[a]
        if not lines:
            break
    return "\n".join(lines) + "\n"
