"""The public record: change log from git history, deadline moves, the Atom feed, and diff."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator import gitrepo, history
from generator.cli import main
from tests.conftest import REGISTERS, ROOT

SMALL = REGISTERS / "valid" / "small.yaml"
ATOM = "{http://www.w3.org/2005/Atom}"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "Cán bộ", "GIT_AUTHOR_EMAIL": "a@b.vn", "GIT_COMMITTER_NAME": "Cán bộ",
                        "GIT_COMMITTER_EMAIL": "a@b.vn", "GIT_AUTHOR_DATE": "2021-06-01T09:00:00+07:00",
                        "GIT_COMMITTER_DATE": "2021-06-01T09:00:00+07:00", "PATH": "/usr/bin:/bin"})


NEW_TASK = """  - id: 9
    title: Trồng 1.000 cây xanh trên các tuyến phố
    group: do-thi
    lead: phong-qldt
    deadline: 2021-11-30
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    """A project whose register has four commits: the first version, an added task, a new report,
    and a moved deadline; then an unrelated commit."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "content", project / "content")
    register = project / "tasks.yaml"
    text = SMALL.read_text(encoding="utf-8")
    register.write_text(text, encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "Sổ nhiệm vụ ban đầu")
    text += NEW_TASK
    register.write_text(text, encoding="utf-8")
    git(project, "commit", "-qam", "Thêm nhiệm vụ 9")
    text = text.replace("progress: 60, proposals: Đề nghị bổ sung vốn.}",
                        "progress: 60, proposals: Đề nghị bổ sung vốn.}\n"
                        "      - {date: 2021-05-30, status: in_progress, progress: 70}")
    register.write_text(text, encoding="utf-8")
    git(project, "commit", "-qam", "Báo cáo tháng 5 nhiệm vụ 4")
    register.write_text(text.replace("deadline: 2021-03-31", "deadline: 2021-07-31"), encoding="utf-8")
    git(project, "commit", "-qam", "Dời hạn nhiệm vụ 4")
    (project / "README.md").write_text("x", encoding="utf-8")
    git(project, "add", "README.md")
    git(project, "commit", "-qm", "Không liên quan")
    return project


def test_history_lists_commits_that_touched_the_register(repo):
    found = history.load_history(repo / "tasks.yaml")
    assert found.available
    assert [r.commit.subject for r in found.revisions] == ["Dời hạn nhiệm vụ 4", "Báo cáo tháng 5 nhiệm vụ 4",
                                                           "Thêm nhiệm vụ 9", "Sổ nhiệm vụ ban đầu"]
    assert [[c.kind for c in r.changes] for r in found.revisions] == [
        ["deadline_moved"], ["report_added"], ["task_added"], []]
    moves = found.deadline_moves(4)
    assert [(c.old, c.new) for _, c in moves] == [("2021-03-31", "2021-07-31")]


def test_blobs_are_read_once_then_cached(repo, tmp_path, monkeypatch):
    reads = []
    real = gitrepo.BlobReader.read
    monkeypatch.setattr(gitrepo.BlobReader, "read", lambda self, blob: reads.append(blob) or real(self, blob))
    history.load_history(repo / "tasks.yaml", tmp_path / "cache")
    assert len(reads) == len(set(reads)) == 4
    reads.clear()
    history.load_history(repo / "tasks.yaml", tmp_path / "cache")
    assert reads == []


def test_site_shows_the_change_log_and_the_moved_deadline(repo, tmp_path):
    out = tmp_path / "site"
    assert main(["build", "--register", str(repo / "tasks.yaml"), "--out", str(out)]) == 0
    log = (out / "changes" / "index.html").read_text(encoding="utf-8")
    assert "Dời hạn nhiệm vụ 4" in log and "thời hạn được dời từ 31/03/2021 sang 31/07/2021" in log
    assert "Thêm nhiệm vụ 9: Trồng 1.000 cây xanh" in log and "báo cáo mới ngày 30/05/2021" in log
    task = (out / "tasks" / "4" / "index.html").read_text(encoding="utf-8")
    assert "Thời hạn ban đầu: 31/03/2021" in task
    assert "dời thời hạn từ 31/03/2021 sang 31/07/2021" in task


def test_search_finds_a_task_by_its_own_words_not_by_what_every_task_page_says(repo, tmp_path):
    """"Nhiệm vụ này chưa thay đổi…", "Các lần báo cáo", "Lịch sử thay đổi" are on every task page, for its
    reader: indexed, a query for "thay đổi" or "báo cáo" found every task by them (1,005 results of 1,112
    pages on a register of 1,000 tasks), and the change log or the monthly reports lost among them."""
    out = tmp_path / "site"
    assert main(["build", "--register", str(repo / "tasks.yaml"), "--out", str(out)]) == 0
    page = (out / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    said = ["Nhiệm vụ này chưa thay đổi từ khi được đưa vào sổ.", "Các lần báo cáo", "Lịch sử thay đổi",
            "Tiến độ qua các lần báo cáo"]
    assert all(words in page for words in said)  # read on the page
    indexed = {}
    for fragment in (out / "pagefind" / "fragment").iterdir():
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        found = json.loads(text[text.index("{"):])
        indexed[found["url"]] = found["content"]
    tasks = [content for url, content in indexed.items() if re.fullmatch(r"/tasks/\d+/", url)]
    assert len(tasks) == 9 and all("Nhiệm vụ" in content for content in tasks)  # every task page, by its own words
    assert not any(words in content for content in tasks for words in said)
    assert "Nhật ký thay đổi" in indexed["/changes/"]  # the change log is still found by its name


def test_without_git_the_build_succeeds_and_says_history_is_unavailable(tmp_path):
    register = tmp_path / "tasks.yaml"
    shutil.copy(SMALL, register)
    out = tmp_path / "site"
    assert main(["build", "--register", str(register), "--out", str(out)]) == 0
    assert "Không có lịch sử thay đổi" in (out / "changes" / "index.html").read_text(encoding="utf-8")


def test_shallow_clone_has_no_history(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    assert history.load_history(clone / "tasks.yaml").reason == "shallow"


def test_atom_feed_is_valid_with_stable_ids(repo, tmp_path):
    ids = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert main(["build", "--register", str(repo / "tasks.yaml"), "--out", str(out)]) == 0
        root = ET.parse(out / "feed.xml").getroot()
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}").text
        entries = root.findall(f"{ATOM}entry")
        assert 0 < len(entries) <= 50
        for entry in entries:
            for required in ("id", "title", "updated"):
                assert entry.find(f"{ATOM}{required}").text
            assert entry.find(f"{ATOM}link").get("href")
        ids.append([e.find(f"{ATOM}id").text for e in entries])
        page = (out / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
        assert 'rel="alternate" type="application/atom+xml"' in page
    assert ids[0] == ids[1] and len(set(ids[0])) == len(ids[0])
    assert any("thời hạn được dời" in (e.find(f"{ATOM}title").text or "") for e in
               ET.parse(tmp_path / "a" / "feed.xml").getroot().findall(f"{ATOM}entry"))


def test_diff_since_a_revision_puts_the_moved_deadline_first(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    assert main(["diff", "--since", "HEAD~4", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.index("Thời hạn bị dời") < out.index("Thay đổi khác")
    assert "31/03/2021 sang 31/07/2021" in out


def test_diff_of_two_files_in_plain_text(tmp_path, capsys):
    new = tmp_path / "new.yaml"
    new.write_text(SMALL.read_text(encoding="utf-8").replace("lead: chieng-co\n    deadline: 2021-06-15",
                                                             "lead: phong-qldt\n    deadline: 2021-06-15"),
                   encoding="utf-8")
    assert main(["diff", str(SMALL), str(new)]) == 0
    assert "cơ quan chủ trì đổi từ Đảng ủy xã Chiềng Cọ sang Phòng Quản lý đô thị" in capsys.readouterr().out


def _diff_output(tmp_path: Path, capsys, old_text: str, new_text: str) -> str:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 0
    return capsys.readouterr().out


def test_a_corrected_past_report_is_a_correction_not_news(tmp_path, capsys):
    text = SMALL.read_text(encoding="utf-8")
    out = _diff_output(tmp_path, capsys, text, text.replace(
        "{date: 2021-02-28, status: in_progress, progress: 30}",
        "{date: 2021-02-28, status: in_progress, progress: 45}"))
    assert "báo cáo ngày 28/02/2021 được sửa lại, từ \"Đang thực hiện, 30%\" thành \"Đang thực hiện, 45%\"" in out
    assert "báo cáo mới" not in out
    assert out.startswith("⚠ ")  # shown as prominently as a moved deadline


def test_reworded_removed_and_added_reports_are_told_apart(tmp_path, capsys):
    text = SMALL.read_text(encoding="utf-8")
    changed = (text.replace("note: Đã hoàn thành 3 tuyến.", "note: Đã hoàn thành 4 tuyến.")
               .replace("      - {date: 2021-03-31, status: in_progress, progress: 20}\n", "")
               .replace("{date: 2021-04-15, status: cancelled, note: Gộp vào nhiệm vụ 8.}",
                        "{date: 2021-04-15, status: cancelled, note: Gộp vào nhiệm vụ 8.}\n"
                        "      - {date: 2021-04-15, status: cancelled, note: Đã báo cáo Thường trực.}"))
    out = _diff_output(tmp_path, capsys, text, changed)
    assert "nội dung báo cáo ngày 15/03/2021 được sửa lại" in out
    assert "báo cáo ngày 31/03/2021 (\"Đang thực hiện, 20%\") bị xóa" in out
    assert "báo cáo mới ngày 15/04/2021" in out and out.count("báo cáo mới") == 1


def test_history_reuses_the_register_just_validated(repo, tmp_path, monkeypatch):
    from generator import load
    from generator.validate import validate

    current = validate(load.load_file(repo / "tasks.yaml")).register
    parsed = []
    real = history.load_bytes
    monkeypatch.setattr(history, "load_bytes", lambda data, **kw: parsed.append(len(data)) or real(data, **kw))
    found = history.load_history(repo / "tasks.yaml", tmp_path / "cache", current)
    assert len(parsed) == 3  # four versions, the newest is the one given
    assert [c.kind for _, c in found.for_task(4)] == ["deadline_moved", "report_added"]
    parsed.clear()
    history.load_history(repo / "tasks.yaml", tmp_path / "cache")
    assert parsed == []  # the given one was kept for the next build


def test_a_corrected_report_is_marked_on_the_task_page_with_what_it_said_before(repo, tmp_path):
    register = repo / "tasks.yaml"
    register.write_text(register.read_text(encoding="utf-8").replace(
        "{date: 2021-02-28, status: in_progress, progress: 30}", "{date: 2021-02-28, status: in_progress, progress: 45}"),
        encoding="utf-8")
    git(repo, "commit", "-qam", "Sửa số liệu tháng 2")
    out = tmp_path / "site"
    assert main(["build", "--register", str(register), "--out", str(out), "--cache", str(tmp_path / "cache")]) == 0
    page = (out / "tasks" / "4" / "index.html").read_text(encoding="utf-8")
    report = page[page.index("28/02/2021</strong>"):]
    report = report[:report.index("</li>")]
    assert "45%" in report and "Báo cáo này được sửa lại ngày 01/06/2021; trước đó ghi: Đang thực hiện, 30%." in report
    assert page.count("report__corrected") == 1  # only that report


def test_inserting_or_reordering_reports_of_one_date_is_not_a_correction(tmp_path, capsys):
    text = SMALL.read_text(encoding="utf-8")
    first = "      - {date: 2021-02-28, status: in_progress, progress: 30}\n"
    extra = "      - {date: 2021-02-28, status: in_progress, progress: 35, note: Buổi chiều.}\n"
    before = text.replace(first, first + extra)
    inserted = text.replace(first, extra.replace("35", "20").replace("chiều", "sáng") + first + extra)
    out = _diff_output(tmp_path, capsys, before, inserted)
    assert "báo cáo mới ngày 28/02/2021" in out and "sửa lại" not in out
    assert _diff_output(tmp_path, capsys, before, text.replace(first, extra + first)) == "Không có thay đổi nào về nhiệm vụ.\n"


def test_only_the_corrected_report_of_a_date_is_marked(repo, tmp_path):
    register = repo / "tasks.yaml"
    first = "{date: 2021-02-28, status: in_progress, progress: 30}"
    register.write_text(register.read_text(encoding="utf-8").replace(
        first, first + "\n      - {date: 2021-02-28, status: in_progress, progress: 40, note: Buổi chiều.}"),
        encoding="utf-8")
    git(repo, "commit", "-qam", "Thêm báo cáo buổi chiều")
    register.write_text(register.read_text(encoding="utf-8").replace("progress: 40, note", "progress: 45, note"),
                        encoding="utf-8")
    git(repo, "commit", "-qam", "Sửa báo cáo buổi chiều")
    out = tmp_path / "site"
    assert main(["build", "--register", str(register), "--out", str(out), "--cache", str(tmp_path / "cache")]) == 0
    page = (out / "tasks" / "4" / "index.html").read_text(encoding="utf-8")
    assert page.count("report__corrected") == 1
    marked = page[:page.index("report__corrected")]
    assert marked[marked.rindex("report__head"):].count("45%") == 1  # the mark sits under the 45% report


def test_a_change_in_a_figure_beyond_one_decimal_is_still_told(tmp_path, capsys):
    text = SMALL.read_text(encoding="utf-8")
    out = _diff_output(tmp_path, capsys, text, text.replace("progress: 30}", "progress: 30.04}"))
    assert "từ \"Đang thực hiện, 30%\" thành \"Đang thực hiện, 30,04%\"" in out


# --- History is exact: the first-parent line of the published branch -------------------------------------------

def commit_at(repo: Path, message: str, date: str, *args: str) -> str:
    """Commit everything staged or tracked with ``date`` as both author and committer date; its sha."""
    env = {"GIT_AUTHOR_NAME": "Cán bộ", "GIT_AUTHOR_EMAIL": "a@b.vn", "GIT_COMMITTER_NAME": "Cán bộ",
           "GIT_COMMITTER_EMAIL": "a@b.vn", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "-C", str(repo), *(args or ("commit", "-qam", message))], check=True,
                   capture_output=True, env=env)
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


def edit(register: Path, old: str, new: str) -> None:
    text = register.read_text(encoding="utf-8")
    assert old in text
    register.write_text(text.replace(old, new, 1), encoding="utf-8")


def new_repository(project: Path, name: str = "tasks.yaml") -> Path:
    """``project``, a new git repository on ``main`` whose register ``name`` (a copy of the small register)
    has its first commit, "Sổ ban đầu", on 01/06/2021; returns the register."""
    project.mkdir()
    register = project / name
    shutil.copy(SMALL, register)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    commit_at(project, "Sổ ban đầu", "2021-06-01T09:00:00+07:00")
    return register


MAY_REPORT = ("progress: 60, proposals: Đề nghị bổ sung vốn.}",
              "progress: 60, proposals: Đề nghị bổ sung vốn.}\n      - {date: 2021-05-30, status: in_progress, progress: 70}")
MOVE = ("deadline: 2021-03-31", "deadline: 2021-07-31")


@pytest.fixture
def merged(tmp_path) -> tuple[Path, dict[str, str]]:
    """A branch adds a report while main moves a deadline; the branch's commit is dated after main's."""
    project = tmp_path / "merged"
    project.mkdir()
    register = project / "tasks.yaml"
    shutil.copy(SMALL, register)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    shas = {"base": commit_at(project, "Sổ ban đầu", "2021-06-01T09:00:00+07:00")}
    git(project, "checkout", "-qb", "bao-cao")
    edit(register, *MAY_REPORT)
    shas["branch"] = commit_at(project, "Báo cáo tháng 5", "2021-06-03T09:00:00+07:00")
    git(project, "checkout", "-q", "main")
    edit(register, *MOVE)
    shas["main"] = commit_at(project, "Dời hạn nhiệm vụ 4", "2021-06-02T09:00:00+07:00")
    shas["merge"] = commit_at(project, "", "2021-06-04T09:00:00+07:00",
                              "merge", "-q", "--no-ff", "-m", "Gộp nhánh báo cáo", "bao-cao")
    return project, shas


def test_a_merged_branch_is_told_at_the_merge_and_the_deadline_moved_once(merged):
    project, shas = merged
    found = history.load_history(project / "tasks.yaml")
    told = [(r.commit.sha, [(c.kind, c.task) for c in r.changes]) for r in found.revisions]
    assert told == [(shas["merge"], [("report_added", 4)]), (shas["main"], [("deadline_moved", 4)]),
                    (shas["base"], [])]
    moves = found.deadline_moves(4)
    assert [(commit.sha, c.old, c.new) for commit, c in moves] == [(shas["main"], "2021-03-31", "2021-07-31")]
    assert [r.commit.date.date().isoformat() for r in found.revisions] == ["2021-06-04", "2021-06-02", "2021-06-01"]


def test_the_change_log_page_shows_one_move_by_main_and_the_report_at_the_merge(merged, tmp_path):
    project, shas = merged
    out = tmp_path / "site"
    assert main(["build", "--register", str(project / "tasks.yaml"), "--out", str(out),
                 "--cache", str(tmp_path / "cache")]) == 0
    log = (out / "changes" / "index.html").read_text(encoding="utf-8")
    assert log.count("thời hạn được dời") == 1 and "từ 31/03/2021 sang 31/07/2021" in log
    merge = log[log.index(f'id="commit-{shas["merge"][:12]}"'):log.index(f'id="commit-{shas["main"][:12]}"')]
    assert "Gộp nhánh báo cáo" in merge and "báo cáo mới ngày 30/05/2021" in merge and "04/06/2021" in merge
    assert shas["branch"][:12] not in log and "bị xóa" not in log


def test_a_change_made_inside_a_merge_commit_appears(merged):
    project, _ = merged
    register = project / "tasks.yaml"
    git(project, "checkout", "-qb", "khac")
    (project / "README.md").write_text("ghi chú", encoding="utf-8")
    git(project, "add", "README.md")
    commit_at(project, "Ghi chú", "2021-06-05T09:00:00+07:00")
    git(project, "checkout", "-q", "main")
    git(project, "merge", "-q", "--no-ff", "--no-commit", "khac")
    edit(register, "deadline: 2021-07-31", "deadline: 2021-09-30")
    git(project, "add", "tasks.yaml")
    sha = commit_at(project, "Gộp nhánh khác", "2021-06-06T09:00:00+07:00", "commit", "-qm", "Gộp nhánh khác")
    found = history.load_history(register)
    assert found.revisions[0].commit.sha == sha
    assert [(c.kind, c.old, c.new) for c in found.revisions[0].changes] == [
        ("deadline_moved", "2021-07-31", "2021-09-30")]
    assert [(c.old, c.new) for _, c in found.deadline_moves(4)] == [("2021-03-31", "2021-07-31"),
                                                                   ("2021-07-31", "2021-09-30")]


def test_back_dated_and_future_dated_commits_keep_their_place_and_a_sane_date(tmp_path):
    project = tmp_path / "clocks"
    register = new_repository(project)
    edit(register, *MOVE)
    commit_at(project, "Đồng hồ chậm", "2019-01-01T09:00:00+07:00")  # back-dated on main itself
    git(project, "checkout", "-qb", "nhanh")
    edit(register, *MAY_REPORT)
    commit_at(project, "Nhánh lùi ngày", "2018-03-01T09:00:00+07:00")  # back-dated on a branch
    git(project, "checkout", "-q", "main")
    commit_at(project, "", "2021-06-10T09:00:00+07:00", "merge", "-q", "--no-ff", "-m", "Gộp nhánh", "nhanh")
    edit(register, "title: Thảm nhựa thí điểm", "title: Thảm nhựa")
    commit_at(project, "Đồng hồ nhanh", "2031-01-01T09:00:00+07:00")  # future-dated
    edit(register, "deadline: 2021-07-31", "deadline: 2021-08-31")
    commit_at(project, "Dời hạn lần hai", "2021-06-20T09:00:00+07:00")
    found = history.load_history(register)
    told = [(r.commit.subject, r.commit.date.date().isoformat(), [c.kind for c in r.changes])
            for r in found.revisions]
    assert told == [("Dời hạn lần hai", "2021-06-20", ["deadline_moved"]),
                    ("Đồng hồ nhanh", "2021-06-20", ["title_changed"]),
                    ("Gộp nhánh", "2021-06-10", ["report_added"]),
                    ("Đồng hồ chậm", "2021-06-01", ["deadline_moved"]),
                    ("Sổ ban đầu", "2021-06-01", [])]


def test_a_committers_time_zone_does_not_move_a_change_to_another_day(tmp_path):
    project = tmp_path / "zones"
    register = new_repository(project)
    edit(register, *MOVE)
    commit_at(project, "Từ Baker", "2021-06-01T23:30:00-12:00")  # 2 June, 18:30 in Hà Nội
    edit(register, *MAY_REPORT)
    commit_at(project, "Từ Kiribati", "2021-06-03T02:00:00+14:00")  # 2 June, 19:00 in Hà Nội
    found = history.load_history(register)
    assert [(r.commit.subject, r.commit.date.strftime("%Y-%m-%d %H:%M")) for r in found.revisions] == [
        ("Từ Kiribati", "2021-06-02 19:00"), ("Từ Baker", "2021-06-02 18:30"), ("Sổ ban đầu", "2021-06-01 09:00")]


def test_a_register_with_a_vietnamese_file_name_has_its_history(tmp_path, capsys, monkeypatch):
    project = tmp_path / "dự án"
    register = new_repository(project, "sổ nhiệm vụ.yaml")
    edit(register, *MOVE)
    commit_at(project, "Dời hạn", "2021-06-02T09:00:00+07:00")
    found = history.load_history(register)
    assert found.available and [(c.old, c.new) for _, c in found.deadline_moves(4)] == [("2021-03-31", "2021-07-31")]
    monkeypatch.chdir(project)
    assert main(["diff", "--since", "HEAD~1", "sổ nhiệm vụ.yaml"]) == 0
    assert "từ 31/03/2021 sang 31/07/2021" in capsys.readouterr().out


def test_git_runs_only_in_the_git_module():
    """#12: git access lives in one module (other processes, such as Pagefind's, may run elsewhere)."""
    git = re.compile(r"""\[\s*["']git["']""")  # a command line that starts with git
    runs = [p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("*.py")
            if git.search(p.read_text(encoding="utf-8")) and p.name != "gitrepo.py"]
    assert runs == []
    assert git.search((ROOT / "generator" / "gitrepo.py").read_text(encoding="utf-8"))


