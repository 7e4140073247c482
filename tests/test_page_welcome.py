"""Welcome: demo mode, consent in plain words, joining with a code, exploring alone, withdrawing."""

from __future__ import annotations

import pytest
import textstat

from csc_dash import auth
from csc_dash import workshop as feedback
from csc_dash.ui import state, workshop
from csc_dash.ui.workshop import consent, joining, leaving, session
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import (  # noqa: F401
    add_staff,
    engine,
    fast_bcrypt,
    join,
    new_app,
)

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

XSS = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(("name", "text"), sorted(workshop.plain_texts().items()))
def test_plain_words_are_readable_by_a_twelve_year_old(name, text):
    assert textstat.flesch_kincaid_grade(text) <= 8, name


def test_demo_mode_without_accounts_has_no_staff_pages():
    at = new_app()
    assert_no_exception(at)
    text = page_text(at)
    for _title, body in consent.CONSENT_BLOCKS:
        assert body in text
    assert consent.DEMO_NOTE in text
    assert not [t for t in at.text_input if t.key == "join_code"]  # no code in demo mode
    assert "python -m csc_dash users add NAME --role facilitator" in at.code[0].value
    for page in ("app_pages/facilitator.py", "app_pages/sign_in.py"):
        with pytest.raises(Exception):  # noqa: B017 - AppTest raises when a page is not in the list
            at.switch_page(page).run()


def test_joining_needs_consent_and_records_nothing_before():
    at = join(new_app(), "Blue Kite", agree=False)
    assert_no_exception(at)
    assert joining.MSG_NO_AGREE in [w.value for w in at.warning]
    assert at.session_state[state.PARTICIPANT] is None
    demo = feedback.find_workshop(engine(), feedback.DEMO_CODE)
    assert demo is None or feedback.live_summary(engine(), demo.id)["participants_by_role"].empty


def test_join_the_demo_workshop():
    at = join(new_app(), "Blue Kite", "Social worker")
    assert_no_exception(at)
    person = at.session_state[state.PARTICIPANT]
    assert (person["pseudonym"], person["role_tag"], person["code"]) == ("Blue Kite", "Social worker", "DEMO")
    stored = feedback.get_participant(engine(), person["participant_id"])
    assert (stored.pseudonym, stored.role_tag) == ("Blue Kite", "Social worker")
    assert "Blue Kite" in page_text(at)
    assert at.button(key="withdraw_btn").disabled  # behind a confirmation


def test_a_taken_name_gets_a_plain_message():
    join(new_app(), "Blue Kite")
    at = join(new_app(), "blue kite")
    assert_no_exception(at)
    assert [e.value for e in at.error] == [feedback.TAKEN_PSEUDONYM]
    assert at.session_state[state.PARTICIPANT] is None


def test_explore_alone_records_nothing():
    at = new_app()
    at.button(key="explore_alone_btn").click().run()
    assert_no_exception(at)
    assert at.session_state[state.EXPLORE_ALONE] is True
    assert at.session_state[state.PARTICIPANT] is None
    at.switch_page("app_pages/your_views.py").run()
    assert all(b.disabled for b in at.button if b.key and b.key.startswith("FormSubmitter:q_"))


def test_withdraw_deletes_the_answers():
    at = join(new_app(), "Blue Kite")
    person = at.session_state[state.PARTICIPANT]
    eng = engine()
    feedback.save_response(
        eng, participant_id=person["participant_id"], page="question", question_id="reaction",
        value={"reaction": "unsure", "reason": ""}, screen_state={"model": "structured"},
        client_token=feedback.new_client_token(),
    )
    assert len(feedback.responses(eng, person["workshop_id"])) == 1
    at.checkbox(key="withdraw_confirm").check().run()
    at.button(key="withdraw_btn").click().run()
    assert_no_exception(at)
    assert joining.MSG_WITHDRAWN in [s.value for s in at.success]
    assert at.session_state[state.PARTICIPANT] is None
    assert feedback.responses(eng, person["workshop_id"]).empty
    assert feedback.get_participant(eng, person["participant_id"]) is None


