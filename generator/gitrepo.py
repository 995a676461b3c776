"""Every git command the generator runs lives here.

The published branch is read along its first-parent line (what readers saw,
one commit after another); paths are read NUL-separated with
``core.quotePath=false`` so a register named ``sổ nhiệm vụ.yaml`` is found.
Without git, outside a repository or in a shallow clone, callers are told why.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ZERO = "0" * 40  # git's name for "no blob": the file did not exist on that side
_RAW = re.compile(r"\n?:\d{6} \d{6} ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) [A-Z]\d*")


@dataclass(frozen=True)
class Located:
    root: Path
    relative: str  # the file's path inside the repository, '/'-separated


@dataclass(frozen=True)
class LineCommit:
    """A commit of the first-parent line that changed the file, with its first-parent diff."""

    sha: str
    committed: str  # committer date, strict ISO 8601 with the committer's own offset
    subject: str
    old_blob: str  # the file at the first parent (ZERO when it did not exist)
    new_blob: str  # the file at this commit (ZERO when it was deleted)


def run(directory: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(directory), "-c", "core.quotePath=false", *args],
                          input=data, capture_output=True, check=False)


def locate(path: Path) -> Located | str:
    """Where ``path`` sits in its repository, or why its history cannot be read."""
    folder = path.resolve().parent
    try:
        top = run(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    except OSError:
        return "no_git"
    if top.returncode != 0:
        return "not_a_repository"
    root, shallow = (top.stdout.decode("utf-8", "surrogateescape").split("\n") + [""])[:2]
    if shallow.strip() == "true":
        return "shallow"
    root_path = Path(root).resolve()
    return Located(root_path, path.resolve().relative_to(root_path).as_posix())


def first_parent_line(where: Located, rev: str = "HEAD") -> list[LineCommit] | None:
    """Commits of ``rev``'s first-parent line that changed the file, newest first.

    A merge commit is compared with its first parent, so it carries what the
    merged branch brought (and anything changed in the merge itself); the
    branch's own commits are not on the line. None when ``rev`` has no commits.
    """
    log = run(where.root, "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--raw", "-z",
              "--no-abbrev", "--format=%x01%H %cI %s", rev, "--", where.relative)
    if log.returncode != 0:
        return None
    return parse_line(log.stdout.decode("utf-8", "replace"))


def parse_line(text: str) -> list[LineCommit]:
    """``git log --raw -z`` output: a header, then (raw line, path) pairs, each NUL-terminated."""
    found: list[LineCommit] = []
    head: list[str] | None = None
    fields = text.split("\0")
    i = 0
    while i < len(fields):
        match = _RAW.fullmatch(fields[i])
        if match and head is not None:
            found.append(LineCommit(head[0], head[1], head[2] if len(head) > 2 else "", *match.groups()))
            head = None
            i += 2  # the path follows; only the register is asked for
            continue
        if fields[i].lstrip("\n").startswith("\x01"):
            head = fields[i].lstrip("\n")[1:].split(" ", 2)
        i += 1
    return found


class BlobReader:
    """One ``git cat-file --batch`` process; blobs read one at a time, so only one is in memory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None

    def read(self, blob: str) -> bytes | None:
        if self._process is None:
            self._process = subprocess.Popen(["git", "-C", str(self.root), "cat-file", "--batch"],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(blob.encode() + b"\n")
        self._process.stdin.flush()
        header = self._process.stdout.readline().split()
        if len(header) != 3:
            return None  # "<blob> missing"
        data = self._process.stdout.read(int(header[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._process is not None:
            if self._process.stdin:
                self._process.stdin.close()
            self._process.wait()
            if self._process.stdout:
                self._process.stdout.close()
            self._process = None


@contextmanager
def blob_reader(root: Path) -> Iterator[BlobReader]:
    reader = BlobReader(root)
    try:
        yield reader
    finally:
        reader.close()


def show(path: Path, rev: str) -> tuple[bytes | None, str]:
    """The file at ``path`` as it was at ``rev``: (its bytes, "") or (None, git's reason)."""
    if rev.startswith("-"):
        return None, f"{rev}: not a revision"  # never an option to git
    path = path.resolve()
    try:
        shown = run(path.parent, "show", f"{rev}:./{path.name}")
    except OSError as exc:
        return None, str(exc)
    if shown.returncode != 0:
        return None, shown.stderr.decode("utf-8", "replace").strip()
    return shown.stdout, ""
