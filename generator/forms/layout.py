"""The form's layout, shared by the writer and the importer: sheets, columns, and the task's fingerprint."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass

from ..model import Task

FORMAT = "bao-cao-v1"  # written in a hidden cell; a workbook without it is not our form
INSTRUCTIONS_SHEET = "Hướng dẫn"
REPORT_SHEET = "Báo cáo"
TITLE_ROW, INFO_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 4, 5
MAX_ROWS = 2000  # task rows in one form; safezip refuses bigger sheets before they are parsed


@dataclass(frozen=True)
class Column:
    key: str  # translation key suffix (form.col.KEY, form.tip.KEY) and report field
    letter: str
    width: float
    fill: bool = False  # editable by the unit
    hidden: bool = False


COLUMNS = (
    Column("id", "A", 6),
    Column("title", "B", 40),
    Column("deadline", "C", 12),
    Column("last_status", "D", 15),
    Column("last_figure", "E", 14),
    Column("last_date", "F", 12),
    Column("date", "G", 13, fill=True),
    Column("status", "H", 17, fill=True),
    Column("figure", "I", 13, fill=True),
    Column("unit", "J", 10),
    Column("note", "K", 32, fill=True),
    Column("difficulties", "L", 24, fill=True),
    Column("recommendations", "M", 22, fill=True),
    Column("proposals", "N", 22, fill=True),
    Column("evidence", "O", 22, fill=True),
    Column("m_task", "P", 8, hidden=True),
    Column("m_hash", "Q", 18, hidden=True),
    Column("m_register", "R", 14, hidden=True),
    Column("m_agency", "S", 14, hidden=True),
    Column("m_format", "T", 12, hidden=True),
)
BY_KEY = {c.key: c for c in COLUMNS}
FILL = tuple(c for c in COLUMNS if c.fill)
MACHINE = tuple(c for c in COLUMNS if c.hidden)
LAST_COLUMN = COLUMNS[-1].letter


def task_hash(task: Task) -> str:
    """The task as it was when the form was made: every field a reader sees, but not its number (the
    form's own column) nor its place in the file, so that a renumbered task is recognised."""
    data = asdict(task)
    data.pop("line")
    data.pop("id")
    for report in data["reports"]:
        report.pop("line")
        report.pop("index")
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def register_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _plain(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
