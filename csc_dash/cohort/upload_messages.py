"""What an upload may hold, and the plain messages that say why a file is refused.

Column names and values come from the user: they are kept as plain strings and never treated
as markup (:func:`_shown` quotes and shortens them for a message).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import pandas as pd


class CohortError(ValueError):
    """An uploaded test set cannot be used; the message says what is wrong and how to fix it."""


FILE_NOT_READABLE = "The file {name} could not be opened ({reason}). Check the name and try again."
FILE_TOO_BIG = (
    "The file is {size_mb:.1f} MB, but the largest file allowed is {limit_mb:.1f} MB. "
    "Upload a smaller test set, for example one year of referrals."
)
NOT_TEXT = (
    "The file could not be read as text. Save it as CSV in UTF-8 "
    "(in Excel: Save as, then 'CSV UTF-8') and try again."
)
EMPTY_FILE = (
    "The file is empty. It needs a first row of column names and then one row per referral."
)
NOT_A_TABLE = (
    "The file could not be read as a table: {detail}. Save it as CSV with a comma or a "
    "semicolon between columns and try again."
)
DUPLICATE_COLUMNS = (
    "Some columns have the same name: {names}. Give every column its own name and try again."
)
UNKNOWN_COLUMN = "There is no column called {name}. The columns are: {columns}."
NO_OUTCOME_COLUMN = (
    "No outcome column was found. Add a column called outcome (1 = went on to a plan or care, "
    "0 = did not), or choose the column that holds the outcome. The columns are: {columns}."
)
NO_SCORE_COLUMN = (
    "No score column was found. Add a column whose name starts with score, prob or risk, "
    "holding your model's scores, or choose the score columns. The columns are: {columns}."
)
COLUMN_TWO_JOBS = (
    "The column {name} is chosen for two jobs ({jobs}). A column can be the outcome, a score, "
    "a group or the date, but only one of these."
)
OUTCOME_NAME_TAKEN = (
    "The column called outcome is chosen as a {job}, but the outcome is {name}. Rename the "
    "column called outcome, or choose it as the outcome."
)
OUTCOME_VALUES = (
    "The outcome column {name} must hold only 0 or 1, true or false, or yes or no; it also "
    "holds {examples}. Fix or remove those rows and try again."
)
SCORES_NOT_NUMBERS = (
    "The score column {name} must hold numbers only; it also holds {examples}. "
    "Fix or remove those rows and try again."
)
TOO_FEW_OUTCOMES = (
    "There are too few referrals of one kind to measure anything: {positives} went on to a "
    "plan or care and {negatives} did not ({dropped} rows with gaps were left out). "
    "At least {minimum} of each are needed."
)
TOO_MANY_GROUP_VALUES = (
    "The group column {name} has {count} different values, but at most {maximum} are allowed. "
    "Choose a column with fewer groups, or join small groups together first."
)
DATES_NOT_DATES = (
    "The date column {name} does not hold dates that can be read (such as 2024-03-31 or "
    "31/03/2024); it holds values such as {examples}."
)
TOO_MANY_COLUMNS = (
    "The file has {count:,} columns, but at most {maximum:,} are allowed. Keep only the "
    "outcome, score, group and date columns, then try again."
)
TOO_MANY_CELLS = (
    "The file has about {rows:,} rows and {columns:,} columns, which is too many cells to "
    "check (at most {maximum:,} rows times columns). Keep only the columns you need, or use "
    "fewer rows, then try again."
)
TOO_MANY_GROUP_COLUMNS = (
    "You chose {count} group columns, but at most {maximum} can be used. Choose the ones "
    "that matter most."
)

#: Every message :func:`load_scored_csv` and :func:`guess_columns` may raise, by name.
UPLOAD_ERRORS = {
    "FILE_NOT_READABLE": FILE_NOT_READABLE,
    "FILE_TOO_BIG": FILE_TOO_BIG,
    "NOT_TEXT": NOT_TEXT,
    "EMPTY_FILE": EMPTY_FILE,
    "NOT_A_TABLE": NOT_A_TABLE,
    "DUPLICATE_COLUMNS": DUPLICATE_COLUMNS,
    "UNKNOWN_COLUMN": UNKNOWN_COLUMN,
    "NO_OUTCOME_COLUMN": NO_OUTCOME_COLUMN,
    "NO_SCORE_COLUMN": NO_SCORE_COLUMN,
    "COLUMN_TWO_JOBS": COLUMN_TWO_JOBS,
    "OUTCOME_NAME_TAKEN": OUTCOME_NAME_TAKEN,
    "OUTCOME_VALUES": OUTCOME_VALUES,
    "SCORES_NOT_NUMBERS": SCORES_NOT_NUMBERS,
    "TOO_FEW_OUTCOMES": TOO_FEW_OUTCOMES,
    "TOO_MANY_GROUP_VALUES": TOO_MANY_GROUP_VALUES,
    "DATES_NOT_DATES": DATES_NOT_DATES,
    "TOO_MANY_COLUMNS": TOO_MANY_COLUMNS,
    "TOO_MANY_CELLS": TOO_MANY_CELLS,
    "TOO_MANY_GROUP_COLUMNS": TOO_MANY_GROUP_COLUMNS,
}

DROPPED_ROWS_NOTICE = "{dropped} of {total} rows had no outcome or no score, so they were left out."
RESCALED_NOTICE = (
    "The scores in {name} run from {low:g} to {high:g}, not from 0 to 1, so they were turned "
    "into ranks between 0 and 1. The order of the scores, and any ties, are kept."
)
NO_DATE_NOTICE = "No date column was chosen, so the referrals are taken to span 12 months."
UNDATED_ROWS_NOTICE = "{count} rows have no date that can be read; the time span uses the others."

#: The least number of referrals that escalated, and that did not, for any figure to mean much.
MIN_EACH_OUTCOME = 10
#: The most distinct values a group column may have.
MAX_GROUP_VALUES = 50
#: The most columns a file may have, and the most that may be chosen as groups.
MAX_COLUMNS = 200
MAX_GROUP_COLUMNS = 8
#: The most cells (rows times columns) a file may have: 1,000,000 referrals with 20 columns.
MAX_CELLS = 20_000_000
#: Rows looked at to guess what a column holds (numbers, dates, few values).
GUESS_SAMPLE_ROWS = 20_000
MISSING_GROUP_VALUE = "Not recorded"

_MISSING_TOKENS = ("", "na", "n/a", "nan", "null", "none", "#n/a", "missing")
#: Gaps a number column may hold, as Arrow's reader matches them (exact case); any other
#: spelling of a gap is read as text and found by :data:`_MISSING_TOKENS`.
_NUMBER_GAPS = tuple(
    sorted(
        {
            "NaN",
            *(form for token in _MISSING_TOKENS for form in (token, token.upper(), token.title())),
        }
    )
)
_OUTCOME_TOKENS = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}
_OUTCOME_NAMES = ("outcome", "escalated", "escalation", "label", "y", "target")
_OUTCOME_PREFIXES = ("outcome", "escalat")
_SCORE_PREFIXES = ("score", "prob", "risk")
_SHOWN_NAME_CHARS = 60
_SHOWN_VALUE_CHARS = 24
_DAYS_PER_MONTH = 365.25 / 12
_DEFAULT_MONTHS = 12.0


@dataclass(frozen=True)
class ColumnGuess:
    """A file's columns and the best guess at which is which, for a person to confirm."""

    columns: tuple[str, ...]
    outcome: str | None
    scores: tuple[str, ...]
    groups: tuple[str, ...]
    date: str | None
    rows: int


def _shown(name: object, limit: int = _SHOWN_NAME_CHARS) -> str:
    """A user-supplied name or value, quoted and shortened for a message (plain text)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(name))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def _shown_list(names, limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(_shown(n) for n in names[:limit])
    if len(names) > limit:
        shown += f" and {len(names) - limit} more"
    return shown or "none"


def _examples(values: pd.Series, limit: int = 3) -> str:
    distinct = pd.unique(values.astype(str))[:limit]
    return ", ".join(_shown(v, _SHOWN_VALUE_CHARS) for v in distinct)


def message_pattern(template: str) -> re.Pattern[str]:
    """A regex matching any message made from ``template`` (for tests and callers)."""
    parts = []
    for literal, field_name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field_name is not None:
            parts.append(".*?")
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)
