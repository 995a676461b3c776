"""The loader: positions, hostile input, and a property test that nothing makes it raise."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import Mapping, Scalar, Sequence, load_bytes, load_text
from generator.validate import validate
from tests.conftest import REGISTERS
from tests.strategies import mutated

SMALL = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8")


def test_positions_are_one_based_line_and_column():
    loaded = load_text("a:\n  b: [1, 2]\n")
    assert isinstance(loaded.root, Mapping)
    b = loaded.root.items["a"].items["b"]
    assert isinstance(b, Sequence) and (b.line, b.col) == (2, 6)
    assert isinstance(b.items[1], Scalar) and (b.items[1].line, b.items[1].col) == (2, 10)


def test_billion_laughs_is_refused_at_the_first_anchor():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    loaded = load_text(bomb)
    assert loaded.root is None
    assert [(p.line, p.code) for p in loaded.problems] == [(1, "anchor_not_allowed")]


def test_deep_nesting_is_refused_without_recursion_error():
    loaded = load_text("a: " + "[" * 100000 + "]" * 100000)
    assert loaded.root is None
    assert loaded.problems[0].code == "too_deep" or loaded.problems[0].arg_dict()["detail"] == "too_deep"


def test_binary_garbage_gives_a_problem():
    data = bytes(random.Random(1).randrange(256) for _ in range(4096))
    result = validate(load_bytes(b"\x89PNG\r\n\x1a\n" + data))
    assert result.register is None and result.problems[0].code == "not_utf8"


def test_very_long_line():
    loaded = load_text("register:\n  title: " + "x" * 1_000_000 + "\n")
    result = validate(loaded)
    assert "text_too_long" in {p.code for p in result.problems}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(SMALL.splitlines()))
def test_mutated_registers_give_problems_or_a_model_never_an_exception(text):
    result = validate(load_text(text))
    assert result.ok or result.problems


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    result = validate(load_text(text))
    assert result.ok or result.problems


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data):
    result = validate(load_bytes(data))
    assert result.ok or result.problems


@pytest.mark.parametrize(("text", "where", "hint"), [
    pytest.param('a: 1\nb: "hello\nc: 2\nd: 3\n', (2, 4), "unclosed_quote", id="double quote"),
    pytest.param("a: 1\nb: 'it\nc: 2\n", (2, 4), "unclosed_quote", id="single quote"),
    pytest.param("a: 1\nb: [1, 2\nc: 3\nd: 4\n", (2, 4), "unclosed_bracket", id="bracket"),
    pytest.param("a:\n  - x: 1\n    y: {p: 1\n  - z: 2\n", (3, 8), "unclosed_brace", id="brace"),
    pytest.param("a: 1\nb\nc: 2\n", (2, 1), "missing_colon", id="key without colon"),
])
def test_a_mistake_is_reported_where_it_begins_not_where_the_parser_gave_up(text, where, hint):
    problems = load_text(text).problems
    assert [((p.line, p.col), p.arg_dict()["detail"]) for p in problems] == [(where, hint)]


def test_an_indentation_mistake_is_still_reported_where_the_parser_noticed_it():
    problems = load_text("a: |\n  x\n b: 1\n").problems  # the block mapping began on line 1; the slip is line 3
    assert [(p.line, p.col) for p in problems] == [(3, 2)]
