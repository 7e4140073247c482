"""Facilitator: sign in through the real form, run a workshop, see exactly the room's answers live
and in the downloads, erase; participants and signed-out people never reach the page."""

from __future__ import annotations

import csv
import io
import json

import pytest

from csc_dash import workshop
from csc_dash.cohort import message_pattern
from csc_dash.ui import accounts, state
from csc_dash.ui.workshop import facilitator as facilitator_ui
from csc_dash.ui.workshop import session
from tests.conftest import ROOT
from tests.helpers import assert_no_exception, page_text, plotly_specs
from tests.workshop_helpers import (  # noqa: F401
    add_staff,
    engine,
    fast_bcrypt,
    join,
    new_app,
    save_view_on,
    sign_in,
)

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

PAGE = "app_pages/facilitator.py"
XSS = '<script>alert("x")</script><img src=x onerror=alert(2)>'


def facilitator(monkeypatch, name="fay", role="facilitator"):
    add_staff(monkeypatch, name, role)
    at = sign_in(new_app(), name)
    return at.switch_page(PAGE).run()


def start_workshop(at, title):
    next(t for t in at.text_input if t.label == "Title").input(title)
    return at.button(key="FormSubmitter:new_workshop-Start the workshop").click().run()


def test_login_through_the_real_form(monkeypatch):
    add_staff(monkeypatch, "fay")
    at = sign_in(new_app(), "fay", "not the password")
    assert_no_exception(at)
    assert accounts.MSG_BAD_LOGIN in [e.value for e in at.error]
    with pytest.raises(ValueError):
        at.switch_page(PAGE).run()

    at = sign_in(new_app(), "fay")
    assert_no_exception(at)
    assert at.session_state["authentication_status"] is True
    assert at.session_state["roles"] == ["facilitator"]
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert "You have no workshops yet. Start one above." in page_text(at)


def test_a_participant_cannot_reach_the_facilitator_page(monkeypatch):
    add_staff(monkeypatch, "fay")
    room = workshop.create_workshop(engine(), title="Room", created_by="fay")
    at = join(new_app(), "Kite", code=room.code)
    assert at.session_state[state.PARTICIPANT] is not None
    with pytest.raises(ValueError):
        at.switch_page(PAGE).run()
    with pytest.raises(ValueError):  # demo mode has no facilitator page either
        monkeypatch.delenv("CSC_DASH_COOKIE_KEY")
        at.run().switch_page(PAGE).run()


def test_the_page_itself_refuses_anyone_not_signed_in():
    """Defence in depth: even run on its own, the page shows nothing to a participant."""
    from streamlit.testing.v1 import AppTest

    workshop.create_workshop(engine(), title="Secret room", created_by="fay")
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()
    assert_no_exception(at)
    assert [e.value for e in at.error] == ["This page is for facilitators. Please sign in first."]
    assert "Secret room" not in page_text(at) and not at.get("image")


