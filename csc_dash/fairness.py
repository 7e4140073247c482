"""Fairness: on whom a tool's errors fall, how sure we can be, and what per-group thresholds cost.

At one threshold every referral is flagged or not, and against the recorded outcome each is a
true alarm, a false alarm, a child missed or a true "not flagged". This module splits those
counts by a characteristic (or a pair of them), turns them into rates with 95% bootstrap
intervals, compares each group's rate with a reference group, and works out what happens when
each group gets its own threshold (the "presets").

The bootstrap resamples referrals *within each group* (so every group keeps its size). It is
vectorised: the referrals of a group are sorted by score once and collapsed into cells of equal
score and outcome; each draw is a vector of cell counts (``bincount`` of resampled rows, or one
multinomial draw when there are few distinct cells), and every count and the average precision
come from cumulative sums over those cells. No confusion matrix is built in a Python loop. On a
big upload (more than 25 million draws x referrals) a group with many distinct scores is drawn
over coarse cells (its score range in 1,000 steps, flagged and not flagged apart): every count
and rate at the threshold keeps its exact bootstrap distribution and only average precision's
draws see ties within a step merged; the point estimates are always exact.

The tests check every rate against fairlearn's ``MetricFrame`` and scikit-learn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from csc_dash.markup import markdown_text
from csc_dash.metrics import check_inputs, threshold_table
from csc_dash.tradeoffs import people_counts

__all__ = [
    "COUNT_COLUMNS",
    "MIN_ESCALATIONS",
    "MIN_REFERRALS",
    "DEFAULT_BAND",
    "PRESETS",
    "PRESET_HELP",
    "PRESET_LABELS",
    "RATES",
    "RATE_LABELS",
    "VERDICTS",
    "PresetCosts",
    "apply_thresholds",
    "describe_disparity",
    "describe_label_comparison",
    "describe_preset",
    "describe_rate",
    "disparity",
    "intervals_overlap",
    "group_error_rates",
    "label_comparison",
    "per_100",
    "preset_changes",
    "preset_costs",
    "preset_overview",
    "preset_thresholds",
]

#: A group with fewer referrals, or fewer escalations, than this is "too few to tell".
MIN_REFERRALS = 30
MIN_ESCALATIONS = 5

COUNT_COLUMNS = ("n", "positives", "flagged", "tp", "fp", "fn", "tn")
#: Every rate the table holds; each also has ``<rate>_low`` and ``<rate>_high``.
RATES = (
    "share_flagged",
    "precision",
    "recall",
    "fdr",
    "false_omission_rate",
    "fpr",
    "fnr",
    "average_precision",
)
RATE_LABELS = {
    "share_flagged": "Families flagged, of every 100 referred",
    "precision": "Flagged families who went on to a plan or care, of every 100 flagged",
    "recall": "Children found, of every 100 who went on to a plan or care",
    "fdr": "False alarms, of every 100 families flagged",
    "false_omission_rate": "Children missed, of every 100 families not flagged",
    "fpr": "Flagged, of every 100 families who did not go on to a plan or care",
    "fnr": "Children missed, of every 100 who went on to a plan or care",
    "average_precision": "Average precision (0-100)",
}

Preset = Literal["single", "equal_false_alarm_rate", "equal_miss_rate", "equal_share_flagged"]
PRESETS: tuple[Preset, ...] = (
    "single",
    "equal_false_alarm_rate",
    "equal_miss_rate",
    "equal_share_flagged",
)
PRESET_LABELS = {
    "single": "One line for everyone",
    # The key is kept for saved views; "false alarm" on screen always means "of the families
    # flagged" (FDR), while this preset equalises the false positive rate (FPR).
    "equal_false_alarm_rate": "Same share flagged among families who did not go on to a plan or care",
    "equal_miss_rate": "Same share of children missed in every group",
    "equal_share_flagged": "Same share flagged in every group",
}
#: One plain line under each preset saying what is made equal.
PRESET_HELP = {
    "single": "Every referral is judged against the same line.",
    "equal_false_alarm_rate": (
        "Of the families who did not go on to a plan or care, each group has the same share "
        "flagged. This is not the same as false alarms in every 100 flagged."
    ),
    "equal_miss_rate": (
        "Of the children who went on to a plan or care, the same share is missed in each group."
    ),
    "equal_share_flagged": "Of all referrals, the same share is flagged in each group.",
}
#: Which rate each preset makes equal across groups.
PRESET_RATE = {
    "single": None,
    "equal_false_alarm_rate": "fpr",
    "equal_miss_rate": "fnr",
    "equal_share_flagged": "share_flagged",
}

MISSING_GROUP = "Not recorded"
LABEL_SEPARATOR = ", "

# Plain messages for bad input, asserted exactly in the tests.
NO_GROUPS = "Choose a characteristic to split by: the group column is missing or empty."
TOO_MANY_GROUP_COLUMNS = "Choose one characteristic or a pair of them; got {n} columns ({columns})."
GROUPS_LENGTH_MISMATCH = (
    "The characteristic has {n_groups} rows but the outcome has {n_true}; they must match."
)
THRESHOLD_NOT_NUMBER = "The threshold must be a number; got {threshold!r}."
BAD_N_BOOT = "The number of bootstrap draws must be a whole number of 1 or more; got {n_boot!r}."
UNKNOWN_RATE = "There is no rate called {rate!r}; choose one of {choices}."
UNKNOWN_PRESET = "There is no preset called {preset!r}; choose one of {choices}."
UNKNOWN_REFERENCE = "There is no group called {reference!r}; choose one of {choices}."
BAD_BAND = (
    "The tolerance band must be two positive numbers, the first at most 1 and the second at "
    "least 1; got {band!r}."
)
NOT_A_RATE_TABLE = "This table does not come from group_error_rates: it has no column {column!r}."

#: Ratios to the reference group from ``band[0]`` to ``band[1]`` count as "close enough".
DEFAULT_BAND = (0.8, 1.25)

_CONFIDENCE = 0.95
_CELLS_FOR_MULTINOMIAL = 256  # below this many distinct cells, draw cell counts directly
_CHUNK_ELEMENTS = 2_000_000  # draws x cells per block, to keep memory near 16 MB
#: Up to this many draws x referrals (all groups), rows are resampled one by one; above it, a
#: group with many distinct scores is resampled over coarse cells (:func:`_coarse_cells`).
_EXACT_ROW_DRAWS = 25_000_000
_COARSE_LEVELS = 1000  # coarse cells: the scores' range in this many steps


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


#: The most groups a pair of characteristics may make to be offered on the Fairness page, and
#: the most pairs offered (see :func:`csc_dash.ui.fairness_cache.characteristic_options`).
MAX_PAIR_GROUPS = 60
MAX_PAIRS = 10


def _check_threshold(threshold) -> float:
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(THRESHOLD_NOT_NUMBER.format(threshold=threshold)) from None
    if np.isnan(t):
        raise ValueError(THRESHOLD_NOT_NUMBER.format(threshold=threshold))
    return t


def _group_frame(groups, n_true: int) -> pd.DataFrame:
    """Groups as a frame of one or two columns, missing values named :data:`MISSING_GROUP`."""
    if groups is None:
        raise ValueError(NO_GROUPS)
    if isinstance(groups, pd.DataFrame):
        frame = groups.reset_index(drop=True)
    elif isinstance(groups, pd.Series):
        frame = groups.reset_index(drop=True).to_frame(
            name=groups.name if groups.name is not None else "group"
        )
    else:
        arr = np.asarray(groups, dtype=object)
        if arr.ndim == 2:
            frame = pd.DataFrame(arr, columns=[f"group_{i + 1}" for i in range(arr.shape[1])])
        else:
            frame = pd.DataFrame({"group": arr.reshape(-1)})
    if frame.shape[1] == 0:
        raise ValueError(NO_GROUPS)
    if frame.shape[1] > 2:
        raise ValueError(
            TOO_MANY_GROUP_COLUMNS.format(
                n=frame.shape[1], columns=", ".join(map(str, frame.columns))
            )
        )
    if len(frame) != n_true:
        raise ValueError(GROUPS_LENGTH_MISMATCH.format(n_groups=len(frame), n_true=n_true))
    out = {}
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if values.isna().any():
            values = values.astype(object).where(values.isna(), values.astype(str))
            values = values.fillna(MISSING_GROUP)
        out[column] = values
    return pd.DataFrame(out)


def _natural_key(value) -> tuple:
    """Sort key that puts "5-9" before "10-15" and "2" before "10"; numbers compare as numbers."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return ((0, float(value), ""),)
    text = str(value)
    below = re.fullmatch(r"\s*(<|under\s+)(\d+(\.\d+)?)\s*", text, flags=re.IGNORECASE)
    if below:  # "<1" comes before "1-4"
        return ((0, float(below.group(2)) - 0.5, ""),)
    parts = re.split(r"(\d+)", text)
    return tuple((0, float(p), "") if p.isdigit() else (1, 0.0, p.lower()) for p in parts if p)


