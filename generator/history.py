"""The register's git history → what changed in each commit of the published branch.

History follows the first-parent line of the checked-out branch: the versions
readers saw, one after another. Each change is told at the commit that brought
it onto that line — for a merged pull request, the merge commit, which carries
everything the branch brought and anything changed in the merge itself — in
the line's order, never by clocks. A change is dated by when it reached the
branch: that commit's committer date, in the register's time zone, corrected
when it contradicts its neighbours on the line (see ``reached``).

The cost of a past edit is paid once: the changes between two versions are
cached on disk under the pair of blobs (and the code that computed them), so a
build parses only versions it has not compared yet, streaming them one at a
time and keeping at most two parsed. Without git, outside a repository, or in
a shallow clone, history is simply unavailable and the build goes on.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from . import gitrepo, reuse
from .asof import DEFAULT_TIMEZONE
from .diff import Change, ReportState, diff
from .load import load_bytes
from .model import Register, Report, Task
from .validate import validate

HISTORY_MAX_BYTES = 256 * 1024 * 1024  # past versions were accepted once (maybe with --max-mb): read them


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime  # when the change reached the branch, in the register's time zone
    subject: str
    blob: str


@dataclass(frozen=True)
class Revision:
    """One commit of the published line that changed the register, with what it changed."""

    commit: Commit
    changes: tuple[Change, ...]


@dataclass
class History:
    available: bool
    revisions: list[Revision] = field(default_factory=list)  # newest first, in the line's order
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

    @cached_property
    def _corrections(self) -> dict[tuple[int, str | None], list[tuple[Commit, Change]]]:
        index: dict[tuple[int, str | None], list[tuple[Commit, Change]]] = {}
        for r in reversed(self.revisions):  # oldest first
            for c in r.changes:
                if c.kind == "report_changed":
                    index.setdefault((c.task, c.date), []).append((r.commit, c))
        return index

    def corrections(self, task: Task, report: Report) -> list[tuple[Commit, Change]]:
        """Oldest first: the changes that corrected this report of ``task``.

        Reports are told apart by their date; when several share it, only a
        correction that left the report as it reads now is shown at it (every
        correction is in the task's history all the same).
        """
        found = self._corrections.get((task.id, report.date.isoformat()), [])
        if found and self._reports_on(task)[report.date] > 1:
            now = (report.status, report.progress, report.value)
            found = [(commit, c) for commit, c in found
                     if isinstance(c.new, ReportState) and (c.new.status, c.new.progress, c.new.value) == now]
        return found

    def _reports_on(self, task: Task) -> Counter[dt.date]:
        counts: dict[int, tuple[Task, Counter[dt.date]]] = self.__dict__.setdefault("_report_counts", {})
        if task.id not in counts or counts[task.id][0] is not task:
            counts[task.id] = (task, Counter(r.date for r in task.reports))
        return counts[task.id][1]

    def deadline_moves(self, task_id: int) -> list[tuple[Commit, Change]]:
        """Oldest first: the original deadline is the first move's ``old``."""
        moves = [(commit, c) for commit, c in self.for_task(task_id) if c.kind == "deadline_moved"]
        return list(reversed(moves))


def blob_hash(data: bytes) -> str:
    """The hash git gives these bytes as a blob (``git hash-object``), without running git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def reached(line: list[gitrepo.LineCommit], zone: str, now: dt.datetime | None = None) -> list[dt.datetime]:
    """When each commit of the line (oldest first) reached the branch, in ``zone``.

    The best record is the commit's committer date (for a merged branch, the
    merge's). A clock can be wrong, so each date is checked against its
    neighbours on the line: it becomes the middle one of (the date given to the
    commit before it, its own, the next commit's), which puts one back-dated or
    future-dated commit between its neighbours; then no date may come before
    the one before it, nor after ``now`` (which is also the last commit's
    later neighbour).
    """
    tz = ZoneInfo(zone)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(tz)
    raw = [dt.datetime.fromisoformat(c.committed).astimezone(tz) for c in line]
    dates: list[dt.datetime] = []
    for i, own in enumerate(raw):
        before = dates[-1] if dates else own
        after = raw[i + 1] if i + 1 < len(raw) else now
        dates.append(min(max(sorted((before, own, after))[1], before), now))
    return dates


def load_history(register_path: Path, cache_dir: Path | None = None, current: Register | None = None) -> History:
    """``current`` is the register just validated from ``register_path``, if any.

    When the working file is a committed version (as in CI) that version is
    ``current`` itself: it is not parsed a second time.
    """
    where = gitrepo.locate(register_path)
    if isinstance(where, str):
        return History(False, reason=where)
    line = gitrepo.first_parent_line(where)
    if not line:
        return History(False, reason="no_commits")
    oldest_first = line[::-1]
    dates = reached(oldest_first, current.meta.timezone if current else DEFAULT_TIMEZONE)
    known: dict[str, Register | None] = {}
    if current is not None:
        known[blob_hash(register_path.read_bytes())] = current
    store = Store(cache_dir)
    with gitrepo.blob_reader(where.root) as reader:
        versions = Versions(reader, store, known)
        revisions, last = _revisions(oldest_first, dates, versions, store)
        store.keep_register(last, versions)  # the next commit will be compared with it
    store.prune()
    return History(True, revisions[::-1])


def _revisions(line: list[gitrepo.LineCommit], dates: list[dt.datetime], versions: Versions,
               store: Store) -> tuple[list[Revision], str]:
    """Oldest first, and the newest valid version's blob. A version that does not validate never built:
    readers kept seeing the one before, so the next version is compared with that one."""
    revisions: list[Revision] = []
    previous = gitrepo.ZERO
    for commit, date in zip(line, dates):
        if commit.new_blob == gitrepo.ZERO:
            continue  # the register was deleted: nothing was published from it
        stored = store.changes(previous, commit.new_blob)
        if stored is MISSING:
            changes = _compare(versions, previous, commit.new_blob)
            store.put_changes(previous, commit.new_blob, changes)
        else:
            changes = stored  # type: ignore[assignment]
        if changes is None:
            continue
        if previous == gitrepo.ZERO or changes:
            revisions.append(Revision(Commit(commit.sha, date, commit.subject, commit.new_blob), changes))
        previous = commit.new_blob
    return revisions, previous


def _compare(versions: Versions, old: str, new: str) -> tuple[Change, ...] | None:
    """None when ``new`` is not a valid register; () for the first version."""
    before = versions.get(old) if old != gitrepo.ZERO else None
    after = versions.get(new)
    if after is None:
        return None
    return tuple(diff(before, after)) if before is not None else ()


class Versions:
    """Parsed versions, at most two in memory at once (the one compared with, the one compared)."""

    def __init__(self, reader: gitrepo.BlobReader, store: Store, known: dict[str, Register | None]) -> None:
        self.reader, self.store, self.known = reader, store, known
        self.held: dict[str, Register | None] = {}

    def get(self, blob: str) -> Register | None:
        if blob not in self.held:
            register = self._load(blob)
            while len(self.held) >= 2:
                del self.held[next(iter(self.held))]
            self.held[blob] = register
        return self.held[blob]

    def in_memory(self, blob: str) -> Register | None:
        return self.held.get(blob) or self.known.get(blob)

    def _load(self, blob: str) -> Register | None:
        if blob in self.known:
            return self.known[blob]
        stored = self.store.register(blob)
        if stored is not MISSING:
            return stored  # type: ignore[return-value]
        data = self.reader.read(blob)
        if data is None:
            return None
        result = validate(load_bytes(data, max_bytes=HISTORY_MAX_BYTES), as_of=dt.date.max)
        return result.register if result.ok else None


MISSING = reuse.MISSING


def code_modules() -> list[str]:
    """This module and every module of the package it imports, transitively (by reading their imports)."""
    here = Path(__file__).resolve().parent
    seen: set[str] = set()
    todo = ["history"]
    while todo:
        name = todo.pop()
        source = here / f"{name}.py"
        if name in seen or not source.is_file():
            continue
        seen.add(name)
        for node in ast.walk(ast.parse(source.read_bytes())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                todo += [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
    return sorted(seen)


@functools.cache
def code_key() -> str:
    """A hash of the source of the code that computes what is cached: an entry is reused only with that code."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in code_modules():
        digest.update(f"{name}\0".encode() + (here / f"{name}.py").read_bytes() + b"\0")
    return digest.hexdigest()


class Store:
    """Changes between two versions (keyed by the pair of blobs) and parsed versions, on disk.

    Entries the build did not use are removed at its end; the newest version
    stays parsed for the next commit.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[Path] = set()

    def _path(self, kind: str, *parts: str) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256("\0".join((code_key(), *parts)).encode()).hexdigest()
        return self.folder / kind / f"{key}.pickle"

    def _get(self, path: Path | None) -> object:
        value = MISSING if path is None else reuse.load(path)
        if path is not None and value is not MISSING:
            self.used.add(path)
        return value

    def _put(self, path: Path | None, value: object) -> None:
        if path is not None:
            reuse.save(path, value)
            self.used.add(path)

    def changes(self, old: str, new: str) -> object:
        return self._get(self._path("changes", old, new))

    def put_changes(self, old: str, new: str, changes: tuple[Change, ...] | None) -> None:
        self._put(self._path("changes", old, new), changes)

    def register(self, blob: str) -> object:
        return self._get(self._path("registers", blob))

    def keep_register(self, blob: str, versions: Versions) -> None:
        path = self._path("registers", blob)
        if path is None or blob == gitrepo.ZERO:
            return
        if path.exists():
            self.used.add(path)
        elif (register := versions.in_memory(blob)) is not None:
            self._put(path, register)

    def prune(self) -> None:
        """Remove what this build did not use (and the caches of older code)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in [*self.folder.glob("*.pickle"), *self.folder.glob("*/*.pickle")]:
            if path not in self.used:
                path.unlink(missing_ok=True)
