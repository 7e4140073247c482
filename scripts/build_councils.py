"""Build the tidy council table from the public statistics the repo carries in data/public/.

Reads the DfE children-in-need and children-looked-after tables, ONS child populations, the
MHCLG 2024-25 revenue outturn, the English Indices of Deprivation (2019 upper tier, 2025 district),
the Census 2021 ethnic mix and the DfE statistical-neighbour model 2025 (see SOURCES.md in the
public folder), and writes:

- ``sample_data/councils.csv`` — one row per upper-tier council per year (2013–2025);
- ``sample_data/england.csv`` — the same columns for England as a whole.

Rules (from SOURCES.md):

- the spine is the ONS child population (0–17) of mid-year Y-1 for the year ending March Y;
- rates per 10,000 children are recomputed from counts and that population; the published CLA
  rate is kept beside ours (whole numbers, they agree within 0.5);
- suppression and missing marks (c, x, z, u, low, k, [x]) become missing, never zero;
- IoD2019 joins through three recodes (Buckinghamshire, North Yorkshire, Somerset kept their
  boundaries); councils formed after 2019 get no IoD2019 value (the reason is in ``iod2019_note``);
- IoD2025 comes as district (LAD) figures: a single-tier council's value is its own district's;
  a county's is the simple mean of its districts, flagged in ``iod2025_method`` because MHCLG
  weights by population and a simple mean is only an approximation;
- Census counts add up exactly, so a retired county's ethnic mix is the sum of its successors'.

The output is byte-identical on every run: sorted rows, fixed decimals, "\\n" line endings.

Contains public sector information licensed under the Open Government Licence v3.0.

Usage: python scripts/build_councils.py [PUBLIC_DIR (default data/public)] [--out sample_data/councils.csv]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_DIR = ROOT / "data" / "public"

SUPPRESSED = frozenset({"c", "x", "z", "u", "low", "k", "[x]", ""})
ENGLAND = "E92000001"
FIRST_YEAR, LAST_YEAR = 2013, 2025

FILES = {
    "population": "ons_mid-year_population_estimates_2012_to_2024.csv",
    "cin": "b1_children_in_need_2013_to_2025.csv",
    "referrals": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "factors": "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv",
    "cpp": "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "cla": "cla_number_and_rate_per_10k_children.csv",
    "spend": "mhclg_revenue_outturn_2024_25_childrens_social_care_by_la.csv",
    "iod2019": "iod2019_file11_upper_tier_la_summaries.csv",
    "iod2025": "iod2025_lad_lower_tier_summaries_trafforddatalab.csv",
    "lookup": "LTLA-UTLA_Apr23_Lookup_England-Wales.csv",
    "ethnicity": "ons-ethnic-population-la.csv",
    "neighbours": "sn_model_2025_wide.csv",
}

#: The synthetic cohort's factor names -> the DfE table C3 column counted for it.
FACTOR_COLUMNS = {
    "parental_mental_health": "Mental_Health_parent",
    "domestic_abuse": "Domestic_Abuse_parent",
    "emotional_abuse": "Emotional_Abuse",
    "child_mental_health": "Mental_Health_child",
    "neglect": "Neglect",
    "parental_alcohol_misuse": "Alcohol_Misuse_parent",
    "parental_drug_misuse": "Drug_Misuse_parent",
    "child_learning_disability": "Learning_Disability_child",
    "physical_abuse": None,  # see _physical_abuse
}

SPEND_COLUMN = "RO3: TOTAL CHILDREN SOCIAL CARE - Total Expenditure (C3 = C1 + C2)"
CLA_ON_31_MARCH = "Children looked after on 31 March each year"
IDACI_2025 = "Income Deprivation Affecting Children"
IMD_2025 = "Index of Multiple Deprivation"

#: Councils whose boundaries did not change when their code did: the 2019-coded IoD file and the
#: 2023-coded census/lookup files can be read through either code.
SAME_AREA = {
    "E06000060": "E10000002",  # Buckinghamshire (2020)
    "E06000065": "E10000023",  # North Yorkshire (2023)
    "E06000066": "E10000027",  # Somerset (2023)
}
#: Retired counties whose area is exactly the union of their successors (census counts add up).
SUCCESSORS = {
    "E10000006": ("E06000063", "E06000064"),  # Cumbria -> Cumberland, Westmorland and Furness
    "E10000021": ("E06000061", "E06000062"),  # Northamptonshire -> North, West Northamptonshire
}
IOD2019_NOTES = {
    "E06000061": "formed in 2021 from part of Northamptonshire; IoD2019 has no figure for it",
    "E06000062": "formed in 2021 from part of Northamptonshire; IoD2019 has no figure for it",
    "E06000063": "formed in 2023 from part of Cumbria; IoD2019 has no figure for it",
    "E06000064": "formed in 2023 from part of Cumbria; IoD2019 has no figure for it",
    "E06000028": "merged into Bournemouth, Christchurch and Poole in 2019; IoD2019 uses the new council",
    "E06000029": "merged into Bournemouth, Christchurch and Poole in 2019; IoD2019 uses the new council",
    "E10000009": "became a unitary council (Dorset, E06000059) in 2019 with Christchurch moved out",
}

#: Decimal places written for each float column; everything else is text or a whole number.
DECIMALS = {
    "referral_rate": 2,
    "cin_rate": 2,
    "cpp_rate": 2,
    "cla_rate": 2,
    "rereferral_pct": 2,
    **{f"factor_{k}_pct": 2 for k in FACTOR_COLUMNS},
    "csc_spend_thousands": 2,
    "csc_spend_per_child": 2,
    "imd2019_score": 3,
    "idaci2019_score": 3,
    "imd2025_score": 4,
    "idaci2025_score": 4,
    "white_british_pct": 2,
}
INTEGERS = (
    "year",
    "old_la_code",
    "population_0_17",
    "referrals",
    "rereferrals",
    "cin_at31",
    "cpp_at31",
    "cla_at31",
    "cla_rate_published",
    "assessments_with_factors",
    *(f"factor_{k}_count" for k in FACTOR_COLUMNS),
    "imd2019_rank",
)
COLUMNS = (
    "year",
    "new_la_code",
    "old_la_code",
    "la_name",
    "region_name",
    "population_0_17",
    "referrals",
    "rereferrals",
    "cin_at31",
    "cpp_at31",
    "cla_at31",
    "referral_rate",
    "cin_rate",
    "cpp_rate",
    "cla_rate",
    "cla_rate_published",
    "rereferral_pct",
    "assessments_with_factors",
    *(f"factor_{k}_count" for k in FACTOR_COLUMNS),
    *(f"factor_{k}_pct" for k in FACTOR_COLUMNS),
    "csc_spend_thousands",
    "csc_spend_per_child",
    "imd2019_score",
    "imd2019_rank",
    "idaci2019_score",
    "iod2019_code",
    "iod2019_note",
    "imd2025_score",
    "idaci2025_score",
    "iod2025_method",
    "white_british_pct",
    "stat_neighbours",
)


def number(values: pd.Series) -> pd.Series:
    """Text cells to floats: suppression marks become NaN; anything else unexpected raises."""
    text = values.astype(str).str.strip()
    text = text.where(~text.str.lower().isin(SUPPRESSED))
    out = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = text.notna() & out.isna()
    if bad.any():
        raise ValueError(f"unexpected text in {values.name}: {sorted(set(text[bad]))[:5]}")
    return out.astype(float)


def read(public: Path, key: str) -> pd.DataFrame:
    """One public file as text (BOMs removed), so suppression marks survive until parsed."""
    path = public / FILES[key]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; see SOURCES.md in the public folder.")
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _level(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    out = frame[frame["geographic_level"] == level].copy()
    out["year"] = out["time_period"].astype(int)
    if level == "National":
        out["new_la_code"] = ENGLAND
    return out


def _physical_abuse(frame: pd.DataFrame) -> pd.Series:
    """Physical abuse by an adult: one category to 2020; from 2021 DfE split it into adult-on-child
    and child-on-child (plus a shrinking "unknown"). We keep unknown + adult-on-child, which stays
    close to the old single category and never counts one assessment twice."""
    unknown = number(frame["Physical_Abuse_unknown"])
    adult = number(frame["Physical_Abuse_adult_on_child"])
    split_collected = frame["year"] >= 2021
    return unknown + adult.where(split_collected, 0.0)


def _stats(public: Path, level: str) -> pd.DataFrame:
    """Counts and rates for every council (or England) and year, on the population spine."""
    pop = _level(read(public, "population"), level)
    pop["year"] = pop["year"] + 1  # mid-year Y-1 serves the year ending March Y
    spine = pop.assign(population_0_17=number(pop["population_estimate"]))[
        ["year", "new_la_code", "old_la_code", "la_name", "region_name", "population_0_17"]
    ]
    spine = spine[spine["year"].between(FIRST_YEAR, LAST_YEAR)]

    cin = _level(read(public, "cin"), level)
    cin = cin.assign(cin_at31=number(cin["At31_episodes"]))[["year", "new_la_code", "cin_at31"]]
    ref = _level(read(public, "referrals"), level)
    ref = ref.assign(
        referrals=number(ref["referral_count"]), rereferrals=number(ref["rereferral_count"])
    )[["year", "new_la_code", "referrals", "rereferrals"]]
    cpp = _level(read(public, "cpp"), level)
    cpp = cpp.assign(cpp_at31=number(cpp["CPP_At31"]))[["year", "new_la_code", "cpp_at31"]]
    cla = _level(read(public, "cla"), level)
    cla = cla[cla["population_type"] == CLA_ON_31_MARCH]
    cla = cla.assign(
        cla_at31=number(cla["children_count"]), cla_rate_published=number(cla["rate_per_10000"])
    )[["year", "new_la_code", "old_la_code", "cla_at31", "cla_rate_published"]]

    fac = _level(read(public, "factors"), level)
    counts = {"assessments_with_factors": number(fac["Episodes_with_assessment_factor"])}
    for name, column in FACTOR_COLUMNS.items():
        counts[f"factor_{name}_count"] = (
            _physical_abuse(fac) if column is None else number(fac[column])
        )
    fac = pd.concat([fac[["year", "new_la_code"]], pd.DataFrame(counts, index=fac.index)], axis=1)

    out = spine
    for part in (ref, cin, cpp, fac):
        if part.duplicated(["year", "new_la_code"]).any():
            raise ValueError("a statistics table has two rows for one council and year")
        out = out.merge(part, on=["year", "new_la_code"], how="left", validate="one_to_one")
    # The CLA file lists every year under today's ONS code (North Yorkshire is E06000065 even in
    # 2021), so it joins on the DfE number, which stays the same across those changes.
    key = "new_la_code" if level == "National" else "old_la_code"
    cla = cla.drop(columns="old_la_code" if key == "new_la_code" else "new_la_code")
    out = out.merge(cla, on=["year", key], how="left", validate="one_to_one")

    per_10k = 10_000 / out["population_0_17"]
    out["referral_rate"] = out["referrals"] * per_10k
    out["cin_rate"] = out["cin_at31"] * per_10k
    out["cpp_rate"] = out["cpp_at31"] * per_10k
    out["cla_rate"] = out["cla_at31"] * per_10k
    out["rereferral_pct"] = 100 * out["rereferrals"] / out["referrals"]
    for name in FACTOR_COLUMNS:
        out[f"factor_{name}_pct"] = (
            100 * out[f"factor_{name}_count"] / out["assessments_with_factors"]
        )
    return out


def _spending(public: Path) -> pd.DataFrame:
    spend = read(public, "spend")
    return pd.DataFrame(
        {
            "new_la_code": spend["ONS Code"].str.strip(),
            "csc_spend_thousands": number(spend[SPEND_COLUMN]),
        }
    )


def _attach_iod2019(frame: pd.DataFrame, public: Path) -> pd.DataFrame:
    iod = read(public, "iod2019")
    table = pd.DataFrame(
        {
            "iod2019_code": iod["Upper Tier Local Authority District code (2019)"],
            "imd2019_score": number(iod["IMD - Average score"]),
            "imd2019_rank": number(iod["IMD - Rank of average score"]),
            "idaci2019_score": number(iod["IDACI - Average score"]),
        }
    )
    codes = frame["new_la_code"].map(lambda c: SAME_AREA.get(c, c))
    out = frame.assign(iod2019_code=codes).merge(table, on="iod2019_code", how="left")
    missing = out["imd2019_score"].isna()
    out.loc[missing, "iod2019_code"] = ""
    out["iod2019_note"] = ""
    out.loc[missing, "iod2019_note"] = out.loc[missing, "new_la_code"].map(IOD2019_NOTES).fillna(
        "no IoD2019 upper-tier figure for this code"
    )
    return out


def _iod2025(public: Path) -> pd.DataFrame:
    """IoD2025 by upper-tier council: the district's own value, or a flagged simple mean."""
    iod = read(public, "iod2025")
    iod = iod[iod["index_domain"].isin([IMD_2025, IDACI_2025])]
    wide = iod.assign(score=number(iod["average_score"])).pivot(
        index="area_code", columns="index_domain", values="score"
    )
    lookup = read(public, "lookup")[["LTLA23CD", "UTLA23CD"]]
    wide = wide.join(lookup.set_index("LTLA23CD"), how="left")
    if wide["UTLA23CD"].isna().any():
        raise ValueError("an IoD2025 district is not in the LTLA-UTLA lookup")
    grouped = wide.groupby("UTLA23CD")
    out = pd.DataFrame(
        {
            "imd2025_score": grouped[IMD_2025].mean(),
            "idaci2025_score": grouped[IDACI_2025].mean(),
            "districts": grouped.size(),
        }
    )
    out["iod2025_method"] = np.where(
        out["districts"] == 1,
        "district value",
        "simple mean of " + out["districts"].astype(str) + " districts (approximation)",
    )
    out = out.drop(columns="districts").rename_axis("new_la_code").reset_index()
    # Same-area old codes read the new code's value.
    extra = out[out["new_la_code"].isin(SAME_AREA)].assign(
        new_la_code=lambda f: f["new_la_code"].map(SAME_AREA)
    )
    return pd.concat([out, extra], ignore_index=True)


