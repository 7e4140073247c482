"""A hostile upload through app.py: names and values that look like markup show as typed.

The score column is named like an HTML tag with Markdown emphasis and a link, a group column
like a tag, and the group values hold a tag and a spreadsheet formula. Every page reachable in
demo mode runs on it (the list comes from ``navigation.PAGES``, so new pages are covered), in
plain words and in the analyst view. On every page: no exception; every text element that
renders Markdown shows the name escaped (``markup.markdown_text``), with no bold, link, tag or
address of its own; every plotly figure carries no tag from the upload.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from csc_dash import markup
from csc_dash.cohort import load_scored_csv
from csc_dash.ui import navigation, state
from tests.helpers import plotly_specs

NAME = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example)"
GROUP = "<i>team</i> _it_"
VALUES = ("<b>x</b>", '=HYPERLINK("http://x")', "North")

DEMO_PAGES = [
    spec.path for spec in navigation.PAGES if navigation.allowed(spec, roles=frozenset(), demo_mode=True)
]

# Markup from the upload that must never reach Markdown unescaped (a backslash before it, or a
# word joiner inside an address, means it shows as text).
UNESCAPED_MARKDOWN = {
    "tag": re.compile(r"(?<!\\)<(?:img|b|/b|i|/i)\b"),
    "bold": re.compile(r"(?<!\\)\*\*bold"),
    "emphasis": re.compile(r"(?<!\\)_it(?<!\\)_"),
    "link": re.compile(r"(?<!\\)\[link(?<!\\)\]\("),
    "address": re.compile(r"https?(?:\\)?://", re.IGNORECASE),
}
# Tags from the upload that plotly would draw as markup.
CHART_TAGS = re.compile(r"<(?:img|b|/b|i|/i)\b", re.IGNORECASE)


def hostile_upload():
    rng = np.random.default_rng(31)
    n = 3000
    y = (rng.random(n) < 0.15).astype(int)
    frame = pd.DataFrame(
        {
            "outcome": y,
            NAME: np.clip(0.1 + 0.35 * y + 0.55 * rng.random(n), 0, 1).round(4),
            "score_plain": np.clip(0.2 * y + 0.8 * rng.random(n), 0, 1).round(4),
            GROUP: rng.choice(VALUES, n),
        }
    )
    return load_scored_csv(frame.to_csv(index=False).encode(), scores=[NAME, "score_plain"], groups=[GROUP])


def markdown_texts(at) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown."""
    texts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title", "header"):
        texts.extend(str(el.value) for el in getattr(at, kind))
    texts.extend(str(m.label) for m in at.metric)
    for radio in at.radio:
        texts.append(str(radio.label))
        texts.extend(str(o) for o in radio.options)  # radio options render Markdown
    for kind in ("selectbox", "multiselect", "slider", "number_input", "checkbox", "button"):
        texts.extend(str(el.label) for el in getattr(at, kind))
    return texts


def test_the_upload_is_what_it_says():
    upload = hostile_upload()
    assert upload.models == (NAME, "score_plain")
    assert [upload.label(c) for c in upload.group_columns] == [GROUP]
    assert set(upload.frame[upload.group_columns[0]].astype(str)) == set(VALUES)


@pytest.mark.parametrize("view", ["plain", "analyst"])
def test_every_demo_page_shows_the_hostile_names_as_typed(app_test, view):
    upload = hostile_upload()
    at = app_test(**{state.UPLOAD: upload, state.MODEL: NAME, state.VIEW: view})
    # The sidebar's tool picker (drawn on the first run) names the tool escaped.
    picker = [r for r in at.radio if r.label == "Which tool?"]
    assert picker and markup.markdown_text(NAME) in list(picker[0].options)

    problems: dict[str, list] = {}
    name_seen = group_value_seen = chart_name_seen = False
    for path in DEMO_PAGES:
        at.switch_page(path).run()
        if at.exception:
            problems[path] = [e.value for e in at.exception]
            continue
        assert at.session_state[state.UPLOAD] is upload, path
        for text in markdown_texts(at):
            for what, pattern in UNESCAPED_MARKDOWN.items():
                if pattern.search(text):
                    problems.setdefault(path, []).append((what, text))
            if "onerror" in text:
                name_seen = True
                if markup.markdown_text(NAME) not in text:
                    problems.setdefault(path, []).append(("name not escaped as a whole", text))
            group_value_seen |= markup.markdown_text(VALUES[0]) in text
        for spec in plotly_specs(at):
            dumped = json.dumps(spec, ensure_ascii=False)
            if CHART_TAGS.search(dumped):
                problems.setdefault(path, []).append(("tag in a chart", CHART_TAGS.findall(dumped)))
            # Whole, or wrapped onto short lines (<br> between words): every word, escaped.
            chart_name_seen |= all(markup.chart_text(word) in dumped for word in NAME.split())
    assert not problems, problems
    # The checks looked at something: the name, a group value and a chart label were shown.
    assert name_seen and group_value_seen and chart_name_seen
