"""You said, we did: staff change a decision as it moves on; each change is kept with who made
it; two staff changing one decision at once never overwrite each other unseen."""

from __future__ import annotations

import pytest

from csc_dash import workshop
from csc_dash.ui import state
from csc_dash.ui.workshop import decision_changes as changes_ui
from csc_dash.ui.workshop import session as session_ui
from csc_dash.workshop import decision_store
from csc_dash.workshop.decision_store import CHANGED_MEANWHILE
from csc_dash.workshop.decisions import EMPTY_REASON, NOTHING_DECIDED_YET, Link
from tests.helpers import assert_no_exception, page_text
from tests.test_page_decisions import PAGE, VIEWS, XSS, room_with_a_statement, staff
from tests.workshop_helpers import (  # noqa: F401
    add_staff,
    engine,
    fast_bcrypt,
    new_app,
    sign_in,
    texts,
)

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

# -- changing a decision --------------------------------------------------------------------------

CHANGE = f"FormSubmitter:{changes_ui.CHANGE_FORM}-{changes_ui.CHANGE_SUBMIT}"


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
        key=changes_ui.change_key(name, decision_id, changes_ui._stamp(row))
    )


def at_room(at) -> int:
    return at.session_state[state.WORKSHOP_PICK]


def test_a_facilitator_changes_a_decision_and_the_participant_sees_it(monkeypatch):
    room, person, _pid, said = room_with_a_statement(monkeypatch, text=XSS)
    did = decided(room, said)
    at = staff(monkeypatch)
    assert_no_exception(at)
    assert changes_ui.CHANGE_TITLE in page_text(at)
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
    assert changes_ui.MSG_CHANGED in [s.value for s in at.success]
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert (row["title"], row["status"], row["reason"]) == (
        "Families are *always* asked first", "adopted", "The council agreed in June."
    )  # fmt: skip
    assert row["links"] == [Link("statement", said.id)] and row["updated_at"] > row["decided_at"]
    # The form now shows the stored decision, and the log says when it changed.
    assert change_field(at, "selectbox", "status", did).value == "adopted"
    first, second, *_versions = (t.value for t in at.table)
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
    real = changes_ui.update_decision
    calls = []

    def down(*args, **kwargs):
        calls.append(kwargs)
        raise workshop.StoreUnavailable("gone")

    monkeypatch.setattr(changes_ui, "update_decision", down)
    at.button(key=CHANGE).click().run()
    assert_no_exception(at)
    assert session_ui.MSG_STORE_DOWN in [w.value for w in at.warning]
    assert change_field(at, "text_area", "reason", did).value == "Money came through."
    assert change_field(at, "selectbox", "status", did).value == "in_progress"
    assert decision_store.decision_rows(engine(), room.id)[0]["status"] == "considered"
    monkeypatch.setattr(changes_ui, "update_decision", real)
    at.button(key=CHANGE).click().run()
    assert changes_ui.MSG_CHANGED in [s.value for s in at.success]
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert (row["status"], row["reason"]) == ("in_progress", "Money came through.")
    assert calls[0]["workshop_id"] == room.id  # the store is told which workshop is on screen


def test_a_lost_reply_then_saving_again_stores_the_change_once(monkeypatch):
    room, _person, _pid, said = room_with_a_statement(monkeypatch)
    did = decided(room, said)
    at = staff(monkeypatch)
    change_field(at, "selectbox", "status", did).set_value("not_adopted")
    real = changes_ui.update_decision

    def lost(*args, **kwargs):
        real(*args, **kwargs)  # stored, but the reply is lost
        raise workshop.StoreUnavailable("lost")

    monkeypatch.setattr(changes_ui, "update_decision", lost)
    at.button(key=CHANGE).click().run()
    assert at.warning
    (stored,) = decision_store.decision_rows(engine(), room.id)
    monkeypatch.setattr(changes_ui, "update_decision", real)
    assert change_field(at, "selectbox", "status", did).value == "not_adopted"
    at.button(key=CHANGE).click().run()
    assert changes_ui.MSG_CHANGED in [s.value for s in at.success]
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
    (pick,) = [box for box in gus.selectbox if box.label == changes_ui.CHANGE_PICK]
    assert list(pick.options) == ["Gus's decision (We did it)"]
    assert "Fay's decision" not in texts(gus)
    admin = staff(monkeypatch, "ada", "admin")  # an admin may pick any workshop
    assert_no_exception(admin)
    assert changes_ui.CHANGE_TITLE in page_text(admin)


