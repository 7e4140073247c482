"""Live-result charts: frames in, figures out, colour never the only cue, a sentence beside each."""

from __future__ import annotations

import pandas as pd
import pytest

from csc_dash.charts import workshop as charts
from csc_dash.content.questions import AGREE_SCALE, REACTION_LABELS
from csc_dash.workshop import lines_sentence

PEOPLE = pd.DataFrame({"role_tag": ["Family member", "Social worker"], "participants": [3, 1]})
REACTIONS = pd.DataFrame(
    {"page": ["tradeoffs", "tradeoffs", "fairness"], "reaction": ["acceptable", "not_acceptable", "unsure"], "count": [2, 3, 1]}
)
#: Lines people would accept: per 1,000 (with the score line it mapped to), none, and one older
#: answer that gave only a score line.
THRESHOLDS = pd.DataFrame(
    {
        "role_tag": ["Manager", "Family member", "Family member", "Manager", "Other"],
        "value": [0.6, 0.2, None, 0.31, 0.5],
        "per_1000": [40, 120, None, 95, None],
    },
    dtype=object,
)
SCALE = pd.DataFrame({"role_tag": ["Family member", "Family member", "Manager"], "value": [1, 4, 4], "count": [2, 1, 3]})


def test_participants_figure_and_sentence():
    fig = charts.participants_figure(PEOPLE)
    assert list(fig.data[0].y) == ["Family member", "Social worker"] and list(fig.data[0].x) == [3, 1]
    assert list(fig.data[0].text) == [3, 1]  # counts as text, not only bar length
    assert charts.participants_summary(PEOPLE) == "4 people have joined: 3 family member, 1 social worker."


def test_reactions_have_colour_pattern_and_count():
    fig = charts.reactions_figure(REACTIONS, {"tradeoffs": "Trade-offs", "fairness": "Fairness"})
    assert [t.name for t in fig.data] == [s["label"] for s in charts.REACTION_STYLE.values()]
    assert [t.name for t in fig.data] == list(REACTION_LABELS.values())  # one set of words
    assert len({t.marker.pattern.shape for t in fig.data}) == 3
    against = fig.data[2]
    assert list(against.y) == ["Trade-offs", "Fairness"] and list(against.x) == [3, 0]
    assert charts.reactions_summary(REACTIONS, {"tradeoffs": "Trade-offs"}) == (
        "6 views saved so far, most on Trade-offs (5). "
        "In 3 of them the person could not accept what the screen showed."
    )


def test_thresholds_marks_lines_per_1000_and_counts_the_rest():
    fig = charts.thresholds_figure(THRESHOLDS, ("Family member", "Manager", "Other"))
    assert [t.name for t in fig.data] == ["Family member", "Manager"]  # roles in the given order
    assert [list(t.x) for t in fig.data] == [[120], [40, 95]]  # per 1,000, never the score
    assert fig.data[0].marker.symbol != fig.data[1].marker.symbol
    assert fig.layout.xaxis.title.text == "Referrals flagged in every 1,000"
    assert list(fig.layout.xaxis.range) == [-20, 1020]
    assert fig.layout.title.text == "The line each person would accept"
    # every group has its row, also one with no line named, and its counts beside it as text
    assert list(fig.layout.yaxis.categoryarray) == ["Family member", "Manager", "Other"]
    assert [(a.y, a.text) for a in fig.layout.annotations] == [
        ("Family member", "1 named, 1 none"), ("Manager", "2 named"), ("Other", "0 named, 1 older")]
    assert charts.thresholds_summary(THRESHOLDS) == (
        "3 people named a line: from 40 to 120 flagged in every 1,000 referrals. The middle "
        "answer was 95 in every 1,000. 1 person would not accept any line. 1 person gave a line "
        "as a score, on an older form. It cannot be shown as a number in every 1,000, so it is "
        "left out."
    )
    assert charts.thresholds_summary(THRESHOLDS) == lines_sentence(THRESHOLDS)  # said once
    assert charts.thresholds_to_draw(THRESHOLDS)


@pytest.mark.parametrize(
    "frame",
    [
        THRESHOLDS.iloc[:0],  # no one has answered yet
        THRESHOLDS[THRESHOLDS["per_1000"].isna()],  # "no line" and an older score line only
        pd.DataFrame(
            {"role_tag": ["Manager", "Other"], "value": [None, None], "per_1000": [None, None]},
            dtype=object,
        ),
    ],
)
def test_nothing_to_mark_means_no_chart(frame):
    """The tester's report: with everyone at "no line" the chart was drawn empty, with y ticks
    -0.5, 0 and 0.5. The screen shows the sentence instead (csc_dash.ui.workshop.facilitator)."""
    assert not charts.thresholds_to_draw(frame)


def test_a_tie_between_pages_names_both():
    tie = pd.DataFrame(
        {"page": ["tradeoffs", "question"], "reaction": ["acceptable", "unsure"], "count": [1, 1]}
    )
    assert charts.reactions_summary(
        tie, {"tradeoffs": "Trade-offs", "question": "The question"}
    ) == (
        "2 views saved so far, most on Trade-offs and The question (1 each). "
        "In 0 of them the person could not accept what the screen showed."
    )


def test_scale_by_role():
    fig = charts.scale_figure(SCALE, labels=AGREE_SCALE, title="Should we?")
    assert [t.name for t in fig.data] == list(AGREE_SCALE)
    assert list(fig.data[0].x) == [2, 0] and list(fig.data[3].x) == [1, 3]
    assert charts.scale_summary(SCALE, labels=AGREE_SCALE) == (
        "6 people answered; the most common answer was “Agree” (4 people)."
    )
    tie = pd.DataFrame(
        {"role_tag": ["Family member", "Social worker"], "value": [3, 4], "count": [1, 1]}
    )
    assert charts.scale_summary(tie, labels=AGREE_SCALE) == (  # it said 'Not sure' (1) alone
        "2 people answered; the most common answers were “Not sure” and “Agree”, one each."
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
