"""The monthly report: each section computed from a hand-made register with a git history,
the ``report`` command, the PDF as poppler reads it, and the report's pages in the built site.

The register below, as of 31/05/2021 (May's report; April's end is 30/04/2021):
   1  finished late this month: deadline 30/04, done 10/05                     -> done late (10 days)
   2  newly overdue: deadline 15/05, 60% on 28/05; difficulties in April's report, proposals in May's
   3  deadline moved on 20/05 from 31/05 to 30/06 (commit "Dời thời hạn ...")  -> due next month
   4  April's report corrected on 21/05 from 40% to 30%
   5  Chiềng Cọ, last report 31/03                                             -> late in reporting (April)
   6  Chiềng Cọ, weekly, last report 14/05                                     -> late (week 17-23/05)
   7  finished early this month: deadline 30/06, done 05/05                    -> 56 days early
   8  done on time in April (before the month)
   9  cancelled in April
  10  deadline moved on 25/04 (not in May) to 10/06; 20% on 31/05              -> at risk, due next month
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import history
from generator.cli import main
from generator.report import Month, all_reports, monthly_report, months_begun
from generator.render import report as report_pages
from tests.conftest import ROOT, validate_path
from tests.test_report_cadence import register_text, task_yaml

D = dt.date
HAS_ENGINE = not isinstance(report_pages.engine(), str)
needs_engine = pytest.mark.skipif(not HAS_ENGINE, reason="WeasyPrint (and Pango) not installed")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def tasks(deadline3: str = "2021-06-30", progress4: int = 30, deadline10: str = "2021-06-10") -> str:
    return "".join([
        task_yaml(1, deadline="2021-04-30", reports="{date: 2021-04-10, status: in_progress, progress: 50}\n"
                                                     "{date: 2021-05-10, status: done}"),
        task_yaml(2, lead="ban-qlda", deadline="2021-05-15",
                  reports="{date: 2021-04-30, status: in_progress, progress: 40, difficulties: Thiếu vốn đối ứng.}\n"
                          "{date: 2021-05-28, status: in_progress, progress: 60, note: Đã thi công 60% khối lượng., "
                          "proposals: Đề nghị bổ sung 2 tỷ đồng.}"),
        task_yaml(3, deadline=deadline3, reports="{date: 2021-05-25, status: in_progress, progress: 70}"),
        task_yaml(4, lead="ban-qlda", reports=f"{{date: 2021-04-30, status: in_progress, progress: {progress4}}}\n"
                                              "{date: 2021-05-31, status: in_progress, progress: 45}"),
        task_yaml(5, lead="chieng-co", group="nong-thon",
                  reports="{date: 2021-03-31, status: in_progress, progress: 10}"),
        task_yaml(6, lead="chieng-co", group="nong-thon", extra="    reporting: weekly\n",
                  reports="{date: 2021-05-14, status: in_progress, progress: 20}"),
        task_yaml(7, deadline="2021-06-30", reports="{date: 2021-05-05, status: done}"),
        task_yaml(8, lead="ban-qlda", deadline="2021-04-30", reports="{date: 2021-04-20, status: done}"),
        task_yaml(9, reports="{date: 2021-04-15, status: cancelled, note: Gộp vào nhiệm vụ 3.}"),
        task_yaml(10, lead="ban-qlda", deadline=deadline10,
                  reports="{date: 2021-05-31, status: in_progress, progress: 20}"),
    ])


def _commit(repo: Path, text: str, when: str, message: str) -> None:
    (repo / "tasks.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Cán bộ",
           "GIT_AUTHOR_EMAIL": "cb@example.org", "GIT_COMMITTER_NAME": "Cán bộ", "GIT_COMMITTER_EMAIL": "cb@example.org"}
    subprocess.run(["git", "-C", str(repo), "add", "tasks.yaml"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The register above, with the history that moved a deadline and corrected a report."""
    path = tmp_path_factory.mktemp("report") / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    _commit(path, register_text(tasks("2021-05-31", 40, "2021-06-05")), "2021-04-01T09:00:00+07:00", "Sổ nhiệm vụ")
    _commit(path, register_text(tasks("2021-05-31", 40, "2021-06-10")), "2021-04-25T09:00:00+07:00",
            "Dời thời hạn nhiệm vụ 10")
    _commit(path, register_text(tasks("2021-06-30", 40)), "2021-05-20T09:00:00+07:00",
            "Dời thời hạn nhiệm vụ 3 theo Thông báo số 12-TB/TU")
    _commit(path, register_text(tasks("2021-06-30", 30)), "2021-05-21T09:00:00+07:00",
            "Sửa số liệu báo cáo tháng 4 nhiệm vụ 4 do nhập nhầm")
    return path / "tasks.yaml"


