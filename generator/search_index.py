"""Stage 8 — the search index, made from the built HTML by Pagefind.

Pagefind reads the finished pages (whatever builder made them), indexes only what is
marked ``data-pagefind-body`` (the article of every page that search should find; the theme
override adds it) and leaves out ``data-search-exclude`` parts (tables that repeat the task
pages, a task's older reports) and the labels of fact tables. It writes ``pagefind/`` into the site: an index split into small chunks, so a visitor
downloads only the chunks the words they type need (``assets/search.js`` asks for them).
The binary ships in the ``pagefind[extended]`` wheel: nothing is downloaded at build time.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import i18n

BUNDLE = "pagefind"
# Left out of the index: tables that repeat the task pages, older reports (data-search-exclude), and
# the labels every page repeats ("Cơ quan chủ trì", "Thời hạn"): words on every page cost index bytes
# in every search for them, and find nothing.
EXCLUDE = ("[data-search-exclude]", ".headerlink", ".facts th")
# Pagefind's ready-made interfaces: the site has its own, in the header (assets/search.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
LABELS = ("open", "label", "placeholder", "close", "hint", "loading", "results", "none", "more", "error", "offline")


class SearchIndexError(Exception):
    """The index could not be made; ``key`` (under ``build.``) and ``args_`` name the translated
    message that says why and what to do."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key, self.args_ = key, args

    def __str__(self) -> str:
        return i18n.t(f"build.{self.key}", "en", **self.args_)


def executable() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexError("search_missing") from exc
    found = get_executable()
    if found is None or not Path(found).is_file():
        raise SearchIndexError("search_missing")
    return Path(found)


def command(site: Path) -> list[str]:
    args = [str(executable()), "--site", str(site), "--output-subdir", BUNDLE, "--silent"]
    for selector in EXCLUDE:
        args += ["--exclude-selectors", selector]
    return args


def write(site: Path) -> None:
    """Index the built ``site`` into ``site/pagefind/``."""
    shutil.rmtree(site / BUNDLE, ignore_errors=True)
    done = subprocess.run(command(site), capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [str(done.returncode)]
        raise SearchIndexError("search_failed", detail=detail[0])
    for name in UNUSED:
        (site / BUNDLE / name).unlink(missing_ok=True)


def labels(lang: str) -> dict[str, str]:
    """The search box's words, for the theme override (which has no access to our translations)."""
    return {key: i18n.t(f"ui.search.{key}", lang, count="{count}") for key in LABELS}
