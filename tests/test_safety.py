"""Register text is untrusted: a site built from hostile text holds no executable markup from it."""

from __future__ import annotations

import json
import shutil
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


# --- formulas in the CSV downloads (issue 18, item 5) ---------------------------------------------

FORMULAS = ["=1+1", "safe;=SUM(40+2);end", "safe,=SUM(40+3),end", "a\t=SUM(40+4)", "@SUM(1+1)", "-1+2", "+1+2",
            "-2+3+cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example";"x")', "x\n=2+2", "x\n;=3+3"]
HONEST = ["- Đã xong phần 1", "-3", "+ 5 km", "Tổng: 5; còn lại 2"]


def _csv_register(tmp_path: Path) -> Path:
    head = (REGISTERS / "valid" / "small.yaml").read_text(encoding="utf-8").split("tasks:\n")[0]
    tasks = []
    for i, value in enumerate(FORMULAS + HONEST, start=1):
        title = json.dumps(value.replace("\n", " ").replace("\t", " "), ensure_ascii=False)
        note = json.dumps(value, ensure_ascii=False)
        tasks.append(f"  - id: {i}\n    title: {title}\n    group: do-thi\n    lead: phong-qldt\n"
                     f"    deadline: 2021-06-30\n    reports:\n      - {{date: 2021-03-01, status: in_progress, "
                     f"progress: 10, note: {note}}}\n")
    path = tmp_path / "tasks.yaml"
    path.write_text(head + "tasks:\n" + "".join(tasks), encoding="utf-8")
    return path


def _open_in_libreoffice(csv_files: list[Path], separator: int, out: Path) -> list[tuple[str, bool]]:
    """Every cell LibreOffice makes of the files opened with ``separator``: (text, is a formula)."""
    import subprocess
    import xml.etree.ElementTree as ET

    out.mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--norestore",
                    f"--infilter=CSV:{separator},34,76,1", "--convert-to", "fods", "--outdir", str(out),
                    *map(str, csv_files)], check=True, capture_output=True, timeout=300)
    table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    cells = []
    for f in csv_files:
        root = ET.parse(out / (f.stem + ".fods")).getroot()
        for cell in root.iter(table + "table-cell"):
            text = "\n".join("".join(p.itertext()) for p in cell if p.tag.endswith("}p"))
            cells.append((text, cell.get(table + "formula") is not None))
    return cells


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is needed to open the CSV files")
def test_no_csv_cell_becomes_a_formula_whatever_the_separator(tmp_path):
    from generator.derive import derive
    from generator.render import data
    from tests.conftest import validate_path

    result = validate_path(_csv_register(tmp_path))
    assert result.ok, result.problems
    files = data.write(result.register, derive(result.register, result.as_of.date), tmp_path / "tasks.yaml",
                       tmp_path / "data")[:2]
    for separator in (44, 59, 9):  # , ; tab
        cells = _open_in_libreoffice(files, separator, tmp_path / f"opened-{separator}")
        assert [text for text, formula in cells if formula] == []
        if separator == 44:
            texts = {text for text, _ in cells}
            assert {"'=1+1", "safe;'=SUM(40+2);end", "x\n'=2+2"} <= texts  # shown, with the guard visible
            assert set(HONEST) <= texts  # text no spreadsheet runs is left as written


# --- every text field × hostile values × every output format, and the pages in Chromium (issue 18) -----

PWN = "window.__pwned=1"
HOSTILE_VALUES = [
    f'"><svg/onload={PWN}>', f"'><img src=x onerror={PWN}>", f"</title><script>{PWN}</script>",
    f"javascript:{PWN}", f"[link](javascript:{PWN})", f"<a href=\"javascript:{PWN}\">a</a>",
    "{{ 7*7 }} {% raw %}", '--8<-- "/etc/passwd"', "&lt;script&gt;&amp;", "]]><x/><![CDATA[", "=1+1;@SUM(1)",
    "__config", "task-table", "::error file=a,line=1::forged", "```\ncode", "# heading\n\n---", "*{: onclick=x}*",
    f"![x](https://evil.example/p.png) <style>*{{display:none}}</style> <iframe src=javascript:{PWN}>",
    "\\`*_{}[]()#+-.!|>~^", "x" * 290,
]


def _query(value: str) -> str:
    return "https://example.org/?q=" + value.replace(" ", "")


