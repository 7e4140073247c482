"""Trade-offs at a threshold: people per 1,000, the four kinds of referral, and fair comparisons.

Everything here reads a full threshold sweep (:func:`csc_dash.metrics.threshold_table` with
``thresholds=None``), which the app caches once per cohort and model. Reading a sweep is a
binary search or a vector operation, never a new sort, so the Trade-offs page stays quick on
a million referrals. Each ``*_from_table`` function is tested to give exactly what its
counterpart in :mod:`csc_dash.metrics` gives from the raw scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from csc_dash import metrics
from csc_dash.markup import markdown_text

__all__ = [
    "KIND_ORDER",
    "assign_kinds",
    "average_precision_from_table",
    "base_rate",
    "capacity_sentence",
    "clamp_threshold",
    "compare_at_flagged",
    "comparison",
    "comparison_sentence",
    "cost_sentence",
    "fixed_flag_count",
    "icon_grid",
    "icon_sentence",
    "largest_remainder",
    "people_counts",
    "pr_curve_points",
    "pr_sentence",
    "share_flagged",
    "summary_sentence",
    "analyst_row",
    "comparison_table",
    "share_sentence",
    "threshold_bounds",
    "threshold_row",
    "threshold_for_capacity_from_table",
    "threshold_for_cost_from_table",
    "threshold_for_count_from_table",
    "threshold_for_top_share_from_table",
]

#: The four kinds of referral at a threshold (same order as ``csc_dash.charts.KINDS``).
KIND_ORDER = ("true_alarm", "false_alarm", "missed", "not_flagged")
_KIND_COUNTS = {"true_alarm": "tp", "false_alarm": "fp", "missed": "fn", "not_flagged": "tn"}


# ---------------------------------------------------------------------------------------------
# Rounding people so they add up


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


def people_counts(row: Mapping, *, n: int = 1000) -> dict[str, int]:
    """How many of ``n`` people fall in each of the four kinds at one threshold.

    Rounds in two steps so the headline stays honest: first flagged versus not flagged (so
    *flagged* is the nearest whole number to the exact figure), then each side into its two
    kinds. The four counts add up to exactly ``n``, and flagged = true alarms + false alarms.

    Parameters
    ----------
    row
        A row of :func:`csc_dash.metrics.threshold_table` (needs ``tp, fp, fn, tn``).
    n
        How many people to show (1,000 for "per 1,000 referrals", 100 for a small picture).
    """
    tp, fp, fn, tn = (float(row[c]) for c in ("tp", "fp", "fn", "tn"))
    flagged, rest = largest_remainder([tp + fp, fn + tn], n)
    true_alarm, false_alarm = largest_remainder([tp, fp], int(flagged))
    missed, not_flagged = largest_remainder([fn, tn], int(rest))
    return {
        "true_alarm": int(true_alarm),
        "false_alarm": int(false_alarm),
        "missed": int(missed),
        "not_flagged": int(not_flagged),
        "flagged": int(true_alarm + false_alarm),
    }


def icon_grid(counts: Mapping[str, int], *, columns: int = 50) -> pd.DataFrame:
    """One row per person in the icon array: ``x``, ``y`` (row 0 at the top) and ``kind``.

    People are laid out kind by kind in :data:`KIND_ORDER`, left to right, top to bottom.
    """
    if columns < 1:
        raise ValueError(f"columns must be at least 1; got {columns}.")
    kinds = np.repeat(np.array(KIND_ORDER), [max(int(counts[k]), 0) for k in KIND_ORDER])
    i = np.arange(len(kinds))
    return pd.DataFrame({"x": i % columns, "y": i // columns, "kind": kinds})


def assign_kinds(y_true, scores, threshold: float) -> np.ndarray:
    """The kind of each referral at ``threshold`` (flagged when score >= threshold)."""
    y = np.asarray(y_true).astype(bool)
    flagged = np.asarray(scores, dtype=float) >= threshold
    return np.select(
        [flagged & y, flagged & ~y, ~flagged & y],
        ["true_alarm", "false_alarm", "missed"],
        default="not_flagged",
    )


# ---------------------------------------------------------------------------------------------
# Thresholds read from a sweep


def _check_table(table: pd.DataFrame) -> None:
    if len(table) == 0:
        raise ValueError("The threshold table is empty.")


def threshold_for_count_from_table(table: pd.DataFrame, count: int) -> float:
    """The lowest threshold in a full sweep that flags at most ``count`` referrals."""
    _check_table(table)
    flagged = table["flagged"].to_numpy()  # falls as the threshold rises
    i = int(np.searchsorted(-flagged, -count, side="left"))
    return float(table["threshold"].iloc[min(i, len(table) - 1)])


def threshold_for_top_share_from_table(table: pd.DataFrame, share: float) -> float:
    """As :func:`csc_dash.metrics.threshold_for_top_share`, read from a full sweep."""
    if not 0 <= share <= 1:
        raise ValueError(f"The share to flag must be between 0 and 1; got {share}.")
    _check_table(table)
    n = int(table["flagged"].iloc[0] + 0)  # lowest threshold flags everyone
    return threshold_for_count_from_table(table, int(np.floor(share * n + 1e-9)))


def threshold_for_capacity_from_table(
    table: pd.DataFrame, *, per_month: float, months: float
) -> float:
    """As :func:`csc_dash.metrics.threshold_for_capacity`, read from a full sweep."""
    if per_month < 0:
        raise ValueError(f"Capacity must be zero or more families a month; got {per_month}.")
    if months <= 0:
        raise ValueError(f"The referrals must span a positive number of months; got {months}.")
    return threshold_for_count_from_table(table, int(np.floor(per_month * months + 1e-9)))


def threshold_for_cost_from_table(table: pd.DataFrame, *, false_alarms_per_child: float) -> float:
    """As :func:`csc_dash.metrics.threshold_for_cost`, read from a full sweep."""
    if false_alarms_per_child < 0:
        raise ValueError(
            f"The number of false alarms must be zero or more; got {false_alarms_per_child}."
        )
    _check_table(table)
    cost = table["fp"].to_numpy() + false_alarms_per_child * table["fn"].to_numpy()
    best = np.flatnonzero(cost == cost.min())[-1]
    return float(table["threshold"].iloc[best])


def threshold_bounds(table: pd.DataFrame) -> tuple[float, float]:
    """Slider ends: 0 to 1, widened if a sweep reaches beyond (the 'nobody flagged' line)."""
    _check_table(table)
    t = table["threshold"].to_numpy()
    return (float(min(0.0, t[0])), float(max(1.0, t[-1])))


def clamp_threshold(threshold: float, bounds: tuple[float, float]) -> float:
    """``threshold`` moved inside the slider's ends, if it was outside."""
    low, high = bounds
    return float(min(max(threshold, low), high))


