"""You said, we did: staff record a decision linked to what people said (facilitators and admins
only); a participant sees what became of what they said, on Your views, from another device once
they come back with their code; someone who withdrew is never shown."""

from __future__ import annotations

import pytest

from csc_dash import workshop
from csc_dash.ui import state
from csc_dash.ui.workshop import decisions as decisions_ui
from csc_dash.ui.workshop import session as session_ui
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
    first, second = (t.value for t in at.table)
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


# -- changing a decision --------------------------------------------------------------------------

CHANGE = f"FormSubmitter:{decisions_ui.CHANGE_FORM}-{decisions_ui.CHANGE_SUBMIT}"


def decided(room, said, title="Families are asked first", status="considered"):
    return workshop.record_decision(
        engine(), workshop_id=room.id, title=title, status=status, reason="We talked about it.",
        links=[Link("statement", said.id)], created_by="fay", client_token=workshop.new_client_token(),
    )  # fmt: skip


def change_field(at, kind: str, name: str, decision_id: int):
    """A field of the "Change a decision" form (its key carries when the decision last changed)."""
    (row,) = [
        r
        for r in decision_store.decision_rows(engine(), at_room(at))
        if r["decision_id"] == decision_id
    ]
    return getattr(at, kind)(
        key=decisions_ui.change_key(name, decision_id, decisions_ui._stamp(row))
    )


def at_room(at) -> int:
    return at.session_state[state.WORKSHOP_PICK]


def test_a_facilitator_changes_a_decision_and_the_participant_sees_it(monkeypatch):
    room, person, _pid, said = room_with_a_statement(monkeypatch, text=XSS)
    did = decided(room, said)
    at = staff(monkeypatch)
    assert_no_exception(at)
    assert decisions_ui.CHANGE_TITLE in page_text(at)
    # The form starts from the decision as stored, links and all.
    assert change_field(at, "text_input", "title", did).value == "Families are asked first"
    assert change_field(at, "selectbox", "status", did).value == "considered"
    links = change_field(at, "multiselect", "links", did)
    assert links.value == [f"statement:{said.id}"]
    change_field(at, "selectbox", "status", did).set_value("adopted")
    change_field(at, "text_area", "reason", did).input("The council agreed in June.")
    change_field(at, "text_input", "title", did).input("Families are *always* asked first")
    at.button(key=CHANGE).click().run()
    assert_no_exception(at)
    assert decisions_ui.MSG_CHANGED in [s.value for s in at.success]
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert (row["title"], row["status"], row["reason"]) == (
        "Families are *always* asked first", "adopted", "The council agreed in June."
    )  # fmt: skip
    assert row["links"] == [Link("statement", said.id)] and row["updated_at"] > row["decided_at"]
    # The form now shows the stored decision, and the log says when it changed.
    assert change_field(at, "selectbox", "status", did).value == "adopted"
    first, second = (t.value for t in at.table)
    assert list(first["Where it stands"]) == ["We did it"]
    assert "; changed " in list(second["When"])[0]
    assert "\\*always\\*" in first.index[0]  # what staff typed is escaped in the table
    # The participant reads the new status in "What became of what you said".
    person.switch_page(VIEWS).run()
    shown = texts(person)
    assert "We did it" in shown and "The council agreed in June" in shown
    assert "We talked about it:" not in shown


def test_a_change_can_drop_and_add_links(monkeypatch):
    room, person, pid, said = room_with_a_statement(monkeypatch)
    other = workshop.add_statement(engine(), workshop_id=room.id, text="Train the staff first",
                                   source="facilitator", approved=True)  # fmt: skip
    did = decided(room, said)
    at = staff(monkeypatch)
    change_field(at, "multiselect", "links", did).set_value([f"statement:{other.id}"])
    at.button(key=CHANGE).click().run()
    assert_no_exception(at)
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert row["links"] == [Link("statement", other.id)]
    person.switch_page(VIEWS).run()  # the decision no longer draws on what Kite said
    assert NOTHING_DECIDED_YET in texts(person)


