"""The cascade's site (issue 15), from the three-level fixture ``registers/cascade`` (hand-computed):

- city ``tp-thu``: 3 tasks; task 1 (30 km) gets xã A's tasks 1 (13 km) and 2 (2 km): 15 km summed;
  task 2 (cây) gets xã A's task 3 (ha) and phường B's task 1 (cây): units differ, nothing summed;
  task 3 is overdue (deadline 31/03, no report).
- xã A (commune, agency ``du-xa-a`` of the city): 4 tasks, task 4 overdue.
- phường B (ward): 2 tasks, task 2 done. Chi bộ tổ 5 (party cell, under phường B): 3 tasks, 1 done, 1 overdue.
Across the 4 registers: 3 + 4 + 2 + 3 = 12 tasks, 2 done, 3 overdue."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import REGISTERS
from tests.test_integrity import broken_links

FIXTURE = REGISTERS / "cascade" / "tasks.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory, source_date_epoch) -> Path:
    out = tmp_path_factory.mktemp("cascade") / "site"
    assert main(["build", "--register", str(FIXTURE), "--out", str(out), "--no-pdf"]) == 0
    return out


def text(page: Path) -> str:
    """The page's visible article text, one space between words."""
    source = page.read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", source, re.S)
    assert article
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article.group(0))))


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_every_unit_has_its_section_at_stable_urls(site):
    for unit, tasks in (("xa-a", 4), ("phuong-b", 2), ("chi-bo-5", 3)):
        base = site / "units" / unit
        for page in ("index.html", "tasks/index.html", "agencies/index.html", "groups/index.html", "blocs/index.html",
                     "attention/index.html", "open-data/index.html", "changes/index.html", "feed.xml",
                     "data/tasks.csv", "data/summary.json"):
            assert (base / page).is_file(), f"{unit}/{page}"
        assert len(list((base / "tasks").glob("[0-9]*/index.html"))) == tasks
        assert len(rows(base / "data" / "tasks.csv")) == tasks


def test_units_page_shows_the_tree_with_each_registers_figures_and_labelled_totals(site):
    page = text(site / "units" / "index.html")
    # depth first: the city, its commune, its ward, then the ward's party cell
    order = [page.index(name) for name in ("Thành phố Thử", "Xã A", "Phường B", "Chi bộ tổ 5")]
    assert order == sorted(order)
    source = (site / "units" / "index.html").read_text(encoding="utf-8")
    assert 'unit-row--depth-2" data-unit="chi-bo-5"' in source
    assert "Cộng tất cả 4 sổ (mỗi nhiệm vụ tính một lần" in page
    assert "12 nhiệm vụ, 2 đã hoàn thành, 3 quá hạn" in page
    source = (site / "units" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'data-unit="xa-a">(.*?)</tr>', source, re.S)
    assert row
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    assert cells == ["4", "0", "1", "3"]  # tasks, done, overdue, not yet due
    assert 'href="../units/xa-a/"' in row.group(1)


def test_unit_text_is_escaped(site):
    source = (site / "units" / "index.html").read_text(encoding="utf-8")
    assert "Chi bộ tổ 5 &lt;b&gt;phường B&lt;/b&gt;" in source
    assert "<b>phường B</b>" not in source


def head(page: Path) -> tuple[str, str]:
    """The page's <title> and the name its header shows beside the logo, as a browser reads them."""
    source = page.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", source, re.S)
    topic = re.search(r'<div class="md-header__topic">\s*<span class="md-ellipsis">(.*?)</span>', source, re.S)
    assert title and topic
    return html.unescape(" ".join(title.group(1).split())), html.unescape(" ".join(topic.group(1).split()))


