"""csc_dash.workshop.room_answers: the room's lines and votes read from the store, on both databases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from csc_dash import workshop as fb
from csc_dash.workshop import room_answers as ra
from csc_dash.workshop.room_lines import EVERYONE

pytest.register_assert_rewrite("tests.pg")
from tests.store_helpers import answer, join  # noqa: E402

pytest_plugins = [
    "tests.pg",
    "tests.store_helpers",
]  # fixtures: engine, store_url, pg_url, workshop

LINE, COUNT = fb.LINE_QUESTION, ra.FALSE_ALARMS_QUESTION


def say(engine, person, question_id, value):
    answer(engine, person, question_id, value, page="your_views", answer_threshold=0.2)


def vote(engine, person, statement_id, choice):
    fb.vote(
        engine,
        participant_id=person.id,
        statement_id=statement_id,
        choice=choice,
        client_token=fb.new_client_token(),
    )


def test_latest_answers_one_row_per_person_and_no_line_is_still_an_answer(engine, workshop):
    ann = join(engine, workshop, "Ann", "Family member")
    bo = join(engine, workshop, "Bo", "Social worker")
    cy = join(engine, workshop, "Cy", "Social worker")
    join(engine, workshop, "Di", "Manager")  # says nothing: not a row
    say(engine, ann, LINE, 80)
    say(engine, ann, LINE, 60)  # the latest answer wins
    say(engine, ann, COUNT, 4)
    say(engine, bo, LINE, None)  # no line
    say(engine, cy, COUNT, 10)
    say(engine, cy, "should_use", 3)  # other questions are not read
    frame = ra.room_answers(engine, workshop.id).set_index("participant_id")
    assert list(frame.index) == [ann.id, bo.id, cy.id]  # roles in their order
    assert frame.loc[ann.id, LINE] == 60 and frame.loc[ann.id, COUNT] == 4
    assert math.isnan(frame.loc[bo.id, LINE]) and bool(frame.loc[bo.id, "said_line"])
    assert not bool(frame.loc[bo.id, "said_false_alarms"])
    assert not bool(frame.loc[cy.id, "said_line"]) and frame.loc[cy.id, COUNT] == 10


def test_people_who_left_are_not_counted(engine, workshop):
    ann = join(engine, workshop, "Ann", "Family member")
    bo = join(engine, workshop, "Bo", "Social worker")
    say(engine, ann, LINE, 80)
    say(engine, bo, LINE, 20)
    statement = fb.list_statements(engine, workshop.id)[0]
    vote(engine, ann, statement.id, "agree")
    vote(engine, bo, statement.id, "disagree")
    fb.withdraw(engine, bo.id)
    assert list(ra.room_answers(engine, workshop.id)["participant_id"]) == [ann.id]
    cast = ra.room_votes(engine, workshop.id)
    assert cast.to_dict("records") == [
        {
            "statement_id": statement.id,
            "participant_id": ann.id,
            "choice": "agree",
            "role_tag": "Family member",
        }
    ]


def test_summary_counts_agree_exactly_and_says_too_few_below_its_size(engine, workshop):
    statement = fb.list_statements(engine, workshop.id)[0]
    people = [
        join(engine, workshop, f"P{i}", "Family member" if i < 3 else "Social worker")
        for i in range(5)
    ]
    shy = join(engine, workshop, "Shy", ra.UNDECLARED)
    vote(engine, shy, statement.id, "disagree")  # counted in no group
    for i, person in enumerate(people):
        say(engine, person, LINE, 50 + 10 * i)  # families 50, 60, 70; social workers 80, 90
        say(engine, person, COUNT, i)
        vote(engine, person, statement.id, "agree" if i != 4 else "pass")
    answers = ra.room_answers(engine, workshop.id)
    cast = ra.room_votes(engine, workshop.id)
    asked = []

    def counts_at(k):
        asked.append(k)
        return {"flagged": k, "false_alarm": k // 2, "missed": 100 - k}

    summary = ra.room_summary(answers, cast, statement_ids=[statement.id], counts_at=counts_at)
    lines = summary["lines"].set_index("role")
    assert list(lines.index) == ["Family member", "Social worker", EVERYONE]
    assert lines.loc["Family member", "middle"] == 60 and lines.loc["Family member", "missed"] == 40
    assert lines.loc["Social worker", "middle"] == 85 and bool(
        lines.loc["Social worker", "too_few"]
    )
    assert lines.loc[EVERYONE, "middle"] == 70 and lines.loc[EVERYONE, "false_alarm"] == 35
    assert sorted(asked) == [60, 70, 85]
    counts = summary["false_alarms"].set_index("role")
    assert counts.loc[EVERYONE, "highest"] == 4 and counts.loc["Family member", "middle"] == 1
    row = summary["agreement"].iloc[0]
    # Social workers saw it only twice (< 3): too few to say; the exact counts are still given.
    assert row["counts"] == {"Family member": (3, 3), "Social worker": (1, 2)}
    assert bool(row["too_few"]) and np.isnan(row["group_agreement"])


def test_summary_without_a_tool_gives_the_spread_only(engine, workshop):
    ann = join(engine, workshop, "Ann")
    say(engine, ann, LINE, 30)
    summary = ra.room_summary(
        ra.room_answers(engine, workshop.id), ra.room_votes(engine, workshop.id), statement_ids=[]
    )
    assert "flagged" not in summary["lines"].columns
    assert summary["lines"].set_index("role").loc[EVERYONE, "middle"] == 30
    assert summary["agreement"].empty and summary["false_alarms"].iloc[-1]["people"] == 0
