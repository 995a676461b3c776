"""The charts as a reader meets them: every chart draws, says its figures in words, stays the same
for the same data, and is redrawn only when what it shows changed."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator import palette
from generator.derive import STATUS_ORDER, derive
from generator.render import chart_kinds as K
from generator.render import charts as C
from tests.conftest import REGISTERS, validate_path, validate_text

SMALL = REGISTERS / "valid" / "small.yaml"
SVG = "{http://www.w3.org/2000/svg}"

HEAD = """\
register:
  title: Sổ thử
  start: 2021-01-01
  end: 2021-12-31
  as_of: {as_of}
  grading:
    - {{name: Tốt, min: 70}}
    - {{name: Chưa đạt, min: 0}}
blocs:
  ubnd: Khối Ủy ban
agencies:
  phong-a: {{name: Phòng A, bloc: ubnd}}
  phong-b: {{name: Phòng B, bloc: ubnd}}
groups:
  do-thi: Đô thị
  nong-thon: Nông thôn
tasks:
"""

EDGE_CASES = {
    "no_reports": ("2021-05-31", """\
  - {id: 1, title: Việc một, group: do-thi, lead: phong-a, deadline: 2021-03-31}
  - {id: 2, title: Việc hai, group: nong-thon, lead: phong-b, deadline: 2021-09-30}
"""),
    "everything_done": ("2021-05-31", """\
  - id: 1
    title: Việc một
    group: do-thi
    lead: phong-a
    deadline: 2021-03-31
    reports: [{date: 2021-03-01, status: done}]
  - id: 2
    title: Việc hai
    group: nong-thon
    lead: phong-b
    deadline: 2021-04-30
    reports: [{date: 2021-02-01, status: in_progress, progress: 40}, {date: 2021-05-02, status: done}]
"""),
    "single_task": ("2021-05-31", """\
  - {id: 1, title: Việc duy nhất, group: do-thi, lead: phong-a, deadline: 2021-06-30}
"""),
    "measure_without_value": ("2021-05-31", """\
  - id: 1
    title: Trồng cây xanh
    group: do-thi
    lead: phong-a
    deadline: 2021-10-31
    measure: {unit: cây, target: 1500}
    reports: [{date: 2021-04-01, status: in_progress}]
"""),
    "everything_cancelled": ("2021-05-31", """\
  - id: 1
    title: "Giá $5 & $10 <b>không</b> còn: hủy"
    group: do-thi
    lead: phong-a
    deadline: 2021-03-31
    measure: {unit: "$", target: 10}
    reports: [{date: 2021-03-01, status: cancelled}]
"""),
    "nothing_due_yet": ("2021-01-15", """\
  - {id: 1, title: Việc một, group: do-thi, lead: phong-a, deadline: 2021-06-30}
  - id: 2
    title: Việc hai
    group: nong-thon
    lead: phong-b
    deadline: 2021-09-30
    measure: {unit: km, target: 25, baseline: 1}
"""),
}


def figures_of(text: str):
    result = validate_text(text)
    assert result.ok, result.problems
    return result.register, derive(result.register, result.as_of.date)


def register_text(case: str) -> str:
    as_of, tasks = EDGE_CASES[case]
    return HEAD.format(as_of=as_of) + tasks


@pytest.fixture(scope="module")
def small():
    result = validate_path(SMALL)
    return result.register, derive(result.register, result.as_of.date)


@pytest.fixture(scope="module")
def small_rendered(small, tmp_path_factory):
    """small.yaml's charts drawn once (serially), for the tests that only read them."""
    base = tmp_path_factory.mktemp("small")
    charts = C.all_charts(*small, "vi")
    stats = C.render(charts, base / "out", base / "cache")
    return charts, base, stats


def svg_problems(path: Path) -> list[str]:
    """What would make the file a bad chart on the page."""
    source = path.read_text(encoding="utf-8")
    root = ET.fromstring(source.encode("utf-8"))
    problems = []
    if root.tag != SVG + "svg":
        problems.append("not an svg")
    if "<image" in source:
        problems.append("embeds a raster image")
    hrefs = re.findall(r'href="([^"]*)"', source)
    problems += [f"external reference {h}" for h in hrefs if not h.startswith("#")]
    if "@font-face" in source or "url(http" in source:
        problems.append("loads a font or file")
    if not root.findall(f".//{SVG}text"):
        problems.append("no text as text")
    return problems


