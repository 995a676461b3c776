"""The monthly report on paper at any size of register: the most urgent overdue and at-risk tasks in
full, every other one as one row; the other lists name their items after the first ones; nothing
overdue leaves the paper. And the PDFs made in worker processes: all written, from the cache when
made before, and a failure leaves no half file and is raised.

The caps are lowered here so that the example's May 2021 report (8 overdue or at-risk tasks, 10
finished) shows the paper's compact form."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from generator.report import Month, MonthlyReport, monthly_report
from generator.model import Register
from generator.render import report as report_pages
from generator.render.pages import environment
from tests.conftest import ROOT, validate_path

HAS_ENGINE = not isinstance(report_pages.engine(), str)
needs_engine = pytest.mark.skipif(not HAS_ENGINE, reason="WeasyPrint (and Pango) not installed")
SITE = "https://so.example.org/"


@pytest.fixture(scope="module")
def may() -> tuple[Register, MonthlyReport]:
    result = validate_path(ROOT / "tasks.yaml")
    assert result.ok
    return result.register, monthly_report(result.register, Month(2021, 5), result.as_of.date)


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(report_pages.CONTEXT, "doc_cards", 3)
    monkeypatch.setitem(report_pages.CONTEXT, "doc_rows", 4)


def numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"Nhiệm vụ (\d+)\.", html)]


def test_the_most_urgent_in_full_every_other_overdue_or_at_risk_task_one_row(may, small_caps):
    reg, r = may
    html = report_pages.document(reg, r, "vi", SITE)
    concerns = [c.task.id for c in r.concerns]
    assert len(concerns) == 8 and any(c.at_risk for c in r.concerns[3:])
    cards = re.findall(r'<article class="report-card.*?</article>', html, re.S)
    assert [numbers(card)[0] for card in cards] == concerns[:3]
    assert all("report-quote" in card for card in cards[:1])  # the quoted difficulties stay with the card
    table = re.search(r'<table class="report-table report-compact">(.*?)</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)
    assert [numbers(row)[0] for row in rows] == concerns[3:]  # the report's order, nothing left out
    for c, row in zip(r.concerns[3:], rows):
        assert reg.agencies[c.task.lead].name in row
        assert ("Có nguy cơ chậm" if c.at_risk else f">{c.f.days_overdue}<") in row
    assert "Ngoài 3 nhiệm vụ cấp bách nhất nêu chi tiết ở trên, 5 nhiệm vụ còn lại" in html
    assert f"Địa chỉ: {SITE}reports/2021-05/" in html


def test_after_the_tables_rows_the_rest_are_named_by_number_under_their_lead_agency(may, small_caps, monkeypatch):
    """A register of thousands made a December report of hundreds of pages of rows: the table stops, and the
    others are named by number under their lead agency, in the report's order. None leaves the paper."""
    monkeypatch.setitem(report_pages.CONTEXT, "doc_table", 2)
    reg, r = may
    html = report_pages.document(reg, r, "vi", None)
    concerns = [c.task.id for c in r.concerns]
    table = re.search(r'<table class="report-table report-compact">(.*?)</table>', html, re.S)
    assert table is not None
    assert [numbers(row)[0] for row in re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)] \
        == concerns[3:5]
    assert "Sau bảng trên, còn 3 nhiệm vụ quá hạn hoặc có nguy cơ chậm, theo cơ quan chủ trì" in html
    rest = re.search(r'<ul class="report-by-lead">(.*?)</ul>', html, re.S)
    assert rest is not None
    lines = re.findall(r"<li>(.*?)</li>", rest.group(1), re.S)
    named = [int(n) for line in lines for n in re.findall(r"\d+", line.split("(số", 1)[1])]
    assert sorted(named) == sorted(concerns[5:])  # each of the others, once
    for c in r.concerns[5:]:
        name = reg.agencies[c.task.lead].name
        assert any(re.fullmatch(re.escape(name) + r" \(số [\d, ]*\b" + str(c.task.id) + r"\b.*\)", line)
                   for line in lines), (name, c.task.id)


