"""The open-data tables as one ``.xlsx`` workbook, a sheet per table, with typed cells:
numbers as numbers, dates as dates (shown dd/mm/yyyy), true/false as booleans and text as
text — a text cell is never read as a formula, so it needs no guard.

The file is reproducible: fixed document dates and fixed times inside the zip, so two
builds of one register give the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

DATE_FORMAT = "DD/MM/YYYY"
Table = tuple[tuple[str, ...], list[dict[str, Any]]]


def workbook(tables: Mapping[str, Table], date_fields: Collection[str], as_of: dt.date) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, (fields, rows) in tables.items():
        sheet = book.create_sheet(title)
        sheet.append(list(fields))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(rows, start=2):
            for column, name in enumerate(fields, start=1):
                _put(sheet.cell(row=number, column=column), row.get(name), name in date_fields)
        sheet.freeze_panes = "A2"
    stamp = dt.datetime.combine(as_of, dt.time())
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "python -m generator"
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_times(buffer.getvalue(), stamp)


def _put(cell: Cell, value: Any, is_date: bool) -> None:
    if value is None or value == []:
        return
    if is_date and isinstance(value, str):
        cell.value = dt.date.fromisoformat(value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, list):
        from .data import joined  # one rule for a list in a cell: the CSV's

        _text(cell, joined(value))
    elif isinstance(value, (bool, int, float)):
        cell.value = value
    else:
        _text(cell, str(value))


def _text(cell: Cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # openpyxl reads "=..." as a formula unless told it is text


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_times(data: bytes, stamp: dt.datetime) -> bytes:
    """The same workbook with every zip entry dated 1980-01-01 (the zip format's first day) and the
    document's "modified" date (openpyxl writes the time of saving) set to ``stamp``."""
    out = io.BytesIO()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + when + rb"\g<2>", content)
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
