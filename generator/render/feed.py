"""Stage 5c — an Atom feed of new reports and register changes (newest 50).

Entry ids are derived from what the entry is about (task, report date and
position; commit hash), never from the build, so they are stable across
builds and a feed reader shows each item once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from .. import i18n
from ..diff import describe
from ..history import History
from .pages import Site, environment
from .text import commit_subject

LIMIT = 50
# Characters XML 1.0 forbids (a register's are refused by validation; a commit's or an old version's
# text is not): one of them and feed readers drop the whole feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


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
    for rev in history.revisions if history and history.available else []:
        for i, change in enumerate(rev.changes):
            found.append(Entry(id=f"{base}commit-{rev.commit.sha}/{i}", title=describe(change, lang),
                               updated=rev.commit.date, link=f"tasks/{change.task}/",
                               summary=commit_subject(rev.commit.subject)))
    found.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return found[:LIMIT]


def write(site: Site, history: History | None, out: Path) -> Path:
    items = entries(site, history)
    meta = site.register.meta
    updated = items[0].updated if items else dt.datetime.combine(meta.start, dt.time(), ZoneInfo(meta.timezone))
    base = meta.site_url.rstrip("/") + "/" if meta.site_url else ""
    xml = environment(site.lang).get_template("feed.xml.j2").render(
        entries=items, updated=updated, base=base, reg=site.register, feed_id=tag_base(site) + "feed")
    out.write_text(_XML_INVALID.sub("\ufffd", xml), encoding="utf-8")
    return out