def test_the_units_overdue_tasks_after_the_tables_rows_are_named_by_number_under_their_unit(may, monkeypatch):
    """A city whose communes' overdue tasks are listed in its report (unit.attention_below): on paper the table
    stops after its rows, the others are named by number under their unit, in the report's order."""
    import dataclasses

    from generator.report import OverdueBelow, UnitRegister

    monkeypatch.setitem(report_pages.CONTEXT, "doc_table", 2)
    reg, r = may
    units = [UnitRegister("Xã A", "units/xa-a/", reg), UnitRegister("Phường B", "units/phuong-b/", reg)]
    below = [OverdueBelow(units[i % 2], c.task, c.f) for i, c in enumerate(r.concerns[:6])]
    html = report_pages.document(reg, dataclasses.replace(r, below=below), "vi", None)
    table = re.search(r'<table class="report-table report-below">(.*?)</table>', html, re.S)
    assert table is not None and len(re.findall(r"<tr>", table.group(1).split("<tbody>")[1])) == 2
    assert "Sau bảng trên, còn 4 nhiệm vụ quá hạn của các đơn vị cấp dưới, theo đơn vị" in html
    lists = re.findall(r'<ul class="report-by-lead">(.*?)</ul>', html, re.S)
    assert len(lists) == 1
    lines = re.findall(r"<li>(.*?)</li>", lists[0])
    ids = [c.task.id for c in r.concerns[:6]]
    assert lines == [f"Xã A (số {ids[2]}, {ids[4]})", f"Phường B (số {ids[3]}, {ids[5]})"]


def test_other_lists_name_the_rest_by_number(may, small_caps):
    reg, r = may
    html = report_pages.document(reg, r, "vi", None)
    finished = html[html.index("1. Nhiệm vụ hoàn thành"):html.index("2. Nhiệm vụ trở thành quá hạn")]
    assert len(re.findall(r"<li>", finished)) == 4 and len(r.finished) == 10
    rest = ", ".join(str(x.task.id) for x in r.finished[4:])
    assert f"còn 6 nhiệm vụ: số {rest}. Nội dung chi tiết được đăng tải tại trang báo cáo tháng" in finished
    assert "Địa chỉ:" not in html  # no address to give without the site's


def test_with_the_default_caps_the_examples_report_is_whole(may):
    reg, r = may
    html = report_pages.document(reg, r, "vi", None)
    assert html.count('<article class="report-card') == len(r.concerns) and 'class="report-table report-compact"' not in html
    assert "Ngoài các nhiệm vụ nêu trên" not in html


def test_the_web_page_still_stops_after_web_rows_and_links_the_pdf(may, monkeypatch):
    reg, r = may
    monkeypatch.setitem(report_pages.CONTEXT, "web_rows", 4)
    page = environment("vi").get_template("report.md.j2").render(reg=reg, r=r, pdf=True, root="../../",
                                                                  **report_pages.CONTEXT)
    assert page.count('<article class="report-card') == 4 and 'class="report-table report-compact"' not in page
    assert "Trang web chỉ liệt kê 4 mục đầu trong 10." in page and 'href="../2021-05.pdf"' in page


def documents(reg: Register, months: list[Month], folder: Path) -> list[tuple[str, Path]]:
    return [(report_pages.document(reg, monthly_report(reg, m, Month(2021, 5).end), "vi", None),
             folder / f"{m.key}.pdf") for m in months]


def no_pool(*args: object, **kwargs: object) -> None:
    raise AssertionError("no worker process expected")


@pytest.mark.slow
@needs_engine
def test_pdfs_made_in_worker_processes_then_from_the_cache(may, tmp_path, monkeypatch):
    reg, _ = may
    months = [Month(2021, n) for n in (3, 4, 5)]
    cache = tmp_path / "cache"
    written = report_pages.write_pdfs(iter(documents(reg, months, tmp_path / "a")), cache, workers=2)
    assert sorted(p.name for p in written) == ["2021-03.pdf", "2021-04.pdf", "2021-05.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") and p.read_bytes().rstrip().endswith(b"%%EOF") for p in written)
    assert len(list(cache.glob("*.pdf"))) == 3

    monkeypatch.setattr(report_pages, "ProcessPoolExecutor", no_pool)
    again = report_pages.write_pdfs(documents(reg, months, tmp_path / "b"), cache, workers=2)
    assert [p.name for p in again] == ["2021-03.pdf", "2021-04.pdf", "2021-05.pdf"]
    assert all(p.read_bytes() == (tmp_path / "a" / p.name).read_bytes() for p in again)


@pytest.mark.slow
@needs_engine
def test_a_failing_render_is_raised_and_leaves_no_half_file(may, tmp_path):
    reg, _ = may
    (good, first), (_, second) = documents(reg, [Month(2021, 4), Month(2021, 5)], tmp_path)
    broken = tmp_path / "broken.pdf"
    with pytest.raises(TypeError):  # WeasyPrint, in the worker, refuses a document that is not there
        report_pages.write_pdfs([(good, first), (None, broken), (good, second)], None, workers=2)  # type: ignore[list-item]
    assert not broken.exists() and not list(tmp_path.glob(".*.part"))
    for path in (first, second):  # written whole or not at all
        assert not path.exists() or path.read_bytes().rstrip().endswith(b"%%EOF")


