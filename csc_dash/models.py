"""Two honest models and a current-practice rule, fitted the way the national pilot did.

* ``structured`` — logistic regression on what is recorded in tick-boxes (age, who referred,
  history, factors found, deprivation, ...).
* ``text`` — the same plus the words of the case note (TF-IDF).
* ``rule`` — no model: flag a referral when the child has two or more earlier referrals.

Learning only from earlier cases: the models learn from referrals whose 12-month outcome was
already known when the test period began, and are tested on the later referrals. No family is
on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_dash.synthetic import FACTORS

__all__ = [
    "CATEGORICAL_FEATURES",
    "MODEL_LABELS",
    "BOOLEAN_FEATURES",
    "FittedModels",
    "LinearExplanation",
    "fit_models",
    "rule_flag",
    "time_ordered_split",
]

#: The analyst's names of the three tools (plain names: csc_dash.content.tools).
MODEL_LABELS = {
    "structured": "Tick-box data model",
    "text": "Tick-box data + case notes model",
    "rule": "Current practice rule (2 or more earlier referrals)",
}

CATEGORICAL_FEATURES = ("age_band", "gender", "ethnicity", "referral_source", "deprivation_decile")
BOOLEAN_FEATURES = ("disability", "previous_plan", *FACTORS)
_PREVIOUS_CAP = 10

TEST_START = pd.Timestamp("2023-04-01")  # the last two of the five years are the test period
OUTCOME_WINDOW = pd.Timedelta(days=365)


def time_ordered_split(cohort: pd.DataFrame) -> pd.Series:
    """Label each referral ``train``, ``gap`` or ``test``.

    Test: referrals on or after :data:`TEST_START`. Train: referrals whose 12-month outcome was
    known before the test period began, from families with no referral in the test period.
    Everything else (the year before the test, or a family that appears in the test) is ``gap``
    and is used for neither.
    """
    dates = pd.to_datetime(cohort["referral_date"])
    test = dates >= TEST_START
    test_families = set(cohort.loc[test, "family_id"])
    train = (dates < TEST_START - OUTCOME_WINDOW) & ~cohort["family_id"].isin(test_families)
    split = np.where(test, "test", np.where(train, "train", "gap"))
    return pd.Series(split, index=cohort.index, name="split")


def rule_flag(cohort: pd.DataFrame) -> pd.Series:
    """Current-practice comparator: flag when the child has two or more earlier referrals."""
    return (cohort["previous_referrals"] >= 2).astype("int8").rename("rule_flag")


def _design(cohort: pd.DataFrame) -> pd.DataFrame:
    """The structured features as a frame of numbers (one-hot categories, 0/1 flags)."""
    parts = [
        pd.get_dummies(cohort[c].astype(str), prefix=c, prefix_sep="=", dtype=float)
        for c in CATEGORICAL_FEATURES
    ]
    flags = cohort[list(BOOLEAN_FEATURES)].astype(float)
    prev = np.minimum(cohort["previous_referrals"].to_numpy(), _PREVIOUS_CAP).astype(float)
    numeric = pd.DataFrame({"previous_referrals": prev}, index=cohort.index)
    return pd.concat([*parts, flags, numeric], axis=1)


#: Significant digits a fitted coefficient keeps in ``sample_data/structured_model_*.json``.
STORED_DIGITS = 12


def _stored(value: float) -> float:
    return float(f"{float(value):.{STORED_DIGITS}g}")


@dataclass(frozen=True)
class LinearExplanation:
    """The structured model as plain numbers, so the app can explain a score without sklearn.

    ``score = 1 / (1 + exp(-(intercept + sum(coefficients[f] * x[f]))))`` where ``x`` is the
    one-hot / 0-1 / capped-count encoding of a referral (see :meth:`encode`).
    """

    intercept: float
    coefficients: dict[str, float]

    def encode(self, cohort: pd.DataFrame) -> pd.DataFrame:
        design = _design(cohort)
        return design.reindex(columns=list(self.coefficients), fill_value=0.0)

    def logit(self, cohort: pd.DataFrame) -> np.ndarray:
        x = self.encode(cohort).to_numpy()
        return self.intercept + x @ np.array(list(self.coefficients.values()))

    def score(self, cohort: pd.DataFrame) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(cohort)))

    def to_dict(self) -> dict:
        """The coefficients rounded to :data:`STORED_DIGITS` significant digits.

        A fit lands on the same coefficients to about 1e-14 on every CPU, but not on the same
        last bits (OpenBLAS picks kernels by CPU and thread count), so the stored file keeps
        only the digits every machine agrees on.
        """
        return {
            "intercept": _stored(self.intercept),
            "coefficients": {name: _stored(value) for name, value in self.coefficients.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> LinearExplanation:
        return cls(float(data["intercept"]), {k: float(v) for k, v in data["coefficients"].items()})


@dataclass(frozen=True)
class FittedModels:
    """Scores for every referral and the explanation of the structured model."""

    scores: pd.DataFrame  # columns score_structured, score_text, score_rule
    structured: LinearExplanation


def fit_models(cohort: pd.DataFrame, split: pd.Series, *, random_state: int = 0) -> FittedModels:
    """Fit both models on the ``train`` rows and score every row.

    Parameters
    ----------
    cohort
        A frame from :func:`csc_dash.synthetic.generate_cohort`.
    split
        Labels from :func:`time_ordered_split`.
    random_state
        Passed to every estimator that draws random numbers.
    """
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train = (split == "train").to_numpy()
    y = cohort["outcome"].to_numpy()[train]
    design = _design(cohort)

    structured = LogisticRegression(C=0.3, max_iter=2000, random_state=random_state)
    structured.fit(design.to_numpy()[train], y)
    score_structured = structured.predict_proba(design.to_numpy())[:, 1]

    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=5, max_features=3000, sublinear_tf=True)
    words = tfidf.fit(cohort["case_note"].to_numpy()[train]).transform(cohort["case_note"])
    both = hstack([csr_matrix(design.to_numpy()), words]).tocsr()
    text = LogisticRegression(C=0.3, max_iter=4000, random_state=random_state)
    text.fit(both[train], y)
    score_text = text.predict_proba(both)[:, 1]

    scores = pd.DataFrame(
        {
            "score_structured": score_structured,
            "score_text": score_text,
            "score_rule": rule_flag(cohort).astype(float).to_numpy(),
        },
        index=cohort.index,
    )
    explanation = LinearExplanation(
        float(structured.intercept_[0]),
        dict(zip(design.columns, map(float, structured.coef_[0]), strict=True)),
    )
    return FittedModels(scores=scores, structured=explanation)
