"""Group-informed agreement (the Pol.is formula over declared roles) and exploratory opinion groups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_dash.workshop import agreement

ROLES = ("parent", "social_worker", "researcher")


def _votes(rows):
    return pd.DataFrame(rows, columns=agreement.VOTE_COLUMNS)


def test_group_agreement_by_hand():
    # statement 1: parents 3 of 4 agree, social workers 2 of 3 agree (one pass)
    rows = [
        (1, p, c, "parent")
        for p, c in zip(range(4), ["agree", "agree", "agree", "disagree"], strict=True)
    ]
    rows += [
        (1, 10 + p, c, "social_worker")
        for p, c in zip(range(3), ["agree", "agree", "pass"], strict=True)
    ]
    result = agreement.group_agreement(_votes(rows)).set_index("statement_id").loc[1]
    expected = (3 + 1) / (4 + 2) * (2 + 1) / (3 + 2)
    assert result["group_agreement"] == pytest.approx(expected)
    assert result["per_role_agreement"] == pytest.approx(math.sqrt(expected))
    assert result["counts"] == {"parent": (3, 4), "social_worker": (2, 3)}
    assert not result["too_few"]


def test_a_role_that_has_not_seen_a_statement_makes_it_too_few_to_say():
    rows = [(1, p, "agree", "parent") for p in range(5)] + [
        (2, 10 + p, "agree", "social_worker") for p in range(5)
    ]
    result = agreement.group_agreement(_votes(rows)).set_index("statement_id")
    assert result["too_few"].all()
    assert result["group_agreement"].isna().all()
    assert result.loc[1, "counts"] == {"parent": (5, 5), "social_worker": (0, 0)}


def test_too_few_at_the_stated_size():
    def rows(n):
        return [(1, f"p{i}", "agree", "parent") for i in range(n)] + [
            (1, f"s{i}", "agree", "social_worker") for i in range(agreement.MIN_SEEN)
        ]

    below = agreement.group_agreement(_votes(rows(agreement.MIN_SEEN - 1))).iloc[0]
    at = agreement.group_agreement(_votes(rows(agreement.MIN_SEEN))).iloc[0]
    assert below["too_few"] and math.isnan(below["group_agreement"])
    assert not at["too_few"] and at["group_agreement"] > 0


def test_one_role_is_too_few_to_say():
    rows = [(1, p, "agree", "parent") for p in range(30)]
    assert agreement.group_agreement(_votes(rows)).iloc[0]["too_few"]


def test_statements_without_votes_get_zero_counts():
    rows = [(1, p, "agree", r) for p, r in enumerate(ROLES * 3)]
    result = agreement.group_agreement(_votes(rows), statement_ids=[1, 2]).set_index("statement_id")
    assert result.loc[2, "counts"] == dict.fromkeys(sorted(ROLES), (0, 0))
    assert result.loc[2, "too_few"]


votes_strategy = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.integers(0, 30),
        st.sampled_from(list(agreement.CHOICE_VALUE)),
        st.sampled_from(ROLES),
    ),
    max_size=120,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(votes_strategy, st.integers(1, 5))
def test_group_agreement_equals_a_plain_loop(rows, min_seen):
    # a person has one role: take the first role each id appears with
    role_of = {}
    rows = [(s, p, c, role_of.setdefault(p, r)) for s, p, c, r in rows]
    votes = _votes(rows)
    result = agreement.group_agreement(votes, min_seen=min_seen)
    roles = sorted({r for *_, r in rows})
    for _, row in result.iterrows():
        product = 1.0
        seen_all = True
        for role in roles:
            seen = sum(1 for s, _, _, r in rows if s == row["statement_id"] and r == role)
            agree = sum(
                1 for s, _, c, r in rows if s == row["statement_id"] and r == role and c == "agree"
            )
            assert row["counts"][role] == (agree, seen)
            product *= (agree + 1) / (seen + 2)
            seen_all &= seen >= min_seen
        if len(roles) >= 2 and seen_all:
            assert row["group_agreement"] == pytest.approx(product)
            assert 0 < row["per_role_agreement"] < 1
        else:
            assert row["too_few"] and math.isnan(row["group_agreement"])


def test_bad_votes_are_refused_plainly():
    with pytest.raises(ValueError, match="missing"):
        agreement.group_agreement(pd.DataFrame({"statement_id": [1]}))
    with pytest.raises(ValueError, match="agree, disagree or pass"):
        agreement.group_agreement(_votes([(1, 1, "maybe", "parent")]))


def _two_camps(n_each, statements=6, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for person in range(2 * n_each):
        camp = person < n_each
        for statement in range(statements):
            leaning = (statement % 2 == 0) == camp
            agree = rng.random() < (0.9 if leaning else 0.1)
            rows.append((statement, person, "agree" if agree else "disagree", "parent"))
    return _votes(rows)


def test_opinion_groups_never_mix_two_planted_camps():
    groups = agreement.opinion_groups(_two_camps(15))
    assert groups is not None and groups.nunique() >= 2
    camp = pd.Series([person < 15 for person in range(30)], index=range(30))
    # every opinion group holds people of one camp only (k may split a camp, never join two)
    assert (camp.groupby(groups.loc[camp.index]).nunique() == 1).all()
    assert groups.value_counts().index[0] == 1  # numbered by size, largest first
    assert groups.equals(agreement.opinion_groups(_two_camps(15)))  # same votes, same groups


def test_no_opinion_groups_below_the_stated_size():
    assert agreement.opinion_groups(_two_camps(9)) is None  # 18 people < 20
    assert agreement.MIN_PEOPLE_FOR_GROUPS == 20
    all_pass = _votes([(s, p, "pass", "parent") for s in range(3) for p in range(25)])
    assert agreement.opinion_groups(all_pass) is None


def test_vote_matrix_values():
    matrix = agreement.vote_matrix(
        _votes([(1, "a", "agree", "x"), (2, "a", "disagree", "x"), (1, "b", "pass", "y")])
    )
    assert (
        matrix.loc["a", 1] == 1
        and matrix.loc["a", 2] == -1
        and matrix.loc["b", 1] == 0
        and matrix.loc["b", 2] == 0
    )
