"""``init DIR``: a new body's site repository, ready to edit, validate, build and publish.

The starter files live in ``generator/starter/`` (package data); dot-files are stored without
their dot (``gitignore``, ``github/``) so that packaging keeps them. The workflows are this
repository's own (links in a checkout, copies in the wheel), hardened the same way, with the
checkout's ``python -m generator`` turned into the installed ``sonhiemvu`` that
``requirements.txt`` pins to this version; ``schema/tasks.schema.json`` is written from
``schema.py`` so that editors' tools check ``tasks.yaml`` while typing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from . import __version__, i18n, resources
from .asof import DEFAULT_TIMEZONE
from .schema import json_schema_text

VERSION_MARK = "@VERSION@"
YEAR_MARK = "@YEAR@"  # the sample register covers this year, its reports dated 1 January: valid on any day
HIDDEN = ("gitignore", "github")  # stored without the leading dot
# This repository's workflows → a body's: the released command instead of the checkout's module,
# and the chart cache keyed by the pinned tool (requirements.txt) instead of our source files.
WORKFLOW_CHANGES = (
    ("python -m generator", "sonhiemvu"),
    ("hashFiles('requirements.txt', 'generator/render/chart*.py', 'generator/palette.py')",
     "hashFiles('requirements.txt')"),
)


class ScaffoldError(Exception):
    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key, self.args_ = key, args

    def message(self, lang: str = "vi") -> str:
        return i18n.t(f"init.{self.key}", lang, **self.args_)


def starter_files() -> dict[str, str]:
    """Relative path in the new repository → text."""
    starter = resources.package_path("starter")
    found: dict[str, str] = {}
    for path in sorted(p for p in starter.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = path.relative_to(starter).as_posix()
        if relative.split("/")[0] in HIDDEN:
            relative = "." + relative
        text = path.read_text(encoding="utf-8").replace(VERSION_MARK, __version__)
        if relative.startswith(".github/workflows/"):
            for old, new in WORKFLOW_CHANGES:
                text = text.replace(old, new)
        found[relative] = text.replace(YEAR_MARK, str(this_year()))
    found["schema/tasks.schema.json"] = json_schema_text()
    return found


def this_year() -> int:
    return dt.datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).year


def scaffold(target: Path) -> list[Path]:
    """Write the starter repository into ``target`` (new or empty); the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError("not_empty", dir=target)
    written = []
    for relative, text in starter_files().items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
