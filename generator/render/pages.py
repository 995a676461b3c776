"""Stage 5a — the Markdown pages, rendered from the Jinja2 templates in ``site_templates/``.

This module decides *which* pages exist and what each is given; the
templates decide how they look. Register text reaches a page only through
the ``md`` (safe Markdown → HTML) and ``md_text`` (escaped plain text)
filters or Jinja's HTML autoescaping.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo
from pathlib import Path
from typing import Any

import jinja2

from .. import diff, i18n, model, resources, shapes
from ..derive import PARTITION, Figures, Since, TaskFigures, cadence_of, key_targets, late_by_agency, since_last_month
from ..model import Register, Task
from . import data, text

DUE_SOON_DAYS = 30
RECENT_REPORTS = 10
# Rows per table of "needs attention": the most urgent first; the rest are one link away (the task list
# filtered and sorted the same way), so the page stays small for a phone at any size of register.
ATTENTION_ROWS = 100


def task_path(number: int) -> str:
    """A task page's Markdown in the docs folder: ``tasks/17.md``, which the site builder (directory URLs)
    publishes as ``tasks/17/``. A file of its own and not ``tasks/17/index.md``: a folder for each of a
    thousand tasks took a fifth of a second to make in every build."""
    return f"tasks/{number}.md"


@dataclass(frozen=True)
class Page:
    template: str
    path: str  # inside the docs folder, e.g. "tasks/index.md", "tasks/17.md" (a task's: ``task_path``)
    context: dict[str, Any] = field(default_factory=dict)
    # True: the template is given its own ``context`` and nothing of the site beyond it (no ``fig``, no whole
    # ``site``), so the page is wholly made from what its context holds: rendered once per set of inputs and
    # reused while they stay the same (``Memo``; a task page, ``task_page``).
    own: bool = False

    @property
    def root(self) -> str:
        """Relative prefix from this page's URL to the site root (directory URLs)."""
        depth = self.path.count("/")
        if not self.path.endswith("index.md"):
            depth += 1
        return "../" * depth


@dataclass(frozen=True)
class Site:
    """Everything a template may read, shared by all pages."""

    register: Register
    figures: Figures
    lang: str
    charts: dict[str, Any] = field(default_factory=dict)
    edit_base: str | None = None
    history: Any = None  # history.History, when the build runs in a git checkout
    reports: list[Any] = field(default_factory=list)  # report.MonthlyReport per month begun, oldest first
    site_url: str | None = None  # the public address (ends in "/"), when known
    templates: tuple[Path, ...] = ()  # where templates are looked up first (a body's own); then the package's
    prefix: str = ""  # the register's section of the site: "" for the root, else "units/<id>/" (issue 15)
    links: Any = None  # cascade.Links: the unit tree and the ties between registers; None for one register

    @property
    def site_root(self) -> str:
        """From this section's root to the site's (``../../`` under ``units/<id>/``)."""
        return "../" * self.prefix.count("/")

    def task_row(self, task: Task) -> dict[str, Any]:
        return {"task": task, "f": self.figures.tasks[task.id], "agency": self.register.agencies[task.lead],
                "group": self.register.groups[task.group],
                "bloc": self.register.blocs[self.register.agencies[task.lead].bloc],
                "part": list_part(self.figures.tasks[task.id])}

    def rows(self, tasks: Any = None) -> list[dict[str, Any]]:
        return [self.task_row(t) for t in (self.register.tasks if tasks is None else tasks)]

    def edit_url(self, task: Task) -> str | None:
        return f"{self.edit_base}#L{task.line}" if self.edit_base else None

    @cached_property
    def since(self) -> Since:
        """What changed since the end of the previous month (derive.since_last_month)."""
        return since_last_month(self.register, self.figures, history_changes(self.history, self.register.meta.timezone))


def history_changes(history: Any, timezone: str) -> list[tuple[dt.date, str, int]] | None:
    """(local date of the commit, kind, task) of every change in the git history; None without history."""
    if history is None or not getattr(history, "available", False):
        return None
    zone = ZoneInfo(timezone)
    return [(rev.commit.date.astimezone(zone).date(), change.kind, change.task)
            for rev in history.revisions for change in rev.changes]


# The task list's status filter: the parts of the one partition (issue 11), then two unions.
LIST_PARTS = ("done_early", "done_on_day", "done_late", "overdue", "in_progress", "not_started", "paused",
              "cancelled")