# --- every chart draws, whatever the register ----------------------------------------------------
@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_every_chart_draws_for_the_edge_cases(case, tmp_path):
    register, figures = figures_of(register_text(case))
    charts = C.all_charts(register, figures, "vi")
    stats = C.render(charts, tmp_path / "out", tmp_path / "cache")
    assert stats.drawn == len({c.key for c in charts}) and stats.reused == len(charts) - stats.drawn
    names = {c.name for c in charts}
    assert {"status", "groups", "blocs", "burnup"} <= names
    for chart in charts:
        path = tmp_path / "out" / chart.filename
        assert svg_problems(path) == [], chart.name
        assert chart.alt and chart.caption and chart.table[1], chart.name
        assert all(len(row) == len(chart.table[0]) for row in chart.table[1]), chart.name
        assert all(isinstance(cell, str) for row in chart.table[1] for cell in row), chart.name


def test_status_bars_add_up_to_the_total_and_overdue_is_its_own_category(small):
    chart = C.status_chart(*small, "vi")
    rows = dict(chart.data)["rows"]
    assert [r[0] for r in rows] == ["done", "in_progress", "not_started", "paused", "overdue", "cancelled"]
    assert sum(r[1] for r in rows) == dict(chart.data)["total"] == 8
    # task 4 is in progress past its deadline: it counts as overdue, not as in progress
    assert dict((r[0], r[1]) for r in rows)["overdue"] == small[1].overall.overdue == 1


def test_status_counts_match_the_hand_computed_register(small):
    rows = {r[0]: r for r in dict(C.status_chart(*small, "vi").data)["rows"]}
    # small.yaml: 3 done (1 early), 4 overdue, 5 paused, 6 cancelled, 7 not started, 8 in progress
    assert {k: r[1] for k, r in rows.items()} == {"done": 3, "in_progress": 1, "not_started": 1, "paused": 1,
                                                   "overdue": 1, "cancelled": 1}
    assert rows["done"][4] == 1


def test_stacked_bars_per_group_and_bloc_add_up(small):
    register, figures = small
    for by, tallies in (("groups", figures.by_group), ("blocs", figures.by_bloc)):
        chart = C.tally_chart(register, figures, "vi", by)
        totals = [sum(n for _, n in counts) for _, _, counts in dict(chart.data)["rows"]]
        assert totals == [tally.total for tally in tallies.values()]


# --- words and figures -------------------------------------------------------------------------
def test_alt_texts_state_the_main_figures_the_vietnamese_way(small_rendered):
    charts = {c.name: c for c in small_rendered[0]}
    assert charts["status"].alt.startswith("Trong 8 nhiệm vụ: Hoàn thành 3 (37,5%, trong đó 1 trước hạn, 1 chậm)")
    assert "Quá hạn, chưa hoàn thành 1 (12,5%)" in charts["status"].alt
    assert "Đô thị và hạ tầng: 3/5 hoàn thành (60%), 1 quá hạn" in charts["groups"].alt
    assert "Đến ngày 31/05/2021, 3 nhiệm vụ đã hoàn thành trong khi 3 nhiệm vụ đã đến hạn" in \
        charts["burnup"].alt
    assert "đến ngày 31/12/2021 có tổng cộng 7 nhiệm vụ đến hạn" in charts["burnup"].alt
    # (1 on time + ½ × 1 late) ÷ 3 due; the period has not ended, so the grade is provisional
    assert "Phòng Quản lý đô thị 50% (Hoàn thành, tạm tính)" in charts["agencies"].alt
    assert "2 cơ quan chưa đủ 3 việc đến hạn nên chưa xếp hạng" in charts["agencies"].alt
    assert "nhiệm vụ 8: 13 km trên mục tiêu 25 km (50%)" in charts["targets"].alt
    assert "7 km ngày 31/03/2021; 13 km ngày 31/05/2021; mục tiêu 25 km, thời hạn 31/12/2021" in \
        charts["task-8"].alt
    for chart in charts.values():
        assert chart.alt.endswith(".") and "\n" not in chart.alt


def test_english_words_and_numbers(small):
    charts = {c.name: c for c in C.all_charts(*small, "en")}
    assert charts["status"].alt.startswith("Of 8 tasks: Done 3 (37.5%, 1 of them early, 1 late)")
    assert "Phòng Quản lý đô thị 50% (Hoàn thành, provisional)" in charts["agencies"].alt
    assert charts["status"].caption == "Tasks by status"


