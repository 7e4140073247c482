"""Group error rates, disparity and presets, checked against fairlearn and scikit-learn."""

from __future__ import annotations

import subprocess
import sys
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
import textstat
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, precision_score, recall_score

from csc_dash import fairness
from csc_dash.cohort import load_sample_cohort
from csc_dash.metrics import threshold_table
from tests.conftest import ROOT


@cache
def sample(bias: str = "moderate"):
    return load_sample_cohort(bias)


# ---- the peer: fairlearn MetricFrame ------------------------------------------------------


def _nan_precision(y, p):
    return precision_score(y, p, zero_division=np.nan)


def _nan_recall(y, p):
    return recall_score(y, p, zero_division=np.nan)


def _fdr(y, p):
    return 1.0 - precision_score(y, p, zero_division=np.nan)


def _for(y, p):
    # Children missed among those not flagged = 1 - precision of the "not flagged" class.
    return 1.0 - precision_score(y, p, pos_label=0, zero_division=np.nan)


def _fnr(y, p):
    return false_negative_rate(y, p) if np.sum(y) else np.nan


def _fpr(y, p):
    return false_positive_rate(y, p) if np.sum(1 - np.asarray(y)) else np.nan


def _ap(y, s):
    return average_precision_score(y, s) if np.sum(y) else np.nan


PEER_METRICS = {
    "n": count,
    "share_flagged": selection_rate,
    "precision": _nan_precision,
    "recall": _nan_recall,
    "fdr": _fdr,
    "false_omission_rate": _for,
    "fpr": _fpr,
    "fnr": _fnr,
}


def peer_table(y, scores, groups, threshold) -> pd.DataFrame:
    y = np.asarray(y).astype(int)
    flagged = (np.asarray(scores) >= threshold).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_group = MetricFrame(
            metrics=PEER_METRICS, y_true=y, y_pred=flagged, sensitive_features=groups
        ).by_group
        ap = MetricFrame(
            metrics={"average_precision": _ap}, y_true=y, y_pred=np.asarray(scores),
            sensitive_features=groups,
        ).by_group
    return by_group.join(ap)


def assert_matches_peer(table: pd.DataFrame, peer: pd.DataFrame) -> None:
    # fairlearn lists every combination of a pair, even empty ones; we list groups that exist.
    empty = peer["n"].fillna(0) == 0
    assert set(table.index) == set(peer.index[~empty])
    peer = peer.loc[list(table.index)]
    assert table["n"].tolist() == peer["n"].tolist()
    for rate in fairness.RATES:
        np.testing.assert_allclose(
            table[rate].to_numpy(dtype=float), peer[rate].to_numpy(dtype=float),
            rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=rate,
        )


# ---- against the peer --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "columns", "target"),
    [
        ("structured", ["ethnicity"], "outcome"),
        ("text", ["deprivation_quintile"], "outcome"),
        ("rule", ["age_band"], "outcome"),
        ("structured", ["ethnicity", "gender"], "outcome"),
        ("structured", ["disability_status", "age_band"], "need"),
    ],
)
def test_matches_fairlearn_on_the_sample(model, columns, target):
    c = sample()
    scores = c.scores(model)
    threshold = float(np.quantile(scores, 0.9))
    y = c.frame[target].to_numpy()
    groups = c.frame[columns] if len(columns) > 1 else c.frame[columns[0]]
    table = fairness.group_error_rates(y, scores, groups, threshold=threshold, n_boot=50)
    assert_matches_peer(table, peer_table(y, scores, groups, threshold))
    counts = table[list(fairness.COUNT_COLUMNS)]
    assert (counts["tp"] + counts["fp"] + counts["fn"] + counts["tn"] == counts["n"]).all()
    assert counts["n"].sum() == len(c)


@st.composite
def scored_groups(draw, min_size=1, max_size=120):
    n = draw(st.integers(min_size, max_size))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    # A coarse score grid makes ties common, which is where off-by-one errors live.
    s = draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5001, 0.75, 1.0]), min_size=n, max_size=n))
    g = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    h = draw(st.lists(st.sampled_from(["x", "y"]), min_size=n, max_size=n))
    t = draw(st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.75, 1.0, 1.5]))
    return np.array(y), np.array(s), pd.DataFrame({"g": g, "h": h}), t


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scored_groups(), st.booleans())
def test_matches_fairlearn_on_random_data(data, pair):
    y, s, groups, t = data
    groups = groups if pair else groups["g"]
    table = fairness.group_error_rates(y, s, groups, threshold=t, n_boot=20)
    assert_matches_peer(table, peer_table(y, s, groups, t))


