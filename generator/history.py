"""The register's git history → what changed in each commit.

Reading it is cheap however long the history: one ``git log`` for the list of
commits and their blob hashes, one ``git cat-file --batch`` process for all the
blobs, and a cache of parsed registers keyed by blob hash (a blob never
changes), so a daily rebuild only parses the versions it has not seen.
Without git, outside a repository, or in a shallow clone, history is simply
unavailable and the build goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .diff import Change, ReportState, diff
from .load import load_bytes
from .model import Register, Report, Task
from .validate import validate

CACHE_VERSION = 1
HISTORY_MAX_BYTES = 256 * 1024 * 1024  # past versions were accepted once (maybe with --max-mb): read them


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime
    subject: str
    blob: str


@dataclass(frozen=True)
class Revision:
    """One commit that changed the register, with what it changed."""

    commit: Commit
    changes: tuple[Change, ...]


@dataclass
class History:
    available: bool
    revisions: list[Revision] = field(default_factory=list)  # newest first
    reason: str = ""

    def for_task(self, task_id: int) -> list[tuple[Commit, Change]]:
        """Newest first."""
        return self._by_task.get(task_id, [])

    @cached_property
    def _by_task(self) -> dict[int, list[tuple[Commit, Change]]]:
        # One pass over the whole history instead of one per task page.
        index: dict[int, list[tuple[Commit, Change]]] = {}
        for r in self.revisions:
            for c in r.changes:
                index.setdefault(c.task, []).append((r.commit, c))
        return index

    def corrections(self, task: Task, report: Report) -> list[tuple[Commit, Change]]:
        """Oldest first: the changes that corrected this report of ``task``.

        Reports are told apart by their date; when several share it, only a
        correction that left the report as it reads now is shown at it (every
        correction is in the task's history all the same).
        """
        day = report.date.isoformat()
        found = [(commit, c) for commit, c in reversed(self.for_task(task.id))
                 if c.kind == "report_changed" and c.date == day]
        if sum(r.date == report.date for r in task.reports) > 1:
            now = (report.status, report.progress, report.value)
            found = [(commit, c) for commit, c in found
                     if isinstance(c.new, ReportState) and (c.new.status, c.new.progress, c.new.value) == now]
        return found

    def deadline_moves(self, task_id: int) -> list[tuple[Commit, Change]]:
        """Oldest first: the original deadline is the first move's ``old``."""
        moves = [(commit, c) for commit, c in self.for_task(task_id) if c.kind == "deadline_moved"]
        return list(reversed(moves))


def _git(repo: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True, check=False)


def commits(register_path: Path) -> tuple[list[Commit], str]:
    """Commits that touched the register, newest first; or ([], why not)."""
    repo = register_path.resolve().parent
    try:
        top = _git(repo, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    except OSError:
        return [], "no_git"
    if top.returncode != 0:
        return [], "not_a_repository"
    root, shallow = top.stdout.decode().split("\n")[:2]
    if shallow.strip() == "true":
        return [], "shallow"
    relative = register_path.resolve().relative_to(Path(root).resolve()).as_posix()
    log = _git(Path(root), "log", "--format=%x00%H%x09%cI%x09%s", "--raw", "--no-abbrev", "--", relative)
    if log.returncode != 0:
        return [], "not_a_repository"
    return _parse_log(log.stdout.decode("utf-8", "replace"), relative), ""


def _parse_log(text: str, relative: str) -> list[Commit]:
    found = []
    for chunk in text.split("\x00")[1:]:
        head, _, raw = chunk.partition("\n")
        sha, date, subject = (head.split("\t", 2) + ["", ""])[:3]
        blob = next((line.split()[3] for line in raw.splitlines()
                     if line.startswith(":") and line.endswith("\t" + relative)), None)
        if blob and set(blob) != {"0"}:
            found.append(Commit(sha, dt.datetime.fromisoformat(date), subject, blob))
    return found


def read_blobs(repo: Path, blobs: list[str]) -> dict[str, bytes]:
    """Every blob through a single ``git cat-file --batch``."""
    if not blobs:
        return {}
    out = _git(repo, "cat-file", "--batch", data=("\n".join(blobs) + "\n").encode()).stdout
    contents, pos = {}, 0
    for blob in blobs:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        contents[blob] = out[header_end + 1:header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return contents


def blob_hash(data: bytes) -> str:
    """The hash git gives these bytes as a blob (``git hash-object``), without running git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def load_history(register_path: Path, cache_dir: Path | None = None, current: Register | None = None) -> History:
    """``current`` is the register just validated from ``register_path``, if any.

    When the working file is the committed one (as in CI) its version in the
    history is ``current`` itself: it is not parsed a second time.
    """
    found, reason = commits(register_path)
    if not found:
        return History(False, reason=reason or "no_commits")
    repo = register_path.resolve().parent
    known = {blob_hash(register_path.read_bytes()): current} if current is not None else {}
    registers = _registers(repo, [c.blob for c in found], cache_dir, known)
    revisions = []
    previous: Register | None = None
    for commit in reversed(found):  # oldest first
        current = registers.get(commit.blob)
        if current is None:
            continue  # a broken version that never built: nothing was published from it
        if previous is not None:
            changes = tuple(diff(previous, current))
            if changes:
                revisions.append(Revision(commit, changes))
        else:
            revisions.append(Revision(commit, ()))
        previous = current
    return History(True, list(reversed(revisions)))


def _registers(repo: Path, blobs: list[str], cache_dir: Path | None,
               known: dict[str, Register | None]) -> dict[str, Register | None]:
    cached: dict[str, Register | None] = {}
    missing = []
    for blob in dict.fromkeys(blobs):
        path = cache_dir / f"{blob}.v{CACHE_VERSION}.pickle" if cache_dir else None
        if blob in known:
            cached[blob] = known[blob]
            if path and not path.exists():  # the next commit makes it a past version: keep it parsed
                _store(path, known[blob])
            continue
        if path and path.exists():
            try:
                cached[blob] = pickle.loads(path.read_bytes())
                continue
            except (pickle.PickleError, EOFError, AttributeError, ImportError):
                pass
        missing.append(blob)
    for blob, data in read_blobs(repo, missing).items():
        result = validate(load_bytes(data, max_bytes=HISTORY_MAX_BYTES), as_of=dt.date.max)
        cached[blob] = result.register if result.ok else None
        if cache_dir:
            _store(cache_dir / f"{blob}.v{CACHE_VERSION}.pickle", cached[blob])
    return cached


def _store(path: Path, register: Register | None) -> None:
    """Write through a temporary name: a killed build never leaves half a pickle."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(pickle.dumps(register, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(partial, path)
