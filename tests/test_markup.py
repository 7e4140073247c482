"""The two escapers: Markdown for Streamlit, entities for plotly.

Oracles: plotly.js's own entity decoder (transcribed below, and checked against the copy that
Streamlit ships), and markdown-it-py's CommonMark parser when it is installed. Streamlit's
renderer itself (react-markdown with GFM, maths, directives, icons and arrows) was checked in
Chromium with a few hundred hostile strings; the patterns it changes after escaping are pinned
here as tables.
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

import pytest
import streamlit
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_dash import cohort, models, synthetic, transparency
from csc_dash.markup import WORD_JOINER, chart_text, markdown_text

# Text heavy in markup characters, addresses and the patterns Streamlit rewrites.
PIECES = st.sampled_from(
    [*"\\`*_{}[]()<>#+-.!|~$:=&^%@\"' \n\t\r\x00\u2028\xa0abc019é", "http://", "www.", "a@b.c",
     ":red[", ":material/home:", ":streamlit:", "**", "](", "<b>", "&lt;", "&#60;", "->", "<-",
     "--", ">=", "<=", "~=", "1. ", "%{x}", "<img src=x onerror=alert(1)>", "\u2060"]
)
HOSTILE = st.one_of(st.text(max_size=40), st.lists(PIECES, max_size=12).map("".join))


def one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)


def unescape(escaped: str) -> str:
    """What Markdown shows for escaped text: backslashes gone, word joiners invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped).replace(WORD_JOINER, "")


# --------------------------------------------------------------------------------------------
# markdown_text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("_em_ `code` ~~x~~ $x$ |a|", r"\_em\_ \`code\` \~\~x\~\~ \$x\$ \|a\|"),
        ("[link](http://evil.example)", "\\[link\\](http\\:\u2060//evil.example)"),
        ("![i](x)", r"!\[i\](x)"),
        ("<b>x</b>", r"\<b\>x\</b\>"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>"),
        ("<http://x>", "\\<http\\:\u2060//x\\>"),
        ("&amp; &#60; R&D & co", r"\&amp; \&#60; R\&D & co"),
        ("=HYPERLINK(\"http://x\")", "\\=HYPERLINK(\"http\\:\u2060//x\")"),
        ("www.evil.example", "www\u2060.evil.example"),
        ("mail@evil.example", "mail\\@\u2060evil.example"),
        (":material/home: :streamlit: :red[x]", "\\:\u2060material/home\\: \\:\u2060streamlit\\: \\:\u2060red\\[x\\]"),
        ("a -> b <- c -- d >= e", "a -\u2060\\> b <\u2060- c -\u2060- d \\>\u2060= e"),
        ("# head", r"\# head"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("= x", r"\= x"),
        ("> quote", r"\> quote"),
        ("12. item", r"12\. item"),
        ("3) item", r"3\) item"),
        ("    indented\n", "indented"),
        ("two\nlines\r\tand a tab", "two lines  and a tab"),
        ("ends with \\", "ends with \\\\"),
        ("in Excel: Save as", "in Excel\\: Save as"),
    ],
)
def test_markdown_text_table(text, expected):
    assert markdown_text(text) == expected


SAMPLE_NAMES = [
    *models.MODEL_LABELS.values(),
    *cohort.GROUP_LABELS.values(),
    *synthetic.AGE_BANDS,
    *synthetic.ETHNICITIES,
    *synthetic.GENDERS,
    *synthetic.REFERRAL_SOURCES,
    "1 most deprived",
    "5 least deprived",
    "Not disabled",
    "<1 · Mixed",
]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_the_samples_own_names_are_unchanged(name):
    # Escaping our names is a no-op, so pages (and their tests) read the same words.
    assert markdown_text(name) == name


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_markdown_text_shows_the_text_as_typed(text):
    escaped = markdown_text(text)
    # Unprintable characters (a typed word joiner too) are spaces; spaces at the ends go.
    assert unescape(escaped) == one_line(text).strip()
    assert escaped == escaped.strip()
    assert all(ch.isprintable() or ch == WORD_JOINER for ch in escaped)


def _unescaped(escaped: str) -> list[tuple[int, str]]:
    """(position, character) of every character not preceded by an escaping backslash."""
    out, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert i + 1 < len(escaped), "a lone backslash at the end"
            i += 2
            continue
        out.append((i, escaped[i]))
        i += 1
    return out


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_markdown_text_leaves_no_markup(text):
    escaped = markdown_text(text)
    bare = _unescaped(escaped)
    for i, ch in bare:
        assert ch not in "`*_[]~|$:@>", (escaped, i)
        nxt = escaped[i + 1 : i + 2]
        if ch == "<":
            assert not re.match(r"[A-Za-z/!?]", nxt), escaped
        if ch == "&":
            assert not re.match(r"[#A-Za-z0-9]", nxt), escaped
    if bare and bare[0][0] == 0:
        assert escaped[0] not in "#+-=", escaped
    assert not re.match(r"\d+[.)]", escaped)
    # What Streamlit rewrites after the backslashes are gone: addresses, icons, arrows.
    shown = re.sub(r"\\(.)", r"\1", escaped)
    for pattern in (r"https?://", r"www\.", r"@[\w-]", r":[\w/+-]", r"->|<-|--|>=|<=|~="):
        assert not re.search(pattern, shown, re.IGNORECASE), (pattern, escaped)


