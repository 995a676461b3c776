"""Stage 4 — the figures, as of a date. Pure functions over the model; no HTML here.

The rules are written out in ``content/methodology.md`` for citizens; keep the
two in step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Grade, Meta, Register, Report, Status, Task

STATUS_ORDER: tuple[Status, ...] = tuple(Status)
CLOSED = (Status.DONE, Status.CANCELLED)

# The one headline breakdown: every task is in exactly one part, so the parts add up to the total.
# Done tasks by their completion against the deadline; open tasks past their deadline are
# "overdue" whatever their status; the other open tasks by status (not yet due); then cancelled.
PARTITION = ("done_early", "done_on_day", "done_late", "overdue", "in_progress", "not_started", "paused",
             "cancelled")


@dataclass(frozen=True)
class TaskFigures:
    id: int
    status: Status
    reports: tuple[Report, ...]  # considered, oldest first
    completed: dt.date | None
    progress: float | None  # 0-100, one decimal; None when cancelled
    value: float | None  # latest measured value
    overdue: bool
    days_overdue: int
    early: bool
    late: bool
    on_time: bool
    due: bool  # counts towards the agency's score
    days_to_deadline: int

    @property
    def done(self) -> bool:
        return self.status == Status.DONE

    @property
    def part(self) -> str:
        """The task's one place in ``PARTITION``."""
        if self.status == Status.DONE:
            return "done_early" if self.early else "done_late" if self.late else "done_on_day"
        if self.overdue:
            return "overdue"
        return self.status


@dataclass
class Tally:
    """Counts for a set of tasks (the whole register, a bloc, a group, an agency)."""

    total: int = 0
    status: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))
    overdue: int = 0
    early: int = 0
    late: int = 0
    on_time: int = 0
    due: int = 0
    parts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTITION, 0))
    due_by_date: int = 0  # tasks not cancelled whose deadline is on or before the as-of date

    def add(self, figures: TaskFigures) -> None:
        self.total += 1
        self.parts[figures.part] += 1
        self.due_by_date += figures.status != Status.CANCELLED and figures.days_to_deadline <= 0
        self.status[figures.status] += 1
        self.overdue += figures.overdue
        self.early += figures.early
        self.late += figures.late
        self.on_time += figures.on_time
        self.due += figures.due

    @property
    def done(self) -> int:
        return self.status[Status.DONE]

    @property
    def share_done(self) -> float | None:
        """Percentage of tasks done, one decimal; None for an empty set."""
        return round(self.done / self.total * 100, 1) if self.total else None

    @property
    def share_due(self) -> float | None:
        """Percentage of tasks whose deadline has come (cancelled ones aside), one decimal: the pace
        to read the share done against."""
        return round(self.due_by_date / self.total * 100, 1) if self.total else None

    @property
    def not_yet_due(self) -> int:
        """Open tasks whose deadline has not passed (in progress, not started, paused)."""
        return self.parts["in_progress"] + self.parts["not_started"] + self.parts["paused"]

    @property
    def open_due(self) -> int:
        """Due tasks: done, or open past the deadline (cancelled ones aside)."""
        return self.done + self.overdue

    def score(self, late_credit: float = 0.5) -> float | None:
        """(on time + late × credit) ÷ due × 100, one decimal; None when nothing is due yet."""
        if not self.due:
            return None
        return round((self.on_time + self.late * late_credit) / self.due * 100, 1)


@dataclass(frozen=True)
class AgencyFigures:
    id: str
    lead: Tally
    partner_of: tuple[int, ...]
    score: float | None  # None when nothing is due
    grade: str | None  # None when unranked (fewer than min_due due) or no grading
    rank: int | None = None  # equal scores share a rank; None when unranked
    ranked: bool = False  # at least min_due tasks due
    provisional: bool = True  # the period has not ended: the grade is not the year-end appraisal


@dataclass(frozen=True)
class Figures:
    as_of: dt.date
    tasks: dict[int, TaskFigures]
    overall: Tally
    by_bloc: dict[str, Tally]
    by_group: dict[str, Tally]
    by_agency: dict[str, AgencyFigures]
    ranking: tuple[str, ...] = ()  # lead agencies: ranked ones best first, then unranked, by name
    late_reporting: dict[int, LateReporting] = field(default_factory=dict)  # task id → why it is late


def considered_reports(task: Task, as_of: dt.date) -> tuple[Report, ...]:
    """Reports dated on or before ``as_of``, by date; on equal dates the later in the list wins (comes last)."""
    return tuple(sorted((r for r in task.reports if r.date <= as_of), key=lambda r: (r.date, r.index)))


def completed_on(reports: tuple[Report, ...]) -> dt.date | None:
    """The first date of the final unbroken run of ``done`` reports."""
    completed = None
    for report in reversed(reports):
        if report.status != Status.DONE:
            break
        completed = report.date
    return completed


