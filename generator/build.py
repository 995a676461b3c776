"""The pipeline — ``build_site``: load and validate → derive → render → site builder → swap.

The command line and the live preview only parse their arguments and call
``build_site``; it returns a ``Summary`` (problems, errors and figures), never
prints and never raises for an editor's mistake.

Stages 5-7 — stage the pages, run the site builder, swap the result into place.

Everything is written into a staging folder next to ``--out``; MkDocs runs on
that folder in strict mode; only when all of it succeeded is the new site
renamed into place (the old one is renamed away first, then deleted). A build
that fails or is killed at any point leaves the previous site as it was. The
staged folder holds plain Markdown and assets, so any builder that reads a
``docs/`` folder (Zensical, later) can take MkDocs's place.

MkDocs itself works in a folder of the cache (``incremental.py``) that keeps
its last output, so after one edit it rebuilds only the pages whose staged
Markdown changed; the result is copied into staging and swapped in as above.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import dataclasses
import datetime as dt
import gc
import hashlib
import html
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import yaml

from . import address as site_address
from . import cascade, forked, history, i18n, incremental, palette, resources, reuse, search_index
from .derive import Figures, derive
from .model import Register, Unit
from .problems import Problem
from .progress import Progress
from .render import data as data_files
from .render import feed
from .render import pages
from .render import text as register_text

if TYPE_CHECKING:
    from .report import UnitRegister

MARKER = ".transparency-site"  # written into every site we build, so we only ever replace our own output
T = TypeVar("T")
CONTENT_ORDER = ("about.md", "methodology.md", "editors.md")


class BuildError(Exception):
    """A build that cannot go on; the message, from the translation table, is for the person who ran it."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key, self.args_ = key, args

    def message(self, lang: str = "vi") -> str:
        return i18n.t(f"build.{self.key}", lang, **self.args_)

    def __str__(self) -> str:
        return self.message("en")


Hook = Callable[[str], None]


@dataclass
class BuildOptions:
    register_path: Path
    out: Path
    project: Path = field(default_factory=resources.project_dir)
    cache: Path | None = None
    strict: bool = True
    progress: Progress | None = None
    pdfs: bool = True  # the monthly reports' PDFs (the live preview leaves them out: they take seconds)
    site_url: str | None = None  # --site-url; then SITE_URL in ``environ``, mkdocs.yml, the register
    environ: Mapping[str, str] | None = None  # None: this process's environment
    on_stage: Hook | None = None  # told the name of each stage as it starts (tests kill the build there)
    root_unit: Unit | None = None  # the root register's unit, when it names one (issue 15)

    @property
    def cache_dir(self) -> Path:
        return self.cache or resources.cache_dir(self.project)


@dataclass
class SiteOptions:
    """What ``build`` on the command line and the live preview ask for."""

    register: Path
    out: Path
    as_of: dt.date | None = None
    max_mb: float = 5
    project: Path | None = None  # the site's folder (content/, mkdocs.yml, site_templates/); default: current
    cache: Path | None = None
    progress: Progress | None = None
    on_stage: Hook | None = None
    site_url: str | None = None  # --site-url; then SITE_URL, mkdocs.yml, the register
    pdfs: bool = True  # the monthly reports' PDFs


@dataclass
class Summary:
    """What happened: ``status`` is ``built``, ``invalid`` (problems), ``unreadable`` or ``failed``."""

    status: str
    language: str = "vi"
    problems: list[Problem] = field(default_factory=list)
    report: BuildReport | None = None
    error: str = ""
    files: list[tuple[str, str, list[Problem]]] = field(default_factory=list)  # (path, language, problems) per register

    @property
    def ok(self) -> bool:
        return self.status == "built"


def build_site(options: SiteOptions) -> Summary:
    """The whole pipeline; the previous site stays in place unless every stage succeeded.

    With unit registers beside the root (``registers/*.yaml``, issue 15) every one is checked, and
    the set as a whole, before anything is built: one bad file and nothing changes."""
    hook = options.on_stage or (lambda name: None)
    hook("load")
    paths = cascade.discover(options.register)
    hook("validate")
    project = options.project or resources.project_dir()
    cache = options.cache or resources.cache_dir(project)
    checked = cascade.check(paths, options.as_of, int(options.max_mb * 1024 * 1024), cache / "validated")
    root = checked.root
    if root.result is None:
        return Summary("unreadable", error=root.error)
    lang = root.language
    files = cascade.problems_of(checked) if len(paths) > 1 else []
    result = root.result
    if not checked.ok or result.register is None or result.as_of is None:
        return Summary("invalid", lang, root.problems, files=files)
    hook("derive")
    sources = Sources(result.register, derive(result.register, result.as_of.date),
                      [UnitBuild(f, derive(f.result.register, f.result.as_of.date))
                       for f in checked.units if f.result and f.result.register and f.result.as_of])
    build_options = BuildOptions(options.register, options.out, project, options.cache, progress=options.progress,
                                 on_stage=options.on_stage, site_url=options.site_url, pdfs=options.pdfs,
                                 root_unit=root.unit)
    problems = root.problems
    del checked, root, result  # the build lets go of the registers once its pages are staged (Sources.release)
    try:
        report = build_from(sources, build_options)
    except BuildError as exc:
        return Summary("failed", lang, problems, error=exc.message(lang), files=files)
    return Summary("built", lang, problems, report, files=files)


