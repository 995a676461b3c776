"""Stage 5b — open data: CSV, JSON and spreadsheet downloads, the register itself and its schema.

The ``url`` column is the task page's address: absolute when the site's address is
known, else relative to the data file (``../tasks/1/``), so that it resolves
either way."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..derive import Figures, Tally, cadence_of, late_by_agency
from ..model import Register, Report, Task
from ..schema import json_schema_text
from ..shapes import declared
from .cells import joined

# The columns of a task come from the format's one declaration (``model.py``): each field an editor
# writes gives its own column, or those its ``columns`` name (a code with its name beside it, a measure's
# parts); then the figures derived as of the date. A field added to the format is a column at once.
REGISTER_COLUMNS = tuple(c for key, f in declared(Task).items() for c in (f.columns if f.columns is not None else (key,)))
FIGURE_COLUMNS = ("status", "part", "completed", "progress", "overdue", "days_overdue", "early", "late", "value",
                  "late_reporting", "last_report", "reporting_days_late", "url")
TASK_JSON_FIELDS = REGISTER_COLUMNS + FIGURE_COLUMNS
TASK_CSV_FIELDS = TASK_JSON_FIELDS
REPORT_CSV_FIELDS = ("task", *declared(Report))  # a row per report: its task, then every field of the report
SUMMARY_FIELDS = ("as_of", "issuer", "licence", "total", "partition", "due_by_date", "status", "overdue",
                  "done_early", "done_late", "late_reporting", "scoring", "by_bloc", "by_group", "by_agency")


@dataclass(frozen=True)
class DataFile:
    name: str
    key: str
    fields: tuple[str, ...]


FILES = (
    DataFile("tasks.csv", "tasks_csv", TASK_CSV_FIELDS),
    DataFile("reports.csv", "reports_csv", REPORT_CSV_FIELDS),
    DataFile("tasks.json", "tasks_json", TASK_JSON_FIELDS),
    DataFile("summary.json", "summary_json", SUMMARY_FIELDS),
    DataFile("tasks.xlsx", "xlsx", ()),
    DataFile("tasks.yaml", "register", ()),
    DataFile("schema/tasks.schema.json", "schema", ()),
)
DATE_FIELDS = frozenset({"deadline", "completed", "date", "as_of"})



def task_record(reg: Register, fig: Figures, task: Task, base: str = "../") -> dict[str, Any]:
    """A task as open data: every code with its name beside it, and the measure's figures, so that
    a row can be read and its progress recomputed without the register. ``base`` is the site's
    address, or the way from ``data/`` to it."""
    f = fig.tasks[task.id]
    bloc = reg.agencies[task.lead].bloc
    m = task.measure
    record = {name: _plain(getattr(task, name)) for name in REGISTER_COLUMNS if name in _OWN_COLUMNS}
    record.update({
        "group_name": reg.groups[task.group].name, "bloc": bloc, "bloc_name": reg.blocs[bloc].name,
        "lead_name": reg.agencies[task.lead].name, "partner_names": [reg.agencies[p].name for p in task.partners],
        "baseline": m.baseline if m else None, "unit": m.unit if m else None,
        "measure_target": m.target if m else None, "reporting": cadence_of(task, reg.meta),
        "status": f.status, "part": f.part, "completed": f.completed.isoformat() if f.completed else None,
        "progress": f.progress, "overdue": f.overdue, "days_overdue": f.days_overdue, "early": f.early,
        "late": f.late, "value": f.value, "late_reporting": task.id in fig.late_reporting,
        "last_report": f.reports[-1].date.isoformat() if f.reports else None,
        "reporting_days_late": fig.late_reporting[task.id].days_late if task.id in fig.late_reporting else None,
        "url": f"{base}tasks/{task.id}/",
    })
    return {name: record[name] for name in TASK_JSON_FIELDS}


# Declared fields that have a column of their own name, read straight from the task (``task_record``
# then adds the columns beside them, and may say more, as the cadence a task without one follows).
_OWN_COLUMNS = frozenset(key for key, f in declared(Task).items() if key in (f.columns or (key,)))


def _plain(value: Any) -> Any:
    """A model value as JSON: dates as YYYY-MM-DD, tuples as lists, records (links) as objects."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    return value


def summary(reg: Register, fig: Figures) -> dict[str, Any]:
    late = late_by_agency(reg, fig)
    o, meta = fig.overall, reg.meta
    return {
        "as_of": fig.as_of.isoformat(), "issuer": meta.issuer,
        "licence": {"name": meta.licence, "url": meta.licence_url} if meta.licence else None,
        "total": o.total, "partition": dict(o.parts), "due_by_date": o.due_by_date, "status": dict(o.status),
        "overdue": o.overdue, "done_early": o.early, "done_late": o.late,
        "late_reporting": len(fig.late_reporting),
        "scoring": {"min_due": meta.min_due, "late_credit": meta.late_credit, "provisional": fig.as_of < meta.end},
        "by_bloc": {k: {"name": reg.blocs[k].name, **_brief(v)} for k, v in fig.by_bloc.items()},
        "by_group": {k: {"name": reg.groups[k].name, **_brief(v)} for k, v in fig.by_group.items()},
        "by_agency": {k: {"name": reg.agencies[k].name, **_brief(a.lead), "done_on_time": a.lead.on_time,
                          "due": a.lead.due, "score": a.score, "ranked": a.ranked, "rank": a.rank, "grade": a.grade,
                          "grade_provisional": a.provisional if a.grade else None,
                          "late_reporting": len(late[k])}
                      for k, a in fig.by_agency.items()},
    }


