"""Participants: joining under a made-up name, coming back (join token or rejoin code), kept
settings, and leaving a shared laptop.

A join token (in the participant's address bar) and a client token per join make a double
click or a retry join once. A rejoin code is stored only as a salted, slow hash; tries are
counted per workshop and name before the code is checked. Withdrawing and erasing are in
:mod:`csc_dash.workshop.erasure`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy import exc as sa_exc

from csc_dash.workshop.rules import (
    CLOSED_WORKSHOP,
    EMPTY_REJOIN,
    MAX_TOKEN,
    MIN_JOIN_TOKEN,
    NOT_A_PARTICIPANT,
    NOT_STORABLE,
    READ_UNAVAILABLE,
    REJOIN_LENGTH,
    REJOIN_MAX_TRIES,
    REJOIN_PAUSED,
    REJOIN_WINDOW,
    ROLE_TAGS,
    SAVE_UNAVAILABLE,
    TAKEN_PSEUDONYM,
    UNKNOWN_CODE,
    UNKNOWN_ROLE,
    WRONG_REJOIN,
    FeedbackError,
    RejoinPaused,
    check_token,
    clean_pseudonym,
    clean_settings,
    encode,
    hash_rejoin_code,
    new_join_token,
    normalise_code,
    rejoin_code_matches,
)
from csc_dash.workshop.store import (
    participants,
    rejoin_attempts,
    transaction,
    unavailable_as,
    utcnow,
    workshops,
)
from csc_dash.workshop.workshops import find_workshop

__all__ = [
    "Participant",
    "find_participant_by_token",
    "get_participant",
    "home_of",
    "join_workshop",
    "list_participants",
    "participant_settings",
    "rejoin",
    "rejoin_subject",
    "revoke_join_token",
    "save_settings",
    "set_rejoin_code",
]


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: int
    pseudonym: str
    role_tag: str
    consented_at: datetime

    @classmethod
    def from_row(cls, row) -> Participant:
        return cls(row.id, row.workshop_id, row.pseudonym, row.role_tag, row.consented_at)


def rejoin_subject(workshop_id: int, pseudonym_key: str) -> str:
    """Who rejoin tries are counted against: a hash of the workshop and the case-folded name."""
    return hashlib.sha256(f"{workshop_id}\x00{pseudonym_key}".encode()).hexdigest()


def _present(engine: Engine, where) -> Participant | None:
    """The participant matching ``where`` who has not withdrawn or been erased, or ``None``."""
    with transaction(engine) as conn:
        row = conn.execute(
            select(participants).where(where, participants.c.withdrawn_at.is_(None))
        ).first()
    return None if row is None else Participant.from_row(row)


def _participant_by_token(engine: Engine, token: str) -> Participant | None:
    return _present(engine, participants.c.client_token == token)


def home_of(conn, participant_id: int):
    """Inside a write: the workshop a participant is in and its status (``workshop_id``,
    ``status``), or :class:`FeedbackError` (:data:`NOT_A_PARTICIPANT`) once they have left."""
    home = conn.execute(
        select(participants.c.workshop_id, workshops.c.status)
        .join(workshops, workshops.c.id == participants.c.workshop_id)
        .where(participants.c.id == participant_id, participants.c.withdrawn_at.is_(None))
    ).first()
    if home is None:
        raise FeedbackError(NOT_A_PARTICIPANT)
    return home


@unavailable_as(SAVE_UNAVAILABLE)
def join_workshop(
    engine: Engine,
    *,
    code: str,
    pseudonym: str,
    role_tag: str,
    client_token: str,
    rejoin_code: str | None = None,
) -> Participant:
    """Join a workshop under a pseudonym, recording consent now.

    The same ``client_token`` always gives the same participant, so a double click or a retry
    never makes two. ``rejoin_code`` (from :func:`new_rejoin_code`, shown to the person) is
    stored only as a salted hash; with it and their name they can come back (:func:`rejoin`).
    """
    check_token(client_token)
    existing = _participant_by_token(engine, client_token)
    if existing is not None:
        return existing
    if role_tag not in ROLE_TAGS:
        raise FeedbackError(UNKNOWN_ROLE)
    shown, key = clean_pseudonym(pseudonym)
    workshop = find_workshop(engine, code)
    if workshop is None:
        raise FeedbackError(UNKNOWN_CODE)
    now = utcnow()
    try:
        with transaction(engine, write=True) as conn:
            # Checked again inside the write: a twin submit may have committed meanwhile.
            twin = conn.execute(
                select(participants).where(participants.c.client_token == client_token)
            ).first()
            if twin is not None:
                return Participant.from_row(twin)
            status = conn.scalar(select(workshops.c.status).where(workshops.c.id == workshop.id))
            if status is None:
                raise FeedbackError(UNKNOWN_CODE)
            if status != "open":
                raise FeedbackError(CLOSED_WORKSHOP)
            holder = conn.execute(
                select(participants).where(
                    participants.c.workshop_id == workshop.id,
                    participants.c.pseudonym_key == key,
                )
            ).first()
            if holder is not None:
                if holder.client_token == client_token:  # the twin committed in between
                    return Participant.from_row(holder)
                raise FeedbackError(TAKEN_PSEUDONYM)
            result = conn.execute(
                insert(participants).values(
                    workshop_id=workshop.id,
                    pseudonym=shown,
                    pseudonym_key=key,
                    role_tag=role_tag,
                    consented_at=now,
                    client_token=client_token,
                    rejoin_hash=None if rejoin_code is None else hash_rejoin_code(rejoin_code),
                )
            )
            participant_id = result.inserted_primary_key[0]
    except sa_exc.IntegrityError:
        # A concurrent submit of the same form, or someone taking the name at the same moment.
        existing = _participant_by_token(engine, client_token)
        if existing is not None:
            return existing
        raise FeedbackError(TAKEN_PSEUDONYM) from None
    return Participant(participant_id, workshop.id, shown, role_tag, now)


@unavailable_as(READ_UNAVAILABLE)
def get_participant(engine: Engine, participant_id: int) -> Participant | None:
    """The participant, or ``None`` once they have withdrawn or been erased."""
    return _present(engine, participants.c.id == participant_id)


@unavailable_as(READ_UNAVAILABLE)
def find_participant_by_token(engine: Engine, token: str) -> Participant | None:
    """The participant who joined with this join token (to rejoin after a reload), or ``None``.

    ``None`` too once they have withdrawn or been erased, and for any token shorter than
    :data:`MIN_JOIN_TOKEN` or longer than a stored token can be, which is never looked up.
    """
    if not isinstance(token, str) or not MIN_JOIN_TOKEN <= len(token) <= MAX_TOKEN:
        return None
    return _participant_by_token(engine, token)


@unavailable_as(READ_UNAVAILABLE)
def list_participants(engine: Engine, workshop_id: int) -> list[Participant]:
    """Everyone in a workshop (not withdrawn or erased), in the order they joined."""
    query = (
        select(participants)
        .where(participants.c.workshop_id == workshop_id, participants.c.withdrawn_at.is_(None))
        .order_by(participants.c.id)
    )
    with transaction(engine) as conn:
        return [Participant.from_row(row) for row in conn.execute(query)]


@unavailable_as(SAVE_UNAVAILABLE)
def revoke_join_token(engine: Engine, participant_id: int, token: str) -> None:
    """"Not you? Leave this laptop": the join token this browser holds (also in its history, as
    ``?p=``) no longer leads to the participant. Their answers and rejoin code stay.

    Only ``token`` is revoked: if the person has meanwhile come back elsewhere with their rejoin
    code (a new token), that browser keeps working.
    """
    if not isinstance(token, str) or not token:
        return
    with transaction(engine, write=True) as conn:
        conn.execute(
            update(participants)
            .where(participants.c.id == participant_id, participants.c.client_token == token)
            .values(client_token=new_join_token())  # held by no one
        )


@unavailable_as(SAVE_UNAVAILABLE)
def set_rejoin_code(engine: Engine, participant_id: int, rejoin_code: str) -> None:
    """Give a participant a new rejoin code (the old one stops working); only its hash is kept."""
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            update(participants)
            .where(participants.c.id == participant_id, participants.c.withdrawn_at.is_(None))
            .values(rejoin_hash=hash_rejoin_code(rejoin_code))
        )
        if result.rowcount == 0:
            raise FeedbackError(NOT_A_PARTICIPANT)


def _record_rejoin_attempt(engine: Engine, workshop_id: int, subject: str) -> int:
    """Record one try (before the code is checked) and return the tries in the window."""
    now = utcnow()
    with transaction(engine, write=True) as conn:
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.attempted_at < now - REJOIN_WINDOW))
        conn.execute(
            insert(rejoin_attempts).values(workshop_id=workshop_id, subject=subject, attempted_at=now)
        )
    with transaction(engine) as conn:
        return conn.scalar(
            select(func.count()).where(
                rejoin_attempts.c.subject == subject,
                rejoin_attempts.c.attempted_at >= now - REJOIN_WINDOW,
            )
        )


@unavailable_as(SAVE_UNAVAILABLE)
def rejoin(
    engine: Engine, *, code: str, pseudonym: str, rejoin_code: str, client_token: str
) -> Participant:
    """Come back as oneself with the workshop code, one's made-up name and one's rejoin code.

    ``client_token`` (a fresh :func:`new_join_token`) becomes the person's join token; the one
    they held before stops working. Every try is recorded before the code is checked; after
    :data:`REJOIN_MAX_TRIES` tries for one name within :data:`REJOIN_WINDOW`, tries are refused
    (:class:`RejoinPaused`) without checking. A wrong name and a wrong code get the same message
    and cost the same work.
    """
    check_token(client_token)
    rejoin_code = normalise_code(rejoin_code or "")
    if not rejoin_code:
        raise FeedbackError(EMPTY_REJOIN)
    workshop = find_workshop(engine, code)
    if workshop is None:
        raise FeedbackError(UNKNOWN_CODE)
    _shown, key = clean_pseudonym(pseudonym)
    subject = rejoin_subject(workshop.id, key)
    if _record_rejoin_attempt(engine, workshop.id, subject) > REJOIN_MAX_TRIES:
        raise RejoinPaused(REJOIN_PAUSED)
    with transaction(engine) as conn:
        row = conn.execute(
            select(participants).where(
                participants.c.workshop_id == workshop.id,
                participants.c.pseudonym_key == key,
                participants.c.withdrawn_at.is_(None),
            )
        ).first()
    stored = None if row is None else row.rejoin_hash
    if len(rejoin_code) > 4 * REJOIN_LENGTH or not rejoin_code_matches(rejoin_code, stored):
        raise FeedbackError(WRONG_REJOIN)
    with transaction(engine, write=True) as conn:
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.subject == subject))
        conn.execute(
            update(participants).where(participants.c.id == row.id).values(client_token=client_token)
        )
    return Participant.from_row(row)


@unavailable_as(SAVE_UNAVAILABLE)
def save_settings(engine: Engine, participant_id: int, settings: Mapping[str, Any]) -> None:
    """Keep a participant's line, tool, view and bias, to restore when they come back.

    Only the keys in :data:`SETTING_KEYS` are kept (see :func:`clean_settings`).
    """
    if not isinstance(settings, Mapping):
        raise FeedbackError(NOT_STORABLE)
    with transaction(engine, write=True) as conn:
        conn.execute(
            update(participants)
            .where(participants.c.id == participant_id, participants.c.withdrawn_at.is_(None))
            .values(settings_json=encode(clean_settings(settings)))
        )


@unavailable_as(READ_UNAVAILABLE)
def participant_settings(engine: Engine, participant_id: int) -> dict[str, Any]:
    """The settings kept by :func:`save_settings` (empty if none were kept)."""
    with transaction(engine) as conn:
        stored = conn.scalar(
            select(participants.c.settings_json).where(participants.c.id == participant_id)
        )
    if not stored:
        return {}
    try:
        loaded = json.loads(stored)
    except ValueError:
        return {}
    return clean_settings(loaded) if isinstance(loaded, Mapping) else {}
