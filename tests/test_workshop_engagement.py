"""csc_dash.workshop.engagement: what a workshop found, for the public transparency record: its
decisions in the words written for everyone (never a participant's name or words, never who
recorded them), how many took part (or too few to tell), and who may choose which workshop; on
SQLite and PostgreSQL."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine

from csc_dash import workshop as fb
from csc_dash.workshop import engagement as eg
from csc_dash.workshop.decisions import Link

pytest.register_assert_rewrite("tests.pg")
from tests.store_helpers import answer, join  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, workshop

SECRET_WORDS = "Robin's own words about her son"
SECRET_NAME = "Robin-Quill"


def decide(engine, workshop, links=(), **fields):
    values = {"title": "Tell families first", "status": "adopted", "reason": "Families asked."}
    values.update(fields)
    return fb.record_decision(
        engine,
        workshop_id=workshop.id,
        links=list(links),
        created_by="ann-the-facilitator",
        client_token=fb.new_client_token(),
        **values,
    )


def room(engine, workshop, people: int):
    """``people`` participants; the first typed words, proposed a statement and saved a view."""
    joined = [join(engine, workshop, SECRET_NAME if i == 0 else f"P{i}") for i in range(people)]
    first = joined[0]
    answer(engine, first, value={"reaction": "unsure", "reason": SECRET_WORDS})
    answer(engine, first, question_id="why", value=SECRET_WORDS, page="your_views")
    said = fb.add_statement(engine, workshop_id=workshop.id, text=SECRET_WORDS,
                            source="participant", proposed_by=first.id, approved=True)  # fmt: skip
    items = fb.linkable_items(engine, workshop.id)
    links = [Link(item["kind"], item["item_id"]) for item in items if item["kind"] != "statement"]
    return joined, [*links, Link("statement", said.id)]


def test_the_decisions_hold_only_what_was_written_for_everyone(engine, workshop):
    _people, links = room(engine, workshop, 6)
    decide(engine, workshop, links, title="Ask families first", status="in_progress",
           reason="The room said so.")  # fmt: skip
    decide(engine, workshop, title="Train staff", status="not_adopted", reason="No money yet.")
    found = eg.engagement_of(engine, workshop.id)
    assert found.workshop == "Autumn session" and found.people == 6
    assert not found.too_few_people
    # Newest first, as the decision log; only the public fields, as strings.
    assert [d["decision"] for d in found.decisions] == ["Train staff", "Ask families first"]
    first = found.decisions[1]
    assert set(first) == set(eg.PUBLIC_FIELDS.values())
    assert first["status"] == "in_progress"
    assert first["where_it_stands"] == "We are working on it"
    assert first["why"] == "The room said so."
    assert first["what_it_drew_on"] == "1 statement, 1 saved view and 1 answer"
    assert len(first["recorded"]) == 10 and first["recorded"][4] == "-"  # a day, YYYY-MM-DD
    assert found.decisions[0]["what_it_drew_on"] == "nothing linked yet"
    # Nothing a participant said, nor any name, nor ids, reach it.
    everything = repr(found)
    for secret in (SECRET_WORDS, SECRET_NAME, "ann-the-facilitator", "Family member"):
        assert secret not in everything
    assert "decision_id" not in everything and "item_id" not in everything


def test_too_few_people_to_tell(engine, workshop):
    people, _links = room(engine, workshop, eg.MIN_PEOPLE)
    assert eg.engagement_of(engine, workshop.id).people == eg.MIN_PEOPLE
    fb.withdraw(engine, people[-1].id)  # one leaves: no longer counted, and now too few
    found = eg.engagement_of(engine, workshop.id)
    assert found.people is None and found.too_few_people
    assert eg.people_words(found) == eg.TOO_FEW_PEOPLE
    assert str(eg.MIN_PEOPLE) in eg.TOO_FEW_PEOPLE
    assert "4" not in eg.people_words(found)


def test_a_workshop_with_no_one_and_no_decisions(engine, workshop):
    found = eg.engagement_of(engine, workshop.id)
    assert found == eg.Engagement(workshop="Autumn session", people=None, decisions=())
    assert eg.engagement_words(found).startswith("This workshop has no decisions yet.")


def test_words_count_the_decisions(engine, workshop):
    room(engine, workshop, 5)
    decide(engine, workshop)
    one = eg.engagement_of(engine, workshop.id)
    assert eg.engagement_words(one) == (
        "1 decision goes into the record. 5 people took part in one workshop."
    )
    decide(engine, workshop, title="Another")
    assert eg.engagement_words(eg.engagement_of(engine, workshop.id)).startswith(
        "2 decisions go into the record."
    )


def test_an_unknown_workshop_finds_nothing(engine):
    assert eg.engagement_of(engine, 12345) is None


def test_who_may_choose_which_workshop(engine):
    ann = fb.create_workshop(engine, title="Ann's", created_by="ann")
    bob = fb.create_workshop(engine, title="Bob's", created_by="bob")

    def ids(roles, user="ann", demo_mode=False):
        chosen = eg.record_workshops(engine, roles=roles, user=user, demo_mode=demo_mode)
        return {w.id for w in chosen}

    assert ids({"facilitator"}) == {ann.id}
    assert ids({"facilitator"}, user="bob") == {bob.id}
    assert ids({"analyst"}) == ids({"admin"}) == ids({"analyst", "facilitator"}) == {ann.id, bob.id}
    assert ids(set()) == ids({"participant"}) == ids({"facilitator"}, user=None) == set()
    # Demo mode: only the demo workshop, once it has a decision; looking never makes it.
    assert ids(set(), demo_mode=True) == set()
    assert fb.find_workshop(engine, fb.DEMO_CODE) is None
    demo = fb.ensure_demo_workshop(engine)
    assert ids(set(), demo_mode=True) == set()
    decide(engine, demo)
    assert ids(set(), demo_mode=True) == {demo.id}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_store_raises_store_unavailable():
    gone = create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/test",
        connect_args={"connect_timeout": 2},
    )
    for call in (
        lambda: eg.engagement_of(gone, 1),
        lambda: eg.record_workshops(gone, roles={"analyst"}, user="al", demo_mode=False),
        lambda: eg.record_workshops(gone, roles=(), user=None, demo_mode=True),
    ):
        with pytest.raises(fb.StoreUnavailable) as raised:
            call()
        assert str(raised.value) == fb.READ_UNAVAILABLE
