"""csc_dash.workshop.results: statement labels, the room's live summary, and the words and
summaries that the facilitator's charts and the report both show."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_dash import workshop as fb
from csc_dash.content.questions import REACTION_LABELS
from csc_dash.content.statements import STATEMENT_BANK
from csc_dash.workshop import results

pytest.register_assert_rewrite("tests.pg")
from tests.store_helpers import answer, join  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop


@pytest.mark.parametrize(
    ("votes", "label"),
    [
        # role -> (agree, disagree, pass)
        ({"Family member": (3, 0, 0), "Social worker": (2, 0, 0)}, "consensus"),
        ({"Family member": (0, 3, 0), "Social worker": (0, 3, 1)}, "consensus"),
        ({"Family member": (4, 0, 3)}, "too few votes"),
        ({"Family member": (3, 0, 0), "Social worker": (0, 3, 0)}, "divisive"),
        ({"Family member": (4, 0, 0), "Social worker": (1, 2, 0)}, "divisive"),
        ({"Family member": (4, 0, 0), "Social worker": (2, 1, 0)}, "mixed"),
        (
            {"Family member": (2, 1, 0), "Social worker": (1, 1, 0), "Manager": (0, 1, 0)},
            "divisive",
        ),
        (
            {"Family member": (4, 1, 0), "Social worker": (2, 0, 0), "Manager": (0, 1, 0)},
            "consensus",
        ),
    ],
)
def test_statement_labels_on_constructed_votes(engine, workshop, votes, label):
    statement = fb.add_statement(
        engine, workshop_id=workshop.id, text="Constructed", source="facilitator", approved=True
    )
    expected = {"agree": 0, "disagree": 0, "pass": 0}
    n = 0
    for role, counts in votes.items():
        for choice, count in zip(("agree", "disagree", "pass"), counts, strict=True):
            expected[choice] += count
            for _ in range(count):
                person = join(engine, workshop, f"voter {n}", role)
                n += 1
                fb.vote(
                    engine,
                    participant_id=person.id,
                    statement_id=statement.id,
                    choice=choice,
                    client_token=fb.new_client_token(),
                )
    results = fb.statement_results(engine, workshop.id)
    assert list(results.columns) == fb.STATEMENT_RESULT_COLUMNS
    assert len(results) == len(STATEMENT_BANK) + 1
    row = results[results["statement_id"] == statement.id].iloc[0]
    assert row["label"] == label
    assert (row["agree"], row["disagree"], row["pass"]) == tuple(expected.values())
    assert row["votes"] == sum(expected.values())
    decided = expected["agree"] + expected["disagree"]
    assert row["agree_share"] == pytest.approx(expected["agree"] / decided)
    assert row["by_role"] == pytest.approx(
        {role: a / (a + d) for role, (a, d, _) in votes.items() if a + d}
    )
    untouched = results[results["statement_id"] != statement.id]
    assert (untouched["label"] == "too few votes").all()
    assert untouched["agree_share"].isna().all()


@pytest.mark.parametrize(
    ("agree", "disagree", "by_role", "label"),
    [
        (5, 0, {}, "consensus"),
        (0, 5, {}, "consensus"),
        (4, 0, {}, "too few votes"),
        (7, 3, {"a": (7, 3)}, "consensus"),  # 0.7 counts
        (3, 2, {}, "divisive"),
        (13, 7, {}, "divisive"),  # 0.65 counts
        (6, 4, {"a": (3, 0), "b": (3, 4)}, "divisive"),
        (7, 3, {"a": (5, 0), "b": (2, 3)}, "divisive"),  # gap 0.6
        (8, 2, {"a": (6, 0), "b": (2, 2)}, "divisive"),  # gap exactly 0.5
        (8, 2, {"a": (6, 1), "b": (2, 1)}, "mixed"),
        (8, 2, {"a": (7, 1), "b": (1, 1)}, "mixed"),  # b: overall agrees but b is split
        (6, 4, {"a": (1, 0), "b": (0, 1)}, "divisive"),  # single votes do not count per role
    ],
)
def test_classify_statement(agree, disagree, by_role, label):
    assert fb.classify_statement(agree, disagree, by_role) == label


def test_live_summary(engine, workshop):
    sam = join(engine, workshop, "Sam", "Family member")
    kim = join(engine, workshop, "Kim", "Social worker")
    lee = join(engine, workshop, "Lee", "Social worker")
    answer(engine, sam, "reaction", {"reaction": "acceptable", "reason": "Clear"})
    answer(engine, sam, "reaction", {"reaction": "not_acceptable", "reason": "Changed my mind"})
    answer(engine, kim, "reaction", {"reaction": "not_acceptable", "reason": ""})
    answer(engine, lee, "reaction", "unsure", page="children")
    answer(engine, sam, "accepted_threshold", 0.3, page="your_views")  # asked before version 3
    answer(engine, kim, "accepted_threshold", None, page="your_views")
    answer(engine, lee, "accepted_per_1000", 95, page="your_views", answer_threshold=0.176)
    answer(engine, sam, "should_use", 2, page="your_views")
    answer(engine, kim, "should_use", 4, page="your_views")
    answer(engine, lee, "should_use", 4, page="your_views")
    answer(engine, lee, "should_reasons", "<b>Because</b>", page="your_views")
    answer(engine, lee, "safeguards_rank", ["a", "b"], page="your_views")

    summary = fb.live_summary(engine, workshop.id)
    assert summary["participants_by_role"].to_dict("records") == [
        {"role_tag": "Family member", "participants": 1},
        {"role_tag": "Social worker", "participants": 2},
    ]
    assert summary["reactions_by_page"].to_dict("records") == [
        {"page": "children", "reaction": "unsure", "count": 1},
        {"page": "tradeoffs", "reaction": "not_acceptable", "count": 2},
    ]
    assert summary["accepted_thresholds"].to_dict("records") == [
        {"role_tag": "Family member", "value": 0.3, "per_1000": None},
        {"role_tag": "Social worker", "value": None, "per_1000": None},
        {"role_tag": "Social worker", "value": 0.176, "per_1000": 95},
    ]
    assert summary["scale_by_role"].to_dict("records") == [
        {"question_id": "should_use", "role_tag": "Family member", "value": 2, "count": 1},
        {"question_id": "should_use", "role_tag": "Social worker", "value": 4, "count": 2},
    ]
    assert summary["free_text"].to_dict("records") == [
        {
            "page": "tradeoffs",
            "question_id": "reaction",
            "pseudonym": "Sam",
            "role_tag": "Family member",
            "text": "Changed my mind",
        },
        {
            "page": "your_views",
            "question_id": "should_reasons",
            "pseudonym": "Lee",
            "role_tag": "Social worker",
            "text": "<b>Because</b>",
        },
    ]


def test_live_summary_of_an_empty_workshop_has_the_columns(engine, workshop):
    summary = fb.live_summary(engine, workshop.id)
    assert {name: list(frame.columns) for name, frame in summary.items()} == {
        "participants_by_role": ["role_tag", "participants"],
        "reactions_by_page": ["page", "reaction", "count"],
        "accepted_thresholds": ["role_tag", "value", "per_1000"],
        "scale_by_role": ["question_id", "role_tag", "value", "count"],
        "free_text": ["page", "question_id", "pseudonym", "role_tag", "text"],
    }
    assert all(len(frame) == 0 for frame in summary.values())
    assert list(fb.responses(engine, workshop.id).columns) == fb.RESPONSE_COLUMNS


# --------------------------------------------------------------------------- words and summaries


def lines_frame(rows):
    """``accepted_thresholds`` as live_summary gives it: (role, score line, per 1,000)."""
    return pd.DataFrame(rows, columns=["role_tag", "value", "per_1000"], dtype=object)


def test_lines_by_role_reads_lines_per_1000_and_counts_the_rest_apart():
    frame = lines_frame([
        ("Manager", 0.6, 40), ("Family member", 0.2, 120), ("Family member", None, None),
        ("Manager", 0.31, 95), ("Other", 0.5, None), ("Manager", None, 300),
    ])  # fmt: skip
    assert fb.lines_by_role(frame) == [
        fb.RoleLines("Family member", ((120, 0.2),), no_line=1, score_only=0),
        fb.RoleLines("Manager", ((40, 0.6), (95, 0.31), (300, None)), no_line=0, score_only=0),
        fb.RoleLines("Other", (), no_line=0, score_only=1),
    ]
    assert [r.role_tag for r in fb.lines_by_role(frame, ("Other", "Manager"))] == [
        "Other", "Manager", "Family member"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30),
    none=st.integers(min_value=0, max_value=3),
)
def test_the_middle_line_is_numpys_median_as_a_whole_number(lines, none):
    frame = lines_frame([("Other", 0.5, per) for per in lines] + [("Manager", None, None)] * none)
    middle = float(np.median(lines))
    said = f"{int(np.floor(middle + 0.5)):,}"  # the nearer whole number, a half up: never 42.5
    sentence = fb.lines_sentence(frame)
    assert not re.search(r"\d\.\d", sentence)
    assert f"{len(lines):,} {'person' if len(lines) == 1 else 'people'} named a line: " in sentence
    if min(lines) == max(lines):  # one line, or everyone on the same one: no range, no middle
        assert f"named a line: {min(lines):,} flagged in every 1,000 referrals." in sentence
        assert "middle" not in sentence
    else:
        assert f"from {min(lines):,} to {max(lines):,} flagged in every 1,000 referrals." in sentence
        assert f"The middle answer was {said} in every 1,000." in sentence
        ordered = sorted(lines)
        low, high = ordered[len(lines) // 2 - 1], ordered[len(lines) // 2]
        between = len(lines) % 2 == 0 and low != high
        assert (
            f"That is halfway between the two answers in the middle, {low:,} and {high:,}, to the "
            "nearest whole referral." in sentence
        ) == between
    assert ("would not accept any line" in sentence) == bool(none)


def test_the_middle_of_two_lines_is_a_whole_number_and_says_why():
    """The tester's report: "The middle answer was 42.5 in every 1,000." beside a table of 43."""
    frame = lines_frame([("Family member", 0.1, 25), ("Social worker", 0.2, 60)])
    assert fb.lines_sentence(frame) == (
        "2 people named a line: from 25 to 60 flagged in every 1,000 referrals. The middle answer "
        "was 43 in every 1,000. That is halfway between the two answers in the middle, 25 and 60, "
        "to the nearest whole referral."
    )