LIST_UNIONS = ("done", "not_yet_due")


def list_part(f: Any) -> str:
    """The one part of the partition a task's row belongs to: done tasks by their completion against
    the deadline, open tasks past their deadline overdue whatever their status, the others by status."""
    if f.status == "done":
        return "done_early" if f.early else "done_late" if f.late else "done_on_day"
    if f.overdue:
        return "overdue"
    return str(f.status)


LIST_PAGE_SIZE = 200  # rows per page of the task list: ~1 KB of HTML each, well under 500 KB a page
TABLE_PAGE_SIZE = 200  # rows per page of the task tables of a group, bloc or agency (pages.paged)
LIST_CHUNK_SIZE = 1000  # tasks per file of the list's data, fetched one after another by tables.js
LIST_DATA = "list"  # not under tasks/, where every folder is a task


def list_page_path(number: int) -> str:
    return "tasks/index.md" if number == 1 else f"tasks/page/{number}/index.md"


def list_pages(site: Site, size: int | None = None) -> Iterator[Page]:
    """The task list, by number, ``size`` tasks a page: ``tasks/``, ``tasks/page/2/``, … (stable
    addresses; complete without JavaScript). With JavaScript, filtering and sorting work over all
    tasks from the list's data (``write_list_data``)."""
    size = size or LIST_PAGE_SIZE
    ordered = sorted(site.register.tasks, key=lambda t: t.id)
    count = max(1, -(-len(ordered) // size))
    for number in range(1, count + 1):
        part = ordered[(number - 1) * size:number * size]
        yield Page("tasks.md.j2", list_page_path(number), {
            "parts": LIST_PARTS, "unions": LIST_UNIONS, "rows": site.rows(part), "page_number": number,
            "page_count": count, "first": part[0].id if part else 0, "last": part[-1].id if part else 0,
        })


def list_data(site: Site, chunk: int | None = None) -> dict[str, Any]:
    """The task list as compact data: names once, then one short row per task, in files of ``chunk``."""
    chunk = chunk or LIST_CHUNK_SIZE
    reg, fig = site.register, site.figures
    groups, agencies = list(reg.groups), sorted(reg.agencies, key=lambda a: reg.agencies[a].name)
    group_at, agency_at = {g: i for i, g in enumerate(groups)}, {a: i for i, a in enumerate(agencies)}
    rows = []
    for task in sorted(reg.tasks, key=lambda t: t.id):
        f = fig.tasks[task.id]
        rows.append([task.id, task.title, group_at[task.group], agency_at[task.lead], task.deadline.isoformat(),
                     f.status, list_part(f), f.progress, f.days_overdue])
    meta = {
        "total": len(rows), "chunks": -(-len(rows) // chunk),
        "fields": ["id", "title", "group", "agency", "deadline", "status", "part", "progress", "days_overdue"],
        "groups": [[g, reg.groups[g].name] for g in groups],
        "agencies": [[a, reg.agencies[a].name, reg.agencies[a].bloc] for a in agencies],
        "status": {s: i18n.t(f"status.{s}", site.lang) for s in ("not_started", "in_progress", "paused", "done",
                                                                 "cancelled")},
        "overdue": i18n.t("ui.overdue_days", site.lang, days="{days}"),
    }
    return {"meta": meta, "chunks": [rows[i:i + chunk] for i in range(0, len(rows), chunk)]}


def write_list_data(site: Site, docs: Path) -> None:
    import json

    folder = docs / LIST_DATA
    folder.mkdir(parents=True, exist_ok=True)
    made = list_data(site)

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    (folder / "meta.json").write_text(dump(made["meta"]), encoding="utf-8")
    for i, rows in enumerate(made["chunks"]):
        (folder / f"{i}.json").write_text(dump(rows), encoding="utf-8")


@dataclass(frozen=True)
class Pager:
    """Where one page of a long table sits among its pages: ``base/`` (the first, with the headline
    figures), ``base/page/2/``, … (stable addresses, linked to each other without JavaScript)."""

    base: str  # e.g. "agencies/so-tai-chinh" (no slash at either end)
    number: int
    count: int
    first: int  # position (1-based) of the page's first row among all rows; 0 when there are none
    last: int
    total: int

    @property
    def path(self) -> str:
        return paged_path(self.base, self.number)

    def href(self, number: int) -> str:
        """The address of page ``number``, relative to the site root."""
        return self.base + "/" if number == 1 else f"{self.base}/page/{number}/"


def paged_path(base: str, number: int) -> str:
    return f"{base}/index.md" if number == 1 else f"{base}/page/{number}/index.md"


def paged(base: str, items: list[Any], size: int | None = None) -> Iterator[tuple[Pager, list[Any]]]:
    """``items`` cut into pages of ``size`` (``TABLE_PAGE_SIZE``): one page at least."""
    size = size or TABLE_PAGE_SIZE
    count = max(1, -(-len(items) // size))
    for number in range(1, count + 1):
        part = items[(number - 1) * size:number * size]
        start = (number - 1) * size
        yield Pager(base, number, count, start + 1 if part else 0, start + len(part), len(items)), part


class _Bytecode(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs in Jinja's folder for them (``$TMPDIR/_jinja2-cache-<uid>``,
    private to the user): each is keyed by the template's path and checked against its source, so an
    edited template is compiled again. Compiling the templates costs ~0.8 s per environment, a
    measurable part of a warm build. A folder that cannot be written only means compiling again."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


# Jinja's bytecode depends on the environment's settings, not only on the template: each kind of environment
# keeps its own files (``PAGES``: ours; ``BUILDER``: the site builder's theme, ``builder_plugin.CompiledTheme``).
PAGES, BUILDER = "__jinja2_%s.cache", "__builder_jinja2_%s.cache"


@functools.lru_cache(maxsize=None)
def bytecode_cache(pattern: str = PAGES) -> jinja2.BytecodeCache | None:
    """The kept compiled templates of one kind of environment (``PAGES`` or ``BUILDER``)."""
    try:
        return _Bytecode(pattern=pattern)
    except (OSError, RuntimeError):  # no private temporary folder to be had: compile every run
        return None


@functools.lru_cache(maxsize=8)
def environment(lang: str, templates: tuple[Path, ...] = ()) -> jinja2.Environment:
    """Templates from ``templates`` (a body's overrides) first, then from the package. One environment
    per language and folders, so that each template is compiled once per build (a report per month
    of a long register would otherwise compile its template hundreds of times)."""
    folders = [str(folder) for folder in templates] + [str(resources.templates())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        bytecode_cache=bytecode_cache(PAGES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = lambda key, **args: i18n.t(key, lang, **args)
    env.globals["has_t"] = i18n.has
    env.globals["parts"] = PARTITION
    env.filters.update(
        md=text.markdown_to_html,
        md_text=text.escape_markdown,
        page_title=text.front_matter_title,
        num=lambda v, d=1: i18n.number(v, lang, d),
        pct=lambda v: i18n.percent(v, lang),
        qty=lambda v, unit: i18n.quantity(v, unit, lang),
        date=lambda v: i18n.date(dt.date.fromisoformat(v) if isinstance(v, str) else v, lang),
        iso=lambda v: v.isoformat() if v else "",
        status=lambda s: i18n.t(f"status.{s}", lang),
        safe_url=lambda u: u if text.is_safe_url(u) else "#",
        describe=lambda change: diff.describe(change, lang),
        said=lambda value: diff.word(value, lang),
        subject=text.commit_subject,
    )
    return env


def plan(site: Site) -> Iterator[Page]:
    """Every generated page, in no particular order."""
    reg, fig = site.register, site.figures
    tallies = {"bloc_items": [(b, fig.by_bloc[b.id]) for b in reg.blocs.values()],
               "group_items": [(g, fig.by_group[g.id]) for g in reg.groups.values()]}
    measured = [t for t in reg.tasks if t.measure is not None]
    yield Page("home.md.j2", "index.md", {"recent": recent_reports(reg, fig), **tallies,
                                          "targets": key_targets(reg), "all_targets": len(measured)})
    yield Page("targets.md.j2", "targets/index.md", {"targets": measured})
    yield from list_pages(site)
    ordered = sorted(reg.tasks, key=lambda t: t.id)
    for i, task in enumerate(ordered):
        yield task_page(site, task, ordered[i - 1] if i > 0 else None,
                        ordered[i + 1] if i + 1 < len(ordered) else None)
    late = late_by_agency(reg, fig)
    yield Page("agencies.md.j2", "agencies/index.md", {"ranked": ranked_agencies(site), "late": late})
    for agency in reg.agencies.values():
        figures = fig.by_agency[agency.id]
        led = [t for t in reg.tasks if t.lead == agency.id]
        partnered = [reg.task(i) for i in figures.partner_of]
        shared = {"agency": agency, "a": figures, "bloc": reg.blocs[agency.bloc], "late": late[agency.id],
                  "led": led, "partnered": partnered,
                  "as_unit": site.links.agency_unit.get((site.prefix, agency.id)) if site.links else None}
        for pager, part in paged(f"agencies/{agency.id}", [("led", t) for t in led] + [("partner", t) for t in partnered]):
            yield Page("agency.md.j2", pager.path, {**shared, "pager": pager,
                                                    "led_rows": site.rows([t for k, t in part if k == "led"]),
                                                    "partner_rows": site.rows([t for k, t in part if k == "partner"])})
    yield Page("groups.md.j2", "groups/index.md", tallies)
    for group in reg.groups.values():
        tasks = [t for t in reg.tasks if t.group == group.id]
        for pager, part in paged(f"groups/{group.id}", tasks):
            yield Page("group.md.j2", pager.path, {"group": group, "tally": fig.by_group[group.id], "tasks": tasks,
                                                   "pager": pager, "rows": site.rows(part)})
    yield Page("blocs.md.j2", "blocs/index.md", tallies)
    for bloc in reg.blocs.values():
        tasks = [t for t in reg.tasks if reg.agencies[t.lead].bloc == bloc.id]
        for pager, part in paged(f"blocs/{bloc.id}", tasks):
            yield Page("bloc.md.j2", pager.path, {
                "bloc": bloc, "tally": fig.by_bloc[bloc.id], "tasks": tasks, "pager": pager, "rows": site.rows(part),
                "agencies": [a for a in reg.agencies.values() if a.bloc == bloc.id],
            })
    yield Page("attention.md.j2", "attention/index.md", attention(site))
    yield Page("changes.md.j2", "changes/index.md", {"history": site.history})
    if not site.prefix:  # one catalogue of messages and one format reference for the site; a unit's section links to them
        yield Page("messages.md.j2", "errors/index.md", {"messages": validation_messages(site.lang)})
        yield Page("format.md.j2", "format/index.md", {"sections": format_reference(site.lang)})
    yield Page("open-data.md.j2", "open-data/index.md", {"data_files": data.FILES})
    if site.links is not None and not site.prefix:
        yield Page("units.md.j2", "units/index.md", units_context(site))


@dataclass(frozen=True)
class Neighbour:
    """The task before or after one in the list, as its page's pager shows it."""

    id: int
    title: str


@dataclass(frozen=True)
class TaskHistory:
    """What a task page reads of the register's history (``history.History``): that task's part only."""

    available: bool
    entries: tuple[Any, ...] = ()  # History.for_task
    moves: tuple[Any, ...] = ()  # History.deadline_moves
    fixes: tuple[tuple[Any, ...], ...] = ()  # History.corrections of each report the page shows, in its order
    shown: tuple[Any, ...] = field(default=(), repr=False, compare=False)  # those reports

    def for_task(self, task_id: int) -> list[Any]:
        return list(self.entries)

    def deadline_moves(self, task_id: int) -> list[Any]:
        return list(self.moves)

    def corrections(self, task: Task, report: Any) -> list[Any]:
        return next((list(found) for r, found in zip(self.shown, self.fixes) if r is report), [])


@dataclass(frozen=True)
class TaskSite:
    """What a task page reads of ``Site``: its chart, its history, its edit link."""

    charts: dict[str, Any]
    history: TaskHistory | None
    edit: str | None

    def edit_url(self, task: Task) -> str | None:
        return self.edit


@dataclass(frozen=True)
class TaskAgencies:
    """What a task page reads of the register: the agencies it names as partners."""

    agencies: dict[str, Any]


def task_page(site: Site, task: Task, previous: Task | None, following: Task | None) -> Page:
    """A task's page. In a site of one register it is made from its own context alone (``Page.own``): the
    task, its figures, its agencies, chart and history, its neighbours' titles, the settings it shows."""
    reg, fig = site.register, site.figures
    reports = list(reversed(fig.tasks[task.id].reports))
    context = {"row": site.task_row(task),
               "previous": previous and Neighbour(previous.id, previous.title),
               "next": following and Neighbour(following.id, following.title),
               "reports": reports, "later": [r for r in task.reports if r.date > fig.as_of],
               "cadence": cadence_of(task, reg.meta), "late_reporting": fig.late_reporting.get(task.id),
               **cascade_of_task(site, task)}
    if site.links is not None or _page_templates_of_body(site.templates):
        # a unit's tasks name other registers (the whole site), and a body's own templates may read anything
        return Page("task.md.j2", task_path(task.id), context)
    found = site.history
    history = found and TaskHistory(found.available, tuple(found.for_task(task.id)),
                                    tuple(found.deadline_moves(task.id)),
                                    tuple(tuple(found.corrections(task, r)) for r in reports), tuple(reports))
    chart = f"task-{task.id}"
    own = {"site": TaskSite({chart: site.charts[chart]} if chart in site.charts else {}, history, site.edit_url(task)),
           "reg": TaskAgencies({p: reg.agencies[p] for p in task.partners})}
    return Page("task.md.j2", task_path(task.id), {**context, **own}, own=True)


@functools.lru_cache(maxsize=8)
def _page_templates_of_body(folders: tuple[Path, ...]) -> bool:
    """Whether a body's own ``site_templates/`` holds page templates (``*.j2``), not only assets."""
    return any(next(folder.rglob("*.j2"), None) is not None for folder in folders)


def cascade_of_task(site: Site, task: Task) -> dict[str, Any]:
    """A task page's ties to other registers (issue 15): the units' tasks contributing to it and their
    roll-up, and the parent's tasks it contributes to."""
    links = site.links
    if links is None:
        return {"contributions": [], "rollup": None, "contributes_to": []}
    return {"contributions": links.contributions.get((site.prefix, task.id), []),
            "rollup": links.rollup(site.prefix, task),
            "contributes_to": links.contributes_to.get((site.prefix, task.id), [])}


def units_context(site: Site) -> dict[str, Any]:
    """The units page: the tree, each with its headline figures, and the totals across registers."""
    links = site.links
    return {"sections": links.sections, "totals": links.totals(), "registers": len(links.sections)}


def answer_text(site: Site) -> str:
    """The home page's one-sentence answer as plain text (the description shared in link previews)."""
    o, lang = site.figures.overall, site.lang

    def n(value: int) -> str:
        return i18n.number(value, lang, 0)

    parts = [i18n.t("ui.answer.done", lang, done=n(o.done), on_time=n(o.on_time), late=n(o.late)),
             i18n.t("ui.answer.overdue", lang, overdue=n(o.overdue)),
             i18n.t("ui.answer.not_due", lang, count=n(o.not_yet_due))]
    if o.parts["cancelled"]:
        parts.append(i18n.t("ui.answer.cancelled", lang, count=n(o.parts["cancelled"])))
    lead = i18n.t("ui.answer.lead", lang, date=i18n.date(site.figures.as_of, lang), total=n(o.total))
    return f"{lead} {', '.join(parts)}."


def validation_messages(lang: str) -> list[tuple[str, str]]:
    """Every validation message, as the catalogue for editors (from the translation table)."""
    skip = {"msg.task_prefix", "msg.suggestion"}
    return [(key.removeprefix("msg."), (entry.get(lang) or entry["vi"]).replace("{{", "{").replace("}}", "}"))
            for key, entry in i18n.table().items() if key.startswith("msg.") and key not in skip]


def format_reference(lang: str) -> list[dict[str, Any]]:
    """The register's fields, record by record, from the format's one declaration (``model.py``)."""
    sections = []
    for title, path, record in _RECORDS:
        rows = [{"key": key, "path": f"{path}.{key}" if path else key, "required": f.required,
                 "kind": _kind(f.shape), "meaning": f.vi if lang == "vi" else f.en,
                 "choices": list(getattr(f.shape, "choices", ()))} for key, f in record.fields.items()]
        sections.append({"title": title, "path": path, "fields": rows})
    return sections


def _kind(shape: shapes.Shape) -> str:
    return "url" if isinstance(shape, (shapes.Url, shapes.WebAddress, shapes.UrlPath)) else shape.kind


# (translation key of the heading, where the record sits in the file, the record) — in the file's order.
_RECORDS = (
    ("ui.format.register", "", model.REGISTER),
    ("ui.format.meta", "register", model.META),
    ("ui.format.grade", "register.grading[]", model.GRADE),
    ("ui.format.agency", "agencies.*", model.AGENCY),
    ("ui.format.task", "tasks[]", model.TASK),
    ("ui.format.measure", "tasks[].measure", model.MEASURE),
    ("ui.format.link", "tasks[].links[]", model.LINK),
    ("ui.format.report", "tasks[].reports[]", model.REPORT),
)


def recent_reports(reg: Register, fig: Figures) -> list[dict[str, Any]]:
    """The newest considered reports across the register."""
    items = [(r, t) for t in reg.tasks for r in fig.tasks[t.id].reports]
    items.sort(key=lambda item: (item[0].date, item[1].id, item[0].index), reverse=True)
    return [{"report": r, "task": t} for r, t in items[:RECENT_REPORTS]]


def ranked_agencies(site: Site) -> list[dict[str, Any]]:
    """Lead agencies in the scoreboard's order (derive.rank_agencies): ranked ones best first, then the rest."""
    return [{"agency": site.register.agencies[a], "a": site.figures.by_agency[a], "rank": site.figures.by_agency[a].rank}
            for a in site.figures.ranking]


def attention(site: Site) -> dict[str, Any]:
    fig = site.figures
    overdue = [t for t in site.register.tasks if fig.tasks[t.id].overdue]
    overdue.sort(key=lambda t: (-fig.tasks[t.id].days_overdue, t.id))
    soon = [t for t in site.register.tasks if _due_soon(fig.tasks[t.id])]
    soon.sort(key=lambda t: (t.deadline, t.id))
    late = sorted((t for t in site.register.tasks if t.id in fig.late_reporting),
                  key=lambda t: (-fig.late_reporting[t.id].days_late, t.id))
    cap = ATTENTION_ROWS
    here = next((s for s in site.links.sections if s.prefix == site.prefix), None) if site.links else None
    below = site.links.overdue_below(site.prefix) if here and here.unit and here.unit.attention_below else []
    return {"overdue": site.rows(overdue[:cap]), "soon": site.rows(soon[:cap]), "days": DUE_SOON_DAYS,
            "below": below[:cap],
            "late_reporting": [{**site.task_row(t), "late": fig.late_reporting[t.id]} for t in late[:cap]],
            "counts": {"overdue": len(overdue), "soon": len(soon), "late_reporting": len(late), "below": len(below)},
            "grace": site.register.meta.reporting_grace_days}


def _due_soon(f: TaskFigures) -> bool:
    return f.status not in ("done", "cancelled") and 0 <= f.days_to_deadline <= DUE_SOON_DAYS


def _section(site: Site) -> Any:
    """This register's place in the tree (cascade.SiteUnit), and its parent's agency it is; None alone."""
    if site.links is None:
        return None
    found = next((s for s in site.links.sections if s.prefix == site.prefix), None)
    parent = next((s for s in site.links.sections if found and found.unit and s.unit
                   and s.unit.id == found.unit.parent), None)
    return {"here": found, "parent": parent, "agency": site.links.unit_agency.get(site.prefix)}


# A unit section's own pages, in its navigation (``section-nav.j2``): the key (``ui.nav.<key>``) and the path
# from the section's root. The site's tabs lead to the root's pages of the same names.
SECTION_PAGES = (("tasks", "tasks/"), ("attention", "attention/"), ("reports", "reports/"), ("agencies", "agencies/"),
                 ("groups", "groups/"), ("blocs", "blocs/"), ("data", "open-data/"), ("changes", "changes/"))
# Which of them each page template is (True), or belongs to (False: a task page to the list of tasks).
_NAV_OF = {"home.md.j2": ("home", True), "tasks.md.j2": ("tasks", True), "task.md.j2": ("tasks", False),
           "targets.md.j2": ("tasks", False), "attention.md.j2": ("attention", True),
           "reports.md.j2": ("reports", True), "report.md.j2": ("reports", False),
           "agencies.md.j2": ("agencies", True), "agency.md.j2": ("agencies", False),
           "groups.md.j2": ("groups", True), "group.md.j2": ("groups", False), "blocs.md.j2": ("blocs", True),
           "bloc.md.j2": ("blocs", False), "open-data.md.j2": ("data", True), "changes.md.j2": ("changes", True)}


def render(site: Site, docs: Path, pages: list[Page] | None = None, memo: Memo | None = None) -> list[Path]:
    """Write every page under ``docs``; returns the files written. A page made from its own context
    (``Page.own``) is taken from ``memo`` when it was rendered from the same before."""
    env = environment(site.lang, site.templates)
    section = _section(site)
    alone = {"section": section, "lang": site.lang, "section_pages": SECTION_PAGES}
    shared = {**alone, "site": site, "reg": site.register, "fig": site.figures, "since": site.since,
              "answer_text": answer_text(site)}
    here = section["here"] if section and site.prefix else None
    written = []
    for page in pages if pages is not None else plan(site):
        out = docs / page.path
        out.parent.mkdir(parents=True, exist_ok=True)
        current, itself = _NAV_OF.get(page.template, ("", False))
        itself = itself and "/page/" not in page.path  # a list's later pages belong to it
        values = {**(alone if page.own else shared), "root": page.root, "site_root": page.root + site.site_root,
                  "nav_current": current, "nav_index": itself, **page.context}
        kept = memo if page.own and section is None else None
        key = kept.key(site, page.template, values) if kept is not None else ""
        written.append(out)
        if kept is not None and kept.place(key, out):
            continue
        markdown = _titled(env.get_template(page.template).render(**values), here, current, itself, site.lang)
        if kept is not None:
            kept.put(key, markdown, out)
        else:
            out.unlink(missing_ok=True)  # a page linked from the cache is never written in place
            out.write_text(markdown, encoding="utf-8")
    return written


def _titled(markdown: str, here: Any, current: str, itself: bool, lang: str) -> str:
    if here is not None:  # a unit's page: titled as the root's page of the same name, else by its heading
        return front_matter(markdown, here.register.meta.issuer or here.name,
                            i18n.t(f"ui.nav.{current}", lang) if itself else None)
    if not itself:  # the root's pages in the navigation take their titles from it
        return front_matter(markdown)
    return markdown


class Memo:
    """Pages rendered by earlier builds (``reuse.Pages``), found by a digest of everything the page was
    given: its template, the package's code and templates (``reuse.digest``), the body's own templates,
    the language, and its context pickled (dataclasses all the way down, so the digest does not depend on
    where in memory a value is; half the time of their ``repr``, 0.06 s a thousand pages). A value made
    another way with the same content may pickle otherwise (shared or not): its page is rendered again."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.reused = 0
        self._bodies: dict[tuple[Path, ...], str] = {}

    def key(self, site: Site, template: str, values: dict[str, Any]) -> str:
        from .. import reuse

        body = self._bodies.get(site.templates)
        if body is None:
            body = self._bodies[site.templates] = reuse.folders_digest(site.templates)
        return reuse.digest("page", template, site.lang, body, pickle.dumps(sorted(values.items()), protocol=5))

    def place(self, key: str, out: Path) -> bool:
        """``out`` made the page rendered before under ``key``, if there is one (``reuse.Pages.place``)."""
        found: bool = self.store.place(key, out)
        self.reused += found
        return found

    def put(self, key: str, markdown: str, out: Path) -> None:
        self.store.put(key, markdown, out)


_FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
_H1 = re.compile(r"^# (.+?)(?:\s*\{:[^}]*\})?\s*$", re.M)


def front_matter(markdown: str, owner: str | None = None, nav_title: str | None = None) -> str:
    """The page with its ``title`` in its front matter where it had none: ``nav_title``, else its heading. MkDocs
    would title it from a heading on its first line only, and a page's first lines may be the links of its
    unit's section (section-nav.j2): without this such a page is titled "Index".
    ``owner``, on a unit's pages (issue 15): the unit's register's issuer, as ``section_name``, which the page's
    tab and header name (overrides/main.html, partials/header.html) where the root's pages name the root's."""
    found = _FRONT_MATTER.match(markdown)
    meta, body = (found.group(1), markdown[found.end():]) if found else ("", markdown)
    lines = [f"section_name: {text.front_matter_title(owner)}"] if owner else []
    if not re.search(r"^title\s*:", meta, re.M):
        heading = _H1.search(body)
        title = nav_title or (_plain_heading(heading.group(1)) if heading else None)
        if title:
            lines.append(f"title: {text.front_matter_title(title)}")
    if not lines:
        return markdown
    return "---\n" + "".join(line + "\n" for line in lines) + meta + "---\n" + body


def _plain_heading(source: str) -> str:
    """A Markdown heading's text as it reads: backslash escapes and HTML entities undone (md_text made them)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", source))
