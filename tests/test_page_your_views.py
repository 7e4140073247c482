"""Your views: every kind of question saved as its own answer with the screen, skippable, and
agree / disagree / pass statements."""

from __future__ import annotations

import pytest

from csc_dash import workshop
from csc_dash.content.questions import PRIORITY_LEVELS, QUESTIONNAIRE, SAFEGUARDS, by_id
from csc_dash.ui import state
from csc_dash.ui.workshop import answers as answer_machine
from csc_dash.ui.workshop import decisions as decisions_ui
from csc_dash.ui.workshop import question_forms, session, voting
from csc_dash.workshop.decisions import NOTHING_DECIDED_YET
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import engine, join, new_app

PAGE = "app_pages/your_views.py"


LINE = workshop.LINE_QUESTION


def submit(at, question_id):
    if question_id == LINE:  # not a form: ticking "No line" empties the box at once
        return at.button(key=f"save_{LINE}").click().run()
    return at.button(key=f"FormSubmitter:q_{question_id}-Save this answer").click().run()


def save_buttons(at):
    return [b for b in at.button if b.key and (b.key.startswith("FormSubmitter:q_") or b.key == f"save_{LINE}")]


def answers(at) -> dict[str, object]:
    person = at.session_state[state.PARTICIPANT]
    frame = workshop.responses(engine(), person["workshop_id"])
    assert set(frame["page"]) <= {question_forms.YOUR_VIEWS}
    return dict(zip(frame["question_id"], frame["value"], strict=True))


@pytest.fixture
def joined():
    at = join(new_app(), "Kite", "Family member")
    return at.switch_page(PAGE).run()


def test_without_joining_questions_show_but_cannot_be_saved():
    at = new_app().switch_page(PAGE).run()
    assert_no_exception(at)
    text = page_text(at)
    assert all(q.prompt in text for q in QUESTIONNAIRE if q.kind != "text")
    submits = save_buttons(at)
    assert len(submits) == len(QUESTIONNAIRE) and all(b.disabled for b in submits)


def test_every_kind_is_saved_with_the_screen_state(joined):
    at = joined
    at.radio(key="qa_should_use").set_value(4)
    submit(at, "should_use")
    at.text_area(key="qa_should_reasons").input("Workers are busy.")
    submit(at, "should_reasons")
    rank(at, {2: "1st", 0: "2nd"})
    submit(at, "safeguards_rank")
    options = by_id("recommendations_priority").options
    at.radio(key="qa_recommendations_priority_0").set_value("High")
    at.radio(key="qa_recommendations_priority_3").set_value("Low")
    submit(at, "recommendations_priority")
    at.number_input(key=f"qa_{LINE}").set_value(95).run()
    submit(at, LINE)
    assert_no_exception(at)

    assert answers(at) == {
        "should_use": 4,
        "should_reasons": "Workers are busy.",
        "safeguards_rank": [SAFEGUARDS[2], SAFEGUARDS[0]],
        "recommendations_priority": {options[0]: "High", options[3]: "Low"},
        LINE: 95,
    }
    frame = workshop.responses(engine(), at.session_state[state.PARTICIPANT]["workshop_id"])
    for qid, screen in zip(frame["question_id"], frame["screen_state"], strict=True):
        assert screen["question_id"] == qid
        assert screen["model"] == at.session_state[state.MODEL]
        assert isinstance(screen["threshold"], float)  # the line in force, never blank
        assert isinstance(screen["flagged_per_1000"], int)
        extra = {workshop.ANSWER_LINE} if qid == LINE else set()
        assert set(screen) == {"model", "threshold", "flagged_per_1000", "bias", "view", "question_id"} | extra
    line_answer = frame[frame["question_id"] == LINE].iloc[0]
    assert line_answer["value"] == 95 and isinstance(line_answer["value"], int)
    # The score line kept beside it flags at most 95 in every 1,000 of the sample.
    from csc_dash import tradeoffs
    from csc_dash.ui import loaders

    c = loaders.sample_cohort(at.session_state[state.BIAS])
    table = loaders.sweep(c, at.session_state[state.MODEL])
    row = tradeoffs.threshold_row(table, line_answer["screen_state"][workshop.ANSWER_LINE])
    assert int(row["flagged"]) <= 95 * len(c) // 1000
    assert PRIORITY_LEVELS == ("Low", "Medium", "High")


