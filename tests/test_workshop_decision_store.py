"""csc_dash.workshop.decision_store: decisions stored once per token, linked only to what is
still there, and gone with what a person said when they leave; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_dash import workshop as fb
from csc_dash.workshop import decision_store as ds
from csc_dash.workshop import decisions, rules, store
from csc_dash.workshop.decisions import DecisionError, Link

pytest.register_assert_rewrite("tests.pg")
from tests.pg import row_counts  # noqa: E402
from tests.store_helpers import EMPTY, answer, join, rows_of  # noqa: E402

pytest_plugins = [
    "tests.pg",
    "tests.store_helpers",
]  # fixtures: engine, store_url, pg_url, workshop


def record(engine, workshop, links=(), token=None, **fields):
    values = {"title": "Tell families first", "status": "adopted", "reason": "Families asked."}
    values.update(fields)
    return ds.record_decision(
        engine,
        workshop_id=workshop.id,
        links=list(links),
        created_by="ann",
        client_token=token or fb.new_client_token(),
        **values,
    )


def room(engine, workshop):
    """Sam (a proposal the room voted on, a saved view, an answer) and Kit (an answer)."""
    sam = join(engine, workshop, "Sam")
    kit = join(engine, workshop, "Kit", role="Social worker")
    answer(engine, sam, value={"reaction": "not_acceptable", "reason": "Too many false alarms"})
    answer(engine, sam, question_id="why", value="Talk to families first", page="your_views")
    answer(engine, kit, question_id="why", value="More staff", page="your_views")
    said = fb.add_statement(engine, workshop_id=workshop.id, text="Ask families first",
                            source="participant", proposed_by=sam.id, approved=True)  # fmt: skip
    return sam, kit, said


def response_ids(engine, person):
    return {
        row.question_id: row.id
        for row in rows_of(engine, store.responses, participant_id=person.id)
    }


def test_the_stored_statuses_and_kinds_are_the_ones_with_words():
    assert tuple(decisions.STATUSES) == rules.DECISION_STATUSES
    assert tuple(decisions.LINK_KINDS) == rules.DECISION_LINK_KINDS


def test_record_and_read_back_with_links(engine, workshop):
    sam, kit, said = room(engine, workshop)
    ids = response_ids(engine, sam)
    links = [Link("answer", ids["why"]), Link("statement", said.id), Link("view", ids["reaction"])]
    did = record(engine, workshop, links, title="  Tell   families first ")
    (row,) = ds.decision_rows(engine, workshop.id)
    assert row["decision_id"] == did
    assert row["title"] == "Tell families first"
    assert row["status"] == "adopted" and row["created_by"] == "ann"
    assert row["links"] == [
        Link("statement", said.id), Link("view", ids["reaction"]), Link("answer", ids["why"])
    ]  # fmt: skip
    log = decisions.decision_log(ds.decision_rows(engine, workshop.id))
    assert log.loc[0, "informed_by"] == "1 statement, 1 saved view and 1 answer"
    assert log.loc[0, "status_words"] == "We did it"


def test_the_same_token_stores_one_decision(engine, workshop):
    sam, _kit, said = room(engine, workshop)
    token = fb.new_client_token()
    first = record(engine, workshop, [Link("statement", said.id)], token=token)
    again = record(engine, workshop, [Link("statement", said.id)], token=token)
    assert first == again
    assert row_counts(engine)["decisions"] == 1
    assert row_counts(engine)["decision_links"] == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, decisions.EMPTY_TITLE),
        ({"reason": ""}, decisions.EMPTY_REASON),
        ({"status": "decided_by_model"}, decisions.UNKNOWN_STATUS),
        ({"title": "x" * (rules.MAX_TITLE + 1)}, decisions.LONG_TITLE),
    ],
)
def test_bad_decisions_are_refused_with_a_plain_message(engine, workshop, fields, message):
    with pytest.raises(DecisionError, match="^" + message[:20]):
        record(engine, workshop, **fields)
    assert row_counts(engine)["decisions"] == 0


def test_links_only_to_this_workshops_things_that_are_still_there(engine, workshop):
    sam, _kit, said = room(engine, workshop)
    other = fb.create_workshop(engine, title="Other", created_by="bob")
    stranger = join(engine, other, "Stranger")
    answer(engine, stranger, question_id="why", value="Elsewhere", page="your_views")
    elsewhere = response_ids(engine, stranger)["why"]
    ids = response_ids(engine, sam)
    for bad in (
        Link("answer", elsewhere),  # another workshop's answer
        Link("statement", said.id + 1000),  # no such statement
        Link("view", ids["why"]),  # an answer is not a saved view
        Link("answer", ids["reaction"]),  # and a saved view is not an answer
    ):
        with pytest.raises(DecisionError, match="no longer there"):
            record(engine, workshop, [bad])
    assert row_counts(engine)["decisions"] == 0
    with pytest.raises(fb.FeedbackError):
        ds.record_decision(engine, workshop_id=workshop.id + 1000, title="t", status="adopted",
                           reason="r", links=[], created_by="ann", client_token=fb.new_client_token())  # fmt: skip


def test_update_changes_fields_and_replaces_links(engine, workshop):
    sam, kit, said = room(engine, workshop)
    did = record(engine, workshop, [Link("statement", said.id)], status="considered")
    kit_answer = response_ids(engine, kit)["why"]
    change = {"title": "More  staff ", "status": "in_progress", "reason": "Budget asked for.",
              "links": [Link("answer", kit_answer)]}  # fmt: skip
    assert ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="bo", **change) is True
    (row,) = ds.decision_rows(engine, workshop.id)
    assert (row["title"], row["status"], row["reason"]) == (
        "More staff",
        "in_progress",
        "Budget asked for.",
    )
    assert row["links"] == [Link("answer", kit_answer)]
    assert row["updated_at"] > row["decided_at"]
    log = decisions.decision_log(ds.decision_rows(engine, workshop.id))
    assert log.loc[0, "changed_at"] == row["updated_at"]
    # The same change again (a double click, a retry after a lost reply) changes nothing at all.
    assert ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="bo", **change) is False
    (again,) = ds.decision_rows(engine, workshop.id)
    assert again == row
    assert row_counts(engine)["decision_links"] == 1


def test_a_decision_never_recorded_again_has_no_changed_time(engine, workshop):
    record(engine, workshop)
    log = decisions.decision_log(ds.decision_rows(engine, workshop.id))
    assert log["changed_at"].isna().all()


def test_update_is_refused_for_a_decision_of_another_workshop(engine, workshop):
    sam, _kit, said = room(engine, workshop)
    other = fb.create_workshop(engine, title="Other", created_by="bob")
    theirs = record(engine, other, title="Their decision")
    mine = record(engine, workshop, [Link("statement", said.id)])
    change = {"title": "Taken over", "status": "adopted", "reason": "r", "links": []}
    for decision_id, workshop_id in (
        (theirs, workshop.id),
        (mine, other.id),
        (mine + theirs + 1000, workshop.id),
    ):
        with pytest.raises(DecisionError) as refused:
            ds.update_decision(engine, decision_id, workshop_id=workshop_id, changed_by="bo", **change)
        assert str(refused.value) == ds.UNKNOWN_DECISION
    assert [r["title"] for r in ds.decision_rows(engine, other.id)] == ["Their decision"]
    assert [r["title"] for r in ds.decision_rows(engine, workshop.id)] == ["Tell families first"]
    # A link must be to this workshop's things too, and a refused change leaves it as it was.
    stranger = join(engine, other, "Stranger")
    answer(engine, stranger, question_id="why", value="Elsewhere", page="your_views")
    elsewhere = response_ids(engine, stranger)["why"]
    with pytest.raises(DecisionError, match="no longer there"):
        ds.update_decision(engine, mine, workshop_id=workshop.id, changed_by="bo",
                           **{**change, "links": [Link("answer", elsewhere)]})  # fmt: skip
    with pytest.raises(DecisionError, match="^" + decisions.EMPTY_REASON[:20]):
        ds.update_decision(engine, mine, workshop_id=workshop.id, changed_by="bo", **{**change, "reason": " "})
    (row,) = ds.decision_rows(engine, workshop.id)
    assert row["title"] == "Tell families first" and row["links"] == [Link("statement", said.id)]
    assert row["updated_at"] == row["decided_at"]


def test_every_real_change_is_kept_with_who_made_it(engine, workshop):
    did = record(engine, workshop, status="considered", reason="We talked.")
    (first,) = ds.decision_rows(engine, workshop.id)
    assert first["changed_by"] == "ann"  # who recorded it made it what it is
    assert [(v["status"], v["changed_by"]) for v in first["versions"]] == [("considered", "ann")]
    change = {"title": "Tell families first", "status": "adopted", "reason": "Done.", "links": []}
    assert ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="bo", **change)
    # The same change again, by someone else, changes nothing and keeps no version.
    assert not ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="cy", **change)
    (row,) = ds.decision_rows(engine, workshop.id)
    assert row["created_by"] == "ann" and row["changed_by"] == "bo"
    assert [(v["status"], v["reason"], v["changed_by"]) for v in row["versions"]] == [
        ("considered", "We talked.", "ann"),
        ("adopted", "Done.", "bo"),
    ]
    assert row["versions"][0]["changed_at"] == row["decided_at"]
    assert row["versions"][-1]["changed_at"] == row["updated_at"]
    log = decisions.decision_log([row])
    assert (log.loc[0, "recorded_by"], log.loc[0, "changed_by"]) == ("ann", "bo")
    assert row_counts(engine)["decision_versions"] == 2


def test_a_change_made_on_an_old_view_is_refused_and_changes_nothing(engine, workshop):
    """Two staff open one decision; the first saves. The second's save, made on what they saw
    before, is refused (nothing stored); the same words as the first's, or a save on the
    decision as it now is, go through."""
    did = record(engine, workshop, status="considered")
    (seen,) = ds.decision_rows(engine, workshop.id)
    first = {"title": "Tell families first", "status": "adopted", "reason": "Agreed.", "links": []}
    assert ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="bo",
                              seen=seen["updated_at"], **first)  # fmt: skip
    (now,) = ds.decision_rows(engine, workshop.id)
    second = {**first, "status": "in_progress", "reason": "Not yet."}
    with pytest.raises(decisions.DecisionChanged) as refused:
        ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="cy",
                           seen=seen["updated_at"], **second)  # fmt: skip
    assert str(refused.value) == ds.CHANGED_MEANWHILE
    assert ds.decision_rows(engine, workshop.id) == [now]
    # A retry of the first save (its reply lost) on the old view is not a conflict: same words.
    assert not ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="bo",
                                  seen=seen["updated_at"], **first)  # fmt: skip
    assert ds.update_decision(engine, did, workshop_id=workshop.id, changed_by="cy",
                              seen=now["updated_at"], **second)  # fmt: skip
    (row,) = ds.decision_rows(engine, workshop.id)
    assert [v["changed_by"] for v in row["versions"]] == ["ann", "bo", "cy"]


def test_a_participant_sees_what_became_of_what_they_said(engine, workshop):
    sam, kit, said = room(engine, workshop)
    ids = response_ids(engine, sam)
    record(engine, workshop, [Link("statement", said.id), Link("view", ids["reaction"])])
    frame = ds.what_became_of_participant(engine, sam.id, page_titles={"tradeoffs": "Trade-offs"})
    assert set(frame["kind"]) == {
        "a statement",
        "a saved view of a screen",
        "an answer to a question",
    }
    used = frame[frame["decision_id"].notna()]
    assert sorted(used["item_id"]) == sorted([said.id, ids["reaction"]])
    assert set(used["status_words"]) == {"We did it"}
    view = frame[frame["kind"] == "a saved view of a screen"].iloc[0]
    assert (
        "Trade-offs" in view["what_you_said"] and "Too many false alarms" in view["what_you_said"]
    )
    unused = frame[frame["decision_id"].isna()]
    assert list(unused["item_id"]) == [ids["why"]] and list(unused["title"]) == [""]
    # Kit said something no decision used: they see it, with nothing decided yet.
    kits = ds.what_became_of_participant(engine, kit.id)
    assert len(kits) == 1 and kits["decision_id"].isna().all()
    assert "More staff" in kits.loc[0, "what_you_said"]


#: One answer of each kind, as stored, and what the person reads back (every case of every kind
#: is in tests/test_workshop_read_back.py; these go through the store on both databases).
ANSWER_CASES = [
    ("should_use", 4, "Agree"),
    ("value_care", 1, "Not at all"),
    ("should_reasons", "Workers are busy.", "Workers are busy."),
    (
        "safeguards_rank",
        ["Data about families is kept safe and private", "Someone outside the council checks the tool"],
        "1st: Data about families is kept safe and private; "
        "2nd: Someone outside the council checks the tool",
    ),
    (
        "recommendations_priority",
        {"Use data to find and tackle the root causes of need.": "High",
         "Train staff so records are better and better understood.": "Low"},
        "High: Use data to find and tackle the root causes of need. "
        "Low: Train staff so records are better and better understood",
    ),  # fmt: skip
    ("accepted_per_1000", None, "No line: I would not accept any line"),
    ("accepted_per_1000", 95, "Flag 95 in every 1,000 referrals"),
    ("false_alarms_per_child", 12, "12 false alarms"),
    ("accepted_threshold", 0.3, "A score line of 0.300"),
]


@pytest.mark.parametrize(("question_id", "value", "said"), ANSWER_CASES)
def test_every_kind_of_answer_reads_back_as_what_the_person_said(
    engine, workshop, question_id, value, said
):
    """The tester's 2: a "No line" answer read back as "You said: no answer", to the person and
    in the facilitator's list of what a decision can draw on."""
    sam = join(engine, workshop, "Sam")
    answer(engine, sam, question_id=question_id, value=value, page="your_views")
    (item,) = ds.said_by(engine, sam.id)
    assert item["what_you_said"].endswith(f" You said: {' '.join(said.split())}")
    (listed,) = [i for i in ds.linkable_items(engine, workshop.id) if i["kind"] == "answer"]
    assert listed["words"] == item["what_you_said"]
    record(engine, workshop, [Link("answer", item["item_id"])])
    frame = ds.what_became_of_participant(engine, sam.id)
    assert frame.loc[0, "what_you_said"] == item["what_you_said"]