@dataclass
class UnitBuild:
    """A unit register of the site (issue 15): checked, and its figures."""

    checked: cascade.Checked
    figures: Figures


@dataclass
class BuildReport:
    pages: int = 0
    pages_rebuilt: int = 0  # pages the site builder turned into HTML (all of them unless incremental)
    charts_drawn: int = 0
    charts_reused: int = 0
    sections_reused: int = 0  # unit sections taken from the cache, their inputs unchanged (issue 15)
    pages_reused: int = 0  # pages taken from the cache, their inputs unchanged (pages.Memo)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # said once after the build (e.g. PDFs skipped)
    address: site_address.SiteAddress = site_address.SiteAddress(None, None)


# Folders of the project that hold its sources: a site is never written inside one (the build would
# copy itself into itself, or overwrite what it is made from) nor over a folder that holds one.
SOURCE_FOLDERS = ("content", "generator", "site_templates", "schema", "tests", "tools", "benchmarks", ".git",
                  ".github")
CACHE_FOLDERS = ("site-builder", "charts", "history", "sections", "validated", "search", "reports", "pages")  # the preview may live in the cache, not in these


def check_out_dir(out: Path, project: Path, cache: Path | None = None) -> None:
    """Refuse to replace anything that is not a site we built (or an empty folder), and to write the
    site inside the project's sources or over a folder that holds them."""
    out = out.resolve()
    cache = (cache or resources.cache_dir(project)).resolve()
    sources = [(project / name).resolve() for name in SOURCE_FOLDERS] + [cache / name for name in CACHE_FOLDERS]
    sources += [resources.templates().resolve(), Path(__file__).resolve().parent]
    for source in [project.resolve(), Path.home().resolve(), cache, *sources]:
        if out == source or out in source.parents:
            raise BuildError("out_holds_sources", out=out, source=source)
    for source in sources:
        if source in out.parents:
            raise BuildError("out_inside_sources", out=out, source=source)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not _is_our_site(out))):
        raise BuildError("out_not_a_site", out=out, marker=MARKER)


def _marker_text(site: Path) -> str:
    """What the marker holds: our line and a digest of the site's top-level names, so that a marker
    copied into some other folder does not make that folder one we may replace."""
    names = sorted(p.name for p in site.iterdir() if p.name != MARKER)
    digest = hashlib.sha256("\n".join(names).encode("utf-8", "surrogateescape")).hexdigest()
    return f"built by python -m generator\nlayout: {digest}\n"


def _is_our_site(out: Path) -> bool:
    marker = out / MARKER
    if marker.is_symlink() or not marker.is_file() or marker.stat().st_size > 4096:
        return False
    return marker.read_text(encoding="utf-8", errors="replace") == _marker_text(out)


def build(register: Register, figures: Figures, options: BuildOptions,
          units: Sequence[UnitBuild] = ()) -> BuildReport:
    return build_from(Sources(register, figures, list(units)), options)


@dataclass
class Sources:
    """What a site is made from: the root register, its figures, the unit registers. The build lets go
    of them (``release``) once every page is staged: the site builder then holds every page in memory,
    and the two together were the build's peak (a province: 163 registers beside 17,000 pages)."""

    register: Register
    figures: Figures | None
    units: list[UnitBuild]

    def release(self) -> None:
        """Keep what the site builder needs (the register's settings and lists, not its tasks)."""
        self.register = dataclasses.replace(self.register, tasks=())
        self.figures, self.units = None, []
        gc.collect()