def _brief(tally: Tally) -> dict[str, Any]:
    return {"total": tally.total, "done": tally.done, "overdue": tally.overdue, "partition": dict(tally.parts)}


def _cell(value: Any) -> Any:
    """CSV cell: lists joined, booleans as true/false, text guarded against formulas."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return guard_formula(joined(value))
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_formula(value)
    return value


# A spreadsheet runs a cell as a formula when it starts with = or @, or with + or - followed by more
# than a plain number ("- " opening a list is text). Where a cell begins depends on how the file is
# opened: after a ',' ';' or tab (whichever separator the reader's locale picks; ';' is Excel's
# default in Vietnamese) and after a line break, even inside quotes. Each such start is guarded
# with an apostrophe (OWASP's advice for CSV injection); nothing else is changed.
_FORMULA_START = re.compile(r"(^|[,;\t\r\n])(?=[=@]|[+-](?!\s|\d+(?:[.,]\d+)?(?:[,;\t\r\n]|$)|$))")


def guard_formula(text: str) -> str:
    """``=SUM(1)`` → ``'=SUM(1)``; ``a;=SUM(1)`` → ``a;'=SUM(1)``; ``- việc 1`` and ``-3`` unchanged."""
    return _FORMULA_START.sub(r"\1'", text)


def _csv(fields: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    # every cell quoted, so that no separator or line break inside a value splits it
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in fields})
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")  # the BOM lets Excel read Vietnamese


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def task_rows(reg: Register, fig: Figures, base: str = "../") -> list[dict[str, Any]]:
    rows = []
    for task in reg.tasks:
        rows.append(task_record(reg, fig, task, base))
    return rows


def report_rows(reg: Register, fig: Figures) -> list[dict[str, Any]]:
    return [{"task": t.id, **{name: _plain(getattr(r, name)) for name in REPORT_CSV_FIELDS[1:]}}
            for t in reg.tasks for r in fig.tasks[t.id].reports]


def write(reg: Register, fig: Figures, register_path: Path, out: Path, site_url: str | None = None) -> list[Path]:
    """Write every data file into ``out`` (the ``data/`` folder of the staged docs)."""
    from .spreadsheet import workbook

    out.mkdir(parents=True, exist_ok=True)
    base = site_url.rstrip("/") + "/" if site_url else "../"
    tasks, reports = task_rows(reg, fig, base), report_rows(reg, fig)
    contents = {
        "tasks.csv": _csv(TASK_CSV_FIELDS, tasks),
        "reports.csv": _csv(REPORT_CSV_FIELDS, reports),
        "tasks.json": _json(tasks),
        "summary.json": _json(summary(reg, fig)),
        "tasks.xlsx": workbook({"tasks": (TASK_CSV_FIELDS, tasks), "reports": (REPORT_CSV_FIELDS, reports)},
                               DATE_FIELDS, fig.as_of),
    }
    for name, data in contents.items():
        (out / name).write_bytes(data)
    shutil.copyfile(register_path, out / "tasks.yaml")
    # The register's first line points editors at schema/tasks.schema.json beside it: published there too.
    (out / "schema").mkdir(exist_ok=True)
    # from schema.py, as `schema` writes it (a test keeps the committed copy equal): also in an installed package
    (out / "schema" / "tasks.schema.json").write_text(json_schema_text(), encoding="utf-8")
    return [out / f.name for f in FILES]


COMBINED_FIELDS = ("register", "register_name", "unit_kind", "parent_register") + TASK_CSV_FIELDS


def combined_rows(links: Any, site_url: str | None = None,
                  known: dict[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Every register's tasks in one table (issue 15), each once, named by its register (the unit's id;
    the root's id, or empty when the root names no unit); ``url`` and ``contributes_to`` lead to the
    task pages; ``contributes_to`` holds task numbers of the parent register. Relative addresses are from
    ``data/all/``. ``known``: rows of sections already made (by section prefix), as ``section_rows``
    gives them."""
    rows = []
    for section in links.sections:
        found = (known or {}).get(section.prefix)
        rows += found if found is not None else section_rows(section, site_url)
    return rows


def section_rows(section: Any, site_url: str | None = None) -> list[dict[str, Any]]:
    """One section's rows of the combined table."""
    base = site_url.rstrip("/") + "/" if site_url else "../../"
    unit = section.unit
    named = {"register": unit.id if unit else "", "register_name": section.name,
             "unit_kind": unit.kind if unit else "", "parent_register": (unit.parent or "") if unit else ""}
    return [{**named, **task_record(section.register, section.figures, task, base + section.prefix)}
            for task in section.register.tasks]


def write_combined(links: Any, out: Path, site_url: str | None = None,
                   known: dict[str, list[dict[str, Any]]] | None = None) -> list[Path]:
    """``data/all/tasks.csv`` and ``tasks.json``: the tasks of every register, with a ``register`` column."""
    out.mkdir(parents=True, exist_ok=True)
    rows = combined_rows(links, site_url, known)
    (out / "tasks.csv").write_bytes(_csv(COMBINED_FIELDS, rows))
    (out / "tasks.json").write_bytes(_json(rows))
    return [out / "tasks.csv", out / "tasks.json"]
