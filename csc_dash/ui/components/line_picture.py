"""The plain line and the people picture, redrawn in the browser at every step.

Made with Streamlit's components v2: inline HTML, CSS and JavaScript (``line_picture.js``),
mounted in the page's DOM (no iframe, no build step). Python sends, once, every step's people of
1,000 (:func:`csc_dash.line.client_table`, about 2 KB); a key press or a drag redraws the
four figures, the sentence and the picture of 100 people at once in the browser. When the line
settles, the step goes back to Python (``on_step_change``), which runs only the fragment around
this component. (The component itself is drawn outside the fragment: its HTML, CSS and
script, about 13 KB, go to the browser once; inside the fragment a messenger of a few hundred
bytes, ``line_settle.js``, carries the settled step to Python and the intervals back.) Tapping
a person (or a "read a story" button) asks for a story of a child of
that kind.

Nothing typed by a user enters the HTML: the figures are numbers, and the words come from
:mod:`csc_dash.content.tradeoff_words` (set as ``textContent`` by the script).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import streamlit as st

from csc_dash import tradeoffs
from csc_dash.charts import KIND_STYLE
from csc_dash.content import tradeoff_words

_HERE = Path(__file__).parent

#: Colours of the people: the palette's, each at least 3:1 against white (WCAG 1.4.11) for every
#: kind of colour vision (tests/test_people_picture_colours.py).
PERSON_COLOURS = {kind: KIND_STYLE[kind]["colour"] for kind in tradeoffs.KIND_ORDER}

#: Each kind's look, so that no two kinds differ by colour alone (in grey, or for a person who
#: does not see red or green, the look still tells them apart): a look is a list of
#: (part of the person, CSS declarations). The parts are in ``_PERSON``.
PERSON_LOOKS = {
    "true_alarm": ("solid", ()),
    "false_alarm": ("striped", ((".stripes", "stroke: #fff; visibility: visible;"),)),
    "missed": (
        "hollow, with a cross",
        (
            (".head, .body", "fill: #fff; stroke-width: 3;"),
            (".cross", "stroke: var(--ink); visibility: visible;"),
        ),
    ),
    "not_flagged": ("hollow, thin", ((".head, .body", "fill: #fff; stroke-width: 1.5;"),)),
}

_PERSON = (
    '<circle class="head" cx="20" cy="10" r="7"></circle>'
    '<path class="body" d="M8,44 L8,30 Q8,19 20,19 Q32,19 32,30 L32,44 Z"></path>'
    '<path class="stripes" d="M8,27 H32 M8,33 H32 M8,39 H32"></path>'
    '<path class="cross" d="M13,25 L27,39 M27,25 L13,39"></path>'
)

FIGURES = (
    ("flagged", "Flagged"),
    ("true_alarm", "Flagged, then a plan or care"),
    ("false_alarm", "False alarms"),
    ("missed", "Children missed"),
)


def _html() -> str:
    figures = "".join(
        f'<div class="figure"><dt>{label}</dt><dd><span class="num" data-figure="{key}"></span>'
        f'<span class="range" data-range="{key}"></span></dd></div>'
        for key, label in FIGURES
    )
    legend = "".join(
        f'<li><svg class="swatch" viewBox="0 0 40 48" aria-hidden="true" focusable="false">'
        f'<g data-kind="{kind}">{_PERSON}</g></svg>'
        f'<span><span class="count" data-count="{kind}"></span> {KIND_STYLE[kind]["label"]}</span>'
        f'<button type="button" class="story" data-story="{kind}" '
        f'aria-label="{html.escape(tradeoff_words.STORY_BUTTON_NAMES[kind])}">'
        f"{html.escape(tradeoff_words.STORY_BUTTON_TEXT)}</button></li>"
        for kind in tradeoffs.KIND_ORDER
    )
    return f"""
<div class="csc-line">
  <p class="prompt" id="csc-line-label">How many of every 1,000 referrals should be flagged for
  a person to look at again? Move the line.</p>
  <div class="controls">
    <button type="button" class="minus" aria-label="Flag fewer">−</button>
    <input type="range" min="0" max="1000" step="1" aria-labelledby="csc-line-label">
    <button type="button" class="plus" aria-label="Flag more">+</button>
  </div>
  <p class="line-text" aria-live="polite"></p>
  <h2>Out of every 1,000 referrals</h2>
  <dl class="figures">{figures}</dl>
  <p class="summary"></p>
  <h2>1,000 referrals as 100 people</h2>
  <div class="picture">
    <svg class="people" viewBox="-2 -2 404 484" role="img" aria-labelledby="csc-picture-text">
    </svg>
    <div class="legend">
      <p class="picture-text" id="csc-picture-text"></p>
      <ul>{legend}</ul>
      <p class="hint">Tap a person, or press "Read a story", to meet a made-up child like them.</p>
    </div>
  </div>
  <template class="person">{_PERSON}</template>
</div>
"""


def _css() -> str:
    rules = []
    for kind, colour in PERSON_COLOURS.items():
        rules.append(f'[data-kind="{kind}"] {{ --ink: {colour}; }}')
        for part, declarations in PERSON_LOOKS[kind][1]:
            selector = ", ".join(
                f'.csc-line g[data-kind="{kind}"] {p.strip()}' for p in part.split(",")
            )
            rules.append(f"{selector} {{ {declarations} }}")
    return (_HERE / "line_picture.css").read_text(encoding="utf-8") + "\n".join(rules)


@cache
def _component():
    return st.components.v2.component(
        "csc_line_picture",
        html=_html(),
        css=_css(),
        js=(_HERE / "line_picture.js").read_text(encoding="utf-8"),
        isolate_styles=True,
    )


def marks() -> dict[str, tuple[str, str, str, str]]:
    """Each kind's person in words (one, many, verb for one, for many): see
    :func:`csc_dash.content.tradeoff_words.picture_sentence`."""
    return dict(tradeoff_words.PERSON_WORDS)


def line_picture(
    table_for_browser: Mapping,
    *,
    step: int,
    intervals: Mapping[str, str] | None,
    key: str,
    on_step_change: Callable[[], None],
    on_story_change: Callable[[], None],
):
    """Mount the component: ``table_for_browser`` from :func:`line.client_table`, the
    settled ``step``, and the interval words at that step (shown under each figure)."""
    return _component()(
        key=key,
        data={
            "table": dict(table_for_browser),
            "step": int(step),
            "intervals": dict(intervals or {}),
            "marks": marks(),
        },
        default={"step": int(step)},
        on_step_change=on_step_change,
        on_story_change=on_story_change,
    )


@cache
def _messenger():
    return st.components.v2.component(
        "csc_line_settle", js=(_HERE / "line_settle.js").read_text(encoding="utf-8")
    )


def line_settle(
    *,
    step: int,
    intervals: Mapping[str, str] | None,
    key: str,
    on_step_change: Callable[[], None],
):
    """Mount the messenger (inside the fragment): the settled ``step`` and its interval words
    go to the line component; a step the line settles on comes back through
    ``on_step_change`` and reruns only the fragment."""
    return _messenger()(
        key=key,
        data={"step": int(step), "intervals": dict(intervals or {})},
        default={"step": int(step)},
        on_step_change=on_step_change,
        height=0,
    )
