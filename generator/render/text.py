"""Register text made safe for the page.

Text in the register is untrusted. Markdown fields are rendered to HTML here
with raw HTML escaped (never passed through), headings flattened, images
dropped (they would make readers' browsers call other hosts) and every link
that is not http(s) or mailto turned back into plain text. Plain text fields
are escaped for both Markdown and HTML so that ``*``, ``[`` or ``<`` in a
title stay what the editor typed.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from functools import lru_cache

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~^])")


def is_safe_url(url: str) -> bool:
    cleaned = html.unescape(url).strip().lower()
    cleaned = re.sub(r"[\x00-\x20]", "", cleaned)
    return cleaned.startswith(SAFE_SCHEMES)


class _Sanitise(Treeprocessor):
    """Drops unsafe links and images, flattens headings."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                self._clean(parent, child)

    def _clean(self, parent: etree.Element, el: etree.Element) -> None:
        if el.tag == "img":
            el.tag, el.text = "span", el.get("alt", "")
            el.attrib.clear()
        elif el.tag == "a":
            href = el.get("href", "")
            el.attrib.clear()
            if is_safe_url(href):
                el.set("href", href)
                el.set("rel", "nofollow noopener")
            else:
                el.tag = "span"
        elif el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            el.tag = "p"
            el.attrib.clear()


class _SafeExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Sanitise(md), "sanitise", 0)


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_SafeExtension(), "sane_lists"], output_format="html")


# One line with nothing Markdown would read as syntax: most report notes. For
# these the converter's output is known (a paragraph of escaped text), and
# skipping it saves most of the pages stage on a large register.
_PLAIN = re.compile(r"(?![-\s]*\Z)(?!(?:[-+*>#=]|\d+[.)])[ \t])[^\x00-\x1f\x7f\\`*_{}\[\]<>#!&|~]*\Z")


# Python-Markdown matches each '[' against the rest of the text: a field made of thousands of them
# ("![" × 10,000) costs seconds to minutes. No honest note holds this many links; one that does is
# shown as plain text, paragraph by paragraph.
MAX_BRACKETS = 100


def forget() -> None:
    """Let go of the register texts converted (a build's end: ``build.give_back_memory``)."""
    markdown_to_html.cache_clear()


@lru_cache(maxsize=4096)
def markdown_to_html(text: str | None) -> Markup:
    """Register Markdown → safe HTML."""
    if not text:
        return Markup("")
    if text == text.strip() and _PLAIN.match(text):
        return Markup("<p>%s</p>") % Markup(html.escape(text, quote=False))
    if text.count("[") > MAX_BRACKETS:
        return Markup("\n").join(Markup("<p>%s</p>") % part.strip() for part in re.split(r"\n\s*\n", text)
                                  if part.strip())
    converter = _converter()
    converter.reset()
    return Markup(converter.convert(text))


def front_matter_title(text: object) -> Markup:
    """A page title for YAML front matter. MkDocs and Material insert ``page.title``
    into the HTML unescaped (``<title>``, the header), so the value is HTML-escaped
    here, then quoted as a JSON string, which YAML reads back unchanged."""
    import json

    return Markup(json.dumps(html.escape(" ".join(str(text).split())), ensure_ascii=False))


def escape_markdown(text: object) -> Markup:
    """Plain text for a Markdown context (a heading): Markdown and HTML escaped."""
    escaped = str(html.escape(str(text), quote=False))
    return Markup(_LINE_BREAKS.sub(" ", _MD_SPECIAL.sub(r"\\\1", escaped)))


# Anything that ends a line for Markdown or a browser: a title must stay on its heading's line.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


# --- heading ids -------------------------------------------------------------------------------------
# Register text becomes headings, and headings get ids. An id the theme or our scripts look up
# (Material's are all "__config", "__search", ...; ours "task-table", "task-filters") would clobber
# the real element when it comes first, and the page's scripts would stop. Ids made from text never
# start with "_" and never equal one of ours.
RESERVED_IDS = frozenset({"task-table", "task-filters"})


def slugify(value: str, separator: str) -> str:
    """The ``toc`` extension's id for a heading (set in mkdocs.yml)."""
    from pymdownx.slugs import slugify as make

    slug = make(case="lower")(value, separator).lstrip("_")
    return slug if slug and slug not in RESERVED_IDS else f"h-{slug}".rstrip("-")


# --- text from commits --------------------------------------------------------------------------------
MAX_SUBJECT = 200  # characters of a commit subject shown in the change log and the feed
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]+")


def commit_subject(subject: str) -> str:
    """A commit's subject as a reader sees it: its first line only, control characters made spaces,
    at most ``MAX_SUBJECT`` characters (a 2 MB message must not make a 100 MB feed)."""
    line = " ".join(_NOT_TEXT.sub(" ", subject[:MAX_SUBJECT * 4].split("\n", 1)[0]).split())
    return line if len(line) <= MAX_SUBJECT else line[:MAX_SUBJECT - 1].rstrip() + "…"
