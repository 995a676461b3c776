"""Checks on an .xlsx from outside, made on the zip itself before any spreadsheet library parses it.

The declared uncompressed sizes and the number of entries are read from the
zip's central directory; Python's zipfile never returns more than an entry's
declared size, so once these are bounded, so is what openpyxl can be made to
read. Macros, external links, embedded objects and XML with a DTD (entity
expansion) are refused outright: a progress report needs none of them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_FILE = 5 * 1024 * 1024  # the register's own limit (load.MAX_BYTES)
MAX_UNPACKED = 20 * 1024 * 1024
MAX_PART = 8 * 1024 * 1024
MAX_ENTRIES = 400
# openpyxl takes about 0.1 ms and 1 kB per cell: bounding the cells bounds its time and memory.
MAX_CELLS = 40_000
MAX_ROWS = 2_000
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_REFUSED_PARTS = (("xl/vbaproject", "macro"), ("xl/macrosheets/", "macro"), ("xl/dialogsheets/", "macro"),
                  ("xl/externallinks/", "external_link"), ("xl/embeddings/", "embedded"),
                  ("xl/activex/", "embedded"), ("customui/", "macro"))


@dataclass(frozen=True)
class Refusal:
    code: str
    args: dict[str, object]


def check(path: Path, max_file: int = MAX_FILE) -> Refusal | None:
    """Why ``path`` must not be opened, or None."""
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlam", ".xlsb"):
        return Refusal("macro", {})
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Refusal("not_found", {"reason": exc.strerror or str(exc)})
    if size > max_file:
        return Refusal("too_large", {"size_mb": _mb(size), "limit_mb": _mb(max_file)})
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return Refusal("not_xlsx", {})


def _check_archive(archive: zipfile.ZipFile) -> Refusal | None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        return Refusal("too_many_parts", {"count": len(entries), "limit": MAX_ENTRIES})
    total = sum(e.file_size for e in entries)
    biggest = max((e.file_size for e in entries), default=0)
    if total > MAX_UNPACKED or biggest > MAX_PART:
        return Refusal("unpacked_too_large", {"size_mb": _mb(max(total, biggest)),
                                              "limit_mb": _mb(MAX_UNPACKED if total > MAX_UNPACKED else MAX_PART)})
    names = {e.filename.lower(): e for e in entries}
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        return Refusal("not_xlsx", {})
    for name in names:
        for prefix, code in _REFUSED_PARTS:
            if name.startswith(prefix):
                return Refusal(code, {"part": name})
    if b"macroenabled" in archive.read(names["[content_types].xml"]).lower():
        return Refusal("macro", {})
    for name, entry in names.items():
        if name.endswith((".xml", ".rels", ".vml")) and _has_dtd(archive, entry):
            return Refusal("dtd", {"part": entry.filename})
    for name, entry in names.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            cells, rows = _count(archive, entry)
            if cells > MAX_CELLS or rows > MAX_ROWS:
                return Refusal("too_many_cells", {"part": entry.filename, "cells": cells, "rows": rows,
                                                  "max_cells": MAX_CELLS, "max_rows": MAX_ROWS})
    return None


def _count(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> tuple[int, int]:
    """Cells and rows in a worksheet part, counted on the bytes as they stream by: a tag that
    starts in a chunk's last 64 bytes is left for the next chunk, so none is counted twice."""
    cells = rows = 0
    pending = b""
    with archive.open(entry) as handle:
        while chunk := handle.read(1 << 16):
            window = pending + chunk
            cut = max(0, len(window) - 64)
            cells += sum(1 for m in _CELL.finditer(window, 0, len(window)) if m.start() < cut)
            rows += sum(1 for m in _ROW.finditer(window) if m.start() < cut)
            pending = window[cut:]
    return cells + len(_CELL.findall(pending)), rows + len(_ROW.findall(pending))


def _has_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """A DTD (the way to entity expansion) anywhere in the part, or text not in UTF-8 where we cannot look."""
    tail = b""
    with archive.open(entry) as handle:
        head = handle.read(4)
        if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return True  # UTF-16/32: no spreadsheet program writes it, and a DTD would hide from the check
        chunk = head
        while chunk:
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-16:]
            chunk = handle.read(1 << 16)
    return False


def _mb(size: int) -> float:
    return round(size / 1048576, 2)
