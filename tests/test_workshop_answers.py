"""csc_dash.workshop.answers: answers stored once, under load, through outages, when closed."""

from __future__ import annotations

import socket
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from csc_dash import workshop as fb
from csc_dash.workshop import store

pytest.register_assert_rewrite("tests.pg")
from tests.pg import TcpProxy, isolated_schema, postgres_url, row_counts  # noqa: E402
from tests.store_helpers import answer, join  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop


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
