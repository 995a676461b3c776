"""Add reports to tasks.yaml as a text edit: new lines are inserted, nothing else is touched.

A re-dump (load, change, dump) would lose the editors' comments, blank lines,
key order and quoting. We use the positions the loader keeps (``load.Node``
line and column) to find where a task's last report ends, and insert the new
reports there in the file's own indentation. Every other byte stays as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Union

import yaml

from .load import Mapping, Node, Scalar, Sequence

Value = Union[str, float, int, dt.date]
End = tuple[int, int, bool]

# The order of a report's keys, as the editors' guide and the example register write them.
REPORT_KEYS = ("date", "status", "progress", "value", "note", "difficulties", "proposals")


class EditError(ValueError):
    """The register's layout does not allow a safe insertion (``code`` names the message)."""

    def __init__(self, code: str, task: int, line: int) -> None:
        super().__init__(code)
        self.code, self.task, self.line = code, task, line


@dataclass(frozen=True)
class Style:
    """Columns (0-based) of a report list's dash and of a report's keys, relative to the ``reports:`` key."""

    dash: int = 2
    key: int = 4


@dataclass(frozen=True)
class Insertion:
    after_line: int  # 1-based: the new lines go after this line
    lines: tuple[str, ...]


def insert_reports(text: str, root: Mapping, additions: dict[int, list[dict[str, Value]]]) -> tuple[str, list[Insertion]]:
    """``text`` with ``additions`` (task id → reports, in order) appended to the tasks' report lists."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    tasks = root.items.get("tasks")
    if not isinstance(tasks, Sequence):
        raise EditError("edit_no_tasks", 0, 1)
    style = _style(lines, tasks)
    ends = _ends(text)
    plans = [_plan(lines, tasks, i, reports, style, ends) for i, reports in _by_position(tasks, additions)]
    for plan in sorted(plans, key=lambda p: p.after_line, reverse=True):
        if plan.after_line == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines[plan.after_line:plan.after_line] = [line + newline for line in plan.lines]
    return "".join(lines), sorted(plans, key=lambda p: p.after_line)


def _by_position(tasks: Sequence, additions: dict[int, list[dict[str, Value]]]) -> list[tuple[int, list[dict[str, Value]]]]:
    index: dict[str, int] = {}
    for i, node in enumerate(tasks.items):
        ident = node.items.get("id") if isinstance(node, Mapping) else None
        if isinstance(ident, Scalar):
            index.setdefault(ident.raw.strip(), i)
    out = []
    for task_id, reports in additions.items():
        if str(task_id) not in index:
            raise EditError("edit_task_missing", task_id, 1)
        out.append((index[str(task_id)], reports))
    return out


def _dash_col(lines: list[str], item: Node) -> int:
    """The column of the ``-`` that opens a block sequence item whose first key is at ``item``."""
    text = lines[item.line - 1]
    col = item.col - 2
    while col >= 0 and text[col] == " ":
        col -= 1
    return col if col >= 0 and text[col] == "-" else -1


def _style(lines: list[str], tasks: Sequence) -> Style:
    """The indentation the file already uses for reports (the first block list of reports), else 2 and 4."""
    for task in tasks.items:
        if not isinstance(task, Mapping):
            continue
        reports, key = task.items.get("reports"), task.keys.get("reports")
        if isinstance(reports, Sequence) and reports.items and isinstance(reports.items[0], Mapping) and key:
            first = reports.items[0]
            dash = _dash_col(lines, first)
            if dash >= 0 and first.line > key.line:
                return Style(dash - (key.col - 1), first.col - 1 - (key.col - 1))
    return Style()


def _ends(text: str) -> tuple[dict[int, End], dict[int, End]]:
    """Where each task's content ends, and where its ``reports`` end: (line, column, block scalar) of
    the last scalar or flow collection, 0-based, from the parser's own marks — a block scalar's
    lines, comments and blank lines are told apart by the parser, not guessed."""
    tasks: dict[int, End] = {}
    reports: dict[int, End] = {}
    stack: list[list[Any]] = []  # [is_mapping, is_flow, key or index, expecting_key]

    def record(end: Any, block: bool) -> None:
        path = [frame[2] for frame in stack]
        if len(path) >= 2 and path[0] == "tasks" and isinstance(path[1], int):
            tasks[path[1]] = (end.line, end.column, block)
            if len(path) >= 3 and path[2] == "reports":
                reports[path[1]] = (end.line, end.column, block)

    def advance() -> None:
        if stack:
            top = stack[-1]
            if top[0]:
                top[3] = True
            else:
                top[2] += 1

    for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(event, yaml.ScalarEvent):
            if stack and stack[-1][0] and stack[-1][3]:
                stack[-1][2], stack[-1][3] = unicodedata.normalize("NFC", event.value), False
                record(event.end_mark, False)
            else:
                record(event.end_mark, event.style in ("|", ">"))
                advance()
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            mapping = isinstance(event, yaml.MappingStartEvent)
            stack.append([mapping, bool(event.flow_style), None if mapping else 0, mapping])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            if frame[1]:
                record(event.end_mark, False)
            advance()
    return tasks, reports


def _after(lines: list[str], end: End) -> int:
    """The 1-based line after which to insert, given a content end from ``_ends``."""
    line, column, block = end
    last = line - 1 if block or column == 0 else line  # a block scalar's end mark is past its last line
    while last > 0 and not lines[last].strip():
        last -= 1
    return last + 1


def _plan(lines: list[str], tasks: Sequence, i: int, reports: list[dict[str, Value]], style: Style,
          ends: tuple[dict[int, End], dict[int, End]]) -> Insertion:
    task = tasks.items[i]
    if not isinstance(task, Mapping):
        raise EditError("edit_task_missing", 0, task.line)
    ident = task.items.get("id")
    task_id = int(ident.raw) if isinstance(ident, Scalar) and ident.raw.strip().isdigit() else 0
    if _dash_col(lines, task) < 0 or i not in ends[0]:
        raise EditError("edit_flow_style", task_id, task.line)
    existing, key = task.items.get("reports"), task.keys.get("reports")
    if key is None:
        key_col = task.col - 1
        head = (" " * key_col + "reports:",)
        return Insertion(_after(lines, ends[0][i]), head + _report_lines(reports, key_col, style))
    key_col = key.col - 1
    if isinstance(existing, Sequence) and existing.items:
        last = existing.items[-1]
        dash = _dash_col(lines, last) if isinstance(last, Mapping) else -1
        if dash < 0 or i not in ends[1]:
            raise EditError("edit_flow_style", task_id, existing.line)
        here = Style(dash - key_col, last.col - 1 - key_col)
        return Insertion(_after(lines, ends[1][i]), _report_lines(reports, key_col, here))
    if isinstance(existing, Scalar) and existing.is_null and existing.raw == "":
        return Insertion(key.line, _report_lines(reports, key_col, style))
    raise EditError("edit_flow_style", task_id, key.line)


def _report_lines(reports: list[dict[str, Value]], key_col: int, style: Style) -> tuple[str, ...]:
    out: list[str] = []
    dash, indent = " " * (key_col + style.dash), key_col + style.key
    for report in reports:
        first = True
        for name in REPORT_KEYS:
            if name not in report:
                continue
            prefix = (dash + "-" + " " * (indent - len(dash) - 1)) if first else " " * indent
            out += _entry(prefix, name, report[name], indent)
            first = False
    return tuple(out)


def _entry(prefix: str, name: str, value: Value, indent: int) -> list[str]:
    if isinstance(value, str) and "\n" in value:
        body = [(" " * (indent + 2) + line) if line else "" for line in value.split("\n")]
        return [f"{prefix}{name}: |-"] + body
    return [f"{prefix}{name}: {scalar(value)}"]


def scalar(value: Value) -> str:
    """One value as a YAML scalar on one line: plain where that reads back the same, quoted otherwise."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise TypeError("booleans are not report values")
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True)
    text = dumped[:-len("\n...\n")] if dumped.endswith("\n...\n") else dumped.rstrip("\n")
    if "\n" in text or yaml.safe_load(f"k: {text}")["k"] != value:
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: str) -> str:
    """Text from outside as YAML can hold it in a block: NFC, ``\\n`` line breaks, no control
    characters, tabs as spaces, no trailing spaces on a line, no blank first or last lines."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", value)).replace("\t", " ").replace("\ufeff", "")
    text = _NOT_PRINTABLE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[0] = lines[0].lstrip()
    return "\n".join(lines)