def test_only_the_latest_answer_to_a_question_unless_an_earlier_one_was_used(engine, workshop):
    sam = join(engine, workshop, "Sam")
    answer(engine, sam, question_id="why", value="First thought", page="your_views")
    first = response_ids(engine, sam)["why"]
    answer(engine, sam, question_id="why", value="Second thought", page="your_views")
    said = ds.said_by(engine, sam.id)
    assert [item["what_you_said"].endswith("Second thought") for item in said] == [True]
    record(engine, workshop, [Link("answer", first)])
    assert len(ds.said_by(engine, sam.id)) == 2


def test_withdrawing_takes_the_links_to_what_they_said_and_keeps_the_decision(engine, workshop):
    sam, kit, said = room(engine, workshop)
    waiting = fb.add_statement(engine, workshop_id=workshop.id, text="Not approved yet",
                               source="participant", proposed_by=sam.id)  # fmt: skip
    ids = response_ids(engine, sam)
    kit_answer = response_ids(engine, kit)["why"]
    links = [
        Link("statement", said.id),
        Link("statement", waiting.id),
        Link("view", ids["reaction"]),
        Link("answer", ids["why"]),
        Link("answer", kit_answer),
    ]
    did = record(engine, workshop, links)
    fb.withdraw(engine, sam.id)
    (row,) = ds.decision_rows(engine, workshop.id)
    assert row["decision_id"] == did
    # Sam's approved statement stays (the room voted on it), now by "a participant who has left";
    # their waiting proposal, answer and saved view are gone, and so are the links to them.
    assert row["links"] == [Link("statement", said.id), Link("answer", kit_answer)]
    (kept,) = [i for i in ds.linkable_items(engine, workshop.id) if i["item_id"] == said.id]
    assert kept["who"] == rules.AUTHOR_LEFT
    assert ds.what_became_of_participant(engine, sam.id).empty
    assert ds.said_by(engine, sam.id) == []
    assert all("Sam" not in item["who"] for item in ds.linkable_items(engine, workshop.id))


