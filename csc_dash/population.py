"""Root causes: real council statistics and the synthetic cohort's deprivation gradient.

Two kinds of figure live here.

* **Real councils.** ``sample_data/councils.csv`` (and ``england.csv``) hold published statistics
  for every upper-tier council in England, built by ``scripts/build_councils.py`` from the public
  files (Open Government Licence v3.0). Functions here read that table and compute associations
  between deprivation and the four rates per 10,000 children (Pearson and Spearman, with n and a
  95% interval), a council's place among its statistical neighbours, and how far it sits above or
  below what deprivation alone predicts (the residual of a straight-line fit). These are
  *ecological* associations between areas: they describe, they do not explain a cause.
* **The synthetic cohort.** Referrals from :mod:`csc_dash.synthetic` over the fictional
  council's children: referrals, recorded outcomes and true need per 10,000 children a year by
  deprivation decile, the factors found by decile, and a prevention what-if that shows simple
  arithmetic, never a forecast.

Pure pandas/numpy; nothing here imports Streamlit or reads ``data/public`` at run time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from csc_dash.facts import ASSESSMENT_FACTOR_LABELS
from csc_dash.synthetic import FACTORS

__all__ = [
    "COUNCILS_CSV",
    "DATA_NOTICE",
    "DEPRIVATION_LABELS",
    "ENGLAND_CSV",
    "EXCLUDED_FROM_COMPARISONS",
    "FACTOR_LABELS",
    "MADE_UP_NOTICE",
    "RECORDING_CAVEAT",
    "RATE_LABELS",
    "RATE_PLAIN",
    "Association",
    "CouncilSummary",
    "WhatIf",
    "as_mapping",
    "association",
    "biggest_factor_difference",
    "cohort_gradient",
    "cohort_years",
    "council_choices",
    "council_summary",
    "council_series",
    "councils_in_year",
    "decile_label",
    "decile_ratio",
    "deprivation_axis",
    "deprivation_label",
    "deprivation_subject",
    "deprivation_residuals",
    "describe_rate",
    "factor_comparison",
    "factors_by_decile",
    "latest_year",
    "link_numbers",
    "link_scale",
    "link_sentence",
    "load_councils",
    "load_england",
    "missing_measure",
    "missing_note",
    "neighbour_comparison",
    "neighbours_of",
    "prevention_what_if",
    "residual_extremes",
    "ranking_table",
    "scatter_points",
    "series_change",
    "strength_word",
]

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
COUNCILS_CSV = SAMPLE_DIR / "councils.csv"
ENGLAND_CSV = SAMPLE_DIR / "england.csv"

#: The four rates per 10,000 children (aged 0–17), with short names for axes and legends.
RATE_LABELS = MappingProxyType(
    {
        "referral_rate": "Referrals",
        "cin_rate": "Children in need",
        "cpp_rate": "Child protection plans",
        "cla_rate": "Children in care",
    }
)
#: What each rate counts, in plain words.
RATE_PLAIN = MappingProxyType(
    {
        "referral_rate": "referrals to children's social care in the year",
        "cin_rate": "children getting help as a child in need on 31 March",
        "cpp_rate": "children on a child protection plan on 31 March",
        "cla_rate": "children in care (looked after by the council) on 31 March",
    }
)
#: A council's rate as a plain sentence ending, given the number per 1,000 children.
_RATE_SENTENCE = MappingProxyType(
    {
        "referral_rate": "there were about {v} referrals to children's social care for every 1,000 children in the year to 31 March",
        "cin_rate": "about {v} in every 1,000 children were getting help as a child in need on 31 March",
        "cpp_rate": "about {v} in every 1,000 children were on a child protection plan on 31 March",
        "cla_rate": "about {v} in every 1,000 children were in care on 31 March",
    }
)


def describe_rate(rate: str, per_10k: float) -> str:
    """A rate per 10,000 in plain words, per 1,000 first (e.g. 'about 6.7 in every 1,000 ...')."""
    _check_measure(rate, RATE_LABELS)
    if per_10k != per_10k:
        return "the figure is not published"
    per_1000 = per_10k / 10
    shown = f"{per_1000:.0f}" if per_1000 >= 10 else f"{per_1000:.1f}"
    return _RATE_SENTENCE[rate].format(v=shown)


#: Deprivation measures; higher means more deprived. 2019 and 2025 scores are not comparable.
DEPRIVATION_LABELS = MappingProxyType(
    {
        "imd2019_score": "How deprived the area is (IMD 2019 score)",
        "idaci2019_score": "Share of children in low-income families (IDACI 2019)",
        "imd2025_score": "How deprived the area is (IMD 2025 score)",
        "idaci2025_score": "Share of children in low-income families (IDACI 2025)",
    }
)
#: Each deprivation measure as (what it measures in plain words, its year, the index's own name).
_DEPRIVATION_PARTS = MappingProxyType(
    {
        "imd2019_score": ("Overall deprivation", 2019, "IMD 2019"),
        "idaci2019_score": ("Child poverty", 2019, "IDACI 2019"),
        "imd2025_score": ("Overall deprivation", 2025, "IMD 2025"),
        "idaci2025_score": ("Child poverty", 2025, "IDACI 2025"),
    }
)
#: Where the page's figures come from: the real published ones, and the one made-up part.
DATA_NOTICE = (
    "**The council figures on this page are real.** The government publishes them: the Department "
    "for Education (DfE), the Office for National Statistics (ONS) and the housing ministry "
    "(MHCLG). Anyone may use them under the Open Government Licence. Only the part called **Our "
    "made-up council** is made up (synthetic). No real child or family is shown."
)
#: Said beside what assessments found by neighbourhood: a box counts what was written down.
RECORDING_CAVEAT = (
    "Careful: these boxes count what workers wrote down, not what families lived with. "
    "Families in poorer areas are seen more by services, so more of their worries get written "
    "down. Part of the gap may be who gets seen, not who needs help."
)
MADE_UP_NOTICE = (
    "Everything in this part is **made up** (synthetic), unlike the real council figures in the "
    "other parts. No real child or family is shown."
)


def deprivation_label(measure: str, *, analyst: bool = False) -> str:
    """A short name for a deprivation measure that fits a narrow picker.

    Plain words by default ("Child poverty, 2019"); with ``analyst`` the index's own name beside
    them ("Child poverty (IDACI 2019)").
    """
    _check_measure(measure, _DEPRIVATION_PARTS)
    what, year, index = _DEPRIVATION_PARTS[measure]
    return f"{what} ({index})" if analyst else f"{what}, {year}"


def deprivation_axis(measure: str, *, analyst: bool = False) -> str:
    """An axis title for a deprivation measure, short enough for a chart on a tablet."""
    _check_measure(measure, _DEPRIVATION_PARTS)
    what, year, index = _DEPRIVATION_PARTS[measure]
    return f"{index} score → more deprived" if analyst else f"{what}, {year} → more deprived"


def deprivation_subject(measure: str) -> str:
    """The start of a sentence about councils high on a deprivation measure."""
    _check_measure(measure, _DEPRIVATION_PARTS)
    what = _DEPRIVATION_PARTS[measure][0]
    return "Councils with more child poverty" if what == "Child poverty" else "Councils with more deprivation"


def link_sentence(link: Association, *, subject: str, outcome: str) -> str:
    """An association in words, without r or n symbols.

    ``link_sentence(a, subject="Councils with more deprivation", outcome="children in care")`` ->
    "Councils with more deprivation tend to have more children in care — a strong link across 147
    councils".
    """
    if not link.enough:
        return f"Too few councils ({link.n}) have both figures, so it is too few to tell"
    word = strength_word(link.pearson_r)
    if word == "little or no":
        return (
            f"{subject} do not clearly have more or fewer {outcome} — little or no link across "
            f"{link.n} councils"
        )
    direction = "more" if link.pearson_r > 0 else "fewer"
    return f"{subject} tend to have {direction} {outcome} — a {word} link across {link.n} councils"


def link_scale(link: Association) -> str:
    """The size of a correlation in plain words, the number beside its meaning (no symbols)."""
    if not link.enough:
        return "There are too few councils to tell how strong the link is."
    return (
        f"The link is **{strength_word(link.pearson_r)}**. On a scale from 0 (no link) to 1 "
        f"(all dots on one line), it scores {abs(link.pearson_r):.2f}."
    )


def link_numbers(link: Association, *, brief: bool = False) -> str:
    """The statistics of an association for analysts: r with its interval, rho and n.

    ``brief`` gives only "r = 0.70, n = 147 councils" (for a chart title).
    """
    if not link.enough:
        return f"n = {link.n} councils: too few to tell"
    if brief:
        return f"r = {link.pearson_r:.2f}, n = {link.n} councils"
    return (
        f"r = {link.pearson_r:.2f} (95% interval {link.pearson_low:.2f} to {link.pearson_high:.2f}), "
        f"Spearman rho = {link.spearman_rho:.2f}, n = {link.n} councils"
    )


def missing_note(missing: pd.DataFrame, *, analyst: bool = False) -> str:
    """Councils without a figure, each with its reason; plain words unless ``analyst``."""
    if missing.empty:
        return ""
    parts = []
    for name, reason in zip(missing["la_name"], missing["reason"], strict=True):
        parts.append(f"{name} ({reason if analyst else reason.replace('IoD2019', 'the 2019 index')})")
    return "These have no figure for how poor the area is. " + " ".join(f"{p}." for p in parts)


#: City of London and the Isles of Scilly are tiny and mostly suppressed (SOURCES.md).
EXCLUDED_FROM_COMPARISONS = ("E09000001", "E06000053")
FACTOR_LABELS = MappingProxyType({f: ASSESSMENT_FACTOR_LABELS[f] for f in FACTORS})
ENGLAND = "England"

#: Fewer councils than this with both values: "too few to tell".
MIN_COUNCILS = 10
_Z95 = 1.959963984540054  # standard normal quantile for a two-sided 95% interval

MISSING_COLUMNS = "The council table has no column named {missing}; rebuild it with `make sample-data`."
UNKNOWN_COUNCIL = "There is no council with code {code!r} in the table."
UNKNOWN_MEASURE = "There is no measure called {name!r}; choose one of {choices}."
UNKNOWN_FACTOR = "There is no factor called {name!r}; choose one of {choices}."
BAD_REDUCTION = "The reduction must be between 0 and 1 (for example 0.2 for 20%); got {value!r}."
BAD_DECILES = "Deciles must be whole numbers from 1 (most deprived) to 10; got {value!r}."

_REQUIRED = ("year", "new_la_code", "old_la_code", "la_name", *RATE_LABELS, "stat_neighbours")


# --------------------------------------------------------------------------- loading


def _read_table(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        path,
        dtype={
            "new_la_code": str,
            "la_name": str,
            "region_name": str,
            "iod2019_code": str,
            "iod2019_note": str,
            "iod2025_method": str,
            "stat_neighbours": str,
        },
        keep_default_na=False,
        na_values=[""],
    )
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(MISSING_COLUMNS.format(missing=", ".join(missing)))
    for column in ("region_name", "iod2019_code", "iod2019_note", "iod2025_method", "stat_neighbours"):
        if column in frame.columns:
            frame[column] = frame[column].fillna("")
    frame["old_la_code"] = frame["old_la_code"].astype("Int64")
    return frame


def load_councils(path: Path | str = COUNCILS_CSV) -> pd.DataFrame:
    """The tidy council table: one row per upper-tier council per year (2013–2025).

    Missing values (suppressed or not published) are NaN, never zero.
    """
    return _read_table(Path(path))


def load_england(path: Path | str = ENGLAND_CSV) -> pd.DataFrame:
    """England as a whole, one row per year, with the same columns as the council table."""
    return _read_table(Path(path))


def latest_year(councils: pd.DataFrame) -> int:
    return int(councils["year"].max())


def councils_in_year(councils: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """The rows of one year (default: the latest)."""
    year = latest_year(councils) if year is None else int(year)
    return councils[councils["year"] == year].reset_index(drop=True)


def council_choices(councils: pd.DataFrame, year: int | None = None) -> dict[str, str]:
    """Council code -> name for one year, ordered by name (for a picker)."""
    rows = councils_in_year(councils, year).sort_values(["la_name", "new_la_code"])
    return dict(zip(rows["new_la_code"], rows["la_name"], strict=True))


def _row(councils: pd.DataFrame, code: str, year: int | None) -> pd.Series:
    rows = councils_in_year(councils, year)
    match = rows[rows["new_la_code"] == code]
    if match.empty:
        raise ValueError(UNKNOWN_COUNCIL.format(code=code))
    return match.iloc[0]


def _check_measure(name: str, choices: Iterable[str]) -> None:
    choices = tuple(choices)
    if name not in choices:
        raise ValueError(UNKNOWN_MEASURE.format(name=name, choices=", ".join(choices)))


def neighbours_of(councils: pd.DataFrame, code: str, *, year: int | None = None) -> list[str]:
    """A council's ten statistical neighbours (DfE model 2025), closest first."""
    text = _row(councils, code, year)["stat_neighbours"]
    return [c for c in str(text).split(";") if c]