def test_the_room_live_and_in_the_downloads(monkeypatch):
    fac = facilitator(monkeypatch)
    fac = start_workshop(fac, "Spring workshop")
    assert_no_exception(fac)
    (room,) = workshop.list_workshops(engine(), created_by="fay")
    assert fac.get("image")[0].proto.imgs[0].alt == "Join code " + " ".join(room.code)

    kite = join(new_app(), "Kite", "Family member", code=room.code)
    save_view_on(kite, "app_pages/question.py", "question", "not_acceptable", XSS)
    kite.switch_page("app_pages/your_views.py").run()
    kite.radio(key="qa_should_use").set_value(2)
    kite.button(key="FormSubmitter:q_should_use-Save this answer").click().run()
    kite.number_input(key="qa_accepted_per_1000").set_value(40).run()
    kite.button(key="save_accepted_per_1000").click().run()

    owl = join(new_app(), XSS[:40], "Social worker", code=room.code)
    save_view_on(owl, "app_pages/question.py", "question", "acceptable")
    owl.switch_page("app_pages/your_views.py").run()
    owl.radio(key="qa_should_use").set_value(5)
    owl.button(key="FormSubmitter:q_should_use-Save this answer").click().run()
    owl.checkbox(key="qa_accepted_per_1000_none").check().run()
    owl.button(key="save_accepted_per_1000").click().run()
    for at in (kite, owl):
        assert_no_exception(at)

    fac.run()
    assert_no_exception(fac)
    text = page_text(fac)
    assert "2 people have joined: 1 family member, 1 social worker." in text
    assert "2 views saved so far, most on The question (2). In 1 of them the person could not accept what the screen showed." in text
    assert "1 person named a line: 40 flagged in every 1,000 referrals." in text  # as asked
    assert "1 person would not accept any line." in text
    specs = plotly_specs(fac)
    people = next(s for s in specs if "Who has joined" in json.dumps(s["layout"].get("title")))
    assert people["data"][0]["y"] == ["Family member", "Social worker"]
    lines = next(s for s in specs if "The line each person would accept" in json.dumps(s["layout"].get("title")))
    assert lines["layout"]["xaxis"]["title"]["text"] == "Referrals flagged in every 1,000"
    assert [trace["name"] for trace in lines["data"]] == ["Family member"]  # Kite's 40 in every 1,000
    free = next(t.value for t in fac.table if "What they wrote" in t.value.columns)
    assert free["What they wrote"].tolist() == [session.plain(XSS)]  # whole, escaped for Markdown
    assert free["Made-up name"].tolist() == ["Kite"]
    assert free["Question"].tolist() == [facilitator_ui.REACTION_REASON]  # what was asked, not its id
    for element in fac.markdown:
        assert "<script>" not in element.value or not element.proto.allow_html
    assert [b.proto.label for b in fac.get("download_button")] == [
        "Answers (CSV spreadsheet)", "The room's lines (CSV spreadsheet)", "Everything (JSON)",
        "Report (HTML)",
    ]
    # Every chart keeps our template (theme=None) and has its sentence beside it.
    charts = fac.get("plotly_chart")
    assert len(charts) >= 4 and all(c.proto.theme == "" for c in charts)

    # The downloads are built by these calls; they hold exactly the room's answers.
    eng = engine()
    rows = list(csv.DictReader(io.StringIO(workshop.responses_csv(workshop.responses(eng, room.id)).decode("utf-8-sig"))))
    assert sorted((r["pseudonym"], r["question_id"]) for r in rows) == sorted(
        [("Kite", "reaction"), ("Kite", "should_use"), ("Kite", "accepted_per_1000"),
         (XSS[:40], "reaction"), (XSS[:40], "should_use"), (XSS[:40], "accepted_per_1000")]
    )
    assert all(not r["pseudonym"].startswith(("=", "+", "-", "@")) for r in rows)
    data = json.loads(workshop.workshop_json(eng, room.id))
    assert sorted(p["pseudonym"] for p in data["participants"]) == sorted(["Kite", XSS[:40]])
    assert len(data["responses"]) == 6
    report = workshop.workshop_report_html(eng, room.id, page_titles=facilitator_ui.page_titles())
    assert "<script>alert" not in report and "&lt;script&gt;alert" in report


def test_own_workshops_only_and_admin_sees_all(monkeypatch):
    add_staff(monkeypatch, "gus")
    eng = engine()
    workshop.create_workshop(eng, title="Gus's room", created_by="gus")
    fay = facilitator(monkeypatch, "fay")
    assert "Gus's room" not in page_text(fay) and not picker(fay)
    fay = start_workshop(fay, "Fay's room")
    (labels,) = picker(fay)
    assert len(labels) == 1 and "Fay's room" in labels[0]

    ada = facilitator(monkeypatch, "ada", role="admin")
    (labels,) = picker(ada)
    assert len(labels) == 2
    assert any("Gus's room" in o and "by gus" in o for o in labels)


def picker(at) -> list[list[str]]:
    return [s.options for s in at.selectbox if s.key == state.widget_key(state.WORKSHOP_PICK)]


