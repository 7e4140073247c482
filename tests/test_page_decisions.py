"""You said, we did: staff record a decision linked to what people said (facilitators and admins
only); a participant sees what became of what they said, on Your views, from another device once
they come back with their code; someone who withdrew is never shown."""

from __future__ import annotations

import pytest

from csc_dash import workshop
from csc_dash.ui import state
from csc_dash.ui.workshop import decisions as decisions_ui
from csc_dash.workshop import decision_store
from csc_dash.workshop.decisions import EMPTY_REASON, NOTHING_DECIDED_YET, Link
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import (  # noqa: F401
    add_staff,
    come_back,
    engine,
    fast_bcrypt,
    join,
    new_app,
    sign_in,
    texts,
)

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

PAGE = "app_pages/decisions.py"
VIEWS = "app_pages/your_views.py"
XSS = '<script>alert("x")</script><img src=x onerror=alert(2)>'


def room_with_a_statement(monkeypatch, name="Kite", text="Ask families before using any tool"):
    """A workshop run by fay (a staff account, so the app is not in demo mode), a participant who joined through the app and proposed a statement
    the room could vote on; returns (workshop, their app, their participant id, statement)."""
    add_staff(monkeypatch, "fay")
    room = workshop.create_workshop(engine(), title="Room", created_by="fay")
    at = join(new_app(), name, code=room.code)
    pid = at.session_state[state.PARTICIPANT]["participant_id"]
    said = workshop.add_statement(engine(), workshop_id=room.id, text=text, source="participant",
                                  proposed_by=pid, approved=True)  # fmt: skip
    return room, at, pid, said


def field(at, kind: str, name: str):
    """A field of the "Record a decision" form on screen (its key carries the form's token)."""
    token = at.session_state[state.DECISION_TOKEN]
    return getattr(at, kind)(key=decisions_ui.field_key(name, token))


def staff(monkeypatch, name="fay", role="facilitator"):
    if name != "fay":
        add_staff(monkeypatch, name, role)
    return sign_in(new_app(), name).switch_page(PAGE).run()


def test_a_facilitator_records_a_decision_linked_to_a_statement(monkeypatch):
    room, _at, _pid, said = room_with_a_statement(monkeypatch)
    at = staff(monkeypatch)
    assert_no_exception(at)
    assert decisions_ui.NO_DECISIONS in page_text(at)
    token = at.session_state[state.DECISION_TOKEN]
    links = field(at, "multiselect", "links")
    (index,) = [i for i in links.options if "Ask families" in i]
    assert "Kite" not in index  # a statement never names who wrote it
    # Picked one by one: typing matches words it contains; no "Select all matches" to misclick.
    assert links.proto.select_all == 0  # never shown
    modes = type(links.proto).DESCRIPTOR.fields_by_name["filter_mode"].enum_type
    assert modes.values_by_number[links.proto.filter_mode].name == "FILTER_MODE_CONTAINS"
    field(at, "text_input", "title").input("Families are asked first")
    field(at, "selectbox", "status").set_value("adopted")
    field(at, "text_area", "reason").input("The room agreed, and so did we.")
    links.select(index)
    at.button(key=f"FormSubmitter:{decisions_ui.FORM}-{decisions_ui.SUBMIT}").click().run()
    assert_no_exception(at)
    assert decisions_ui.MSG_RECORDED in [s.value for s in at.success]
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert (row["title"], row["status"], row["links"]) == (
        "Families are asked first", "adopted", [Link("statement", said.id)]
    )  # fmt: skip
    assert not at.dataframe  # the log is real tables that fit a phone, not a scrolling grid
    first, second, *_versions = (t.value for t in at.table)
    assert list(first.index) == ["Families are asked first"] and first.index.name == "Decision"
    assert list(first.columns) == ["Where it stands", "Why"]
    assert list(first["Where it stands"]) == ["We did it"]
    assert list(second.columns) == ["What it drew on", "When"]
    assert list(second["What it drew on"]) == ["1 statement"]
    assert (
        list(second["When"])[0].startswith("Recorded ") and "changed" not in list(second["When"])[0]
    )
    # The form is empty again and a new decision gets a new token.
    assert field(at, "text_input", "title").value == ""
    assert field(at, "text_area", "reason").value == ""
    assert at.session_state[state.DECISION_TOKEN] != token


