"""csc_dash.workshop.statements: statements, approval, votes, on both databases."""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from csc_dash import workshop as fb
from csc_dash.workshop import store
from csc_dash.workshop.room_words import read_room

pytest.register_assert_rewrite("tests.pg")
from tests.pg import row_counts  # noqa: E402
from tests.store_helpers import join, rows_of  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop


def test_concurrent_votes_keep_one_per_person(engine, workshop):
    people = [join(engine, workshop, f"v{i}") for i in range(8)]
    statement = fb.list_statements(engine, workshop.id)[0]
    barrier = threading.Barrier(len(people) * 2)

    def go(args):
        person, choice = args
        barrier.wait()
        return fb.vote(
            engine,
            participant_id=person.id,
            statement_id=statement.id,
            choice=choice,
            client_token=fb.new_client_token(),
        )

    jobs = [(p, c) for p in people for c in ("agree", "disagree")]
    with ThreadPoolExecutor(len(jobs)) as pool:
        assert all(pool.map(go, jobs))
    assert row_counts(engine)["votes"] == len(people)


def test_same_vote_token_from_two_threads_at_once_counts_once(engine, workshop):
    person = join(engine, workshop, "Sam")
    statement = fb.list_statements(engine, workshop.id)[0]
    for round_ in range(6):
        token = fb.new_client_token()
        barrier = threading.Barrier(2)
        choice = ("agree", "disagree")[round_ % 2]

        def go(_, token=token, barrier=barrier, choice=choice):
            barrier.wait()
            return fb.vote(
                engine,
                participant_id=person.id,
                statement_id=statement.id,
                choice=choice,
                client_token=token,
            )

        with ThreadPoolExecutor(2) as pool:
            assert sorted(pool.map(go, range(2))) == [False, True]
        assert [(v.choice, v.client_token) for v in rows_of(engine, store.votes)] == [
            (choice, token)
        ]


def test_statements_round_trip_and_approval(engine, workshop):
    person = join(engine, workshop, "Sam")
    proposed = fb.add_statement(
        engine,
        workshop_id=workshop.id,
        text="  Families\nshould see\tthe score. ",
        source="participant",
        proposed_by=person.id,
    )
    assert proposed.text == "Families should see the score."
    assert (proposed.approved, proposed.proposed_by, proposed.source) == (
        False,
        person.id,
        "participant",
    )
    assert proposed not in fb.list_statements(engine, workshop.id)
    assert proposed in fb.list_statements(engine, workshop.id, approved_only=False)
    with pytest.raises(fb.FeedbackError) as raised:
        fb.vote(
            engine,
            participant_id=person.id,
            statement_id=proposed.id,
            choice="agree",
            client_token="t0",
        )
    assert str(raised.value) == fb.STATEMENT_NOT_OPEN
    fb.approve_statement(engine, proposed.id)
    listed = fb.list_statements(engine, workshop.id)
    assert listed[-1].id == proposed.id and listed[-1].approved
    fb.approve_statement(engine, proposed.id, approved=False)
    assert proposed.id not in [s.id for s in fb.list_statements(engine, workshop.id)]


@pytest.mark.parametrize(
    ("text", "source", "message"),
    [
        ("", "facilitator", fb.EMPTY_STATEMENT),
        (" \n ", "facilitator", fb.EMPTY_STATEMENT),
        ("x" * 281, "facilitator", fb.LONG_STATEMENT),
        ("fine", "robot", fb.UNKNOWN_SOURCE),
    ],
)
def test_add_statement_errors(engine, workshop, text, source, message):
    with pytest.raises(fb.FeedbackError) as raised:
        fb.add_statement(engine, workshop_id=workshop.id, text=text, source=source)
    assert str(raised.value) == message


