"""The readiness self-assessment: answers are checked against their questions, laid out in form order,
and counted per part without a made-up score."""

from __future__ import annotations

import pytest
import textstat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_dash.content import readiness as content
from csc_dash.workshop import readiness

LEVEL_IDS = [q.id for q in content.QUESTIONS if q.kind == "level"]


def test_question_ids_are_unique_and_sections_known():
    ids = [q.id for q in content.QUESTIONS]
    assert len(ids) == len(set(ids))
    assert {q.section for q in content.QUESTIONS} == set(content.SECTIONS)
    assert {q.kind for q in content.QUESTIONS} <= set(content.KINDS)
    for question in content.QUESTIONS:
        assert (question.kind in ("choice", "many")) == bool(question.options), question.id


def test_the_department_for_education_questions_are_asked():
    ids = {q.id for q in content.QUESTIONS}
    assert {"tools_in_use", "bought_or_built", "risk_steps", "barriers", "single_view"} <= ids
    # the ethics review's first tier: system, organisation and participant readiness
    assert {q.section for q in content.QUESTIONS if q.kind == "level"} == {
        "system",
        "organisation",
        "people",
    }


@pytest.mark.parametrize(("name", "text"), content.plain_texts())
def test_the_form_reads_at_grade_eight_or_below(name, text):
    assert textstat.flesch_kincaid_grade(text) <= 8, name


def test_clean_answers_keeps_good_answers_and_drops_blanks():
    answers = {
        "data_whole_picture": "Started",
        "monitoring": content.DONT_KNOW,
        "tools_in_use": "We are trying one out",
        "barriers": ["Trust of staff", "Cost", "Cost"],
        "risk_steps": [],
        "tools_for": "  finding records  ",
        "anything_else": "   ",
        "single_view": None,
    }
    assert readiness.clean_answers(answers) == {
        "data_whole_picture": "Started",
        "monitoring": "Don't know",
        "tools_in_use": "We are trying one out",
        "barriers": ["Cost", "Trust of staff"],  # form order, once each
        "risk_steps": [content.NONE_OF_THESE],  # an empty list sent on purpose: none of these
        "tools_for": "finding records",
    }


def test_none_of_these_is_an_answer_of_its_own_and_stands_alone():
    none = content.NONE_OF_THESE
    for question in (q for q in content.QUESTIONS if q.kind == "many"):
        assert readiness.choices(question) == (*question.options, none)  # offered last
    assert none not in readiness.choices(readiness.BY_ID["single_view"])  # only "choose any"
    assert readiness.clean_answers({"barriers": [none, none]}) == {"barriers": [none]}
    assert readiness.clean_answers({"barriers": None}) == {}  # left out is not "none"
    with pytest.raises(readiness.ReadinessError) as caught:
        readiness.clean_answers({"barriers": ["Cost", none]})
    prompt = readiness.BY_ID["barriers"].prompt
    assert str(caught.value) == readiness.NONE_WITH_OTHERS.format(prompt=prompt)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"no_such_question": "Yes"}, readiness.UNKNOWN_QUESTION),
        ({"data_whole_picture": "Excellent"}, "Please choose one of the answers in the list"),
        ({"barriers": "Cost"}, "Please choose one of the answers in the list"),
        ({"barriers": ["Cost", "=HYPERLINK()"]}, "Please choose one of the answers in the list"),
        ({"tools_for": 12}, "Please type your answer as text"),
        ({"tools_for": "x" * (readiness.MAX_TEXT + 1)}, readiness.LONG_TEXT),
    ],
)
def test_clean_answers_refuses_with_a_plain_message(answers, message):
    with pytest.raises(readiness.ReadinessError, match=None) as caught:
        readiness.clean_answers(answers)
    assert str(caught.value).startswith(message)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([q.id for q in content.QUESTIONS]),
        st.none()
        | st.text(max_size=50)
        | st.sampled_from(["Cost", "Started", "No"])
        | st.lists(st.text(max_size=20), max_size=4),
    )
)
def test_hostile_answers_are_stored_clean_or_refused_plainly(answers):
    try:
        cleaned = readiness.clean_answers(answers)
    except readiness.ReadinessError as error:
        assert str(error)
        return
    for question_id, value in cleaned.items():
        question = readiness.BY_ID[question_id]
        if question.kind == "text":
            assert value == value.strip() and 0 < len(value) <= readiness.MAX_TEXT
        elif question.kind == "many":
            assert value and set(value) <= set(readiness.choices(question))
            assert content.NONE_OF_THESE not in value or value == [content.NONE_OF_THESE]
        else:
            assert value in (*content.LEVELS, content.DONT_KNOW, *question.options)


def test_answer_rows_list_every_question_in_form_order():
    rows = readiness.answer_rows(
        {"barriers": ["Cost", "Skills"], "risk_steps": ["None of these"], "single_view": "No"}
    )
    assert list(rows["question_id"]) == [q.id for q in content.QUESTIONS]
    by_id = rows.set_index("question_id")["answer"]
    assert by_id["barriers"] == "Cost; Skills"
    assert by_id["risk_steps"] == "None of these"
    assert by_id["single_view"] == "No"
    assert by_id["tools_for"] == ""
    assert list(rows.columns) == readiness.ROW_COLUMNS


def test_section_counts_add_up_and_keep_dont_know_apart():
    sets = [
        {"data_whole_picture": "Started", "monitoring": "Don't know"},
        {"data_whole_picture": "Fully in place", "resource": "Not started"},
        {},
    ]
    counts = readiness.section_counts(sets).set_index("section")
    system = counts.loc[content.SECTIONS["system"]]
    assert system["Started"] == 1 and system["Fully in place"] == 1 and system["Don't know"] == 1
    assert system["Not answered"] == 3 * 3 - 3
    for section, row in counts.iterrows():
        n_questions = sum(
            1
            for q in content.QUESTIONS
            if q.kind == "level" and content.SECTIONS[q.section] == section
        )
        assert row.sum() == len(sets) * n_questions
    assert content.SECTIONS["tools"] not in counts.index  # no level questions, no made-up count


def test_option_counts_keep_none_of_these_and_not_answered_apart():
    sets = [
        {"barriers": ["Cost", "Skills"], "single_view": "No"},
        {"barriers": [content.NONE_OF_THESE], "single_view": "No"},
        {"barriers": []},  # an older save: none of these
        {},
    ]
    counts = readiness.option_counts(sets)
    assert list(counts.columns) == readiness.OPTION_COUNT_COLUMNS
    assert set(counts["question_id"]) == {
        q.id for q in content.QUESTIONS if q.kind in ("choice", "many")
    }
    barriers = counts[counts["question_id"] == "barriers"].set_index("answer")["people"]
    assert list(barriers.index) == [
        *readiness.BY_ID["barriers"].options, content.NONE_OF_THESE, readiness.NOT_ANSWERED
    ]  # fmt: skip
    assert barriers["Cost"] == 1 and barriers["Skills"] == 1 and barriers["Trust of staff"] == 0
    assert barriers[content.NONE_OF_THESE] == 2 and barriers[readiness.NOT_ANSWERED] == 1
    view = counts[counts["question_id"] == "single_view"].set_index("answer")["people"]
    assert content.NONE_OF_THESE not in view.index  # one choice: no "none of these"
    assert view["No"] == 2 and view[readiness.NOT_ANSWERED] == 2
    assert view.sum() == len(sets)  # one choice: each person counts once