def test_diff_since_refuses_a_revision_that_looks_like_an_option(repo, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(repo)
    assert main(["diff", f"--since=--output={tmp_path / 'x'}"]) == 2
    assert not (tmp_path / "x").exists()


def test_the_history_cache_is_keyed_by_its_code_and_pruned_of_what_a_build_did_not_use(repo, tmp_path, monkeypatch):
    assert {"history", "gitrepo", "diff", "derive", "model", "load", "validate", "schema"} <= set(
        history.code_modules())
    cache = tmp_path / "cache"
    cache.mkdir()
    stale = cache / "0123abcd.v1.pickle"  # an entry of older code
    stale.write_bytes(b"old")
    history.load_history(repo / "tasks.yaml", cache)
    first = set(cache.rglob("*.pickle"))
    assert first and not stale.exists()
    reads = []
    real = gitrepo.BlobReader.read
    monkeypatch.setattr(gitrepo.BlobReader, "read", lambda self, blob: reads.append(blob) or real(self, blob))
    monkeypatch.setattr(history, "code_key", lambda: "changed code")
    found = history.load_history(repo / "tasks.yaml", cache)
    assert len(reads) == 4 and [c.kind for _, c in found.for_task(4)] == ["deadline_moved", "report_added"]
    assert not first & set(cache.rglob("*.pickle"))  # what the old code computed is gone


def test_a_new_commit_costs_one_parse_even_after_a_commit_that_changed_no_task(repo, tmp_path, monkeypatch):
    register = repo / "tasks.yaml"
    edit(register, "title: Kết luận số 55", "title: Kết luận số 55 (sửa tên)")
    git(repo, "commit", "-qam", "Sửa tên sổ")
    history.load_history(register, tmp_path / "cache")
    edit(register, "deadline: 2021-06-15", "deadline: 2021-08-15")
    git(repo, "commit", "-qam", "Dời hạn nhiệm vụ 7")
    reads = []
    real = gitrepo.BlobReader.read
    monkeypatch.setattr(gitrepo.BlobReader, "read", lambda self, blob: reads.append(blob) or real(self, blob))
    found = history.load_history(register, tmp_path / "cache")
    assert len(reads) == 1  # only the new version: the one before it stayed parsed in the cache
    assert [(c.kind, c.task) for c in found.revisions[0].changes] == [("deadline_moved", 7)]
