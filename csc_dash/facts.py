"""Published figures the synthetic council is calibrated to, each with its source.

These are national aggregates for England. The generator in :mod:`csc_dash.synthetic` aims at
them; the calibration tests in ``tests/test_synthetic.py`` check how close it lands.
"""

from __future__ import annotations

from types import MappingProxyType

#: Share of referrals by who referred, England 2020 (per cent of referrals; DfE, Characteristics
#: of children in need 2020, table C2).
REFERRAL_SOURCE_SHARES = MappingProxyType(
    {
        "Police": 28.7,
        "School": 18.2,
        "Health services": 15.0,
        "Council services": 14.1,
        "Individual": 8.1,
        "Other": 4.9,
        "Other legal agency": 3.9,
        "Anonymous": 2.1,
        "Education services": 2.1,
        "Housing": 1.3,
        "Unknown": 1.4,
    }
)

#: Factors found at the end of assessment, England 2024 (per cent; one assessment can have
#: several; DfE, Characteristics of children in need 2024, table C3).
ASSESSMENT_FACTOR_SHARES = MappingProxyType(
    {
        "parental_mental_health": 32.7,
        "domestic_abuse": 31.7,
        "emotional_abuse": 19.3,
        "child_mental_health": 17.0,
        "neglect": 16.5,
        "parental_alcohol_misuse": 14.3,
        "parental_drug_misuse": 14.0,
        "child_learning_disability": 11.8,
        "physical_abuse": 11.5,
    }
)

#: Plain names for the assessment factors, used on screen.
ASSESSMENT_FACTOR_LABELS = MappingProxyType(
    {
        "parental_mental_health": "a parent's mental health",
        "domestic_abuse": "domestic abuse",
        "emotional_abuse": "emotional abuse",
        "child_mental_health": "the child's mental health",
        "neglect": "neglect",
        "parental_alcohol_misuse": "a parent drinking too much",
        "parental_drug_misuse": "a parent using drugs",
        "child_learning_disability": "the child's learning disability",
        "physical_abuse": "physical abuse",
    }
)

#: Calibration targets for the synthetic council (DOMAIN.md, "Calibration targets").
OUTCOME_BASE_RATE_RANGE = (0.02, 0.05)
DECILE_RATIO_RANGE = (7.0, 14.0)
AVERAGE_PRECISION_RANGE = (0.08, 0.45)
TEXT_GAIN_LIMIT = 0.05
PILOT_SUCCESS_BAR = 0.65
