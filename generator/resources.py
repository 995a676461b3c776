"""The package's own files — templates, assets, theme overrides, default settings and pages,
translations — found with ``importlib.resources``, so the same code runs from a checkout and from
an installed wheel; and the folder of the site being built (the *project*), whose own files take
precedence over the package's defaults.

In a checkout, ``generator/site_templates`` and ``generator/defaults/content/*.md`` are links to
the top-level ``site_templates/`` and ``content/`` (the example site is the package's test bed);
building a wheel copies the files they point to.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

PROJECT_ENV = "SONHIEMVU_PROJECT"  # the site's folder when not the current one
CACHE_ENV = "SONHIEMVU_CACHE"  # the cache folder when not <project>/.cache


@cache
def package_path(*parts: str) -> Path:
    """A file or folder of the installed package (``site_templates``, ``defaults/mkdocs.yml``, ...)."""
    found = files("generator").joinpath(*parts)
    path = Path(str(found))
    if not path.exists():  # a zipped install: not supported, say so instead of failing later
        raise FileNotFoundError(f"package data missing: generator/{'/'.join(parts)}")
    return path


def templates() -> Path:
    return package_path("site_templates")


def default_settings() -> Path:
    return package_path("defaults", "mkdocs.yml")


def default_content() -> Path:
    return package_path("defaults", "content")


def project_dir() -> Path:
    """The site's folder: ``$SONHIEMVU_PROJECT`` or the current folder."""
    return Path(os.environ.get(PROJECT_ENV) or ".").resolve()


def cache_dir(project: Path) -> Path:
    """Charts, parsed history and the site builder's workspace: ``$SONHIEMVU_CACHE`` or ``<project>/.cache``."""
    return Path(os.environ[CACHE_ENV]).resolve() if os.environ.get(CACHE_ENV) else project / ".cache"


def template_dirs(project: Path) -> list[Path]:
    """Where page templates are looked up, the body's own ``site_templates/`` first."""
    own = project / "site_templates"
    package = templates()
    return [own, package] if own.is_dir() and own.resolve() != package.resolve() else [package]
