"""Stage 2 — check a loaded register against the format and its rules.

Returns every problem (never raises, never prints) and, when there is no
error, the model. Shape checks come from ``schema``; the rules that span
several fields (references, unique numbers, measures, dates) live here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import asof, model, unitfields
from .load import Loaded, Mapping, Node, Scalar, Sequence, gc_paused
from .problems import Problem, has_errors, problem
from .schema import INVALID, REGISTER, Ctx, closest


@dataclass
class Result:
    path: str
    language: str
    problems: list[Problem] = field(default_factory=list)
    register: model.Register | None = None
    as_of: asof.AsOf | None = None
    extras: unitfields.Extras = field(default_factory=unitfields.Extras)  # where the cascade's fields are (issue 15)

    @property
    def ok(self) -> bool:
        return self.register is not None and not has_errors(self.problems)


def validate(loaded: Loaded, as_of: dt.date | None = None, now: dt.datetime | None = None) -> Result:
    """Check ``loaded``. ``as_of`` is the command line's date, if any."""
    with gc_paused():
        return _validate(loaded, as_of, now)


def _validate(loaded: Loaded, as_of: dt.date | None, now: dt.datetime | None) -> Result:
    result = Result(loaded.path, loaded.language_hint, list(loaded.problems))
    if loaded.root is None:
        if not loaded.problems:
            result.problems.append(_empty())
        return _sorted(result)
    ctx = Ctx()
    if not isinstance(loaded.root, Mapping):
        ctx.error(loaded.root, "root_not_mapping")
        result.problems += ctx.problems
        return _sorted(result)
    result.extras = unitfields.places(loaded.root)
    data = REGISTER.check(loaded.root, ctx, "tasks.yaml")
    meta = data.get("register", {})
    result.language = meta.get("language", result.language)
    when = _resolve_as_of(meta, as_of, now, ctx, loaded.root)
    result.as_of = when
    _check_meta(meta, loaded.root, ctx)
    _check_refs(data, ctx)
    _check_tasks(data, loaded.root, when, ctx)
    result.problems += ctx.problems
    if not has_errors(result.problems) and "_invalid" not in data:
        result.register = model.build(data)
    return _sorted(result)


def _empty() -> Problem:
    return problem(1, 1, "empty_file")


def _sorted(result: Result) -> Result:
    result.problems.sort()
    return result


def _resolve_as_of(meta: dict[str, Any], cli: dt.date | None, now: dt.datetime | None,
                   ctx: Ctx, root: Mapping) -> asof.AsOf | None:
    zone = meta.get("timezone", asof.DEFAULT_TIMEZONE)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        ctx.error(_node_at(root, "register", "timezone"), "bad_timezone", value=str(zone)[:40])
        zone = asof.DEFAULT_TIMEZONE
    return asof.resolve(cli, meta.get("as_of"), zone, now)


def _node_at(root: Node, *path: str | int) -> Node:
    """The deepest node along ``path`` (the place to point an editor at)."""
    node = root
    for step in path:
        if isinstance(node, Mapping) and isinstance(step, str) and step in node.items:
            node = node.items[step]
        elif isinstance(node, Sequence) and isinstance(step, int) and step < len(node.items):
            node = node.items[step]
        else:
            break
    return node


def _check_meta(meta: dict[str, Any], root: Mapping, ctx: Ctx) -> None:
    start, end = meta.get("start"), meta.get("end")
    if start and end and end < start:
        ctx.error(_node_at(root, "register", "end"), "end_before_start", start=start.isoformat(), end=end.isoformat())
    grades = meta.get("grading", [])
    for i in range(1, len(grades)):
        if "min" in grades[i] and "min" in grades[i - 1] and grades[i]["min"] >= grades[i - 1]["min"]:
            ctx.error(_node_at(root, "register", "grading", i), "grading_order",
                      name=grades[i].get("name", ""), previous=grades[i - 1].get("name", ""))
    if grades and grades[-1].get("min", 0) > 0:
        ctx.warn(_node_at(root, "register", "grading", len(grades) - 1), "grading_no_floor")


