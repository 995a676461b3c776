"""Stage 8 — the search index, made from the built HTML by Pagefind.

Pagefind reads the finished pages (whatever builder made them), indexes only what is
marked ``data-pagefind-body`` (the article of every page that search should find; the theme
override adds it) and leaves out ``data-search-exclude`` parts (tables that repeat the task
pages, a task's older reports) and the labels of fact tables. It writes ``pagefind/`` into the site: an index split into small chunks, so a visitor
downloads only the chunks the words they type need (``assets/search.js`` asks for them).
The binary ships in the ``pagefind[extended]`` wheel: nothing is downloaded at build time.

A site of one register has one index, ``pagefind/``, made from every page. A site with units (issue 15)
has one index per *shard*: the root section's pages (every page not in a unit's section, the units page
included) in ``pagefind/``, and each subtree of units under the root (a district with its communes) in
``pagefind/shards/<unit id>/``; ``pagefind/shards.json`` lists them and ``assets/search.js`` merges them
in the browser (Pagefind's ``mergeIndex``). Each shard's bundle is kept in the cache with a digest of
what it was made from (the relative path, size, modification time and inode of each page it indexes,
Pagefind's version and the options): a shard none of whose pages changed is linked from the cache, not
indexed again. The inode is what makes this sound: the site builder writes every page it rebuilds as a
new file (``incremental.fresh_outputs``), so a rebuilt page has a new inode even within one clock tick.
When that quick digest differs, a second one of the pages' bytes decides: the site builder rebuilds the
navigation pages (the root's home, its lists) on every build, mostly to the same bytes, and a shard whose
pages are byte for byte the last run's is not indexed again either (its entry then takes the new quick
digest, so the next build need not read the pages).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import i18n, incremental
from .files import link_over, write_new
from .cascade import Links

BUNDLE = "pagefind"
SHARDS = "shards"  # pagefind/shards/<name>/: the bundle of each shard but the root's
SHARD_LIST = "shards.json"  # pagefind/shards.json: the shards' bundles, relative to pagefind/
# Left out of the index: tables that repeat the task pages, older reports (data-search-exclude), and
# the labels every page repeats ("Cơ quan chủ trì", "Thời hạn"): words on every page cost index bytes
# in every search for them, and find nothing.
EXCLUDE = ("[data-search-exclude]", ".headerlink", ".facts th")
# Also left out of a site with units: the column headers of tables, which every table page repeats too.
# Pagefind runs adjacent header cells together ("Nhiệm vụĐạt được"), which shows in excerpts once
# per-shard scores bring the units' table pages up. A site of one register keeps the index measured
# for issue 14 (benchmarks/RESULTS.md), byte for byte.
EXCLUDE_WITH_UNITS = ("thead th",)
# Pagefind's ready-made interfaces: the site has its own, in the header (assets/search.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
LABELS = ("open", "label", "placeholder", "close", "hint", "loading", "results", "none", "more", "error", "offline")
CACHE_FORMAT = 1
DONE = "done.json"  # in a cache entry, written last: without it (or with a bundle that differs) it is not used
# Shards indexed at once. Pagefind already uses both cores of the build machine for one shard; two at a
# time measured no faster (benchmarks/RESULTS.md, "Search by shards").
JOBS = 1
_PLAIN = re.compile(r"^[A-Za-z0-9._-]+$")


class SearchIndexError(Exception):
    """The index could not be made; ``key`` (under ``build.``) and ``args_`` name the translated
    message that says why and what to do."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key, self.args_ = key, args

    def __str__(self) -> str:
        return i18n.t(f"build.{self.key}", "en", **self.args_)