def test_close_reopen_approve_and_erase(monkeypatch):
    fac = start_workshop(facilitator(monkeypatch), "Room")
    (room,) = workshop.list_workshops(engine(), created_by="fay")

    fac.button(key="close_workshop").click().run()
    assert workshop.get_workshop(engine(), room.id).status == "closed"
    refused = join(new_app(), "Late", code=room.code)
    assert [e.value for e in refused.error] == [workshop.CLOSED_WORKSHOP]
    fac.button(key="reopen_workshop").click().run()
    assert workshop.get_workshop(engine(), room.id).status == "open"

    kite = join(new_app(), "Kite", code=room.code)
    pid = kite.session_state[state.PARTICIPANT]["participant_id"]
    proposed = workshop.add_statement(engine(), workshop_id=room.id, text="Tell families.",
                                      source="participant", proposed_by=pid)
    save_view_on(kite, "app_pages/question.py", "question", "unsure")
    fac.run()
    assert "Tell families." in [t.value for t in fac.text]
    fac.button(key=f"approve_{proposed.id}").click().run()
    assert_no_exception(fac)
    assert proposed.id in {s.id for s in workshop.list_statements(engine(), room.id)}

    fac.selectbox(key="erase_who").select(pid)
    assert fac.button(key="erase_participant").disabled
    fac.checkbox(key="erase_who_sure").check().run()
    fac.button(key="erase_participant").click().run()
    assert_no_exception(fac)
    assert facilitator_ui.MSG_ERASED_PARTICIPANT in [s.value for s in fac.success]
    assert workshop.get_participant(engine(), pid) is None
    assert workshop.responses(engine(), room.id).empty

    fac.text_input(key="erase_code").input("WRONG").run()
    assert fac.button(key="erase_workshop").disabled
    fac.text_input(key="erase_code").input(room.code.lower()).run()
    fac.button(key="erase_workshop").click().run()
    assert_no_exception(fac)
    assert workshop.get_workshop(engine(), room.id) is None
    assert "You have no workshops yet. Start one above." in page_text(fac)


def test_sign_out_removes_the_page(monkeypatch):
    fac = facilitator(monkeypatch)
    fac.sidebar.button(key="logout_btn").click().run()
    assert_no_exception(fac)
    assert fac.session_state["authentication_status"] is None
    fac.run()
    with pytest.raises(ValueError):
        fac.switch_page(PAGE).run()


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_wrong_passwords_pause_sign_in_for_that_user_name(monkeypatch):
    add_staff(monkeypatch, "fay")
    add_staff(monkeypatch, "gus")
    at = new_app()
    for attempt in range(1, 5):
        at = sign_in(at, "fay", f"wrong password {attempt}")
        assert_no_exception(at)
        assert errors(at) == [accounts.MSG_BAD_LOGIN]
    at = sign_in(at, "fay", "wrong password 5")  # the fifth: now paused (back-off)
    paused = message_pattern(accounts.MSG_TOO_MANY)
    assert len(errors(at)) == 1 and paused.match(errors(at)[0]), errors(at)
    assert accounts.MSG_TOO_MANY == (
        "Too many wrong passwords for this user name. Sign-in for it is paused for {wait}. "
        "Please wait, then try again."
    )
    at = sign_in(at, "fay", "wrong password 6")
    assert paused.match(errors(at)[0])
    at = sign_in(at, "FAY")  # the right password is refused too
    assert paused.match(errors(at)[0])
    assert at.session_state["authentication_status"] is not True
    with pytest.raises(ValueError):
        at.switch_page(PAGE).run()
    # The pause is kept in the store, so a new browser session (or replica) is refused too ...
    fresh = sign_in(new_app(), "fay")
    assert paused.match(errors(fresh)[0])
    assert fresh.session_state["authentication_status"] is not True
    # ... and it pauses only that user name.
    other = sign_in(new_app(), "gus")
    assert_no_exception(other)
    assert other.session_state["authentication_status"] is True


def test_a_right_password_clears_the_count(monkeypatch):
    add_staff(monkeypatch, "fay")
    at = new_app()
    for attempt in range(4):
        at = sign_in(at, "fay", f"wrong {attempt}")
    at = sign_in(at, "fay")
    assert at.session_state["authentication_status"] is True
    from tests.pg import row_counts

    assert row_counts(engine())["sign_in_failures"] == 0


