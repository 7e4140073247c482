"""The scored cohort: the one shape every evidence page reads, and the bundled sample.

A scored cohort is one row per referral in a test set with a recorded ``outcome`` (0/1), one or
more score columns, and any characteristic (group) columns. The bundled sample is the synthetic
council's test period; an analyst can bring their own (:mod:`csc_dash.cohort.upload`).
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from csc_dash.models import MODEL_LABELS, LinearExplanation
from csc_dash.synthetic import BIAS_LEVELS, FACTORS, BiasLevel

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"

#: Characteristics the pages can split by, with plain names.
GROUP_LABELS = {
    "age_band": "Age",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability_status": "Disability",
    "deprivation_quintile": "How deprived the area is",
    "deprivation_decile": "Area deprivation (tenths, 1 = most deprived)",
    "referral_source": "Who referred",
}
SAMPLE_GROUP_COLUMNS = (
    "age_band",
    "gender",
    "ethnicity",
    "disability_status",
    "deprivation_quintile",
)
QUINTILE_LABELS = {
    1: "1 most deprived",
    2: "2",
    3: "3",
    4: "4",
    5: "5 least deprived",
}
_SCORE_DECIMALS = 6


@dataclass(frozen=True)
class ScoredCohort:
    """Referrals with a recorded outcome and one or more model scores.

    Attributes
    ----------
    frame
        One row per referral.
    score_columns
        Model key -> column in ``frame`` holding that model's score (higher = more concern).
    model_labels
        Model key -> plain name shown on screen.
    group_columns
        Characteristic columns that fairness views can split by.
    source
        ``"sample"`` (synthetic) or ``"upload"``.
    bias
        For the synthetic sample, the visibility-bias level of the world it came from.
    months
        How many months the referrals span (for "families a month" capacity).
    notices
        Plain messages about what was done to the data on loading (rows dropped, rescaling).
    column_labels
        For an upload: internal column -> the column's name as typed (see :meth:`label`).
    """

    frame: pd.DataFrame
    score_columns: dict[str, str]
    model_labels: dict[str, str]
    group_columns: tuple[str, ...] = ()
    outcome_column: str = "outcome"
    source: Literal["sample", "upload"] = "sample"
    bias: BiasLevel | None = None
    months: float = 12.0
    notices: tuple[str, ...] = field(default=())
    column_labels: dict[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        """The plain name of a column: as typed for an upload, else its sample name."""
        return self.column_labels.get(column) or GROUP_LABELS.get(column, column)

    @property
    def y(self) -> np.ndarray:
        return self.frame[self.outcome_column].to_numpy()

    @property
    def has_need(self) -> bool:
        return "need" in self.frame.columns

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(self.score_columns)

    def scores(self, model: str) -> np.ndarray:
        try:
            column = self.score_columns[model]
        except KeyError:
            raise ValueError(
                f"There is no model called {model!r}; choose one of {', '.join(self.models)}."
            ) from None
        return self.frame[column].to_numpy(dtype=float)

    def __len__(self) -> int:
        return len(self.frame)

    def summary(self) -> dict[str, float]:
        """Referrals, how many went on to a plan or care, and that as a count per 1,000."""
        n = len(self.frame)
        positives = int(self.frame[self.outcome_column].sum())
        summary = {
            "referrals": n,
            "escalated": positives,
            "escalated_per_1000": 1000.0 * positives / n if n else float("nan"),
            "months": self.months,
        }
        if self.has_need:
            summary["needed"] = int(self.frame["need"].sum())
        return summary


def write_sample_cohort(scored: pd.DataFrame, path: Path) -> None:
    """Write a scored cohort as gzip CSV that is identical byte for byte on every run."""
    out = scored.copy()
    for column in out.columns:
        if column.startswith("score_"):
            out[column] = out[column].round(_SCORE_DECIMALS)
    text = out.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    Path(path).write_bytes(buffer.getvalue())


def _check_bias(bias: str) -> None:
    if bias not in BIAS_LEVELS:
        raise ValueError(f"bias must be one of {', '.join(BIAS_LEVELS)}; got {bias!r}.")


def load_sample_referrals(
    bias: BiasLevel = "moderate", *, data_dir: Path = SAMPLE_DIR
) -> pd.DataFrame:
    """Every synthetic referral over the five years (train, gap and test), with scores."""
    _check_bias(bias)
    path = Path(data_dir) / f"cohort_{bias}.csv.gz"
    if not path.exists():
        raise FileNotFoundError(
            f"The sample data file {path.name} is missing; run `make sample-data` to rebuild it."
        )
    frame = pd.read_csv(path, parse_dates=["referral_date"])
    bools = ["disability", "previous_plan", *FACTORS]
    frame[bools] = frame[bools].astype(bool)
    frame["deprivation_quintile"] = ((frame["deprivation_decile"] + 1) // 2).map(QUINTILE_LABELS)
    frame["disability_status"] = np.where(frame["disability"], "Disabled", "Not disabled")
    return frame


def load_sample_cohort(
    bias: BiasLevel = "moderate", *, data_dir: Path = SAMPLE_DIR
) -> ScoredCohort:
    """The synthetic council's test period, scored by both models and the current rule."""
    frame = load_sample_referrals(bias, data_dir=data_dir)
    test = frame[frame["split"] == "test"].reset_index(drop=True)
    span = (test["referral_date"].max() - test["referral_date"].min()).days + 1
    return ScoredCohort(
        frame=test,
        score_columns={m: f"score_{m}" for m in MODEL_LABELS},
        model_labels=dict(MODEL_LABELS),
        group_columns=SAMPLE_GROUP_COLUMNS,
        source="sample",
        bias=bias,
        months=round(span / (365.25 / 12), 1),
    )


def load_structured_model(
    bias: BiasLevel = "moderate", *, data_dir: Path = SAMPLE_DIR
) -> LinearExplanation:
    """The structured model's coefficients, saved by ``make sample-data``."""
    _check_bias(bias)
    data = json.loads((Path(data_dir) / f"structured_model_{bias}.json").read_text())
    return LinearExplanation.from_dict(data)


def load_council_population(*, data_dir: Path = SAMPLE_DIR) -> pd.DataFrame:
    """The fictional council's children by deprivation decile, age band and ethnicity."""
    return pd.read_csv(Path(data_dir) / "council_population.csv")
