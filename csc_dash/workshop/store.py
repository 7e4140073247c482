"""The workshop store: engine, transactions, schema version and migrations (SQLAlchemy 2 Core).

``DATABASE_URL`` selects the database (see :mod:`csc_dash.config`): an SQLite file by default
(WAL journal, 10 s busy timeout, foreign keys on, deleted rows overwritten) or PostgreSQL through
``postgresql+psycopg://``. :func:`make_engine` creates missing tables and records the schema
version, so a later version of the code can migrate the data in place without loss; it refuses
to run on a database written by a newer version.

The tables themselves are defined in :mod:`csc_dash.workshop.tables` and re-exported here; the
functions the app calls live in the other modules of :mod:`csc_dash.workshop`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    case,
    create_engine,
    event,
    exists,
    func,
    insert,
    null,
    select,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from csc_dash import config
from csc_dash.workshop.rules import STORE_UNREACHABLE

# The tables are defined in csc_dash.workshop.tables and are part of the store's public face.
from csc_dash.workshop.tables import (
    DATA_TABLES,
    SECURITY_TABLES,
    UTCDateTime,
    decision_links,
    decision_versions,
    decisions,
    metadata,
    participants,
    readiness_answers,
    rejoin_attempts,
    responses,
    schema_version,
    sign_in_failures,
    statements,
    utcnow,
    votes,
    workshops,
)

__all__ = [
    "DATA_TABLES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SECURITY_TABLES",
    "STORE_UNREACHABLE",
    "SchemaVersionError",
    "StoreUnavailable",
    "UTCDateTime",
    "current_schema_version",
    "decision_links",
    "decision_versions",
    "decisions",
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
    "utcnow",
    "votes",
    "workshops",
    "fold_journal",
]

log = logging.getLogger(__name__)

#: The version of the tables this code writes. Bump it and add a step to ``MIGRATIONS``.
#: 1: workshops, participants, responses, statements, votes. 2: adds sign_in_failures.
#: 3: participants gain rejoin_hash and settings_json; adds rejoin_attempts.
#: 4: statements gain client_token (a proposal sent twice is stored once).
#: 5: adds decisions and decision_links (you said, we did).
#: 6: adds readiness_answers (the council readiness self-assessment, per workshop and staff user).
#: 7: adds decision_versions (who changed a decision, when, and what it said before).
SCHEMA_VERSION = 7

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


def _add_sign_in_failures(conn: Connection) -> None:
    """1 -> 2: the table of failed staff sign-ins (nothing else changes)."""
    sign_in_failures.create(conn, checkfirst=True)


def _add_rejoin_and_settings(conn: Connection) -> None:
    """2 -> 3: participants gain rejoin_hash and settings_json (NULL for everyone who joined
    before); the table of rejoin tries. Existing rows are untouched."""
    have = {column["name"] for column in sa_inspect(conn).get_columns(participants.name)}
    for column in (participants.c.rejoin_hash, participants.c.settings_json):
        if column.name not in have:
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE participants ADD COLUMN {column.name} {kind}"))
    rejoin_attempts.create(conn, checkfirst=True)


def _add_statement_tokens(conn: Connection) -> None:
    """3 -> 4: statements gain client_token (NULL for every statement stored before), unique
    where given, so a participant's proposal sent again after a lost reply is stored once."""
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


def _add_decision_versions(conn: Connection) -> None:
    """6 -> 7: the table of decisions' versions. Each decision already recorded gets one version:
    what it says now, at the time it last changed, by the person who recorded it if it never
    changed; by no one named if it did (who changed it was not kept, so the history does not
    guess)."""
    decision_versions.create(conn, checkfirst=True)
    conn.execute(
        insert(decision_versions).from_select(
            ["decision_id", "title", "status", "reason", "changed_by", "changed_at"],
            select(
                decisions.c.id,
                decisions.c.title,
                decisions.c.status,
                decisions.c.reason,
                case(
                    (decisions.c.updated_at == decisions.c.created_at, decisions.c.created_by),
                    else_=null(),
                ),
                decisions.c.updated_at,
            )
            .where(~exists().where(decision_versions.c.decision_id == decisions.c.id))
            .order_by(decisions.c.id),
        )
    )


#: version -> step that takes a database from ``version - 1`` to ``version`` inside one
#: transaction. Steps run before missing tables are created, so each makes what it needs.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _add_sign_in_failures,
    3: _add_rejoin_and_settings,
    4: _add_statement_tokens,
    5: _add_decisions,
    6: _add_readiness_answers,
    7: _add_decision_versions,
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


def fold_journal(engine: Engine, *, wait_ms: int) -> bool:
    """SQLite: fold the write-ahead log into the file and empty it (``wal_checkpoint(TRUNCATE)``),
    waiting up to ``wait_ms`` for readers. Whether it completed; ``False`` while a reader still
    holds a snapshot that needs the log (or the file is locked). Always ``True`` elsewhere."""
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        driver.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except Exception:  # noqa: BLE001 - a locked database: not done yet, like a busy reader
        log.info("checkpoint failed", exc_info=True)
        busy = 1
    finally:
        try:
            raw.driver_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        finally:
            raw.close()
    return not busy


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
    # After a crash, the log may still hold rows an erase deleted while a reader held it: fold
    # it in now, at start (a moment's wait; an erase folds it in again).
    if backend == "sqlite" and not fold_journal(engine, wait_ms=100):
        log.info("checkpoint at start was busy")
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