def test_statement_other_errors(engine, workshop):
    other = fb.create_workshop(engine, title="Other", created_by="ann")
    outsider = join(engine, other, "Out")
    with pytest.raises(fb.FeedbackError, match=re.escape(fb.NOT_A_PARTICIPANT)):
        fb.add_statement(
            engine, workshop_id=workshop.id, text="x", source="participant", proposed_by=outsider.id
        )
    with pytest.raises(fb.FeedbackError, match=re.escape(fb.UNKNOWN_WORKSHOP)):
        fb.add_statement(engine, workshop_id=10**6, text="x", source="facilitator")
    with pytest.raises(fb.FeedbackError, match=re.escape(fb.UNKNOWN_STATEMENT)):
        fb.approve_statement(engine, 10**6)
    statement = fb.list_statements(engine, workshop.id)[0]
    with pytest.raises(fb.FeedbackError, match=re.escape(fb.STATEMENT_ELSEWHERE)):
        fb.vote(
            engine,
            participant_id=outsider.id,
            statement_id=statement.id,
            choice="agree",
            client_token="t1",
        )
    with pytest.raises(fb.FeedbackError, match=re.escape(fb.UNKNOWN_CHOICE)):
        fb.vote(
            engine,
            participant_id=outsider.id,
            statement_id=statement.id,
            choice="maybe",
            client_token="t2",
        )
    assert (
        fb.add_statement(engine, workshop_id=workshop.id, text="y" * 280, source="facilitator").text
        == "y" * 280
    )


def test_vote_upsert_and_idempotence(engine, workshop):
    person = join(engine, workshop, "Sam")
    statement = fb.list_statements(engine, workshop.id)[0]
    first, second = fb.new_client_token(), fb.new_client_token()
    kwargs = dict(participant_id=person.id, statement_id=statement.id)
    assert fb.vote(engine, **kwargs, choice="agree", client_token=first) is True
    assert fb.vote(engine, **kwargs, choice="agree", client_token=first) is False
    assert fb.vote(engine, **kwargs, choice="disagree", client_token=second) is True
    assert fb.vote(engine, **kwargs, choice="disagree", client_token=second) is False
    stored = rows_of(engine, store.votes)
    assert [(v.choice, v.client_token) for v in stored] == [("disagree", second)]
    results = fb.statement_results(engine, workshop.id)
    row = results[results["statement_id"] == statement.id].iloc[0]
    assert (row["agree"], row["disagree"], row["pass"], row["votes"]) == (0, 1, 0, 1)


ROLES = ("Family member", "Social worker", "Manager")


def test_reject_statement_removes_it_and_its_votes(engine, workshop):
    person, friend = join(engine, workshop, "Sam"), join(engine, workshop, "Ann")
    proposed = fb.add_statement(
        engine, workshop_id=workshop.id, text="Rude words", source="participant", proposed_by=person.id
    )
    kept = fb.add_statement(
        engine, workshop_id=workshop.id, text="Kept", source="participant", proposed_by=friend.id
    )
    fb.approve_statement(engine, proposed.id)  # approved by mistake, and voted on
    bank = fb.list_statements(engine, workshop.id)[0]
    for who in (person, friend):
        for statement in (proposed, bank):
            fb.vote(engine, participant_id=who.id, statement_id=statement.id, choice="agree",
                    client_token=fb.new_client_token())
    before = row_counts(engine)
    fb.reject_statement(engine, proposed.id)
    assert row_counts(engine) == {**before, "statements": before["statements"] - 1, "votes": before["votes"] - 2}
    assert rows_of(engine, store.votes, statement_id=proposed.id) == []
    listed = fb.list_statements(engine, workshop.id, approved_only=False)
    assert proposed.id not in {s.id for s in listed}
    assert {kept.id, bank.id} <= {s.id for s in listed}
    assert proposed.id not in set(fb.statement_results(engine, workshop.id)["statement_id"])
    assert fb.get_participant(engine, person.id) == person  # the proposer stays
    with pytest.raises(fb.FeedbackError) as raised:
        fb.reject_statement(engine, proposed.id)  # twice, e.g. from two facilitator tabs
    assert str(raised.value) == fb.UNKNOWN_STATEMENT


def test_participant_votes_are_the_latest(engine, workshop):
    person = join(engine, workshop, "Sam")
    first, second = fb.list_statements(engine, workshop.id)[:2]
    for statement, choice in ((first, "agree"), (second, "pass"), (first, "disagree")):
        fb.vote(engine, participant_id=person.id, statement_id=statement.id, choice=choice,
                client_token=fb.new_client_token())
    assert fb.participant_votes(engine, person.id) == {first.id: "disagree", second.id: "pass"}