def progress_of(task: Task, status: Status, reports: tuple[Report, ...]) -> tuple[float | None, float | None]:
    """(progress 0-100 with one decimal, latest measured value)."""
    measured = [r.value for r in reports if r.value is not None]
    value = measured[-1] if measured else None
    if status == Status.DONE:
        return 100.0, value
    if status == Status.CANCELLED:
        return None, value
    if task.measure is not None:
        if value is None:
            return 0.0, None
        m = task.measure
        share = (value - m.baseline) / (m.target - m.baseline) * 100
        return round(min(100.0, max(0.0, share)), 1), value
    given = [r.progress for r in reports if r.progress is not None]
    return (round(float(given[-1]), 1) if given else 0.0), value


def task_figures(task: Task, as_of: dt.date) -> TaskFigures:
    reports = considered_reports(task, as_of)
    status = reports[-1].status if reports else Status.NOT_STARTED
    completed = completed_on(reports) if status == Status.DONE else None
    progress, value = progress_of(task, status, reports)
    overdue = status not in CLOSED and task.deadline < as_of
    done = completed is not None
    return TaskFigures(
        id=task.id,
        status=status,
        reports=reports,
        completed=completed,
        progress=progress,
        value=value,
        overdue=overdue,
        days_overdue=(as_of - task.deadline).days if overdue else 0,
        early=completed is not None and completed < task.deadline,
        late=completed is not None and completed > task.deadline,
        on_time=completed is not None and completed <= task.deadline,
        due=status != Status.CANCELLED and (task.deadline <= as_of or done),
        days_to_deadline=(task.deadline - as_of).days,
    )


KEY_TARGETS = 12


def key_targets(register: Register, limit: int = KEY_TARGETS) -> list[Task]:
    """The measured tasks featured on the home page: the first ones in the register's order
    (the order the body itself gave them), so the page stays small however many there are."""
    return [t for t in register.tasks if t.measure is not None][:limit]


def grade_for(score: float | None, grading: Iterable[Grade]) -> str | None:
    if score is None:
        return None
    return next((g.name for g in grading if g.min <= score), None)


def rank_agencies(register: Register, by_lead: dict[str, Tally], as_of: dt.date
                  ) -> tuple[dict[str, AgencyFigures], tuple[str, ...]]:
    """Score, rank and grade every agency by the register's rules (``meta.min_due``,
    ``meta.late_credit``, ``meta.grading``); the order of the scoreboard."""
    meta = register.meta
    scores = {a: tally.score(meta.late_credit) for a, tally in by_lead.items()}
    ranked = {a for a, tally in by_lead.items() if tally.due >= max(1, meta.min_due)}
    ranked_scores = {a: s for a in ranked if (s := scores[a]) is not None}  # due >= 1: always a score
    ranks = {a: 1 + sum(1 for b in ranked_scores.values() if b > s) for a, s in ranked_scores.items()}
    provisional = as_of < meta.end
    figures = {}
    for a, tally in by_lead.items():
        figures[a] = AgencyFigures(a, tally, (), scores[a], grade_for(scores[a], meta.grading) if a in ranked else None,
                                   ranks.get(a), a in ranked, provisional)
    led = [a for a, tally in by_lead.items() if tally.total]
    order = sorted(led, key=lambda a: (a not in ranked, ranks.get(a, 0), register.agencies[a].name, a))
    return figures, tuple(order)


def derive(register: Register, as_of: dt.date) -> Figures:
    tasks = {t.id: task_figures(t, as_of) for t in register.tasks}
    overall = Tally()
    by_bloc = {b: Tally() for b in register.blocs}
    by_group = {g: Tally() for g in register.groups}
    by_lead = {a: Tally() for a in register.agencies}
    partner_of: dict[str, list[int]] = {a: [] for a in register.agencies}
    for task in register.tasks:
        figures = tasks[task.id]
        overall.add(figures)
        by_group[task.group].add(figures)
        by_lead[task.lead].add(figures)
        by_bloc[register.agencies[task.lead].bloc].add(figures)
        for partner in task.partners:
            partner_of[partner].append(task.id)
    scored, ranking = rank_agencies(register, by_lead, as_of)
    by_agency = {a: dataclasses.replace(f, partner_of=tuple(partner_of[a])) for a, f in scored.items()}
    return Figures(as_of, tasks, overall, by_bloc, by_group, by_agency, ranking,
                   late_reporting=late_reporting(register, tasks, as_of))


# --- since the end of the previous month ----------------------------------------------------
CORRECTION_KINDS = ("report_changed", "report_removed")