def build_from(sources: Sources, options: BuildOptions) -> BuildReport:
    report = BuildReport()
    started = time.perf_counter()
    options.out = options.out.resolve()
    check_out_dir(options.out, options.project, options.cache_dir)
    report.address = address = _address(sources.register, options)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{options.out.name}-build-", dir=options.out.parent))
    sections_store = reuse.Sections(options.cache_dir / "sections")
    docs = staging / "docs"
    clearing = threading.Thread(target=shutil.rmtree, args=(docs,), kwargs={"ignore_errors": True},
                                name="clear-staged-pages")
    try:
        stage = _Stages(report, options.progress, options.on_stage)
        subtrees = _stage_pages(sources, options, docs, stage, report, sections_store)
        sources.release()
        with incremental.workspace(options.cache_dir / "site-builder", staging) as ws:
            staged = stage("mkdocs", _site_builder, ws, staging, docs, sources.register, options, address.url,
                           subtrees is not None)
            report.pages = sum(1 for name in staged if name.endswith(".md"))
            report.pages_rebuilt = len(ws.rebuilt)
        sections_store.keep()  # the site builder has its copy: the units' staged sections back into the cache
        clearing.start()  # and the staged pages are removed while the search index is made (a second at 1,000 tasks)
        give_back_memory()
        stage("search", _search_index, staging / "site", subtrees or [], options.cache_dir / "search")
        (staging / "site" / MARKER).write_text(_marker_text(staging / "site"), encoding="utf-8")
        stage.hook("swap")
        _swap(staging / "site", options.out, ws.spare)
        incremental.make_spare(ws.site, ws.spare)
        stage.hook("done")
    finally:
        sections_store.keep()  # after a failure too: the staged sections are deterministic, worth keeping
        if clearing.is_alive():
            clearing.join()
        shutil.rmtree(staging, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def give_back_memory() -> None:
    """What the site builder held (every page) is garbage once it is done: collected, and the memory handed
    back to the system before Pagefind starts beside this process (1.3 GB at 10,000 tasks). Without it the
    process keeps the freed memory: 1,147 MB against 566 MB at 10,000 tasks. ``malloc_trim`` is glibc's; on
    another C library the collection alone is done. The texts kept for the pages (``i18n``, ``text``) go too:
    they were made all through the build, and each holds on to a block of memory the rest of which is free
    (550 → 438 MB at 10,000 tasks)."""
    i18n.forget()
    register_text.forget()
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _stage_pages(sources: Sources, options: BuildOptions, docs: Path, stage: _Stages, report: BuildReport,
                 store: reuse.Sections) -> list[tuple[str, list[str]]] | None:
    """Every page, picture and data file of the site into ``docs`` (the root's, then each unit's section).
    Nothing made here outlives it but the files, and, for a site with units, the subtrees under the root
    that the search index is split by (``search_index.groups``); None for a site of one register."""
    register, figures, units = sources.register, sources.figures, sources.units
    assert figures is not None, "the sources were released"
    url = report.address.url
    hand_written = stage("copy", _copy_sources, options.project, docs)
    found = stage("history", history.load_history, options.register_path, options.cache_dir / "history", register)
    links = _links(register, figures, options, units) if units else None
    site = pages.Site(register, figures, register.meta.language, edit_base=_edit_base(register, options),
                      history=found, site_url=url, templates=tuple(resources.template_dirs(options.project)[:-1]),
                      links=links)
    data = _DataBeside((_open_data, site, found, options.register_path, docs, links is None))
    try:
        data.start()
        stage("charts", _charts, site, docs, options, report)
        generated = _stage_the_rest(site, found, links, docs, options, stage, report, store, data)
    finally:
        data.stop()
    _check_hand_written(hand_written, generated, docs)
    return search_index.groups(links) if links is not None else None


@dataclass
class _DataBeside:
    """The open data (and, for a site of one register, the feed), written by a child forked once the
    history is read, while this process draws the charts, makes the monthly reports and renders the pages
    (the data files of 10,000 tasks take longer than a warm build's pages). Only while the build is its process's one
    thread: the live preview serves pages from others, and a fork's child could inherit a lock one of them
    holds; then the stages run in turn, in this process."""

    work: tuple[Callable[..., object], *tuple[object, ...]]
    child: forked.Forked | None = None

    def start(self) -> None:
        if threading.active_count() == 1:
            self.child = forked.Forked(*self.work)

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


def _stage_the_rest(site: pages.Site, found: history.History, links: cascade.Links | None, docs: Path,
                    options: BuildOptions, stage: _Stages, report: BuildReport, store: reuse.Sections,
                    data: _DataBeside) -> list[Path]:
    """The reports, the pages, the lists, the open data (``data``: written by a child, when one could be
    started), the feeds and, for a site with units, their sections; returns the pages written."""
    register, figures, url = site.register, site.figures, report.address.url
    with _Beside() as beside:
        generated = stage("reports", _monthly_reports, site, docs, options, report, beside)
        memo = pages.Memo(reuse.Pages(options.cache_dir / "pages"))
        generated += stage("pages", pages.render, site, docs, None, memo)
        memo.store.prune()
        report.pages_reused = memo.reused
        stage("list", pages.write_list_data, site, docs)
        if data.child is None:
            stage("data", data_files.write, register, figures, options.register_path, docs / "data", url)
            entries = stage("feed", _feed, site, found, docs / "feed.xml")
        else:
            report.stages["data_beside"] = stage("data", data.child.join)
            # the child wrote the feed of a site of one register (the stage is still told, and takes no
            # time); a site with units needs the feed's entries here, for the combined feed
            entries = stage("feed", _feed, site, found, docs / "feed.xml") if links is not None else stage("feed", list)
        if links is not None:
            sections: list[tuple[pages.Site, list[feed.Entry]]] = [(site, entries)]
            rows: dict[str, list[dict[str, object]]] = {}  # each unit's rows of data/all/, made with its section
            generated += stage("units", _unit_sections, site, links, docs, options, sections, rows, report, store)
            stage("feed_all", feed.write_combined, sections, docs / "units" / "feed.xml", url)
            stage("data_all", data_files.write_combined, links, docs / "data" / "all", url, rows)
        generated += stage("pdfs", _pdfs_beside, beside, site, docs, report)
    return generated


class _Stages:
    """Runs each stage, timing it into the report and telling the progress display."""

    def __init__(self, report: BuildReport, progress: Progress | None, on_stage: Hook | None = None) -> None:
        self.report, self.progress, self.on_stage = report, progress, on_stage

    def hook(self, name: str) -> None:
        if self.on_stage is not None:
            self.on_stage(name)

    def __call__(self, name: str, work: Callable[..., T], *args: object) -> T:
        self.hook(name)
        started = time.perf_counter()
        result = work(*args)
        self.report.stages[name] = time.perf_counter() - started
        if self.progress is not None:
            self.progress.stage_done(name, self.report.stages[name])
        return result


def _address(register: Register, options: BuildOptions) -> site_address.SiteAddress:
    try:
        return site_address.resolve(options.site_url, register.meta.site_url, options.project / "mkdocs.yml",
                                    options.environ, register.meta.language)
    except site_address.AddressError as exc:
        raise BuildError("address", reason=str(exc)) from exc


def _copy_sources(project: Path, docs: Path) -> list[str]:
    """The package's default pages and assets, then the body's own ``content/`` and
    ``site_templates/assets/`` over them (a body's file of the same name wins); returns the paths of
    the body's hand-written pages. A symbolic link or a special file in ``content/`` is refused:
    following one would publish whatever it points to (a system file, ``.git/config`` with a CI token)."""
    shutil.copytree(resources.default_content(), docs)
    content = project / "content"
    hand_written: list[str] = []
    if content.is_symlink():
        raise BuildError("content_link", path="content")
    if content.is_dir():
        for where, dirs, files in os.walk(content):
            for name in dirs + files:
                path = Path(where) / name
                if path.is_symlink() or not (path.is_dir() or path.is_file()):
                    raise BuildError("content_link", path=path.relative_to(project))
            hand_written += [(Path(where) / name).relative_to(content).as_posix() for name in files]
        shutil.copytree(content, docs, symlinks=True, dirs_exist_ok=True)
    for folder in reversed(resources.template_dirs(project)):
        if (folder / "assets").is_dir():
            shutil.copytree(folder / "assets", docs / "assets", dirs_exist_ok=True)
    (docs / "assets" / "palette.css").write_text(palette.css_variables(), encoding="utf-8")
    return hand_written


def _check_hand_written(hand_written: list[str], generated: list[Path], docs: Path) -> None:
    """A hand-written page may not take the path of a generated page, nor sit in a folder of generated
    pages or files (``content/tasks/999.md`` would pass for a task page, and ``content/tasks/1/index.md``
    would be published where task 1's page is)."""
    made = {p.relative_to(docs).as_posix() for p in generated}
    owned = {path.split("/")[0] for path in made if "/" in path} | {
        "assets", "charts", "data", "feed.xml", pages.LIST_DATA, search_index.BUNDLE}
    for page in hand_written:
        folder, _, name = page.rpartition("/")
        as_index = f"{folder}/index.md".lstrip("/") if name.lower() == "readme.md" else page
        if as_index in made or page.split("/")[0] in owned:
            taken = as_index if as_index in made else page.split("/")[0] + "/"
            raise BuildError("content_collision", page=f"content/{page}", generated=taken)


def _search_index(site: Path, subtrees: list[tuple[str, list[str]]], cache: Path) -> None:
    try:
        search_index.write(site, subtrees, cache)
    except search_index.SearchIndexError as exc:
        raise BuildError(exc.key, **exc.args_) from exc


def _charts(site: pages.Site, docs: Path, options: BuildOptions, report: BuildReport) -> None:
    try:
        from .render import charts
    except ImportError:  # the charts stage is optional until it lands
        return
    made = charts.all_charts(site.register, site.figures, site.lang)
    cache = options.cache_dir / "charts"
    stats = charts.render(made, docs / "charts", cache)
    report.charts_drawn, report.charts_reused = stats.drawn, stats.reused
    site.charts.update({c.name: c for c in made})


class _Beside:
    """Work that runs beside the later stages: the monthly report PDFs, rendered by worker processes on the
    other cores while this process stages the pages (a warm build's one PDF took 3 s of the stage alone).
    ``wait`` joins it and raises its failure; leaving the block waits for it in any case."""

    def __init__(self) -> None:
        self.pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="beside")
        self.futures: list[concurrent.futures.Future[object]] = []

    def __enter__(self) -> _Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, work: Callable[..., object], *args: object) -> None:
        self.futures.append(self.pool.submit(work, *args))

    def wait(self) -> None:
        for future in self.futures:
            future.result()


