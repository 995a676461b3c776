"""Command line: argument parsing and printing only; the work is done by the stages."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import i18n
from .schema import Ctx, Date
from .load import Scalar
from .checking import (EXIT_INVALID, EXIT_OK, EXIT_USAGE, print_annotations, print_problems, register_at, say,
                       valid_register)
from .validate import Result

if TYPE_CHECKING:
    from pathlib import Path

    from .build import Summary
    from .diff import Change
    from .problems import Problem



def _date_arg(value: str) -> dt.date:
    parsed = Date().check(Scalar(1, 1, raw=value), Ctx(), "--as-of")
    if parsed is None or not isinstance(parsed, dt.date):
        raise argparse.ArgumentTypeError(i18n.t("cli.bad_as_of", "vi", value=value))
    return parsed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sonhiemvu", description="Sổ nhiệm vụ → trang web công khai")
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="kiểm tra tasks.yaml / check tasks.yaml")
    check.add_argument("path", nargs="?", default="tasks.yaml")
    check.add_argument("--as-of", type=_date_arg, help="YYYY-MM-DD")
    check.add_argument("--max-mb", type=float, default=5, help="giới hạn cỡ tệp (MB) / file size limit")
    build = commands.add_parser("build", help="dựng trang web / build the site")
    build.add_argument("--register", default="tasks.yaml")
    build.add_argument("--as-of", type=_date_arg, help="YYYY-MM-DD")
    build.add_argument("--max-mb", type=float, default=5, help="giới hạn cỡ tệp (MB) / file size limit")
    build.add_argument("--out", default="site")
    build.add_argument("--no-pdf", action="store_true", help="không tạo bản PDF báo cáo tháng / skip the report PDFs")
    build.add_argument("--site-url", metavar="URL",
                       help="địa chỉ công khai, vd. https://ten.github.io/kho/ (mặc định: biến SITE_URL, mkdocs.yml, "
                            "sổ nhiệm vụ) / the site's public address")
    build.add_argument("--cache", metavar="DIR",
                       help="thư mục lưu biểu đồ và lịch sử đã dựng (mặc định .cache/) / chart and history cache")
    changes = commands.add_parser("diff", help="những gì đã thay đổi / what changed between two registers")
    changes.add_argument("old", nargs="?")
    changes.add_argument("new", nargs="?", default="tasks.yaml")
    changes.add_argument("--since", metavar="REV", help="so với một phiên bản git / against a git revision")
    changes.add_argument("--markdown", action="store_true", help="Markdown (job summary)")
    schema = commands.add_parser("schema", help="ghi JSON Schema của định dạng / write the format's JSON Schema")
    schema.add_argument("--out", default="schema/tasks.schema.json")
    owners = commands.add_parser("codeowners", help="khối CODEOWNERS: mỗi đơn vị sở hữu sổ của mình / "
                                                    "a CODEOWNERS block: each unit owns its register")
    owners.add_argument("--register", default="tasks.yaml")
    owners.add_argument("--owner", required=True, metavar="@ORG", help="tổ chức GitHub; nhóm là @ORG/<mã đơn vị>")
    report = commands.add_parser("report", help="báo cáo tháng, bản in PDF / monthly report (PDF)")
    report.add_argument("--month", required=True, metavar="YYYY-MM")
    report.add_argument("--register", default="tasks.yaml")
    report.add_argument("--out", metavar="FILE", help="mặc định bao-cao-YYYY-MM.pdf; .html: bản HTML")
    report.add_argument("--max-mb", type=float, default=5, help="giới hạn cỡ tệp (MB) / file size limit")
    serve = commands.add_parser("serve", help="xem trước, tự dựng lại khi sửa / live preview")
    serve.add_argument("--register", default="tasks.yaml")
    serve.add_argument("--as-of", type=_date_arg, help="YYYY-MM-DD")
    serve.add_argument("--max-mb", type=float, default=5, help="giới hạn cỡ tệp (MB) / file size limit")
    serve.add_argument("--port", type=int, default=8000)
    form = commands.add_parser("form", help="lập biểu mẫu báo cáo .xlsx cho cơ quan / spreadsheet report form")
    form.add_argument("--agency", help="mã cơ quan (khóa trong agencies) / agency id")
    form.add_argument("--all", action="store_true", help="mỗi cơ quan một tệp, trong thư mục --out / one per agency")
    form.add_argument("--month", help="YYYY-MM (mặc định: tháng của ngày tính số liệu) / reporting month")
    form.add_argument("--out", help="tệp .xlsx, hoặc thư mục với --all / file, or folder with --all")
    form.add_argument("--register", default="tasks.yaml")
    form.add_argument("--as-of", type=_date_arg, help="YYYY-MM-DD")
    importing = commands.add_parser("import", help="nhập biểu mẫu đã điền vào tasks.yaml / import filled forms")
    importing.add_argument("files", nargs="+", metavar="FILE.xlsx")
    importing.add_argument("--register", default="tasks.yaml")
    importing.add_argument("--as-of", type=_date_arg, help="YYYY-MM-DD")
    importing.add_argument("--markdown", action="store_true", help="tóm tắt dạng Markdown / summary as Markdown")
    init = commands.add_parser("init", help="tạo kho trang web mới cho một cơ quan / scaffold a new body's site")
    init.add_argument("dir")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for an editor
        if args.debug or os.environ.get("GENERATOR_DEBUG"):
            raise
        say(i18n.t("cli.internal_error", "vi", error=f"{type(exc).__name__}: {exc}"), err=True)
        return 3


def cmd_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import cascade

    paths = cascade.discover(Path(args.path))
    if len(paths) > 1:  # a root register with unit registers beside it: the whole set (issue 15)
        return validate_cascade(paths, args.as_of, args.max_mb)
    result = valid_register(args.path, args.as_of, args.max_mb)
    if isinstance(result, int):
        return result
    from .derive import derive

    assert result.register is not None and result.as_of is not None
    overall = derive(result.register, result.as_of.date).overall
    say(i18n.t("cli.valid", result.language, path=args.path, total=overall.total,
                 as_of=i18n.date(result.as_of.date), early=overall.early, overdue=overall.overdue, **overall.status))
    return EXIT_OK


def validate_cascade(paths: "list[Path]", as_of: dt.date | None, max_mb: float) -> int:
    """Every register of the set and the set as a whole; problems under each file's name."""
    from . import cascade
    from .derive import derive

    checked = cascade.check(paths, as_of, int(max_mb * 1024 * 1024))
    print_file_problems(cascade.problems_of(checked))
    for f in checked.files:
        if f.result is None:
            say(i18n.t("cli.unreadable", "vi", path=f.path, reason=f.error), err=True)
    if not checked.ok:
        return EXIT_INVALID
    for f in checked.files:
        result = f.result
        assert result is not None and result.register is not None and result.as_of is not None
        overall = derive(result.register, result.as_of.date).overall
        say(i18n.t("cli.valid", result.language, path=f.path, total=overall.total, as_of=i18n.date(result.as_of.date),
                   early=overall.early, overdue=overall.overdue, **overall.status))
    return EXIT_OK