@dataclass(frozen=True)
class Shard:
    """The pages of one index: every HTML file at any depth in ``trees``, and those directly in
    ``folders`` (paths from the site root, "" the root itself); ``whole_site``: every page."""

    name: str  # "" for the root section's shard, whose bundle is pagefind/
    trees: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    whole_site: bool = False

    @property
    def output(self) -> str:
        """Where its bundle goes in the site."""
        return f"{BUNDLE}/{SHARDS}/{self.name}" if self.name else BUNDLE

    @property
    def exclude(self) -> tuple[str, ...]:
        return EXCLUDE if self.whole_site else EXCLUDE + EXCLUDE_WITH_UNITS

    @property
    def cache_key(self) -> str:
        return f"unit-{self.name}" if self.name else "site"

    def glob(self) -> str | None:
        """Pagefind's ``--glob`` for these pages (None: its default, every page)."""
        if self.whole_site:
            return None
        parts = [f"{_glob_path(t)}/**/*.html" for t in self.trees]
        parts += [f"{_glob_path(f)}/*.html" if f else "*.html" for f in self.folders]
        return parts[0] if len(parts) == 1 else "{" + ",".join(parts) + "}"

    def pages(self, site: Path) -> list[str]:
        """Its HTML files, relative to ``site``, sorted (what ``glob`` makes Pagefind read)."""
        if self.whole_site:
            return _html_below(site, "", skip=BUNDLE)
        found = [p for t in self.trees for p in _html_below(site, t)]
        found += [p for f in self.folders for p in _html_in(site, f)]
        return sorted(found)


def _glob_path(path: str) -> str:
    return "/".join(part if _PLAIN.match(part) else re.sub(r"([\\*?\[\]{}()<>!,:$#&|~^])", r"\\\1", part)
                    for part in path.split("/"))


def _html_in(site: Path, folder: str) -> list[str]:
    prefix = f"{folder}/" if folder else ""
    with os.scandir(site / folder) as entries:
        return [prefix + e.name for e in entries if e.name.endswith(".html") and e.is_file()]


def _html_below(site: Path, folder: str, skip: str = "") -> list[str]:
    found: list[str] = []
    for where, dirs, files in os.walk(site / folder):
        rel = Path(where).relative_to(site).as_posix()
        prefix = "" if rel == "." else f"{rel}/"
        if not prefix:
            dirs[:] = [d for d in dirs if d != skip]
        found += [prefix + f for f in files if f.endswith(".html")]
    return found


def groups(links: Links | None) -> list[tuple[str, list[str]]]:
    """Each subtree under the root: the unit's id and the section prefixes (``units/<id>/``) of the unit
    and every unit below it. None (a site of one register): no subtree."""
    if links is None:
        return []
    return [(s.unit.id, [s.prefix] + [b.prefix for b in links.below(s.prefix)])
            for s in links.sections if s.depth == 1 and s.unit is not None]


def plan(site: Path, subtrees: Sequence[tuple[str, Sequence[str]]]) -> list[Shard]:
    """The shards: the root's (every page in none of the subtrees), then one per subtree with pages."""
    if not subtrees:
        return [Shard("", whole_site=True)]
    shards = [Shard(name, trees=tuple(sorted(p.strip("/") for p in prefixes if (site / p).is_dir())))
              for name, prefixes in subtrees]
    claimed = {t for s in shards for t in s.trees}
    trees, folders = _unclaimed(site, "", claimed)
    return [Shard("", trees=tuple(trees), folders=tuple(folders))] + [s for s in shards if s.trees]


def _unclaimed(site: Path, folder: str, claimed: set[str]) -> tuple[list[str], list[str]]:
    """The trees and folders under ``folder`` that hold no claimed tree (the site's own bundle left out)."""
    trees, folders = [], [folder]
    prefix = f"{folder}/" if folder else ""
    with os.scandir(site / folder) as entries:
        names = sorted(e.name for e in entries if e.is_dir() and (folder or e.name != BUNDLE))
    for name in names:
        path = prefix + name
        if path in claimed:
            continue
        if any(c.startswith(path + "/") for c in claimed):
            more_trees, more_folders = _unclaimed(site, path, claimed)
            trees += more_trees
            folders += more_folders
        else:
            trees.append(path)
    return trees, folders


def executable() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexError("search_missing") from exc
    found = get_executable()
    if found is None or not Path(found).is_file():
        raise SearchIndexError("search_missing")
    return Path(found)


def command(site: Path, output: Path | None = None, glob: str | None = None,
            exclude: Sequence[str] = EXCLUDE) -> list[str]:
    """Pagefind over ``site``, into ``output`` (default: ``site/pagefind``), the pages ``glob`` matches."""
    args = [str(executable()), "--site", str(site), "--silent"]
    args += ["--output-path", str(output)] if output is not None else ["--output-subdir", BUNDLE]
    if glob is not None:
        args += ["--glob", glob]
    for selector in exclude:
        args += ["--exclude-selectors", selector]
    return args


