"""The answer machine's pure parts (csc_dash.ui.workshop.answers): the one record shape, how an
answer is shown while it waits, and how screen state becomes JSON. The machine itself is driven
through the pages (test_save_view, test_page_your_views)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as hs

from csc_dash.content.questions import REACTION_LABELS
from csc_dash.ui.workshop import answers


def test_one_record_shape_for_every_kind():
    fields = {f.name for f in dataclasses.fields(answers.Pending)}
    assert fields == {
        "kind", "where", "what", "participant_id", "workshop_id", "value", "screen_state",
        "token", "signature", "retry", "message", "announce", "kept",
    }  # fmt: skip
    record = answers.Pending(
        kind=answers.VOTE, where=answers.VOTES, what=7, participant_id=1, workshop_id=2,
        value="agree", screen_state=None, token="t", signature=answers.signature("agree"),
    )  # fmt: skip
    assert record.place == ("vote", 7)
    assert (record.retry, record.message, record.announce, record.kept) == (False, None, None, None)


def test_signature_ignores_key_order_and_tells_values_apart():
    assert answers.signature({"a": 1, "b": 2}, {"x": 1}) == answers.signature(
        {"b": 2, "a": 1}, {"x": 1}
    )
    assert answers.signature("agree") != answers.signature("disagree")
    assert answers.signature(1, {"threshold": 0.1}) != answers.signature(1, {"threshold": 0.2})


def test_describe_writes_each_kind_of_answer_as_plain_text():
    assert (
        answers.describe({"reaction": "unsure", "reason": "Why?"})
        == f"{REACTION_LABELS['unsure']}. Why?"
    )
    assert answers.describe({"reaction": "unsure", "reason": ""}) == REACTION_LABELS["unsure"]
    assert answers.describe(["Human review", "Appeals"]) == "1. Human review\n2. Appeals"
    assert answers.describe({"Appeals": "High"}) == "Appeals: High"
    assert answers.describe(None) == "No line would be acceptable"
    assert answers.describe(37) == "37"


def test_jsonable_turns_numpy_tuples_and_sets_into_json():
    value = {"n": np.int64(3), "x": np.float64(0.5), "t": ("a", "b"), "s": {"b", "a"}, 1: None}
    assert answers.jsonable(value) == {
        "n": 3,
        "x": 0.5,
        "t": ["a", "b"],
        "s": ["a", "b"],
        "1": None,
    }


@given(
    hs.recursive(
        hs.none() | hs.booleans() | hs.integers() | hs.floats(allow_nan=False) | hs.text(),
        lambda inner: hs.lists(inner) | hs.dictionaries(hs.text(), inner) | hs.tuples(inner, inner),
        max_leaves=20,
    )
)
def test_jsonable_always_gives_json(value):
    json.dumps(answers.jsonable(value))
