"""The site builder's plugin of our own: added by ``build._run_mkdocs`` to the configuration MkDocs loaded
(MkDocs's plugin events; nothing of it is needed to build the staged pages with another builder)."""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin

from .render import pages


class CompiledTheme(BasePlugin):
    """The theme's templates keep their compiled form between builds, as our pages' do
    (``pages.bytecode_cache``): MkDocs compiles the ~40 templates a build uses every time, ~0.1 s of a
    warm build of 1,000 tasks."""

    NAME = "generator-compiled-theme"

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        env.bytecode_cache = pages.bytecode_cache(pages.BUILDER)
        return env