# --------------------------------------------------------------------------- associations


@dataclass(frozen=True)
class Association:
    """How two council measures move together in one year.

    ``pearson_r`` (straight-line), ``spearman_rho`` (rank order), each in [-1, 1]; ``low``/``high``
    is the 95% interval of ``pearson_r`` (Fisher z). ``slope``/``intercept`` is the least-squares
    line ``y = intercept + slope * x``. ``enough`` is False when fewer than ``MIN_COUNCILS`` councils
    have both values; the numbers are then NaN ("too few to tell").
    """

    x: str
    y: str
    year: int
    n: int
    pearson_r: float
    pearson_low: float
    pearson_high: float
    spearman_rho: float
    slope: float
    intercept: float

    @property
    def enough(self) -> bool:
        return self.n >= MIN_COUNCILS and not math.isnan(self.pearson_r)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    denom = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if denom == 0:
        return float("nan")
    return float(np.clip((dx @ dy) / denom, -1.0, 1.0))


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks for ties, as Spearman's rho needs."""
    return pd.Series(values).rank(method="average").to_numpy()


def _fit_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    dx = x - x.mean()
    sxx = float(dx @ dx)
    if sxx == 0:
        return float("nan"), float("nan")
    slope = float(dx @ (y - y.mean())) / sxx
    return slope, float(y.mean() - slope * x.mean())


