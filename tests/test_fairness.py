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
from sklearn.metrics import average_precision_score, confusion_matrix, precision_score, recall_score

from csc_dash import fairness, tradeoffs
from csc_dash.cohort import load_sample_cohort
from csc_dash.fairness import bootstrap, group_rates
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
            metrics={"average_precision": _ap},
            y_true=y,
            y_pred=np.asarray(scores),
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
            table[rate].to_numpy(dtype=float),
            peer[rate].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-12,
            equal_nan=True,
            err_msg=rate,
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
    s = draw(
        st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5001, 0.75, 1.0]), min_size=n, max_size=n)
    )
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
        naive.append(
            [(flagged & (y[i] == 0)).sum() / flagged.sum(), average_precision_score(y[i], s[i])]
        )
    naive = np.array(naive)
    for j, rate in enumerate(["fdr", "average_precision"]):
        low, high = np.quantile(naive[:, j], [0.025, 0.975])
        assert table[f"{rate}_low"].iloc[0] == pytest.approx(low, abs=0.025)
        assert table[f"{rate}_high"].iloc[0] == pytest.approx(high, abs=0.025)


def _row_bootstrap(y, s, t, n_boot, rng):
    """The peer, one draw at a time: resample rows, rates from sklearn's confusion matrix."""
    out = []
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        tn, fp, fn, tp = confusion_matrix(y[i], s[i] >= t, labels=[0, 1]).ravel()
        out.append([(tp + fp) / len(i), fp / (tp + fp), tp / (tp + fn), fp / (fp + tn),
                    average_precision_score(y[i], s[i])])  # fmt: skip
    return np.array(out)


def test_coarse_cells_hold_the_exact_counts_at_the_threshold():
    """Coarse cells merge nearby scores for the draws but never across the threshold."""
    rng = np.random.default_rng(4)
    y = (rng.random(5000) < 0.3).astype(np.int8)
    s = rng.beta(2, 5, 5000) + 0.2 * y
    t = float(np.quantile(s, 0.83))
    cells = bootstrap._coarse_cells(y, s, t, float(s.min()), (s.max() - s.min()) / 1000)
    n, positives, flagged, tp, _ = (
        v[0] for v in bootstrap._counts_and_ap(cells, cells.count[None, :])
    )
    tn_, fp_, fn_, tp_ = confusion_matrix(y, s >= t, labels=[0, 1]).ravel()
    assert (n, positives, flagged, tp) == (5000, y.sum(), tp_ + fp_, tp_)
    assert len(cells.count) < len(np.unique(s))  # merged: far fewer cells than scores


