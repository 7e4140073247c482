"""The room's lines: where each role would draw the line, and what that line means per 1,000.

Each person may say where they would draw the line (as flagged referrals in every 1,000, or "no
line": no tool at all) and how many false alarms they would accept to find one more child. This
module lays those numbers out by declared role: how many people, how many said "no line", the
lowest, the middle (:func:`middle_answer`: the median as a whole number) and the highest, with
the quarter points once there are enough people, and — for the line — what the middle line means
per 1,000 referrals (flagged, false alarms, children missed) on the tool being discussed.

Spreads are only summaries of what people said: with fewer than :data:`MIN_PEOPLE` answers in a
role the middle is still shown (it is what they said) but marked too few to tell a spread, and
quarter points need :data:`MIN_FOR_QUARTERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

MIN_PEOPLE = 3
MIN_FOR_QUARTERS = 5
EVERYONE = "Everyone"

SPREAD_COLUMNS = [
    "role",
    "people",  # answered this question (a number or "no line")
    "no_line",  # of them, said there should be no line (no tool)
    "lowest",
    "lower_quarter",
    "middle",  # a whole number: middle_answer
    "middle_exact",  # the median itself (x.5 when two answers share the middle), for analysts
    "upper_quarter",
    "highest",
    "too_few",  # fewer than MIN_PEOPLE numbers: the spread means little
    "halfway",  # the middle is halfway between the two answers in the middle (see halfway)
]
MEANING_COLUMNS = ["flagged", "false_alarm", "missed"]


def middle_answer(values: Sequence[float]) -> int:
    """The middle of whole-number answers, as a whole number of referrals (or false alarms).

    With an odd number of answers it is the one in the middle once they are put in order. With
    an even number two share the middle, and it is the point halfway between them, rounded to
    the nearer whole number (a half up): 25 and 60 give 43, never 42.5. This is the one rule for
    "the middle line" on screen, in the report and in the exports (which keep the exact median
    beside it, as ``middle_exact``).
    """
    numbers = np.asarray(values, dtype=float)
    if numbers.size == 0:
        raise ValueError("there is no middle of no answers")
    return int(np.floor(np.median(numbers) + 0.5))


def halfway(values: Sequence[float]) -> bool:
    """Whether the middle of ``values`` is halfway between two different answers (an even
    number of answers, the two in the middle not the same): the words then say so."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = ordered.size
    return bool(n >= 2 and n % 2 == 0 and ordered[n // 2 - 1] != ordered[n // 2])


def _spread(values: np.ndarray) -> dict[str, float]:
    if values.size == 0:
        return dict.fromkeys(
            ["lowest", "lower_quarter", "middle", "middle_exact", "upper_quarter", "highest"],
            np.nan,
        ) | {"halfway": False}
    quarters = values.size >= MIN_FOR_QUARTERS
    return {
        "lowest": float(values.min()),
        "lower_quarter": float(np.percentile(values, 25)) if quarters else np.nan,
        "middle": float(middle_answer(values)),
        "middle_exact": float(np.median(values)),
        "upper_quarter": float(np.percentile(values, 75)) if quarters else np.nan,
        "highest": float(values.max()),
        "halfway": halfway(values),
    }


def spread_by_role(
    answers: pd.DataFrame,
    value_column: str,
    *,
    roles: Sequence[str] = (),
    role_column: str = "role_tag",
) -> pd.DataFrame:
    """One row per role (``roles`` first, in that order, then any others), then :data:`EVERYONE`.

    ``answers`` holds one row per person: their role and a number in ``value_column``, missing
    for "no line". Rows of roles with no answers are left out.
    """
    if value_column not in answers.columns or role_column not in answers.columns:
        raise ValueError(f"answers need the columns {role_column!r} and {value_column!r}")
    values = pd.to_numeric(answers[value_column], errors="coerce")
    if (values.isna() & answers[value_column].notna()).any():
        raise ValueError("each answer is a number, or missing for 'no line'")
    if np.isinf(values).any() or (values < 0).any():
        raise ValueError("a line or a count of false alarms is a number of 0 or more")
    present = list(dict.fromkeys(answers[role_column].dropna()))
    ordered = [role for role in roles if role in present] + [
        role for role in present if role not in roles
    ]
    rows = []
    for role, mask in [
        *((r, answers[role_column] == r) for r in ordered),
        (EVERYONE, answers.index == answers.index),
    ]:
        said = values[mask]
        numbers = said.dropna().to_numpy(dtype=float)
        rows.append(
            {
                "role": role,
                "people": int(mask.sum()),
                "no_line": int(said.isna().sum()),
                **_spread(numbers),
                "too_few": numbers.size < MIN_PEOPLE,
            }
        )
    return pd.DataFrame(rows, columns=SPREAD_COLUMNS)


def line_spread_by_role(
    answers: pd.DataFrame,
    counts_at: Callable[[int], Mapping[str, int]],
    *,
    value_column: str = "accepted_per_1000",
    roles: Sequence[str] = (),
    role_column: str = "role_tag",
) -> pd.DataFrame:
    """:func:`spread_by_role` for the line, with what each role's middle line means per 1,000.

    ``counts_at(k)`` gives the people counts per 1,000 (``flagged``, ``false_alarm``, ``missed``,
    ...) when ``k`` in every 1,000 are flagged (e.g. :func:`csc_dash.tradeoffs.people_counts` on
    the sweep's row for that line) at the middle line, a whole number (:func:`middle_answer`).
    """
    spread = spread_by_role(answers, value_column, roles=roles, role_column=role_column)
    meaning = []
    for middle in spread["middle"]:
        if np.isnan(middle):
            meaning.append(dict.fromkeys(MEANING_COLUMNS, np.nan))
        else:
            counts = counts_at(int(middle))
            meaning.append({column: counts[column] for column in MEANING_COLUMNS})
    return pd.concat([spread, pd.DataFrame(meaning, columns=MEANING_COLUMNS)], axis=1)