def test_no_line_is_an_answer_too_and_empties_the_box(joined):
    at = joined
    box = at.number_input(key=f"qa_{LINE}")
    assert box.value == workshop_line(at)  # starts at the line in force, per 1,000
    at.checkbox(key=f"qa_{LINE}_none").check().run()
    assert at.number_input(key=f"qa_{LINE}").value is None  # no number shown
    assert at.number_input(key=f"qa_{LINE}").disabled
    submit(at, LINE)
    assert answers(at) == {LINE: None}
    summary = workshop.live_summary(engine(), at.session_state[state.PARTICIPANT]["workshop_id"])
    assert summary["accepted_thresholds"]["value"].isna().all()
    assert summary["accepted_thresholds"]["per_1000"].isna().all()
    fresh = new_app()
    fresh.session_state[state.PARTICIPANT] = at.session_state[state.PARTICIPANT]
    fresh.switch_page(PAGE).run()  # filled in again from the store
    assert fresh.checkbox(key=f"qa_{LINE}_none").value is True
    assert fresh.number_input(key=f"qa_{LINE}").value is None
    # Unticking shows a number again.
    fresh.checkbox(key=f"qa_{LINE}_none").uncheck().run()
    assert fresh.number_input(key=f"qa_{LINE}").value == workshop_line(fresh)


def test_the_number_stored_is_the_number_in_the_box(joined):
    """Issue 12.5: the box showed 0.18 and 0.176 was stored. Now a whole number per 1,000 is
    shown, and exactly that number is stored and shown again."""
    at = joined
    at.number_input(key=f"qa_{LINE}").set_value(37).run()
    submit(at, LINE)
    assert answers(at) == {LINE: 37}
    fresh = new_app()
    fresh.session_state[state.PARTICIPANT] = at.session_state[state.PARTICIPANT]
    fresh.switch_page(PAGE).run()
    assert fresh.number_input(key=f"qa_{LINE}").value == 37
    assert not [c for c in fresh.caption if "score line" in c.value]  # plain view: no score


def test_false_alarms_to_find_one_more_child_is_stored_as_typed(joined):
    """Issue 17.3: a plain whole number, no line stored beside it, shown again from the store."""
    at = joined
    at = submit(at, "false_alarms_per_child")
    assert question_forms.MSG_NO_ANSWER in [w.value for w in at.warning]  # empty: refused
    at.number_input(key="qa_false_alarms_per_child").set_value(7)
    submit(at, "false_alarms_per_child")
    assert_no_exception(at)
    assert answers(at) == {"false_alarms_per_child": 7}
    person = at.session_state[state.PARTICIPANT]
    stored = workshop.responses(engine(), person["workshop_id"]).iloc[0]["screen_state"]
    assert workshop.ANSWER_LINE not in stored  # only the line's answer keeps a score line
    fresh = new_app()
    fresh.session_state[state.PARTICIPANT] = person
    fresh.switch_page(PAGE).run()
    assert fresh.number_input(key="qa_false_alarms_per_child").value == 7


def workshop_line(at) -> int:
    from csc_dash import tradeoffs
    from csc_dash.ui import loaders

    c = loaders.sample_cohort(at.session_state[state.BIAS])
    table = loaders.sweep(c, at.session_state[state.MODEL])
    row = tradeoffs.threshold_row(table, at.session_state[state.THRESHOLD])
    return tradeoffs.per_1000(float(row["flagged"]), float(len(c)))


