"""End-to-end fixtures: the example site, built once, served on 127.0.0.1, opened in Chromium.

Playwright drives Debian's Chromium (/usr/bin/chromium, installed by .ci/run where missing;
E2E_CHROMIUM names another binary): Playwright's own browser download is not used. Every
request any page makes is recorded; a test whose pages asked another host than the local
server fails, and such requests are aborted before they leave the machine. The site, server and
browser live as long as the test module, so that nothing of them runs during the rest of the suite.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
import pytest

from generator.cli import main
from tests.conftest import ROOT
from tests.e2e.network import LOCAL_HOST, REQUESTS, is_local

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    return os.environ.get("E2E_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


class UnderRepo(_QuietHandler):
    """The site as GitHub Pages publishes a project's: under ``/repo/`` (anything else is not found)."""

    PREFIX = "/repo/"

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(self.PREFIX) - 1:] if path.startswith(self.PREFIX) else "/missing")


@contextlib.contextmanager
def serve(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = _QuietHandler) -> Iterator[str]:
    """``directory`` served on 127.0.0.1 (a free port) while the block runs; yields the server's address."""
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(handler, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="e2e-http", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example register (tasks.yaml at the repository root), built by the real command."""
    out = tmp_path_factory.mktemp("e2e") / "site"
    assert main(["build", "--register", str(ROOT / "tasks.yaml"), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    assert Path(executable).is_file(), (
        f"no Chromium at {executable}: install Debian's package (apt-get install chromium), as .ci/run does")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_page(browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[object]:
    """A factory of pages, each in a fresh context (``new_page(width=360)``); they are checked for
    requests to other hosts and for uncaught script errors when the test ends."""
    contexts = []
    seen: list[str] = []
    errors: list[str] = []

    def make(width: int = 1280, height: int = 800, color_scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme,
                                      base_url=base_url, service_workers="block")
        context.set_default_timeout(10_000)
        context.route(lambda url: not is_local(url), lambda route: route.abort())
        context.on("request", lambda r: (seen.append(r.url), REQUESTS.append((request.node.nodeid, r.url))))
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()
    outside = sorted({url for url in seen if not is_local(url)})
    assert not outside, f"requests to other hosts than {LOCAL_HOST}: {outside}"
    assert not errors, f"uncaught script errors: {errors}"


@pytest.fixture
def page(new_page):
    return new_page()
