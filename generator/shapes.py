"""The kinds of value a register holds, each knowing how to check itself.

A shape checks a loaded tree (returning plain Python data and problems), describes
itself in JSON Schema, and says in words what it expects — no if/elif chain over
types. The register's fields are declared once, on the model (``model.py``), each
with its shape; ``schema.py`` turns that declaration into JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import sys
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import yaml

from .load import Mapping, Node, Scalar, Sequence
from .problems import Problem, Severity, problem

CADENCES = ("monthly", "weekly")  # how often a task must be reported (``reporting``)
DEFAULT_GRACE_DAYS = 5
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MAX_TEXT = 20000  # a Markdown field (description, target, note, ...)
# Limits that fit the real case generously (content/editors.md lists them for editors):
MAX_NAME = 300  # a name: bloc, group, agency, grade, unit, issuer, link title
MAX_TITLE = 1000  # a task's or the register's title
MAX_ID = 64  # a key of blocs, agencies or groups
MAX_TASK_ID = 999_999  # task numbers: at most six digits
MAX_AMOUNT = 10 ** 15  # a measure's target, baseline or value (7.254 tỷ đồng is 7.254e12 đồng)
YEARS = (1900, 2200)  # the years a register can mean
MAX_NUMBER_CHARS = 32  # a number written with more characters is not one an editor means

_CONSTRUCT = yaml.constructor.SafeConstructor()
INVALID: Any = object()  # marks a value that failed its check


@dataclass
class Ctx:
    """State of one validation pass."""

    problems: list[Problem] = field(default_factory=list)
    refs: list[tuple[str, Scalar, int | None]] = field(default_factory=list)
    defined: set[tuple[str, str]] = field(default_factory=set)  # (table, key) whose entry was refused: still defined
    task: int | None = None

    def error(self, node: Node, code: str, **args: object) -> None:
        self.report(node, code, Severity.ERROR, **args)

    def warn(self, node: Node, code: str, **args: object) -> None:
        self.report(node, code, Severity.WARNING, **args)

    def report(self, node: Node, code: str, severity: Severity, **args: object) -> None:
        if self.task is not None:
            args.setdefault("task", self.task)
        self.problems.append(problem(node.line, node.col, code, severity, **args))


def closest(word: str, options: list[str] | tuple[str, ...]) -> str | None:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return match[0] if match else None


class Shape:
    """A kind of value in the register."""

    kind = "value"  # the word used in messages ("text", "date", ...)

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _scalar(self, node: Node, ctx: Ctx, name: str) -> Scalar | None:
        if isinstance(node, Scalar) and not node.is_null:
            return node
        if isinstance(node, Scalar):
            ctx.error(node, "empty_value", field=name)
        else:
            ctx.error(node, "wrong_type", field=name, expected=self.kind)
        return None


class Text(Shape):
    kind = "text"
    multiline = False  # may hold line breaks and tabs (Markdown)

    def __init__(self, limit: int = MAX_NAME) -> None:
        self.limit = limit

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        scalar = self._scalar(node, ctx, name)
        if scalar is None:
            return INVALID
        value = scalar.raw.strip()
        if not value:
            ctx.error(node, "empty_value", field=name)
            return INVALID
        if len(value) > self.limit:
            ctx.error(node, "text_too_long", field=name, limit=self.limit)
            return INVALID
        bad = control_character(value, self.multiline)
        if bad is not None:
            ctx.error(node, "control_character", field=name, char=f"U+{ord(value[bad]):04X}", position=bad + 1,
                      before=value[max(0, bad - 20):bad])
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        # An unquoted 2021 or true is text to the validator (it reads what was typed) and a number or a
        # boolean to an editor reading YAML 1.2: all three are allowed; a string must hold a character.
        return {"type": ["string", "number", "boolean"], "maxLength": self.limit,
                "pattern": _text_pattern(self.multiline), "patternErrorMessage": SCHEMA_MESSAGES["text"]}


class Markdown(Text):
    kind = "markdown"
    multiline = True

    def __init__(self, limit: int = MAX_TEXT) -> None:
        super().__init__(limit)


# Characters no honest editor types and that change what a page, a feed or a terminal shows:
# C0/C1 controls (the YAML escapes "\x01", "\e", "\r"), line/paragraph separators and the
# bidirectional overrides that make text read differently from what it holds.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def control_character(value: str, multiline: bool = False) -> int | None:
    """The index of the first character that is not text (``\n`` and tab allowed in multi-line fields)."""
    found = (_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(value)
    return found.start() if found else None


class Date(Shape):
    kind = "date"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        scalar = self._scalar(node, ctx, name)
        if scalar is None:
            return INVALID
        raw = scalar.raw.strip()
        parts = _ISO_DATE.match(raw)
        if parts:
            year, month, day = (int(p) for p in parts.groups())
        elif (parts := _VN_DATE.match(raw)):
            day, month, year = (int(p) for p in parts.groups())
        else:
            ctx.error(node, "bad_date", field=name, value=raw[:40])
            return INVALID
        try:
            value = dt.date(year, month, day)
        except ValueError:
            ctx.error(node, "impossible_date", field=name, value=raw)
            return INVALID
        if not YEARS[0] <= year <= YEARS[1]:
            ctx.error(node, "date_out_of_range", field=name, value=raw, low=YEARS[0], high=YEARS[1])
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": DATE_SCHEMA_PATTERN, "patternErrorMessage": SCHEMA_MESSAGES["date"],
                "errorMessage": SCHEMA_MESSAGES["date"]}


@dataclass
class Number(Shape):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "integer" if self.integer else "number"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        scalar = self._scalar(node, ctx, name)
        if scalar is None:
            return INVALID
        raw = scalar.raw.strip()
        if len(raw) > MAX_NUMBER_CHARS:
            return self._out_of_range(node, ctx, name, raw[:20] + "…")
        value = self._parse(scalar)
        if value is None:
            ctx.error(node, "not_integer" if self.integer else "not_number", field=name, value=raw[:40])
            return INVALID
        if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
            return self._out_of_range(node, ctx, name, raw)
        return value

    def _out_of_range(self, node: Node, ctx: Ctx, name: str, shown: str) -> Any:
        low = self.minimum if self.minimum is not None else "-∞"
        high = self.maximum if self.maximum is not None else "∞"
        ctx.error(node, "out_of_range", field=name, value=shown, low=_fmt(low), high=_fmt(high))
        return INVALID

    def _parse(self, scalar: Scalar) -> int | float | None:
        """YAML 1.1 numbers as PyYAML reads them; quoted text and booleans are not numbers."""
        node = yaml.ScalarNode(scalar.tag, scalar.raw)
        try:
            if not scalar.quoted and scalar.tag.endswith(":int"):
                return _CONSTRUCT.construct_yaml_int(node)
            if not scalar.quoted and scalar.tag.endswith(":float") and not self.integer:
                value = _CONSTRUCT.construct_yaml_float(node)
                return value if math.isfinite(value) else None
        except (ValueError, TypeError):
            return None
        return None

    def json_schema(self) -> dict[str, Any]:
        # The largest finite double as the ceiling: .inf is refused, as the validator refuses it.
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number",
                                  "maximum": self.maximum if self.maximum is not None else sys.float_info.max}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        low = _fmt(self.minimum) if self.minimum is not None else "-∞"
        high = _fmt(self.maximum) if self.maximum is not None else "∞"
        message = SCHEMA_MESSAGES["integer" if self.integer else "number"].format(low=low, high=high)
        # YAML 1.1 numbers (1_000, 1:30, 0b101) are numbers to the validator but text in YAML 1.2.
        old_style = {"type": "string", "pattern": _YAML11_INT if self.integer else _YAML11_NUMBER}
        return {"anyOf": [schema, old_style], "errorMessage": message}


def _fmt(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


@dataclass
class Enum(Shape):
    choices: tuple[str, ...] = ()
    code: str = "bad_choice"
    kind = "choice"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        scalar = self._scalar(node, ctx, name)
        if scalar is None:
            return INVALID
        value = scalar.raw.strip()
        if value in self.choices:
            return value
        ctx.error(node, self.code, field=name, value=value[:40], choices=", ".join(self.choices),
                  suggestion=closest(value.lower().replace(" ", "_"), self.choices) or "")
        return INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices),
                "errorMessage": SCHEMA_MESSAGES["choice"].format(choices=", ".join(self.choices))}


class Ident(Shape):
    kind = "id"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        scalar = self._scalar(node, ctx, name)
        if scalar is None:
            return INVALID
        return check_id(scalar, ctx, name)

    def json_schema(self) -> dict[str, Any]:
        # Unquoted, an id such as 2021, 1e-5 or yes is read by YAML 1.2 as a number or a boolean.
        return {"type": ["string", "number", "boolean"], "minimum": 0, "maxLength": MAX_ID,
                "pattern": _ID_SCHEMA_PATTERN, "patternErrorMessage": SCHEMA_MESSAGES["id"]}


def check_id(scalar: Scalar, ctx: Ctx, name: str) -> Any:
    value = scalar.raw.strip()
    if len(value) > MAX_ID:
        ctx.error(scalar, "id_too_long", field=name, value=value[:40] + "…", limit=MAX_ID,
                  suggestion=suggest_id(value)[:MAX_ID].rstrip("-"))
        return INVALID
    if ID_PATTERN.match(value):
        return value
    ctx.error(scalar, "bad_id", field=name, value=value[:40], suggestion=suggest_id(value))
    return INVALID


# An id written unquoted that YAML 1.2 reads as a number in exponent form (1e5, 0e0, 2e-3): editors' tools
# (and the JSON Schema with them) then see the key 100000.0 or 0.002, not the id; YAML 1.1 reads it as text.
_NUMBER_TO_EDITORS = re.compile(r"^[0-9]+e-?[0-9]+$")


def check_key(scalar: Scalar, ctx: Ctx, name: str) -> Any:
    """A table's key: an id (``check_id``), and not one that editors' tools would read as a number. Such a
    key is still the id the register's references name (one mistake, one message)."""
    value = scalar.raw.strip()
    if not scalar.quoted and _NUMBER_TO_EDITORS.match(value) and len(value) <= MAX_ID:
        ctx.error(scalar, "id_read_as_number", field=name, value=value)
        return value
    return check_id(scalar, ctx, name)