@pytest.mark.skipif(
    importlib.util.find_spec("markdown_it") is None, reason="markdown-it-py is not installed"
)
@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_markdown_text_against_a_commonmark_parser(text):
    """Rendered by a real CommonMark parser, escaped text is plain text, inside a sentence and
    inside bold: no tags, links, images, code or emphasis of its own."""
    import markdown_it

    parser = markdown_it.MarkdownIt("commonmark")
    escaped = markdown_text(text)
    expected = unescape(escaped)

    tokens = parser.parse(f"A {escaped} B")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children
    assert {c.type for c in children} <= {"text", "text_special"}
    assert "".join(c.content for c in children).replace(WORD_JOINER, "") == f"A {expected} B"

    if expected:
        tokens = parser.parse(f"**{escaped}**")
        # (markdown-it-py 4 puts empty text tokens around emphasis; they show nothing.)
        types = [c.type for c in tokens[1].children if c.type != "text" or c.content]
        assert types[0] == "strong_open" and types[-1] == "strong_close"
        assert set(types[1:-1]) <= {"text", "text_special"}


def test_one_markdown_escaper():
    assert workshop_plain("**x** [y](z)") == markdown_text("**x** [y](z)")
    # The transparency summary's older escaper is gone: the upload page's messages use markdown_text too.
    assert not hasattr(transparency, "escape_markdown")


def workshop_plain(text):
    from csc_dash.ui import workshop

    return workshop.plain(text)


# --------------------------------------------------------------------------------------------
# chart_text
# --------------------------------------------------------------------------------------------

# plotly.js (src/lib/svg_text_utils.js, convertEntities): the entities it decodes when it draws.
PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×",
                   "plusmn": "±", "deg": "°"}
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
PLOTLY_TAG = re.compile(r"(<[^<>]*>)")  # how plotly.js splits text into tags and words
PLOTLY_TEMPLATE = re.compile(r"%{([^\s%{}:]*)([:|\|][^}]*)?}")


def plotly_decode(text: str) -> str:
    def one(match: re.Match) -> str:
        name = match[1]
        if name.startswith("#"):
            code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
            return chr(code) if code <= 0x10FFFF else match[0]
        return PLOTLY_ENTITIES.get(name, match[0])

    return PLOTLY_ENTITY.sub(one, text)


def test_the_decoder_transcribed_here_is_the_one_streamlit_ships():
    bundles = list((Path(streamlit.__file__).parent / "static").rglob("PlotlyChart*.js"))
    assert bundles
    source = bundles[0].read_text(encoding="utf-8")
    assert r"/&(#\d+|#x[\da-fA-F]+|[a-z]+);/g" in source
    assert "mu:`μ`,amp:`&`,lt:`<`,gt:`>`,nbsp:`\\xA0`,times:`×`,plusmn:`±`,deg:`°`}" in source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ('<a href="http://x">y</a>', '&lt;a href="http://x"&gt;y&lt;/a&gt;'),
        ("a<br>b", "a&lt;br&gt;b"),
        ("%{x} 10%", "&#37;{x} 10&#37;"),
        ("R&D", "R&amp;D"),
        ("it's \"q\"", "it's \"q\""),  # plotly does not decode &quot;, so quotes stay
        ("two\nlines", "two lines"),
        ("Tick-box data model", "Tick-box data model"),
    ],
)
def test_chart_text_table(text, expected):
    assert chart_text(text) == expected


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_chart_text_shows_the_text_as_typed(text):
    escaped = chart_text(text)
    assert "<" not in escaped and ">" not in escaped
    assert not PLOTLY_TAG.search(escaped) and not PLOTLY_TEMPLATE.search(escaped)
    assert plotly_decode(escaped) == one_line(text)
    # Joined into a hover template, it adds no field and no tag.
    template = "%{y}: " + escaped + "<extra></extra>"
    assert PLOTLY_TEMPLATE.findall(template) == [("y", "")]


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_chart_text_twice_is_still_safe(text):
    twice = chart_text(chart_text(text))
    assert "<" not in twice and ">" not in twice
    assert plotly_decode(twice) == chart_text(text)  # shows the entity's letters, never a tag


def test_chart_text_is_the_html_escape_plotly_can_read():
    text = "<b>&</b>"
    assert chart_text(text) == html.escape(text, quote=False)

