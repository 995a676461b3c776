"""Stage 1 — read the register file into a tree of nodes that remember their line and column.

PyYAML's own loaders lose positions and silently keep the last of two
duplicate keys, and they expand aliases (the "billion laughs" attack).
We therefore build the tree ourselves from the parser's event stream:
iteratively (no recursion limit to hit on deep nesting), rejecting anchors
and aliases, reporting duplicate keys, and normalising all text to NFC.
Scalars stay as the editor wrote them (``raw``) next to their YAML 1.1
resolved value, so the validator can say "2021-02-30 is not a date" at the
right place instead of catching a constructor exception.
"""

from __future__ import annotations

import contextlib
import gc
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from .problems import Problem, problem

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()


@dataclass
class Node:
    """A YAML value with its position (1-based line and column)."""

    line: int
    col: int


@dataclass
class Scalar(Node):
    raw: str = ""
    tag: str = "tag:yaml.org,2002:str"
    quoted: bool = False

    @property
    def is_null(self) -> bool:
        return self.tag.endswith(":null")


@dataclass
class Mapping(Node):
    items: dict[str, Node] = field(default_factory=dict)
    keys: dict[str, Scalar] = field(default_factory=dict)


@dataclass
class Sequence(Node):
    items: list[Node] = field(default_factory=list)


Tree = Union[Scalar, Mapping, Sequence]


@dataclass
class Loaded:
    """What the loader returns: a tree (or None) and the problems met on the way."""

    path: str
    root: Tree | None
    problems: list[Problem]
    language_hint: str = "vi"


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a register is read and checked.

    The tree is a million small objects without cycles; while it grows, the
    collector scans it again and again and finds nothing — a third of the time
    of a 10,000-task register. Everything freed in between is freed by
    reference counting as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_file(path: Path | str, max_bytes: int = MAX_BYTES) -> Loaded:
    """Read and parse ``path``. Raises OSError only when the file cannot be read."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        return Loaded(str(path), None, [_too_large(size, max_bytes)])
    return load_bytes(path.read_bytes(), str(path), max_bytes)


def _too_large(size: int, limit: int) -> Problem:
    # rounded up, so that a file just over the limit never reads as "5 MB, over the 5 MB limit"
    return problem(1, 1, "file_too_large", size_mb=math.ceil(size / 1048576 * 100) / 100,
                   limit_mb=limit / 1048576, needed=math.ceil(size / 1048576))


def load_bytes(data: bytes, path: str = "tasks.yaml", max_bytes: int = MAX_BYTES) -> Loaded:
    if len(data) > max_bytes:
        return Loaded(path, None, [_too_large(len(data), max_bytes)])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position_of_byte(data, exc.start)
        return Loaded(path, None, [problem(line, col, "not_utf8")])
    return load_text(text, path)


def load_text(text: str, path: str = "tasks.yaml") -> Loaded:
    hint = _language_hint(text)
    nul = text.find("\x00")
    if nul >= 0:
        line, col = _position_of_char(text, nul)
        return Loaded(path, None, [problem(line, col, "nul_byte")], hint)
    text = unicodedata.normalize("NFC", text)
    builder = _TreeBuilder()
    try:
        with gc_paused():
            for event in yaml.parse(text, Loader=_Parser):
                builder.feed(event)
                if builder.fatal:
                    break
    except yaml.MarkedYAMLError as exc:
        line, col = _error_position(exc)
        builder.problems.append(problem(line, col, "yaml_syntax", detail=_syntax_detail(exc)))
        return Loaded(path, None, builder.problems, hint)
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        mark = getattr(exc, "position", None)
        line, col = _position_of_char(text, mark) if isinstance(mark, int) else (1, 1)
        builder.problems.append(problem(line, col, "yaml_bad_character"))
        return Loaded(path, None, builder.problems, hint)
    return Loaded(path, None if builder.fatal else builder.root, builder.problems, hint)


class _TreeBuilder:
    """Turns parser events into Nodes with an explicit stack."""

    def __init__(self) -> None:
        self.stack: list[Mapping | Sequence] = []
        self.pending_key: list[Scalar | None] = []
        self.root: Tree | None = None
        self.documents = 0
        self.problems: list[Problem] = []
        self.fatal = False

    def feed(self, event: yaml.Event) -> None:
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(self, event)

    def _document_start(self, event: yaml.Event) -> None:
        self.documents += 1
        if self.documents > 1:
            self._fail(event, "multiple_documents")

    def _alias(self, event: yaml.AliasEvent) -> None:
        self._fail(event, "alias_not_allowed", name=event.anchor)

    def _refused(self, event: yaml.NodeEvent) -> bool:
        if event.anchor is not None:
            self._fail(event, "anchor_not_allowed", name=event.anchor)
            return True
        if len(self.stack) >= MAX_DEPTH:
            self._fail(event, "too_deep", limit=MAX_DEPTH)
            return True
        return False

    def _scalar_event(self, event: yaml.ScalarEvent) -> None:
        if not self._refused(event):
            self._add(self._scalar(event))

    def _collection_start(self, event: yaml.CollectionStartEvent) -> None:
        if self._refused(event):
            return
        node = (Mapping if type(event) is yaml.MappingStartEvent else Sequence)(*_pos(event))
        self._add(node)
        self.stack.append(node)
        self.pending_key.append(None)

    def _collection_end(self, event: yaml.Event) -> None:
        self.stack.pop()
        self.pending_key.pop()

    # One method per kind of event, looked up by its exact class (the parser makes no subclasses):
    # a register of 10,000 tasks is 1.5 million events, and an isinstance chain per event shows.
    _handlers: dict[type, Callable[[Any, Any], None]] = {
        yaml.DocumentStartEvent: _document_start,
        yaml.AliasEvent: _alias,
        yaml.ScalarEvent: _scalar_event,
        yaml.MappingStartEvent: _collection_start,
        yaml.SequenceStartEvent: _collection_start,
        yaml.MappingEndEvent: _collection_end,
        yaml.SequenceEndEvent: _collection_end,
    }

    def _fail(self, event: yaml.Event, code: str, **args: object) -> None:
        line, col = _pos(event)
        self.problems.append(problem(line, col, code, **args))
        self.fatal = True

    @staticmethod
    def _scalar(event: yaml.ScalarEvent) -> Scalar:
        plain = event.implicit[0]
        if event.tag and event.tag != "!":
            tag = event.tag
        else:
            tag = _resolve(event.value, event.implicit)
        return Scalar(*_pos(event), raw=event.value, tag=tag, quoted=not plain)

    def _add(self, node: Tree) -> None:
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent, Sequence):
            parent.items.append(node)
            return
        key = self.pending_key[-1]
        if key is None:
            if not isinstance(node, Scalar):
                self.problems.append(problem(node.line, node.col, "complex_key"))
                key = Scalar(node.line, node.col, raw=f"?{node.line}:{node.col}")
                self.pending_key[-1] = key
                return
            self.pending_key[-1] = node
            return
        self.pending_key[-1] = None
        if key.raw in parent.items:
            first = parent.keys[key.raw]
            self.problems.append(problem(key.line, key.col, "duplicate_key", key=key.raw, first_line=first.line))
            return
        parent.items[key.raw] = node
        parent.keys[key.raw] = key


_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}


def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    """YAML 1.1's implicit tag for a scalar; short ones (keys, dates, statuses, numbers) repeat
    thousands of times in a register, so their answers are kept."""
    if len(value) > 32:
        return _RESOLVER.resolve(yaml.ScalarNode, value, implicit)
    key = (value, implicit)
    tag = _TAGS.get(key)
    if tag is None:
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)
        if len(_TAGS) < 50_000:
            _TAGS[key] = tag
    return tag


def _pos(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _position_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    col = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, col


def _position_of_char(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


_LANG = re.compile(r"^\s+language:\s*['\"]?(vi|en)\b", re.MULTILINE)


def _language_hint(text: str) -> str:
    """The register's language, guessed from the text so that even a file that
    does not parse gets its messages in the editor's language."""
    match = _LANG.search(text[:20000])
    return match.group(1) if match else "vi"


