"""Build progress on the terminal: silent when quick, a line per stage in logs, a bar on a terminal."""

from __future__ import annotations

import io

from generator import progress
from generator.progress import STAGES, Progress


def _run(p: Progress) -> None:
    for stage in STAGES:
        p.stage_done(stage, 0.25)
    p.finish()


def test_a_quick_build_prints_no_progress(monkeypatch):
    monkeypatch.setattr(progress, "QUIET_SECONDS", 3600)
    out = io.StringIO()
    _run(Progress(out, interactive=False))
    assert out.getvalue() == ""


def test_a_slow_build_in_ci_prints_one_line_per_stage(monkeypatch):
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0)
    out = io.StringIO()
    _run(Progress(out, interactive=False))
    assert out.getvalue().splitlines() == [f"{stage}: 0.2 s" for stage in STAGES]


def test_a_slow_build_on_a_terminal_redraws_one_bar(monkeypatch):
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0)
    out = io.StringIO()
    _run(Progress(out, interactive=True))
    text = out.getvalue()
    assert text.count("\r") == len(STAGES) and text.endswith("\n")
    assert "[" + "#" * 20 + "] mkdocs" in text
