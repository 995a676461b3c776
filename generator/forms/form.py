"""``form``: an .xlsx workbook per agency, for units that report in a spreadsheet instead of YAML.

One locked, prefilled row per open task the agency leads; columns to fill with
data validation; tips as cell comments; hidden machine columns that tie each
row to its task and to the register's version, so that an import can tell a
stale form. Text from the register is always written as text: a title that
starts with ``=`` is never a formula.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import i18n
from ..derive import considered_reports
from ..model import Register, Task
from ..schema import STATUSES
from . import layout
from .layout import BY_KEY, COLUMNS, FILL, FIRST_ROW, HEADER_ROW, MACHINE

CLOSED = ("done", "cancelled")
DATE_FORMAT = "dd/mm/yyyy"
_HEADER_FILL = PatternFill("solid", start_color="FFD9E2EC")
_INPUT_FILL = PatternFill("solid", start_color="FFFFF4C2")
_LOCKED_FILL = PatternFill("solid", start_color="FFF2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class FormSpec:
    register: Register
    agency: str
    month: dt.date  # the first day of the reporting month
    as_of: dt.date
    version: str  # the register file's hash


def open_tasks(register: Register, agency: str, as_of: dt.date) -> list[Task]:
    """Tasks ``agency`` leads whose latest report (by ``as_of``) is neither done nor cancelled."""
    return [t for t in register.tasks if t.lead == agency and _latest(t, as_of) not in CLOSED]


def _latest(task: Task, as_of: dt.date) -> str:
    reports = considered_reports(task, as_of)
    return reports[-1].status if reports else "not_started"


def status_words(lang: str) -> list[str]:
    return [i18n.t(f"status.{s}", lang) for s in STATUSES]


def write_form(spec: FormSpec, out: Path) -> int:
    """Write the workbook to ``out``; returns the number of task rows."""
    lang = spec.register.meta.language
    tasks = open_tasks(spec.register, spec.agency, spec.as_of)
    book = Workbook()
    guide = book.active
    guide.title = layout.INSTRUCTIONS_SHEET
    sheet = book.create_sheet(layout.REPORT_SHEET)
    _instructions(guide, spec, len(tasks), lang)
    _report_sheet(sheet, spec, tasks, lang)
    book.active = 1
    book.security = WorkbookProtection(lockStructure=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    book.save(tmp)
    tmp.replace(out)
    return len(tasks)


def _text(cell: Cell, value: str) -> None:
    """Text stays text: openpyxl would store ``=…`` as a formula; the quote prefix keeps a
    spreadsheet from reading ``+``, ``-``, ``@`` or ``=`` as the start of one when the cell is edited."""
    cell.value = value
    cell.data_type = "s"
    if value[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True


def _instructions(sheet: Worksheet, spec: FormSpec, count: int, lang: str) -> None:
    meta = spec.register.meta
    end = layout.month_end(spec.month)
    args = {"agency": spec.register.agencies[spec.agency].name, "month": spec.month.strftime("%m/%Y"),
            "deadline": i18n.date(end, lang), "issuer": meta.issuer or meta.title, "count": count,
            "sheet": layout.REPORT_SHEET, "version": spec.version, "title": meta.title,
            "statuses": ", ".join(status_words(lang))}
    sheet.column_dimensions["A"].width = 80
    for row, key in enumerate(("title", "register", "what", "rows", "fill", "statuses", "figure", "texts",
                               "when", "send", "locked", "version"), start=1):
        cell = sheet.cell(row=row, column=1)
        _text(cell, i18n.t(f"form.guide.{key}", lang, **args))
        cell.alignment = _WRAP
        sheet.row_dimensions[row].height = _height([(cell.value, 80)])
        if key == "title":
            cell.font = Font(bold=True, size=14)
            sheet.row_dimensions[row].height = 24
    sheet.protection.sheet = True
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _report_sheet(sheet: Worksheet, spec: FormSpec, tasks: list[Task], lang: str) -> None:
    end = layout.month_end(spec.month)
    agency = spec.register.agencies[spec.agency].name
    title = sheet.cell(row=layout.TITLE_ROW, column=1)
    _text(title, i18n.t("form.sheet_title", lang, agency=agency, month=spec.month.strftime("%m/%Y")))
    title.font = Font(bold=True, size=13)
    _text(sheet.cell(row=layout.INFO_ROW, column=1),
          i18n.t("form.sheet_info", lang, deadline=i18n.date(end, lang), sheet=layout.INSTRUCTIONS_SHEET))
    for column in COLUMNS:
        cell = sheet[f"{column.letter}{HEADER_ROW}"]
        _text(cell, column.key if column.hidden else i18n.t(f"form.col.{column.key}", lang))
        cell.font = Font(bold=True)
        cell.alignment = _WRAP
        cell.fill = _HEADER_FILL
        if column.fill:
            cell.comment = _tip(i18n.t(f"form.tip.{column.key}", lang))
        sheet.column_dimensions[column.letter].width = column.width
        sheet.column_dimensions[column.letter].hidden = column.hidden
    sheet.row_dimensions[HEADER_ROW].height = 45
    for row, task in enumerate(tasks, start=FIRST_ROW):
        _task_row(sheet, row, task, spec, end, lang)
    _validations(sheet, spec, tasks, lang)
    sheet.freeze_panes = f"C{FIRST_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widen a column to read a long text
    sheet.protection.formatRows = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.print_options.gridLines = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _height(cells: list[tuple[object, float]]) -> float:
    """A row tall enough for its longest wrapped text (spreadsheets do not grow rows they did not draw)."""
    lines = 1
    for value, width in cells:
        if isinstance(value, str):
            per_line = max(int(width * 1.1) - 2, 1)
            lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
    return 15.0 * lines + 3


def _tip(text: str) -> Comment:
    comment = Comment(text, "")
    comment.width, comment.height = 320, 140
    return comment


def _task_row(sheet: Worksheet, row: int, task: Task, spec: FormSpec, end: dt.date, lang: str) -> None:
    reports = considered_reports(task, spec.as_of)
    last = reports[-1] if reports else None
    unit = task.measure.unit if task.measure else "%"
    figure = None
    if last is not None and task.measure and last.value is not None:
        figure = i18n.quantity(last.value, unit, lang)
    elif last is not None and last.progress is not None:
        figure = i18n.percent(last.progress, lang)
    values: dict[str, object] = {
        "id": task.id, "title": task.title, "deadline": task.deadline,
        "last_status": i18n.t(f"status.{last.status if last else 'not_started'}", lang),
        "last_figure": figure, "last_date": last.date if last else None, "date": end, "unit": unit,
        "m_task": task.id, "m_hash": layout.task_hash(task), "m_register": spec.version, "m_agency": spec.agency,
        "m_format": layout.FORMAT,
    }
    for column in COLUMNS:
        cell = sheet[f"{column.letter}{row}"]
        value = values.get(column.key)
        if isinstance(value, str):
            _text(cell, value)
        elif value is not None:
            cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        cell.alignment = _WRAP
        if column.fill:
            cell.protection = Protection(locked=False)
            cell.fill = _INPUT_FILL
        elif not column.hidden:
            cell.fill = _LOCKED_FILL
    sheet.row_dimensions[row].height = _height([(values.get(c.key), c.width) for c in COLUMNS if not c.hidden])
    if task.measure:
        sheet[f"{BY_KEY['figure'].letter}{row}"].number_format = "#,##0.##"


def _validations(sheet: Worksheet, spec: FormSpec, tasks: list[Task], lang: str) -> None:
    if not tasks:
        return
    last_row = FIRST_ROW + len(tasks) - 1
    meta = spec.register.meta

    def column_range(key: str) -> str:
        letter = BY_KEY[key].letter
        return f"{letter}{FIRST_ROW}:{letter}{last_row}"

    def add(rule: DataValidation, key: str, cells: str) -> None:
        rule.error = i18n.t(f"form.invalid.{key}", lang)
        rule.errorTitle = i18n.t("form.invalid.title", lang)
        rule.showErrorMessage = True
        for cells_range in cells.split():
            rule.add(cells_range)
        sheet.add_data_validation(rule)

    add(DataValidation(type="date", operator="between", formula1=_excel_date(meta.start),
                       formula2=_excel_date(meta.end)), "date", column_range("date"))
    words = ",".join(status_words(lang))
    add(DataValidation(type="list", formula1=f'"{words}"', allow_blank=True), "status", column_range("status"))
    figure = BY_KEY["figure"].letter
    progress = " ".join(f"{figure}{r}" for r, t in enumerate(tasks, start=FIRST_ROW) if not t.measure)
    measured = " ".join(f"{figure}{r}" for r, t in enumerate(tasks, start=FIRST_ROW) if t.measure)
    if progress:
        add(DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True),
            "progress", progress)
    if measured:
        add(DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True),
            "value", measured)
    for key in ("note", "difficulties", "recommendations", "proposals", "evidence"):
        add(DataValidation(type="textLength", operator="lessThanOrEqual", formula1="4000", allow_blank=True),
            "text", column_range(key))


def _excel_date(day: dt.date) -> str:
    return str((day - dt.date(1899, 12, 30)).days)


__all__ = ["FILL", "MACHINE", "FormSpec", "open_tasks", "status_words", "write_form"]