@settings(max_examples=40, deadline=None)
@given(scored_groups(min_size=5))
def test_intervals_contain_the_estimate(data):
    y, s, groups, t = data
    table = fairness.group_error_rates(y, s, groups["g"], threshold=t, n_boot=60, random_state=3)
    for rate in fairness.RATES:
        point, low, high = table[rate], table[f"{rate}_low"], table[f"{rate}_high"]
        defined = low.notna()
        assert (low[defined] <= point[defined] + 1e-12).all(), rate
        assert (point[defined] <= high[defined] + 1e-12).all(), rate
        assert (low[defined] >= -1e-12).all() and (high[defined] <= 1 + 1e-12).all(), rate
        # No interval for a rate that cannot be measured.
        assert low[point.isna()].isna().all(), rate


def test_intervals_contain_the_estimate_on_the_sample():
    c = sample()
    table = fairness.group_error_rates(
        c.y, c.scores("structured"), c.frame[["ethnicity", "age_band"]], threshold=0.08, n_boot=200
    )
    for rate in fairness.RATES:
        defined = table[f"{rate}_low"].notna()
        assert (table.loc[defined, f"{rate}_low"] <= table.loc[defined, rate]).all()
        assert (table.loc[defined, rate] <= table.loc[defined, f"{rate}_high"]).all()


def test_intervals_shrink_as_the_groups_grow():
    c = sample()
    y, s, g = c.y, c.scores("structured"), c.frame["deprivation_quintile"].to_numpy()
    small = fairness.group_error_rates(y, s, g, threshold=0.08, n_boot=300)
    big = fairness.group_error_rates(
        np.tile(y, 4), np.tile(s, 4), np.tile(g, 4), threshold=0.08, n_boot=300
    )
    for rate in fairness.RATES:
        np.testing.assert_allclose(big[rate], small[rate], rtol=1e-12)
        width_small = small[f"{rate}_high"] - small[f"{rate}_low"]
        width_big = big[f"{rate}_high"] - big[f"{rate}_low"]
        # Four times the referrals: about half the width; never wider.
        assert (width_big < width_small).all(), rate
        assert (width_big / width_small).median() < 0.7, rate


def test_same_seed_same_intervals_other_seed_other_intervals():
    c = sample()
    args = (c.y, c.scores("structured"), c.frame["ethnicity"])
    a = fairness.group_error_rates(*args, threshold=0.1, n_boot=100, random_state=7)
    b = fairness.group_error_rates(*args, threshold=0.1, n_boot=100, random_state=7)
    d = fairness.group_error_rates(*args, threshold=0.1, n_boot=100, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["fdr_low"], d["fdr_low"])


def test_bootstrap_matches_resampling_rows_one_by_one():
    """The vectorised draws have the distribution of plain row resampling (same mean and spread)."""
    rng = np.random.default_rng(0)
    n = 400
    y = (rng.random(n) < 0.2).astype(int)
    s = np.round(rng.random(n) * 0.6 + 0.4 * y, 3)
    table = fairness.group_error_rates(y, s, np.zeros(n), threshold=0.5, n_boot=1000)
    naive = []
    for _ in range(1000):
        i = rng.integers(0, n, n)
        flagged = s[i] >= 0.5
        naive.append([(flagged & (y[i] == 0)).sum() / flagged.sum(), average_precision_score(y[i], s[i])])
    naive = np.array(naive)
    for j, rate in enumerate(["fdr", "average_precision"]):
        low, high = np.quantile(naive[:, j], [0.025, 0.975])
        assert table[f"{rate}_low"].iloc[0] == pytest.approx(low, abs=0.025)
        assert table[f"{rate}_high"].iloc[0] == pytest.approx(high, abs=0.025)