def suggest_id(value: str) -> str:
    """A valid id close to what the editor wrote: ``Phòng QLĐT`` → ``phong-qldt``."""
    import unicodedata

    folded = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60]


@dataclass
class Ref(Ident):
    """An id that must be a key of one of the top-level tables."""

    target: str = ""

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        value = super().check(node, ctx, name)
        if value is not INVALID:
            ctx.refs.append((self.target, node, ctx.task))  # type: ignore[arg-type]
        return value


class WebAddress(Text):
    """A page address that reaches MkDocs' config and the theme (``site_url``, ``repo_url``): only a
    plain http(s) URL — parsed, not pattern-matched — and stored in its normalised form."""

    kind = "url"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        value = super().check(node, ctx, name)
        if value is INVALID:
            return value
        address, reason = web_address(value)
        if address is None:
            ctx.error(node, "bad_web_address", field=name, value=value[:60], detail=reason)
            return INVALID
        return address

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": MAX_ADDRESS,
                "pattern": r"""^[hH][tT][tT][pP][sS]?://[^\s"'<>@?#\\]+$"""}


def web_address(value: str) -> tuple[str | None, str]:
    """``(normalised address, "")`` for a plain http(s) URL, else ``(None, reason)``; the reason names
    a hint in the translation table (``hint.url_*``)."""
    from urllib.parse import urlsplit

    if len(value) > MAX_ADDRESS:
        return None, "url_length"
    if not value.isascii():
        ascii_value = _ascii_address(value)
        if ascii_value is None:
            return None, "url_host"
        value = ascii_value
    if not _URL_CHARS.fullmatch(value):
        return None, "url_character"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None, "url_host"
    if parts.scheme.lower() not in ("http", "https"):
        return None, "url_scheme"
    if "@" in parts.netloc:
        return None, "url_userinfo"
    host = (parts.hostname or "").rstrip(".")
    if not _HOST.fullmatch(host):
        return None, "url_host"
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return None, "url_query"
    if not _URL_PATH.fullmatch(parts.path):
        return None, "url_character"
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}", ""


