"""The ``form`` and ``import`` commands: arguments in, words out; the work is in form.py and importer.py."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from .. import i18n
from ..schema import closest
from . import layout

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _month(value: str | None, as_of: dt.date) -> dt.date | None:
    if value is None:
        return as_of.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def form(args: argparse.Namespace) -> int:
    from ..checking import valid_register
    from .form import FormSpec, open_tasks, write_form

    if bool(args.agency) == bool(args.all):
        print(i18n.t("form.usage", "vi"), file=sys.stderr)
        return EXIT_USAGE
    result = valid_register(args.register, args.as_of)
    if isinstance(result, int):
        return result
    assert result.register is not None and result.as_of is not None
    register, lang = result.register, result.language
    month = _month(args.month, result.as_of.date)
    if month is None:
        print(i18n.t("form.bad_month", lang, value=args.month), file=sys.stderr)
        return EXIT_USAGE
    if args.agency and args.agency not in register.agencies:
        hint = closest(args.agency, tuple(register.agencies))
        print(i18n.t("form.unknown_agency", lang, agency=args.agency,
                     suggestion=i18n.t("form.did_you_mean", lang, suggestion=hint) if hint else ""), file=sys.stderr)
        return EXIT_USAGE
    version = layout.register_version(Path(args.register).read_bytes())
    agencies = [args.agency] if args.agency else list(register.agencies)
    folder = Path(args.out or "forms")
    for agency in agencies:
        name = f"bao-cao-{agency}-{month:%Y-%m}.xlsx"
        out = Path(args.out) if args.out and not args.all else (folder / name if args.all else Path(name))
        spec = FormSpec(register, agency, month, result.as_of.date, version)
        if not open_tasks(register, agency, spec.as_of):
            print(i18n.t("form.no_open_tasks", lang, agency=register.agencies[agency].name))
            continue
        count = write_form(spec, out)
        print(i18n.t("form.written", lang, path=out, count=count, agency=register.agencies[agency].name,
                     month=f"{month:%m/%Y}"))
    return EXIT_OK


def import_forms(args: argparse.Namespace) -> int:
    from .. import diff
    from ..checking import print_problems
    from .importer import plan_import, write_atomically

    register = Path(args.register)
    try:
        original, outcome = plan_import([Path(f) for f in args.files], register, args.as_of)
    except OSError as exc:
        print(i18n.t("cli.unreadable", "vi", path=register, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_USAGE
    lang = original.language
    if outcome.register_problems and outcome.text is None and not original.ok:
        print_problems(outcome.register_problems, str(register), lang)
        return EXIT_INVALID
    for found in outcome.problems:
        print(found.text(lang), file=sys.stderr)
    if outcome.register_problems:
        print(i18n.t("form.result_invalid", lang, path=register), file=sys.stderr)
        print_problems(outcome.register_problems, str(register), lang)
    if outcome.text is None:
        errors = len(outcome.problems) + sum(p.is_error for p in outcome.register_problems)
        print(i18n.t("form.not_written", lang, path=register, errors=errors), file=sys.stderr)
        return EXIT_INVALID
    write_atomically(register, outcome.text)
    assert original.register is not None and outcome.after is not None
    changes = diff.diff(original.register, outcome.after)
    if args.markdown:
        from ..render.pages import environment

        print(environment(lang).get_template("diff.md.j2").render(changes=changes), end="")
    else:
        print(i18n.t("form.imported", lang, count=outcome.added, path=register))
        for change in changes:
            print(("⚠ " if change.prominent else "- ") + diff.describe(change, lang))
    return EXIT_OK
