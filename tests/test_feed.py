"""The Atom feed's promise: an item keeps its id whatever happens around it (inserted, reordered or
corrected reports, commits after it, the site's address set later), and an entry shows the report's
labelled fields as HTML, not raw Markdown."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from generator import history
from generator.derive import derive
from generator.report import all_reports
from generator.render import feed
from generator.render.pages import Site
from tests.conftest import REGISTERS, validate_path
from tests.test_history import git

SMALL = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8")
ATOM = "{http://www.w3.org/2005/Atom}"
TASK_4 = ("      - {date: 2021-02-28, status: in_progress, progress: 30}\n"
          "      - {date: 2021-04-30, status: in_progress, progress: 60, proposals: Đề nghị bổ sung vốn.}\n")
MISSED = "      - {date: 2021-03-31, status: in_progress, progress: 45, note: Đã lắp **12** cột.}\n"


def _site(path: Path, with_history: bool = True) -> tuple[Site, history.History | None]:
    result = validate_path(path)
    assert result.ok, result.problems
    found = history.load_history(path, None, result.register) if with_history else None
    return Site(result.register, derive(result.register, result.as_of.date), result.language), found


def _ids(path: Path) -> dict[str, feed.Entry]:
    site, found = _site(path)
    return {e.id: e for e in feed.entries(site, found)}


def _reports(ids: dict[str, feed.Entry], task: int) -> dict[str, str]:
    """Report entries of one task: id → title."""
    return {i: e.title for i, e in ids.items() if f"/task-{task}/report-" in i}


def test_ids_survive_inserted_reordered_and_corrected_reports_across_commits(tmp_path):
    repo = tmp_path / "project"
    repo.mkdir()
    register = repo / "tasks.yaml"
    register.write_text(SMALL, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Sổ nhiệm vụ ban đầu")
    first = _ids(register)
    before = _reports(first, 4)
    assert len(before) == 2

    # A report that was missed is inserted between the two: the others keep their ids.
    inserted = SMALL.replace(TASK_4, TASK_4.splitlines(keepends=True)[0] + MISSED + TASK_4.splitlines(True)[1])
    register.write_text(inserted, encoding="utf-8")
    git(repo, "commit", "-qam", "Bổ sung báo cáo tháng 3 nhiệm vụ 4")
    second = _ids(register)
    after = _reports(second, 4)
    assert set(before) < set(after) and len(after) == 3
    assert all(before[i] == after[i] for i in before)

    # Reordered: the same ids.
    lines = TASK_4.splitlines(keepends=True)
    reordered = SMALL.replace(TASK_4, lines[1] + MISSED + lines[0])
    register.write_text(reordered, encoding="utf-8")
    git(repo, "commit", "-qam", "Sắp xếp lại báo cáo")
    assert set(_reports(_ids(register), 4)) == set(after)

    # Corrected (figure and wording): still the same item, with what it now says.
    corrected = reordered.replace("progress: 45, note: Đã lắp **12** cột.", "progress: 40, note: Đã lắp **10** cột.")
    register.write_text(corrected, encoding="utf-8")
    git(repo, "commit", "-qam", "Sửa số liệu báo cáo tháng 3")
    third = _ids(register)
    assert set(_reports(third, 4)) == set(after)
    march = next(e for i, e in third.items() if i.endswith("/task-4/report-2021-03-31"))
    assert "<strong>10</strong>" in march.parts[0].html

    # Entries of earlier commits keep theirs too, and no two entries share an id.
    commit_ids = {i for i in first if "/commit-" in i} | {i for i in second if "/commit-" in i}
    assert commit_ids <= set(third)
    assert len(third) == len(set(third))


def test_ids_do_not_depend_on_the_site_address(tmp_path):
    path = tmp_path / "tasks.yaml"
    path.write_text(SMALL, encoding="utf-8")
    plain = feed.entries(*_site(path, with_history=False))
    addressed = SMALL.replace("  as_of: 2021-05-31\n", "  as_of: 2021-05-31\n  site_url: https://so-la.example.vn/\n")
    path.write_text(addressed, encoding="utf-8")
    site, _ = _site(path, with_history=False)
    assert site.register.meta.site_url
    assert [e.id for e in feed.entries(site, None)] == [e.id for e in plain]


def test_two_reports_on_one_day_are_told_apart_by_what_they_say_not_their_order(tmp_path):
    path = tmp_path / "tasks.yaml"
    twice = ("      - {date: 2021-04-30, status: in_progress, progress: 50}\n"
             "      - {date: 2021-04-30, status: in_progress, progress: 60, proposals: Đề nghị bổ sung vốn.}\n")
    lines = TASK_4.splitlines(keepends=True)
    path.write_text(SMALL.replace(TASK_4, lines[0] + twice), encoding="utf-8")
    one = set(_reports({e.id: e for e in feed.entries(*_site(path, False))}, 4))
    path.write_text(SMALL.replace(TASK_4, twice.splitlines(True)[1] + twice.splitlines(True)[0] + lines[0]),
                    encoding="utf-8")
    other = set(_reports({e.id: e for e in feed.entries(*_site(path, False))}, 4))
    assert one == other and len(one) == 3


def test_entry_content_is_the_labelled_fields_rendered(tmp_path):
    path = tmp_path / "tasks.yaml"
    path.write_text(SMALL.replace("proposals: Đề nghị bổ sung vốn.}",
                                  "note: 'Đã lắp **20** cột', difficulties: Thiếu vốn, proposals: Đề nghị bổ sung vốn.}"),
                    encoding="utf-8")
    site, _ = _site(path, False)
    out = tmp_path / "feed.xml"
    feed.write(site, feed.entries(site, None), out)
    entries = ET.parse(out).getroot().findall(f"{ATOM}entry")
    content = next(e.find(f"{ATOM}content") for e in entries
                   if e.find(f"{ATOM}id").text.endswith("/task-4/report-2021-04-30"))
    assert content.get("type") == "html"
    shown = content.text  # the HTML a feed reader renders
    assert "**" not in shown and "<strong>20</strong>" in shown
    labels = [html.unescape(h) for h in re.findall(r"<h3>(.*?)</h3>", shown)]
    assert labels == ["Kết quả, thuận lợi", "Khó khăn, vướng mắc", "Kiến nghị, đề xuất"]


def test_feed_links_are_absolute_with_an_address_and_relative_without(tmp_path):
    path = tmp_path / "tasks.yaml"
    path.write_text(SMALL, encoding="utf-8")
    site, _ = _site(path, False)
    for address, base in (("https://x.example.vn/so55/", "https://x.example.vn/so55/"), (None, "")):
        out = tmp_path / "feed.xml"
        feed.write(site, feed.entries(site, None), out, site_url=address)
        links = [e.find(f"{ATOM}link").get("href") for e in ET.parse(out).getroot().findall(f"{ATOM}entry")]
        assert links and all(re.match(re.escape(base) + r"(tasks|reports)/[\w-]+/$", link) for link in links), links


def test_the_feed_names_the_monthly_report_of_every_month_begun_the_running_one_as_of_today(tmp_path):
    """Made from the register alone (the feed is written while the reports are made): the report of each
    month begun, a past month dated its last day, the running month the day the figures are as of."""
    path = tmp_path / "tasks.yaml"
    path.write_text(SMALL, encoding="utf-8")
    site, _ = _site(path, False)
    made = all_reports(site.register, site.figures.as_of)
    named = {e.link: e.updated.date() for e in feed.entries(site, None) if e.link.startswith("reports/")}
    assert made and named == {f"reports/{r.month.key}/": r.as_of for r in made}
    assert max(named.values()) == min(site.figures.as_of, site.register.meta.end)
