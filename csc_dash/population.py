"""Real councils compared: how deprivation and the four rates move together, and one council
against England and its statistical neighbours.

Reads the published council table (:mod:`csc_dash.council_table`): associations between deprivation
and the four rates per 10,000 children (Pearson and Spearman, with n and a 95% interval), a
council's place among its statistical neighbours, and how far it sits above or below what
deprivation alone predicts (the residual of a straight-line fit). These are *ecological*
associations between areas: they describe, they do not explain a cause. The made-up council's
own gradient is in :mod:`csc_dash.neighbourhoods`; the words in :mod:`csc_dash.root_causes`.

Pure pandas/numpy; nothing here imports Streamlit or reads ``data/public`` at run time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from csc_dash.council_table import (
    DEPRIVATION_LABELS,
    ENGLAND,
    EXCLUDED_FROM_COMPARISONS,
    RATE_LABELS,
    UNKNOWN_MEASURE,
    check_measure,
    council_row,
    councils_in_year,
    latest_year,
    neighbours_of,
)
from csc_dash.facts import ASSESSMENT_FACTOR_LABELS
from csc_dash.synthetic import FACTORS

FACTOR_LABELS = MappingProxyType({f: ASSESSMENT_FACTOR_LABELS[f] for f in FACTORS})

#: Fewer councils than this with both values: "too few to tell".
MIN_COUNCILS = 10

_Z95 = 1.959963984540054  # standard normal quantile for a two-sided 95% interval


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
    the same on every run. ``deprivation_place`` is each council's place for deprivation among
    the same councils (1 the most deprived; equal scores share the higher place).
    """
    check_measure(rate, RATE_LABELS)
    check_measure(deprivation, DEPRIVATION_LABELS)
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
            "residual_pct": np.where(
                predicted > 0, 100 * (observed - predicted) / predicted, np.nan
            ),
        }
    )
    # Its place for deprivation among the same councils, 1 the most deprived (ties share one).
    out["deprivation_place"] = out["deprivation"].rank(ascending=False, method="min").astype(int)
    out = out.sort_values(["residual", "new_la_code"], ascending=[False, True], ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def residual_extremes(
    residuals: pd.DataFrame, *, n: int = 8, council: str | None = None
) -> pd.DataFrame:
    """The ``n`` councils furthest above and below prediction, plus ``council`` wherever it sits."""
    keep = set(residuals["new_la_code"].head(n)) | set(residuals["new_la_code"].tail(n))
    if council:
        keep.add(council)
    return residuals[residuals["new_la_code"].isin(keep)].reset_index(drop=True)


def council_rank(residuals: pd.DataFrame, council: str | None) -> Mapping | None:
    """The row of ``council`` in :func:`deprivation_residuals`, or ``None`` if it is not ranked
    (no council picked, or no figure for the rate or the measure of deprivation)."""
    mine = residuals[residuals["new_la_code"] == council] if council else residuals.iloc[:0]
    return None if mine.empty else mine.iloc[0]


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
    check_measure(rate, RATE_LABELS)
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
    check_measure(rate, RATE_LABELS)
    row = council_row(councils, code, None)
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
    row = council_row(councils, code, year)
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
    check_measure(rate, RATE_LABELS)
    year = latest_year(councils) if year is None else int(year)
    row = council_row(councils, code, year)
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