def _ethnicity(public: Path) -> pd.DataFrame:
    """Share of usual residents (all ages) who are White British, Census 2021."""
    eth = read(public, "ethnicity")
    eth = pd.DataFrame(
        {
            "new_la_code": eth["2023 Upper tier local authorities Code"],
            "code": eth["Ethnic group (20 categories) Code"].astype(int),
            "people": number(eth["Observation"]),
        }
    )
    eth = eth[eth["new_la_code"].str.startswith("E") & eth["code"].between(1, 19)]
    table = eth.assign(white_british=np.where(eth["code"] == 13, eth["people"], 0.0))
    sums = table.groupby("new_la_code")[["people", "white_british"]].sum()
    extra = []
    for old, new in SAME_AREA.items():
        extra.append(sums.loc[[old]].rename(index={old: new}))
    for county, parts in SUCCESSORS.items():
        extra.append(sums.loc[list(parts)].sum().to_frame(county).T)
    extra.append(sums.sum().to_frame(ENGLAND).T)
    sums = pd.concat([sums, *extra])
    return pd.DataFrame(
        {"white_british_pct": 100 * sums["white_british"] / sums["people"]}
    ).rename_axis("new_la_code").reset_index()


def _neighbours(public: Path, old_to_new: dict[str, str]) -> pd.DataFrame:
    """The 2025 model's ten statistical neighbours, as ';'-joined new_la_codes, closest first."""
    sn = read(public, "neighbours")
    slots = [f"SN_{i}" for i in range(1, 11)]
    joined = sn[slots].apply(
        lambda row: ";".join(old_to_new[v.strip()] for v in row if v.strip()), axis=1
    )
    return pd.DataFrame({"old_la_code": sn["old_la_code"].str.strip(), "stat_neighbours": joined})


