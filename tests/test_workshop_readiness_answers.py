"""csc_dash.workshop.readiness_answers: the readiness form in the store, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from csc_dash import workshop as fb
from csc_dash.content.readiness import QUESTIONS
from csc_dash.workshop import readiness_answers as ra
from csc_dash.workshop import store
from csc_dash.workshop.readiness import ReadinessError

pytest.register_assert_rewrite("tests.pg")
from tests.pg import row_counts  # noqa: E402
from tests.store_helpers import EMPTY  # noqa: E402

pytest_plugins = [
    "tests.pg",
    "tests.store_helpers",
]  # fixtures: engine, store_url, pg_url, workshop

FAY = {"monitoring": "Started", "single_view": "No", "barriers": ["Skills", "Cost"]}


def save(engine, workshop, answers, username="fay", token=None):
    return ra.save_readiness(
        engine,
        workshop_id=workshop.id,
        username=username,
        answers=answers,
        client_token=token or fb.new_client_token(),
    )


def test_a_save_sent_twice_is_stored_once_and_the_latest_save_counts(engine, workshop):
    token = fb.new_client_token()
    assert save(engine, workshop, FAY, token=token) is True
    assert save(engine, workshop, FAY, token=token) is False
    assert row_counts(engine)["readiness_answers"] == 1
    save(engine, workshop, {**FAY, "monitoring": "Fully in place"})
    save(engine, workshop, {"single_view": "Yes"}, username="ann")
    latest = ra.latest_readiness(engine, workshop.id)
    assert list(latest) == ["ann", "fay"]
    assert latest["fay"]["answers"] == {
        "monitoring": "Fully in place",
        "single_view": "No",
        "barriers": ["Cost", "Skills"],  # form order
    }
    counts = ra.readiness_section_counts(latest).set_index("section")
    assert counts.loc["Is the system ready?", "Fully in place"] == 1
    assert counts.loc["Is the system ready?", "Not answered"] == 2 * 3 - 1
    rows = ra.readiness_rows(latest)
    assert len(rows) == 2 * len(QUESTIONS)
    fay = rows[(rows["username"] == "fay") & (rows["question_id"] == "barriers")]
    assert fay["answer"].tolist() == ["Cost; Skills"]


def test_bad_answers_are_refused_plainly_and_nothing_is_stored(engine, workshop):
    with pytest.raises(ReadinessError):
        save(engine, workshop, {"monitoring": "Very"})
    with pytest.raises(ReadinessError):
        save(engine, workshop, {"no_such_question": "Yes"})
    with pytest.raises(fb.FeedbackError):
        save(engine, workshop, FAY, username=" ")
    with pytest.raises(fb.FeedbackError):
        ra.save_readiness(
            engine,
            workshop_id=workshop.id + 999,
            username="fay",
            answers=FAY,
            client_token=fb.new_client_token(),
        )
    assert row_counts(engine)["readiness_answers"] == 0


def test_erasing_the_workshop_erases_its_readiness_answers(engine, workshop):
    other = fb.create_workshop(engine, title="Other", created_by="ann")
    save(engine, workshop, FAY)
    save(engine, other, FAY)
    fb.erase_workshop(engine, workshop.id)
    assert ra.latest_readiness(engine, workshop.id) == {}
    assert list(ra.latest_readiness(engine, other.id)) == ["fay"]
    fb.erase_workshop(engine, other.id)
    assert row_counts(engine) == {**EMPTY, "schema_version": 1}


def test_none_of_these_is_stored_read_and_counted_apart_from_not_answered(engine, workshop):
    save(engine, workshop, {"barriers": ["None of these"], "risk_steps": ["Families can opt out"]})
    save(engine, workshop, {"barriers": []}, username="ann")  # sent empty on purpose: none
    save(engine, workshop, {"single_view": "No"}, username="bo")
    with store.transaction(engine, write=True) as conn:  # a save from before: an empty list
        conn.execute(insert(store.readiness_answers).values(
            workshop_id=workshop.id, username="dee", answers_json='{"barriers": []}',
            saved_at=store.utcnow(), client_token=fb.new_client_token(),
        ))  # fmt: skip
    with pytest.raises(ReadinessError):  # "None of these" stands alone
        save(engine, workshop, {"barriers": ["None of these", "Cost"]}, username="cy")
    latest = ra.latest_readiness(engine, workshop.id)
    assert list(latest) == ["ann", "bo", "dee", "fay"]
    assert latest["ann"]["answers"] == {"barriers": ["None of these"]}
    assert latest["dee"]["answers"] == {"barriers": ["None of these"]}
    assert "barriers" not in latest["bo"]["answers"]
    rows = ra.readiness_rows(latest).set_index(["username", "question_id"])["answer"]
    assert rows[("fay", "barriers")] == "None of these" == rows[("ann", "barriers")]
    assert rows[("bo", "barriers")] == ""  # not answered stays blank
    counts = ra.readiness_option_counts(latest)
    barriers = counts[counts["question_id"] == "barriers"].set_index("answer")["people"]
    assert barriers["None of these"] == 3 and barriers["Not answered"] == 1
