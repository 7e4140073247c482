"""Statements the room votes on (agree / disagree / pass), and the votes.

A workshop starts with the statement bank; the facilitator can add statements, and participants
can propose them for the facilitator to approve. A person's latest vote on a statement replaces
the earlier one; a client token per vote makes a retry count once. A person can also take their
vote back (:func:`take_back_vote`): the vote is deleted, so it counts nowhere. How the room voted
is in :mod:`csc_dash.workshop.results`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine, and_, case, delete, func, insert, select, update
from sqlalchemy import exc as sa_exc

from csc_dash.workshop.participants import home_of
from csc_dash.workshop.rules import (
    AUTHOR_LEFT,
    CHOICES,
    CLOSED_FOR_ANSWERS,
    NOT_A_PARTICIPANT,
    READ_UNAVAILABLE,
    SAVE_UNAVAILABLE,
    SOURCES,
    STATEMENT_ELSEWHERE,
    STATEMENT_NOT_OPEN,
    UNKNOWN_CHOICE,
    UNKNOWN_SOURCE,
    UNKNOWN_STATEMENT,
    UNKNOWN_WORKSHOP,
    FeedbackError,
    WorkshopClosed,
    check_token,
    clean_statement,
)
from csc_dash.workshop.store import (
    participants,
    statements,
    token_stored,
    transaction,
    unavailable_as,
    utcnow,
    votes,
    workshops,
)

__all__ = [
    "AUTHORS",
    "Statement",
    "add_statement",
    "approve_statement",
    "author_label",
    "list_statements",
    "participant_votes",
    "reject_statement",
    "statements_version",
    "take_back_vote",
    "vote",
]

#: Who wrote a statement, as the facilitator and the exports say it.
AUTHORS = {"bank": "the question bank", "facilitator": "the facilitator", "participant": "a participant"}


@dataclass(frozen=True)
class Statement:
    id: int
    workshop_id: int
    text: str
    source: str
    approved: bool
    proposed_by: int | None

    @classmethod
    def from_row(cls, row) -> Statement:
        return cls(row.id, row.workshop_id, row.text, row.source, bool(row.approved), row.proposed_by)

    @property
    def author_left(self) -> bool:
        """A participant wrote it and has since left (their name is no longer attached)."""
        return self.source == "participant" and self.proposed_by is None


def author_label(source: str, proposed_by: int | None) -> str:
    """Who wrote a statement, never by name: "a participant", or :data:`AUTHOR_LEFT` once the
    participant who proposed it has left the workshop."""
    if source == "participant" and proposed_by is None:
        return AUTHOR_LEFT
    return AUTHORS.get(source, source)


@unavailable_as(SAVE_UNAVAILABLE)
def add_statement(
    engine: Engine,
    *,
    workshop_id: int,
    text: str,
    source: str,
    proposed_by: int | None = None,
    approved: bool = False,
    client_token: str | None = None,
) -> Statement:
    """Add a statement to vote on (a participant's waits for the facilitator's approval).

    A participant (``proposed_by``) cannot add one once the workshop is closed
    (:data:`CLOSED_FOR_ANSWERS`); the facilitator still can. With a ``client_token`` (a
    participant's proposal), sending it again (a Retry after a lost reply, a double click)
    returns the statement stored the first time and stores nothing new.
    """
    if source not in SOURCES:
        raise FeedbackError(UNKNOWN_SOURCE)
    cleaned = clean_statement(text)
    if client_token is not None:
        check_token(client_token)
        earlier = _statement_with_token(engine, client_token)
        if earlier is not None:
            return earlier
    try:
        return _insert_statement(
            engine, workshop_id, cleaned, source, proposed_by, approved, client_token
        )
    except sa_exc.IntegrityError:
        earlier = _statement_with_token(engine, client_token) if client_token else None
        if earlier is None:
            raise
        return earlier


def _statement_with_token(engine: Engine, client_token: str) -> Statement | None:
    with transaction(engine) as conn:
        row = conn.execute(
            select(
                statements.c.id,
                statements.c.workshop_id,
                statements.c.text,
                statements.c.source,
                statements.c.approved,
                statements.c.proposed_by,
            ).where(statements.c.client_token == client_token)
        ).first()
    return None if row is None else Statement(row[0], row[1], row[2], row[3], bool(row[4]), row[5])


def _insert_statement(
    engine: Engine,
    workshop_id: int,
    cleaned: str,
    source: str,
    proposed_by: int | None,
    approved: bool,
    client_token: str | None,
) -> Statement:
    with transaction(engine, write=True) as conn:
        status = conn.scalar(select(workshops.c.status).where(workshops.c.id == workshop_id))
        if status is None:
            raise FeedbackError(UNKNOWN_WORKSHOP)
        if proposed_by is not None:
            home = conn.scalar(
                select(participants.c.workshop_id).where(
                    participants.c.id == proposed_by, participants.c.withdrawn_at.is_(None)
                )
            )
            if home != workshop_id:
                raise FeedbackError(NOT_A_PARTICIPANT)
            if status != "open":
                raise WorkshopClosed(CLOSED_FOR_ANSWERS)
        result = conn.execute(
            insert(statements).values(
                workshop_id=workshop_id,
                text=cleaned,
                source=source,
                bank_id=None,
                proposed_by=proposed_by,
                approved=bool(approved),
                created_at=utcnow(),
                client_token=client_token,
            )
        )
        statement_id = result.inserted_primary_key[0]
    return Statement(statement_id, workshop_id, cleaned, source, bool(approved), proposed_by)


@unavailable_as(SAVE_UNAVAILABLE)
def approve_statement(engine: Engine, statement_id: int, *, approved: bool = True) -> None:
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            update(statements)
            .where(statements.c.id == statement_id)
            .values(approved=bool(approved))
        )
        if result.rowcount == 0:
            raise FeedbackError(UNKNOWN_STATEMENT)


@unavailable_as(SAVE_UNAVAILABLE)
def reject_statement(engine: Engine, statement_id: int) -> None:
    """Remove a statement (a participant's proposal the facilitator turns down) and its votes."""
    with transaction(engine, write=True) as conn:
        conn.execute(delete(votes).where(votes.c.statement_id == statement_id))
        result = conn.execute(delete(statements).where(statements.c.id == statement_id))
        if result.rowcount == 0:
            raise FeedbackError(UNKNOWN_STATEMENT)


@unavailable_as(READ_UNAVAILABLE)
def list_statements(
    engine: Engine, workshop_id: int, *, approved_only: bool = True
) -> list[Statement]:
    query = select(statements).where(statements.c.workshop_id == workshop_id)
    if approved_only:
        query = query.where(statements.c.approved.is_(True))
    with transaction(engine) as conn:
        return [Statement.from_row(row) for row in conn.execute(query.order_by(statements.c.id))]


def _vote_once(engine, participant_id, statement_id, choice, client_token) -> None:
    with transaction(engine, write=True) as conn:
        row = conn.execute(
            select(statements.c.workshop_id, statements.c.approved).where(
                statements.c.id == statement_id
            )
        ).first()
        if row is None:
            raise FeedbackError(UNKNOWN_STATEMENT)
        home = home_of(conn, participant_id)
        if home.workshop_id != row.workshop_id:
            raise FeedbackError(STATEMENT_ELSEWHERE)
        if home.status != "open":
            raise WorkshopClosed(CLOSED_FOR_ANSWERS)
        if not row.approved:
            raise FeedbackError(STATEMENT_NOT_OPEN)
        values = {"choice": choice, "client_token": client_token, "created_at": utcnow()}
        result = conn.execute(
            update(votes)
            .where(
                votes.c.statement_id == statement_id,
                votes.c.participant_id == participant_id,
                # A twin of this very vote that committed meanwhile is left alone (then the
                # insert below fails on the unique pair and the twin is recognised).
                votes.c.client_token != client_token,
            )
            .values(**values)
        )
        if result.rowcount == 0:
            conn.execute(
                insert(votes).values(
                    statement_id=statement_id, participant_id=participant_id, **values
                )
            )


@unavailable_as(SAVE_UNAVAILABLE)
def vote(
    engine: Engine,
    *,
    participant_id: int,
    statement_id: int,
    choice: Literal["agree", "disagree", "pass"],
    client_token: str,
) -> bool:
    """Record a vote; a participant's latest vote on a statement replaces the earlier one.

    Returns ``False`` (and changes nothing) if this ``client_token`` is already stored.
    """
    if choice not in CHOICES:
        raise FeedbackError(UNKNOWN_CHOICE)
    check_token(client_token)
    if token_stored(engine, votes, client_token):
        return False
    for attempt in range(2):
        try:
            _vote_once(engine, participant_id, statement_id, choice, client_token)
            return True
        except sa_exc.IntegrityError:
            if token_stored(engine, votes, client_token):
                return False
            if attempt:
                raise
            # Two first votes at once (PostgreSQL): the other one inserted; now update it.
    raise AssertionError("unreachable")


@unavailable_as(SAVE_UNAVAILABLE)
def take_back_vote(
    engine: Engine, *, participant_id: int, statement_id: int, client_token: str
) -> bool:
    """Take back a participant's vote on a statement: the vote is deleted, so the results, the
    agreement across roles and every export no longer count it. Returns whether a vote was there.

    Taking back a vote that is not there (sent again after a lost reply, or a second time)
    changes nothing, so a Retry with the same ``client_token`` is safe. Like a vote, it is
    refused once the workshop is closed (:data:`CLOSED_FOR_ANSWERS`), for a statement of another
    workshop, or for someone who has left. A statement that no longer exists has no votes left
    to take back.
    """
    check_token(client_token)
    with transaction(engine, write=True) as conn:
        home = home_of(conn, participant_id)
        workshop_id = conn.scalar(
            select(statements.c.workshop_id).where(statements.c.id == statement_id)
        )
        if workshop_id is None:
            return False
        if workshop_id != home.workshop_id:
            raise FeedbackError(STATEMENT_ELSEWHERE)
        if home.status != "open":
            raise WorkshopClosed(CLOSED_FOR_ANSWERS)
        result = conn.execute(
            delete(votes).where(
                votes.c.statement_id == statement_id, votes.c.participant_id == participant_id
            )
        )
    return result.rowcount > 0


@unavailable_as(READ_UNAVAILABLE)
def participant_votes(engine: Engine, participant_id: int) -> dict[int, str]:
    """statement id -> the participant's stored vote, to show their votes when they come back."""
    with transaction(engine) as conn:
        rows = conn.execute(
            select(votes.c.statement_id, votes.c.choice).where(
                votes.c.participant_id == participant_id
            )
        ).all()
    return {row.statement_id: row.choice for row in rows}


@unavailable_as(READ_UNAVAILABLE)
def statements_version(engine: Engine, workshop_id: int) -> tuple:
    """A cheap fingerprint of the statements open to the room: it changes when one is approved,
    hidden or removed, or when its author leaves (it then reads "Written by a participant who
    has left"); a page redraws its statements only then."""
    approved = statements.c.approved.is_(True)
    author_left = and_(statements.c.source == "participant", statements.c.proposed_by.is_(None))
    with transaction(engine) as conn:
        row = conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(statements.c.id), 0),
                func.max(statements.c.id),
                func.coalesce(func.sum(case((author_left, 1), else_=0)), 0),
            ).where(statements.c.workshop_id == workshop_id, approved)
        ).first()
    return tuple(row)
