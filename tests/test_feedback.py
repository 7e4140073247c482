"""Workshops, participants, answers and votes, on SQLite and PostgreSQL (fixture ``engine``)."""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from csc_dash import feedback as fb
from csc_dash import store
from csc_dash.content.statements import STATEMENT_BANK

pytest.register_assert_rewrite("tests.pg")
from tests.pg import TcpProxy, isolated_schema, postgres_url, row_counts  # noqa: E402

pytest_plugins = ["tests.pg"]  # fixtures: engine, store_url, pg_url

EMPTY = {
    "workshops": 0, "participants": 0, "responses": 0, "statements": 0, "votes": 0,
    "sign_in_failures": 0, "rejoin_attempts": 0,
}


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


# --------------------------------------------------------------------------- workshops and codes


def test_create_workshop_seeds_the_bank(engine, workshop):
    assert len(workshop.code) == fb.CODE_LENGTH
    assert set(workshop.code) <= set(fb.CODE_ALPHABET)
    assert workshop.status == "open"
    assert workshop.created_at.utcoffset().total_seconds() == 0
    listed = fb.list_statements(engine, workshop.id)
    assert [s.text for s in listed] == [b.text for b in STATEMENT_BANK]
    assert all(s.approved and s.source == "bank" and s.proposed_by is None for s in listed)
    assert fb.get_workshop(engine, workshop.id) == workshop


def test_code_alphabet_has_no_lookalikes():
    assert len(set(fb.CODE_ALPHABET)) == len(fb.CODE_ALPHABET)
    assert not set(fb.CODE_ALPHABET) & set("0O1IL2Z5S8B")
    assert fb.CODE_ALPHABET.isupper() or fb.CODE_ALPHABET.isalnum()


def test_codes_are_unique_and_from_the_alphabet(monkeypatch, engine):
    codes = iter(["AAAAAA", "AAAAAA", "CCCCCC"])
    monkeypatch.setattr(fb, "_new_code", lambda: next(codes))
    first = fb.create_workshop(engine, title="One", created_by="ann")
    second = fb.create_workshop(engine, title="Two", created_by="ann")  # first pick collides
    assert (first.code, second.code) == ("AAAAAA", "CCCCCC")
    assert row_counts(engine)["statements"] == 2 * len(STATEMENT_BANK)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("demo", "DEMO"),
        ("  de-mo ", "DEMO"),
        ("ac d-e f", "ACDEF"),
        ("ac–de—f", "ACDEF"),
        ("AC\tDE\nF", "ACDEF"),
        ("", ""),
    ],
)
def test_normalise_code(typed, stored):
    assert fb.normalise_code(typed) == stored


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


# --------------------------------------------------------------------------- joining


def test_join_round_trip(engine, workshop):
    token = fb.new_client_token()
    person = fb.join_workshop(
        engine,
        code=workshop.code.lower(),
        pseudonym="  Sam   Lee ",
        role_tag="Social worker",
        client_token=token,
    )
    assert (person.workshop_id, person.pseudonym, person.role_tag) == (
        workshop.id,
        "Sam Lee",
        "Social worker",
    )
    assert person.consented_at.utcoffset().total_seconds() == 0
    assert fb.get_participant(engine, person.id) == person
    again = fb.join_workshop(
        engine,
        code=workshop.code,
        pseudonym="Sam Lee",
        role_tag="Social worker",
        client_token=token,
    )
    assert again == person
    assert row_counts(engine)["participants"] == 1


@pytest.mark.parametrize(
    ("code", "pseudonym", "role", "message"),
    [
        ("NOPE99", "Sam", "Other", fb.UNKNOWN_CODE),
        (None, "", "Other", fb.EMPTY_PSEUDONYM),
        (None, " \t ", "Other", fb.EMPTY_PSEUDONYM),
        (None, "x" * 41, "Other", fb.LONG_PSEUDONYM),
        (None, "TAKEN", "Other", fb.TAKEN_PSEUDONYM),
        (None, "taken", "Other", fb.TAKEN_PSEUDONYM),
        (None, "Ｔａｋｅｎ", "Other", fb.TAKEN_PSEUDONYM),  # full-width letters
        (None, "Sam\x00", "Other", fb.BAD_PSEUDONYM),
        (None, "Sam\u202e", "Other", fb.BAD_PSEUDONYM),
        (None, "Sam", "Boss", fb.UNKNOWN_ROLE),
        (None, "Sam", "", fb.UNKNOWN_ROLE),
    ],
)
def test_join_errors(engine, workshop, code, pseudonym, role, message):
    join(engine, workshop, "Taken")
    with pytest.raises(fb.FeedbackError) as raised:
        fb.join_workshop(
            engine,
            code=code or workshop.code,
            pseudonym=pseudonym,
            role_tag=role,
            client_token=fb.new_client_token(),
        )
    assert str(raised.value) == message
    assert row_counts(engine)["participants"] == 1