def test_big_uploads_draw_coarse_cells_with_the_distribution_of_rows(monkeypatch):
    """Above the row budget a group with many distinct scores is resampled over coarse cells:
    the same point estimates, and intervals statistically equivalent to resampling rows."""
    rng = np.random.default_rng(5)
    n = 3000
    y = (rng.random(n) < 0.25).astype(int)
    s = np.clip(rng.random(n) * 0.7 + 0.3 * y, 0, 1)  # every score distinct
    t = 0.6
    exact = fairness.group_error_rates(y, s, np.zeros(n), threshold=t, n_boot=1000)
    used = []
    coarse_cells = bootstrap._coarse_cells
    monkeypatch.setattr(group_rates, "_coarse_cells", lambda *a: used.append(1) or coarse_cells(*a))
    monkeypatch.setattr(group_rates, "_EXACT_ROW_DRAWS", 0)
    table = fairness.group_error_rates(y, s, np.zeros(n), threshold=t, n_boot=1000)
    assert used  # the coarse path was taken
    points = [*fairness.COUNT_COLUMNS, *fairness.RATES]
    pd.testing.assert_frame_equal(table[points], exact[points])
    naive = _row_bootstrap(y, s, t, 1000, rng)
    for j, rate in enumerate(["share_flagged", "fdr", "recall", "fpr", "average_precision"]):
        low, high = np.quantile(naive[:, j], [0.025, 0.975])
        assert table[f"{rate}_low"].iloc[0] == pytest.approx(low, abs=0.012), rate
        assert table[f"{rate}_high"].iloc[0] == pytest.approx(high, abs=0.012), rate


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scored_groups(min_size=5), st.booleans())
def test_coarse_draws_keep_fairlearns_figures_and_hold_the_estimate(data, pair):
    y, s, groups, t = data
    groups = groups if pair else groups["g"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(group_rates, "_EXACT_ROW_DRAWS", 0)
        patch.setattr(group_rates, "_CELLS_FOR_MULTINOMIAL", 0)
        table = fairness.group_error_rates(y, s, groups, threshold=t, n_boot=40, random_state=3)
    assert_matches_peer(table, peer_table(y, s, groups, t))
    for rate in fairness.RATES:
        point, low, high = table[rate], table[f"{rate}_low"], table[f"{rate}_high"]
        defined = low.notna()
        assert (low[defined] <= point[defined] + 1e-12).all(), rate
        assert (point[defined] <= high[defined] + 1e-12).all(), rate


@pytest.mark.parametrize("coarse", [False, True])
def test_average_precision_interval_has_the_distribution_of_resampling_rows(monkeypatch, coarse):
    """Everyone's average precision range: exact cells when cheap, coarse cells on a big upload;
    both statistically equivalent to resampling rows with scikit-learn's average precision."""
    rng = np.random.default_rng(11)
    n = 3000
    y = (rng.random(n) < 0.2).astype(int)
    s = np.clip(rng.random(n) * 0.7 + 0.3 * y, 0, 1)
    if coarse:
        monkeypatch.setattr(bootstrap, "_EXACT_ROW_DRAWS", 0)
    low, high = fairness.average_precision_interval(y, s, n_boot=1000)
    naive = [average_precision_score(y[i], s[i]) for i in rng.integers(0, n, (1000, n))]
    peer_low, peer_high = np.quantile(naive, [0.025, 0.975])
    assert low == pytest.approx(peer_low, abs=0.012)
    assert high == pytest.approx(peer_high, abs=0.012)
    assert low <= average_precision_score(y, s) <= high


def test_average_precision_interval_without_escalations_is_unknown():
    assert np.isnan(fairness.average_precision_interval(np.zeros(50), np.linspace(0, 1, 50))).all()


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
    assert (
        np.isnan(none["recall"]) and np.isnan(none["fnr"]) and np.isnan(none["average_precision"])
    )
    assert np.isnan(none["precision"]) and np.isnan(none["fdr"])  # nobody flagged
    assert np.isnan(every["fpr"])
    assert every["fnr"] == 1.0
    assert np.isnan(none["recall_low"]) and np.isnan(none["recall_high"])


def test_missing_group_values_form_their_own_group():
    g = pd.Series(["a", None, "a", np.nan, "b", "b"], name="gender")
    table = fairness.group_error_rates(
        [0, 1, 0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8, 0.3, 0.7], g, threshold=0.5, n_boot=5
    )
    assert list(table.index) == ["a", "b", "Not recorded"]
    assert table.loc["Not recorded", "n"] == 2
    assert table.index.name == "gender"


def test_groups_come_in_natural_order():
    c = sample()
    table = fairness.group_error_rates(
        c.y, c.scores("rule"), c.frame["age_band"], threshold=0.5, n_boot=5
    )
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
        (
            {"rate": "accuracy"},
            fairness.UNKNOWN_RATE.format(rate="accuracy", choices=", ".join(fairness.RATES)),
        ),
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


# ---- disparity intervals -----------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(scored_groups(min_size=5), st.booleans())
def test_ratio_intervals_contain_the_ratio(data, pair):
    y, s, groups, t = data
    groups = groups if pair else groups["g"]
    table = fairness.group_error_rates(y, s, groups, threshold=t, n_boot=60, random_state=2)
    assert table["is_reference"].sum() == 1
    assert table.loc[table["is_reference"], "n"].iloc[0] == table["n"].max()
    for rate in fairness.RATES:
        out = fairness.disparity(table, rate)
        defined = out["ratio_low"].notna()
        assert (out.loc[defined, "ratio_low"] <= out.loc[defined, "ratio"] * (1 + 1e-12)).all(), (
            rate
        )
        assert (out.loc[defined, "ratio"] <= out.loc[defined, "ratio_high"] * (1 + 1e-12)).all(), (
            rate
        )
        assert (out.loc[defined, "ratio_low"] >= 0).all(), rate
        # No interval without a ratio.
        assert out.loc[out["ratio"].isna(), "ratio_low"].isna().all(), rate
        ref = out[out["is_reference"]].iloc[0]
        if not np.isnan(ref["ratio"]):
            assert (ref["ratio_low"], ref["ratio"], ref["ratio_high"]) == (1.0, 1.0, 1.0)


def test_ratio_intervals_contain_the_ratio_on_the_sample():
    c = sample()
    table = fairness.group_error_rates(
        c.y, c.scores("text"), c.frame["ethnicity"], threshold=0.082, n_boot=300
    )
    for rate in ("fdr", "fnr", "fpr", "share_flagged"):
        out = fairness.disparity(table, rate)
        assert out["ratio_low"].notna().all() and np.isfinite(out["ratio_high"]).all()
        assert (out["ratio_low"] <= out["ratio"]).all() and (
            out["ratio"] <= out["ratio_high"]
        ).all()
        # Each group's ratio interval is wider than the spread of its own rate alone.
        others = ~out["is_reference"]
        width = (out["ratio_high"] - out["ratio_low"])[others]
        own = (
            (table[f"{rate}_high"] - table[f"{rate}_low"])
            / table.loc[out["is_reference"], rate].iloc[0]
        )[others]
        assert (width >= own * 0.9).all(), rate


def test_ratio_interval_matches_resampling_rows_one_by_one():
    """The ratio interval is the percentile interval of (group draw) / (reference draw), each
    group resampled on its own."""
    rng = np.random.default_rng(1)
    sizes = {"big": 600, "small": 150}
    y = np.concatenate([(rng.random(n) < 0.25).astype(int) for n in sizes.values()])
    s = np.round(rng.random(len(y)) * 0.6 + 0.4 * y, 3)
    g = np.repeat(list(sizes), list(sizes.values()))
    table = fairness.group_error_rates(y, s, g, threshold=0.5, n_boot=2000)
    out = fairness.disparity(table, "fnr")
    naive = []
    for _ in range(2000):
        rates = []
        for name in ("small", "big"):
            idx = np.flatnonzero(g == name)
            i = rng.choice(idx, len(idx))
            missed = (s[i] < 0.5) & (y[i] == 1)
            rates.append(missed.sum() / y[i].sum())
        naive.append(rates[0] / rates[1])
    low, high = np.quantile(naive, [0.025, 0.975])
    assert out.loc["small", "ratio_low"] == pytest.approx(low, rel=0.06)
    assert out.loc["small", "ratio_high"] == pytest.approx(high, rel=0.06)
    assert out.loc["big", "is_reference"]


def test_ratio_interval_reaches_infinity_when_the_reference_rate_can_be_zero():
    # The reference group has one false alarm among its flags: some draws have none.
    y = np.array([1] * 40 + [0] * 1 + [0] * 10 + [1] * 30 + [0] * 20 + [1] * 10)
    s = np.array([0.9] * 41 + [0.1] * 10 + [0.9] * 50 + [0.1] * 10)
    g = np.array(["ref"] * 51 + ["other"] * 60)
    table = fairness.group_error_rates(y, s, g, threshold=0.5, n_boot=400, reference="ref")
    out = fairness.disparity(table, "fdr")
    assert out.loc["ref", "is_reference"]
    assert np.isinf(out.loc["other", "ratio_high"])
    assert out.loc["other", "ratio_low"] <= out.loc["other", "ratio"]


def test_another_reference_has_no_interval_and_makes_no_claim():
    c = sample()
    table = fairness.group_error_rates(
        c.y, c.scores("text"), c.frame["ethnicity"], threshold=0.082, n_boot=50
    )
    out = fairness.disparity(table, "fdr", reference="Asian")
    assert out["ratio_low"].isna().all()
    assert set(out["verdict"].dropna()) <= {"inside", "unclear"}
    chosen = fairness.group_error_rates(
        c.y, c.scores("text"), c.frame["ethnicity"], threshold=0.082, n_boot=50, reference="Asian"
    )
    out = fairness.disparity(chosen, "fdr")
    assert out.loc["Asian", "is_reference"] and out["ratio_low"].notna().all()


def _ratios(rows: dict[str, tuple[float, float, float]], *, few=()) -> pd.DataFrame:
    """A disparity table: each group's (ratio, low, high); "ref" is the reference."""
    labels = list(rows)
    table = pd.DataFrame(
        {
            "label": labels,
            "n": [1000 if k == "ref" else 100 for k in labels],
            "too_few": [k in few for k in labels],
            "fdr": [rows[k][0] / 2 for k in labels],
            "fdr_ratio_low": [rows[k][1] for k in labels],
            "fdr_ratio_high": [rows[k][2] for k in labels],
            "is_reference": [k == "ref" for k in labels],
        },
        index=pd.Index(labels, name="g"),
    )
    return fairness.disparity(table, "fdr")


@pytest.mark.parametrize(
    ("ratio", "low", "high", "verdict"),
    [
        (1.0, 0.9, 1.1, "inside"),
        (1.2, 0.5, 3.0, "inside"),  # the best guess is in the band
        (0.6, 0.3, 0.79, "outside"),  # the whole range is below the band
        (0.6, 0.3, 0.8, "unclear"),  # touching the band's edge is reaching into it
        (2.0, 1.26, 3.0, "outside"),
        (2.0, 1.25, 3.0, "unclear"),
        (2.0, 1.1, np.inf, "unclear"),
        (2.0, np.nan, np.nan, "unclear"),  # no interval: no claim
    ],
)
def test_a_group_is_outside_only_when_its_whole_interval_is(ratio, low, high, verdict):
    out = _ratios({"ref": (1.0, 1.0, 1.0), "g": (ratio, low, high)})
    assert out.loc["g", "verdict"] == verdict
    assert bool(out.loc["g", "within_band"]) is (verdict == "inside")
    text = fairness.describe_disparity(out)
    if verdict == "inside":
        assert (
            text
            == "Compared with ref, every group with enough referrals is inside the shaded band."
        )
    elif verdict == "outside":
        assert (
            text
            == "Compared with ref, this group is outside the shaded band, even allowing for chance: g."
        )
    else:
        assert text == (
            "Compared with ref, no group is clearly outside the shaded band. At the best guess, "
            "this group looks outside the band: g. But its likely range reaches into the band, so "
            "this could be chance."
        )


def test_disparity_words_for_several_groups():
    out = _ratios(
        {
            "ref": (1.0, 1.0, 1.0),
            "a": (0.5, 0.3, 0.7),
            "b": (2.0, 1.5, 2.5),
            "c": (0.6, 0.2, 1.1),
            "d": (1.6, 1.0, 2.4),
            "e": (3.0, 2.0, 4.0),  # too few: never named
        },
        few=("e",),
    )
    assert fairness.describe_disparity(out) == (
        "Compared with ref, these groups are outside the shaded band, even allowing for chance: "
        "a and b. At the best guess, these groups look outside the band too: c and d. But their "
        "likely ranges reach into the band, so this could be chance."
    )


def _rate_table(rows: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    labels = list(rows)
    return pd.DataFrame(
        {
            "label": labels,
            "n": 100,
            "too_few": False,
            "fdr": [rows[k][0] for k in labels],
            "fdr_low": [rows[k][1] for k in labels],
            "fdr_high": [rows[k][2] for k in labels],
        },
        index=pd.Index(labels, name="g"),
    )


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        (
            {"a": (0.3, 0.2, 0.45), "b": (0.5, 0.4, 0.6), "c": (0.6, 0.5, 0.7)},
            "Their likely ranges do not overlap, so the gap is not likely to be chance alone.",
        ),
        (
            {"a": (0.3, 0.1, 0.55), "b": (0.5, 0.4, 0.6), "c": (0.6, 0.5, 0.7)},
            "Their likely ranges overlap, so the gap between them could be chance.",
        ),
        ({"a": (0.3, 0.2, 0.5), "c": (0.6, 0.5, 0.7)}, "Their likely ranges overlap"),  # touching
        ({"a": (0.3, np.nan, np.nan), "c": (0.6, 0.5, 0.7)}, None),  # unknown: say nothing
    ],
)
def test_fewest_and_most_say_whether_the_gap_could_be_chance(rows, says):
    text = fairness.describe_rate(_rate_table(rows), "fdr", what="false alarms")
    assert text.startswith(
        "Fewest false alarms: about 30 in 100, for a. Most false alarms: about 60 in 100, for c."
    )
    if says is None:
        assert "likely ranges" not in text
    else:
        assert says in text


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((0, 1), (1, 2), True),
        ((0, 1), (1.01, 2), False),
        ((2, 3), (0, 1), False),
        ((0, 5), (1, 2), True),
        ((np.nan, 1), (0, 1), None),
    ],
)
def test_intervals_overlap(a, b, overlap):
    assert fairness.intervals_overlap(a, b) is overlap
    assert fairness.intervals_overlap(b, a) is overlap


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


