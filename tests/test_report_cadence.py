"""Reporting cadence (monthly / weekly) and late in reporting, from hand-made registers."""

from __future__ import annotations

import datetime as dt
import json

from generator.cli import main
from generator.derive import derive, period_due
from tests.conftest import validate_text

D = dt.date

HEAD = """\
register:
  title: Kết luận số 55-KL/TU (thử nghiệm)
  issuer: Ban Thường vụ Thành ủy
  start: 2021-01-01
  end: 2021-12-31
  as_of: {as_of}
{meta}blocs:
  ubnd: Khối Ủy ban nhân dân
  xa-phuong: Đảng ủy các xã, phường
agencies:
  phong-qldt: {{name: Phòng Quản lý đô thị, bloc: ubnd}}
  ban-qlda: {{name: Ban Quản lý dự án, bloc: ubnd}}
  chieng-co: {{name: Đảng ủy xã Chiềng Cọ, bloc: xa-phuong}}
groups:
  do-thi: Đô thị
  nong-thon: Nông thôn mới
tasks:
"""


def register_text(tasks: str, as_of: str = "2021-05-31", meta: str = "") -> str:
    """A register with two blocs, three agencies, two groups and the given ``tasks:`` items."""
    return HEAD.format(as_of=as_of, meta=meta) + tasks


def task_yaml(number: int, lead: str = "phong-qldt", deadline: str = "2021-12-31", extra: str = "",
              reports: str = "", group: str = "do-thi") -> str:
    text = (f"  - id: {number}\n    title: Nhiệm vụ {number} ở Chiềng Cọ\n    group: {group}\n"
            f"    lead: {lead}\n    deadline: {deadline}\n{extra}")
    if reports:
        text += "    reports:\n" + "".join(f"      - {r}\n" for r in reports.strip().splitlines())
    return text


def figures(text: str, as_of: dt.date | None = None):
    result = validate_text(text, as_of=as_of)
    assert result.ok, result.problems
    assert result.register is not None and result.as_of is not None
    return result.register, derive(result.register, result.as_of.date)


def test_the_period_due_is_the_latest_whose_grace_has_passed():
    # April's report may come until 5 May; on 5 May it is not late yet, on 6 May it is.
    assert period_due(D(2021, 5, 5), "monthly", 5) == (D(2021, 3, 1), D(2021, 3, 31))
    assert period_due(D(2021, 5, 6), "monthly", 5) == (D(2021, 4, 1), D(2021, 4, 30))
    # Weeks run Monday to Sunday: the week of 17-23 May 2021 is due by Friday 28 May.
    assert period_due(D(2021, 5, 28), "weekly", 5) == (D(2021, 5, 10), D(2021, 5, 16))
    assert period_due(D(2021, 5, 29), "weekly", 5) == (D(2021, 5, 17), D(2021, 5, 23))
    assert period_due(D(2021, 1, 1), "monthly", 0) == (D(2020, 12, 1), D(2020, 12, 31))


def test_monthly_task_without_a_report_for_april_is_late_as_of_31_may():
    tasks = (task_yaml(1, reports="{date: 2021-03-31, status: in_progress, progress: 20}")
             + task_yaml(2, reports="{date: 2021-04-02, status: in_progress, progress: 20}")
             + task_yaml(3, lead="chieng-co", group="nong-thon")
             + task_yaml(4, reports="{date: 2021-02-28, status: done}")
             + task_yaml(5, reports="{date: 2021-02-28, status: cancelled, note: Gộp vào việc khác.}"))
    reg, fig = figures(register_text(tasks))
    assert sorted(fig.late_reporting) == [1, 3]  # done and cancelled tasks owe nothing; 2 reported in April
    late = fig.late_reporting[1]
    assert (late.cadence, late.period_start, late.period_end, late.due, late.last_report, late.days_late) == (
        "monthly", D(2021, 4, 1), D(2021, 4, 30), D(2021, 5, 5), D(2021, 3, 31), 26)
    assert fig.late_reporting[3].last_report is None


