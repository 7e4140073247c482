"""csc_dash.line: the one rule for the line, read on a sweep, and its whole steps.

Every step is checked against the sweep (:func:`csc_dash.tradeoffs.people_counts` at the step's
score line) and against csc_dash.metrics reading the raw scores (itself checked against
scikit-learn).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_dash import line, metrics, tradeoffs
from tests.helpers import random_scores


def _table(n=3000, seed=0, scores=None):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.08).astype(int)
    s = np.clip(rng.beta(2, 6, n) + 0.2 * y, 0, 1) if scores is None else scores(rng, n, y)
    return y, s, metrics.threshold_table(y, s)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ties", [False, True])
def test_thresholds_from_table_equal_metrics(seed, ties):
    y, s = random_scores(seed, ties=ties)
    table = metrics.threshold_table(y, s)
    for per_1000 in (0, 10, 100, 333, 1000):
        assert line.threshold_for_per_1000(table, per_1000) == metrics.threshold_for_top_share(
            s, per_1000 / 1000
        )
    for per_month, months in ((0, 12), (10, 24), (40, 24.0), (1000, 12)):
        assert line.threshold_for_capacity_from_table(
            table, per_month=per_month, months=months
        ) == metrics.threshold_for_capacity(s, per_month=per_month, months=months)
    for k in (0, 1, 3.5, 10, 100):
        assert line.threshold_for_cost_from_table(
            table, false_alarms_per_child=k
        ) == metrics.threshold_for_cost(y, s, false_alarms_per_child=k)


@pytest.mark.parametrize("seed", [0, 3])
def test_capacity_threshold_flags_at_most_capacity(seed):
    y, s = random_scores(seed, ties=True)
    table = metrics.threshold_table(y, s)
    for per_month in (0, 5, 17, 80):
        t = line.threshold_for_capacity_from_table(table, per_month=per_month, months=12)
        assert (s >= t).sum() <= per_month * 12


def test_threshold_helpers_reject_bad_input():
    y, s = random_scores(0)
    table = metrics.threshold_table(y, s)
    with pytest.raises(ValueError):
        line.threshold_for_per_1000(table, 1001)
    with pytest.raises(ValueError):
        line.threshold_for_capacity_from_table(table, per_month=-1, months=12)
    with pytest.raises(ValueError):
        line.threshold_for_capacity_from_table(table, per_month=1, months=0)
    with pytest.raises(ValueError):
        line.threshold_for_cost_from_table(table, false_alarms_per_child=-1)
    with pytest.raises(ValueError):
        tradeoffs.threshold_for_count_from_table(table.iloc[:0], 3)


@pytest.mark.parametrize(
    ("scores", "yes_no", "one_line"),
    [
        ([0.0, 1.0, 1.0, 0.0], True, 1.0),  # the current-practice rule
        ([0, 1, 0, 0], True, 1.0),  # an uploaded 0/1 flag
        ([0.2, 0.7, 0.7, 0.2], True, 0.7),  # two values, whatever they are
        ([0.5, 0.5, 0.5, 0.5], True, 0.5),  # one value: says yes to everyone
        ([0.1, 0.5, 0.9, 0.5], False, None),
    ],
)
def test_is_yes_no_and_its_one_line(scores, yes_no, one_line):
    y = [0, 1, 1, 0]
    table = metrics.threshold_table(y, scores)
    assert line.is_yes_no(table) is yes_no
    if yes_no:
        t = line.yes_no_threshold(table)
        assert t == one_line
        # the line flags exactly what the tool says yes to, whatever the shared line was
        for shared in (-1.0, 0.082, 0.5, 5.0):
            assert line.line_for(table, shared) == t
        row = tradeoffs.threshold_row(table, t)
        assert row["flagged"] == int((np.asarray(scores) >= max(scores)).sum())
    else:
        with pytest.raises(ValueError):
            line.yes_no_threshold(table)
        assert line.line_for(table, 0.3) == 0.3
        assert line.line_for(table, 7.0) == line.threshold_bounds(table)[1]


def test_threshold_bounds_and_clamp():
    table = metrics.threshold_table([0, 1, 1], [0.0, 1.0, 1.0])
    low, high = line.threshold_bounds(table)
    assert low == 0.0 and high > 1.0  # reaches 'nobody flagged' just above 1
    assert line.clamp_threshold(5.0, (low, high)) == high
    assert line.clamp_threshold(-1.0, (low, high)) == 0.0
    assert line.clamp_threshold(0.3, (low, high)) == 0.3


@pytest.mark.parametrize("n", [3000, 700, 24_000])
def test_per_1000_steps_flag_at_most_k_in_1000_and_equal_people_counts(n):
    y, s, table = _table(n)
    steps = line.line_steps(table)
    assert steps.mode == "per_1000" and len(steps) == line.PER_1000_STEPS
    sent = line.people_from_client_table(line.client_table(steps))
    for k, t in enumerate(steps.thresholds):
        flagged = int((s >= t).sum())
        assert flagged == steps.flagged[k] <= np.floor(k * n / 1000 + 1e-9)
        row = metrics.row_at_threshold(y, s, t)
        assert steps.people[k] == tradeoffs.people_counts(row)
        assert sent[k] == steps.people[k]  # what the browser shows is people_counts, exactly
        assert steps.labels[k] == f"{steps.people[k]['flagged']:,} in every 1,000"
    # the steps agree with "flag the top k in 1,000"
    assert steps.thresholds[100] == metrics.threshold_for_top_share(s, 0.10)
    assert np.all(np.diff(steps.flagged) >= 0)


def test_a_decile_tool_steps_over_its_own_scores():
    y, s, table = _table(scores=lambda rng, n, y: np.ceil(rng.random(n) * 10).clip(1, 10))
    steps = line.line_steps(table)
    assert steps.mode == "score"
    assert steps.labels == ("nobody", *(f"{d} or above" for d in range(10, 0, -1)))
    assert line.line_words(steps, steps.labels.index("5 or above")) == (
        "the line flags referrals with a score of 5 or above "
        f"({steps.people[steps.labels.index('5 or above')]['flagged']:,} in every 1,000 referrals)"
    )
    for k, t in enumerate(steps.thresholds):
        assert steps.people[k] == tradeoffs.people_counts(metrics.row_at_threshold(y, s, t))
    assert line.client_table(steps)["labels"] == list(steps.labels)


def test_a_yes_no_tool_has_one_step():
    y, s, table = _table(scores=lambda rng, n, y: (rng.random(n) < 0.2).astype(float))
    steps = line.line_steps(table)
    assert steps.mode == "fixed" and len(steps) == 1 and steps.thresholds[0] == 1.0
    assert steps.people[0] == tradeoffs.people_counts(metrics.row_at_threshold(y, s, 1.0))


def test_snapping_moves_a_line_onto_the_step_flagging_nearest():
    y, s, table = _table()
    steps = line.line_steps(table)
    for t in (0.05, 0.2, 0.33, 0.7, 2.0):
        k = line.step_for_threshold(steps, table, t)
        flagged = int((s >= t).sum())
        assert abs(steps.flagged[k] - flagged) == np.abs(steps.flagged - flagged).min()
        assert line.snap_threshold(steps, table, t) == steps.thresholds[k]
    for t in steps.thresholds[::97]:  # a step is its own snap
        assert line.snap_threshold(steps, table, t) == t
    assert steps.flagged[line.step_at_most(steps, 500)] <= 500


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5000, 5000), max_size=60))
def test_change_code_round_trips(values):
    assert line.decode_changes(line.encode_changes(values)) == values


@pytest.mark.parametrize("n", [3000, 700, 24_000])
def test_every_step_reads_back_as_itself_and_equals_the_sweep(n):
    """The one rule, at every step of the per-1,000 line: the score line of step k is the line
    for k in every 1,000 (:func:`line.threshold_for_per_1000`), its people are what the sweep
    says there, and reading that score line back (:func:`line.read_line`) gives the same line."""
    y, s, table = _table(n, seed=n)
    steps = line.line_steps(table)
    for k, t in enumerate(steps.thresholds):
        assert line.threshold_for_per_1000(table, k) == t, k
        assert steps.people[k] == tradeoffs.people_counts(tradeoffs.threshold_row(table, t)), k
        step, here = line.read_line(steps, table, float(t))
        assert here == t or steps.flagged[step] == steps.flagged[k], k  # ties: an equal step
        assert steps.people[step] == steps.people[k], k


def test_every_step_of_a_tool_with_its_own_scale_reads_back():
    y, s, table = _table(scores=lambda rng, n, y: np.ceil(rng.random(n) * 10).clip(1, 10))
    steps = line.line_steps(table)
    for k, t in enumerate(steps.thresholds):
        assert steps.people[k] == tradeoffs.people_counts(tradeoffs.threshold_row(table, t)), k
        assert line.read_line(steps, table, float(t)) == (k, float(t))
    five = steps.labels.index("5 or above")
    assert steps.thresholds[five] == 5.0
    assert "a score of 5 or above" in line.line_words(steps, five)


def test_read_line_starts_at_100_in_1000_and_clamps_what_is_kept():
    y, s, table = _table()
    steps = line.line_steps(table)
    assert line.DEFAULT_PER_1000 == 100
    assert line.read_line(steps, table, None) == (100, float(steps.thresholds[100]))
    low, high = line.threshold_bounds(table)
    # out of the ends: read as the end itself (nobody, or everybody, flagged)
    assert line.read_line(steps, table, 7.0) == line.read_line(steps, table, high)
    assert steps.people[line.read_line(steps, table, 7.0)[0]]["flagged"] == 0
    assert line.read_line(steps, table, -3.0) == line.read_line(steps, table, low)
    assert steps.people[line.read_line(steps, table, -3.0)[0]]["flagged"] == 1000
    # between two steps: onto the step flagging the nearest number
    step, here = line.read_line(steps, table, 0.3333)
    assert here == line.snap_threshold(steps, table, 0.3333) == steps.thresholds[step]


def test_read_line_of_a_yes_no_tool_is_its_one_line_whatever_is_kept():
    y, s, table = _table(scores=lambda rng, n, y: (rng.random(n) < 0.2).astype(float))
    steps = line.line_steps(table)
    for kept in (None, -1.0, 0.082, 0.5, 5.0):
        assert line.read_line(steps, table, kept) == (0, 1.0)


def test_the_two_ways_to_choose_the_line_land_on_whole_steps():
    y, s, table = _table()
    steps = line.line_steps(table)
    for k in (0, 1, 10, 100):
        t = line.line_for_cost(steps, table, false_alarms_per_child=k)
        assert t in steps.thresholds
        assert t == line.snap_threshold(
            steps, table, metrics.threshold_for_cost(y, s, false_alarms_per_child=k)
        )
    for per_month in (0, 5, 40, 10_000):
        t = line.line_for_capacity(steps, table, per_month=per_month, months=12)
        assert t in steps.thresholds and (s >= t).sum() <= per_month * 12
        # the most a step can flag within the capacity
        assert not any(f <= per_month * 12 and f > (s >= t).sum() for f in steps.flagged)


def test_threshold_for_per_1000_rejects_a_line_off_the_scale():
    y, s, table = _table()
    for bad in (-1, 1001):
        with pytest.raises(ValueError):
            line.threshold_for_per_1000(table, bad)
