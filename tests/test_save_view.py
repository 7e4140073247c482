"""'Save my view of this screen': stored with the screen state, exactly once, never lost."""

from __future__ import annotations

import numpy as np
import pytest
import textstat

from csc_dash import workshop
from csc_dash.ui import state
from csc_dash.ui.workshop import answers, joining, save_view, session
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import engine, join, new_app, save_view_on

PAGE_FILE, PAGE_ID = "app_pages/question.py", "question"


def stored(at) -> list[dict]:
    person = at.session_state[state.PARTICIPANT]
    frame = workshop.responses(engine(), person["workshop_id"])
    return frame[["page", "question_id", "value", "screen_state"]].to_dict("records")


@pytest.fixture
def joined():
    at = join(new_app(), "Kite", "Young person")
    assert at.session_state[state.PARTICIPANT] is not None
    return at


@pytest.mark.parametrize(("name", "text"), sorted(save_view.plain_texts().items()))
def test_plain_words(name, text):
    assert textstat.flesch_kincaid_grade(text) <= 8, name


def test_without_joining_the_page_offers_the_demo_workshop():
    at = new_app()
    at.switch_page(PAGE_FILE).run()
    assert_no_exception(at)
    assert joining.MSG_JOIN_DEMO in page_text(at)
    assert not [r for r in at.radio if r.key == f"sv_{PAGE_ID}_reaction"]


def test_a_view_is_stored_with_the_screen_state(joined):
    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "not_acceptable", "Too many false alarms.")
    assert_no_exception(at)
    assert answers.MSG_SAVED in [s.value for s in at.success]
    assert stored(at) == [
        {
            "page": PAGE_ID,
            "question_id": "reaction",
            "value": {"reaction": "not_acceptable", "reason": "Too many false alarms."},
            # The page said only the tool; the line in force is filled in (never blank), and
            # the settings every page reads (plain or analyst view, bias), for a replay.
            "screen_state": {
                "view": "plain",
                "bias": "moderate",
                "model": at.session_state[state.MODEL],
                "threshold": at.session_state[state.THRESHOLD],
                "flagged_per_1000": 100,
            },
        }
    ]


def test_nothing_is_stored_without_a_choice(joined):
    joined.switch_page(PAGE_FILE).run()
    at = joined.button(key=f"FormSubmitter:save_view_{PAGE_ID}-Save my view").click().run()
    assert_no_exception(at)
    assert save_view.MSG_PICK_REACTION in [w.value for w in at.warning]
    assert stored(at) == []


def test_a_double_submit_stores_once_and_a_new_answer_stores_again(joined):
    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "unsure")
    at.button(key=f"FormSubmitter:save_view_{PAGE_ID}-Save my view").click().run()
    assert [r["value"]["reaction"] for r in stored(at)] == ["unsure"]
    at.radio(key=f"sv_{PAGE_ID}_reaction").set_value("acceptable")
    at.button(key=f"FormSubmitter:save_view_{PAGE_ID}-Save my view").click().run()
    assert [r["value"]["reaction"] for r in stored(at)] == ["unsure", "acceptable"]


def test_a_failed_save_keeps_the_answer_and_the_retry_stores_once(joined, monkeypatch):
    real = workshop.save_response

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    monkeypatch.setattr(answers, "save_response", down)
    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "not_acceptable", "I want to say <b>why</b>")
    assert_no_exception(at)
    assert answers.MSG_NOT_SAVED in [w.value for w in at.warning]
    assert not at.success
    assert "I could not accept this. I want to say <b>why</b>" in [t.value for t in at.text]
    assert stored(at) == []
    at.button(key=f"retry_{PAGE_ID}_reaction").click().run()  # still down: still kept
    assert answers.MSG_NOT_SAVED in [w.value for w in at.warning]

    monkeypatch.setattr(answers, "save_response", real)
    at.button(key=f"retry_{PAGE_ID}_reaction").click().run()
    assert_no_exception(at)
    assert answers.MSG_SAVED in [s.value for s in at.success]
    assert [r["value"] for r in stored(at)] == [
        {"reaction": "not_acceptable", "reason": "I want to say <b>why</b>"}
    ]
    at.run()
    assert not [b for b in at.button if b.key == f"retry_{PAGE_ID}_reaction"]
    assert len(stored(at)) == 1


