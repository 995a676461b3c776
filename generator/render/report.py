"""The monthly report on the site (``reports/YYYY-MM/``) and on paper (``reports/YYYY-MM.pdf``).

The data comes from ``generator.report``; the words and layout from the
templates ``report*.j2`` and ``assets/print.css``. The PDF is made by
WeasyPrint (see the README for why), from a standalone HTML document that
embeds the DejaVu font matplotlib ships (it covers Vietnamese). Without
WeasyPrint (or the Pango library it needs) the build says so once and goes on
without PDFs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import hashlib
import importlib.util
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import files, i18n
from ..model import Agency, Register
from ..report import AT_RISK_PROGRESS, PARTS, Concern, LateUnit, MonthlyReport, OverdueBelow
from .. import resources
from .pages import Page, environment

TEMPLATES = resources.templates()
PRINT_CSS = TEMPLATES / "assets" / "print.css"
REPORT_CSS = TEMPLATES / "assets" / "report.css"
FONT_FILES = {("normal", "normal"): "DejaVuSerif.ttf", ("bold", "normal"): "DejaVuSerif-Bold.ttf",
              ("normal", "italic"): "DejaVuSerif-Italic.ttf", ("bold", "italic"): "DejaVuSerif-BoldItalic.ttf"}


# Items per list on the report's web page: 10,000 tasks made a 6.7 MB page.
WEB_ROWS = 100
# On paper (the Standing Board's meeting): the most urgent overdue/at-risk tasks in full, with the quoted
# difficulties and proposals; every other one as one row of a compact table. Other lists name their items
# after DOC_ROWS by number. 1,000 tasks made a 148-page December report.
DOC_CARDS = 30
DOC_ROWS = 30
# After the cards, the compact table stops after DOC_TABLE rows (about seven pages); the overdue and at-risk
# tasks after them are named by number under their lead agency. 10,000 tasks made a 226-page December report
# (4,940 rows), rendered in minutes, which no meeting reads; nothing overdue leaves the paper.
DOC_TABLE = 200


def late_split(units: list[LateUnit], cap: int) -> tuple[list[LateUnit], list[LateUnit]]:
    """The units late in reporting as a report shows them: the first ``cap`` tasks in its table (a unit
    cut short keeps its first ones there), the others after it, by unit."""
    shown: list[LateUnit] = []
    rest: list[LateUnit] = []
    left = cap
    for unit in units:
        if left > 0:
            shown.append(LateUnit(unit.agency, unit.tasks[:left]))
        if len(unit.tasks) > left:
            rest.append(LateUnit(unit.agency, unit.tasks[max(left, 0):]))
        left -= len(unit.tasks)
    return shown, rest


def numbers_by(pairs: Iterable[tuple[str, int]]) -> list[tuple[str, list[int]]]:
    """Task numbers grouped by ``(group, number)`` pairs: each group where its first number comes, each
    group's numbers in their order."""
    grouped: dict[str, list[int]] = {}
    for group, number in pairs:
        grouped.setdefault(group, []).append(number)
    return list(grouped.items())


def by_unit(below: list[OverdueBelow]) -> list[tuple[str, list[int]]]:
    """The units' overdue tasks by unit name, in the report's order (longest overdue first)."""
    return numbers_by((overdue.unit.name, overdue.task.id) for overdue in below)


def by_lead(concerns: list[Concern], agencies: Mapping[str, Agency]) -> list[tuple[str, list[int]]]:
    """The tasks of ``concerns`` by the name of their lead agency, in the report's order (most urgent first)."""
    return [(agencies[lead].name, ids) for lead, ids in numbers_by((c.task.lead, c.task.id) for c in concerns)]


CONTEXT = {"parts": PARTS, "at_risk_progress": AT_RISK_PROGRESS, "web_rows": WEB_ROWS,
           "doc_cards": DOC_CARDS, "doc_rows": DOC_ROWS, "doc_table": DOC_TABLE, "late_split": late_split,
           "by_lead": by_lead, "by_unit": by_unit}


def title(register: Register, report: MonthlyReport, lang: str) -> str:
    return i18n.t("report.title", lang, title=register.meta.title, month=report.month.month, year=report.month.year)


def pages(reports: list[MonthlyReport], pdfs: set[str]) -> list[Page]:
    """The site's pages: one per month, and the list of them."""
    found = [Page("report.md.j2", f"reports/{r.month.key}/index.md", {"r": r, "pdf": r.month.key in pdfs, **CONTEXT})
             for r in reports]
    found.append(Page("reports.md.j2", "reports/index.md", {"reports": list(reversed(reports)), "pdfs": pdfs}))
    return found