@pytest.fixture(scope="module")
def may(repo):
    result = validate_path(repo)
    assert result.ok, result.problems
    return result.register, monthly_report(result.register, Month(2021, 5), D(2021, 5, 31),
                                           history.load_history(repo, None, result.register))


def ids(items) -> list[int]:
    return [getattr(x, "task", x[0] if isinstance(x, tuple) else x).id for x in items]


def test_months_of_the_period_that_have_begun():
    result = validate_path(ROOT / "tests" / "registers" / "valid" / "small.yaml")
    assert [m.key for m in months_begun(result.register, D(2021, 5, 31))] == [
        "2021-01", "2021-02", "2021-03", "2021-04", "2021-05"]
    assert [m.key for m in months_begun(result.register, D(2022, 3, 1))][-1] == "2021-12"  # the period ends
    assert Month.parse("05/2021") == Month.parse("2021-05") == Month(2021, 5)
    assert (Month(2021, 12).next(), Month(2021, 1).previous()) == (Month(2022, 1), Month(2020, 12))
    for bad in ("2021-13", "2021", "tháng 5"):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_heading_period_and_as_of(may):
    _, r = may
    assert (r.month.start, r.month.end, r.as_of, r.complete, r.previous_as_of) == (
        D(2021, 5, 1), D(2021, 5, 31), D(2021, 5, 31), True, D(2021, 4, 30))


def test_headline_partition_and_its_change_since_the_end_of_april(may):
    _, r = may
    # the site's partition (derive.PARTITION): 7 and 8 done before their deadlines, 1 late, 2 overdue, 9 cancelled;
    # at April's end 1, 2, 4, 5 had reported progress and 3, 6, 7, 10 had no report yet
    assert r.now.counts == {"done_early": 2, "done_on_day": 0, "done_late": 1, "overdue": 1, "in_progress": 5,
                            "not_started": 0, "paused": 0, "cancelled": 1}
    assert r.before.counts == {"done_early": 1, "done_on_day": 0, "done_late": 0, "overdue": 0, "in_progress": 4,
                               "not_started": 4, "paused": 0, "cancelled": 1}
    assert [r.change(p) for p in r.now.counts] == [1, 0, 1, 1, 1, -4, 0, 0]
    assert (r.now.total, r.now.early) == (10, 2)


def test_what_changed_this_month(may):
    _, r = may
    assert [(x.task.id, x.completed, x.timing, x.days) for x in r.finished] == [
        (7, D(2021, 5, 5), "early", 56), (1, D(2021, 5, 10), "late", 10)]
    assert ids(r.newly_overdue) == [2]
    assert [(m.task.id, m.when, m.old, m.new, m.reason) for m in r.moves] == [
        (3, D(2021, 5, 20), "2021-05-31", "2021-06-30", "Dời thời hạn nhiệm vụ 3 theo Thông báo số 12-TB/TU")]
    assert [(c.task.id, c.when, c.change.kind, c.change.date, c.change.old.progress, c.change.new.progress)
            for c in r.corrections] == [(4, D(2021, 5, 21), "report_changed", "2021-04-30", 40, 30)]
    assert r.history_available