def _paired(
    councils: pd.DataFrame, x: str, y: str, year: int | None, exclude: Iterable[str]
) -> pd.DataFrame:
    for name in (x, y):
        if name not in councils.columns:
            raise ValueError(UNKNOWN_MEASURE.format(name=name, choices=", ".join(councils.columns)))
    year = latest_year(councils) if year is None else int(year)
    keep = (councils["year"] == year) & ~councils["new_la_code"].isin(tuple(exclude))
    rows = councils.loc[keep, list(dict.fromkeys(["new_la_code", "la_name", x, y]))]
    return rows.dropna(subset=[x, y]).reset_index(drop=True)


def association(
    councils: pd.DataFrame,
    x: str,
    y: str,
    *,
    year: int | None = None,
    exclude: Iterable[str] = EXCLUDED_FROM_COMPARISONS,
) -> Association:
    """Pearson and Spearman correlation, n, a 95% interval and the fitted line, across councils.

    Councils missing either value are left out (never filled in); ``exclude`` drops the tiny,
    mostly suppressed councils by default.
    """
    year = latest_year(councils) if year is None else int(year)
    pairs = _paired(councils, x, y, year, exclude)
    n = len(pairs)
    nan = float("nan")
    if n < MIN_COUNCILS:
        return Association(x, y, year, n, nan, nan, nan, nan, nan, nan)
    xs, ys = pairs[x].to_numpy(float), pairs[y].to_numpy(float)
    r = _pearson(xs, ys)
    rho = _pearson(_ranks(xs), _ranks(ys))
    if math.isnan(r) or abs(r) == 1.0:
        low = high = r
    else:
        half = _Z95 / math.sqrt(n - 3)
        low, high = math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)
    slope, intercept = _fit_line(xs, ys)
    return Association(x, y, year, n, r, low, high, rho, slope, intercept)


