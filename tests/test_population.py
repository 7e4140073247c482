"""csc_dash.population against scipy and direct groupbys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from csc_dash import cohort, council_table, neighbourhoods, population, root_causes
from csc_dash.synthetic import FACTORS


@pytest.fixture(scope="module")
def councils() -> pd.DataFrame:
    return council_table.load_councils()


@pytest.fixture(scope="module")
def england() -> pd.DataFrame:
    return council_table.load_england()


@pytest.fixture(scope="module")
def referrals() -> pd.DataFrame:
    return cohort.load_sample_referrals("moderate")


@pytest.fixture(scope="module")
def children() -> pd.DataFrame:
    return cohort.load_council_population()


def _pairs(councils, x, y, year=2025):
    rows = councils[(councils["year"] == year) & ~councils["new_la_code"].isin(council_table.EXCLUDED_FROM_COMPARISONS)]
    return rows.dropna(subset=[x, y])


# --------------------------------------------------------------------------- associations


@pytest.mark.parametrize("rate", list(council_table.RATE_LABELS))
@pytest.mark.parametrize("deprivation", list(council_table.DEPRIVATION_LABELS))
def test_association_equals_scipy(councils, rate, deprivation):
    link = population.association(councils, deprivation, rate)
    pairs = _pairs(councils, deprivation, rate)
    x, y = pairs[deprivation].to_numpy(), pairs[rate].to_numpy()
    assert link.n == len(pairs)
    pr = stats.pearsonr(x, y)
    ci = pr.confidence_interval(0.95)
    assert link.pearson_r == pytest.approx(pr.statistic, abs=1e-12)
    assert link.pearson_low == pytest.approx(ci.low, abs=1e-9)
    assert link.pearson_high == pytest.approx(ci.high, abs=1e-9)
    assert link.spearman_rho == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    fit = stats.linregress(x, y)
    assert link.slope == pytest.approx(fit.slope, rel=1e-9)
    assert link.intercept == pytest.approx(fit.intercept, rel=1e-9, abs=1e-9)
    assert link.enough


def test_association_leaves_out_city_and_scilly_and_missing_values(councils):
    link = population.association(councils, "imd2019_score", "referral_rate")
    everyone = population.association(councils, "imd2019_score", "referral_rate", exclude=())
    assert link.n == 147  # 153 less 4 without IoD2019, less City of London and Isles of Scilly
    assert everyone.n == 149


def _frame(xs, ys):
    n = len(xs)
    return pd.DataFrame(
        {
            "year": 2025,
            "new_la_code": [f"E06{i:06d}" for i in range(n)],
            "old_la_code": range(100, 100 + n),
            "la_name": [f"Council {i}" for i in range(n)],
            "x": xs,
            "y": ys,
            "stat_neighbours": "",
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.floats(-1e3, 1e3, allow_nan=False)),  # ties on x
        min_size=10,
        max_size=60,
    )
)
def test_association_matches_scipy_on_any_data(pairs):
    xs = [float(a) for a, _ in pairs]
    ys = [b for _, b in pairs]
    link = population.association(_frame(xs, ys), "x", "y", exclude=())
    assert link.n == len(pairs)
    if np.std(xs) < 1e-9 or np.std(ys) < 1e-6:
        return  # a constant column has no correlation
    assert link.pearson_r == pytest.approx(stats.pearsonr(xs, ys).statistic, abs=1e-9)
    assert link.spearman_rho == pytest.approx(stats.spearmanr(xs, ys).statistic, abs=1e-9)
    assert -1 <= link.pearson_low <= link.pearson_r <= link.pearson_high <= 1


def test_too_few_councils_is_too_few_to_tell():
    link = population.association(_frame([1.0, 2, 3], [2.0, 4, 7]), "x", "y", exclude=())
    assert link.n == 3
    assert not link.enough
    assert np.isnan(link.pearson_r)
    assert root_causes.strength_word(link.pearson_r) == "too few to tell"


@pytest.mark.parametrize(
    ("r", "word"),
    [(0.7, "strong"), (-0.65, "strong"), (0.5, "moderate"), (0.25, "weak"), (0.1, "little or no")],
)
def test_strength_word(r, word):
    assert root_causes.strength_word(r) == word


def test_unknown_measure_is_a_clear_error(councils):
    with pytest.raises(ValueError, match="There is no measure called 'nope'"):
        population.association(councils, "nope", "cla_rate")
    with pytest.raises(ValueError, match="There is no measure called 'cin_count'"):
        population.deprivation_residuals(councils, "cin_count")


# --------------------------------------------------------------------------- residuals


@pytest.mark.parametrize("rate", list(council_table.RATE_LABELS))
def test_residuals_are_the_ols_residuals_and_the_ranking_is_reproducible(councils, rate):
    table = population.deprivation_residuals(councils, rate, deprivation="imd2019_score")
    pairs = _pairs(councils, "imd2019_score", rate)
    fit = stats.linregress(pairs["imd2019_score"], pairs[rate])
    expected = pairs[rate] - (fit.intercept + fit.slope * pairs["imd2019_score"])
    by_code = dict(zip(pairs["new_la_code"], expected, strict=True))
    assert table["residual"].to_numpy() == pytest.approx(table["new_la_code"].map(by_code).to_numpy())
    assert abs(table["residual"].sum()) < 1e-6 * len(table) * table["observed"].abs().max()
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["residual"].is_monotonic_decreasing
    shuffled = councils.sample(frac=1.0, random_state=1)
    again = population.deprivation_residuals(shuffled, rate, deprivation="imd2019_score")
    assert again["new_la_code"].tolist() == table["new_la_code"].tolist()
    pd.testing.assert_frame_equal(again, table)


def test_deprivation_place_counts_from_the_most_deprived_and_ties_share_a_place(councils):
    table = population.deprivation_residuals(councils, "cla_rate", deprivation="imd2019_score")
    expected = stats.rankdata(-table["deprivation"].to_numpy(), method="min").astype(int)
    assert table["deprivation_place"].tolist() == expected.tolist()
    most = table.loc[table["deprivation"].idxmax()]
    assert most["deprivation_place"] == 1
    xs = [9.0, 5, 5, 1, 2, 3, 4, 6, 7, 8]
    frame = _frame(xs, [float(i) for i in range(10)])
    frame = frame.rename(columns={"x": "imd2019_score", "y": "cla_rate"})
    for rate in ("referral_rate", "cin_rate", "cpp_rate"):
        frame[rate] = np.nan
    tied = population.deprivation_residuals(frame, "cla_rate", exclude=())
    by_score = dict(zip(tied["deprivation"], tied["deprivation_place"], strict=False))
    assert by_score == {9: 1, 8: 2, 7: 3, 6: 4, 5: 5, 4: 7, 3: 8, 2: 9, 1: 10}


def test_residual_ties_are_broken_by_code():
    frame = _frame([1.0, 1, 2, 2, 3, 3, 4, 4, 5, 5], [1.0, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    frame = frame.rename(columns={"x": "imd2019_score", "y": "cla_rate"})
    for rate in ("referral_rate", "cin_rate", "cpp_rate"):
        frame[rate] = np.nan
    table = population.deprivation_residuals(frame, "cla_rate", exclude=())
    zero = table[table["residual"].abs() < 1e-9]
    assert zero["new_la_code"].tolist() == sorted(zero["new_la_code"])


def test_residual_extremes_keep_the_picked_council(councils):
    table = population.deprivation_residuals(councils, "cla_rate")
    middle = table.iloc[len(table) // 2]["new_la_code"]
    shown = population.residual_extremes(table, n=5, council=middle)
    assert len(shown) == 11
    assert middle in set(shown["new_la_code"])
    assert shown["rank"].is_monotonic_increasing


# --------------------------------------------------------------------------- one council


def test_neighbour_comparison(councils, england):
    frame = population.neighbour_comparison(councils, england, "E06000009", "cla_rate")
    assert frame["role"].tolist() == ["chosen"] + ["neighbour"] * 10 + ["England"]
    assert frame.iloc[0]["la_name"] == "Blackpool"
    assert frame.iloc[-1]["value"] == pytest.approx(england.loc[england["year"] == 2025, "cla_rate"].iloc[0])
    latest = council_table.councils_in_year(councils).set_index("new_la_code")
    for code, value in zip(frame["new_la_code"][:-1], frame["value"][:-1], strict=True):
        assert value == pytest.approx(latest.at[code, "cla_rate"], nan_ok=True)


def test_scatter_points_roles(councils):
    pts = population.scatter_points(councils, "imd2025_score", "cla_rate", council="E06000063")
    assert (pts["role"] == "chosen").sum() == 1
    assert (pts["role"] == "neighbour").sum() == 10
    assert pts.loc[pts["role"] == "chosen", "la_name"].iloc[0] == "Cumberland"
    # Cumberland has no IoD2019 figure, so it is not a point on that scatter.
    pts = population.scatter_points(councils, "imd2019_score", "cla_rate", council="E06000063")
    assert (pts["role"] == "chosen").sum() == 0


def test_council_summary(councils, england):
    s = population.council_summary(councils, england, "E06000009", "cla_rate")
    latest = council_table.councils_in_year(councils).set_index("new_la_code")
    assert s.value == latest.at["E06000009", "cla_rate"]
    assert s.per_1000 == pytest.approx(s.value / 10)
    near = council_table.neighbours_of(councils, "E06000009")
    values = latest.loc[near, "cla_rate"].dropna()
    assert s.neighbour_median == pytest.approx(values.median())
    assert s.neighbours_higher == int((values > s.value).sum())
    city = population.council_summary(councils, england, "E09000001", "cla_rate")
    assert np.isnan(city.value)
    assert city.neighbours_higher == 0


def test_unknown_council_is_a_clear_error(councils, england):
    with pytest.raises(ValueError, match="There is no council with code 'E99'"):
        population.council_summary(councils, england, "E99", "cla_rate")


def test_council_series_links_a_change_of_code(councils, england):
    series = population.council_series(councils, england, "E06000060", "cin_rate")
    bucks = series[series["area"] == "Buckinghamshire"]
    assert bucks["year"].tolist() == list(range(2013, 2026))  # E10000002 to 2019, E06000060 from 2020
    assert bucks["value"].notna().all()
    eng = series[series["area"] == "England"]
    assert eng["value"].tolist() == pytest.approx(england["cin_rate"].tolist())
    assert population.series_change(series, "Buckinghamshire")[0] == 2013
    cumberland = population.council_series(councils, england, "E06000063", "cla_rate")
    assert cumberland["year"].min() == 2024
    assert population.series_change(cumberland, "Nowhere") is None
    # Children in care figures start in 2021: earlier years are not shown as gaps.
    blackpool = population.council_series(councils, england, "E06000009", "cla_rate")
    assert blackpool["year"].min() == 2021
    assert blackpool["value"].notna().all()


def test_factor_comparison(councils, england):
    frame = population.factor_comparison(councils, england, "E08000025")
    assert set(frame["factor"]) == set(FACTORS)
    assert frame["england_pct"].is_monotonic_decreasing
    assert frame["difference"].to_numpy() == pytest.approx((frame["council_pct"] - frame["england_pct"]).to_numpy())
    big = population.biggest_factor_difference(frame)
    assert abs(big["difference"]) == pytest.approx(frame["difference"].abs().max())


@pytest.mark.parametrize(
    ("rate", "value", "text"),
    [
        ("cla_rate", 67.1, "about 7 in every 1,000 children were in care on 31 March"),
        ("cla_rate", 79.0, "about 8 in every 1,000 children were in care on 31 March"),
        ("referral_rate", 519.4, "there were about 52 referrals"),
        ("cpp_rate", 4.0, "fewer than 1 in every 1,000 children were on a child protection plan"),
        ("cpp_rate", 0.0, "none in every 1,000 children were on a child protection plan"),
        ("cpp_rate", float("nan"), "the figure is not published"),
    ],
)
def test_describe_rate(rate, value, text):
    assert text in root_causes.rate_words(rate, value)


# --------------------------------------------------------------------------- synthetic cohort


def test_cohort_gradient_equals_a_direct_groupby(referrals, children):
    years = neighbourhoods.cohort_years(referrals)
    assert years == pytest.approx(5.0, abs=0.01)
    table = neighbourhoods.cohort_gradient(referrals, children).set_index("deprivation_decile")
    kids = children.groupby("deprivation_decile")["children"].sum()
    direct = referrals.groupby("deprivation_decile").agg(
        referrals=("outcome", "size"), recorded=("outcome", "sum"), need=("need", "sum")
    )
    for column in ("referrals", "recorded", "need"):
        assert table[column].tolist() == direct[column].tolist()
        expected = 10_000 * direct[column] / (kids * years)
        assert table[f"{column}_per_10k"].to_numpy() == pytest.approx(expected.to_numpy())
    assert (table["recorded"] <= table["need"]).all()  # recorded is need filtered by visibility
    assert neighbourhoods.decile_ratio(table.reset_index(), "referrals_per_10k") > 2


def test_factors_by_decile_equals_a_direct_groupby(referrals, children):
    table = neighbourhoods.factors_by_decile(referrals, children)
    assert len(table) == 10 * len(FACTORS)
    row = table[(table["deprivation_decile"] == 1) & (table["factor"] == "domestic_abuse")].iloc[0]
    first = referrals[referrals["deprivation_decile"] == 1]
    assert row["count"] == first["domestic_abuse"].sum()
    assert row["pct_of_referrals"] == pytest.approx(100 * first["domestic_abuse"].mean())
    kids = children.loc[children["deprivation_decile"] == 1, "children"].sum()
    assert row["per_10k"] == pytest.approx(10_000 * row["count"] / (kids * neighbourhoods.cohort_years(referrals)))


def test_what_if_arithmetic(referrals, children):
    what = neighbourhoods.prevention_what_if(referrals, children, factor="domestic_abuse", reduction=0.2)
    rows = referrals[referrals["deprivation_decile"].isin([1, 2, 3])]
    has = rows["domestic_abuse"]
    p1, p0 = rows.loc[has, "outcome"].mean(), rows.loc[~has, "outcome"].mean()
    assert what.with_factor == has.sum()
    assert what.recorded_now == rows["outcome"].sum()
    assert what.recorded_fewer == pytest.approx(0.2 * has.sum() * (p1 - p0))
    assert what.recorded_after == pytest.approx(rows["outcome"].sum() - 0.2 * has.sum() * (p1 - p0))
    n1, n0 = rows.loc[has, "need"].mean(), rows.loc[~has, "need"].mean()
    assert what.need_fewer == pytest.approx(0.2 * has.sum() * (n1 - n0))
    kids = children.loc[children["deprivation_decile"].isin([1, 2, 3]), "children"].sum()
    table = what.table().set_index(["measure", "when"])
    assert table.loc[("recorded", "now"), "per_10k"] == pytest.approx(
        10_000 * rows["outcome"].sum() / (kids * neighbourhoods.cohort_years(referrals))
    )
    assert what.enough


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 1))
def test_what_if_is_linear_in_the_reduction(reduction):
    referrals = _what_if_frame()
    pop = pd.DataFrame({"deprivation_decile": [1, 2], "children": [1000, 1000]})
    none = neighbourhoods.prevention_what_if(referrals, pop, reduction=0.0, deciles=(1,), years=1)
    full = neighbourhoods.prevention_what_if(referrals, pop, reduction=1.0, deciles=(1,), years=1)
    some = neighbourhoods.prevention_what_if(referrals, pop, reduction=reduction, deciles=(1,), years=1)
    assert none.recorded_after == none.recorded_now
    # All of the factor gone: every referral escalates at the rate of those without it.
    assert full.recorded_after == pytest.approx(full.referrals * full.recorded_without)
    assert some.recorded_after == pytest.approx(
        none.recorded_after + reduction * (full.recorded_after - none.recorded_after)
    )


def _what_if_frame() -> pd.DataFrame:
    rows = []
    for i in range(200):
        has = i % 2 == 0
        rows.append(
            {
                "deprivation_decile": 1 if i < 150 else 2,
                "domestic_abuse": has,
                "outcome": int(i % 5 == 0 or (has and i % 3 == 0)),
                "need": int(i % 4 == 0 or has and i % 3 == 0),
            }
        )
    frame = pd.DataFrame(rows)
    for factor in FACTORS:
        if factor != "domestic_abuse":
            frame[factor] = False
    return frame


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reduction": 1.5}, neighbourhoods.BAD_REDUCTION.format(value=1.5)),
        ({"reduction": -0.1}, neighbourhoods.BAD_REDUCTION.format(value=-0.1)),
        ({"reduction": "lots"}, neighbourhoods.BAD_REDUCTION.format(value="lots")),
        ({"deciles": (0, 1)}, neighbourhoods.BAD_DECILES.format(value=(0, 1))),
        ({"deciles": ()}, neighbourhoods.BAD_DECILES.format(value=())),
        ({"factor": "poverty"}, neighbourhoods.UNKNOWN_FACTOR.format(name="poverty", choices=", ".join(FACTORS))),
    ],
)
def test_what_if_rejects_bad_input(kwargs, message):
    pop = pd.DataFrame({"deprivation_decile": [1, 2], "children": [1000, 1000]})
    with pytest.raises(ValueError) as err:
        neighbourhoods.prevention_what_if(_what_if_frame(), pop, **kwargs)
    assert str(err.value) == message


def test_load_councils_rejects_a_table_without_the_rates(tmp_path):
    path = tmp_path / "councils.csv"
    path.write_text("year,new_la_code\n2025,E06000001\n")
    with pytest.raises(ValueError, match="no column named old_la_code, la_name, referral_rate"):
        council_table.load_councils(path)


# --------------------------------------------------------------------------- words for the page


def _link(r: float, n: int = 147) -> population.Association:
    return population.Association("x", "y", 2025, n, r, r - 0.1, r + 0.1, r, 1.0, 0.0)


@pytest.mark.parametrize(
    ("r", "n", "sentence"),
    [
        (0.70, 147, "Councils with more deprivation tend to have more children in care — a strong link across 147 councils"),
        (-0.45, 150, "Councils with more deprivation tend to have fewer children in care — a moderate link across 150 councils"),
        (0.25, 147, "Councils with more deprivation tend to have more children in care — a weak link across 147 councils"),
        (0.05, 147, "Councils with more deprivation do not clearly have more or fewer children in care — little or no link across 147 councils"),
        (float("nan"), 3, "Too few councils (3) have both figures, so it is too few to tell"),
    ],
)
def test_link_sentence(r, n, sentence):
    link = _link(r, n)
    assert root_causes.link_sentence(link, subject="Councils with more deprivation", outcome="children in care") == sentence


def test_link_words_keep_symbols_for_analysts():
    link = _link(0.7012)
    assert root_causes.link_scale(link) == "The link is **strong**: the dots mostly follow the line."
    assert root_causes.link_scale(_link(-0.45)) == (
        "The link is **moderate**: the dots follow the line, but many sit far from it."
    )
    assert root_causes.link_scale(_link(0.25)) == (
        "The link is **weak**: the dots are spread widely around the line."
    )
    assert root_causes.link_scale(_link(0.05)) == (
        "There is **little or no** link: the dots do not follow a line."
    )
    assert "=" not in root_causes.link_scale(_link(-0.65))
    assert "0." not in root_causes.link_scale(_link(-0.65))
    assert root_causes.link_numbers(link, brief=True) == "r = 0.70, n = 147 councils"
    assert root_causes.link_numbers(link) == (
        "r = 0.70 (95% interval 0.60 to 0.80), Spearman rho = 0.70, n = 147 councils"
    )
    assert root_causes.link_numbers(_link(float("nan"), 4)) == "n = 4 councils: too few to tell"


@pytest.mark.parametrize(
    ("measure", "plain", "analyst", "subject"),
    [
        ("imd2019_score", "Overall deprivation, 2019", "Overall deprivation (IMD 2019)", "Councils with more deprivation"),
        ("idaci2019_score", "Child poverty, 2019", "Child poverty (IDACI 2019)", "Councils with more child poverty"),
        ("imd2025_score", "Overall deprivation, 2025", "Overall deprivation (IMD 2025)", "Councils with more deprivation"),
        ("idaci2025_score", "Child poverty, 2025", "Child poverty (IDACI 2025)", "Councils with more child poverty"),
    ],
)
def test_deprivation_names(measure, plain, analyst, subject):
    assert root_causes.deprivation_label(measure) == plain
    assert root_causes.deprivation_label(measure, analyst=True) == analyst
    assert root_causes.deprivation_subject(measure) == subject
    # Plain view: what the axis means, no score (a score of 10 to 40 has no unit a family reads).
    year = plain.split(", ")[1]
    meaning = "How deprived the area is" if "Overall" in plain else "How many children are poor"
    assert root_causes.deprivation_axis(measure) == f"{meaning}, {year} (more →)"
    assert "score" not in root_causes.deprivation_axis(measure)
    index = analyst.split("(")[1][:-1]
    assert root_causes.deprivation_axis(measure, analyst=True) == f"{index} average score → more deprived"


def test_every_deprivation_measure_has_names():
    assert {root_causes.deprivation_label(m) for m in council_table.DEPRIVATION_LABELS} == {
        "Overall deprivation, 2019", "Child poverty, 2019", "Overall deprivation, 2025", "Child poverty, 2025"
    }
    with pytest.raises(ValueError, match="There is no measure called 'cla_rate'"):
        root_causes.deprivation_label("cla_rate")


def test_missing_note_plain_and_for_analysts(councils):
    missing = council_table.missing_measure(councils, "imd2019_score")
    plain = root_causes.missing_note(missing)
    assert plain.startswith("These have no figure for how poor the area is. North Northamptonshire (formed in 2021")
    assert "IoD2019" not in plain and "the 2019 index has no figure for it" in plain
    assert "IoD2019 has no figure for it" in root_causes.missing_note(missing, analyst=True)
    assert root_causes.missing_note(missing.iloc[0:0]) == ""


@pytest.mark.parametrize("text", [root_causes.DATA_NOTICE, root_causes.MADE_UP_NOTICE])
def test_notices_are_plain(text):
    import textstat

    assert textstat.flesch_kincaid_grade(text.replace("**", "")) <= 8


def test_ranking_table_puts_deprivation_beside_each_ranked_council(councils):
    residuals = population.deprivation_residuals(councils, "cla_rate", deprivation="imd2019_score")
    shown = population.residual_extremes(residuals, n=3)
    table = root_causes.ranking_table(shown, measure="imd2019_score", total=len(residuals))
    assert list(table.index) == list(shown["la_name"])
    dep = "How deprived (Overall deprivation, 2019)"
    assert list(table.columns) == [dep, "Its figure", "Expected from deprivation", "Above or below"]
    first = shown.iloc[0]
    assert table[dep].iloc[0] == (
        f"{root_causes.ordinal(first['deprivation_place'])} of {len(residuals)}"
    )
    assert table["Above or below"].iloc[0] == f"{abs(first['residual']) / 10:.0f} above"  # per 1,000
    assert table["Its figure"].iloc[0] == f"{first['observed'] / 10:.0f}"
    # The whole numbers add up (it showed "6", "10", "3 below"), each within 1 of exact.
    every = root_causes.ranking_table(residuals, measure="imd2019_score", total=len(residuals))
    figure, expected = every["Its figure"].astype(int), every["Expected from deprivation"].astype(int)
    gap = every["Above or below"].str.split().str[0].astype(int)
    sign = np.where(every["Above or below"].str.endswith("above"), 1, -1)
    assert (figure - expected == sign * gap).all()
    assert (abs(expected.to_numpy() - residuals["predicted"].to_numpy() / 10) <= 1).all()
    published = root_causes.ranking_table(shown, measure="imd2019_score", total=len(residuals), per=10_000)
    assert published["Above or below"].iloc[0] == f"{abs(first['residual']):.0f} above"
    assert table["Above or below"].iloc[-1].endswith("below")
