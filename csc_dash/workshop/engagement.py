"""What the engagement found, for a public record: one workshop's decisions (you said, we did) in
the words the public reads, and how many people took part, never who.

The draft transparency record (:mod:`csc_dash.atrs`) reads an :class:`Engagement`. It holds only
what was written for everyone to read: each decision's title, where it stands, why, what it drew
on (counts of statements, saved views and answers, from
:func:`~csc_dash.workshop.decisions.informed_by`) and the day it was recorded. Never a
participant's name, words or answers, never the staff user who recorded it, never an id that leads
back to a row. How many people took part is a count, and under :data:`MIN_PEOPLE` it is "too few
to tell": in a small workshop a number narrows down who was there.

Who may put which workshop's decisions into a record (:func:`record_workshops`): a facilitator
their own workshops; an admin or an analyst every workshop (decisions are written for the public);
in local demo mode (no accounts) the demo workshop, once it has a decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from csc_dash.workshop.decision_store import decision_rows
from csc_dash.workshop.decisions import decision_log
from csc_dash.workshop.rules import DEMO_CODE, READ_UNAVAILABLE
from csc_dash.workshop.store import decisions, participants, transaction, unavailable_as
from csc_dash.workshop.workshops import Workshop, find_workshop, get_workshop, list_workshops

__all__ = [
    "MIN_PEOPLE",
    "PUBLIC_FIELDS",
    "SEES_EVERY_WORKSHOP",
    "TOO_FEW_PEOPLE",
    "Engagement",
    "engagement_of",
    "engagement_words",
    "people_words",
    "public_decisions",
    "record_workshops",
]

#: Fewer people than this in a workshop: "too few to tell" how many (a count could point at them).
MIN_PEOPLE = 5
TOO_FEW_PEOPLE = f"Too few to tell how many people took part (fewer than {MIN_PEOPLE})."

#: The decision log's columns a public record may hold -> their names in the record.
PUBLIC_FIELDS: dict[str, str] = {
    "title": "decision",
    "status": "status",
    "status_words": "where_it_stands",
    "reason": "why",
    "informed_by": "what_it_drew_on",
    "decided_at": "recorded",
}

#: Roles that may put any workshop's decisions into a record (a facilitator: only their own).
SEES_EVERY_WORKSHOP = frozenset({"admin", "analyst"})


@dataclass(frozen=True)
class Engagement:
    """What one workshop found, as a public record may say it."""

    workshop: str  # the workshop's title, as staff wrote it
    people: int | None  # who took part (joined and still in); None under MIN_PEOPLE
    decisions: tuple[Mapping[str, str], ...]  # public_decisions: newest first

    @property
    def too_few_people(self) -> bool:
        return self.people is None


def people_words(engagement: Engagement) -> str:
    """How many took part, in a sentence: the count, or :data:`TOO_FEW_PEOPLE`."""
    if engagement.people is None:
        return TOO_FEW_PEOPLE
    return f"{engagement.people:,} people took part in one workshop."


def engagement_words(engagement: Engagement) -> str:
    """What goes into the record from this workshop, in two short sentences."""
    n = len(engagement.decisions)
    if not n:
        return f"This workshop has no decisions yet. {people_words(engagement)}"
    said = "1 decision goes" if n == 1 else f"{n:,} decisions go"
    return f"{said} into the record. {people_words(engagement)}"


def public_decisions(rows: Sequence[Mapping]) -> tuple[dict[str, str], ...]:
    """The decision log (:func:`~csc_dash.workshop.decisions.decision_log` of ``rows``, newest
    first) with only :data:`PUBLIC_FIELDS`, as plain strings (the day recorded as YYYY-MM-DD)."""
    log = decision_log(rows)
    out = []
    for row in log.to_dict("records"):
        item = {}
        for column, name in PUBLIC_FIELDS.items():
            value = row[column]
            item[name] = value.date().isoformat() if column == "decided_at" else str(value)
        out.append(item)
    return tuple(out)


def _people(engine: Engine, workshop_id: int) -> int:
    with transaction(engine) as conn:
        return int(
            conn.scalar(
                select(func.count())
                .select_from(participants)
                .where(
                    participants.c.workshop_id == workshop_id,
                    participants.c.withdrawn_at.is_(None),
                )
            )
        )


@unavailable_as(READ_UNAVAILABLE)
def engagement_of(engine: Engine, workshop_id: int) -> Engagement | None:
    """What the workshop found, for a public record; ``None`` for a workshop that is not there."""
    found = get_workshop(engine, workshop_id)
    if found is None:
        return None
    people = _people(engine, workshop_id)
    return Engagement(
        workshop=found.title,
        people=people if people >= MIN_PEOPLE else None,
        decisions=public_decisions(decision_rows(engine, workshop_id)),
    )


def _with_decisions(engine: Engine, found: Iterable[Workshop]) -> list[Workshop]:
    found = list(found)
    with transaction(engine) as conn:
        decided = set(
            conn.scalars(
                select(decisions.c.workshop_id).where(
                    decisions.c.workshop_id.in_([w.id for w in found])
                )
            )
        )
    return [w for w in found if w.id in decided]


@unavailable_as(READ_UNAVAILABLE)
def record_workshops(
    engine: Engine, *, roles: Iterable[str], user: str | None, demo_mode: bool
) -> list[Workshop]:
    """The workshops whose decisions this person may put into a transparency record, newest
    first: every workshop for an admin or an analyst, a facilitator's own, nothing for anyone
    else; in local demo mode the demo workshop if it has a decision (it is never made here)."""
    if demo_mode:
        demo = find_workshop(engine, DEMO_CODE)
        return [] if demo is None else _with_decisions(engine, [demo])
    roles = frozenset(roles)
    if roles & SEES_EVERY_WORKSHOP:
        return list_workshops(engine)
    if "facilitator" in roles and user:
        return list_workshops(engine, created_by=user)
    return []