def test_overdue_and_at_risk_with_the_latest_difficulties_and_proposals_quoted(may):
    _, r = may
    assert [(c.task.id, c.at_risk, c.f.days_overdue) for c in r.concerns] == [(2, False, 16), (10, True, 0)]
    overdue = r.concerns[0]
    assert overdue.latest.date == D(2021, 5, 28) and overdue.latest.note == "Đã thi công 60% khối lượng."
    assert (overdue.difficulties.date, overdue.difficulties.difficulties) == (D(2021, 4, 30), "Thiếu vốn đối ứng.")
    assert (overdue.proposals.date, overdue.proposals.proposals) == (D(2021, 5, 28), "Đề nghị bổ sung 2 tỷ đồng.")


def test_units_late_in_reporting_and_due_next_month(may):
    _, r = may
    assert [(u.agency, [(t.id, late.cadence, late.days_late) for t, late in u.tasks]) for u in r.late_units] == [
        ("chieng-co", [(5, "monthly", 26), (6, "weekly", 3)])]
    assert r.late_total == 2
    assert r.next_month == Month(2021, 6) and ids(r.due_next) == [10, 3]


def test_table_per_bloc_and_per_agency(may):
    reg, r = may
    assert [(row.id, row.tally.total, row.tally.done, row.tally.overdue, row.late_reporting) for row in r.blocs] == [
        ("ubnd", 8, 3, 1, 0), ("xa-phuong", 2, 0, 0, 2)]
    # Two tasks due each, under min_due (3): no score is shown for so few, as on the scoreboard (by name)
    assert [(row.id, row.score, row.ranked, row.late_reporting) for row in r.agencies] == [
        ("ban-qlda", None, False, 0), ("phong-qldt", None, False, 0), ("chieng-co", None, False, 2)]
    document = report_pages.document(reg, r, "vi", None)
    assert document.count("Chưa đủ 3 việc đến hạn") == 2  # phong-qldt and ban-qlda; chieng-co has none due
    # With min_due 2 they are scored. phong-qldt: 1 late (task 1), 7 early; due: 1 and 7. ban-qlda: 8 on time;
    # 2 overdue; 4, 10 not due -> 50.
    lower = dataclasses.replace(reg, meta=dataclasses.replace(reg.meta, min_due=2))
    scored = monthly_report(lower, Month(2021, 5), D(2021, 5, 31))
    assert [(row.id, row.score, row.late_reporting) for row in scored.agencies] == [
        ("phong-qldt", 75.0, 0), ("ban-qlda", 50.0, 0), ("chieng-co", None, 2)]  # a late finish earns half: (1 + ½) ÷ 2


def test_without_git_the_history_sections_say_so(repo, tmp_path):
    copy = tmp_path / "tasks.yaml"
    copy.write_bytes(repo.read_bytes())
    result = validate_path(copy)
    r = monthly_report(result.register, Month(2021, 5), D(2021, 5, 31), history.load_history(copy))
    assert (r.history_available, r.moves, r.corrections) == (False, [], [])
    html = report_pages.document(result.register, r, "vi", None)
    assert "Không đọc được lịch sử sửa đổi" in html


def test_the_first_month_has_no_previous_month_and_the_running_month_is_marked(repo):
    result = validate_path(repo)
    reports = all_reports(result.register, D(2021, 5, 20))
    assert [r.month.key for r in reports] == ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05"]
    assert reports[0].before is None and reports[0].change("overdue") is None
    assert (reports[-1].as_of, reports[-1].complete) == (D(2021, 5, 20), False)


def test_the_document_escapes_register_text_and_quotes_the_proposals(repo, tmp_path):
    text = repo.read_text(encoding="utf-8").replace("Đề nghị bổ sung 2 tỷ đồng.", "'<script>alert(1)</script> Đề nghị'")
    path = tmp_path / "tasks.yaml"
    path.write_text(text, encoding="utf-8")
    result = validate_path(path)
    assert result.ok, result.problems
    r = monthly_report(result.register, Month(2021, 5), D(2021, 5, 31))
    html = report_pages.document(result.register, r, "vi", None)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<html lang="vi">' in html and "<title>Báo cáo tiến độ thực hiện Kết luận số 55-KL/TU" in html