_SYNTAX_HINTS = (
    ("found character '\\t'", "tab"),
    ("mapping values are not allowed", "colon"),
    ("could not find expected ':'", "missing_colon"),
    ("did not find expected key", "indent"),
    ("did not find expected '-' indicator", "indent"),
    ("found unexpected end of stream", "unclosed_quote"),
    ("while scanning a quoted scalar", "unclosed_quote"),
    ("did not find expected ',' or ']'", "unclosed_bracket"),
    ("did not find expected ',' or '}'", "unclosed_brace"),
    ("found unexpected ':'", "colon"),
    ("found character that cannot start any token", "bad_start"),
    ("expected <block end>, but found", "indent"),
    ("exceeded maximum nesting depth", "too_deep"),
)


# Errors inside something the editor opened and did not close (a quote, a bracket, a brace, an
# anchor or tag): the parser's context mark is where it was opened — the line to fix — while its
# problem mark is where the parser gave up, often the end of the file.
_OPENED_AT_CONTEXT = ("while scanning a quoted scalar", "while parsing a flow sequence", "while parsing a flow mapping",
                      "while scanning an anchor", "while scanning an alias", "while scanning a tag",
                      "while scanning a directive", "while scanning a block scalar", "while scanning a simple key")


def _error_position(exc: yaml.MarkedYAMLError) -> tuple[int, int]:
    """Line and column (1-based) where the mistake begins, when the parser knows it."""
    opened = (exc.context or "").startswith(_OPENED_AT_CONTEXT)
    mark = (exc.context_mark or exc.problem_mark) if opened else (exc.problem_mark or exc.context_mark)
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _syntax_detail(exc: yaml.MarkedYAMLError) -> str:
    """A key into the translation table for the most likely cause of a syntax error."""
    text = f"{exc.context or ''} {exc.problem or ''}"
    for needle, hint in _SYNTAX_HINTS:
        if needle in text:
            return hint
    return "generic"