@pytest.mark.parametrize("question_id", ["should_use", "should_reasons", "safeguards_rank", "recommendations_priority"])
def test_saving_an_empty_answer_is_refused_plainly(joined, question_id):
    at = submit(joined, question_id)
    assert_no_exception(at)
    assert question_forms.MSG_NO_ANSWER in [w.value for w in at.warning]
    assert answers(at) == {}


def test_saved_answers_fill_the_form_again():
    at = join(new_app(), "Kite")
    at.switch_page(PAGE).run()
    at.radio(key="qa_value_respect").set_value(2)
    submit(at, "value_respect")
    fresh = new_app()
    fresh.session_state[state.PARTICIPANT] = at.session_state[state.PARTICIPANT]
    fresh.switch_page(PAGE).run()
    assert fresh.radio(key="qa_value_respect").value == 2


def test_statements_vote_and_change_vote(joined):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first = workshop.list_statements(engine(), person["workshop_id"])[0]
    assert first.text in page_text(at) or session.plain(first.text) in page_text(at)
    at.button_group(key=f"vote_{first.id}").set_value("agree").run()
    assert_no_exception(at)
    row = workshop.statement_results(engine(), person["workshop_id"]).set_index("statement_id").loc[first.id]
    assert (row["agree"], row["disagree"]) == (1, 0)
    at.button_group(key=f"vote_{first.id}").set_value("disagree").run()
    row = workshop.statement_results(engine(), person["workshop_id"]).set_index("statement_id").loc[first.id]
    assert (row["agree"], row["disagree"], row["votes"]) == (0, 1, 1)


def test_a_failed_vote_can_be_retried(joined, monkeypatch):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first = workshop.list_statements(engine(), person["workshop_id"])[0]
    real = workshop.vote

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    monkeypatch.setattr(answer_machine, "vote", down)
    at.button_group(key=f"vote_{first.id}").set_value("pass").run()
    assert answer_machine.MSG_NOT_SAVED in [w.value for w in at.warning]
    monkeypatch.setattr(answer_machine, "vote", real)
    at.button(key=f"retry_vote_{first.id}").click().run()
    assert_no_exception(at)
    row = workshop.statement_results(engine(), person["workshop_id"]).set_index("statement_id").loc[first.id]
    assert row["pass"] == 1


def test_propose_a_statement_waits_for_the_facilitator(joined):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    at.text_area(key="propose_text").input("Families should see their own score.")
    at.button(key="FormSubmitter:propose_form-Send to the facilitator").click().run()
    assert voting.MSG_PROPOSED in [s.value for s in at.success]
    at.button(key="FormSubmitter:propose_form-Send to the facilitator").click().run()  # again
    assert voting.MSG_PROPOSED_AGAIN in [i.value for i in at.info]
    waiting = [
        s for s in workshop.list_statements(engine(), person["workshop_id"], approved_only=False)
        if s.source == "participant"
    ]
    assert [(s.text, s.approved, s.proposed_by) for s in waiting] == [
        ("Families should see their own score.", False, person["participant_id"])
    ]


