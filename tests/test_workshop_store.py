"""The store: engine settings, tables, schema version and migration, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, insert, inspect, select, text

from csc_dash import config
from csc_dash import workshop as fb
from csc_dash.workshop import rules, store

pytest.register_assert_rewrite("tests.pg")
from tests.pg import row_counts  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop

TABLES = {
    "schema_version",
    "workshops",
    "participants",
    "responses",
    "statements",
    "votes",
    "sign_in_failures",
    "rejoin_attempts",
    "readiness_answers",
    "decisions",
    "decision_links",
    "decision_versions",
}

#: Columns and tables each version added (to build a store as an older version left it).
ADDED_COLUMNS = {
    3: {"participants": ("rejoin_hash", "settings_json")},
    4: {"statements": ("client_token",)},
}
ADDED_INDEXES = {4: ("uq_statements_client_token",)}  # dropped before their columns
ADDED_TABLES = {
    2: ("sign_in_failures",),
    3: ("rejoin_attempts",),
    5: ("decision_links", "decisions"),  # children first
    6: ("readiness_answers",),
    7: ("decision_versions",),
}


def create_old_schema(conn, version: int) -> None:
    """The tables exactly as ``version`` of the code left them: today's, less what came later."""
    store.metadata.create_all(conn)
    for v, names in ADDED_INDEXES.items():
        if v > version:
            for name in names:
                conn.execute(text(f"DROP INDEX {name}"))
    for v, tables in ADDED_COLUMNS.items():
        if v > version:
            for table, columns in tables.items():
                for column in columns:
                    conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    for v, names in sorted(ADDED_TABLES.items(), reverse=True):  # a child before its parent
        if v > version:
            for name in names:
                conn.execute(text(f"DROP TABLE {name}"))


def old_tables(version: int):
    """The data tables that ``version`` of the code had."""
    later = {name for v, names in ADDED_TABLES.items() if v > version for name in names}
    return [t for t in store.DATA_TABLES if t.name not in later]


def old_columns(table, version: int):
    """The columns of ``table`` that ``version`` of the code had."""
    skip = {c for v, tables in ADDED_COLUMNS.items() if v > version for c in tables.get(table.name, ())}
    return [c for c in table.columns if c.name not in skip]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def versions(engine):
    with engine.connect() as conn:
        return (
            conn.execute(
                select(store.schema_version.c.version).order_by(store.schema_version.c.version)
            )
            .scalars()
            .all()
        )


def test_make_engine_creates_tables_and_records_version(engine):
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert versions(engine) == [store.SCHEMA_VERSION]
    assert store.current_schema_version(engine) == store.SCHEMA_VERSION
    assert row_counts(engine) == {name: (1 if name == "schema_version" else 0) for name in TABLES}


def test_make_engine_again_keeps_one_version_row(store_url):
    first = store.make_engine(store_url)
    second = store.make_engine(store_url)
    try:
        assert versions(second) == [store.SCHEMA_VERSION]
    finally:
        first.dispose()
        second.dispose()


def test_sqlite_settings(tmp_path):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in (
                "journal_mode",
                "foreign_keys",
                "busy_timeout",
                "secure_delete",
                "synchronous",
            )
        }
    engine.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": store.BUSY_TIMEOUT_S * 1000,
        "secure_delete": 1,
        "synchronous": 2,  # FULL: an acknowledged answer survives a power cut
    }


def test_sqlite_connections_can_cross_threads(tmp_path):
    import threading

    engine = store.make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    conn = engine.connect()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(conn.execute(text("SELECT 1")).scalar()))
    thread.start()
    thread.join()
    conn.close()
    engine.dispose()
    assert seen == [1]


def test_in_memory_sqlite_works():
    engine = store.make_engine("sqlite://")
    assert versions(engine) == [store.SCHEMA_VERSION]


def test_default_url_is_a_file_in_the_data_folder():
    engine = store.make_engine()
    engine.dispose()
    assert (config.data_dir() / "csc_dash.sqlite").is_file()


