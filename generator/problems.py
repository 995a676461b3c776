"""Problems found in a register: what every stage returns instead of raising or printing."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the register, at a place an editor can find.

    ``code`` names a message in the translation table; ``args`` fills its
    placeholders. The text itself is produced only when the problem is shown,
    in the register's language.
    """

    line: int
    col: int
    code: str
    args: tuple[tuple[str, object], ...] = field(default=(), compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def arg_dict(self) -> dict[str, object]:
        return dict(self.args)


def problem(line: int, col: int, code: str, severity: Severity = Severity.ERROR, /, **args: object) -> Problem:
    return Problem(line, col, code, tuple(sorted(args.items())), severity)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)
