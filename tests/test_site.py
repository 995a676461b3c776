"""The built site, from the small fixture register whose figures were computed by hand."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import MARKER
from generator.cli import main
from tests.conftest import REGISTERS

SMALL = REGISTERS / "valid" / "small.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    assert main(["build", "--register", str(SMALL), "--out", str(out)]) == 0
    return out


def text_of(path: Path) -> str:
    """The visible text of a page's article, whitespace collapsed."""
    html = path.read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)).replace(" ,", ",")


def test_every_page_exists(site):
    for page in ["index.html", "tasks/index.html", "attention/index.html", "agencies/index.html",
                 "agencies/phong-qldt/index.html", "groups/index.html", "groups/do-thi/index.html",
                 "blocs/index.html", "blocs/ubnd/index.html", "open-data/index.html", "about/index.html",
                 "methodology/index.html", "editors/index.html", "data/tasks.csv", "data/reports.csv",
                 "data/tasks.json", "data/summary.json", "data/tasks.yaml"]:
        assert (site / page).is_file(), page
    assert sorted(int(p.name) for p in (site / "tasks").iterdir() if p.is_dir()) == list(range(1, 9))


def test_summary_json_by_hand(site):
    s = json.loads((site / "data" / "summary.json").read_text(encoding="utf-8"))
    assert s["as_of"] == "2021-05-31" and s["total"] == 8
    assert s["status"] == {"not_started": 1, "in_progress": 2, "paused": 1, "done": 3, "cancelled": 1}
    assert (s["overdue"], s["done_early"], s["done_late"]) == (1, 1, 1)
    # one partition, summing to the total: 1 early, 2 on the day, 3 late, 4 overdue, 5 paused,
    # 6 cancelled, 7 not started, 8 in progress
    assert s["partition"] == {"done_early": 1, "done_on_day": 1, "done_late": 1, "overdue": 1, "in_progress": 1,
                              "not_started": 1, "paused": 1, "cancelled": 1}
    assert s["due_by_date"] == 3 and s["licence"] is None
    assert s["scoring"] == {"min_due": 3, "late_credit": 0.5, "provisional": True}
    ubnd = s["by_bloc"]["ubnd"]
    assert (ubnd["name"], ubnd["total"], ubnd["done"], ubnd["overdue"]) == ("Khối Ủy ban nhân dân", 5, 3, 1)
    assert sum(ubnd["partition"].values()) == 5
    assert s["by_group"]["do-thi"]["total"] == 5
    # phong-qldt: 1 on time + ½ × 1 late of 3 due = 50 -> "Hoàn thành", provisionally
    qldt = s["by_agency"]["phong-qldt"]
    assert {k: qldt[k] for k in ("done_on_time", "due", "score", "ranked", "rank", "grade", "grade_provisional")} == {
        "done_on_time": 1, "due": 3, "score": 50.0, "ranked": True, "rank": 1, "grade": "Hoàn thành",
        "grade_provisional": True}
    assert s["by_agency"]["chieng-co"]["score"] is None
    assert s["by_agency"]["ban-qlda"]["grade"] is None  # 1 due: fewer than 3, not graded
    # Task 7 is open with no report at all; April's report was due by 05/05 (monthly, 5 days' grace).
    assert s["late_reporting"] == 1 and s["by_agency"]["chieng-co"]["late_reporting"] == 1