# ---- too few to tell ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "positives", "too_few"),
    [
        (29, 5, True),
        (30, 5, False),
        (30, 4, True),
        (31, 4, True),
        (200, 4, True),
        (200, 5, False),
        (30, 30, False),
        (29, 29, True),
    ],
)
def test_too_few_triggers_exactly_at_the_limits(n, positives, too_few):
    y = np.array([1] * positives + [0] * (n - positives))
    s = np.linspace(0, 1, n)
    table = fairness.group_error_rates(y, s, ["only"] * n, threshold=0.5, n_boot=10)
    assert bool(table["too_few"].iloc[0]) is too_few
    assert (fairness.MIN_REFERRALS, fairness.MIN_ESCALATIONS) == (30, 5)


def test_small_intersections_are_too_few_on_the_sample():
    c = sample()
    table = fairness.group_error_rates(
        c.y, c.scores("structured"), c.frame[["ethnicity", "age_band"]], threshold=0.1, n_boot=20
    )
    expected = (table["n"] < 30) | (table["positives"] < 5)
    assert table["too_few"].equals(expected)
    assert table["too_few"].any() and not table["too_few"].all()


# ---- undefined rates and odd input -------------------------------------------------------


def test_undefined_rates_are_nan_not_errors():
    y = np.array([0, 0, 0, 1, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    g = np.array(["none_escalated"] * 3 + ["all_escalated"] * 3)
    table = fairness.group_error_rates(y, s, g, threshold=0.9, n_boot=30)
    none, every = table.loc["none_escalated"], table.loc["all_escalated"]
    assert np.isnan(none["recall"]) and np.isnan(none["fnr"]) and np.isnan(none["average_precision"])
    assert np.isnan(none["precision"]) and np.isnan(none["fdr"])  # nobody flagged
    assert np.isnan(every["fpr"])
    assert every["fnr"] == 1.0
    assert np.isnan(none["recall_low"]) and np.isnan(none["recall_high"])


def test_missing_group_values_form_their_own_group():
    g = pd.Series(["a", None, "a", np.nan, "b", "b"], name="gender")
    table = fairness.group_error_rates([0, 1, 0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8, 0.3, 0.7], g, threshold=0.5, n_boot=5)
    assert list(table.index) == ["a", "b", "Not recorded"]
    assert table.loc["Not recorded", "n"] == 2
    assert table.index.name == "gender"


def test_groups_come_in_natural_order():
    c = sample()
    table = fairness.group_error_rates(c.y, c.scores("rule"), c.frame["age_band"], threshold=0.5, n_boot=5)
    assert list(table.index) == ["<1", "1-4", "5-9", "10-15", "16+"]
    table = fairness.group_error_rates(
        c.y, c.scores("rule"), c.frame["deprivation_decile"], threshold=0.5, n_boot=5
    )
    assert list(table.index) == list(range(1, 11))
    # The counts still belong to the right group after reordering.
    assert table.loc[10, "n"] == int((c.frame["deprivation_decile"] == 10).sum())


def test_pair_gives_a_multiindex_and_plain_labels():
    c = sample()
    table = fairness.group_error_rates(
        c.y, c.scores("rule"), c.frame[["gender", "disability_status"]], threshold=0.5, n_boot=5
    )
    assert table.index.names == ["gender", "disability_status"]
    assert "Girl, Disabled" in set(table["label"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"groups": ["a"] * 3},
            fairness.GROUPS_LENGTH_MISMATCH.format(n_groups=3, n_true=4),
        ),
        (
            {"groups": pd.DataFrame({"a": [1] * 4, "b": [1] * 4, "c": [1] * 4})},
            fairness.TOO_MANY_GROUP_COLUMNS.format(n=3, columns="a, b, c"),
        ),
        ({"groups": None}, fairness.NO_GROUPS),
        ({"threshold": "high"}, fairness.THRESHOLD_NOT_NUMBER.format(threshold="high")),
        ({"threshold": float("nan")}, fairness.THRESHOLD_NOT_NUMBER.format(threshold=float("nan"))),
        ({"n_boot": 0}, fairness.BAD_N_BOOT.format(n_boot=0)),
        ({"n_boot": 2.5}, fairness.BAD_N_BOOT.format(n_boot=2.5)),
    ],
)
def test_bad_input_gives_a_plain_message(kwargs, message):
    args = {"groups": ["a", "b", "a", "b"], "threshold": 0.5, "n_boot": 5} | kwargs
    with pytest.raises(ValueError) as err:
        fairness.group_error_rates([0, 1, 0, 1], [0.1, 0.6, 0.4, 0.9], args.pop("groups"), **args)
    assert str(err.value) == message