def test_a_pseudonym_with_html_comes_back_as_text():
    at = join(new_app(), XSS)
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT]["pseudonym"] == XSS
    shown = [m for m in list(at.markdown) + list(at.success) if "onerror" in str(m.value)]
    assert shown, "the pseudonym is shown"
    for element in shown:
        assert XSS not in element.value  # escaped for markdown, so it reads as text
        assert session.plain(XSS) in element.value
        assert not getattr(element.proto, "allow_html", False)


def test_with_accounts_people_join_with_the_code(monkeypatch):
    add_staff(monkeypatch, "fay")
    eng = engine()
    room = feedback.create_workshop(eng, title="Parents' group", created_by="fay")
    at = new_app()
    assert at.session_state["authentication_status"] is None
    at = join(at, "Kite", code="nope")
    assert [e.value for e in at.error] == [feedback.UNKNOWN_CODE]
    at = join(at, "Kite", code=room.code.lower())
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT]["workshop_id"] == room.id
    with pytest.raises(Exception):  # noqa: B017
        at.switch_page("app_pages/facilitator.py").run()


def test_a_joined_family_members_menu_has_no_staff_sign_in(monkeypatch):
    """The menu of a person who joined is theirs: "Staff sign-in" goes from it, and its address
    leads nowhere, until they leave the device (then the next person, or staff, can sign in)."""
    add_staff(monkeypatch, "fay")
    room = feedback.create_workshop(engine(), title="Parents' group", created_by="fay")
    at = new_app().switch_page("app_pages/sign_in.py").run()
    assert_no_exception(at)  # offered before anyone joins
    at = join(at, "Kite", code=room.code)
    assert at.session_state[state.PARTICIPANT]["workshop_id"] == room.id
    with pytest.raises(Exception):  # noqa: B017 - not a page of this session
        at.switch_page("app_pages/sign_in.py").run()
    at = new_app().switch_page("app_pages/welcome.py").run()
    at = join(at, "Wren", code=room.code)
    at.button(key="leave_device").click().run()
    at.switch_page("app_pages/sign_in.py").run()
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT] is None


def test_a_closed_workshop_cannot_be_joined(monkeypatch):
    add_staff(monkeypatch, "fay")
    eng = engine()
    room = feedback.create_workshop(eng, title="Closed one", created_by="fay")
    feedback.set_workshop_status(eng, room.id, "closed")
    at = join(new_app(), "Kite", code=room.code)
    assert [e.value for e in at.error] == [feedback.CLOSED_WORKSHOP]
    assert at.session_state[state.PARTICIPANT] is None


def test_accounts_with_an_example_key_show_the_operator_why(monkeypatch):
    auth.add_user("fay", "a long enough password", role="facilitator")
    monkeypatch.setenv(auth.COOKIE_KEY_ENV, "change-me-change-me-change-me-change-me")
    at = new_app()
    assert_no_exception(at)
    assert auth.COOKIE_KEY_EXAMPLE in [w.value for w in at.sidebar.warning]
    with pytest.raises(Exception):  # noqa: B017 - no sign-in page without a good key
        at.switch_page("app_pages/sign_in.py").run()


# -- coming back after a reload ----------------------------------------------------------------------


