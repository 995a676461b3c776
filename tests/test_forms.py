"""The spreadsheet form and its import, as a unit and an editor meet them.

Round trips: form → filled by a script (and re-saved by LibreOffice) → import →
the register has exactly the new reports and is byte-identical elsewhere. The
corpus of broken forms (tests/forms/corpus.py) names the cell and the problem
the import must report, and the register must stay untouched.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.cli import main
from generator.forms.importer import plan_import
from generator.load import load_text
from generator.validate import validate
from tests.conftest import ROOT
from tests.forms.corpus import AGENCY, CASES, REGISTER, SHEET, Case, build, fill, make_form

GOOD = {
    "H5": "Đang thực hiện", "I5": 70,
    "K5": 'Đã thi công xong tuyến thứ hai: "Tô Hiệu"\n# không phải chú thích',
    "L5": "Mưa nhiều", "M5": "Bổ sung vốn", "N5": "Làm ca đêm", "O5": "https://example.org/bien-ban.pdf",
    "G6": "15/06/2021", "H6": "đang thực hiện", "I6": "812,5",
    "H7": "Chưa triển khai", "I7": "0", "K7": "=không phải công thức",  # text that only looks like a formula
}
GOOD_FORMULA_TEXT = {"K7": "'=không phải công thức"}


def _register(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.yaml"
    shutil.copyfile(REGISTER, path)
    return path


def _reports(path: Path) -> dict[int, list]:
    result = validate(load_text(path.read_text(encoding="utf-8")))
    assert result.ok, result.problems
    return {t.id: [(r.date, r.status, r.progress, r.value, r.note, r.difficulties, r.proposals) for r in t.reports]
            for t in result.register.tasks}


def _fill_good(form: Path, out: Path) -> Path:
    wb = load_workbook(form)
    ws = wb[SHEET]
    for ref, value in GOOD.items():
        ws[ref] = value
    ws["K7"].data_type = "s"  # typed into a cell, "=..." text stays text; openpyxl would make it a formula
    wb.save(out)
    return out


EXPECTED_NEW = {
    1: [(dt.date(2021, 6, 30), "in_progress", 70, None,
         'Đã thi công xong tuyến thứ hai: "Tô Hiệu"\n# không phải chú thích\n\nMinh chứng: '
         '<https://example.org/bien-ban.pdf>', "Mưa nhiều", "Kiến nghị: Bổ sung vốn\n\nĐề xuất: Làm ca đêm")],
    2: [(dt.date(2021, 6, 15), "in_progress", None, 812.5, None, None, None)],
    3: [(dt.date(2021, 6, 30), "not_started", 0, None, "=không phải công thức", None, None)],
}


def _without_inserted(old: str, new: str) -> str:
    """``new`` with the lines that are not in ``old`` removed, matching ``old`` line by line in order."""
    old_lines, kept = old.splitlines(keepends=True), []
    i = 0
    for line in new.splitlines(keepends=True):
        if i < len(old_lines) and line == old_lines[i]:
            kept.append(line)
            i += 1
    return "".join(kept)


def _check_round_trip(register: Path, before: str, before_reports: dict[int, list], capsys) -> None:
    after = register.read_text(encoding="utf-8")
    assert _without_inserted(before, after) == before  # every old line, in order
    inserted = len(after.splitlines()) - len(before.splitlines())
    assert inserted == 21  # the lines of exactly three reports (13 + 3 + 5)
    now = _reports(register)
    for task, reports in now.items():
        assert reports[:len(before_reports[task])] == before_reports[task]
        assert reports[len(before_reports[task]):] == EXPECTED_NEW.get(task, [])
    out = capsys.readouterr().out
    assert "Đã nhập 3 báo cáo" in out
    assert "Nhiệm vụ 2 (@Trồng mới 1.000 cây xanh): báo cáo mới ngày 15/06/2021." in out
    assert "Nhiệm vụ 3 (-Lắp camera giám sát): báo cáo mới ngày 30/06/2021." in out


def test_form_is_a_locked_prefilled_workbook_with_validation_and_tips(tmp_path):
    form = make_form(_register(tmp_path), tmp_path / "form.xlsx")
    wb = load_workbook(form)
    assert wb.sheetnames == ["Hướng dẫn", SHEET]
    guide = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert "HƯỚNG DẪN ĐIỀN BÁO CÁO TIẾN ĐỘ THÁNG 06/2021" in guide and "Hạn gửi: 30/06/2021" in guide
    assert "Chưa triển khai, Đang thực hiện, Tạm dừng, Hoàn thành, Đã hủy" in guide
    ws = wb[SHEET]
    assert ws.protection.sheet
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_col=10)]
    assert [r[0] for r in rows] == [1, 2, 3]  # the open tasks the agency leads; 4 is done, 5 is another's
    assert rows[1][3:6] == ["Đang thực hiện", "650 cây", dt.datetime(2021, 5, 31)]
    assert rows[2][3:6] == ["Chưa triển khai", None, None]
    assert [r[6] for r in rows] == [dt.datetime(2021, 6, 30)] * 3  # report date defaults to the month's end
    assert [r[9] for r in rows] == ["%", "cây", "%"]
    for row in range(5, 8):
        assert all(ws[f"{c}{row}"].protection.locked for c in "ABCDEFJPQRST")
        assert not any(ws[f"{c}{row}"].protection.locked for c in "GHIKLMNO")
    assert all(ws.column_dimensions[c].hidden for c in "PQRST")
    assert not any(ws.column_dimensions[c].hidden for c in "ABCDEFGHIJKLMNO")
    assert [ws[f"{c}4"].comment is not None for c in "FGHIO"] == [False, True, True, True, True]
    rules = {(dv.type, str(dv.sqref)) for dv in ws.data_validations.dataValidation}
    assert ("list", "H5:H7") in rules and ("date", "G5:G7") in rules
    assert ("decimal", "I5 I7") in rules and ("decimal", "I6") in rules  # 0–100 for %, ≥ 0 for trees
    status = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert status.formula1 == '"Chưa triển khai,Đang thực hiện,Tạm dừng,Hoàn thành,Đã hủy"'
    assert ws["P5"].value == 1 and len(ws["Q5"].value) == 16 and ws["S5"].value == AGENCY


def test_formula_looking_titles_are_written_as_text(tmp_path):
    form = make_form(_register(tmp_path), tmp_path / "form.xlsx")
    with zipfile.ZipFile(form) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    ws = load_workbook(form)[SHEET]
    titles = {ws[f"B{r}"].value: ws[f"B{r}"] for r in range(5, 8)}
    assert set(titles) == {'=HYPERLINK("http://evil.example","bấm") thảm nhựa 3 tuyến phố',
                           "@Trồng mới 1.000 cây xanh", "-Lắp camera giám sát"}
    assert all(c.data_type == "s" and c.quotePrefix for c in titles.values())


def test_round_trip_adds_exactly_the_filled_reports_and_nothing_else(tmp_path, capsys):
    register = _register(tmp_path)
    before, before_reports = register.read_text(encoding="utf-8"), _reports(register)
    filled = _fill_good(make_form(register, tmp_path / "form.xlsx"), tmp_path / "filled.xlsx")
    capsys.readouterr()
    assert main(["import", str(filled), "--register", str(register)]) == 0
    _check_round_trip(register, before, before_reports, capsys)
    after = register.read_text(encoding="utf-8")
    assert "        # chú thích của người biên tập, giữ nguyên\n" in after
    assert "    - date: 2021-05-31   # thụt lề kiểu khác, phải giữ\n      status: in_progress\n      value: 650\n" \
           "    - date: 2021-06-15\n      status: in_progress\n      value: 812.5\n" in after  # its own indentation
    assert "    deadline: 2021-10-31\n    reports:\n      - date: 2021-06-30\n" in after  # a list where none was
    # the same file again: refused as already imported, the register untouched
    assert main(["import", str(filled), "--register", str(register)]) == 1
    assert register.read_text(encoding="utf-8") == after
    err = capsys.readouterr().err
    assert "filled.xlsx!Báo cáo!G5: error: báo cáo ngày 30/06/2021 của nhiệm vụ số 1 đã có trong sổ" in err


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_a_form_resaved_by_libreoffice_imports_alike(tmp_path, capsys):
    register = _register(tmp_path)
    before, before_reports = register.read_text(encoding="utf-8"), _reports(register)
    filled = _fill_good(make_form(register, tmp_path / "form.xlsx"), tmp_path / "filled.xlsx")
    out = tmp_path / "calc"
    started = time.monotonic()
    subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
                   check=True, capture_output=True, timeout=240)
    assert time.monotonic() - started > 0  # LibreOffice ran; it takes seconds, hence the slow mark
    resaved = out / "filled.xlsx"
    with zipfile.ZipFile(resaved) as z:
        assert "LibreOffice" in z.read("docProps/app.xml").decode()
    ws = load_workbook(resaved)[SHEET]
    assert ws.protection.sheet and not ws["H5"].protection.locked and ws.column_dimensions["P"].hidden
    capsys.readouterr()
    assert main(["import", str(resaved), "--register", str(register)]) == 0
    _check_round_trip(register, before, before_reports, capsys)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_forms_are_refused_at_the_right_cell(case: Case, tmp_path, capsys):
    register, files = build(case, tmp_path)
    before = register.read_bytes()
    _, outcome = plan_import(files, register)
    assert tuple(f"{p.sheet}!{p.cell} {p.code}" for p in outcome.problems) == case.expected
    capsys.readouterr()
    assert main(["import", *map(str, files), "--register", str(register)]) == 1
    assert register.read_bytes() == before  # all or nothing
    err = capsys.readouterr().err.splitlines()
    first = outcome.problems[0]
    place = case.expected[0].rsplit(" ", 1)[0].rstrip("!")
    assert err[0].startswith(f"{first.file}!{place}: error: ")
    assert err[-1] == f"Không ghi gì vào {register}: {len(case.expected)} lỗi. Sửa các ô trên rồi nhập lại."


def test_one_bad_file_among_good_ones_writes_nothing(tmp_path, capsys):
    register = _register(tmp_path)
    before = register.read_bytes()
    form = make_form(register, tmp_path / "form.xlsx")
    good = _fill_good(form, tmp_path / "good.xlsx")
    bad = fill(form, tmp_path / "bad.xlsx", {"H5": "Đang thực hiện", "I5": 120})
    capsys.readouterr()
    assert main(["import", str(good), str(bad), "--register", str(register)]) == 1
    assert register.read_bytes() == before
    err = capsys.readouterr().err
    assert "bad.xlsx!Báo cáo!I5: error: tiến độ 120% nằm ngoài khoảng 0–100" in err
    assert "good.xlsx" not in err and "1 lỗi" in err


def test_form_for_every_agency_and_for_an_unknown_one(tmp_path, capsys):
    register = _register(tmp_path)
    assert main(["form", "--all", "--register", str(register), "--out", str(tmp_path / "forms"),
                 "--month", "2021-06"]) == 0
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == [
        "bao-cao-ban-qlda-2021-06.xlsx", "bao-cao-phong-qldt-2021-06.xlsx"]
    assert main(["form", "--agency", "phong-qldtt", "--register", str(register)]) == 2
    assert "không có cơ quan 'phong-qldtt' trong sổ nhiệm vụ (khóa trong agencies). Có phải ý bạn là " \
           "'phong-qldt'?" in capsys.readouterr().err
    assert main(["form", "--agency", AGENCY, "--month", "2021-13", "--register", str(register)]) == 2


def test_the_example_register_round_trips(tmp_path, capsys):
    """The real register (comments, long lines, dd/mm dates): a report for each open task of one agency."""
    register = tmp_path / "tasks.yaml"
    shutil.copyfile(ROOT / "tasks.yaml", register)
    before = register.read_text(encoding="utf-8")
    form = tmp_path / "form.xlsx"
    assert main(["form", "--agency", "phong-qldt", "--register", str(register), "--out", str(form)]) == 0
    ws = load_workbook(form)[SHEET]
    rows = [r for r in range(5, ws.max_row + 1) if ws[f"P{r}"].value]
    assert rows
    filled = fill(form, tmp_path / "filled.xlsx", {f"H{r}": "Đang thực hiện" for r in rows})
    assert main(["import", str(filled), "--register", str(register)]) == 0
    after = register.read_text(encoding="utf-8")
    assert _without_inserted(before, after) == before
    ids = {ws[f"P{r}"].value for r in rows}
    old, new = _reports(ROOT / "tasks.yaml"), _reports(register)
    assert {t for t in new if new[t] != old[t]} == ids
    assert all(new[t][:-1] == old[t] and new[t][-1][:2] == (dt.date(2021, 5, 31), "in_progress") for t in ids)
    without_reports = sum(1 for t in ids if not old[t])  # these get a "reports:" line too
    assert len(after.splitlines()) - len(before.splitlines()) == 2 * len(rows) + without_reports


def test_a_failed_write_leaves_the_register_as_it_was(tmp_path, monkeypatch, capsys):
    import os

    register = _register(tmp_path)
    before = register.read_bytes()
    filled = _fill_good(make_form(register, tmp_path / "form.xlsx"), tmp_path / "filled.xlsx")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        from generator.forms.importer import write_atomically

        _, outcome = plan_import([filled], register)
        write_atomically(register, outcome.text)
    assert register.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["filled.xlsx", "form.xlsx", "tasks.yaml"]  # no temp file

