"""Hostile spreadsheets: refused from the zip's own directory, before openpyxl parses anything.

And the text edit of the register on layouts the example does not have (CRLF,
no final newline, flow-style lists, an empty ``reports:``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest

from generator.forms import importer, safezip
from generator.load import load_text
from generator.validate import validate
from generator.yamledit import EditError, clean_text, insert_reports, scalar
from tests.forms.corpus import REGISTER, fill, make_form


@pytest.fixture(scope="module")
def form(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    register = folder / "tasks.yaml"
    shutil.copyfile(REGISTER, register)
    made = make_form(register, folder / "form.xlsx")
    return register, fill(made, folder / "filled.xlsx", {"H5": "Đang thực hiện", "I5": 50})


def _rezip(src: Path, out: Path, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None,
           content_types: bytes | None = None) -> Path:
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts.update(replace or {})
    if content_types is not None:
        parts["[Content_Types].xml"] = content_types
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in {**parts, **(add or {})}.items():
            z.writestr(name, data)
    return out


def _import(form: tuple[Path, Path], path: Path, monkeypatch) -> list[str]:
    """The import's problems for ``path``; openpyxl must not even be called."""
    register, _ = form
    before = register.read_bytes()

    def no_parse(_path):
        raise AssertionError("openpyxl was called on a file the zip check should have refused")

    monkeypatch.setattr(importer, "_open", no_parse)
    _, outcome = importer.plan_import([path], register)
    assert register.read_bytes() == before
    return [p.code for p in outcome.problems]


def test_macros_are_refused(form, tmp_path, monkeypatch):
    _, filled = form
    assert _import(form, shutil.copyfile(filled, tmp_path / "bao-cao.xlsm"), monkeypatch) == ["macro"]
    vba = _rezip(filled, tmp_path / "vba.xlsx", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})
    assert _import(form, vba, monkeypatch) == ["macro"]
    with zipfile.ZipFile(filled) as z:
        types = z.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    assert _import(form, _rezip(filled, tmp_path / "ct.xlsx", content_types=types), monkeypatch) == ["macro"]


def test_external_links_and_embedded_objects_are_refused(form, tmp_path, monkeypatch):
    _, filled = form
    link = _rezip(filled, tmp_path / "link.xlsx", add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    assert _import(form, link, monkeypatch) == ["external_link"]
    ole = _rezip(filled, tmp_path / "ole.xlsx", add={"xl/embeddings/oleObject1.bin": b"x"})
    assert _import(form, ole, monkeypatch) == ["embedded"]


def test_a_zip_bomb_is_refused_from_its_declared_size_in_no_time(form, tmp_path, monkeypatch):
    _, filled = form
    bomb = _rezip(filled, tmp_path / "bomb.xlsx", add={"xl/media/image1.png": b"\0" * (60 * 1024 * 1024)})
    assert bomb.stat().st_size < 1024 * 1024  # 60 MB packed into well under 1 MB
    started = time.monotonic()
    assert _import(form, bomb, monkeypatch) == ["unpacked_too_large"]
    assert time.monotonic() - started < 5


def test_a_zip_that_lies_about_its_sizes_is_read_no_further_than_it_says(form, tmp_path, monkeypatch):
    """Declared 1,000 bytes, really 30 MB: zipfile stops at the declared size, the CRC fails, refused."""
    _, filled = form
    big = b"<x/>" + b" " * (30 * 1024 * 1024)
    path = _rezip(filled, tmp_path / "liar.xlsx", replace={"docProps/core.xml": big})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        struct.pack_into("<I", data, z.getinfo("docProps/core.xml").header_offset + 22, 1000)  # local header
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) >= 0:  # central directory entries
        name_len = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46:offset + 46 + name_len] == b"docProps/core.xml":
            struct.pack_into("<I", data, offset + 24, 1000)
        offset += 4
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("docProps/core.xml").file_size == 1000
    assert _import(form, path, monkeypatch) == ["not_xlsx"]


def test_too_many_parts_not_a_zip_and_a_dtd_are_refused(form, tmp_path, monkeypatch):
    _, filled = form
    many = _rezip(filled, tmp_path / "many.xlsx", add={f"xl/media/i{i}.png": b"x" for i in range(500)})
    assert _import(form, many, monkeypatch) == ["too_many_parts"]
    text = tmp_path / "text.xlsx"
    text.write_text("Số TT;Nội dung\n1;=cmd|' /C calc'!A0\n", encoding="utf-8")
    assert _import(form, text, monkeypatch) == ["not_xlsx"]
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    dtd = _rezip(filled, tmp_path / "dtd.xlsx", replace={"xl/sharedStrings.xml": laughs})
    assert _import(form, dtd, monkeypatch) == ["dtd"]
    padded = b'<?xml version="1.0"?>' + b"<!-- -->" * 2000 + laughs[21:]  # the DTD after 16 kB of comments
    assert _import(form, _rezip(filled, tmp_path / "dtd2.xlsx", replace={"xl/sharedStrings.xml": padded}),
                   monkeypatch) == ["dtd"]
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><sst/>'.encode("utf-16")
    assert _import(form, _rezip(filled, tmp_path / "u16.xlsx", replace={"xl/sharedStrings.xml": utf16}),
                   monkeypatch) == ["dtd"]