def test_no_sign_in_when_the_limit_cannot_be_checked(monkeypatch):
    from csc_dash import sign_ins

    add_staff(monkeypatch, "fay")

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.READ_UNAVAILABLE)

    monkeypatch.setattr(sign_ins, "begin_sign_in", down)
    at = sign_in(new_app(), "fay")
    assert_no_exception(at)
    assert errors(at) == [accounts.MSG_CANNOT_CHECK]
    assert at.session_state["authentication_status"] is not True


def test_reject_a_proposed_statement_and_erase_from_the_list_of_people(monkeypatch):
    fac = start_workshop(facilitator(monkeypatch), "Room")
    (room,) = workshop.list_workshops(engine(), created_by="fay")
    kite = join(new_app(), "Kite", "Young person", code=room.code)
    owl = join(new_app(), XSS[:40], "Manager", code=room.code)
    pid = kite.session_state[state.PARTICIPANT]["participant_id"]
    rude = workshop.add_statement(engine(), workshop_id=room.id, text="Something rude",
                                  source="participant", proposed_by=pid)
    fine = workshop.add_statement(engine(), workshop_id=room.id, text="Ask families first.",
                                  source="participant", proposed_by=pid)
    fac.run()
    assert [t.value for t in fac.text if t.value in ("Something rude", "Ask families first.")] == [
        "Something rude", "Ask families first."
    ]
    fac.button(key=f"reject_{rude.id}").click().run()
    assert_no_exception(fac)
    assert [t.value for t in fac.toast] == [facilitator_ui.MSG_REJECTED]
    assert "Something rude" not in [t.value for t in fac.text]
    assert not [b for b in fac.button if b.key == f"reject_{rude.id}"]
    left = workshop.list_statements(engine(), room.id, approved_only=False)
    assert rude.id not in {s.id for s in left} and fine.id in {s.id for s in left}
    assert workshop.get_participant(engine(), pid) is not None  # the proposer stays
    fac.button(key=f"approve_{fine.id}").click()
    workshop.reject_statement(engine(), fine.id)  # meanwhile, in another tab
    fac.run()
    assert_no_exception(fac)
    assert [t.value for t in fac.toast] == [workshop.UNKNOWN_STATEMENT]

    # The erase list is everyone in the workshop, in the order they joined, names as typed.
    people = workshop.list_participants(engine(), room.id)
    who = fac.selectbox(key="erase_who")
    assert who.options == ["Kite (Young person)", f"{XSS[:40]} (Manager)"]
    assert [p.id for p in people] == [pid, owl.session_state[state.PARTICIPANT]["participant_id"]]


def test_statements_table_shows_every_statement_in_full(monkeypatch):
    fac = start_workshop(facilitator(monkeypatch), "Room")
    (room,) = workshop.list_workshops(engine(), created_by="fay")
    long = "A tool should be judged against what workers do now, not against being perfect, " * 2
    typed = f"{long.strip()} **not bold** {XSS}"
    made = workshop.add_statement(engine(), workshop_id=room.id, text=typed, source="facilitator",
                                  approved=True)
    fac.run()
    assert_no_exception(fac)
    table = next(t for t in fac.table if "Statement" in t.value.columns)
    frame = table.value
    assert list(frame.columns) == list(facilitator_ui.STATEMENT_COLUMNS.values())
    shown = frame["Statement"].tolist()
    texts = [s.text for s in workshop.list_statements(engine(), room.id)]
    assert shown == [session.plain(t) for t in texts]  # whole, escaped for the table's Markdown
    assert session.plain(made.text) in shown
    assert all("Statement" not in d.value.columns for d in fac.dataframe)


