"""Work of an earlier build reused when nothing it was made from has changed (issue 15: a warm build of
a province's 163 registers after one commune's edit).

Three stores, all under the cache and each keyed by a digest of *everything* their entry was made
from, the package's own code and templates included, so a stale entry is never found rather than
ever invalidated:

- ``Validated``: a register's validation (``validate.Result``), keyed by the file's bytes, the date
  it is checked as of and the size limit. Loading and validating 163 registers took half a minute.
- ``Sections``: the staged files of a unit's section (``units/<id>/``: pages, list data, open data,
  charts, feed), keyed by the unit's register and every register its pages show (its parent, for
  the task it contributes to; the units below it, for contributions, roll-ups and their overdue
  tasks), its history and the site's settings. Rendering all 162 unit sections took two minutes
  although one had changed.
- ``Pages``: a page made from its own context alone (``pages.Page.own``, a task page of a site of one
  register), keyed by that context. Rendering every task page again was the largest part of a warm build.

An entry is written through a temporary name and renamed, so a killed build never leaves half of
one; an entry this build did not use is removed at its end (``prune``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from . import files, resources

COMPLETE = ".complete.pickle"  # written last into an entry: what was saved with its files
DIGEST_SUFFIXES = (".py", ".yaml", ".j2", ".html", ".css", ".js", ".md")


@cache
def package_digest() -> str:
    """The package's code, translations, templates and default pages: any edit makes every entry stale."""
    return folders_digest((Path(__file__).resolve().parent, resources.templates().resolve()))


def folders_digest(folders: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.suffix in DIGEST_SUFFIXES and p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def digest(*parts: object) -> str:
    """A key from plain parts (strings, bytes, numbers, dates), the package's own digest included."""
    h = hashlib.sha256(package_digest().encode())
    for part in parts:
        h.update(b"\0" + (part if isinstance(part, bytes) else repr(part).encode()))
    return h.hexdigest()


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


MISSING: object = object()  # what ``load`` gives for a file that is absent or cannot be read back
_UNREADABLE = (pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError, OSError)


def load(path: Path) -> object:
    """What ``save`` wrote to ``path``; ``MISSING`` when there is none or it cannot be read (cut short,
    written by another version of the package)."""
    try:
        return pickle.loads(path.read_bytes())
    except _UNREADABLE:
        return MISSING


def save(path: Path, value: object) -> None:
    """``value`` pickled to ``path`` through a temporary name: a killed build never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_new(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class Validated:
    """Validations of register files, one pickle per key."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[Path] = set()

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.pickle" if self.folder else None

    def get(self, key: str) -> object | None:
        path = self._path(key)
        if path is None or (value := load(path)) is MISSING:
            return None
        self.used.add(path)
        return value

    def put(self, key: str, value: object) -> None:
        path = self._path(key)
        if path is not None:
            save(path, value)
            self.used.add(path)

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.pickle"):
            if path not in self.used:
                path.unlink(missing_ok=True)


class Pages:
    """Rendered pages (``pages.Memo``), one file of Markdown per key: ``<folder>/<key[:2]>/<key>.md``. A task
    page of a register of one thousand tasks takes ~4 ms to render; the staged page is the entry itself
    (``files.link_over``), so a page reused costs no write (writing a thousand took ~0.8 s)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / f"{key}.md" if self.folder else None

    def get(self, key: str) -> str | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        self.used.add(key)
        return text

    def place(self, key: str, out: Path) -> bool:
        """``out`` made the entry of ``key``, if there is one."""
        path = self._path(key)
        if path is None or not path.is_file():
            return False
        try:
            files.link_over(path, out)
        except FileNotFoundError:  # removed meanwhile by another build's prune: rendered again instead
            return False
        self.used.add(key)
        return True

    def put(self, key: str, text: str, out: Path | None = None) -> None:
        """The entry of ``key`` written (and ``out`` made it, when given)."""
        path = self._path(key)
        if path is None:
            if out is not None:
                files.write_new(out, text.encode())
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_new(path, text.encode())
        self.used.add(key)
        if out is not None:
            try:
                files.link_over(path, out)
            except FileNotFoundError:  # removed meanwhile by another build's prune
                files.write_new(out, text.encode())

    def prune(self) -> None:
        """Remove the pages this build did not use (and anything half-written by a killed one)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*"):
            if path.name[:-3] not in self.used or not path.name.endswith(".md"):
                path.unlink(missing_ok=True)


class Sections:
    """The staged files of unit sections, one entry per unit: ``<folder>/<unit>/<key>/files/`` and what
    was saved with them (``COMPLETE``, written last: an entry without it is never used).

    The files are moved, not copied: a reused section's folder is renamed into the staging folder
    (one rename, not a directory and a link per file: 16,000 directories for a province), and after
    the site builder has taken what it needs, ``keep`` renames every section's folder back into its
    entry. While its files are out an entry has no ``COMPLETE``, so a build killed in between loses
    the entry (the next build renders the section again), never trusts half of one."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[Path] = set()
        self.out: dict[str, tuple[str, Path, object]] = {}  # unit → (key, its staged folder, extra)

    def _entry(self, unit: str, key: str) -> Path | None:
        return self.folder / unit / key if self.folder and unit else None

    def restore(self, unit: str, key: str, into: Path) -> tuple[object] | None:
        """The entry's files moved to ``into`` (which must not exist yet), and what was saved with them
        (as a 1-tuple); None when there is no such entry."""
        entry = self._entry(unit, key)
        if entry is None or not (entry / COMPLETE).is_file() or into.exists():
            return None
        extra = load(entry / COMPLETE)
        if extra is MISSING:
            return None
        (entry / COMPLETE).unlink()
        into.parent.mkdir(parents=True, exist_ok=True)
        _move(entry / "files", into)
        self.out[unit] = (key, into, extra)
        self.used.add(entry.parent)
        return (extra,)

    def save(self, unit: str, key: str, staged: Path, extra: object = None) -> None:
        """``staged`` and ``extra`` become the unit's one entry when the build calls ``keep``."""
        if self._entry(unit, key) is not None and staged.is_dir():
            self.out[unit] = (key, staged, extra)

    def keep(self) -> None:
        """Once the site builder has its copy: every section's files into its entry, the unit's other
        entries and the entries of units this build did not have removed."""
        for unit, (key, staged, extra) in self.out.items():
            entry = self._entry(unit, key)
            if entry is None or not staged.is_dir():
                continue
            try:
                self._keep(entry, staged, extra)
            except OSError:  # a full disk: the entry stays incomplete, the section is rendered next time
                continue
            self.used.add(entry.parent)
        self.out.clear()
        if self.folder is not None and self.folder.is_dir():
            for unit_folder in self.folder.iterdir():
                if unit_folder not in self.used:
                    shutil.rmtree(unit_folder, ignore_errors=True)


    @staticmethod
    def _keep(entry: Path, staged: Path, extra: object) -> None:
        if entry.parent.is_dir():
            for old in entry.parent.iterdir():
                if old != entry:
                    shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(entry / "files", ignore_errors=True)
        entry.mkdir(parents=True, exist_ok=True)
        _move(staged, entry / "files")
        save(entry / COMPLETE, extra)


def _move(source: Path, target: Path) -> None:
    """A rename; across file systems, a copy then the source removed."""
    try:
        os.rename(source, target)
    except OSError:
        shutil.copytree(source, target)
        shutil.rmtree(source, ignore_errors=True)

