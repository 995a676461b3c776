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
    assert s["by_bloc"] == {"ubnd": {"total": 5, "done": 3, "overdue": 1},
                            "xa-phuong": {"total": 3, "done": 0, "overdue": 0}}
    assert s["by_group"]["do-thi"] == {"total": 5, "done": 3, "overdue": 1}
    assert s["by_agency"]["phong-qldt"] == {"total": 3, "done": 2, "overdue": 1, "done_on_time": 1,
                                            "score": 33.3, "grade": "Không hoàn thành", "late_reporting": 0}
    assert s["by_agency"]["chieng-co"]["score"] is None
    # Task 7 is open with no report at all; April's report was due by 05/05 (monthly, 5 days' grace).
    assert s["late_reporting"] == 1 and s["by_agency"]["chieng-co"]["late_reporting"] == 1


def test_tasks_json_by_hand(site):
    tasks = json.loads((site / "data" / "tasks.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in tasks] == list(range(1, 9))
    first = tasks[0]
    assert set(first) == {"id", "title", "group", "bloc", "lead", "partners", "deadline", "status", "completed",
                          "progress", "overdue", "early", "late", "reporting", "late_reporting", "url"}
    assert first == {"id": 1, "title": "Thảm nhựa thí điểm 3 tuyến phố", "group": "do-thi", "bloc": "ubnd",
                     "lead": "phong-qldt", "partners": ["ban-qlda"], "deadline": "2021-06-30", "status": "done",
                     "completed": "2021-03-15", "progress": 100.0, "overdue": False, "early": True, "late": False,
                     "reporting": "monthly", "late_reporting": False,
                     "url": "../tasks/1/"}  # from data/tasks.json, when the site has no address
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
    assert "Hoàn thành (1 trước hạn)" in text
    assert "37,5%" in text
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
    assert "Xuất sắc" in text
    board = text_of(site / "agencies" / "index.html")
    assert board.index("Ban Quản lý dự án") < board.index("Phòng Quản lý đô thị")  # best score first


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
    assert "Figures as of 31/05/2021" in text and "Done (1 early)" in text
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


def test_search_finds_a_task_on_its_own_page_not_in_every_list(site):
    """Lists repeat every task; indexing them would make a phone download each task several times over."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    tasks = json.loads((site / "data" / "tasks.json").read_text(encoding="utf-8"))
    for task in tasks:
        holders = {d["location"].split("#")[0] for d in docs if task["title"] in d["title"] + " " + d["text"]}
        own = task["url"].removeprefix("../")  # the data file's link, made relative to the site root
        assert own in holders
        # besides its page, only the home page's short lists (latest reports, key targets) and the targets
        # page; never the task list, attention or agency tables, nor its neighbours' previous/next links
        assert holders - {own, "", "targets/"} == set(), (task["id"], holders)
