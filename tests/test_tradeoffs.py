"""csc_dash.tradeoffs: people counts, thresholds read from a sweep, and fair comparisons.

Every threshold read from a sweep is checked against its counterpart in csc_dash.metrics (which
is itself checked against scikit-learn), and the curve and counts against scikit-learn directly.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, confusion_matrix, precision_recall_curve

from csc_dash import metrics, tradeoffs
from csc_dash.charts import KINDS


def _data(seed: int, n: int = 2000, *, ties: bool = False, rate: float = 0.05):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(int)
    s = rng.random(n) * 0.6 + 0.3 * y * rng.random(n)
    if ties:
        s = np.round(s, 2)
    return y, s


# --- rounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "expected"),
    [
        ([1, 1, 1], 10, [4, 3, 3]),  # ties: earlier entries win
        ([0.5, 0.5], 1, [1, 0]),
        ([13.4, 86.6, 22.2, 877.8], 1000, [13, 87, 22, 878]),
        ([0, 0, 5], 100, [0, 0, 100]),
        ([0, 0], 10, [0, 0]),
        ([3, 7], 0, [0, 0]),
        ([2, 2, 2], 3, [1, 1, 1]),
    ],
)
def test_largest_remainder_table(values, total, expected):
    assert tradeoffs.largest_remainder(values, total).tolist() == expected


@pytest.mark.parametrize(("values", "total"), [([-1, 2], 5), ([np.nan, 1], 5), ([1, 2], -1), ([], 5)])
def test_largest_remainder_rejects_bad_input(values, total):
    with pytest.raises(ValueError):
        tradeoffs.largest_remainder(values, total)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=5000),
)
def test_largest_remainder_sums_exactly_and_stays_within_one(values, total):
    out = tradeoffs.largest_remainder(values, total)
    v = np.asarray(values)
    if v.sum() == 0:
        assert out.sum() == 0
        return
    assert out.sum() == total
    exact = v * total / v.sum()
    assert np.all(out >= np.floor(exact) - 1e-9) and np.all(out <= np.ceil(exact) + 1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 50_000), st.integers(0, 50_000), st.integers(0, 50_000), st.integers(0, 500_000),
    st.sampled_from([100, 1000]),
)
def test_people_counts_add_up_and_stay_close(tp, fp, fn, tn, n):
    total = tp + fp + fn + tn
    if total == 0:
        return
    row = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    counts = tradeoffs.people_counts(row, n=n)
    assert sum(counts[k] for k in KINDS) == n
    assert counts["flagged"] == counts["true_alarm"] + counts["false_alarm"]
    # The headline (flagged) is the nearest whole number; each kind within 1.5 of exact.
    assert abs(counts["flagged"] - n * (tp + fp) / total) <= 0.5 + 1e-9
    for kind, c in (("true_alarm", tp), ("false_alarm", fp), ("missed", fn), ("not_flagged", tn)):
        assert abs(counts[kind] - n * c / total) < 1.5


def test_people_counts_match_threshold_table_per_1000():
    y, s = _data(1)
    table = metrics.threshold_table(y, s)
    for t in (0.1, 0.4, 0.6, 0.8):
        row = tradeoffs.threshold_row(table, t)
        counts = tradeoffs.people_counts(row)
        assert abs(counts["flagged"] - row["flagged_per_1000"]) <= 0.5
        assert abs(counts["true_alarm"] - row["true_alarms_per_1000"]) < 1.5
        assert abs(counts["false_alarm"] - row["false_alarms_per_1000"]) < 1.5
        assert abs(counts["missed"] - row["missed_per_1000"]) < 1.5


def test_kind_order_matches_charts():
    assert tradeoffs.KIND_ORDER == KINDS


def test_icon_grid_has_one_mark_per_person_in_kind_order():
    counts = {"true_alarm": 13, "false_alarm": 87, "missed": 22, "not_flagged": 878}
    grid = tradeoffs.icon_grid(counts, columns=50)
    assert len(grid) == 1000
    assert grid["kind"].value_counts().to_dict() == counts
    assert grid["x"].max() == 49 and grid["y"].max() == 19
    assert grid["kind"].iloc[0] == "true_alarm" and grid["kind"].iloc[-1] == "not_flagged"
    assert not grid.duplicated(["x", "y"]).any()


@pytest.mark.parametrize("threshold", [0.0, 0.25, 0.5, 0.75, 2.0])
def test_assign_kinds_matches_sklearn_confusion_matrix(threshold):
    y, s = _data(2)
    kinds = tradeoffs.assign_kinds(y, s, threshold)
    tn, fp, fn, tp = confusion_matrix(y, s >= threshold, labels=[0, 1]).ravel()
    got = pd.Series(kinds).value_counts()
    assert got.get("true_alarm", 0) == tp and got.get("false_alarm", 0) == fp
    assert got.get("missed", 0) == fn and got.get("not_flagged", 0) == tn


# --- thresholds read from a sweep ------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ties", [False, True])
def test_thresholds_from_table_equal_metrics(seed, ties):
    y, s = _data(seed, ties=ties)
    table = metrics.threshold_table(y, s)
    for share in (0.0, 0.01, 0.1, 0.333, 1.0):
        assert tradeoffs.threshold_for_top_share_from_table(table, share) == metrics.threshold_for_top_share(
            s, share
        )
    for per_month, months in ((0, 12), (10, 24), (40, 24.0), (1000, 12)):
        assert tradeoffs.threshold_for_capacity_from_table(
            table, per_month=per_month, months=months
        ) == metrics.threshold_for_capacity(s, per_month=per_month, months=months)
    for k in (0, 1, 3.5, 10, 100):
        assert tradeoffs.threshold_for_cost_from_table(
            table, false_alarms_per_child=k
        ) == metrics.threshold_for_cost(y, s, false_alarms_per_child=k)


@pytest.mark.parametrize("seed", [0, 3])
def test_capacity_threshold_flags_at_most_capacity(seed):
    y, s = _data(seed, ties=True)
    table = metrics.threshold_table(y, s)
    for per_month in (0, 5, 17, 80):
        t = tradeoffs.threshold_for_capacity_from_table(table, per_month=per_month, months=12)
        assert (s >= t).sum() <= per_month * 12


def test_threshold_helpers_reject_bad_input():
    y, s = _data(0)
    table = metrics.threshold_table(y, s)
    with pytest.raises(ValueError):
        tradeoffs.threshold_for_top_share_from_table(table, 1.5)
    with pytest.raises(ValueError):
        tradeoffs.threshold_for_capacity_from_table(table, per_month=-1, months=12)
    with pytest.raises(ValueError):
        tradeoffs.threshold_for_capacity_from_table(table, per_month=1, months=0)
    with pytest.raises(ValueError):
        tradeoffs.threshold_for_cost_from_table(table, false_alarms_per_child=-1)
    with pytest.raises(ValueError):
        tradeoffs.threshold_for_count_from_table(table.iloc[:0], 3)


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_average_precision_from_table_equals_sklearn(seed):
    y, s = _data(seed, ties=seed == 4)
    table = metrics.threshold_table(y, s)
    assert tradeoffs.average_precision_from_table(table) == pytest.approx(
        average_precision_score(y, s), abs=1e-12
    )
    assert tradeoffs.base_rate(table) == pytest.approx(y.mean())


def test_average_precision_from_table_is_nan_without_positives():
    table = metrics.threshold_table(np.zeros(10, dtype=int), np.linspace(0, 1, 10))
    assert np.isnan(tradeoffs.average_precision_from_table(table))


def test_pr_curve_points_lie_on_sklearns_curve_and_are_thinned():
    y, s = _data(5, n=5000)
    table = metrics.threshold_table(y, s)
    points = tradeoffs.pr_curve_points(table, max_points=300)
    assert len(points) <= 300
    precision, recall, _ = precision_recall_curve(y, s)
    on_curve = {(round(p, 10), round(r, 10)) for p, r in zip(precision, recall, strict=True)}
    for p, r in zip(points["precision"], points["recall"], strict=True):
        assert (round(p, 10), round(r, 10)) in on_curve
    assert points["recall"].iloc[0] == 1.0  # everyone flagged: every child found
    assert points["flagged"].min() == table.loc[table["flagged"] > 0, "flagged"].min()


def test_threshold_bounds_and_clamp():
    table = metrics.threshold_table([0, 1, 1], [0.0, 1.0, 1.0])
    low, high = tradeoffs.threshold_bounds(table)
    assert low == 0.0 and high > 1.0  # reaches 'nobody flagged' just above 1
    assert tradeoffs.clamp_threshold(5.0, (low, high)) == high
    assert tradeoffs.clamp_threshold(-1.0, (low, high)) == 0.0
    assert tradeoffs.clamp_threshold(0.3, (low, high)) == 0.3


# --- comparing tools -------------------------------------------------------------------------


def _tables(seed: int = 0):
    y, s = _data(seed, n=3000)
    rng = np.random.default_rng(seed + 10)
    other = np.clip(s + rng.normal(0, 0.1, len(s)), 0, 1)
    rule = (rng.random(len(s)) < 0.2).astype(float)
    scores = {"structured": s, "text": other, "rule": rule}
    return y, scores, {m: metrics.threshold_table(y, v) for m, v in scores.items()}


def test_fixed_flag_count_finds_the_rule():
    y, scores, tables = _tables()
    assert tradeoffs.fixed_flag_count(tables["rule"]) == int(scores["rule"].sum())
    assert tradeoffs.fixed_flag_count(tables["structured"]) is None


def test_comparison_uses_the_rules_number_and_matches_threshold_table():
    y, scores, tables = _tables(1)
    labels = {"structured": "A", "text": "B", "rule": "Rule"}
    frame, flagged, fixed_by = tradeoffs.comparison(tables, labels=labels, current_flagged=123)
    assert fixed_by == "Rule" and flagged == int(scores["rule"].sum())
    assert list(frame["model"]) == ["structured", "text", "rule"]
    for _, r in frame.iterrows():
        assert r["flagged"] <= flagged
        peer = metrics.row_at_threshold(y, scores[r["model"]], r["threshold"])
        for column in ("flagged", "tp", "fp", "fn", "true_alarms_per_1000", "missed_per_1000"):
            assert r[column] == pytest.approx(peer[column])
    assert frame.loc[frame["model"] == "rule", "flagged"].item() == flagged
    assert frame.loc[frame["model"] == "structured", "flagged"].item() == flagged  # no ties


def test_comparison_without_a_rule_uses_the_current_number():
    _, _, tables = _tables(2)
    del tables["rule"]
    frame, flagged, fixed_by = tradeoffs.comparison(tables, labels={}, current_flagged=300)
    assert fixed_by is None and flagged == 300
    assert (frame["flagged"] <= 300).all() and list(frame["label"]) == ["structured", "text"]
    text = tradeoffs.comparison_sentence(frame, flagged=flagged, fixed_by=fixed_by)
    assert "same number of referrals (300)" in text


def test_comparison_table_has_analyst_columns():
    _, _, tables = _tables(3)
    frame, _, _ = tradeoffs.comparison(tables, labels={}, current_flagged=100)
    table = tradeoffs.comparison_table(frame)
    assert {"Tool", "Precision", "Recall", "Missed per 1,000"} <= set(table.columns)
    assert len(table) == 3


# --- words -----------------------------------------------------------------------------------


def test_summary_sentence_says_the_counts():
    counts = {"true_alarm": 13, "false_alarm": 87, "missed": 22, "not_flagged": 878, "flagged": 100}
    text = tradeoffs.summary_sentence(counts)
    assert "flag 100" in text and "13 went on" in text and "87 would be false alarms" in text
    assert "miss 22 children" in text
    none = dict(counts, true_alarm=0, false_alarm=0, missed=1, flagged=0)
    assert "flag none" in tradeoffs.summary_sentence(none) and "1 child " in tradeoffs.summary_sentence(none)


def test_cost_and_capacity_sentences():
    counts = {"true_alarm": 20, "false_alarm": 180, "missed": 15, "not_flagged": 785, "flagged": 200}
    assert "worth 10 false alarms" in tradeoffs.cost_sentence(10, counts)
    row = {"flagged": 960}
    text = tradeoffs.capacity_sentence(40, 24.0, row)
    assert "up to 960 families" in text and "flags 960 referrals" in text and "about 40 a month" in text


def test_pr_sentence_handles_nobody_flagged():
    text = tradeoffs.pr_sentence(
        row={"recall": 0.0, "precision": float("nan")}, average_precision=0.2, base_rate=0.03
    )
    assert "nobody is flagged" in text


def test_analyst_row_matches_the_sweep():
    y, s = _data(0)
    row = metrics.row_at_threshold(y, s, 0.5)
    table = tradeoffs.analyst_row(row, n=len(y)).set_index("Figure")["Value"]
    assert table["Flagged"] == f"{int(row['flagged']):,}"
    assert table["Flagged per 1,000"] == f"{row['flagged_per_1000']:.1f}"


def test_core_modules_do_not_import_streamlit():
    code = (
        "import sys; import csc_dash.tradeoffs, csc_dash.vignettes, csc_dash.content.question, "
        "csc_dash.charts.tradeoffs, csc_dash.charts.children; "
        "sys.exit(1 if 'streamlit' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_icon_sentence_names_colour_shape_and_count():
    counts = {"true_alarm": 13, "false_alarm": 87, "missed": 22, "not_flagged": 878}
    text = tradeoffs.icon_sentence(counts)
    assert text.startswith("Each mark is one of 1,000 referrals: 13 blue dots")
    assert "87 orange triangles (false alarms)" in text and "and 878 grey rings" in text


def test_comparison_sentence_names_ties():
    frame = pd.DataFrame(
        {"label": ["A", "B", "Rule"], "tp": [24, 24, 18], "fp": [250, 251, 260], "true_alarms_per_1000": [24.0, 24.0, 18.0]}
    )
    text = tradeoffs.comparison_sentence(frame, flagged=2689, fixed_by="Rule")
    assert "Rule can only flag one fixed number of referrals (2,689)" in text
    assert "A and B each find the most children" in text and "24 in every 1,000" in text
    one = tradeoffs.comparison_sentence(frame.iloc[[0, 2]], flagged=10, fixed_by=None)
    assert "A finds the most" in one


def test_share_sentence():
    row = {"flagged": 961, "tp": 100, "fp": 861, "fn": 200, "tn": 8450}
    assert tradeoffs.share_sentence(row) == "This line flags 961 of 9,611 referrals (10.0%)."
