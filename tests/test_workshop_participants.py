"""csc_dash.workshop.participants: joining, coming back (token, rejoin code), kept settings."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from csc_dash import workshop as fb
from csc_dash.workshop import store

pytest.register_assert_rewrite("tests.pg")
from tests.pg import row_counts  # noqa: E402
from tests.store_helpers import answer, join, rows_of  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop


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


def join_with_code(engine, workshop, name="Blue Kite", role="Family member"):
    code = fb.new_rejoin_code()
    token = fb.new_join_token()
    person = fb.join_workshop(engine, code=workshop.code, pseudonym=name, role_tag=role,
                              client_token=token, rejoin_code=code)
    return person, code, token


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
            attempted_at=store.utcnow() - fb.REJOIN_WINDOW - timedelta(seconds=1)))
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
