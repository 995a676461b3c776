"""Fuzzing: mutated registers make `validate` and `build` succeed or report problems, never raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from generator.cli import main
from generator.load import load_text
from generator.validate import validate
from tests.conftest import REGISTERS, ROOT
from tests.strategies import mutated

EXAMPLE = (ROOT / "tasks.yaml").read_text(encoding="utf-8").splitlines()
SMALL = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8").splitlines()
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(EXAMPLE))
def test_validate_never_raises_on_a_mutated_example(text):
    result = validate(load_text(text))
    assert result.ok or result.problems


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(mutated(SMALL))
def test_build_succeeds_or_reports_problems(tmp_path, text):
    register = tmp_path / "tasks.yaml"
    register.write_text(text, encoding="utf-8")
    assert main(["build", "--register", str(register), "--out", str(tmp_path / "site")]) in (0, 1)
