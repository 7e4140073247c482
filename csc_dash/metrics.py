"""How a score performs at every threshold: counts, rates, per-1,000 figures and intervals.

A referral is *flagged* when its score is at or above the threshold. Against the recorded
outcome each flagged referral is either a true positive (the case went on to a plan or care) or
a *false alarm*; each referral not flagged is either a *child missed* (it escalated) or a true
negative.

Every distinct score is read from one sort (see :func:`threshold_table`); an evenly spaced grid
of thresholds (0, 0.001, ..., 1) from one pass: each score's bin, a bincount and cumulative
sums. The tests check every figure
against scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "TABLE_COLUMNS",
    "average_precision",
    "bootstrap_interval",
    "check_inputs",
    "lookup",
    "row_at_threshold",
    "threshold_for_capacity",
    "threshold_for_cost",
    "threshold_for_top_share",
    "threshold_table",
]

TABLE_COLUMNS = (
    "threshold",
    "flagged",
    "tp",
    "fp",
    "fn",
    "tn",
    "precision",
    "recall",
    "fpr",
    "flagged_per_1000",
    "true_alarms_per_1000",
    "false_alarms_per_1000",
    "missed_per_1000",
)

EMPTY_INPUT = "There are no referrals to score: the outcome and the scores are empty."
LENGTH_MISMATCH = "The outcome has {n_true} rows but the scores have {n_scores}; they must match."
OUTCOME_NOT_BINARY = (
    "The outcome must be 0 or 1 for every referral. 1 means the child went on to a plan or "
    "care. We found other values, such as {examples}."
)
SCORES_NOT_FINITE = (
    "{n_bad} scores are missing or not finite numbers; drop those referrals or fill the scores in."
)
NO_POSITIVES = (
    "None of these referrals went on to a plan or care. So we cannot tell how many of the "
    "children who did the tool would find."
)


def check_inputs(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    """Validate an outcome and a score array and return them as numpy arrays.

    Raises
    ------
    ValueError
        With a message that says what is wrong: empty input, different lengths, an outcome
        that is not 0/1, or scores that are NaN or infinite.
    """
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.ndim != 1:
        y, s = y.reshape(-1), s.reshape(-1)
    if len(y) == 0 and len(s) == 0:
        raise ValueError(EMPTY_INPUT)
    if len(y) != len(s):
        raise ValueError(LENGTH_MISMATCH.format(n_true=len(y), n_scores=len(s)))
    if y.dtype == bool:
        y = y.astype(np.int8)
    else:
        try:
            yf = y.astype(float)
        except (TypeError, ValueError):
            bad = pd.unique(pd.Series(y).astype(str))[:3]
            raise ValueError(OUTCOME_NOT_BINARY.format(examples=", ".join(bad))) from None
        ok = (yf == 0) | (yf == 1)
        if not ok.all():
            bad = pd.unique(pd.Series(y[~ok]).astype(str))[:3]
            raise ValueError(OUTCOME_NOT_BINARY.format(examples=", ".join(bad)))
        y = yf.astype(np.int8)
    finite = np.isfinite(s)
    if not finite.all():
        raise ValueError(SCORES_NOT_FINITE.format(n_bad=int((~finite).sum())))
    return y, s


def _counts(y: np.ndarray, s: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, ...]:
    """Flagged and true-positive counts at each threshold (flagged: score >= threshold).

    A regular grid of thresholds (such as 0, 0.001, ..., 1) on many more scores than
    thresholds is one pass over the scores (:func:`_grid_counts`); anything else is one sort of
    the scores and one of the positives' scores, then binary searches.
    """
    if 8 * len(thresholds) <= len(s) and _grid_step(thresholds) is not None:
        return _grid_counts(y, s, thresholds)
    s_sorted = np.sort(s)
    pos_sorted = np.sort(s[y == 1])
    flagged = len(s) - np.searchsorted(s_sorted, thresholds, side="left")
    tp = len(pos_sorted) - np.searchsorted(pos_sorted, thresholds, side="left")
    return flagged.astype(np.int64), tp.astype(np.int64)


def _every_distinct(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every distinct score plus one just above the highest, with the counts there."""
    s_sorted = np.sort(s)
    pos_sorted = np.sort(s[y == 1])
    starts = np.flatnonzero(np.concatenate([[True], s_sorted[1:] != s_sorted[:-1]]))
    distinct = s_sorted[starts]
    t = np.concatenate([distinct, [np.nextafter(distinct[-1], np.inf)]])
    flagged = np.concatenate([len(s) - starts, [0]]).astype(np.int64)
    tp = (len(pos_sorted) - np.searchsorted(pos_sorted, t, side="left")).astype(np.int64)
    return t, flagged, tp


def _grid_step(t: np.ndarray) -> float | None:
    """The step of an increasing, evenly spaced set of thresholds; ``None`` otherwise."""
    if len(t) < 2:
        return None
    gaps = np.diff(t)
    step = float((t[-1] - t[0]) / (len(t) - 1))
    if not step > 0 or not np.all(gaps > 0):
        return None
    if np.max(np.abs(gaps - step)) > 1e-9 * step:
        return None
    return step


