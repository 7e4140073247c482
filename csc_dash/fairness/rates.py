"""The rates a fairness table holds, their plain names, the presets, and the plain messages."""

from __future__ import annotations

from typing import Literal

#: A group with fewer referrals, or fewer escalations, than this is "too few to tell".
MIN_REFERRALS = 30
MIN_ESCALATIONS = 5

COUNT_COLUMNS = ("n", "positives", "flagged", "tp", "fp", "fn", "tn")
#: Every rate the table holds; each also has ``<rate>_low`` and ``<rate>_high``.
RATES = (
    "share_flagged",
    "precision",
    "recall",
    "fdr",
    "false_omission_rate",
    "fpr",
    "fnr",
    "average_precision",
)
RATE_LABELS = {
    "share_flagged": "Families flagged, of every 100 referred",
    "precision": "Flagged families who went on to a plan or care, of every 100 flagged",
    "recall": "Children found, of every 100 who went on to a plan or care",
    "fdr": "False alarms, of every 100 families flagged",
    "false_omission_rate": "Children missed, of every 100 families not flagged",
    "fpr": "Flagged, of every 100 families who did not go on to a plan or care",
    "fnr": "Children missed, of every 100 who went on to a plan or care",
    "average_precision": "Average precision (0-100)",
}

Preset = Literal["single", "equal_false_alarm_rate", "equal_miss_rate", "equal_share_flagged"]
PRESETS: tuple[Preset, ...] = (
    "single",
    "equal_false_alarm_rate",
    "equal_miss_rate",
    "equal_share_flagged",
)
PRESET_LABELS = {
    "single": "One line for everyone",
    # The key is kept for saved views; "false alarm" on screen always means "of the families
    # flagged" (FDR), while this preset equalises the false positive rate (FPR).
    "equal_false_alarm_rate": "Same share flagged among families who did not go on to a plan or care",
    "equal_miss_rate": "Same share of children missed in every group",
    "equal_share_flagged": "Same share flagged in every group",
}
#: One plain line under each preset saying what is made equal.
PRESET_HELP = {
    "single": "Every referral is judged against the same line.",
    "equal_false_alarm_rate": (
        "Of the families who did not go on to a plan or care, each group has the same share "
        "flagged. This is not the same as false alarms in every 100 flagged."
    ),
    "equal_miss_rate": (
        "Of the children who went on to a plan or care, the same share is missed in each group."
    ),
    "equal_share_flagged": "Of all referrals, the same share is flagged in each group.",
}
#: Which rate each preset makes equal across groups.
PRESET_RATE = {
    "single": None,
    "equal_false_alarm_rate": "fpr",
    "equal_miss_rate": "fnr",
    "equal_share_flagged": "share_flagged",
}

MISSING_GROUP = "Not recorded"
LABEL_SEPARATOR = ", "

# Plain messages for bad input, asserted exactly in the tests.
NO_GROUPS = "Choose a characteristic to split by: the group column is missing or empty."
TOO_MANY_GROUP_COLUMNS = "Choose one characteristic or a pair of them; got {n} columns ({columns})."
GROUPS_LENGTH_MISMATCH = (
    "The characteristic has {n_groups} rows but the outcome has {n_true}; they must match."
)
THRESHOLD_NOT_NUMBER = "The threshold must be a number; got {threshold!r}."
BAD_N_BOOT = "The number of bootstrap draws must be a whole number of 1 or more; got {n_boot!r}."
UNKNOWN_RATE = "There is no rate called {rate!r}; choose one of {choices}."
UNKNOWN_PRESET = "There is no preset called {preset!r}; choose one of {choices}."
UNKNOWN_REFERENCE = "There is no group called {reference!r}; choose one of {choices}."
BAD_BAND = (
    "The tolerance band must be two positive numbers, the first at most 1 and the second at "
    "least 1; got {band!r}."
)
NOT_A_RATE_TABLE = "This table does not come from group_error_rates: it has no column {column!r}."

#: Ratios to the reference group from ``band[0]`` to ``band[1]`` count as "close enough".
DEFAULT_BAND = (0.8, 1.25)