def reload_with(query: dict):
    """A new browser session (what a reload starts) opened at an address with ``query``."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def everything_shown(at) -> str:
    """The protobuf of every element drawn (main and side bar), as text."""
    parts, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        stack.extend(getattr(node, "children", {}).values())
    return "\n".join(parts)


def test_a_reload_comes_back_as_the_same_person(caplog):
    caplog.set_level("DEBUG")
    at = join(new_app(), "Blue Kite", "Young person")
    person = at.session_state[state.PARTICIPANT]
    token = at.query_params[session.REJOIN_PARAM]
    assert len(token) >= feedback.MIN_JOIN_TOKEN
    assert feedback.find_participant_by_token(engine(), token).id == person["participant_id"]
    at.switch_page("app_pages/question.py").run()  # the link survives a change of page
    assert at.query_params[session.REJOIN_PARAM] == token

    again = reload_with({session.REJOIN_PARAM: token})
    assert_no_exception(again)
    assert again.session_state[state.PARTICIPANT] == person
    assert [t.value for t in again.toast] == [
        joining.MSG_REJOINED.format(name="Blue Kite", title=session.plain("Demo workshop"))
    ]
    assert "Blue Kite" in page_text(again) and not again.get("tabs")  # the withdraw panel
    assert again.query_params[session.REJOIN_PARAM] == token
    for shown in (at, again):
        assert token not in everything_shown(shown)
    assert token not in caplog.text


def test_withdrawing_removes_the_link_and_an_old_link_leads_nowhere():
    at = join(new_app(), "Blue Kite")
    token = at.query_params[session.REJOIN_PARAM]
    at.checkbox(key="withdraw_confirm").check().run()
    at.button(key="withdraw_btn").click().run()
    assert session.REJOIN_PARAM not in at.query_params
    assert at.session_state[state.PARTICIPANT_TOKEN] is None

    stale = reload_with({session.REJOIN_PARAM: token})
    assert_no_exception(stale)
    assert stale.session_state[state.PARTICIPANT] is None
    assert session.REJOIN_PARAM not in stale.query_params
    assert [t.value for t in stale.toast] == [joining.MSG_LINK_DEAD]
    assert stale.get("tabs")  # the join form again


def test_an_erased_person_loses_the_link_on_their_next_page():
    at = join(new_app(), "Blue Kite")
    feedback.erase_participant(engine(), at.session_state[state.PARTICIPANT]["participant_id"])
    at.switch_page("app_pages/your_views.py").run()
    assert at.session_state[state.PARTICIPANT] is None
    assert session.REJOIN_PARAM not in at.query_params


@pytest.mark.parametrize("link", ["", "guess", "x" * 43, "<script>alert(1)</script>" * 3])
def test_a_made_up_link_rejoins_no_one(link):
    join(new_app(), "Blue Kite")
    at = reload_with({session.REJOIN_PARAM: link})
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT] is None


def test_a_reload_in_a_closed_workshop_still_comes_back(monkeypatch):
    add_staff(monkeypatch, "fay")
    room = feedback.create_workshop(engine(), title="Room", created_by="fay")
    at = join(new_app(), "Kite", code=room.code)
    feedback.set_workshop_status(engine(), room.id, "closed")
    again = reload_with({session.REJOIN_PARAM: at.query_params[session.REJOIN_PARAM]})
    assert again.session_state[state.PARTICIPANT]["workshop_id"] == room.id


# -- a shared laptop ------------------------------------------------------------------------------------


def heading_levels(at) -> list[int]:
    """The page's headings in order, as levels (title 1, header 2, subheader 3)."""
    levels = {"title": 1, "header": 2, "subheader": 3}
    return [levels[node.type] for node in at.main if getattr(node, "type", None) in levels]