#: Scores this close (in steps) to a grid line are placed by an exact comparison.
_GRID_TOLERANCE = 1e-6

#: Scores are binned this many at a time, so the temporary arrays stay in the processor's cache
#: (about 2 × 256 KB): each pass after the first read of the scores then costs a fraction of a
#: pass over main memory (benchmarks/sweep.py; BENCHMARKS.md).
_GRID_CHUNK = 1 << 15


def _grid_counts(y: np.ndarray, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
    """Counts on an evenly spaced grid in one pass: each score's bin, a bincount, cumulative sums.

    A score's bin is how many thresholds are at or below it. Arithmetic finds it; a score
    within :data:`_GRID_TOLERANCE` of a grid line, where rounding could put it one bin off, is
    placed by an exact comparison (``searchsorted``), so the counts are exactly those of
    ``score >= threshold``. Everyone and the positives are counted by one ``bincount`` of
    ``2 * bin + outcome``. The scores are taken :data:`_GRID_CHUNK` at a time into two reused
    buffers, so the few passes each needs run in cache.
    """
    m = len(t)
    scale = 1.0 / _grid_step(t)
    first, last = float(t[0]), float(t[-1])
    n = len(s)
    q = np.empty(min(n, _GRID_CHUNK))
    code = np.empty(min(n, _GRID_CHUNK), dtype=np.intp)
    both = np.zeros(2 * (m + 1), dtype=np.int64)
    for start in range(0, n, _GRID_CHUNK):
        sc = s[start : start + _GRID_CHUNK]
        qc, cc = q[: len(sc)], code[: len(sc)]
        np.subtract(sc, first, out=qc)
        qc *= scale
        if sc.min() >= first and sc.max() < last:  # q >= 0: truncation is the floor
            np.copyto(cc, qc, casting="unsafe")
        else:
            np.copyto(cc, np.clip(np.floor(qc), -1, m - 1), casting="unsafe")
        # The fraction of a step above the line at or below the score (in place in qc); near a
        # line if within the tolerance of either end.
        qc -= cc
        near = qc < _GRID_TOLERANCE
        near |= qc > 1 - _GRID_TOLERANCE
        near = np.flatnonzero(near)
        if len(near):
            cc[near] = np.clip(np.searchsorted(t, sc[near], side="right") - 1, -1, m - 1)
        # cc is bin - 1 (-1 below the first threshold): key = 2 * bin + outcome.
        cc += 1
        cc <<= 1
        cc += y[start : start + _GRID_CHUNK]
        both += np.bincount(cc, minlength=2 * (m + 1))
    both = both.reshape(m + 1, 2)
    every = both.sum(axis=1)
    positive = both[:, 1]
    flagged = n - np.cumsum(every)[:m]
    tp = int(positive.sum()) - np.cumsum(positive)[:m]
    return flagged.astype(np.int64), tp.astype(np.int64)


def threshold_table(y_true, scores, *, thresholds: Sequence[float] | None = None) -> pd.DataFrame:
    """Confusion counts and rates at each threshold.

    Parameters
    ----------
    y_true
        Recorded outcome, 0/1 (or boolean), one per referral.
    scores
        Model scores, any real numbers (usually in [0, 1]); higher means more concern.
    thresholds
        Thresholds to evaluate. ``None`` gives every distinct score plus one just above the
        maximum (where nobody is flagged), in increasing order.

    Returns
    -------
    pandas.DataFrame
        One row per threshold with the columns in :data:`TABLE_COLUMNS`. ``precision`` is NaN
        where nobody is flagged; ``recall`` is NaN when no referral escalated; ``fpr`` is NaN
        when every referral escalated.
    """
    y, s = check_inputs(y_true, scores)
    if thresholds is None:
        t, flagged, tp = _every_distinct(y, s)
    else:
        t = np.asarray(thresholds, dtype=float).reshape(-1)
        if np.isnan(t).any():
            raise ValueError("Thresholds must be numbers; found a missing value (NaN).")
        flagged, tp = _counts(y, s, t)
    n = len(y)
    positives = int(y.sum())
    negatives = n - positives
    fp = flagged - tp
    fn = positives - tp
    tn = negatives - fp
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(flagged > 0, tp / np.maximum(flagged, 1), np.nan)
        recall = tp / positives if positives else np.full(len(t), np.nan)
        fpr = fp / negatives if negatives else np.full(len(t), np.nan)
    per = 1000.0 / n
    return pd.DataFrame(
        {
            "threshold": t,
            "flagged": flagged,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            "precision": precision,
            "recall": recall,
            "fpr": fpr,
            "flagged_per_1000": flagged * per,
            "true_alarms_per_1000": tp * per,
            "false_alarms_per_1000": fp * per,
            "missed_per_1000": fn * per,
        }
    )


def row_at_threshold(y_true, scores, threshold: float) -> pd.Series:
    """The row of :func:`threshold_table` for one threshold."""
    return threshold_table(y_true, scores, thresholds=[threshold]).iloc[0]


def lookup(table: pd.DataFrame, threshold: float) -> pd.Series:
    """The figures at ``threshold`` read from a full sweep (``thresholds=None``), without re-sorting.

    Flagging "score >= threshold" gives the same referrals as the smallest distinct score at or
    above the threshold, so the answer is that row (or the last row, nobody flagged). The
    ``threshold`` of the returned row is the one asked for.
    """
    t = table["threshold"].to_numpy()
    i = min(int(np.searchsorted(t, threshold, side="left")), len(t) - 1)
    row = table.iloc[i].copy()
    row["threshold"] = float(threshold)
    return row


def average_precision(y_true, scores) -> float:
    """Average precision: the mean precision at each child found, best 1, random = base rate.

    Equal to :func:`sklearn.metrics.average_precision_score` (ties are handled the same way:
    tied scores are flagged together).

    Raises
    ------
    ValueError
        If no referral escalated (:data:`NO_POSITIVES`), or the inputs are invalid.
    """
    y, s = check_inputs(y_true, scores)
    if y.sum() == 0:
        raise ValueError(NO_POSITIVES)
    table = threshold_table(y, s)
    # Walk from the highest threshold down: sum of (gain in recall) x (precision there).
    recall = table["recall"].to_numpy()[::-1]
    precision = table["precision"].to_numpy()[::-1]
    gain = np.diff(np.concatenate([[0.0], recall]))
    return float(np.nansum(gain * np.nan_to_num(precision)))


def bootstrap_interval(
    statistic: Callable[..., float],
    *arrays,
    n_boot: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval for ``statistic(*arrays)``.

    Rows are resampled with replacement (the same rows from every array). Draws where the
    statistic is undefined (NaN, or it raises ``ValueError``) are left out; if fewer than half
    the draws give a number, the interval is ``(nan, nan)`` — too few to tell.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 1] * 50); s = np.linspace(0, 1, 100)
    >>> low, high = bootstrap_interval(average_precision, y, s, n_boot=200)
    >>> low <= average_precision(y, s) <= high
    True
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}.")
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1; got {n_boot}.")
    columns = [np.asarray(a) for a in arrays]
    n = len(columns[0])
    if n == 0:
        raise ValueError(EMPTY_INPUT)
    rng = np.random.default_rng(random_state)
    values = np.full(n_boot, np.nan)
    for b in range(n_boot):
        idx = rng.integers(0, n, size=n)
        try:
            values[b] = statistic(*(c[idx] for c in columns))
        except ValueError:
            continue
    ok = values[~np.isnan(values)]
    if len(ok) < n_boot / 2:
        return (np.nan, np.nan)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(ok, [alpha, 1 - alpha])
    return (float(low), float(high))