def test_a_closed_workshop_keeps_answers_votes_and_statements_on_screen(joined):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first = workshop.list_statements(engine(), person["workshop_id"])[0]
    workshop.set_workshop_status(engine(), person["workshop_id"], "closed")

    at.radio(key="qa_should_use").set_value(4)
    submit(at, "should_use")
    assert_no_exception(at)
    assert workshop.CLOSED_FOR_ANSWERS in [e.value for e in at.error]
    assert at.radio(key="qa_should_use").value == 4
    at.button_group(key=f"vote_{first.id}").set_value("agree").run()
    assert workshop.CLOSED_FOR_ANSWERS in [w.value for w in at.warning]
    assert at.button(key=f"retry_vote_{first.id}")  # the vote is kept for a retry
    at.text_area(key="propose_text").input("Let families see the score.")
    at.button(key="FormSubmitter:propose_form-Send to the facilitator").click().run()
    assert workshop.CLOSED_FOR_ANSWERS in [e.value for e in at.error]
    assert at.text_area(key="propose_text").value == "Let families see the score."
    assert not at.success
    assert answers(at) == {}
    assert workshop.statement_results(engine(), person["workshop_id"])["votes"].sum() == 0

    workshop.set_workshop_status(engine(), person["workshop_id"], "open")
    at.button(key=f"retry_vote_{first.id}").click().run()
    submit(at, "should_use")
    assert_no_exception(at)
    assert answers(at) == {"should_use": 4}
    row = workshop.statement_results(engine(), person["workshop_id"]).set_index("statement_id").loc[first.id]
    assert row["agree"] == 1


# -- what is already saved ---------------------------------------------------------------------------


def saved_marks(at) -> list[str]:
    """Question ids whose form carries the "Your answer is saved" mark (a badge: words and a tick)."""
    marked = []
    for form in at.get("form"):
        texts = [str(getattr(node, "value", "")) for node in form]
        if any(answer_machine.MSG_SAVED_MARK in t and "check_circle" in t for t in texts):
            marked.append(form.proto.form.form_id.removeprefix("q_"))
    return marked


def test_every_saved_answer_is_marked_and_filled_in(joined):
    at = joined
    assert saved_marks(at) == []
    at.radio(key="qa_should_use").set_value(2)
    submit(at, "should_use")
    at.text_area(key="qa_should_reasons").input("Families would be watched more.")
    submit(at, "should_reasons")
    rank(at, {1: "1st", 4: "2nd"})
    submit(at, "safeguards_rank")
    assert_no_exception(at)
    # The one saved just now says "Saved. Thank you." instead (one confirmation at a time) ...
    assert saved_marks(at) == ["should_use", "should_reasons"]
    assert answer_machine.MSG_SAVED in [s.value for s in at.success]
    at.run()
    # ... then, not only the last one: all three answers are marked as saved.
    assert saved_marks(at) == ["should_use", "should_reasons", "safeguards_rank"]

    # A new session of the same person (a reload) sees the same marks and answers, from the store.
    fresh = new_app()
    fresh.session_state[state.PARTICIPANT] = at.session_state[state.PARTICIPANT]
    fresh.switch_page(PAGE).run()
    assert saved_marks(fresh) == ["should_use", "should_reasons", "safeguards_rank"]
    assert fresh.radio(key="qa_should_use").value == 2
    assert fresh.text_area(key="qa_should_reasons").value == "Families would be watched more."
    places = {i: fresh.radio(key=f"qa_safeguards_rank_{i}").value for i in range(len(SAFEGUARDS))}
    assert places == {0: None, 1: "1st", 2: None, 3: None, 4: "2nd", 5: None}


def test_a_failed_save_is_not_marked_saved_and_keeps_retry(joined, monkeypatch):
    at = joined
    at.radio(key="qa_should_use").set_value(2)
    submit(at, "should_use")
    real = workshop.save_response

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    monkeypatch.setattr(answer_machine, "save_response", down)
    at.radio(key="qa_should_use").set_value(5)
    submit(at, "should_use")
    assert_no_exception(at)
    assert answer_machine.MSG_NOT_SAVED in [w.value for w in at.warning]
    assert "should_use" not in saved_marks(at)
    monkeypatch.setattr(answer_machine, "save_response", real)
    at.button(key="retry_your_views_should_use").click().run()
    assert answer_machine.MSG_SAVED in [s.value for s in at.success]
    assert "should_use" in saved_marks(at.run())
    assert answers(at) == {"should_use": 5}


def rank(at, places: dict[int, str]) -> None:
    """Give the checks (by their index in SAFEGUARDS) these places, as a person taps them."""
    for i, place in places.items():
        at.radio(key=f"qa_safeguards_rank_{i}").set_value(place)


