"""You said, we did, in the store: staff record decisions and what informed them; a participant
reads what became of what they said.

The rules for a decision (statuses, plain messages) and the two ways it is read
(:func:`~csc_dash.workshop.decisions.decision_log`, :func:`~csc_dash.workshop.decisions.what_became_of`)
are in :mod:`csc_dash.workshop.decisions`; this module stores and fetches. A decision belongs to a
workshop and links only to that workshop's statements, saved views and answers. A client token
makes a decision sent twice (a double click, a retry after a lost reply) stored once.

Links never outlive what they point to: when a person withdraws or is erased, the links to their
answers and saved views go with them (:mod:`csc_dash.workshop.erasure`); a statement they proposed
that the room voted on stays, written by "a participant who has left".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy import exc as sa_exc

from csc_dash.content.questions import REACTION_LABELS
from csc_dash.workshop.decisions import (
    LINK_KINDS,
    DecisionChanged,
    DecisionError,
    Link,
    clean_decision,
    what_became_of,
)
from csc_dash.workshop.participants import get_participant
from csc_dash.workshop.read_back import answer_words, short
from csc_dash.workshop.rules import (
    READ_UNAVAILABLE,
    SAVE_UNAVAILABLE,
    UNKNOWN_WORKSHOP,
    FeedbackError,
    check_token,
)
from csc_dash.workshop.statements import author_label
from csc_dash.workshop.store import (
    decision_links,
    decision_versions,
    decisions,
    participants,
    responses,
    statements,
    transaction,
    unavailable_as,
    utcnow,
    workshops,
)

__all__ = [
    "CHANGED_MEANWHILE",
    "GONE_LINK",
    "UNKNOWN_DECISION",
    "VIEW_QUESTION",
    "decision_rows",
    "linkable_items",
    "record_decision",
    "said_by",
    "update_decision",
    "what_became_of_participant",
]

#: The question id a "save my view of this screen" answer is stored under: such an answer is a
#: saved view; every other answer is an answer.
VIEW_QUESTION = "reaction"

GONE_LINK = (
    "Something you picked is no longer there. Perhaps the person who said it has left. "
    "Please look at the list again."
)
UNKNOWN_DECISION = "That decision is no longer there. Please look at the list again."
CHANGED_MEANWHILE = (
    "Someone else changed this decision while you were writing. Nothing of yours was saved "
    "yet, and your words are still in the form. Look at the decision as it is now, then save "
    "again if you still want your change."
)


def _kind_of(question_id: str) -> str:
    return "view" if question_id == VIEW_QUESTION else "answer"


def _view_words(page: str, value: Any, page_titles: Mapping[str, str] | None) -> str:
    """A saved view in a few words: which screen, the reaction, and why."""
    screen = (page_titles or {}).get(page, page)
    reaction, reason = (
        (value.get("reaction"), value.get("reason")) if isinstance(value, Mapping) else (value, "")
    )
    words = f"Your view of “{screen}”: {REACTION_LABELS.get(reaction, str(reaction))}"
    return short(f"{words}. {reason}" if reason else words)


def _workshop_exists(conn: Connection, workshop_id: int) -> None:
    if conn.scalar(select(workshops.c.id).where(workshops.c.id == workshop_id)) is None:
        raise FeedbackError(UNKNOWN_WORKSHOP)


def _check_links(conn: Connection, workshop_id: int, links: Iterable[Link]) -> None:
    """Every link points at a statement, view or answer of this workshop that is still there."""
    wanted: dict[str, set[int]] = {kind: set() for kind in LINK_KINDS}
    for link in links:
        wanted[link.kind].add(int(link.item_id))
    if wanted["statement"]:
        found = set(
            conn.scalars(
                select(statements.c.id).where(
                    statements.c.workshop_id == workshop_id,
                    statements.c.id.in_(wanted["statement"]),
                )
            )
        )
        if found != wanted["statement"]:
            raise DecisionError(GONE_LINK)
    said = wanted["view"] | wanted["answer"]
    if said:
        rows = conn.execute(
            select(responses.c.id, responses.c.question_id).where(
                responses.c.workshop_id == workshop_id, responses.c.id.in_(said)
            )
        ).all()
        found_kinds = {(_kind_of(row.question_id), row.id) for row in rows}
        asked = {(kind, item) for kind in ("view", "answer") for item in wanted[kind]}
        if found_kinds != asked:
            raise DecisionError(GONE_LINK)


def _write_links(conn: Connection, decision_id: int, links: Iterable[Link]) -> None:
    conn.execute(delete(decision_links).where(decision_links.c.decision_id == decision_id))
    rows = [
        {"decision_id": decision_id, "kind": link.kind, "item_id": link.item_id} for link in links
    ]
    if rows:
        conn.execute(insert(decision_links), rows)


def _write_version(
    conn: Connection, decision_id: int, cleaned: Mapping, *, changed_by: str, at: datetime
) -> None:
    """Keep what a decision says from now on, who made it so and when."""
    conn.execute(
        insert(decision_versions).values(
            decision_id=decision_id,
            title=cleaned["title"],
            status=cleaned["status"],
            reason=cleaned["reason"],
            changed_by=changed_by,
            changed_at=at,
        )
    )


def _decision_with_token(engine: Engine, client_token: str) -> int | None:
    with transaction(engine) as conn:
        return conn.scalar(select(decisions.c.id).where(decisions.c.client_token == client_token))


@unavailable_as(SAVE_UNAVAILABLE)
def record_decision(
    engine: Engine,
    *,
    workshop_id: int,
    title: object,
    status: object,
    reason: object,
    links: Iterable[Link],
    created_by: str,
    client_token: str,
) -> int:
    """Store a decision and what informed it, in one transaction; returns its id.

    The same ``client_token`` again returns the decision stored the first time and stores
    nothing new. Raises :class:`~csc_dash.workshop.decisions.DecisionError` (a plain message)
    for an empty or long title or reason, an unknown status, or a link to something that is not
    (or no longer) in this workshop; :class:`FeedbackError` for an unknown workshop.
    """
    check_token(client_token)
    cleaned = clean_decision(title, status, reason, links)
    earlier = _decision_with_token(engine, client_token)
    if earlier is not None:
        return earlier
    now = utcnow()
    try:
        with transaction(engine, write=True) as conn:
            _workshop_exists(conn, workshop_id)
            _check_links(conn, workshop_id, cleaned["links"])
            decision_id = conn.execute(
                insert(decisions).values(
                    workshop_id=workshop_id,
                    title=cleaned["title"],
                    status=cleaned["status"],
                    reason=cleaned["reason"],
                    created_by=created_by,
                    created_at=now,
                    updated_at=now,
                    client_token=client_token,
                )
            ).inserted_primary_key[0]
            _write_links(conn, decision_id, cleaned["links"])
            _write_version(conn, decision_id, cleaned, changed_by=created_by, at=now)
    except sa_exc.IntegrityError:
        earlier = _decision_with_token(engine, client_token)
        if earlier is None:
            raise
        return earlier
    return decision_id


@unavailable_as(SAVE_UNAVAILABLE)
def update_decision(
    engine: Engine,
    decision_id: int,
    *,
    workshop_id: int,
    title: object,
    status: object,
    reason: object,
    links: Iterable[Link],
    changed_by: str,
    seen: datetime | None = None,
) -> bool:
    """Change a decision's title, status, reason and links (all of them: the links given replace
    the old ones), in one transaction; returns whether anything changed. A real change keeps a
    new version: what the decision says now, ``changed_by`` (a staff user name) and when.

    ``workshop_id`` is the workshop the person changing it is looking at (one they may see): a
    decision of any other workshop is refused as :data:`UNKNOWN_DECISION`, like one that is not
    there. Saving the same change again (a double click, a retry after a lost reply) changes
    nothing, not even ``updated_at``, which records when the decision last really changed.
    ``seen`` is the ``updated_at`` of the decision the person was changing: if someone else
    changed it since, the change is refused as :data:`CHANGED_MEANWHILE`, so no one's change is
    overwritten unseen. Raises :class:`~csc_dash.workshop.decisions.DecisionError` with a plain
    message as :func:`record_decision` does.
    """
    cleaned = clean_decision(title, status, reason, links)
    with transaction(engine, write=True) as conn:
        found = conn.execute(
            select(
                decisions.c.title, decisions.c.status, decisions.c.reason, decisions.c.updated_at
            ).where(
                decisions.c.id == decision_id, decisions.c.workshop_id == workshop_id
            )
        ).first()
        if found is None:
            raise DecisionError(UNKNOWN_DECISION)
        _check_links(conn, workshop_id, cleaned["links"])
        linked = {
            Link(row.kind, row.item_id)
            for row in conn.execute(
                select(decision_links.c.kind, decision_links.c.item_id).where(
                    decision_links.c.decision_id == decision_id
                )
            )
        }
        same = (found.title, found.status, found.reason) == (
            cleaned["title"],
            cleaned["status"],
            cleaned["reason"],
        )
        if same and linked == set(cleaned["links"]):
            return False
        if seen is not None and found.updated_at != seen:
            raise DecisionChanged(CHANGED_MEANWHILE)
        now = utcnow()
        conn.execute(
            update(decisions)
            .where(decisions.c.id == decision_id, decisions.c.workshop_id == workshop_id)
            .values(
                title=cleaned["title"],
                status=cleaned["status"],
                reason=cleaned["reason"],
                updated_at=now,
            )
        )
        _write_links(conn, decision_id, cleaned["links"])
        _write_version(conn, decision_id, cleaned, changed_by=changed_by, at=now)
    return True


@unavailable_as(READ_UNAVAILABLE)
def decision_rows(engine: Engine, workshop_id: int) -> list[dict[str, Any]]:
    """A workshop's decisions, oldest first, each with ``decision_id``, ``title``, ``status``,
    ``reason``, ``links`` (a list of :class:`Link`), ``decided_at`` (when first recorded),
    ``updated_at``, ``created_by`` (the staff user who recorded it), ``changed_by`` (who made it
    what it is now; ``None`` where that was not kept, before schema version 7) and ``versions``
    (what it said, oldest first, each with ``title``, ``status``, ``reason``, ``changed_by`` and
    ``changed_at``) — what :func:`decisions.decision_log` reads."""
    with transaction(engine) as conn:
        rows = conn.execute(
            select(decisions).where(decisions.c.workshop_id == workshop_id).order_by(decisions.c.id)
        ).all()
        links = conn.execute(
            select(decision_links.c.decision_id, decision_links.c.kind, decision_links.c.item_id)
            .join(decisions, decisions.c.id == decision_links.c.decision_id)
            .where(decisions.c.workshop_id == workshop_id)
            .order_by(decision_links.c.id)
        ).all()
        kept = conn.execute(
            select(decision_versions)
            .join(decisions, decisions.c.id == decision_versions.c.decision_id)
            .where(decisions.c.workshop_id == workshop_id)
            .order_by(decision_versions.c.id)
        ).all()
    by_decision: dict[int, list[Link]] = {}
    for link in links:
        by_decision.setdefault(link.decision_id, []).append(Link(link.kind, link.item_id))
    history: dict[int, list[dict[str, Any]]] = {}
    for version in kept:
        history.setdefault(version.decision_id, []).append(
            {
                "title": version.title,
                "status": version.status,
                "reason": version.reason,
                "changed_by": version.changed_by,
                "changed_at": version.changed_at,
            }
        )
    return [
        {
            "decision_id": row.id,
            "title": row.title,
            "status": row.status,
            "reason": row.reason,
            "links": sorted(
                by_decision.get(row.id, []),
                key=lambda link: (list(LINK_KINDS).index(link.kind), link.item_id),
            ),
            "decided_at": row.created_at,
            "updated_at": row.updated_at,
            "created_by": row.created_by,
            "changed_by": history[row.id][-1]["changed_by"] if row.id in history else None,
            "versions": history.get(row.id, []),
        }
        for row in rows
    ]


@unavailable_as(READ_UNAVAILABLE)
def linkable_items(
    engine: Engine, workshop_id: int, *, page_titles: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """What a decision can link to in this workshop, for staff to pick from: every statement,
    then every saved view and answer (a person's latest for each question, and any earlier one
    a decision already uses). Each item has ``kind``, ``item_id``, ``words`` and ``who`` (the
    name a participant chose and their role, or who wrote a statement)."""
    with transaction(engine) as conn:
        said = conn.execute(
            select(
                statements.c.id, statements.c.text, statements.c.source, statements.c.proposed_by
            )
            .where(statements.c.workshop_id == workshop_id)
            .order_by(statements.c.id)
        ).all()
        answered = conn.execute(
            select(
                responses.c.id,
                responses.c.participant_id,
                responses.c.page,
                responses.c.question_id,
                responses.c.value_json,
                participants.c.pseudonym,
                participants.c.role_tag,
            )
            .join(participants, participants.c.id == responses.c.participant_id)
            .where(responses.c.workshop_id == workshop_id, participants.c.withdrawn_at.is_(None))
            .order_by(responses.c.id)
        ).all()
        used = set(
            conn.scalars(
                select(decision_links.c.item_id)
                .join(decisions, decisions.c.id == decision_links.c.decision_id)
                .where(decisions.c.workshop_id == workshop_id, decision_links.c.kind != "statement")
            )
        )
    items = [
        {
            "kind": "statement",
            "item_id": row.id,
            "words": short(row.text),
            "who": author_label(row.source, row.proposed_by),
        }
        for row in said
    ]
    latest = {(row.participant_id, row.page, row.question_id): row.id for row in answered}
    for row in answered:
        if row.id != latest[(row.participant_id, row.page, row.question_id)] and row.id not in used:
            continue
        kind = _kind_of(row.question_id)
        value = json.loads(row.value_json)
        words = (
            _view_words(row.page, value, page_titles)
            if kind == "view"
            else answer_words(row.question_id, value)
        )
        items.append(
            {
                "kind": kind,
                "item_id": row.id,
                "words": words,
                "who": f"{row.pseudonym} ({row.role_tag})",
            }
        )
    return items


@unavailable_as(READ_UNAVAILABLE)
def said_by(
    engine: Engine, participant_id: int, *, page_titles: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """What one participant said, as :func:`decisions.what_became_of` reads it (``kind``,
    ``item_id``, ``what_you_said``): statements they proposed, their saved views and their
    answers (the latest for each question, and any earlier one a decision uses). Nothing for
    someone who has withdrawn or been erased."""
    person = get_participant(engine, participant_id)
    if person is None:
        return []
    workshop_id = person.workshop_id
    items = [
        item
        for item in linkable_items(engine, workshop_id, page_titles=page_titles)
        if item["kind"] != "statement"
    ]
    with transaction(engine) as conn:
        theirs = set(
            conn.scalars(select(responses.c.id).where(responses.c.participant_id == participant_id))
        )
        proposed = conn.execute(
            select(statements.c.id, statements.c.text)
            .where(statements.c.proposed_by == participant_id)
            .order_by(statements.c.id)
        ).all()
    return [
        {"kind": "statement", "item_id": row.id, "what_you_said": short(row.text)}
        for row in proposed
    ] + [
        {"kind": item["kind"], "item_id": item["item_id"], "what_you_said": item["words"]}
        for item in items
        if item["item_id"] in theirs
    ]


def what_became_of_participant(
    engine: Engine, participant_id: int, *, page_titles: Mapping[str, str] | None = None
):
    """:func:`decisions.what_became_of` for one participant still in their workshop (an empty
    frame for anyone who has withdrawn or been erased: they are never shown)."""
    person = get_participant(engine, participant_id)
    if person is None:
        return what_became_of([], [])
    said = said_by(engine, participant_id, page_titles=page_titles)
    return what_became_of(said, decision_rows(engine, person.workshop_id))
