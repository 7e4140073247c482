"""The synthetic council: determinism, shape, and every calibration target in DOMAIN.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csc_dash import facts
from csc_dash.synthetic import (
    AGE_BANDS,
    ETHNICITIES,
    FACTORS,
    council_population,
    generate_cohort,
)

REQUIRED = [
    "referral_id", "referral_date", "child_id", "family_id", "age_band", "gender", "ethnicity",
    "disability", "deprivation_decile", "referral_source", "previous_referrals", "previous_plan",
    *FACTORS, "case_note", "need", "outcome",
]


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    return generate_cohort(seed=0)


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return council_population(seed=0)


def per_10k_escalation_ratio(cohort, population) -> float:
    children = population.groupby("deprivation_decile")["children"].sum()
    escalations = cohort.groupby("deprivation_decile")["outcome"].sum()
    rate = escalations / children * 10_000
    return float(rate[1] / rate[10])


def test_columns_types_and_size(cohort):
    assert list(cohort.columns) == REQUIRED
    assert len(cohort) == 24_000
    assert cohort["referral_id"].is_unique
    assert set(cohort["age_band"]) == set(AGE_BANDS)
    assert set(cohort["ethnicity"]) == set(ETHNICITIES)
    assert set(cohort["deprivation_decile"]) == set(range(1, 11))
    for column in ("disability", "previous_plan", *FACTORS):
        assert cohort[column].dtype == bool, column
    assert set(cohort["need"]) == {0, 1} and set(cohort["outcome"]) == {0, 1}
    assert cohort["referral_date"].is_monotonic_increasing
    span = cohort["referral_date"].max() - cohort["referral_date"].min()
    assert span.days >= 5 * 365 - 5


def test_same_seed_same_frame_and_different_seed_differs():
    a = generate_cohort(2_000, seed=7)
    pd.testing.assert_frame_equal(a, generate_cohort(2_000, seed=7))
    assert not a["outcome"].equals(generate_cohort(2_000, seed=8)["outcome"])


def test_children_are_referred_more_than_once_and_siblings_share_a_family(cohort):
    per_child = cohort.groupby("child_id").size()
    assert (per_child > 1).mean() > 0.1
    children_per_family = cohort.groupby("family_id")["child_id"].nunique()
    assert (children_per_family > 1).sum() > 500
    # A child's family, area and ethnicity-of-family do not change between referrals.
    assert cohort.groupby("child_id")["family_id"].nunique().max() == 1
    assert cohort.groupby("family_id")["deprivation_decile"].nunique().max() == 1


def test_outcome_base_rate_is_in_the_pilot_range(cohort):
    low, high = facts.OUTCOME_BASE_RATE_RANGE
    assert low <= cohort["outcome"].mean() <= high


@pytest.mark.parametrize("source", list(facts.REFERRAL_SOURCE_SHARES))
def test_referral_source_mix_is_near_national(cohort, source):
    share = (cohort["referral_source"] == source).mean() * 100
    assert share == pytest.approx(facts.REFERRAL_SOURCE_SHARES[source], abs=1.5)


@pytest.mark.parametrize("factor", FACTORS)
def test_assessment_factor_mix_is_near_national(cohort, factor):
    assert cohort[factor].mean() * 100 == pytest.approx(facts.ASSESSMENT_FACTOR_SHARES[factor], abs=2.0)


def test_deprivation_gradient_per_10000_children(cohort, population):
    low, high = facts.DECILE_RATIO_RANGE
    assert low <= per_10k_escalation_ratio(cohort, population) <= high


def test_gradient_comes_mostly_from_referral_rates(cohort, population):
    children = population.groupby("deprivation_decile")["children"].sum()
    referral_rate = cohort.groupby("deprivation_decile").size() / children
    escalation_given_referral = cohort.groupby("deprivation_decile")["outcome"].mean()
    referral_ratio = referral_rate[1] / referral_rate[10]
    conditional_ratio = escalation_given_referral[1] / escalation_given_referral[10]
    assert referral_ratio > conditional_ratio > 1.0
    assert conditional_ratio < 3.5  # "rises only modestly"


def test_gradient_target_holds_on_average_over_seeds():
    ratios = []
    for seed in range(1, 5):
        ratios.append(per_10k_escalation_ratio(generate_cohort(seed=seed), council_population(seed=seed)))
    low, high = facts.DECILE_RATIO_RANGE
    assert low <= float(np.mean(ratios)) <= high


def test_population_is_skewed_to_deprived_deciles(population):
    by_decile = population.groupby("deprivation_decile")["children"].sum()
    assert by_decile[1] > by_decile[5] > by_decile[10]
    assert set(population.columns) == {"deprivation_decile", "age_band", "ethnicity", "children"}


def test_outcome_is_need_filtered_by_visibility(cohort):
    # Nothing is recorded that was not needed, and not all need is recorded.
    assert (cohort["outcome"] <= cohort["need"]).all()
    assert cohort["need"].sum() > cohort["outcome"].sum()
    # Deprived and heavily referred families are over-represented in outcome relative to need.
    recorded_share = cohort[cohort["need"] == 1].groupby(cohort["deprivation_decile"] <= 3)["outcome"].mean()
    assert recorded_share[True] > recorded_share[False]
    by_history = cohort[cohort["need"] == 1].groupby(cohort["previous_referrals"] > 0)["outcome"].mean()
    assert by_history[True] > by_history[False]


def test_no_visibility_bias_records_need_equally():
    none = generate_cohort(seed=0, bias="none")
    needed = none[none["need"] == 1]
    by_area = needed.groupby(needed["deprivation_decile"] <= 3)["outcome"].mean()
    assert by_area[True] == pytest.approx(by_area[False], abs=0.06)
    strong = generate_cohort(seed=0, bias="strong")
    # True need is the same world at every bias level.
    assert none["need"].equals(strong["need"])


def test_case_notes_are_template_text(cohort):
    notes = cohort["case_note"]
    assert notes.str.startswith("Referral from ").all()
    assert notes.str.len().between(20, 600).all()
    with_da = cohort.loc[cohort["domestic_abuse"], "case_note"].str.lower()
    assert with_da.str.contains("police called|domestic violence|shouting|abuse by partner").mean() > 0.6


@pytest.mark.parametrize("bad", [0, -5, 2.5, "100"])
def test_bad_size_is_refused(bad):
    with pytest.raises(ValueError, match="n_referrals must be a positive whole number"):
        generate_cohort(bad)


def test_bad_bias_is_refused():
    with pytest.raises(ValueError, match="bias must be one of none, moderate, strong"):
        generate_cohort(100, bias="extreme")