def test_the_ranking_shows_every_check_and_its_places_without_a_drop_down():
    at = new_app().switch_page(PAGE).run()
    assert not [m for m in at.multiselect if m.key and m.key.startswith("qa_safeguards_rank")]
    rows = [r for r in at.radio if r.key and r.key.startswith("qa_safeguards_rank_")]
    assert [r.label for r in rows] == list(SAFEGUARDS)
    assert all(list(r.options) == list(question_forms.RANK_PLACES[: len(SAFEGUARDS)]) for r in rows)
    assert all(r.value is None for r in rows)
    text = page_text(at)
    assert text.count(by_id("safeguards_rank").help) == 1
    assert f"{question_forms.RANK_LABEL}. {question_forms.RANK_NOTE}" in text


def test_two_checks_in_the_same_place_are_not_saved_and_say_why(joined):
    at = joined
    rank(at, {0: "1st", 3: "1st"})
    submit(at, "safeguards_rank")
    assert_no_exception(at)
    assert question_forms.MSG_RANK_SAME_PLACE in [w.value for w in at.warning]
    assert "safeguards_rank" not in answers(at)
    rank(at, {3: "2nd"})
    submit(at, "safeguards_rank")
    assert answers(at)["safeguards_rank"] == [SAFEGUARDS[0], SAFEGUARDS[3]]


def test_headings_go_down_one_level_at_a_time(joined):
    from tests.test_page_welcome import heading_levels

    levels = heading_levels(joined)
    assert levels[0] == 1 and levels.count(1) == 1 and 2 in levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_votes_show_as_cast_after_a_reload(joined):
    """Issue 12.3: after a reload, earlier votes looked uncast."""
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first, second = workshop.list_statements(engine(), person["workshop_id"])[:2]
    at.button_group(key=f"vote_{first.id}").set_value("agree").run()
    at.button_group(key=f"vote_{second.id}").set_value("pass").run()
    fresh = new_app()
    fresh.session_state[state.PARTICIPANT] = person
    fresh.switch_page(PAGE).run()
    assert_no_exception(fresh)
    assert fresh.button_group(key=f"vote_{first.id}").value == "agree"
    assert fresh.button_group(key=f"vote_{second.id}").value == "pass"


def test_a_statement_whose_author_left_stays_with_the_votes(joined):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    leaver = workshop.join_workshop(engine(), code=workshop.DEMO_CODE, pseudonym="Leaver",
                                    role_tag="Other", client_token=workshop.new_client_token())
    idea = workshop.add_statement(engine(), workshop_id=person["workshop_id"], text="Ask us first.",
                                  source="participant", proposed_by=leaver.id)
    workshop.approve_statement(engine(), idea.id)
    at.run()
    at.button_group(key=f"vote_{idea.id}").set_value("agree").run()
    workshop.withdraw(engine(), leaver.id)
    at.run()
    assert_no_exception(at)
    assert at.button_group(key=f"vote_{idea.id}").value == "agree"
    assert voting.AUTHOR_LEFT_NOTE in [c.value for c in at.caption]


def test_a_statement_that_could_not_be_sent_stays_on_screen_with_a_retry(joined, monkeypatch):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    real = answer_machine.add_statement

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    monkeypatch.setattr(answer_machine, "add_statement", down)
    at.text_area(key="propose_text").input("Tell families when a tool is used.")
    at.button(key="FormSubmitter:propose_form-Send to the facilitator").click().run()
    assert_no_exception(at)
    assert answer_machine.MSG_NOT_SAVED in [w.value for w in at.warning]
    assert "Tell families when a tool is used." in [t.value for t in at.text]  # kept, as typed
    assert voting.MSG_PROPOSED not in [s.value for s in at.success]
    monkeypatch.setattr(answer_machine, "add_statement", real)
    at.button(key="retry_propose_statement").click().run()
    assert voting.MSG_PROPOSED in [s.value for s in at.success]
    waiting = [
        s.text for s in workshop.list_statements(engine(), person["workshop_id"], approved_only=False)
        if s.source == "participant"
    ]
    assert waiting == ["Tell families when a tool is used."]


