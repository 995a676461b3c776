"""Stage 5b — the charts: what each shows (specs, alt text, data tables) and a cached renderer.

A ``Chart`` is a plain description: the words and numbers it draws, already
translated and formatted, plus the sentence and table that say the same in
text. ``render`` draws (see ``chart_kinds``) only charts whose inputs changed
since the last build: each SVG is cached under a hash of its kind, data and the
drawing code.

Categories: every task falls in exactly one of done, in progress, not started,
paused, overdue (an open task past its deadline, whatever its status) and
cancelled, so that the bars add up to the total.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import math
import os
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path


from .. import files, i18n, palette
from ..derive import Figures, TaskFigures, key_targets
from ..model import Register, Task
from . import chart_kinds
from .chart_kinds import CATEGORIES

STYLE_VERSION = "1"  # bump to redraw every chart after a change the code hash cannot see


# --- words -----------------------------------------------------------------------------------
t = i18n.t


def _n(value: float | int | None, lang: str, decimals: int = 0) -> str:
    return i18n.number(value, lang, decimals)


def _join(parts: list[str], limit: int = 8) -> str:
    """Parts of an alt text; a long list keeps its first and last few."""
    if len(parts) > limit:
        parts = parts[:3] + ["…"] + parts[-3:]
    return "; ".join(parts)


# --- the spec ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chart:
    name: str  # file stem: "status", "groups", "blocs", "burnup", "agencies", "targets", "task-17"
    kind: str  # the drawing function in chart_kinds.DRAW
    data: tuple  # plain, hashable, JSON-able: everything the drawing needs
    alt: str  # one sentence with the main figures
    caption: str  # short title shown above the chart
    table: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]  # (headers, rows), formatted strings

    @cached_property
    def key(self) -> str:
        """sha256 of what the picture depends on (not of the alt text, caption or table)."""
        payload = json.dumps([self.kind, self.data, STYLE_VERSION, _code_digest()],
                             ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def filename(self) -> str:
        return f"{self.name}.svg"

    @property
    def width(self) -> int:
        return chart_kinds.size(self.kind, self.data)[0]

    @property
    def height(self) -> int:
        return chart_kinds.size(self.kind, self.data)[1]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The drawing code and the palette: editing either redraws every chart."""
    h = hashlib.sha256()
    for path in (Path(chart_kinds.__file__), Path(palette.__file__)):
        h.update(path.read_bytes())
    return h.hexdigest()


def category(f: TaskFigures) -> str:
    """The one chart category of a task: its status, or "overdue" for an open task past its deadline."""
    return "done" if f.part.startswith("done_") else f.part  # derive's partition, done taken together


# --- the home page ----------------------------------------------------------------------------
def home_charts(register: Register, figures: Figures, lang: str) -> list[Chart]:
    charts = [status_chart(register, figures, lang),
              tally_chart(register, figures, lang, "groups"),
              tally_chart(register, figures, lang, "blocs"),
              burnup_chart(register, figures, lang)]
    targets = targets_chart(register, figures, lang)
    return charts + ([targets] if targets else [])


def status_chart(register: Register, figures: Figures, lang: str) -> Chart:
    counts = Counter(category(figures.tasks[task.id]) for task in register.tasks)
    total = len(register.tasks)
    early, late = figures.overall.early, figures.overall.late
    rows, table_rows, parts = [], [], []
    for cat in CATEGORIES:
        count = counts[cat]
        share = i18n.percent(round(count / total * 100, 1) if total else 0, lang)
        label = t(f"chart.cat.{cat}", lang)
        figure = t("chart.count_share", lang, count=_n(count, lang), share=share)
        if cat == "done" and early:
            figure += " · " + t("chart.early", lang, count=_n(early, lang))
        if cat == "done" and late:  # finished late: as visible as early
            figure += " · " + t("chart.late", lang, count=_n(late, lang))
        rows.append((cat, count, label, figure, early if cat == "done" else 0))
        table_rows.append((label, _n(count, lang), share))
        if cat == "done":
            table_rows.append(("— " + t("chart.of_which_early", lang), _n(early, lang),
                               i18n.percent(round(early / total * 100, 1) if total else 0, lang)))
            table_rows.append(("— " + t("chart.of_which_late", lang), _n(late, lang),
                               i18n.percent(round(late / total * 100, 1) if total else 0, lang)))
            parts.append(t("chart.alt.done_part", lang, label=label, count=_n(count, lang), share=share,
                           early=_n(early, lang), late=_n(late, lang)))
        elif count:
            parts.append(t("chart.alt.part", lang, label=label, count=_n(count, lang), share=share))
    table_rows.append((t("chart.row.total", lang), _n(total, lang), i18n.percent(100.0 if total else 0, lang)))
    return Chart(
        name="status", kind="status",
        data=(("rows", tuple(rows)), ("total", total)),
        alt=t("chart.alt.status", lang, total=_n(total, lang), parts="; ".join(parts)),
        caption=t("chart.caption.status", lang),
        table=((t("chart.col.status", lang), t("chart.col.tasks", lang), t("chart.col.share", lang)),
               tuple(table_rows)),
    )