def _monthly_reports(site: pages.Site, docs: Path, options: BuildOptions, report: BuildReport,
                     beside: _Beside | None = None) -> list[Path]:
    """A report per month begun (issue 16): its page, and its PDF when the engine is installed (rendered
    ``beside`` the later stages when given). Returns the pages written."""
    from . import report as monthly
    from .render import report as report_pages

    made = monthly.all_reports(site.register, site.figures.as_of, site.history, _units_below(site))
    site.reports.extend(made)
    engine = report_pages.engine()
    pdfs: set[str] = set()
    if not options.pdfs:
        pass
    elif isinstance(engine, str):
        _no_pdfs(site, docs, report, engine)
    else:
        cache = options.cache_dir / "reports"
        # each month's document is prepared while the previous ones render, in parallel, one per core
        documents = ((report_pages.document(site.register, r, site.lang, site.site_url, site.templates),
                      docs / "reports" / f"{r.month.key}.pdf") for r in made)
        workers = min(os.cpu_count() or 1, len(made))
        if beside is None:
            try:
                pdfs = {path.stem for path in report_pages.write_pdfs(documents, cache, workers=workers)}
            except report_pages.EngineUnavailable as exc:
                _no_pdfs(site, docs, report, exc.reason)
        else:  # each month's PDF is written (or the build fails, or ``_pdfs_beside`` takes the links away)
            beside.run(report_pages.write_pdfs, documents, cache, workers, True)
            pdfs = {r.month.key for r in made}
    return pages.render(site, docs, report_pages.pages(made, pdfs))


