"""Progress of a build on the terminal: quiet for quick builds, one line per stage in CI logs,
a redrawn bar on an interactive terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

QUIET_SECONDS = 2.0
STAGES = ("copy", "history", "charts", "pages", "data", "feed", "mkdocs")


class Progress:
    """Told when each stage starts and ends; prints nothing until the build has taken two seconds."""

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.started = time.perf_counter()
        self.done: list[tuple[str, float]] = []
        self.shown = 0

    def stage_done(self, stage: str, seconds: float) -> None:
        self.done.append((stage, seconds))
        if time.perf_counter() - self.started >= QUIET_SECONDS:
            self._show()

    def _show(self) -> None:
        if self.interactive:
            filled = round(len(self.done) / len(STAGES) * 20)
            stage, seconds = self.done[-1]
            self.stream.write(f"\r[{'#' * filled}{'.' * (20 - filled)}] {stage} {seconds:.1f} s   ")
            if len(self.done) == len(STAGES):
                self.stream.write("\n")
        else:
            for stage, seconds in self.done[self.shown:]:
                self.stream.write(f"{stage}: {seconds:.1f} s\n")
        self.shown = len(self.done)
        self.stream.flush()

    def finish(self) -> None:
        if self.interactive and self.shown and self.shown < len(STAGES):
            self.stream.write("\n")
