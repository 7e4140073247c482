"""csc_dash.workshop.erasure: withdrawing and erasing leave nothing of the person behind."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from csc_dash import workshop as fb
from csc_dash.content.statements import STATEMENT_BANK
from csc_dash.workshop import erasure, store

pytest.register_assert_rewrite("tests.pg")
from tests.pg import row_counts  # noqa: E402
from tests.store_helpers import EMPTY, answer, join, rows_of  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop


def populate(engine, workshop, name):
    """A participant with an answer, a vote, and a proposed statement someone else voted on."""
    person = join(engine, workshop, name)
    friend = join(engine, workshop, f"{name}'s friend")
    answer(engine, person)
    answer(engine, friend)
    bank = fb.list_statements(engine, workshop.id)[0]
    mine = fb.add_statement(
        engine,
        workshop_id=workshop.id,
        text=f"{name} says",
        source="participant",
        proposed_by=person.id,
        approved=True,
    )
    for who in (person, friend):
        for statement in (bank, mine):
            fb.vote(
                engine,
                participant_id=who.id,
                statement_id=statement.id,
                choice="agree",
                client_token=fb.new_client_token(),
            )
    return person, friend, mine


def test_withdraw_leaves_nothing_of_theirs_and_keeps_other_peoples_votes(engine, workshop):
    other = fb.create_workshop(engine, title="Other", created_by="bob")
    populate(engine, other, "Bystander")
    before = row_counts(engine)
    person, friend, mine = populate(engine, workshop, "Leaver")
    waiting = fb.add_statement(engine, workshop_id=workshop.id, text="Not yet approved",
                               source="participant", proposed_by=person.id)
    fb.withdraw(engine, person.id)
    after = row_counts(engine)
    # What remains of this workshop: the friend, their answer, their votes on the bank statement
    # and on the statement the leaver proposed (approved, so the room voted on it).
    assert after["participants"] == before["participants"] + 1
    assert after["responses"] == before["responses"] + 1
    assert after["votes"] == before["votes"] + 2
    assert after["statements"] == before["statements"] + 1  # "Leaver says" stays; the waiting one went
    assert fb.get_participant(engine, person.id) is None
    assert fb.get_participant(engine, friend.id) is not None
    assert rows_of(engine, store.responses, participant_id=person.id) == []
    assert rows_of(engine, store.votes, participant_id=person.id) == []
    assert rows_of(engine, store.statements, id=waiting.id) == []
    assert rows_of(engine, store.statements, proposed_by=person.id) == []
    # The statement stays, its author no longer named, with the friend's vote.
    kept = next(s for s in fb.list_statements(engine, workshop.id) if s.id == mine.id)
    assert (kept.text, kept.proposed_by, kept.author_left) == ("Leaver says", None, True)
    assert [(r.participant_id, r.choice) for r in rows_of(engine, store.votes, statement_id=mine.id)] == [
        (friend.id, "agree")
    ]
    results = fb.statement_results(engine, workshop.id).set_index("statement_id")
    assert (results.loc[mine.id, "agree"], results.loc[mine.id, "author"]) == (1, fb.AUTHOR_LEFT)
    assert set(fb.responses(engine, workshop.id)["pseudonym"]) == {"Leaver's friend"}
    # The name is free again.
    assert join(engine, workshop, "Leaver").id != person.id


def test_author_labels_never_name_anyone(engine, workshop):
    person = join(engine, workshop, "Sam")
    fb.add_statement(engine, workshop_id=workshop.id, text="Mine", source="participant",
                     proposed_by=person.id, approved=True)
    fb.add_statement(engine, workshop_id=workshop.id, text="From the front", source="facilitator",
                     approved=True)
    authors = fb.statement_results(engine, workshop.id).set_index("text")["author"]
    assert authors["Mine"] == "a participant"
    assert authors["From the front"] == "the facilitator"
    assert set(authors) == {"the question bank", "a participant", "the facilitator"}
    fb.withdraw(engine, person.id)
    assert fb.statement_results(engine, workshop.id).set_index("text")["author"]["Mine"] == (
        "a participant who has left"
    )


def test_erase_participant_is_withdraw(engine, workshop):
    person, _, _ = populate(engine, workshop, "Gone")
    fb.erase_participant(engine, person.id)
    assert fb.get_participant(engine, person.id) is None
    assert "Gone" not in set(fb.responses(engine, workshop.id)["pseudonym"])


def test_erase_workshop_leaves_nothing_behind(engine, workshop):
    other = fb.create_workshop(engine, title="Other", created_by="bob")
    populate(engine, other, "Stays")
    before = row_counts(engine)
    populate(engine, workshop, "Goes")
    fb.erase_workshop(engine, workshop.id)
    assert row_counts(engine) == {
        **before,
        "workshops": before["workshops"] - 1,
        "statements": before["statements"] - len(STATEMENT_BANK),
    }
    assert fb.get_workshop(engine, workshop.id) is None
    fb.erase_workshop(engine, other.id)
    assert row_counts(engine) == {**EMPTY, "schema_version": 1}


def test_erased_names_leave_no_bytes_in_the_sqlite_files(tmp_path):
    path = tmp_path / "erase.sqlite"
    engine = store.make_engine(f"sqlite:///{path}")
    workshop = fb.create_workshop(engine, title="Zebra-title-xyzzy", created_by="ann")
    person = join(engine, workshop, "Quokka-name-plugh")
    answer(engine, person, "should_reasons", "Wombat-text-frotz", page="your_views")
    fb.withdraw(engine, person.id)
    fb.erase_workshop(engine, workshop.id)
    engine.dispose()
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("erase.sqlite*"))
    for secret in (
        b"Quokka-name-plugh",
        b"quokka-name-plugh",
        b"Wombat-text-frotz",
        b"Zebra-title-xyzzy",
    ):
        assert secret not in blob


def test_erase_checkpoint_waits_for_a_reader_then_leaves_no_bytes(tmp_path):
    """A reader holding a snapshot makes the TRUNCATE checkpoint busy; the erase tries again
    and, once the reader lets go, the erased rows are in neither file."""
    _path, engine, person, reader = _held_snapshot(tmp_path, "held")
    assert fb.reclaim_space(engine, tries=2, pause=0.01) is False  # busy: said, not hidden
    erasure.stop_background_retry(engine)  # this test's own retry folds it in below

    released = threading.Event()

    def let_go():
        released.wait()
        reader.execute("COMMIT")

    helper = threading.Thread(target=let_go)
    helper.start()
    calls = []
    real = erasure.reclaim_space

    def reclaim(engine_, **kwargs):
        calls.append(1)
        released.set()  # the reader finishes while the erase is retrying
        return real(engine_, tries=50, pause=0.02)

    erasure.reclaim_space = reclaim  # where withdraw looks it up
    try:
        assert fb.withdraw(engine, person.id) is True
    finally:
        erasure.reclaim_space = real
        helper.join()
        reader.close()
    assert calls == [1]
    engine.dispose()
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("held.sqlite*"))
    assert b"Quokka-name-plugh" not in blob and b"Wombat-text-frotz" not in blob
    assert not (tmp_path / "held.sqlite-wal").exists() or (tmp_path / "held.sqlite-wal").stat().st_size == 0


def test_what_remains_after_an_erase_is_said_for_each_database(engine, workshop):
    person = join(engine, workshop, "Sam")
    assert fb.withdraw(engine, person.id) is True
    note = fb.ERASURE_REMAINS[engine.dialect.name]
    assert note.strip()
    if engine.dialect.name == "postgresql":
        assert "old copies" in note and "backups" in note


# -- issue 13.8 re-attacked: a reader that holds its snapshot longer than the erase waits --------


def _held_snapshot(tmp_path, name: str):
    """An SQLite store with one person's name and words, and a reader holding a snapshot that
    needs its log: the file's path, the engine, the person and the reader."""
    path = tmp_path / f"{name}.sqlite"
    engine = store.make_engine(f"sqlite:///{path}")
    workshop = fb.create_workshop(engine, title="Held", created_by="ann")
    person = join(engine, workshop, "Quokka-name-plugh")
    answer(engine, person, "should_reasons", "Wombat-text-frotz", page="your_views")
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM responses").fetchone()  # holds a snapshot
    return path, engine, person, reader


