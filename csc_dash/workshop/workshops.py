"""Workshops: opening one with a join code, finding it again, closing and reopening it.

Every function takes the engine from :func:`csc_dash.workshop.store.make_engine` first. A new
workshop is seeded with the statement bank (:mod:`csc_dash.content.statements`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, case, func, insert, select, update
from sqlalchemy import exc as sa_exc

from csc_dash.content.statements import STATEMENT_BANK
from csc_dash.workshop.rules import (
    DEMO_CODE,
    EMPTY_CREATOR,
    READ_UNAVAILABLE,
    SAVE_UNAVAILABLE,
    STATUSES,
    UNKNOWN_STATUS,
    UNKNOWN_WORKSHOP,
    FeedbackError,
    clean_title,
    new_workshop_code,
    normalise_code,
)
from csc_dash.workshop.store import (
    participants,
    responses,
    statements,
    transaction,
    unavailable_as,
    utcnow,
    votes,
    workshops,
)

__all__ = [
    "Workshop",
    "create_workshop",
    "ensure_demo_workshop",
    "find_workshop",
    "get_workshop",
    "list_workshops",
    "set_workshop_status",
    "workshop_version",
]


@dataclass(frozen=True)
class Workshop:
    id: int
    code: str
    title: str
    status: str
    created_by: str
    created_at: datetime

    @classmethod
    def from_row(cls, row) -> Workshop:
        return cls(row.id, row.code, row.title, row.status, row.created_by, row.created_at)


def _seed_bank(conn, workshop_id: int) -> None:
    now = utcnow()
    rows = [
        {
            "workshop_id": workshop_id,
            "text": item.text,
            "source": "bank",
            "bank_id": item.id,
            "proposed_by": None,
            "approved": True,
            "created_at": now,
        }
        for item in STATEMENT_BANK
    ]
    if rows:
        conn.execute(insert(statements), rows)


def _insert_workshop(engine: Engine, *, code: str, title: str, created_by: str) -> Workshop:
    now = utcnow()
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            insert(workshops).values(
                code=code, title=title, status="open", created_by=created_by, created_at=now
            )
        )
        workshop_id = result.inserted_primary_key[0]
        _seed_bank(conn, workshop_id)
    return Workshop(workshop_id, code, title, "open", created_by, now)


@unavailable_as(SAVE_UNAVAILABLE)
def create_workshop(engine: Engine, *, title: str, created_by: str) -> Workshop:
    """Open a new workshop with a fresh 6-character join code, seeded with the statement bank."""
    title = clean_title(title)
    if not str(created_by).strip():
        raise FeedbackError(EMPTY_CREATOR)
    for _attempt in range(20):
        code = new_workshop_code()
        try:
            return _insert_workshop(engine, code=code, title=title, created_by=str(created_by))
        except sa_exc.IntegrityError:
            if find_workshop(engine, code) is None:
                raise  # not a code collision: a real bug
    raise RuntimeError("could not find a free workshop code in 20 attempts")


@unavailable_as(READ_UNAVAILABLE)
def ensure_demo_workshop(engine: Engine) -> Workshop:
    """The local demo workshop (code DEMO), created on first use; safe to call from many sessions."""
    found = find_workshop(engine, DEMO_CODE)
    if found is not None:
        return found
    try:
        return _insert_workshop(engine, code=DEMO_CODE, title="Demo workshop", created_by="demo")
    except sa_exc.IntegrityError:
        found = find_workshop(engine, DEMO_CODE)
        if found is None:
            raise
        return found


@unavailable_as(READ_UNAVAILABLE)
def get_workshop(engine: Engine, workshop_id: int) -> Workshop | None:
    with transaction(engine) as conn:
        row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).first()
    return None if row is None else Workshop.from_row(row)


@unavailable_as(READ_UNAVAILABLE)
def find_workshop(engine: Engine, code: str) -> Workshop | None:
    """The workshop with this join code, however it was typed (spaces, dashes, lower case)."""
    code = normalise_code(code)
    if not code:
        return None
    with transaction(engine) as conn:
        row = conn.execute(select(workshops).where(workshops.c.code == code)).first()
    return None if row is None else Workshop.from_row(row)


@unavailable_as(READ_UNAVAILABLE)
def list_workshops(engine: Engine, *, created_by: str | None = None) -> list[Workshop]:
    """Workshops, newest first: one facilitator's, or all of them (``None``, for an admin)."""
    query = select(workshops).order_by(workshops.c.created_at.desc(), workshops.c.id.desc())
    if created_by is not None:
        query = query.where(workshops.c.created_by == created_by)
    with transaction(engine) as conn:
        return [Workshop.from_row(row) for row in conn.execute(query)]


@unavailable_as(SAVE_UNAVAILABLE)
def set_workshop_status(
    engine: Engine, workshop_id: int, status: Literal["open", "closed"]
) -> None:
    """Close a workshop to new participants, or open it again."""
    if status not in STATUSES:
        raise FeedbackError(UNKNOWN_STATUS)
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(status=status, closed_at=utcnow() if status == "closed" else None)
        )
        if result.rowcount == 0:
            raise FeedbackError(UNKNOWN_WORKSHOP)


def _stats(table, where, *extra):
    return select(func.count(), func.coalesce(func.sum(table.c.id), 0), *extra).where(where)


@unavailable_as(READ_UNAVAILABLE)
def workshop_version(engine: Engine, workshop_id: int) -> tuple:
    """A cheap fingerprint of everything the facilitator's live section shows: it changes when
    anyone joins, leaves, answers, votes (or changes a vote), or a statement is proposed,
    approved or removed, or the workshop opens or closes."""
    approved_ids = case((statements.c.approved.is_(True), statements.c.id), else_=0)
    with transaction(engine) as conn:
        status = conn.scalar(select(workshops.c.status).where(workshops.c.id == workshop_id))
        people = conn.execute(_stats(participants, participants.c.workshop_id == workshop_id)).first()
        answers = conn.execute(_stats(responses, responses.c.workshop_id == workshop_id)).first()
        said = conn.execute(
            _stats(
                statements,
                statements.c.workshop_id == workshop_id,
                func.coalesce(func.sum(approved_ids), 0),
            )
        ).first()
        cast = conn.execute(
            select(func.count(), func.max(votes.c.created_at), func.coalesce(func.sum(votes.c.id), 0))
            .join(statements, statements.c.id == votes.c.statement_id)
            .where(statements.c.workshop_id == workshop_id)
        ).first()
    return (status, *people, *answers, *said, cast[0], str(cast[1]), cast[2])
