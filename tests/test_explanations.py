"""csc_dash.explanations: what pushed a score (exact on the log-odds scale) and the smallest change
that would have moved the flag."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from csc_dash import cohort as cohort_mod
from csc_dash import explanations, metrics, tradeoffs, vignettes
from csc_dash.synthetic import FACTORS
from tests.helpers import referral_row


@pytest.fixture(scope="module")
def sample():
    return cohort_mod.load_sample_cohort("moderate")


@pytest.fixture(scope="module")
def explanation():
    return cohort_mod.load_structured_model("moderate")


@pytest.fixture(scope="module")
def threshold(sample):
    return metrics.threshold_for_top_share(sample.scores("structured"), 0.10)


def test_contributions_sum_to_the_logit(sample, explanation):
    rows = sample.frame.sample(60, random_state=1)
    for i in range(len(rows)):
        row = rows.iloc[[i]]
        pushes = explanations.contributions(explanation, row, drop_zero=False)
        assert explanation.intercept + pushes["contribution"].sum() == pytest.approx(
            float(explanation.logit(row)[0]), abs=1e-9
        )
        # one push per plain feature, never per one-hot column
        assert pushes["feature"].is_unique and "=" not in "".join(pushes["feature"])


def test_contributions_are_coefficients_for_one_referral(explanation):
    row = referral_row(neglect=True, previous_referrals=3, age_band="<1").to_frame().T
    pushes = explanations.contributions(explanation, row).set_index("feature")
    assert pushes.loc["neglect", "contribution"] == pytest.approx(
        explanation.coefficients["neglect"]
    )
    assert pushes.loc["previous_referrals", "contribution"] == pytest.approx(
        3 * explanation.coefficients["previous_referrals"]
    )
    assert pushes.loc["age_band", "contribution"] == pytest.approx(
        explanation.coefficients["age_band=<1"]
    )
    assert pushes.loc["age_band", "value"] == "under one year old"
    assert "domestic_abuse" not in pushes.index  # not found, so no push
    scores = pushes["contribution"].to_numpy()
    assert np.all(np.diff(scores) <= 0)  # largest push up first


def test_contribution_sentence():
    frame = pd.DataFrame(
        {
            "label": ["Worker found neglect", "Age"],
            "value": ["yes", "aged 10 to 15"],
            "contribution": [0.9, -0.3],
        }
    )
    text = explanations.contribution_sentence(frame)
    assert "push up came from worker found neglect (yes). It was a big push." in text
    assert "push down came from age (aged 10 to 15). It was a medium push." in text
    assert "Nothing" in explanations.contribution_sentence(frame.iloc[:0])


@pytest.mark.parametrize(
    ("value", "size", "words"),
    [
        (0.83, "big", "big push up"),
        (0.5, "big", "big push up"),
        (-0.56, "big", "big push down"),
        (0.26, "medium", "medium push up"),
        (-0.2, "medium", "medium push down"),
        (0.19, "small", "small push up"),
        (-0.08, "small", "small push down"),
    ],
)
def test_push_size_in_words(value, size, words):
    assert explanations.push_size(value) == size and explanations.push_words(value) == words


def test_pushes_in_words_carry_no_log_odds_numbers(sample, explanation):
    """A push is on the log-odds scale; in plain words it is big, medium or small, never a
    number that reads like the 0-1 score (the reviewer saw 'up 0.83' beside a score of 0.123)."""
    for i in range(0, 40, 4):
        row = sample.frame.iloc[[i]]
        pushes = explanations.contributions(explanation, row)
        assert set(pushes["size"]) <= {"big", "medium", "small"}
        assert pushes["words"].tolist() == [
            explanations.push_words(v) for v in pushes["contribution"]
        ]
        text = explanations.push_summary(pushes) + " " + explanations.contribution_sentence(pushes)
        for v in pushes["contribution"]:
            assert f"{abs(v):.2f}" not in text and f"{abs(v):.1f}" not in text.replace(
                "1 = poorest", ""
            )


def _cost(change: explanations.Change) -> int:
    return (
        abs(int(change.after) - int(change.before)) if change.feature == "previous_referrals" else 1
    )


def test_smallest_change_really_flips_the_flag_and_is_smallest(sample, explanation, threshold):
    scores = sample.scores("structured")
    kinds = tradeoffs.assign_kinds(sample.y, scores, threshold)
    positions = vignettes.choose_children(kinds, n=24, seed=0, min_per_kind=6)
    found = 0
    for p in positions:
        row = sample.frame.iloc[[p]]
        cf = explanations.smallest_change(explanation, row, threshold)
        before = float(explanation.score(row)[0])
        if cf is None:
            continue
        found += 1
        edited = row.copy()
        for change in cf.changes:
            edited[change.feature] = change.after
        after = float(explanation.score(edited)[0])
        assert (after >= threshold) != (before >= threshold)
        assert after == pytest.approx(cf.score_after) and before == pytest.approx(cf.score_before)
        # no single cheaper change flips it
        cost = sum(_cost(c) for c in cf.changes)
        for f in FACTORS:
            if cost > 1:
                flipped = row.copy()
                flipped[f] = not bool(row[f].iloc[0])
                assert (float(explanation.score(flipped)[0]) >= threshold) == (before >= threshold)
        now = int(row["previous_referrals"].iloc[0])
        for v in range(0, 11):
            if 0 < abs(v - now) < cost:
                moved = row.copy()
                moved["previous_referrals"] = v
                assert (float(explanation.score(moved)[0]) >= threshold) == (before >= threshold)
        for analyst in (False, True):
            text = explanations.counterfactual_sentence(
                cf, model_name="Tick-box data model", analyst=analyst
            )
            assert text.startswith("If ") and (
                "would have been flagged" in text or "would not have been flagged" in text
            )
            # the scores as numbers for analysts only; a family reads which side of the line
            assert bool(re.search(r"\d\.\d", text)) is analyst
            if not analyst:
                side = "up to the line or above it" if cf.flagged_after else "down below the line"
                assert f"would have gone {side}. The referral" in text
    assert found >= 12


def test_smallest_change_none_when_nothing_small_crosses(explanation):
    row = referral_row().to_frame().T
    assert explanations.smallest_change(explanation, row, 0.999) is None
    assert "No small change" in explanations.counterfactual_sentence(None, model_name="X")


def test_smallest_change_rejects_many_rows(sample, explanation):
    with pytest.raises(ValueError):
        explanations.smallest_change(explanation, sample.frame.iloc[:2], 0.1)
    with pytest.raises(ValueError):
        explanations.contributions(explanation, sample.frame.iloc[:2])
