"""Broken report forms, made by this script from a fresh form (no binary files in the repository).

Each case fills a form for ``phong-qldt`` of ``register.yaml`` (rows 5, 6, 7 are
tasks 1, 2 and 3; task 2 has a measure in trees) the way a unit might get it
wrong, and names what the import must say: ``SHEET!CELL code``. Some cases also
change the register after the form was made (a stale form) or add a second file.

    python tests/forms/corpus.py OUT_DIR   # writes every case, to open them by hand
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

HERE = Path(__file__).parent
REGISTER = HERE / "register.yaml"
AGENCY = "phong-qldt"
SHEET = "Báo cáo"
OK_ROW = {"H5": "Đang thực hiện", "I5": 55}


@dataclass(frozen=True)
class Case:
    name: str
    cells: dict[str, object]
    expected: tuple[str, ...]  # "SHEET!CELL code", in the order they are reported
    edit: Callable | None = None  # (workbook, sheet) -> None, after the cells are set
    register_edit: Callable[[str], str] | None = None  # the register changed after the form was made
    second: dict[str, object] | None = None  # a second filled copy of the form, imported with the first
    meta: dict[str, object] = field(default_factory=dict)


def _merge(wb, ws) -> None:
    ws.merge_cells("K5:L5")


def _rename(wb, ws) -> None:
    ws.title = "Sheet2"


def _renumber(text: str) -> str:
    return text.replace("  - id: 1\n", "  - id: 11\n", 1)


def _move_deadline(text: str) -> str:
    return text.replace("    deadline: 2021-06-30\n", "    deadline: 2021-07-31\n", 1)


def _close_task_3(text: str) -> str:
    return text.replace("    deadline: 2021-10-31\n",
                        "    deadline: 2021-10-31\n    reports:\n      - date: 2021-06-15\n        status: done\n", 1)


CASES = (
    Case("unknown_status", {"H5": "Xong rồi"}, ("Báo cáo!H5 bad_status",)),
    Case("progress_120", {"H5": "Đang thực hiện", "I5": 120}, ("Báo cáo!I5 progress_range",)),
    Case("progress_text_120", {"H5": "Đang thực hiện", "I5": "120,5%"}, ("Báo cáo!I5 progress_range",)),
    Case("date_after_as_of", {"G5": dt.datetime(2021, 7, 15), **OK_ROW}, ("Báo cáo!G5 date_after_as_of",)),
    Case("date_text_after_as_of", {"G5": "01/07/2021", **OK_ROW}, ("Báo cáo!G5 date_after_as_of",)),
    Case("not_a_date", {"G5": "31/02/2021", **OK_ROW}, ("Báo cáo!G5 bad_date",)),
    Case("date_before_start", {"G5": "31/12/2020", **OK_ROW}, ("Báo cáo!G5 date_before_start",)),
    Case("no_status", {"K5": "Đã làm xong một phần"}, ("Báo cáo!H5 status_missing",)),
    Case("done_below_100", {"H5": "Hoàn thành", "I5": 60}, ("Báo cáo!I5 done_below_100",)),
    Case("ambiguous_thousands", {"H6": "Đang thực hiện", "I6": "1.114"}, ("Báo cáo!I6 ambiguous_number",)),
    Case("not_a_number", {"H6": "Đang thực hiện", "I6": "khoảng 700"}, ("Báo cáo!I6 bad_number",)),
    Case("negative_value", {"H6": "Đang thực hiện", "I6": -5}, ("Báo cáo!I6 value_negative",)),
    Case("bad_link", {**OK_ROW, "O5": "javascript:alert(1)"}, ("Báo cáo!O5 bad_link",)),
    Case("text_too_long", {**OK_ROW, "K5": "x" * 4001}, ("Báo cáo!K5 text_too_long",)),
    Case("formula_in_figure", {"H5": "Đang thực hiện", "I5": "=40+15"}, ("Báo cáo!I5 formula",)),
    Case("formula_in_note", {**OK_ROW, "K5": '=HYPERLINK("http://x","y")'}, ("Báo cáo!K5 formula",)),
    Case("merged_cells", {**OK_ROW, "K5": "ghi chú"}, ("Báo cáo!K5 merged",), edit=_merge),
    Case("missing_sheet", OK_ROW, ("Báo cáo! missing_sheet",), edit=_rename),
    Case("machine_column_wiped", {**OK_ROW, "P5": None}, ("Báo cáo!P5 machine_missing",)),
    Case("not_our_form", {**OK_ROW, "Q4": "hash"}, ("Báo cáo!Q4 not_our_form",)),
    Case("nothing_filled", {}, ("Báo cáo!H5 nothing_filled",)),
    Case("stale_form", OK_ROW, ("Báo cáo!H5 stale",), register_edit=_move_deadline),
    Case("task_renumbered", OK_ROW, ("Báo cáo!H5 moved",), register_edit=_renumber),
    Case("task_no_longer_open", {"H7": "Đang thực hiện", "I7": 20}, ("Báo cáo!H7 not_open",),
         register_edit=_close_task_3),
    Case("same_report_in_two_files", OK_ROW, ("Báo cáo!G5 duplicate_row",), second=OK_ROW),
    Case("two_errors_in_one_row", {"H5": "xong", "I5": 150, "G5": "hôm qua"},
         ("Báo cáo!G5 bad_date", "Báo cáo!H5 bad_status", "Báo cáo!I5 progress_range")),
)


def fill(form: Path, out: Path, cells: dict[str, object], edit: Callable | None = None) -> Path:
    """``form`` with ``cells`` set on the report sheet, saved as ``out``."""
    wb = load_workbook(form)
    ws = wb[SHEET]
    for ref, value in cells.items():
        ws[ref] = value
    if edit is not None:
        edit(wb, ws)
    wb.save(out)
    return out


def make_form(register: Path, out: Path) -> Path:
    from generator.cli import main

    assert main(["form", "--agency", AGENCY, "--register", str(register), "--out", str(out)]) == 0
    return out


def build(case: Case, folder: Path) -> tuple[Path, list[Path]]:
    """The register (changed as the case says) and the filled files of ``case``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    register = folder / "tasks.yaml"
    shutil.copyfile(REGISTER, register)
    form = make_form(register, folder / "form.xlsx")
    files = [fill(form, folder / f"{case.name}.xlsx", case.cells, case.edit)]
    if case.second is not None:
        files.append(fill(form, folder / f"{case.name}-2.xlsx", case.second))
    if case.register_edit is not None:
        text = register.read_text(encoding="utf-8")
        changed = case.register_edit(text)
        assert changed != text, case.name
        register.write_text(changed, encoding="utf-8")
    return register, files


def main(out: str) -> None:
    for case in CASES:
        build(case, Path(out) / re.sub(r"\W", "-", case.name))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    main(sys.argv[1])