def _codes(frame: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """An integer code per row and the group keys in natural order (a MultiIndex for a pair)."""
    if frame.shape[1] == 1:
        column = frame.columns[0]
        raw, uniques = pd.factorize(frame[column])
        values = list(uniques)
        order = sorted(range(len(values)), key=lambda i: _natural_key(values[i]))
        keys = pd.Index([values[i] for i in order], name=column)
    else:
        raw, uniques = pd.factorize(pd.MultiIndex.from_frame(frame))
        values = list(uniques)
        order = sorted(range(len(values)), key=lambda i: tuple(_natural_key(v) for v in values[i]))
        keys = pd.MultiIndex.from_tuples([values[i] for i in order], names=list(frame.columns))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[raw], keys


def _labels(keys: pd.Index) -> list[str]:
    if isinstance(keys, pd.MultiIndex):
        return [LABEL_SEPARATOR.join(str(v) for v in key) for key in keys]
    return [str(v) for v in keys]


# --------------------------------------------------------------------------------------------
# Rates from counts (point estimates and bootstrap draws share this code)
# --------------------------------------------------------------------------------------------


def _rates_from_counts(n, positives, flagged, tp, ap) -> dict[str, np.ndarray]:
    n = np.asarray(n, dtype=float)
    positives = np.asarray(positives, dtype=float)
    flagged = np.asarray(flagged, dtype=float)
    tp = np.asarray(tp, dtype=float)
    fp = flagged - tp
    fn = positives - tp
    negatives = n - positives
    not_flagged = n - flagged
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "share_flagged": np.where(n > 0, flagged / n, np.nan),
            "precision": np.where(flagged > 0, tp / flagged, np.nan),
            "recall": np.where(positives > 0, tp / positives, np.nan),
            "fdr": np.where(flagged > 0, fp / flagged, np.nan),
            "false_omission_rate": np.where(not_flagged > 0, fn / not_flagged, np.nan),
            "fpr": np.where(negatives > 0, fp / negatives, np.nan),
            "fnr": np.where(positives > 0, fn / positives, np.nan),
            "average_precision": np.asarray(ap, dtype=float),
        }


@dataclass(frozen=True)
class _Cells:
    """One group's referrals collapsed to cells of equal (score, outcome), highest score first.

    Within a run of equal scores the cell with outcome 0 comes first, so a positive cell is
    always the last cell of its score level: the cumulative counts through a positive cell are
    the counts at that score level, which is what precision at that level needs.
    """

    y: np.ndarray  # outcome of each cell (0/1)
    count: np.ndarray  # referrals in each cell
    row_cell: np.ndarray | None  # cell of each score-sorted row; None when every row is a cell
    n_flagged_cells: int  # cells with score >= threshold (a prefix)
    starts: np.ndarray  # segment starts: 0, after each positive cell, after the flagged prefix
    pos_cells: np.ndarray  # positions of the positive cells
    pos_segment: np.ndarray  # segment ending at each positive cell
    flag_segment: int  # segment ending at the last flagged cell (-1: nobody flagged)


