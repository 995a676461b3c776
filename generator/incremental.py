"""The site builder's folders, kept between builds so that one edit rebuilds a few pages.

Every build stages all pages afresh (they are deterministic), but MkDocs need
not turn all of them into HTML again. The builder works in a folder of its own
under the cache — ``docs/`` (the staged pages) and ``site/`` (its last output)
— and a staged page is written into ``docs/`` only when its bytes changed, and
its HTML in ``site/`` is then removed, so MkDocs's ``dirty`` mode (which
rebuilds what has no output or an older one) rebuilds exactly those pages.

A dirty build is only sound when nothing else changed: the fingerprint covers
the builder's configuration, the theme overrides, the package versions and the
list of staged files; any difference, a missing or half-written workspace, or
another build holding it, means a full build. Pages in the navigation are
always rebuilt (every page shows their titles). The search index is made from
the finished HTML afterwards (``search_index.py``), so it needs nothing from here.

The site handed on (``link_out``) is made of hard links to the workspace's files, not a second copy
(577 MB at 10,000 tasks): the published site and the workspace share their bytes on disk. So that a
later build cannot change a published file through its link, MkDocs writes every output as a new
file (``fresh_outputs``: the old name is unlinked first), never into the existing one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .files import link_or_copy, link_over

STATE = "state.json"
STATE_VERSION = 1
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")


@dataclass
class Workspace:
    root: Path
    incremental: bool = False
    changed: set[str] = field(default_factory=set)  # staged files (relative, posix) written this time
    rebuilt: set[str] = field(default_factory=set)  # pages MkDocs turns into HTML this time
    fingerprint: str = ""

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def spare(self) -> Path:
        """The site a swap replaced, kept to be brought up to date by the next build (``link_out``)."""
        return self.root / "spare"


@contextlib.contextmanager
def workspace(cache: Path | None, scratch: Path) -> Iterator[Workspace]:
    """The shared workspace under ``cache`` if no other build holds it; else a one-off in ``scratch``."""
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        with (cache / ".lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pass
            else:
                yield Workspace(cache)
                return
    yield Workspace(Path(tempfile.mkdtemp(prefix="builder-", dir=scratch)))


def fingerprint(config_text: str, theme_dirs: list[Path], staged: list[str], titled_by_content: list[Path]) -> str:
    """Everything besides a page itself that its HTML depends on.

    ``titled_by_content`` are pages listed in the navigation without a title:
    MkDocs takes their title from their heading, and every page shows it.
    """
    digest = hashlib.sha256(f"{STATE_VERSION}\n{config_text}\n".encode())
    for page in titled_by_content:
        digest.update(hashlib.sha256(page.read_bytes()).digest())
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}={metadata.version(package)}\n".encode())
    for folder in theme_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update("\n".join(staged).encode())
    return digest.hexdigest()


def staged_files(docs: Path) -> list[str]:
    """Every staged file, relative, in posix form, sorted (``os.walk``: a province stages 28,000)."""
    found: list[str] = []
    for folder, _, files in os.walk(docs):
        relative = os.path.relpath(folder, docs)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found += [prefix + name for name in files if os.path.isfile(os.path.join(folder, name))]
    return sorted(found)


def prepare(ws: Workspace, staged_docs: Path, staged: list[str], print_: str, forced: list[str]) -> None:
    """Bring the workspace's ``docs/`` in line with ``staged_docs`` (whose files are ``staged``).

    ``print_`` is the fingerprint of this build; ``forced`` the pages rebuilt
    whatever happened to them (the navigation's).
    """
    ws.fingerprint = print_
    state = _read_state(ws.root)
    (ws.root / STATE).unlink(missing_ok=True)  # until this build succeeds, the workspace is not to be trusted
    ws.incremental = (state is not None and state.get("fingerprint") == print_ and ws.docs.is_dir()
                      and ws.site.is_dir())
    if not ws.incremental:
        shutil.rmtree(ws.docs, ignore_errors=True)
        shutil.rmtree(ws.site, ignore_errors=True)
        link_out(staged_docs, ws.docs)
        ws.changed = set(staged)
        ws.rebuilt = {f for f in ws.changed if f.endswith(".md")}
        return
    for name in staged:
        if _changed(staged_docs / name, ws.docs / name):
            ws.changed.add(name)
    for name in ws.changed | set(forced):
        # Without its output, MkDocs must rebuild it: exact whatever the clock's granularity,
        # where comparing the page's time with its output's could see two writes in one tick.
        (ws.site / output_of(name)).unlink(missing_ok=True)
    ws.rebuilt = {f for f in ws.changed if f.endswith(".md")} | set(forced)


def _changed(source: Path, target: Path) -> bool:
    """Whether the staged ``source`` differs from the workspace's ``target``; the workspace then holds
    ``source`` itself (a hard link: never a file written in place, which could be a file of the cache).

    A staged file reused from the cache (a unit section, ``reuse.Sections``) is the very file the
    workspace holds since the last build, and is not read at all. An identical file that is older
    than the workspace's is linked in too, so the next build finds it the same file; a newer one is
    left (MkDocs's dirty mode would take its time for an edit and rebuild the page)."""
    try:
        if os.path.samefile(source, target):
            return False
        same = target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes()
    except FileNotFoundError:
        same = False
    if same and source.stat().st_mtime_ns > target.stat().st_mtime_ns:
        return False
    link_over(source, target)
    return not same


def finish(ws: Workspace) -> None:
    """After the builder succeeded: trust the workspace again."""
    (ws.root / STATE).write_text(json.dumps({"fingerprint": ws.fingerprint}), encoding="utf-8")


def link_out(site: Path, target: Path, spare: Path | None = None) -> None:
    """``target``: the workspace's ``site`` as hard links (a copy where the two are on different
    file systems, or the system has no hard links).

    ``spare``: a copy made so by an earlier build and no longer published (the site a swap replaced,
    ``keep_spare``). It is moved to ``target`` and brought up to date — only files that are not
    already the workspace's own are linked, and what the workspace no longer has is removed — instead
    of making 17,800 directories and removing as many from the replaced site (a province, issue 15)."""
    if spare is not None and spare.is_dir() and not target.exists():
        try:
            os.rename(spare, target)
        except OSError:
            shutil.rmtree(spare, ignore_errors=True)
        else:
            _sync(site, target)
            return
    link_tree(site, target)


def link_tree(source: Path, target: Path) -> None:
    """``target`` (which must not exist yet): ``source``'s tree, its files hard links to ``source``'s (copies
    across file systems). Nothing may write into such a file in place: whoever changes one writes a new file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target, copy_function=link_or_copy)


def keep_spare(old_site: Path, spare: Path | None) -> None:
    """After a swap: the replaced site becomes the next build's spare (see ``link_out``); removed
    when there is no place for it (no shared workspace, another file system, a spare already)."""
    if spare is not None and spare.parent.is_dir() and not spare.exists():
        try:
            os.rename(old_site, spare)
            return
        except OSError:
            pass
    shutil.rmtree(old_site, ignore_errors=True)


def make_spare(site: Path, spare: Path | None) -> None:
    """A build that replaced no site (the first into its folder) leaves no spare: make one, so that the
    next build's ``link_out`` need not make the whole tree. Built under a temporary name and renamed;
    given up on any trouble (another build may be using the workspace by now)."""
    if spare is None or spare.exists() or not site.is_dir() or not spare.parent.is_dir():
        return
    partial = spare.with_name(f".{spare.name}-{os.getpid()}")
    try:
        link_tree(site, partial)
        os.rename(partial, spare)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)


def _sync(source: Path, target: Path) -> None:
    """``target`` made the same tree as ``source``, its files hard links to ``source``'s."""
    for folder, dirs, files in os.walk(source):
        there = os.path.join(target, os.path.relpath(folder, source))
        if os.path.islink(there) or not os.path.isdir(there):
            _remove(there)
            os.mkdir(there)
        wanted = set(dirs) | set(files)
        for name in os.listdir(there):
            if name not in wanted:
                _remove(os.path.join(there, name))
        for name in dirs:
            path = os.path.join(there, name)
            if os.path.lexists(path) and (os.path.islink(path) or not os.path.isdir(path)):
                _remove(path)
        for name in files:
            _link_in(os.path.join(folder, name), os.path.join(there, name))


def _link_in(source: str, dest: str) -> None:
    """``dest`` a hard link to ``source``, unless it is already."""
    try:
        a, b = os.stat(source), os.lstat(dest)
        if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev):
            return
        if not os.path.islink(dest) and os.path.isdir(dest):
            shutil.rmtree(dest)
    except FileNotFoundError:
        pass
    link_over(Path(source), Path(dest))


def _remove(path: str) -> None:
    if os.path.islink(path) or not os.path.isdir(path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def fresh_outputs() -> Iterator[None]:
    """While MkDocs builds: each file it writes is a new file, not the old one rewritten in place
    (which would also rewrite the published site's hard link to it). MkDocs writes its outputs
    through ``utils.write_file``, ``utils.copy_file`` and ``File.copy_file`` (plugins included)."""
    from mkdocs import utils
    from mkdocs.structure.files import File

    write_file, copy_file, file_copy = utils.write_file, utils.copy_file, File.copy_file

    def unlink(path: str) -> None:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            if not os.path.isdir(path):
                os.unlink(path)

    def fresh_write(content: bytes, output_path: str) -> None:
        unlink(output_path)
        if output_path.endswith("sitemap.xml"):
            unlink(output_path + ".gz")  # MkDocs opens the gzipped copy itself, right after
        write_file(content, output_path)

    def fresh_copy(source_path: str, output_path: str) -> None:
        if os.path.isdir(output_path):
            output_path = os.path.join(output_path, os.path.basename(source_path))
        if os.path.abspath(source_path) != os.path.abspath(output_path):
            unlink(output_path)
        copy_file(source_path, output_path)

    def fresh_file_copy(self: File, dirty: bool = False) -> None:
        if not dirty or self.is_modified():
            if self.abs_src_path is None or os.path.abspath(self.abs_src_path) != os.path.abspath(self.abs_dest_path):
                unlink(self.abs_dest_path)
        file_copy(self, dirty)

    utils.write_file, utils.copy_file, File.copy_file = fresh_write, fresh_copy, fresh_file_copy  # type: ignore[method-assign]
    try:
        yield
    finally:
        utils.write_file, utils.copy_file, File.copy_file = write_file, copy_file, file_copy  # type: ignore[method-assign]


def output_of(src: str) -> str:
    """Where MkDocs writes a staged file (``use_directory_urls``): pages as ``…/index.html``."""
    return page_url(src) + "index.html" if src.endswith(".md") else src


def page_url(src: str) -> str:
    """``tasks/5/index.md`` → ``tasks/5/``; ``about.md`` → ``about/``; ``index.md`` and ``README.md`` → ``""``."""
    folder, _, name = src.rpartition("/")
    prefix = folder + "/" if folder else ""
    stem = name[:-len(".md")]
    return prefix if stem in ("index", "README") else f"{prefix}{stem}/"


def _read_state(root: Path) -> dict | None:
    try:
        return json.loads((root / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
