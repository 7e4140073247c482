"""csc_dash.metrics against scikit-learn, on random data with ties, and on edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
)

from csc_dash import metrics

# Scores on a coarse grid so ties are common; outcomes with at least one of each class.
scores_and_outcomes = st.integers(min_value=2, max_value=300).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < n),
        st.lists(st.integers(0, 20).map(lambda k: k / 20), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(scores_and_outcomes)
def test_threshold_table_equals_confusion_matrix_at_every_threshold(data):
    y, s = (np.array(a) for a in data)
    table = metrics.threshold_table(y, s)
    assert table["threshold"].is_monotonic_increasing
    for row in table.itertuples():
        tn, fp, fn, tp = confusion_matrix(y, (s >= row.threshold).astype(int), labels=[0, 1]).ravel()
        assert (row.tp, row.fp, row.fn, row.tn) == (tp, fp, fn, tn)
        assert row.flagged == tp + fp
        assert row.flagged_per_1000 == pytest.approx(1000 * (tp + fp) / len(y))
        assert row.false_alarms_per_1000 == pytest.approx(1000 * fp / len(y))
        assert row.missed_per_1000 == pytest.approx(1000 * fn / len(y))
        assert row.recall == pytest.approx(tp / (tp + fn))
        assert row.fpr == pytest.approx(fp / (fp + tn))
    # The last threshold sits above every score: nobody flagged, precision undefined.
    assert table["flagged"].iloc[-1] == 0 and np.isnan(table["precision"].iloc[-1])


@settings(max_examples=200, deadline=None)
@given(scores_and_outcomes)
def test_average_precision_equals_sklearn(data):
    y, s = (np.array(a) for a in data)
    assert metrics.average_precision(y, s) == pytest.approx(average_precision_score(y, s), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(scores_and_outcomes)
def test_precision_recall_points_equal_sklearn_curve(data):
    y, s = (np.array(a) for a in data)
    precision, recall, thresholds = precision_recall_curve(y, s)
    table = metrics.threshold_table(y, s, thresholds=thresholds)
    np.testing.assert_allclose(table["precision"], precision[:-1])
    np.testing.assert_allclose(table["recall"], recall[:-1])


def test_given_thresholds_and_lookup_agree_with_full_sweep():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 500)
    s = np.round(rng.random(500), 2)
    full = metrics.threshold_table(y, s)
    for t in [-1.0, 0.0, 0.005, 0.37, 0.5, 0.999, 1.0, 2.0]:
        direct = metrics.row_at_threshold(y, s, t)
        looked_up = metrics.lookup(full, t)
        for column in ("flagged", "tp", "fp", "fn", "tn"):
            assert direct[column] == looked_up[column], (t, column)
        assert looked_up["threshold"] == t


def test_bool_outcome_and_lists_are_accepted():
    table = metrics.threshold_table([True, False, True], [0.9, 0.1, 0.5], thresholds=[0.5])
    assert table.loc[0, ["tp", "fp", "fn", "tn"]].tolist() == [2, 0, 0, 1]


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([], [], metrics.EMPTY_INPUT),
        ([0, 1], [0.1], metrics.LENGTH_MISMATCH.format(n_true=2, n_scores=1)),
        ([0, 2], [0.1, 0.2], metrics.OUTCOME_NOT_BINARY.format(examples="2")),
        (["no", "yes"], [0.1, 0.2], metrics.OUTCOME_NOT_BINARY.format(examples="no, yes")),
        ([0, 1, 1], [0.1, np.nan, np.inf], metrics.SCORES_NOT_FINITE.format(n_bad=2)),
    ],
)
def test_bad_input_raises_a_plain_value_error(y, s, message):
    with pytest.raises(ValueError) as err:
        metrics.threshold_table(y, s)
    assert str(err.value) == message


def test_all_negative_outcomes_give_counts_but_no_recall_and_no_average_precision():
    table = metrics.threshold_table([0, 0, 0], [0.2, 0.5, 0.5])
    assert table["tp"].eq(0).all()
    assert table["recall"].isna().all()
    assert table["fp"].tolist() == [3, 2, 0]
    with pytest.raises(ValueError) as err:
        metrics.average_precision([0, 0, 0], [0.2, 0.5, 0.5])
    assert str(err.value) == metrics.NO_POSITIVES


def test_all_positive_outcomes_have_precision_one_and_no_false_alarm_rate():
    table = metrics.threshold_table([1, 1], [0.2, 0.7])
    assert table["precision"].iloc[:-1].eq(1.0).all()
    assert table["fpr"].isna().all()
    assert metrics.average_precision([1, 1], [0.2, 0.7]) == pytest.approx(1.0)


def test_all_scores_tied_flag_everyone_or_no_one():
    table = metrics.threshold_table([0, 1, 0, 1], [0.3] * 4)
    assert table["flagged"].tolist() == [4, 0]
    assert metrics.average_precision([0, 1, 0, 1], [0.3] * 4) == pytest.approx(0.5)


def test_bootstrap_interval_is_seeded_contains_estimate_and_shrinks_with_n():
    rng = np.random.default_rng(0)

    def interval(n, seed=0):
        y = rng.integers(0, 2, n)
        s = np.clip(y * 0.3 + rng.random(n) * 0.7, 0, 1)
        return y, s, metrics.bootstrap_interval(metrics.average_precision, y, s, n_boot=300, random_state=seed)

    y, s, (low, high) = interval(200)
    assert low <= metrics.average_precision(y, s) <= high
    assert metrics.bootstrap_interval(metrics.average_precision, y, s, n_boot=300, random_state=0) == (low, high)
    _, _, (low_big, high_big) = interval(5000)
    assert (high_big - low_big) < (high - low)


def test_bootstrap_interval_is_too_few_to_tell_when_mostly_undefined():
    y = np.array([0] * 99 + [1])

    def needs_three_escalations(sample):
        if sample.sum() < 3:  # undefined in most resamples of a single escalation
            raise ValueError("too few")
        return float(sample.mean())

    assert all(np.isnan(metrics.bootstrap_interval(needs_three_escalations, y, n_boot=200)))
    # A statistic defined in every resample gives a real interval.
    assert not any(np.isnan(metrics.bootstrap_interval(np.mean, y, n_boot=200)))


@pytest.mark.parametrize("share", [0.0, 0.05, 0.1, 0.333, 1.0])
def test_top_share_never_flags_more_than_asked(share):
    rng = np.random.default_rng(3)
    s = np.round(rng.random(1000), 2)  # many ties
    t = metrics.threshold_for_top_share(s, share)
    flagged = (s >= t).sum()
    assert flagged <= share * len(s) + 1e-9
    # and the next distinct score below would flag too many
    lower = s[s < t]
    if len(lower):
        assert (s >= lower.max()).sum() > share * len(s)


def test_capacity_threshold_fits_capacity():
    s = np.arange(240) / 240
    t = metrics.threshold_for_capacity(s, per_month=5, months=24)
    assert (s >= t).sum() == 120
    assert metrics.threshold_for_capacity(s, per_month=0, months=24) > s.max()


def test_cost_threshold_minimises_false_alarms_plus_weighted_misses():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 400)
    s = np.round(np.clip(0.4 * y + rng.random(400) * 0.6, 0, 1), 3)
    for ratio in (0.5, 1, 3, 10):
        t = metrics.threshold_for_cost(y, s, false_alarms_per_child=ratio)
        table = metrics.threshold_table(y, s)
        costs = table["fp"] + ratio * table["fn"]
        chosen = metrics.row_at_threshold(y, s, t)
        assert chosen["fp"] + ratio * chosen["fn"] == pytest.approx(costs.min())


def test_table_has_the_documented_columns():
    table = metrics.threshold_table([0, 1], [0.1, 0.9])
    assert tuple(table.columns) == metrics.TABLE_COLUMNS
    assert isinstance(table, pd.DataFrame)


# An evenly spaced grid of thresholds on many more scores takes the one-pass path (bins and a
# bincount); it must give exactly what comparing every score with every threshold gives,
# including scores that sit exactly on a grid line or a hair either side of one.
def _on_and_near_grid(k: int, nudge: int) -> float:
    x = k / 40
    for _ in range(abs(nudge)):
        x = np.nextafter(x, np.inf if nudge > 0 else -np.inf)
    return float(x)


grid_data = st.integers(min_value=200, max_value=600).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < n),
        st.lists(
            st.one_of(
                st.builds(_on_and_near_grid, st.integers(-4, 44), st.integers(-2, 2)),
                st.floats(-0.2, 1.2, allow_nan=False),
            ),
            min_size=n,
            max_size=n,
        ),
        st.sampled_from([np.linspace(0, 1, 21), np.linspace(0, 1, 11), np.arange(0, 1.0001, 0.05),
                         np.linspace(0.1, 0.9, 17)]),
    )
)


@settings(max_examples=150, deadline=None)
@given(grid_data)
def test_grid_thresholds_give_exactly_the_counts_of_score_at_or_above(data):
    y, s, grid = np.array(data[0]), np.array(data[1]), data[2]
    assert metrics._grid_step(grid) is not None and 8 * len(grid) <= len(s)  # the one-pass path
    table = metrics.threshold_table(y, s, thresholds=grid)
    for row in table.itertuples():
        tn, fp, fn, tp = confusion_matrix(y, (s >= row.threshold).astype(int), labels=[0, 1]).ravel()
        assert (row.tp, row.fp, row.fn, row.tn) == (tp, fp, fn, tn)


@settings(max_examples=60, deadline=None)
@given(grid_data, st.integers(1, 97))
def test_the_grid_sweep_taken_a_few_scores_at_a_time_counts_the_same(data, chunk):
    # The one-pass path bins the scores _GRID_CHUNK at a time: any chunk size, with some chunks
    # inside the grid and some with scores below or above it, gives exactly the same counts.
    y, s, grid = np.array(data[0]), np.array(data[1]), data[2]
    whole = metrics._grid_counts(y, s, grid)
    before = metrics._GRID_CHUNK
    try:
        metrics._GRID_CHUNK = chunk
        pieces = metrics._grid_counts(y, s, grid)
    finally:
        metrics._GRID_CHUNK = before
    for a, b in zip(whole, pieces, strict=True):
        np.testing.assert_array_equal(a, b)
    flagged = [(s >= t).sum() for t in grid]
    np.testing.assert_array_equal(pieces[0], flagged)


def test_grid_sweep_on_a_large_cohort_equals_sklearn_precision_recall_curve():
    rng = np.random.default_rng(3)
    n = 50_000
    y = (rng.random(n) < 0.04).astype(int)
    grid = np.linspace(0, 1, 1001)
    s = grid[np.round(np.clip(rng.beta(2, 8, n) + 0.2 * y, 0, 1) * 1000).astype(int)]  # on it
    table = metrics.threshold_table(y, s, thresholds=grid)
    precision, recall, thresholds = precision_recall_curve(y, s)
    at = metrics.threshold_table(y, s, thresholds=thresholds)  # the sort path, sklearn's points
    np.testing.assert_allclose(at["precision"], precision[:-1])
    np.testing.assert_allclose(at["recall"], recall[:-1])
    # Every sklearn point is a grid line here, so the grid sweep has the same rows there.
    for t, p, r in zip(thresholds, precision[:-1], recall[:-1], strict=True):
        i = int(np.searchsorted(grid, t))
        assert grid[i] == t
        assert table["precision"].iloc[i] == pytest.approx(p, abs=1e-12)
        assert table["recall"].iloc[i] == pytest.approx(r, abs=1e-12)


def test_uneven_or_unsorted_thresholds_take_the_sort_path_and_agree():
    rng = np.random.default_rng(4)
    y = (rng.random(5000) < 0.1).astype(int)
    s = rng.random(5000)
    for t in (np.array([0.9, 0.1, 0.5]), np.array([0.1, 0.2, 0.5, 0.55]), np.array([0.3])):
        assert metrics._grid_step(t) is None
        table = metrics.threshold_table(y, s, thresholds=t)
        for row in table.itertuples():
            assert row.flagged == int((s >= row.threshold).sum())
            assert row.tp == int(((s >= row.threshold) & (y == 1)).sum())
