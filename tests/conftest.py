from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import load_file, load_text
from generator.validate import Result, validate

TESTS = Path(__file__).parent
ROOT = TESTS.parent
REGISTERS = TESTS / "registers"


@pytest.fixture
def small_path() -> Path:
    return REGISTERS / "valid" / "small.yaml"


def validate_text(text: str, **kwargs) -> Result:
    return validate(load_text(text), **kwargs)


def validate_path(path: Path, **kwargs) -> Result:
    return validate(load_file(path), **kwargs)
