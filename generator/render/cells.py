"""How a list is written in one cell of a CSV file or a spreadsheet (one rule for both)."""

from __future__ import annotations

from typing import Any


def joined(values: list[Any]) -> str:
    """Codes joined by ";" (``a;b``); links one per line as "title <address>"."""
    if all(isinstance(v, dict) for v in values):
        return "\n".join(f"{v['title']} <{v['url']}>" for v in values)
    return ";".join(str(v) for v in values)
