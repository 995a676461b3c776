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
from pathlib import Path

from .build import PROJECT

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


def serve(register: str, as_of: dt.date | None, port: int, out: Path | None = None, max_mb: float = 5) -> int:
    from .cli import main

    out = out or Path(os.environ.get("GENERATOR_PREVIEW_DIR") or PROJECT / ".cache" / "preview")
    args = ["build", "--register", register, "--out", str(out), "--max-mb", str(max_mb), "--no-pdf"]
    args += ["--as-of", as_of.isoformat()] if as_of else []
    main(args)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{port}/  (Ctrl+C)", file=sys.stderr, flush=True)
    watched = [Path(register)] + [PROJECT / w for w in WATCHED]
    before = snapshot(watched)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(watched)
            if now != before:
                before = now
                print(f"{REBUILDING} {time.time():.3f}", file=sys.stderr, flush=True)
                main(args)
    except KeyboardInterrupt:
        server.shutdown()
    return 0