def test_bad_outcome_uses_the_metrics_message():
    with pytest.raises(ValueError, match="must be 0 or 1"):
        fairness.group_error_rates([0, 2], [0.1, 0.2], ["a", "b"], threshold=0.5)


# ---- disparity ---------------------------------------------------------------------------


def _table(rates: dict[str, float], sizes: dict[str, int]) -> pd.DataFrame:
    keys = list(rates)
    return pd.DataFrame(
        {
            "label": keys,
            "n": [sizes[k] for k in keys],
            "too_few": [sizes[k] < 30 for k in keys],
            "fdr": [rates[k] for k in keys],
        },
        index=pd.Index(keys, name="g"),
    )


@pytest.mark.parametrize(
    ("rate", "ratio", "within"),
    [
        (0.5, 1.0, True),
        (0.4, 0.8, True),  # the band includes its edges
        (0.3999, 0.7998, False),
        (0.625, 1.25, True),
        (0.63, 1.26, False),
        (0.0, 0.0, False),
    ],
)
def test_disparity_band(rate, ratio, within):
    table = _table({"ref": 0.5, "other": rate}, {"ref": 100, "other": 50})
    out = fairness.disparity(table, "fdr")
    assert out.loc["ref", "is_reference"] and out.loc["ref", "ratio"] == 1.0
    assert out.loc["other", "ratio"] == pytest.approx(ratio)
    assert bool(out.loc["other", "within_band"]) is within


def test_disparity_reference_by_key_or_label_and_custom_band():
    table = _table({"a": 0.2, "b": 0.3, "c": 0.6}, {"a": 10, "b": 500, "c": 100})
    assert fairness.disparity(table, "fdr")["is_reference"].tolist() == [False, True, False]
    out = fairness.disparity(table, "fdr", reference="a", band=(0.5, 2.0))
    assert out["ratio"].tolist() == pytest.approx([1.0, 1.5, 3.0])
    assert out["within_band"].tolist() == [True, True, False]


def test_disparity_with_an_undefined_or_zero_reference_is_missing():
    table = _table({"a": 0.0, "b": np.nan, "c": 0.5}, {"a": 500, "b": 100, "c": 100})
    out = fairness.disparity(table, "fdr")
    assert out["ratio"].isna().all()
    assert out["within_band"].isna().all()
    out = fairness.disparity(table, "fdr", reference="c")
    assert out.loc["b", "within_band"] is pd.NA
    assert out.loc["a", "ratio"] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": "accuracy"}, fairness.UNKNOWN_RATE.format(rate="accuracy", choices=", ".join(fairness.RATES))),
        ({"reference": "zzz"}, fairness.UNKNOWN_REFERENCE.format(reference="zzz", choices="a, b")),
        ({"band": (1.2, 0.8)}, fairness.BAD_BAND.format(band=(1.2, 0.8))),
        ({"band": (0, 1.25)}, fairness.BAD_BAND.format(band=(0, 1.25))),
        ({"band": "wide"}, fairness.BAD_BAND.format(band="wide")),
    ],
)
def test_disparity_bad_input(kwargs, message):
    table = _table({"a": 0.2, "b": 0.3}, {"a": 10, "b": 500})
    args = {"rate": "fdr"} | kwargs
    with pytest.raises(ValueError) as err:
        fairness.disparity(table, args.pop("rate"), **args)
    assert str(err.value) == message


def test_disparity_needs_a_rate_table():
    with pytest.raises(ValueError) as err:
        fairness.disparity(pd.DataFrame({"x": [1]}), "fdr")
    assert str(err.value) == fairness.NOT_A_RATE_TABLE.format(column="label")


# ---- presets -----------------------------------------------------------------------------