def tally_chart(register: Register, figures: Figures, lang: str, by: str) -> Chart:
    """Progress by group (``by="groups"``) or by bloc (``by="blocs"``): a stacked bar each."""
    if by == "groups":
        units = [(g.id, g.name) for g in register.groups.values()]
        tallies = figures.by_group

        def unit_of(task: Task) -> str:
            return task.group
    else:
        units = [(b.id, b.name) for b in register.blocs.values()]
        tallies = figures.by_bloc

        def unit_of(task: Task) -> str:
            return register.agencies[task.lead].bloc
    counts: dict[str, Counter] = {uid: Counter() for uid, _ in units}
    for task in register.tasks:
        counts[unit_of(task)][category(figures.tasks[task.id])] += 1
    present = [cat for cat in CATEGORIES if any(c[cat] for c in counts.values())]
    rows, table_rows, parts = [], [], []
    for uid, name in units:
        tally, c = tallies[uid], counts[uid]
        share = i18n.percent(tally.share_done, lang) if tally.total else "—"
        figure = (t("chart.done_of", lang, done=_n(tally.done, lang), total=_n(tally.total, lang), share=share)
                  if tally.total else t("chart.no_tasks", lang))
        rows.append((name, figure, tuple((cat, c[cat]) for cat in present)))
        table_rows.append((name, _n(tally.total, lang), *(_n(c[cat], lang) for cat in CATEGORIES), share))
        if tally.total:
            parts.append(t("chart.alt.tally", lang, name=name, done=_n(tally.done, lang),
                           total=_n(tally.total, lang), share=share, overdue=_n(c["overdue"], lang)))
    headers = (t(f"chart.col.{by[:-1]}", lang), t("chart.col.total", lang),
               *(t(f"chart.cat.{cat}", lang) for cat in CATEGORIES), t("chart.col.share_done", lang))
    return Chart(
        name=by, kind="stacked",
        data=(("legend", tuple((cat, t(f"status.{cat}", lang)) for cat in present)), ("rows", tuple(rows))),
        alt=t(f"chart.alt.{by}", lang, parts=_join(parts)),
        caption=t(f"chart.caption.{by}", lang),
        table=(headers, tuple(table_rows)),
    )


