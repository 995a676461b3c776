"""Words and formats in the register's language.

All user-visible words live in ``translations.yaml``; numbers and dates are
formatted by Babel, which knows the Vietnamese conventions (``1.114``,
``87,7``) from the Unicode CLDR so that we do not hand-roll them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml
from babel.numbers import format_decimal

from .problems import Problem

LANGUAGES = ("vi", "en")
TABLE_PATH = Path(__file__).with_name("translations.yaml")


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    with TABLE_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def t(key: str, lang: str = "vi", /, **args: object) -> str:
    """The text for ``key`` in ``lang`` with its placeholders filled."""
    entry = table()[key]
    text = entry.get(lang) or entry["vi"]
    return text.format(**args)


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
    return "—" if value is None else value.strftime("%d/%m/%Y")


def _locale(lang: str) -> str:
    return "vi_VN" if lang == "vi" else "en_US"


def format_problem(p: Problem, path: str, lang: str = "vi") -> str:
    """``PATH:LINE:COL: error: MESSAGE`` — the form editors' tools and CI understand."""
    return f"{path}:{p.line}:{p.col}: {p.severity.value}: {message(p, lang)}"


def message(p: Problem, lang: str = "vi") -> str:
    args = p.arg_dict()
    for key in ("size_mb", "limit_mb"):  # sizes in the reader's number format: "2,1 MB"
        if isinstance(args.get(key), float):
            args[key] = number(args[key], lang, 2)
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
