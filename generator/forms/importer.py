"""``import``: filled forms → new reports in tasks.yaml, all or nothing.

Every filled row is read, checked against the register as it is now, and
turned into a report; any problem in any row of any file means nothing is
written. The reports are added by a text edit (``yamledit``), the result is
validated and compared with the register before it (only the new reports may
differ), and only then written, through a temporary file and an atomic rename.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import i18n, yamledit
from ..load import Mapping, load_bytes
from ..model import Register, Report, Task
from ..problems import Problem
from ..schema import STATUSES
from ..validate import Result, validate
from . import layout, safezip
from .form import CLOSED, _latest, status_words
from .layout import BY_KEY, FILL, FIRST_ROW, HEADER_ROW, MACHINE

MAX_TEXT = 4000
_DATE_TEXT = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)


@dataclass(frozen=True)
class FormProblem:
    """One problem in a form, at ``FILE!SHEET!CELL`` (sheet and cell empty for the whole file)."""

    file: str
    sheet: str
    cell: str
    code: str
    args: tuple[tuple[str, object], ...] = ()

    @property
    def place(self) -> str:
        return "!".join(part for part in (self.file, self.sheet, self.cell) if part)

    def message(self, lang: str = "vi") -> str:
        args = dict(self.args)
        for key in ("size_mb", "limit_mb"):
            size = args.get(key)
            if isinstance(size, float):
                args[key] = i18n.number(size, lang, 2)
        return i18n.t(f"form.err.{self.code}", lang, **args)

    def text(self, lang: str = "vi") -> str:
        return f"{self.place}: {i18n.t('cli.error', 'en')}: {self.message(lang)}"


@dataclass
class Row:
    """A filled row turned into a report for task ``task``."""

    file: str
    cell: str  # the report date's cell, to point at for duplicates
    task: int
    report: dict[str, Any]


@dataclass
class Outcome:
    problems: list[FormProblem] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    register_problems: list[Problem] = field(default_factory=list)
    text: str | None = None  # the new register text, when everything is good
    after: Register | None = None  # and its model
    added: int = 0


def _problem(file: str, sheet: str, cell: str, code: str, **args: object) -> FormProblem:
    return FormProblem(file, sheet, cell, code, tuple(sorted(args.items())))


def plan_import(paths: list[Path], register_path: Path, as_of: dt.date | None = None,
                max_bytes: int = 5 * 1024 * 1024) -> tuple[Result, Outcome]:
    """Read the forms and the register; the outcome holds the problems or the new register text."""
    data = register_path.read_bytes()
    original = validate(load_bytes(data, str(register_path), max_bytes), as_of)
    outcome = Outcome()
    if not original.ok:
        outcome.register_problems = original.problems
        return original, outcome
    assert original.register is not None and original.as_of is not None
    context = _Context(original.register, original.as_of.date, original.register.meta.language)
    for path in paths:
        outcome.problems += read_form(path, context, outcome.rows)
    outcome.problems += _duplicates(outcome.rows, context)
    if outcome.problems:
        return original, outcome
    _apply(data, register_path, original, outcome, as_of, max_bytes)
    return original, outcome


@dataclass
class _Context:
    register: Register
    as_of: dt.date
    lang: str
    by_hash: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_hash = {layout.task_hash(t): t.id for t in self.register.tasks}
        self.words = {_fold(w): s for s, w in zip(STATUSES, status_words(self.lang))}
        self.words.update({_fold(w): s for s, w in zip(STATUSES, status_words("en"))})
        self.words.update({_fold(s): s for s in STATUSES})


def _fold(word: str) -> str:
    return " ".join(unicodedata.normalize("NFC", word).casefold().split())


def read_form(path: Path, context: _Context, rows: list[Row]) -> list[FormProblem]:
    """The problems of one file; its good rows are appended to ``rows``."""
    name = path.name
    refusal = safezip.check(path)
    if refusal is not None:
        return [_problem(name, "", "", refusal.code, **refusal.args)]
    sheet = layout.REPORT_SHEET
    try:
        book = _open(path)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return [_problem(name, "", "", "corrupt", detail=type(exc).__name__)]
    try:
        found = {unicodedata.normalize("NFC", title): title for title in book.sheetnames}
        if sheet not in found:
            return [_problem(name, sheet, "", "missing_sheet", name=sheet)]
        return _read_sheet(book[found[sheet]], name, context, rows)
    finally:
        book.close()


def _open(path: Path) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "data validation extension not supported" and the like
        return load_workbook(path, read_only=False, data_only=False, keep_vba=False, keep_links=False,
                             rich_text=False)


def _read_sheet(ws: Any, file: str, context: _Context, rows: list[Row]) -> list[FormProblem]:
    sheet = ws.title
    if ws.max_row > layout.MAX_ROWS + FIRST_ROW or ws.max_column > 100:
        return [_problem(file, sheet, "", "too_many_rows", rows=ws.max_row, limit=layout.MAX_ROWS)]
    problems = [_problem(file, sheet, str(r).split(":")[0], "merged", range=str(r)) for r in ws.merged_cells.ranges]
    for column in MACHINE:
        if ws[f"{column.letter}{HEADER_ROW}"].value != column.key:
            return problems + [_problem(file, sheet, f"{column.letter}{HEADER_ROW}", "not_our_form",
                                        column=column.key)]
    filled = 0
    for number in range(FIRST_ROW, ws.max_row + 1):
        found, row = _read_row(ws, number, file, context)
        problems += found
        if row is not None or found:
            filled += 1
        if row is not None and not found:
            rows.append(row)
    if not filled and not problems:
        problems.append(_problem(file, sheet, f"{BY_KEY['status'].letter}{FIRST_ROW}", "nothing_filled"))
    return problems


def _formula(cell: Any) -> str | None:
    if cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula"):
        text = getattr(cell.value, "text", cell.value)
        return str(text)[:40]
    return None


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_row(ws: Any, number: int, file: str, context: _Context) -> tuple[list[FormProblem], Row | None]:
    sheet = ws.title
    at = {c.key: f"{c.letter}{number}" for c in FILL + MACHINE}
    cells = {key: ws[ref] for key, ref in at.items()}
    problems = [_problem(file, sheet, at[key], "formula", formula=text)
                for key, cell in cells.items() if (text := _formula(cell)) is not None]
    if problems:
        return problems, None
    values = {key: cell.value for key, cell in cells.items()}
    if all(_empty(values[c.key]) for c in FILL if c.key != "date"):
        return [], None
    here = _RowReader(file, sheet, at, context)
    task = here.task(values)
    if task is None:
        return here.problems, None
    report = here.report(values, cells, task)
    return here.problems, Row(file, at["date"], task.id, report) if report is not None else None


@dataclass
class _RowReader:
    file: str
    sheet: str
    at: dict[str, str]
    context: _Context
    problems: list[FormProblem] = field(default_factory=list)

    def error(self, key: str, code: str, **args: object) -> None:
        self.problems.append(_problem(self.file, self.sheet, self.at[key], code, **args))

    def task(self, values: dict[str, Any]) -> Task | None:
        ident, digest = values.get("m_task"), values.get("m_hash")
        if not isinstance(ident, int) or isinstance(ident, bool) or not isinstance(digest, str) \
                or values.get("m_format") != layout.FORMAT:
            self.error("m_task", "machine_missing", column=BY_KEY["m_task"].letter)
            return None
        register = self.context.register
        by_id = {t.id: t for t in register.tasks}
        task = by_id.get(ident)
        if task is not None and layout.task_hash(task) == digest:
            return task
        moved = self.context.by_hash.get(digest)
        version = str(values.get("m_register") or "?")[:12]
        if moved is not None:
            self.error("status", "moved", task=ident, now=moved, version=version)
        elif task is None:
            self.error("status", "unknown_task", task=ident)
        else:
            # a task that changed: say why it cannot take the report, most useful reason first
            report = self.report(values, {}, task, check_only=True)
            if report is not None and _already(task, report):
                self.error("date", "already_imported", task=task.id, date=i18n.date(report["date"]))
            elif _latest(task, self.context.as_of) in CLOSED:
                self.error("status", "not_open", task=task.id,
                           status=i18n.t(f"status.{_latest(task, self.context.as_of)}", self.context.lang))
            else:
                self.error("status", "stale", task=task.id, version=version)
        return None

    def report(self, values: dict[str, Any], cells: dict[str, Any], task: Task,
               check_only: bool = False) -> dict[str, Any] | None:
        """The report a row says, or None (with its problems recorded unless ``check_only``)."""
        saved = list(self.problems)
        day = self.date(values.get("date"))
        status = self.status(values.get("status"))
        figure = self.figure(values.get("figure"), task)
        texts = {key: self.text(key, values.get(key)) for key in
                 ("note", "difficulties", "recommendations", "proposals")}
        link = self.link(values.get("evidence"), cells.get("evidence"))
        if check_only:
            failed = len(self.problems) > len(saved)
            self.problems = saved
            if failed:
                return None
        elif len(self.problems) > len(saved):
            return None
        if status == "done" and figure is not None and task.measure is None and figure < 100 and not check_only:
            self.error("figure", "done_below_100", value=i18n.number(figure, self.context.lang, 4),
                       done=i18n.t("status.done", self.context.lang))
            return None
        assert day is not None and status is not None
        report: dict[str, Any] = {"date": day, "status": status}
        if figure is not None:
            report["value" if task.measure else "progress"] = figure
        report.update(_texts(texts, link, self.context.lang))
        return report

    def date(self, value: object) -> dt.date | None:
        example = i18n.date(self.context.as_of)
        if _empty(value):
            self.error("date", "date_missing", example=example)
            return None
        day = _as_date(value)
        if day is None:
            self.error("date", "bad_date", value=str(value)[:40], example=example)
            return None
        meta = self.context.register.meta
        if day > self.context.as_of:
            self.error("date", "date_after_as_of", date=i18n.date(day), as_of=i18n.date(self.context.as_of))
        elif day < meta.start:
            self.error("date", "date_before_start", date=i18n.date(day), start=i18n.date(meta.start))
        return day

    def status(self, value: object) -> str | None:
        words = ", ".join(status_words(self.context.lang))
        if _empty(value):
            self.error("status", "status_missing", statuses=words)
            return None
        code = self.context.words.get(_fold(str(value)))
        if code is None:
            self.error("status", "bad_status", value=str(value)[:40], statuses=words)
        return code

    def figure(self, value: object, task: Task) -> float | int | None:
        if _empty(value):
            return None
        number = _as_number(value)
        if isinstance(number, str):
            code = "ambiguous_number" if number == "ambiguous" else "bad_number"
            self.error("figure", code, value=str(value)[:40], plain=str(value).replace(".", "")[:40])
            return None
        shown = i18n.number(number, self.context.lang, 4)
        if task.measure is None and not 0 <= number <= 100:
            self.error("figure", "progress_range", value=shown)
        elif number < 0:
            self.error("figure", "value_negative", value=shown)
        return number

    def text(self, key: str, value: object) -> str | None:
        if _empty(value):
            return None
        text = yamledit.clean_text(value if isinstance(value, str) else _number_text(value))
        if len(text) > MAX_TEXT:
            self.error(key, "text_too_long", length=len(text), limit=MAX_TEXT)
        return text or None

    def link(self, value: object, cell: Any) -> str | None:
        if _empty(value):
            return None
        text = str(value).strip()
        target = getattr(getattr(cell, "hyperlink", None), "target", None)
        if not _URL.fullmatch(text) and isinstance(target, str) and _URL.fullmatch(target.strip()):
            text = target.strip()
        if not _URL.fullmatch(text):
            self.error("evidence", "bad_link", value=text[:60])
            return None
        return text


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return i18n.date(value if isinstance(value, dt.date) else value.date())
    return str(value)


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := _DATE_TEXT.fullmatch(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if match := _ISO_TEXT.fullmatch(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


def _as_number(value: object) -> float | int | str:
    """A number from a cell: a real number, or text in the Vietnamese (``12,5``, ``1.114,5``) or the
    English (``12.5``) way; ``"ambiguous"`` for ``1.114``; ``"bad"`` for anything else."""
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, (int, float)):
        number: float | int = value
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "").removesuffix("%")
        if "," in text and "." in text:
            text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") \
                else text.replace(",", "")
        elif "," in text:
            text = text.replace(",", ".")
        elif _THOUSANDS.fullmatch(text):
            return "ambiguous"
        try:
            number = float(text)
        except ValueError:
            return "bad"
    else:
        return "bad"
    if number != number or number in (float("inf"), float("-inf")):
        return "bad"
    return int(number) if float(number).is_integer() else round(float(number), 6)


def _texts(texts: dict[str, str | None], link: str | None, lang: str) -> dict[str, str]:
    """Kiến nghị and đề xuất go into ``proposals``; the evidence link ends the ``note``."""
    out: dict[str, str] = {}
    note = texts["note"]
    if link:
        evidence = f"{i18n.t('form.label.evidence', lang)}: <{link}>"
        note = f"{note}\n\n{evidence}" if note else evidence
    if note:
        out["note"] = note
    if texts["difficulties"]:
        out["difficulties"] = texts["difficulties"]
    recommendations, proposals = texts["recommendations"], texts["proposals"]
    if recommendations and proposals:
        out["proposals"] = (f"{i18n.t('form.label.recommendations', lang)}: {recommendations}\n\n"
                            f"{i18n.t('form.label.proposals', lang)}: {proposals}")
    elif recommendations:
        out["proposals"] = f"{i18n.t('form.label.recommendations', lang)}: {recommendations}"
    elif proposals:
        out["proposals"] = proposals
    return out


def _content(report: dict[str, Any]) -> tuple[object, ...]:
    return tuple(report.get(k) for k in ("date", "status", "progress", "value", "note", "difficulties", "proposals"))


def _report_content(report: Report) -> tuple[object, ...]:
    return (report.date, report.status, report.progress, report.value, report.note, report.difficulties,
            report.proposals)


def _already(task: Task, report: dict[str, Any]) -> bool:
    wanted = _content(report)
    return any(_same(_report_content(r), wanted) for r in task.reports)


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return all((x == y) if not isinstance(x, float) or not isinstance(y, (int, float)) else abs(x - y) < 1e-9
               for x, y in zip(a, b))


def _duplicates(rows: list[Row], context: _Context) -> list[FormProblem]:
    """The same report twice in this import, or one already in the register."""
    problems: list[FormProblem] = []
    first: dict[tuple[int, dt.date], Row] = {}
    for row in rows:
        task = context.register.task(row.task)
        sheet = layout.REPORT_SHEET
        if _already(task, row.report):
            problems.append(_problem(row.file, sheet, row.cell, "already_imported", task=row.task,
                                     date=i18n.date(row.report["date"])))
            continue
        key = (row.task, row.report["date"])
        if key in first:
            other = first[key]
            problems.append(_problem(row.file, sheet, row.cell, "duplicate_row", task=row.task,
                                     date=i18n.date(row.report["date"]),
                                     other=f"{other.file}!{sheet}!{other.cell}"))
        else:
            first[key] = row
    return problems


def _apply(data: bytes, register_path: Path, original: Result, outcome: Outcome, as_of: dt.date | None,
           max_bytes: int) -> None:
    text = data.decode("utf-8")
    loaded = load_bytes(data, str(register_path), max_bytes)
    assert isinstance(loaded.root, Mapping)
    additions: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(outcome.rows, key=lambda r: r.report["date"]):
        additions.setdefault(row.task, []).append(row.report)
    try:
        new_text, _ = yamledit.insert_reports(text, loaded.root, additions)
    except yamledit.EditError as exc:
        outcome.problems.append(_problem(f"{register_path}:{exc.line}", "", "", exc.code, task=exc.task,
                                         line=exc.line))
        return
    after = validate(load_bytes(new_text.encode("utf-8"), str(register_path), max(max_bytes, len(new_text) * 2)),
                     as_of)
    if not after.ok:
        outcome.register_problems = after.problems
        return
    assert original.register is not None and after.register is not None
    changed = _unexpected(original.register, after.register, additions)
    if changed is not None:
        outcome.problems.append(_problem(f"{register_path}:{changed[1]}", "", "", "edit_changed_data",
                                         task=changed[0], line=changed[1]))
        return
    outcome.text, outcome.after = new_text, after.register
    outcome.added = sum(len(v) for v in additions.values())


def _unexpected(old: Register, new: Register, additions: dict[int, list[dict[str, Any]]]) -> tuple[int, int] | None:
    """The first task (id, line) whose data differs other than by the reports added at its end."""
    if old.meta != new.meta or old.agencies != new.agencies or old.blocs != new.blocs or old.groups != new.groups \
            or len(old.tasks) != len(new.tasks):
        return (0, 1)
    for a, b in zip(old.tasks, new.tasks):
        added = additions.get(a.id, [])
        kept, extra = b.reports[:len(a.reports)], b.reports[len(a.reports):]
        same_task = replace(a, line=0, reports=()) == replace(b, line=0, reports=())
        same_reports = [_report_content(r) for r in a.reports] == [_report_content(r) for r in kept]
        new_ok = len(extra) == len(added) and all(_same(_report_content(r), _content(w))
                                                  for r, w in zip(extra, added))
        if not (same_task and same_reports and new_ok):
            return (b.id, b.line)
    return None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` next to ``path`` and rename it over ``path``: readers see the old file or the new one."""
    mode = path.stat().st_mode & 0o777
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