def burnup_chart(register: Register, figures: Figures, lang: str) -> Chart:
    """Cumulative tasks done (by completion date) against cumulative tasks falling due (by deadline)."""
    as_of = figures.as_of
    live = [task for task in register.tasks if figures.tasks[task.id].status != "cancelled"]
    deadlines = sorted(task.deadline for task in live)
    completions = sorted(f.completed for f in figures.tasks.values() if f.completed is not None)
    due = _cumulative(deadlines)
    done = _cumulative(completions)
    start = min([register.meta.start, *deadlines[:1], *completions[:1]])
    end = max([register.meta.end, as_of, *deadlines[-1:], *completions[-1:]])
    due_now = sum(d <= as_of for d in deadlines)
    overdue_now = figures.overall.overdue  # due but not done: the gap the two lines do not show
    done_now = sum(d <= as_of for d in completions)
    y_top = max(1, len(deadlines), len(completions))
    y_ticks = tuple((v, _n(v, lang)) for v in nice_ticks(0, y_top, integer=True))
    rows = []
    for day in _table_days(start, end, as_of):
        rows.append((i18n.date(day, lang) if day != as_of else t("chart.row.as_of", lang, date=i18n.date(day, lang)),
                     _n(sum(d <= day for d in deadlines), lang),
                     _n(sum(d <= day for d in completions), lang) if day <= as_of else "—"))
    return Chart(
        name="burnup", kind="burnup",
        data=(
            ("x_range", (start.isoformat(), end.isoformat())),
            ("x_ticks", date_ticks(start, end)),
            ("y_ticks", y_ticks),
            ("due", due), ("done", done),
            ("as_of", as_of.isoformat()),
            ("as_of_label", i18n.date(as_of, lang)),
            ("due_label", t("chart.line.due", lang)), ("done_label", t("chart.line.done", lang)),
            ("due_now", due_now), ("done_now", done_now),
            ("due_now_text", f"{t('chart.line.due', lang)}: {_n(due_now, lang)}"
             + (" · " + t("chart.overdue_now", lang, count=_n(overdue_now, lang)) if overdue_now else "")),
            ("done_now_text", f"{t('chart.line.done', lang)}: {_n(done_now, lang)}"),
            ("due_end_text", t("chart.due_in_all", lang, count=_n(len(deadlines), lang))),
        ),
        alt=t("chart.alt.burnup", lang, as_of=i18n.date(as_of, lang), done=_n(done_now, lang),
              due_now=_n(due_now, lang), end=i18n.date(end, lang), due_end=_n(len(deadlines), lang)),
        caption=t("chart.caption.burnup", lang),
        table=((t("chart.col.date", lang), t("chart.col.due_cum", lang), t("chart.col.done_cum", lang)), tuple(rows)),
    )


def _cumulative(days: list[dt.date]) -> tuple[tuple[str, int], ...]:
    counts = Counter(days)
    total, out = 0, []
    for day in sorted(counts):
        total += counts[day]
        out.append((day.isoformat(), total))
    return tuple(out)