def document(register: Register, report: MonthlyReport, lang: str, base: str | None,
             templates: tuple[Path, ...] = ()) -> str:
    """The report as one standalone HTML document, styles and font included, for the PDF engine.
    ``templates``: a body's template folders, before the package's (as for the site's pages)."""
    template = environment(lang, templates).get_template("report-document.html.j2")
    return template.render(reg=register, r=report, lang=lang, base=base, title=title(register, report, lang), **CONTEXT,
                           css=PRINT_CSS.read_text(encoding="utf-8") + REPORT_CSS.read_text(encoding="utf-8"),
                           fonts=font_faces())


def font_faces() -> list[dict[str, str]]:
    """``@font-face`` sources: the DejaVu Serif files shipped with matplotlib (a pinned dependency)."""
    folder = font_folder()
    if folder is None:
        return []
    return [{"weight": w, "style": s, "url": (folder / name).as_uri()} for (w, s), name in FONT_FILES.items()
            if (folder / name).is_file()]


@lru_cache(maxsize=1)
def font_folder() -> Path | None:
    """matplotlib's font folder, found without importing matplotlib (0.12–0.18 s, in every build that makes
    the reports' documents); by its import where the package is laid out otherwise."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None:
        return None
    for location in spec.submodule_search_locations or ():
        folder = Path(location) / "mpl-data" / "fonts" / "ttf"
        if folder.is_dir():
            return folder
    try:
        import matplotlib
    except ImportError:
        return None
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@dataclass(frozen=True)
class Engine:
    name: str
    version: str

    @property
    def module(self) -> Any:
        """WeasyPrint itself, imported when a PDF is rendered in this process (its import takes ~0.6 s,
        most of it looking for its system libraries: a build whose PDFs are rendered by workers or
        taken from the cache never pays it). ``EngineUnavailable`` when the import fails after all."""
        try:
            import weasyprint
        except ImportError as exc:  # a package WeasyPrint needs is missing or broken
            raise EngineUnavailable("weasyprint_missing") from exc
        except OSError as exc:  # a library Pango needs in turn is missing
            raise EngineUnavailable("pango_missing") from exc
        return weasyprint


class EngineUnavailable(Exception):
    """WeasyPrint was found but cannot be imported; ``reason`` as ``engine`` names it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# The system libraries WeasyPrint loads (text/ffi.py): when all are found, it is taken to run without
# importing it here; when one is not, the import decides (it may know other places to look).
SYSTEM_LIBRARIES = ("gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig")


@lru_cache(maxsize=1)
def engine() -> Engine | str:
    """WeasyPrint, or why it cannot run (not installed, or its system libraries are missing)."""
    if importlib.util.find_spec("weasyprint") is None:
        return "weasyprint_missing"
    try:
        version = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return "weasyprint_missing"
    found = Engine("WeasyPrint", version)
    if not _loadable(SYSTEM_LIBRARIES):
        try:
            found.module  # noqa: B018 - the import decides
        except EngineUnavailable as exc:  # installed, but Pango/HarfBuzz are not on the system
            return exc.reason
    return found


def _loadable(names: Iterable[str]) -> bool:
    """Whether each library is found and loads (a library it needs in turn may be missing)."""
    for name in names:
        found = ctypes.util.find_library(name)
        if not found:
            return False
        try:
            ctypes.CDLL(found)
        except OSError:
            return False
    return True


def write_pdf(html: str, out: Path, cache: Path | None = None) -> bool:
    """Write the PDF of ``html`` to ``out`` (reused from ``cache`` when the same document was made before).
    False when there is no engine."""
    return bool(write_pdfs([(html, out)], cache, workers=0))


def write_pdfs(documents: Iterable[tuple[str, Path]], cache: Path | None = None, workers: int = 0,
               always_workers: bool = False) -> list[Path]:
    """Write the PDF of each ``(html, out)``; returns the files written (none when there is no engine).
    A document made before is copied from ``cache``; the others are rendered in up to ``workers``
    worker processes, the next document prepared while the previous ones render (in this process when
    ``workers`` < 2 or only one is to be rendered, unless ``always_workers``: the caller has other work
    for this process meanwhile). Each file is written whole or not at all; the first failure is raised
    once the running renders have stopped, and no further document is started."""
    found = engine()
    if isinstance(found, str):
        return []
    written: list[Path] = []
    with _Renderer(workers, always_workers) as renderer:
        for html, out in documents:
            cached = cache / f"{_cache_key(found, html)}.pdf" if cache else None
            if cached and cached.is_file():
                _write(out, cached.read_bytes())
                written.append(out)
            else:
                renderer.submit(html, (out, cached))
            written += (_keep(data, *where) for data, where in renderer.finished())
        written += (_keep(data, *where) for data, where in renderer.rest())
    return written