@pytest.mark.postgres
def test_postgres_engine_pings_connections(pg_url):
    engine = store.make_engine(pg_url)
    engine.dispose()
    assert engine.pool._pre_ping is True
    assert engine.dialect.driver == "psycopg"


def test_newer_schema_is_refused_and_left_untouched(store_url):
    engine = store.make_engine(store_url)
    with engine.begin() as conn:
        conn.execute(
            insert(store.schema_version).values(
                version=store.SCHEMA_VERSION + 1, applied_at=store.utcnow()
            )
        )
    engine.dispose()
    with pytest.raises(store.SchemaVersionError) as raised:
        store.make_engine(store_url)
    assert str(raised.value) == store.SCHEMA_TOO_NEW.format(
        found=store.SCHEMA_VERSION + 1, known=store.SCHEMA_VERSION
    )
    raw = create_engine(store_url)
    assert versions(raw) == [store.SCHEMA_VERSION, store.SCHEMA_VERSION + 1]
    raw.dispose()


def test_migration_steps_run_once_and_keep_data(store_url, monkeypatch):
    engine = store.make_engine(store_url)
    now = store.utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(store.workshops).values(
                code="KEEPME", title="Kept", status="open", created_by="ann", created_at=now
            )
        )
    engine.dispose()

    calls = []

    def add_note_column(conn):
        calls.append(1)
        conn.execute(text("ALTER TABLE workshops ADD COLUMN note VARCHAR(20)"))

    current = store.SCHEMA_VERSION
    monkeypatch.setattr(store, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(store, "MIGRATIONS", {**store.MIGRATIONS, current + 1: add_note_column})
    migrated = store.make_engine(store_url)
    again = store.make_engine(store_url)
    assert calls == [1]
    assert versions(again) == [current, current + 1]
    assert "note" in {c["name"] for c in inspect(again).get_columns("workshops")}
    with again.connect() as conn:
        assert conn.execute(select(store.workshops.c.code, store.workshops.c.title)).all() == [
            ("KEEPME", "Kept")
        ]
    migrated.dispose()
    again.dispose()


def test_unreachable_postgres_raises_store_unavailable():
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test"
    with pytest.raises(store.StoreUnavailable) as raised:
        store.make_engine(url)
    assert str(raised.value) == store.STORE_UNREACHABLE


def test_unopenable_sqlite_raises_store_unavailable(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(store.StoreUnavailable):
        store.make_engine(f"sqlite:///{tmp_path / 'file' / 'x.sqlite'}")


def test_times_come_back_timezone_aware_utc(engine):
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(store.workshops).values(
                code="TZTEST", title="t", status="open", created_by="a", created_at=when
            )
        )
    with engine.connect() as conn:
        got = conn.execute(select(store.workshops.c.created_at)).scalar_one()
    assert got == when
    assert got.utcoffset().total_seconds() == 0


def test_naive_times_are_refused(engine):
    with pytest.raises(Exception, match="timezone-aware"), engine.begin() as conn:
        conn.execute(
            insert(store.workshops).values(
                code="NAIVE1",
                title="t",
                status="open",
                created_by="a",
                created_at=datetime(2026, 1, 1),
            )
        )


def test_ids_are_never_reused_after_a_delete(engine):
    now = store.utcnow()
    with engine.begin() as conn:
        first = conn.execute(
            insert(store.workshops).values(
                code="AAAAAA", title="t", status="open", created_by="a", created_at=now
            )
        ).inserted_primary_key[0]
        conn.execute(store.workshops.delete().where(store.workshops.c.id == first))
        second = conn.execute(
            insert(store.workshops).values(
                code="CCCCCC", title="t", status="open", created_by="a", created_at=now
            )
        ).inserted_primary_key[0]
    assert second > first


def test_foreign_keys_cascade(engine):
    now = store.utcnow()
    with engine.begin() as conn:
        wid = conn.execute(
            insert(store.workshops).values(
                code="FKFKFK", title="t", status="open", created_by="a", created_at=now
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(store.participants).values(
                workshop_id=wid,
                pseudonym="p",
                pseudonym_key="p",
                role_tag="Other",
                consented_at=now,
                client_token="tok",
            )
        )
    with engine.begin() as conn:
        conn.execute(store.workshops.delete())
    assert row_counts(engine)["participants"] == 0


def test_transaction_rolls_back_on_error(engine):
    now = store.utcnow()
    with pytest.raises(RuntimeError), store.transaction(engine, write=True) as conn:
        conn.execute(
            insert(store.workshops).values(
                code="ROLLBK", title="t", status="open", created_by="a", created_at=now
            )
        )
        raise RuntimeError("boom")
    assert row_counts(engine)["workshops"] == 0


def test_unavailable_as_maps_connection_failures_only():
    from sqlalchemy import exc

    @store.unavailable_as("try later")
    def broken(error):
        raise error

    with pytest.raises(store.StoreUnavailable, match="^try later$"):
        broken(exc.OperationalError("SELECT 1", {}, Exception("gone")))
    with pytest.raises(exc.IntegrityError):
        broken(exc.IntegrityError("INSERT", {}, Exception("dup")))
    with pytest.raises(ValueError):
        broken(ValueError("not a database problem"))


def test_every_data_table_is_known():
    known = {t.name for t in (*store.DATA_TABLES, *store.SECURITY_TABLES)}
    assert known | {"schema_version"} == TABLES


def test_every_version_has_a_migration_step():
    assert store.SCHEMA_VERSION == 7
    assert sorted(store.MIGRATIONS) == list(range(2, store.SCHEMA_VERSION + 1))


def version_1_store(url: str) -> None:
    """A store exactly as version 1 of the code left it, with a little of everything in it."""
    raw = create_engine(url)
    now = store.utcnow()
    with raw.begin() as conn:
        create_old_schema(conn, 1)
        conn.execute(insert(store.schema_version).values(version=1, applied_at=now))
        wid = conn.execute(
            insert(store.workshops).values(
                code="KEEPME", title="Kept", status="closed", created_by="ann", created_at=now
            )
        ).inserted_primary_key[0]
        pid = conn.execute(
            insert(store.participants).values(
                workshop_id=wid, pseudonym="Sam", pseudonym_key="sam", role_tag="Other",
                consented_at=now, client_token="join-token",
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(store.responses).values(
                participant_id=pid, workshop_id=wid, page="question", question_id="reaction",
                value_json='"unsure"', screen_state_json="{}", client_token="answer-token",
                created_at=now,
            )
        )
        sid = conn.execute(
            insert(store.statements).values(
                workshop_id=wid, text="Tell families.", source="participant", bank_id=None,
                proposed_by=pid, approved=True, created_at=now,
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(store.votes).values(
                statement_id=sid, participant_id=pid, choice="agree", client_token="vote-token",
                created_at=now,
            )
        )
    assert "sign_in_failures" not in inspect(raw).get_table_names()
    raw.dispose()


def test_a_version_1_store_migrates_to_the_newest_without_losing_rows(store_url):
    version_1_store(store_url)
    raw = create_engine(store_url)
    with raw.connect() as conn:
        before = {
            t.name: conn.execute(select(*old_columns(t, 1)).order_by(t.c.id)).all()
            for t in old_tables(1)
        }
    raw.dispose()

    engine = store.make_engine(store_url)
    try:
        assert versions(engine) == list(range(1, store.SCHEMA_VERSION + 1))
        assert "sign_in_failures" in inspect(engine).get_table_names()
        assert "readiness_answers" in inspect(engine).get_table_names()  # version 6
        with engine.connect() as conn:
            after = {
                t.name: conn.execute(select(*old_columns(t, 1)).order_by(t.c.id)).all()
                for t in old_tables(1)
            }
            added = conn.execute(
                select(store.participants.c.rejoin_hash, store.participants.c.settings_json)
            ).all()
        assert after == before
        assert added == [(None, None)]  # people who joined before version 3 have neither
        with engine.connect() as conn:  # statements stored before version 4 have no token
            assert conn.execute(select(store.statements.c.client_token)).scalars().all() == [None]
        assert all(len(rows) == 1 for rows in after.values())
        # The new table works, and the migrated store opens again without another step.
        with engine.begin() as conn:
            conn.execute(
                insert(store.sign_in_failures).values(username="fay", failed_at=store.utcnow())
            )
        store.make_engine(store_url).dispose()
        assert versions(engine) == list(range(1, store.SCHEMA_VERSION + 1))
        assert row_counts(engine)["sign_in_failures"] == 1
    finally:
        engine.dispose()


def test_a_version_2_store_gains_rejoin_codes_and_settings(store_url):
    """A store left by version 2 (people already in a workshop) upgrades in place: the people
    already there keep everything, and new joiners get rejoin codes and kept settings."""
    raw = create_engine(store_url)
    now = store.utcnow()
    with raw.begin() as conn:
        create_old_schema(conn, 2)
        conn.execute(insert(store.schema_version).values(version=1, applied_at=now))
        conn.execute(insert(store.schema_version).values(version=2, applied_at=now))
        wid = conn.execute(
            insert(store.workshops).values(
                code="KEEPME", title="Kept", status="open", created_by="ann", created_at=now
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(store.participants).values(
                workshop_id=wid, pseudonym="Sam", pseudonym_key="sam", role_tag="Other",
                consented_at=now, client_token="j" * 40,
            )
        )
    assert "rejoin_hash" not in {c["name"] for c in inspect(raw).get_columns("participants")}
    raw.dispose()

    engine = store.make_engine(store_url)
    try:
        assert versions(engine) == list(range(1, store.SCHEMA_VERSION + 1))
        assert {"rejoin_hash", "settings_json"} <= {
            c["name"] for c in inspect(engine).get_columns("participants")
        }
        sam = fb.find_participant_by_token(engine, "j" * 40)
        assert sam is not None and sam.pseudonym == "Sam"
        # Sam joined before codes existed: no code brings them back until they get one.
        with pytest.raises(fb.FeedbackError):
            fb.rejoin(engine, code="KEEPME", pseudonym="Sam", rejoin_code="AAAAAAAA",
                      client_token=fb.new_join_token())
        fb.set_rejoin_code(engine, sam.id, "KM4TX7QD")
        assert fb.rejoin(engine, code="KEEPME", pseudonym="sam", rejoin_code="km4t-x7qd",
                         client_token=fb.new_join_token()) == sam
        fb.save_settings(engine, sam.id, {"threshold": 0.2, "model": "text"})
        assert fb.participant_settings(engine, sam.id) == {"threshold": 0.2, "model": "text"}
        store.make_engine(store_url).dispose()  # opens again without another step
        assert versions(engine) == list(range(1, store.SCHEMA_VERSION + 1))
    finally:
        engine.dispose()
def test_count_helper_sees_every_table(engine):
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(store.schema_version)) == 1
    assert set(row_counts(engine)) == {t.name for t in store.metadata.sorted_tables}


def test_column_sizes_are_the_rules_limits():
    """Each limit lives once, in rules: the columns are as wide as what a person may type."""
    assert store.participants.c.pseudonym.type.length == rules.MAX_PSEUDONYM == 40
    assert store.statements.c.text.type.length == rules.MAX_STATEMENT == 280
    assert store.workshops.c.title.type.length == rules.MAX_TITLE == 200
    assert store.responses.c.client_token.type.length == rules.MAX_TOKEN
    assert store.votes.c.client_token.type.length == rules.MAX_TOKEN
    assert store.responses.c.page.type.length == store.responses.c.question_id.type.length == rules.MAX_KEY
    assert f"{rules.MAX_PSEUDONYM} characters" in rules.LONG_PSEUDONYM
    assert f"{rules.MAX_STATEMENT} characters" in rules.LONG_STATEMENT
    assert f"{rules.MAX_FREE_TEXT:,} characters" in rules.LONG_TEXT


def test_a_version_4_store_gains_decisions(store_url):
    """A store left by version 4 upgrades in place: its rows are kept and decisions can be
    recorded and linked at once."""
    raw = create_engine(store_url)
    now = store.utcnow()
    with raw.begin() as conn:
        create_old_schema(conn, 4)
        for v in range(1, 5):
            conn.execute(insert(store.schema_version).values(version=v, applied_at=now))
        wid = conn.execute(
            insert(store.workshops).values(
                code="KEEPME", title="Kept", status="closed", created_by="ann", created_at=now
            )
        ).inserted_primary_key[0]
        sid = conn.execute(
            insert(store.statements).values(
                workshop_id=wid,
                text="Tell families.",
                source="facilitator",
                approved=True,
                created_at=now,
            )
        ).inserted_primary_key[0]
    assert "decisions" not in inspect(raw).get_table_names()
    raw.dispose()

    engine = store.make_engine(store_url)
    try:
        assert versions(engine) == list(range(1, store.SCHEMA_VERSION + 1))
        assert {"decisions", "decision_links"} <= set(inspect(engine).get_table_names())
        with engine.begin() as conn:
            did = conn.execute(
                insert(store.decisions).values(
                    workshop_id=wid,
                    title="Tell families",
                    status="adopted",
                    reason="They asked.",
                    created_by="ann",
                    created_at=now,
                    updated_at=now,
                    client_token="d" * 40,
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(store.decision_links).values(decision_id=did, kind="statement", item_id=sid)
            )
        store.make_engine(store_url).dispose()  # opens again without another step
        assert versions(engine) == list(range(1, store.SCHEMA_VERSION + 1))
        assert row_counts(engine)["decision_links"] == 1
        assert row_counts(engine)["statements"] == 1
    finally:
        engine.dispose()


def test_a_version_6_store_keeps_its_decisions_with_one_honest_version_each(store_url):
    """A store left by version 6 upgrades in place: each decision gets one version, what it says
    now; named by who recorded it if it never changed, by no one if it did (not guessed)."""
    raw = create_engine(store_url)
    then = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    later = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with raw.begin() as conn:
        create_old_schema(conn, 6)
        for v in range(1, 7):
            conn.execute(insert(store.schema_version).values(version=v, applied_at=then))
        wid = conn.execute(
            insert(store.workshops).values(
                code="KEEPME", title="Kept", status="closed", created_by="ann", created_at=then
            )
        ).inserted_primary_key[0]
        for title, status, updated, token in (
            ("Never changed", "considered", then, "a" * 40),
            ("Changed once", "adopted", later, "b" * 40),
        ):
            conn.execute(
                insert(store.decisions).values(
                    workshop_id=wid, title=title, status=status, reason="Why.", created_by="ann",
                    created_at=then, updated_at=updated, client_token=token,
                )
            )  # fmt: skip
    assert "decision_versions" not in inspect(raw).get_table_names()
    raw.dispose()

    engine = store.make_engine(store_url)
    try:
        assert versions(engine) == list(range(1, store.SCHEMA_VERSION + 1))
        kept, changed = fb.decision_rows(engine, wid)
        assert [(v["title"], v["status"], v["changed_by"], v["changed_at"]) for v in kept["versions"]] == [
            ("Never changed", "considered", "ann", then)
        ]
        assert [(v["title"], v["changed_by"], v["changed_at"]) for v in changed["versions"]] == [
            ("Changed once", None, later)
        ]
        assert changed["changed_by"] is None
        store.make_engine(store_url).dispose()  # opens again without another step or a copy
        assert row_counts(engine)["decision_versions"] == 2
        # A change after the upgrade is kept with its name.
        fb.update_decision(engine, changed["decision_id"], workshop_id=wid, title="Changed twice",
                           status="adopted", reason="Why.", links=[], changed_by="bo")  # fmt: skip
        assert [v["changed_by"] for v in fb.decision_rows(engine, wid)[1]["versions"]] == [None, "bo"]
    finally:
        engine.dispose()
