"""A file put in place as another's hard link (what the caches hand to the staged pages and the
site builder's workspace, without writing the bytes again), or written whole as a new file.

Writing a page's bytes is what costs on a build machine's disk (a thousand 32 KB pages: ~0.8 s; their
hard links: ~0.02 s). A file so shared is never to be written in place afterwards: every writer of the
staged pages, the caches and the workspace writes a new file under a temporary name and renames it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_over(source: Path, target: Path) -> None:
    """``target`` made ``source`` itself (a hard link; a copy where the two are on different file systems
    or the system has no hard links), replacing whatever ``target`` was, through a temporary name."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.link")
    partial.unlink(missing_ok=True)
    try:
        link_or_copy(source, partial)
    except FileNotFoundError:  # its folder is made only when missing (a thousand checks cost a tenth of a second)
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(source, partial)
    os.replace(partial, target)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """``target`` a hard link to ``source``, or its copy where there can be none (``shutil.copytree``'s
    ``copy_function`` too)."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, target)


def write_new(path: Path, data: bytes) -> None:
    """``path`` written whole as a new file, through a temporary name renamed over it: a killed build never
    leaves half a file, and a file it replaces (which may be another's hard link) is not written into."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)
