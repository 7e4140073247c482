"""The workshop store: tables, engine and schema version (SQLAlchemy 2 Core).

``DATABASE_URL`` selects the database (see :mod:`csc_dash.config`): an SQLite file by default
(WAL journal, 10 s busy timeout, foreign keys on, deleted rows overwritten) or PostgreSQL through
``postgresql+psycopg://``. :func:`make_engine` creates missing tables and records the schema
version, so a later version of the code can migrate the data in place without loss; it refuses
to run on a database written by a newer version.

The functions the app calls live in the other modules of :mod:`csc_dash.workshop`; this module
only knows tables. Column sizes are the limits of :mod:`csc_dash.workshop.rules`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    exists,
    func,
    insert,
    select,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from csc_dash import config
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
    STORE_UNREACHABLE,
)

__all__ = [
    "SCHEMA_VERSION",
    "STORE_UNREACHABLE",
    "SchemaVersionError",
    "decision_links",
    "decisions",
    "StoreUnavailable",
    "make_engine",
    "metadata",
    "participants",
    "readiness_answers",
    "rejoin_attempts",
    "responses",
    "schema_version",
    "sign_in_failures",
    "statements",
    "token_stored",
    "transaction",
    "unavailable_as",
    "votes",
    "workshops",
]

log = logging.getLogger(__name__)

#: The version of the tables this code writes. Bump it and add a step to ``MIGRATIONS``.
#: 1: workshops, participants, responses, statements, votes. 2: adds sign_in_failures.
#: 3: participants gain rejoin_hash and settings_json; adds rejoin_attempts.
#: 4: statements gain client_token (a proposal sent twice is stored once).
#: 5: adds decisions and decision_links (you said, we did).
#: 6: adds readiness_answers (the council readiness self-assessment, per workshop and staff user).
SCHEMA_VERSION = 6

#: Seconds a writer waits for another writer (SQLite) or for a connection (both).
BUSY_TIMEOUT_S = 10

SCHEMA_TOO_NEW = (
    "This database was written by a newer version of csc-dash (schema version {found}; this "
    "version knows up to {known}). Nothing was changed. Update csc-dash before using this "
    "database, or point DATABASE_URL at another one."
)


class StoreUnavailable(RuntimeError):
    """The database could not be reached or the write failed; safe to retry with the same client token."""


class SchemaVersionError(RuntimeError):
    """The database holds a schema version this code does not know."""


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
    Column(
        "workshop_id",
        Integer,
        ForeignKey("workshops.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
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
    Column(
        "participant_id",
        Integer,
        ForeignKey("participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "workshop_id",
        Integer,
        ForeignKey("workshops.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
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
    Column(
        "workshop_id",
        Integer,
        ForeignKey("workshops.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("text", String(MAX_STATEMENT), nullable=False),
    Column("source", String(16), nullable=False),
    Column("bank_id", String(MAX_KEY), nullable=True),
    Column(
        "proposed_by",
        Integer,
        ForeignKey("participants.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
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
    Column(
        "statement_id",
        Integer,
        ForeignKey("statements.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "participant_id",
        Integer,
        ForeignKey("participants.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
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
    Column(
        "workshop_id",
        Integer,
        ForeignKey("workshops.id", ondelete="CASCADE"),
        nullable=False,
    ),
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
    Column(
        "workshop_id",
        Integer,
        ForeignKey("workshops.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
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
    Column(
        "decision_id",
        Integer,
        ForeignKey("decisions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(16), nullable=False),
    Column("item_id", Integer, nullable=False),
    CheckConstraint(f"kind IN {DECISION_LINK_KINDS}", name="ck_decision_links_kind"),
    UniqueConstraint("decision_id", "kind", "item_id", name="uq_decision_links_item"),
    Index("ix_decision_links_item", "kind", "item_id"),
    **_AUTO,
)

# The council readiness self-assessment (csc_dash.workshop.readiness_answers): one row per save
# by a staff user for a workshop; the latest row per user is their answer. Erased with the
# workshop. ``client_token`` makes a save sent twice (a double click, a retry) stored once.
readiness_answers = Table(
    "readiness_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "workshop_id",
        Integer,
        ForeignKey("workshops.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
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
    readiness_answers,
)

#: Tables the app writes that hold no workshop data.
SECURITY_TABLES: tuple[Table, ...] = (sign_in_failures, rejoin_attempts)


def _add_sign_in_failures(conn: Connection) -> None:
    """1 -> 2: the table of failed staff sign-ins (nothing else changes)."""
    sign_in_failures.create(conn, checkfirst=True)


def _add_rejoin_and_settings(conn: Connection) -> None:
    """2 -> 3: participants gain rejoin_hash and settings_json (NULL for everyone who joined
    before); the table of rejoin tries. Existing rows are untouched."""
    from sqlalchemy import inspect as sa_inspect

    have = {column["name"] for column in sa_inspect(conn).get_columns(participants.name)}
    for column in (participants.c.rejoin_hash, participants.c.settings_json):
        if column.name not in have:
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE participants ADD COLUMN {column.name} {kind}"))
    rejoin_attempts.create(conn, checkfirst=True)


def _add_statement_tokens(conn: Connection) -> None:
    """3 -> 4: statements gain client_token (NULL for every statement stored before), unique
    where given, so a participant's proposal sent again after a lost reply is stored once."""
    from sqlalchemy import inspect as sa_inspect

    have = {column["name"] for column in sa_inspect(conn).get_columns(statements.name)}
    if "client_token" not in have:
        kind = statements.c.client_token.type.compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE statements ADD COLUMN client_token {kind}"))
    indexes = {index["name"] for index in sa_inspect(conn).get_indexes(statements.name)}
    if "uq_statements_client_token" not in indexes:
        conn.execute(
            text("CREATE UNIQUE INDEX uq_statements_client_token ON statements (client_token)")
        )


