"""Live-result charts: frames in, figures out, colour never the only cue, a sentence beside each."""

from __future__ import annotations

import pandas as pd
import pytest

from csc_dash.charts import workshop as charts
from csc_dash.content.questions import AGREE_SCALE

PEOPLE = pd.DataFrame({"role_tag": ["Family member", "Social worker"], "participants": [3, 1]})
REACTIONS = pd.DataFrame(
    {"page": ["tradeoffs", "tradeoffs", "fairness"], "reaction": ["acceptable", "not_acceptable", "unsure"], "count": [2, 3, 1]}
)
THRESHOLDS = pd.DataFrame({"role_tag": ["Family member", "Family member", "Manager"], "value": [0.2, None, 0.6]}, dtype=object)
SCALE = pd.DataFrame({"role_tag": ["Family member", "Family member", "Manager"], "value": [1, 4, 4], "count": [2, 1, 3]})


def test_participants_figure_and_sentence():
    fig = charts.participants_figure(PEOPLE)
    assert list(fig.data[0].y) == ["Family member", "Social worker"] and list(fig.data[0].x) == [3, 1]
    assert list(fig.data[0].text) == [3, 1]  # counts as text, not only bar length
    assert charts.participants_summary(PEOPLE) == "4 people have joined: 3 family member, 1 social worker."


def test_reactions_have_colour_pattern_and_count():
    fig = charts.reactions_figure(REACTIONS, {"tradeoffs": "Trade-offs", "fairness": "Fairness"})
    assert [t.name for t in fig.data] == [s["label"] for s in charts.REACTION_STYLE.values()]
    assert len({t.marker.pattern.shape for t in fig.data}) == 3
    against = fig.data[2]
    assert list(against.y) == ["Trade-offs", "Fairness"] and list(against.x) == [3, 0]
    assert charts.reactions_summary(REACTIONS, {"tradeoffs": "Trade-offs"}) == (
        "6 views saved so far, most on Trade-offs (5). "
        "In 3 of them the person could not accept what the screen showed."
    )


def test_thresholds_marks_and_no_line():
    fig = charts.thresholds_figure(THRESHOLDS, ("Family member", "Manager"))
    assert [list(t.x) for t in fig.data] == [[0.2], [0.6]]
    assert fig.data[0].marker.symbol != fig.data[1].marker.symbol
    assert "1 person: no line would be acceptable" in fig.layout.title.text
    assert charts.thresholds_summary(THRESHOLDS) == (
        "2 people gave a line, from 0.20 to 0.60; the middle answer is 0.40. "
        "1 person said no line would be acceptable."
    )


def test_scale_by_role():
    fig = charts.scale_figure(SCALE, labels=AGREE_SCALE, title="Should we?")
    assert [t.name for t in fig.data] == list(AGREE_SCALE)
    assert list(fig.data[0].x) == [2, 0] and list(fig.data[3].x) == [1, 3]
    assert charts.scale_summary(SCALE, labels=AGREE_SCALE) == (
        "6 people answered; the most common answer was 'Agree' (4)."
    )


@pytest.mark.parametrize(
    ("build", "frame"),
    [
        (lambda f: charts.participants_figure(f), PEOPLE.iloc[:0]),
        (lambda f: charts.reactions_figure(f), REACTIONS.iloc[:0]),
        (lambda f: charts.thresholds_figure(f), THRESHOLDS.iloc[:0]),
        (lambda f: charts.scale_figure(f, labels=AGREE_SCALE, title="x"), SCALE.iloc[:0]),
    ],
)
def test_empty_frames_say_so(build, frame):
    fig = build(frame)
    assert fig.layout.annotations[0].text == charts.NO_ANSWERS


@pytest.mark.parametrize(
    "fig",
    [
        charts.reactions_figure(REACTIONS),
        charts.scale_figure(SCALE, labels=AGREE_SCALE),
    ],
    ids=["reactions", "scale"],
)
def test_legend_sits_under_the_axis_title(fig):
    """The legend is pinned to the bottom edge of the figure, inside a margin that also holds the
    tick labels and the "People" title, so the two never overlap (they did at y=-0.35)."""
    legend = fig.layout.legend
    assert (legend.yref, legend.yanchor, legend.y, legend.orientation) == ("container", "bottom", 0, "h")
    assert fig.layout.margin.b >= 110
    assert fig.layout.xaxis.title.text == "People"