def test_weekly_task_reported_monthly_is_late_and_the_task_setting_beats_the_register_default():
    reports = "{date: 2021-04-30, status: in_progress, progress: 40}\n{date: 2021-05-14, status: in_progress, progress: 50}"
    tasks = (task_yaml(1, extra="    reporting: weekly\n", reports=reports)
             + task_yaml(2, reports=reports)
             + task_yaml(3, extra="    reporting: monthly\n", reports=reports))
    _, fig = figures(register_text(tasks))
    assert sorted(fig.late_reporting) == [1]
    late = fig.late_reporting[1]
    assert (late.cadence, late.period_start, late.due, late.days_late) == ("weekly", D(2021, 5, 17), D(2021, 5, 28), 3)
    _, weekly = figures(register_text(tasks, meta="  reporting: weekly\n"))
    assert sorted(weekly.late_reporting) == [1, 2]  # 3 says monthly itself


def test_grace_days_come_from_the_register():
    tasks = task_yaml(1, reports="{date: 2021-03-31, status: in_progress, progress: 20}")
    _, strict = figures(register_text(tasks, as_of="2021-05-02", meta="  reporting_grace_days: 0\n"))
    _, default = figures(register_text(tasks, as_of="2021-05-02"))
    assert 1 in strict.late_reporting and strict.late_reporting[1].days_late == 2  # due 30/04
    assert 1 not in default.late_reporting


def test_nothing_is_late_before_the_first_period_of_the_register_has_come_due():
    _, fig = figures(register_text(task_yaml(1), as_of="2021-02-05"))
    assert fig.late_reporting == {}
    _, fig = figures(register_text(task_yaml(1), as_of="2021-02-06"))
    assert fig.late_reporting[1].period_start == D(2021, 1, 1)


def test_a_bad_cadence_is_refused_in_vietnamese_at_its_line(tmp_path, capsys):
    path = tmp_path / "tasks.yaml"
    path.write_text(register_text(task_yaml(1, extra="    reporting: hang-tuan\n"), meta="  reporting_grace_days: -1\n"),
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = path.read_text(encoding="utf-8").splitlines().index("    reporting: hang-tuan") + 1
    assert f"{path}:{line}:" in err
    assert "nhiệm vụ số 1: 'reporting': 'hang-tuan' không hợp lệ. Kỳ báo cáo là 'monthly' (hằng tháng)" in err
    assert "'reporting_grace_days'" in err


def test_late_reporting_shows_on_the_task_agency_scoreboard_and_attention_pages(tmp_path):
    tasks = (task_yaml(1, lead="chieng-co", group="nong-thon", extra="    reporting: weekly\n",
                       reports="{date: 2021-05-03, status: in_progress, progress: 10}")
             + task_yaml(2, reports="{date: 2021-05-30, status: in_progress, progress: 10}"))
    path = tmp_path / "tasks.yaml"
    path.write_text(register_text(tasks), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--register", str(path), "--out", str(out)]) == 0

    def text(page: str) -> str:
        import re
        html = (out / page).read_text(encoding="utf-8")
        article = html[html.index("<article"):html.index("</article>")]
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))

    task = text("tasks/1/index.html")
    assert "Chậm báo cáo" in task and "Chưa có báo cáo cho tuần 17/05/2021 – 23/05/2021" in task
    assert "hạn nộp 28/05/2021, đã chậm 3 ngày" in task and "Báo cáo gần nhất: 03/05/2021" in task
    assert "Kỳ báo cáo Hằng tuần" in task
    assert "Chậm báo cáo" not in text("tasks/2/index.html").replace("Kỳ báo cáo Hằng tháng", "")
    assert "Chậm báo cáo 1: Nhiệm vụ 1." in text("agencies/chieng-co/index.html")
    attention = text("attention/index.html")
    assert "Chậm báo cáo (1)" in attention and "1. Nhiệm vụ 1 ở Chiềng Cọ" in attention
    summary = json.loads((out / "data" / "summary.json").read_text(encoding="utf-8"))
    assert summary["late_reporting"] == 1 and summary["by_agency"]["phong-qldt"]["late_reporting"] == 0
