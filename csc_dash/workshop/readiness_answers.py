"""The council readiness self-assessment in the store: one answer set per workshop and staff user.

Each save is checked by :func:`csc_dash.workshop.readiness.clean_answers` and stored as a new row
with its client token (a save sent twice, or a retry after a lost reply, is stored once); the
latest row per user is their answer set. The rows go when the workshop is erased
(:mod:`csc_dash.workshop.erasure`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy import exc as sa_exc

from csc_dash.workshop.readiness import (
    BY_ID,
    NONE_OF_THESE,
    answer_rows,
    clean_answers,
    option_counts,
    section_counts,
)
from csc_dash.workshop.rules import (
    READ_UNAVAILABLE,
    SAVE_UNAVAILABLE,
    UNKNOWN_WORKSHOP,
    FeedbackError,
    check_token,
    encode,
)
from csc_dash.workshop.store import (
    readiness_answers,
    token_stored,
    transaction,
    unavailable_as,
    utcnow,
    workshops,
)

__all__ = [
    "NO_USER",
    "READINESS_ROW_COLUMNS",
    "latest_readiness",
    "readiness_option_counts",
    "readiness_rows",
    "readiness_section_counts",
    "save_readiness",
]

NO_USER = "Please sign in as staff to save this form."
READINESS_ROW_COLUMNS = ["username", "saved_at", "section", "question_id", "question", "answer"]


@unavailable_as(SAVE_UNAVAILABLE)
def save_readiness(
    engine: Engine,
    *,
    workshop_id: int,
    username: str,
    answers: Mapping[str, Any],
    client_token: str,
) -> bool:
    """Check and store one staff user's answer set for a workshop.

    Returns ``True`` if stored now, ``False`` if this ``client_token`` was stored before.
    Raises :class:`~csc_dash.workshop.readiness.ReadinessError` (a :class:`FeedbackError`-like
    ``ValueError`` with a plain message) for an answer that cannot be stored,
    :class:`FeedbackError` for a missing user or workshop, and ``StoreUnavailable`` when the
    database cannot be reached (nothing stored: retry with the same token).
    """
    check_token(client_token)
    if not isinstance(username, str) or not username.strip() or len(username) > 100:
        raise FeedbackError(NO_USER)
    answers_json = encode(clean_answers(answers))
    if token_stored(engine, readiness_answers, client_token):
        return False
    try:
        with transaction(engine, write=True) as conn:
            found = conn.execute(
                select(workshops.c.id).where(workshops.c.id == workshop_id)
            ).first()
            if found is None:
                raise FeedbackError(UNKNOWN_WORKSHOP)
            conn.execute(
                insert(readiness_answers).values(
                    workshop_id=workshop_id,
                    username=username,
                    answers_json=answers_json,
                    saved_at=utcnow(),
                    client_token=client_token,
                )
            )
    except sa_exc.IntegrityError:
        if token_stored(engine, readiness_answers, client_token):
            return False
        raise
    return True


def _as_now(answers: dict[str, Any]) -> dict[str, Any]:
    """A stored answer set as saves store it now: an empty "choose any" list (an older save) is
    "None of these", so every reader sees one form of it."""
    return {
        question_id: [NONE_OF_THESE]
        if value == [] and question_id in BY_ID and BY_ID[question_id].kind == "many"
        else value
        for question_id, value in answers.items()
    }


@unavailable_as(READ_UNAVAILABLE)
def latest_readiness(engine: Engine, workshop_id: int) -> dict[str, dict[str, Any]]:
    """Staff user -> ``{"answers": ..., "saved_at": ...}``, their latest save, users in name order."""
    query = (
        select(
            readiness_answers.c.username,
            readiness_answers.c.answers_json,
            readiness_answers.c.saved_at,
        )
        .where(readiness_answers.c.workshop_id == workshop_id)
        .order_by(readiness_answers.c.id)
    )
    with transaction(engine) as conn:
        rows = conn.execute(query).all()
    latest = {
        row.username: {"answers": _as_now(json.loads(row.answers_json)), "saved_at": row.saved_at}
        for row in rows  # oldest first: later saves win
    }
    return dict(sorted(latest.items()))


def readiness_rows(latest: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Every user's answers, question by question in form order (for the export)."""
    frames = [
        answer_rows(saved["answers"]).assign(username=username, saved_at=saved["saved_at"])
        for username, saved in latest.items()
    ]
    if not frames:
        return pd.DataFrame(columns=READINESS_ROW_COLUMNS)
    return pd.concat(frames, ignore_index=True)[READINESS_ROW_COLUMNS]


def readiness_section_counts(latest: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """:func:`~csc_dash.workshop.readiness.section_counts` over every user's latest answers."""
    return section_counts(saved["answers"] for saved in latest.values())


def readiness_option_counts(latest: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """:func:`~csc_dash.workshop.readiness.option_counts` over every user's latest answers: each
    answer to the questions with a list, with "None of these" and "Not answered" apart."""
    return option_counts(saved["answers"] for saved in latest.values())