def _add_decisions(conn: Connection) -> None:
    """4 -> 5: the tables of decisions and what informed them (nothing else changes)."""
    decisions.create(conn, checkfirst=True)
    decision_links.create(conn, checkfirst=True)


def _add_readiness_answers(conn: Connection) -> None:
    """5 -> 6: the table of readiness self-assessment answers (nothing else changes)."""
    readiness_answers.create(conn, checkfirst=True)


#: version -> step that takes a database from ``version - 1`` to ``version`` inside one
#: transaction. Steps run before missing tables are created, so each makes what it needs.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _add_sign_in_failures,
    3: _add_rejoin_and_settings,
    4: _add_statement_tokens,
    5: _add_decisions,
    6: _add_readiness_answers,
}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, say when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # An acknowledged answer survives a power cut; erased rows are overwritten, not just unlinked.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA secure_delete = ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so they queue on the busy timeout
    # instead of failing when a read turns into a write under WAL; readers never block.
    if conn.get_execution_options().get("csc_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def unavailable_as(message: str) -> Callable:
    """Decorator: database connection failures become :class:`StoreUnavailable` (``message``).

    Integrity errors are not connection failures and pass through unchanged.
    """

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except sa_exc.IntegrityError:
                raise
            except (sa_exc.DBAPIError, sa_exc.TimeoutError, sa_exc.DisconnectionError) as error:
                log.warning("store unavailable in %s: %s", function.__name__, error)
                raise StoreUnavailable(message) from error

        return guarded

    return decorate


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Connection]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with engine.connect() as conn:
        if write:
            conn.execution_options(csc_write=True)
        with conn.begin():
            yield conn


def token_stored(engine: Engine, table: Table, token: str) -> bool:
    """Whether an answer or vote with this client token is already in ``table``."""
    with transaction(engine) as conn:
        return bool(conn.scalar(select(exists().where(table.c.client_token == token))))


def make_engine(url: str | None = None) -> Engine:
    """An engine on the store at ``url`` (default :func:`csc_dash.config.database_url`).

    Creates missing tables and records :data:`SCHEMA_VERSION`.

    Raises
    ------
    StoreUnavailable
        If the database cannot be reached.
    SchemaVersionError
        If the database was written by a newer version of the code.
    """
    if url is None:
        url = config.database_url()
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}}
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        connect_args = {"connect_timeout": BUSY_TIMEOUT_S} if backend == "postgresql" else {}
        engine = create_engine(
            parsed, pool_pre_ping=True, pool_timeout=30, connect_args=connect_args
        )
    try:
        _initialise(engine)
    except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as error:
        engine.dispose()
        log.warning("store unreachable at %s: %s", parsed.render_as_string(), error)
        raise StoreUnavailable(STORE_UNREACHABLE) from error
    except BaseException:
        engine.dispose()
        raise
    return engine


def _initialise(engine: Engine) -> None:
    with transaction(engine, write=True) as conn:
        if conn.dialect.name == "postgresql":
            # Several app replicas may start at once: one creates, the others wait, per schema.
            # (The lock's name is kept from before the store moved into the package.)
            conn.execute(
                text(
                    "SELECT pg_advisory_xact_lock(hashtext('csc_dash.store:' || coalesce(current_schema(), '')))"
                )
            )
        schema_version.create(conn, checkfirst=True)
        found = conn.scalar(select(func.max(schema_version.c.version)))
        if found is not None and found > SCHEMA_VERSION:
            raise SchemaVersionError(SCHEMA_TOO_NEW.format(found=found, known=SCHEMA_VERSION))
        if found is None:
            metadata.create_all(conn, checkfirst=True)
            conn.execute(insert(schema_version).values(version=SCHEMA_VERSION, applied_at=utcnow()))
            return
        for version in range(found + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
            conn.execute(insert(schema_version).values(version=version, applied_at=utcnow()))
        metadata.create_all(conn, checkfirst=True)


def current_schema_version(engine: Engine) -> int | None:
    """The newest schema version recorded in the database (``None`` if none is)."""
    with transaction(engine) as conn:
        if not engine.dialect.has_table(conn, schema_version.name):
            return None
        return conn.scalar(select(func.max(schema_version.c.version)))
