"""The bootstrap behind every interval of a group's rate (vectorised, no loop of confusion matrices).

The referrals of a group are sorted by score once and collapsed into cells of equal score and
outcome; each draw is a vector of cell counts (``bincount`` of resampled rows, or one multinomial
draw over the cells), and every count and the average precision come from cumulative sums over
those cells. On a big upload a group with many distinct scores is drawn over coarse cells (its
score range in 1,000 steps, flagged and not flagged apart): every count and rate at the threshold
keeps its exact bootstrap distribution; only average precision's draws see ties within a step merged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_dash.fairness.rates import RATES
from csc_dash.metrics import average_precision, check_inputs

_CONFIDENCE = 0.95
_CELLS_FOR_MULTINOMIAL = 256  # below this many distinct cells, draw cell counts directly
_CHUNK_ELEMENTS = 2_000_000  # draws x cells per block, to keep memory near 16 MB
#: Up to this many draws x referrals (all groups), rows are resampled one by one; above it, a
#: group with many distinct scores is resampled over coarse cells (:func:`_coarse_cells`).
_EXACT_ROW_DRAWS = 25_000_000
_COARSE_LEVELS = 1000  # coarse cells: the scores' range in this many steps


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


def average_precision_interval(
    y_true, scores, *, n_boot: int = 1000, random_state: int = 0, exact: float | None = None
) -> tuple[float, float]:
    """95% bootstrap interval of average precision for everyone, by the cells above.

    The same draws as :func:`csc_dash.fairness.group_error_rates` makes for one group: cell
    counts from a multinomial (or rows resampled, when that is cheap), over coarse cells (the
    scores' range in 1,000 steps) when the referrals times the draws pass
    :data:`_EXACT_ROW_DRAWS`; no sort of the referrals then, one ``bincount``. The interval
    is widened if need be to hold ``exact`` (default :func:`csc_dash.metrics.average_precision`).
    ``(nan, nan)`` when nobody went on to a plan or care, or when fewer than half the draws
    have anyone who did. Tested against resampling rows one by one.
    """
    y, s = check_inputs(y_true, scores)
    if not y.any():
        return (np.nan, np.nan)
    if exact is None:
        exact = average_precision(y, s)
    rng = np.random.default_rng(random_state)
    if len(y) * n_boot <= _EXACT_ROW_DRAWS:
        cells = _cells(y, s, np.inf)
        by_cells = len(cells.count) <= _CELLS_FOR_MULTINOMIAL
    else:
        low = float(s.min())
        cells = _coarse_cells(y, s, np.inf, low, (float(s.max()) - low) / _COARSE_LEVELS or 1.0)
        by_cells = True
    draws = _bootstrap_draws(cells, n_boot, rng, by_cells=by_cells)["average_precision"]
    low_, high_ = _intervals(draws[None, :], np.array([exact]))
    return (float(low_[0]), float(high_[0]))