def test_headings_go_down_one_level_at_a_time():
    for at in (new_app(), join(new_app(), "Blue Kite")):
        levels = heading_levels(at)
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_leave_this_laptop_forgets_the_person_but_keeps_their_answers():
    at = join(new_app(), "Blue Kite")
    person = at.session_state[state.PARTICIPANT]
    token = at.query_params[session.REJOIN_PARAM]
    eng = engine()
    feedback.save_response(
        eng, participant_id=person["participant_id"], page="question", question_id="reaction",
        value={"reaction": "unsure", "reason": ""}, screen_state={"model": "structured"},
        client_token=feedback.new_client_token(),
    )
    # An answer typed but not saved, and one waiting for a retry: neither may reach the next person.
    at.switch_page("app_pages/your_views.py").run()
    at.text_area(key="qa_should_reasons").input("Private thoughts")
    at.session_state[state.PENDING] = {("your_views", "should_use"): {"value": 4, "retry": True}}
    at.switch_page("app_pages/welcome.py").run()

    assert leaving.LEAVE_NOTE in page_text(at)
    assert "withdraw" not in leaving.LEAVE_LABEL.lower()
    at.button(key="leave_device").click().run()
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT] is None
    assert at.session_state[state.PARTICIPANT_TOKEN] is None
    assert session.REJOIN_PARAM not in at.query_params
    assert not at.session_state[state.PENDING] and not at.session_state[state.LAST_SAVED]
    assert "qa_should_reasons" not in at.session_state
    assert [t.value for t in at.toast] == [leaving.MSG_LEFT]
    assert at.get("tabs")  # the join form again, for the next person
    # Nothing was deleted: the person and their answer are still in the workshop ...
    assert feedback.get_participant(eng, person["participant_id"]) is not None
    assert len(feedback.responses(eng, person["workshop_id"])) == 1
    # ... but the link left in this browser's history no longer brings anyone back (issue 13.1):
    again = reload_with({session.REJOIN_PARAM: token})
    assert again.session_state[state.PARTICIPANT] is None
    assert session.REJOIN_PARAM not in again.query_params
    assert joining.MSG_LINK_DEAD in [t.value for t in again.toast]
    # ... while the person's code to come back still does.
    assert feedback.find_participant_by_token(eng, token) is None

    at.switch_page("app_pages/your_views.py").run()
    assert at.text_area(key="qa_should_reasons").value == ""
    assert all(b.disabled for b in at.button if b.key and b.key.startswith("FormSubmitter:q_"))


def test_the_side_bar_says_who_this_browser_is_and_can_leave_too():
    at = new_app()
    assert not [b for b in at.sidebar.button if b.key == "leave_device_sidebar"]
    at = join(at, "Blue Kite").switch_page("app_pages/question.py").run()
    assert any("Blue Kite" in c.value for c in at.sidebar.caption)
    assert leaving.LEAVE_NOTE_SHORT in [c.value for c in at.sidebar.caption]
    person = at.session_state[state.PARTICIPANT]
    at.sidebar.button(key="leave_device_sidebar").click().run()
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT] is None
    assert session.REJOIN_PARAM not in at.query_params
    assert [t.value for t in at.toast] == [leaving.MSG_LEFT]
    assert not [b for b in at.sidebar.button if b.key == "leave_device_sidebar"]
    assert feedback.get_participant(engine(), person["participant_id"]) is not None


# -- issue 12.2-12.4 and 13.1: codes to come back, kept settings, revoked links -------------------


def test_a_code_to_come_back_is_shown_after_joining_and_on_every_page():
    from tests.workshop_helpers import come_back

    at = join(new_app(), "Blue Kite")
    code = at.session_state[state.REJOIN_CODE]
    assert code and len(code) == feedback.REJOIN_LENGTH
    shown = feedback.format_rejoin_code(code)
    assert leaving.REJOIN_CODE_NOTE.format(code=shown) in [i.value for i in at.info]
    for page in ("app_pages/question.py", "app_pages/your_views.py", "app_pages/ethics.py"):
        at.switch_page(page).run()
        assert leaving.REJOIN_CODE_SHORT.format(code=shown) in [c.value for c in at.sidebar.caption]
    # Only a hash of it is in the store.
    from sqlalchemy import select

    from csc_dash.workshop import store

    with engine().connect() as conn:
        stored = conn.execute(select(store.participants.c.rejoin_hash)).scalar_one()
    assert code not in stored

    # Link lost: a new browser, no ?p=. The same name is taken, but the code brings them back.
    lost = new_app()
    assert lost.session_state[state.PARTICIPANT] is None
    refused = join(lost, "Blue Kite")
    assert feedback.TAKEN_PSEUDONYM in [e.value for e in refused.error]
    wrong = come_back(new_app(), "Blue Kite", "AAAA-AAAA")
    assert_no_exception(wrong)
    assert feedback.WRONG_REJOIN in [e.value for e in wrong.error]
    assert wrong.session_state[state.PARTICIPANT] is None
    back = come_back(new_app(), "blue kite", shown.lower())
    assert_no_exception(back)
    assert back.session_state[state.PARTICIPANT]["participant_id"] == at.session_state[state.PARTICIPANT]["participant_id"]
    assert back.session_state[state.REJOIN_CODE] == code
    assert back.query_params[session.REJOIN_PARAM] != at.query_params[session.REJOIN_PARAM]
    # The old link (lost, maybe in someone's history) no longer leads anywhere.
    old = reload_with({session.REJOIN_PARAM: at.query_params[session.REJOIN_PARAM]})
    assert old.session_state[state.PARTICIPANT] is None


