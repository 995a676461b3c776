"""Register text on the page: the fast path for plain sentences renders exactly as Markdown would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render import text

# Vietnamese words, Markdown syntax and whitespace, mixed at random.
PIECES = st.sampled_from(["Đã", "hoàn thành", "tuyến", "đường", "bê tông", "1.5", "87,7%", "km", "Chiềng Cọ", " ",
                          "  ", "-", "--", "1.", "2)", "+", "*", "_", "#", ">", "<", "&", ":", "=", "'", '"', "`",
                          "[a](b)", "http://x.vn", "\n", "\t", "\\", "|", "~", "!", "(", ")", "---", "\u00a0",
                          "\x02", "\x7f", "\u2028", "\ufeff", "\r"])


def slow(value: str) -> str:
    converter = text._converter()
    converter.reset()
    return converter.convert(value)


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=8).map("".join))
def test_plain_fast_path_matches_the_markdown_converter(value):
    assert str(text.markdown_to_html.__wrapped__(value)) == slow(value)


def test_plain_sentences_take_the_fast_path_and_syntax_does_not():
    assert text._PLAIN.match("Đã hoàn thành 3 tuyến, đạt 87,7% kế hoạch: vượt tiến độ.")
    for syntax in ("**đậm**", "- mục", "1. mục", "[liên kết](https://x.vn)", "<b>x</b>", "---", "# tiêu đề"):
        assert not text._PLAIN.match(syntax)
