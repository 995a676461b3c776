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


# --- whole registers, as the model (for the derived figures' properties) ----------------------
STATUSES = ("not_started", "in_progress", "paused", "done", "cancelled")


@st.composite
def registers(draw, max_tasks: int = 12):
    """A small register built straight as the model: a few agencies in two blocs, tasks with
    deadlines and reports scattered around 2021, any status in any order."""
    import datetime as dt

    from generator.model import Agency, Bloc, Grade, Group, Meta, Register, Report, Task

    day = st.dates(dt.date(2020, 12, 1), dt.date(2022, 2, 1))
    agencies = {f"a{i}": Agency(f"a{i}", f"Cơ quan {i}", f"b{i % 2}") for i in range(draw(st.integers(1, 4)))}
    tasks = []
    for i in range(1, draw(st.integers(0, max_tasks)) + 1):
        reports = tuple(
            Report(date=draw(day), status=draw(st.sampled_from(STATUSES)), index=k, line=k + 1,
                   progress=draw(st.none() | st.integers(0, 100)))
            for k in range(draw(st.integers(0, 4))))
        tasks.append(Task(id=i, title=f"Việc {i}", group="g", lead=draw(st.sampled_from(sorted(agencies))),
                          deadline=draw(day), line=i, reports=reports))
    meta = Meta(title="Sổ thử", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31),
                min_due=draw(st.integers(0, 4)), late_credit=draw(st.sampled_from((0, 0.5, 1))),
                grading=(Grade("A", 90), Grade("B", 50), Grade("C", 0)))
    return Register(meta=meta, blocs={"b0": Bloc("b0", "Khối 0"), "b1": Bloc("b1", "Khối 1")},
                    agencies=agencies, groups={"g": Group("g", "Nhóm")}, tasks=tuple(tasks))
