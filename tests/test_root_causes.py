"""The Root causes page's sentences, written in the core from real council figures."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import pytest
import textstat

from csc_dash import council_table, neighbourhoods, population, root_causes
from csc_dash.content import root_causes as text
from csc_dash.content.root_causes import COUNTY_2025, LEFT_OUT

BIRMINGHAM = "E08000025"


@pytest.fixture(scope="module")
def councils():
    return council_table.load_councils()


@pytest.fixture(scope="module")
def england():
    return council_table.load_england()


@pytest.fixture(scope="module")
def summary(councils, england):
    return population.council_summary(councils, england, BIRMINGHAM, "cla_rate")


def plain(text: str) -> str:
    return text.replace("**", "")


def test_council_rate_sentence_has_the_councils_and_englands_figures(summary):
    text = root_causes.council_rate_sentence(summary, council_name="Birmingham", rate="cla_rate")
    assert root_causes.rate_words("cla_rate", summary.value) in text
    assert "10,000" not in text  # plain view: one scale, per 1,000 (it said "(79 per 10,000)")
    assert textstat.flesch_kincaid_grade(plain(text)) <= 8
    analyst = root_causes.council_rate_sentence(
        summary, council_name="Birmingham", rate="cla_rate", analyst=True
    )
    assert f"({summary.value:.0f} per 10,000)" in analyst
    assert f"({summary.england:.0f} per 10,000)" in analyst


def test_a_hidden_figure_is_said_plainly(summary):
    hidden = dataclasses.replace(summary, value=float("nan"))
    text = root_causes.council_rate_sentence(hidden, council_name="Rutland", rate="cla_rate")
    assert text.startswith("This figure is not published for Rutland")
    assert root_causes.neighbours_sentence(hidden) is None


def test_neighbours_sentence_counts_them(summary):
    text = root_causes.neighbours_sentence(summary)
    assert text == (
        f"{summary.neighbours_higher} of its {summary.neighbours_known} neighbours had a higher "
        f"figure. The middle neighbour had {summary.neighbour_median / 10:.0f} in every 1,000."
    )
    assert root_causes.neighbours_sentence(summary, per=10_000).endswith(
        f"{summary.neighbour_median:.0f} in every 10,000."
    )


def test_series_sentence(councils, england):
    series = population.council_series(councils, england, BIRMINGHAM, "cla_rate")
    change = population.series_change(series, "Birmingham")
    eng = population.series_change(series, "England")
    text = root_causes.series_sentence(change, eng, council_name="Birmingham")
    assert text.startswith(f"Birmingham went from {change[1] / 10:.0f} in every 1,000 in {change[0]}")
    if round(eng[1] / 10) == round(eng[3] / 10):  # "England went from 7 to 7" read as a mistake
        assert f"England stayed at about {eng[1] / 10:.0f} (black squares)." in text
    else:
        assert f"England went from {eng[1] / 10:.0f} to {eng[3] / 10:.0f}" in text
    flat = root_causes.series_sentence((2021, 68.0, 2025, 71.0), (2021, 68.0, 2025, 67.0), council_name="B")
    assert flat == "B stayed at about 7 in every 1,000 from 2021 to 2025 (red stars). England stayed at about 7 (black squares)."
    analyst = root_causes.series_sentence(change, eng, council_name="Birmingham", per=10_000)
    assert analyst.startswith(f"Birmingham went from {change[1]:.0f} in every 10,000 in {change[0]}")
    assert root_causes.series_sentence(None, eng, council_name="Birmingham") == (
        "There are no published figures over time for this council."
    )


def test_factor_gap_sentence(councils, england):
    factors = population.factor_comparison(councils, england, BIRMINGHAM)
    biggest = population.biggest_factor_difference(factors)
    text = root_causes.factor_gap_sentence(biggest, council_name="Birmingham")
    assert f"**{biggest['label']}**" in text
    assert ("more often" in text) == (biggest["difference"] > 0)
    assert (
        root_causes.factor_gap_sentence(None, council_name="X")
        == "These figures are not published for this council."
    )


def test_spend_sentence(summary):
    known = dataclasses.replace(summary, spend_per_child=1234.4, england_spend_per_child=1000.0)
    text = root_causes.spend_sentence(known, council_name="Leeds")
    assert text == (
        "Leeds spent about **£1,234 per child** on children's social care in 2024-25. England: £1,000."
    )
    missing = dataclasses.replace(summary, spend_per_child=float("nan"))
    assert "did not send a complete spending return" in root_causes.spend_sentence(
        missing, council_name="B"
    )


def test_ranking_sentence_puts_deprivation_beside_the_place(councils):
    residuals = population.deprivation_residuals(councils, "cla_rate", deprivation="imd2019_score")
    row = residuals[residuals["new_la_code"] == BIRMINGHAM].iloc[0]
    text = root_causes.ranking_position_sentence(
        row, council_name="Birmingham", total=len(residuals)
    )
    total = len(residuals)
    assert f"number {row['rank']} of {total}" in text
    place = int(row["deprivation_place"])
    assert (
        f"For deprivation it comes {root_causes.ordinal(place)} of {total} (1st is the most "
        f"deprived), {root_causes.place_words(place, total)}."
    ) in text
    assert not re.search(r"\d\.\d", text)
    side = "above" if row["residual"] >= 0 else "below"
    assert text.endswith(f"{abs(row['residual']) / 10:.0f} {side} the line.")
    assert f"Its figure is {row['observed'] / 10:.0f} in every 1,000." in text
    assert textstat.flesch_kincaid_grade(plain(text)) <= 8
    analyst = root_causes.ranking_position_sentence(
        row, council_name="Birmingham", total=total, per=10_000
    )
    assert analyst.endswith(f"{abs(row['residual']):.0f} {side} the line.")
    assert "is not ranked" in root_causes.ranking_position_sentence(None, council_name="B", total=3)


def test_what_if_sentences_follow_the_arithmetic():
    what = SimpleNamespace(
        with_factor=1234, referrals=5678, recorded_with=0.081, recorded_without=0.032,
        recorded_fewer=12.4, need_fewer=20.6,
    )  # fmt: skip
    first, second = root_causes.what_if_sentences(what, reduction_percent=20)
    assert first == (
        "In these neighbourhoods, 1,234 of 5,678 referrals found domestic abuse. Of those, 81 "
        "in every 1,000 went on to a recorded plan or care, against 32 in every 1,000 without it."
    )
    assert second == (
        "Say 20% of them had no domestic abuse. Then we would expect **about 12 fewer recorded "
        "plans or care** in five years. And about 21 fewer children would truly need one."
    )
    for sentence in (first, second):
        assert textstat.flesch_kincaid_grade(plain(sentence)) <= 8


def test_names_are_escaped_for_markdown(summary):
    text = root_causes.series_sentence((2021, 1.0, 2025, 2.0), None, council_name="St *Helens*")
    assert "*Helens*" not in text and "Helens" in text


@pytest.mark.parametrize(
    "sentence",
    [
        root_causes.series_sentence(
            (2021, 66.0, 2025, 79.0), (2021, 69.0, 2025, 67.0), council_name="Birmingham"
        ),
        root_causes.factor_gap_sentence(
            {
                "label": "domestic abuse",
                "difference": 4.0,
                "council_pct": 40.0,
                "england_pct": 36.0,
            },
            council_name="Birmingham",
        ),
    ],
)
def test_sentences_read_at_grade_8(sentence):
    assert textstat.flesch_kincaid_grade(plain(sentence)) <= 8


def test_association_rows_match_population_association(councils):
    year = council_table.latest_year(councils)
    rows = root_causes.association_rows(councils, "imd2019_score", year=year)
    assert [r["rate per 10,000"] for r in rows] == list(council_table.RATE_LABELS.values())
    cla = population.association(councils, "imd2019_score", "cla_rate", year=year)
    row = rows[list(council_table.RATE_LABELS).index("cla_rate")]
    assert row["n"] == cla.n and row["Pearson r"] == round(cla.pearson_r, 3)


# -- the page's sentences, moved out of app_pages/root_causes.py ---------------------------------


@pytest.fixture(scope="module")
def gradient():
    from csc_dash.cohort import load_council_population, load_sample_referrals

    return neighbourhoods.cohort_gradient(
        load_sample_referrals("moderate"), load_council_population()
    )


def test_link_summary_and_titles_say_the_link_in_words(councils):
    link = population.association(councils, "imd2019_score", "cla_rate")
    subject = root_causes.deprivation_subject("imd2019_score")
    summary = root_causes.link_summary(link, subject=subject, rate="cla_rate")
    direction = "more" if link.pearson_r > 0 else "fewer"
    assert summary.startswith(f"Councils with more deprivation had {direction} children in care")
    assert summary.endswith(root_causes.link_scale(link))
    plain_title = root_causes.scatter_title(link, subject=subject, rate="cla_rate", analyst=False)
    analyst_title = root_causes.scatter_title(link, subject=subject, rate="cla_rate", analyst=True)
    assert "r =" not in plain_title and analyst_title == (
        f"{plain_title}\n({root_causes.link_numbers(link, brief=True)})"
    )
    assert root_causes.page_words(text.TOO_FEW_COUNCILS, n=4) == (
        "Too few councils have both figures (4), so it is too few to tell."
    )


def test_page_words_fill_in_the_rate_the_council_and_the_year():
    assert root_causes.page_words(text.ENGLAND_HEADING, rate="cla_rate", year=2025) == (
        "Deprivation and children in care, 2025"
    )
    assert root_causes.page_words(text.RATE_AXIS, rate="cpp_rate") == (
        "Child protection plans, in every 1,000 children"
    )
    assert root_causes.page_words(text.RATE_AXIS, rate="cpp_rate", per=10_000) == (
        "Child protection plans, in every 10,000 children"
    )
    named = root_causes.page_words(text.CHOSEN_COUNCIL, council_name="St *Helens*")
    assert "*Helens*" not in named and "Helens" in named
    spend = root_causes.page_words(text.SCATTER_SUMMARY, rate="cla_rate", across=text.SPEND_ACROSS)
    assert spend.startswith("Each dot is a council. Further right is more spent per child;")
    assert "more children in care in every 1,000" in spend


def test_england_notes_name_who_is_left_out_and_why(councils):
    missing = council_table.missing_measure(councils, "imd2019_score")
    notes = root_causes.england_notes(missing, deprivation="imd2025_score", analyst=False)
    assert notes.startswith(LEFT_OUT) and notes.endswith(COUNTY_2025)
    none = root_causes.england_notes(missing.iloc[:0], deprivation="imd2019_score", analyst=False)
    assert none == LEFT_OUT


def test_council_rank_finds_the_picked_council_or_none(councils):
    residuals = population.deprivation_residuals(councils, "cla_rate")
    row = population.council_rank(residuals, BIRMINGHAM)
    assert row["new_la_code"] == BIRMINGHAM and row["rank"] >= 1
    assert population.council_rank(residuals, None) is None
    assert population.council_rank(residuals, "E99999999") is None


def test_made_up_council_sentences_use_its_own_figures(gradient):
    ratio = neighbourhoods.decile_ratio(gradient, "referrals_per_10k")
    assert f"about **{ratio:.0f} times as often**" in root_causes.referral_ratio_sentence(gradient)
    first = gradient[gradient["deprivation_decile"] == 1].iloc[0]
    need = root_causes.need_sentence(gradient)
    assert f"**{first['need_per_10k'] / 10:.0f} in every 1,000" in need
    assert f"Only about **{first['recorded_per_10k'] / 10:.0f}**" in need
    analyst = root_causes.need_sentence(gradient, per=10_000)
    assert f"**{first['need_per_10k']:.0f} in every 10,000" in analyst
    without_least = gradient[gradient["deprivation_decile"] != 10]
    assert "too few" in root_causes.referral_ratio_sentence(without_least)


def test_what_if_sum_writes_out_the_arithmetic():
    what = SimpleNamespace(
        reduction=0.2, with_factor=1234, recorded_with=0.081, recorded_without=0.032
    )
    what.recorded_fewer = (
        what.reduction * what.with_factor * (what.recorded_with - what.recorded_without)
    )
    assert root_causes.what_if_sum(what) == (
        "Of the 1,234 referrals with domestic abuse, 20% is about 247. Say they now look like "
        "referrals without it. With domestic abuse, 81 in every 1,000 went on to a plan or care. "
        "Without it, 32 in every 1,000 did. That is a gap of 49 in every 1,000. So 247 × 49 ÷ "
        "1,000 gives about 12 fewer plans or care."
    )
    assert root_causes.what_if_sum_analyst(what).endswith(
        "Here: 0.20 × 1,234 × (0.081 − 0.032) = 12.1."
    )


@pytest.mark.parametrize(
    "sentence",
    [
        root_causes.link_summary(
            population.Association(
                "imd2019_score", "cla_rate", 2025, 150, 0.7, 0.6, 0.8, 0.7, 1.0, 2.0
            ),
            subject="Councils with more deprivation",
            rate="cla_rate",
        ),
        *(
            root_causes.page_words(
                template, rate="cla_rate", council_name="Birmingham", year=2025, n=150
            )
            for template in (
                text.CHOSEN_COUNCIL,
                text.SCATTER_SUMMARY,
                text.NEIGHBOUR_BARS_SUMMARY,
                text.SERIES_SUMMARY,
                text.FACTOR_BARS_SUMMARY,
                text.RANKING_LEAD,
            )
        ),
    ],
)
def test_page_sentences_read_at_grade_8(sentence):
    assert textstat.flesch_kincaid_grade(plain(sentence)) <= 8


def test_a_council_level_with_england_once_rounded_says_which_side_it_is(summary):
    below = dataclasses.replace(summary, value=67.0, england=70.0)
    text = root_causes.council_rate_sentence(below, council_name="Leeds", rate="cla_rate")
    assert text == (
        f"In Leeds ({summary.year}), **about 7 in every 1,000 children were in care on 31 March**. "
        "In England, about 7 in every 1,000 children were in care on 31 March. So Leeds is a "
        "little below England."
    )
    analyst = root_causes.council_rate_sentence(
        below, council_name="Leeds", rate="cla_rate", analyst=True
    )
    assert analyst == (
        f"In Leeds ({summary.year}), **about 7 in every 1,000 children were in care on 31 March** "
        "(67 per 10,000). In England, about 7 in every 1,000 children were in care on 31 March "
        "(70 per 10,000). So Leeds is a little below England."
    )
    above = dataclasses.replace(summary, value=72.0, england=70.0)
    assert root_causes.council_rate_sentence(above, council_name="Leeds", rate="cla_rate").endswith(
        "So Leeds is a little above England."
    )
    same = dataclasses.replace(summary, value=70.0, england=70.0)
    assert root_causes.council_rate_sentence(same, council_name="Leeds", rate="cla_rate").endswith(
        "So Leeds is the same as England."
    )
    apart = dataclasses.replace(summary, value=90.0, england=70.0)
    assert root_causes.council_rate_sentence(apart, council_name="Leeds", rate="cla_rate").endswith(
        "about 7 in every 1,000 children were in care on 31 March."
    )


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (23, "23rd"), (101, "101st"), (111, "111th"), (112, "112th")],
)  # fmt: skip
def test_ordinal(n, word):
    assert root_causes.ordinal(n) == word


@pytest.mark.parametrize(
    ("place", "total", "words"),
    [
        (1, 150, "among the most deprived tenth of councils in England"),
        (15, 150, "among the most deprived tenth of councils in England"),
        (16, 150, "more deprived than most councils in England"),
        (74, 150, "more deprived than most councils in England"),
        (75, 150, "in the middle of councils in England"),
        (76, 150, "in the middle of councils in England"),
        (77, 150, "less deprived than most councils in England"),
        (135, 150, "less deprived than most councils in England"),
        (136, 150, "among the least deprived tenth of councils in England"),
        (150, 150, "among the least deprived tenth of councils in England"),
    ],
)
def test_place_words_say_where_a_council_sits(place, total, words):
    assert root_causes.place_words(place, total) == words
