"""The site's one public address, and where it came from.

Looked for, in this order: ``build --site-url``; the ``SITE_URL`` environment
variable (the publishing workflow sets it to the address GitHub Pages reports,
custom domain included); ``site_url`` in ``mkdocs.yml``; ``site_url`` in the
register. Every one of them reaches the site builder's config and the theme,
so each is checked by the same function as the register's
(``schema.web_address``) and a bad one stops the build with a message naming
where it was written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import i18n
from .schema import web_address

ENV_VAR = "SITE_URL"
SOURCES = ("option", "environment", "mkdocs", "register")


class AddressError(ValueError):
    """A site address that cannot be used; the message is for the person who wrote it."""


@dataclass(frozen=True)
class SiteAddress:
    url: str | None  # normalised, ending in "/"; None when no source gives one
    source: str | None  # one of SOURCES

    def describe(self, lang: str) -> str:
        """One line for the build's output: the address and where it came from, or a warning."""
        if self.url is None:
            return i18n.t("address.none", lang, var=ENV_VAR)
        return i18n.t("address.used", lang, url=self.url, source=i18n.t(f"address.source.{self.source}", lang,
                                                                           var=ENV_VAR))


def resolve(option: str | None, register_url: str | None, mkdocs_yml: Path | None,
            environ: Mapping[str, str] | None = None, lang: str = "vi") -> SiteAddress:
    """The first address given, checked; raises ``AddressError`` for a bad one."""
    env = os.environ if environ is None else environ
    candidates = (("option", option), ("environment", env.get(ENV_VAR)),
                  ("mkdocs", _from_mkdocs(mkdocs_yml, lang)), ("register", register_url))
    for source, value in candidates:
        if value is None or not str(value).strip():
            continue  # an empty SITE_URL (a workflow output that was not set) means "not given"
        return SiteAddress(check(str(value).strip(), source, lang), source)
    return SiteAddress(None, None)


def check(value: str, source: str, lang: str = "vi") -> str:
    """The normalised address, ending in "/" so that pages resolve below it."""
    url, reason = web_address(value)
    if url is None:
        where = i18n.t(f"address.source.{source}", lang, var=ENV_VAR)
        raise AddressError(i18n.t("address.bad", lang, where=where, value=value[:80],
                                  detail=i18n.t(f"hint.{reason}", lang)))
    return url if url.endswith("/") else url + "/"


class _AnyTag(yaml.SafeLoader):
    """Reads mkdocs.yml, whose extensions' settings use Python tags (``!!python/name:``), without running them."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def _from_mkdocs(path: Path | None, lang: str) -> str | None:
    if path is None or not path.is_file():
        return None
    try:
        settings = yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyTag)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise AddressError(i18n.t("address.mkdocs_unreadable", lang, path=path, reason=str(exc).splitlines()[0])) from exc
    value = settings.get("site_url") if isinstance(settings, dict) else None
    if value is not None and not isinstance(value, str):
        raise AddressError(i18n.t("address.bad", lang, where=i18n.t("address.source.mkdocs", lang, var=ENV_VAR),
                                  value=str(value)[:80], detail=i18n.t("hint.url_scheme", lang)))
    return value