def test_when_everyone_said_no_line_the_sentence_says_no_one_named_one():
    frame = lines_frame([("Family member", None, None), ("Social worker", None, None)])
    assert fb.lines_sentence(frame) == "No one named a line. 2 people would not accept any line."


def test_lines_sentence_for_no_answers_and_for_older_answers_only():
    assert fb.lines_sentence(lines_frame([])) == "No one has said where they would draw the line yet."
    assert fb.lines_sentence(lines_frame([("Other", 0.4, None), ("Other", None, None)])) == (
        "1 person would not accept any line. 1 person gave a line as a score, on an older form. "
        "It cannot be shown as a number in every 1,000, so it is left out."
    )


def test_reaction_and_scale_totals_and_the_most_common_answer():
    reactions = pd.DataFrame(
        {"page": ["a", "a", "b"], "reaction": ["unsure", "acceptable", "unsure"], "count": [2, 3, 1]}
    )
    assert fb.reaction_label("acceptable") == REACTION_LABELS["acceptable"]
    totals = results.reaction_totals(reactions)
    assert totals == {"acceptable": 3, "unsure": 3, "not_acceptable": 0}
    assert list(totals) == list(fb.REACTIONS)
    assert results.most_common(totals) == ("acceptable", "unsure")  # a tie names both
    scale = pd.DataFrame({"value": [4, 1, 4, 2], "role_tag": ["a", "a", "b", "b"], "count": [1, 2, 3, 2]})
    assert results.scale_totals(scale) == {1: 2, 2: 2, 4: 4}
    assert results.most_common(results.scale_totals(scale)) == (4,)
    assert results.most_common({"a": 0, "b": 0}) == () and results.most_common({}) == ()


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ({3: 1, 4: 1}, "the most common answers were “Not sure” and “Agree”, one each"),
        (
            {1: 2, 3: 2, 5: 2},
            "the most common answers were “Strongly disagree”, “Not sure” and “Strongly agree”, two each",
        ),
        ({2: 12, 4: 12}, "the most common answers were “Disagree” and “Agree”, 12 each"),
        ({3: 1, 4: 4}, "the most common answer was “Agree” (4 people)"),
        ({3: 1}, "the most common answer was “Not sure” (1 person)"),
        ({3: 0}, "no one has answered yet"),
    ],
)
def test_most_common_words_names_every_answer_in_a_tie(totals, expected):
    """The tester's report: "the most common answer was 'Not sure'" with 1 Not sure and 1 Agree."""
    labels = ("Strongly disagree", "Disagree", "Not sure", "Agree", "Strongly agree")
    assert results.most_common_words(totals, lambda v: labels[v - 1]) == expected


def test_agreement_by_group_says_too_few_under_the_minimum():
    assert fb.MIN_ROLE_VOTES == 2
    assert fb.agreement_words(
        {"Family member": 1.0, "Social worker": 0.5, "Manager": 0.0},
        {"Family member": 1, "Social worker": 4, "Manager": 0},
    ) == "Family member: too few to tell (1 vote); Social worker: 50% of 4; Manager: too few to tell (0 votes)"


def test_every_label_has_plain_words_a_12_year_old_can_read():
    assert set(fb.LABEL_WORDS) == set(results.LABELS)
    passage = ". ".join(fb.LABEL_WORDS.values()) + "."
    assert textstat.flesch_kincaid_grade(passage) <= 8, passage
    sentence = fb.lines_sentence(lines_frame([("Other", 0.3, 50), ("Other", None, None), ("Other", 0.2, None)]))
    assert textstat.flesch_kincaid_grade(re.sub(r"\d[\d,.]*", "some", sentence)) <= 8, sentence