def _table_days(start: dt.date, end: dt.date, as_of: dt.date) -> list[dt.date]:
    """The ends of months (of quarters or years for long periods) from start to end, and the as-of date."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if months <= 24 else 3 if months <= 72 else 12
    days = set()
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if month % step == 0 or (year, month) == (end.year, end.month):
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
            days.add(min(last, end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    days.add(as_of)
    return sorted(days)


def targets_chart(register: Register, figures: Figures, lang: str) -> Chart | None:
    """Each measure's latest value against its target, normalised per row: 0 at the baseline, 1 at the target
    (so that a bar's length is the task's progress)."""
    measured = key_targets(register)
    if not measured:
        return None
    rows, table_rows, parts = [], [], []
    reach = 1.0
    for task in measured:
        m, f = task.measure, figures.tasks[task.id]
        assert m is not None  # key_targets lists measured tasks only
        value = None if f.value is None else round((f.value - m.baseline) / (m.target - m.baseline), 4)
        if value is not None:
            reach = max(reach, min(value, 1.25))
        latest = i18n.quantity(f.value, m.unit, lang)
        target = i18n.quantity(m.target, m.unit, lang)
        baseline = i18n.quantity(m.baseline, m.unit, lang)
        progress = i18n.percent(f.progress, lang)
        if f.value is None:
            figure = f"{t('chart.no_value', lang)} · {t('chart.target', lang, value=target)}"
        else:
            short = latest if m.unit.strip() == "%" else _n(f.value, lang, 1)
            figure = t("chart.target_value", lang, value=short, target=target, progress=progress)
        if m.baseline:
            figure += " · " + t("chart.baseline", lang, value=baseline)
        label = t("chart.task_label", lang, id=task.id, title=task.title)
        rows.append((label, value, figure))
        table_rows.append((label, baseline, latest, target, progress))
        parts.append(t("chart.alt.target", lang, id=task.id,
                       value=latest if f.value is not None else t("chart.no_value", lang),
                       target=target, progress=progress))
    return Chart(
        name="targets", kind="targets",
        data=(("rows", tuple(rows)), ("reach", reach)),
        alt=t("chart.alt.targets", lang, parts=_join(parts)),
        caption=t("chart.caption.targets", lang),
        table=((t("chart.col.task", lang), t("chart.col.baseline", lang), t("chart.col.latest", lang),
                t("chart.col.target", lang), t("chart.col.progress", lang)), tuple(table_rows)),
    )


# --- agencies ---------------------------------------------------------------------------------
def agency_chart(register: Register, figures: Figures, lang: str) -> Chart | None:
    """Each lead agency's score, highest first, over the grade bands; None when no agency has a score yet."""
    agencies = [register.agencies[a] for a in figures.ranking]
    if not any(figures.by_agency[a.id].ranked for a in agencies):
        return None
    rows: list[tuple[str, float | None, str]] = []
    table_rows, parts = [], []
    unscored = 0
    min_due = _n(register.meta.min_due, lang)
    for agency in agencies:
        a = figures.by_agency[agency.id]
        score = i18n.percent(a.score, lang)
        grade = (t("ui.grade.provisional", lang, grade=a.grade) if a.provisional else a.grade) if a.grade else None
        if not a.ranked:
            unscored += 1
            rows.append((agency.name, None, t("chart.unranked", lang, due=_n(a.lead.due, lang), min_due=min_due)))
        else:
            rows.append((agency.name, a.score, t("chart.score_grade", lang, score=score, grade=grade) if grade else score))
            key = "chart.alt.agency_grade" if grade else "chart.alt.agency"
            parts.append(t(key, lang, name=agency.name, score=score, grade=grade))
        on_time_due = f"{_n(a.lead.on_time, lang)} / {_n(a.lead.late, lang)} / {_n(a.lead.due, lang)}"
        table_rows.append((agency.name, score if a.ranked else "—", grade or "—", on_time_due))
    grading = register.meta.grading
    bands = []
    for i, level in enumerate(grading):
        hi = 100.0 if i == 0 else min(100.0, grading[i - 1].min)
        lo = max(0.0, level.min)
        if hi > lo:
            bands.append((level.name, lo, hi))
    # band boundaries, 0 and 100 % (unless a boundary is so close to 100 that the labels would collide)
    mins = {lo for _, lo, _ in bands}
    ticks = sorted({0.0, *mins, *([100.0] if all(v <= 85 for v in mins) else [])}) if bands else [0.0, 50.0, 100.0]
    alt_parts = _join(parts)
    if unscored:
        alt_parts += "; " + t("chart.alt.unranked", lang, count=unscored, min_due=min_due)
    return Chart(
        name="agencies", kind="scores",
        data=(("bands", tuple(bands)), ("rows", tuple(rows)),
              ("x_ticks", tuple((v, i18n.percent(v, lang)) for v in ticks))),
        alt=t("chart.alt.agencies", lang, parts=alt_parts),
        caption=t("chart.caption.agencies", lang),
        table=((t("chart.col.agency", lang), t("chart.col.score", lang), t("chart.col.grade", lang),
                t("chart.col.on_time_due", lang)), tuple(table_rows)),
    )