def test_the_picker_keeps_the_decision_and_shows_its_new_words_after_a_change(monkeypatch):
    room, _person, _pid, said = room_with_a_statement(monkeypatch)
    older = decided(room, said, title="Ask families first")
    decided(room, said, title="Train the staff")
    at = staff(monkeypatch)

    def picker():
        (box,) = [b for b in at.selectbox if b.label == changes_ui.CHANGE_PICK]
        return box

    assert picker().value != older  # the newest is picked first
    picker().set_value(older).run()
    before = picker().key
    change_field(at, "selectbox", "status", older).set_value("adopted")
    at.button(key=CHANGE).click().run()
    assert_no_exception(at)
    assert changes_ui.MSG_CHANGED in [s.value for s in at.success]
    # A new picker (the browser is sent the new words), with the same decision picked.
    assert picker().key != before and picker().value == older
    assert "Ask families first (We did it)" in picker().options
    assert change_field(at, "selectbox", "status", older).value == "adopted"




def test_the_log_and_the_versions_say_who_recorded_and_who_changed(monkeypatch):
    room, person, _pid, said = room_with_a_statement(monkeypatch)
    did = decided(room, said)  # recorded by fay
    add_staff(monkeypatch, "gus", "admin")
    gus = sign_in(new_app(), "gus").switch_page(PAGE).run()
    change_field(gus, "selectbox", "status", did).set_value("adopted")
    gus.button(key=CHANGE).click().run()
    assert_no_exception(gus)
    assert changes_ui.MSG_CHANGED in [s.value for s in gus.success]
    (_first, second, *versions) = (t.value for t in gus.table)
    (when,) = list(second["When"])
    assert when.startswith("Recorded ") and " by fay; changed " in when and when.endswith(" by gus")
    # Under the form, every version newest first: gus's change, then fay's decision.
    who = [name for table in versions if "Who" in table for name in table["Who"]]
    assert who == ["gus", "fay"]
    stood = [s for table in versions if "Where it stood" in table for s in table["Where it stood"]]
    assert stood == ["We did it", "We talked about it"]
    # A participant never reads a staff user's name.
    person.switch_page(VIEWS).run()
    assert "We did it" in texts(person)
    assert not {"fay", "gus"} & set(" ".join(texts(person)).replace(".", " ").split())


def test_two_staff_changing_one_decision_never_overwrite_each_other_unseen(monkeypatch):
    """Fay and an admin open the same decision; the admin saves first. Fay's save is refused with
    a plain message, her words stay in the form (now of the decision as it is), and saving again
    stores her change on top of the admin's, with both kept as versions."""
    room, _person, _pid, said = room_with_a_statement(monkeypatch)
    did = decided(room, said)
    fay = staff(monkeypatch)
    (seen,) = decision_store.decision_rows(engine(), room.id)  # what fay's form was filled from
    ada = staff(monkeypatch, "ada", "admin")
    change_field(ada, "text_area", "reason", did).input("The board agreed.")
    ada.button(key=CHANGE).click().run()
    assert changes_ui.MSG_CHANGED in [s.value for s in ada.success]

    def fays(kind: str, name: str):  # fay's form, as her screen still shows it
        return getattr(fay, kind)(key=changes_ui.change_key(name, did, changes_ui._stamp(seen)))

    fays("text_area", "reason").input("Families asked for it.")
    fays("selectbox", "status").set_value("in_progress")
    fay.button(key=CHANGE).click().run()
    assert_no_exception(fay)
    assert [e.value for e in fay.error] == [CHANGED_MEANWHILE]
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert (row["reason"], row["status"], row["changed_by"]) == (
        "The board agreed.", "considered", "ada"
    )  # fmt: skip
    # Her words moved to the form of the decision as it now is.
    assert change_field(fay, "text_area", "reason", did).value == "Families asked for it."
    assert change_field(fay, "selectbox", "status", did).value == "in_progress"
    fay.button(key=CHANGE).click().run()
    assert changes_ui.MSG_CHANGED in [s.value for s in fay.success]
    (row,) = decision_store.decision_rows(engine(), room.id)
    assert (row["reason"], row["status"], row["changed_by"]) == (
        "Families asked for it.", "in_progress", "fay"
    )  # fmt: skip
    assert [v["changed_by"] for v in row["versions"]] == ["fay", "ada", "fay"]
    assert [v["reason"] for v in row["versions"]] == [
        "We talked about it.", "The board agreed.", "Families asked for it."
    ]  # fmt: skip