def _ascii_address(value: str) -> str | None:
    """A Vietnamese domain or path in ASCII (IDNA host, percent-encoded path); None when it has none."""
    from urllib.parse import quote, urlsplit, urlunsplit

    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port
    except (ValueError, UnicodeError):
        return None
    if "@" in parts.netloc or not host:
        return None
    netloc = host if port is None else f"{host}:{port}"
    safe = "/%-._~+,=!$*?#:@"
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe),
                       quote(parts.fragment, safe=safe)))


MAX_ADDRESS = 300
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#@%+,=!$*]+")
_URL_PATH = re.compile(r"(?:/(?:[A-Za-z0-9\-._~+,=!$*]|%[0-9A-Fa-f]{2})*)*")
_HOST = re.compile(r"(?=.{1,253}\Z)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


class UrlPath(Text):
    """A path appended to ``repo_url`` (``edit_uri``): the characters of a URL path only."""

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        value = super().check(node, ctx, name)
        if value is not INVALID and not _URL_PATH.fullmatch("/" + value.strip("/")):
            ctx.error(node, "bad_web_address", field=name, value=value[:60], detail="url_character")
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.limit, "pattern": r"^[A-Za-z0-9\-._~/%+,=!$*]+$"}


class Url(Text):
    kind = "url"
    SCHEMES = ("http://", "https://", "mailto:")

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        value = super().check(node, ctx, name)
        if value is INVALID:
            return value
        if not value.lower().startswith(self.SCHEMES) or any(c.isspace() for c in value) or len(value) < 8:
            ctx.error(node, "bad_url", field=name, value=value[:60])
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _URL_SCHEMA_PATTERN, "patternErrorMessage": SCHEMA_MESSAGES["url"]}


