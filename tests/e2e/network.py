"""Which requests stay on this machine; every request the e2e pages made (shared by the fixtures
and the last test, so it lives in its own module rather than in conftest.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_HOST = "127.0.0.1"
LOCAL_SCHEMES = {"data", "blob", "about"}

# Every request of every page, as (test id, url).
REQUESTS: list[tuple[str, str]] = []


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.scheme in {"http", "https"} and parts.hostname == LOCAL_HOST)