def test_units_late_in_reporting_after_the_first_rows_are_named_by_unit(may, monkeypatch):
    reg, r = may
    monkeypatch.setitem(report_pages.CONTEXT, "doc_rows", 3)
    html = report_pages.document(reg, r, "vi", None)
    table = re.search(r'<table class="report-table report-late">(.*?)</table>', html, re.S)
    assert table is not None
    tasks = [task.id for u in r.late_units for task, _ in u.tasks]
    assert len(tasks) == r.late_total == 8 and numbers(table.group(1)) == tasks[:3]
    rest = html[table.end():html.index("V. Nhiệm vụ đến hạn")]
    assert "Ngoài các nhiệm vụ nêu trong bảng, còn 5 nhiệm vụ chậm báo cáo:" in rest
    named = {int(n) for group in re.findall(r"\(số ([\d, ]+)\)", rest) for n in group.split(", ")}
    assert named == set(tasks[3:])
    shown, left = report_pages.late_split(r.late_units, 3)
    assert [task for u in shown + left for task in u.tasks] == [task for u in r.late_units for task in u.tasks]
    assert sum(len(u.tasks) for u in shown) == 3 and all(u.tasks for u in shown + left)
    assert report_pages.late_split(r.late_units, 100) == (r.late_units, [])


@pytest.mark.slow
@needs_engine
def test_a_single_document_to_render_starts_no_worker(may, tmp_path, monkeypatch):
    reg, _ = may
    monkeypatch.setattr(report_pages, "ProcessPoolExecutor", no_pool)
    written = report_pages.write_pdfs(documents(reg, [Month(2021, 5)], tmp_path), None, workers=2)
    assert written == [tmp_path / "2021-05.pdf"] and written[0].read_bytes().startswith(b"%PDF")


@pytest.mark.slow
@needs_engine
def test_without_processes_to_be_had_the_pdfs_are_rendered_in_turn(may, tmp_path, monkeypatch):
    reg, _ = may

    def no_semaphores(*args: object, **kwargs: object) -> None:
        raise OSError("no /dev/shm")

    monkeypatch.setattr(report_pages, "ProcessPoolExecutor", no_semaphores)
    written = report_pages.write_pdfs(documents(reg, [Month(2021, 4), Month(2021, 5)], tmp_path), None, workers=2)
    assert [p.name for p in written] == ["2021-04.pdf", "2021-05.pdf"]


@pytest.mark.slow
@needs_engine
def test_beside_other_work_even_a_single_document_goes_to_a_worker(may, tmp_path, monkeypatch):
    """The build renders its PDFs beside its later stages: the one PDF of a warm build is not rendered in
    the build's own process, which has pages to write meanwhile."""
    import concurrent.futures

    reg, _ = may
    started: list[int] = []

    class Pool(concurrent.futures.ThreadPoolExecutor):  # as a process pool is asked for, recorded
        def __init__(self, workers: int, mp_context: object = None, **_: object) -> None:
            super().__init__(workers)
            started.append(workers)

    monkeypatch.setattr(report_pages, "ProcessPoolExecutor", Pool)
    written = report_pages.write_pdfs(documents(reg, [Month(2021, 5)], tmp_path), None, workers=1, always_workers=True)
    assert started == [1] and written == [tmp_path / "2021-05.pdf"] and written[0].read_bytes().startswith(b"%PDF")


@needs_engine
def test_the_engine_is_found_without_importing_it_and_imported_only_to_render(monkeypatch):
    """Finding WeasyPrint's libraries costs milliseconds; importing it took 0.6 s of every build, PDFs
    all from the cache or rendered by workers."""
    code = ("import sys; from generator.render import report as r; found = r.engine(); fonts = r.font_faces(); "
            "print(found.version, 'weasyprint' in sys.modules, len(fonts), 'matplotlib' in sys.modules); "
            "r.render_pdf('<p>x</p>'); print('weasyprint' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).parent.parent).stdout.split()
    # the report's fonts are found in matplotlib's folder without importing matplotlib either (0.12–0.18 s)
    assert shown == [metadata.version("weasyprint"), "False", str(len(report_pages.FONT_FILES)), "False", "True"]
    # a library its name does not find: the import decides, and WeasyPrint is still found
    report_pages.engine.cache_clear()
    monkeypatch.setattr(report_pages, "SYSTEM_LIBRARIES", ("no-such-library-1.0",))
    try:
        assert report_pages.engine() == report_pages.Engine("WeasyPrint", metadata.version("weasyprint"))
    finally:
        report_pages.engine.cache_clear()
