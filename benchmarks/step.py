"""One measured step, run by ``run.py`` in a fresh process; writes what it saw as JSON.

    python benchmarks/step.py validate REGISTER --json OUT
    python benchmarks/step.py build --register REGISTER --out SITE --cache CACHE --json OUT

``validate`` is ``python -m generator validate`` (``generator.cli.main``) in this process.
``build`` is what ``python -m generator build`` does (``build.build_site``: load, validate, derive, build),
except that the cache folder is given (``SiteOptions(cache=...)``): the command itself always
uses the project's ``.cache/``, which a benchmark must neither reuse nor fill.

Registers over the loader's default limit (``generator.load.MAX_BYTES``, 5 MB) are read with a
higher limit (the ``--max-mb`` of the commands, ``max_mb`` of ``checking.load_and_validate``), for this
run only; the JSON says which limit was used (``max_mb``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))


def max_mb(path: Path) -> float:
    """The loader's default limit in MB, or just above the file's size when it is larger."""
    import generator.load

    size = path.stat().st_size
    default = generator.load.MAX_BYTES / 1048576
    return default if size <= generator.load.MAX_BYTES else math.ceil(size / 1048576) + 1


def cmd_validate(args: argparse.Namespace) -> dict:
    from generator import cli

    limit = max_mb(args.register)
    begun = time.perf_counter()
    code = cli.main(["validate", str(args.register), "--max-mb", str(limit)])
    return {"exit": code, "max_mb": limit, "seconds_in_process": time.perf_counter() - begun}


def cmd_build(args: argparse.Namespace) -> dict:
    timings: dict[str, float] = {}
    begun = time.perf_counter()
    from generator import build as build_module
    from generator.render import pages

    timings["import"] = time.perf_counter() - begun
    limit = max_mb(args.register)

    task_md: list[int] = []
    original_render = pages.render

    def measured_render(site, docs, plan=None, memo=None):  # type: ignore[no-untyped-def]
        written = original_render(site, docs, plan, memo)
        task_md.extend(p.stat().st_size for p in written if p.parent.name == "tasks" and p.stem.isdigit())
        return written

    pages.render = measured_render  # only to record the size of the staged task pages
    seen: dict[str, float] = {}  # when the build reached each stage: load and validate, derive come first

    def hook(stage: str) -> None:
        seen.setdefault(stage, time.perf_counter())

    # what `python -m generator build` does (the chart workers' server, the validation cache), but the
    # cache folder is given
    summary = build_module.build_site(build_module.SiteOptions(args.register, args.out, max_mb=limit,
                                                               cache=args.cache, on_stage=hook))
    report = summary.report
    if not summary.ok or report is None:
        return {"exit": 1, "max_mb": limit, "error": summary.error}
    timings["load_validate"] = seen["derive"] - seen["load"]
    timings["derive"] = seen["copy"] - seen["derive"]
    return {
        "exit": 0, "max_mb": limit, "timings": timings, "stages": report.stages,
        "build_seconds": report.seconds, "pages": report.pages,
        "pages_rebuilt": getattr(report, "pages_rebuilt", report.pages),
        "charts_drawn": report.charts_drawn, "charts_reused": report.charts_reused, "pages_reused": report.pages_reused,
        "task_md_avg": sum(task_md) / len(task_md) if task_md else 0, "task_md_count": len(task_md),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate")
    v.add_argument("register", type=Path)
    v.add_argument("--json", type=Path)
    b = sub.add_parser("build")
    b.add_argument("--register", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--cache", type=Path, required=True)
    b.add_argument("--json", type=Path)
    args = parser.parse_args()
    data = (cmd_validate if args.command == "validate" else cmd_build)(args)
    data["process_seconds"] = time.perf_counter() - STARTED
    if args.json:
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return int(data["exit"])


if __name__ == "__main__":
    raise SystemExit(main())