def test_statements_version_changes_on_approval_and_removal(engine, workshop):
    sam = join(engine, workshop, "Sam")
    first = fb.statements_version(engine, workshop.id)
    idea = fb.add_statement(engine, workshop_id=workshop.id, text="Idea", source="participant",
                            proposed_by=sam.id)
    assert fb.statements_version(engine, workshop.id) == first  # waiting: not open to the room
    fb.approve_statement(engine, idea.id)
    second = fb.statements_version(engine, workshop.id)
    assert second != first
    fb.reject_statement(engine, idea.id)
    assert fb.statements_version(engine, workshop.id) == first


def test_statements_version_changes_when_an_author_leaves(engine, workshop):
    """Open pages then say "Written by a participant who has left" without a reload."""
    sam = join(engine, workshop, "Sam")
    idea = fb.add_statement(engine, workshop_id=workshop.id, text="Idea", source="participant",
                            proposed_by=sam.id, approved=True)
    before = fb.statements_version(engine, workshop.id)
    fb.withdraw(engine, sam.id)
    assert fb.statements_version(engine, workshop.id) != before
    assert [s.author_left for s in fb.list_statements(engine, workshop.id) if s.id == idea.id] == [True]


def test_a_proposal_sent_again_with_its_token_is_stored_once(engine, workshop):
    """A Retry after a lost reply (or a double click) sends the same token: one statement."""
    person = join(engine, workshop, "Sam")
    token = fb.new_client_token()
    before = row_counts(engine)["statements"]
    first = fb.add_statement(
        engine, workshop_id=workshop.id, text="Ask families first.", source="participant",
        proposed_by=person.id, client_token=token,
    )  # fmt: skip
    again = fb.add_statement(
        engine, workshop_id=workshop.id, text="Ask families first.", source="participant",
        proposed_by=person.id, client_token=token,
    )  # fmt: skip
    assert again == first
    assert row_counts(engine)["statements"] == before + 1
    other = fb.add_statement(
        engine, workshop_id=workshop.id, text="Ask families first.", source="participant",
        proposed_by=person.id, client_token=fb.new_client_token(),
    )  # fmt: skip
    assert other.id != first.id  # the same words sent on purpose twice are two proposals


def test_the_same_proposal_token_from_two_threads_at_once_is_stored_once(engine, workshop):
    person = join(engine, workshop, "Sam")
    before = row_counts(engine)["statements"]
    for round_ in range(4):
        token = fb.new_client_token()
        barrier = threading.Barrier(2)

        def go(_, token=token, barrier=barrier, round_=round_):
            barrier.wait()
            return fb.add_statement(
                engine, workshop_id=workshop.id, text=f"Proposal {round_}", source="participant",
                proposed_by=person.id, client_token=token,
            )  # fmt: skip

        with ThreadPoolExecutor(2) as pool:
            made = list(pool.map(go, range(2)))
        assert made[0] == made[1]
    assert row_counts(engine)["statements"] == before + 4


def test_a_proposal_token_must_fit_the_store(engine, workshop):
    person = join(engine, workshop, "Sam")
    with pytest.raises(fb.FeedbackError):
        fb.add_statement(
            engine, workshop_id=workshop.id, text="x", source="participant",
            proposed_by=person.id, client_token="x" * 65,
        )  # fmt: skip


# -- taking a vote back --------------------------------------------------------------------------


def test_a_vote_taken_back_is_deleted_and_taking_it_back_again_changes_nothing(engine, workshop):
    person = join(engine, workshop, "Sam")
    statement = fb.list_statements(engine, workshop.id)[0]
    kwargs = dict(participant_id=person.id, statement_id=statement.id)
    fb.vote(engine, **kwargs, choice="agree", client_token=fb.new_client_token())
    token = fb.new_client_token()
    assert fb.take_back_vote(engine, **kwargs, client_token=token) is True
    assert rows_of(engine, store.votes) == []
    assert fb.participant_votes(engine, person.id) == {}
    # A Retry after a lost reply sends the same token again; a second press, a new one.
    assert fb.take_back_vote(engine, **kwargs, client_token=token) is False
    assert fb.take_back_vote(engine, **kwargs, client_token=fb.new_client_token()) is False
    assert rows_of(engine, store.votes) == []
    # The person can vote again afterwards.
    assert fb.vote(engine, **kwargs, choice="pass", client_token=fb.new_client_token()) is True
    assert fb.participant_votes(engine, person.id) == {statement.id: "pass"}