def test_answers_votes_and_statements_wait_in_one_shape(joined, monkeypatch):
    at = joined
    first = workshop.list_statements(engine(), at.session_state[state.PARTICIPANT]["workshop_id"])[0]

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    for name in ("save_response", "vote", "add_statement"):
        monkeypatch.setattr(answer_machine, name, down)
    at.radio(key="qa_should_use").set_value(2)
    submit(at, "should_use")
    at.button_group(key=f"vote_{first.id}").set_value("agree").run()
    at.text_area(key="propose_text").input("A statement.")
    at.button(key="FormSubmitter:propose_form-Send to the facilitator").click().run()
    assert_no_exception(at)
    waiting = at.session_state[state.PENDING]
    assert {place: type(record).__name__ for place, record in waiting.items()} == {
        ("your_views", "should_use"): "Pending",
        ("vote", first.id): "Pending",
        ("propose", "statement"): "Pending",
    }
    assert {record.kind for record in waiting.values()} == {"answer", "vote", "statement"}
    assert all(record.retry and record.message == answer_machine.MSG_NOT_SAVED for record in waiting.values())


# -- taking a vote back ------------------------------------------------------------------------------


def stored_votes(at) -> dict[int, str]:
    return workshop.participant_votes(engine(), at.session_state[state.PARTICIPANT]["participant_id"])


def take_back(at, statement_id: int):
    return at.button(key=f"take_back_{statement_id}").click().run()


def test_take_back_my_vote_takes_the_vote_back(joined):
    """The tester's 1: the control showed no vote, but the vote stayed in the store and counted."""
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first = workshop.list_statements(engine(), person["workshop_id"])[0]
    assert voting.STATEMENTS_INTRO in [m.value for m in at.markdown]
    assert "To take your vote back, press **Take back my vote** under it." in voting.STATEMENTS_INTRO
    assert not [b for b in at.button if b.key == f"take_back_{first.id}"]  # no vote, no button
    at.button_group(key=f"vote_{first.id}").set_value("agree").run()
    assert stored_votes(at) == {first.id: "agree"}
    assert voting.MSG_TAKEN_BACK not in [s.value for s in at.success]
    assert at.button(key=f"take_back_{first.id}").label == voting.TAKE_BACK_LABEL

    take_back(at, first.id)
    assert_no_exception(at)
    assert at.button_group(key=f"vote_{first.id}").value is None
    assert voting.MSG_TAKEN_BACK in [s.value for s in at.success]
    assert stored_votes(at) == {}
    row = workshop.statement_results(engine(), person["workshop_id"]).set_index("statement_id").loc[first.id]
    assert (row["agree"], row["votes"]) == (0, 0)
    at.run()
    assert voting.MSG_TAKEN_BACK not in [s.value for s in at.success]  # said once

    # A reload (a new session of the same person) shows no vote: it stays taken back.
    fresh = new_app()
    fresh.session_state[state.PARTICIPANT] = person
    fresh.switch_page(PAGE).run()
    assert_no_exception(fresh)
    assert fresh.button_group(key=f"vote_{first.id}").value is None
    # ... and the person can vote again.
    fresh.button_group(key=f"vote_{first.id}").set_value("disagree").run()
    assert stored_votes(fresh) == {first.id: "disagree"}


