"""Wide frames as narrow tables: nothing lost, each table a few columns, every label escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_dash import fairness, metrics
from csc_dash.cohort import load_sample_cohort
from csc_dash.markup import markdown_text
from csc_dash.tables import narrow_tables


@pytest.fixture(scope="module")
def rates():
    c = load_sample_cohort("moderate")
    s = c.scores("structured")
    t = metrics.threshold_for_top_share(s, 0.1)
    return fairness.group_error_rates(c.y, s, c.frame["ethnicity"], threshold=t, n_boot=40)


def _plain(text: str) -> str:
    """What a reader sees of escaped text (the backslashes are not shown)."""
    return text.replace("\\", "")


def test_each_rate_is_one_table_with_its_range_and_ratio(rates):
    parts = dict(narrow_tables(rates))
    for rate in fairness.RATES:
        table = parts[markdown_text(rate.replace("_", " "))]
        assert list(table.columns) == ["Value", "Likely range", "Ratio to the reference group"]
        for label, row in table.iterrows():
            r = rates.loc[_plain(label)]
            value = "" if np.isnan(r[rate]) else f"{r[rate]:.3f}"
            assert _plain(row["Value"]) == value
            if not np.isnan(r[f"{rate}_low"]):
                assert _plain(row["Likely range"]) == (
                    f"{r[f'{rate}_low']:.3f} to {r[f'{rate}_high']:.3f}"
                )


def test_nothing_is_lost_and_every_table_is_narrow(rates):
    parts = narrow_tables(rates, width=3)
    seen = set()
    for title, table in parts:
        assert len(table.columns) <= 3
        assert list(table.index) == [markdown_text(v) for v in rates.index]
        if title:
            seen.update({_plain(title).replace(" ", "_") + s for s in ("", "_low", "_high")})
            seen.update(
                {_plain(title).replace(" ", "_") + s for s in ("_ratio_low", "_ratio_high")}
            )
        else:
            seen.update(_plain(c).replace(" ", "_") for c in table.columns)
    # Every column is shown, but "label" (it repeats the index).
    assert set(rates.columns) - {"label"} <= seen
    assert "label" not in seen


def test_kept_columns_join_the_index_of_every_table():
    frame = pd.DataFrame(
        {"preset": ["a", "b"], "label": ["G1", "G2"], "x": [1.0, 2.0], "y": [3, 4], "z": [5, 6]},
        index=pd.Index(["G1", "G2"], name="group"),
    )
    parts = narrow_tables(frame, keep=("preset",), width=2)
    assert len(parts) == 2
    for _title, table in parts:
        assert "preset" not in table.columns and "label" not in table.columns
        assert list(table.index) == ["G1, a", "G2, b"] and table.index.name == "group, preset"


def test_missing_numbers_are_blank():
    frame = pd.DataFrame({"r": [0.5, np.nan], "r_low": [0.4, np.nan], "r_high": [0.6, 0.1]})
    ((title, table),) = narrow_tables(frame, digits=2)
    assert title == "r"
    assert [_plain(v) for v in table["Value"]] == ["0.50", ""]
    assert [_plain(v) for v in table["Likely range"]] == ["0.40 to 0.60", ""]


HOSTILE = "<b>x</b> **bold** [a](http://x.example) :red[y] |pipe|"


@settings(max_examples=30, deadline=None)
@given(text=st.text(min_size=1, max_size=30))
def test_every_label_and_cell_is_escaped(text):
    frame = pd.DataFrame(
        {text + "_": [text, HOSTILE], "n": [1, 2]}, index=pd.Index([HOSTILE, text], name=text)
    )
    for _title, table in narrow_tables(frame):
        assert table.index.name == markdown_text(text)
        assert list(table.index) == [markdown_text(HOSTILE), markdown_text(text)]
        cells = [v for column in table.columns for v in table[column]]
        assert markdown_text(HOSTILE) in cells and HOSTILE not in cells
        assert markdown_text((text + "_").replace("_", " ")) in list(table.columns)


def test_columns_whose_names_read_alike_are_all_kept():
    frame = pd.DataFrame({"n_": [1, 2], "n": [3, 4], "n ": [5, 6]}, index=["a", "b"])
    ((_title, table),) = narrow_tables(frame)
    assert len(table.columns) == 3
    assert sorted(v for column in table.columns for v in table[column]) == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
    ]


def test_a_column_that_happens_to_repeat_the_index_can_be_kept():
    # What people typed (a reason equal to its decision's title) is not a label to drop.
    frame = pd.DataFrame({"Why": ["Train staff"], "When": ["today"]}, index=["Train staff"])
    ((_title, dropped),) = narrow_tables(frame)
    assert list(dropped.columns) == ["When"]
    ((_title, kept),) = narrow_tables(frame, drop_repeats=False)
    assert list(kept.columns) == ["Why", "When"] and list(kept["Why"]) == ["Train staff"]
