"""The .xlsx download as LibreOffice reads it: Vietnamese intact, numbers and dates typed, text that
looks like a formula kept as text; and the same rows as the CSV files."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.derive import derive
from generator.render import data
from tests.conftest import REGISTERS, validate_path

SMALL = REGISTERS / "valid" / "small.yaml"
NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
FORMULA = "=HYPERLINK(\"http://evil.example\",\"Bấm\")"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("data")
    register = tmp / "tasks.yaml"
    register.write_text(SMALL.read_text(encoding="utf-8").replace(
        "note: Đã hoàn thành 3 tuyến.", "note: '" + FORMULA.replace("'", "''") + "'"), encoding="utf-8")
    result = validate_path(register)
    assert result.ok, result.problems
    out = tmp / "data"
    data.write(result.register, derive(result.register, result.as_of.date), register, out)
    return out


def _calc(xlsx: Path, tmp: Path) -> dict[str, list[list[tuple[str | None, str | None, str]]]]:
    """Each sheet as LibreOffice Calc reads it: rows of (value type, typed value, text shown)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless", "--convert-to", "fods",
                    "--outdir", str(tmp), str(xlsx)], check=True, capture_output=True, timeout=180)
    root = ET.parse(tmp / (xlsx.stem + ".fods")).getroot()
    sheets = {}
    for table in root.iter(f"{{{NS['table']}}}table"):
        rows = []
        for row in table.iter(f"{{{NS['table']}}}table-row"):
            cells = []
            for cell in row.findall("table:table-cell", NS):
                repeat = int(cell.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
                kind = cell.get(f"{{{NS['office']}}}value-type")
                typed = cell.get(f"{{{NS['office']}}}date-value") or cell.get(f"{{{NS['office']}}}value") or \
                    cell.get(f"{{{NS['office']}}}boolean-value")
                # Calc writes a boolean as TRUE()/FALSE(); any other formula would be a cell it evaluates
                assert cell.get(f"{{{NS['table']}}}formula") in (None, "of:=TRUE()", "of:=FALSE()")
                shown = "\n".join("".join(par.itertext()) for par in cell.findall("text:p", NS))
                cells += [(kind, typed, shown)] * min(repeat, 50)
            if any(kind for kind, _, _ in cells):
                rows.append(cells)
        sheets[table.get(f"{{{NS['table']}}}name")] = rows
    return sheets


def test_libreoffice_reads_vietnamese_numbers_and_dates_typed(written, tmp_path):
    sheets = _calc(written / "tasks.xlsx", tmp_path)
    assert list(sheets) == ["tasks", "reports"]
    header, first = sheets["tasks"][0], sheets["tasks"][1]
    names = [shown for _, _, shown in header][:len(data.TASK_CSV_FIELDS)]
    assert names == list(data.TASK_CSV_FIELDS)
    cell = dict(zip(names, first))
    assert cell["id"][:2] == ("float", "1")
    assert cell["title"] == ("string", None, "Thảm nhựa thí điểm 3 tuyến phố")
    assert cell["deadline"][:2] == ("date", "2021-06-30") and cell["deadline"][2] == "30/06/2021"
    assert cell["progress"][:2] == ("float", "100")
    assert cell["overdue"][2] == "FALSE"  # a boolean (Calc keeps it as FALSE(), shown FALSE)
    reports = sheets["reports"]
    rnames = [shown for _, _, shown in reports[0]][:len(data.REPORT_CSV_FIELDS)]
    notes = [dict(zip(rnames, row)).get("note") for row in reports[1:]]
    assert ("string", None, FORMULA) in notes  # text, shown as typed, never evaluated


def test_the_workbook_has_the_rows_of_the_csv_files(written, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(written / "tasks.xlsx")
    for sheet, name in (("tasks", "tasks.csv"), ("reports", "reports.csv")):
        rows = list(csv.reader(io.StringIO((written / name).read_text(encoding="utf-8-sig"))))
        cells = list(book[sheet].iter_rows(values_only=True))
        assert len(cells) == len(rows) and list(cells[0]) == rows[0]
        ids = [str(r[0]) for r in cells[1:]]
        assert ids == [r[0] for r in rows[1:]]


def test_two_writes_give_the_same_bytes(written, tmp_path):
    result = validate_path(SMALL)
    again = tmp_path / "again"
    data.write(result.register, derive(result.register, result.as_of.date), SMALL, again)
    other = tmp_path / "other"
    data.write(result.register, derive(result.register, result.as_of.date), SMALL, other)
    assert (again / "tasks.xlsx").read_bytes() == (other / "tasks.xlsx").read_bytes()
