"""Two versions of the register → the list of what changed, in the terms citizens care about.

Deadline moves come first: a moved deadline is the change a transparency site
must never let pass quietly.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from itertools import zip_longest

from . import i18n
from .derive import considered_reports
from .model import Register, Report, Status, Task

# The order in which kinds of change are listed.
# A past report corrected or withdrawn comes right after a moved deadline: a
# retroactive change must not pass for news.
KINDS = ("deadline_moved", "report_changed", "report_removed", "task_added", "task_removed", "status_changed",
         "report_added", "lead_changed", "target_changed", "measure_changed", "title_changed")

# Changes a reviewer and a reader must not miss: shown first and in bold.
PROMINENT = frozenset({"deadline_moved", "report_changed", "report_removed"})

# The fields of a report a reader sees; a change to any of them is a correction.
REPORT_TEXTS = ("note", "difficulties", "proposals")


@dataclass(frozen=True)
class ReportState:
    """What a report said in figures, for "from … to …" when it was corrected."""

    status: str
    progress: float | None
    value: float | None
    unit: str | None


@dataclass(frozen=True)
class Change:
    kind: str
    task: int
    title: str
    old: str | ReportState | None = None
    new: str | ReportState | None = None
    date: str | None = None  # the report's date (ISO), for report changes

    @property
    def prominent(self) -> bool:
        return self.kind in PROMINENT

    @property
    def rank(self) -> tuple[int, int]:
        return KINDS.index(self.kind), self.task


def latest_status(task: Task) -> str:
    reports = considered_reports(task, dt.date.max)
    return reports[-1].status if reports else Status.NOT_STARTED


def diff(old: Register, new: Register) -> list[Change]:
    before = {t.id: t for t in old.tasks}
    after = {t.id: t for t in new.tasks}
    changes = [Change("task_added", i, after[i].title, new=after[i].deadline.isoformat())
               for i in after if i not in before]
    changes += [Change("task_removed", i, before[i].title) for i in before if i not in after]
    for i in after.keys() & before.keys():
        changes += task_changes(before[i], after[i], old, new)
    return sorted(changes, key=lambda c: c.rank)


def task_changes(a: Task, b: Task, old: Register, new: Register) -> list[Change]:
    out = []
    if a.deadline != b.deadline:
        out.append(Change("deadline_moved", b.id, b.title, a.deadline.isoformat(), b.deadline.isoformat()))
    status_a, status_b = latest_status(a), latest_status(b)
    if status_a != status_b:
        out.append(Change("status_changed", b.id, b.title, status_a, status_b))
    out += report_changes(a, b)
    if a.lead != b.lead:
        out.append(Change("lead_changed", b.id, b.title, _agency(old, a.lead), _agency(new, b.lead)))
    if a.target != b.target:
        out.append(Change("target_changed", b.id, b.title, a.target, b.target))
    if a.measure != b.measure:
        out.append(Change("measure_changed", b.id, b.title, _measure(a), _measure(b)))
    if a.title != b.title:
        out.append(Change("title_changed", b.id, b.title, a.title, b.title))
    return out


def report_changes(a: Task, b: Task) -> list[Change]:
    """Reports are matched by date: within a date, identical reports first, then the rest in order.

    A report at a new date (or one more on a date) is news; a report whose
    figures or words differ from the one it is matched with is a correction,
    and says what it was. Inserting or reordering reports of one date is not
    taken for a correction. The cost is linear in the number of reports.
    """
    changes = []
    before, after = _by_date(a.reports), _by_date(b.reports)
    for day in sorted(before.keys() | after.keys()):
        olds, news = before.get(day, []), after.get(day, [])
        if len(olds) == len(news) and all(_content(o) == _content(n) for o, n in zip(olds, news)):
            continue  # unchanged: the common case, told without matching
        olds, news = _unmatched(olds, news)
        iso = day.isoformat()
        for old, new in zip_longest(olds, news):
            if old is None:
                changes.append(Change("report_added", b.id, b.title, None, iso, date=iso))
            elif new is None:
                changes.append(Change("report_removed", b.id, b.title, report_state(a, old), None, date=iso))
            else:
                changes.append(Change("report_changed", b.id, b.title, report_state(a, old), report_state(b, new),
                                      date=iso))
    return changes


def _by_date(reports: tuple[Report, ...]) -> dict[dt.date, list[Report]]:
    grouped: dict[dt.date, list[Report]] = {}
    for r in reports:
        grouped.setdefault(r.date, []).append(r)
    return grouped


def _unmatched(olds: list[Report], news: list[Report]) -> tuple[list[Report], list[Report]]:
    """Each new report takes the first old one with the same content; what is left, in order, on each side."""
    waiting: dict[tuple[object, ...], deque[int]] = {}
    for i, o in enumerate(olds):
        waiting.setdefault(_content(o), deque()).append(i)
    taken: set[int] = set()
    left = []
    for r in news:
        twins = waiting.get(_content(r))
        if twins:
            taken.add(twins.popleft())
        else:
            left.append(r)
    return [o for i, o in enumerate(olds) if i not in taken], left


def _content(r: Report) -> tuple[object, ...]:
    return (r.status, r.progress, r.value) + tuple(getattr(r, name) for name in REPORT_TEXTS)


def report_state(task: Task, r: Report) -> ReportState:
    """What ``r`` says in figures, with the unit of ``task``'s measure."""
    return ReportState(r.status, r.progress, r.value, task.measure.unit if task.measure else None)


def _agency(reg: Register, agency_id: str) -> str:
    agency = reg.agencies.get(agency_id)
    return agency.name if agency else agency_id


def _measure(task: Task) -> str | None:
    m = task.measure
    return None if m is None else f"{m.baseline:g} → {m.target:g} {m.unit}"


def describe(change: Change, lang: str = "vi") -> str:
    """One sentence, in the register's language, saying what changed."""
    values = {"old": word(change.old, lang), "new": word(change.new, lang),
              "date": word(change.date, lang)}
    kind = change.kind
    if kind == "report_changed" and change.old == change.new:
        kind = "report_reworded"  # same figures: only the words of the report changed
    elif kind == "report_changed" and values["old"] == values["new"]:  # differ beyond one decimal
        values["old"], values["new"] = word(change.old, lang, 4), word(change.new, lang, 4)
    return i18n.t(f"change.{kind}", lang, task=change.task, title=change.title, **values)


def word(value: str | ReportState | None, lang: str, decimals: int = 1) -> str:
    """Statuses, ISO dates and report figures as a reader says them."""
    if value is None:
        return "—"
    if isinstance(value, ReportState):
        return _report_words(value, lang, decimals)
    if i18n.has(f"status.{value}"):
        return i18n.t(f"status.{value}", lang)
    try:
        return i18n.date(dt.date.fromisoformat(value), lang)
    except ValueError:
        return value


def _report_words(state: ReportState, lang: str, decimals: int = 1) -> str:
    """``Đang thực hiện, 40%`` or ``Đang thực hiện, 12,5 km``."""
    words = [i18n.t(f"status.{state.status}", lang)]
    if state.progress is not None:
        words.append(i18n.percent(state.progress, lang, decimals))
    if state.value is not None:
        words.append(i18n.quantity(state.value, state.unit or "", lang, decimals).rstrip())
    return ", ".join(words)
