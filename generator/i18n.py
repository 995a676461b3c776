"""Words and formats in the register's language.

All user-visible words live in ``translations.yaml``; numbers and dates are
formatted by Babel, which knows the Vietnamese conventions (``1.114``,
``87,7``) from the Unicode CLDR so that we do not hand-roll them.

Every number given to ``t`` is shown in the reader's format (except task
numbers and line numbers, which are names). Where a word depends on a count,
the entry says so the ICU way, ``{days, plural, one {# day} other {# days}}``,
and Babel's CLDR plural rules pick the form (Vietnamese has one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
import yaml
from babel import Locale
from babel.numbers import format_decimal

from . import resources
from .problems import Problem

LANGUAGES = ("vi", "en")
NAMES = frozenset({"task", "id", "first_line", "line", "col", "port", "year"})  # numbers that are names: shown as is
PLURAL = re.compile(r"\{(\w+), plural,((?:\s*(?:zero|one|two|few|many|other) \{[^{}]*\})+)\s*\}")
FORM = re.compile(r"(\w+) \{([^{}]*)\}")


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    with resources.package_path("translations.yaml").open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def t(key: str, lang: str = "vi", /, **args: object) -> str:
    """The text for ``key`` in ``lang`` with its placeholders filled."""
    if not args:
        return _plain(key, lang)
    try:  # each value with its type: 1, 1.0 and True are equal keys but not shown alike
        return _kept(key, lang, tuple((name, type(value), value) for name, value in args.items()))
    except TypeError:  # a value that cannot be a key (a list)
        return _filled(key, lang, args)


@lru_cache(maxsize=4096)
def _plain(key: str, lang: str) -> str:
    """A text without arguments: the same every time (a build asks for some 170,000 at 1,000 tasks)."""
    return _filled(key, lang, {})


@lru_cache(maxsize=65536)
def _kept(key: str, lang: str, args: tuple[tuple[str, type, object], ...]) -> str:
    """A text with arguments: a register repeats the same few (a count of days, a status, a page number)."""
    return _filled(key, lang, {name: value for name, _, value in args})


def _filled(key: str, lang: str, args: dict[str, object]) -> str:
    entry = table()[key]
    text = entry.get(lang) or entry["vi"]
    shown = {name: _shown(name, value, lang) for name, value in args.items()}
    if "plural," in text:
        text = PLURAL.sub(lambda m: _plural(m, args, shown, lang), text)
    return text.format(**shown)


def _shown(name: str, value: object, lang: str) -> object:
    if isinstance(value, bool) or name in NAMES or not isinstance(value, int | float):
        return value
    return number(value, lang)


def _plural(match: re.Match[str], args: dict[str, object], shown: dict[str, object], lang: str) -> str:
    """The form of ``{name, plural, one {…} other {…}}`` that the count of ``name`` takes; ``#`` is the count."""
    name = match.group(1)
    count = args[name]
    forms: dict[str, str] = dict(FORM.findall(match.group(2)))
    category = _plural_rule(lang)(count if isinstance(count, int | float) else 0)
    return forms.get(category, forms["other"]).replace("#", str(shown[name]))


@lru_cache(maxsize=8)
def _plural_rule(lang: str) -> Callable[[float | int], str]:
    rule = Locale.parse(_locale(lang)).plural_form
    return lambda n: str(rule(n))


def forget() -> None:
    """Let go of the texts kept (a build's end: ``build.give_back_memory``); they are made again when asked."""
    _plain.cache_clear()
    _kept.cache_clear()
    _formatted.cache_clear()


def has(key: str) -> bool:
    return key in table()


def number(value: float | int | None, lang: str = "vi", decimals: int = 1) -> str:
    """``1114`` → ``1.114``; ``87.7`` → ``87,7`` (vi). Trailing zeros are dropped."""
    if value is None:
        return "—"
    return _formatted(round(value, decimals), lang, decimals)


@lru_cache(maxsize=65536)
def _formatted(value: float | int, lang: str, decimals: int) -> str:
    """Babel parses its pattern on every call; a register repeats the same few numbers."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def percent(value: float | None, lang: str = "vi", decimals: int = 1) -> str:
    """``87.7`` (already a percentage) → ``87,7%``."""
    return "—" if value is None else number(value, lang, decimals) + "%"


def quantity(value: float | None, unit: str, lang: str = "vi", decimals: int = 1) -> str:
    """``7254, 'tỷ đồng'`` → ``7.254 tỷ đồng``; ``87.7, '%'`` → ``87,7%``."""
    if value is None:
        return "—"
    return number(value, lang, decimals) + ("%" if unit.strip() == "%" else " " + unit.strip())


def date(value: dt.date | None, lang: str = "vi") -> str:
    """dd/mm/yyyy in Vietnamese; the same numeric form in English for clarity."""
    return "—" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _locale(lang: str) -> str:
    return "vi_VN" if lang == "vi" else "en_US"


def format_problem(p: Problem, path: str, lang: str = "vi") -> str:
    """``PATH:LINE:COL: error: MESSAGE`` — the form editors' tools and CI understand."""
    return f"{path}:{p.line}:{p.col}: {p.severity.value}: {message(p, lang)}"


def message(p: Problem, lang: str = "vi") -> str:
    args = p.arg_dict()
    for key in ("size_mb", "limit_mb"):  # sizes in the reader's number format: "2,1 MB"
        size = args.get(key)
        if isinstance(size, float):
            args[key] = number(size, lang, 2)
    if "detail" in args and has(f"hint.{args['detail']}"):
        args["detail"] = t(f"hint.{args['detail']}", lang)
    if "expected" in args and has(f"kind.{args['expected']}"):
        args["expected"] = t(f"kind.{args['expected']}", lang)
    suggestion = args.pop("suggestion", "")
    text = t(f"msg.{p.code}", lang, suggestion=suggestion, **{k: v for k, v in args.items() if k != "task"})
    if suggestion and "{suggestion}" not in table()[f"msg.{p.code}"]["vi"]:
        text += t("msg.suggestion", lang, suggestion=suggestion)
    if args.get("task") is not None:
        text = t("msg.task_prefix", lang, task=args["task"]) + text
    return text
