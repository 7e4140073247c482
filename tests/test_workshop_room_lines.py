"""The room's lines by role: spreads equal pandas' own, "no line" counted apart, meanings per 1,000."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_dash.workshop import room_lines

ROLES = ("parent", "social_worker", "researcher")


def _answers(rows):
    return pd.DataFrame(rows, columns=["role_tag", "accepted_per_1000"])


def test_spread_by_hand():
    rows = [("parent", v) for v in (10, 20, 30, 40, 200)] + [
        ("social_worker", 50),
        ("social_worker", None),
    ]
    spread = room_lines.spread_by_role(_answers(rows), "accepted_per_1000", roles=ROLES).set_index(
        "role"
    )
    assert list(spread.index) == ["parent", "social_worker", room_lines.EVERYONE]
    parent = spread.loc["parent"]
    assert (
        parent["people"],
        parent["no_line"],
        parent["lowest"],
        parent["middle"],
        parent["highest"],
    ) == (
        5,
        0,
        10,
        30,
        200,
    )
    assert parent["lower_quarter"] == 20 and parent["upper_quarter"] == 40 and not parent["too_few"]
    social = spread.loc["social_worker"]
    assert (
        social["people"] == 2
        and social["no_line"] == 1
        and social["middle"] == 50
        and social["too_few"]
    )
    assert math.isnan(social["lower_quarter"])  # quarter points need 5
    everyone = spread.loc[room_lines.EVERYONE]
    assert everyone["people"] == 7 and everyone["no_line"] == 1 and everyone["middle"] == 35


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(ROLES), st.none() | st.integers(0, 1000)), min_size=1, max_size=60
    )
)
def test_spread_equals_pandas(rows):
    answers = _answers(rows)
    spread = room_lines.spread_by_role(answers, "accepted_per_1000", roles=ROLES).set_index("role")
    groups = [(role, answers[answers["role_tag"] == role]) for role in ROLES] + [
        (room_lines.EVERYONE, answers)
    ]
    for role, part in groups:
        if part.empty:
            assert role not in spread.index
            continue
        row = spread.loc[role]
        numbers = pd.to_numeric(part["accepted_per_1000"]).dropna()
        assert (
            row["people"] == len(part) and row["no_line"] == part["accepted_per_1000"].isna().sum()
        )
        if numbers.empty:
            assert math.isnan(row["middle"])
            continue
        # a whole number: the median, halfway between two answers rounded to the nearer (a half up)
        assert row["middle"] == math.floor(numbers.median() + 0.5)
        assert row["middle_exact"] == pytest.approx(numbers.median())
        assert abs(row["middle"] - row["middle_exact"]) <= 0.5
        ordered = numbers.sort_values().to_numpy()
        n = len(ordered)
        assert row["halfway"] == (n % 2 == 0 and ordered[n // 2 - 1] != ordered[n // 2])
        assert row["lowest"] == numbers.min() and row["highest"] == numbers.max()
        if len(numbers) >= room_lines.MIN_FOR_QUARTERS:
            assert row["lower_quarter"] == pytest.approx(numbers.quantile(0.25))
            assert row["upper_quarter"] == pytest.approx(numbers.quantile(0.75))
        assert row["too_few"] == (len(numbers) < room_lines.MIN_PEOPLE)


def test_lines_by_role_reads_the_middle_line_per_1000():
    asked = []

    def counts_at(k):
        asked.append(k)
        return {
            "flagged": k,
            "false_alarm": k - k // 4,
            "missed": max(0, 40 - k // 4),
            "true_alarm": k // 4,
        }

    rows = [("parent", 100), ("parent", 151), ("researcher", None)]
    table = room_lines.line_spread_by_role(_answers(rows), counts_at, roles=ROLES).set_index("role")
    parent = table.loc["parent"]
    assert parent["middle_exact"] == 125.5 and parent["halfway"]
    assert parent["middle"] == 126 and parent["flagged"] == 126  # nearer whole step, half up
    assert parent["false_alarm"] == 126 - 31 and parent["missed"] == 40 - 31
    assert math.isnan(table.loc["researcher", "flagged"])  # said "no line" only
    assert 126 in asked


def test_bad_numbers_are_refused_plainly():
    with pytest.raises(ValueError, match="0 or more"):
        room_lines.spread_by_role(_answers([("parent", -1)]), "accepted_per_1000")
    with pytest.raises(ValueError, match="columns"):
        room_lines.spread_by_role(pd.DataFrame({"x": [1]}), "accepted_per_1000")
    with pytest.raises(ValueError, match="a number, or missing"):
        room_lines.spread_by_role(_answers([("parent", "lots")]), "accepted_per_1000")


@pytest.mark.parametrize(
    ("values", "middle", "between"),
    [([25, 60], 43, True), ([10, 20, 30], 20, False), ([20, 30], 25, True), ([40, 40], 40, False),
     ([1, 2, 2, 9], 2, False), ([0, 1], 1, True), ([7], 7, False)],
)  # fmt: skip
def test_the_middle_answer_is_a_whole_number(values, middle, between):
    """The tester's report: "the middle line flags 42.5 in every 1,000" over a table of 43."""
    assert room_lines.middle_answer(values) == middle
    assert room_lines.halfway(values) is between
    with pytest.raises(ValueError, match="no answers"):
        room_lines.middle_answer([])