def print_file_problems(files: "list[tuple[str, str, list[Problem]]]") -> None:
    for path, lang, problems in files:
        print_problems(problems, path, lang)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print_annotations(problems, path, lang)


def cmd_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .build import SiteOptions, build_site
    from .progress import Progress

    out = Path(args.out)
    progress = Progress()
    try:
        summary = build_site(SiteOptions(Path(args.register), out, args.as_of, args.max_mb, progress=progress,
                                         cache=Path(args.cache) if args.cache else None, site_url=args.site_url,
                                         pdfs=not args.no_pdf))
    finally:
        progress.finish()
    return report_build(summary, args.register, out)


def report_build(summary: "Summary", register: str, out: "Path") -> int:
    """Print what ``build_site`` found and did; the exit code."""
    lang = summary.language
    if summary.files:  # several registers (issue 15): each file's problems under its name
        print_file_problems(summary.files)
    else:
        print_problems(summary.problems, register, lang)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print_annotations(summary.problems, register, lang)
    if summary.status == "unreadable":
        say(i18n.t("cli.unreadable", lang, path=register, reason=summary.error), err=True)
        return EXIT_USAGE
    if summary.status == "invalid":
        return EXIT_INVALID
    if summary.status == "failed":
        say(i18n.t("cli.build_failed", lang, reason=summary.error), err=True)
        return EXIT_INVALID
    report = summary.report
    assert report is not None
    say(report.address.describe(lang), err=not report.address.url)
    for notice in report.notices:
        say(notice, err=True)
    say(i18n.t("cli.built", lang, out=out, pages=report.pages, rebuilt=report.pages_rebuilt,
                 drawn=report.charts_drawn, reused=report.charts_reused, seconds=i18n.number(report.seconds, lang),
                 index=out / "index.html"))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.register, args.as_of, args.port, max_mb=args.max_mb, report=report_build)