def test_forty_character_pseudonym_and_every_role_are_accepted(engine, workshop):
    for i, role in enumerate(fb.ROLE_TAGS):
        person = join(engine, workshop, f"{i}" + "x" * 39, role)
        assert len(person.pseudonym) == 40
        assert person.role_tag == role


def test_same_pseudonym_in_another_workshop_is_fine(engine, workshop):
    other = fb.create_workshop(engine, title="Other", created_by="ann")
    assert join(engine, workshop, "Sam").workshop_id == workshop.id
    assert join(engine, other, "Sam").workshop_id == other.id


def test_same_join_token_from_two_threads_makes_one_participant(engine, workshop):
    for _ in range(5):
        token = fb.new_client_token()
        barrier = threading.Barrier(2)

        def go(_, token=token, barrier=barrier):
            barrier.wait()
            return fb.join_workshop(
                engine,
                code=workshop.code,
                pseudonym=f"p{token[:6]}",
                role_tag="Other",
                client_token=token,
            )

        with ThreadPoolExecutor(2) as pool:
            a, b = pool.map(go, range(2))
        assert a == b
    assert row_counts(engine)["participants"] == 5


# --------------------------------------------------------------------------- answers


def test_save_response_round_trip(engine, workshop):
    person = join(engine, workshop, "Sam")
    state = {"model": "structured", "threshold": 0.31, "characteristic": ["ethnicity"]}
    token = fb.new_client_token()
    stored = fb.save_response(
        engine,
        participant_id=person.id,
        page="tradeoffs",
        question_id="reaction",
        value={"reaction": "unsure", "reason": "Too many false alarms"},
        screen_state=state,
        client_token=token,
    )
    assert stored is True
    frame = fb.responses(engine, workshop.id)
    assert list(frame.columns) == fb.RESPONSE_COLUMNS
    row = frame.iloc[0].to_dict()
    assert row["pseudonym"] == "Sam"
    assert row["role_tag"] == "Family member"
    assert row["value"] == {"reaction": "unsure", "reason": "Too many false alarms"}
    assert row["screen_state"] == state
    assert row["created_at"].tzinfo is not None


def test_double_submit_stores_once(engine, workshop):
    person = join(engine, workshop, "Sam")
    token = fb.new_client_token()
    kwargs = dict(
        participant_id=person.id,
        page="p",
        question_id="q",
        value=1,
        screen_state={},
        client_token=token,
    )
    assert fb.save_response(engine, **kwargs) is True
    assert fb.save_response(engine, **kwargs) is False
    assert fb.save_response(engine, **{**kwargs, "value": 2}) is False  # the token decides
    assert row_counts(engine)["responses"] == 1
    assert fb.latest_answers(engine, person.id) == {("p", "q"): 1}


def test_same_token_from_two_threads_at_once_stores_once(engine, workshop):
    person = join(engine, workshop, "Sam")
    for i in range(8):
        token = fb.new_client_token()
        barrier = threading.Barrier(2)

        def go(_, token=token, barrier=barrier, i=i):
            barrier.wait()
            return fb.save_response(
                engine,
                participant_id=person.id,
                page="p",
                question_id=f"q{i}",
                value=i,
                screen_state={},
                client_token=token,
            )

        with ThreadPoolExecutor(2) as pool:
            assert sorted(pool.map(go, range(2))) == [False, True]
    assert row_counts(engine)["responses"] == 8


def test_latest_answers_prefill(engine, workshop):
    person = join(engine, workshop, "Sam")
    other = join(engine, workshop, "Kim")
    answer(engine, person, "should_use", 2, page="your_views")
    answer(engine, person, "should_use", 4, page="your_views")
    answer(engine, person, "reaction", "acceptable")
    answer(engine, other, "should_use", 1, page="your_views")
    assert fb.latest_answers(engine, person.id) == {
        ("your_views", "should_use"): 4,
        ("tradeoffs", "reaction"): "acceptable",
    }
    assert fb.latest_answers(engine, 10**6) == {}


@pytest.mark.parametrize(
    ("value", "state", "message"),
    [
        (object(), {}, fb.NOT_STORABLE),
        (float("nan"), {}, fb.NOT_STORABLE),
        ("ok", {"x": object()}, fb.NOT_STORABLE),
        ("ok", ["not", "a", "dict"], fb.NOT_STORABLE),
        ("x" * 2001, {}, fb.LONG_TEXT),
        ({"reason": "x" * 2001}, {}, fb.LONG_TEXT),
        (["x" * 2001], {}, fb.LONG_TEXT),
    ],
)
def test_save_response_refuses_bad_values(engine, workshop, value, state, message):
    person = join(engine, workshop, "Sam")
    with pytest.raises(fb.FeedbackError) as raised:
        fb.save_response(
            engine,
            participant_id=person.id,
            page="p",
            question_id="q",
            value=value,
            screen_state=state,
            client_token=fb.new_client_token(),
        )
    assert str(raised.value) == message
    assert row_counts(engine)["responses"] == 0