# --- task pages -------------------------------------------------------------------------------
def task_chart(task: Task, task_figures: TaskFigures, lang: str) -> Chart | None:
    """Value (tasks with a measure) or progress over the considered reports, against the target.

    None for a task without a measure that has fewer than two dated progress figures
    (a ``done`` report counts as 100 %).
    """
    f = task_figures
    as_points: dict[dt.date, tuple[float, str]] = {}  # on equal dates the later report wins
    m = task.measure
    for report in f.reports:
        if m is not None:
            if report.value is not None:
                as_points[report.date] = (float(report.value), report.status)
        elif report.status == "done":
            as_points[report.date] = (100.0, report.status)
        elif report.progress is not None and report.status != "cancelled":
            as_points[report.date] = (float(report.progress), report.status)
    if m is None and len(as_points) < 2:
        return None
    points = sorted(as_points.items())

    def fmt(v: float | None) -> str:
        return i18n.quantity(v, m.unit, lang) if m is not None else i18n.percent(v, lang)

    dates = [r.date for r in f.reports] + [task.deadline]
    first, last = min(dates), max(dates)
    first = min(first, last - dt.timedelta(days=60))  # a few weeks at least, so that the dates read
    pad = max(7, (last - first).days // 25)
    x_range = (first - dt.timedelta(days=pad), last + dt.timedelta(days=pad))
    values = [v for _, (v, _) in points]
    if m is not None:
        lo, hi = min([0.0, m.baseline, *values]), max([m.target, *values])
        target, baseline = m.target, (m.baseline if m.baseline else None)
    else:
        lo, hi, target, baseline = 0.0, max([100.0, *values]), 100.0, None
    ticks = nice_ticks(lo, hi * 1.08 if hi > 0 else hi + 1) if m is not None or hi > 100 else [0, 25, 50, 75, 100]
    unit_pct = m is None or m.unit.strip() == "%"
    y_ticks = tuple((v, (i18n.percent(v, lang) if unit_pct else _n(v, lang, 2))) for v in ticks)
    point_texts = [t("chart.alt.point", lang, value=fmt(v), date=i18n.date(day, lang)) for day, (v, _) in points]
    mode = "value" if m is not None else "progress"
    alt_args = {"id": task.id, "deadline": i18n.date(task.deadline, lang),
                "points": _join(point_texts) if points else t("chart.alt.no_points", lang)}
    if m is not None:
        alt_args["target"] = fmt(m.target)
    return Chart(
        name=f"task-{task.id}", kind="series",
        data=(
            ("x_range", (x_range[0].isoformat(), x_range[1].isoformat())),
            ("x_ticks", date_ticks(*x_range)),
            ("y_ticks", y_ticks),
            ("points", tuple((day.isoformat(), v, fmt(v)) for day, (v, _) in points)),
            ("target", target), ("baseline", baseline),
            ("target_label", t("chart.target", lang, value=fmt(target))),
            ("baseline_label", t("chart.baseline", lang, value=fmt(baseline)) if baseline is not None else ""),
            ("series_label", t("chart.col.value" if m is not None else "chart.col.progress", lang)
             + (f" ({m.unit.strip()})" if m is not None and not unit_pct else "")),
            ("deadline", task.deadline.isoformat()),
            ("deadline_label", t("chart.deadline", lang, date=i18n.date(task.deadline, lang))),
            ("empty_label", t("chart.no_value", lang)),
        ),
        alt=t(f"chart.alt.task_{mode}", lang, **alt_args),
        caption=t(f"chart.caption.task_{mode}", lang),
        table=((t("chart.col.date", lang), t("chart.col.status", lang),
                t("chart.col.value" if m is not None else "chart.col.progress", lang)),
               tuple((i18n.date(day, lang), i18n.t(f"status.{status}", lang), fmt(v))
                     for day, (v, status) in points)
               + ((i18n.date(task.deadline, lang), t("chart.row.target", lang), fmt(target)),)),
    )


def all_charts(register: Register, figures: Figures, lang: str) -> list[Chart]:
    charts = home_charts(register, figures, lang)
    agencies = agency_chart(register, figures, lang)
    if agencies:
        charts.append(agencies)
    for task in register.tasks:
        chart = task_chart(task, figures.tasks[task.id], lang)
        if chart:
            charts.append(chart)
    return charts


# --- axes ---------------------------------------------------------------------------------------
def nice_ticks(lo: float, hi: float, most: int = 5, integer: bool = False) -> list[float]:
    """Round tick values covering [lo, hi], at most ``most`` + 1 of them."""
    span = max(hi - lo, 1e-9)
    magnitude = 10 ** math.floor(math.log10(span / most))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if integer:
            step = max(1, round(step)) if step >= 1 else 1
        if math.ceil(hi / step - 1e-9) - math.floor(lo / step + 1e-9) <= most:
            break
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def date_ticks(start: dt.date, end: dt.date, most: int = 5) -> tuple[tuple[str, str], ...]:
    """First days of months (MM/YYYY) or years, or days (dd/mm) for short spans, inside [start, end]."""
    for step in (1, 2, 3, 4, 6, 12, 24, 60, 120):
        ticks = []
        year, month = start.year, start.month
        while dt.date(year, month, 1) <= end:
            day = dt.date(year, month, 1)
            on_step = (month - 1) % step == 0 if step < 12 else month == 1 and year % (step // 12) == 0
            if day >= start and on_step:
                ticks.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if len(ticks) <= most:
            break
    if len(ticks) >= 2:
        fmt = "%Y" if step >= 12 else "%m/%Y"
        return tuple((d.isoformat(), d.strftime(fmt)) for d in ticks)
    span = (end - start).days
    step_days = next((s for s in (1, 2, 5, 7, 14, 30) if span / s <= most), 30)
    days = [start + dt.timedelta(days=i) for i in range(0, span + 1, step_days)][1:]
    return tuple((d.isoformat(), d.strftime("%d/%m")) for d in days[:most])


# --- rendering, cached and in parallel -------------------------------------------------------
@dataclass
class RenderStats:
    drawn: int
    reused: int


def render(charts: list[Chart], out_dir: Path, cache_dir: Path) -> RenderStats:
    """Write ``out_dir/<name>.svg`` for every chart, drawing only those not in ``cache_dir`` yet.

    ``cache_dir`` must lie outside ``out_dir`` so that it survives a clean build.
    """
    out_dir, cache_dir = Path(out_dir), Path(cache_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    jobs: dict[str, tuple[str, str, tuple]] = {}
    for chart in charts:
        key = chart.key
        cached = cache_dir / f"{key}.svg"
        if key not in jobs and not (cached.is_file() and cached.stat().st_size > 0):
            jobs[key] = (key, chart.kind, chart.data)
    for key, kind, data in jobs.values():
        files.write_new(cache_dir / f"{key}.svg", chart_kinds.draw(kind, data))
    for chart in charts:
        _place(cache_dir / f"{chart.key}.svg", out_dir / chart.filename)
    prune(cache_dir, {chart.key for chart in charts})
    return RenderStats(drawn=len(jobs), reused=len(charts) - len(jobs))


def render_many(groups: list[tuple[list[Chart], Path, Path]]) -> RenderStats:
    """``render`` for several sets of charts, each with its own output and cache folder (the registers of
    a cascade, issue 15), drawing a chart the same in several of them once."""
    jobs: dict[str, tuple[str, str, tuple]] = {}
    missing: dict[str, list[Path]] = {}
    for charts, out_dir, cache_dir in groups:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        for chart in charts:
            cached = Path(cache_dir) / f"{chart.key}.svg"
            if not (cached.is_file() and cached.stat().st_size > 0):
                jobs.setdefault(chart.key, (chart.key, chart.kind, chart.data))
                missing.setdefault(chart.key, []).append(cached)
    for key, kind, data in jobs.values():
        svg = chart_kinds.draw(kind, data)
        for cached in dict.fromkeys(missing[key]):
            files.write_new(cached, svg)
    total = 0
    for charts, out_dir, cache_dir in groups:
        for chart in charts:
            _place(Path(cache_dir) / f"{chart.key}.svg", Path(out_dir) / chart.filename)
        prune(Path(cache_dir), {chart.key for chart in charts})
        total += len(charts)
    return RenderStats(drawn=len(jobs), reused=total - len(jobs))


def prune(cache_dir: Path, used: set[str]) -> int:
    """Remove the cached pictures this build did not use (their data or the drawing code changed);
    the number removed. Half-written files of a killed build (``files.write_new``'s) go too."""
    removed = 0
    for path in cache_dir.iterdir():
        if path.name.endswith(".part") or (path.suffix == ".svg" and path.stem not in used):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _place(source: Path, target: Path) -> None:
    """``target``: the cached picture itself (``files.link_over``), unless it holds the same bytes already
    (the site builder's own change detection then sees nothing new)."""
    try:
        if os.path.samefile(source, target) or (
                target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes()):
            return
    except FileNotFoundError:
        pass
    files.link_over(source, target)