def test_a_bad_decision_keeps_what_was_typed_with_a_plain_message(monkeypatch):
    room_with_a_statement(monkeypatch)
    at = staff(monkeypatch)
    field(at, "text_input", "title").input("Half written")
    at.button(key=f"FormSubmitter:{decisions_ui.FORM}-{decisions_ui.SUBMIT}").click().run()
    assert_no_exception(at)
    assert [e.value for e in at.error] == [EMPTY_REASON]
    assert field(at, "text_input", "title").value == "Half written"


def test_the_store_down_keeps_the_form_and_the_retry_stores_once(monkeypatch):
    room, *_ = room_with_a_statement(monkeypatch)
    at = staff(monkeypatch)
    field(at, "text_input", "title").input("Train staff")
    field(at, "text_area", "reason").input("People asked for it.")
    real = decisions_ui.record_decision
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["client_token"])
        real(*args, **kwargs)  # stored, but the reply is lost
        raise workshop.StoreUnavailable("lost")

    monkeypatch.setattr(decisions_ui, "record_decision", flaky)
    at.button(key=f"FormSubmitter:{decisions_ui.FORM}-{decisions_ui.SUBMIT}").click().run()
    assert_no_exception(at)
    assert at.warning and field(at, "text_input", "title").value == "Train staff"
    monkeypatch.setattr(decisions_ui, "record_decision", real)
    at.button(key=f"FormSubmitter:{decisions_ui.FORM}-{decisions_ui.SUBMIT}").click().run()
    assert decisions_ui.MSG_RECORDED in [s.value for s in at.success]
    assert len(decision_store.decision_rows(engine(), room.id)) == 1


def test_only_facilitators_and_admins_reach_the_page(monkeypatch):
    room, at, *_ = room_with_a_statement(monkeypatch)
    with pytest.raises(ValueError):  # a participant
        at.switch_page(PAGE).run()
    add_staff(monkeypatch, "ana", "analyst")
    with pytest.raises(ValueError):  # an analyst
        sign_in(new_app(), "ana").switch_page(PAGE).run()
    admin = staff(monkeypatch, "ada", "admin")
    assert_no_exception(admin)
    assert decisions_ui.RECORD_TITLE in page_text(admin)


def test_a_participant_sees_what_became_of_their_statement_from_another_device(monkeypatch):
    room, at, pid, said = room_with_a_statement(monkeypatch, text=XSS)
    at.switch_page(VIEWS).run()
    assert decisions_ui.BECAME_TITLE in page_text(at)
    assert NOTHING_DECIDED_YET in texts(at)
    code = at.session_state[state.REJOIN_CODE]
    workshop.record_decision(
        engine(), workshop_id=room.id, title="Families are asked first", status="in_progress",
        reason="We are *writing* the [new](http://evil.example) form.", links=[Link("statement", said.id)],
        created_by="fay", client_token=workshop.new_client_token(),
    )  # fmt: skip
    other = come_back(new_app(), "Kite", code, code=room.code).switch_page(VIEWS).run()
    assert_no_exception(other)
    shown = texts(other)
    assert "We are working on it" in shown and "Families are asked first" in shown
    # What people typed is escaped: no link, no emphasis, no HTML.
    markdown = "\n".join(m.value for m in other.markdown)
    assert "\\[new\\]" in markdown and "\\*writing\\*" in markdown
    assert "<script>" not in markdown


def test_a_withdrawn_participant_is_never_shown(monkeypatch):
    room, at, pid, said = room_with_a_statement(monkeypatch)
    workshop.record_decision(
        engine(), workshop_id=room.id, title="Families are asked first", status="adopted",
        reason="Agreed.", links=[Link("statement", said.id)], created_by="fay",
        client_token=workshop.new_client_token(),
    )  # fmt: skip
    workshop.withdraw(engine(), pid)
    at.switch_page(VIEWS).run()
    assert_no_exception(at)
    assert "Families are asked first" not in texts(at)
    assert decision_store.said_by(engine(), pid) == []


def test_signing_out_forgets_a_decision_half_typed(monkeypatch):
    """A shared laptop: the next staff user to sign in does not find the last one's words."""
    room_with_a_statement(monkeypatch)
    add_staff(monkeypatch, "gil", "admin")
    at = staff(monkeypatch)
    field(at, "text_input", "title").input("Fay's draft, not saved").run()
    at.sidebar.button(key="logout_btn").click().run()
    assert_no_exception(at)
    assert at.session_state[state.DECISION_TOKEN] is None
    assert not [k for k in at.session_state if str(k).startswith(decisions_ui.FORM)]
    at = sign_in(at, "gil").switch_page(PAGE).run()
    assert_no_exception(at)
    assert field(at, "text_input", "title").value == ""
    assert "Fay's draft" not in page_text(at)
