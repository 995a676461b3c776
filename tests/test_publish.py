"""The site as published: its one public address (where it comes from, what it changes), and a
link check over HTTP of the whole site served below a folder (/repo/, as GitHub Pages serves a
project site) and at the root: every href, src, srcset, <link> and <script> within the site
answers, the 404 page included."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from generator import address
from generator.cli import main
from tests.conftest import REGISTERS, ROOT

SMALL = REGISTERS / "valid" / "small.yaml"


# --- a small link checker ---------------------------------------------------------------------

class _Refs(HTMLParser):
    """Every address a page asks the browser to follow or load."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []  # followed by a reader: <a href>
        self.assets: list[str] = []  # loaded with the page: src, srcset, <link href>, <script src>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v for k, v in attrs if v is not None}
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        elif tag == "link" and "href" in found:
            self.assets.append(found["href"])
        elif "href" in found and tag not in ("a", "link"):
            self.links.append(found["href"])
        if "src" in found:
            self.assets.append(found["src"])
        for key in ("srcset", "imagesrcset"):
            if key in found:
                self.assets += [part.strip().split()[0] for part in found[key].split(",") if part.strip()]


class Checker:
    """Fetches every page of a site over HTTP and every address within the site they name."""

    def __init__(self, origin: str) -> None:
        self.origin = origin  # scheme://host:port
        self.status: dict[str, int] = {}

    def fetch(self, url: str) -> tuple[int, bytes, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (our own server)
                return answer.status, answer.read(), answer.headers.get_content_type()
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers.get_content_type()

    def check(self, pages: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]], int]:
        """(broken links, broken assets, addresses checked), each broken one as (page, address)."""
        broken_links, broken_assets = [], []
        for page in pages:
            status, body, kind = self.fetch(page)
            assert status == 200 or page.endswith("/404.html"), (page, status)
            refs = _Refs()
            refs.feed(body.decode("utf-8"))
            for ref, bucket in [(r, broken_links) for r in refs.links] + [(r, broken_assets) for r in refs.assets]:
                target = self._within(page, ref)
                if target is not None and self._answer(target) != 200:
                    bucket.append((page, ref))
        return broken_links, broken_assets, len(self.status)

    def _within(self, page: str, ref: str) -> str | None:
        if ref.startswith(("mailto:", "javascript:", "data:", "tel:")):
            return None
        target = urldefrag(urljoin(page, ref)).url
        return target if target.startswith(self.origin) and target != self.origin else None

    def _answer(self, url: str) -> int:
        if url not in self.status:
            self.status[url] = self.fetch(url)[0]
        return self.status[url]


