"""Stage 4 — the figures, as of a date. Pure functions over the model; no HTML here.

The rules are written out in ``content/methodology.md`` for citizens; keep the
two in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Grade, Register, Report, Task

STATUS_ORDER = ("not_started", "in_progress", "paused", "done", "cancelled")
CLOSED = ("done", "cancelled")


@dataclass(frozen=True)
class TaskFigures:
    id: int
    status: str
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
        return self.status == "done"


@dataclass
class Tally:
    """Counts for a set of tasks (the whole register, a bloc, a group, an agency)."""

    total: int = 0
    status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))
    overdue: int = 0
    early: int = 0
    late: int = 0
    on_time: int = 0
    due: int = 0

    def add(self, figures: TaskFigures) -> None:
        self.total += 1
        self.status[figures.status] += 1
        self.overdue += figures.overdue
        self.early += figures.early
        self.late += figures.late
        self.on_time += figures.on_time
        self.due += figures.due

    @property
    def done(self) -> int:
        return self.status["done"]

    @property
    def share_done(self) -> float | None:
        """Percentage of tasks done, one decimal; None for an empty set."""
        return round(self.done / self.total * 100, 1) if self.total else None

    @property
    def score(self) -> float | None:
        """Tasks done on time ÷ tasks due × 100; None when nothing is due yet."""
        return round(self.on_time / self.due * 100, 1) if self.due else None


@dataclass(frozen=True)
class AgencyFigures:
    id: str
    lead: Tally
    partner_of: tuple[int, ...]
    grade: str | None

    @property
    def score(self) -> float | None:
        return self.lead.score


@dataclass(frozen=True)
class Figures:
    as_of: dt.date
    tasks: dict[int, TaskFigures]
    overall: Tally
    by_bloc: dict[str, Tally]
    by_group: dict[str, Tally]
    by_agency: dict[str, AgencyFigures]


def considered_reports(task: Task, as_of: dt.date) -> tuple[Report, ...]:
    """Reports dated on or before ``as_of``, by date; on equal dates the later in the list wins (comes last)."""
    return tuple(sorted((r for r in task.reports if r.date <= as_of), key=lambda r: (r.date, r.index)))


def completed_on(reports: tuple[Report, ...]) -> dt.date | None:
    """The first date of the final unbroken run of ``done`` reports."""
    completed = None
    for report in reversed(reports):
        if report.status != "done":
            break
        completed = report.date
    return completed


def progress_of(task: Task, status: str, reports: tuple[Report, ...]) -> tuple[float | None, float | None]:
    """(progress 0-100 with one decimal, latest measured value)."""
    measured = [r.value for r in reports if r.value is not None]
    value = measured[-1] if measured else None
    if status == "done":
        return 100.0, value
    if status == "cancelled":
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
    status = reports[-1].status if reports else "not_started"
    completed = completed_on(reports) if status == "done" else None
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
        early=done and completed < task.deadline,
        late=done and completed > task.deadline,
        on_time=done and completed <= task.deadline,
        due=status != "cancelled" and (task.deadline <= as_of or done),
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
    by_agency = {
        a: AgencyFigures(a, tally, tuple(partner_of[a]), grade_for(tally.score, register.meta.grading))
        for a, tally in by_lead.items()
    }
    return Figures(as_of, tasks, overall, by_bloc, by_group, by_agency)
