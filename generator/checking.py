"""Load and validate a register and print its problems, safely for a terminal or a CI log:
shared by the commands (cli, forms)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

from . import i18n
from .load import load_file
from .problems import Problem
from .validate import Result, validate

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# What a terminal or a CI log would act on rather than show: C0/C1 controls (ANSI escape sequences
# start with ESC), line and paragraph separators, bidirectional overrides.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escaped(char: re.Match[str]) -> str:
    code = ord(char.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_line(text: object, multiline: bool = False) -> str:
    """Text from a register, a commit or a file name made safe to print in a terminal or a CI log:
    control characters shown as escapes (``\\x1b``), line breaks escaped unless ``multiline``, and no
    line that a CI runner would read as a workflow command (``::error::``, ``::add-mask::``, ...)."""
    text = str(text)
    if not multiline:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    text = _UNSAFE.sub(_escaped, text)
    return "\n".join("\\" + line if line.lstrip().startswith("::") else line for line in text.split("\n"))


def say(text: object, err: bool = False, multiline: bool = False, end: str = "\n") -> None:
    print(safe_line(text, multiline), file=sys.stderr if err else sys.stdout, end=end)


def load_and_validate(path: str, as_of: dt.date | None, max_mb: float = 5) -> Result | int:
    """Load and validate, printing problems; an int is the exit code for an unreadable file."""
    try:
        loaded = load_file(path, int(max_mb * 1024 * 1024))
    except OSError as exc:
        say(i18n.t("cli.unreadable", "vi", path=path, reason=exc.strerror or exc), err=True)
        return EXIT_USAGE
    result = validate(loaded, as_of)
    print_problems(result.problems, path, result.language)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print_annotations(result.problems, path, result.language)
    return result


def register_at(path: Path, revision: str) -> tuple[Result | None, str]:
    """The register at ``path`` as it was at a git ``revision``, validated (for ``diff --since``);
    None and why (in words) when git has no such file there."""
    from . import gitrepo
    from .load import load_bytes

    shown, why = gitrepo.show(path, revision)
    if shown is None:
        return None, why
    return validate(load_bytes(shown, f"{revision}:{path}"), None), ""


def valid_register(path: str, as_of: dt.date | None, max_mb: float = 5) -> Result | int:
    """A valid register's result, or the exit code when it is unreadable or invalid."""
    result = load_and_validate(path, as_of, max_mb)
    if isinstance(result, int):
        return result
    return result if result.ok else EXIT_INVALID


def print_problems(problems: list[Problem], path: str, lang: str) -> None:
    for p in problems:
        say(i18n.format_problem(p, path, lang), err=True)
    errors = sum(p.is_error for p in problems)
    if errors:
        say(i18n.t("cli.invalid", lang, path=path, errors=errors, warnings=len(problems) - errors), err=True)


def print_annotations(problems: list[Problem], path: str, lang: str) -> None:
    """GitHub Actions workflow commands, so problems show on the changed lines of a pull request.
    The message and the file name are escaped as the runner reads them (``%``, line breaks; ``:`` and
    ``,`` in properties), so no register text can end the command or start another."""
    where = _property(path)
    for p in problems:
        text = _UNSAFE.sub(_escaped, i18n.message(p, lang).replace("%", "%25")).replace("\n", "%0A")
        print(f"::{p.severity.value} file={where},line={p.line},col={p.col}::{text}")


def _property(value: str) -> str:
    escaped = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _UNSAFE.sub(_escaped, escaped.replace(":", "%3A").replace(",", "%2C"))