def base_rate(table: pd.DataFrame) -> float:
    """Share of referrals that went on to a plan or care (what a random guess would score)."""
    _check_table(table)
    first = table.iloc[0]
    n = float(first["tp"] + first["fp"] + first["fn"] + first["tn"])
    return float(first["tp"] + first["fn"]) / n


def average_precision_from_table(table: pd.DataFrame) -> float:
    """As :func:`csc_dash.metrics.average_precision`, read from a full sweep; NaN if no
    referral went on to a plan or care."""
    _check_table(table)
    recall = table["recall"].to_numpy()[::-1]
    if np.isnan(recall).all():
        return float("nan")
    precision = table["precision"].to_numpy()[::-1]
    gain = np.diff(np.concatenate([[0.0], recall]))
    return float(np.nansum(gain * np.nan_to_num(precision)))


def threshold_row(table: pd.DataFrame, threshold: float) -> pd.Series:
    """The sweep's figures at ``threshold`` (see :func:`csc_dash.metrics.lookup`)."""
    _check_table(table)
    return metrics.lookup(table, threshold)


def share_sentence(row: Mapping) -> str:
    """How many referrals the current line flags, as a count and a per cent."""
    return (
        f"This line flags {int(row['flagged']):,} of "
        f"{int(row['tp'] + row['fp'] + row['fn'] + row['tn']):,} referrals "
        f"({share_flagged(row):.1f}%)."
    )