def _check_refs(data: dict[str, Any], ctx: Ctx) -> None:
    tables = {name: data.get(name) for name in ("blocs", "agencies", "groups")}
    for target, node, task in ctx.refs:
        table = tables.get(target)
        if not isinstance(table, dict) or not isinstance(node, Scalar):
            continue
        value = node.raw.strip()
        if value not in table and (target, value) not in ctx.defined:
            args: dict[str, object] = {"value": value[:40], "table": target,
                                       "suggestion": closest(value, tuple(table)) or ""}
            if task is not None:
                args["task"] = task
            ctx.problems.append(_problem_at(node, "unknown_ref", args))


def _problem_at(node: Node, code: str, args: dict[str, object]) -> Problem:
    return problem(node.line, node.col, code, **args)


def _check_tasks(data: dict[str, Any], root: Mapping, when: asof.AsOf | None, ctx: Ctx) -> None:
    tasks = data.get("tasks")
    if not isinstance(tasks, list):
        return
    if not tasks:
        ctx.warn(_node_at(root, "tasks"), "no_tasks")
    seen: dict[int, int] = {}
    meta = data.get("register", {})
    for i, task in enumerate(tasks):
        node = _node_at(root, "tasks", i)
        ctx.task = task.get("id")
        try:
            _check_task(task, node, meta, when, ctx)
            number = task.get("id")
            if number is None:
                continue
            if number in seen:
                ctx.error(_node_at(node, "id"), "duplicate_task_id", id=number, first_line=seen[number])
            else:
                seen[number] = task["_at"][""][0]
        finally:
            ctx.task = None


def _check_task(task: dict[str, Any], node: Node, meta: dict[str, Any],
                when: asof.AsOf | None, ctx: Ctx) -> None:
    lead = task.get("lead")
    if lead and lead in task.get("partners", []):
        ctx.warn(_node_at(node, "partners"), "lead_is_partner", lead=lead)
    deadline = task.get("deadline")
    start, end = meta.get("start"), meta.get("end")
    if deadline and start and end and not start <= deadline <= end:
        ctx.warn(_node_at(node, "deadline"), "deadline_outside_period", deadline=deadline.isoformat(),
                 start=start.isoformat(), end=end.isoformat())
    measure = task.get("measure")
    if measure and "target" in measure and measure["target"] <= measure.get("baseline", 0):
        ctx.error(_node_at(node, "measure", "target"), "measure_target_not_above_baseline",
                  target=measure["target"], baseline=measure.get("baseline", 0))
    has_measure = "measure" in task or "measure" in task.get("_invalid", ())
    for j, report in enumerate(task.get("reports", [])):
        _check_report(report, _node_at(node, "reports", j), has_measure, start, when, ctx)


def _check_report(report: dict[str, Any], node: Node, has_measure: bool, start: dt.date | None,
                  when: asof.AsOf | None, ctx: Ctx) -> None:
    if "progress" in report and has_measure:
        ctx.error(_node_at(node, "progress"), "progress_with_measure")
    if "value" in report and not has_measure:
        ctx.error(_node_at(node, "value"), "value_without_measure")
    day = report.get("date")
    if day and when and day > when.date and not when.ignores_later_reports:
        ctx.error(_node_at(node, "date"), "report_after_as_of", date=day.isoformat(), as_of=when.date.isoformat(),
                  source=when.source.value)
    if day and start and day < start:
        ctx.warn(_node_at(node, "date"), "report_before_start", date=day.isoformat(), start=start.isoformat())
    if report.get("status") == "done" and report.get("progress", 100) < 100:
        ctx.warn(_node_at(node, "progress"), "done_progress_below_100", progress=report["progress"])


__all__ = ["INVALID", "Result", "validate"]
