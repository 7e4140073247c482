"""The scored cohort: the one shape every evidence page reads.

A scored cohort is one row per referral in a test set with a recorded ``outcome`` (0/1), one or
more score columns, and any characteristic (group) columns. The bundled sample is the synthetic
council's test period; an analyst can bring their own (see ``load_scored_csv``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import numpy as np
import pandas as pd

from csc_dash import config
from csc_dash.models import MODEL_LABELS, LinearExplanation
from csc_dash.synthetic import BIAS_LEVELS, FACTORS, BiasLevel

__all__ = [
    "UPLOAD_ERRORS",
    "CohortError",
    "ColumnGuess",
    "GROUP_LABELS",
    "SAMPLE_DIR",
    "SAMPLE_GROUP_COLUMNS",
    "ScoredCohort",
    "guess_columns",
    "load_council_population",
    "load_scored_csv",
    "message_pattern",
    "load_sample_cohort",
    "load_sample_referrals",
    "load_structured_model",
    "write_sample_cohort",
]

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"

#: Characteristics the pages can split by, with plain names.
GROUP_LABELS = {
    "age_band": "Age",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability_status": "Disability",
    "deprivation_quintile": "How deprived the area is",
    "deprivation_decile": "Area deprivation decile",
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


def load_sample_referrals(bias: BiasLevel = "moderate", *, data_dir: Path = SAMPLE_DIR) -> pd.DataFrame:
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


def load_sample_cohort(bias: BiasLevel = "moderate", *, data_dir: Path = SAMPLE_DIR) -> ScoredCohort:
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


def load_structured_model(bias: BiasLevel = "moderate", *, data_dir: Path = SAMPLE_DIR) -> LinearExplanation:
    """The structured model's coefficients, saved by ``make sample-data``."""
    _check_bias(bias)
    data = json.loads((Path(data_dir) / f"structured_model_{bias}.json").read_text())
    return LinearExplanation.from_dict(data)


def load_council_population(*, data_dir: Path = SAMPLE_DIR) -> pd.DataFrame:
    """The fictional council's children by deprivation decile, age band and ethnicity."""
    return pd.read_csv(Path(data_dir) / "council_population.csv")


# --- An analyst's own scored test set --------------------------------------------------------
#
# Everything below reads an uploaded CSV into a ScoredCohort, or refuses it with a CohortError
# whose message (one of the constants here) says what is wrong and how to fix it. Column names
# and values come from the user: they are kept as plain strings and never treated as markup.


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
EMPTY_FILE = "The file is empty. It needs a first row of column names and then one row per referral."
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
MISSING_GROUP_VALUE = "Not recorded"

_MISSING_TOKENS = ("", "na", "n/a", "nan", "null", "none", "#n/a", "missing")
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