def _no_pdfs(site: pages.Site, docs: Path, report: BuildReport, reason: str) -> None:
    """The monthly reports go without their PDFs: the build says why, and no PDF is left half the set."""
    report.notices.append(i18n.t("cli.pdf_engine_missing", site.lang, reason=i18n.t(f"cli.pdf_reason.{reason}", site.lang)))
    for made in site.reports:
        (docs / "reports" / f"{made.month.key}.pdf").unlink(missing_ok=True)


def _pdfs_beside(beside: _Beside, site: pages.Site, docs: Path, report: BuildReport) -> list[Path]:
    """Wait for the PDFs rendered beside the pages. When WeasyPrint, found before, fails to load in its
    workers after all (a library Pango needs in turn, a broken package), the site is still made: the
    reports' pages are made again without their PDF links. Returns the pages made again."""
    from .render import report as report_pages

    try:
        beside.wait()
    except report_pages.EngineUnavailable as exc:
        _no_pdfs(site, docs, report, exc.reason)
        return pages.render(site, docs, report_pages.pages(site.reports, set()))
    return []


def _units_below(site: pages.Site) -> list[UnitRegister]:
    """The registers of the units under this section, when its register asks its reports to list
    their overdue tasks (``unit.attention_below``, as the needs-attention page)."""
    from . import report as monthly

    unit = site.register.meta.unit
    if site.links is None or unit is None or not unit.attention_below:
        return []
    up = "../" * site.prefix.count("/")  # from this section to the site's root
    return [monthly.UnitRegister(s.name, up + s.prefix, s.register) for s in site.links.below(site.prefix)]


def _links(register: Register, figures: Figures, options: BuildOptions, units: Sequence[UnitBuild]) -> cascade.Links:
    root = cascade.SiteUnit(options.root_unit, str(options.register_path), "", register, figures)
    return cascade.site_links(root, [(u.checked, u.figures) for u in units])


