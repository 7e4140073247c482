"""The question page, through app.py: plain words, and the chosen tool's real average precision."""

from __future__ import annotations

import pytest

from csc_dash import metrics, tradeoffs
from csc_dash.cohort import load_sample_cohort
from csc_dash.content import the_question
from csc_dash.content.tools import PLAIN_MODEL_NAMES
from csc_dash.models import MODEL_LABELS
from csc_dash.ui import state
from tests.helpers import assert_no_exception, page_text

PAGE = "app_pages/question.py"


@pytest.fixture(scope="module")
def sample():
    return load_sample_cohort("moderate")


@pytest.mark.parametrize("view", ["plain", "analyst"])
@pytest.mark.parametrize("model", ["structured", "text", "rule"])
def test_page_shows_the_tools_real_average_precision(app_test, sample, model, view):
    analyst = view == "analyst"
    at = app_test(**{state.MODEL: model, state.VIEW: view})
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert at.title[0].value == "The question"
    text = page_text(at)
    ap = metrics.average_precision(sample.y, sample.scores(model))
    rate = sample.y.mean()
    per_1000 = tradeoffs.per_1000(int(sample.y.sum()), len(sample.y))
    assert per_1000 == 39  # the same whole number as the Trade-offs picture and Welcome
    name = MODEL_LABELS[model] if analyst else PLAIN_MODEL_NAMES[model]
    assert the_question.ap_sentence(
        model_name=name, ap=ap, base_rate=rate, escalated_per_1000=per_1000, analyst=analyst
    ) in text
    shown = {m.label: m.value for m in at.metric}
    if analyst:  # the figures themselves
        assert shown == {
            the_question.METRIC_ANALYST: f"{ap:.2f}",
            the_question.METRIC_RANDOM_ANALYST: f"{rate:.2f}",
        }
    else:  # whole people in every 1,000 for a family (it showed 0.17 and 0.04)
        assert shown == {
            the_question.METRIC_THIS_TOOL: f"{tradeoffs.share_per_1000(ap)}",
            the_question.METRIC_RANDOM: "39",
        }
    low, high = metrics.bootstrap_interval(
        metrics.average_precision, sample.y, sample.scores(model), n_boot=200, random_state=0
    )
    assert the_question.ap_range_sentence(low, high, analyst=analyst) in text
    assert low <= ap <= high


def test_plain_view_has_the_blocks_and_no_analyst_detail(app_test):
    at = app_test()
    at.switch_page(PAGE).run()
    text = page_text(at)
    for block in (the_question.WHAT, the_question.TESTED, *(body for _, body in the_question.TOOLS)):
        assert block in text
    assert the_question.ANALYST_METHOD not in text


def test_analyst_view_adds_the_technical_detail(app_test):
    at = app_test(**{state.VIEW: "analyst"})
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    text = page_text(at)
    assert the_question.ANALYST_METHOD in text and the_question.ANALYST_DATA in text and the_question.AP_ANALYST in text


def test_headings_go_down_one_level_at_a_time(app_test):
    at = app_test()
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert [h.value for h in at.header] == [
        "What would the tool guess?",
        "What does it look at?",
        "How was it tested?",
        "How good is the guess?",
    ]