def test_a_lost_acknowledgement_is_retried_without_a_duplicate(joined, monkeypatch):
    """The store kept the answer but the reply never came: the retry reuses the token."""
    real = workshop.save_response
    tokens = []

    def stored_then_lost(*args, **kwargs):
        tokens.append(kwargs["client_token"])
        real(*args, **kwargs)
        raise workshop.StoreUnavailable(workshop.SAVE_UNAVAILABLE)

    monkeypatch.setattr(answers, "save_response", stored_then_lost)
    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "acceptable")
    assert answers.MSG_NOT_SAVED in [w.value for w in at.warning]
    monkeypatch.setattr(answers, "save_response", lambda *a, **k: tokens.append(k["client_token"]) or real(*a, **k))
    at.button(key=f"retry_{PAGE_ID}_reaction").click().run()
    assert answers.MSG_SAVED in [s.value for s in at.success]
    assert len(set(tokens)) == 1 and len(tokens) == 2
    assert len(stored(at)) == 1


def test_bad_input_gets_a_plain_message_not_a_traceback(joined, monkeypatch):
    def refuse(*args, **kwargs):
        raise workshop.FeedbackError(workshop.LONG_TEXT)

    monkeypatch.setattr(answers, "save_response", refuse)
    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "unsure", "words")
    assert_no_exception(at)
    assert [e.value for e in at.error] == [workshop.LONG_TEXT]
    assert at.radio(key=f"sv_{PAGE_ID}_reaction").value == "unsure"  # what was typed stays


def test_an_erased_participant_is_told_plainly(joined):
    person = joined.session_state[state.PARTICIPANT]
    workshop.erase_participant(engine(), person["participant_id"])
    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "unsure")
    assert_no_exception(at)
    assert session.MSG_GONE in [e.value for e in at.error] + [w.value for w in at.warning]
    assert at.session_state[state.PARTICIPANT] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"threshold": np.float64(0.25)}, {"threshold": 0.25}),
        ({"n": np.int64(3), "flag": np.bool_(True)}, {"n": 3, "flag": True}),
        ({"groups": ("ethnicity", "age_band")}, {"groups": ["ethnicity", "age_band"]}),
        ({"set": {"b", "a"}}, {"set": ["a", "b"]}),
        ({1: None, "nested": {"x": [np.float32(0.5)]}}, {"1": None, "nested": {"x": [0.5]}}),
        ({"odd": object}, {"odd": str(object)}),
    ],
)
def test_screen_state_becomes_plain_json(value, expected):
    assert answers.jsonable(value) == expected


def test_a_closed_workshop_keeps_the_view_on_screen_until_it_reopens(joined):
    person = joined.session_state[state.PARTICIPANT]
    workshop.set_workshop_status(engine(), person["workshop_id"], "closed")
    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "not_acceptable", "Too many alarms.")
    assert_no_exception(at)
    assert [e.value for e in at.error] == [workshop.CLOSED_FOR_ANSWERS]
    assert workshop.CLOSED_FOR_ANSWERS == (
        "This workshop has closed, so new answers are not being collected. Your answer is still "
        "on screen."
    )
    assert not at.success and answers.MSG_SAVED not in page_text(at)
    assert at.radio(key=f"sv_{PAGE_ID}_reaction").value == "not_acceptable"
    assert at.text_area(key=f"sv_{PAGE_ID}_reason").value == "Too many alarms."
    assert stored(at) == []
    assert at.session_state[state.PARTICIPANT] == person  # still in the workshop

    workshop.set_workshop_status(engine(), person["workshop_id"], "open")
    at.button(key=f"FormSubmitter:save_view_{PAGE_ID}-Save my view").click().run()
    assert_no_exception(at)
    assert answers.MSG_SAVED in [s.value for s in at.success]
    assert [r["value"] for r in stored(at)] == [
        {"reaction": "not_acceptable", "reason": "Too many alarms."}
    ]


def test_a_saved_view_is_confirmed_once(joined):
    """As on Your views: "Saved. Thank you." on the run that saves, then only the mark."""

    def confirmations(at):
        marks = [m.value for m in at.markdown if answers.MSG_SAVED_MARK in m.value]
        return [s.value for s in at.success if s.value == answers.MSG_SAVED] + marks

    at = save_view_on(joined, PAGE_FILE, PAGE_ID, "unsure", "")
    assert_no_exception(at)
    assert confirmations(at) == [answers.MSG_SAVED]
    at.run()
    assert len(confirmations(at)) == 1 and answers.MSG_SAVED_MARK in confirmations(at)[0]
