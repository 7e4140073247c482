"""Leaving a device (csc_dash.ui.workshop.leaving): "Next person" on a shared device (issue 17.4).

One person answers, presses "Next person", says yes; the device forgets every trace of them and
the next person lands on Welcome's join form of the same workshop. Their answers stay in the store
and they can come back later with their code.
"""

from __future__ import annotations

import pytest

from csc_dash import workshop as feedback
from csc_dash.ui import state
from csc_dash.ui.workshop import leaving, session
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import (  # noqa: F401
    add_staff,
    come_back,
    engine,
    fast_bcrypt,
    join,
    new_app,
)

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

PRIVATE = "Only the first person typed this"


def _room(monkeypatch):
    add_staff(monkeypatch, "fay")
    return feedback.create_workshop(engine(), title="Parents' group", created_by="fay")


def _first_person_answers(at, room):
    """Blue Kite joins, saves an answer, votes, moves the line and the cost, and types a statement
    without sending it."""
    at = join(at, "Blue Kite", code=room.code)
    at.switch_page("app_pages/your_views.py").run()
    at.radio(key="qa_should_use").set_value(4)
    at.button(key="FormSubmitter:q_should_use-Save this answer").click().run()
    statement = feedback.list_statements(engine(), room.id)[0]
    at.button_group(key=f"vote_{statement.id}").set_value("disagree").run()
    at.session_state[state.COST] = 37
    at.session_state[state.THRESHOLD] = 0.4321
    at.session_state[state.SELECTED_CHILD] = 12
    at.session_state[state.VIEW] = "analyst"
    at.run()
    at.text_area(key="propose_text").input(PRIVATE)
    at.text_area(key="qa_should_reasons").input(PRIVATE)
    return at, statement


def _differ(at, other) -> set[str]:
    """The session keys (but the device's) whose values differ between two sessions."""

    mine = {key: at.session_state[key] for key in at.session_state}
    theirs = {key: other.session_state[key] for key in other.session_state}
    keys = (mine.keys() | theirs.keys()) - session.DEVICE_STATE
    return {key for key in keys if mine.get(key) != theirs.get(key)}


def _press_next_person(at, where: str):
    at.button(key=f"next_person_{where}").click().run()
    return at.button(key=f"next_person_yes_{where}").click().run()


def test_next_person_forgets_the_first_and_opens_the_join_form_of_the_same_workshop(monkeypatch):
    room = _room(monkeypatch)
    at, statement = _first_person_answers(new_app(), room)
    first = at.session_state[state.PARTICIPANT]
    code, token = at.session_state[state.REJOIN_CODE], at.query_params[session.REJOIN_PARAM]

    at.button(key="next_person_your_views").click().run()
    asked = page_text(at)
    assert leaving.NEXT_PERSON_ASK.format(name="Blue Kite") in asked  # a plain confirmation ...
    assert feedback.format_rejoin_code(code) in asked  # ... with the code to come back
    assert at.session_state[state.PARTICIPANT] is not None  # nothing done before "yes"
    at.button(key="next_person_yes_your_views").click().run()
    assert_no_exception(at)

    # The next person is on Welcome, at the join form of the same workshop, told what happened.
    assert [t.value for t in at.title] == ["Welcome"]
    assert leaving.MSG_NEXT_PERSON in [i.value for i in at.info]
    assert at.text_input(key="join_code").value == room.code
    assert at.text_input(key="join_pseudonym").value == ""  # a new made-up name to choose
    assert at.selectbox(key="join_role").value is None
    assert at.checkbox(key="join_agree").value is False  # consent asked again

    # Nothing of the first person is left in the session: not who they were, their link, their
    # code, their answers on the way, what they typed, nor any choice they made on a page.
    assert session.REJOIN_PARAM not in at.query_params
    for key in at.session_state:
        value = at.session_state[key]
        assert value != PRIVATE, key
        assert first["pseudonym"] not in str(value), key
        assert code not in str(value) and token not in str(value), key
        if key in state.DEFAULTS and key not in session.DEVICE_STATE and key != state.NOTICES:
            assert value == state.DEFAULTS[key], key
    assert "qa_should_reasons" not in at.session_state
    assert "propose_text" not in at.session_state
    # The whole session is that of someone who just opened the app (a key another part of the app
    # adds for a person is caught here too), but for the code filled in.
    assert _differ(at, new_app()) == {"join_code"}
    # Their link in this browser's history brings no one back.
    assert feedback.find_participant_by_token(engine(), token) is None

    # The next person joins the same workshop and sees none of the first person's work.
    at = join(at, "Green Owl", code=room.code)
    second = at.session_state[state.PARTICIPANT]
    assert (second["workshop_id"], second["pseudonym"]) == (room.id, "Green Owl")
    assert second["participant_id"] != first["participant_id"]
    assert at.session_state[state.COST] == state.DEFAULTS[state.COST]
    at.switch_page("app_pages/your_views.py").run()
    assert at.radio(key="qa_should_use").value is None
    assert at.text_area(key="qa_should_reasons").value == ""
    assert at.text_area(key="propose_text").value == ""
    assert at.button_group(key=f"vote_{statement.id}").value is None
    assert "Blue Kite" not in page_text(at)

    # The first person's work is in the store, and they can come back with their code.
    answers = feedback.responses(engine(), room.id)
    assert list(answers["pseudonym"]) == ["Blue Kite"]
    assert feedback.participant_votes(engine(), first["participant_id"]) == {
        statement.id: "disagree"
    }
    back = come_back(new_app(), "Blue Kite", code, code=room.code)
    assert back.session_state[state.PARTICIPANT]["participant_id"] == first["participant_id"]
    assert back.session_state[state.VIEW] == "analyst"  # their own kept settings