def test_two_thousand_characters_and_numpy_values_are_fine(engine, workshop):
    np = pytest.importorskip("numpy")
    person = join(engine, workshop, "Sam")
    assert answer(engine, person, "anything_else", "é" * 2000)
    assert answer(engine, person, "n", np.int64(3), threshold=np.float64(0.25), flag=np.bool_(True))
    frame = fb.responses(engine, workshop.id)
    assert frame["value"].tolist() == ["é" * 2000, 3]
    assert frame["screen_state"].iloc[1] == {"threshold": 0.25, "flag": True}


def test_save_for_unknown_or_withdrawn_participant(engine, workshop):
    person = join(engine, workshop, "Sam")
    fb.withdraw(engine, person.id)
    for participant_id in (person.id, 10**6):
        with pytest.raises(fb.FeedbackError) as raised:
            fb.save_response(
                engine,
                participant_id=participant_id,
                page="p",
                question_id="q",
                value=1,
                screen_state={},
                client_token=fb.new_client_token(),
            )
        assert str(raised.value) == fb.NOT_A_PARTICIPANT


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values, state=st.dictionaries(st.text(max_size=8), json_values, max_size=3))
def test_any_json_value_round_trips(engine, workshop, value, state):
    # Examples share the engine; the same join token gives the same participant every time.
    person = fb.join_workshop(
        engine, code=workshop.code, pseudonym="Sam", role_tag="Other", client_token="hypothesis"
    )
    question_id = fb.new_client_token()
    assert fb.save_response(
        engine,
        participant_id=person.id,
        page="p",
        question_id=question_id,
        value=value,
        screen_state=state,
        client_token=question_id,
    )
    assert fb.latest_answers(engine, person.id)[("p", question_id)] == value
    frame = fb.responses(engine, workshop.id)
    assert frame["screen_state"].iloc[-1] == state


# --------------------------------------------------------------------------- concurrency


def test_concurrent_writers_lose_and_duplicate_nothing(engine, workshop):
    threads, per_thread = 20, 50
    people = [join(engine, workshop, f"person {i}", fb.ROLE_TAGS[i % 8]) for i in range(threads)]
    plan = {person.id: [(fb.new_client_token(), j) for j in range(per_thread)] for person in people}
    barrier = threading.Barrier(threads)

    def write(person):
        barrier.wait()
        outcomes = []
        for token, j in plan[person.id]:
            kwargs = dict(
                participant_id=person.id,
                page="tradeoffs",
                question_id=f"q{j}",
                value={"n": j, "who": person.id},
                screen_state={"j": j},
                client_token=token,
            )
            outcomes.append(fb.save_response(engine, **kwargs))
            if j % 2 == 0:  # a double submit every other answer
                outcomes.append(fb.save_response(engine, **kwargs))
        return outcomes

    with ThreadPoolExecutor(threads) as pool:
        outcomes = [o for result in pool.map(write, people) for o in result]
    assert outcomes.count(True) == threads * per_thread
    assert outcomes.count(False) == threads * per_thread // 2
    frame = fb.responses(engine, workshop.id)
    assert len(frame) == threads * per_thread
    stored = {
        (r.participant_id, r.question_id, r.value["n"], r.value["who"]) for r in frame.itertuples()
    }
    expected = {(p.id, f"q{j}", j, p.id) for p in people for j in range(per_thread)}
    assert stored == expected
    with engine.connect() as conn:
        tokens = set(conn.execute(select(store.responses.c.client_token)).scalars())
    assert tokens == {token for pairs in plan.values() for token, _ in pairs}


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


# --------------------------------------------------------------------------- statements and votes


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


@pytest.mark.parametrize(
    ("votes", "label"),
    [
        # role -> (agree, disagree, pass)
        ({"Family member": (3, 0, 0), "Social worker": (2, 0, 0)}, "consensus"),
        ({"Family member": (0, 3, 0), "Social worker": (0, 3, 1)}, "consensus"),
        ({"Family member": (4, 0, 3)}, "too few votes"),
        ({"Family member": (3, 0, 0), "Social worker": (0, 3, 0)}, "divisive"),
        ({"Family member": (4, 0, 0), "Social worker": (1, 2, 0)}, "divisive"),
        ({"Family member": (4, 0, 0), "Social worker": (2, 1, 0)}, "mixed"),
        (
            {"Family member": (2, 1, 0), "Social worker": (1, 1, 0), "Manager": (0, 1, 0)},
            "divisive",
        ),
        (
            {"Family member": (4, 1, 0), "Social worker": (2, 0, 0), "Manager": (0, 1, 0)},
            "consensus",
        ),
    ],
)
def test_statement_labels_on_constructed_votes(engine, workshop, votes, label):
    statement = fb.add_statement(
        engine, workshop_id=workshop.id, text="Constructed", source="facilitator", approved=True
    )
    expected = {"agree": 0, "disagree": 0, "pass": 0}
    n = 0
    for role, counts in votes.items():
        for choice, count in zip(("agree", "disagree", "pass"), counts, strict=True):
            expected[choice] += count
            for _ in range(count):
                person = join(engine, workshop, f"voter {n}", role)
                n += 1
                fb.vote(
                    engine,
                    participant_id=person.id,
                    statement_id=statement.id,
                    choice=choice,
                    client_token=fb.new_client_token(),
                )
    results = fb.statement_results(engine, workshop.id)
    assert list(results.columns) == fb.STATEMENT_RESULT_COLUMNS
    assert len(results) == len(STATEMENT_BANK) + 1
    row = results[results["statement_id"] == statement.id].iloc[0]
    assert row["label"] == label
    assert (row["agree"], row["disagree"], row["pass"]) == tuple(expected.values())
    assert row["votes"] == sum(expected.values())
    decided = expected["agree"] + expected["disagree"]
    assert row["agree_share"] == pytest.approx(expected["agree"] / decided)
    assert row["by_role"] == pytest.approx(
        {role: a / (a + d) for role, (a, d, _) in votes.items() if a + d}
    )
    untouched = results[results["statement_id"] != statement.id]
    assert (untouched["label"] == "too few votes").all()
    assert untouched["agree_share"].isna().all()