def test_large_numbers_are_grouped_and_decimals_use_a_comma():
    register, figures = figures_of(HEAD.format(as_of="2021-05-31") + """\
  - id: 1
    title: Vốn đầu tư
    group: do-thi
    lead: phong-a
    deadline: 2021-12-31
    measure: {unit: tỷ đồng, target: 7254}
    reports: [{date: 2021-05-01, status: in_progress, value: 1114.5}]
""")
    chart = C.targets_chart(register, figures, "vi")
    assert "1.114,5 tỷ đồng trên mục tiêu 7.254 tỷ đồng (15,4%)" in chart.alt
    assert chart.table[1][0][2:] == ("1.114,5 tỷ đồng", "7.254 tỷ đồng", "15,4%")


def test_the_data_tables_say_what_the_charts_show(small):
    status = C.status_chart(*small, "vi")
    assert status.table[0] == ("Tình trạng", "Số nhiệm vụ", "Tỷ lệ")
    assert status.table[1][0] == ("Hoàn thành", "3", "37,5%")
    assert status.table[1][1] == ("— trong đó trước hạn", "1", "12,5%")
    assert status.table[1][-1] == ("Tổng số", "8", "100%")
    burnup = C.burnup_chart(*small, "vi")
    rows = dict((r[0], r[1:]) for r in burnup.table[1])
    assert rows["31/05/2021 (ngày tính số liệu)"] == ("3", "3")
    assert rows["31/12/2021"] == ("7", "—")
    assert len(burnup.table[1]) == 12  # the month ends (the as-of date is one of them)


def test_agency_scores_are_sorted_with_the_unranked_last(small):
    # ban-qlda has 1 task due (score 100) but needs 3 to be ranked: it comes after phong-qldt
    rows = dict(C.agency_chart(*small, "vi").data)["rows"]
    assert [r[1] for r in rows] == [50.0, None, None]
    assert rows[1][2] == "chưa xếp hạng: 1 việc đến hạn (cần 3)"


# --- when there is a chart and when not ------------------------------------------------------
def test_task_chart_needs_a_measure_or_two_progress_reports(small):
    register, figures = small
    with_chart = {t.id for t in register.tasks if C.task_chart(t, figures.tasks[t.id], "vi")}
    # 6 has a single (cancelled) report, 7 none; every other task has two dated figures or a measure
    assert with_chart == {1, 2, 3, 4, 5, 8}


def test_a_measure_without_a_value_still_gets_its_chart_saying_so():
    register, figures = figures_of(register_text("measure_without_value"))
    chart = C.task_chart(register.task(1), figures.tasks[1], "vi")
    assert chart is not None and dict(chart.data)["points"] == ()
    assert "chưa có số liệu" in chart.alt and "mục tiêu 1.500 cây" in chart.alt
    targets = C.targets_chart(register, figures, "vi")
    assert "chưa có số liệu" in targets.alt


def test_nothing_due_yet_gives_no_agency_chart_and_a_burnup_at_zero():
    register, figures = figures_of(register_text("nothing_due_yet"))
    assert C.agency_chart(register, figures, "vi") is None
    burnup = C.burnup_chart(register, figures, "vi")
    assert "0 nhiệm vụ đã hoàn thành trong khi 0 nhiệm vụ đã đến hạn" in burnup.alt
    assert [c.name for c in C.home_charts(register, figures, "vi")] == ["status", "groups", "blocs", "burnup",
                                                                         "targets"]


def test_no_targets_chart_without_a_measure():
    register, figures = figures_of(register_text("no_reports"))
    assert "targets" not in {c.name for c in C.home_charts(register, figures, "vi")}


# --- the files ------------------------------------------------------------------------------------
def test_svg_keeps_vietnamese_text_as_text_and_loads_nothing(small_rendered):
    charts, base, _ = small_rendered
    status = (base / "out" / "status.svg").read_text(encoding="utf-8")
    assert ">Hoàn thành</text>" in status and ">Chưa triển khai, chưa quá hạn</text>" in status
    assert "Đảng ủy xã Chiềng Cọ" in (base / "out" / "agencies.svg").read_text(encoding="utf-8")
    for chart in charts:
        path = base / "out" / chart.filename
        assert svg_problems(path) == [], chart.name
        assert path.stat().st_size < 20_000, chart.name