def test_a_huge_sheet_is_refused_before_it_is_parsed(form, tmp_path, monkeypatch):
    _, filled = form
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c></row>' for r in range(1, 30001))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f"{rows}</sheetData></worksheet>").encode()
    with zipfile.ZipFile(filled) as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet2"))
    huge = _rezip(filled, tmp_path / "huge.xlsx", replace={name: sheet})
    assert _import(form, huge, monkeypatch) == ["too_many_cells"]
    prefixed = sheet.replace(b"<row", b"<x:row").replace(b"<c ", b"<x:c ")  # a namespace prefix hides nothing
    assert _import(form, _rezip(filled, tmp_path / "px.xlsx", replace={name: prefixed}), monkeypatch) == \
        ["too_many_cells"]


def test_the_largest_accepted_sheet_is_read_in_bounded_time(form, tmp_path):
    """Just under the cell limit: openpyxl parses it in seconds (about 0.1 ms per cell), not minutes."""
    register, filled = form
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{chr(65 + k)}{r}"><v>{k}</v></c>' for k in range(20))
                   + "</row>" for r in range(5, 5 + safezip.MAX_CELLS // 20 - 5))
    with zipfile.ZipFile(filled) as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet2"))
        original = z.read(name).decode()
    head, _, rest = original.partition("<sheetData>")
    _, _, tail = rest.partition("</sheetData>")
    header = '<row r="4">' + "".join(f'<c r="{c}4" t="inlineStr"><is><t>{k}</t></is></c>' for c, k in
                                      zip("PQRST", ("m_task", "m_hash", "m_register", "m_agency", "m_format")))
    big = _rezip(filled, tmp_path / "big.xlsx",
                 replace={name: f"{head}<sheetData>{header}</row>{rows}</sheetData>{tail}".encode()})
    assert safezip.check(big) is None
    started = time.monotonic()
    _, outcome = importer.plan_import([big], register)
    assert time.monotonic() - started < 60
    assert outcome.problems and outcome.text is None  # rows without their hidden task numbers


# --- the text edit on layouts the example register does not have ------------------------------------------

BASE = """register: {title: T, start: 2021-01-01, end: 2021-12-31, as_of: 2021-06-30}
blocs: {b: B}
agencies: {a: {name: A, bloc: b}}
groups: {g: G}
tasks:
  - id: 1
    title: Một
    group: g
    lead: a
    deadline: 2021-12-31
    reports:
  - id: 2
    title: Hai
    group: g
    lead: a
    deadline: 2021-12-31
    reports: [{date: 2021-02-01, status: in_progress}]
  - id: 3
    title: Ba
    group: g
    lead: a
    deadline: 2021-12-31"""

REPORT = {"date": dt.date(2021, 6, 30), "status": "in_progress", "progress": 12.5,
          "note": "yes", "difficulties": "a: b # c", "proposals": "dòng 1\n  - dòng 2"}


def _tree(text: str):
    return load_text(text).root


def test_an_empty_reports_key_and_a_last_task_without_a_final_newline():
    new, plans = insert_reports(BASE, _tree(BASE), {1: [REPORT], 3: [REPORT]})
    result = validate(load_text(new))
    assert result.ok, result.problems
    reports = {t.id: t.reports for t in result.register.tasks}
    for task in (1, 3):
        (r,) = reports[task]
        assert (r.date, r.status, r.progress, r.note, r.difficulties, r.proposals) == \
            (dt.date(2021, 6, 30), "in_progress", 12.5, "yes", "a: b # c", "dòng 1\n  - dòng 2")
    assert new.startswith(BASE.split("  - id: 2")[0].replace("    reports:\n", "    reports:\n" + "\n".join(
        plans[0].lines) + "\n"))
    assert new.endswith("deadline: 2021-12-31\n    reports:\n" + "\n".join(plans[1].lines[1:]) + "\n")


def test_crlf_files_keep_their_line_endings():
    text = BASE.replace("\n", "\r\n") + "\r\n"
    new, _ = insert_reports(text, _tree(text), {3: [REPORT]})
    assert new.count("\r\n") == new.count("\n") and new.startswith(text)


def test_a_flow_style_list_is_refused_with_its_line():
    with pytest.raises(EditError) as caught:
        insert_reports(BASE, _tree(BASE), {2: [REPORT]})
    assert (caught.value.code, caught.value.task, caught.value.line) == ("edit_flow_style", 2, 17)


@pytest.mark.parametrize("value", ["yes", "123", "null", "- a", "a: b", "#x", "x #y", "'q'", '"q"', "[1]", "@a",
                                   "%x", "  lead", "tail  ", "", "~", "2021-06-30", "Đã xong 2/3"])
def test_scalars_read_back_as_written(value):
    import yaml

    assert yaml.safe_load(f"k: {scalar(value)}")["k"] == value


def test_text_from_a_cell_is_cleaned_for_yaml():
    assert clean_text("\ufeff  a\r\nb\u2028c\x07\td  \n\n") == "a\nb\nc d"
    assert clean_text("Hoa\u0300") == "Hoà"  # NFC