def test_guessing_codes_is_paused_with_a_plain_message():
    from tests.workshop_helpers import come_back

    at = join(new_app(), "Blue Kite")
    code = at.session_state[state.REJOIN_CODE]
    for _ in range(feedback.REJOIN_MAX_TRIES):
        come_back(new_app(), "Blue Kite", "WRONG-CODE")
    paused = come_back(new_app(), "Blue Kite", code)
    assert_no_exception(paused)
    assert feedback.REJOIN_PAUSED in [e.value for e in paused.error]
    assert paused.session_state[state.PARTICIPANT] is None


def test_after_a_reload_the_code_can_be_renewed_and_settings_come_back():
    at = join(new_app(), "Blue Kite")
    pid = at.session_state[state.PARTICIPANT]["participant_id"]
    at.session_state[state.THRESHOLD] = 0.2345
    at.session_state[state.VIEW] = "analyst"
    at.session_state[state.BIAS] = "strong"
    at.switch_page("app_pages/question.py").run()  # the next run keeps them in the store
    assert feedback.participant_settings(engine(), pid) == {
        "threshold": 0.2345, "model": at.session_state[state.MODEL], "view": "analyst", "bias": "strong"}
    again = reload_with({session.REJOIN_PARAM: at.query_params[session.REJOIN_PARAM]})
    assert_no_exception(again)
    assert again.session_state[state.THRESHOLD] == 0.2345
    assert (again.session_state[state.VIEW], again.session_state[state.BIAS]) == ("analyst", "strong")
    # A reloaded session does not know the code (only its hash is kept): it offers a new one.
    assert again.session_state[state.REJOIN_CODE] is None
    again.sidebar.button(key="new_rejoin_code_sidebar").click().run()
    new = again.session_state[state.REJOIN_CODE]
    assert new and new != at.session_state[state.REJOIN_CODE]
    from tests.workshop_helpers import come_back

    assert come_back(new_app(), "Blue Kite", at.session_state[state.REJOIN_CODE]).session_state[
        state.PARTICIPANT] is None  # the old code stopped working
    assert come_back(new_app(), "Blue Kite", new).session_state[state.PARTICIPANT] is not None


def test_leaving_the_laptop_revokes_the_link_but_not_the_code(monkeypatch):
    from tests.workshop_helpers import come_back

    at = join(new_app(), "Blue Kite")
    code, token = at.session_state[state.REJOIN_CODE], at.query_params[session.REJOIN_PARAM]
    at.button(key="leave_device").click().run()
    assert feedback.find_participant_by_token(engine(), token) is None
    assert reload_with({session.REJOIN_PARAM: token}).session_state[state.PARTICIPANT] is None
    assert come_back(new_app(), "Blue Kite", code).session_state[state.PARTICIPANT] is not None


def test_leaving_when_the_store_is_down_is_not_claimed_done(monkeypatch):
    at = join(new_app(), "Blue Kite")

    def down(*args, **kwargs):
        raise feedback.StoreUnavailable(feedback.SAVE_UNAVAILABLE)

    monkeypatch.setattr(leaving, "revoke_join_token", down)
    at.button(key="leave_device").click().run()
    assert_no_exception(at)
    assert at.session_state[state.PARTICIPANT] is not None  # still here: nothing half-done
    assert leaving.MSG_LEAVE_NOT_DONE in [t.value for t in at.toast]