@pytest.mark.parametrize(
    "preset", ["equal_false_alarm_rate", "equal_miss_rate", "equal_share_flagged"]
)
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
@given(
    scored_groups(min_size=3),
    st.sampled_from(["equal_false_alarm_rate", "equal_miss_rate", "equal_share_flagged"]),
)
def test_presets_equalise_on_random_data(data, preset):
    y, s, groups, t = data
    assert_preset_equalises(y, s, groups["g"].to_numpy(), preset, t, adjust_small_groups=True)
    assert_preset_equalises(y, s, groups["g"].to_numpy(), preset, t)


def test_single_preset_keeps_the_threshold_for_everyone():
    c = sample()
    out = fairness.preset_thresholds(
        c.y, c.scores("text"), c.frame["gender"], preset="single", threshold=0.2
    )
    assert (out == 0.2).all() and list(out.index) == ["Boy", "Girl"]


def test_preset_costs_add_up():
    c = sample()
    y, s, g = c.y, c.scores("structured"), c.frame["ethnicity"]
    costs = fairness.preset_costs(y, s, g, threshold=0.1)
    assert list(costs.overall.index) == list(fairness.PRESETS)
    single = threshold_table(y, s, thresholds=[0.1]).iloc[0]
    for column in ("flagged_per_1000", "false_alarms_per_1000", "missed_per_1000"):
        # Whole people, never more than one from the exact figure.
        assert abs(costs.overall.loc["single", column] - single[column]) < 1
        assert costs.overall.loc["single", f"change_{column}"] == 0
    o = costs.overall
    for preset in fairness.PRESETS:
        rows = costs.by_group[costs.by_group["preset"] == preset]
        flags = fairness.apply_thresholds(s, g, rows["threshold"])
        assert rows["flagged"].sum() == flags.sum()
        assert rows["fp"].sum() == (flags & (y == 0)).sum() == o.loc[preset, "fp"]
        assert rows["fn"].sum() == (~flags & (y == 1)).sum() == o.loc[preset, "fn"]
        assert o.loc[preset, ["tp", "fp", "fn", "tn"]].sum() == len(y)
        # The four kinds add up to 1,000 people.
        people = o.loc[preset, ["true_alarms_per_1000", "false_alarms_per_1000", "missed_per_1000"]]
        assert people.sum() <= 1000
        assert o.loc[preset, "flagged_per_1000"] == (
            o.loc[preset, "true_alarms_per_1000"] + o.loc[preset, "false_alarms_per_1000"]
        )
        # The change is the change in the whole people shown.
        for column in ("flagged_per_1000", "false_alarms_per_1000", "missed_per_1000"):
            assert (
                o.loc[preset, f"change_{column}"] == o.loc[preset, column] - o.loc["single", column]
            )
        # Group changes per 1,000, weighted by group size, add up to the exact overall change.
        weighted = (rows["change_false_alarms_per_1000"] * rows["n"]).sum() / len(y)
        assert weighted == pytest.approx(
            1000 * (o.loc[preset, "fp"] - o.loc["single", "fp"]) / len(y)
        )
        weighted = (rows["change_missed_per_1000"] * rows["n"]).sum() / len(y)
        assert weighted == pytest.approx(
            1000 * (o.loc[preset, "fn"] - o.loc["single", "fn"]) / len(y)
        )