@dataclass(frozen=True)
class Since:
    """What changed between the end of the previous month (``start``) and the as-of date."""

    start: dt.date
    newly_done: tuple[int, ...] = ()
    newly_overdue: tuple[int, ...] = ()
    deadlines_moved: tuple[int, ...] = ()
    corrected: tuple[int, ...] = ()  # tasks whose past reports were changed or withdrawn
    history: bool = False  # whether the git history was read (moves and corrections need it)

    @property
    def empty(self) -> bool:
        return not (self.newly_done or self.newly_overdue or self.deadlines_moved or self.corrected)

    def within(self, task_ids: Iterable[int]) -> Since:
        """The same, for a subset of the tasks (a bloc, a group, an agency)."""
        keep = set(task_ids)

        def kept(ids: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(i for i in ids if i in keep)

        return dataclasses.replace(self, newly_done=kept(self.newly_done), newly_overdue=kept(self.newly_overdue),
                                   deadlines_moved=kept(self.deadlines_moved), corrected=kept(self.corrected))


def previous_month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def since_last_month(register: Register, figures: Figures,
                     changes: Iterable[tuple[dt.date, str, int]] | None = None) -> Since:
    """Newly done and newly overdue from the reports (the figures at the end of the previous
    month against now); deadline moves and corrections from ``changes`` — (local date of the
    commit, kind of change, task) read from the git history, None when there is no history."""
    start = previous_month_end(figures.as_of)
    before = {t.id: task_figures(t, start) for t in register.tasks}
    ids = [t.id for t in register.tasks]
    moved: dict[int, None] = {}
    corrected: dict[int, None] = {}
    for day, kind, task in changes or ():
        if start < day <= figures.as_of and task in figures.tasks:
            if kind == "deadline_moved":
                moved[task] = None
            elif kind in CORRECTION_KINDS:
                corrected[task] = None
    return Since(
        start=start,
        newly_done=tuple(i for i in ids if figures.tasks[i].done and not before[i].done),
        newly_overdue=tuple(i for i in ids if figures.tasks[i].overdue and not before[i].overdue),
        deadlines_moved=tuple(sorted(moved)),
        corrected=tuple(sorted(corrected)),
        history=changes is not None,
    )


# --- Reporting cadence: late in reporting (chậm báo cáo) ----------------------
# Each open task must be reported once per period of its cadence (calendar month,
# or ISO week Monday-Sunday), at the latest ``reporting_grace_days`` after the
# period ends. As of a date, the period that must have been reported is the
# latest one whose last day to report has passed; a task with no report dated in
# that period or after it is late in reporting.


@dataclass(frozen=True)
class LateReporting:
    task: int
    cadence: str  # monthly | weekly
    period_start: dt.date  # the period that should have been reported
    period_end: dt.date
    due: dt.date  # last day to report it
    last_report: dt.date | None
    days_late: int  # days since ``due``


def cadence_of(task: Task, meta: Meta) -> str:
    return task.reporting or meta.reporting


def period_due(as_of: dt.date, cadence: str, grace_days: int) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the latest period whose last day to report is before ``as_of``."""
    latest_end = as_of - dt.timedelta(days=grace_days + 1)
    if cadence == "weekly":
        end = latest_end - dt.timedelta(days=(latest_end.weekday() + 1) % 7)  # the Sunday on or before
        return end - dt.timedelta(days=6), end
    next_day = latest_end + dt.timedelta(days=1)
    end = latest_end if next_day.month != latest_end.month else latest_end.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def late_in_reporting(task: Task, figures: TaskFigures, meta: Meta, as_of: dt.date) -> LateReporting | None:
    """Why ``task`` is late in reporting as of ``as_of``, or None when it is not (closed, or reported)."""
    if figures.status in CLOSED:
        return None
    cadence = cadence_of(task, meta)
    start, end = period_due(as_of, cadence, meta.reporting_grace_days)
    if end < meta.start:
        return None  # no period of the register has come due yet
    last = figures.reports[-1].date if figures.reports else None
    if last is not None and last >= max(start, meta.start):
        return None
    due = end + dt.timedelta(days=meta.reporting_grace_days)
    return LateReporting(task.id, cadence, max(start, meta.start), end, due, last, (as_of - due).days)


def late_reporting(register: Register, tasks: dict[int, TaskFigures], as_of: dt.date) -> dict[int, LateReporting]:
    found = (late_in_reporting(t, tasks[t.id], register.meta, as_of) for t in register.tasks)
    return {late.task: late for late in found if late is not None}


def late_by_agency(register: Register, figures: Figures) -> dict[str, list[int]]:
    """Lead agency → the numbers of its tasks late in reporting (every agency, possibly empty)."""
    found: dict[str, list[int]] = {a: [] for a in register.agencies}
    for task in register.tasks:
        if task.id in figures.late_reporting:
            found[task.lead].append(task.id)
    return found
