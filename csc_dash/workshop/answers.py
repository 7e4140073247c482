"""Answers: one person's answer to one question, stored with the screen that prompted it.

A client token per answer on screen (:func:`new_client_token`) makes a double submit, or a retry
after a failed write, store the answer exactly once. What the room's answers add up to is in
:mod:`csc_dash.workshop.results`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, exists, insert, select
from sqlalchemy import exc as sa_exc

from csc_dash.workshop.participants import get_participant, home_of
from csc_dash.workshop.rules import (
    CLOSED_FOR_ANSWERS,
    NOT_A_PARTICIPANT,
    NOT_STORABLE,
    READ_UNAVAILABLE,
    SAVE_UNAVAILABLE,
    FeedbackError,
    WorkshopClosed,
    check_key,
    check_text_lengths,
    check_token,
    encode,
)
from csc_dash.workshop.store import (
    participants,
    responses,
    token_stored,
    transaction,
    unavailable_as,
    utcnow,
)

__all__ = [
    "ANSWER_LINE",
    "LEGACY_LINE_QUESTION",
    "LINE_QUESTION",
    "RESPONSE_COLUMNS",
    "latest_answers",
    "response_exists",
    "response_rows",
    "save_response",
]

#: "Where would you draw the line?": how many of every 1,000 referrals a person would accept
#: being flagged (a whole number, or None for "no line"); the score line it maps to is stored in
#: the answer's screen state under ANSWER_LINE. Answers stored before version 3 asked for the
#: score line itself, under LEGACY_LINE_QUESTION.
LINE_QUESTION = "accepted_per_1000"
LEGACY_LINE_QUESTION = "accepted_threshold"
ANSWER_LINE = "answer_threshold"

#: The columns of a workshop's answers, one row per stored answer (see :func:`response_rows`).
RESPONSE_COLUMNS = [
    "response_id",
    "participant_id",
    "pseudonym",
    "role_tag",
    "page",
    "question_id",
    "value",
    "screen_state",
    "created_at",
]


@unavailable_as(SAVE_UNAVAILABLE)
def save_response(
    engine: Engine,
    *,
    participant_id: int,
    page: str,
    question_id: str,
    value: Any,
    screen_state: dict,
    client_token: str,
) -> bool:
    """Store one answer with the screen that prompted it, in one transaction.

    Returns ``True`` if the answer was stored now and ``False`` if this ``client_token`` was
    stored before (a double submit, or a retry after an acknowledgement was lost).

    Raises
    ------
    FeedbackError
        If the value is not JSON-serialisable, a text is longer than 2,000 characters, the
        participant has withdrawn, or the workshop is closed (:data:`CLOSED_FOR_ANSWERS`).
    StoreUnavailable
        If the database could not be reached; nothing was stored, retry with the same token.
    """
    check_token(client_token)
    check_key(page)
    check_key(question_id)
    if not isinstance(screen_state, Mapping):
        raise FeedbackError(NOT_STORABLE)
    check_text_lengths(value)
    value_json = encode(value)
    state_json = encode(dict(screen_state))
    if token_stored(engine, responses, client_token):
        return False
    try:
        with transaction(engine, write=True) as conn:
            home = home_of(conn, participant_id)
            if home.status != "open":
                raise WorkshopClosed(CLOSED_FOR_ANSWERS)
            conn.execute(
                insert(responses).values(
                    participant_id=participant_id,
                    workshop_id=home.workshop_id,
                    page=page,
                    question_id=question_id,
                    value_json=value_json,
                    screen_state_json=state_json,
                    client_token=client_token,
                    created_at=utcnow(),
                )
            )
    except sa_exc.IntegrityError:
        if token_stored(engine, responses, client_token):
            return False
        if get_participant(engine, participant_id) is None:
            raise FeedbackError(NOT_A_PARTICIPANT) from None
        raise
    return True


@unavailable_as(READ_UNAVAILABLE)
def latest_answers(engine: Engine, participant_id: int) -> dict[tuple[str, str], Any]:
    """(page, question_id) -> the participant's latest answer, to fill in forms again."""
    query = (
        select(responses.c.page, responses.c.question_id, responses.c.value_json)
        .where(responses.c.participant_id == participant_id)
        .order_by(responses.c.id)
    )
    with transaction(engine) as conn:
        return {
            (row.page, row.question_id): json.loads(row.value_json) for row in conn.execute(query)
        }


@unavailable_as(READ_UNAVAILABLE)
def response_exists(engine: Engine, response_id: int) -> bool:
    """Whether the answer or saved view ``response_id`` is still stored (not withdrawn or
    erased): what is on screen of a person who has left must go too."""
    with transaction(engine) as conn:
        return bool(conn.scalar(select(exists().where(responses.c.id == response_id))))


def response_rows(engine: Engine, workshop_id: int) -> list[dict[str, Any]]:
    """Every stored answer of a workshop, oldest first, as dicts keyed by
    :data:`RESPONSE_COLUMNS`, with values and screen states decoded."""
    query = (
        select(
            responses.c.id.label("response_id"),
            responses.c.participant_id,
            participants.c.pseudonym,
            participants.c.role_tag,
            responses.c.page,
            responses.c.question_id,
            responses.c.value_json,
            responses.c.screen_state_json,
            responses.c.created_at,
        )
        .join(participants, participants.c.id == responses.c.participant_id)
        .where(responses.c.workshop_id == workshop_id)
        .order_by(responses.c.id)
    )
    with transaction(engine) as conn:
        rows = conn.execute(query).all()
    return [
        {
            "response_id": row.response_id,
            "participant_id": row.participant_id,
            "pseudonym": row.pseudonym,
            "role_tag": row.role_tag,
            "page": row.page,
            "question_id": row.question_id,
            "value": json.loads(row.value_json),
            "screen_state": json.loads(row.screen_state_json),
            "created_at": row.created_at,
        }
        for row in rows
    ]