def test_headings_go_down_one_level_at_a_time(monkeypatch):
    from tests.test_page_welcome import heading_levels

    fac = start_workshop(facilitator(monkeypatch), "Room")
    levels = heading_levels(fac)
    assert levels[0] == 1 and levels.count(1) == 1 and 3 in levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_proposals_waiting_come_first_and_erasing_says_what_remains(monkeypatch):
    """Issue 12.6: proposals waited below a 25-row table. Issue 13.8: the confirmation says
    honestly what the database keeps for a while."""
    fac = start_workshop(facilitator(monkeypatch), "Spring workshop")
    (room,) = workshop.list_workshops(engine(), created_by="fay")
    kite = join(new_app(), "Kite", code=room.code)
    workshop.add_statement(engine(), workshop_id=room.id, text="Families should see the score.",
                           source="participant", proposed_by=kite.session_state[state.PARTICIPANT]["participant_id"])
    fac.run()
    assert_no_exception(fac)
    order = [el.value for el in fac.main if getattr(el, "type", "") in ("subheader", "markdown")
             and isinstance(getattr(el, "value", None), str)]
    waiting = next(i for i, v in enumerate(order) if v.startswith("Proposed by participants, waiting for you (1)"))
    assert waiting < order.index("Statements")  # above the big tables
    assert waiting < order.index("What people wrote")
    notes = [c.value for c in fac.caption]
    assert workshop.ERASURE_REMAINS["sqlite"] in notes


def test_the_live_section_remembers_what_it_drew(monkeypatch):
    """The watcher compares this fingerprint every few seconds and redraws only on a change."""
    fac = start_workshop(facilitator(monkeypatch), "Spring workshop")
    (room,) = workshop.list_workshops(engine(), created_by="fay")
    assert fac.session_state[state.LIVE_VERSION] == workshop.workshop_version(engine(), room.id)
    join(new_app(), "Kite", code=room.code)
    assert fac.session_state[state.LIVE_VERSION] != workshop.workshop_version(engine(), room.id)
    fac.run()
    assert fac.session_state[state.LIVE_VERSION] == workshop.workshop_version(engine(), room.id)


def test_the_sign_in_page_becomes_your_staff_account_once_signed_in(monkeypatch):
    add_staff(monkeypatch, "fay")
    at = new_app().switch_page("app_pages/sign_in.py").run()
    assert [t.value for t in at.title] == [accounts.SIGN_IN_TITLE]
    at = sign_in(at, "fay").switch_page("app_pages/sign_in.py").run()
    assert_no_exception(at)
    assert [t.value for t in at.title] == [accounts.ACCOUNT_TITLE]


def test_a_vote_taken_back_leaves_the_live_results_and_the_agreement_counts(monkeypatch):
    """The tester's 1: a vote taken back on Your views kept counting for the facilitator."""
    fac = start_workshop(facilitator(monkeypatch), "Spring workshop")
    (room,) = workshop.list_workshops(engine(), created_by="fay")
    first = workshop.list_statements(engine(), room.id)[0]
    voters = []
    for name, role in (("Kite", "Family member"), ("Owl", "Social worker")):
        at = join(new_app(), name, role, code=room.code).switch_page("app_pages/your_views.py").run()
        at.button_group(key=f"vote_{first.id}").set_value("agree").run()
        voters.append(at)

    def shown():
        table = next(t for t in fac.table if "Statement" in t.value.columns).value
        row = table[table["Statement"] == session.plain(first.text)].iloc[0]
        agreement = next(t for t in fac.table if "Who agreed, by group" in t.value.columns).value
        said = agreement[agreement["Statement"] == session.plain(first.text)].iloc[0]
        return int(row["Agree"]), said["Who agreed, by group"]

    fac.run()
    assert shown() == (2, session.plain("Family member: 1 of 1 agree; Social worker: 1 of 1 agree"))
    kite = voters[0]
    kite.button(key=f"take_back_{first.id}").click().run()  # Kite takes the vote back
    assert_no_exception(kite)
    # The live section's watcher sees the change, so the facilitator's screen redraws ...
    assert fac.session_state[state.LIVE_VERSION] != workshop.workshop_version(engine(), room.id)
    fac.run()
    assert_no_exception(fac)
    # ... and no longer counts Kite's vote, nor Kite as having seen the statement.
    assert shown() == (1, session.plain("Social worker: 1 of 1 agree"))