def test_erasing_a_workshop_erases_its_decisions(engine, workshop):
    sam, _kit, said = room(engine, workshop)
    other = fb.create_workshop(engine, title="Other", created_by="bob")
    record(engine, other)
    record(engine, workshop, [Link("statement", said.id)])
    fb.erase_workshop(engine, workshop.id)
    counts = row_counts(engine)
    assert counts["decisions"] == 1 and counts["decision_links"] == 0
    assert counts["decision_versions"] == 1  # the other workshop's decision keeps its own
    fb.erase_workshop(engine, other.id)
    assert row_counts(engine) == {**EMPTY, "schema_version": 1}


@settings(max_examples=30, deadline=None)
@given(title=st.text(max_size=300), reason=st.text(max_size=50))
def test_hostile_text_is_stored_tidied_or_refused_never_crashes(title, reason):
    engine = store.make_engine("sqlite://")
    try:
        shop = fb.create_workshop(engine, title="W", created_by="ann")
        try:
            did = record(engine, shop, title=title, reason=reason)
        except DecisionError:
            assert row_counts(engine)["decisions"] == 0
        else:
            (row,) = ds.decision_rows(engine, shop.id)
            assert row["decision_id"] == did
            assert (
                row["title"] == " ".join(title.split()) and 0 < len(row["title"]) <= rules.MAX_TITLE
            )
    finally:
        engine.dispose()