def build(public: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The council table and the England table, before formatting."""
    public = Path(public)
    councils = _stats(public, "Local authority")
    england = _stats(public, "National")
    england["la_name"] = "England"

    spend = _spending(public)
    councils = councils.merge(spend, on="new_la_code", how="left")
    england = england.merge(spend, on="new_la_code", how="left")
    for frame in (councils, england):
        not_2025 = frame["year"] != LAST_YEAR  # the outturn is for 2024-25 only
        frame.loc[not_2025, "csc_spend_thousands"] = np.nan
        frame["csc_spend_per_child"] = frame["csc_spend_thousands"] * 1000 / frame["population_0_17"]

    councils = _attach_iod2019(councils, public)
    councils = councils.merge(_iod2025(public), on="new_la_code", how="left")
    councils["iod2025_method"] = councils["iod2025_method"].fillna("")
    ethnicity = _ethnicity(public)
    councils = councils.merge(ethnicity, on="new_la_code", how="left")
    england = england.merge(ethnicity, on="new_la_code", how="left")

    latest = councils[councils["year"] == LAST_YEAR]
    old_to_new = dict(zip(latest["old_la_code"], latest["new_la_code"], strict=True))
    councils = councils.merge(_neighbours(public, old_to_new), on="old_la_code", how="left")
    councils["stat_neighbours"] = councils["stat_neighbours"].fillna("")
    for column in COLUMNS:
        if column not in england.columns:
            england[column] = "" if column in ("iod2019_code", "iod2019_note", "iod2025_method", "stat_neighbours") else np.nan
    england["old_la_code"] = np.nan
    england["region_name"] = ""
    return _tidy(councils), _tidy(england)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[list(COLUMNS)].copy()
    frame["old_la_code"] = pd.to_numeric(frame["old_la_code"])
    return frame.sort_values(["new_la_code", "year"], ignore_index=True)


def to_csv_text(frame: pd.DataFrame) -> str:
    """Fixed decimals, whole numbers without '.0', missing as empty, '\\n' line endings."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in DECIMALS:
            d = DECIMALS[column]
            out[column] = [("" if pd.isna(v) else f"{v:.{d}f}") for v in values]
        elif column in INTEGERS:
            out[column] = [("" if pd.isna(v) else str(round(v))) for v in values]
        else:
            out[column] = values.fillna("").astype(str)
    return out.to_csv(index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "public", type=Path, nargs="?", default=PUBLIC_DIR,
        help="folder holding the public files and SOURCES.md (default: data/public)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "sample_data" / "councils.csv")
    parser.add_argument(
        "--england-out", type=Path, default=None, help="default: england.csv beside --out"
    )
    args = parser.parse_args(argv)
    if not args.public.is_dir():
        print(f"No folder at {args.public}; pass the folder holding SOURCES.md.", file=sys.stderr)
        return 2
    councils, england = build(args.public)
    england_out = args.england_out or args.out.with_name("england.csv")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_csv_text(councils), encoding="utf-8", newline="")
    england_out.write_text(to_csv_text(england), encoding="utf-8", newline="")
    latest = councils[councils["year"] == LAST_YEAR]
    print(
        f"wrote {args.out.name} ({len(councils):,} rows, {len(latest)} councils in {LAST_YEAR}) "
        f"and {england_out.name} ({len(england)} rows)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
