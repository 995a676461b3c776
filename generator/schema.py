"""The register format (v1) as JSON Schema, for editors' editors (VS Code, the git host's web editor).

The format is declared once, on the model (``model.py``): each field with its shape
(``shapes.py``). This module turns that declaration into the JSON Schema committed as
``schema/tasks.schema.json``, and gathers the names other stages use to check registers.
"""

from __future__ import annotations

from typing import Any

from .model import GRADE, META, REGISTER, REPORT, STATUSES, TASK, Status
from .shapes import (CADENCES, DATE_SCHEMA_PATTERN, INVALID, MAX_ADDRESS, MAX_AMOUNT, MAX_ID, MAX_NAME, MAX_TASK_ID,
                     MAX_TEXT, MAX_TITLE, YEARS, Ctx, Date, Field, closest, control_character, web_address)

__all__ = ["CADENCES", "DATE_SCHEMA_PATTERN", "GRADE", "INVALID", "MAX_ADDRESS", "MAX_AMOUNT", "MAX_ID", "MAX_NAME",
           "MAX_TASK_ID", "MAX_TEXT", "MAX_TITLE", "META", "REGISTER", "REPORT", "STATUSES", "TASK", "YEARS", "Ctx",
           "Date", "Field", "Status", "closest", "control_character", "json_schema", "json_schema_text",
           "web_address"]


def json_schema() -> dict[str, Any]:
    """The register format as JSON Schema (draft-07, as the YAML language server reads it)."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "tasks.yaml",
        "description": "Sổ nhiệm vụ (định dạng v1). Tạo từ generator/schema.py — không sửa tay; "
                       "chạy python -m generator schema để cập nhật.",
        **REGISTER.json_schema(),
    }


def json_schema_text() -> str:
    """The JSON Schema as committed in ``schema/tasks.schema.json``."""
    import json

    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
