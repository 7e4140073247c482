"""Trade-offs at a threshold: people per 1,000, the four kinds of referral, and fair comparisons.

Everything here reads a full threshold sweep (:func:`csc_dash.metrics.threshold_table` with
``thresholds=None``), which the app caches once per cohort and model. Reading a sweep is a
binary search or a vector operation, never a new sort, so the Trade-offs page stays quick on
a million referrals. Each ``*_from_table`` function is tested to give exactly what its
counterpart in :mod:`csc_dash.metrics` gives from the raw scores. Where the line is, and its
whole steps, are in :mod:`csc_dash.line`; the sentences in :mod:`csc_dash.content.tradeoffs`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from csc_dash import metrics

# ---------------------------------------------------------------------------------------------
# People per 1,000: rounding so they add up


#: The four kinds of referral at a threshold (same order as ``csc_dash.charts.KINDS``).
KIND_ORDER = ("true_alarm", "false_alarm", "missed", "not_flagged")


def largest_remainder(values: Sequence[float], total: int) -> np.ndarray:
    """Whole numbers in proportion to ``values`` that add up to exactly ``total``.

    Hamilton's method: scale ``values`` to sum to ``total``, take the floor of each, then give
    the people left over to the largest remainders (earlier entries win ties). Every result is
    the floor or the ceiling of its exact share, so it is never more than one away.

    Raises
    ------
    ValueError
        If a value is negative or not finite, or ``total`` is negative.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) == 0:
        raise ValueError("Give at least one value to round.")
    if not np.isfinite(v).all() or (v < 0).any():
        raise ValueError("Values to round must be zero or more and finite.")
    if total < 0:
        raise ValueError(f"The total must be zero or more; got {total}.")
    s = v.sum()
    if total == 0 or s == 0:
        return np.zeros(len(v), dtype=np.int64)
    exact = (v / s) * total  # divide first: total / s can overflow for tiny s
    base = np.floor(exact + 1e-12).astype(np.int64)
    base = np.minimum(base, np.ceil(exact).astype(np.int64))
    left = int(total - base.sum())
    remainder = exact - base
    if left > 0:
        base[np.argsort(-remainder, kind="stable")[:left]] += 1
    elif left < 0:  # only from floating-point error in ``exact``
        base[np.argsort(remainder, kind="stable")[:-left]] -= 1
    return base


def per_1000(count: float, total: float, *, n: int = 1000) -> int:
    """``count`` out of ``total`` as whole people out of ``n``: the nearest whole number
    (halves round up).

    This is the one rounding for "N in every 1,000": :func:`people_counts` keeps both its
    margins (flagged, and went on to a plan or care) equal to it, so a headline such as
    "39 in every 1,000 went on to a plan or care" always matches the icon array.
    """
    if total <= 0:
        raise ValueError(f"The total must be more than zero; got {total}.")
    if not 0 <= count <= total:
        raise ValueError(f"The count must be between 0 and the total ({total}); got {count}.")
    return int(largest_remainder([count, total - count], n)[0])


def share_per_1000(share: float) -> int:
    """A share between 0 and 1 (average precision, say) as a whole number in every 1,000: the
    nearest, halves up, as :func:`per_1000` rounds a count."""
    if not 0 <= share <= 1:
        raise ValueError(f"A share must be between 0 and 1; got {share}.")
    return int(np.floor(share * 1000 + 0.5))


