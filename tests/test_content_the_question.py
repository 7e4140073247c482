"""The question page's text: plain enough for a 12-year-old, and true to the code it describes."""

from __future__ import annotations

import math
import re

import pytest
import textstat

from csc_dash import markup, tradeoffs
from csc_dash.content import the_question
from csc_dash.content.tools import PLAIN_MODEL_NAMES
from csc_dash.models import MODEL_LABELS, TEST_START


@pytest.mark.parametrize(("ap", "rate"), [(0.13, 0.035), (0.03, 0.035), (0.6, 0.2)])
def test_sentences_with_typical_numbers_read_at_grade_8(ap, rate):
    """The page's sentences, filled in with typical numbers (its constants are read by
    tests/test_plain.py)."""
    sentence = the_question.ap_sentence(
        model_name="Tick-box tool", ap=ap, base_rate=rate, escalated_per_1000=round(1000 * rate)
    )
    assert textstat.flesch_kincaid_grade(sentence) <= 8, sentence
    for text in (
        the_question.ap_range_sentence(0.1, 0.16),
        the_question.ap_range_sentence(float("nan"), float("nan")),
        sentence,
        the_question.ap_sentence(
            model_name="Tick-box tool",
            ap=ap,
            base_rate=rate,
            escalated_per_1000=round(1000 * rate),
            analyst=True,
        ),
    ):
        assert textstat.flesch_kincaid_grade(text) <= 8, text


def test_blocks_cover_the_three_tools_in_sidebar_order():
    titles = [title for title, _ in the_question.TOOLS]
    assert tuple(MODEL_LABELS) == the_question.TOOL_KEYS
    assert titles[:2] == [PLAIN_MODEL_NAMES["structured"], PLAIN_MODEL_NAMES["text"]]
    assert PLAIN_MODEL_NAMES["rule"].startswith(titles[2])
    assert "2 or more" in the_question.TOOLS[2][1]


def test_what_says_the_outcome_and_that_people_decide():
    assert "child protection plan" in the_question.WHAT and "within a year" in the_question.WHAT
    assert "People decide" in the_question.WHAT and "does not decide" in the_question.WHAT


def test_analyst_method_names_the_real_split_dates():
    assert f"{TEST_START:%d %B %Y}" in the_question.ANALYST_METHOD
    assert "01 April 2022" in the_question.ANALYST_METHOD


@pytest.mark.parametrize(
    ("ap", "rate", "per_1000", "expected"),
    [
        (
            0.13,
            0.035,
            35,
            [
                "For the tick-box data model that is about 130 in every 1,000",
                "about 35 in every 1,000",
                "about 4 times as well as a random guess",
            ],
        ),
        (0.03, 0.035, 35, ["So it does no better than a random guess."]),
        # the sample: 384 of 9,724, said as the same whole number the Trade-offs picture shows
        (0.17, 384 / 9724, tradeoffs.per_1000(384, 9724), ["39 in every 1,000"]),
    ],
)
def test_ap_sentence(ap, rate, per_1000, expected):
    text = the_question.ap_sentence(
        model_name="Tick-box data model", ap=ap, base_rate=rate, escalated_per_1000=per_1000
    )
    for part in expected:
        assert part in text
    assert not re.search(r"\d\.\d", text)  # whole people for a family, never decimals
    analyst = the_question.ap_sentence(
        model_name="Tick-box data model",
        ap=ap,
        base_rate=rate,
        escalated_per_1000=per_1000,
        analyst=True,
    )
    assert analyst == text + (
        " In numbers: each tool gets a score from 0 to 1 (its average precision). The tick-box "
        f"data model gets {ap:.2f}; a random guess gets about {rate:.2f}."
    )


def test_ap_sentence_takes_the_raw_name_and_escapes_it():
    hostile = "<b>x</b> **bold** [l](http://e.x)"
    text = the_question.ap_sentence(model_name=hostile, ap=0.2, base_rate=0.04, escalated_per_1000=40)
    assert f'For the tool "{markup.markdown_text(hostile)}" that is about 200' in text
    assert "**bold**" not in text


def test_ap_range_sentence_says_too_few_for_nan():
    assert the_question.ap_range_sentence(0.1014, 0.1596) == (
        "With other, similar referrals it could be anywhere from about 101 to 160 in every 1,000."
    )  # whole people, rounded outwards
    assert the_question.ap_range_sentence(0.1014, 0.1596, analyst=True) == (
        "With other, similar referrals it could be anywhere from about 101 to 160 in every 1,000 "
        "(average precision 0.10 to 0.16)."
    )
    assert "too few" in the_question.ap_range_sentence(math.nan, math.nan)
