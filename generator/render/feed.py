"""Stage 5c — an Atom feed of new reports and register changes (newest 50).

Entry ids are derived from what the entry is about (task, report date and
position; commit hash), never from the build, so they are stable across
builds and a feed reader shows each item once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from .. import i18n
from ..diff import describe
from ..history import History
from .pages import Site, environment

LIMIT = 50


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: dt.datetime
    link: str
    summary: str


def tag_base(site: Site) -> str:
    """``tag:`` URIs (RFC 4151) named after the site's host and the register's first year."""
    meta = site.register.meta
    authority = urlparse(meta.site_url).hostname if meta.site_url else "transparency-register.invalid"
    return f"tag:{authority},{meta.start.year}:"


def entries(site: Site, history: History | None) -> list[Entry]:
    meta, lang = site.register.meta, site.lang
    zone = ZoneInfo(meta.timezone)
    base = tag_base(site)
    found = []
    for task in site.register.tasks:
        for r in site.figures.tasks[task.id].reports:
            found.append(Entry(
                id=f"{base}task-{task.id}/report-{r.date.isoformat()}-{r.index}",
                title=i18n.t("ui.feed.report", lang, task=task.id, status=i18n.t(f"status.{r.status}", lang),
                             date=i18n.date(r.date, lang)) + " — " + task.title,
                updated=dt.datetime.combine(r.date, dt.time(), zone),
                link=f"tasks/{task.id}/",
                summary=" ".join(filter(None, (r.note, r.difficulties, r.proposals))),
            ))
    for r in site.reports:  # the monthly reports (issue 16)
        found.append(Entry(id=f"{base}report-{r.month.key}",
                           title=i18n.t("report.feed", lang, month=r.month.month, year=r.month.year),
                           updated=dt.datetime.combine(r.as_of, dt.time(), zone), link=f"reports/{r.month.key}/",
                           summary=i18n.t("report.title", lang, title=meta.title, month=r.month.month,
                                          year=r.month.year)))
    for rev in history.revisions if history and history.available else []:
        for i, change in enumerate(rev.changes):
            found.append(Entry(id=f"{base}commit-{rev.commit.sha}/{i}", title=describe(change, lang),
                               updated=rev.commit.date, link=f"tasks/{change.task}/", summary=rev.commit.subject))
    found.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return found[:LIMIT]


def write(site: Site, history: History | None, out: Path) -> Path:
    items = entries(site, history)
    meta = site.register.meta
    updated = items[0].updated if items else dt.datetime.combine(meta.start, dt.time(), ZoneInfo(meta.timezone))
    base = meta.site_url.rstrip("/") + "/" if meta.site_url else ""
    xml = environment(site.lang).get_template("feed.xml.j2").render(
        entries=items, updated=updated, base=base, reg=site.register, feed_id=tag_base(site) + "feed")
    out.write_text(xml, encoding="utf-8")
    return out