def people_counts(row: Mapping, *, n: int = 1000) -> dict[str, int]:
    """How many of ``n`` people fall in each of the four kinds at one threshold.

    Rounded so that the picture agrees with every headline: *flagged* (true alarms + false
    alarms) and *went on to a plan or care* (true alarms + children missed) are each the nearest
    whole number to their exact share (:func:`per_1000`), the four counts add up to exactly
    ``n``, and each count is within one of its exact share. (A 2 x 2 table has one free cell
    once its margins are fixed: the true alarms; the one nearest to exact is kept.)

    Parameters
    ----------
    row
        A row of :func:`csc_dash.metrics.threshold_table` (needs ``tp, fp, fn, tn``).
    n
        How many people to show (1,000 for "per 1,000 referrals", 100 for a small picture).

    Returns
    -------
    dict
        ``true_alarm, false_alarm, missed, not_flagged`` (adding up to ``n``), ``flagged`` and
        ``escalated`` (went on to a plan or care).
    """
    tp, fp, fn, tn = (float(row[c]) for c in ("tp", "fp", "fn", "tn"))
    total = tp + fp + fn + tn
    if total <= 0 or n == 0:
        cells = np.zeros(4, dtype=np.int64)
    else:
        flagged = per_1000(tp + fp, total, n=n)
        escalated = per_1000(tp + fn, total, n=n)
        exact = np.array([tp, fp, fn, tn]) * (n / total)
        low, high = max(0, flagged + escalated - n), min(flagged, escalated)
        a = np.arange(low, high + 1)
        options = np.stack([a, flagged - a, escalated - a, n - flagged - escalated + a], axis=1)
        worst = np.abs(options - exact).max(axis=1)
        cells = options[np.lexsort((np.abs(a - exact[0]), worst))[0]]
    true_alarm, false_alarm, missed, not_flagged = (int(c) for c in cells)
    return {
        "true_alarm": true_alarm,
        "false_alarm": false_alarm,
        "missed": missed,
        "not_flagged": not_flagged,
        "flagged": true_alarm + false_alarm,
        "escalated": true_alarm + missed,
    }


#: The four per-1,000 figures on Trade-offs and the cells of the 2 x 2 table each one counts.
FIGURE_CELLS = {
    "flagged": ("tp", "fp"),
    "true_alarm": ("tp",),
    "false_alarm": ("fp",),
    "missed": ("fn",),
}

#: Fewer referrals than this in a figure's own cells, or in the rest: too few to tell how sure.
MIN_FOR_INTERVAL = 5