@dataclass
class ListOf(Shape):
    item: Shape = field(default_factory=Text)
    limit: int = 100  # items at most: every item is a page, a row or a line of a page
    kind = "list"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        if isinstance(node, Scalar) and node.is_null:
            return []
        if not isinstance(node, Sequence):
            ctx.error(node, "wrong_type", field=name, expected=self.kind)
            return INVALID
        if len(node.items) > self.limit:
            ctx.error(node.items[self.limit], "too_many", field=name, count=len(node.items), limit=self.limit)
            return INVALID
        values = [self.item.check(child, ctx, name) for child in node.items]
        return [v for v in values if v is not INVALID]

    def json_schema(self) -> dict[str, Any]:
        # Empty ("reports:" or "reports: []") is an empty list to the validator.
        return {"type": ["array", "null"], "maxItems": self.limit, "items": self.item.json_schema()}


@dataclass
class OneOrList(ListOf):
    """One value or a list of them (``contributes_to: 50`` or ``[50, 51]``; issue 15)."""

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        if isinstance(node, Scalar) and not node.is_null:
            value = self.item.check(node, ctx, name)
            return INVALID if value is INVALID else [value]
        return super().check(node, ctx, name)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.item.json_schema(), super().json_schema()]}


class Switch(Shape):
    """true or false (issue 15: ``unit.attention_below``)."""

    kind = "switch"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        if isinstance(node, Scalar) and node.tag.endswith(":bool") and not node.quoted:
            return node.raw.strip().lower() in ("true", "yes", "on")
        ctx.error(node, "wrong_type", field=name, expected=self.kind)
        return INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass
class MapOf(Shape):
    """A table keyed by id (blocs, agencies, groups)."""

    value: Shape = field(default_factory=Text)
    limit: int = 100  # entries at most: each is a page of the site
    entry: type | None = None  # the model's class of an entry whose value is a name (blocs, groups)
    kind = "table"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        if not isinstance(node, Mapping):
            ctx.error(node, "wrong_type", field=name, expected=self.kind)
            return INVALID
        if len(node.items) > self.limit:
            ctx.error(list(node.keys.values())[self.limit], "too_many", field=name, count=len(node.items),
                      limit=self.limit)
            return INVALID
        result = {}
        for key, child in node.items.items():
            ident = check_key(node.keys[key], ctx, name)
            value = self.value.check(child, ctx, key)
            if ident is not INVALID and value is not INVALID:
                result[ident] = value
            elif ident is not INVALID:
                ctx.defined.add((name, ident))
        return result

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "maxProperties": self.limit,
            "propertyNames": {"pattern": _ID_SCHEMA_PATTERN, "maxLength": MAX_ID,
                              "patternErrorMessage": SCHEMA_MESSAGES["id"]},
            "additionalProperties": self.value.json_schema(),
        }