def test_a_vote_taken_back_counts_nowhere(engine, workshop):
    """The live results, the agreement across roles (its "seen" counts), the exports and the
    report all stop counting a vote once it is taken back."""
    statement = fb.list_statements(engine, workshop.id)[0]
    people = [
        join(engine, workshop, name, role)
        for name, role in (("Ann", "Family member"), ("Bo", "Family member"),
                           ("Cy", "Social worker"), ("Di", "Social worker"))
    ]  # fmt: skip
    for person in people:
        fb.vote(
            engine,
            participant_id=person.id,
            statement_id=statement.id,
            choice="agree",
            client_token=fb.new_client_token(),
        )
    before = fb.workshop_version(engine, workshop.id)
    ann = people[0]
    fb.take_back_vote(
        engine, participant_id=ann.id, statement_id=statement.id, client_token=fb.new_client_token()
    )
    assert fb.workshop_version(engine, workshop.id) != before  # the live section redraws
    row = fb.statement_results(engine, workshop.id).set_index("statement_id").loc[statement.id]
    assert (row["agree"], row["votes"]) == (3, 3)
    assert row["by_role_votes"]["Family member"] == 1
    room = read_room(engine, workshop.id)
    counts = room.agreement.set_index("statement_id").loc[statement.id, "counts"]
    assert counts == {"Family member": (1, 1), "Social worker": (2, 2)}
    assert room.voters == 3
    exported = json.loads(fb.workshop_json(engine, workshop.id))
    assert sorted(v["participant_id"] for v in exported["votes"]) == [p.id for p in people[1:]]
    block = exported["room_lines"]["group_agreement"]
    mine = next(item for item in block if item["statement_id"] == statement.id)
    assert mine["counts"]["Family member"] == {"agree": 1, "seen": 1}

    for person in people[1:]:
        fb.take_back_vote(
            engine,
            participant_id=person.id,
            statement_id=statement.id,
            client_token=fb.new_client_token(),
        )
    assert fb.statement_results(engine, workshop.id)["votes"].sum() == 0
    assert "No one has voted on a statement yet." in fb.workshop_report_html(engine, workshop.id)


def test_taking_a_vote_back_is_refused_where_a_vote_would_be(engine, workshop):
    person = join(engine, workshop, "Sam")
    statement = fb.list_statements(engine, workshop.id)[0]
    fb.vote(
        engine,
        participant_id=person.id,
        statement_id=statement.id,
        choice="agree",
        client_token=fb.new_client_token(),
    )
    other = fb.create_workshop(engine, title="Elsewhere", created_by="bob")
    elsewhere = fb.list_statements(engine, other.id)[0]

    def take_back(statement_id, participant_id=person.id):
        return fb.take_back_vote(
            engine,
            participant_id=participant_id,
            statement_id=statement_id,
            client_token=fb.new_client_token(),
        )

    with pytest.raises(fb.FeedbackError) as raised:
        take_back(elsewhere.id)
    assert str(raised.value) == fb.STATEMENT_ELSEWHERE
    fb.set_workshop_status(engine, workshop.id, "closed")
    with pytest.raises(fb.WorkshopClosed) as raised:
        take_back(statement.id)
    assert str(raised.value) == fb.CLOSED_FOR_ANSWERS
    assert len(rows_of(engine, store.votes)) == 1  # the closed workshop's results stay as they were
    fb.set_workshop_status(engine, workshop.id, "open")
    assert take_back(10**9) is False  # a statement that is gone has no vote left to take back
    with pytest.raises(fb.FeedbackError) as raised:
        take_back(statement.id, participant_id=10**9)
    assert str(raised.value) == fb.NOT_A_PARTICIPANT
    with pytest.raises(fb.FeedbackError):
        fb.take_back_vote(
            engine, participant_id=person.id, statement_id=statement.id, client_token=""
        )
    assert len(rows_of(engine, store.votes)) == 1
