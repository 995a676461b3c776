"""Register text is untrusted: a site built from hostile text holds no executable markup from it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from generator.render.text import is_safe_url, markdown_to_html
from tests.conftest import REGISTERS

HOSTILE = REGISTERS / "valid" / "hostile.yaml"
URL_ATTRS = {"href", "src", "action", "formaction", "srcset", "data", "poster", "xlink:href"}


class _Audit(HTMLParser):
    """Collects every script, event handler, and URL a browser would act on."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRS and value and not _allowed(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = dict(attrs).get("src")
            if src and not _local(src):
                self.problems.append(f"external script {src}")
        if tag in ("iframe", "object", "embed", "marquee", "base", "meta") and not (tag == "meta" and "http-equiv" not in dict(attrs)):
            self.problems.append(f"<{tag}>")

    def handle_data(self, data):
        if "alert(" in data and self.lasttag == "script":
            self.problems.append("inline script from the register")


def _local(url: str) -> bool:
    return not url.startswith(("http:", "https:", "//"))


def _allowed(url: str) -> bool:
    lowered = url.strip().lower()
    return is_safe_url(url) or not (":" in lowered.split("/")[0] or lowered.startswith("//"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "site"
    assert main(["build", "--register", str(HOSTILE), "--out", str(out)]) == 0
    return out


def test_no_executable_markup_from_the_register_on_any_page(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        audit = _Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.problems == [], page


def test_hostile_text_is_shown_as_text(hostile_site):
    html = (hostile_site / "tasks" / "1" / "index.html").read_text(encoding="utf-8")
    assert "<title>Nhiệm vụ 1. &lt;/title&gt;&lt;script&gt;alert(9)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(4)&gt;" in html


def test_only_http_and_mailto_links_survive():
    html = markdown_to_html("[a](javascript:alert(1)) [b](https://a.vn) [c](mailto:x@y.vn) [d](data:x) "
                            "[e](&#106;avascript:x) [f](JaVaScRiPt:x) [g](ftp://x)")
    assert html.count("href=") == 2
    assert 'href="https://a.vn"' in html and 'href="mailto:x@y.vn"' in html


def test_images_are_dropped_so_readers_never_call_another_host():
    assert "<img" not in markdown_to_html("![pixel](https://tracker.example/p.png)")


# --- addresses that reach MkDocs' config and the theme (issue 18, item 1) -------------------------

@pytest.mark.parametrize("value", [
    'https://example.org/"><svg/onload=alert(1)>/',
    "https://example.org/'onmouseover=alert(1)//",
    "https://example.org/<script>/",
    "https://example.org/a b/",
    "https://user:secret@example.org/",
    "https://example.org@evil.example/",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//example.org/",
    "https://example.org/?next=javascript:alert(1)",
    "https://example.org/#\"><script>",
    "https://exa_mple.org/",
    "https://example.org/\\evil",
    "https://example.org/\x01/",
    "https://" + "a" * 300 + ".org/",
])
def test_an_address_that_is_not_a_plain_http_url_is_refused(value):
    from generator.schema import web_address

    assert web_address(value)[0] is None


@pytest.mark.parametrize("value, normalised", [
    ("https://thanhpho.sonla.gov.vn/", "https://thanhpho.sonla.gov.vn/"),
    ("HTTPS://ThanhPho.SonLa.gov.vn", "https://thanhpho.sonla.gov.vn/"),
    ("http://localhost:8000/so-nhiem-vu/", "http://localhost:8000/so-nhiem-vu/"),
    ("https://sơnla.vn/nhiệm-vụ/", "https://xn--snla-lgb.vn/nhi%E1%BB%87m-v%E1%BB%A5/"),
])
def test_an_honest_address_is_kept_in_its_normal_form(value, normalised):
    from generator.schema import web_address

    assert web_address(value) == (normalised, "")


def test_the_site_address_reaches_the_pages_only_in_its_normal_form(tmp_path):
    text = HOSTILE.read_text(encoding="utf-8").replace("  start:", "  site_url: HTTPS://Example.ORG/so\n  start:", 1)
    register = tmp_path / "tasks.yaml"
    register.write_text(text, encoding="utf-8")
    assert main(["build", "--register", str(register), "--out", str(tmp_path / "site")]) == 0
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/so/"' in html
    assert "Example.ORG" not in html
