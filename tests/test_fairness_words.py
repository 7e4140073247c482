"""Fairness in whole people and plain words: the close-enough band, how two groups' rates
compare, the change a preset makes, and the disparity chart's ticks and hover text in plain view
(the analyst view keeps the exact ratios)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import textstat

from csc_dash import fairness
from csc_dash.charts import fairness as charts

DECIMAL = re.compile(r"\b\d+\.\d+\b")


@pytest.mark.parametrize(
    ("band", "words"),
    [
        ((0.8, 1.25), "neither group's rate is more than a quarter above the other's"),
        ((2 / 3, 1.5), "neither group's rate is more than a half above the other's"),
        ((0.75, 4 / 3), "neither group's rate is more than a third above the other's"),
        ((5 / 6, 1.2), "neither group's rate is more than a fifth above the other's"),
        ((0.5, 2.0), "a group has from about 50 to about 200 for every 100 the largest group has"),
        ((0.9, 1.1), "a group has from about 90 to about 110 for every 100 the largest group has"),
    ],
)
def test_band_words(band, words):
    assert fairness.band_words(band) == words
    assert not DECIMAL.search(fairness.band_words(band))


def test_band_is_what_the_words_say():
    """Within a quarter either way is exactly the band: a ratio r is in [0.8, 1.25] when the
    bigger of r and 1 is at most 1.25 times the smaller."""
    for r in np.linspace(0.5, 2.0, 301):
        inside = fairness.DEFAULT_BAND[0] - 1e-12 <= r <= fairness.DEFAULT_BAND[1] + 1e-12
        assert inside == (max(r, 1) / min(r, 1) <= 1.25 + 1e-12)


def test_band_example_in_whole_people():
    assert fairness.band_example((0.8, 1.25), reference="White *British*") == (
        "For example, if White \\*British\\* had 20 false alarms in every 100 families flagged, a "
        "group with 16 to 25 would be close enough."
    )
    assert "about 17 to about 24 would" in fairness.band_example((0.83, 1.2), reference="A")


def test_disparity_lead_has_no_decimals_and_reads_plainly():
    lead = fairness.disparity_lead((0.8, 1.25), reference="White British")
    assert lead.startswith(
        "Here each group is set beside the largest group, **White British**. 1 means the same as "
        "White British, and 2 means twice as many. The shaded band is one common rule for *close "
        "enough*: neither group's rate is more than a quarter above the other's. For example,"
    )
    assert not DECIMAL.search(lead)
    assert textstat.flesch_kincaid_grade(lead.replace("*", "")) <= 8
    assert fairness.band_analyst((0.8, 1.25)) == (
        "Analyst view: the band is a ratio to the reference group's rate from 0.8 to 1.25 "
        "(inclusive), drawn on a log scale."
    )


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (1.0, "the same as"),
        (1.004, "a little more than"),
        (0.996, "a little fewer than"),
        (1.37, "about 37% more than"),
        (0.8, "about 20% fewer than"),
        (1.996, "about 100% more than"),
        (2.0, "about 2 times as many as"),
        (3.4, "about 3 times as many as"),
        (0.004, "almost none, against"),
        (float("inf"), "far more than"),
        (float("nan"), "not known against"),
    ],
)
def test_ratio_words_never_call_different_rates_the_same(ratio, words):
    assert fairness.ratio_words(ratio) == words


def test_ratio_range_words():
    assert fairness.ratio_range_words(0.8, 2.5) == (
        "probably from about 20% fewer to about 2 times as many"
    )
    assert (
        fairness.ratio_range_words(1.1, float("inf")) == "probably from about 10% more to far more"
    )
    assert fairness.ratio_range_words(float("nan"), 2.0) == "likely range not known"


@pytest.mark.parametrize(
    ("value", "words"),
    [(0.0, "no change"), (0.3, "less than 1 more"), (-0.2, "less than 1 fewer"),
     (-3.4, "about 3 fewer"), (12.6, "about 13 more"), (float("nan"), "not known")],
)  # fmt: skip
def test_change_words(value, words):
    assert fairness.change_words(value) == words


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.8, "4/5"),
        (1.25, "5/4"),
        (1.0, "1"),
        (2.0, "2"),
        (0.5, "1/2"),
        (1 / 3, "1/3"),
        (0.05, "1/20"),
        (20.0, "20"),
    ],
)
def test_fraction_text(value, text):
    assert charts.fraction_text(value) == text


def _disparity_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["White British", "Black", "Asian", "Mixed"],
            "rate": [0.3, 0.45, 0.27, np.nan],
            "ratio": [1.0, 1.5, 0.9, np.nan],
            "ratio_low": [1.0, 1.2, 0.7, np.nan],
            "ratio_high": [1.0, 1.9, 1.15, np.nan],
            "within_band": [True, False, True, pd.NA],
            "verdict": ["inside", "outside", "inside", pd.NA],
            "is_reference": [True, False, False, False],
            "too_few": [False, False, False, True],
        }
    )


def test_disparity_chart_in_plain_view_has_fractions_and_words():
    frame = _disparity_frame()
    fig = charts.disparity_dots(
        {"False alarms": frame}, band=(0.8, 1.25), reference_label="White British"
    )
    axis = fig.layout.xaxis
    assert all(not DECIMAL.search(t) for t in axis.ticktext), axis.ticktext
    assert {"4/5", "1", "5/4"} <= set(axis.ticktext)
    trace = fig.data[0]
    assert "%{customdata[2]}" in trace.hovertemplate and ":.2f" not in trace.hovertemplate
    assert list(trace.customdata[:, 2]) == [
        "the same as",
        "about 50% more than",
        "about 10% fewer than",
    ]
    assert trace.customdata[1, 1] == "probably from about 20% more to about 90% more"
    analyst = charts.disparity_dots(
        {"False alarms": frame}, band=(0.8, 1.25), reference_label="White British", plain=False
    )
    assert {"0.8", "1.25"} <= set(analyst.layout.xaxis.ticktext)
    assert analyst.data[0].customdata[1, 2] == "1.50 times"


def test_change_bars_in_plain_view_say_whole_people():
    frame = pd.DataFrame(
        {
            "label": ["A", "B"],
            "change_false_alarms_per_1000": [0.3, -2.6],
            "change_missed_per_1000": [-1.2, 0.0],
            "too_few": [False, False],
        }
    )
    fig = charts.change_bars(frame)
    assert list(fig.data[0].customdata) == ["less than 1 more", "about 3 fewer"]
    assert list(fig.data[1].customdata) == ["about 1 fewer", "no change"]
    assert ".1f" not in fig.data[0].hovertemplate
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == "d"
    analyst = charts.change_bars(frame, plain=False)
    assert "%{x:+.1f}" in analyst.data[0].hovertemplate and analyst.layout.xaxis.dtick is None


# -- group names in a sentence (the page said "Not known; Other look outside it") -------------


@pytest.mark.parametrize(
    ("names", "joined"),
    [
        (["Other"], "Other"),
        (["Not known", "Other"], "Not known and Other"),
        (["Asian", "Black", "Other"], "Asian, Black and Other"),
        (["Asian", "Black", "Mixed", "Other"], "Asian, Black, Mixed and Other"),
        (["Girl, Asian", "Boy, Black"], "Girl, Asian; and Boy, Black"),
        (["Girl, Asian", "Boy, Black", "Girl, Mixed"], "Girl, Asian; Boy, Black; and Girl, Mixed"),
        (["5-9", "Girl, Asian"], "5-9; and Girl, Asian"),
    ],
)
def test_group_names_are_a_list_joined_with_and(names, joined):
    assert fairness.join_names(names) == joined


def _disparity(rows: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    """A disparity table: each group's (ratio, low, high) against the reference "White"."""
    labels = ["White", *rows]
    values = {"White": (1.0, 1.0, 1.0), **rows}
    table = pd.DataFrame(
        {
            "label": labels,
            "n": [1000 if k == "White" else 100 for k in labels],
            "too_few": False,
            "fnr": [values[k][0] / 2 for k in labels],
            "fnr_ratio_low": [values[k][1] for k in labels],
            "fnr_ratio_high": [values[k][2] for k in labels],
            "is_reference": [k == "White" for k in labels],
        },
        index=pd.Index(labels, name="g"),
    )
    return fairness.disparity(table, "fnr")