def _group_curve(sweep: pd.DataFrame, rate: str) -> np.ndarray:
    if rate == "fpr":
        return sweep["fpr"].to_numpy()
    if rate == "fnr":
        return 1 - sweep["recall"].to_numpy()
    return sweep["flagged"].to_numpy() / (sweep[["tp", "fp", "fn", "tn"]].iloc[0].sum())


def assert_preset_equalises(y, s, groups, preset, threshold, *, adjust_small_groups=False):
    rate = fairness.PRESET_RATE[preset]
    thresholds = fairness.preset_thresholds(
        y, s, groups, preset=preset, threshold=threshold, adjust_small_groups=adjust_small_groups
    )
    flags = fairness.apply_thresholds(s, groups, thresholds)
    # The target, measured by the peer on one threshold for everyone.
    single = (s >= threshold).astype(int)
    target = {
        "fpr": false_positive_rate(y, single),
        "fnr": false_negative_rate(y, single),
        "share_flagged": selection_rate(y, single),
    }[rate]
    peer = {"fpr": _fpr, "fnr": _fnr, "share_flagged": selection_rate}[rate]
    achieved = MetricFrame(
        metrics=peer, y_true=y, y_pred=flags.astype(int), sensitive_features=groups
    ).by_group
    codes = pd.Series(groups).to_numpy()
    for key in thresholds.index:
        mask = codes == key
        sweep = threshold_table(y[mask], s[mask])
        curve = _group_curve(sweep, rate)
        small = mask.sum() < fairness.MIN_REFERRALS or y[mask].sum() < fairness.MIN_ESCALATIONS
        if np.isnan(curve).all() or (small and not adjust_small_groups):
            # Cannot be measured, or too few to tell: keeps the common threshold.
            assert thresholds[key] == threshold
            achieved = achieved.drop(key)
            continue
        i = int(np.flatnonzero(sweep["threshold"].to_numpy() == thresholds[key])[0])
        gap = abs(achieved[key] - target)
        assert curve[i] == pytest.approx(achieved[key])
        # The closest the group's scores allow, so within one step of its score grid.
        assert gap <= np.nanmin(np.abs(curve - target)) + 1e-12
        # Within one step: no further from the target than the jump of the grid that straddles it.
        lo, hi = np.minimum(curve[:-1], curve[1:]), np.maximum(curve[:-1], curve[1:])
        straddle = (lo <= target + 1e-12) & (target - 1e-12 <= hi)
        if straddle.any():
            assert gap <= np.nanmax((hi - lo)[straddle]) + 1e-12
    return achieved


@pytest.mark.parametrize("preset", ["equal_false_alarm_rate", "equal_miss_rate", "equal_share_flagged"])
@pytest.mark.parametrize("column", ["ethnicity", "deprivation_quintile"])
def test_presets_equalise_on_the_sample(preset, column):
    c = sample()
    y, s, g = c.y, c.scores("structured"), c.frame[column].to_numpy()
    achieved = assert_preset_equalises(y, s, g, preset, 0.1)
    # On real-sized groups the equalised rate ends up close together.
    assert achieved.max() - achieved.min() < 0.1


def test_presets_leave_small_groups_on_the_common_line():
    c = sample()
    groups = c.frame["ethnicity"] + " " + c.frame["age_band"]
    y, s = c.y, c.scores("structured")
    table = fairness.group_error_rates(y, s, groups, threshold=0.1, n_boot=5)
    for preset in ("equal_false_alarm_rate", "equal_miss_rate", "equal_share_flagged"):
        out = fairness.preset_thresholds(y, s, groups, preset=preset, threshold=0.1)
        assert (out[table["too_few"]] == 0.1).all()
        assert (out[~table["too_few"]] != 0.1).any()
        moved = fairness.preset_thresholds(
            y, s, groups, preset=preset, threshold=0.1, adjust_small_groups=True
        )
        assert (moved[table["too_few"]] != 0.1).any()


@settings(max_examples=40, deadline=None)
@given(scored_groups(min_size=3), st.sampled_from(["equal_false_alarm_rate", "equal_miss_rate", "equal_share_flagged"]))
def test_presets_equalise_on_random_data(data, preset):
    y, s, groups, t = data
    assert_preset_equalises(y, s, groups["g"].to_numpy(), preset, t, adjust_small_groups=True)
    assert_preset_equalises(y, s, groups["g"].to_numpy(), preset, t)