@pytest.mark.parametrize(
    ("agree", "disagree", "by_role", "label"),
    [
        (5, 0, {}, "consensus"),
        (0, 5, {}, "consensus"),
        (4, 0, {}, "too few votes"),
        (7, 3, {"a": (7, 3)}, "consensus"),  # 0.7 counts
        (3, 2, {}, "divisive"),
        (13, 7, {}, "divisive"),  # 0.65 counts
        (6, 4, {"a": (3, 0), "b": (3, 4)}, "divisive"),
        (7, 3, {"a": (5, 0), "b": (2, 3)}, "divisive"),  # gap 0.6
        (8, 2, {"a": (6, 0), "b": (2, 2)}, "divisive"),  # gap exactly 0.5
        (8, 2, {"a": (6, 1), "b": (2, 1)}, "mixed"),
        (8, 2, {"a": (7, 1), "b": (1, 1)}, "mixed"),  # b: overall agrees but b is split
        (6, 4, {"a": (1, 0), "b": (0, 1)}, "divisive"),  # single votes do not count per role
    ],
)
def test_classify_statement(agree, disagree, by_role, label):
    assert fb.classify_statement(agree, disagree, by_role) == label


# --------------------------------------------------------------------------- live summary


def test_live_summary(engine, workshop):
    sam = join(engine, workshop, "Sam", "Family member")
    kim = join(engine, workshop, "Kim", "Social worker")
    lee = join(engine, workshop, "Lee", "Social worker")
    answer(engine, sam, "reaction", {"reaction": "acceptable", "reason": "Clear"})
    answer(engine, sam, "reaction", {"reaction": "not_acceptable", "reason": "Changed my mind"})
    answer(engine, kim, "reaction", {"reaction": "not_acceptable", "reason": ""})
    answer(engine, lee, "reaction", "unsure", page="children")
    answer(engine, sam, "accepted_threshold", 0.3, page="your_views")  # asked before version 3
    answer(engine, kim, "accepted_threshold", None, page="your_views")
    answer(engine, lee, "accepted_per_1000", 95, page="your_views", answer_threshold=0.176)
    answer(engine, sam, "should_use", 2, page="your_views")
    answer(engine, kim, "should_use", 4, page="your_views")
    answer(engine, lee, "should_use", 4, page="your_views")
    answer(engine, lee, "should_reasons", "<b>Because</b>", page="your_views")
    answer(engine, lee, "safeguards_rank", ["a", "b"], page="your_views")

    summary = fb.live_summary(engine, workshop.id)
    assert summary["participants_by_role"].to_dict("records") == [
        {"role_tag": "Family member", "participants": 1},
        {"role_tag": "Social worker", "participants": 2},
    ]
    assert summary["reactions_by_page"].to_dict("records") == [
        {"page": "children", "reaction": "unsure", "count": 1},
        {"page": "tradeoffs", "reaction": "not_acceptable", "count": 2},
    ]
    assert summary["accepted_thresholds"].to_dict("records") == [
        {"role_tag": "Family member", "value": 0.3, "per_1000": None},
        {"role_tag": "Social worker", "value": None, "per_1000": None},
        {"role_tag": "Social worker", "value": 0.176, "per_1000": 95},
    ]
    assert summary["scale_by_role"].to_dict("records") == [
        {"question_id": "should_use", "role_tag": "Family member", "value": 2, "count": 1},
        {"question_id": "should_use", "role_tag": "Social worker", "value": 4, "count": 2},
    ]
    assert summary["free_text"].to_dict("records") == [
        {
            "page": "tradeoffs",
            "question_id": "reaction",
            "pseudonym": "Sam",
            "role_tag": "Family member",
            "text": "Changed my mind",
        },
        {
            "page": "your_views",
            "question_id": "should_reasons",
            "pseudonym": "Lee",
            "role_tag": "Social worker",
            "text": "<b>Because</b>",
        },
    ]