def _held_erase(tmp_path, name: str):
    """An erase whose checkpoint a reader keeps busy past its tries: the engine, the reader and
    the bytes that must go. The app's engine stays open (never disposed: closing the last
    connection would fold the journal in and hide what a running server keeps)."""
    path, engine, person, reader = _held_snapshot(tmp_path, name)
    real = erasure.reclaim_space
    erasure.reclaim_space = lambda engine_, **_kw: real(engine_, tries=2, pause=0.01)
    try:
        assert fb.withdraw(engine, person.id) is False  # busy: the facilitator is told
    finally:
        erasure.reclaim_space = real
    return path, engine, reader


def _secrets_in(path) -> list[bytes]:
    blob = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    return [s for s in (b"Quokka-name-plugh", b"Wombat-text-frotz") if s in blob]


def test_a_busy_erase_is_finished_in_the_background_once_the_reader_lets_go(tmp_path, monkeypatch):
    """Seen on a running server: a reader held its snapshot for 30 s, the erase said "busy",
    and the erased text stayed in the database file after the reader had gone, with the app
    running, until the next delete or a stop. Now the app keeps trying in the background."""
    monkeypatch.setattr(erasure, "RETRY_EVERY_S", 0.05)
    path, engine, reader = _held_erase(tmp_path, "background")
    try:
        assert _secrets_in(path)  # still there while the reader holds its snapshot
        reader.execute("COMMIT")
        retry = erasure.background_retry(engine)
        assert retry is not None
        retry.join(timeout=60)
        assert not retry.is_alive()
        assert _secrets_in(path) == []  # the engine is still open: nothing folded it in by closing
    finally:
        reader.close()
        engine.dispose()


def test_after_a_crash_the_next_start_folds_the_journal_in(tmp_path):
    """A server killed (kill -9) before the checkpoint could run: the erased text was still in
    the file after a restart and a page, though the facilitator was told it goes "when the app
    starts again". The files as a crash leaves them are copied, then opened as the app does."""
    import shutil

    path, engine, reader = _held_erase(tmp_path, "crash")
    try:
        crashed = tmp_path / "after-crash"
        crashed.mkdir()
        for part in tmp_path.glob("crash.sqlite*"):
            shutil.copy(part, crashed / part.name)
    finally:
        erasure.stop_background_retry(engine)
        reader.close()
        engine.dispose()
    copy = crashed / "crash.sqlite"
    assert _secrets_in(copy)  # the crash image holds the erased text
    restarted = store.make_engine(f"sqlite:///{copy}")
    try:
        assert _secrets_in(copy) == []  # gone at start, before anyone signs in or deletes
        assert fb.list_workshops(restarted)  # and the store still works
    finally:
        restarted.dispose()