def cmd_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(Path(args.dir))
    except ScaffoldError as exc:
        say(exc.message("vi"), err=True)
        return EXIT_USAGE
    say(i18n.t("cli.init_done", "vi", dir=args.dir, files=len(written)))
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import diff

    if args.since and args.old and args.new == "tasks.yaml":  # diff --since REV FILE: the one file is the new one
        args.old, args.new = None, args.old
    if bool(args.old) == bool(args.since):
        print("diff: give OLD NEW, or --since REV", file=sys.stderr)
        return EXIT_USAGE
    if args.since:
        from . import cascade

        paths = cascade.discover(Path(args.new))
        if len(paths) > 1:  # every register of the set, each under its name (issue 15)
            return diff_registers(paths, args.since, args.markdown)
        checked, why = register_at(Path(args.new), args.since)
        if checked is None:
            say(why, err=True, multiline=True)
            return EXIT_USAGE
        print_problems(checked.problems, f"{args.since}:{args.new}", checked.language)
        old: Result | int = checked if checked.ok else EXIT_INVALID
    else:
        old = valid_register(args.old, None)
    new = valid_register(args.new, None)
    if isinstance(old, int) or isinstance(new, int):
        return old if isinstance(old, int) else new  # type: ignore[return-value]
    lang = new.language
    assert old.register is not None and new.register is not None  # valid_register returned valid results
    _say_changes(diff.diff(old.register, new.register), lang, args.markdown)
    return EXIT_OK


def _say_changes(changes: list[Change], lang: str, markdown: bool) -> None:
    """The changes between two registers: Markdown for a PR comment, else a line each."""
    from . import diff
    from .render.pages import environment

    if markdown:
        say(environment(lang).get_template("diff.md.j2").render(changes=changes), multiline=True, end="")
        return
    for change in changes:
        say(("⚠ " if change.prominent else "- ") + diff.describe(change, lang))
    if not changes:
        print(i18n.t("change.none", lang))


def diff_registers(paths: "list[Path]", since: str, markdown: bool) -> int:
    """``diff --since`` over a root register and its units' registers: the changes of each, named."""
    from . import diff

    code = EXIT_OK
    for path in paths:
        new = valid_register(str(path), None)
        if isinstance(new, int):
            code = new
            continue
        assert new.register is not None
        lang = new.language
        unit = new.register.meta.unit
        name = f"{unit.name} ({path})" if unit else str(path)
        old, _ = register_at(path, since)  # None: the file is new since then
        if old is not None and not old.ok:
            print_problems(old.problems, f"{since}:{path}", old.language)
            code = EXIT_INVALID
            continue
        heading = i18n.t("cli.diff_register", lang, register=name)
        say(f"## {heading}" if markdown else heading)
        if old is None or old.register is None:
            say(i18n.t("cli.diff_new_register", lang, total=len(new.register.tasks)))
            continue
        _say_changes(diff.diff(old.register, new.register), lang, markdown)
    return code


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .render.report import ReportError, make

    result = valid_register(args.register, None, args.max_mb)
    if isinstance(result, int):
        return result
    assert result.register is not None and result.as_of is not None
    try:
        out = make(result.register, result.as_of.date, args.month, Path(args.register), args.out)
    except ReportError as exc:
        say(exc, err=True)
        return EXIT_USAGE
    say(i18n.t("cli.report_written", result.language, month=args.month, path=out))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .schema import json_schema_text

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json_schema_text(), encoding="utf-8")
    print(out)
    return EXIT_OK


def cmd_codeowners(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import cascade

    checked = cascade.check(cascade.discover(Path(args.register)))
    print_file_problems(cascade.problems_of(checked))
    if not checked.ok:
        return EXIT_INVALID
    print(cascade.codeowners(checked, Path.cwd(), args.owner), end="")
    return EXIT_OK


def cmd_form(args: argparse.Namespace) -> int:
    from .forms import cli as forms_cli

    return forms_cli.form(args)


def cmd_import(args: argparse.Namespace) -> int:
    from .forms import cli as forms_cli

    return forms_cli.import_forms(args)


COMMANDS = {"codeowners": cmd_codeowners, "form": cmd_form, "import": cmd_import, "schema": cmd_schema, "diff": cmd_diff, "validate": cmd_validate,
            "build": cmd_build, "serve": cmd_serve, "report": cmd_report,
            "init": cmd_init}


def run() -> None:
    """The ``sonhiemvu`` console command."""
    raise SystemExit(main())