@dataclass(frozen=True)
class Written:
    shards: list[Shard]  # root first
    indexed: list[Shard]  # those Pagefind indexed this time; the others came from the cache


def write(site: Path, subtrees: Sequence[tuple[str, Sequence[str]]] = (), cache: Path | None = None,
          jobs: int = JOBS) -> Written:
    """Index the built ``site`` into ``site/pagefind/`` and, for a site with units, one shard per subtree
    (``groups``), reusing from ``cache`` every shard whose pages did not change."""
    shutil.rmtree(site / BUNDLE, ignore_errors=True)
    pages = {s: s.pages(site) for s in plan(site, subtrees)}
    shards = [s for s, found in pages.items() if found or not s.name]  # Pagefind fails on no pages at all
    with _store(cache) as store:
        entries = {s: store / s.cache_key for s in shards}
        digests = {s: inputs_digest(site, s, pages[s]) for s in shards}
        contents = {s: functools.cache(functools.partial(content_digest, site, s, pages[s])) for s in shards}
        stale = [s for s in shards if not reusable(entries[s], digests[s], contents[s])]
        with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
            list(pool.map(lambda s: index(site, s, entries[s], digests[s], contents[s](), pages[s]), stale))
        for shard in shards:
            incremental.link_tree(entries[shard] / BUNDLE, site / shard.output)
    if len(shards) > 1:
        listed = [f"{SHARDS}/{s.name}/" for s in shards[1:]]
        (site / BUNDLE / SHARD_LIST).write_text(json.dumps({"shards": listed}), encoding="utf-8")
    return Written(shards, stale)