def test_a_control_that_comes_back_empty_never_takes_a_vote_back(joined, monkeypatch):
    """A real workshop lost a person's vote: a page redrawn with the control at its first state
    (empty) was read as "the chosen answer pressed again". Only "Take back my vote" takes a vote
    back now; an empty control is put back to the vote, and nothing is sent to the store."""
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first = workshop.list_statements(engine(), person["workshop_id"])[0]
    at.button_group(key=f"vote_{first.id}").set_value("disagree").run()
    sent = []
    monkeypatch.setattr(answer_machine, "take_back_vote", lambda *a, **k: sent.append(k))
    at.button_group(key=f"vote_{first.id}").set_value(None).run()
    assert_no_exception(at)
    assert sent == []
    assert stored_votes(at) == {first.id: "disagree"}
    assert at.button_group(key=f"vote_{first.id}").value == "disagree"
    assert voting.MSG_TAKEN_BACK not in [s.value for s in at.success]
    at.run()
    assert at.button_group(key=f"vote_{first.id}").value == "disagree"


def test_a_take_back_that_could_not_be_saved_keeps_a_retry_and_never_says_done(joined, monkeypatch):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first = workshop.list_statements(engine(), person["workshop_id"])[0]
    at.button_group(key=f"vote_{first.id}").set_value("pass").run()
    real, tokens = workshop.take_back_vote, []

    def down(*args, **kwargs):
        tokens.append(kwargs["client_token"])
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    def up(*args, **kwargs):
        tokens.append(kwargs["client_token"])
        return real(*args, **kwargs)

    monkeypatch.setattr(answer_machine, "take_back_vote", down)
    take_back(at, first.id)
    assert_no_exception(at)
    assert answer_machine.MSG_NOT_SAVED in [w.value for w in at.warning]
    assert voting.TAKE_BACK_KEPT_NAMED.format(vote="Pass") in [t.value for t in at.text]
    assert voting.MSG_TAKEN_BACK not in [s.value for s in at.success]
    assert stored_votes(at) == {first.id: "pass"}  # it still counts, and the page says so
    at.button(key=f"retry_vote_{first.id}").click().run()  # still down
    assert answer_machine.MSG_NOT_SAVED in [w.value for w in at.warning]
    assert voting.MSG_TAKEN_BACK not in [s.value for s in at.success]

    monkeypatch.setattr(answer_machine, "take_back_vote", up)
    at.button(key=f"retry_vote_{first.id}").click().run()
    assert_no_exception(at)
    assert voting.MSG_TAKEN_BACK in [s.value for s in at.success]
    assert answer_machine.MSG_NOT_SAVED not in [w.value for w in at.warning]
    assert stored_votes(at) == {}
    assert len(tokens) == 3 and len(set(tokens)) == 1  # every Retry sends the same take-back


def test_a_take_back_on_a_closed_workshop_keeps_the_vote_and_a_retry(joined):
    at = joined
    person = at.session_state[state.PARTICIPANT]
    first = workshop.list_statements(engine(), person["workshop_id"])[0]
    at.button_group(key=f"vote_{first.id}").set_value("agree").run()
    workshop.set_workshop_status(engine(), person["workshop_id"], "closed")
    take_back(at, first.id)
    assert workshop.CLOSED_FOR_ANSWERS in [w.value for w in at.warning]
    assert voting.MSG_TAKEN_BACK not in [s.value for s in at.success]
    assert stored_votes(at) == {first.id: "agree"}
    workshop.set_workshop_status(engine(), person["workshop_id"], "open")
    at.button(key=f"retry_vote_{first.id}").click().run()
    assert voting.MSG_TAKEN_BACK in [s.value for s in at.success]
    assert stored_votes(at) == {}


# -- what became of what you said --------------------------------------------------------------------