def _unit_sections(root: pages.Site, links: cascade.Links, docs: Path, options: BuildOptions,
                   sections: list[tuple[pages.Site, list[feed.Entry]]], rows: dict[str, list[dict[str, object]]],
                   report: BuildReport, store: reuse.Sections) -> list[Path]:
    """Every unit's section under ``units/<id>/``: the same pages, list data, open data, charts, monthly
    reports and feed as the root's, from the same renderers with the section as their root. A section
    whose inputs are those of the last build is taken from the cache instead (``reuse.Sections``)."""
    written: list[Path] = []
    keys = _SectionKeys(root, links, options)
    made: list[_UnitSection] = []
    for section in links.sections[1:]:
        reg, prefix = section.register, section.prefix
        path, unit = Path(section.path), section.unit.id if section.unit else ""
        url = f"{root.site_url}{prefix}" if root.site_url else None
        # each register's own store (the root's prunes what it did not use; it never looks this deep)
        found = history.load_history(path, options.cache_dir / "history" / "units" / unit, reg)
        unit_options = BuildOptions(path, options.out, options.project, options.cache, pdfs=False)
        site = pages.Site(reg, section.figures, reg.meta.language, edit_base=_edit_base(reg, unit_options, root.register),
                          history=found, site_url=url, templates=root.templates, prefix=prefix, links=links)
        key = keys.of(section, found)
        kept = _reused_section(store.restore(unit, key, docs / prefix), docs / prefix)
        if kept is None:  # its feed's entries once its reports are made, below
            made.append(_UnitSection(section, site, found, key, unit_options, len(sections)))
            sections.append((site, []))
        else:
            entries, rows[prefix] = kept
            report.sections_reused += 1
            sections.append((site, entries))
    _unit_charts([m.site for m in made], docs, options)
    for m in made:
        site, where = m.site, docs / m.section.prefix
        written += _monthly_reports(site, where, m.options, BuildReport())
        written += pages.render(site, where)
        pages.write_list_data(site, where)
        data_files.write(site.register, m.section.figures, m.options.register_path, where / "data", site.site_url)
        entries = _feed(site, m.history, where / "feed.xml")
        sections[m.slot] = (site, entries)
        rows[m.section.prefix] = data_files.section_rows(m.section, root.site_url)
        store.save(m.section.unit.id if m.section.unit else "", m.key, where, (entries, rows[m.section.prefix]))
    return written


@dataclass(frozen=True)
class _UnitSection:
    """A unit's section to be rendered this build: its place in the tree, its pages' site, its history, its
    cache key, its options, and its slot in the list of sections (for the combined feed)."""

    section: cascade.SiteUnit
    site: pages.Site
    history: history.History
    key: str
    options: BuildOptions
    slot: int


def _open_data(site: pages.Site, found: history.History, register_path: Path, docs: Path, with_feed: bool) -> None:
    """The open data files, and the feed when ``with_feed`` (in the child forked beside the pages)."""
    data_files.write(site.register, site.figures, register_path, docs / "data", site.site_url)
    if with_feed:
        _feed(site, found, docs / "feed.xml")


def _feed(site: pages.Site, found: history.History, out: Path) -> list[feed.Entry]:
    """The section's feed, written; returns its entries (the combined feed of a site with units takes them)."""
    entries = feed.entries(site, found)
    feed.write(site, entries, out, site.site_url)
    return entries


def _reused_section(restored: tuple[object] | None, folder: Path) -> tuple[list[feed.Entry], list[dict[str, object]]] | None:
    """A section's feed entries and data rows as its cache entry kept them; None (and its files taken
    away again) when there is no entry or it holds something else."""
    if restored is None:
        return None
    extra = restored[0]
    if isinstance(extra, tuple) and len(extra) == 2 and isinstance(extra[0], list) and isinstance(extra[1], list):
        return extra[0], extra[1]
    shutil.rmtree(folder, ignore_errors=True)
    return None


class _SectionKeys:
    """What a unit section's files are made from, as a key (``reuse.Sections``): its register and every
    register its pages show (the parent's, for the tasks it contributes to and the agency it is; those
    below it, for contributions, roll-ups and their overdue tasks), the dates they are as of, its
    history, where it sits in the tree, and the site's settings and templates."""

    def __init__(self, root: pages.Site, links: cascade.Links, options: BuildOptions) -> None:
        self.links = links
        self.by_id = {s.unit.id: s for s in links.sections if s.unit}
        self.files: dict[str, str] = {}
        root_meta = root.register.meta
        self.site = (root.site_url, root_meta.repo_url, root_meta.edit_uri, str(options.project.resolve()),
                     reuse.folders_digest(root.templates))

    def _file(self, section: cascade.SiteUnit) -> tuple[str, str, str, int]:
        if section.path not in self.files:
            self.files[section.path] = reuse.file_digest(Path(section.path))
        return section.path, self.files[section.path], section.figures.as_of.isoformat(), section.depth

    def of(self, section: cascade.SiteUnit, found: history.History) -> str:
        parent = self.by_id.get(section.unit.parent) if section.unit and section.unit.parent else None
        related = [self._file(s) for s in [section, *([parent] if parent else []), *self.links.below(section.prefix)]]
        commits = [(r.commit.sha, r.commit.date.isoformat(), r.commit.subject, r.commit.blob) for r in found.revisions]
        return reuse.digest("section", section.prefix, self.site, related, found.available, found.reason, commits)


def _unit_charts(sites: list[pages.Site], docs: Path, options: BuildOptions) -> None:
    """Every unit's charts, each unit's in its own cache folder (a render prunes
    what it did not draw there; the root's folder never looks this deep)."""
    try:
        from .render import charts
    except ImportError:  # the charts stage is optional until it lands
        return
    groups = []
    for site in sites:
        made = charts.all_charts(site.register, site.figures, site.lang)
        unit = site.prefix.strip("/").rpartition("/")[2]
        groups.append((made, docs / site.prefix / "charts", options.cache_dir / "charts" / "units" / unit))
        site.charts.update({c.name: c for c in made})
    charts.render_many(groups)


