"""Council readiness: staff fill in the form for a workshop, it is stored once and shown again,
bad or failed saves keep the answers on screen; participants never reach the page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from csc_dash import workshop
from csc_dash.content.readiness import NONE_OF_THESE
from csc_dash.ui import state
from csc_dash.ui.workshop import readiness_form as ui
from csc_dash.workshop import readiness_answers as ra
from csc_dash.workshop.readiness import BY_ID, NONE_WITH_OTHERS
from csc_dash.workshop.store import readiness_answers
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import add_staff, engine, fast_bcrypt, new_app, sign_in  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

PAGE = "app_pages/readiness.py"
SAVE = "FormSubmitter:readiness_form-Save my answers"


def open_page(monkeypatch, name="fay", role="facilitator", *, new=True):
    if new:
        add_staff(monkeypatch, name, role)
    at = sign_in(new_app(), name)
    return at.switch_page(PAGE).run()


def test_fill_in_save_and_see_it_again(monkeypatch):
    room = workshop.create_workshop(engine(), title="Ready?", created_by="fay")
    at = open_page(monkeypatch)
    assert_no_exception(at)
    at.radio(key="rd_monitoring").set_value("Started")
    at.radio(key="rd_single_view").set_value("No")
    at.text_area(key="rd_tools_for").input("  To find records  ")
    at.button(key=SAVE).click().run()
    assert_no_exception(at)
    assert ui.MSG_SAVED in [s.value for s in at.success]
    latest = ra.latest_readiness(engine(), room.id)
    assert latest["fay"]["answers"] == {
        "monitoring": "Started",
        "single_view": "No",
        "tools_for": "To find records",
    }
    assert [b.proto.label for b in at.get("download_button")] == [
        "Readiness answers (CSV spreadsheet)"
    ]
    counts = next(t.value for t in at.table if "Started" in t.value.columns)
    assert counts.loc["Is the system ready?", "Started"] == "1"
    assert counts.index.name == "Part of the form"

    again = open_page(monkeypatch, new=False)  # a new session: the form is filled from the store
    assert again.radio(key="rd_monitoring").value == "Started"
    assert again.text_area(key="rd_tools_for").value == "To find records"
    again.button(key=SAVE).click().run()  # saved again: a new save, the same answers
    assert ra.latest_readiness(engine(), room.id)["fay"]["answers"] == latest["fay"]["answers"]


def test_none_of_these_is_an_answer_that_stands_alone(monkeypatch):
    room = workshop.create_workshop(engine(), title="None", created_by="fay")
    at = open_page(monkeypatch)
    pills = at.button_group(key="rd_barriers")
    assert pills.options[-1] == NONE_OF_THESE  # offered last
    pills.set_value(["Cost", NONE_OF_THESE])
    at.button(key=SAVE).click().run()
    assert_no_exception(at)
    prompt = BY_ID["barriers"].prompt
    assert [e.value for e in at.error] == [NONE_WITH_OTHERS.format(prompt=prompt)]
    assert at.button_group(key="rd_barriers").value == ["Cost", NONE_OF_THESE]  # kept
    assert ra.latest_readiness(engine(), room.id) == {}
    at.button_group(key="rd_barriers").set_value([NONE_OF_THESE])
    at.button(key=SAVE).click().run()
    assert ui.MSG_SAVED in [s.value for s in at.success]
    assert ra.latest_readiness(engine(), room.id)["fay"]["answers"] == {"barriers": [NONE_OF_THESE]}
    # The counts show it as its own answer; the question no one answered reads "Not answered".
    barriers = next(t.value for t in at.table if t.proto.alt == prompt)
    assert barriers.loc[NONE_OF_THESE, "People"] == "1"
    assert barriers.loc["Not answered", "People"] == "0"
    steps = next(t.value for t in at.table if t.proto.alt == BY_ID["risk_steps"].prompt)
    assert steps.loc[NONE_OF_THESE, "People"] == "0" and steps.loc["Not answered", "People"] == "1"
    again = open_page(monkeypatch, new=False)  # filled from the store as it was saved
    assert again.button_group(key="rd_barriers").value == [NONE_OF_THESE]
    assert again.button_group(key="rd_risk_steps").value == []


def test_a_failed_save_keeps_the_answers_and_saving_again_stores_them_once(monkeypatch):
    room = workshop.create_workshop(engine(), title="Flaky", created_by="fay")
    at = open_page(monkeypatch)
    real = ra.save_readiness
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["client_token"])
        if len(calls) == 1:
            real(*args, **kwargs)  # stored, but the reply is lost
            raise workshop.StoreUnavailable("gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(ui, "save_readiness", flaky)
    at.radio(key="rd_governance").set_value("Mostly in place")
    at.button(key=SAVE).click().run()
    assert ui.MSG_NOT_SAVED in [w.value for w in at.warning]
    assert at.radio(key="rd_governance").value == "Mostly in place"  # still on screen
    at.button(key=SAVE).click().run()
    assert ui.MSG_SAVED in [s.value for s in at.success]
    assert calls[0] == calls[1]  # the same token
    with engine().connect() as conn:
        stored = conn.scalar(
            select(func.count())
            .select_from(readiness_answers)
            .where(readiness_answers.c.workshop_id == room.id)
        )
    assert stored == 1


def test_participants_and_signed_out_people_never_reach_it():
    at = new_app()
    with pytest.raises(Exception):  # noqa: B017, PT011 - not in this session's page list
        at.switch_page(PAGE).run()
    at = new_app()
    at.session_state[state.PARTICIPANT] = {
        "workshop_id": 1, "participant_id": 1, "pseudonym": "Robin",
        "role_tag": "Family member", "code": "DEMO", "title": "Demo workshop",
    }  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017, PT011
        at.run().switch_page(PAGE).run()


def test_no_workshop_yet_says_where_to_start(monkeypatch):
    at = open_page(monkeypatch, "gus")
    assert_no_exception(at)
    assert "Start a workshop on the Facilitator page first." in page_text(at)


def test_the_next_person_to_sign_in_on_this_browser_starts_from_their_own_answers(monkeypatch):
    """A shared laptop: what one staff user saved or typed is not the next one's form."""
    workshop.create_workshop(engine(), title="Ready?", created_by="fay")
    add_staff(monkeypatch, "gil", "admin")
    at = open_page(monkeypatch)
    at.radio(key="rd_monitoring").set_value("Started")
    at.button(key=SAVE).click().run()
    at.text_area(key="rd_tools_for").input("Fay's own words, not saved").run()
    at.sidebar.button(key="logout_btn").click().run()
    assert_no_exception(at)
    assert not [k for k in at.session_state if str(k).startswith(("rd_", "csc_readiness"))]
    at = sign_in(at, "gil").switch_page(PAGE).run()
    assert_no_exception(at)
    assert at.radio(key="rd_monitoring").value is None
    assert not at.text_area(key="rd_tools_for").value