def test_register_text_is_drawn_literally_not_as_markup_or_tex(tmp_path):
    register, figures = figures_of(register_text("everything_cancelled"))
    chart = C.targets_chart(register, figures, "vi")
    C.render([chart], tmp_path, tmp_path / "cache")
    source = (tmp_path / "targets.svg").read_text(encoding="utf-8")
    assert "Giá $5 &amp; $10 &lt;b&gt;không&lt;/b&gt; còn: hủy" in source
    assert svg_problems(tmp_path / "targets.svg") == []


def test_svg_size_is_the_one_the_page_reserves(small_rendered):
    charts, base, _ = small_rendered
    for chart in charts:
        root = ET.parse(base / "out" / chart.filename).getroot()
        assert (root.get("width"), root.get("height")) == (str(chart.width), str(chart.height))
        assert root.get("viewBox") == f"0 0 {chart.width} {chart.height}"


def test_same_data_gives_identical_bytes_across_caches_and_processes(small, small_rendered, tmp_path):
    charts, base, _ = small_rendered
    again = C.all_charts(*small, "vi")
    assert [c.key for c in again] == [c.key for c in charts]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as other:  # a fresh interpreter
        stats = other.submit(C.render, again, tmp_path / "out", tmp_path / "cache").result()
    assert stats.drawn == len(charts)
    for chart in charts:
        assert (tmp_path / "out" / chart.filename).read_bytes() == (base / "out" / chart.filename).read_bytes()


def test_cache_stays_outside_the_output_and_a_second_build_draws_nothing(small_rendered, tmp_path):
    charts, base, first = small_rendered
    assert first.drawn == len(charts)
    cache = tmp_path / "cache"
    shutil.copytree(base / "cache", cache)
    stats = C.render(charts, tmp_path / "out", cache)
    assert (stats.drawn, stats.reused) == (0, len(charts))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(c.filename for c in charts)


EDITS = [
    # (what the editor changes, the charts that must be drawn again)
    pytest.param("{date: 2021-04-30, status: in_progress, progress: 60, proposals: Đề nghị bổ sung vốn.}",
                 "{date: 2021-04-30, status: in_progress, progress: 65, proposals: Đề nghị bổ sung vốn.}",
                 {"task-4"}, id="progress of an overdue task"),
    pytest.param("{date: 2021-05-31, status: in_progress, value: 13, note: Bản Hùn hiến 2.000 m² đất.}",
                 "{date: 2021-05-31, status: in_progress, value: 15, note: Bản Hùn hiến 2.000 m² đất.}",
                 {"task-8", "targets"}, id="value of a measure"),
    pytest.param("    deadline: 2021-06-15\n",
                 "    deadline: 2021-06-15\n    reports: [{date: 2021-05-20, status: done}]\n",
                 {"status", "groups", "blocs", "burnup", "agencies"}, id="a task done"),
    pytest.param("note: Gộp vào nhiệm vụ 8.", "note: Gộp vào nhiệm vụ số 8.", set(), id="a note only"),
]


@pytest.mark.parametrize(("old", "new", "redrawn"), EDITS)
def test_after_an_edit_only_the_charts_that_show_it_are_drawn_again(old, new, redrawn, small_rendered, tmp_path):
    charts, base, _ = small_rendered
    text = SMALL.read_text(encoding="utf-8")
    assert text.count(old) == 1
    register, figures = figures_of(text.replace(old, new))
    cache, out = tmp_path / "cache", tmp_path / "out"
    shutil.copytree(base / "cache", cache)
    shutil.copytree(base / "out", out)
    edited = C.all_charts(register, figures, "vi")
    stats = C.render(edited, out, cache)
    assert (stats.drawn, stats.reused) == (len(redrawn), len(edited) - len(redrawn))
    changed = {c.name for c in edited if (out / c.filename).read_bytes() != (base / "out" / c.filename).read_bytes()}
    assert changed == redrawn
    # the cache keeps what this build used, and nothing it did not (the pictures of the old figures)
    assert {p.stem for p in cache.glob("*.svg")} == {c.key for c in edited}