def _edit_base(register: Register, options: BuildOptions, root: Register | None = None) -> str | None:
    """The address of ``tasks.yaml`` in the repository host's editor, when ``repo_url`` is set (a unit's
    register without its own takes the root register's: the same repository)."""
    meta = register.meta if register.meta.repo_url or root is None else root.meta
    repo = meta.repo_url
    if not repo:
        return None
    edit_uri = meta.edit_uri or "edit/main/"
    try:
        relative = options.register_path.resolve().relative_to(options.project.resolve()).as_posix()
    except ValueError:
        relative = options.register_path.name
    return f"{repo.rstrip('/')}/{edit_uri.strip('/')}/{relative}"


def navigation(register: Register, docs: Path, with_units: bool = False) -> list[dict[str, object]]:
    lang = register.meta.language
    nav: list[dict[str, object]] = [
        {i18n.t("ui.nav.home", lang): "index.md"},
        {i18n.t("ui.nav.tasks", lang): "tasks/index.md"},
        {i18n.t("ui.nav.attention", lang): "attention/index.md"},
        {i18n.t("ui.nav.reports", lang): "reports/index.md"},
        {i18n.t("ui.nav.agencies", lang): "agencies/index.md"},
        {i18n.t("ui.nav.groups", lang): "groups/index.md"},
        {i18n.t("ui.nav.blocs", lang): "blocs/index.md"},
        {i18n.t("ui.nav.data", lang): "open-data/index.md"},
        {i18n.t("ui.nav.changes", lang): "changes/index.md"},
    ]
    if with_units:  # the registers of the units below (issue 15); their sections are reached from there
        nav.insert(1, {i18n.t("ui.nav.units", lang): "units/index.md"})
    hand_written = sorted((p.name for p in docs.glob("*.md") if p.name != "index.md"),
                          key=lambda n: (CONTENT_ORDER.index(n) if n in CONTENT_ORDER else len(CONTENT_ORDER), n))
    nav.append({i18n.t("ui.nav.about", lang): hand_written + ["format/index.md", "errors/index.md"]})
    return nav


def _site_builder(ws: incremental.Workspace, staging: Path, docs: Path, register: Register,
                  options: BuildOptions, site_url: str | None, with_units: bool = False) -> list[str]:
    """MkDocs in the builder's workspace (rebuilding only what changed when it can), linked out to staging.
    Returns the staged files."""
    nav = navigation(register, docs, with_units)
    settings_file = _write_settings(ws, options.project)
    theme = _theme_dir(ws, options.project)
    config = _write_config(staging, ws, nav, register, settings_file, theme, site_url)
    settings = config.read_text(encoding="utf-8") + settings_file.read_text(encoding="utf-8")
    settings += resources.default_settings().read_text(encoding="utf-8")
    entries = _nav_pages(nav)
    staged = incremental.staged_files(docs)
    untitled = [docs / page for page, titled in entries if not titled]
    fingerprint = incremental.fingerprint(settings, [theme], staged, untitled)
    incremental.prepare(ws, docs, staged, fingerprint, [page for page, _ in entries])
    with incremental.fresh_outputs():
        _run_mkdocs(config, options.strict, dirty=ws.incremental, lang=register.meta.language)
    incremental.finish(ws)
    incremental.link_out(ws.site, staging / "site", ws.spare)
    return staged


def _nav_pages(nav: Sequence[object]) -> list[tuple[str, bool]]:
    """Every page in the navigation, and whether the navigation gives its title (else MkDocs reads it)."""
    found: list[tuple[str, bool]] = []
    for item in nav:
        if not isinstance(item, dict):
            found.append((str(item), False))
            continue
        for value in item.values():
            found += _nav_pages(value) if isinstance(value, list) else [(str(value), True)]
    return found


def _write_settings(ws: incremental.Workspace, project: Path) -> Path:
    """The body's ``mkdocs.yml`` over the package's defaults: MkDocs's ``INHERIT`` merges the two,
    the body's keys winning (dictionaries such as ``theme`` merge key by key; lists are replaced)."""
    defaults = resources.default_settings().resolve()
    own = project / "mkdocs.yml"
    text = own.read_text(encoding="utf-8") if own.is_file() else ""
    if not re.search(r"^INHERIT\s*:", text, re.MULTILINE):
        text = f"INHERIT: {yaml.safe_dump(str(defaults)).splitlines()[0]}\n" + text
    path = ws.root / "settings.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _theme_dir(ws: incremental.Workspace, project: Path) -> Path:
    """The theme overrides: the package's, or those merged with the body's ``site_templates/overrides/``."""
    folders = [d / "overrides" for d in resources.template_dirs(project) if (d / "overrides").is_dir()]
    if len(folders) == 1:
        return folders[0].resolve()
    merged = ws.root / "theme"
    shutil.rmtree(merged, ignore_errors=True)
    for folder in reversed(folders):
        shutil.copytree(folder, merged, dirs_exist_ok=True)
    return merged