def test_a_units_pages_are_named_after_the_unit_in_their_tab_and_header(site):
    """A unit's pages are its register's: their tab and header name its issuer (else the unit), as the root's
    name the root's issuer; each page has its own title (a unit's lists were each titled "Index")."""
    assert head(site / "index.html")[1] == "Thành ủy thử nghiệm"
    assert head(site / "tasks" / "1" / "index.html")[0].endswith(" - Thành ủy thử nghiệm")
    xa = site / "units" / "xa-a"
    assert head(xa / "index.html") == ("Chương trình công tác năm 2021 của Đảng ủy xã A - Đảng ủy xã A", "Đảng ủy xã A")
    assert head(xa / "tasks" / "1" / "index.html") == ("Nhiệm vụ 1. Bê tông hóa đường nội bản Hùn - Đảng ủy xã A",
                                                       "Đảng ủy xã A")
    assert head(xa / "tasks" / "index.html") == ("Danh sách nhiệm vụ - Đảng ủy xã A", "Đảng ủy xã A")
    assert head(xa / "attention" / "index.html")[0] == "Cần chú ý - Đảng ủy xã A"  # as the root's page of that name
    assert head(xa / "targets" / "index.html")[0] == "Các chỉ tiêu định lượng - Đảng ủy xã A"  # by its heading
    cell = site / "units" / "chi-bo-5"  # no issuer: the unit's name, escaped
    assert head(cell / "tasks" / "1" / "index.html") == ("Nhiệm vụ 1. Họp chi bộ định kỳ - Chi bộ tổ 5 <b>phường B</b>",
                                                         "Chi bộ tổ 5 <b>phường B</b>")
    assert "<b>phường B</b>" not in (cell / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    untitled = [str(p.relative_to(site)) for p in site.rglob("index.html") if head(p)[0].startswith("Index")]
    assert not untitled


def preview_site_name(page: Path) -> str:
    """The site name a link preview (Zalo, Facebook) shows for the page."""
    found = re.search(r'<meta property="og:site_name" content="([^"]*)">', page.read_text(encoding="utf-8"))
    assert found
    return html.unescape(found.group(1))


def test_a_units_page_shared_as_a_link_is_previewed_as_the_units(site):
    assert preview_site_name(site / "tasks" / "1" / "index.html") == "Thành ủy thử nghiệm"
    assert preview_site_name(site / "units" / "xa-a" / "tasks" / "1" / "index.html") == "Đảng ủy xã A"
    assert preview_site_name(site / "units" / "chi-bo-5" / "index.html") == "Chi bộ tổ 5 <b>phường B</b>"


def test_parent_task_lists_contributions_and_sums_matching_units(site):
    page = text(site / "tasks" / "1" / "index.html")
    assert "Xã A 1. Bê tông hóa đường nội bản Hùn Đang thực hiện 65% 13 km" in page
    assert "Xã A 2. Làm đường bản B Đang thực hiện 40% 2 km" in page
    assert "(cùng đơn vị tính): 15 km, từ 2 trên 2 việc" in page
    assert "Đạt được 5 km" in page  # the city's own figure is not changed by the contributions


def test_parent_task_says_when_units_differ(site):
    page = text(site / "tasks" / "2" / "index.html")
    assert "Phường B 1. Trồng cây trên các tuyến phố" in page and "Xã A 3. Trồng rừng" in page
    assert "Không cộng được số liệu" in page and "tính bằng cây" in page and "ha, cây" in page
    assert "cùng đơn vị tính" not in page


def test_unit_task_links_up_to_the_task_it_contributes_to(site):
    source = (site / "units" / "xa-a" / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    assert "Việc này là phần đóng góp vào:" in html.unescape(source)
    assert 'href="../../../../tasks/1/"' in source


def test_agency_and_unit_link_both_ways(site):
    agency = (site / "agencies" / "du-xa-a" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../units/xa-a/"' in agency
    home = (site / "units" / "xa-a" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../agencies/du-xa-a/"' in home
    assert "Đảng ủy xã A" in text(site / "units" / "xa-a" / "index.html")


def test_combined_data_has_every_task_once_with_its_register(site):
    table = rows(site / "data" / "all" / "tasks.csv")
    assert len(table) == 12
    assert len({(r["register"], r["id"]) for r in table}) == 12
    assert {r["register"] for r in table} == {"tp-thu", "xa-a", "phuong-b", "chi-bo-5"}
    hung = next(r for r in table if r["register"] == "xa-a" and r["id"] == "1")
    assert hung["contributes_to"] == "1" and hung["url"] == "../../units/xa-a/tasks/1/" and hung["value"] == "13" and hung["parent_register"] == "tp-thu"
    assert sum(r["status"] == "done" for r in table) == 2
    assert sum(r["overdue"] == "true" for r in table) == 3


def test_no_broken_internal_link_or_anchor_across_sections(site):
    assert broken_links(site) == []


def test_one_bad_unit_register_fails_the_build_and_the_previous_site_stays(site, tmp_path, capsys):
    import shutil

    copy = tmp_path / "set"
    shutil.copytree(REGISTERS / "broken_cascade" / "bad_contributes_to", copy)
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["build", "--register", str(copy / "tasks.yaml"), "--out", str(out), "--no-pdf"]) == 1
    assert f"{copy / 'registers' / 'xa-a.yaml'}:29:25: error:" in capsys.readouterr().err
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_root_needs_attention_lists_the_units_overdue_tasks_when_switched_on(site):
    source = (site / "attention" / "index.html").read_text(encoding="utf-8")
    start = source.index('id="overdue-below"')
    below = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", source[start:source.index("</table>", start)])))
    assert "Quá hạn ở các đơn vị cấp dưới" in below and "(2 việc)" in below
    # xã A task 4 (due 30/04: 31 days) before chi bộ tổ 5 task 3 (due 01/05: 30 days); the city's own overdue
    # task 3 stays in its own list
    assert below.index("4. Sửa nhà văn hóa") < below.index("3. Kết nạp đảng viên mới")
    assert "Xã A 4. Sửa nhà văn hóa 30/04/2021 31" in below
    assert "Sửa trụ sở" not in below
    # phường B does not switch it on: its page has no such list
    assert "Quá hạn ở các đơn vị cấp dưới" not in text(site / "units" / "phuong-b" / "attention" / "index.html")


def test_one_feed_covers_every_register(site):
    xml = (site / "units" / "feed.xml").read_text(encoding="utf-8")
    titles = re.findall(r"<title>(.*?)</title>", xml)
    for name in ("Thành phố Thử: ", "Xã A: ", "Phường B: ", "Chi bộ tổ 5 &lt;b&gt;phường B&lt;/b&gt;: "):
        assert any(t.startswith(name) for t in titles), name
    links = re.findall(r'<link rel="alternate" type="text/html" href="([^"]+)"/>', xml)
    assert "../units/xa-a/tasks/1/" in links and "../tasks/1/" in links


def test_a_units_task_is_edited_in_its_own_file(site):
    source = (site / "units" / "xa-a" / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://git.example.vn/thu/edit/main/tests/registers/cascade/registers/xa-a.yaml#L15"' in source


def test_units_charts_do_not_evict_the_roots_from_the_cache(tmp_path, source_date_epoch):
    from generator.build import SiteOptions, build_site

    cache = tmp_path / "cache"
    first = build_site(SiteOptions(FIXTURE, tmp_path / "a", cache=cache, pdfs=False))
    assert first.ok and first.report and first.report.charts_drawn > 0
    root = sorted(p.name for p in (cache / "charts").glob("*.svg"))
    units = {p.name for p in (cache / "charts" / "units").iterdir()}
    assert root and units == {"xa-a", "phuong-b", "chi-bo-5"}
    again = build_site(SiteOptions(FIXTURE, tmp_path / "b", cache=cache, pdfs=False))
    assert again.ok and again.report and again.report.charts_drawn == 0
    assert sorted(p.name for p in (cache / "charts").glob("*.svg")) == root


def test_a_unit_register_alone_builds_as_today(tmp_path, source_date_epoch):
    out = tmp_path / "alone"
    assert main(["build", "--register", str(REGISTERS / "cascade" / "registers" / "chi-bo-5.yaml"), "--out", str(out),
                 "--no-pdf"]) == 0
    assert not (out / "units").exists() and not (out / "data" / "all").exists()
    assert len(rows(out / "data" / "tasks.csv")) == 3
    assert "Đến ngày 31/05/2021, trong 3 việc" in text(out / "index.html")


def _below_in_report(site: Path, month: str) -> str | None:
    source = (site / "reports" / month / "index.html").read_text(encoding="utf-8")
    if "Quá hạn ở các đơn vị cấp dưới" not in source:
        return None
    start = source.index("Quá hạn ở các đơn vị cấp dưới")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", source[start:source.index("</table>", start)])))


def test_the_monthly_report_lists_the_units_overdue_tasks_as_of_its_month_when_switched_on(site):
    # 31/05: xã A task 4 (due 30/04, 31 days) and chi bộ tổ 5 task 3 (due 01/05, 30 days); each by its own register
    may = _below_in_report(site, "2021-05")
    assert may is not None and "(2)" in may
    assert "Xã A Nhiệm vụ 4. Sửa nhà văn hóa 30/04/2021 31" in may
    assert "Chi bộ tổ 5 <b>phường B</b> Nhiệm vụ 3. Kết nạp đảng viên mới 01/05/2021 30" in may  # shown as text
    assert "Sửa trụ sở" not in may  # the city's own overdue task is in its own section
    # 30/04: xã A's task is due that very day, chi bộ's task 1 was done on 20/03: nothing overdue below
    assert _below_in_report(site, "2021-04") is None
    # the link reaches the unit's task page
    source = (site / "reports" / "2021-05" / "index.html").read_text(encoding="utf-8")
    assert (site / "reports" / "2021-05" / "../../units/xa-a/tasks/4/index.html").resolve().is_file()
    assert 'href="../../units/xa-a/tasks/4/"' in source
    # phường B does not switch it on: its reports have no such list
    assert _below_in_report(site / "units" / "phuong-b", "2021-05") is None