def _read_bytes(source, max_bytes: int) -> bytes:
    """The raw bytes of ``source`` (bytes, a path or a binary file-like), refusing big files."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise CohortError(_too_big(size, max_bytes))
            data = path.read_bytes()
        except OSError as exc:
            raise CohortError(
                FILE_NOT_READABLE.format(name=_shown(path.name), reason=exc.strerror or "error")
            ) from None
    elif hasattr(source, "read"):
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        data = bytes(data or b"")
    else:
        raise TypeError(
            f"source must be bytes, a path or a binary file; got {type(source).__name__}."
        )
    if len(data) > max_bytes:
        raise CohortError(_too_big(len(data), max_bytes))
    return data


def _too_big(size: int, max_bytes: int) -> str:
    mb = 1024 * 1024
    return FILE_TOO_BIG.format(size_mb=size / mb, limit_mb=max_bytes / mb)


def _decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CohortError(NOT_TEXT) from None
    # UTF-16 without a byte-order mark decodes as UTF-8 full of NULs; no CSV holds them.
    if "\x00" in text:
        raise CohortError(NOT_TEXT)
    return text


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise CohortError(NOT_A_TABLE.format(detail=f"the first row is broken ({exc})")) from None


_FIELDS_MISMATCH = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _read_table(source, max_bytes: int | None) -> tuple[pd.DataFrame, str]:
    """Every cell of the file as text (header row as column names) and the separator."""
    limit = config.max_upload_bytes() if max_bytes is None else int(max_bytes)
    text = _decode(_read_bytes(source, limit))
    if not text.strip():
        raise CohortError(EMPTY_FILE)
    # The separator is whichever of comma and semicolon splits the first row into more columns.
    comma, semicolon = _first_record(text, ","), _first_record(text, ";")
    sep = ";" if len(semicolon) > len(comma) else ","
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            index_col=False,
        )
    except pd.errors.EmptyDataError:
        raise CohortError(EMPTY_FILE) from None
    except (pd.errors.ParserError, csv.Error, ValueError, OverflowError) as exc:
        found = _FIELDS_MISMATCH.search(str(exc))
        if found:
            expected, line, saw = found.groups()
            detail = f"row {line} has {saw} values, but the first row has {expected}"
        else:
            detail = "the rows, commas and quote marks do not line up"
        raise CohortError(NOT_A_TABLE.format(detail=detail)) from None
    if raw.empty:
        raise CohortError(EMPTY_FILE)
    header = []
    for i, name in enumerate(raw.iloc[0].tolist()):
        name = "" if pd.isna(name) else str(name).strip()
        header.append(name or f"column {i + 1}")
    seen: dict[str, int] = {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
    duplicates = [name for name, count in seen.items() if count > 1]
    if duplicates:
        raise CohortError(DUPLICATE_COLUMNS.format(names=_shown_list(duplicates)))
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = header
    return frame, sep


def _missing(values: pd.Series) -> pd.Series:
    return values.isna() | values.str.strip().str.lower().isin(_MISSING_TOKENS)


def _to_numbers(values: pd.Series, sep: str) -> pd.Series:
    """Text to floats (NaN where missing or not a number); decimal commas in semicolon files."""
    text = values.str.strip()
    if sep == ";":
        text = text.str.replace(r"^([+-]?\d*),(\d+)$", r"\1.\2", regex=True)
    numbers = pd.to_numeric(text.where(~_missing(values)), errors="coerce")
    return pd.Series(np.asarray(numbers, dtype=float), index=values.index)


def _looks_numeric(values: pd.Series, sep: str, *, sample: int = 2000) -> bool:
    """For guessing only: whether the first ``sample`` values that are present are all numbers."""
    head = values.head(sample * 2)
    present = head[~_missing(head)].head(sample)
    return len(present) > 0 and bool(np.isfinite(_to_numbers(present, sep)).all())


def _to_dates(values: pd.Series) -> pd.Series:
    """Dates written as ISO (2024-03-31) or day/month/year; NaT where unreadable."""
    text = values.str.strip().where(~_missing(values))
    dates = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in ("ISO8601", "%d/%m/%Y"):
        todo = dates.isna() & text.notna()
        if not todo.any():
            break
        try:
            # Time zones are dropped: only the span in days matters.
            parsed = pd.to_datetime(text[todo], errors="coerce", format=fmt, utc=True)
            dates[todo] = parsed.dt.tz_localize(None).astype("datetime64[ns]")
        except (ValueError, TypeError, OverflowError):
            continue
    return dates


def _plain(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _guess_outcome(columns) -> str | None:
    for col in columns:
        if _plain(col) in _OUTCOME_NAMES:
            return col
    for col in columns:
        if _plain(col).startswith(_OUTCOME_PREFIXES):
            return col
    return None


def _guess_scores(frame: pd.DataFrame, sep: str, exclude) -> tuple[str, ...]:
    candidates = [
        c
        for c in frame.columns
        if c not in exclude and (_plain(c).startswith(_SCORE_PREFIXES) or "score" in _plain(c))
    ]
    numeric = [c for c in candidates if _looks_numeric(frame[c], sep)]
    return tuple(numeric or candidates)


def _guess_date(frame: pd.DataFrame, exclude) -> str | None:
    for col in frame.columns:
        if col in exclude or "date" not in _plain(col):
            continue
        values = frame[col]
        present = ~_missing(values)
        if present.any() and _to_dates(values[present]).notna().mean() >= 0.9:
            return col
    return None


def _guess_groups(frame: pd.DataFrame, sep: str, exclude) -> tuple[str, ...]:
    groups = []
    for col in frame.columns:
        if col in exclude or _looks_numeric(frame[col], sep):
            continue
        values = frame[col].str.strip()
        count = values[~_missing(frame[col])].nunique()
        if 2 <= count <= MAX_GROUP_VALUES and count < 0.5 * len(frame):
            groups.append(col)
    return tuple(groups)


def guess_columns(source, *, max_bytes: int | None = None) -> ColumnGuess:
    """Read a scored CSV and guess its outcome, score, group and date columns.

    The guess is what :func:`load_scored_csv` would use when a mapping is left as ``None``
    (the date is guessed here only, for a person to confirm).

    Raises
    ------
    CohortError
        If the file is too big, not UTF-8 text, empty, not a table or has duplicate names.
    """
    frame, sep = _read_table(source, max_bytes)
    columns = tuple(frame.columns)
    outcome = _guess_outcome(columns)
    taken = {outcome}
    scores = _guess_scores(frame, sep, taken)
    taken |= set(scores)
    date = _guess_date(frame, taken)
    taken.add(date)
    groups = _guess_groups(frame, sep, taken)
    return ColumnGuess(columns, outcome, scores, groups, date, len(frame))


def _as_names(value, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    names = list(value)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"{what} must be column names (strings).")
    return names


def load_scored_csv(
    source: bytes | str | os.PathLike | IO[bytes],
    *,
    outcome: str | None = None,
    scores: str | list[str] | tuple[str, ...] | None = None,
    groups: str | list[str] | tuple[str, ...] | None = None,
    date: str | None = None,
    max_bytes: int | None = None,
) -> ScoredCohort:
    """Read an analyst's scored test set (CSV) into a :class:`ScoredCohort`, or explain why not.

    Parameters
    ----------
    source
        The file: bytes, a path, or a binary file-like object (read up to the size limit).
    outcome
        The column with the recorded outcome (0/1, true/false or yes/no, any case). ``None``
        guesses from names such as outcome, escalated, label or y.
    scores
        The score column(s), higher = more concern. ``None`` guesses columns whose names start
        with score, prob or risk. Scores outside [0, 1] are turned into ranks (average rank / n,
        so ties stay tied) with a notice.
    groups
        Characteristic columns to split errors by. ``None`` guesses the other text columns with
        at most :data:`MAX_GROUP_VALUES` values; ``[]`` means none.
    date
        A date column (ISO or day/month/year) giving the months the referrals span; without
        one the span is taken to be 12 months, with a notice.
    max_bytes
        The largest file accepted; ``None`` reads ``CSC_DASH_MAX_UPLOAD_MB`` (default 200 MB).

    Returns
    -------
    ScoredCohort
        ``source="upload"``; the frame holds ``outcome`` (0/1) and the chosen score, group and
        date columns under their own names; ``score_columns`` and ``model_labels`` map each
        score column to itself; ``notices`` say what was done (rows dropped, rescaling, span).

    Raises
    ------
    CohortError
        With one of the messages in :data:`UPLOAD_ERRORS`.
    """
    frame, sep = _read_table(source, max_bytes)
    columns = tuple(frame.columns)
    outcome_names = _as_names(outcome, "outcome")
    score_names = _as_names(scores, "scores")
    group_names = _as_names(groups, "groups")
    date_names = _as_names(date, "date")

    for name in [*(outcome_names or []), *(score_names or []), *(group_names or []), *(date_names or [])]:
        if name not in columns:
            raise CohortError(UNKNOWN_COLUMN.format(name=_shown(name), columns=_shown_list(columns)))

    outcome_col = outcome_names[0] if outcome_names else _guess_outcome(columns)
    if outcome_col is None:
        raise CohortError(NO_OUTCOME_COLUMN.format(columns=_shown_list(columns)))
    date_col = date_names[0] if date_names else None
    if score_names is None:
        score_names = list(_guess_scores(frame, sep, {outcome_col, date_col}))
    if not score_names:
        raise CohortError(NO_SCORE_COLUMN.format(columns=_shown_list(columns)))
    if group_names is None:
        group_names = list(_guess_groups(frame, sep, {outcome_col, date_col, *score_names}))

    jobs: dict[str, list[str]] = {}
    for job, names in (
        ("outcome", [outcome_col]),
        ("score", score_names),
        ("group", group_names),
        ("date", [date_col] if date_col else []),
    ):
        for name in names:
            jobs.setdefault(name, []).append(job)
    for name, its_jobs in jobs.items():
        if len(its_jobs) > 1:
            raise CohortError(COLUMN_TWO_JOBS.format(name=_shown(name), jobs=" and ".join(its_jobs)))
    if outcome_col != "outcome" and "outcome" in jobs:
        raise CohortError(OUTCOME_NAME_TAKEN.format(job=jobs["outcome"][0], name=_shown(outcome_col)))

    # The outcome: 0/1, true/false or yes/no in any case; blanks are dropped below.
    outcome_text = frame[outcome_col]
    outcome_missing = _missing(outcome_text)
    y = outcome_text.str.strip().str.lower().map(_OUTCOME_TOKENS)
    bad = ~outcome_missing & y.isna()
    if bad.any():
        raise CohortError(
            OUTCOME_VALUES.format(name=_shown(outcome_col), examples=_examples(outcome_text[bad]))
        )
    keep = ~outcome_missing

    score_values = {}
    for name in score_names:
        numbers = _to_numbers(frame[name], sep)
        missing = _missing(frame[name])
        bad = ~missing & ~np.isfinite(numbers)
        if bad.any():
            raise CohortError(
                SCORES_NOT_NUMBERS.format(name=_shown(name), examples=_examples(frame[name][bad]))
            )
        score_values[name] = numbers
        keep &= ~missing

    dates = None
    if date_col is not None:
        dates = _to_dates(frame[date_col])
        unreadable = ~_missing(frame[date_col]) & dates.isna()
        if dates.notna().sum() == 0 or unreadable.mean() > 0.5:
            examples = frame[date_col][unreadable] if unreadable.any() else frame[date_col]
            raise CohortError(
                DATES_NOT_DATES.format(name=_shown(date_col), examples=_examples(examples))
            )

    total = len(frame)
    dropped = int(total - keep.sum())
    y = y[keep].astype(np.int8).to_numpy()
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives < MIN_EACH_OUTCOME or negatives < MIN_EACH_OUTCOME:
        raise CohortError(
            TOO_FEW_OUTCOMES.format(
                positives=positives, negatives=negatives, dropped=dropped, minimum=MIN_EACH_OUTCOME
            )
        )

    out: dict[str, object] = {"outcome": y}
    notices: list[str] = []
    if dropped:
        notices.append(DROPPED_ROWS_NOTICE.format(dropped=dropped, total=total))
    for name, numbers in score_values.items():
        values = numbers[keep].to_numpy()
        low, high = float(values.min()), float(values.max())
        if low < 0 or high > 1:
            # Average rank / n keeps the order and keeps ties tied; the result is in (0, 1].
            values = pd.Series(values).rank(method="average").to_numpy() / len(values)
            notices.append(RESCALED_NOTICE.format(name=_shown(name), low=low, high=high))
        out[name] = values
    for name in group_names:
        text = frame[name][keep]
        values = text.str.strip().where(~_missing(text), MISSING_GROUP_VALUE)
        count = values.nunique()
        if count > MAX_GROUP_VALUES:
            raise CohortError(
                TOO_MANY_GROUP_VALUES.format(name=_shown(name), count=count, maximum=MAX_GROUP_VALUES)
            )
        out[name] = values.to_numpy(dtype=object)
    months = _DEFAULT_MONTHS
    if dates is None:
        notices.append(NO_DATE_NOTICE)
    else:
        kept = dates[keep]
        if kept.isna().any():
            notices.append(UNDATED_ROWS_NOTICE.format(count=int(kept.isna().sum())))
        present = kept.dropna()
        if len(present):
            span = (present.max() - present.min()).days + 1
            months = round(max(span, 1) / _DAYS_PER_MONTH, 1) or 0.1
        out[date_col] = kept.to_numpy()

    return ScoredCohort(
        frame=pd.DataFrame(out),
        score_columns={name: name for name in score_names},
        model_labels={name: name for name in score_names},
        group_columns=tuple(group_names),
        source="upload",
        months=float(months),
        notices=tuple(notices),
    )


def message_pattern(template: str) -> re.Pattern[str]:
    """A regex matching any message made from ``template`` (for tests and callers)."""
    parts = []
    for literal, field_name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field_name is not None:
            parts.append(".*?")
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)