def per_1000_intervals(
    row: Mapping,
    *,
    n_boot: int = 2000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> dict[str, tuple[float, float] | None]:
    """95% percentile-bootstrap intervals of the four per-1,000 figures at one threshold.

    Resampling referrals with replacement and counting the four kinds again is the same as
    drawing the four counts from a multinomial with the observed shares, so the bootstrap runs
    on the four counts alone (microseconds, whatever the number of referrals); the tests check
    it against :func:`csc_dash.metrics.bootstrap_interval` resampling rows. The same ``row`` and
    ``random_state`` always give the same interval.

    Returns
    -------
    dict
        For each key of :data:`FIGURE_CELLS`: ``(low, high)`` per 1,000 referrals, widened if
        need be to hold the exact figure; ``None`` when fewer than :data:`MIN_FOR_INTERVAL`
        referrals are in the figure (or outside it), too few to tell.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}.")
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1; got {n_boot}.")
    cells = ("tp", "fp", "fn", "tn")
    counts = np.array([int(row[c]) for c in cells], dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return dict.fromkeys(FIGURE_CELLS)
    rng = np.random.default_rng(random_state)
    draws = rng.multinomial(total, counts / total, size=n_boot)
    alpha = (1 - confidence) / 2
    out: dict[str, tuple[float, float] | None] = {}
    for figure, parts in FIGURE_CELLS.items():
        idx = [cells.index(p) for p in parts]
        inside = int(counts[idx].sum())
        if min(inside, total - inside) < MIN_FOR_INTERVAL:
            out[figure] = None
            continue
        values = draws[:, idx].sum(axis=1) * (1000.0 / total)
        low, high = np.quantile(values, [alpha, 1 - alpha])
        exact = inside * 1000.0 / total
        out[figure] = (float(min(low, exact)), float(max(high, exact)))
    return out


def interval_text(interval: tuple[float, float] | None) -> str:
    """An interval in words, rounded outwards to whole people: "Likely between 88 and 105"."""
    if interval is None:
        return "Too few to tell how sure we are."
    low, high = interval
    return f"Likely between {int(np.floor(low + 1e-9)):,} and {int(np.ceil(high - 1e-9)):,}."


def assign_kinds(y_true, scores, threshold: float) -> np.ndarray:
    """The kind of each referral at ``threshold`` (flagged when score >= threshold)."""
    y = np.asarray(y_true).astype(bool)
    flagged = np.asarray(scores, dtype=float) >= threshold
    return np.select(
        [flagged & y, flagged & ~y, ~flagged & y],
        ["true_alarm", "false_alarm", "missed"],
        default="not_flagged",
    )


#: People in the picture; each stands for this many of every 1,000 referrals.
PICTURE_PEOPLE = 100

PICTURE_EACH = 10


def picture_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """The four kinds as :data:`PICTURE_PEOPLE` people, each standing for
    :data:`PICTURE_EACH` of the 1,000 (:func:`largest_remainder`, so they add up)."""
    cells = largest_remainder([counts[k] for k in KIND_ORDER], PICTURE_PEOPLE)
    return {k: int(c) for k, c in zip(KIND_ORDER, cells, strict=True)}


# ---------------------------------------------------------------------------------------------
# Reading a sweep


def check_sweep(table: pd.DataFrame) -> None:
    """Raise ``ValueError`` if the sweep has no rows."""
    if len(table) == 0:
        raise ValueError("The threshold table is empty.")


def threshold_for_count_from_table(table: pd.DataFrame, count: int) -> float:
    """The lowest threshold in a full sweep that flags at most ``count`` referrals."""
    check_sweep(table)
    flagged = table["flagged"].to_numpy()  # falls as the threshold rises
    i = int(np.searchsorted(-flagged, -count, side="left"))
    return float(table["threshold"].iloc[min(i, len(table) - 1)])


def threshold_row(table: pd.DataFrame, threshold: float) -> pd.Series:
    """The sweep's figures at ``threshold`` (see :func:`csc_dash.metrics.lookup`)."""
    check_sweep(table)
    return metrics.lookup(table, threshold)


def base_rate(table: pd.DataFrame) -> float:
    """Share of referrals that went on to a plan or care (what a random guess would score)."""
    check_sweep(table)
    first = table.iloc[0]
    n = float(first["tp"] + first["fp"] + first["fn"] + first["tn"])
    return float(first["tp"] + first["fn"]) / n


def escalated_per_1000(table: pd.DataFrame) -> int:
    """How many in every 1,000 referrals went on to a plan or care, as whole people
    (:func:`per_1000`, the rounding of every "N in every 1,000")."""
    check_sweep(table)
    first = table.iloc[0]
    n = float(first["tp"] + first["fp"] + first["fn"] + first["tn"])
    return per_1000(float(first["tp"] + first["fn"]), n)


def fixed_flag_count(table: pd.DataFrame) -> int | None:
    """For a yes/no tool (two distinct scores, like the current-practice rule), how many it flags.

    A rule can only flag one fixed number of referrals; other tools are compared with it at that
    number. ``None`` if the tool has more than two distinct scores or flags everyone or nobody.
    """
    check_sweep(table)
    if len(table) != 3:  # two distinct scores plus the 'nobody flagged' line
        return None
    return int(table["flagged"].iloc[1])


def pr_curve_points(table: pd.DataFrame, *, max_points: int = 400) -> pd.DataFrame:
    """Recall and precision along the sweep, thinned to at most ``max_points`` for drawing.

    Rows where nobody is flagged (precision undefined) are left out; the first and last
    defined rows are always kept, so the curve spans the whole range.
    """
    check_sweep(table)
    defined = np.flatnonzero(table["flagged"].to_numpy() > 0)
    if len(defined) == 0:
        return pd.DataFrame({"threshold": [], "recall": [], "precision": [], "flagged": []})
    take = defined
    if len(defined) > max_points:
        take = defined[np.unique(np.linspace(0, len(defined) - 1, max_points).round().astype(int))]
    out = table.iloc[take][["threshold", "recall", "precision", "flagged"]]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Comparing tools fairly


def compare_at_flagged(
    tables: Mapping[str, pd.DataFrame],
    *,
    flagged: int,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each tool at the threshold that flags at most ``flagged`` referrals.

    Comparing tools at the same number of families flagged is fair: each gets the same
    workload, so the only question is who it picks. Ties in a tool's scores can make it flag
    a few fewer; the ``flagged`` column says how many it really flags.

    Returns
    -------
    pandas.DataFrame
        One row per tool: ``model, label, threshold``, the sweep's columns at that threshold,
        and the same figures as whole people out of 1,000 (:func:`people_counts`):
        ``true_alarm, false_alarm, missed, not_flagged, flagged_people, escalated``.
    """
    if flagged < 0:
        raise ValueError(f"The number flagged must be zero or more; got {flagged}.")
    labels = labels or {}
    rows = []
    for model, table in tables.items():
        t = threshold_for_count_from_table(table, flagged)
        i = min(int(np.searchsorted(table["threshold"].to_numpy(), t, side="left")), len(table) - 1)
        row = table.iloc[i].to_dict()
        people = people_counts(row)
        people["flagged_people"] = people.pop("flagged")
        row.update(model=model, label=labels.get(model, model), threshold=t, **people)
        rows.append(row)
    front = ["model", "label", "threshold"]
    frame = pd.DataFrame(rows)
    return frame[front + [c for c in frame.columns if c not in front]]


def comparison(
    tables: Mapping[str, pd.DataFrame],
    *,
    labels: Mapping[str, str],
    current_flagged: int,
) -> tuple[pd.DataFrame, int, str | None]:
    """Every tool at one number flagged, and which number.

    If a tool can flag only one fixed number (a yes/no rule), every tool is compared at that
    number, and its label is returned as ``fixed_by``. Otherwise the tools are compared at
    ``current_flagged`` (the number flagged at the chosen line) and ``fixed_by`` is ``None``.
    """
    fixed_by, flagged = None, int(current_flagged)
    for model, table in tables.items():
        count = fixed_flag_count(table)
        if count is not None:
            fixed_by, flagged = labels.get(model, model), count
            break
    return compare_at_flagged(tables, flagged=flagged, labels=labels), flagged, fixed_by


def comparison_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison for analysts, one column per tool (so it fits a narrow screen): the
    threshold, counts, rates and per-1,000 figures to one decimal."""
    rows = {
        "Threshold (flag when score ≥)": [f"{t:.4f}" for t in frame["threshold"]],
        "Flagged": [f"{int(v):,}" for v in frame["flagged"]],
        "Precision (PPV)": [_decimal(v) for v in frame["precision"]],
        "Recall (sensitivity)": [_decimal(v) for v in frame["recall"]],
        "True alarms per 1,000": [f"{v:.1f}" for v in frame["true_alarms_per_1000"]],
        "False alarms per 1,000": [f"{v:.1f}" for v in frame["false_alarms_per_1000"]],
        "Missed per 1,000": [f"{v:.1f}" for v in frame["missed_per_1000"]],
    }
    out = pd.DataFrame.from_dict(rows, orient="index", columns=_unique(frame["label"].astype(str)))
    return out.rename_axis("Figure").reset_index()


def _unique(names) -> list[str]:
    """Column names for the tools, numbered if two share a name (a table needs unique ones)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _decimal(v: float) -> str:
    return "undefined" if v != v else f"{v:.3f}"


def analyst_row(
    row: Mapping, *, n: int, intervals: Mapping[str, tuple[float, float] | None] | None = None
) -> pd.DataFrame:
    """The exact figures at one line, for analysts: counts, rates, per-1,000 to one decimal.

    With ``intervals`` (from :func:`per_1000_intervals`) the per-1,000 figures carry their 95%
    bootstrap interval in brackets.
    """
    intervals = intervals or {}

    def per(column: str, figure: str) -> str:
        text = f"{float(row[column]):.1f}"
        if figure in intervals:
            ci = intervals[figure]
            text += " (too few to tell)" if ci is None else f" (95%: {ci[0]:.1f} to {ci[1]:.1f})"
        return text

    items = [
        ("Threshold (flag when score ≥)", f"{float(row['threshold']):.4f}"),
        ("Referrals", f"{n:,}"),
        ("Flagged", f"{int(row['flagged']):,}"),
        ("True positives (flagged, went on to a plan or care)", f"{int(row['tp']):,}"),
        ("False positives (false alarms)", f"{int(row['fp']):,}"),
        ("False negatives (children missed)", f"{int(row['fn']):,}"),
        ("True negatives", f"{int(row['tn']):,}"),
        ("Precision (PPV)", _decimal(float(row["precision"]))),
        ("Recall (sensitivity)", _decimal(float(row["recall"]))),
        ("False positive rate", _decimal(float(row["fpr"]))),
        ("Flagged per 1,000", per("flagged_per_1000", "flagged")),
        ("True alarms per 1,000", per("true_alarms_per_1000", "true_alarm")),
        ("False alarms per 1,000", per("false_alarms_per_1000", "false_alarm")),
        ("Missed per 1,000", per("missed_per_1000", "missed")),
    ]
    return pd.DataFrame(items, columns=["Figure", "Value"])