def share_flagged(row: Mapping) -> float:
    """Per cent of referrals flagged at a row of the sweep."""
    n = float(row["tp"] + row["fp"] + row["fn"] + row["tn"])
    return 100.0 * float(row["flagged"]) / n if n else float("nan")


def fixed_flag_count(table: pd.DataFrame) -> int | None:
    """For a yes/no tool (two distinct scores, like the current-practice rule), how many it flags.

    A rule can only flag one fixed number of referrals; other tools are compared with it at that
    number. ``None`` if the tool has more than two distinct scores or flags everyone or nobody.
    """
    _check_table(table)
    if len(table) != 3:  # two distinct scores plus the 'nobody flagged' line
        return None
    return int(table["flagged"].iloc[1])


def pr_curve_points(table: pd.DataFrame, *, max_points: int = 400) -> pd.DataFrame:
    """Recall and precision along the sweep, thinned to at most ``max_points`` for drawing.

    Rows where nobody is flagged (precision undefined) are left out; the first and last
    defined rows are always kept, so the curve spans the whole range.
    """
    _check_table(table)
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
        One row per tool: ``model, label, threshold`` and the sweep's columns at that threshold.
    """
    if flagged < 0:
        raise ValueError(f"The number flagged must be zero or more; got {flagged}.")
    labels = labels or {}
    rows = []
    for model, table in tables.items():
        t = threshold_for_count_from_table(table, flagged)
        i = min(int(np.searchsorted(table["threshold"].to_numpy(), t, side="left")), len(table) - 1)
        row = table.iloc[i].to_dict()
        row.update(model=model, label=labels.get(model, model), threshold=t)
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
    """The comparison as a table for analysts: counts, rates and per-1,000 figures."""
    out = pd.DataFrame(
        {
            "Tool": frame["label"],
            "Threshold": frame["threshold"].round(4),
            "Flagged": frame["flagged"].astype(int),
            "TP": frame["tp"].astype(int),
            "FP": frame["fp"].astype(int),
            "FN": frame["fn"].astype(int),
            "Precision": frame["precision"].round(3),
            "Recall": frame["recall"].round(3),
            "True alarms per 1,000": frame["true_alarms_per_1000"].round(1),
            "False alarms per 1,000": frame["false_alarms_per_1000"].round(1),
            "Missed per 1,000": frame["missed_per_1000"].round(1),
        }
    )
    return out.reset_index(drop=True)


def analyst_row(row: Mapping, *, n: int) -> pd.DataFrame:
    """The exact figures at one line, for analysts: counts, rates, per-1,000 to one decimal."""

    def pct(v: float) -> str:
        return "undefined" if v != v else f"{v:.3f}"

    items = [
        ("Threshold (flag when score ≥)", f"{float(row['threshold']):.4f}"),
        ("Referrals", f"{n:,}"),
        ("Flagged", f"{int(row['flagged']):,}"),
        ("True positives (flagged, went on to a plan or care)", f"{int(row['tp']):,}"),
        ("False positives (false alarms)", f"{int(row['fp']):,}"),
        ("False negatives (children missed)", f"{int(row['fn']):,}"),
        ("True negatives", f"{int(row['tn']):,}"),
        ("Precision (PPV)", pct(float(row["precision"]))),
        ("Recall (sensitivity)", pct(float(row["recall"]))),
        ("False positive rate", pct(float(row["fpr"]))),
        ("Flagged per 1,000", f"{float(row['flagged_per_1000']):.1f}"),
        ("True alarms per 1,000", f"{float(row['true_alarms_per_1000']):.1f}"),
        ("False alarms per 1,000", f"{float(row['false_alarms_per_1000']):.1f}"),
        ("Missed per 1,000", f"{float(row['missed_per_1000']):.1f}"),
    ]
    return pd.DataFrame(items, columns=["Figure", "Value"])


# ---------------------------------------------------------------------------------------------
# Saying it in words


def _people(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def summary_sentence(counts: Mapping[str, int], *, n: int = 1000) -> str:
    """One plain sentence for the four kinds out of ``n`` referrals (from :func:`people_counts`)."""
    flagged = counts["true_alarm"] + counts["false_alarm"]
    if flagged == 0:
        return (
            f"Out of every {n:,} referrals, the tool would flag none. "
            f"It would miss {_people(counts['missed'], 'child', 'children')} "
            "who went on to a plan or care."
        )
    return (
        f"Out of every {n:,} referrals, the tool would flag {flagged:,}. "
        f"Of these, {counts['true_alarm']:,} went on to a plan or care and "
        f"{counts['false_alarm']:,} would be false alarms. "
        f"It would miss {_people(counts['missed'], 'child', 'children')} "
        "who did go on to a plan or care."
    )


_MARK_WORDS = {
    "true_alarm": ("blue dots", "flagged, went on to a plan or care"),
    "false_alarm": ("orange triangles", "false alarms"),
    "missed": ("red crosses", "children missed"),
    "not_flagged": ("grey rings", "not flagged, no plan or care"),
}


def icon_sentence(counts: Mapping[str, int], *, n: int = 1000) -> str:
    """The icon array in words, naming each mark's colour and shape."""
    parts = [
        f"{counts[k]:,} {_MARK_WORDS[k][0]} ({_MARK_WORDS[k][1]})" for k in KIND_ORDER
    ]
    return f"Each mark is one of {n:,} referrals: " + ", ".join(parts[:-1]) + f" and {parts[-1]}."