@pytest.mark.parametrize(
    ("model", "threshold"),
    [("text", 0.082), ("structured", 0.1), ("structured", 0.0555), ("rule", 0.5), ("text", 0.9)],
)
def test_one_line_figures_are_the_trade_offs_figures(model, threshold):
    """The same line shows the same people everywhere: Fairness's "one line for everyone" is
    Trade-offs' row at that line, rounded by tradeoffs.people_counts."""
    c = sample()
    s = c.scores(model)
    costs = fairness.preset_costs(c.y, s, c.frame["ethnicity"], threshold=threshold)
    row = tradeoffs.threshold_row(threshold_table(c.y, s), threshold)
    people = tradeoffs.people_counts(row, n=1000)
    single = costs.overall.loc["single"]
    assert single["flagged_per_1000"] == people["flagged"]
    assert single["true_alarms_per_1000"] == people["true_alarm"]
    assert single["false_alarms_per_1000"] == people["false_alarm"]
    assert single["missed_per_1000"] == people["missed"]
    overview = fairness.preset_overview(costs).loc["single"]
    assert (overview["Flagged"], overview["False alarms"], overview["Children missed"]) == (
        people["flagged"],
        people["false_alarm"],
        people["missed"],
    )


@settings(max_examples=40, deadline=None)
@given(scored_groups(min_size=3), st.sampled_from(fairness.PRESETS))
def test_whole_people_on_random_data(data, preset):
    y, s, groups, t = data
    costs = fairness.preset_costs(y, s, groups["g"], threshold=t)
    row = costs.overall.loc[preset]
    people = tradeoffs.people_counts(row, n=1000)
    exact = 1000 * row[["tp", "fp", "fn"]].astype(float) / len(y)
    for column, key, cell in (
        ("true_alarms_per_1000", "true_alarm", "tp"),
        ("false_alarms_per_1000", "false_alarm", "fp"),
        ("missed_per_1000", "missed", "fn"),
    ):
        assert row[column] == people[key]
        # Rounded in two steps (flagged first), so within one and a half people of exact.
        assert abs(row[column] - exact[cell]) < 1.5