def test_live_summary_of_an_empty_workshop_has_the_columns(engine, workshop):
    summary = fb.live_summary(engine, workshop.id)
    assert {name: list(frame.columns) for name, frame in summary.items()} == {
        "participants_by_role": ["role_tag", "participants"],
        "reactions_by_page": ["page", "reaction", "count"],
        "accepted_thresholds": ["role_tag", "value", "per_1000"],
        "scale_by_role": ["question_id", "role_tag", "value", "count"],
        "free_text": ["page", "question_id", "pseudonym", "role_tag", "text"],
    }
    assert all(len(frame) == 0 for frame in summary.values())
    assert list(fb.responses(engine, workshop.id).columns) == fb.RESPONSE_COLUMNS


# --------------------------------------------------------------------------- withdraw and erase


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


# --------------------------------------------------------------------------- the store going away


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_database_raises_store_unavailable_with_a_plain_message():
    gone = create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test",
        connect_args={"connect_timeout": 2},
    )
    with pytest.raises(fb.StoreUnavailable) as raised:
        fb.save_response(
            gone,
            participant_id=1,
            page="p",
            question_id="q",
            value=1,
            screen_state={},
            client_token="t",
        )
    assert str(raised.value) == fb.SAVE_UNAVAILABLE
    assert fb.StoreUnavailable is store.StoreUnavailable
    with pytest.raises(fb.StoreUnavailable) as raised:
        fb.live_summary(gone, 1)
    assert str(raised.value) == fb.READ_UNAVAILABLE


@pytest.mark.postgres
def test_postgres_going_away_and_back_stores_the_retry_exactly_once():
    with isolated_schema(postgres_url()) as url:
        target = make_url(url)
        proxy = TcpProxy(target.host, target.port or 5432).start()
        engine = store.make_engine(
            target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        )
        try:
            workshop = fb.create_workshop(engine, title="Flaky", created_by="ann")
            person = join(engine, workshop, "Sam")
            kwargs = dict(
                participant_id=person.id,
                page="p",
                question_id="q",
                value="kept on screen",
                screen_state={"t": 0.5},
                client_token=fb.new_client_token(),
            )
            proxy.stop()
            with pytest.raises(fb.StoreUnavailable) as raised:
                fb.save_response(engine, **kwargs)
            assert str(raised.value) == fb.SAVE_UNAVAILABLE
            proxy.start()
            assert fb.save_response(engine, **kwargs) is True
            assert fb.save_response(engine, **kwargs) is False
            assert fb.responses(engine, workshop.id)["value"].tolist() == ["kept on screen"]
        finally:
            engine.dispose()
            proxy.stop()


def test_locked_sqlite_raises_store_unavailable_then_the_retry_stores_once(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "locked.sqlite"
    engine = store.make_engine(f"sqlite:///{path}")
    workshop = fb.create_workshop(engine, title="Locked", created_by="ann")
    person = join(engine, workshop, "Sam")
    kwargs = dict(
        participant_id=person.id,
        page="p",
        question_id="q",
        value=1,
        screen_state={},
        client_token=fb.new_client_token(),
    )
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(fb.StoreUnavailable) as raised:
            fb.save_response(engine, **kwargs)
        assert str(raised.value) == fb.SAVE_UNAVAILABLE
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert fb.save_response(engine, **kwargs) is True
    assert fb.save_response(engine, **kwargs) is False
    assert row_counts(engine)["responses"] == 1
    engine.dispose()


def test_answers_written_through_one_engine_are_read_by_another(store_url):
    """Two app replicas share the store: each sees the other's answers at once."""
    one, two = store.make_engine(store_url), store.make_engine(store_url)
    try:
        workshop = fb.create_workshop(one, title="Shared", created_by="ann")
        person = join(two, workshop, "Sam")
        answer(one, person, "q", 7)
        assert fb.latest_answers(two, person.id) == {("tradeoffs", "q"): 7}
    finally:
        one.dispose()
        two.dispose()


def test_count_helper_sees_every_table(engine):
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(store.schema_version)) == 1
    assert set(row_counts(engine)) == {t.name for t in store.metadata.sorted_tables}


# --------------------------------------------------------------------------- rejecting, listing


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


def test_list_participants_in_join_order_without_the_withdrawn(engine, workshop):
    other = fb.create_workshop(engine, title="Other", created_by="bob")
    join(engine, other, "Elsewhere")
    assert fb.list_participants(engine, workshop.id) == []
    people = [join(engine, workshop, name, role) for name, role in
              [("Sam", "Manager"), ("Ann", "Young person"), ("Kai", "Other")]]
    assert fb.list_participants(engine, workshop.id) == people
    fb.withdraw(engine, people[1].id)
    fb.erase_participant(engine, people[2].id)
    assert fb.list_participants(engine, workshop.id) == [people[0]]
    assert fb.list_participants(engine, 10**6) == []