def strength_word(r: float) -> str:
    """A plain word for the size of a correlation (by its absolute value)."""
    if r is None or math.isnan(r):
        return "too few to tell"
    a = abs(r)
    if a >= 0.6:
        return "strong"
    if a >= 0.4:
        return "moderate"
    if a >= 0.2:
        return "weak"
    return "little or no"


def scatter_points(
    councils: pd.DataFrame,
    x: str,
    y: str,
    *,
    year: int | None = None,
    council: str | None = None,
    exclude: Iterable[str] = EXCLUDED_FROM_COMPARISONS,
) -> pd.DataFrame:
    """One point per council with both values, and its role: ``chosen``, ``neighbour`` or ``other``."""
    pairs = _paired(councils, x, y, year, exclude)
    chosen = {council} if council else set()
    near = set(neighbours_of(councils, council, year=year)) if council else set()
    role = np.where(
        pairs["new_la_code"].isin(chosen),
        "chosen",
        np.where(pairs["new_la_code"].isin(near), "neighbour", "other"),
    )
    out = pd.DataFrame(
        {
            "new_la_code": pairs["new_la_code"],
            "la_name": pairs["la_name"],
            "x": pairs[x].astype(float),
            "y": pairs[y].astype(float),
            "role": role,
        }
    )
    return out.sort_values(["role", "new_la_code"], ignore_index=True)


