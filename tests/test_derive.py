"""Every rule of the derived figures, at its edges. Expected values are worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from generator import asof
from generator.derive import derive, task_figures
from generator.model import Measure, Report, Task
from tests.conftest import validate_path, validate_text

D = dt.date


def task(*reports: tuple, deadline=D(2021, 6, 30), measure=None) -> Task:
    built = tuple(
        Report(date=r[0], status=r[1], index=i, line=i + 1,
               progress=None if measure else (r[2] if len(r) > 2 else None),
               value=(r[2] if len(r) > 2 else None) if measure else None)
        for i, r in enumerate(reports)
    )
    return Task(id=1, title="t", group="g", lead="a", deadline=deadline, line=1, measure=measure, reports=built)


def test_no_report_is_not_started_with_zero_progress():
    f = task_figures(task(), D(2021, 5, 31))
    assert (f.status, f.progress, f.completed, f.overdue) == ("not_started", 0.0, None, False)


def test_done_on_the_deadline_day_is_on_time_not_early_not_late():
    f = task_figures(task((D(2021, 6, 30), "done")), D(2021, 7, 1))
    assert (f.on_time, f.early, f.late, f.progress) == (True, False, False, 100.0)


def test_done_the_day_before_is_early_and_the_day_after_late():
    early = task_figures(task((D(2021, 6, 29), "done")), D(2021, 7, 5))
    late = task_figures(task((D(2021, 7, 1), "done")), D(2021, 7, 5))
    assert (early.early, early.on_time, early.late) == (True, True, False)
    assert (late.early, late.on_time, late.late) == (False, False, True)


def test_reports_out_of_order_in_the_list_are_taken_by_date():
    f = task_figures(task((D(2021, 5, 1), "in_progress", 60), (D(2021, 3, 1), "in_progress", 20)), D(2021, 5, 31))
    assert f.progress == 60.0


def test_on_equal_dates_the_later_report_in_the_list_wins():
    f = task_figures(task((D(2021, 5, 1), "done"), (D(2021, 5, 1), "in_progress", 90)), D(2021, 5, 31))
    assert (f.status, f.progress) == ("in_progress", 90.0)


def test_reopened_after_done_is_not_done_and_completion_restarts():
    reopened = task((D(2021, 3, 1), "done"), (D(2021, 4, 1), "in_progress", 70))
    assert task_figures(reopened, D(2021, 5, 1)).status == "in_progress"
    redone = task((D(2021, 3, 1), "done"), (D(2021, 4, 1), "in_progress", 70),
                  (D(2021, 5, 10), "done"), (D(2021, 5, 20), "done"))
    assert task_figures(redone, D(2021, 5, 31)).completed == D(2021, 5, 10)


def test_paused_past_deadline_is_overdue_with_days():
    f = task_figures(task((D(2021, 4, 1), "paused", 20), deadline=D(2021, 4, 30)), D(2021, 5, 31))
    assert (f.status, f.overdue, f.days_overdue, f.progress) == ("paused", True, 31, 20.0)


def test_not_overdue_on_the_deadline_day_itself():
    assert not task_figures(task(deadline=D(2021, 5, 31)), D(2021, 5, 31)).overdue


def test_cancelled_has_no_progress_is_never_overdue_nor_due():
    f = task_figures(task((D(2021, 2, 1), "cancelled"), deadline=D(2021, 3, 1)), D(2021, 5, 31))
    assert (f.progress, f.overdue, f.due) == (None, False, False)


def test_measure_progress_from_baseline_and_clamped_above_target():
    m = Measure("km", 25, 5)
    assert task_figures(task((D(2021, 3, 1), "in_progress", 15), measure=m), D(2021, 5, 1)).progress == 50.0
    above = task_figures(task((D(2021, 3, 1), "in_progress", 40), measure=m), D(2021, 5, 1))
    assert (above.progress, above.value) == (100.0, 40)
    below = task_figures(task((D(2021, 3, 1), "in_progress", 2), measure=m), D(2021, 5, 1))
    assert below.progress == 0.0


def test_measure_without_value_yet_is_zero_and_value_from_last_report_that_has_one():
    m = Measure("%", 87.7, 84.2)
    t = task((D(2021, 3, 1), "in_progress", 85.6), (D(2021, 4, 1), "in_progress"), measure=m)
    assert task_figures(task((D(2021, 3, 1), "in_progress"), measure=m), D(2021, 5, 1)).progress == 0.0
    assert task_figures(t, D(2021, 5, 1)).value == 85.6
    assert task_figures(t, D(2021, 5, 1)).progress == 40.0


def test_reports_after_the_as_of_date_are_ignored():
    t = task((D(2021, 3, 1), "in_progress", 10), (D(2021, 6, 1), "done"))
    assert task_figures(t, D(2021, 5, 31)).status == "in_progress"


def test_the_small_register_by_hand(small_path):
    result = validate_path(small_path)
    assert result.ok, result.problems
    figures = derive(result.register, result.as_of.date)
    t = figures.tasks
    assert [t[i].status for i in range(1, 9)] == ["done", "done", "done", "in_progress", "paused",
                                                   "cancelled", "not_started", "in_progress"]
    assert (t[1].early, t[2].early, t[2].on_time, t[3].late) == (True, False, True, True)
    assert t[3].completed == D(2021, 5, 10)
    assert (t[4].overdue, t[4].days_overdue) == (True, 61)
    assert t[8].progress == 50.0
    o = figures.overall
    assert (o.total, o.done, o.early, o.late, o.overdue, o.on_time, o.due) == (8, 3, 1, 1, 1, 2, 4)
    assert figures.by_bloc["ubnd"].total == 5 and figures.by_bloc["xa-phuong"].total == 3
    assert figures.by_group["nong-thon"].status["cancelled"] == 1
    qldt = figures.by_agency["phong-qldt"]
    # phong-qldt leads 1 (early), 3 (late), 4 (overdue): 3 due, 1 on time -> 33.3, "Không hoàn thành"
    assert (qldt.lead.total, qldt.score, qldt.grade) == (3, 33.3, "Không hoàn thành")
    qlda = figures.by_agency["ban-qlda"]
    # ban-qlda leads 2 (on the day) and 5 (paused, not yet due): 1 due, 1 on time -> 100
    assert (qlda.score, qlda.grade, qlda.partner_of) == (100.0, "Xuất sắc", (1,))
    # chieng-co: 6 cancelled, 7 and 8 not yet due -> nothing due, no score
    assert (figures.by_agency["chieng-co"].score, figures.by_agency["chieng-co"].grade) == (None, None)


@pytest.mark.parametrize("source", ["command_line", "register", "today"])
def test_as_of_from_each_of_its_three_sources(small_path, source):
    text = small_path.read_text(encoding="utf-8")
    now = dt.datetime(2021, 6, 1, 3, tzinfo=dt.timezone.utc)
    if source == "command_line":
        result = validate_text(text, as_of=D(2021, 4, 1), now=now)
        assert result.as_of == asof.AsOf(D(2021, 4, 1), asof.Source.COMMAND_LINE)
    elif source == "register":
        result = validate_text(text, now=now)
        assert result.as_of == asof.AsOf(D(2021, 5, 31), asof.Source.REGISTER)
    else:
        result = validate_text(text.replace("  as_of: 2021-05-31\n", ""), now=now)
        assert result.as_of == asof.AsOf(D(2021, 6, 1), asof.Source.TODAY)


def test_today_is_the_date_in_ho_chi_minh_city_not_utc():
    # 18:30 UTC on 31 May is 01:30 on 1 June in Vietnam (UTC+7).
    now = dt.datetime(2021, 5, 31, 18, 30, tzinfo=dt.timezone.utc)
    assert asof.today("Asia/Ho_Chi_Minh", now) == D(2021, 6, 1)
    assert asof.today("UTC", now) == D(2021, 5, 31)


def test_the_register_timezone_decides_today(small_path):
    text = small_path.read_text(encoding="utf-8").replace("  as_of: 2021-05-31\n", "  timezone: America/New_York\n")
    now = dt.datetime(2021, 6, 1, 2, tzinfo=dt.timezone.utc)  # 31 May, 22:00 in New York
    assert validate_text(text, now=now).as_of.date == D(2021, 5, 31)