def test_a_staged_picture_is_the_cached_file_itself_and_left_alone_when_unchanged(small_rendered, tmp_path):
    """Pictures reused from the cache cost no writes (hard links), and a picture already the same is not
    replaced (the site builder's change detection then sees nothing new)."""
    charts, base, _ = small_rendered
    cache = tmp_path / "cache"
    shutil.copytree(base / "cache", cache)
    C.render(charts, tmp_path / "out", cache)
    assert all((tmp_path / "out" / c.filename).stat().st_ino == (cache / f"{c.key}.svg").stat().st_ino for c in charts)
    shutil.copytree(base / "out", tmp_path / "copy")
    before = {c.filename: (tmp_path / "copy" / c.filename).stat().st_ino for c in charts}
    C.render(charts, tmp_path / "copy", cache)
    assert {c.filename: (tmp_path / "copy" / c.filename).stat().st_ino for c in charts} == before


# --- style in one place ------------------------------------------------------------------------
def test_palette_covers_every_status_and_overdue_with_a_hatch_or_label():
    keys = set(STATUS_ORDER) | {"overdue"}
    assert set(palette.STATUS_COLORS) == set(palette.STATUS_TEXT) == set(palette.STATUS_HATCHES) == keys
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in palette.STATUS_COLORS.values())
    assert len(set(palette.STATUS_COLORS.values())) == len(keys)
    assert "--status-in-progress: #0072B2;" in palette.css_variables()


def test_long_names_are_cut_to_fit_not_overflowing():
    from generator.render import chart_kinds as K

    name = "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp thành phố"
    cut = K.fit(name, K.FONT, K.PLOT_W)
    assert cut.endswith("…") and K.text_width(cut, K.FONT) <= K.PLOT_W
    assert K.fit("Đô thị", K.FONT, K.PLOT_W) == "Đô thị"


def test_no_label_of_the_example_is_cut():
    """Long titles and targets wrap between words ("đạt 48…" for 480 tỷ was a cut number)."""
    import datetime as dt

    from generator.load import load_file
    from generator.validate import validate
    from tests.conftest import ROOT

    register = validate(load_file(ROOT / "tasks.yaml")).register
    figures = derive(register, dt.date(2021, 5, 31))
    drawn = [c for c in C.all_charts(register, figures, "vi") if c.kind in ("targets", "series")]
    cut = {c.name: re.findall(r">([^<]*…)<", K.draw(c.kind, c.data).decode()) for c in drawn}
    assert not {name: texts for name, texts in cut.items() if texts}
    targets = K.draw("targets", dict((c.name, c) for c in drawn)["targets"].data).decode()
    assert "480 tỷ đồng" in targets and "Thu ngân sách nhà nước trên địa bàn đạt" in targets


def test_charts_follow_the_colour_scheme_with_no_white_panel():
    svg = K.draw("targets", (("rows", (("1. Một", 0.5, "5 / 10 km"),)), ("reach", 1.0))).decode()
    assert "@media (prefers-color-scheme: dark)" in svg
    assert "fill: var(--card, #fefefe)" in svg and "var(--ink, #1a1a1a)" in svg
    dark = svg[svg.index("@media (prefers-color-scheme: dark)"):]
    assert "--card:#1E2029" in dark and "--ink:#E8E8EA" in dark


def test_a_figure_beside_the_as_of_line_is_never_cut_off_by_the_chart_edge():
    """The burn-up chart's figures at the as-of date ("37 · 6 quá hạn chưa xong") sit right of the line, else
    left of it; one too wide for either side moves in, rather than running off the edge of the picture."""
    for at in range(int(K.PAD), int(K.WIDTH - K.PAD) + 1, 7):
        for width in (40, 150, 190, 250, K.WIDTH - 2 * K.PAD):
            px, ha = K._beside(at, width)
            left = px if ha == "left" else px - width
            assert K.PAD <= left and left + width <= K.WIDTH - K.PAD, (at, width, px, ha)
    assert K._beside(100, 40) == (108, "left")  # room on the right: beside the line
    assert K._beside(K.WIDTH - K.PAD - 20, 40)[1] == "right"


# --- the time axis: every month the chart means to label is labelled, none over another -------------------
_DATE = re.compile(r"\d\d/\d{4}|\d\d/\d\d")