@dataclass
class Field:
    """One field of the format: its shape, whether it must be there, and what it means (vi, en)."""

    shape: Shape
    required: bool = False
    vi: str = ""
    en: str = ""
    key: str = ""  # the key an editor writes, when the model names the field differently
    of: Any = None  # turns the checked value into the model's type (a status into ``Status``)
    columns: tuple[str, ...] | None = None  # its columns in the data files, when not just its own key


@dataclass
class Record(Shape):
    """A mapping with a fixed set of keys. ``label`` names the key that
    identifies the record in messages (the task number)."""

    fields: dict[str, Field] = field(default_factory=dict)
    label: str | None = None
    snippets: tuple[dict[str, Any], ...] = ()  # offered by editors when a new record is started
    model: type | None = None  # the model's class the checked record becomes (``record_of``)
    kind = "record"

    def check(self, node: Node, ctx: Ctx, name: str) -> Any:
        if not isinstance(node, Mapping):
            ctx.error(node, "wrong_type", field=name, expected=self.kind)
            return INVALID
        outer = ctx.task
        if self.label:
            ctx.task = _label_of(node.items.get(self.label))
        try:
            return self._check_fields(node, ctx, name)
        finally:
            ctx.task = outer

    def _check_fields(self, node: Mapping, ctx: Ctx, name: str) -> dict[str, Any]:
        result: dict[str, Any] = {"_at": {"": (node.line, node.col)}}
        misspelt: set[str] = set()
        for key, child in node.items.items():
            spec = self.fields.get(key)
            if spec is None:
                suggestion = closest(key, tuple(k for k in self.fields if k not in node.items)) or ""
                misspelt.add(suggestion)
                ctx.error(node.keys[key], "unknown_key", key=key[:40], parent=name,
                          suggestion=suggestion, allowed=", ".join(self.fields))
                continue
            value = spec.shape.check(child, ctx, key)
            result["_at"][key] = (node.keys[key].line, node.keys[key].col)
            if value is not INVALID:
                result[key] = value
            else:
                result.setdefault("_invalid", set()).add(key)
        for key, spec in self.fields.items():
            if spec.required and key not in node.items and key not in misspelt:  # already said: "did you mean"
                ctx.error(node, "missing_key", key=key, parent=name)
                result.setdefault("_invalid", set()).add(key)
        return result

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "required": [k for k, f in self.fields.items() if f.required],
            "properties": {k: _described(f) for k, f in self.fields.items()},
        }
        if self.snippets:
            schema["defaultSnippets"] = list(self.snippets)
        return schema


def _label_of(node: Node | None) -> int | None:
    if isinstance(node, Scalar) and node.raw.strip().isdigit():
        return int(node.raw.strip())
    return None


# --- JSON Schema for editors (issue 13, h13-publish) -------------------------------------------
# The schema must never refuse what ``validate`` accepts, read as an editor reads YAML (1.2: dates
# are text, yes/no are text, true/false booleans), and should catch whatever JSON Schema can say.
# Character classes are spelt out ([0-9], not \d): JavaScript and Python read \d differently.

SCHEMA_MESSAGES = {
    "text": "Không được để trống (hoặc chỉ có dấu cách), không chứa ký tự điều khiển; ghi chú nhiều dòng dùng khối '|'.",
    "date": "Ngày không có thật hoặc sai dạng. Viết YYYY-MM-DD (2021-05-31) hoặc DD/MM/YYYY (31/05/2021).",
    "integer": "Phải là số nguyên từ {low} đến {high}, không đặt trong ngoặc kép (vd. 12, không phải 12.0 hay \"12\").",
    "number": "Phải là số từ {low} đến {high}, không đặt trong ngoặc kép; số thập phân dùng dấu chấm (87.7).",
    "choice": "Chọn một trong: {choices}.",
    "id": "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, vd. phong-qldt.",
    "url": "Địa chỉ phải bắt đầu bằng http://, https:// hoặc mailto: và không có dấu cách.",
    "webaddress": "Địa chỉ trang web phải có dạng https://ten-mien.vn/duong-dan/: bắt đầu bằng https:// hoặc http://, "
                  "không có dấu cách, dấu ngoặc kép, <, >, @, ? hay #.",
}
DATE_HINT = {"vi": "Dạng YYYY-MM-DD hoặc DD/MM/YYYY, vd. 2021-05-31 hoặc 31/05/2021.",
             "en": "Written YYYY-MM-DD or DD/MM/YYYY, e.g. 2021-05-31 or 31/05/2021."}

