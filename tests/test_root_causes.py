"""The Root causes page's sentences, written in the core from real council figures."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
import textstat

from csc_dash import population, root_causes

BIRMINGHAM = "E08000025"


@pytest.fixture(scope="module")
def councils():
    return population.load_councils()


@pytest.fixture(scope="module")
def england():
    return population.load_england()


@pytest.fixture(scope="module")
def summary(councils, england):
    return population.council_summary(councils, england, BIRMINGHAM, "cla_rate")


def plain(text: str) -> str:
    return text.replace("**", "")


def test_council_rate_sentence_has_the_councils_and_englands_figures(summary):
    text = root_causes.council_rate_sentence(summary, council_name="Birmingham", rate="cla_rate")
    assert f"({summary.value:.0f} per 10,000)" in text
    assert f"({summary.england:.0f} per 10,000)" in text
    assert population.describe_rate("cla_rate", summary.value) in text
    assert textstat.flesch_kincaid_grade(plain(text)) <= 8


def test_a_hidden_figure_is_said_plainly(summary):
    hidden = dataclasses.replace(summary, value=float("nan"))
    text = root_causes.council_rate_sentence(hidden, council_name="Rutland", rate="cla_rate")
    assert text.startswith("This figure is not published for Rutland")
    assert root_causes.neighbours_sentence(hidden) is None


def test_neighbours_sentence_counts_them(summary):
    text = root_causes.neighbours_sentence(summary)
    assert text == (
        f"{summary.neighbours_higher} of its {summary.neighbours_known} neighbours had a higher "
        f"figure. The middle neighbour had {summary.neighbour_median:.0f} in every 10,000."
    )


def test_series_sentence(councils, england):
    series = population.council_series(councils, england, BIRMINGHAM, "cla_rate")
    change = population.series_change(series, "Birmingham")
    eng = population.series_change(series, "England")
    text = root_causes.series_sentence(change, eng, council_name="Birmingham")
    assert text.startswith(f"Birmingham went from {change[1]:.0f} in every 10,000 in {change[0]}")
    assert f"England went from {eng[1]:.0f} to {eng[3]:.0f}" in text
    assert root_causes.series_sentence(None, eng, council_name="Birmingham") == (
        "There are no published figures over time for this council."
    )


def test_factor_gap_sentence(councils, england):
    factors = population.factor_comparison(councils, england, BIRMINGHAM)
    biggest = population.biggest_factor_difference(factors)
    text = root_causes.factor_gap_sentence(biggest, council_name="Birmingham")
    assert f"**{biggest['label']}**" in text
    assert ("more often" in text) == (biggest["difference"] > 0)
    assert root_causes.factor_gap_sentence(None, council_name="X") == "These figures are not published for this council."


def test_spend_sentence(summary):
    known = dataclasses.replace(summary, spend_per_child=1234.4, england_spend_per_child=1000.0)
    text = root_causes.spend_sentence(known, council_name="Leeds")
    assert text == (
        "Leeds spent about **£1,234 per child** on children's social care in 2024-25. England: £1,000."
    )
    missing = dataclasses.replace(summary, spend_per_child=float("nan"))
    assert "did not send a complete spending return" in root_causes.spend_sentence(missing, council_name="B")


def test_ranking_sentence_puts_deprivation_beside_the_place(councils):
    residuals = population.deprivation_residuals(councils, "cla_rate", deprivation="imd2019_score")
    row = residuals[residuals["new_la_code"] == BIRMINGHAM].iloc[0]
    text = root_causes.ranking_position_sentence(row, council_name="Birmingham", total=len(residuals))
    assert f"number {row['rank']} of {len(residuals)}" in text
    assert f"its deprivation is {row['deprivation']:.1f}" in text
    side = "above" if row["residual"] >= 0 else "below"
    assert text.endswith(f"{abs(row['residual']):.0f} {side} the line.")
    assert textstat.flesch_kincaid_grade(plain(text)) <= 8
    assert "is not ranked" in root_causes.ranking_position_sentence(None, council_name="B", total=3)


def test_what_if_sentences_follow_the_arithmetic():
    what = SimpleNamespace(
        with_factor=1234, referrals=5678, recorded_with=0.081, recorded_without=0.032,
        recorded_fewer=12.4, need_fewer=20.6,
    )  # fmt: skip
    first, second = root_causes.what_if_sentences(what, reduction_percent=20)
    assert first == (
        "In these neighbourhoods, 1,234 of 5,678 referrals found domestic abuse. Of those, 8.1 "
        "in 100 went on to a recorded plan or care, against 3.2 in 100 without it."
    )
    assert second == (
        "Say 20% of them had no domestic abuse. Then we would expect about **12 fewer recorded "
        "plans or care** in five years. And 21 fewer children would truly need one."
    )
    for text in (first, second):
        assert textstat.flesch_kincaid_grade(plain(text)) <= 8


def test_names_are_escaped_for_markdown(summary):
    text = root_causes.series_sentence((2021, 1.0, 2025, 2.0), None, council_name="St *Helens*")
    assert "*Helens*" not in text and "Helens" in text


@pytest.mark.parametrize(
    "text",
    [
        root_causes.series_sentence((2021, 66.0, 2025, 79.0), (2021, 69.0, 2025, 67.0), council_name="Birmingham"),
        root_causes.factor_gap_sentence(
            {"label": "domestic abuse", "difference": 4.0, "council_pct": 40.0, "england_pct": 36.0},
            council_name="Birmingham",
        ),
    ],
)
def test_sentences_read_at_grade_8(text):
    assert textstat.flesch_kincaid_grade(plain(text)) <= 8


def test_association_rows_match_population_association(councils):
    year = population.latest_year(councils)
    rows = root_causes.association_rows(councils, "imd2019_score", year=year)
    assert [r["rate per 10,000"] for r in rows] == list(population.RATE_LABELS.values())
    cla = population.association(councils, "imd2019_score", "cla_rate", year=year)
    row = rows[list(population.RATE_LABELS).index("cla_rate")]
    assert row["n"] == cla.n and row["Pearson r"] == round(cla.pearson_r, 3)
