"""Live preview: build, serve the site on localhost, rebuild when a source changes.

Polls modification times (no extra dependency, works in containers and on
network drives) and rebuilds within about a second of a save. A broken
register keeps the last good site on screen and prints the problems.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import http.server
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import resources
from .build import SiteOptions, Summary, build_site

WATCHED = ("content", "site_templates", "mkdocs.yml")
POLL_SECONDS = 0.5
REBUILDING = "rebuilding:"  # followed by the Unix time the change was seen


def snapshot(paths: list[Path]) -> dict[Path, float]:
    stamps: dict[Path, float] = {}
    for path in paths:
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            try:
                stamps[file] = file.stat().st_mtime_ns
            except OSError:
                continue
    return stamps


def serve(register: str, as_of: dt.date | None, port: int, out: Path | None = None, max_mb: float = 5,
          report: Callable[[Summary, str, Path], object] | None = None) -> int:
    """``report`` prints what each build found (the command line's printer)."""
    project = resources.project_dir()
    out = out or Path(os.environ.get("GENERATOR_PREVIEW_DIR") or resources.cache_dir(project) / "preview")
    options = SiteOptions(Path(register), out, as_of, max_mb, project=project, pdfs=False)  # PDFs take seconds

    def rebuild() -> None:
        summary = build_site(options)
        if report is not None:
            report(summary, register, out)

    rebuild()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{port}/  (Ctrl+C)", file=sys.stderr, flush=True)
    # the units' registers beside the root too (issue 15): a commune's edit rebuilds the preview
    watched = [Path(register), Path(register).parent / "registers"] + [project / w for w in WATCHED]
    before = snapshot(watched)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(watched)
            if now != before:
                before = now
                print(f"{REBUILDING} {time.time():.3f}", file=sys.stderr, flush=True)
                rebuild()
    except KeyboardInterrupt:
        server.shutdown()
    return 0
