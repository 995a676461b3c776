"""The validator against a corpus of broken registers, one per mistake an editor makes.

Each file under ``registers/broken/`` starts with ``# expect: LINE:COL code``:
the problem the editor must be shown, at the exact place to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import i18n
from generator.cli import main
from tests.conftest import REGISTERS, ROOT, validate_path, validate_text

BROKEN = sorted((REGISTERS / "broken").glob("*.yaml"))
EXPECT = re.compile(rb"^# expect: (\d+):(\d+) (\w+)")


def expectation(path: Path) -> tuple[int, int, str]:
    match = EXPECT.match(path.read_bytes())
    assert match, f"{path.name} lacks its '# expect:' header"
    return int(match[1]), int(match[2]), match[3].decode()


def test_corpus_covers_the_mistakes_the_issue_lists():
    codes = {expectation(p)[2] for p in BROKEN}
    required = {"yaml_syntax", "duplicate_key", "unknown_key", "missing_key", "wrong_type", "impossible_date",
                "duplicate_task_id", "unknown_ref", "out_of_range", "value_without_measure", "progress_with_measure",
                "report_after_as_of", "bad_id", "grading_order", "anchor_not_allowed", "alias_not_allowed",
                "not_utf8", "bad_status"}
    assert required <= codes
    assert len(BROKEN) >= 40


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_register_is_rejected_at_the_right_place(path: Path):
    line, col, code = expectation(path)
    result = validate_path(path)
    assert not result.ok
    found = [(p.line, p.col, p.code) for p in result.problems if p.is_error]
    assert (line, col, code) in found, found


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_cli_exits_1_with_file_line_col_and_no_traceback(path: Path, capsys):
    line, col, _ = expectation(path)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}:{col}: error: " in err
    assert "Traceback" not in err


def test_every_problem_is_listed_in_line_order(capsys):
    text = (REGISTERS / "broken" / "unknown_key.yaml").read_text(encoding="utf-8")
    text = text.replace("group: do-thi", "group: do-thii").replace("title: Thử nghiệm", "title:")
    result = validate_text(text)
    positions = [(p.line, p.col) for p in result.problems]
    assert len(positions) >= 3
    assert positions == sorted(positions)


def test_messages_name_the_task_and_suggest_the_closest_name():
    result = validate_path(REGISTERS / "broken" / "unknown_key.yaml")
    text = i18n.message(result.problems[0], "vi")
    assert text.startswith("nhiệm vụ số 1: ")
    assert "'deadline'" in text and "dealine" in text
    status = validate_path(REGISTERS / "broken" / "misspelt_status.yaml")
    assert "in_progress" in i18n.message(status.problems[0], "vi")


def test_messages_in_english_when_the_register_says_so():
    text = (REGISTERS / "broken" / "unknown_key.yaml").read_text(encoding="utf-8")
    text = text.replace("  as_of: 2021-05-31\n", "  as_of: 2021-05-31\n  language: en\n")
    result = validate_text(text)
    assert result.language == "en"
    assert i18n.message(result.problems[0], "en").startswith("task 1: 'dealine' is not a key")


def test_a_syntax_error_in_an_english_register_is_reported_in_english(capsys):
    text = "register:\n  language: en\n  title: a: b\n"
    result = validate_text(text)
    assert result.language == "en"
    assert i18n.message(result.problems[0], "en").startswith("YAML syntax error")


def test_crlf_and_byte_order_mark_are_fine(small_path):
    data = small_path.read_bytes().replace(b"\n", b"\r\n")
    from generator.load import load_bytes
    from generator.validate import validate

    result = validate(load_bytes(b"\xef\xbb\xbf" + data))
    assert result.ok, result.problems


def test_text_is_normalised_to_nfc(small_path):
    import unicodedata

    text = small_path.read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", text)
    result = validate_text(decomposed)
    assert result.ok
    assert result.register.tasks[7].title == "Bê tông hóa đường giao thông nông thôn xã Chiềng Cọ"


def test_vietnamese_dates_are_accepted(small_path):
    result = validate_path(small_path)
    import datetime as dt

    assert result.register.meta.issued == dt.date(2020, 12, 15)


def test_file_over_5_mb_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "tasks.yaml"
    big.write_bytes(b"# " + b"x" * (5 * 1024 * 1024 + 10) + b"\n")
    result = validate_path(big)
    assert [p.code for p in result.problems] == ["file_too_large"]


def test_report_after_as_of_is_ignored_when_looking_at_the_past(small_path):
    import datetime as dt

    result = validate_path(small_path, as_of=dt.date(2021, 3, 1))
    assert result.ok


def test_report_after_today_is_an_error_without_as_of(small_path):
    import datetime as dt

    text = small_path.read_text(encoding="utf-8").replace("  as_of: 2021-05-31\n", "")
    now = dt.datetime(2021, 5, 1, 12, tzinfo=dt.timezone.utc)
    result = validate_text(text, now=now)
    assert "report_after_as_of" in {p.code for p in result.problems}


def test_warnings_do_not_fail(capsys):
    text = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8")
    text = text.replace("partners: [ban-qlda]", "partners: [ban-qlda, phong-qldt]")
    result = validate_text(text)
    assert result.ok
    assert [p.code for p in result.problems] == ["lead_is_partner"]


def test_unreadable_file_is_a_usage_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_example_register_is_valid(capsys):
    assert main(["validate", str(ROOT / "tasks.yaml")]) == 0
    assert "100" in capsys.readouterr().out


def test_github_annotations(monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    path = REGISTERS / "broken" / "unknown_key.yaml"
    main(["validate", str(path)])
    out = capsys.readouterr().out
    assert f"::error file={path},line=18,col=5::" in out


def test_a_larger_register_is_accepted_with_max_mb(tmp_path, capsys):
    big = tmp_path / "tasks.yaml"
    text = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8")
    big.write_text(text.replace("description: Sổ nhiệm vụ", "description: " + "x" * 19000 + " Sổ nhiệm vụ")
                   + "#" + "y" * (6 * 1024 * 1024) + "\n", encoding="utf-8")
    assert main(["validate", str(big)]) == 1
    assert "vượt giới hạn 5" in capsys.readouterr().err
    assert main(["validate", "--max-mb", "8", str(big)]) == 0


def test_file_too_large_says_how_to_allow_it_in_the_readers_number_format(tmp_path, capsys):
    from generator.cli import main

    big = tmp_path / "tasks.yaml"
    big.write_bytes(b"# " + b"x" * (int(6.4 * 1024 * 1024) - 10) + b"\n")
    assert main(["validate", str(big)]) == 1
    err = capsys.readouterr().err
    assert "tệp nặng 6,4 MB, vượt giới hạn 5 MB" in err and "--max-mb 7" in err
    assert main(["validate", str(big), "--max-mb", "7"]) == 1  # now read: a comment only is not a register
    err = capsys.readouterr().err
    assert "vượt giới hạn" not in err and "tệp trống" in err


@pytest.mark.parametrize(("line", "code"), [("  min_due: -1", "out_of_range"), ("  min_due: 2.5", "not_integer"),
                                            ("  late_credit: 1.5", "out_of_range"),
                                            ("  licence_url: ftp://example.org/licence", "bad_url")])
def test_scoring_and_licence_settings_are_checked_like_every_field(line, code):
    text = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8")
    result = validate_text(text.replace("  as_of: 2021-05-31\n", f"  as_of: 2021-05-31\n{line}\n"))
    assert not result.ok
    assert [p.code for p in result.problems] == [code]
    assert result.problems[0].line == text.splitlines().index("  as_of: 2021-05-31") + 2
