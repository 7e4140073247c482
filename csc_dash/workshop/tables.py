"""The workshop store's tables (SQLAlchemy 2 Core): what is kept, column by column.

Every table shares one :data:`metadata`. :mod:`csc_dash.workshop.store` makes the engine, creates
these tables, records the schema version and migrates older databases; the functions the app
calls live in the other modules of :mod:`csc_dash.workshop`. Column sizes are the limits of
:mod:`csc_dash.workshop.rules`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from csc_dash.workshop.rules import (
    CHOICES,
    DECISION_LINK_KINDS,
    DECISION_STATUSES,
    MAX_CODE,
    MAX_CREATOR,
    MAX_KEY,
    MAX_PSEUDONYM,
    MAX_ROLE_TAG,
    MAX_STATEMENT,
    MAX_TITLE,
    MAX_TOKEN,
    SOURCES,
    STATUSES,
)

__all__ = [
    "DATA_TABLES",
    "SECURITY_TABLES",
    "UTCDateTime",
    "decision_links",
    "decision_versions",
    "decisions",
    "metadata",
    "participants",
    "readiness_answers",
    "rejoin_attempts",
    "responses",
    "schema_version",
    "sign_in_failures",
    "statements",
    "utcnow",
    "votes",
    "workshops",
]


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC time on every database (SQLite stores no zone, so add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times in the store must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


metadata = MetaData()


def _part_of(name: str, parent: str, *, nullable: bool = False, index: bool = True) -> Column:
    """A column holding the id of a row of ``parent`` that this row belongs to: deleting the
    parent deletes this row too (``ON DELETE CASCADE``)."""
    return Column(
        name,
        Integer,
        ForeignKey(f"{parent}.id", ondelete="CASCADE"),
        nullable=nullable,
        index=index,
    )


# sqlite_autoincrement: an erased participant's id is never given to someone else, so a stale
# browser session can never write into another person's answers.
_AUTO = {"sqlite_autoincrement": True}

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

workshops = Table(
    "workshops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(MAX_CODE), nullable=False, unique=True),
    Column("title", String(MAX_TITLE), nullable=False),
    Column("status", String(8), nullable=False, default="open"),
    Column("created_by", String(MAX_CREATOR), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    CheckConstraint(f"status IN {STATUSES}", name="ck_workshops_status"),
    **_AUTO,
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("workshop_id", "workshops"),
    Column("pseudonym", String(MAX_PSEUDONYM), nullable=False),
    # Case-folded pseudonym: one "Sam" per workshop whatever the case, on every database.
    Column("pseudonym_key", String(4 * MAX_PSEUDONYM), nullable=False),
    Column("role_tag", String(MAX_ROLE_TAG), nullable=False),
    Column("consented_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Column("client_token", String(MAX_TOKEN), nullable=False, unique=True),
    # A salted, slow hash of the participant's rejoin code (never the code itself), or NULL.
    Column("rejoin_hash", String(200), nullable=True),
    # The person's line, tool, view and bias as JSON, restored when they come back, or NULL.
    Column("settings_json", Text, nullable=True),
    UniqueConstraint("workshop_id", "pseudonym_key", name="uq_participants_pseudonym"),
    **_AUTO,
)

responses = Table(
    "responses",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("participant_id", "participants", index=False),
    _part_of("workshop_id", "workshops"),
    Column("page", String(MAX_KEY), nullable=False),
    Column("question_id", String(MAX_KEY), nullable=False),
    Column("value_json", Text, nullable=False),
    Column("screen_state_json", Text, nullable=False),
    Column("client_token", String(MAX_TOKEN), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_responses_participant_question", "participant_id", "page", "question_id"),
    **_AUTO,
)

statements = Table(
    "statements",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("workshop_id", "workshops"),
    Column("text", String(MAX_STATEMENT), nullable=False),
    Column("source", String(16), nullable=False),
    Column("bank_id", String(MAX_KEY), nullable=True),
    _part_of("proposed_by", "participants", nullable=True),
    Column("approved", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("client_token", String(MAX_TOKEN), nullable=True),  # NULL: bank, facilitator, before v4
    CheckConstraint(f"source IN {SOURCES}", name="ck_statements_source"),
    Index("uq_statements_client_token", "client_token", unique=True),
    UniqueConstraint("workshop_id", "bank_id", name="uq_statements_bank"),
    **_AUTO,
)

votes = Table(
    "votes",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("statement_id", "statements", index=False),
    _part_of("participant_id", "participants"),
    Column("choice", String(16), nullable=False),
    Column("client_token", String(MAX_TOKEN), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(f"choice IN {CHOICES}", name="ck_votes_choice"),
    UniqueConstraint("statement_id", "participant_id", name="uq_votes_statement_participant"),
    **_AUTO,
)

# Staff sign-in attempts that failed (see csc_dash.auth): kept here, not in a session, so the
# limit holds across browser sessions and app replicas. Rows older than the limiter's window are
# pruned as new ones arrive.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
    Index("ix_sign_in_failures_username_time", "username", "failed_at"),
    **_AUTO,
)

# Tries to come back with a rejoin code (see csc_dash.workshop.participants.rejoin), recorded
# before the code is checked so a burst of guesses is counted in full. ``subject`` is a hash of
# the workshop and the case-folded name, so no name is kept here. Rows older than the window are
# pruned.
rejoin_attempts = Table(
    "rejoin_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("workshop_id", "workshops", index=False),
    Column("subject", String(64), nullable=False),
    Column("attempted_at", UTCDateTime, nullable=False),
    Index("ix_rejoin_attempts_subject_time", "subject", "attempted_at"),
    **_AUTO,
)

# -- you said, we did (schema version 5) ----------------------------------------------------------
# A decision staff record after a workshop, and what informed it. ``status`` is a key of
# csc_dash.workshop.decisions.STATUSES; ``created_by`` a staff user name, never a participant.
decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("workshop_id", "workshops"),
    Column("title", String(MAX_TITLE), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_by", String(MAX_CREATOR), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("client_token", String(MAX_TOKEN), nullable=False, unique=True),
    CheckConstraint(f"status IN {DECISION_STATUSES}", name="ck_decisions_status"),
    **_AUTO,
)

# One thing a decision drew on: a statement (statements.id), or a saved view or an answer (both
# responses.id). No foreign key can say which table ``item_id`` is in, so erasure deletes the
# links to a person's answers and views explicitly (csc_dash.workshop.erasure).
decision_links = Table(
    "decision_links",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("decision_id", "decisions"),
    Column("kind", String(16), nullable=False),
    Column("item_id", Integer, nullable=False),
    CheckConstraint(f"kind IN {DECISION_LINK_KINDS}", name="ck_decision_links_kind"),
    UniqueConstraint("decision_id", "kind", "item_id", name="uq_decision_links_item"),
    Index("ix_decision_links_item", "kind", "item_id"),
    **_AUTO,
)

# -- who changed a decision, and what it said before (schema version 7) ----------------------------
# Every version of a decision: the first when it is recorded, one more for each real change.
# ``changed_by`` is a staff user name, never a participant; NULL on the one version a decision
# recorded before version 7 was given (who changed it then was not kept). Erased with its decision.
decision_versions = Table(
    "decision_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("decision_id", "decisions"),
    Column("title", String(MAX_TITLE), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("changed_by", String(MAX_CREATOR), nullable=True),
    Column("changed_at", UTCDateTime, nullable=False),
    CheckConstraint(f"status IN {DECISION_STATUSES}", name="ck_decision_versions_status"),
    **_AUTO,
)

# The council readiness self-assessment (csc_dash.workshop.readiness_answers): one row per save
# by a staff user for a workshop; the latest row per user is their answer. Erased with the
# workshop. ``client_token`` makes a save sent twice (a double click, a retry) stored once.
readiness_answers = Table(
    "readiness_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    _part_of("workshop_id", "workshops"),
    Column("username", String(100), nullable=False),
    Column("answers_json", Text, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("client_token", String(MAX_TOKEN), nullable=False, unique=True),
    **_AUTO,
)

#: Tables holding workshop data, parents first (for counting and erasing).
DATA_TABLES: tuple[Table, ...] = (
    workshops,
    participants,
    responses,
    statements,
    votes,
    decisions,
    decision_links,
    decision_versions,
    readiness_answers,
)

#: Tables the app writes that hold no workshop data.
SECURITY_TABLES: tuple[Table, ...] = (sign_in_failures, rejoin_attempts)
