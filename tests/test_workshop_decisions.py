"""You said, we did: decisions are checked with plain messages, logged newest first, and each
participant sees every thing they said with the decisions that used it."""

from __future__ import annotations

import pandas as pd
import pytest
import textstat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_dash.workshop import decisions
from csc_dash.workshop.decisions import Link


def _decision(decision_id, status, links, at, title="Keep a person reviewing every flag"):
    return {
        "decision_id": decision_id,
        "title": title,
        "status": status,
        "reason": "Families and social workers both asked for it.",
        "links": links,
        "decided_at": at,
    }


def test_clean_decision_tidies_and_orders_links():
    cleaned = decisions.clean_decision(
        "  Publish   the record ",
        "adopted",
        "Parents asked\nto see it.",
        [Link("answer", 3), Link("statement", 9), Link("statement", 2), Link("statement", 9)],
    )
    assert cleaned == {
        "title": "Publish the record",
        "status": "adopted",
        "reason": "Parents asked to see it.",
        "links": [Link("statement", 2), Link("statement", 9), Link("answer", 3)],
    }


@pytest.mark.parametrize(
    ("title", "status", "reason", "links", "message"),
    [
        ("", "adopted", "why", [], decisions.EMPTY_TITLE),
        ("x" * (decisions.MAX_TITLE + 1), "adopted", "why", [], decisions.LONG_TITLE),
        ("t", "adopted", "   ", [], decisions.EMPTY_REASON),
        ("t", "adopted", "y" * (decisions.MAX_REASON + 1), [], decisions.LONG_REASON),
        ("t", "decided", "why", [], decisions.UNKNOWN_STATUS),
        ("t", "adopted", "why", [Link("vote", 1)], decisions.UNKNOWN_LINK),
        ("t", "adopted", "why", [("statement", 1)], decisions.UNKNOWN_LINK),
    ],
)
def test_bad_decisions_are_refused_plainly(title, status, reason, links, message):
    with pytest.raises(decisions.DecisionError) as caught:
        decisions.clean_decision(title, status, reason, links)
    assert str(caught.value) == message


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.text(max_size=50), st.sampled_from(list(decisions.STATUSES)))
def test_any_text_is_stored_tidy_or_refused(title, reason, status):
    try:
        cleaned = decisions.clean_decision(title, status, reason, [])
    except decisions.DecisionError as error:
        assert str(error) in {decisions.EMPTY_TITLE, decisions.LONG_TITLE, decisions.EMPTY_REASON}
        return
    assert (
        cleaned["title"] == " ".join(title.split())
        and 0 < len(cleaned["title"]) <= decisions.MAX_TITLE
    )


def test_informed_by_counts_in_words():
    assert decisions.informed_by([]) == "nothing linked yet"
    assert decisions.informed_by([Link("statement", 1)]) == "1 statement"
    assert (
        decisions.informed_by(
            [Link("statement", 1), Link("statement", 2), Link("view", 5), Link("answer", 7)]
        )
        == "2 statements, 1 saved view and 1 answer"
    )


def test_decision_log_is_newest_first_with_status_words():
    log = decisions.decision_log(
        [
            _decision(1, "considered", [Link("statement", 4)], "2026-11-01T10:00:00"),
            _decision(2, "adopted", [], "2026-11-03T10:00:00"),
        ]
    )
    assert list(log["decision_id"]) == [2, 1]
    assert list(log["status_words"]) == ["We did it", "We talked about it"]
    assert list(log["informed_by"]) == ["nothing linked yet", "1 statement"]
    assert list(log.columns) == decisions.LOG_COLUMNS


def test_what_became_of_shows_everything_said_and_every_decision_that_used_it():
    said = [
        {"kind": "statement", "item_id": 4, "what_you_said": "Tell families when a tool is used."},
        {"kind": "view", "item_id": 8, "what_you_said": "Your view of Trade-offs"},
        {"kind": "answer", "item_id": 3, "what_you_said": "Where would you draw the line?"},
    ]
    log = [
        _decision(1, "adopted", [Link("statement", 4), Link("view", 8)], "2026-11-01"),
        _decision(
            2, "not_adopted", [Link("statement", 4)], "2026-11-02", title="Flag more referrals"
        ),
        _decision(3, "adopted", [Link("answer", 99)], "2026-11-02"),  # someone else's answer
    ]
    became = decisions.what_became_of(said, log)
    assert list(became["item_id"]) == [4, 4, 8, 3]
    assert list(became["status_words"]) == ["We did it", "We decided not to do it", "We did it", ""]
    assert became.iloc[-1]["decision_id"] is pd.NA  # said, not used yet: still listed
    assert 99 not in set(became["item_id"])  # nothing of another person
    assert list(became.columns) == decisions.BECAME_COLUMNS


@pytest.mark.parametrize(("name", "text"), decisions.plain_texts())
def test_participant_words_read_at_grade_eight_or_below(name, text):
    assert textstat.flesch_kincaid_grade(text) <= 8, name
