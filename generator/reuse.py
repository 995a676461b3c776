"""Work of an earlier build reused when nothing it was made from has changed (issue 15: a warm build of
a province's 163 registers after one commune's edit).

Two stores, both under the cache and both keyed by a digest of *everything* their entry was made
from, the package's own code and templates included, so a stale entry is never found rather than
ever invalidated:

- ``Validated``: a register's validation (``validate.Result``), keyed by the file's bytes, the date
  it is checked as of and the size limit. Loading and validating 163 registers took half a minute.
- ``Sections``: the staged files of a unit's section (``units/<id>/``: pages, list data, open data,
  charts, feed), keyed by the unit's register and every register its pages show (its parent, for
  the task it contributes to; the units below it, for contributions, roll-ups and their overdue
  tasks), its history and the site's settings. Rendering all 162 unit sections took two minutes
  although one had changed.

An entry is written through a temporary name and renamed, so a killed build never leaves half of
one; an entry this build did not use is removed at its end (``prune``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import uuid
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from . import resources

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


class Validated:
    """Validations of register files, one pickle per key."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[Path] = set()

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.pickle" if self.folder else None

    def get(self, key: str) -> object | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            value = pickle.loads(path.read_bytes())
        except (pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError, OSError):
            return None
        self.used.add(path)
        return value

    def put(self, key: str, value: object) -> None:
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)
        self.used.add(path)

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.pickle"):
            if path not in self.used:
                path.unlink(missing_ok=True)


class Sections:
    """The staged files of unit sections: ``<folder>/<unit>/<key>/``, hard links to the staged files
    (which no later stage rewrites: the site builder copies what it needs into its own workspace)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[Path] = set()

    def _entry(self, unit: str, key: str) -> Path | None:
        return self.folder / unit / key if self.folder and unit else None

    def restore(self, unit: str, key: str, into: Path) -> tuple[list[Path], object] | None:
        """The files of the entry linked into ``into`` (which must not exist yet), and what was saved with
        them; None when there is no such entry."""
        entry = self._entry(unit, key)
        if entry is None or not (entry / COMPLETE).is_file() or into.exists():
            return None
        try:
            extra = pickle.loads((entry / COMPLETE).read_bytes())
        except (pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError, OSError):
            return None
        _link_tree(entry, into)
        (into / COMPLETE).unlink()
        self.used.add(entry.parent)
        return sorted(p for p in into.rglob("*") if p.is_file()), extra

    def save(self, unit: str, key: str, staged: Path, extra: object = None) -> None:
        """Keep ``staged`` (hard links) and ``extra`` (pickled) as the unit's one entry."""
        entry = self._entry(unit, key)
        if entry is None or not staged.is_dir():
            return
        partial = entry.with_name(f".{key}.{uuid.uuid4().hex}.part")
        _link_tree(staged, partial)
        (partial / COMPLETE).write_bytes(pickle.dumps(extra, protocol=pickle.HIGHEST_PROTOCOL))
        for old in entry.parent.iterdir():  # one entry per unit: the one this build made
            if old != partial:
                shutil.rmtree(old, ignore_errors=True)
        os.replace(partial, entry)
        self.used.add(entry.parent)

    def prune(self) -> None:
        """Remove the entries of units this build did not have."""
        if self.folder is None or not self.folder.is_dir():
            return
        for unit in self.folder.iterdir():
            if unit not in self.used:
                shutil.rmtree(unit, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a tree of hard links to ``source``'s files (copies where links are refused)."""
    shutil.copytree(source, target, copy_function=_link_or_copy)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