def test_a_failed_change_keeps_what_was_typed_and_saving_again_works(monkeypatch):
    room, _person, _pid, said = room_with_a_statement(monkeypatch)
    did = decided(room, said)
    at = staff(monkeypatch)
    change_field(at, "text_area", "reason", did).input("")
    at.button(key=CHANGE).click().run()
    assert_no_exception(at)
    assert [e.value for e in at.error] == [EMPTY_REASON]
    assert change_field(at, "text_area", "reason", did).value == ""  # kept as typed
    change_field(at, "text_area", "reason", did).input("Money came through.")
    change_field(at, "selectbox", "status", did).set_value("in_progress")
    real = decisions_ui.update_decision
    calls = []

    def down(*args, **kwargs):
        calls.append(kwargs)
        raise workshop.StoreUnavailable("gone")

    monkeypatch.setattr(decisions_ui, "update_decision", down)
    at.button(key=CHANGE).click().run()
    assert_no_exception(at)
    assert session_ui.MSG_STORE_DOWN in [w.value for w in at.warning]
    assert change_field(at, "text_area", "reason", did).value == "Money came through."
    assert change_field(at, "selectbox", "status", did).value == "in_progress"
    assert decision_store.decision_rows(engine(), room.id)[0]["status"] == "considered"
    monkeypatch.setattr(decisions_ui, "update_decision", real)
    at.button(key=CHANGE).click().run()
    assert decisions_ui.MSG_CHANGED in [s.value for s in at.success]
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert (row["status"], row["reason"]) == ("in_progress", "Money came through.")
    assert calls[0]["workshop_id"] == room.id  # the store is told which workshop is on screen


def test_a_lost_reply_then_saving_again_stores_the_change_once(monkeypatch):
    room, _person, _pid, said = room_with_a_statement(monkeypatch)
    did = decided(room, said)
    at = staff(monkeypatch)
    change_field(at, "selectbox", "status", did).set_value("not_adopted")
    real = decisions_ui.update_decision

    def lost(*args, **kwargs):
        real(*args, **kwargs)  # stored, but the reply is lost
        raise workshop.StoreUnavailable("lost")

    monkeypatch.setattr(decisions_ui, "update_decision", lost)
    at.button(key=CHANGE).click().run()
    assert at.warning
    (stored,) = decision_store.decision_rows(engine(), room.id)
    monkeypatch.setattr(decisions_ui, "update_decision", real)
    assert change_field(at, "selectbox", "status", did).value == "not_adopted"
    at.button(key=CHANGE).click().run()
    assert decisions_ui.MSG_CHANGED in [s.value for s in at.success]
    assert decision_store.decision_rows(engine(), room.id) == [stored]  # nothing changed again


def test_a_facilitator_changes_only_the_decisions_of_their_own_workshops(monkeypatch):
    room, _person, _pid, said = room_with_a_statement(monkeypatch)
    decided(room, said, title="Fay's decision")
    add_staff(monkeypatch, "gus")
    theirs = workshop.create_workshop(engine(), title="Gus's room", created_by="gus")
    workshop.record_decision(
        engine(), workshop_id=theirs.id, title="Gus's decision", status="adopted", reason="Yes.",
        links=[], created_by="gus", client_token=workshop.new_client_token(),
    )  # fmt: skip
    gus = sign_in(new_app(), "gus").switch_page(PAGE).run()
    assert_no_exception(gus)
    (pick,) = [box for box in gus.selectbox if box.label == decisions_ui.CHANGE_PICK]
    assert list(pick.options) == ["Gus's decision (We did it)"]
    assert "Fay's decision" not in texts(gus)
    admin = staff(monkeypatch, "ada", "admin")  # an admin may pick any workshop
    assert_no_exception(admin)
    assert decisions_ui.CHANGE_TITLE in page_text(admin)


def test_the_picker_keeps_the_decision_and_shows_its_new_words_after_a_change(monkeypatch):
    room, _person, _pid, said = room_with_a_statement(monkeypatch)
    older = decided(room, said, title="Ask families first")
    decided(room, said, title="Train the staff")
    at = staff(monkeypatch)

    def picker():
        (box,) = [b for b in at.selectbox if b.label == decisions_ui.CHANGE_PICK]
        return box

    assert picker().value != older  # the newest is picked first
    picker().set_value(older).run()
    before = picker().key
    change_field(at, "selectbox", "status", older).set_value("adopted")
    at.button(key=CHANGE).click().run()
    assert_no_exception(at)
    assert decisions_ui.MSG_CHANGED in [s.value for s in at.success]
    # A new picker (the browser is sent the new words), with the same decision picked.
    assert picker().key != before and picker().value == older
    assert "Ask families first (We did it)" in picker().options
    assert change_field(at, "selectbox", "status", older).value == "adopted"


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
