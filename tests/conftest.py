"""Shared fixtures. Tests are isolated from the developer's work and from each other: builds use a
cache folder of the test session (never the project's ``.cache/``), and any change a test makes to
the environment is undone (a test that leaves one behind fails)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.load import load_file, load_text
from generator.resources import CACHE_ENV
from generator.validate import Result, validate

TESTS = Path(__file__).parent
ROOT = TESTS.parent
REGISTERS = TESTS / "registers"
EPOCH = "1622419200"  # 2021-05-31: builds stamped with a fixed time are byte-comparable
# Set once per process by what a build imports, not by a test: mkdocs-material's notice switch.
SET_BY_THE_PROGRAM = frozenset({"NO_MKDOCS_2_WARNING"})


# Tests that build a site, a wheel or a git history, drive a browser, lint with actionlint or
# generate many examples: `pytest -m "not slow"` leaves them out (see README, "Checks").
# A new test of more than a second belongs here, or gets @pytest.mark.slow.
SLOW_MODULES = frozenset({"test_site", "test_integrity", "test_incremental", "test_serve", "test_package",
                          "test_fuzz", "test_history", "test_history_cost", "test_safety", "test_publish",
                          "test_deploy", "test_report", "test_report_cadence", "test_spreadsheet", "test_reuse"})
SLOW_TESTS = (
    "tests/test_hostile.py::test_hostile_file_is_refused_cleanly",
    "tests/test_text.py::test_plain_fast_path_matches_the_markdown_converter",
    "tests/test_load.py::test_mutated_registers_give_problems_or_a_model_never_an_exception",
    "tests/test_load.py::test_arbitrary_",
    "tests/test_charts.py::test_every_chart_draws_for_the_edge_cases",
    "tests/test_charts.py::test_same_data_gives_identical_bytes_across_caches_and_processes",
    "tests/test_charts.py::test_alt_texts",
    "tests/test_charts.py::test_svg_keeps_vietnamese_text_as_text",
    "tests/test_charts.py::test_after_an_edit_only_the_charts_that_show_it_are_drawn_again",
    "tests/test_schema.py::test_schema_accepts_the_example_and_the_fixture",
    "tests/test_workflows.py::test_workflows_pass_actionlint",
    "tests/test_workflows.py::test_actionlint_catches_a_broken_workflow",
    "tests/test_scaffold.py::test_scaffold_workflows_pass_actionlint",
    "tests/test_hostile.py::test_a_hand_written_page_cannot_take_a_generated_path",
    "tests/test_hostile.py::test_a_folder_with_a_copied_marker_is_not_replaced",
    "tests/test_hostile.py::test_commit_subjects_cannot_break_the_feed_or_bloat_it",
    "tests/test_hostile.py::test_diff_output_is_safe_in_a_terminal",
    "tests/test_charts.py::test_no_label_of_the_example_is_cut",
    "tests/test_charts.py::test_register_text_is_drawn_literally_not_as_markup_or_tex",
    "tests/test_schema.py::test_never_refuses_a_register_that_validate_accepts",
    "tests/test_derive.py::test_the_partition_sums_to_the_total_on_any_register",
    "tests/test_forms_hostile.py::test_the_largest_accepted_sheet_is_read_in_bounded_time",
    "tests/test_forms_hostile.py::test_a_huge_sheet_is_refused_before_it_is_parsed",
    "tests/test_forms_hostile.py::test_a_zip_bomb_is_refused_from_its_declared_size_in_no_time",
    "tests/test_forms.py::test_round_trip_adds_exactly_the_filled_reports_and_nothing_else",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if "e2e" in path.parts:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
        elif path.stem in SLOW_MODULES or item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Charts, history and the site builder's workspace of this test session only."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(cache))
        yield cache


@pytest.fixture(autouse=True)
def environment_restored() -> Iterator[None]:
    """A test (or function-scoped fixture) that changes the environment without undoing it fails."""
    before = dict(os.environ)
    yield
    changed = sorted(k for k in before.keys() | os.environ.keys() if before.get(k) != os.environ.get(k)
                     and not k.startswith("PYTEST_") and k not in SET_BY_THE_PROGRAM)
    assert not changed, f"environment left changed: {changed}"


@pytest.fixture(scope="module")
def source_date_epoch() -> Iterator[str]:
    """SOURCE_DATE_EPOCH set for a module's builds, and unset again after it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield EPOCH


@pytest.fixture
def small_path() -> Path:
    return REGISTERS / "valid" / "small.yaml"


def validate_text(text: str, **kwargs) -> Result:
    return validate(load_text(text), **kwargs)


def validate_path(path: Path, **kwargs) -> Result:
    return validate(load_file(path), **kwargs)
