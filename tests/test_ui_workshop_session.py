"""The session (csc_dash.ui.workshop.session): one person ends on a shared device and the next
starts, with nothing of the first reachable; settings come back with the person."""

from __future__ import annotations

import pytest

from csc_dash import workshop
from csc_dash.ui import state
from csc_dash.ui.workshop import session
from tests.workshop_helpers import engine, fast_bcrypt, join, new_app  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_bcrypt")


def test_the_next_person_on_a_device_starts_afresh_and_the_first_keeps_everything():
    at = join(new_app(), "Blue Kite")
    first = at.session_state[state.PARTICIPANT]
    first_code = at.session_state[state.REJOIN_CODE]
    statement = workshop.list_statements(engine(), first["workshop_id"])[0]
    at.switch_page("app_pages/your_views.py").run()
    at.button_group(key=f"vote_{statement.id}").set_value("disagree").run()
    at.session_state[state.VIEW] = "analyst"
    at.run()  # the kept settings are written on the next run
    at.text_area(key="propose_text").input("Typed by the first person, not sent")
    at.switch_page("app_pages/welcome.py").run()
    at.button(key="leave_device").click().run()

    # Every form the first person filled is empty again (the join form is drawn afresh) ...
    left = {
        k: at.session_state[k]
        for k in at.session_state
        if isinstance(k, str) and k.startswith(session.PERSONAL_KEY_PREFIXES)
    }
    assert left and all(value in (None, "", False) for value in left.values()), left
    # ... and the first person's view is theirs, not the next person's.
    assert at.session_state[state.VIEW] == state.DEFAULTS[state.VIEW]

    at = join(at, "Green Owl")
    second = at.session_state[state.PARTICIPANT]
    assert second["participant_id"] != first["participant_id"]
    assert at.session_state[state.REJOIN_CODE] not in (None, first_code)
    at.switch_page("app_pages/your_views.py").run()
    assert at.button_group(key=f"vote_{statement.id}").value is None  # not the first person's vote
    assert at.text_area(key="propose_text").value == ""

    # The first person's vote and view are kept in the store, for when they come back.
    assert workshop.participant_votes(engine(), first["participant_id"]) == {
        statement.id: "disagree"
    }
    assert workshop.participant_settings(engine(), first["participant_id"])["view"] == "analyst"


def test_a_person_who_comes_back_gets_their_settings_again():
    at = join(new_app(), "Blue Kite")
    at.session_state[state.BIAS] = "none"
    at.run()
    person = at.session_state[state.PARTICIPANT]
    token = at.query_params[session.REJOIN_PARAM]
    again = new_app()
    again.query_params[session.REJOIN_PARAM] = token
    again.run()
    assert again.session_state[state.PARTICIPANT]["participant_id"] == person["participant_id"]
    assert again.session_state[state.BIAS] == "none"
