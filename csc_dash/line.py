"""The line: where a tool's scores are cut, in whole steps a finger can hit.

One home for the rule every page and widget reads. The line is kept as a score threshold (flag
when the score is at or above it) and read on a full sweep (:func:`csc_dash.metrics.threshold_table`):

- a tool with many scores moves in steps of "k in every 1,000 referrals flagged", k = 0..1,000
  (:func:`threshold_for_per_1000`, the same line as step k of :func:`line_steps`);
- a tool with few scores (a 1-10 decile tool) keeps its own scale: "a score of 5 or above";
- a yes/no tool (the current-practice rule, an uploaded 0/1 flag) has one line of its own.

:func:`read_line` turns whatever is kept (nothing yet, an old or out-of-range value) into the
step and the score line every page shows; the browser's copy of the steps comes from
:func:`client_table`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_dash.tradeoffs import (
    check_sweep,
    people_counts,
    threshold_for_count_from_table,
    threshold_row,
)

#: The line a tool is first read at: the top 100 in every 1,000 referrals flagged (10%).
DEFAULT_PER_1000 = 100


# ---------------------------------------------------------------------------------------------
# Score lines read from a sweep


def threshold_for_per_1000(table: pd.DataFrame, per_1000: int) -> float:
    """The lowest score line that flags at most ``per_1000`` of every 1,000 referrals
    (rounded down to whole referrals; ties are never split, so it can flag a few fewer).

    The same line as step ``per_1000`` of :func:`line_steps` on the per-1,000 scale, and as
    :func:`csc_dash.metrics.threshold_for_top_share` at ``per_1000 / 1000``.
    """
    if not 0 <= per_1000 <= 1000:
        raise ValueError(f"The line must flag between 0 and 1,000 in every 1,000; got {per_1000}.")
    return threshold_for_count_from_table(table, count_for_per_1000(table, per_1000))


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
    check_sweep(table)
    cost = table["fp"].to_numpy() + false_alarms_per_child * table["fn"].to_numpy()
    best = np.flatnonzero(cost == cost.min())[-1]
    return float(table["threshold"].iloc[best])


def count_for_per_1000(table: pd.DataFrame, per_1000: int) -> int:
    """How many referrals "``per_1000`` in every 1,000" is for this sweep (rounded down)."""
    check_sweep(table)
    n = int(table["flagged"].iloc[0])
    return int(np.floor(min(max(per_1000, 0), 1000) * n / 1000.0 + 1e-9))


def threshold_bounds(table: pd.DataFrame) -> tuple[float, float]:
    """Slider ends: 0 to 1, widened if a sweep reaches beyond (the 'nobody flagged' line)."""
    check_sweep(table)
    t = table["threshold"].to_numpy()
    return (float(min(0.0, t[0])), float(max(1.0, t[-1])))


def clamp_threshold(threshold: float, bounds: tuple[float, float]) -> float:
    """``threshold`` moved inside the slider's ends, if it was outside."""
    low, high = bounds
    return float(min(max(threshold, low), high))


def is_yes_no(table: pd.DataFrame) -> bool:
    """Whether a tool only says yes or no: its scores take fewer than three distinct values.

    The current-practice rule (0 or 1) is one, and so is an uploaded column of 0/1 flags. Such
    a tool has no line to move: every line between its two scores flags the same referrals.
    ``table`` is a full sweep (every distinct score plus the 'nobody flagged' line).
    """
    check_sweep(table)
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


def read_line(steps: LineSteps, table: pd.DataFrame, kept: float | None) -> tuple[int, float]:
    """The step the line is at and its score line, from the line ``kept`` for the session.

    ``kept`` is ``None`` before the line was first set (then :data:`DEFAULT_PER_1000`), or any
    score line, clamped to the ends (:func:`line_for`) and moved onto the nearest whole step,
    so every page and the plain line agree. A yes/no tool is at its one line whatever is kept.
    """
    if kept is None:
        kept = threshold_for_per_1000(table, DEFAULT_PER_1000)
    step = step_for_threshold(steps, table, line_for(table, kept))
    return step, float(steps.thresholds[step])


# ---------------------------------------------------------------------------------------------
# The line in whole steps: "how many in every 1,000 are flagged", or a tool's own scores


#: A tool with at most this many distinct scores (a 1-10 decile tool, a 0-100 points scale)
#: keeps its own scale: its line is "a score of 5 or above", one step per score.
MAX_SCORE_STEPS = 101

#: Steps of the plain line on the per-1,000 scale: 0, 1, ..., 1,000 flagged in every 1,000.
PER_1000_STEPS = 1001


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
    check_sweep(table)
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


def step_at_most(steps: LineSteps, count: int) -> int:
    """The step flagging the most referrals without flagging more than ``count``."""
    ok = np.flatnonzero(steps.flagged <= count)
    return int(ok[np.argmax(steps.flagged[ok])]) if len(ok) else 0


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


def line_for_cost(steps: LineSteps, table: pd.DataFrame, *, false_alarms_per_child: float) -> float:
    """The line on a whole step that a cost question chooses: the one with the fewest false
    alarms plus ``false_alarms_per_child`` for each child missed, moved onto the nearest step."""
    best = threshold_for_cost_from_table(table, false_alarms_per_child=false_alarms_per_child)
    return snap_threshold(steps, table, best)


def line_for_capacity(
    steps: LineSteps, table: pd.DataFrame, *, per_month: float, months: float
) -> float:
    """The line on a whole step that fits a capacity: it flags the most referrals without
    flagging more than ``per_month`` families a month over ``months`` months."""
    fits = threshold_for_capacity_from_table(table, per_month=per_month, months=months)
    return float(steps.thresholds[step_at_most(steps, int(threshold_row(table, fits)["flagged"]))])


# ---------------------------------------------------------------------------------------------
# The steps as the browser gets them


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