def test_preset_costs_for_a_subset_and_bad_preset():
    c = sample()
    costs = fairness.preset_costs(
        c.y, c.scores("rule"), c.frame["gender"], threshold=0.5, presets=["equal_miss_rate"]
    )
    assert list(costs.overall.index) == ["equal_miss_rate"]
    assert set(costs.by_group["preset"]) == {"equal_miss_rate"}
    with pytest.raises(ValueError) as err:
        fairness.preset_thresholds([0, 1], [0.1, 0.2], ["a", "b"], preset="fair", threshold=0.5)
    assert str(err.value) == fairness.UNKNOWN_PRESET.format(
        preset="fair", choices=", ".join(fairness.PRESETS)
    )


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
    table = fairness.group_error_rates(
        c.y, s, c.frame[["ethnicity", "age_band"]], threshold=0.1, n_boot=20
    )
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


def test_false_alarm_has_one_meaning():
    """On screen "false alarms" are counted among the families flagged (FDR). The preset that
    equalises the false positive rate says what it equalises instead of "false-alarm rate"."""
    for key, words in {**fairness.PRESET_LABELS, **fairness.PRESET_HELP}.items():
        assert "false-alarm rate" not in words.lower(), key
    assert "false alarm" not in fairness.PRESET_LABELS["equal_false_alarm_rate"].lower()
    assert fairness.PRESET_RATE["equal_false_alarm_rate"] == "fpr"
    assert "did not go on to a plan or care" in fairness.PRESET_LABELS["equal_false_alarm_rate"]
    assert fairness.RATE_LABELS["fdr"].startswith("False alarms, of every 100 families flagged")
    assert not fairness.RATE_LABELS["fpr"].lower().startswith("false alarm")
    for text in fairness.PRESET_HELP.values():
        assert textstat.flesch_kincaid_grade(text) <= 8, text


def test_core_does_not_import_streamlit():
    code = "import sys, csc_dash.fairness; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