def time_axis(svg: str) -> tuple[list[float], list[tuple[float, float, str]]]:
    """The date axis as drawn: the x of each tick (a 4 px stroke down from the axis) and each date label's
    left, right and text (its width as the chart code measures text, which browsers' fonts do not exceed)."""
    root = ET.fromstring(svg.encode("utf-8"))
    ticks = []
    for path in root.iter(SVG + "path"):
        found = re.fullmatch(r"M ([\d.]+) ([\d.]+)\s*L ([\d.]+) ([\d.]+)\s*", path.get("d", "").strip())
        if found:
            x0, y0, x1, y1 = map(float, found.groups())
            if x0 == x1 and y1 - y0 == 4:
                ticks.append(x0)
    labels = []
    for node in root.iter(SVG + "text"):
        words = "".join(node.itertext()).strip()
        if not _DATE.fullmatch(words):
            continue
        size = float(re.search(r"font-size: ([\d.]+)px", node.get("style", "")).group(1))
        anchor = re.search(r"text-anchor: (\w+)", node.get("style", "")).group(1)
        width = K.text_width(words, size)
        x = float(node.get("x"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        labels.append((left, left + width, words))
    return sorted(ticks), sorted(labels)


def axis_problems(chart_data: tuple) -> list[str]:
    """What is wrong with a time chart's date axis: a tick without its label, labels overlapping, a label
    beside rather than under its tick, or one past the card's edge."""
    d = dict(chart_data)
    ticks, labels = time_axis(K.draw("series", chart_data).decode())
    problems = []
    wanted = [label for _, label in d["x_ticks"]]
    if [text for _, _, text in labels] != wanted:
        problems.append(f"labels {[text for _, _, text in labels]}, ticks {wanted}")
    if len(ticks) != len(wanted):
        problems.append(f"{len(ticks)} tick marks for {len(wanted)} ticks")
    for (left, right, text), tick in zip(labels, ticks):
        if not left <= tick <= right:
            problems.append(f"{text} ({left:.0f}-{right:.0f}) not under its tick at {tick:.0f}")
        if left < 0 or right > K.WIDTH:
            problems.append(f"{text} past the card's edge")
    for (_, right, text), (left, _, after) in zip(labels, labels[1:]):
        if left < right + 4:
            problems.append(f"{text} and {after} touch or overlap")
    return problems


def test_a_communes_task_chart_labels_every_second_month_to_the_end_of_its_year():
    """Chiềng Cọ's road-building task, March to December 2021: a label every second month. The last one,
    01/2022, sits at the card's edge and so is moved in; 11/2021, its neighbour, was then dropped."""
    import datetime as dt

    from generator.load import load_file
    from generator.validate import validate
    from tests.conftest import ROOT

    register = validate(load_file(ROOT / "registers" / "xa-chieng-co.yaml")).register
    chart = {c.name: c for c in C.all_charts(register, derive(register, dt.date(2021, 5, 31)), "vi")}["task-1"]
    _, labels = time_axis(K.draw(chart.kind, chart.data).decode())
    assert [text for _, _, text in labels] == ["05/2021", "07/2021", "09/2021", "11/2021", "01/2022"]
    assert not axis_problems(chart.data)


@pytest.mark.slow  # 48 charts drawn
def test_every_tick_of_a_time_chart_is_labelled_whatever_its_dates():
    """Charts of many spans (three months to two years), starting on any day of the year: every tick the
    chart chooses has its label under it, inside the card, apart from the others."""
    import datetime as dt

    base = dict(K_SERIES)
    found = {}
    for start_day in range(0, 365, 33):
        for span in (90, 275, 400, 730):
            start = dt.date(2021, 1, 1) + dt.timedelta(days=start_day)
            end = start + dt.timedelta(days=span)
            data = {**base, "x_range": (start.isoformat(), end.isoformat()), "x_ticks": C.date_ticks(start, end),
                    "deadline": (end - dt.timedelta(days=10)).isoformat()}
            problems = axis_problems(tuple(data.items()))
            if problems:
                found[f"{start} + {span} days"] = problems
    assert not found


K_SERIES = (("x_range", ("2021-01-01", "2021-12-31")), ("x_ticks", ()),
            ("y_ticks", ((0, "0"), (10, "10"), (20, "20"), (30, "30"))), ("points", ()), ("target", 25),
            ("baseline", None), ("target_label", "Mục tiêu 25 km"), ("baseline_label", ""),
            ("series_label", "Giá trị (km)"), ("deadline", "2021-12-31"), ("deadline_label", "Thời hạn 31/12/2021"),
            ("empty_label", "Chưa có số liệu"))