def threshold_for_top_share(scores, share: float) -> float:
    """The lowest threshold that flags at most ``share`` (0-1) of referrals.

    Ties are never split: if several referrals share the score at the cut, none of them is
    flagged, so the share flagged can be a little below ``share``.
    """
    if not 0 <= share <= 1:
        raise ValueError(f"The share to flag must be between 0 and 1; got {share}.")
    s = np.asarray(scores, dtype=float)
    if len(s) == 0:
        raise ValueError(EMPTY_INPUT)
    return _threshold_for_count(s, int(np.floor(share * len(s) + 1e-9)))


def _threshold_for_count(s: np.ndarray, k: int) -> float:
    """Lowest threshold flagging at most ``k`` referrals (score >= threshold)."""
    distinct = np.unique(s)
    candidates = np.concatenate([distinct, [np.nextafter(distinct[-1], np.inf)]])
    flagged = len(s) - np.searchsorted(np.sort(s), candidates, side="left")
    return float(candidates[np.argmax(flagged <= k)])


def threshold_for_capacity(scores, *, per_month: float, months: float) -> float:
    """The lowest threshold at which flagged referrals fit a capacity of ``per_month``.

    ``months`` is how long the scored referrals span; at most ``per_month * months`` are flagged.
    """
    if per_month < 0:
        raise ValueError(f"Capacity must be zero or more families a month; got {per_month}.")
    if months <= 0:
        raise ValueError(f"The referrals must span a positive number of months; got {months}.")
    s = np.asarray(scores, dtype=float)
    if len(s) == 0:
        raise ValueError(EMPTY_INPUT)
    return _threshold_for_count(s, int(np.floor(per_month * months + 1e-9)))


def threshold_for_cost(y_true, scores, *, false_alarms_per_child: float) -> float:
    """The threshold that minimises ``false alarms + false_alarms_per_child x children missed``.

    ``false_alarms_per_child`` answers "how many false alarms would you accept to find one more
    child?". Among equally good thresholds the highest (fewest flagged) is returned.
    """
    if false_alarms_per_child < 0:
        raise ValueError(
            f"The number of false alarms must be zero or more; got {false_alarms_per_child}."
        )
    table = threshold_table(y_true, scores)
    cost = table["fp"].to_numpy() + false_alarms_per_child * table["fn"].to_numpy()
    best = np.flatnonzero(cost == cost.min())[-1]
    return float(table["threshold"].iloc[best])