def deprivation_residuals(
    councils: pd.DataFrame,
    rate: str,
    *,
    deprivation: str = "imd2019_score",
    year: int | None = None,
    exclude: Iterable[str] = EXCLUDED_FROM_COMPARISONS,
) -> pd.DataFrame:
    """How far each council's rate is above (+) or below (−) what deprivation alone predicts.

    The prediction is the least-squares line of ``rate`` on ``deprivation`` across councils.
    Rank 1 is furthest above its prediction; ties are broken by council code, so the ranking is
    the same on every run.
    """
    _check_measure(rate, RATE_LABELS)
    _check_measure(deprivation, DEPRIVATION_LABELS)
    fit = association(councils, deprivation, rate, year=year, exclude=exclude)
    pairs = _paired(councils, deprivation, rate, fit.year, exclude)
    predicted = fit.intercept + fit.slope * pairs[deprivation].to_numpy(float)
    observed = pairs[rate].to_numpy(float)
    out = pd.DataFrame(
        {
            "new_la_code": pairs["new_la_code"].to_numpy(),
            "la_name": pairs["la_name"].to_numpy(),
            "deprivation": pairs[deprivation].to_numpy(float),
            "observed": observed,
            "predicted": predicted,
            "residual": observed - predicted,
            "residual_pct": np.where(predicted > 0, 100 * (observed - predicted) / predicted, np.nan),
        }
    )
    out = out.sort_values(["residual", "new_la_code"], ascending=[False, True], ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


# --------------------------------------------------------------------------- one council


def neighbour_comparison(
    councils: pd.DataFrame,
    england: pd.DataFrame,
    code: str,
    rate: str,
    *,
    year: int | None = None,
) -> pd.DataFrame:
    """The council, its statistical neighbours (closest first) and England on one rate.

    Columns ``new_la_code, la_name, value, role`` with role ``chosen``, ``neighbour`` or
    ``England``; a neighbour whose value is suppressed keeps its row with NaN.
    """
    _check_measure(rate, RATE_LABELS)
    rows = councils_in_year(councils, year).set_index("new_la_code")
    year = latest_year(councils) if year is None else int(year)
    codes = [code, *neighbours_of(councils, code, year=year)]
    parts = []
    for i, c in enumerate(codes):
        if c not in rows.index:
            continue
        parts.append(
            {
                "new_la_code": c,
                "la_name": rows.at[c, "la_name"],
                "value": float(rows.at[c, rate]),
                "role": "chosen" if i == 0 else "neighbour",
            }
        )
    eng = england[england["year"] == year]
    parts.append(
        {
            "new_la_code": "E92000001",
            "la_name": ENGLAND,
            "value": float(eng[rate].iloc[0]) if len(eng) else float("nan"),
            "role": "England",
        }
    )
    return pd.DataFrame(parts)


def council_series(
    councils: pd.DataFrame, england: pd.DataFrame, code: str, rate: str
) -> pd.DataFrame:
    """A council's rate each year next to England's (long format: ``year, area, value``).

    The DfE number (``old_la_code``) links a council across a change of ONS code (for example
    Buckinghamshire in 2020, North Yorkshire and Somerset in 2023). A council formed by a
    reorganisation starts in its first year.
    """
    _check_measure(rate, RATE_LABELS)
    row = _row(councils, code, None)
    history = councils[councils["old_la_code"] == row["old_la_code"]]
    mine = pd.DataFrame({"year": history["year"], "area": row["la_name"], "value": history[rate]})
    eng = pd.DataFrame({"year": england["year"], "area": ENGLAND, "value": england[rate]})
    eng = eng[eng["year"] >= mine["year"].min()]
    out = pd.concat([mine, eng], ignore_index=True).astype({"year": int, "value": float})
    # Years with no figure for anyone (e.g. children in care before 2021) are dropped.
    known_years = out.loc[out["value"].notna(), "year"].unique()
    out = out[out["year"].isin(known_years)]
    return out.sort_values(["area", "year"], ignore_index=True)


def factor_comparison(
    councils: pd.DataFrame, england: pd.DataFrame, code: str, *, year: int | None = None
) -> pd.DataFrame:
    """Share of assessments (with any factor) that found each main factor: council vs England.

    Columns ``factor, label, council_pct, england_pct, difference`` (percentage points), in the
    order of England's shares, largest first.
    """
    year = latest_year(councils) if year is None else int(year)
    row = _row(councils, code, year)
    eng = england[england["year"] == year].iloc[0]
    out = pd.DataFrame(
        {
            "factor": list(FACTORS),
            "label": [FACTOR_LABELS[f] for f in FACTORS],
            "council_pct": [float(row[f"factor_{f}_pct"]) for f in FACTORS],
            "england_pct": [float(eng[f"factor_{f}_pct"]) for f in FACTORS],
        }
    )
    out["difference"] = out["council_pct"] - out["england_pct"]
    return out.sort_values(["england_pct", "factor"], ascending=[False, True], ignore_index=True)


@dataclass(frozen=True)
class CouncilSummary:
    """One council's figures for the sentences beside the charts (per 10,000 and per 1,000)."""

    code: str
    name: str
    year: int
    rate: str
    value: float
    england: float
    neighbour_median: float
    neighbours_higher: int
    neighbours_known: int
    spend_per_child: float
    england_spend_per_child: float

    @property
    def per_1000(self) -> float:
        return self.value / 10


def council_summary(
    councils: pd.DataFrame, england: pd.DataFrame, code: str, rate: str, *, year: int | None = None
) -> CouncilSummary:
    """A council's rate next to England's and its neighbours', and its spending per child."""
    _check_measure(rate, RATE_LABELS)
    year = latest_year(councils) if year is None else int(year)
    row = _row(councils, code, year)
    near = neighbour_comparison(councils, england, code, rate, year=year)
    values = near.loc[near["role"] == "neighbour", "value"].dropna()
    eng = england[england["year"] == year].iloc[0]
    value = float(row[rate])
    return CouncilSummary(
        code=code,
        name=str(row["la_name"]),
        year=year,
        rate=rate,
        value=value,
        england=float(eng[rate]),
        neighbour_median=float(values.median()) if len(values) else float("nan"),
        neighbours_higher=int((values > value).sum()) if not math.isnan(value) else 0,
        neighbours_known=len(values),
        spend_per_child=float(row["csc_spend_per_child"]),
        england_spend_per_child=float(eng["csc_spend_per_child"]),
    )


def series_change(series: pd.DataFrame, area: str) -> tuple[int, float, int, float] | None:
    """First and last year with a value for ``area``: ``(year, value, year, value)``, or None."""
    part = series[(series["area"] == area)].dropna(subset=["value"]).sort_values("year")
    if part.empty:
        return None
    first, last = part.iloc[0], part.iloc[-1]
    return int(first["year"]), float(first["value"]), int(last["year"]), float(last["value"])


def biggest_factor_difference(comparison: pd.DataFrame) -> pd.Series | None:
    """The factor where the council differs most from England (percentage points), or None."""
    known = comparison.dropna(subset=["difference"])
    if known.empty:
        return None
    order = known["difference"].abs().sort_values(ascending=False, kind="stable")
    return known.loc[order.index[0]]


def residual_extremes(residuals: pd.DataFrame, *, n: int = 8, council: str | None = None) -> pd.DataFrame:
    """The ``n`` councils furthest above and below prediction, plus ``council`` wherever it sits."""
    keep = set(residuals["new_la_code"].head(n)) | set(residuals["new_la_code"].tail(n))
    if council:
        keep.add(council)
    return residuals[residuals["new_la_code"].isin(keep)].reset_index(drop=True)


RANKING_COLUMNS = (
    "Council",
    "How deprived ({measure})",
    "Its figure",
    "Expected from deprivation",
    "Above or below",
)


def ranking_table(shown: pd.DataFrame, *, measure: str) -> pd.DataFrame:
    """The councils on the ranking chart with their deprivation figure beside them (a council is
    never ranked without it), in the chart's order, plain column names, whole numbers as text.

    ``shown`` is a slice of :func:`deprivation_residuals`; ``measure`` a deprivation measure key.
    """
    _check_measure(measure, _DEPRIVATION_PARTS)
    name = deprivation_label(measure)
    cols = [c.format(measure=name) for c in RANKING_COLUMNS]
    return pd.DataFrame(
        {
            cols[0]: shown["la_name"].astype(str).to_numpy(),
            cols[1]: [f"{v:.1f}" for v in shown["deprivation"]],
            cols[2]: [f"{v:.0f}" for v in shown["observed"]],
            cols[3]: [f"{v:.0f}" for v in shown["predicted"]],
            cols[4]: [
                f"{abs(r):.0f} {'above' if r >= 0 else 'below'}" for r in shown["residual"]
            ],
        }
    ).set_index(cols[0])


def missing_measure(
    councils: pd.DataFrame, column: str, *, year: int | None = None
) -> pd.DataFrame:
    """Councils of a year without a value for ``column``, with the reason where one is known."""
    rows = councils_in_year(councils, year)
    gone = rows[rows[column].isna()]
    if column.startswith("imd2019") or column.startswith("idaci2019"):
        reason = gone["iod2019_note"].replace("", "no figure published")
    elif column in RATE_LABELS or column == "csc_spend_per_child":
        reason = pd.Series("not published (numbers too small, or no complete return)", index=gone.index)
    else:
        reason = pd.Series("no figure published", index=gone.index)
    return pd.DataFrame({"new_la_code": gone["new_la_code"], "la_name": gone["la_name"], "reason": reason}).reset_index(drop=True)


def decile_ratio(gradient: pd.DataFrame, column: str) -> float:
    """How many times higher ``column`` is in decile 1 (most deprived) than in decile 10."""
    by = gradient.set_index("deprivation_decile")[column]
    if 1 not in by.index or 10 not in by.index or by[10] == 0:
        return float("nan")
    return float(by[1] / by[10])


# --------------------------------------------------------------------------- synthetic cohort


def cohort_years(referrals: pd.DataFrame) -> float:
    """How many years the referrals span (first to last referral date, inclusive)."""
    dates = pd.to_datetime(referrals["referral_date"])
    return ((dates.max() - dates.min()).days + 1) / 365.25


def _children_by_decile(population: pd.DataFrame) -> pd.Series:
    return population.groupby("deprivation_decile")["children"].sum().astype(float)


def cohort_gradient(
    referrals: pd.DataFrame, population: pd.DataFrame, *, years: float | None = None
) -> pd.DataFrame:
    """Referrals, recorded escalations and true need per 10,000 children a year, by decile.

    ``referrals`` is every synthetic referral (``deprivation_decile``, ``outcome``, ``need``);
    ``population`` the council's children by decile. Per 10,000 children a year =
    count / children / years × 10,000. Decile 1 is the most deprived.
    """
    years = cohort_years(referrals) if years is None else float(years)
    children = _children_by_decile(population)
    grouped = referrals.groupby("deprivation_decile")
    out = pd.DataFrame(
        {
            "children": children,
            "referrals": grouped.size(),
            "recorded": grouped["outcome"].sum(),
            "need": grouped["need"].sum(),
        }
    ).fillna(0)
    out.index.name = "deprivation_decile"
    scale = 10_000 / (out["children"] * years)
    out["referrals_per_10k"] = out["referrals"] * scale
    out["recorded_per_10k"] = out["recorded"] * scale
    out["need_per_10k"] = out["need"] * scale
    out["unrecorded_need_per_10k"] = out["need_per_10k"] - out["recorded_per_10k"]
    return out.reset_index().astype({"referrals": int, "recorded": int, "need": int})


def factors_by_decile(
    referrals: pd.DataFrame, population: pd.DataFrame, *, years: float | None = None
) -> pd.DataFrame:
    """Each main factor found at assessment, by deprivation decile (long format).

    Columns ``deprivation_decile, factor, label, count, pct_of_referrals, per_10k`` where
    ``per_10k`` is per 10,000 children a year in that decile.
    """
    years = cohort_years(referrals) if years is None else float(years)
    children = _children_by_decile(population)
    grouped = referrals.groupby("deprivation_decile")
    counts = grouped[list(FACTORS)].sum()
    sizes = grouped.size()
    long = counts.stack().rename("count").reset_index()
    long.columns = ["deprivation_decile", "factor", "count"]
    long["label"] = long["factor"].map(FACTOR_LABELS)
    long["pct_of_referrals"] = 100 * long["count"] / long["deprivation_decile"].map(sizes)
    long["per_10k"] = 10_000 * long["count"] / (long["deprivation_decile"].map(children) * years)
    long["count"] = long["count"].astype(int)
    return long[["deprivation_decile", "factor", "label", "count", "pct_of_referrals", "per_10k"]]


@dataclass(frozen=True)
class WhatIf:
    """The prevention what-if: simple arithmetic, never a forecast.

    Among referrals in ``deciles``: ``with_factor`` had the factor; ``recorded_with`` /
    ``recorded_without`` are the shares that went on to a recorded plan or care with and without
    it (``need_with`` / ``need_without`` the same for true need). If the factor fell by
    ``reduction``, ``reduction × with_factor`` referrals are treated as if they looked like those
    without it, so expected escalations fall by
    ``reduction × with_factor × (recorded_with − recorded_without)``. This assumes the whole gap is
    caused by the factor, which the data cannot show.
    """

    factor: str
    reduction: float
    deciles: tuple[int, ...]
    years: float
    children: float
    referrals: int
    with_factor: int
    recorded_now: int
    recorded_with: float
    recorded_without: float
    need_now: int
    need_with: float
    need_without: float

    @property
    def moved(self) -> float:
        """Referrals that no longer have the factor in the what-if."""
        return self.reduction * self.with_factor

    @property
    def recorded_fewer(self) -> float:
        return self.moved * (self.recorded_with - self.recorded_without)

    @property
    def need_fewer(self) -> float:
        return self.moved * (self.need_with - self.need_without)

    @property
    def recorded_after(self) -> float:
        return self.recorded_now - self.recorded_fewer

    @property
    def need_after(self) -> float:
        return self.need_now - self.need_fewer

    def per_10k_a_year(self, count: float) -> float:
        """A count over the whole period as per 10,000 children a year in these deciles."""
        return 10_000 * count / (self.children * self.years) if self.children else float("nan")

    @property
    def enough(self) -> bool:
        """Whether both groups are big enough for the shares to mean something."""
        return self.with_factor >= 30 and (self.referrals - self.with_factor) >= 30

    def table(self) -> pd.DataFrame:
        """Now and after, for recorded escalations and true need, as counts and per 10,000 a year."""
        rows = [
            ("recorded", "now", self.recorded_now),
            ("recorded", "after", self.recorded_after),
            ("need", "now", self.need_now),
            ("need", "after", self.need_after),
        ]
        out = pd.DataFrame(rows, columns=["measure", "when", "count"])
        out["per_10k"] = [self.per_10k_a_year(c) for c in out["count"]]
        return out


def prevention_what_if(
    referrals: pd.DataFrame,
    population: pd.DataFrame,
    *,
    factor: str = "domestic_abuse",
    reduction: float = 0.2,
    deciles: Iterable[int] = (1, 2, 3),
    years: float | None = None,
) -> WhatIf:
    """If ``factor`` fell by ``reduction`` in ``deciles``, how would expected escalations change?

    See :class:`WhatIf` for the arithmetic. It illustrates the arithmetic only: it is not a
    forecast, and it assumes the gap between referrals with and without the factor is caused by it.
    """
    if factor not in FACTORS:
        raise ValueError(UNKNOWN_FACTOR.format(name=factor, choices=", ".join(FACTORS)))
    if (
        isinstance(reduction, bool)
        or not isinstance(reduction, (int, float, np.number))
        or not 0 <= float(reduction) <= 1
    ):
        raise ValueError(BAD_REDUCTION.format(value=reduction))
    deciles = tuple(deciles)
    if not deciles or any(
        isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 1 <= d <= 10
        for d in deciles
    ):
        raise ValueError(BAD_DECILES.format(value=deciles))
    deciles = tuple(sorted({int(d) for d in deciles}))
    years = cohort_years(referrals) if years is None else float(years)
    rows = referrals[referrals["deprivation_decile"].isin(deciles)]
    has = rows[factor].astype(bool).to_numpy()
    outcome = rows["outcome"].to_numpy(dtype=float)
    need = rows["need"].to_numpy(dtype=float)

    def share(values: np.ndarray, mask: np.ndarray) -> float:
        return float(values[mask].mean()) if mask.any() else float("nan")

    children = _children_by_decile(population)
    return WhatIf(
        factor=factor,
        reduction=float(reduction),
        deciles=deciles,
        years=years,
        children=float(children.reindex(deciles).fillna(0).sum()),
        referrals=len(rows),
        with_factor=int(has.sum()),
        recorded_now=int(outcome.sum()),
        recorded_with=share(outcome, has),
        recorded_without=share(outcome, ~has),
        need_now=int(need.sum()),
        need_with=share(need, has),
        need_without=share(need, ~has),
    )


def decile_label(decile: int) -> str:
    """Plain label for a deprivation decile (1 = most deprived)."""
    if decile == 1:
        return "1 (most deprived)"
    if decile == 10:
        return "10 (least deprived)"
    return str(decile)


def as_mapping(obj: Association) -> Mapping[str, float]:
    """An association as a plain dict (for tables and saved views)."""
    return {
        "n": obj.n,
        "pearson_r": obj.pearson_r,
        "pearson_low": obj.pearson_low,
        "pearson_high": obj.pearson_high,
        "spearman_rho": obj.spearman_rho,
        "slope": obj.slope,
        "intercept": obj.intercept,
    }