def _cache_key(found: Engine, html: str) -> str:
    return hashlib.sha256(f"{found.version}\0{html}".encode()).hexdigest()[:32]


def _keep(data: bytes, out: Path, cached: Path | None) -> Path:
    _write(out, data)
    if cached:
        _write(cached, data)
    return out


def render_pdf(html: str) -> bytes:
    """The PDF of one document (in a worker process, or in this one)."""
    found = engine()
    if isinstance(found, str):  # the parent found the engine: a worker that cannot is broken
        raise RuntimeError(found)
    data: bytes = found.module.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return data


Where = tuple[Path, Path | None]


class _Renderer:
    """Renders documents in worker processes, gives back each PDF with what it was tagged with. The pool
    starts with the second document to render: a single one (a warm build after one edit) is rendered in
    this process, without starting workers (unless ``always``). They are started afresh (``spawn``): a fork would copy the
    build's whole memory (the register, its figures, the site's pages) into each of them."""

    def __init__(self, workers: int, always: bool = False) -> None:
        self.workers, self.always = workers, always
        self.pool: ProcessPoolExecutor | None = None
        self.held: tuple[str, Where] | None = None
        self.pending: list[tuple[Future[bytes], Where]] = []
        self.done: list[tuple[bytes, Where]] = []

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:  # after a failure: nothing new starts, the running renders end first
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, html: str, where: Where) -> None:
        parallel = self.workers >= 2 or (self.always and self.workers >= 1)
        if parallel and self.pool is None and self.held is None and not self.always:
            self.held = (html, where)  # the pool waits for a second document
            return
        if parallel and self.pool is None:
            self._start()
        queue = [self.held, (html, where)] if self.held is not None else [(html, where)]
        self.held = None
        for document, tag in queue:
            if self.pool is None:
                self.done.append((render_pdf(document), tag))
            else:
                self.pending.append((self.pool.submit(render_pdf, document), tag))

    def _start(self) -> None:
        try:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_end_with, initargs=(os.getpid(),))
        except OSError:  # no processes to be had here (a sandbox without /dev/shm): render in turn
            self.workers = 0

    def finished(self) -> list[tuple[bytes, Where]]:
        """The PDFs ready now (raising a worker's failure)."""
        ready, waiting, self.done = self.done, [], []
        for future, where in self.pending:
            if future.done():
                ready.append((future.result(), where))
            else:
                waiting.append((future, where))
        self.pending = waiting
        return ready

    def rest(self) -> Iterator[tuple[bytes, Where]]:
        """Every PDF still to come, each as soon as it is ready."""
        if self.held is not None:
            html, where = self.held
            self.held = None
            self.done.append((render_pdf(html), where))
        yield from self.finished()
        futures = {future: where for future, where in self.pending}
        self.pending = []
        for future in as_completed(futures):
            yield future.result(), futures[future]


def _end_with(parent: int) -> None:
    """In a worker: end as soon as the build that started it is gone. A build killed outright cannot stop
    its workers, which would render on, then wait for work forever, holding the build's output open."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-build", daemon=True).start()


def _write(path: Path, data: bytes) -> None:
    """Through a temporary name: a killed run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_new(path, data)


class ReportError(Exception):
    """A report that cannot be made; the message is for the person who asked for it."""


def make(register: Register, as_of: dt.date, month_text: str, register_path: Path, out: str | None) -> Path:
    """``python -m generator report``: the report of one month, as PDF (or HTML when ``out`` ends in .html)."""
    from .. import history
    from ..report import Month, monthly_report, months_begun

    lang = register.meta.language
    begun = months_begun(register, as_of)
    try:
        month = Month.parse(month_text)
    except ValueError:
        month = None
    if month is None or month not in begun:
        first, last = (begun[0].key, begun[-1].key) if begun else ("—", "—")
        raise ReportError(i18n.t("cli.bad_month", lang, value=month_text[:20], first=first, last=last))
    found = history.load_history(register_path, None, register)
    report = monthly_report(register, month, as_of, found)
    target = Path(out) if out else Path(f"bao-cao-{month.key}.pdf")
    html = document(register, report, lang, register.meta.site_url)
    if target.suffix.lower() in (".html", ".htm"):
        _write(target, html.encode("utf-8"))
        return target
    state = engine()
    try:
        if isinstance(state, str):
            raise EngineUnavailable(state)
        write_pdf(html, target)
    except EngineUnavailable as exc:
        raise ReportError(i18n.t("cli.pdf_engine_missing", lang, reason=i18n.t(f"cli.pdf_reason.{exc.reason}", lang))) from None
    return target