UNCLEAR = (0.55, 0.3, 1.0)  # best guess outside the band, range reaching into it
OUTSIDE = (2.0, 1.5, 2.6)


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (
            {"Not known": UNCLEAR, "Other": UNCLEAR},
            "Compared with White, no group is clearly outside the shaded band. At the best guess, "
            "these groups look outside the band: Not known and Other. But their likely ranges "
            "reach into the band, so this could be chance.",
        ),
        (
            {"Other": UNCLEAR},
            "Compared with White, no group is clearly outside the shaded band. At the best guess, "
            "this group looks outside the band: Other. But its likely range reaches into the "
            "band, so this could be chance.",
        ),
        (
            {"Asian": UNCLEAR, "Black": UNCLEAR, "Mixed": UNCLEAR},
            "Compared with White, no group is clearly outside the shaded band. At the best guess, "
            "these groups look outside the band: Asian, Black and Mixed. But their likely ranges "
            "reach into the band, so this could be chance.",
        ),
        (
            {"Asian": OUTSIDE, "Black": OUTSIDE, "Other": UNCLEAR},
            "Compared with White, these groups are outside the shaded band, even allowing for "
            "chance: Asian and Black. At the best guess, this group looks outside the band too: "
            "Other. But its likely range reaches into the band, so this could be chance.",
        ),
        (
            {"Girl, Asian": OUTSIDE, "Boy, Black": UNCLEAR, "Girl, Mixed": UNCLEAR},
            "Compared with White, this group is outside the shaded band, even allowing for chance: "
            "Girl, Asian. At the best guess, these groups look outside the band too: Boy, Black; "
            "and Girl, Mixed. But their likely ranges reach into the band, so this could be "
            "chance.",
        ),
    ],
)
def test_the_disparity_sentence_reads_for_any_set_of_groups(rows, said):
    text = fairness.describe_disparity(_disparity(rows))
    assert text == said
    assert "; Other" not in text and " look outside it" not in text
    assert textstat.flesch_kincaid_grade(text) <= 8, text


def test_no_note_when_no_row_repeats_one_line_for_everyone():
    rng = np.random.default_rng(3)
    y = (rng.random(3000) < 0.2).astype(int)
    s = rng.random(3000) * 0.6 + 0.4 * y * rng.random(3000)
    groups = np.where(rng.random(3000) < 0.5, "a", "b")
    assert (
        fairness.preset_overview_note(
            fairness.preset_costs(y, s, groups, threshold=0.5, presets=("single",))
        )
        is None
    )
    # All groups too small to move: every row is the same, and the note says no line moved.
    costs = fairness.preset_costs(y[:40], s[:40], groups[:40], threshold=0.5)
    note = fairness.preset_overview_note(costs)
    assert note is not None and "leave every group on the same line" in note