# --------------------------------------------------------------------------- a closed workshop


def test_a_closed_workshop_stops_collecting_until_reopened(engine, workshop):
    person = join(engine, workshop, "Sam")
    bank = fb.list_statements(engine, workshop.id)[0]
    fb.set_workshop_status(engine, workshop.id, "closed")
    before = row_counts(engine)
    token, vote_token = fb.new_client_token(), fb.new_client_token()

    def save():
        return fb.save_response(engine, participant_id=person.id, page="tradeoffs",
                                question_id="reaction", value="unsure", screen_state={}, client_token=token)

    def cast():
        return fb.vote(engine, participant_id=person.id, statement_id=bank.id, choice="pass",
                       client_token=vote_token)

    def propose():
        return fb.add_statement(engine, workshop_id=workshop.id, text="Late idea",
                                source="participant", proposed_by=person.id)

    for attempt in (save, cast, propose):
        with pytest.raises(fb.WorkshopClosed) as raised:
            attempt()
        assert str(raised.value) == fb.CLOSED_FOR_ANSWERS
        assert isinstance(raised.value, fb.FeedbackError)
    assert row_counts(engine) == before
    # The facilitator can still add statements to a closed workshop.
    fb.add_statement(engine, workshop_id=workshop.id, text="From the front", source="facilitator")

    fb.set_workshop_status(engine, workshop.id, "open")
    assert save() is True and cast() is True and propose().text == "Late idea"
    assert save() is False and cast() is False  # the same tokens, retried: stored once
    assert len(fb.responses(engine, workshop.id)) == 1


def test_an_answer_stored_before_closing_is_still_recognised(engine, workshop):
    """A retry of an answer that was stored just before the close is not refused."""
    person = join(engine, workshop, "Sam")
    token = fb.new_client_token()
    kwargs = dict(participant_id=person.id, page="p", question_id="q", value=1, screen_state={},
                  client_token=token)
    assert fb.save_response(engine, **kwargs) is True
    fb.set_workshop_status(engine, workshop.id, "closed")
    assert fb.save_response(engine, **kwargs) is False


# --------------------------------------------------------------------------- rejoining


