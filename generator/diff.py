"""Two versions of the register → the list of what changed, in the terms citizens care about.

Deadline moves come first: a moved deadline is the change a transparency site
must never let pass quietly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import i18n
from .derive import considered_reports
from .model import Register, Task

# The order in which kinds of change are listed.
KINDS = ("deadline_moved", "task_added", "task_removed", "status_changed", "report_added", "lead_changed",
         "target_changed", "measure_changed", "title_changed")


@dataclass(frozen=True)
class Change:
    kind: str
    task: int
    title: str
    old: str | None = None
    new: str | None = None

    @property
    def rank(self) -> tuple[int, int]:
        return KINDS.index(self.kind), self.task


def latest_status(task: Task) -> str:
    reports = considered_reports(task, dt.date.max)
    return reports[-1].status if reports else "not_started"


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
    if latest_status(a) != latest_status(b):
        out.append(Change("status_changed", b.id, b.title, latest_status(a), latest_status(b)))
    old_reports = {(r.date, r.status, r.progress, r.value, r.note) for r in a.reports}
    for r in b.reports:
        if (r.date, r.status, r.progress, r.value, r.note) not in old_reports:
            out.append(Change("report_added", b.id, b.title, None, r.date.isoformat()))
    if a.lead != b.lead:
        out.append(Change("lead_changed", b.id, b.title, _agency(old, a.lead), _agency(new, b.lead)))
    if a.target != b.target:
        out.append(Change("target_changed", b.id, b.title, a.target, b.target))
    if a.measure != b.measure:
        out.append(Change("measure_changed", b.id, b.title, _measure(a), _measure(b)))
    if a.title != b.title:
        out.append(Change("title_changed", b.id, b.title, a.title, b.title))
    return out


def _agency(reg: Register, agency_id: str) -> str:
    agency = reg.agencies.get(agency_id)
    return agency.name if agency else agency_id


def _measure(task: Task) -> str | None:
    m = task.measure
    return None if m is None else f"{m.baseline:g} → {m.target:g} {m.unit}"


def describe(change: Change, lang: str = "vi") -> str:
    """One sentence, in the register's language, saying what changed."""
    values = {"old": _word(change.old, lang), "new": _word(change.new, lang)}
    return i18n.t(f"change.{change.kind}", lang, task=change.task, title=change.title, **values)


def _word(value: str | None, lang: str) -> str:
    """Statuses and ISO dates as a reader says them."""
    if value is None:
        return "—"
    if i18n.has(f"status.{value}"):
        return i18n.t(f"status.{value}", lang)
    try:
        return i18n.date(dt.date.fromisoformat(value), lang)
    except ValueError:
        return value