class _Pages(http.server.SimpleHTTPRequestHandler):
    """GitHub Pages in small: the site below ``prefix``, its 404.html for any missing address."""

    prefix = "/"

    def log_message(self, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "-outside-the-prefix-")
        return super().translate_path("/" + clean[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve() -> Iterator:
    servers = []

    def start(site: Path, prefix: str, port: int = 0) -> str:
        handler = type("Handler", (_Pages,), {"prefix": prefix})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                                 functools.partial(handler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _pages(site: Path, base: str) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        found.append(base + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return found


def _build(out: Path, *extra: str, register: Path = ROOT / "tasks.yaml") -> None:
    assert main(["build", "--register", str(register), "--out", str(out), *extra]) == 0


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """The example built with no address at all (as on a laptop)."""
    out = tmp_path_factory.mktemp("plain") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(address.ENV_VAR, raising=False)
        _build(out)
    return out


def test_the_checker_finds_what_is_broken(tmp_path, serve):
    (tmp_path / "a").mkdir()
    (tmp_path / "ok.css").write_text("", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="ok.css"><link rel="stylesheet" href="/ok.css">'
        '<a href="a/">a</a><a href="b/">b</a><img srcset="ok.css 1x, gone.png 2x" src="ok.css">'
        '<a href="https://elsewhere.example/">x</a><a href="mailto:a@b.vn">m</a>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<script src="../ok.css"></script>', encoding="utf-8")
    origin = serve(tmp_path, "/repo/")
    links, assets, _ = Checker(origin).check([origin + "/repo/", origin + "/repo/a/"])
    assert links == [(origin + "/repo/", "b/")]
    assert assets == [(origin + "/repo/", "/ok.css"), (origin + "/repo/", "gone.png")]


@pytest.mark.parametrize("prefix", ["/repo/", "/"])
def test_no_broken_link_or_asset_without_an_address(plain, serve, prefix):
    origin = serve(plain, prefix)
    pages = _pages(plain, origin + prefix)
    assert len(pages) > 150
    links, assets, checked = Checker(origin).check(pages)
    assert (links, assets) == ([], [])
    assert checked > 250  # distinct addresses within the site, besides the pages themselves


def test_the_404_page_works_below_a_folder_without_an_address(plain, serve):
    origin = serve(plain, "/repo/")
    checker = Checker(origin)
    status, body, _ = checker.fetch(origin + "/repo/no-such-page")
    assert status == 404 and "Không tìm thấy trang".encode() in body
    links, assets, _ = checker.check([origin + "/repo/404.html"])
    assert (links, assets) == ([], [])
    refs = _Refs()
    refs.feed(body.decode())
    assert not [r for r in refs.links + refs.assets if r.startswith("/")], "no root path in the 404 page"


def test_with_an_address_links_are_absolute_and_correct_at_any_depth(tmp_path, serve):
    port = _free_port()
    site_url = f"http://127.0.0.1:{port}/repo/"
    out = tmp_path / "site"
    _build(out, "--site-url", site_url)
    origin = serve(out, "/repo/", port)
    pages = _pages(out, origin + "/repo/")
    links, assets, _ = Checker(origin).check(pages)
    assert (links, assets) == ([], [])
    # The 404 page, shown for a missing address three folders deep, still finds its style and links.
    missing = origin + "/repo/tasks/999/x/"
    checker = Checker(origin)
    status, body, _ = checker.fetch(missing)
    assert status == 404
    refs = _Refs()
    refs.feed(body.decode())
    assert [r for r in refs.links + refs.assets if checker._within(missing, r) and checker._answer(
        checker._within(missing, r)) != 200] == []
    assert any(a.endswith("site.css") for a in refs.assets)
    # Canonical links, a full sitemap, absolute feed and data-file links.
    page = (out / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{site_url}tasks/1/">' in page
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(pages) - 1 and all(loc.startswith(site_url) for loc in locs)  # all but 404.html
    assert all(checker._answer(loc) == 200 for loc in locs[:20])
    feed = ET.parse(out / "feed.xml").getroot()
    hrefs = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all(h.startswith(site_url) for h in hrefs)
    tasks = json.loads((out / "data" / "tasks.json").read_text(encoding="utf-8"))
    assert tasks[0]["url"] == f"{site_url}tasks/{tasks[0]['id']}/"
    assert checker._answer(tasks[0]["url"]) == 200
    assert f"{site_url}tasks/" in (out / "data" / "tasks.csv").read_text(encoding="utf-8-sig")


def test_without_an_address_data_urls_resolve_from_the_data_file(plain, serve):
    origin = serve(plain, "/repo/")
    tasks = json.loads((plain / "data" / "tasks.json").read_text(encoding="utf-8"))
    data_file = origin + "/repo/data/tasks.json"
    assert Checker(origin)._answer(urljoin(data_file, tasks[0]["url"])) == 200
    assert not (plain / "sitemap.xml").read_text(encoding="utf-8").count("<loc>")
    assert 'rel="canonical"' not in (plain / "index.html").read_text(encoding="utf-8")


# --- where the address comes from ---------------------------------------------------------------

def test_the_address_is_taken_in_order_option_environment_mkdocs_register(tmp_path):
    mkdocs = tmp_path / "mkdocs.yml"
    mkdocs.write_text("site_name: x\nsite_url: https://mk.example.vn/so/\nmarkdown_extensions:\n"
                      "  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify\n", encoding="utf-8")
    env = {address.ENV_VAR: "https://owner.github.io/repo"}
    register = "https://reg.example.vn/"
    assert address.resolve("https://cli.example.vn", register, mkdocs, env) == \
        address.SiteAddress("https://cli.example.vn/", "option")
    assert address.resolve(None, register, mkdocs, env) == address.SiteAddress("https://owner.github.io/repo/",
                                                                              "environment")
    assert address.resolve(None, register, mkdocs, {address.ENV_VAR: ""}).source == "mkdocs"
    assert address.resolve(None, register, tmp_path / "none.yml", {}).source == "register"
    assert address.resolve(None, None, None, {}) == address.SiteAddress(None, None)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "https://x.vn/\"><script>", "https://user:pw@x.vn/",
                                   "ftp://x.vn/", "https://x.vn/?q=1", "https://x .vn/"])
@pytest.mark.parametrize("source", ["option", "environment", "mkdocs"])
def test_a_bad_address_from_any_source_is_refused_with_where_it_was_written(tmp_path, value, source):
    mkdocs = tmp_path / "mkdocs.yml"
    mkdocs.write_text("site_name: x\nsite_url: " + json.dumps(value) + "\n", encoding="utf-8")
    args = {"option": (value, None, None, {}), "environment": (None, None, None, {address.ENV_VAR: value}),
            "mkdocs": (None, None, mkdocs, {})}[source]
    with pytest.raises(address.AddressError) as caught:
        address.resolve(*args)
    where = {"option": "--site-url", "environment": "SITE_URL", "mkdocs": "mkdocs.yml"}[source]
    assert where in str(caught.value) and "https://" in str(caught.value)


def test_the_build_says_which_address_it_used_or_warns(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(address.ENV_VAR, "https://owner.github.io/so-55")
    _build(tmp_path / "a", register=SMALL)
    said = capsys.readouterr()
    assert "https://owner.github.io/so-55/ (lấy từ biến môi trường SITE_URL)" in said.out
    monkeypatch.delenv(address.ENV_VAR)
    _build(tmp_path / "b", register=SMALL)
    assert "chưa có địa chỉ công khai" in capsys.readouterr().err
    monkeypatch.setenv(address.ENV_VAR, "javascript:alert(1)")
    assert main(["build", "--register", str(SMALL), "--out", str(tmp_path / "c")]) == 1
    err = capsys.readouterr().err
    assert "SITE_URL" in err and "Traceback" not in err and not (tmp_path / "c").exists()
