"""The room's lines and votes as read from the store, ready for :mod:`room_lines` and :mod:`agreement`.

:func:`room_answers` gives one row per person who said where they would draw the line or how many
false alarms they would accept to find one more child (their latest answer to each; missing when
they did not answer, or said "no line"). :func:`room_votes` gives the votes on the statements
open to the room, with each voter's declared role. People who left are never counted.
:func:`room_summary` lays both out as the facilitator's screen and the export show them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from csc_dash.workshop.agreement import VOTE_COLUMNS, group_agreement
from csc_dash.workshop.answers import LINE_QUESTION, response_rows
from csc_dash.workshop.results import role_order
from csc_dash.workshop.room_lines import line_spread_by_role, spread_by_role
from csc_dash.workshop.rules import READ_UNAVAILABLE, ROLE_TAGS, finite_number
from csc_dash.workshop.store import participants, statements, transaction, unavailable_as, votes

__all__ = [
    "FALSE_ALARMS_QUESTION",
    "ROOM_ANSWER_COLUMNS",
    "room_answers",
    "room_summary",
    "room_votes",
]

#: "To find one more child who needs help, how many false alarms would you accept?"
FALSE_ALARMS_QUESTION = "false_alarms_per_child"
#: ``said_line`` / ``said_false_alarms``: whether the person answered that question at all (a
#: "no line" answer is NaN in ``accepted_per_1000`` and still an answer).
ROOM_ANSWER_COLUMNS = [
    "participant_id",
    "role_tag",
    LINE_QUESTION,
    FALSE_ALARMS_QUESTION,
    "said_line",
    "said_false_alarms",
]
#: Not a declared role: these votes count in no group of the group-informed agreement.
UNDECLARED = "Prefer not to say"
_SAID = {LINE_QUESTION: "said_line", FALSE_ALARMS_QUESTION: "said_false_alarms"}


def _count(value: Any) -> float:
    """A stored whole number as a float; NaN for "no line" or anything that is not a number."""
    number = finite_number(value)
    return np.nan if number is None or number < 0 else float(number)


@unavailable_as(READ_UNAVAILABLE)
def room_answers(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """One row per person who answered either question (:data:`ROOM_ANSWER_COLUMNS`), their
    latest answer to each; NaN where they did not answer it or said "no line"."""
    with transaction(engine) as conn:
        here = {
            row.id
            for row in conn.execute(
                select(participants.c.id).where(
                    participants.c.workshop_id == workshop_id,
                    participants.c.withdrawn_at.is_(None),
                )
            )
        }
    people: dict[int, dict[str, Any]] = {}
    for row in response_rows(engine, workshop_id):  # oldest first: later answers win
        if row["question_id"] not in (LINE_QUESTION, FALSE_ALARMS_QUESTION):
            continue
        if row["participant_id"] not in here:
            continue
        person = people.setdefault(
            row["participant_id"],
            {
                "participant_id": row["participant_id"],
                "role_tag": row["role_tag"],
                LINE_QUESTION: np.nan,
                FALSE_ALARMS_QUESTION: np.nan,
                "said_line": False,
                "said_false_alarms": False,
            },
        )
        person[row["question_id"]] = _count(row["value"])
        person[_SAID[row["question_id"]]] = True
    rows = sorted(people.values(), key=lambda p: (role_order(p["role_tag"]), p["participant_id"]))
    frame = pd.DataFrame(rows, columns=ROOM_ANSWER_COLUMNS)
    return frame.astype(
        {
            LINE_QUESTION: float,
            FALSE_ALARMS_QUESTION: float,
            "said_line": bool,
            "said_false_alarms": bool,
        }
    )


@unavailable_as(READ_UNAVAILABLE)
def room_votes(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """Every vote on a statement open to the room (:data:`agreement.VOTE_COLUMNS`), by people
    still in the workshop."""
    query = (
        select(
            votes.c.statement_id,
            votes.c.participant_id,
            votes.c.choice,
            participants.c.role_tag,
        )
        .join(statements, statements.c.id == votes.c.statement_id)
        .join(participants, participants.c.id == votes.c.participant_id)
        .where(
            statements.c.workshop_id == workshop_id,
            statements.c.approved.is_(True),
            participants.c.withdrawn_at.is_(None),
        )
        .order_by(votes.c.id)
    )
    with transaction(engine) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    return pd.DataFrame(rows, columns=VOTE_COLUMNS)


def room_summary(
    answers: pd.DataFrame,
    cast: pd.DataFrame,
    *,
    statement_ids: list[int],
    counts_at: Callable[[int], Mapping[str, int]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The room's lines by role (with what each middle line means per 1,000 when ``counts_at``
    is given), the false alarms people would accept by role, and group-informed agreement per
    statement over the declared roles that voted (not :data:`UNDECLARED`)."""
    present = [role for role in ROLE_TAGS if role in set(answers["role_tag"])]
    said_line = answers[answers["said_line"].astype(bool)]
    if counts_at is None:
        lines = spread_by_role(said_line, LINE_QUESTION, roles=present)
    else:
        lines = line_spread_by_role(said_line, counts_at, value_column=LINE_QUESTION, roles=present)
    said_count = answers[answers["said_false_alarms"].astype(bool)]
    false_alarms = spread_by_role(said_count, FALSE_ALARMS_QUESTION, roles=present)
    voted = sorted(set(cast["role_tag"].dropna()) - {UNDECLARED}, key=role_order)
    agreement = group_agreement(cast, statement_ids=statement_ids, roles=voted)
    return {"lines": lines, "false_alarms": false_alarms, "agreement": agreement}