def test_next_person_is_on_welcome_too_and_not_yet_changes_nothing():
    at = join(new_app(), "Blue Kite")  # the demo workshop: no code box to fill
    at.button(key="next_person_welcome").click().run()
    at.button(key="next_person_no_welcome").click().run()
    assert at.session_state[state.PARTICIPANT]["pseudonym"] == "Blue Kite"
    assert at.session_state[state.NEXT_PERSON_ASK] is False
    assert [b for b in at.button if b.key == "next_person_welcome"]

    at = _press_next_person(at, "welcome")
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT] is None
    assert "join_code" not in at.session_state
    assert leaving.MSG_NEXT_PERSON in [i.value for i in at.info]
    assert at.button(key="FormSubmitter:join_form-Join the demo workshop")


def test_next_person_when_the_store_is_down_keeps_the_person_and_says_so(monkeypatch):
    at = join(new_app(), "Blue Kite")
    at.switch_page("app_pages/your_views.py").run()

    def down(*args, **kwargs):
        raise feedback.StoreUnavailable(feedback.SAVE_UNAVAILABLE)

    monkeypatch.setattr(leaving, "revoke_join_token", down)
    at = _press_next_person(at, "your_views")
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT]["pseudonym"] == "Blue Kite"  # nothing half-done
    assert session.REJOIN_PARAM in at.query_params
    assert leaving.MSG_LEAVE_NOT_DONE in [t.value for t in at.toast]
    assert [t.value for t in at.title] == ["Your views"]


def test_no_next_person_before_joining():
    at = new_app().switch_page("app_pages/your_views.py").run()
    assert not [b for b in at.button if b.key and b.key.startswith("next_person")]


@pytest.mark.parametrize("where", ["welcome", "your_views"])
def test_next_person_after_a_reload_offers_a_new_code_and_still_hands_on(where):
    first = join(new_app(), "Blue Kite")
    token = first.query_params[session.REJOIN_PARAM]
    at = new_app()  # a reload: a new session that knows the person by the link, not their code
    at.query_params[session.REJOIN_PARAM] = token
    at.switch_page(f"app_pages/{where}.py").run()
    assert at.session_state[state.REJOIN_CODE] is None
    at.button(key=f"next_person_{where}").click().run()
    assert_no_exception(at)
    assert at.button(key="new_rejoin_code")  # a new code to write down before going
    at.button(key="new_rejoin_code").click().run()
    new_code = at.session_state[state.REJOIN_CODE]
    assert new_code
    at.button(key=f"next_person_yes_{where}").click().run()
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT] is None
    back = come_back(new_app(), "Blue Kite", new_code)
    assert back.session_state[state.PARTICIPANT]["pseudonym"] == "Blue Kite"
