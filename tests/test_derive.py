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
    # phong-qldt leads 1 (early), 3 (late), 4 (overdue): 3 due, 1 on time, 1 late at half credit
    # -> (1 + 0.5) / 3 = 50.0, "Hoàn thành", ranked 1st, provisional (31/05 is before the end, 31/12)
    assert (qldt.lead.total, qldt.score, qldt.grade, qldt.rank, qldt.provisional) == (3, 50.0, "Hoàn thành", 1, True)
    qlda = figures.by_agency["ban-qlda"]
    # ban-qlda leads 2 (on the day) and 5 (paused, not yet due): 1 due, 1 on time -> 100, but fewer
    # than 3 due: neither ranked nor graded
    assert (qlda.score, qlda.grade, qlda.rank, qlda.ranked, qlda.partner_of) == (100.0, None, None, False, (1,))
    assert figures.ranking == ("phong-qldt", "ban-qlda", "chieng-co")
    # the partition: 1 early, 2 on the day, 3 late, 4 overdue, 5 paused, 6 cancelled, 7 not started, 8 in progress
    assert o.parts == {"done_early": 1, "done_on_day": 1, "done_late": 1, "overdue": 1, "in_progress": 1,
                       "not_started": 1, "paused": 1, "cancelled": 1}
    # deadlines on or before 31/05: 2, 3, 4 (6 is cancelled) -> 3 of 8 = 37.5 % due, 3 of 8 done
    assert (o.due_by_date, o.share_due, o.share_done, o.not_yet_due) == (3, 37.5, 37.5, 3)
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


# --- the one partition, the pace, the fair scoreboard, since last month (issue 11) -----------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator.derive import PARTITION, previous_month_end, since_last_month  # noqa: E402
from generator.model import Agency, Bloc, Grade, Group, Meta, Register  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.strategies import registers  # noqa: E402


def _assert_partition(figures, register):
    tallies = [figures.overall, *figures.by_bloc.values(), *figures.by_group.values(),
               *(a.lead for a in figures.by_agency.values())]
    for tally in tallies:
        assert sum(tally.parts.values()) == tally.total
        assert tally.parts["done_early"] + tally.parts["done_on_day"] + tally.parts["done_late"] == tally.done
        assert tally.parts["overdue"] == tally.overdue
        assert tally.done + tally.overdue + tally.not_yet_due + tally.parts["cancelled"] == tally.total
    assert sum(t.total for t in figures.by_bloc.values()) == figures.overall.total == len(register.tasks)
    for f in figures.tasks.values():
        assert f.part in PARTITION


def test_the_partition_of_the_example_sums_to_its_total():
    result = validate_path(ROOT / "tasks.yaml")
    figures = derive(result.register, result.as_of.date)
    _assert_partition(figures, result.register)
    o = figures.overall
    # a count of the register as of 31/05/2021: 38 done = 9 early + 23 on the day + 6 late
    assert (o.total, o.done, o.parts["done_early"], o.parts["done_late"], o.overdue) == (100, 38, 9, 6, 6)


@settings(max_examples=200, deadline=None)
@given(registers(), st.dates(D(2020, 12, 1), D(2022, 2, 1)))
def test_the_partition_sums_to_the_total_on_any_register(register, as_of):
    figures = derive(register, as_of)
    _assert_partition(figures, register)
    # every agency that leads a task is on the scoreboard once; ranked ones first, best first
    led = {t.lead for t in register.tasks}
    assert sorted(figures.ranking) == sorted(led)
    ranked = [figures.by_agency[a] for a in figures.ranking if figures.by_agency[a].ranked]
    assert ranked == [figures.by_agency[a] for a in figures.ranking[:len(ranked)]]
    assert [a.score for a in ranked] == sorted((a.score for a in ranked), reverse=True)
    for a in figures.by_agency.values():
        assert a.ranked == (a.lead.due >= max(1, register.meta.min_due))
        assert (a.grade is not None) == a.ranked and (a.rank is not None) == a.ranked