def test_report_command_refuses_a_month_not_begun(repo, capsys):
    assert main(["report", "--month", "2021-07", "--register", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "--month: '2021-07' không phải một tháng đã bắt đầu" in err and "từ 2021-01 đến 2021-05" in err
    assert "Traceback" not in err


def test_report_command_writes_html(repo, tmp_path, capsys):
    out = tmp_path / "may.html"
    assert main(["report", "--month", "2021-05", "--register", str(repo), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Dời thời hạn nhiệm vụ 3 theo Thông báo số 12-TB/TU" in html
    assert "báo cáo ngày 2021-04-30" not in html and "Thiếu vốn đối ứng." in html


def pdf_text(path: Path, layout: bool = True) -> str:
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def pdf_objects(path: Path) -> bytes:
    """The PDF's objects, with compressed object streams inflated (the catalog is in one)."""
    import re
    import zlib

    raw = path.read_bytes()
    parts = [raw]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@needs_engine
@needs_poppler
def test_report_pdf_as_poppler_reads_it(repo, tmp_path, capsys):
    out = tmp_path / "may.pdf"
    assert main(["report", "--month", "2021-05", "--register", str(repo), "--out", str(out)]) == 0
    info = pdf_info(out)
    assert info["Title"] == "Báo cáo tiến độ thực hiện Kết luận số 55-KL/TU (thử nghiệm) — tháng 5/2021"
    assert info["Author"] == "Ban Thường vụ Thành ủy"
    assert info["Page size"].startswith("595") and "(A4)" in info["Page size"]
    assert 1 <= int(info["Pages"]) <= 3
    assert b"/Lang (vi)" in pdf_objects(out)
    text = " ".join(pdf_text(out, layout=False).split())
    for words in ("Đảng ủy xã Chiềng Cọ", "đ", "Nhiệm vụ 2. Nhiệm vụ 2 ở Chiềng Cọ", "Đề nghị bổ sung 2 tỷ đồng.",
                  "Thiếu vốn đối ứng.", "ngày 31 tháng 5 năm 2021"):
        assert words in text, words
    import re
    assert re.search(rf"\b1 ?/ ?{info['Pages']}\b", text) and re.search(rf"\b{info['Pages']} ?/ ?{info['Pages']}\b", text)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu-Serif" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])


@needs_engine
@needs_poppler
def test_the_examples_may_report_fits_in_six_a4_pages(tmp_path):
    out = tmp_path / "2021-05.pdf"
    assert main(["report", "--month", "2021-05", "--register", str(ROOT / "tasks.yaml"), "--out", str(out)]) == 0
    assert int(pdf_info(out)["Pages"]) <= 6
    text = pdf_text(out)
    assert "Chiềng Cọ" in text and "đ" in text and "IV. Đơn vị chậm báo cáo" in text


def test_the_site_has_a_report_per_month_linked_from_home_and_the_feed(repo, tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["build", "--register", str(repo), "--out", str(out)]) == 0
    for key in ("2021-01", "2021-02", "2021-03", "2021-04", "2021-05"):
        assert (out / "reports" / key / "index.html").is_file()
    page = (out / "reports" / "2021-05" / "index.html").read_text(encoding="utf-8")
    assert "Báo cáo tiến độ tháng 5/2021" in page and "Dời thời hạn nhiệm vụ 3" in page
    assert 'href="../../tasks/2/"' in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="reports/2021-05/"' in home
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "report-2021-05</id>" in feed and "reports/2021-05/" in feed
    if HAS_ENGINE:
        assert 'href="../2021-05.pdf"' in page and (out / "reports" / "2021-05.pdf").read_bytes().startswith(b"%PDF")


def test_without_the_engine_the_build_says_so_once_and_skips_the_pdfs(repo, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(report_pages, "engine", lambda: "weasyprint_missing")
    out = tmp_path / "site"
    assert main(["build", "--register", str(repo), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("Không tạo được bản PDF: chưa cài WeasyPrint") == 1
    assert not list((out / "reports").glob("*.pdf"))
    page = (out / "reports" / "2021-05" / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in page and "Báo cáo tiến độ tháng 5/2021" in page
    assert main(["report", "--month", "2021-05", "--register", str(repo), "--out", str(tmp_path / "x.pdf")]) == 2
    assert "chưa cài WeasyPrint" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()


@needs_engine
@needs_poppler
def test_a_monthly_report_of_1000_tasks_builds(tmp_path):
    from benchmarks.synth import generate

    path = tmp_path / "tasks.yaml"
    path.write_text(generate(1000), encoding="utf-8")
    result = validate_path(path, as_of=None)
    assert result.ok, [p for p in result.problems if p.is_error][:3]
    month = months_begun(result.register, result.as_of.date)[5]  # June: half-way through the year
    out = tmp_path / "report.pdf"
    assert main(["report", "--month", month.key, "--register", str(path), "--out", str(out), "--max-mb", "50"]) == 0
    pages = int(pdf_info(out)["Pages"])
    r = monthly_report(result.register, month, result.as_of.date)
    # the length follows what changed and what is overdue, not the number of tasks
    assert pages <= 6 + (len(r.concerns) + len(r.finished) + r.late_total + len(r.due_next)) // 3
    # on paper, the most urgent in full and every other overdue or at-risk task as a row: none left out
    text = " ".join(pdf_text(out, layout=False).split())
    assert len(r.concerns) > report_pages.DOC_CARDS and "Ngoài 30 nhiệm vụ cấp bách nhất" in text
    assert [c.task.id for c in r.concerns if f"Nhiệm vụ {c.task.id}. " not in text] == []


def test_a_bodys_own_report_template_wins_in_the_pdf_document(may, tmp_path):
    reg, r = may
    (tmp_path / "report-document.html.j2").write_text("<p>Mẫu báo cáo riêng của xã: {{ title }}</p>\n",
                                                      encoding="utf-8")
    own = report_pages.document(reg, r, "vi", None, (tmp_path,))
    assert own.startswith("<p>Mẫu báo cáo riêng của xã: ") and "2021" in own  # the body's template, the report's title
    assert "Mẫu báo cáo riêng" not in report_pages.document(reg, r, "vi", None)  # the package's by default


def test_an_edited_template_is_used_in_the_next_run(may, tmp_path):
    """Compiled templates are kept between runs; an edit to the body's template still shows in the next one."""
    from generator.render import pages

    reg, r = may
    own = tmp_path / "report-document.html.j2"
    for said in ("Mẫu thứ nhất", "Mẫu thứ hai"):
        own.write_text(f"<p>{said}: {{{{ title }}}}</p>\n", encoding="utf-8")
        pages.environment.cache_clear()  # as a new run starts: its environments are new
        assert report_pages.document(reg, r, "vi", None, (tmp_path,)).startswith(f"<p>{said}: ")


@needs_engine
def test_when_weasyprint_found_fails_to_load_in_its_workers_the_site_is_built_without_pdfs(repo, tmp_path):
    """WeasyPrint is found by its package and libraries, not imported (0.6 s); when its import fails after
    all (a library Pango needs in turn is missing), the build says why and makes the site without PDFs,
    and `report` says so: never an internal error."""
    stub = tmp_path / "stub" / "weasyprint"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('raise OSError("cannot load library \'libthai.so.0\'")\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(stub.parent), str(ROOT)])}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300, check=False)

    out = tmp_path / "site"
    built = run("build", "--register", str(repo), "--out", str(out), "--cache", str(tmp_path / "cache"))
    assert built.returncode == 0, built.stderr
    assert built.stderr.count("Không tạo được bản PDF: thiếu thư viện Pango") == 1, built.stderr
    assert not list((out / "reports").glob("*.pdf"))
    page = (out / "reports" / "2021-05" / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in page and "Báo cáo tiến độ tháng 5/2021" in page
    made = run("report", "--month", "2021-05", "--register", str(repo), "--out", str(tmp_path / "x.pdf"))
    assert made.returncode == 2 and "thiếu thư viện Pango" in made.stderr and "Traceback" not in made.stderr
    assert not (tmp_path / "x.pdf").exists()