@contextlib.contextmanager
def _store(cache: Path | None) -> Iterator[Path]:
    """The folder of cache entries: ``cache`` (made if need be; held by one build at a time, the others
    wait), else a temporary one."""
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        with (cache / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield cache
        return
    with tempfile.TemporaryDirectory(prefix="search-") as scratch:
        yield Path(scratch)


def pagefind_version() -> str:
    for package in ("pagefind_bin_extended", "pagefind_bin", "pagefind"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            return f"{package}={metadata.version(package)}"
    return "unknown"


def _options(shard: Shard) -> str:
    options = {"format": CACHE_FORMAT, "pagefind": pagefind_version(), "exclude": shard.exclude, "unused": UNUSED,
               "glob": shard.glob(), "whole_site": shard.whole_site}
    return json.dumps(options, sort_keys=True)


def inputs_digest(site: Path, shard: Shard, pages: Sequence[str] | None = None) -> str:
    """What the shard's bundle is made from: the options, Pagefind's version, and each page's relative
    path, size, modification time and inode."""
    digest = hashlib.sha256(_options(shard).encode())
    for page in shard.pages(site) if pages is None else pages:
        stat = (site / page).stat()
        digest.update(f"{page}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def content_digest(site: Path, shard: Shard, pages: Sequence[str] | None = None) -> str:
    """What the shard's bundle is made from, by the pages' bytes: the options, Pagefind's version, and each
    page's relative path and content."""
    digest = hashlib.sha256(_options(shard).encode())
    for page in shard.pages(site) if pages is None else pages:
        data = (site / page).read_bytes()
        digest.update(f"{page}\0{len(data)}\n".encode("utf-8", "surrogateescape"))
        digest.update(data)
    return digest.hexdigest()


def manifest(bundle: Path) -> dict[str, list[object]]:
    """Every file of a bundle: its size and SHA-256."""
    found: dict[str, list[object]] = {}
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        found[path.relative_to(bundle).as_posix()] = _described(path.read_bytes())
    return found


def _described(data: bytes) -> list[object]:
    """A file as a bundle's manifest holds it: its size and SHA-256."""
    return [len(data), hashlib.sha256(data).hexdigest()]


def reusable(entry: Path, digest: str, content: Callable[[], str] | None = None) -> bool:
    """Whether the cache entry was made from these inputs (by ``digest``, else by the ``content`` digest,
    reckoned only then) and its bundle is whole and unaltered. An entry found by content takes ``digest``."""
    try:
        done = json.loads((entry / DONE).read_text(encoding="utf-8"))
        if done.get("inputs") != digest and (content is None or done.get("content") != content()):
            return False
        if done.get("files") != manifest(entry / BUNDLE):  # read only when the entry would be used
            return False
    except (OSError, ValueError, AttributeError):
        return False
    if done.get("inputs") != digest:
        write_new(entry / DONE, json.dumps({**done, "inputs": digest}).encode())
    return True


def index(site: Path, shard: Shard, entry: Path, digest: str, content: str, pages: Sequence[str]) -> None:
    """Run Pagefind for one shard, then put its bundle in ``entry``'s place: an entry is either the whole
    of a finished run, with its ``done.json``, or absent. Pagefind writes into memory (``scratch``) where it
    can; the entry then takes each file the previous one had (the same name and bytes: Pagefind names its
    chunks by their content) as that file's hard link, and writes only the others. After one edit a
    thousand of its 1,100 files are the same, and writing them again cost a third of Pagefind's time.
    ``content``: the pages' ``content_digest``; ``pages``: the shard's pages (``Shard.pages``)."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{entry.name}-", dir=entry.parent))
    try:
        with _scratch((site / page for page in pages), fresh, entry / BUNDLE) as made:
            try:
                run(site, made / BUNDLE, shard.glob(), shard.exclude)
            except SearchIndexError:
                if made == fresh:
                    raise
                made = fresh  # memory ran short after all (its room was asked before): once more, on disk
                run(site, made / BUNDLE, shard.glob(), shard.exclude)
            files = _settle(made / BUNDLE, entry / BUNDLE, fresh / BUNDLE) if made != fresh else manifest(fresh / BUNDLE)
        done = {"inputs": digest, "content": content, "files": files}
        (fresh / DONE).write_text(json.dumps(done), encoding="utf-8")
        _replace(fresh, entry)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


# Pagefind's output goes to memory first when a file system there has room for a generous multiple of it
# (the bundle is a tenth of the pages it indexes; a container's /dev/shm may be as small as 64 MB).
SCRATCH = Path("/dev/shm")
SCRATCH_PREFIX = "generator-search-"


@contextlib.contextmanager
def _scratch(pages: Iterable[Path], fallback: Path, previous: Path) -> Iterator[Path]:
    """A folder in memory for Pagefind's output (removed afterwards), else ``fallback``: also when there is
    no previous entry to take files from (a cold build), where the detour would only add a copy. Folders
    left there by a build killed outright (its process gone) are removed first: they hold memory."""
    if not previous.is_dir():
        yield fallback
        return
    try:
        _sweep(SCRATCH)
        room = shutil.disk_usage(SCRATCH).free if SCRATCH.is_dir() and os.access(SCRATCH, os.W_OK) else 0
        needed = sum(page.stat().st_size for page in pages)
        made = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=SCRATCH)) if room >= needed else None
    except OSError:
        made = None
    if made is None:
        yield fallback
        return
    try:
        yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)


def _sweep(scratch: Path) -> None:
    """Remove the scratch folders of builds whose process is gone."""
    for folder in scratch.glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: alive
        return True
    return True


def _settle(made: Path, previous: Path, into: Path) -> dict[str, list[object]]:
    """``into``: the bundle ``made``, each file the same as ``previous``'s of that name a hard link to it, the
    others written; returns its ``manifest``."""
    found: dict[str, list[object]] = {}
    folders: set[Path] = set()
    for path in sorted(p for p in made.rglob("*") if p.is_file()):
        name = path.relative_to(made).as_posix()
        data, target, old = path.read_bytes(), into / name, previous / name
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        try:
            same = old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            same = False
        if same:
            link_over(old, target)
        else:
            target.write_bytes(data)
        found[name] = _described(data)
    return found


def run(site: Path, output: Path, glob: str | None, exclude: Sequence[str] = EXCLUDE) -> None:
    done = subprocess.run(command(site, output, glob, exclude), capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [str(done.returncode)]
        raise SearchIndexError("search_failed", detail=detail[0])
    for name in UNUSED:
        (output / name).unlink(missing_ok=True)


def _replace(fresh: Path, entry: Path) -> None:
    """``fresh`` takes the place of ``entry``; the old entry is moved aside first, then removed."""
    old = entry.with_name(f".{entry.name}-old-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        entry.rename(old)
    fresh.rename(entry)
    shutil.rmtree(old, ignore_errors=True)


def labels(lang: str) -> dict[str, str]:
    """The search box's words, for the theme override (which has no access to our translations)."""
    return {key: i18n.t(f"ui.search.{key}", lang, count="{count}") for key in LABELS}