def test_what_became_of_what_you_said_reads_each_answer_back_as_it_was_given(joined):
    """The tester's 2: "No line" read back as "You said: no answer" (and "Agree" as "Strongly
    agree")."""
    at = joined
    at.checkbox(key=f"qa_{LINE}_none").check().run()
    submit(at, LINE)
    at.radio(key="qa_should_use").set_value(4)
    submit(at, "should_use")
    at.number_input(key="qa_false_alarms_per_child").set_value(1)
    submit(at, "false_alarms_per_child")
    assert_no_exception(at)
    shown = [m.value for m in at.markdown]
    said = [m for m in shown if "You said" in m]
    assert session.plain(f"{by_id(LINE).prompt} You said: {question_forms.NO_LINE_LABEL}") in said
    assert session.plain(f"{by_id('should_use').prompt} You said: Agree") in said
    assert session.plain(f"{by_id('false_alarms_per_child').prompt} You said: 1 false alarm") in said
    assert not [m for m in said if "no answer" in m]


def test_an_answer_kept_for_a_retry_reads_as_it_was_given(joined, monkeypatch):
    at = joined

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    monkeypatch.setattr(answer_machine, "save_response", down)
    at.radio(key="qa_should_use").set_value(4)
    submit(at, "should_use")
    at.checkbox(key=f"qa_{LINE}_none").check().run()
    submit(at, LINE)
    kept = [t.value for t in at.text]
    assert "Agree" in kept and question_forms.NO_LINE_LABEL in kept  # not "4", nor "None"


def test_nothing_decided_yet_is_said_once_and_not_decided_yet_only_beside_decided_things(joined):
    """The tester's 3a: "Nothing has been decided yet ..." stood at the top and again under every
    single answer."""
    at = joined
    at.radio(key="qa_should_use").set_value(4)
    submit(at, "should_use")
    at.text_area(key="qa_should_reasons").input("Workers are busy.")
    submit(at, "should_reasons")
    at.checkbox(key=f"qa_{LINE}_none").check().run()
    submit(at, LINE)
    said = page_text(at)
    assert said.count(NOTHING_DECIDED_YET) == 1
    assert [i.value for i in at.info].count(NOTHING_DECIDED_YET) == 1  # in the box at the top
    assert decisions_ui.BECAME_NOT_YET not in said

    person = at.session_state[state.PARTICIPANT]
    ids = {
        row.question_id: row.response_id
        for row in workshop.responses(engine(), person["workshop_id"]).itertuples()
    }
    workshop.record_decision(
        engine(), workshop_id=person["workshop_id"], title="We ask families first",
        status="in_progress", reason="Most people said so.",
        links=[workshop.Link("answer", ids["should_use"])], created_by="fay",
        client_token=workshop.new_client_token(),
    )  # fmt: skip
    at.run()
    said = page_text(at)
    assert NOTHING_DECIDED_YET not in said
    assert [m.value for m in at.markdown].count(decisions_ui.BECAME_NOT_YET) == 2  # the other two
    assert "We ask families first" in said


def confirmations(at) -> list[str]:
    """Every "it is saved" on the page: the announcement below a form and the marks beside Save."""
    marks = [m.value for m in at.markdown if answer_machine.MSG_SAVED_MARK in m.value]
    return [s.value for s in at.success if s.value == answer_machine.MSG_SAVED] + marks


@pytest.mark.parametrize("question_id", [LINE, "false_alarms_per_child", "should_use"])
def test_a_saved_answer_is_confirmed_once(joined, question_id):
    """The tester's 3b: a saved number answer showed "Your answer is saved" beside Save and
    "Saved. Thank you. ..." below it."""
    at = joined
    if question_id == LINE:
        at.number_input(key=f"qa_{LINE}").set_value(60).run()
    elif question_id == "should_use":
        at.radio(key="qa_should_use").set_value(2)
    else:
        at.number_input(key=f"qa_{question_id}").set_value(5)
    submit(at, question_id)
    assert_no_exception(at)
    assert confirmations(at) == [answer_machine.MSG_SAVED]  # said once, with how to change it
    at.run()  # from then on, the mark beside Save (after a reload too)
    assert len(confirmations(at)) == 1
    assert answer_machine.MSG_SAVED_MARK in confirmations(at)[0]