def test_join_tokens_are_long_and_random():
    tokens = {fb.new_join_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert fb.MIN_JOIN_TOKEN <= len(token) <= fb.MAX_TOKEN
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # safe in an address without escaping


def test_find_participant_by_token(engine, workshop):
    token = fb.new_join_token()
    person = fb.join_workshop(engine, code=workshop.code, pseudonym="Sam", role_tag="Manager",
                              client_token=token)
    assert fb.find_participant_by_token(engine, token) == person
    fb.set_workshop_status(engine, workshop.id, "closed")
    assert fb.find_participant_by_token(engine, token) == person  # still themselves, read-only
    last = "A" if token[-1] != "A" else "B"
    for wrong in ("", token[:-1] + last, token.swapcase(), token + "x"):
        assert wrong != token
        assert fb.find_participant_by_token(engine, wrong) is None
    fb.withdraw(engine, person.id)
    assert fb.find_participant_by_token(engine, token) is None


@pytest.mark.parametrize("token", ["", "short", "x" * 31, "x" * 65, None, 12345, ["x" * 40]])
def test_short_or_odd_tokens_are_never_looked_up(engine, workshop, token):
    if isinstance(token, str) and token:
        # Even a participant who joined with such a token cannot be found by it.
        fb.join_workshop(engine, code=workshop.code, pseudonym=f"P{len(token)}", role_tag="Other",
                         client_token=token[: fb.MAX_TOKEN])
    assert fb.find_participant_by_token(engine, token) is None


def test_an_erased_participant_is_not_found_by_token(engine, workshop):
    token = fb.new_join_token()
    person = fb.join_workshop(engine, code=workshop.code, pseudonym="Sam", role_tag="Manager",
                              client_token=token)
    fb.erase_workshop(engine, workshop.id)
    assert fb.find_participant_by_token(engine, token) is None
    assert fb.get_participant(engine, person.id) is None


# --------------------------------------------------------------------------- rejoin codes


def join_with_code(engine, workshop, name="Blue Kite", role="Family member"):
    code = fb.new_rejoin_code()
    token = fb.new_join_token()
    person = fb.join_workshop(engine, code=workshop.code, pseudonym=name, role_tag=role,
                              client_token=token, rejoin_code=code)
    return person, code, token


def test_rejoin_codes_are_short_readable_and_random():
    codes = {fb.new_rejoin_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == fb.REJOIN_LENGTH
        assert set(code) <= set(fb.CODE_ALPHABET)
    assert fb.format_rejoin_code("K7QM3DXA") == "K7QM-3DXA"
    assert fb.normalise_code(fb.format_rejoin_code("K7QM3DXA").lower()) == "K7QM3DXA"


def test_only_a_salted_hash_of_the_rejoin_code_is_stored(engine, workshop):
    person, code, _ = join_with_code(engine, workshop)
    other, same, _ = join_with_code(engine, workshop, name="Red Kite")
    fb.set_rejoin_code(engine, other.id, code)  # the same code twice: different hashes
    (row,) = rows_of(engine, store.participants, id=person.id)
    (row2,) = rows_of(engine, store.participants, id=other.id)
    assert code not in row.rejoin_hash and code.lower() not in row.rejoin_hash
    assert row.rejoin_hash.startswith("scrypt$")
    assert row.rejoin_hash != row2.rejoin_hash


def test_rejoin_with_name_and_code_comes_back_and_retires_the_old_link(engine, workshop):
    person, code, old_token = join_with_code(engine, workshop)
    answer(engine, person, "should_use", 4, page="your_views")
    new_token = fb.new_join_token()
    typed = " " + fb.format_rejoin_code(code).lower() + " "
    back = fb.rejoin(engine, code=workshop.code.lower(), pseudonym="  blue   KITE ",
                     rejoin_code=typed, client_token=new_token)
    assert back == person
    assert fb.find_participant_by_token(engine, new_token) == person
    assert fb.find_participant_by_token(engine, old_token) is None  # the lost link is retired
    assert fb.latest_answers(engine, person.id) == {("your_views", "should_use"): 4}
    # A closed workshop still lets people back in (to see, change or delete their answers).
    fb.set_workshop_status(engine, workshop.id, "closed")
    assert fb.rejoin(engine, code=workshop.code, pseudonym="Blue Kite", rejoin_code=code,
                     client_token=fb.new_join_token()) == person


@pytest.mark.parametrize(
    "name, typed",
    [("Blue Kite", "WRONGCOD"), ("Nobody", None), ("Blue Kite", "x" * 5000), ("Blue Kite", "AAAA")],
)
def test_a_wrong_name_or_code_gets_one_plain_message(engine, workshop, name, typed):
    person, code, token = join_with_code(engine, workshop)
    with pytest.raises(fb.FeedbackError) as raised:
        fb.rejoin(engine, code=workshop.code, pseudonym=name, rejoin_code=typed or code,
                  client_token=fb.new_join_token())
    assert str(raised.value) == fb.WRONG_REJOIN
    assert fb.find_participant_by_token(engine, token) == person  # nothing changed


def test_rejoin_messages_for_missing_code_or_workshop(engine, workshop):
    join_with_code(engine, workshop)
    for kwargs, message in (
        ({"code": workshop.code, "rejoin_code": " - "}, fb.EMPTY_REJOIN),
        ({"code": "NOSUCH", "rejoin_code": "AAAAAAAA"}, fb.UNKNOWN_CODE),
    ):
        with pytest.raises(fb.FeedbackError) as raised:
            fb.rejoin(engine, pseudonym="Blue Kite", client_token=fb.new_join_token(), **kwargs)
        assert str(raised.value) == message


def test_guesses_are_limited_per_name_and_the_right_code_then_waits_too(engine, workshop):
    person, code, _ = join_with_code(engine, workshop)
    join_with_code(engine, workshop, name="Red Kite")
    for _ in range(fb.REJOIN_MAX_TRIES):
        with pytest.raises(fb.FeedbackError) as raised:
            fb.rejoin(engine, code=workshop.code, pseudonym="Blue Kite", rejoin_code="WRONGCOD",
                      client_token=fb.new_join_token())
        assert str(raised.value) == fb.WRONG_REJOIN
    with pytest.raises(fb.RejoinPaused) as raised:
        fb.rejoin(engine, code=workshop.code, pseudonym="BLUE KITE", rejoin_code=code,
                  client_token=fb.new_join_token())
    assert str(raised.value) == fb.REJOIN_PAUSED
    # Tries are kept under a hash of workshop and name, never the name itself.
    subjects = [row.subject for row in rows_of(engine, store.rejoin_attempts)]
    assert len(subjects) == fb.REJOIN_MAX_TRIES + 1
    assert all("kite" not in s.lower() for s in subjects)
    # Another name in the room is not held up.
    with pytest.raises(fb.FeedbackError) as raised:
        fb.rejoin(engine, code=workshop.code, pseudonym="Red Kite", rejoin_code="WRONGCOD",
                  client_token=fb.new_join_token())
    assert str(raised.value) == fb.WRONG_REJOIN
    # After the window the person gets back in, and their tries are forgotten.
    with engine.begin() as conn:
        conn.execute(store.rejoin_attempts.update().values(
            attempted_at=store.utcnow() - fb.REJOIN_WINDOW - fb.timedelta(seconds=1)))
    assert fb.rejoin(engine, code=workshop.code, pseudonym="Blue Kite", rejoin_code=code,
                     client_token=fb.new_join_token()) == person
    assert [r for r in rows_of(engine, store.rejoin_attempts)
            if r.subject == subjects[0]] == []


def test_a_burst_of_guesses_is_counted_in_full(engine, workshop):
    """Every try is recorded before the code is checked: of 12 tries at once, at most
    REJOIN_MAX_TRIES are ever checked."""
    person, code, _ = join_with_code(engine, workshop)

    def guess(i):
        try:
            fb.rejoin(engine, code=workshop.code, pseudonym="Blue Kite",
                      rejoin_code=code if i == 11 else f"WRONG{i:03d}", client_token=fb.new_join_token())
        except fb.RejoinPaused:
            return "paused"
        except fb.FeedbackError:
            return "wrong"
        return "in"

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(guess, range(12)))
    assert outcomes.count("wrong") + outcomes.count("in") <= fb.REJOIN_MAX_TRIES
    assert outcomes.count("paused") >= 12 - fb.REJOIN_MAX_TRIES


def test_withdrawn_or_erased_people_cannot_rejoin_and_leave_no_tries(engine, workshop):
    person, code, _ = join_with_code(engine, workshop)
    with pytest.raises(fb.FeedbackError):
        fb.rejoin(engine, code=workshop.code, pseudonym="Blue Kite", rejoin_code="WRONGCOD",
                  client_token=fb.new_join_token())
    fb.withdraw(engine, person.id)
    assert rows_of(engine, store.rejoin_attempts) == []
    with pytest.raises(fb.FeedbackError) as raised:
        fb.rejoin(engine, code=workshop.code, pseudonym="Blue Kite", rejoin_code=code,
                  client_token=fb.new_join_token())
    assert str(raised.value) == fb.WRONG_REJOIN
    fb.erase_workshop(engine, workshop.id)
    assert rows_of(engine, store.rejoin_attempts) == []


def test_leaving_a_laptop_revokes_only_that_browsers_token(engine, workshop):
    person, code, token = join_with_code(engine, workshop)
    fb.revoke_join_token(engine, person.id, token)
    assert fb.find_participant_by_token(engine, token) is None  # the link in history is dead
    assert fb.get_participant(engine, person.id) == person  # answers and person stay
    elsewhere = fb.new_join_token()
    assert fb.rejoin(engine, code=workshop.code, pseudonym="Blue Kite", rejoin_code=code,
                     client_token=elsewhere) == person  # the rejoin code still works
    fb.revoke_join_token(engine, person.id, token)  # leaving again on the old laptop
    assert fb.find_participant_by_token(engine, elsewhere) == person


# --------------------------------------------------------------------------- kept settings, votes


def test_settings_are_kept_and_cleaned(engine, workshop):
    person = join(engine, workshop, "Sam")
    assert fb.participant_settings(engine, person.id) == {}
    fb.save_settings(engine, person.id, {"threshold": 0.176, "model": "text", "view": "analyst",
                                         "bias": "strong", "secret": "x", })
    assert fb.participant_settings(engine, person.id) == {
        "threshold": 0.176, "model": "text", "view": "analyst", "bias": "strong"}
    fb.save_settings(engine, person.id, {"threshold": float("nan"), "model": 3, "view": "plain"})
    assert fb.participant_settings(engine, person.id) == {"view": "plain"}
    with pytest.raises(fb.FeedbackError):
        fb.save_settings(engine, person.id, ["threshold"])


def test_participant_votes_are_the_latest(engine, workshop):
    person = join(engine, workshop, "Sam")
    first, second = fb.list_statements(engine, workshop.id)[:2]
    for statement, choice in ((first, "agree"), (second, "pass"), (first, "disagree")):
        fb.vote(engine, participant_id=person.id, statement_id=statement.id, choice=choice,
                client_token=fb.new_client_token())
    assert fb.participant_votes(engine, person.id) == {first.id: "disagree", second.id: "pass"}


# --------------------------------------------------------------------------- erasure residue


def test_erase_checkpoint_waits_for_a_reader_then_leaves_no_bytes(tmp_path):
    """A reader holding a snapshot makes the TRUNCATE checkpoint busy; the erase tries again
    and, once the reader lets go, the erased rows are in neither file."""
    path = tmp_path / "held.sqlite"
    engine = store.make_engine(f"sqlite:///{path}")
    workshop = fb.create_workshop(engine, title="Held", created_by="ann")
    person = join(engine, workshop, "Quokka-name-plugh")
    answer(engine, person, "should_reasons", "Wombat-text-frotz", page="your_views")

    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM responses").fetchone()  # holds a snapshot
    assert fb._reclaim_space(engine, tries=2, pause=0.01) is False  # busy: said, not hidden

    released = threading.Event()

    def let_go():
        released.wait()
        reader.execute("COMMIT")

    helper = threading.Thread(target=let_go)
    helper.start()
    calls = []
    real = fb._reclaim_space

    def reclaim(engine_, **kwargs):
        calls.append(1)
        released.set()  # the reader finishes while the erase is retrying
        return real(engine_, tries=50, pause=0.02)

    fb._reclaim_space = reclaim
    try:
        assert fb.withdraw(engine, person.id) is True
    finally:
        fb._reclaim_space = real
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


# --------------------------------------------------------------------------- versions


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
