"""The one-sort threshold sweep against a loop of scikit-learn confusion matrices."""

from __future__ import annotations

import time

import numpy as np

from csc_dash import metrics


def _data(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.035).astype(np.int8)
    s = np.clip(rng.beta(2, 8, n) + 0.15 * y, 0, 1)
    return y, s


def _best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> list[dict]:
    from sklearn.metrics import confusion_matrix

    rows = []
    grid = np.linspace(0, 1, 101)
    for n in (24_000, 1_000_000):
        y, s = _data(n)
        full = _best_of(lambda y=y, s=s: metrics.threshold_table(y, s))
        rows.append({"name": f"threshold_table, every distinct score, {n:,} rows", "value": full * 1000, "unit": "ms", "budget": 500 if n == 1_000_000 else None})
        ours = _best_of(lambda y=y, s=s: metrics.threshold_table(y, s, thresholds=grid))
        theirs = _best_of(lambda y=y, s=s: [confusion_matrix(y, (s >= t).astype(np.int8), labels=[0, 1]) for t in grid], repeat=1 if n > 100_000 else 3)
        rows.append({"name": f"threshold_table, 101 thresholds, {n:,} rows", "value": ours * 1000, "unit": "ms", "budget": None})
        rows.append({"name": f"loop of sklearn confusion_matrix, 101 thresholds, {n:,} rows", "value": theirs * 1000, "unit": "ms", "budget": None})
        rows.append({"name": f"speed-up of the one-sort sweep, {n:,} rows", "value": theirs / ours, "unit": "x", "budget": None})
    # Every threshold for each of 10 groups on a million rows (DESIGN.md budget 0.5 s).
    y, s = _data(1_000_000)
    groups = np.random.default_rng(1).integers(0, 10, len(y))

    def per_group():
        for g in range(10):
            mask = groups == g
            metrics.threshold_table(y[mask], s[mask])

    rows.append({"name": "threshold_table for each of 10 groups, 1,000,000 rows", "value": _best_of(per_group, 3) * 1000, "unit": "ms", "budget": 500})
    rows.extend(grid_rows(y, s))
    rows.extend(transparency_rows())
    return rows


def grid_rows(y, s) -> list[dict]:
    """Issue 15: the sweep against an O(n) bincount over the scores on the 0.001 grid (anchor)
    and scikit-learn's precision_recall_curve, at 1,000,000 rows."""
    from sklearn.metrics import precision_recall_curve

    grid = np.linspace(0, 1, 1001)
    anchor = _best_of(lambda: np.bincount((s * 1000).astype(np.intp), minlength=1002), 9)
    on_grid = _best_of(lambda: metrics.threshold_table(y, s, thresholds=grid), 9)
    every = _best_of(lambda: metrics.threshold_table(y, s), 5)
    sk = _best_of(lambda: precision_recall_curve(y, s), 3)
    n = f"{len(s):,} rows"
    return [
        {"name": f"anchor: np.bincount of the scores on the 0.001 grid, {n}", "value": anchor * 1000, "unit": "ms", "budget": None},
        {"name": f"threshold_table on the 0.001 grid (1,001 thresholds), {n}", "value": on_grid * 1000, "unit": "ms", "budget": 2 * anchor * 1000},
        {"name": f"threshold_table, every distinct score, {n}", "value": every * 1000, "unit": "ms", "budget": None},
        {"name": f"sklearn precision_recall_curve, {n}", "value": sk * 1000, "unit": "ms", "budget": None},
    ]




def transparency_rows(n: int = 1_000_000) -> list[dict]:
    """Issue 15: the transparency summary's figures for a 1,000,000-row upload.

    After: the per-1,000 ranges are the Trade-offs page's (four counts, multinomial) and average
    precision's range resamples score cells. Before (the anchor): the same five ranges by
    resampling rows (``metrics.bootstrap_interval``), as the summary did until now. The
    groups' part (``fairness.group_error_rates``) is timed on its own.
    """
    import pandas as pd

    from csc_dash import transparency
    from csc_dash.cohort import ScoredCohort
    from csc_dash.fairness import group_error_rates

    y, s = _data(n)
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"outcome": y, "score_a": s, "region": rng.choice(list("NSEW"), n)})
    cohort = ScoredCohort(frame=frame, score_columns={"a": "score_a"}, model_labels={"a": "A"},
                          group_columns=("region",), source="upload", months=12.0)
    n_boot = transparency.suggested_n_boot(n)
    t = metrics.threshold_for_top_share(s, 0.1)
    after = _best_of(lambda: transparency.transparency_figures(cohort, model="a", threshold=t, groups=[], n_boot=n_boot), 1)

    def before():
        flagged = s >= t
        for mask in (flagged, flagged & (y == 1), flagged & (y == 0), ~flagged & (y == 1)):
            metrics.bootstrap_interval(lambda i, m=mask: 1000.0 * np.count_nonzero(m[i]) / len(i),
                                       np.arange(n), n_boot=n_boot)

    def before_ap():
        metrics.bootstrap_interval(metrics.average_precision, y, s, n_boot=20)

    start = time.perf_counter()
    before()
    old = time.perf_counter() - start
    start = time.perf_counter()
    before_ap()
    old += (time.perf_counter() - start) * n_boot / 20
    groups = _best_of(lambda: group_error_rates(y, s, frame["region"], threshold=t, n_boot=n_boot), 1)
    return [
        {"name": f"transparency summary figures without groups, {n:,} rows, {n_boot} draws (after)", "value": after * 1000, "unit": "ms", "budget": 2000},
        {"name": f"the same by resampling rows (before; AP from 20 draws x 10), {n:,} rows", "value": old * 1000, "unit": "ms", "budget": None},
        {"name": f"group_error_rates for one 4-group column, {n:,} rows, {n_boot} draws (coarse cells)", "value": groups * 1000, "unit": "ms", "budget": None},
    ]


if __name__ == "__main__":
    for row in grid_rows(*_data(1_000_000)) + transparency_rows():
        print(f"{row['name']}: {row['value']:.1f} {row['unit']}")
