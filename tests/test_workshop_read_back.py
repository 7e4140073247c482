"""csc_dash.workshop.read_back: every kind of answer reads back as what the person said.

The tester's 2: "No line: I would not accept any line" came back as "You said: no answer", and a
five-point answer came back one place too high ("Agree" read as "Strongly agree")."""

from __future__ import annotations

import pytest

from csc_dash import workshop as fb
from csc_dash.content.framework import RECOMMENDATIONS
from csc_dash.content.questions import (
    AGREE_SCALE,
    HOW_WELL_SCALE,
    KINDS,
    NO_LINE,
    QUESTIONNAIRE,
    SAFEGUARDS,
    Question,
)
from csc_dash.ui.workshop import question_forms
from csc_dash.workshop import read_back as aw
from csc_dash.workshop.room_answers import FALSE_ALARMS_QUESTION

LINE = fb.LINE_QUESTION
PLAN = [r.plain for r in RECOMMENDATIONS]

#: (question id, stored value, what it reads back as): at least one row per kind of question in
#: the questionnaire, and every answer the room's lines questions can store.
CASES = [
    ("should_use", 1, "Strongly disagree"),
    ("should_use", 4, "Agree"),
    ("should_use", 5, "Strongly agree"),
    ("value_care", 1, "Not at all"),
    ("value_respect", 3, "Not sure"),
    ("value_protect", 5, "Very well"),
    ("should_reasons", "Workers are busy.", "Workers are busy."),
    ("anything_else", "Line one\nline two", "Line one\nline two"),  # as typed
    (
        "safeguards_rank",
        [SAFEGUARDS[2], SAFEGUARDS[0]],
        f"1st: {SAFEGUARDS[2]}; 2nd: {SAFEGUARDS[0]}",
    ),
    (
        "recommendations_priority",
        {PLAN[0]: "Low", PLAN[3]: "High", PLAN[1]: "High", PLAN[5]: "Medium"},
        f"High: {PLAN[3].rstrip('.')}; {PLAN[1].rstrip('.')}. Medium: {PLAN[5].rstrip('.')}. "
        f"Low: {PLAN[0].rstrip('.')}",
    ),
    (LINE, None, "No line: I would not accept any line"),
    (LINE, 0, "Flag 0 in every 1,000 referrals"),
    (LINE, 95, "Flag 95 in every 1,000 referrals"),
    (LINE, 1000, "Flag 1,000 in every 1,000 referrals"),
    (FALSE_ALARMS_QUESTION, 0, "0 false alarms"),
    (FALSE_ALARMS_QUESTION, 1, "1 false alarm"),
    (FALSE_ALARMS_QUESTION, 12, "12 false alarms"),
    (fb.LEGACY_LINE_QUESTION, 0.3, "A score line of 0.300"),  # asked before version 3
    (fb.LEGACY_LINE_QUESTION, None, "No line: I would not accept any line"),
]


@pytest.mark.parametrize(("question_id", "value", "said"), CASES)
def test_every_kind_of_answer_reads_back_as_it_was_said(question_id, value, said):
    assert aw.said_words(question_id, value) == said
    words = aw.answer_words(question_id, value)
    assert words.endswith(f" You said: {' '.join(said.split())}")
    assert "no answer" not in words


def test_the_cases_cover_every_question_of_the_questionnaire_and_every_kind_it_uses():
    kinds = {aw.QUESTIONS[qid].kind for qid, _, _ in CASES if qid in aw.QUESTIONS}
    assert kinds | {"choice"} == set(KINDS)  # "choice": no question uses it; tested below
    covered = {qid for qid, _, _ in CASES}
    scales = {q.id for q in QUESTIONNAIRE if q.kind == "scale5"}
    assert {q.id for q in QUESTIONNAIRE} - covered <= scales  # the other scales: below


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONNAIRE if q.kind == "scale5"], ids=lambda q: q.id
)
def test_each_place_of_a_five_point_answer_reads_as_its_own_label(question):
    assert question.options in (AGREE_SCALE, HOW_WELL_SCALE)
    assert [aw.said_words(question.id, place) for place in range(1, 6)] == list(question.options)


def test_a_choice_reads_back_as_the_option_picked(monkeypatch):
    pick = Question(id="pick", tier="todo", kind="choice", prompt="Which one?", options=("A", "B"))
    monkeypatch.setitem(aw.QUESTIONS, "pick", pick)
    assert aw.answer_words("pick", "B") == "Which one? You said: B"


def test_no_line_reads_as_the_tick_box_the_person_ticked():
    assert question_forms.NO_LINE_LABEL == NO_LINE
    assert aw.answer_words(LINE, None) == f"{aw.QUESTIONS[LINE].prompt} You said: {NO_LINE}"


def test_typed_words_are_cut_in_a_list_but_a_picked_answer_never_is():
    long = "word " * 100
    words = aw.answer_words("anything_else", long)
    said = words.split(" You said: ", 1)[1]
    assert len(said) == aw.SHORT and said.endswith("…")
    every = {plan: "High" for plan in PLAN}
    whole = aw.answer_words("recommendations_priority", every)
    assert all(plan.rstrip(".") in whole for plan in PLAN)  # all eight, not cut off


def test_an_answer_to_a_question_no_longer_asked_still_reads():
    assert aw.answer_words("gone", 5) == "gone You said: 5"
    assert aw.answer_words("gone", None) == "gone You said: no answer"