def _cells(y: np.ndarray, s: np.ndarray, threshold: float) -> _Cells:
    order = np.lexsort((y, -s))
    ys, ss = y[order], s[order]
    new_cell = np.ones(len(ys), dtype=bool)
    new_cell[1:] = (ss[1:] != ss[:-1]) | (ys[1:] != ys[:-1])
    first = np.flatnonzero(new_cell)
    cell_y = ys[first].astype(np.int64)
    count = np.diff(np.append(first, len(ys)))
    row_cell = None if len(first) == len(ys) else np.cumsum(new_cell) - 1
    return _segmented(cell_y, count, row_cell, int(np.sum(ss[first] >= threshold)))


def _coarse_cells(
    y: np.ndarray, s: np.ndarray, threshold: float, low: float, step: float
) -> _Cells:
    """Cells of scores rounded down to ``step`` (from ``low``), flagged and not flagged apart.

    The flagged referrals keep their own cells, so every count at the threshold (and every
    rate from them) is exactly what the referrals give; only average precision sees ties
    within ``step`` merged. One ``bincount``, no sort.
    """
    top = _COARSE_LEVELS + 1
    flagged = s >= threshold
    with np.errstate(invalid="ignore"):
        level = np.clip(((s - low) / step).astype(np.int64), 0, _COARSE_LEVELS)
    # Ascending key = descending score: flagged first, then the highest level first.
    key = np.where(flagged, 0, top) + (_COARSE_LEVELS - level)
    count = np.bincount(key * 2 + y.astype(np.int64), minlength=4 * top)
    cells = np.flatnonzero(count)
    return _segmented(
        (cells % 2).astype(np.int64), count[cells], None, int(np.sum(cells < 2 * top))
    )


def _segmented(
    cell_y: np.ndarray, count: np.ndarray, row_cell: np.ndarray | None, m: int
) -> _Cells:
    """The cells' segments: the ``m`` first cells are flagged; a segment ends at each positive cell."""
    k = len(cell_y)
    pos_cells = np.flatnonzero(cell_y)
    cuts = np.concatenate([[0], pos_cells + 1, [m]])
    starts = np.unique(cuts[(cuts >= 0) & (cuts < k)])
    # Segment i covers cells starts[i] .. starts[i+1]-1; the one ending at cell j is the one
    # just before the start j+1.
    pos_segment = np.searchsorted(starts, pos_cells + 1) - 1
    flag_segment = int(np.searchsorted(starts, m) - 1) if m else -1
    return _Cells(cell_y, count, row_cell, m, starts, pos_cells, pos_segment, flag_segment)