def _hostile_register(tmp_path: Path) -> Path:
    q = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 - YAML reads JSON strings
    one_line = [v.replace("\n", " ") for v in HOSTILE_VALUES]
    n = len(HOSTILE_VALUES)
    lines = ["register:", f"  title: {q(' '.join(one_line)[:1000])}", f"  issuer: {q(one_line[0])}",
             "  start: 2021-01-01", "  end: 2021-12-31", "  as_of: 2021-05-31",
             f"  description: {q(' '.join(HOSTILE_VALUES))}", "  grading:",
             *(f"    - {{name: {q(one_line[i])}, min: {90 - 20 * i}}}" for i in range(4)), "    - {name: x, min: 0}",
             "blocs:", *(f"  b{i}: {q(one_line[i])}" for i in range(3)),
             "agencies:", *(f"  a{i}: {{name: {q(one_line[i])}, bloc: b{i % 3}}}" for i in range(n)),
             "groups:", *(f"  g{i}: {q(one_line[i])}" for i in range(n)), "tasks:"]
    for i, value in enumerate(HOSTILE_VALUES):
        lines += [f"  - id: {i + 1}", f"    title: {q(one_line[i])}", f"    group: g{i}", f"    lead: a{i}",
                  f"    partners: [a{(i + 1) % n}]", f"    deadline: 2021-0{1 + i % 9}-15", f"    target: {q(value)}",
                  f"    links: [{{title: {q(one_line[i])}, url: {q(_query(one_line[i]))}}}]",
                  "    reports:",
                  f"      - {{date: 2021-02-01, status: in_progress, progress: 40, note: {q(value)}, "
                  f"difficulties: {q(value)}, proposals: {q(value)}}}"]
        if i % 4 == 0:
            lines[-6:-6] = [f"    measure: {{unit: {q(one_line[i][:300])}, target: 10}}"]
            lines[-1] = lines[-1].replace("progress: 40", "value: 4")
    path = tmp_path / "tasks.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def everything_hostile(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("every-field")
    register = _hostile_register(tmp)
    assert main(["validate", str(register)]) == 0
    assert main(["build", "--register", str(register), "--out", str(tmp / "site")]) == 0
    return tmp / "site"


def test_every_field_with_hostile_values_in_every_format(everything_hostile):
    import csv
    import io
    import xml.etree.ElementTree as ET

    from generator.render.data import guard_formula

    site = everything_hostile
    pages = list(site.rglob("*.html"))
    assert len(pages) > 3 * len(HOSTILE_VALUES)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        audit = _Audit()
        audit.feed(html)
        assert audit.problems == [], page
        assert html.count('id="__config"') <= 1, page  # no heading takes the theme's configuration id
        assert html.count('id="task-table"') <= 1 and html.count('id="task-filters"') <= 1, page
    ET.parse(site / "feed.xml")
    svgs = list((site / "charts").rglob("*.svg"))
    assert svgs
    for svg in svgs:
        root = ET.parse(svg).getroot()
        for el in root.iter():
            assert not el.tag.endswith(("script", "foreignObject")), svg
            assert not [a for a in el.attrib if a.lower().startswith("on")], svg
    tasks = json.loads((site / "data" / "tasks.json").read_text(encoding="utf-8"))
    assert [t["title"] for t in tasks] == [v.replace("\n", " ") for v in HOSTILE_VALUES]  # exact, not mangled
    for name in ("tasks.csv", "reports.csv"):
        rows = list(csv.reader(io.StringIO((site / "data" / name).read_bytes()[3:].decode("utf-8"))))
        assert all(cell == guard_formula(cell) for row in rows for cell in row)


@pytest.mark.skipif(not shutil.which("chromium") and not Path("/usr/bin/chromium").exists(), reason="no Chromium")
def test_no_hostile_value_runs_in_the_browser(everything_hostile):
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS, _QuietHandler, chromium_path

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(everything_hostile)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = ["/", "/tasks/", "/tasks/1/", "/tasks/3/", "/tasks/12/", "/tasks/13/", "/agencies/", "/agencies/a0/",
            "/agencies/a11/", "/groups/g12/", "/blocs/b0/", "/attention/", "/changes/", "/open-data/", "/404.html"]
    dialogs: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                f"http://127.0.0.1:{server.server_port}/") else route.abort())
            for url in urls:
                page.goto(f"http://127.0.0.1:{server.server_port}{url}")
                page.wait_for_load_state("load")
                page.mouse.move(200, 200)
                assert page.evaluate("typeof window.__pwned") == "undefined", url
                # the theme's configuration is the script it expects, so its scripts (search, palette) run
                assert page.evaluate("document.getElementById('__config').tagName") == "SCRIPT", url
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert dialogs == []