def test_tasks_json_by_hand(site):
    tasks = json.loads((site / "data" / "tasks.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in tasks] == list(range(1, 9))
    first = tasks[0]
    assert first == {"id": 1, "title": "Thảm nhựa thí điểm 3 tuyến phố", "group": "do-thi",
                     "group_name": "Đô thị và hạ tầng", "bloc": "ubnd", "bloc_name": "Khối Ủy ban nhân dân",
                     "lead": "phong-qldt", "lead_name": "Phòng Quản lý đô thị", "partners": ["ban-qlda"],
                     "partner_names": ["Ban Quản lý dự án đầu tư xây dựng"], "target": None, "links": [],
                     "deadline": "2021-06-30", "contributes_to": [],
                     "status": "done", "part": "done_early", "completed": "2021-03-15", "progress": 100.0,
                     "overdue": False, "days_overdue": 0, "early": True, "late": False, "baseline": None,
                     "value": None, "unit": None, "measure_target": None, "reporting": "monthly",
                     "late_reporting": False, "last_report": "2021-03-15", "reporting_days_late": None,
                     "url": "../tasks/1/"}  # from data/tasks.json, when the site has no address
    # a measured task carries what its progress is computed from: (13 - 1) / (25 - 1) = 50 %
    assert {k: tasks[7][k] for k in ("baseline", "value", "measure_target", "unit", "progress")} == {
        "baseline": 1, "value": 13, "measure_target": 25, "unit": "km", "progress": 50.0}
    assert [t["id"] for t in tasks if t["late_reporting"]] == [7]
    assert tasks[5]["progress"] is None and tasks[7]["progress"] == 50.0
    assert (site / "data" / tasks[0]["url"] / "index.html").resolve().is_file()


def test_csv_files_have_a_bom_and_one_row_per_task_and_report(site):
    raw = (site / "data" / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))
    assert len(rows) == 8
    assert rows[3]["overdue"] == "true" and rows[3]["days_overdue"] == "61"
    assert rows[7]["value"] == "13" and rows[7]["unit"] == "km"
    assert (rows[6]["late_reporting"], rows[6]["last_report"], rows[6]["reporting_days_late"]) == ("true", "", "26")
    assert (rows[3]["late_reporting"], rows[3]["last_report"], rows[3]["reporting_days_late"]) == ("false", "2021-04-30", "")
    reports = list(csv.DictReader(io.StringIO((site / "data" / "reports.csv").read_bytes()[3:].decode("utf-8"))))
    assert len(reports) == 15
    assert {r["task"] for r in reports} == {"1", "2", "3", "4", "5", "6", "8"}


def test_home_page_shows_the_figures(site):
    text = text_of(site / "index.html")
    assert "Số liệu tính đến ngày 31/05/2021" in text
    assert ("Đến ngày 31/05/2021, trong 8 việc: 3 đã hoàn thành (2 đúng hoặc trước hạn, 1 chậm), "
            "1 quá hạn chưa xong, 3 chưa đến hạn, 1 đã hủy.") in text
    assert "Đã đến hạn: 37,5% số việc (3)" in text and "Đã hoàn thành: 37,5% số việc (3)" in text
    assert "13 km" in text and "25 km" in text  # key target: latest value against target
    assert "Ban Chấp hành Đảng bộ Thành phố" in text


def test_task_page_shows_its_facts(site):
    text = text_of(site / "tasks" / "4" / "index.html")
    assert "Nhiệm vụ 4. Lắp đèn chiếu sáng đường Tô Hiệu" in text
    assert "Quá hạn 61 ngày" in text and "Đang thực hiện" in text
    assert "31/03/2021" in text and "60%" in text
    assert "Đề nghị bổ sung vốn." in text
    log = text[text.index("Các lần báo cáo"):]
    assert log.index("30/04/2021") < log.index("28/02/2021")  # newest report first
    html = (site / "tasks" / "4" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../tasks/3/"' in html and 'href="../../tasks/5/"' in html  # previous and next
    done_early = text_of(site / "tasks" / "1" / "index.html")
    assert "Hoàn thành trước hạn 107 ngày" in done_early and "15/03/2021" in done_early


def test_agency_page_shows_led_and_partnered_tasks(site):
    text = text_of(site / "agencies" / "ban-qlda" / "index.html")
    assert "Ban Quản lý dự án đầu tư xây dựng" in text
    assert "Kè suối Nặm La giai đoạn II" in text  # leads task 2
    assert "Thảm nhựa thí điểm 3 tuyến phố" in text  # partners on task 1
    assert "Xuất sắc" not in text and "Chưa đủ 3 việc đến hạn" in text  # 1 due: not graded on one task
    board = text_of(site / "agencies" / "index.html")
    assert board.index("Phòng Quản lý đô thị") < board.index("Ban Quản lý dự án")  # ranked ones first
    assert "Hoàn thành, tạm tính" in board


class _Nav(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "md-nav" in (attrs.get("class") or ""):
            self.depth += 1
        elif tag == "nav" and self.depth:
            self.depth += 1
        if tag == "a" and self.depth:
            self.links.append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def test_no_task_page_is_in_the_navigation_of_any_page(site):
    for page in site.rglob("*.html"):
        parser = _Nav()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.links, page
        assert not [h for h in parser.links if re.search(r"tasks/\d+/", h)], page


def test_invalid_register_leaves_the_site_untouched(site, tmp_path, capsys):
    broken = tmp_path / "tasks.yaml"
    broken.write_text(SMALL.read_text(encoding="utf-8").replace("deadline: 2021-06-30", "deadline: 2021-02-30"),
                      encoding="utf-8")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert main(["build", "--register", str(broken), "--out", str(site)]) == 1
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert "2021-02-30" in capsys.readouterr().err


def test_template_error_leaves_the_site_untouched(site, monkeypatch, capsys):
    from generator.render import pages

    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(pages, "render", broken)
    assert main(["build", "--register", str(SMALL), "--out", str(site)]) == 3
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not list(site.parent.glob(".site-build-*"))  # no staging folder left behind


def test_out_must_be_a_previous_site(tmp_path, capsys):
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"x")
    assert main(["build", "--register", str(SMALL), "--out", str(other)]) == 1
    assert (other / "holiday.jpg").exists()
    assert main(["build", "--register", str(SMALL), "--out", str(Path(__file__).parents[1] / "content")]) == 1


def test_site_marker_and_english(tmp_path, site):
    assert (site / MARKER).exists()
    english = tmp_path / "tasks.yaml"
    english.write_text(SMALL.read_text(encoding="utf-8").replace("  as_of: 2021-05-31\n",
                                                                  "  as_of: 2021-05-31\n  language: en\n"),
                       encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--register", str(english), "--out", str(out)]) == 0
    text = text_of(out / "index.html")
    assert "Figures as of 31/05/2021" in text and "3 done (2 on time or early, 1 late)" in text
    assert '<html lang="en"' in (out / "index.html").read_text(encoding="utf-8")


def test_edit_link_points_to_the_task_line_when_repo_url_is_set(tmp_path):
    register = tmp_path / "tasks.yaml"
    register.write_text(SMALL.read_text(encoding="utf-8").replace(
        "  as_of: 2021-05-31\n", "  as_of: 2021-05-31\n  repo_url: https://github.com/sonla/ket-luan-55\n"),
        encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--register", str(register), "--out", str(out)]) == 0
    html = (out / "tasks" / "4" / "index.html").read_text(encoding="utf-8")
    line = next(i for i, text in enumerate(register.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip() == "- id: 4")
    assert f'href="https://github.com/sonla/ket-luan-55/edit/main/tasks.yaml#L{line}"' in html


def test_home_page_features_at_most_twelve_targets_and_links_to_all(tmp_path):
    text = SMALL.read_text(encoding="utf-8")
    extra = "".join(
        f"  - id: {100 + i}\n    title: Chỉ tiêu thử {i}\n    group: do-thi\n    lead: phong-qldt\n"
        f"    deadline: 2021-12-31\n    measure: {{unit: hộ, target: 100}}\n" for i in range(20))
    register = tmp_path / "tasks.yaml"
    register.write_text(text + extra, encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--register", str(register), "--out", str(out)]) == 0
    home = text_of(out / "index.html")
    assert "Chỉ tiêu thử 10" in home and "Chỉ tiêu thử 11" not in home  # task 8 + 11 more
    assert "Xem tất cả 21 chỉ tiêu định lượng" in home
    assert "Chỉ tiêu thử 19" in text_of(out / "targets" / "index.html")


def test_search_indexes_each_page_once_and_no_list_of_tasks(site):
    """Lists repeat every task; indexing them would make a phone download each task several times over.
    Pagefind indexes what is marked data-pagefind-body: every page but the task list, and in them
    not the tables marked data-search-exclude (browser tests check what queries find)."""
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    marked = [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(marked)
    assert site / "tasks" / "index.html" not in marked and site / "tasks" / "1" / "index.html" in marked
    assert not (site / "search" / "search_index.json").exists()  # the theme's search is gone
    assert not list((site / "pagefind").glob("pagefind-ui*")), "Pagefind's own interface is not used"


def _field_guide(site: Path) -> dict[str, list[str]]:
    """The fields the open-data page lists under each file's heading."""
    html = (site / "open-data" / "index.html").read_text(encoding="utf-8")
    guide = {}
    for part in re.split(r"<h2 id=", html)[1:]:
        name = re.search(r">([^<]+?)<a class=\"headerlink\"|>([^<]+)</h2>", part)
        title = (name.group(1) or name.group(2)).strip()
        guide[title] = re.findall(r"<td><code>([^<]+)</code></td>", part)
    return guide


def test_the_field_guide_lists_exactly_the_fields_of_each_file(site):
    guide = _field_guide(site)
    data = site / "data"
    csv_header = {name: next(csv.reader(io.StringIO((data / name).read_bytes()[3:].decode("utf-8"))))
                  for name in ("tasks.csv", "reports.csv")}
    assert guide["tasks.csv"] == csv_header["tasks.csv"]
    assert guide["reports.csv"] == csv_header["reports.csv"]
    tasks = json.loads((data / "tasks.json").read_text(encoding="utf-8"))
    assert all(list(t) == guide["tasks.json"] for t in tasks)
    assert list(json.loads((data / "summary.json").read_text(encoding="utf-8"))) == guide["summary.json"]
    page = text_of(site / "open-data" / "index.html")
    # summary.json's overdue is a count, not true/false as in tasks.json
    assert "Số nhiệm vụ quá hạn, chưa xong (một số đếm)" in page and "Quá hạn (true/false)" in page


def test_licence_on_the_open_data_page_in_summary_and_feed(tmp_path):
    register = tmp_path / "tasks.yaml"
    register.write_text(SMALL.read_text(encoding="utf-8").replace(
        "  as_of: 2021-05-31\n",
        "  as_of: 2021-05-31\n  licence: CC BY 4.0\n  licence_url: https://creativecommons.org/licenses/by/4.0/\n"),
        encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--register", str(register), "--out", str(out)]) == 0
    assert "Giấy phép của dữ liệu: CC BY 4.0" in text_of(out / "open-data" / "index.html")
    assert json.loads((out / "data" / "summary.json").read_text(encoding="utf-8"))["licence"] == {
        "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert "<rights>CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)</rights>" in \
        (out / "feed.xml").read_text(encoding="utf-8")
    assert "CC BY 4.0" in (out / "index.html").read_text(encoding="utf-8")  # the footer of every page


def test_every_headings_link_is_titled_in_the_registers_language(site):
    """The ¶ beside each heading is announced by its title: Vietnamese on a Vietnamese site, not the
    Markdown library's English default."""
    page = (site / "index.html").read_text(encoding="utf-8")
    titles = set(re.findall(r'class="headerlink" href="[^"]*" title="([^"]*)"', page))
    assert titles == {"Liên kết đến mục này"}
