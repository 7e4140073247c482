"""The council table (sample_data/councils.csv) against the raw public files it is built from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csc_dash import council_table, population

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT / "data" / "public"  # the repo carries its own copy (Open Government Licence v3.0)
SCRIPT = ROOT / "scripts" / "build_councils.py"
MARKS = {"c", "x", "z", "u", "low", "k", "[x]", ""}



def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(PUBLIC / name, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def num(value: str) -> float:
    value = str(value).strip()
    return np.nan if value.lower() in MARKS else float(value.replace(",", ""))


@pytest.fixture(scope="module")
def councils() -> pd.DataFrame:
    return council_table.load_councils()


@pytest.fixture(scope="module")
def england() -> pd.DataFrame:
    return council_table.load_england()


def cell(frame: pd.DataFrame, code: str, year: int, column: str, *, level="Local authority", extra=None):
    rows = frame[(frame["geographic_level"] == level) & (frame["time_period"] == str(year))]
    if level == "Local authority":
        rows = rows[rows["new_la_code"] == code]
    if extra:
        for key, value in extra.items():
            rows = rows[rows[key] == value]
    assert len(rows) == 1, (code, year, column, len(rows))
    return num(rows[column].iloc[0])


# A spread of councils and years: unitary, metropolitan, London, counties, renamed and merged.
CASES = [
    ("E06000001", 2013),  # Hartlepool
    ("E06000009", 2019),  # Blackpool
    ("E08000025", 2025),  # Birmingham
    ("E09000030", 2020),  # Tower Hamlets
    ("E10000023", 2022),  # North Yorkshire under its old code
    ("E06000065", 2025),  # North Yorkshire under its new code
    ("E06000058", 2021),  # Bournemouth, Christchurch and Poole
    ("E06000063", 2024),  # Cumberland, first year
    ("E10000016", 2023),  # Kent
    ("E09000001", 2025),  # City of London
]


@pytest.mark.parametrize(("code", "year"), CASES)
def test_rates_recomputed_from_raw_counts_and_populations(councils, code, year):
    row = councils[(councils["new_la_code"] == code) & (councils["year"] == year)].iloc[0]
    pop = cell(raw("ons_mid-year_population_estimates_2012_to_2024.csv"), code, year - 1, "population_estimate")
    referrals = cell(raw("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"), code, year, "referral_count")
    cin = cell(raw("b1_children_in_need_2013_to_2025.csv"), code, year, "At31_episodes")
    cpp = cell(raw("d5_cpps_at31march_by_duration_2013_to_2025.csv"), code, year, "CPP_At31")
    assert row["population_0_17"] == pop
    for column, count in (("referral_rate", referrals), ("cin_rate", cin), ("cpp_rate", cpp)):
        expected = count / pop * 10_000
        if np.isnan(expected):
            assert np.isnan(row[column]), column
        else:
            assert row[column] == pytest.approx(expected, abs=0.005), column
    if year >= 2021:
        # The CLA file lists past years under today's ONS code: look councils up by DfE number.
        cla = raw("cla_number_and_rate_per_10k_children.csv")
        cla = cla[cla["geographic_level"] == "Local authority"]
        cla = cla.assign(new_la_code=cla["old_la_code"])
        extra = {"population_type": "Children looked after on 31 March each year"}
        old = str(row["old_la_code"])
        count = cell(cla, old, year, "children_count", extra=extra)
        published = cell(cla, old, year, "rate_per_10000", extra=extra)
        if np.isnan(published):
            assert np.isnan(row["cla_rate"])
        else:
            assert row["cla_rate"] == pytest.approx(count / pop * 10_000, abs=0.005)
            assert abs(row["cla_rate"] - published) <= 0.5 + 1e-9


def test_cla_rate_within_half_of_published_everywhere(councils):
    known = councils.dropna(subset=["cla_rate", "cla_rate_published"])
    assert len(known) > 700
    assert (known["cla_rate"] - known["cla_rate_published"]).abs().max() <= 0.5 + 1e-9


@pytest.mark.parametrize(
    ("file", "column", "ours"),
    [
        ("b1_children_in_need_2013_to_2025.csv", "At31_episodes", "cin_at31"),
        ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "referral_count", "referrals"),
        ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "rereferral_count", "rereferrals"),
        ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "CPP_At31", "cpp_at31"),
        ("c3_factors_identified_at_end_of_assessment_2018_to_2025.csv", "Neglect", "factor_neglect_count"),
        ("c3_factors_identified_at_end_of_assessment_2018_to_2025.csv", "Domestic_Abuse_parent", "factor_domestic_abuse_count"),
    ],
)
def test_suppressed_cells_are_missing_never_zero(file, column, ours):
    table = pd.read_csv(ROOT / "sample_data" / "councils.csv", dtype={"new_la_code": str})
    frame = raw(file)
    frame = frame[frame["geographic_level"] == "Local authority"]
    merged = frame.assign(year=frame["time_period"].astype(int)).merge(
        table, on=["year", "new_la_code"], how="inner"
    )
    marked = merged[column].str.strip().str.lower().isin(MARKS)
    assert marked.any(), "expected some suppressed cells in this column"
    assert merged.loc[marked, ours].isna().all()
    assert merged.loc[~marked, ours].to_numpy() == pytest.approx(
        merged.loc[~marked, column].map(num).to_numpy()
    )
    if ours.startswith("factor_"):  # a share computed from a suppressed count is missing too
        assert merged.loc[marked, ours.replace("_count", "_pct")].isna().all()


def test_every_upper_tier_council_of_the_latest_year_is_present(councils):
    spine = raw("ons_mid-year_population_estimates_2012_to_2024.csv")
    spine = spine[(spine["geographic_level"] == "Local authority") & (spine["time_period"] == "2024")]
    latest = council_table.councils_in_year(councils)
    assert council_table.latest_year(councils) == 2025
    assert set(latest["new_la_code"]) == set(spine["new_la_code"])
    assert len(latest) == 153
    assert latest["new_la_code"].is_unique


def test_councils_without_deprivation_data_are_the_four_new_ones(councils):
    """North and West Northamptonshire (2021), Cumberland and Westmorland and Furness (2023)
    have no IoD2019 upper-tier figure; every council has an IoD2025 figure (counties flagged)."""
    missing = council_table.missing_measure(councils, "imd2019_score")
    assert set(missing["new_la_code"]) == {"E06000061", "E06000062", "E06000063", "E06000064"}
    assert missing["reason"].str.contains("IoD2019 has no figure").all()
    latest = council_table.councils_in_year(councils)
    assert latest["imd2025_score"].notna().all()
    assert latest["idaci2025_score"].notna().all()
    counties = latest[latest["new_la_code"].str.startswith("E10")]
    assert len(counties) == 21
    assert counties["iod2025_method"].str.contains("approximation").all()
    single = latest[~latest["new_la_code"].str.startswith("E10")]
    assert (single["iod2025_method"] == "district value").all()


@pytest.mark.parametrize(
    ("code", "iod_code"),
    [("E06000060", "E10000002"), ("E06000065", "E10000023"), ("E06000066", "E10000027"), ("E06000009", "E06000009")],
)
def test_iod2019_joins_through_the_three_recodes(councils, code, iod_code):
    iod = raw("iod2019_file11_upper_tier_la_summaries.csv").set_index("Upper Tier Local Authority District code (2019)")
    row = council_table.councils_in_year(councils).set_index("new_la_code").loc[code]
    assert row["iod2019_code"] == iod_code
    assert row["imd2019_score"] == pytest.approx(float(iod.at[iod_code, "IMD - Average score"]), abs=5e-4)
    assert row["idaci2019_score"] == pytest.approx(float(iod.at[iod_code, "IDACI - Average score"]), abs=5e-4)


@pytest.mark.parametrize("code", ["E06000001", "E09000030", "E10000016"])
def test_iod2025_single_tier_value_and_county_simple_mean(councils, code):
    iod = raw("iod2025_lad_lower_tier_summaries_trafforddatalab.csv")
    iod = iod[iod["index_domain"] == "Income Deprivation Affecting Children"]
    lookup = raw("LTLA-UTLA_Apr23_Lookup_England-Wales.csv")
    districts = lookup.loc[lookup["UTLA23CD"] == code, "LTLA23CD"]
    expected = iod[iod["area_code"].isin(districts)]["average_score"].astype(float).mean()
    row = council_table.councils_in_year(councils).set_index("new_la_code").loc[code]
    assert row["idaci2025_score"] == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("code", ["E06000001", "E08000025", "E09000033"])
def test_spending_per_child(councils, code):
    spend = raw("mhclg_revenue_outturn_2024_25_childrens_social_care_by_la.csv").set_index("ONS Code")
    column = "RO3: TOTAL CHILDREN SOCIAL CARE - Total Expenditure (C3 = C1 + C2)"
    row = council_table.councils_in_year(councils).set_index("new_la_code").loc[code]
    value = num(spend.at[code, column])
    if np.isnan(value):
        assert np.isnan(row["csc_spend_per_child"])
    else:
        assert row["csc_spend_per_child"] == pytest.approx(value * 1000 / row["population_0_17"], abs=0.005)
    earlier = councils[(councils["new_la_code"] == code) & (councils["year"] < 2025)]
    assert earlier["csc_spend_per_child"].isna().all()  # the outturn is for 2024-25 only


def test_spending_missing_for_the_three_without_a_return(councils):
    missing = council_table.missing_measure(councils, "csc_spend_per_child")
    assert set(missing["la_name"]) == {"Birmingham", "Cumberland", "Slough"}


def test_white_british_share_and_retired_county_sums(councils):
    eth = raw("ons-ethnic-population-la.csv")
    eth["code"] = eth["Ethnic group (20 categories) Code"].astype(int)
    eth["n"] = eth["Observation"].astype(float)
    eth = eth[eth["code"].between(1, 19)]

    def share(codes):
        part = eth[eth["2023 Upper tier local authorities Code"].isin(codes)]
        return 100 * part.loc[part["code"] == 13, "n"].sum() / part["n"].sum()

    by_code = councils.groupby("new_la_code")["white_british_pct"].first()
    assert by_code["E09000030"] == pytest.approx(share(["E09000030"]), abs=0.005)
    assert by_code["E10000006"] == pytest.approx(share(["E06000063", "E06000064"]), abs=0.005)
    assert by_code["E10000002"] == pytest.approx(share(["E06000060"]), abs=0.005)


def test_statistical_neighbours_are_ten_current_councils(councils):
    latest = council_table.councils_in_year(councils)
    codes = set(latest["new_la_code"])
    for code, text in zip(latest["new_la_code"], latest["stat_neighbours"], strict=True):
        near = text.split(";")
        assert len(near) == 10, code
        assert set(near) <= codes
        assert code not in near


@pytest.mark.parametrize(
    ("x", "y", "n", "r"),
    [  # SOURCES.md sanity table (2025), where it excludes City of London and the Isles of Scilly
        ("idaci2019_score", "cla_rate", 147, 0.67),
        ("imd2019_score", "cla_rate", 147, 0.70),
        ("idaci2025_score", "cla_rate", 151, 0.44),
        ("imd2025_score", "cla_rate", 151, 0.65),
        ("idaci2019_score", "cpp_rate", 147, 0.53),
        ("csc_spend_per_child", "cla_rate", 148, 0.68),
    ],
)
def test_sanity_correlations_match_sources(councils, x, y, n, r):
    link = population.association(councils, x, y)
    assert link.n == n
    assert link.pearson_r == pytest.approx(r, abs=0.006)


def test_england_file(england):
    assert england["year"].tolist() == list(range(2013, 2026))
    latest = england[england["year"] == 2025].iloc[0]
    assert latest["referrals"] == 632_830  # DfE national figure, rounded to 10
    assert latest["cla_rate_published"] == 67
    assert abs(latest["cla_rate"] - 67) <= 0.5


def test_committed_file_format():
    for name in ("councils.csv", "england.csv"):
        data = (ROOT / "sample_data" / name).read_bytes()
        assert b"\r" not in data
        assert data.endswith(b"\n")
        assert not data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(ROOT / "sample_data" / "councils.csv", dtype={"new_la_code": str})
    assert table[["new_la_code", "year"]].equals(
        table[["new_la_code", "year"]].sort_values(["new_la_code", "year"], ignore_index=True)
    )
    assert not table.duplicated(["new_la_code", "year"]).any()


def test_script_regenerates_the_committed_files_byte_identically(tmp_path):
    out = tmp_path / "councils.csv"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(PUBLIC), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == (ROOT / "sample_data" / "councils.csv").read_bytes()
    assert (tmp_path / "england.csv").read_bytes() == (ROOT / "sample_data" / "england.csv").read_bytes()


def test_script_rejects_a_missing_folder(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "nowhere"), "--out", str(tmp_path / "c.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "pass the folder holding SOURCES.md" in done.stderr
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize(
    ("file", "first"),
    [
        ("b1_children_in_need_2013_to_2025.csv", 2013),
        ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", 2013),
        ("d5_cpps_at31march_by_duration_2013_to_2025.csv", 2013),
        ("c3_factors_identified_at_end_of_assessment_2018_to_2025.csv", 2018),
    ],
)
def test_every_council_year_finds_its_row_in_each_dfe_table(councils, file, first):
    frame = raw(file)
    frame = frame[frame["geographic_level"] == "Local authority"]
    theirs = set(zip(frame["time_period"].astype(int), frame["new_la_code"], strict=True))
    ours = councils[councils["year"] >= first]
    assert set(zip(ours["year"], ours["new_la_code"], strict=True)) == theirs
