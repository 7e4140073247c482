"""Group error rates with 1,000 bootstrap draws per group, on the full synthetic council.

The budget (issue 4): ``group_error_rates`` with 1,000 draws on 24,000 referrals and 6 groups
in at most 1 s, including the intervals of every rate's ratio to the largest group (the
disparity chart's lines), taken from the same draws. The page caches the result per (bias, model, threshold, characteristic), so this
is the cost of the first look at a new threshold.
"""

from __future__ import annotations

import time

import numpy as np

from csc_dash import fairness
from csc_dash.cohort import load_sample_referrals


def _best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _median_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def run() -> list[dict]:
    referrals = load_sample_referrals("moderate")  # all 24,000 referrals, every split
    y = referrals["outcome"].to_numpy()
    groups = referrals["ethnicity"].to_numpy()  # six groups, from 5,900 down to ~650 per 10,000
    rows = []
    n = len(referrals)
    for model in ("structured", "rule"):
        s = referrals[f"score_{model}"].to_numpy()
        threshold = float(np.quantile(s, 0.9))

        def go(s=s, threshold=threshold):
            fairness.group_error_rates(y, s, groups, threshold=threshold, n_boot=1000)

        go()  # warm up imports and caches
        rows.append(
            {
                "name": f"group_error_rates, 1,000 draws, {n:,} referrals, 6 groups ({model} scores), median of 5",
                "value": _median_of(go) * 1000,
                "unit": "ms",
                "budget": 1000 if model == "structured" else None,
            }
        )
    s = referrals["score_structured"].to_numpy()
    pair = referrals[["ethnicity", "age_band"]]
    rows.append(
        {
            "name": f"group_error_rates, 1,000 draws, {n:,} referrals, ethnicity x age band (24 groups)",
            "value": _best_of(lambda: fairness.group_error_rates(y, s, pair, threshold=0.1), 3) * 1000,
            "unit": "ms",
            "budget": None,
        }
    )
    rows.append(
        {
            "name": f"preset_costs, 4 presets, {n:,} referrals, 6 groups",
            "value": _best_of(lambda: fairness.preset_costs(y, s, groups, threshold=0.1), 3) * 1000,
            "unit": "ms",
            "budget": None,
        }
    )
    return rows