def test_single_preset_keeps_the_threshold_for_everyone():
    c = sample()
    out = fairness.preset_thresholds(c.y, c.scores("text"), c.frame["gender"], preset="single", threshold=0.2)
    assert (out == 0.2).all() and list(out.index) == ["Boy", "Girl"]


def test_preset_costs_add_up():
    c = sample()
    y, s, g = c.y, c.scores("structured"), c.frame["ethnicity"]
    costs = fairness.preset_costs(y, s, g, threshold=0.1)
    assert list(costs.overall.index) == list(fairness.PRESETS)
    single = threshold_table(y, s, thresholds=[0.1]).iloc[0]
    for column in ("flagged_per_1000", "false_alarms_per_1000", "missed_per_1000"):
        assert costs.overall.loc["single", column] == pytest.approx(single[column])
        assert costs.overall.loc["single", f"change_{column}"] == 0
    for preset in fairness.PRESETS:
        rows = costs.by_group[costs.by_group["preset"] == preset]
        flags = fairness.apply_thresholds(s, g, rows["threshold"])
        assert rows["flagged"].sum() == flags.sum()
        assert rows["fp"].sum() == (flags & (y == 0)).sum()
        # Group changes per 1,000, weighted by group size, add up to the overall change.
        weighted = (rows["change_false_alarms_per_1000"] * rows["n"]).sum() / len(y)
        assert weighted == pytest.approx(costs.overall.loc[preset, "change_false_alarms_per_1000"])
        weighted = (rows["change_missed_per_1000"] * rows["n"]).sum() / len(y)
        assert weighted == pytest.approx(costs.overall.loc[preset, "change_missed_per_1000"])


def test_preset_costs_for_a_subset_and_bad_preset():
    c = sample()
    costs = fairness.preset_costs(c.y, c.scores("rule"), c.frame["gender"], threshold=0.5, presets=["equal_miss_rate"])
    assert list(costs.overall.index) == ["equal_miss_rate"]
    assert set(costs.by_group["preset"]) == {"equal_miss_rate"}
    with pytest.raises(ValueError) as err:
        fairness.preset_thresholds([0, 1], [0.1, 0.2], ["a", "b"], preset="fair", threshold=0.5)
    assert str(err.value) == fairness.UNKNOWN_PRESET.format(preset="fair", choices=", ".join(fairness.PRESETS))


# ---- plain words -------------------------------------------------------------------------


def test_label_comparison_is_long_and_per_100():
    c = sample("strong")
    s, g = c.scores("structured"), c.frame["ethnicity"]
    rec = fairness.group_error_rates(c.y, s, g, threshold=0.1, n_boot=20)
    need = fairness.group_error_rates(c.frame["need"], s, g, threshold=0.1, n_boot=20)
    out = fairness.label_comparison(rec, need, "fdr")
    assert len(out) == 2 * len(rec)
    assert set(out["against"]) == {"recorded", "need"}
    np.testing.assert_allclose(out[out["against"] == "need"]["value"], 100 * need["fdr"])
    # Some recorded "false alarms" were children who truly needed help.
    assert (need["fdr"] <= rec["fdr"] + 1e-12).all()


def test_plain_summaries_are_readable():
    c = sample()
    s = c.scores("structured")
    table = fairness.group_error_rates(c.y, s, c.frame[["ethnicity", "age_band"]], threshold=0.1, n_boot=20)
    costs = fairness.preset_costs(c.y, s, c.frame["ethnicity"], threshold=0.1)
    texts = [
        fairness.describe_rate(table, "fdr", what="false alarms"),
        fairness.describe_rate(table, "fnr", what="children missed"),
        fairness.describe_disparity(fairness.disparity(table, "fdr")),
        *(fairness.describe_preset(costs, p) for p in fairness.PRESETS),
    ]
    assert "too few referrals to tell" in texts[0]
    for text in texts:
        assert textstat.flesch_kincaid_grade(text) <= 8, text


def test_core_does_not_import_streamlit():
    code = "import sys, csc_dash.fairness; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