def _one_agency(*tasks, min_due=3, late_credit=0.5, end=D(2021, 12, 31)):
    meta = Meta(title="t", start=D(2021, 1, 1), end=end, min_due=min_due, late_credit=late_credit,
                grading=(Grade("Xuất sắc", 90), Grade("Hoàn thành", 50), Grade("Không hoàn thành", 0)))
    numbered = tuple(Task(id=i, title="t", group="g", lead="a", deadline=t.deadline, line=i, reports=t.reports)
                     for i, t in enumerate(tasks, 1))
    return Register(meta, {"b": Bloc("b", "B")}, {"a": Agency("a", "A", "b")}, {"g": Group("g", "G")}, numbered)


def test_nothing_due_no_score_no_rank_no_grade():
    reg = _one_agency(task(deadline=D(2021, 9, 30)), min_due=0)
    a = derive(reg, D(2021, 5, 31)).by_agency["a"]
    assert (a.lead.due, a.score, a.ranked, a.rank, a.grade) == (0, None, False, None, None)


def test_one_due_task_done_late_earns_half_not_failure():
    reg = _one_agency(task((D(2021, 4, 8), "done"), deadline=D(2021, 3, 31)), min_due=1)
    a = derive(reg, D(2021, 5, 31)).by_agency["a"]
    assert (a.lead.due, a.lead.late, a.score, a.grade, a.rank) == (1, 1, 50.0, "Hoàn thành", 1)
    full = derive(_one_agency(task((D(2021, 4, 8), "done"), deadline=D(2021, 3, 31)), min_due=1, late_credit=1),
                  D(2021, 5, 31)).by_agency["a"]
    assert full.score == 100.0


def test_the_minimum_of_due_tasks_before_ranking_at_its_boundary():
    done = [task((D(2021, 3, 1), "done"), deadline=D(2021, 3, 31)) for _ in range(3)]
    two, three = _one_agency(*done[:2]), _one_agency(*done)
    assert derive(two, D(2021, 5, 31)).by_agency["a"].ranked is False
    ranked = derive(three, D(2021, 5, 31)).by_agency["a"]
    assert (ranked.ranked, ranked.rank, ranked.score, ranked.grade) == (True, 1, 100.0, "Xuất sắc")


def test_grades_are_provisional_until_the_period_ends():
    reg = _one_agency(*[task((D(2021, 3, 1), "done"), deadline=D(2021, 3, 31)) for _ in range(3)])
    assert derive(reg, D(2021, 12, 30)).by_agency["a"].provisional is True
    assert derive(reg, D(2021, 12, 31)).by_agency["a"].provisional is False


def test_since_last_month_from_the_reports_and_the_history():
    reg = _one_agency(
        task((D(2021, 5, 10), "done"), deadline=D(2021, 6, 30)),  # 1: done in May
        task((D(2021, 4, 10), "done"), deadline=D(2021, 6, 30)),  # 2: done before May
        task(deadline=D(2021, 5, 15)),  # 3: fell overdue in May
        task(deadline=D(2021, 4, 15)),  # 4: overdue since April
    )
    figures = derive(reg, D(2021, 5, 31))
    assert previous_month_end(D(2021, 5, 31)) == D(2021, 4, 30) == previous_month_end(D(2021, 5, 1))
    changes = [(D(2021, 4, 30), "deadline_moved", 2), (D(2021, 5, 2), "deadline_moved", 3),
               (D(2021, 5, 20), "report_changed", 1), (D(2021, 6, 1), "report_removed", 4)]
    s = since_last_month(reg, figures, changes)
    assert (s.start, s.newly_done, s.newly_overdue, s.deadlines_moved, s.corrected, s.history) == (
        D(2021, 4, 30), (1,), (3,), (3,), (1,), True)
    assert s.within([2, 4]).empty and not s.within([3]).empty
    assert since_last_month(reg, figures, None).history is False
