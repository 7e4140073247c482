"""csc_dash.workshop.workshops: opening, finding, closing workshops; the live fingerprint."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from csc_dash import workshop as fb
from csc_dash.content.statements import STATEMENT_BANK
from csc_dash.workshop import store, workshops

pytest.register_assert_rewrite("tests.pg")
from tests.pg import row_counts  # noqa: E402
from tests.store_helpers import answer, join, rows_of  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop


def test_create_workshop_seeds_the_bank(engine, workshop):
    assert len(workshop.code) == fb.CODE_LENGTH
    assert set(workshop.code) <= set(fb.CODE_ALPHABET)
    assert workshop.status == "open"
    assert workshop.created_at.utcoffset().total_seconds() == 0
    listed = fb.list_statements(engine, workshop.id)
    assert [s.text for s in listed] == [b.text for b in STATEMENT_BANK]
    assert all(s.approved and s.source == "bank" and s.proposed_by is None for s in listed)
    assert fb.get_workshop(engine, workshop.id) == workshop


def test_codes_are_unique_and_from_the_alphabet(monkeypatch, engine):
    codes = iter(["AAAAAA", "AAAAAA", "CCCCCC"])
    monkeypatch.setattr(workshops, "new_workshop_code", lambda: next(codes))
    first = fb.create_workshop(engine, title="One", created_by="ann")
    second = fb.create_workshop(engine, title="Two", created_by="ann")  # first pick collides
    assert (first.code, second.code) == ("AAAAAA", "CCCCCC")
    assert row_counts(engine)["statements"] == 2 * len(STATEMENT_BANK)


def test_find_workshop_normalises(engine, workshop):
    code = workshop.code
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert fb.find_workshop(engine, typed) == workshop
    assert fb.find_workshop(engine, "") is None
    assert fb.find_workshop(engine, "NOPE99") is None


def test_list_workshops_by_creator(engine):
    a = fb.create_workshop(engine, title="A", created_by="ann")
    b = fb.create_workshop(engine, title="B", created_by="bob")
    c = fb.create_workshop(engine, title="C", created_by="ann")
    assert [w.id for w in fb.list_workshops(engine, created_by="ann")] == [c.id, a.id]
    assert {w.id for w in fb.list_workshops(engine)} == {a.id, b.id, c.id}
    assert fb.list_workshops(engine, created_by="nobody") == []


@pytest.mark.parametrize(
    ("title", "message"),
    [("", fb.EMPTY_TITLE), ("   ", fb.EMPTY_TITLE), ("x" * 201, fb.LONG_TITLE)],
)
def test_create_workshop_checks_title(engine, title, message):
    with pytest.raises(fb.FeedbackError) as raised:
        fb.create_workshop(engine, title=title, created_by="ann")
    assert str(raised.value) == message


def test_demo_workshop_is_idempotent(engine):
    first = fb.ensure_demo_workshop(engine)
    second = fb.ensure_demo_workshop(engine)
    assert first == second
    assert (first.code, first.created_by) == (fb.DEMO_CODE, "demo")
    assert row_counts(engine)["workshops"] == 1
    assert row_counts(engine)["statements"] == len(STATEMENT_BANK)


def test_demo_workshop_from_many_threads_at_once(engine):
    barrier = threading.Barrier(6)

    def make(_):
        barrier.wait()
        return fb.ensure_demo_workshop(engine).id

    with ThreadPoolExecutor(6) as pool:
        ids = set(pool.map(make, range(6)))
    assert len(ids) == 1
    assert row_counts(engine)["workshops"] == 1
    assert row_counts(engine)["statements"] == len(STATEMENT_BANK)


def test_close_and_reopen(engine, workshop):
    join(engine, workshop, "Early")
    fb.set_workshop_status(engine, workshop.id, "closed")
    assert fb.get_workshop(engine, workshop.id).status == "closed"
    assert rows_of(engine, store.workshops)[0].closed_at is not None
    with pytest.raises(fb.FeedbackError) as raised:
        join(engine, workshop, "Late")
    assert str(raised.value) == fb.CLOSED_WORKSHOP
    fb.set_workshop_status(engine, workshop.id, "open")
    assert rows_of(engine, store.workshops)[0].closed_at is None
    assert join(engine, workshop, "Late").pseudonym == "Late"


@pytest.mark.parametrize(
    ("workshop_id", "status", "message"),
    [(None, "paused", fb.UNKNOWN_STATUS), (10**6, "closed", fb.UNKNOWN_WORKSHOP)],
)
def test_set_status_errors(engine, workshop, workshop_id, status, message):
    with pytest.raises(fb.FeedbackError) as raised:
        fb.set_workshop_status(engine, workshop_id or workshop.id, status)
    assert str(raised.value) == message


def test_workshop_version_changes_with_everything_the_live_section_shows(engine, workshop):
    other = fb.create_workshop(engine, title="Other", created_by="bob")
    seen = [fb.workshop_version(engine, workshop.id)]

    def changed():
        now = fb.workshop_version(engine, workshop.id)
        assert now != seen[-1]
        assert fb.workshop_version(engine, workshop.id) == now  # stable while nothing happens
        seen.append(now)

    sam = join(engine, workshop, "Sam")
    changed()
    answer(engine, sam)
    changed()
    bank = fb.list_statements(engine, workshop.id)[0]
    token = fb.new_client_token()
    fb.vote(engine, participant_id=sam.id, statement_id=bank.id, choice="agree", client_token=token)
    changed()
    fb.vote(engine, participant_id=sam.id, statement_id=bank.id, choice="disagree",
            client_token=fb.new_client_token())
    changed()
    idea = fb.add_statement(engine, workshop_id=workshop.id, text="Idea", source="participant",
                            proposed_by=sam.id)
    changed()
    fb.approve_statement(engine, idea.id)
    changed()
    fb.set_workshop_status(engine, workshop.id, "closed")
    changed()
    # Someone in another workshop changes nothing here.
    answer(engine, join(engine, other, "Kim"))
    assert fb.workshop_version(engine, workshop.id) == seen[-1]
    fb.withdraw(engine, sam.id)
    changed()
