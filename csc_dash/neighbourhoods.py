"""Our made-up council by neighbourhood: referrals, recorded plans or care and true need per
10,000 children a year in each tenth (decile) of deprivation, the factors found there, and a
prevention what-if that shows simple arithmetic, never a forecast.

Reads the synthetic referrals (:mod:`csc_dash.synthetic`) and the council's children by decile.
Decile 1 is the most deprived. Pure pandas/numpy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_dash.population import FACTOR_LABELS
from csc_dash.synthetic import FACTORS

UNKNOWN_FACTOR = "There is no factor called {name!r}; choose one of {choices}."

BAD_REDUCTION = "The reduction must be between 0 and 1 (for example 0.2 for 20%); got {value!r}."

BAD_DECILES = "Deciles must be whole numbers from 1 (most deprived) to 10; got {value!r}."


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


def decile_ratio(gradient: pd.DataFrame, column: str) -> float:
    """How many times higher ``column`` is in decile 1 (most deprived) than in decile 10."""
    by = gradient.set_index("deprivation_decile")[column]
    if 1 not in by.index or 10 not in by.index or by[10] == 0:
        return float("nan")
    return float(by[1] / by[10])


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
