"""The published council table: every upper-tier council in England, one row a year.

``sample_data/councils.csv`` (and ``england.csv``) hold published statistics built by
``scripts/build_councils.py`` from the public files (Open Government Licence v3.0; see
``data/public/SOURCES.md``). Missing values (suppressed or not published) are NaN, never zero.
What is worked out from the table is in :mod:`csc_dash.population`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType

import pandas as pd

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

#: Deprivation measures; higher means more deprived. 2019 and 2025 scores are not comparable.
DEPRIVATION_LABELS = MappingProxyType(
    {
        "imd2019_score": "How deprived the area is (IMD 2019 score)",
        "idaci2019_score": "Share of children in low-income families (IDACI 2019)",
        "imd2025_score": "How deprived the area is (IMD 2025 score)",
        "idaci2025_score": "Share of children in low-income families (IDACI 2025)",
    }
)

#: City of London and the Isles of Scilly are tiny and mostly suppressed (SOURCES.md).
EXCLUDED_FROM_COMPARISONS = ("E09000001", "E06000053")

ENGLAND = "England"

MISSING_COLUMNS = (
    "The council table has no column named {missing}; rebuild it with `make sample-data`."
)

UNKNOWN_COUNCIL = "There is no council with code {code!r} in the table."

UNKNOWN_MEASURE = "There is no measure called {name!r}; choose one of {choices}."

_REQUIRED = ("year", "new_la_code", "old_la_code", "la_name", *RATE_LABELS, "stat_neighbours")


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
    for column in (
        "region_name",
        "iod2019_code",
        "iod2019_note",
        "iod2025_method",
        "stat_neighbours",
    ):
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


def council_row(councils: pd.DataFrame, code: str, year: int | None) -> pd.Series:
    """One council's row in ``year`` (default: the latest); ``ValueError`` if it is not there."""
    rows = councils_in_year(councils, year)
    match = rows[rows["new_la_code"] == code]
    if match.empty:
        raise ValueError(UNKNOWN_COUNCIL.format(code=code))
    return match.iloc[0]


def check_measure(name: str, choices: Iterable[str]) -> None:
    """Raise ``ValueError`` (:data:`UNKNOWN_MEASURE`) unless ``name`` is one of ``choices``."""
    choices = tuple(choices)
    if name not in choices:
        raise ValueError(UNKNOWN_MEASURE.format(name=name, choices=", ".join(choices)))


def neighbours_of(councils: pd.DataFrame, code: str, *, year: int | None = None) -> list[str]:
    """A council's ten statistical neighbours (DfE model 2025), closest first."""
    text = council_row(councils, code, year)["stat_neighbours"]
    return [c for c in str(text).split(";") if c]


def missing_measure(
    councils: pd.DataFrame, column: str, *, year: int | None = None
) -> pd.DataFrame:
    """Councils of a year without a value for ``column``, with the reason where one is known."""
    rows = councils_in_year(councils, year)
    gone = rows[rows[column].isna()]
    if column.startswith("imd2019") or column.startswith("idaci2019"):
        reason = gone["iod2019_note"].replace("", "no figure published")
    elif column in RATE_LABELS or column == "csc_spend_per_child":
        reason = pd.Series(
            "not published (numbers too small, or no complete return)", index=gone.index
        )
    else:
        reason = pd.Series("no figure published", index=gone.index)
    return pd.DataFrame(
        {"new_la_code": gone["new_la_code"], "la_name": gone["la_name"], "reason": reason}
    ).reset_index(drop=True)
