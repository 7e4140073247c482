"""Fairness: on whom a tool's errors fall, how sure we can be, and what per-group thresholds cost.

At one threshold every referral is flagged or not, and against the recorded outcome each is a
true alarm, a false alarm, a child missed or a true "not flagged". This package splits those
counts by a characteristic (or a pair of them), turns them into rates with 95% bootstrap
intervals, compares each group's rate with a reference group, and works out what happens when
each group gets its own threshold (the "presets"). Its public face, from:

- :mod:`~csc_dash.fairness.rates`: the rates, their plain names, the presets' names, messages;
- :mod:`~csc_dash.fairness.group_rates`: :func:`group_error_rates`, :func:`per_100`, :func:`disparity`;
- :mod:`~csc_dash.fairness.bootstrap`: the vectorised bootstrap behind every interval;
- :mod:`~csc_dash.fairness.presets`: per-group thresholds and their costs, :func:`label_comparison`;
- :mod:`~csc_dash.fairness.sentences`: the plain sentences and tables beside the charts.

The tests check every rate against fairlearn's ``MetricFrame`` and scikit-learn.
"""

from __future__ import annotations

from csc_dash.fairness.bootstrap import average_precision_interval
from csc_dash.fairness.group_rates import (
    MAX_PAIR_GROUPS,
    MAX_PAIRS,
    VERDICTS,
    disparity,
    group_error_rates,
    per_100,
)
from csc_dash.fairness.presets import (
    PresetCosts,
    apply_thresholds,
    label_comparison,
    preset_costs,
    preset_thresholds,
)
from csc_dash.fairness.rates import (
    BAD_BAND,
    BAD_N_BOOT,
    COUNT_COLUMNS,
    DEFAULT_BAND,
    GROUPS_LENGTH_MISMATCH,
    LABEL_SEPARATOR,
    MIN_ESCALATIONS,
    MIN_REFERRALS,
    MISSING_GROUP,
    NO_GROUPS,
    NOT_A_RATE_TABLE,
    PRESET_HELP,
    PRESET_LABELS,
    PRESET_RATE,
    PRESETS,
    RATE_LABELS,
    RATES,
    THRESHOLD_NOT_NUMBER,
    TOO_MANY_GROUP_COLUMNS,
    UNKNOWN_PRESET,
    UNKNOWN_RATE,
    UNKNOWN_REFERENCE,
    Preset,
)
from csc_dash.fairness.sentences import (
    band_analyst,
    band_example,
    band_words,
    change_words,
    describe_disparity,
    describe_label_comparison,
    describe_preset,
    describe_rate,
    disparity_lead,
    intervals_overlap,
    join_names,
    preset_changes,
    preset_overview,
    preset_overview_note,
    ratio_range_words,
    ratio_words,
)

__all__ = [
    "BAD_BAND",
    "BAD_N_BOOT",
    "COUNT_COLUMNS",
    "DEFAULT_BAND",
    "GROUPS_LENGTH_MISMATCH",
    "LABEL_SEPARATOR",
    "MAX_PAIRS",
    "MAX_PAIR_GROUPS",
    "MIN_ESCALATIONS",
    "MIN_REFERRALS",
    "MISSING_GROUP",
    "NOT_A_RATE_TABLE",
    "NO_GROUPS",
    "PRESETS",
    "PRESET_HELP",
    "PRESET_LABELS",
    "PRESET_RATE",
    "Preset",
    "PresetCosts",
    "RATES",
    "RATE_LABELS",
    "THRESHOLD_NOT_NUMBER",
    "TOO_MANY_GROUP_COLUMNS",
    "UNKNOWN_PRESET",
    "UNKNOWN_RATE",
    "UNKNOWN_REFERENCE",
    "VERDICTS",
    "apply_thresholds",
    "band_analyst",
    "band_example",
    "band_words",
    "change_words",
    "average_precision_interval",
    "describe_disparity",
    "describe_label_comparison",
    "describe_preset",
    "describe_rate",
    "disparity",
    "disparity_lead",
    "group_error_rates",
    "intervals_overlap",
    "join_names",
    "label_comparison",
    "per_100",
    "preset_changes",
    "preset_costs",
    "preset_overview",
    "preset_overview_note",
    "preset_thresholds",
    "ratio_range_words",
    "ratio_words",
]
