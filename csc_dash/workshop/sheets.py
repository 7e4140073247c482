"""Exports of a workshop as data: CSV for spreadsheets, JSON for analysis.

Everything a participant typed is treated as hostile: a CSV cell that a spreadsheet would run as
a formula is neutralised (:func:`safe_cell`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from csc_dash.workshop.agreement import EXPLORATORY_NOTE, MIN_PEOPLE_FOR_GROUPS, MIN_SEEN
from csc_dash.workshop.decision_store import decision_rows
from csc_dash.workshop.decisions import STATUSES, decision_log
from csc_dash.workshop.readiness_answers import (
    latest_readiness,
    readiness_option_counts,
    readiness_section_counts,
)
from csc_dash.workshop.room_lines import MIN_PEOPLE
from csc_dash.workshop.room_words import Room, read_room, room_rows
from csc_dash.workshop.rules import READ_UNAVAILABLE, UNKNOWN_WORKSHOP, FeedbackError
from csc_dash.workshop.statements import author_label
from csc_dash.workshop.store import (
    SCHEMA_VERSION,
    participants,
    responses,
    statements,
    transaction,
    unavailable_as,
    utcnow,
    votes,
    workshops,
)
from csc_dash.workshop.workshops import get_workshop

__all__ = ["decisions_csv", "responses_csv", "room_lines_csv", "safe_cell", "workshop_json"]

#: First characters that make a spreadsheet read a cell as a formula (with their full-width forms).
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: Control characters that some spreadsheets skip before looking for a formula.
CONTROL_STARTS = frozenset("\t\r\n")


def iso(value: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC, or ``None``."""
    return None if value is None else value.astimezone(UTC).isoformat()


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def safe_cell(value: Any) -> str:
    """The text of one CSV cell, neutralised against spreadsheet formula injection.

    A text starting with ``= + - @`` (after any leading spaces; full-width forms too) or with a
    tab, carriage return or line feed gets a leading apostrophe, so spreadsheets show it as text.
    Numbers are written as numbers; lists and dicts as compact JSON; ``None`` as an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return ""
        return str(value.item() if hasattr(value, "item") else value)
    if isinstance(value, datetime):
        return iso(value) if value.tzinfo else value.isoformat()
    text = _compact(value) if isinstance(value, (Mapping, list, tuple)) else str(value)
    if text[:1] in CONTROL_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def _unpandas(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NaT:
        return None
    return value


def responses_csv(frame: pd.DataFrame) -> bytes:
    """The frame (e.g. :func:`csc_dash.workshop.responses`) as CSV: UTF-8 with a BOM so
    spreadsheets read accents right, every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(column) for column in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([safe_cell(_unpandas(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _export(engine: Engine, workshop_id: int) -> dict[str, Any]:
    with transaction(engine) as conn:
        workshop = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).first()
        if workshop is None:
            raise FeedbackError(UNKNOWN_WORKSHOP)
        people = conn.execute(
            select(participants)
            .where(participants.c.workshop_id == workshop_id)
            .order_by(participants.c.id)
        ).all()
        answers = conn.execute(
            select(responses).where(responses.c.workshop_id == workshop_id).order_by(responses.c.id)
        ).all()
        said = conn.execute(
            select(statements)
            .where(statements.c.workshop_id == workshop_id)
            .order_by(statements.c.id)
        ).all()
        cast = conn.execute(
            select(votes)
            .join(statements, statements.c.id == votes.c.statement_id)
            .where(statements.c.workshop_id == workshop_id)
            .order_by(votes.c.id)
        ).all()
    return {
        "format": "csc-dash workshop export",
        "schema_version": SCHEMA_VERSION,
        "exported_at": iso(utcnow()),
        "workshop": {
            "id": workshop.id,
            "code": workshop.code,
            "title": workshop.title,
            "status": workshop.status,
            "created_by": workshop.created_by,
            "created_at": iso(workshop.created_at),
            "closed_at": iso(workshop.closed_at),
        },
        "participants": [
            {
                "id": row.id,
                "pseudonym": row.pseudonym,
                "role_tag": row.role_tag,
                "consented_at": iso(row.consented_at),
            }
            for row in people
        ],
        "responses": [
            {
                "id": row.id,
                "participant_id": row.participant_id,
                "page": row.page,
                "question_id": row.question_id,
                "value": json.loads(row.value_json),
                "screen_state": json.loads(row.screen_state_json),
                "created_at": iso(row.created_at),
            }
            for row in answers
        ],
        "statements": [
            {
                "id": row.id,
                "text": row.text,
                "source": row.source,
                "bank_id": row.bank_id,
                "proposed_by": row.proposed_by,
                "author": author_label(row.source, row.proposed_by),
                "approved": bool(row.approved),
                "created_at": iso(row.created_at),
            }
            for row in said
        ],
        "votes": [
            {
                "id": row.id,
                "statement_id": row.statement_id,
                "participant_id": row.participant_id,
                "choice": row.choice,
                "created_at": iso(row.created_at),
            }
            for row in cast
        ],
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready rows: NaN as ``None``, numpy numbers as Python numbers."""
    rows = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and math.isnan(value):
                value = None
            clean[key] = value
        rows.append(clean)
    return rows


def _room_block(room: Room) -> dict[str, Any]:
    """Issue 17.3: the room's lines by role, the false alarms people would accept, agreement
    across declared roles and the opinion groups, as the facilitator sees them (one
    :class:`~csc_dash.workshop.room_words.Room`, never worked out again here)."""
    agreement = room.agreement.assign(
        statement=[room.texts.get(i, "") for i in room.agreement["statement_id"]],
        counts=[
            {role: {"agree": agree, "seen": seen} for role, (agree, seen) in counts.items()}
            for counts in room.agreement["counts"]
        ],
    )
    groups = room.opinion_groups
    return {
        "tool": room.tool,
        "min_people_for_a_spread": MIN_PEOPLE,
        "min_seen_for_agreement": MIN_SEEN,
        "lines_by_role": _records(room.lines),
        "false_alarms_by_role": _records(room.false_alarms),
        "group_agreement": _records(agreement),
        "voters": room.voters,
        "min_voters_for_opinion_groups": MIN_PEOPLE_FOR_GROUPS,
        "opinion_groups": None
        if groups is None
        else {
            "note": EXPLORATORY_NOTE,
            "by_role": _records(groups.rename_axis("opinion_group").reset_index()),
        },
    }


def _readiness_block(engine: Engine, workshop_id: int) -> dict[str, Any]:
    """Issue 17.6: the staff readiness self-assessment, as staff see it."""
    latest = latest_readiness(engine, workshop_id)
    return {
        "answers": [
            {"username": user, "saved_at": iso(saved["saved_at"]), "answers": saved["answers"]}
            for user, saved in latest.items()
        ],
        "section_counts": _records(readiness_section_counts(latest)),
        "option_counts": _records(readiness_option_counts(latest)),
    }


@unavailable_as(READ_UNAVAILABLE)
def workshop_json(
    engine: Engine,
    workshop_id: int,
    *,
    counts_at: Callable[[int], Mapping[str, int]] | None = None,
    tool: str | None = None,
) -> bytes:
    """Everything of one workshop as UTF-8 JSON: the workshop, participants (pseudonym, role tag,
    consent time), responses with their screen states, statements and votes; then the decision
    log (you said, we did); the room's lines by role, agreement across roles and opinion groups
    (what each middle line means per 1,000 when ``counts_at`` gives the counts of ``tool``), and
    the staff readiness answers."""
    export = _export(engine, workshop_id)
    export["decisions"] = _decisions_block(engine, workshop_id)
    export["room_lines"] = _room_block(
        read_room(engine, workshop_id, counts_at=counts_at, tool=tool)
    )
    export["readiness"] = _readiness_block(engine, workshop_id)
    return json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")


@unavailable_as(READ_UNAVAILABLE)
def room_lines_csv(
    engine: Engine,
    workshop_id: int,
    *,
    counts_at: Callable[[int], Mapping[str, int]] | None = None,
    tool: str | None = None,
) -> bytes:
    """The room's lines, false alarms, agreement and opinion groups as one spreadsheet
    (:func:`~csc_dash.workshop.room_words.room_rows`), each cell safe against formulas."""
    if get_workshop(engine, workshop_id) is None:
        raise FeedbackError(UNKNOWN_WORKSHOP)
    return responses_csv(room_rows(read_room(engine, workshop_id, counts_at=counts_at, tool=tool)))


# -- you said, we did: the decision log in every export ------------------------------------------


def _decisions_block(engine: Engine, workshop_id: int) -> list[dict[str, Any]]:
    """The workshop's decisions for the JSON export, oldest first, each with what informed it
    (links by kind and id: the ids of the statements and responses in the same export) and every
    version it had, oldest first, with the staff user who made it (``None`` where not kept)."""
    return [
        {
            "id": row["decision_id"],
            "title": row["title"],
            "status": row["status"],
            "status_words": STATUSES[row["status"]],
            "reason": row["reason"],
            "created_by": row["created_by"],
            "decided_at": iso(row["decided_at"]),
            "updated_at": iso(row["updated_at"]),
            "informed_by": [{"kind": link.kind, "item_id": link.item_id} for link in row["links"]],
            "versions": [
                {
                    "title": version["title"],
                    "status": version["status"],
                    "reason": version["reason"],
                    "changed_by": version["changed_by"],
                    "changed_at": iso(version["changed_at"]),
                }
                for version in row["versions"]
            ],
        }
        for row in decision_rows(engine, workshop_id)
    ]


@unavailable_as(READ_UNAVAILABLE)
def decisions_csv(engine: Engine, workshop_id: int) -> bytes:
    """The decision log (:func:`~csc_dash.workshop.decisions.decision_log`) as CSV, each cell
    safe against spreadsheet formulas like every other export."""
    return responses_csv(decision_log(decision_rows(engine, workshop_id)))