def _write_config(staging: Path, ws: incremental.Workspace, nav: list[dict[str, object]], register: Register,
                  settings: Path, theme: Path, site_url: str | None) -> Path:
    """A config that inherits the site's settings and points them at the builder's workspace."""
    config = {
        "INHERIT": str(settings),
        "docs_dir": str(ws.docs),
        "site_dir": str(ws.site),
        "use_directory_urls": True,
        "nav": nav,
        "theme": {"language": register.meta.language, "custom_dir": str(theme)},
        "extra_css": ["assets/palette.css", "assets/site.css", "assets/report.css", "assets/print.css",
                      "assets/list.css", "assets/search.css"],
        "extra_javascript": ["assets/tables.js", "assets/search.js"],
        "extra": {"feed_title": i18n.t("ui.feed.title", register.meta.language),
                  "search": search_index.labels(register.meta.language),
                  "notfound": {k: i18n.t(f"ui.notfound.{k}", register.meta.language) for k in ("title", "text", "home")},
                  **_shell_extra(register)},
        # Always ours (checked), never one inherited unchecked from mkdocs.yml; empty = relative links.
        "site_url": site_url or "",
    }
    if register.meta.issuer and not _own_site_name(settings):  # the header names who made the promises
        # The theme prints site_name unescaped in places (the header, <title>): it must arrive escaped.
        config["site_name"] = html.escape(register.meta.issuer)
    path = staging / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _own_site_name(settings: Path) -> bool:
    """Whether the body's settings name the site otherwise than the package's defaults (then theirs wins)."""
    def name(text: str) -> str | None:
        found = re.search(r"^site_name\s*:\s*(.+?)\s*$", text, re.MULTILINE)
        return found.group(1) if found else None

    own = name(settings.read_text(encoding="utf-8"))
    return own is not None and own != name(resources.default_settings().read_text(encoding="utf-8"))


def _shell_extra(register: Register) -> dict[str, object]:
    """What the page shell (site_templates/overrides) shows besides the pages: the issuer and the
    data licence in the footer, the language of the link previews."""
    meta = register.meta
    return {"issuer": meta.issuer or "", "licence": meta.licence or "", "licence_url": meta.licence_url or "",
            "licence_label": i18n.t("ui.footer.licence", meta.language),
            "og_locale": "vi_VN" if meta.language == "vi" else "en_GB", "generator": False}


class _DirtyNotice(logging.Filter):
    """MkDocs warns that a dirty build may leave stale navigation; ours rebuilds every navigation page
    and falls back to a full build whenever the set of pages changes, so the warning does not apply and
    must not fail a strict build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


# Read by the package's mkdocs.yml (``!ENV``): the title of every heading's ¶ link, in the register's language.
PERMALINK_TITLE = "SONHIEMVU_PERMALINK_TITLE"


def _run_mkdocs(config_path: Path, strict: bool, dirty: bool = False, lang: str = "vi") -> None:
    from mkdocs import exceptions
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from .builder_plugin import CompiledTheme

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    notice = _DirtyNotice()
    logging.getLogger("mkdocs.commands.build").addFilter(notice)
    before = os.environ.get(PERMALINK_TITLE)
    os.environ[PERMALINK_TITLE] = i18n.t("ui.permalink", lang)
    try:
        config = load_config(str(config_path), strict=strict)
        config.plugins[CompiledTheme.NAME] = CompiledTheme()
        mkdocs_build(config, dirty=dirty)
    except (exceptions.MkDocsException, exceptions.Abort) as exc:
        raise BuildError("site_builder", reason=exc) from exc
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(notice)
        if before is None:
            os.environ.pop(PERMALINK_TITLE, None)
        else:
            os.environ[PERMALINK_TITLE] = before


def _swap(new: Path, out: Path, spare: Path | None = None) -> None:
    """Replace ``out`` by ``new``. Where the kernel can exchange two paths in one step
    (Linux ``renameat2(RENAME_EXCHANGE)``) there is no moment without a site; elsewhere
    two renames leave a window of microseconds. The replaced site is kept as ``spare`` for the
    next build (``incremental.link_out``) where it can be."""
    if out.exists() and _exchange(new, out):
        incremental.keep_spare(new, spare)  # ``new`` now holds the previous site
        return
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
    try:
        new.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; False where the system cannot."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


__all__ = ["BuildError", "BuildOptions", "BuildReport", "SiteOptions", "Summary", "build", "build_site",
           "check_out_dir", "derive"]