_WS = ("\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f"
       "\\u205f\\u3000")  # what Python's strip() removes: the validator strips every value
_SP = f"[{_WS}]*"
_CONTROL_CLASS = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_ID_SCHEMA_PATTERN = f"^{_SP}[a-z0-9]+(?:-[a-z0-9]+)*{_SP}$"
_URL_SCHEMA_PATTERN = f"^{_SP}(?=[^{_WS}]{{8}})(?:[hH][tT][tT][pP][sS]?://|[mM][aA][iI][lL][tT][oO]:)[^{_WS}]+{_SP}$"
_YAML11_INT = "^(?=[^_:]*[_:]|[-+]?0b)[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)$"
_YAML11_NUMBER = ("^(?=[^_:]*[_:]|[-+]?0b)[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|"
                  "[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\\.[0-9_]*)?(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?)$")


def _text_pattern(multiline: bool) -> str:
    """Something besides spaces, and no control character (tab and line breaks allowed in Markdown)."""
    inner = _CONTROL_CLASS.replace("\\x00-\\x1f", "\\x00-\\x08\\x0b-\\x1f") if multiline else _CONTROL_CLASS
    return f"^{_SP}(?=[^{_WS}])[^{inner}]*{_SP}$"


def _date_pattern() -> str:
    """Dates that exist, in either form the validator reads; month and day may have one digit."""
    year = "(?!0000)[0-9]{4}"
    leap = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
    long_months, short_months = "(?:0?[13578]|1[02])", "(?:0?[469]|11)"
    d31, d30, d28 = "(?:0?[1-9]|[12][0-9]|3[01])", "(?:0?[1-9]|[12][0-9]|30)", "(?:0?[1-9]|1[0-9]|2[0-8])"
    month_day = f"{long_months}-{d31}|{short_months}-{d30}|0?2-{d28}"
    day_month = f"{d31}/{long_months}|{d30}/{short_months}|{d28}/0?2"
    iso = f"{year}-(?:{month_day})|{leap}-0?2-29"
    vn = f"(?:{day_month})/{year}|29/0?2/{leap}"
    return f"^{_SP}(?:{iso}|{vn}){_SP}$"


DATE_SCHEMA_PATTERN = _date_pattern()


def _described(f: Field) -> dict[str, Any]:
    """A field's schema with its description; a date field says how to write it (shown on hover)."""
    hint = isinstance(f.shape, Date)
    vi = f"{f.vi}. {DATE_HINT['vi']}" if hint else f.vi
    en = f"{f.en}. {DATE_HINT['en']}" if hint else f.en
    schema = {**f.shape.json_schema(), "description": vi, "x-description-en": en}
    if "pattern" in schema and "patternErrorMessage" not in schema:  # shapes that give none (web addresses)
        schema["patternErrorMessage"] = SCHEMA_MESSAGES.get(type(f.shape).__name__.lower(), SCHEMA_MESSAGES["text"])
    return schema


# --- Declaring the format on the model ------------------------------------------------------------

SPEC = "spec"  # the key of a dataclass field's metadata that holds its ``Field``


def spec(shape: Shape, vi: str, en: str, required: bool = False, *, key: str = "", of: Any = None,
         columns: tuple[str, ...] | None = None, **default: Any) -> Any:
    """A model field that editors write: its shape, meaning and, unless required, its default
    (``default=`` or ``default_factory=``). The one declaration of that field."""
    return dataclasses.field(metadata={SPEC: Field(shape, required, vi, en, key, of, columns)}, **default)


def declared(cls: type) -> dict[str, Field]:
    """The fields of a model class that editors write, keyed by the key they write, in order."""
    found = {}
    for f in dataclasses.fields(cls):
        if SPEC in f.metadata:
            decl: Field = f.metadata[SPEC]
            found[decl.key or f.name] = decl
    return found


def record_of(cls: type, label: str | None = None, snippets: tuple[dict[str, Any], ...] = ()) -> Record:
    """The record shape of a model class: its declared fields, and the class it becomes."""
    return Record(declared(cls), label=label, snippets=snippets, model=cls)
