"""A seeded generator of a fictional council's referrals to children's social care.

Nothing here describes a real child or family. The generator builds a child population over
neighbourhood deprivation deciles, draws referrals from it (children in deprived and struggling
families are referred far more often), adds what an assessment would find, writes a short case
note from templates, and decides two outcomes:

* ``need`` — whether the child truly needed a protection plan or care (latent; a real council
  never sees it), and
* ``outcome`` — whether a plan or care was *recorded* within 12 months. It is ``need`` filtered
  by how visible the family is to services (earlier contacts, who referred, deprivation), which
  is where surveillance and recording bias enter.

The figures it is calibrated to are in :mod:`csc_dash.facts`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from csc_dash.facts import ASSESSMENT_FACTOR_SHARES, REFERRAL_SOURCE_SHARES

__all__ = [
    "AGE_BANDS",
    "BIAS_LEVELS",
    "ETHNICITIES",
    "FACTORS",
    "GENDERS",
    "BiasLevel",
    "council_population",
    "generate_cohort",
]

BiasLevel = Literal["none", "moderate", "strong"]
BIAS_LEVELS: tuple[BiasLevel, ...] = ("none", "moderate", "strong")

AGE_BANDS = ("<1", "1-4", "5-9", "10-15", "16+")
ETHNICITIES = ("White", "Mixed", "Asian", "Black", "Other", "Not known")
GENDERS = ("Girl", "Boy")
FACTORS = tuple(ASSESSMENT_FACTOR_SHARES)
REFERRAL_SOURCES = tuple(REFERRAL_SOURCE_SHARES)

START_DATE = pd.Timestamp("2020-04-01")
N_DAYS = 5 * 365 + 1  # five financial years, 2020-21 to 2024-25
N_YEARS = 5
# Everyone who is a child (0-17) at some point in the five years: born up to 18 years before the
# start or during the five years. About 92,000 are children on any one day (a mid-sized council).
N_CHILDREN = 117_600
_BORN_BEFORE_START_YEARS = 18.0
_BORN_AFTER_START_YEARS = 5.0
# More children live in the more deprived deciles than a flat split (decile 1 = most deprived).
_DECILE_WEIGHTS = np.array([14.0, 13.0, 12.0, 11.0, 10.0, 9.5, 8.5, 8.0, 7.5, 6.5])
# Ethnic mix of children in the most and least deprived deciles; interpolated between.
_ETHNIC_MIX_DEPRIVED = np.array([0.56, 0.08, 0.19, 0.13, 0.04])
_ETHNIC_MIX_AFFLUENT = np.array([0.84, 0.05, 0.07, 0.02, 0.02])
_NOT_KNOWN_SHARE = 0.03  # ethnicity not recorded on the referral

# Visibility to services: how likely true need is recorded as a plan or care. Coefficients on
# the log-odds scale; "none" keeps only the constant, so recording is equally good for everyone.
_VISIBILITY = {
    "none": {"deprivation": 0.0, "previous": 0.0, "agency": 0.0, "black_mixed": 0.0},
    "moderate": {"deprivation": 0.04, "previous": 0.8, "agency": 0.6, "black_mixed": 0.3},
    "strong": {"deprivation": 0.12, "previous": 1.6, "agency": 1.2, "black_mixed": 0.7},
}
_VISIBLE_SHARE = 0.62  # average share of true need that gets recorded, at every bias level
_AGENCY_SOURCES = ("Police", "Council services", "Health services", "Other legal agency")

_FACTOR_PHRASES = {
    "parental_mental_health": [
        "mother reports low mood and anxiety",
        "father has depression and is not sleeping",
        "parent struggling with mental health",
        "parent under mental health team",
    ],
    "domestic_abuse": [
        "police called to incident at home",
        "history of domestic violence between parents",
        "arguments and shouting heard by neighbours",
        "mother disclosed abuse by partner",
    ],
    "emotional_abuse": [
        "child spoken to harshly and belittled",
        "child says parent calls them names",
        "child appears frightened of carer",
    ],
    "child_mental_health": [
        "young person self harming",
        "child anxious and withdrawn at school",
        "referral to CAMHS made",
    ],
    "neglect": [
        "child often hungry and unkempt",
        "home conditions poor and unsafe",
        "missed health appointments",
        "child arriving at school late and tired",
    ],
    "parental_alcohol_misuse": [
        "parent drinking heavily",
        "alcohol use by carer noted",
        "father drunk when collecting child",
    ],
    "parental_drug_misuse": [
        "parent using cannabis daily",
        "concerns about drug use in the home",
        "needles found in the home",
    ],
    "child_learning_disability": [
        "child has learning disability and EHCP",
        "child has additional needs",
    ],
    "physical_abuse": [
        "bruise noticed on arm",
        "child says they were hit",
        "unexplained injury seen by teacher",
    ],
}
_NOISE_PHRASES = [
    "family known to early help",
    "school attendance is good",
    "grandparents are supportive",
    "family recently moved house",
    "parent engaged well with worker",
    "housing is overcrowded",
    "money is tight this month",
    "child enjoys football",
    "health visitor visited",
    "no concerns raised by nursery",
    "parent asked for support",
    "child has lots of friends",
    "family on waiting list for housing",
    "worker visited and child was seen",
    "parent works night shifts",
]
# Phrases a worker writes more often when things are worse than the tick-boxes show. They carry a
# little signal about latent need; the pilot found text added little, and so does ours.
_WORRY_PHRASES = [
    "worker worried about supervision",
    "parent did not answer the door",
    "child seemed hungry",
    "previous worker had concerns",
]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _intercept_for_mean(logits: np.ndarray, target: float) -> float:
    """The constant that, added to ``logits``, makes the mean probability equal ``target``."""
    lo, hi = -30.0, 30.0
    for _ in range(80):  # bisection: deterministic and exact to machine precision
        mid = (lo + hi) / 2
        if _sigmoid(logits + mid).mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _children(rng: np.random.Generator) -> pd.DataFrame:
    """Every child in the fictional council at the start of the five years, grouped in families."""
    weights = _DECILE_WEIGHTS / _DECILE_WEIGHTS.sum()
    decile = rng.choice(np.arange(1, 11), size=N_CHILDREN, p=weights)
    # Families of one to four children; siblings share decile, ethnicity and family adversity.
    sizes = rng.choice([1, 2, 3, 4], size=N_CHILDREN, p=[0.42, 0.36, 0.16, 0.06])
    family_of_child = np.repeat(np.arange(N_CHILDREN), sizes)[:N_CHILDREN]
    n_families = family_of_child.max() + 1
    fam_decile = decile[:n_families]
    frac = (fam_decile - 1) / 9.0  # 0 = most deprived, 1 = least
    mix = (1 - frac)[:, None] * _ETHNIC_MIX_DEPRIVED + frac[:, None] * _ETHNIC_MIX_AFFLUENT
    cum = mix.cumsum(axis=1)
    fam_ethnicity = (rng.random(n_families)[:, None] > cum).sum(axis=1)
    # Family adversity: a latent mix of pressures, higher on average in deprived neighbourhoods.
    fam_adversity = rng.normal(0.75 * (1 - frac), 1.0)
    # Age on the first day of the five years; negative means born during them.
    age = rng.uniform(-_BORN_AFTER_START_YEARS, _BORN_BEFORE_START_YEARS, size=N_CHILDREN)
    return pd.DataFrame(
        {
            "child_id": np.arange(N_CHILDREN),
            "family_id": family_of_child,
            "deprivation_decile": fam_decile[family_of_child],
            "ethnicity_code": fam_ethnicity[family_of_child],
            "adversity": fam_adversity[family_of_child] + rng.normal(0, 0.35, N_CHILDREN),
            "age_at_start": age,
            "gender": rng.choice(np.array(GENDERS), size=N_CHILDREN),
            "disability": rng.random(N_CHILDREN) < 0.07,
        }
    )


def _age_band(age: np.ndarray) -> np.ndarray:
    edges = np.array([1, 5, 10, 16])
    return np.array(AGE_BANDS)[np.searchsorted(edges, age, side="right")]


def council_population(*, seed: int = 0) -> pd.DataFrame:
    """The fictional council's children by deprivation decile, age band and ethnicity.

    Counts are children aged 0-17 half way through the five years, so rates per 10,000 children
    can be computed for the referrals of :func:`generate_cohort` with the same seed.

    Returns
    -------
    pandas.DataFrame
        Columns ``deprivation_decile, age_band, ethnicity, children``.
    """
    rng = np.random.default_rng([seed, 0])
    kids = _children(rng)
    age_mid = kids["age_at_start"].to_numpy() + N_YEARS / 2
    alive = (age_mid >= 0) & (age_mid < 18)
    frame = pd.DataFrame(
        {
            "deprivation_decile": kids["deprivation_decile"].to_numpy()[alive],
            "age_band": _age_band(age_mid[alive]),
            "ethnicity": np.array(ETHNICITIES[:5])[kids["ethnicity_code"].to_numpy()[alive]],
        }
    )
    table = (
        frame.groupby(["deprivation_decile", "age_band", "ethnicity"], observed=True)
        .size()
        .rename("children")
        .reset_index()
    )
    return table.sort_values(["deprivation_decile", "age_band", "ethnicity"], ignore_index=True)


def generate_cohort(
    n_referrals: int = 24_000, *, seed: int = 0, bias: BiasLevel = "moderate"
) -> pd.DataFrame:
    """Synthetic referrals to a fictional council's children's social care over five years.

    Parameters
    ----------
    n_referrals
        How many referrals to draw.
    seed
        Seed for every random draw; the same seed gives the same frame.
    bias
        How strongly the recorded ``outcome`` depends on how visible a family is to services:
        ``"none"`` (true need is recorded equally often for everyone), ``"moderate"`` (the
        default world) or ``"strong"``. True ``need`` is the same at every level.

    Returns
    -------
    pandas.DataFrame
        One row per referral, ordered by date. See ``README.md`` for the columns.
    """
    if not isinstance(n_referrals, (int, np.integer)) or n_referrals < 1:
        raise ValueError(f"n_referrals must be a positive whole number; got {n_referrals!r}.")
    if bias not in _VISIBILITY:
        raise ValueError(f"bias must be one of {', '.join(BIAS_LEVELS)}; got {bias!r}.")
    rng = np.random.default_rng([seed, 0])
    kids = _children(rng)
    rng = np.random.default_rng([seed, 1])

    # Who is referred: the chance rises steeply with deprivation and with family adversity.
    frac = (kids["deprivation_decile"].to_numpy() - 1) / 9.0
    adversity = kids["adversity"].to_numpy()
    # Each child can only be referred while they are a child within the five years.
    age0 = kids["age_at_start"].to_numpy()
    first_year = np.clip(-age0, 0, N_YEARS)
    last_year = np.clip(18 - age0, 0, N_YEARS)
    exposure = last_year - first_year
    weight = exposure * np.exp(0.85 * adversity - 0.9 * frac + 0.35 * kids["disability"].to_numpy())
    pick = rng.choice(N_CHILDREN, size=n_referrals, p=weight / weight.sum())
    ref = kids.iloc[pick].reset_index(drop=True)
    year = first_year[pick] + rng.random(n_referrals) * exposure[pick]
    day = np.minimum((year * 365.25).astype(int), N_DAYS - 1)
    ref["referral_date"] = START_DATE + pd.to_timedelta(day, unit="D")
    ref = ref.sort_values(["referral_date", "child_id"], kind="stable", ignore_index=True)
    n = len(ref)
    adversity = ref["adversity"].to_numpy()
    frac = (ref["deprivation_decile"].to_numpy() - 1) / 9.0

    age = ref["age_at_start"].to_numpy() + (ref["referral_date"] - START_DATE).dt.days / 365.25
    age = np.clip(age.to_numpy(), 0.0, 17.99)
    ref["age_band"] = _age_band(age)
    eth = np.array(ETHNICITIES)[ref["ethnicity_code"].to_numpy()]
    eth[rng.random(n) < _NOT_KNOWN_SHARE] = "Not known"
    ref["ethnicity"] = eth

    # History: contacts before the five years began, plus referrals within them.
    prior = rng.poisson(np.exp(0.6 * adversity - 1.8))
    earlier_in_window = ref.groupby("child_id").cumcount().to_numpy()
    ref["previous_referrals"] = prior + earlier_in_window
    prior_plan = rng.random(n) < _sigmoid(1.1 * adversity - 4.0)
    # The same child keeps a prior plan across their referrals.
    ref["_prior_plan"] = prior_plan
    prior_plan = ref.groupby("child_id")["_prior_plan"].transform("first").to_numpy()

    # Referral source, near the national mix.
    p_source = np.array(list(REFERRAL_SOURCE_SHARES.values()))
    ref["referral_source"] = rng.choice(
        np.array(REFERRAL_SOURCES), size=n, p=p_source / p_source.sum()
    )

    # What an assessment finds: each factor more likely with adversity; shares near national.
    young = np.isin(ref["age_band"].to_numpy(), ["<1", "1-4"])
    teen = np.isin(ref["age_band"].to_numpy(), ["10-15", "16+"])
    factor_logits = {
        "parental_mental_health": 0.6 * adversity,
        "domestic_abuse": 0.7 * adversity + 0.9 * (ref["referral_source"].to_numpy() == "Police"),
        "emotional_abuse": 0.6 * adversity,
        "child_mental_health": 0.3 * adversity + 1.4 * teen - 0.8 * young,
        "neglect": 0.9 * adversity + 0.4 * young,
        "parental_alcohol_misuse": 0.7 * adversity,
        "parental_drug_misuse": 0.8 * adversity,
        "child_learning_disability": 1.5 * ref["disability"].to_numpy() + 0.1 * adversity,
        "physical_abuse": 0.5 * adversity,
    }
    for name, logit in factor_logits.items():
        logit = logit + rng.normal(0, 0.5, n)
        target = ASSESSMENT_FACTOR_SHARES[name] / 100
        ref[name] = rng.random(n) < _sigmoid(logit + _intercept_for_mean(logit, target))

    # True need for a plan or care: driven by what was found, adversity and age.
    f = {k: ref[k].to_numpy().astype(float) for k in FACTORS}
    need_logit = (
        0.3 * adversity
        + 0.9 * f["neglect"]
        + 0.9 * f["physical_abuse"]
        + 0.6 * f["emotional_abuse"]
        + 0.5 * f["domestic_abuse"]
        + 0.6 * f["parental_drug_misuse"]
        + 0.4 * f["parental_alcohol_misuse"]
        + 0.2 * f["parental_mental_health"]
        + 0.7 * young
        + 0.5 * prior_plan
        + rng.normal(0, 0.9, n)
    )
    need = rng.random(n) < _sigmoid(need_logit + _intercept_for_mean(need_logit, 0.058))

    # Recording: need becomes a recorded plan or care only if the family is visible enough.
    vis = _VISIBILITY[bias]
    black_mixed = np.isin(eth, ["Black", "Mixed"])
    agency = np.isin(ref["referral_source"].to_numpy(), _AGENCY_SOURCES)
    previous = ref["previous_referrals"].to_numpy() > 0
    vis_logit = (
        vis["deprivation"] * 9 * (1 - frac)
        + vis["previous"] * previous
        + vis["agency"] * agency
        + vis["black_mixed"] * black_mixed
    )
    # Centre on the children who need help, so the share recorded is the same at every level.
    vis_logit = vis_logit - vis_logit[need].mean() if need.any() else vis_logit
    recorded = rng.random(n) < _sigmoid(vis_logit + _intercept_for_mean(vis_logit[need], _VISIBLE_SHARE))
    outcome = need & recorded

    # A plan recorded earlier in the five years counts as a previous plan for later referrals.
    ref["_outcome"] = outcome
    earlier_plan = (
        ref.groupby("child_id")["_outcome"].transform(lambda s: s.shift(fill_value=False).cummax())
    ).to_numpy(dtype=bool)
    ref["previous_plan"] = prior_plan | earlier_plan

    ref["case_note"] = _case_notes(ref, need_logit, rng)
    ref["need"] = need.astype("int8")
    ref["outcome"] = outcome.astype("int8")
    ref["referral_id"] = [f"R{seed:02d}{i:06d}" for i in range(n)]
    ref["child_id"] = [f"C{seed:02d}{c:05d}" for c in ref["child_id"]]
    ref["family_id"] = [f"F{seed:02d}{c:05d}" for c in ref["family_id"]]
    ref["referral_date"] = ref["referral_date"].dt.date.astype("datetime64[s]")

    columns = [
        "referral_id",
        "referral_date",
        "child_id",
        "family_id",
        "age_band",
        "gender",
        "ethnicity",
        "disability",
        "deprivation_decile",
        "referral_source",
        "previous_referrals",
        "previous_plan",
        *FACTORS,
        "case_note",
        "need",
        "outcome",
    ]
    out = ref[columns].copy()
    out["previous_referrals"] = out["previous_referrals"].astype("int64")
    out["deprivation_decile"] = out["deprivation_decile"].astype("int64")
    return out


def _case_notes(ref: pd.DataFrame, need_logit: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Short template notes: who referred, some of what was found, and everyday noise."""
    notes = []
    sources = ref["referral_source"].to_numpy()
    factor_matrix = ref[list(FACTORS)].to_numpy()
    worry_p = _sigmoid(0.6 * need_logit - 2.2)
    for i in range(len(ref)):
        parts = [f"Referral from {sources[i].lower()}."]
        for j, name in enumerate(FACTORS):
            # Workers write down most of what they find, not all of it.
            if factor_matrix[i, j] and rng.random() < 0.8:
                phrases = _FACTOR_PHRASES[name]
                parts.append(phrases[rng.integers(len(phrases))].capitalize() + ".")
        if rng.random() < worry_p[i]:
            parts.append(_WORRY_PHRASES[rng.integers(len(_WORRY_PHRASES))].capitalize() + ".")
        for _ in range(rng.integers(1, 3)):
            parts.append(_NOISE_PHRASES[rng.integers(len(_NOISE_PHRASES))].capitalize() + ".")
        notes.append(" ".join(parts))
    return notes
