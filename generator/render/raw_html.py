"""A Python-Markdown extension that sets our pages' HTML blocks aside without parsing them.

The pages are mostly HTML (tables, charts, lists) between a few Markdown headings. Python-Markdown
finds where each HTML block ends by feeding the whole page to an HTML parser written in Python
(``md_in_html``'s ``HtmlBlockPreprocessor``): 83 % of the Markdown time of a task page, a third of
the site builder's whole time at 1,000 tasks. This preprocessor runs just before it and stashes the
blocks it can delimit with certainty by counting the top element's own start and end tags — the
rule Python-Markdown itself followed before version 3 — exactly as the parser would have stored
them; the parser then reads what is left, a page of headings and placeholders.

It claims a block only where the result is the same: the page's next tag, at the start of a line
(so the parser, having read only text since the last block, is in the state it starts in), a
block-level element, closed, with nothing after its end tag on that line, holding no comment, no
``markdown`` attribute and no element whose content is not HTML (script, style, pre, textarea).
At the first block it cannot claim it stops, and the parser reads the rest of the page as before.
A page built without this extension (another builder, a body's own extension list) comes out the
same, only slower; ``tests/test_raw_html.py`` compares the two on every page of the
example site and on the hand-written ones.

It is Python-Markdown's public extension interface, not the site builder's: MkDocs loads it from
``markdown_extensions`` in the package's ``mkdocs.yml``, as any builder that uses Python-Markdown would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)[\s>]")
_LINE_ENDS = re.compile(r"[ ]*(?:\n|\Z)")  # nothing after a block's end tag on its line
_BLANK_AFTER = re.compile(r"([ ]*\n){2}")  # Python-Markdown's own test that a blank line follows a block
_UNSURE = re.compile(r"<!--|<!\[|<\?|\bmarkdown\s*=|<(?:script|style|pre|textarea|math|canvas)\b", re.IGNORECASE)
_NEVER = frozenset({"hr", "pre", "script", "style", "textarea", "math", "canvas"})


class RawHtmlPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        pieces: list[str] = []
        done = 0
        for start, end, keep in self._blocks(text):
            placeholder = self.md.htmlStash.store(text[start:end] + keep)
            pieces += [text[done:start], "\n", placeholder, "\n\n"]
            done = end
        if not pieces:
            return lines
        pieces.append(text[done:])
        return "".join(pieces).split("\n")

    def _blocks(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, what the stored block ends with) of each block claimed, in order."""
        at = 0
        while (start := text.find("<", at)) >= 0:
            found = _START_TAG.match(text, start)
            if found is None or (start and text[start - 1] != "\n"):  # not a block the parser would open
                return
            tag = found.group(1).lower()
            if tag in _NEVER or not self.md.is_block_level(tag):
                return
            end = _end_of(text, start, tag)
            if end is None or _UNSURE.search(text, start, end) or not _LINE_ENDS.match(text, end):
                return
            yield start, end, "\n" if _BLANK_AFTER.match(text, end) else ""
            at = end


def _end_of(text: str, start: int, tag: str) -> int | None:
    """Where the element opened at ``start`` is closed: just after its matching end tag."""
    depth = 0
    for tag_text in re.compile(rf"</?{re.escape(tag)}(?:\s[^>]*)?>", re.IGNORECASE).finditer(text, start):
        if tag_text.group().endswith("/>"):
            return None
        depth += -1 if tag_text.group().startswith("</") else 1
        if depth == 0:
            return tag_text.end()
    return None


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After the code fences (25), which may hold HTML as text; before the HTML parser (20).
        md.preprocessors.register(RawHtmlPreprocessor(md), "raw_html_blocks", 21)


def makeExtension(**kwargs: object) -> RawHtmlExtension:  # noqa: N802 (Python-Markdown's name)
    return RawHtmlExtension(**kwargs)
