"""Showing text we did not write exactly as it was typed.

Uploaded column names, group values and notices, and whatever people type, end up in two kinds
of markup: Streamlit's Markdown (``st.markdown``, captions, alerts, ``st.metric`` and widget
labels, radio options) and plotly's text (trace names, tick labels, hover text), which reads a
little HTML (``<b>``, ``<br>``, ``<a href>`` ...). Each has one escaper here, so a name such as
``<b>x</b> **bold** [link](http://...)`` shows as those characters and nothing else.

Escape once, where a string enters the markup, and keep the raw string everywhere else (data
frames, exports, state). Both escapers were checked in Chromium against Streamlit 1.67's own
renderer and plotly.js, with a few hundred hostile strings.
"""

from __future__ import annotations

import re

__all__ = ["MARKDOWN_SPECIAL", "WORD_JOINER", "chart_text", "markdown_text"]

#: Every ASCII character that Markdown, GitHub's extensions or Streamlit's own (``:red[x]``,
#: ``:material/icon:``, ``$math$``) can read as markup somewhere.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:=&^%@\"'")

#: An invisible character that joins words (U+2060): neither a letter, a space nor punctuation,
#: so it breaks a pattern without changing what is seen.
WORD_JOINER = "\u2060"

# Markup anywhere in a line: emphasis, code, links, strikethrough, tables, maths, Streamlit's
# ``:directives[]``, entities (``&amp;``), '<' where it could open a tag or an autolink, and
# '>' (quotes; escaped everywhere so a tag reads as escaped text at a glance).
_INLINE = re.compile(r"([\\`*_\[\]~|$:@>]|&(?=[#A-Za-z0-9])|<(?=[A-Za-z/!?]))")
# Markup only at the start of a line: headings, lists, rules, setext underlines, ordered lists
# ("1." or "1)"). Escaped text is one line, so only its own start counts.
_LINE_START = re.compile(r"^([#+\-=])|^(\d{1,9})([.)])")
# Streamlit changes some patterns *after* the backslashes are gone, so escaping cannot stop
# them: web and e-mail addresses become links (``http://``, ``www.``, ``a@b.c``),
# ``:material/icon:`` and ``:streamlit:`` become pictures, and ``->``, ``<-``, ``--``, ``>=``,
# ``<=``, ``~=`` become arrows and signs. A word joiner inside each pattern breaks it. (This runs
# on the escaped text, where '>' is already "\>".)
_AFTER_ESCAPES = re.compile(
    r"(?<=[:@])(?=\S)|(?<=www)(?=\.)|(?<=-)(?=\\?[->])|(?<=<)(?=[-=])|(?<=[>~])(?==)",
    re.IGNORECASE,
)

# plotly.js decodes numeric entities and only a few named ones (not ``&quot;``) when it draws
# text, and reads ``%{...}`` in hover templates: '%' becomes an entity too.
_CHART_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"})


def _one_line(text: object) -> str:
    """``text`` with every character that is not printable (newlines too) as a space."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def markdown_text(text: object) -> str:
    """``text`` escaped for Streamlit's Markdown, so it shows exactly as typed.

    A backslash goes before every character that would be read as markup where it stands
    (``* _ ` [ ] ~ | $ : @ > \\`` anywhere; ``&`` before an entity name; ``<`` before a tag
    or address; ``# + - =`` and "1." at the start). Characters that are not printable (newlines,
    tabs) become spaces and spaces at either end go, so the text stays one line, cannot start a
    code block and can sit inside ``**...**``. An invisible word joiner after ':' and '@', after
    "www" and inside "->", "--", ">=" and the like stops Streamlit making links, icons, arrows
    and signs of them. Plain words, "Tick-box data + case notes model" or "<1", are unchanged.

    Use it for anything an upload or a person supplied that goes into ``st.markdown``,
    captions, alerts, ``st.metric`` and widget labels, and radio ``format_func`` labels. Not for
    plotly (:func:`chart_text`) or tables (``st.dataframe`` shows text as it is).
    """
    line = _INLINE.sub(r"\\\1", _one_line(text).strip())
    line = _LINE_START.sub(lambda m: "\\" + m[1] if m[1] else m[2] + "\\" + m[3], line)
    return _AFTER_ESCAPES.sub(WORD_JOINER, line)


def chart_text(text: object) -> str:
    """``text`` escaped for plotly (trace names, tick labels, hover text, titles).

    ``&``, ``<`` and ``>`` become entities, so no tag (``<b>``, ``<a href>``, ``<br>``)
    survives, and ``%`` becomes ``&#37;``, so text joined into a hover template cannot add a
    ``%{...}`` field. plotly decodes these entities when it draws, so the text reads as typed.
    Characters that are not printable become spaces. Escaping twice still shows no tag (only
    the entity's letters).
    """
    return _one_line(text).translate(_CHART_ENTITIES)

