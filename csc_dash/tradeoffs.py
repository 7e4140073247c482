"""Trade-offs at a threshold: people per 1,000, the four kinds of referral, and fair comparisons.

Everything here reads a full threshold sweep (:func:`csc_dash.metrics.threshold_table` with
``thresholds=None``), which the app caches once per cohort and model. Reading a sweep is a
binary search or a vector operation, never a new sort, so the Trade-offs page stays quick on
a million referrals. Each ``*_from_table`` function is tested to give exactly what its
counterpart in :mod:`csc_dash.metrics` gives from the raw scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_dash import metrics
from csc_dash.markup import markdown_text

__all__ = [
    "FIGURE_CELLS",
    "LineSteps",
    "MAX_SCORE_STEPS",
    "PER_1000_STEPS",
    "PERSON_WORDS",
    "PICTURE_EACH",
    "PICTURE_PEOPLE",
    "client_table",
    "decode_changes",
    "encode_changes",
    "line_steps",
    "line_words",
    "people_from_client_table",
    "picture_counts",
    "picture_sentence",
    "snap_threshold",
    "step_for_threshold",
    "step_at_most",
    "score_line_text",
    "found_sentence",
    "ranking_sentence",
    "pr_curve_summary",
    "count_for_per_1000",
    "comparison_lines",
    "INTERVAL_ANALYST",
    "INTERVAL_NOTE",
    "KIND_ORDER",
    "MIN_FOR_INTERVAL",
    "PR_ANALYST",
    "YES_NO_PR_ANALYST",
    "analyst_row",
    "assign_kinds",
    "average_precision_from_table",
    "base_rate",
    "capacity_sentence",
    "clamp_threshold",
    "escalated_per_1000",
    "compare_at_flagged",
    "comparison",
    "comparison_sentence",
    "comparison_summary",
    "comparison_table",
    "cost_sentence",
    "fixed_flag_count",
    "icon_grid",
    "icon_sentence",
    "interval_text",
    "is_yes_no",
    "largest_remainder",
    "line_button_help",
    "line_button_label",
    "line_for",
    "people_counts",
    "per_1000",
    "per_1000_intervals",
    "pr_curve_points",
    "pr_sentence",
    "pr_summary",
    "share_flagged",
    "share_sentence",
    "summary_sentence",
    "threshold_bounds",
    "threshold_for_capacity_from_table",
    "threshold_for_cost_from_table",
    "threshold_for_count_from_table",
    "threshold_for_top_share_from_table",
    "threshold_row",
    "tool_phrase",
    "yes_no_pr_summary",
    "yes_no_sentence",
    "yes_no_threshold",
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


def escalated_per_1000(table: pd.DataFrame) -> int:
    """How many in every 1,000 referrals went on to a plan or care, as whole people
    (:func:`per_1000`, the rounding of every "N in every 1,000")."""
    _check_table(table)
    first = table.iloc[0]
    n = float(first["tp"] + first["fp"] + first["fn"] + first["tn"])
    return per_1000(float(first["tp"] + first["fn"]), n)


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


def is_yes_no(table: pd.DataFrame) -> bool:
    """Whether a tool only says yes or no: its scores take fewer than three distinct values.

    The current-practice rule (0 or 1) is one, and so is an uploaded column of 0/1 flags. Such
    a tool has no line to move: every line between its two scores flags the same referrals.
    ``table`` is a full sweep (every distinct score plus the 'nobody flagged' line).
    """
    _check_table(table)
    return len(table) <= 3


def yes_no_threshold(table: pd.DataFrame) -> float:
    """The one line a yes/no tool has: its higher score (flags the referrals it says yes to).

    A tool with a single score says yes to every referral.
    """
    if not is_yes_no(table):
        raise ValueError("This tool has more than two scores, so it has a line to move.")
    return float(table["threshold"].iloc[-2])


def line_for(table: pd.DataFrame, threshold: float) -> float:
    """The line a tool is read at: ``threshold`` (clamped to the slider's ends), or the one
    line of a yes/no tool, which no slider can move."""
    if is_yes_no(table):
        return yes_no_threshold(table)
    return clamp_threshold(threshold, threshold_bounds(table))


def yes_no_sentence(row: Mapping, *, rule: bool) -> str:
    """Why a yes/no tool has no line, and what it flags (``rule``: the current-practice rule)."""
    flagged, n = int(row["flagged"]), int(row["tp"] + row["fp"] + row["fn"] + row["tn"])
    what = (
        "This rule has no line to move: it flags every referral with two or more earlier "
        "referrals."
        if rule
        else "This tool has no line to move: it only says yes or no, and it flags every "
        "referral it says yes to."
    )
    return f"{what} Here that is {flagged:,} of {n:,} referrals ({share_flagged(row):.1f}%)."


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
    pct = _decimal
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
        ("Precision (PPV)", pct(float(row["precision"]))),
        ("Recall (sensitivity)", pct(float(row["recall"]))),
        ("False positive rate", pct(float(row["fpr"]))),
        ("Flagged per 1,000", per("flagged_per_1000", "flagged")),
        ("True alarms per 1,000", per("true_alarms_per_1000", "true_alarm")),
        ("False alarms per 1,000", per("false_alarms_per_1000", "false_alarm")),
        ("Missed per 1,000", per("missed_per_1000", "missed")),
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


#: Each kind's mark (one, many) and what it means (for one, for many), in words.
_MARK_WORDS = {
    "true_alarm": ("blue dot", "blue dots", "was flagged and went on to a plan or care",
                   "were flagged and went on to a plan or care"),
    "false_alarm": ("orange triangle", "orange triangles", "is a false alarm", "are false alarms"),
    "missed": ("red cross", "red crosses", "is a child missed", "are children missed"),
    "not_flagged": ("grey ring", "grey rings", "was not flagged and had no plan or care",
                    "were not flagged and had no plan or care"),
}


def icon_sentence(counts: Mapping[str, int], *, n: int = 1000) -> str:
    """The icon array in words, naming each mark's colour and shape, in short sentences."""
    parts = []
    for kind in KIND_ORDER:
        one, many, is_, are = _MARK_WORDS[kind]
        k = int(counts[kind])
        parts.append(f"{k:,} {one if k == 1 else many} {is_ if k == 1 else are}.")
    return f"Each mark is one referral. There are {n:,} marks. " + " ".join(parts)


def cost_sentence(false_alarms_per_child: float, counts: Mapping[str, int]) -> str:
    """What the line chosen by the cost question would mean, per 1,000 referrals."""
    k = false_alarms_per_child
    return (
        f"Say one more child found is worth {k:g} false alarms to you. Then the best line flags "
        f"{counts['true_alarm'] + counts['false_alarm']:,} in every 1,000 referrals. Of these, "
        f"{counts['true_alarm']:,} went on to a plan or care and {counts['false_alarm']:,} are "
        f"false alarms. {_people(counts['missed'], 'child is', 'children are')} missed."
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


def pr_sentence(
    *, row: Mapping, average_precision: float, base_rate: float, yes_no: bool = False
) -> str:
    """One sentence beside the precision–recall curve (``yes_no``: a tool with no line)."""
    found, right = float(row["recall"]), float(row["precision"])
    if found != found or right != right:
        where = "This tool flags nobody." if yes_no else "At your line nobody is flagged."
    else:
        where = (
            f"{'This tool' if yes_no else 'At your line the tool'} finds {found:.0%} of the "
            f"children who went on to a plan or care, and is right {right:.0%} of the times "
            "it flags."
        )
    if average_precision != average_precision:
        score = "No referral went on to a plan or care, so the curve cannot be drawn."
    else:
        score = (
            f"This tool scores {average_precision:.2f} (average precision). A random guess would "
            f"score about {base_rate:.2f}."
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
        f"{markdown_text(fixed_by)} can only flag one fixed number of referrals ({flagged:,}). "
        "So here every tool flags that many."
        if fixed_by
        else f"Every tool here flags the same number of referrals ({flagged:,})."
    )
    names = [markdown_text(name) for name in top["label"]]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "finds" if len(names) == 1 else "each find"
    return (
        f"{why} Then {who} {verb} the most children who went on to a plan or care: "
        f"{int(top['true_alarm'].iloc[0]):,} in every 1,000 referrals."
    )


def tool_phrase(name: str, *, start: bool = False) -> str:
    """A tool's raw name as it reads inside a sentence (Markdown, escaped here).

    The sample's tools read as "the tick-box data model"; any other name (an upload names its
    own tools) is kept exactly as typed, in quotes: 'the tool "Model A"'. ``start``: at the
    start of a sentence ("The tick-box data model").
    """
    from csc_dash.content.tools import PLAIN_MODEL_NAMES
    from csc_dash.models import MODEL_LABELS

    if name in MODEL_LABELS.values() or name in PLAIN_MODEL_NAMES.values():
        phrase = "the " + name[:1].lower() + name[1:]
    else:
        phrase = f'the tool "{markdown_text(name)}"'
    return "The" + phrase[3:] if start else phrase


def line_button_label(counts: Mapping[str, int]) -> str:
    """The label of a "use this line" button, in the words of the sentence beside it
    (``counts`` from :func:`people_counts` at that line): "Flag 95 in every 1,000"."""
    return f"Flag {int(counts['flagged']):,} in every 1,000"


def line_button_help(counts: Mapping[str, int]) -> str:
    """The tooltip of a "use this line" button."""
    return (
        f"Moves the line so that it flags {int(counts['flagged']):,} in every 1,000 referrals, "
        "on this page and on every other page."
    )


def found_sentence(row: Mapping, *, yes_no: bool = False) -> str:
    """At the line: the share of children found and how often a flag is right, in words."""
    found, right = float(row["recall"]), float(row["precision"])
    if found != found or right != right:
        return "This tool flags nobody." if yes_no else "At your line nobody is flagged."
    return (
        f"{'This tool' if yes_no else 'At your line the tool'} finds {found:.0%} of the "
        f"children who went on to a plan or care, and is right {right:.0%} of the times it flags."
    )


def ranking_sentence(*, average_precision: float, base_rate: float) -> str:
    """How well the scores put referrals in order, at every line at once."""
    if average_precision != average_precision:
        return "No referral went on to a plan or care, so the curve cannot be drawn."
    return (
        f"This tool scores {average_precision:.2f} (average precision). A random guess would "
        f"score about {base_rate:.2f}. The higher the score, the more the tool puts first the "
        "referrals that went on to a plan or care."
    )


def pr_curve_summary() -> str:
    """The precision–recall chart in one sentence (it shows every line, not one)."""
    return (
        "The chart shows every line at once. Across: how many of the children who went on to a "
        "plan or care are found. Up: how often a flag is right. The dashed line is a random guess."
    )


def count_for_per_1000(table: pd.DataFrame, per_1000: int) -> int:
    """How many referrals "``per_1000`` in every 1,000" is for this sweep (rounded down)."""
    _check_table(table)
    n = int(table["flagged"].iloc[0])
    return int(np.floor(min(max(per_1000, 0), 1000) * n / 1000.0 + 1e-9))


def comparison_lines(frame: pd.DataFrame) -> str:
    """Which line each tool is at in the comparison, as a Markdown list (names escaped)."""
    return "\n".join(
        f"- {markdown_text(r['label'])}: its line flags {int(r['flagged_people']):,} in every "
        "1,000 referrals."
        for _, r in frame.iterrows()
    )


def step_at_most(steps: LineSteps, count: int) -> int:
    """The step flagging the most referrals without flagging more than ``count``."""
    ok = np.flatnonzero(steps.flagged <= count)
    return int(ok[np.argmax(steps.flagged[ok])]) if len(ok) else 0


def pr_summary(row: Mapping) -> str:
    """The precision–recall chart in one sentence (its text version)."""
    found, right = float(row["recall"]), float(row["precision"])
    where = (
        "nobody is flagged at your line"
        if found != found or right != right
        else f"the diamond is your line ({found:.0%} of children found, right {right:.0%} of the time)"
    )
    return (
        "The chart shows every line at once. Across: how many of the children who went on to a "
        f"plan or care are found. Up: how often a flag is right. {where[:1].upper() + where[1:]}. "
        "The dashed line is a random guess."
    )


def yes_no_pr_summary(row: Mapping) -> str:
    """The precision–recall chart of a yes/no tool in one sentence: one point, no curve."""
    return (
        "This tool has one point, not a curve: it finds "
        f"{float(row['recall']):.0%} of the children who went on to a plan or care and is right "
        f"{float(row['precision']):.0%} of the times it flags; the dashed line is a random guess."
    )


def comparison_summary(frame: pd.DataFrame) -> str:
    """The side-by-side bars in one sentence: each tool's people per 1,000 (names escaped)."""
    parts = [
        f"{markdown_text(r['label'])}: {int(r['true_alarm']):,} found, "
        f"{int(r['false_alarm']):,} false alarms, {int(r['missed']):,} missed."
        for _, r in frame.iterrows()
    ]
    return "In every 1,000 referrals. " + " ".join(parts)


#: Under the four figures: what "likely between" means, in plain words.
INTERVAL_NOTE = (
    "\"Likely between\" is the range we would expect if we looked at other referrals like these."
)
#: The same, for analysts.
INTERVAL_ANALYST = (
    "Intervals: 95% percentile bootstrap over referrals (2,000 draws, seed 0), drawn from the "
    "multinomial of the four counts, which is what resampling rows does; rounded outwards to "
    "whole people on the plain view. 'Too few to tell' when fewer than 5 referrals fall inside "
    "(or outside) a figure."
)

#: Under the precision–recall chart, for analysts.
PR_ANALYST = (
    "Precision–recall curve from the full threshold sweep (step-wise; thinned to 400 points "
    "for drawing). Average precision equals scikit-learn's average_precision_score; the "
    "dashed line is the base rate, the expected AP of a random score."
)
#: The same for a yes/no tool, which has one operating point and no curve.
YES_NO_PR_ANALYST = (
    "A binary score has one operating point (its precision and recall); every threshold between "
    "its two values gives the same confusion matrix. Average precision of a binary score equals "
    "scikit-learn's average_precision_score; the dashed line is the base rate."
)


# ---------------------------------------------------------------------------------------------
# The line in whole steps: "how many in every 1,000 are flagged", or a tool's own scores

#: A tool with at most this many distinct scores (a 1-10 decile tool, a 0-100 points scale)
#: keeps its own scale: its line is "a score of 5 or above", one step per score.
MAX_SCORE_STEPS = 101
#: Steps of the plain line on the per-1,000 scale: 0, 1, ..., 1,000 flagged in every 1,000.
PER_1000_STEPS = 1001
#: People in the picture; each stands for this many of every 1,000 referrals.
PICTURE_PEOPLE = 100
PICTURE_EACH = 10


@dataclass(frozen=True)
class LineSteps:
    """Every place the plain line can stop, from flagging fewest (step 0) to flagging most.

    ``mode`` is ``"per_1000"`` (step k flags at most k in every 1,000 referrals; ties are never
    split, so a few steps can flag fewer), ``"score"`` (a tool with few distinct scores: one step
    per score, the line reads "a score of 5 or above") or ``"fixed"`` (a yes/no tool: one step).
    ``thresholds`` holds the score line (flag when score >= it) of each step; ``people`` the
    four kinds as whole people of 1,000 (:func:`people_counts`) there.
    """

    mode: str
    thresholds: np.ndarray
    flagged: np.ndarray  # referrals flagged at each step (not per 1,000)
    people: tuple[dict[str, int], ...]
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.thresholds)


def _score_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def line_steps(table: pd.DataFrame) -> LineSteps:
    """The steps of the plain line for a full sweep (:func:`csc_dash.metrics.threshold_table`)."""
    _check_table(table)
    t_all = table["threshold"].to_numpy()
    flagged_all = table["flagged"].to_numpy()
    if is_yes_no(table):
        i = [int(np.searchsorted(t_all, yes_no_threshold(table), side="left"))]
        mode = "fixed"
    elif len(table) <= MAX_SCORE_STEPS + 1:  # distinct scores plus the 'nobody flagged' row
        i = list(range(len(table) - 1, -1, -1))  # highest line (nobody) first
        mode = "score"
    else:
        n = int(flagged_all[0])
        k = np.arange(PER_1000_STEPS)
        counts = np.floor(k * (n / 1000.0) + 1e-9).astype(np.int64)
        i = np.minimum(np.searchsorted(-flagged_all, -counts, side="left"), len(table) - 1)
        mode = "per_1000"
    i = np.asarray(i, dtype=np.intp)
    rows = table.iloc[i]
    people = tuple(people_counts(r) for r in rows[["tp", "fp", "fn", "tn"]].to_dict("records"))
    if mode == "per_1000":
        labels = tuple(f"{p['flagged']:,} in every 1,000" for p in people)
    else:
        top = len(table) - 1  # the 'nobody flagged' row
        labels = tuple(
            "nobody" if j == top and mode == "score" else f"{_score_label(t_all[j])} or above"
            for j in i
        )
    return LineSteps(
        mode=mode,
        thresholds=t_all[i].astype(float),
        flagged=flagged_all[i].astype(np.int64),
        people=people,
        labels=labels,
    )


def step_for_threshold(steps: LineSteps, table: pd.DataFrame, threshold: float) -> int:
    """The step nearest a score line: the one flagging the number of referrals nearest to
    what ``threshold`` flags (the lower step when two are as near)."""
    flagged = int(threshold_row(table, threshold)["flagged"])
    return int(np.argmin(np.abs(steps.flagged - flagged)))


def snap_threshold(steps: LineSteps, table: pd.DataFrame, threshold: float) -> float:
    """``threshold`` moved onto the nearest step, so the plain line and the score line agree."""
    return float(steps.thresholds[step_for_threshold(steps, table, threshold)])


def line_words(steps: LineSteps, step: int) -> str:
    """The line at ``step`` in plain words, for any page that shows it."""
    if steps.mode == "per_1000":
        return f"the line flags {steps.people[step]['flagged']:,} in every 1,000 referrals"
    if steps.mode == "fixed":
        return (
            f"this tool only says yes or no: it flags {steps.people[step]['flagged']:,} "
            "in every 1,000 referrals"
        )
    if steps.labels[step] == "nobody":
        return "the line is above every score, so nobody is flagged"
    return (
        f"the line flags referrals with a score of {steps.labels[step]} "
        f"({steps.people[step]['flagged']:,} in every 1,000 referrals)"
    )


def picture_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """The four kinds as :data:`PICTURE_PEOPLE` people, each standing for
    :data:`PICTURE_EACH` of the 1,000 (:func:`largest_remainder`, so they add up)."""
    cells = largest_remainder([counts[k] for k in KIND_ORDER], PICTURE_PEOPLE)
    return {k: int(c) for k, c in zip(KIND_ORDER, cells, strict=True)}


#: Characters of the step code sent to the browser: one per change of up to 63 (see below).
_CODE = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_CODE_OFFSET = 8  # changes from -8 to 55 take one character


def encode_changes(values: Sequence[int]) -> str:
    """Whole numbers as their changes, one character each (``~d;`` for a big change).

    The per-1,000 table of 1,001 steps fits in about 1 KB this way; the browser decodes it
    with the same rule (:func:`decode_changes` is the reference).
    """
    out, previous = [], 0
    for v in values:
        d = int(v) - previous
        previous = int(v)
        out.append(_CODE[d + _CODE_OFFSET] if 0 <= d + _CODE_OFFSET < len(_CODE) else f"~{d};")
    return "".join(out)


def decode_changes(text: str) -> list[int]:
    """The inverse of :func:`encode_changes`."""
    values, current, i = [], 0, 0
    while i < len(text):
        if text[i] == "~":
            end = text.index(";", i)
            d = int(text[i + 1 : end])
            i = end + 1
        else:
            d = _CODE.index(text[i]) - _CODE_OFFSET
            i += 1
        current += d
        values.append(current)
    return values


def client_table(steps: LineSteps) -> dict:
    """What the browser needs to redraw the figures and the picture at every step, without
    asking the server: flagged and true alarms (people of 1,000) per step, and how many went on
    to a plan or care (the same at every step). The rest follows: false alarms = flagged -
    true alarms; missed = went on - true alarms; not flagged = 1,000 - flagged - missed."""
    escalated = steps.people[0]["escalated"] if steps.people else 0
    out = {
        "mode": steps.mode,
        "flagged": encode_changes([p["flagged"] for p in steps.people]),
        "true_alarm": encode_changes([p["true_alarm"] for p in steps.people]),
        "escalated": int(escalated),
    }
    if steps.mode != "per_1000":
        out["labels"] = list(steps.labels)
    return out


def people_from_client_table(data: Mapping) -> list[dict[str, int]]:
    """The people at every step as the browser works them out from :func:`client_table`."""
    flagged = decode_changes(data["flagged"])
    true_alarm = decode_changes(data["true_alarm"])
    e = int(data["escalated"])
    return [
        {
            "true_alarm": t,
            "false_alarm": f - t,
            "missed": e - t,
            "not_flagged": 1000 - f - e + t,
            "flagged": f,
            "escalated": e,
        }
        for f, t in zip(flagged, true_alarm, strict=True)
    ]


#: Each kind's person in the picture (one, many) and what it means (for one, for many).
PERSON_WORDS = {
    "true_alarm": ("solid blue person", "solid blue people",
                   "stands for referrals that were flagged and went on to a plan or care",
                   "stand for referrals that were flagged and went on to a plan or care"),
    "false_alarm": ("striped brown person", "striped brown people",
                    "stands for false alarms", "stand for false alarms"),
    "missed": ("hollow person with a cross", "hollow people with a cross",
               "stands for children missed", "stand for children missed"),
    "not_flagged": ("thin grey outline", "thin grey outlines",
                    "stands for referrals not flagged that had no plan or care",
                    "stand for referrals not flagged that had no plan or care"),
}


def picture_sentence(picture: Mapping[str, int]) -> str:
    """The people picture in words (``picture`` from :func:`picture_counts`); the browser
    writes the same sentence as the line moves."""
    parts = []
    for kind in KIND_ORDER:
        one, many, is_, are = PERSON_WORDS[kind]
        k = int(picture[kind])
        parts.append(f"{k:,} {one if k == 1 else many} {is_ if k == 1 else are}.")
    return f"Each person stands for {PICTURE_EACH} of the 1,000 referrals. " + " ".join(parts)


def score_line_text(threshold: float) -> str:
    """The score line, for the analyst view only (the plain view speaks of people per 1,000)."""
    return f"Score line: flag when the score is at or above **{float(threshold):.4f}**."