def cost_sentence(false_alarms_per_child: float, counts: Mapping[str, int]) -> str:
    """What the line chosen by the cost question would mean, per 1,000 referrals."""
    k = false_alarms_per_child
    return (
        f"If finding one more child is worth {k:g} false alarms to you, the best line flags "
        f"{counts['true_alarm'] + counts['false_alarm']:,} in every 1,000 referrals: "
        f"{counts['true_alarm']:,} who went on to a plan or care, {counts['false_alarm']:,} "
        f"false alarms, and {_people(counts['missed'], 'child', 'children')} missed."
    )


def capacity_sentence(per_month: float, months: float, row: Mapping) -> str:
    """What a capacity of ``per_month`` families means over the referrals shown.

    ``row`` is the sweep's row at the line that fits the capacity.
    """
    flagged = int(row["flagged"])
    return (
        f"In {months:g} months you could look again at up to {per_month * months:,.0f} "
        f"families. The line that fits flags {flagged:,} referrals, "
        f"about {flagged / months:,.0f} a month."
    )


def pr_sentence(*, row: Mapping, average_precision: float, base_rate: float) -> str:
    """One sentence beside the precision–recall curve."""
    found, right = float(row["recall"]), float(row["precision"])
    if found != found or right != right:
        where = "At your line nobody is flagged."
    else:
        where = (
            f"At your line the tool finds {found:.0%} of the children who went on to a plan or "
            f"care, and is right {right:.0%} of the times it flags."
        )
    if average_precision != average_precision:
        score = "No referral went on to a plan or care, so the curve cannot be drawn."
    else:
        score = (
            f"Its average precision is {average_precision:.2f}; a random guess would get about "
            f"{base_rate:.2f}."
        )
    return f"{where} {score}"


def comparison_sentence(frame: pd.DataFrame, *, flagged: int, fixed_by: str | None) -> str:
    """Say how tools compare at the same number flagged, naming the one that finds most.

    Markdown: the tools' names (``frame["label"]`` and ``fixed_by``, as :func:`comparison` gives
    them, raw) are escaped here, since an uploaded file names its own tools.
    """
    if len(frame) == 0:
        return "There are no tools to compare."
    top = frame[frame["tp"] == frame["tp"].max()]
    why = (
        f"{markdown_text(fixed_by)} can only flag one fixed number of referrals ({flagged:,}), "
        "so every tool here flags that many."
        if fixed_by
        else f"Every tool here flags the same number of referrals ({flagged:,})."
    )
    names = [markdown_text(name) for name in top["label"]]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "finds" if len(names) == 1 else "each find"
    return (
        f"{why} With the same number flagged, {who} {verb} the most children who went "
        f"on to a plan or care: {top['true_alarms_per_1000'].iloc[0]:.0f} in every 1,000 referrals."
    )
