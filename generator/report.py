"""The monthly report's data: what the Standing Board's meeting reviews, for one month.

Pure functions over the model, the derived figures and (when the build runs in
a git checkout) the register's history; no HTML here. The sections follow
issue 16: the heading, the headline partition and its change since the
previous month, what changed this month, overdue and at-risk tasks with the
latest difficulties and proposals, units late in reporting, what falls due
next month, and a table per bloc and per agency.

Its length grows with what changed and what is overdue, not with the number of
tasks: no section lists every task.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from .derive import CLOSED, PARTITION, Figures, LateReporting, Tally, TaskFigures, derive, late_by_agency
from .model import Register, Report, Task

# The headline partition is the site's (derive.PARTITION): every task in exactly one part.
PARTS = PARTITION
AT_RISK_PROGRESS = 50.0  # an open task due by the end of next month with less than this is at risk


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2021-05`` (or ``05/2021``); ValueError otherwise."""
        text = text.strip()
        if "/" in text:
            month, year = text.split("/", 1)
        else:
            year, month = text.split("-", 1)
        if not (year.isdigit() and month.isdigit() and len(year) == 4):
            raise ValueError(text)
        found = cls(int(year), int(month))
        if not 1 <= found.month <= 12:
            raise ValueError(text)
        return found


def months_begun(register: Register, as_of: dt.date) -> list[Month]:
    """Every month of the register's period that has begun by ``as_of``, oldest first."""
    last = Month.of(min(as_of, register.meta.end))
    month, found = Month.of(register.meta.start), []
    while month.start <= last.start:
        found.append(month)
        month = month.next()
    return found


@dataclass(frozen=True)
class Partition:
    counts: dict[str, int]
    early: int  # done before the deadline (the done_early part)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def partition(figures: Figures) -> Partition:
    return Partition(dict(figures.overall.parts), figures.overall.early)


@dataclass(frozen=True)
class Finished:
    task: Task
    completed: dt.date
    timing: str  # early | on_time | late
    days: int  # days before (early) or after (late) the deadline


@dataclass(frozen=True)
class Move:
    task: Task
    when: dt.date
    old: str
    new: str
    reason: str  # the commit message that moved it


@dataclass(frozen=True)
class Correction:
    task: Task
    when: dt.date
    change: Any  # diff.Change (report_changed or report_removed)
    reason: str


@dataclass(frozen=True)
class Concern:
    """An overdue or at-risk task, with what the meeting needs to discuss."""

    task: Task
    f: TaskFigures
    at_risk: bool
    latest: Report | None
    difficulties: Report | None  # the latest report naming difficulties
    proposals: Report | None  # the latest report naming proposals


@dataclass(frozen=True)
class LateUnit:
    agency: str
    tasks: tuple[tuple[Task, LateReporting], ...]


@dataclass(frozen=True)
class Row:
    id: str
    tally: Tally
    late_reporting: int
    score: float | None = None  # None unless ranked: an agency with fewer than min_due tasks due has none shown
    grade: str | None = None
    ranked: bool = False


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    as_of: dt.date
    complete: bool  # False while the month is still running
    previous_as_of: dt.date | None
    now: Partition
    before: Partition | None
    finished: list[Finished]
    newly_overdue: list[tuple[Task, TaskFigures]]
    moves: list[Move]
    corrections: list[Correction]
    history_available: bool
    concerns: list[Concern]
    late_units: list[LateUnit]
    late_total: int
    due_next: list[tuple[Task, TaskFigures]]
    next_month: Month
    blocs: list[Row]
    agencies: list[Row]
    figures: Figures = field(repr=False)
    below: list[OverdueBelow] = field(default_factory=list)  # the units' overdue tasks, when the register asks

    def change(self, part: str) -> int | None:
        return None if self.before is None else self.now.counts[part] - self.before.counts[part]


@dataclass(frozen=True)
class UnitRegister:
    """A register of a unit below this one: its name, its section of the site, its tasks."""

    name: str
    path: str  # its section, from the section the report is in (e.g. ../../units/to-5/)
    register: Register


@dataclass(frozen=True)
class OverdueBelow:
    """A task of a unit below, overdue at the report's date (by that unit's own register)."""

    unit: UnitRegister
    task: Task
    f: TaskFigures


def overdue_below(units: list[UnitRegister], when: dt.date) -> list[OverdueBelow]:
    """The units' overdue tasks as of ``when``, each by its own register's figures, longest overdue first."""
    found = []
    for unit in units:
        if when < unit.register.meta.start:
            continue
        fig = derive(unit.register, when)
        found += [OverdueBelow(unit, t, fig.tasks[t.id]) for t in unit.register.tasks if fig.tasks[t.id].overdue]
    return sorted(found, key=lambda o: (-o.f.days_overdue, o.unit.path, o.task.id))


def report_as_of(month: Month, as_of: dt.date) -> dt.date:
    """A past month is reported as of its last day; the running month as of ``as_of``."""
    return min(month.end, as_of)


def monthly_report(register: Register, month: Month, as_of: dt.date, history: Any = None,
                   figures: Figures | None = None, previous: Figures | None = None) -> MonthlyReport:
    """The report for ``month`` as the site stands at ``as_of``. ``figures``/``previous`` may be passed
    when already derived for this month's and the previous month's date."""
    when = report_as_of(month, as_of)
    fig = figures if figures is not None else derive(register, when)
    before_day = month.start - dt.timedelta(days=1)
    prev = None
    if before_day >= register.meta.start:
        prev = previous if previous is not None else derive(register, before_day)
    moves, corrections = history_in(register, month, when, history)
    nxt = month.next()
    return MonthlyReport(
        month=month, as_of=when, complete=when == month.end, previous_as_of=before_day if prev else None,
        now=partition(fig), before=partition(prev) if prev else None,
        finished=finished_in(register, fig, month.start, when),
        newly_overdue=newly_overdue(register, fig, prev),
        moves=moves, corrections=corrections,
        history_available=bool(history is not None and getattr(history, "available", False)),
        concerns=concerns(register, fig, nxt),
        late_units=late_units(register, fig), late_total=len(fig.late_reporting),
        due_next=[(t, fig.tasks[t.id]) for t in sorted(register.tasks, key=lambda t: (t.deadline, t.id))
                  if nxt.start <= t.deadline <= nxt.end and fig.tasks[t.id].status not in CLOSED],
        next_month=nxt,
        blocs=bloc_rows(register, fig), agencies=agency_rows(register, fig),
        figures=fig,
    )


