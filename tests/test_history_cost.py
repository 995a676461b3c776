"""Bounded cost of the change log (#18): a past edit is paid once, memory does not grow with the number of
versions, and a hostile commit (a task with 50,000 reports, later removed) leaves no lasting cost.

Builds run in a child process limited to 1.5 GiB of address space; the child reports the CPU seconds
the history stage took (what the input costs, whatever else the machine runs) and its peak memory.
"""

from __future__ import annotations

import datetime as dt
import gc
import resource
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

from generator import history
from tests.conftest import ROOT
from tests.test_history import SMALL, commit_at, edit, git, new_repository

MEMORY_LIMIT = 1536 * 1024 ** 2

CHILD = """
import resource, sys, time
from generator import history
from generator.cli import main
spent = []
real = history.load_history
def timed(*args, **kwargs):
    started = time.process_time()
    found = real(*args, **kwargs)
    spent.append(time.process_time() - started)
    print(f"REVISIONS {len(found.revisions)}", file=sys.stderr)
    return found
history.load_history = timed
code = main(["build", "--register", sys.argv[1], "--out", sys.argv[2], "--cache", sys.argv[3], "--no-pdf"])
print(f"HISTORY {spent[0]:.3f}", file=sys.stderr)
print(f"RSS_MB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", file=sys.stderr)
raise SystemExit(code)
"""


def _big_task(reports: int = 50_000, days: int = 10_000) -> str:
    last = dt.date(2021, 5, 31)
    head = ("  - id: 99\n    title: Nhiệm vụ có năm vạn báo cáo\n    group: do-thi\n    lead: phong-qldt\n"
            "    deadline: 2021-12-31\n    reports:\n")
    return head + "".join(
        f"      - {{date: {(last - dt.timedelta(days=i % days)).isoformat()}, status: in_progress, progress: {i % 97}}}\n"
        for i in range(reports))


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _build(register: Path, out: Path, cache: Path) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(register), str(out), str(cache)], cwd=register.parent,
                          capture_output=True, check=False, timeout=900, preexec_fn=_limit_memory,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(register.parent)})
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err[-3000:]
    return {key: float(err.rsplit(f"{key} ", 1)[1].split()[0]) for key in ("HISTORY", "RSS_MB", "REVISIONS")}


def test_a_task_of_fifty_thousand_reports_costs_once_and_not_after_it_is_removed(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "content", project / "content")
    register = project / "tasks.yaml"
    text = SMALL.read_text(encoding="utf-8").replace("start: 2021-01-01", "start: 1990-01-01")
    register.write_text(text, encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    commit_at(project, "Sổ ban đầu", "2021-06-01T09:00:00+07:00")
    register.write_text(text + _big_task(), encoding="utf-8")  # 3.1 MB
    commit_at(project, "Thêm nhiệm vụ năm vạn báo cáo", "2021-06-02T09:00:00+07:00")
    edit(register, "deadline: 2021-03-31", "deadline: 2021-07-31")  # a move while the big task is there
    commit_at(project, "Dời hạn nhiệm vụ 4", "2021-06-03T09:00:00+07:00")
    edit(register, "{date: 2021-05-31, status: in_progress, progress: 0}", "{date: 2021-05-31, status: done}")
    commit_at(project, "Sửa một báo cáo nhiệm vụ 99", "2021-06-04T09:00:00+07:00")
    register.write_text(text.replace("deadline: 2021-03-31", "deadline: 2021-07-31"), encoding="utf-8")
    commit_at(project, "Bỏ nhiệm vụ 99", "2021-06-05T09:00:00+07:00")
    cache = tmp_path / "cache"

    first = _build(register, tmp_path / "site", cache)
    assert first["REVISIONS"] == 5
    assert first["HISTORY"] < 60  # parses each version once, compares in linear time (the old code: > 10 minutes)
    assert first["RSS_MB"] < 800

    second = _build(register, tmp_path / "site", cache)
    assert second["REVISIONS"] == 5
    assert second["HISTORY"] < 2  # every past comparison comes from the cache

    edit(register, "deadline: 2021-06-15", "deadline: 2021-08-15")
    commit_at(project, "Dời hạn nhiệm vụ 7", "2021-06-06T09:00:00+07:00")
    third = _build(register, tmp_path / "site", cache)
    assert third["REVISIONS"] == 6
    assert third["HISTORY"] < 2  # back to normal: only the new commit is compared, with small versions
    log = (tmp_path / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "báo cáo ngày 31/05/2021 được sửa lại" in log and log.count("thời hạn được dời") == 2


def test_at_most_two_versions_are_parsed_at_once(tmp_path):
    """Memory is bounded by the largest version, not by the number of versions."""
    project = tmp_path / "many"
    register = new_repository(project)
    for day in range(1, 13):
        edit(register, f"deadline: 2021-06-{day + 14:02d}", f"deadline: 2021-06-{day + 15:02d}")
        commit_at(project, f"v{day}", f"2021-06-{day + 1:02d}T09:00:00+07:00")
    alive: list[weakref.ref[object]] = []
    most = [0]
    real_validate, real_diff = history.validate, history.diff

    def validate(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real_validate(*args, **kwargs)
        alive.append(weakref.ref(result.register))
        return result

    def diff(old, new):  # type: ignore[no-untyped-def]
        gc.collect()
        most[0] = max(most[0], sum(ref() is not None for ref in alive))
        return real_diff(old, new)

    history.validate, history.diff = validate, diff
    try:
        found = history.load_history(register, tmp_path / "cache")
    finally:
        history.validate, history.diff = real_validate, real_diff
    assert len(found.revisions) == 13 and len(found.deadline_moves(7)) == 12
    assert most[0] == 2
