"""Our pages' HTML blocks are set aside without Python-Markdown's HTML parser (generator/render/raw_html.py),
and every page comes out of Markdown exactly as it did with the parser alone."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml

from generator import derive, history, load, validate
from generator.render import pages, raw_html
from generator.render.text import slugify
from tests.conftest import ROOT

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.details", "toc"]
SETTINGS = {"toc": {"permalink": True, "slugify": slugify}}


def converted(text: str, faster: bool, extra: tuple[str, ...] = ()) -> tuple[str, str]:
    names: list[object] = [*EXTENSIONS, *extra]
    if faster:
        names.insert(names.index("md_in_html") + 1, raw_html.RawHtmlExtension())
    md = markdown.Markdown(extensions=names, extension_configs=SETTINGS)
    return md.convert(text), getattr(md, "toc", "")


def body(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    loaded = load.load_file(ROOT / "tasks.yaml")
    checked = validate.validate(loaded)
    assert checked.register is not None and checked.as_of is not None
    register = checked.register
    found = history.load_history(ROOT / "tasks.yaml", tmp_path_factory.mktemp("history"), register)
    site = pages.Site(register, derive.derive(register, checked.as_of.date), register.meta.language, history=found)
    docs = tmp_path_factory.mktemp("raw-html")
    pages.render(site, docs)
    return docs


def test_the_settings_use_it_after_md_in_html():
    for settings in (ROOT / "mkdocs.yml", ROOT / "generator" / "defaults" / "mkdocs.yml"):
        names = [next(iter(e)) if isinstance(e, dict) else e
                 for e in yaml.load(settings.read_text(encoding="utf-8"), Loader=_Lenient)["markdown_extensions"]]
        assert names.index("generator.render.raw_html") == names.index("md_in_html") + 1, settings


def test_every_page_of_the_example_comes_out_the_same(staged):
    written = sorted(staged.rglob("*.md")) + sorted((ROOT / "content").glob("*.md"))
    assert len(written) > 100
    for page in written:
        text = body(page)
        assert converted(text, faster=True) == converted(text, faster=False), page


def test_the_generated_pages_reach_the_parser_without_their_html(staged):
    """What makes it faster: the parser is left a page's headings and Markdown, not its tables."""
    md = markdown.Markdown(extensions=["md_in_html"])
    for page in [staged / pages.task_path(1), staged / "agencies" / "index.md", staged / "index.md"]:
        text = body(page)
        md.reset()
        left = "\n".join(raw_html.RawHtmlPreprocessor(md).run(text.split("\n")))
        assert text.count("<") > 50 and left.count("<") <= 2, (page, left.count("<"))


CASES = {
    "two blocks and a heading": '<div class="a">\n<p>x</p>\n</div>\n\n## Đầu mục { #h }\n\n<p>y</p>\n',
    "a block on the next line": "<p>a</p>\n<div>\n<span>b</span>\n</div>\nvăn bản *nghiêng*\n",
    "a block right under a heading": "# Tên\n<p>một</p>\n<ul>\n<li>a</li>\n</ul>\n",
    "nested same tags and blank lines": "<div>\n<div>\n\n<p>a</p>\n\n</div>\n\n*not Markdown*\n</div>\n\ntext\n",
    "upper case": "<DIV>\n<P>a</P>\n</DIV>\n\n**b**\n",
    "text after the end tag": "<div>a</div> and *more*\n\n<p>b</p>\n",
    "a comment inside": "<div>\n<!-- <div> -->\n</div>\n\n<p>a</p>\n",
    "a comment between": "<p>a</p>\n\n<!-- x -->\n\n<div>b</div>\n",
    "markdown inside": '<div markdown="1">\n*a*\n</div>\n\n<div>b</div>\n',
    "a script": "<script>if (a < b) { x('<div>') }</script>\n\n<div>b</div>\n",
    "a pre": "<pre>\n<div>\n\n</pre>\n\n<p>c</p>\n",
    "an inline tag first": "<span>a</span>\n\n<div>b</div>\n",
    "a tag mid-line": "text <div>a\n\n</div>\n\n<p>b</p>\n",
    "a tag indented": "  <div>a</div>\n\n<p>b</p>\n",
    "a code block": "    <div>\n\n<p>b</p>\n",
    "an hr": "<hr>\n\n<p>a</p>\n",
    "self-closing": "<div/>\n\n<p>a</p>\n",
    "never closed": "<div>\n<p>a</p>\n\n# b\n",
    "an admonition": '!!! note "Ghi chú"\n\n    <div>a</div>\n\n<p>b</p>\n',
    "details": '??? info "Xem"\n    <p>a</p>\n\n<details><summary>x</summary>\n<p>y</p>\n</details>\n',
    "a table in Markdown": "| a | b |\n|---|---|\n| <b>1</b> | 2 |\n\n<p>c</p>\n",
    "an attribute holding >": '<div title="a > b">\n<p>x</p>\n</div>\n\n<p>y</p>\n',
    "an entity": "<p>&lt;div&gt; &amp; đ</p>\n\n# &copy;\n",
    "a fenced code block": "```\n<div>\n\n</div>\n```\n\n<p>a</p>\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_hand_written_markdown_comes_out_the_same(text):
    assert converted(text, faster=True) == converted(text, faster=False)
    assert converted(text, True, ("fenced_code",)) == converted(text, False, ("fenced_code",))


class _Lenient(yaml.SafeLoader):
    """The settings' own tags (``!ENV``, ``!!python/name:``) read as plain values."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