def finished_in(register: Register, fig: Figures, start: dt.date, end: dt.date) -> list[Finished]:
    found = []
    for task in register.tasks:
        f = fig.tasks[task.id]
        if f.completed is None or not start <= f.completed <= end:
            continue
        timing = "early" if f.early else "late" if f.late else "on_time"
        found.append(Finished(task, f.completed, timing, abs((task.deadline - f.completed).days)))
    return sorted(found, key=lambda x: (x.completed, x.task.id))


def newly_overdue(register: Register, fig: Figures, prev: Figures | None) -> list[tuple[Task, TaskFigures]]:
    """Overdue now and not at the end of the previous month (or at the start of the register)."""
    found = [(t, fig.tasks[t.id]) for t in register.tasks
             if fig.tasks[t.id].overdue and not (prev is not None and prev.tasks[t.id].overdue)]
    return sorted(found, key=lambda x: (x[0].deadline, x[0].id))


def history_in(register: Register, month: Month, end: dt.date, history: Any) -> tuple[list[Move], list[Correction]]:
    """Deadlines moved and past reports corrected by commits dated in the month (the register's time zone)."""
    if history is None or not getattr(history, "available", False):
        return [], []
    zone = ZoneInfo(register.meta.timezone)
    tasks = {t.id: t for t in register.tasks}
    moves, corrections = [], []
    for revision in history.revisions:
        when = revision.commit.date.astimezone(zone).date()
        if not month.start <= when <= end:
            continue
        for change in revision.changes:
            task = tasks.get(change.task)
            if task is None:
                continue
            if change.kind == "deadline_moved":
                moves.append(Move(task, when, str(change.old), str(change.new), revision.commit.subject))
            elif change.kind in ("report_changed", "report_removed"):
                corrections.append(Correction(task, when, change, revision.commit.subject))
    moves.sort(key=lambda m: (m.when, m.task.id))
    corrections.sort(key=lambda c: (c.when, c.task.id))
    return moves, corrections


def _latest_with(reports: tuple[Report, ...], name: str) -> Report | None:
    return next((r for r in reversed(reports) if getattr(r, name)), None)


def concerns(register: Register, fig: Figures, next_month: Month) -> list[Concern]:
    """Overdue tasks (longest overdue first), then tasks at risk: open, paused or due by the end of
    next month with less than half done."""
    found = []
    for task in register.tasks:
        f = fig.tasks[task.id]
        if f.status in CLOSED:
            continue
        at_risk = not f.overdue and (f.status == "paused" or (
            task.deadline <= next_month.end and (f.progress or 0) < AT_RISK_PROGRESS))
        if f.overdue or at_risk:
            found.append(Concern(task, f, at_risk, f.reports[-1] if f.reports else None,
                                 _latest_with(f.reports, "difficulties"), _latest_with(f.reports, "proposals")))
    return sorted(found, key=lambda c: (c.at_risk, -c.f.days_overdue, c.task.deadline, c.task.id))


def late_units(register: Register, fig: Figures) -> list[LateUnit]:
    """Agencies with tasks late in reporting, most tasks first."""
    units = []
    for agency, ids in late_by_agency(register, fig).items():
        if ids:
            units.append(LateUnit(agency, tuple((register.task(i), fig.late_reporting[i]) for i in ids)))
    return sorted(units, key=lambda u: (-len(u.tasks), register.agencies[u.agency].name))


def bloc_rows(register: Register, fig: Figures) -> list[Row]:
    late = late_by_agency(register, fig)
    return [Row(b, fig.by_bloc[b], sum(len(late[a.id]) for a in register.agencies.values() if a.bloc == b))
            for b in register.blocs]


def agency_rows(register: Register, fig: Figures) -> list[Row]:
    """Lead agencies (those that lead a task), by bloc then best score first."""
    late = late_by_agency(register, fig)
    rows = []
    for a in register.agencies.values():
        f = fig.by_agency[a.id]
        if f.lead.total:  # a score on one or two tasks due is not shown: the scoreboard's rule (min_due)
            rows.append(Row(a.id, f.lead, len(late[a.id]), f.score if f.ranked else None, f.grade, f.ranked))
    blocs = list(register.blocs)
    return sorted(rows, key=lambda r: (blocs.index(register.agencies[r.id].bloc), r.score is None, -(r.score or 0),
                                       register.agencies[r.id].name))


def all_reports(register: Register, as_of: dt.date, history: Any = None,
                below: list[UnitRegister] | None = None) -> list[MonthlyReport]:
    """One report per month begun, oldest first; each month's figures derived once. With ``below``
    (the registers of the units under this one), each report also lists their overdue tasks."""
    found: list[MonthlyReport] = []
    previous: Figures | None = None
    for month in months_begun(register, as_of):
        when = report_as_of(month, as_of)
        figures = derive(register, when)
        made = monthly_report(register, month, as_of, history, figures, previous)
        if below:
            made = dataclasses.replace(made, below=overdue_below(below, when))
        found.append(made)
        previous = figures
    return found
