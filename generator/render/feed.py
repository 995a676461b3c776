"""Stage 5c — an Atom feed of new reports and register changes (newest 50).

An entry's id names what the entry is about and nothing else, so a feed reader
shows each item once, whatever happens to the register around it:

- a report: the register, the task number, the report's date — and, only when
  the task has several reports on that date, a hash of the report's content.
  Inserting a missed earlier report, reordering reports or correcting one
  (its figures or wording) leaves every other id as it was; a corrected report
  keeps its id (readers update it in place);
- a change: the register, the commit that made it and which change it is;
- never the site's address, the build, or a position in a list.

The entry's content is the report's labelled fields (what was done,
difficulties, proposals), rendered from Markdown the way the task page shows
them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .. import i18n
from ..diff import describe
from ..history import History
from ..model import Register, Report, Task
from ..report import months_begun, report_as_of
from . import text
from .pages import Site, environment
from .text import commit_subject

LIMIT = 50
# Characters XML 1.0 forbids (a register's are refused by validation; a commit's or an old version's
# text is not): one of them and feed readers drop the whole feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
AUTHORITY = "transparency-register.invalid"  # tag: URIs need a name; this one is nobody's and never resolves
REPORT_FIELDS = ("note", "difficulties", "proposals")


@dataclass(frozen=True)
class Part:
    label: str
    html: Markup


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: dt.datetime
    link: str
    parts: tuple[Part, ...] = ()
    summary: str = ""


def tag_base(register: Register) -> str:
    """``tag:`` URIs (RFC 4151) for one register: who issued it (or its title) and when it starts."""
    meta = register.meta
    name = " ".join((meta.issuer or meta.title).split()).casefold()
    key = hashlib.sha256(f"{name}\n{meta.start.isoformat()}".encode()).hexdigest()[:12]
    return f"tag:{AUTHORITY},{meta.start.year}:register-{key}/"


def report_id(base: str, task: Task, report: Report, same_day: int) -> str:
    """The entry id of a report; ``same_day`` is how many of the task's reports share its date."""
    ident = f"{base}task-{task.id}/report-{report.date.isoformat()}"
    return ident if same_day == 1 else f"{ident}/{content_key(report)}"


def content_key(report: Report) -> str:
    """A short hash of what the report says (not where it stands in the list)."""
    said = (report.status, report.progress, report.value) + tuple(getattr(report, f) for f in REPORT_FIELDS)
    return hashlib.sha256(repr(said).encode()).hexdigest()[:10]


def report_parts(report: Report, lang: str) -> tuple[Part, ...]:
    return tuple(Part(i18n.t(f"ui.report.{name}", lang), text.markdown_to_html(getattr(report, name)))
                 for name in REPORT_FIELDS if getattr(report, name))


def entries(site: Site, history: History | None) -> list[Entry]:
    meta, lang = site.register.meta, site.lang
    zone = ZoneInfo(meta.timezone)
    base = tag_base(site.register)
    found = []
    for task in site.register.tasks:
        reports = site.figures.tasks[task.id].reports
        per_day = Counter(r.date for r in reports)
        for r in reports:
            found.append(Entry(
                id=report_id(base, task, r, per_day[r.date]),
                title=i18n.t("ui.feed.report", lang, task=task.id, status=i18n.t(f"status.{r.status}", lang),
                             date=i18n.date(r.date, lang)) + " — " + task.title,
                updated=dt.datetime.combine(r.date, dt.time(), zone),
                link=f"tasks/{task.id}/",
                parts=report_parts(r, lang),
            ))
    # the monthly reports (issue 16): one per month begun, as ``report.all_reports`` makes them, named here
    # without making them, so that the feed need not wait for the reports
    as_of = site.figures.as_of
    for month in months_begun(site.register, as_of):
        found.append(Entry(id=f"{base}report-{month.key}",
                           title=i18n.t("report.feed", lang, month=month.month, year=month.year),
                           updated=dt.datetime.combine(report_as_of(month, as_of), dt.time(), zone),
                           link=f"reports/{month.key}/",
                           summary=i18n.t("report.title", lang, title=meta.title, month=month.month,
                                          year=month.year)))
    for rev in history.revisions if history and history.available else []:
        for i, change in enumerate(rev.changes):
            found.append(Entry(id=f"{base}commit-{rev.commit.sha}/{i}", title=describe(change, lang),
                               updated=rev.commit.date, link=f"tasks/{change.task}/",
                               summary=commit_subject(rev.commit.subject)))
    found.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return found[:LIMIT]


def write(site: Site, items: list[Entry], out: Path, site_url: str | None = None) -> Path:
    """The feed of ``items`` (``entries``); its links are absolute when the site's address is known, else
    relative to the feed."""
    meta = site.register.meta
    updated = items[0].updated if items else dt.datetime.combine(meta.start, dt.time(), ZoneInfo(meta.timezone))
    base = site_url.rstrip("/") + "/" if site_url else ""
    xml = environment(site.lang, site.templates).get_template("feed.xml.j2").render(
        entries=items, updated=updated, base=base, reg=site.register, feed_id=tag_base(site.register) + "feed")
    out.write_text(_XML_INVALID.sub("\ufffd", xml), encoding="utf-8")
    return out


def write_combined(sections: list[tuple[Site, list[Entry]]], out: Path, site_url: str | None = None) -> Path:
    """One feed of every register (issue 15), ``units/feed.xml``: each entry named by its unit and linked
    to its section; the newest ``LIMIT`` of them all. ``sections``: each section's site and its own feed's
    entries (``entries``), the root first."""
    root = sections[0][0]
    found: list[Entry] = []
    for site, own in sections:
        name = _section_name(site)
        for e in own:
            found.append(Entry(id=e.id, title=f"{name}: {e.title}", updated=e.updated, link=f"{site.prefix}{e.link}",
                               parts=e.parts, summary=e.summary))
    found.sort(key=lambda e: (e.updated, e.id), reverse=True)
    items = found[:LIMIT]
    meta = root.register.meta
    updated = items[0].updated if items else dt.datetime.combine(meta.start, dt.time(), ZoneInfo(meta.timezone))
    base = site_url.rstrip("/") + "/" if site_url else "../"
    xml = environment(root.lang, root.templates).get_template("feed.xml.j2").render(
        entries=items, updated=updated, base=base, reg=root.register, feed_id=tag_base(root.register) + "feed-all")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_XML_INVALID.sub("\ufffd", xml), encoding="utf-8")
    return out


def _section_name(site: Site) -> str:
    here = next((s for s in site.links.sections if s.prefix == site.prefix), None) if site.links else None
    return here.name if here else (site.register.meta.issuer or site.register.meta.title)