def _counts_and_ap(cells: _Cells, weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """From cell counts (draws x cells): referrals, positives, flagged, true alarms, AP per draw.

    Average precision is the sum over score levels (highest first) of the gain in recall times
    the precision there, exactly as scikit-learn's ``average_precision_score``. Only the cells
    where a child escalated add to it, so the counts are summed in segments that end at those
    cells (one pass over the draws) and accumulated over the few segments.
    """
    b = len(weights)
    seg = np.add.reduceat(weights, cells.starts, axis=1) if weights.shape[1] else weights
    cum_all = np.cumsum(seg, axis=1)
    n = cum_all[:, -1] if seg.shape[1] else np.zeros(b, dtype=np.int64)
    pos_w = weights[:, cells.pos_cells]
    cum_pos = np.cumsum(pos_w, axis=1)
    positives = cum_pos[:, -1] if len(cells.pos_cells) else np.zeros(b, dtype=np.int64)
    if cells.flag_segment >= 0:
        flagged = cum_all[:, cells.flag_segment]
        # Positive cells inside the flagged prefix are the first ones.
        n_pos_flagged = int(np.searchsorted(cells.pos_cells, cells.n_flagged_cells))
        tp = cum_pos[:, n_pos_flagged - 1] if n_pos_flagged else np.zeros(b, dtype=np.int64)
    else:
        flagged = np.zeros(b, dtype=np.int64)
        tp = np.zeros(b, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = cum_all[:, cells.pos_segment]
        precision = np.where(level > 0, cum_pos / np.maximum(level, 1), 0.0)
        ap = np.where(positives > 0, (pos_w * precision).sum(axis=1) / positives, np.nan)
    return n, positives, flagged, tp, ap


def _bootstrap_draws(
    cells: _Cells, n_boot: int, rng: np.random.Generator, *, by_cells: bool
) -> dict[str, np.ndarray]:
    """Rates on ``n_boot`` resamples of the group's referrals (with replacement, same size).

    ``by_cells``: each draw is one multinomial over the cells (the same distribution as
    resampling rows, at a cost of the cells, not the rows); otherwise rows are drawn.
    """
    k = len(cells.count)
    n = int(cells.count.sum())
    chunk = max(1, min(n_boot, _CHUNK_ELEMENTS // (k if by_cells else max(k, n))))
    parts: list[dict[str, np.ndarray]] = []
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        if by_cells:
            weights = rng.multinomial(n, cells.count / n, size=b)
        else:
            rows = rng.integers(0, n, size=(b, n))
            if cells.row_cell is not None:
                rows = cells.row_cell[rows]
            rows += (np.arange(b) * k)[:, None]
            weights = np.bincount(rows.ravel(), minlength=b * k).reshape(b, k)
        parts.append(_rates_from_counts(*_counts_and_ap(cells, weights)))
        done += b
    return {rate: np.concatenate([p[rate] for p in parts]) for rate in RATES}


_HUGE = 1e300  # stands in for an infinite ratio while quantiles are interpolated


def _intervals(draws: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals, one per row of ``draws`` (groups x draws), all rows at once.

    Linear interpolation between order statistics of the draws that give a number, exactly as
    ``np.quantile``. NaN when the estimate is NaN or fewer than half the draws give a number
    (too few to tell). Each interval is widened, if need be, to include the estimate itself:
    with small, skewed groups the percentile interval can sit just beside it, and an interval
    that leaves out the number shown would confuse more than it tells.
    """
    draws = np.atleast_2d(draws)
    points = np.asarray(points, dtype=float)
    g, b = draws.shape
    ordered = np.sort(draws, axis=1)  # NaN last
    valid = np.sum(~np.isnan(draws), axis=1)
    rows = np.arange(g)
    alpha = (1 - _CONFIDENCE) / 2
    out = []
    for q in (alpha, 1 - alpha):
        pos = q * np.maximum(valid - 1, 0)
        below = np.floor(pos).astype(np.int64)
        above = np.minimum(below + 1, np.maximum(valid - 1, 0))
        t = pos - below
        lo, hi = ordered[rows, below], ordered[rows, above]
        with np.errstate(invalid="ignore"):
            # numpy's own lerp, so the result is np.quantile's to the last bit.
            diff = hi - lo
            out.append(np.where(t >= 0.5, hi - diff * (1 - t), lo + diff * t))
    known = ~np.isnan(points) & (valid >= b / 2) & (valid > 0)
    low = np.where(known, np.fmin(out[0], points), np.nan)
    high = np.where(known, np.fmax(out[1], points), np.nan)
    return low, high


def _ratio_intervals(
    draws: np.ndarray, reference_draws: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of each group's rate divided by the reference group's, draw by draw.

    ``draws`` is groups x draws, ``reference_draws`` the reference group's row. Groups are
    resampled independently (within each group), so draw ``i`` of one divided by draw ``i`` of
    the other is a draw of the ratio. A draw where the reference rate is 0 is infinite (or
    undefined when both are 0); an interval reaching it has ``inf`` as its top.
    """
    ref = reference_draws[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ref > 0, draws / ref, np.where(draws > 0, np.inf, np.nan))
    ratio[np.isnan(draws) | np.isnan(ref)] = np.nan
    low, high = _intervals(np.minimum(ratio, _HUGE), points)
    return low, np.where(high >= _HUGE / 2, np.inf, high)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def group_error_rates(
    y_true,
    scores,
    groups,
    *,
    threshold: float,
    n_boot: int = 1000,
    random_state: int = 0,
    reference=None,
) -> pd.DataFrame:
    """Error counts and rates for each group at one threshold, with 95% bootstrap intervals.

    Parameters
    ----------
    y_true
        Outcome, 0/1 (recorded outcome, or true need in the synthetic world).
    scores
        Model scores; a referral is flagged when its score is at or above ``threshold``.
    groups
        One characteristic (Series or 1-D array) or a pair (DataFrame with two columns, for
        intersections). Missing values form their own group, :data:`MISSING_GROUP`.
    threshold
        The threshold in use.
    n_boot
        Bootstrap draws per group (referrals are resampled within each group).
    random_state
        Seed; the same inputs and seed always give the same intervals.
    reference
        The group every other is compared with in the ratio intervals (a group key, a tuple for
        a pair, or its label); default the largest group. :func:`disparity` reads them.

    Returns
    -------
    pandas.DataFrame
        One row per group (index: the group values; a MultiIndex for a pair) in natural order
        ("5-9" before "10-15"). Columns:
        ``label`` (plain name), the counts in :data:`COUNT_COLUMNS`, each rate in :data:`RATES`
        with ``<rate>_low`` and ``<rate>_high``, and ``too_few`` (fewer than
        :data:`MIN_REFERRALS` referrals or :data:`MIN_ESCALATIONS` escalations). Undefined rates
        (e.g. precision where nobody is flagged) are NaN. For each rate, ``<rate>_ratio_low``
        and ``<rate>_ratio_high`` bound the group's rate divided by the reference group's
        (``is_reference``), from the same draws: each draw of the group divided by the same
        draw of the reference group. Their top is ``inf`` when the reference rate can be 0.

    Raises
    ------
    ValueError
        With a plain message for empty or mismatched input, a non-binary outcome, missing
        scores, a non-numeric threshold or more than two group columns.
    """
    y, s = check_inputs(y_true, scores)
    t = _check_threshold(threshold)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(BAD_N_BOOT.format(n_boot=n_boot))
    frame = _group_frame(groups, len(y))
    codes, keys = _codes(frame)
    rng = np.random.default_rng(random_state)
    rows_affordable = len(y) * n_boot <= _EXACT_ROW_DRAWS
    low = float(s.min())
    step = (float(s.max()) - low) / _COARSE_LEVELS or 1.0

    # One stable sort by group; each group's rows are then a contiguous slice.
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(keys)))])
    rows: list[dict[str, Any]] = []
    all_draws: list[dict[str, np.ndarray]] = []
    for g in range(len(keys)):
        idx = order[bounds[g] : bounds[g + 1]]
        y_g, s_g = y[idx], s[idx]
        cells = _cells(y_g, s_g, t)
        n, positives, flagged, tp, ap = (v[0] for v in _counts_and_ap(cells, cells.count[None, :]))
        point = {k: float(v) for k, v in _rates_from_counts(n, positives, flagged, tp, ap).items()}
        by_cells = len(cells.count) <= _CELLS_FOR_MULTINOMIAL
        if not by_cells and not rows_affordable:
            # Too many draws x referrals to resample rows: draw cell counts, over coarse cells
            # when they are fewer (every count at the threshold stays exact).
            coarse = _coarse_cells(y_g, s_g, t, low, step)
            cells = coarse if len(coarse.count) < len(cells.count) else cells
            by_cells = True
        all_draws.append(_bootstrap_draws(cells, n_boot, rng, by_cells=by_cells))
        row: dict[str, Any] = {
            "n": int(n),
            "positives": int(positives),
            "flagged": int(flagged),
            "tp": int(tp),
            "fp": int(flagged - tp),
            "fn": int(positives - tp),
            "tn": int(n - positives - flagged + tp),
        }
        for rate in RATES:
            row[rate], row[f"{rate}_low"], row[f"{rate}_high"] = point[rate], np.nan, np.nan
        row["too_few"] = bool(n < MIN_REFERRALS or positives < MIN_ESCALATIONS)
        rows.append(row)
    table = pd.DataFrame(rows, index=keys)
    table.insert(0, "label", _labels(keys))
    ref = _default_reference(table) if reference is None else _find_group(table, reference)
    too_few = table.pop("too_few")
    is_ref = np.arange(len(keys)) == ref
    ratio_columns = {}
    for rate in RATES:
        draws = np.stack([d[rate] for d in all_draws])  # groups x draws
        point = table[rate].to_numpy(dtype=float)
        table[f"{rate}_low"], table[f"{rate}_high"] = _intervals(draws, point)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = point / point[ref] if point[ref] > 0 else np.full(len(keys), np.nan)
        low, high = _ratio_intervals(draws, draws[ref], ratio)
        # The reference against itself is exactly 1, with no spread.
        low[is_ref], high[is_ref] = ratio[is_ref], ratio[is_ref]
        ratio_columns[f"{rate}_ratio_low"] = low
        ratio_columns[f"{rate}_ratio_high"] = high
    table = pd.concat([table, pd.DataFrame(ratio_columns, index=table.index)], axis=1)
    table["is_reference"] = is_ref
    table["too_few"] = too_few
    return table


def _default_reference(table: pd.DataFrame) -> int:
    """The reference group's position: the table's own (``is_reference``), else the largest."""
    if "is_reference" in table.columns and table["is_reference"].any():
        return int(np.argmax(table["is_reference"].to_numpy(dtype=bool)))
    return int(np.argmax(table["n"].to_numpy()))


def _check_rate(rate: str) -> None:
    if rate not in RATES:
        raise ValueError(UNKNOWN_RATE.format(rate=rate, choices=", ".join(RATES)))


def _check_table(table: pd.DataFrame, columns: Sequence[str]) -> None:
    for column in columns:
        if column not in table.columns:
            raise ValueError(NOT_A_RATE_TABLE.format(column=column))


def per_100(table: pd.DataFrame, rate: str) -> pd.DataFrame:
    """One rate as "out of every 100", with its interval, ready for a dot-and-interval chart.

    Columns: ``label, value, low, high, n, too_few``. Values of too-few groups are kept (the
    analyst table shows them) but a chart labels those rows "too few to tell".
    """
    _check_rate(rate)
    _check_table(table, ["label", "n", "too_few", rate, f"{rate}_low", f"{rate}_high"])
    return pd.DataFrame(
        {
            "label": table["label"].to_numpy(),
            "value": 100.0 * table[rate].to_numpy(dtype=float),
            "low": 100.0 * table[f"{rate}_low"].to_numpy(dtype=float),
            "high": 100.0 * table[f"{rate}_high"].to_numpy(dtype=float),
            "n": table["n"].to_numpy(),
            "too_few": table["too_few"].to_numpy(dtype=bool),
        },
        index=table.index,
    )


#: How a group's ratio sits against the band: its best guess is inside; its whole likely range
#: is outside; or its best guess is outside but its range reaches into the band (could be chance).
VERDICTS = ("inside", "outside", "unclear")


def disparity(
    table: pd.DataFrame,
    rate: str,
    *,
    reference=None,
    band: tuple[float, float] = DEFAULT_BAND,
) -> pd.DataFrame:
    """Each group's rate divided by the reference group's, with its interval, against the band.

    Parameters
    ----------
    table
        From :func:`group_error_rates`.
    rate
        One of :data:`RATES`.
    reference
        A group key (index value, a tuple for a pair) or its label; default the table's own
        reference group (the largest, unless :func:`group_error_rates` was given another).
    band
        Ratios from ``band[0]`` to ``band[1]`` (inclusive) count as within tolerance.

    Returns
    -------
    pandas.DataFrame
        Index as ``table``; columns ``label, rate, ratio, ratio_low, ratio_high, within_band,
        verdict, is_reference, too_few``. ``ratio`` is NaN where either rate is undefined or
        the reference rate is 0; ``within_band`` and ``verdict`` are then missing (``pd.NA``).
        ``ratio_low`` and ``ratio_high`` are the 95% bootstrap interval of the ratio from
        :func:`group_error_rates`' draws (NaN when the table holds none for this reference).
        ``within_band`` says whether the best guess is in the band; ``verdict`` is one of
        :data:`VERDICTS`: ``"outside"`` only when the whole interval is outside the band.
    """
    _check_rate(rate)
    _check_table(table, ["label", "n", "too_few", rate])
    try:
        low, high = (float(b) for b in band)
    except (TypeError, ValueError):
        raise ValueError(BAD_BAND.format(band=band)) from None
    if not (0 < low <= 1 <= high) or np.isinf(high):
        raise ValueError(BAD_BAND.format(band=band))
    if len(table) == 0:
        raise ValueError(NO_GROUPS)
    ref_pos = _default_reference(table) if reference is None else _find_group(table, reference)
    values = table[rate].to_numpy(dtype=float)
    ref_value = values[ref_pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = values / ref_value if ref_value > 0 else np.full(len(values), np.nan)
    has_intervals = (
        f"{rate}_ratio_low" in table.columns
        and "is_reference" in table.columns
        and bool(table["is_reference"].iloc[ref_pos])
    )
    if has_intervals:
        r_low = table[f"{rate}_ratio_low"].to_numpy(dtype=float)
        r_high = table[f"{rate}_ratio_high"].to_numpy(dtype=float)
    else:
        r_low = r_high = np.full(len(values), np.nan)
    within, verdict = [], []
    for r, lo, hi in zip(ratio, r_low, r_high, strict=True):
        if np.isnan(r):
            within.append(pd.NA)
            verdict.append(pd.NA)
            continue
        inside = bool(low <= r <= high)
        within.append(inside)
        if inside:
            verdict.append("inside")
        elif hi < low or lo > high:  # NaN bounds compare False: no interval, no claim
            verdict.append("outside")
        else:
            verdict.append("unclear")
    return pd.DataFrame(
        {
            "label": table["label"].to_numpy(),
            "rate": values,
            "ratio": ratio,
            "ratio_low": r_low,
            "ratio_high": r_high,
            "within_band": pd.array(within, dtype="boolean"),
            "verdict": pd.array(verdict, dtype="string"),
            "is_reference": np.arange(len(table)) == ref_pos,
            "too_few": table["too_few"].to_numpy(dtype=bool),
        },
        index=table.index,
    )


def _find_group(table: pd.DataFrame, reference) -> int:
    keys = list(table.index)
    if reference in keys:
        return keys.index(reference)
    labels = list(table["label"])
    if reference in labels:
        return labels.index(reference)
    raise ValueError(UNKNOWN_REFERENCE.format(reference=reference, choices=", ".join(labels)))


def _check_preset(preset: str) -> None:
    if preset not in PRESETS:
        raise ValueError(UNKNOWN_PRESET.format(preset=preset, choices=", ".join(PRESETS)))


def _rate_curve(table: pd.DataFrame, rate: str) -> np.ndarray:
    """A rate at every threshold of a :func:`metrics.threshold_table` sweep."""
    if rate == "fpr":
        return table["fpr"].to_numpy(dtype=float)
    if rate == "fnr":
        return 1.0 - table["recall"].to_numpy(dtype=float)
    n = int(table["tp"].iloc[0] + table["fp"].iloc[0] + table["fn"].iloc[0] + table["tn"].iloc[0])
    return table["flagged"].to_numpy(dtype=float) / n


def preset_thresholds(
    y, scores, groups, *, preset: Preset, threshold: float, adjust_small_groups: bool = False
) -> pd.Series:
    """A threshold for each group under a preset.

    * ``single`` — everyone gets ``threshold``.
    * ``equal_false_alarm_rate`` — each group's false-positive rate (false alarms among
      referrals that did not escalate) is brought as close as its scores allow to the overall
      rate at ``threshold``; among equally close thresholds the lowest (finds most children).
    * ``equal_miss_rate`` — the same for the false-negative rate (children missed among those
      who escalated); among equally close thresholds the highest (fewest false alarms).
    * ``equal_share_flagged`` — the same for the share of referrals flagged; ties go to the
      highest threshold.

    A group whose rate cannot be measured (e.g. nobody in it escalated, for the miss rate) keeps
    ``threshold``, and so does a group with too few referrals to tell (fewer than
    :data:`MIN_REFERRALS` referrals or :data:`MIN_ESCALATIONS` escalations) unless
    ``adjust_small_groups``: moving the line to fit a handful of cases would only chase chance.
    The achieved rate is within one step of the group's score grid of the target.

    Returns
    -------
    pandas.Series
        Index: the group keys as in :func:`group_error_rates`; name ``threshold``.
    """
    _check_preset(preset)
    y, s = check_inputs(y, scores)
    t = _check_threshold(threshold)
    frame = _group_frame(groups, len(y))
    codes, keys = _codes(frame)
    out = np.full(len(keys), t)
    rate = PRESET_RATE[preset]
    if rate is not None:
        overall = threshold_table(y, s, thresholds=[t])
        target = float(_rate_curve(overall, rate)[0])
        if not np.isnan(target):
            for g in range(len(keys)):
                mask = codes == g
                n_g, pos_g = int(mask.sum()), int(y[mask].sum())
                if not adjust_small_groups and (n_g < MIN_REFERRALS or pos_g < MIN_ESCALATIONS):
                    continue
                sweep = threshold_table(y[mask], s[mask])
                curve = _rate_curve(sweep, rate)
                if np.isnan(curve).all():
                    continue
                gap = np.abs(curve - target)
                best = np.flatnonzero(gap == np.nanmin(gap))
                # Thresholds rise along the sweep: first = lowest, last = highest.
                pick = best[0] if rate == "fpr" else best[-1]
                out[g] = float(sweep["threshold"].iloc[pick])
    return pd.Series(out, index=keys, name="threshold")


def apply_thresholds(scores, groups, thresholds: pd.Series) -> np.ndarray:
    """Flag each referral (True/False) using its own group's threshold from ``thresholds``."""
    s = np.asarray(scores, dtype=float)
    frame = _group_frame(groups, len(s))
    codes, keys = _codes(frame)
    per_group = thresholds.reindex(keys).to_numpy(dtype=float)
    return s >= per_group[codes]


@dataclass(frozen=True)
class PresetCosts:
    """What each preset costs overall and for each group.

    ``overall``: one row per preset (index) with ``label``, the counts ``tp, fp, fn, tn``,
    ``flagged_per_1000, true_alarms_per_1000, false_alarms_per_1000, missed_per_1000`` as whole
    people that add up (:func:`csc_dash.tradeoffs.people_counts`, the very numbers the
    Trade-offs page shows at the same line) and the change of each from one threshold for
    everyone (``change_<figure>``, whole people too).

    ``by_group``: one row per (preset, group) with ``preset, label, threshold, n, positives,
    too_few, flagged, fp, fn``, per-1,000 figures within the group (``flagged_per_1000,
    false_alarms_per_1000, missed_per_1000``), the group's ``fpr, fnr, share_flagged``, and
    the change of the per-1,000 figures from one threshold for everyone. A negative change in
    false alarms or children missed is a gain for that group.
    """

    overall: pd.DataFrame
    by_group: pd.DataFrame


_PER_1000 = ("flagged_per_1000", "true_alarms_per_1000", "false_alarms_per_1000", "missed_per_1000")
# Each overall figure's key in tradeoffs.people_counts.
_PEOPLE_KEY = {
    "flagged_per_1000": "flagged",
    "true_alarms_per_1000": "true_alarm",
    "false_alarms_per_1000": "false_alarm",
    "missed_per_1000": "missed",
}


def preset_costs(
    y,
    scores,
    groups,
    *,
    threshold: float,
    presets: Sequence[Preset] = PRESETS,
    adjust_small_groups: bool = False,
) -> PresetCosts:
    """Flagged, false alarms and children missed per 1,000 under each preset, overall and by group.

    Overall figures are whole people (as on the Trade-offs page); figures within a group are
    exact. Changes are measured against ``"single"`` (one threshold for everyone), which is always
    computed. Per-group thresholds come from :func:`preset_thresholds` (small groups keep the
    common threshold unless ``adjust_small_groups``).
    """
    for preset in presets:
        _check_preset(preset)
    y, s = check_inputs(y, scores)
    t = _check_threshold(threshold)
    frame = _group_frame(groups, len(y))
    codes, keys = _codes(frame)
    labels = _labels(keys)
    k = len(keys)
    n_g = np.bincount(codes, minlength=k)
    pos_g = np.bincount(codes, weights=y, minlength=k)
    n = len(y)
    wanted = ["single", *[p for p in presets if p != "single"]]
    overall_rows, group_frames = [], []
    for preset in wanted:
        thresholds = preset_thresholds(
            y, s, frame, preset=preset, threshold=t, adjust_small_groups=adjust_small_groups
        )
        flag = s >= thresholds.to_numpy()[codes]
        flagged_g = np.bincount(codes, weights=flag, minlength=k)
        tp_g = np.bincount(codes, weights=flag & (y == 1), minlength=k)
        fp_g, fn_g = flagged_g - tp_g, pos_g - tp_g
        counts = {
            "tp": int(tp_g.sum()),
            "fp": int(fp_g.sum()),
            "fn": int(fn_g.sum()),
            "tn": int(n - flagged_g.sum() - fn_g.sum()),
        }
        people = people_counts(counts, n=1000)
        overall_rows.append(
            {
                "preset": preset,
                "label": PRESET_LABELS[preset],
                **counts,
                **{column: people[key] for column, key in _PEOPLE_KEY.items()},
            }
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            group = pd.DataFrame(
                {
                    "preset": preset,
                    "label": labels,
                    "threshold": thresholds.to_numpy(),
                    "n": n_g,
                    "positives": pos_g.astype(int),
                    "too_few": (n_g < MIN_REFERRALS) | (pos_g < MIN_ESCALATIONS),
                    "flagged": flagged_g.astype(int),
                    "fp": fp_g.astype(int),
                    "fn": fn_g.astype(int),
                    "flagged_per_1000": 1000.0 * flagged_g / n_g,
                    "false_alarms_per_1000": 1000.0 * fp_g / n_g,
                    "missed_per_1000": 1000.0 * fn_g / n_g,
                    "fpr": np.where(n_g > pos_g, fp_g / (n_g - pos_g), np.nan),
                    "fnr": np.where(pos_g > 0, fn_g / pos_g, np.nan),
                    "share_flagged": flagged_g / n_g,
                },
                index=keys,
            )
        group_frames.append(group)
    overall = pd.DataFrame(overall_rows).set_index("preset")
    for column in _PER_1000:
        overall[f"change_{column}"] = overall[column] - overall.loc["single", column]
    by_group = pd.concat(group_frames)
    single = group_frames[0]
    for column in ("flagged_per_1000", "false_alarms_per_1000", "missed_per_1000"):
        by_group[f"change_{column}"] = by_group[column].to_numpy() - np.tile(
            single[column].to_numpy(), len(wanted)
        )
    keep = [p for p in wanted if p in presets]
    return PresetCosts(
        overall=overall.loc[keep],
        by_group=by_group[by_group["preset"].isin(keep)],
    )


def label_comparison(recorded: pd.DataFrame, need: pd.DataFrame, rate: str) -> pd.DataFrame:
    """One rate per group measured two ways, long form, per 100: the recorded outcome and need.

    ``recorded`` and ``need`` are :func:`group_error_rates` tables for the same referrals,
    scores, groups and threshold, with the recorded ``outcome`` and the true ``need`` as the
    outcome. Columns: ``label, against ("recorded" | "need"), value, low, high, n, too_few``.
    """
    parts = []
    for against, table in (("recorded", recorded), ("need", need)):
        part = per_100(table, rate)
        part.insert(1, "against", against)
        parts.append(part)
    return pd.concat(parts)


# --------------------------------------------------------------------------------------------
# Plain sentences for chart summaries (the page shows them beside each chart)
# --------------------------------------------------------------------------------------------
# They are Markdown: group labels come from the data (an upload's own values), so each one is
# escaped with :func:`_shown` where it enters a sentence.


def _shown(label: object) -> str:
    return markdown_text(label)


def _count_phrase(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool | None:
    """Whether two intervals ``(low, high)`` share any value; None when either is unknown (NaN)."""
    values = np.asarray([*a, *b], dtype=float)
    if np.isnan(values).any():
        return None
    return bool(a[0] <= b[1] and b[0] <= a[1])


def _join(names) -> str:
    """Group names in a sentence; "; " between them, since a pair's label holds a comma."""
    return "; ".join(map(_shown, names))


def describe_rate(table: pd.DataFrame, rate: str, *, what: str) -> str:
    """A short summary of one rate across groups, e.g. for a chart's text alternative.

    ``what`` names the count in plain words, e.g. ``"false alarms"``; values are "in 100". When
    there are two or more groups it names the fewest and the most and says whether their
    intervals overlap (then the gap could be chance).
    """
    frame = per_100(table, rate)
    known = frame[~frame["too_few"] & frame["value"].notna()]
    few = int(frame["too_few"].sum())
    tail = (
        f" {_count_phrase(few, 'group has', 'groups have')} too few referrals to tell."
        if few
        else ""
    )
    if known.empty:
        return f"Every group has too few referrals to tell how many {what} there are."
    if len(known) == 1:
        row = known.iloc[0]
        return f"{_shown(row['label'])}: about {row['value']:.0f} {what} in 100.{tail}"
    low = known.loc[known["value"].idxmin()]
    high = known.loc[known["value"].idxmax()]
    overlap = intervals_overlap((low["low"], low["high"]), (high["low"], high["high"]))
    if overlap is None:
        chance = ""
    elif overlap:
        chance = " Their likely ranges overlap, so the gap between them could be chance."
    else:
        chance = " Their likely ranges do not overlap, so the gap is not likely to be chance alone."
    return (
        f"Fewest {what}: about {low['value']:.0f} in 100, for {_shown(low['label'])}. "
        f"Most {what}: about {high['value']:.0f} in 100, for {_shown(high['label'])}."
        f"{chance}{tail}"
    )


def describe_disparity(table: pd.DataFrame) -> str:
    """A short summary of a :func:`disparity` table.

    A group is called outside the shaded band only when its whole likely range is outside it;
    a group whose best guess is outside but whose range reaches into the band "could be chance".
    """
    ref = table[table["is_reference"]].iloc[0]
    reference = _shown(ref["label"])
    judged = table[~table["too_few"] & ~table["is_reference"] & table["verdict"].notna()]
    if judged.empty:
        return f"Compared with {reference}, no other group has enough referrals to tell."
    verdict = judged["verdict"].astype(str)
    outside = judged.loc[verdict == "outside", "label"].tolist()
    unclear = judged.loc[verdict == "unclear", "label"].tolist()
    if not outside and not unclear:
        return (
            f"Compared with {reference}, every group with enough referrals is inside the "
            "shaded band."
        )
    parts = [f"Compared with {reference},"]
    if outside:
        parts.append(
            f"{'this group is' if len(outside) == 1 else 'these groups are'} outside the shaded "
            f"band, even allowing for chance: {_join(outside)}."
        )
    else:
        parts.append("no group is clearly outside the shaded band.")
    if unclear:
        one = len(unclear) == 1
        parts.append(
            f"{_join(unclear)} {'looks' if one else 'look'} outside it at the best guess, but "
            f"{'its' if one else 'their'} likely range reaches into the band, so this could be "
            "chance."
        )
    return " ".join(parts)


def describe_preset(costs: PresetCosts, preset: Preset) -> str:
    """What a preset changes, in plain words, against one threshold for everyone."""
    _check_preset(preset)
    if preset == "single":
        return "Everyone is judged against the same line. This is the starting point."
    row = costs.overall.loc[preset]

    def change(value: float, one: str, many: str) -> str:
        if value == 0:
            return f"the same number of {many}"
        if abs(value) < 0.5:
            return f"about the same number of {many}"
        word = "more" if value > 0 else "fewer"
        return f"{abs(value):.0f} {word} {one if round(abs(value)) == 1 else many}"

    parts = [
        change(row["change_flagged_per_1000"], "family flagged", "families flagged"),
        change(row["change_false_alarms_per_1000"], "false alarm", "false alarms"),
        change(row["change_missed_per_1000"], "child missed", "children missed"),
    ]
    text = f"For every 1,000 referrals, this means {parts[0]}, {parts[1]} and {parts[2]}."
    groups = costs.by_group[(costs.by_group["preset"] == preset) & ~costs.by_group["too_few"]]
    if not groups.empty:
        missed = groups["change_missed_per_1000"]
        alarms = groups["change_false_alarms_per_1000"]
        if missed.min() <= -0.5:
            best = groups.loc[missed.idxmin()]
            text += (
                f" {_shown(best['label'])} gains most: "
                f"{change(best['change_missed_per_1000'], 'child missed', 'children missed')} "
                "per 1,000."
            )
        if alarms.max() >= 0.5:
            worst = groups.loc[alarms.idxmax()]
            text += (
                f" {_shown(worst['label'])} pays most: "
                f"{change(worst['change_false_alarms_per_1000'], 'false alarm', 'false alarms')} "
                "per 1,000."
            )
    return text


def describe_label_comparison(frame: pd.DataFrame, *, what: str) -> str:
    """Where the recorded outcome and true need disagree most, from :func:`label_comparison`."""
    rec = frame[frame["against"] == "recorded"]
    need = frame[frame["against"] == "need"]
    both = pd.DataFrame(
        {
            "label": rec["label"].to_numpy(),
            "recorded": rec["value"].to_numpy(),
            "need": need["value"].to_numpy(),
            "too_few": rec["too_few"].to_numpy() | need["too_few"].to_numpy(),
        }
    )
    both = both[~both["too_few"] & both["recorded"].notna() & both["need"].notna()]
    if both.empty:
        return "No group has enough referrals to tell."
    gap = (both["recorded"] - both["need"]).abs()
    row = both.loc[gap.idxmax()]
    if round(row["recorded"]) == round(row["need"]):
        return f"The records and true need give about the same number of {what} for every group."
    return (
        f"The biggest gap is for {_shown(row['label'])}: about {row['recorded']:.0f} {what} when we "
        f"check against the records, but {row['need']:.0f} when we check against true need."
    )


def preset_overview(costs: PresetCosts) -> pd.DataFrame:
    """The overall cost of each preset as a small table with plain column names (per 1,000)."""
    o = costs.overall
    return pd.DataFrame(
        {
            "Choice": o["label"].to_numpy(),
            "Flagged": o["flagged_per_1000"].round(0).astype(int).to_numpy(),
            "False alarms": o["false_alarms_per_1000"].round(0).astype(int).to_numpy(),
            "Children missed": o["missed_per_1000"].round(0).astype(int).to_numpy(),
        },
        index=o.index,
    )


def preset_changes(costs: PresetCosts, preset: Preset) -> pd.DataFrame:
    """One preset's rows of ``costs.by_group``: who gains or loses against one threshold."""
    _check_preset(preset)
    rows = costs.by_group[costs.by_group["preset"] == preset]
    if rows.empty:
        raise ValueError(
            UNKNOWN_PRESET.format(preset=preset, choices=", ".join(costs.overall.index))
        )
    return rows
