"""The scored cohort: the one shape every evidence page reads.

A scored cohort is one row per referral in a test set with a recorded ``outcome`` (0/1), one or
more score columns, and any characteristic (group) columns. The bundled sample is the synthetic
council's test period; an analyst can bring their own (see ``load_scored_csv``).
"""

from __future__ import annotations

import contextlib
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
        {"NaN", *(form for token in _MISSING_TOKENS for form in (token, token.upper(), token.title()))}
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


def _check_text(data: bytes, bom: int) -> None:
    """Refuse what is plainly not UTF-8 text; Arrow checks the UTF-8 of every column it reads.

    ``bom``: the length of the byte-order mark at the start of ``data`` (0 or 3).
    """
    # UTF-16 without a byte-order mark reads as text full of NULs; no CSV holds them.
    if data.find(b"\x00", bom) >= 0:  # memchr: a few ms for 50 MB
        raise CohortError(NOT_TEXT)
    first_line = data[bom : bom + (1 << 20)].split(b"\n", 1)[0]
    try:
        first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(first_line) - 3:  # not just a character cut at the 1 MB mark
            raise CohortError(NOT_TEXT) from None


def _header_and_separator(data) -> tuple[list[str], str, int]:
    """The cleaned column names, the separator and where the first row starts in ``data``."""
    start = len(data) - len(bytes(data).lstrip(b"\r\n")) if data[:1] in (b"\r", b"\n") else 0
    head = bytes(data[start : start + (1 << 20)]).decode("utf-8", errors="ignore")
    # The separator is whichever of comma and semicolon splits the first row into more columns.
    comma, semicolon = _first_record(head, ","), _first_record(head, ";")
    sep = ";" if len(semicolon) > len(comma) else ","
    names = semicolon if sep == ";" else comma
    header = []
    for i, name in enumerate(names):
        name = str(name).strip()
        header.append(name or f"column {i + 1}")
    return header, sep, start


def _check_header(header: list[str], data) -> None:
    if len(header) > MAX_COLUMNS:
        raise CohortError(TOO_MANY_COLUMNS.format(count=len(header), maximum=MAX_COLUMNS))
    seen: dict[str, int] = {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
    duplicates = [name for name, count in seen.items() if count > 1]
    if duplicates:
        raise CohortError(DUPLICATE_COLUMNS.format(names=_shown_list(duplicates)))
    rows = data.count(b"\n")  # counted in C; close enough to say why a file is refused
    if rows * len(header) > MAX_CELLS:
        raise CohortError(
            TOO_MANY_CELLS.format(rows=rows, columns=len(header), maximum=MAX_CELLS)
        )


class _Table:
    """The file's cells as Arrow text columns (compact, read by a parser that needs no GIL)."""

    def __init__(self, table, columns: tuple[str, ...]) -> None:
        self.table = table
        self.columns = columns

    def __len__(self) -> int:
        return self.table.num_rows

    def column(self, name: str):
        return self.table.column(name)

    def take(self, name: str):
        """A column, let go of by the table: its memory is freed once the caller is done."""
        column = self.table.column(name)
        self.table = self.table.drop_columns([name])
        return column

    def series(self, name: str, rows: int | None = None) -> pd.Series:
        """A column (or its first ``rows``) as a pandas Series of text, for small samples."""
        col = self.table.column(name)
        if rows is not None:
            col = col.slice(0, rows)
        return pd.Series(col.to_pylist(), dtype=object)


def _read_table(
    source,
    max_bytes: int | None,
    include: list[str] | None = None,
    coded: tuple[str, ...] = (),
    numeric: tuple[str, ...] = (),
) -> tuple[_Table, str]:
    """The file's cells as text (header row as column names) and the separator.

    ``include``: read only these columns (the others are only counted); ``coded``: columns
    with few distinct values (outcome, groups, dates), read straight into codes; ``numeric``:
    score columns, read straight into numbers when every cell is a number or a plain gap
    (:data:`_NUMBER_GAPS`) in a comma-separated file, else as text like the rest (the caller
    then parses them with the fuller rules of :func:`_score_numbers`). Arrow's CSV reader
    does the work in C++ threads without holding the GIL, so other sessions keep running;
    a file whose rows and header do not line up is read again by pandas, which says which row.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    limit = config.max_upload_bytes() if max_bytes is None else int(max_bytes)
    data = _read_bytes(source, limit)
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    view = memoryview(data)[bom:]
    _check_text(data, bom)
    if not re.search(rb"\S", data):
        raise CohortError(EMPTY_FILE)
    header, sep, start = _header_and_separator(view)
    if not header:
        raise CohortError(EMPTY_FILE)
    _check_header(header, data)
    wanted = header if include is None else [name for name in header if name in set(include)]
    text_type, code_type = pa.string(), pa.dictionary(pa.int32(), pa.string())
    types = {name: code_type if name in coded else text_type for name in header}
    # A value can hold a line break only inside quote marks; without any, the faster parse.
    quoted = data.find(b'"', bom) >= 0

    def read(types):
        return pacsv.read_csv(
            pa.py_buffer(view[start:]),
            read_options=pacsv.ReadOptions(
                column_names=header, skip_rows=1, use_threads=True, block_size=1 << 22
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=quoted, ignore_empty_lines=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=wanted,
                # Only number columns can hold a gap (null); text keeps every cell as written.
                null_values=list(_NUMBER_GAPS),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
            # malloc's pool: memory goes back to the system when the read is done.
            memory_pool=pa.system_memory_pool(),
        )

    try:
        table = None
        if sep == "," and numeric:
            with contextlib.suppress(pa.ArrowInvalid):  # a cell that is no plain number
                table = read({**types, **dict.fromkeys(numeric, pa.float64())})
        if table is None:
            table = read(types)
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        if "UTF8" in str(error) or "UTF-8" in str(error):
            raise CohortError(NOT_TEXT) from None
        try:
            text = bytes(view).decode("utf-8")
        except UnicodeDecodeError:
            raise CohortError(NOT_TEXT) from None
        table = _read_table_pandas(text, sep, header, wanted)
    return _Table(table, tuple(header)), sep


def _read_table_pandas(text: str, sep: str, header: list[str], wanted: list[str]):
    """The slow reader for files whose rows do not line up: short rows are padded with gaps
    (as before), long ones refused with the row number."""
    import pyarrow as pa

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
    if raw.shape[1] != len(header):
        raise CohortError(NOT_A_TABLE.format(detail="the rows, commas and quote marks do not line up"))
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = header
    columns = {
        name: pa.array([None if pd.isna(v) else str(v) for v in frame[name]], type=pa.string())
        for name in wanted
    }
    return pa.table(columns) if columns else pa.table({"": pa.array([None] * len(frame))}).select([])


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


def _guess_scores(table: _Table, sep: str, exclude) -> tuple[str, ...]:
    candidates = [
        c
        for c in table.columns
        if c not in exclude and (_plain(c).startswith(_SCORE_PREFIXES) or "score" in _plain(c))
    ]
    numeric = [c for c in candidates if _looks_numeric(table.series(c, 4000), sep)]
    return tuple(numeric or candidates)


def _guess_date(table: _Table, exclude) -> str | None:
    for col in table.columns:
        if col in exclude or "date" not in _plain(col):
            continue
        values = table.series(col, GUESS_SAMPLE_ROWS)
        present = ~_missing(values)
        if present.any() and _to_dates(values[present]).notna().mean() >= 0.9:
            return col
    return None


def _encoded(column) -> tuple[np.ndarray, pd.Series]:
    """A text column as (index of each row's value, int32, the distinct values); -1 for a gap.

    The distinct values are few for outcomes, groups and dates, so the per-value work (trim,
    lower, parse) is done once per value in pandas, and per row only in numpy.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray) and pa.types.is_dictionary(column.type):
        # Read as codes: one dictionary for all chunks.
        unified = column.unify_dictionaries(memory_pool=pa.system_memory_pool())
        if unified.num_chunks == 0:
            return np.zeros(0, dtype=np.int32), pd.Series([], dtype=object)
        dictionary = unified.chunk(0).dictionary
        index = np.concatenate(
            [(c.indices.fill_null(-1) if c.null_count else c.indices).to_numpy() for c in unified.chunks]
        ).astype(np.int32, copy=False)
        return index, pd.Series(dictionary.to_pylist(), dtype=object)
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(array)
    index = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    values = pd.Series(encoded.dictionary.to_pylist(), dtype=object)
    return index, values


def _per_row(per_value: np.ndarray, index: np.ndarray, gap) -> np.ndarray:
    """``per_value`` looked up for every row; ``gap`` where the row has no value (index -1)."""
    return np.append(per_value, np.array([gap], dtype=per_value.dtype))[index]


def _text_column(labels, row_ids: np.ndarray) -> pd.Series:
    """Text per row from a few distinct ``labels``, built by Arrow (no Python string per row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.take(
        pa.array(list(labels), type=pa.string()), pa.array(row_ids), memory_pool=pa.system_memory_pool()
    )
    return pd.Series(text.to_pandas(types_mapper=lambda _t: pd.StringDtype("pyarrow", na_value=np.nan)))


def _distinct_present(column) -> int:
    _index, values = _encoded(column)
    return int(values[~_missing(values)].str.strip().nunique())


def _guess_groups(table: _Table, sep: str, exclude) -> tuple[str, ...]:
    groups = []
    for col in table.columns:
        if col in exclude:
            continue
        sample = table.series(col, GUESS_SAMPLE_ROWS)
        if _looks_numeric(sample, sep):
            continue
        if sample[~_missing(sample)].str.strip().nunique() > MAX_GROUP_VALUES:
            continue  # too many values already in the first rows: no need to read on
        count = _distinct_present(table.column(col))
        if 2 <= count <= MAX_GROUP_VALUES and count < 0.5 * len(table):
            groups.append(col)
            if len(groups) == MAX_GROUP_COLUMNS:
                break
    return tuple(groups)


def guess_columns(source, *, max_bytes: int | None = None) -> ColumnGuess:
    """Read a scored CSV and guess its outcome, score, group and date columns.

    The guess is what :func:`load_scored_csv` would use when a mapping is left as ``None``
    (the date is guessed here only, for a person to confirm). What a column holds is judged
    from its first :data:`GUESS_SAMPLE_ROWS` rows; a group's number of values from all rows.

    Raises
    ------
    CohortError
        If the file is too big, not UTF-8 text, empty, not a table, has duplicate names, or has
        more than :data:`MAX_COLUMNS` columns or :data:`MAX_CELLS` cells.
    """
    table, sep = _read_table(source, max_bytes)
    columns = table.columns
    outcome = _guess_outcome(columns)
    taken = {outcome}
    scores = _guess_scores(table, sep, taken)
    taken |= set(scores)
    date = _guess_date(table, taken)
    taken.add(date)
    groups = _guess_groups(table, sep, taken)
    return ColumnGuess(columns, outcome, scores, groups, date, len(table))


def _as_names(value, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    names = list(value)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"{what} must be column names (strings).")
    return names


class _NotPlainNumbers(Exception):
    """A score column read as numbers holds an infinity: read it again as text, to say which."""


def _score_numbers(table: _Table, name: str, sep: str) -> tuple[np.ndarray, np.ndarray]:
    """A score column as floats (NaN in gaps) and its gaps; :data:`SCORES_NOT_NUMBERS` if not."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.column(name)
    if pa.types.is_floating(column.type):  # read as numbers; a gap is null
        numbers = column.to_numpy()  # NaN for a gap
        if np.isinf(numbers).any():
            raise _NotPlainNumbers
        table.take(name)  # the table lets go of it
        return numbers, np.isnan(numbers)
    try:  # the usual file: plain numbers, no gaps
        numbers = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype(float)
        if np.isfinite(numbers).all():
            return numbers, np.zeros(len(numbers), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pc.utf8_trim_whitespace(column)
    if sep == ";":
        text = pc.replace_substring_regex(text, pattern=r"^([+-]?\d*),(\d+)$", replacement=r"\1.\2")
    lowered = pc.utf8_lower(text)
    missing = pc.fill_null(pc.is_in(lowered, value_set=pa.array(_MISSING_TOKENS)), True)
    missing_np = missing.to_numpy(zero_copy_only=False).astype(bool)
    numbers = None
    try:
        cleaned = pc.if_else(missing, pa.scalar(None, pa.string()), text)
        numbers = pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False).astype(float)
        if not np.isfinite(numbers[~missing_np]).all():
            numbers = None  # inf or nan written out: find the examples below
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = None
    if numbers is None:  # something Arrow does not read as a number: pandas' rules decide
        values = table.series(name)
        parsed = _to_numbers(values, sep).to_numpy()
        bad = ~missing_np & ~np.isfinite(parsed)
        if bad.any():
            raise CohortError(
                SCORES_NOT_NUMBERS.format(name=_shown(name), examples=_examples(values[bad]))
            )
        numbers = parsed
    return numbers, missing_np


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
        Characteristic columns to split errors by (at most :data:`MAX_GROUP_COLUMNS`). ``None``
        guesses the other text columns with at most :data:`MAX_GROUP_VALUES` values; ``[]``
        means none.
    date
        A date column (ISO or day/month/year) giving the months the referrals span; without
        one the span is taken to be 12 months, with a notice.
    max_bytes
        The largest file accepted; ``None`` reads ``CSC_DASH_MAX_UPLOAD_MB`` (default 200 MB).

    Returns
    -------
    ScoredCohort
        ``source="upload"``. Uploaded columns are kept under internal names that can never meet
        the app's own columns (``need``, ``split``, ``score_*`` ...): ``outcome`` (0/1),
        ``upload_score_1``..., ``upload_group_1``... and ``upload_date``. ``score_columns`` maps
        each score's name as typed to its internal column, ``model_labels`` maps it to itself,
        and ``column_labels`` gives every internal column's name as typed (:meth:`ScoredCohort.label`);
        ``notices`` say what was done (rows dropped, rescaling, span).

    Raises
    ------
    CohortError
        With one of the messages in :data:`UPLOAD_ERRORS`.
    """
    outcome_names = _as_names(outcome, "outcome")
    score_names = _as_names(scores, "scores")
    group_names = _as_names(groups, "groups")
    date_names = _as_names(date, "date")
    named = [*(outcome_names or []), *(score_names or []), *(group_names or []), *(date_names or [])]
    # With every job named, only those columns are read; otherwise all, to guess the rest.
    everything = outcome_names is None or score_names is None or group_names is None
    coded = tuple(n for n in [*(outcome_names or []), *(group_names or []), *(date_names or [])])
    table, sep = _read_table(
        source,
        max_bytes,
        include=None if everything else named,
        coded=() if everything else coded,
        numeric=() if everything else tuple(score_names or ()),
    )
    try:
        return _cohort_from_table(table, sep, outcome_names, score_names, group_names, date_names)
    except _NotPlainNumbers:  # rare: read the scores as text to show what is wrong
        table, sep = _read_table(source, max_bytes, include=named, coded=coded)
        return _cohort_from_table(table, sep, outcome_names, score_names, group_names, date_names)


def _cohort_from_table(
    table: _Table,
    sep: str,
    outcome_names: list[str] | None,
    score_names: list[str] | None,
    group_names: list[str] | None,
    date_names: list[str] | None,
) -> ScoredCohort:
    """The cohort from the file's table: columns checked, values parsed, rows kept."""
    named = [*(outcome_names or []), *(score_names or []), *(group_names or []), *(date_names or [])]
    columns = table.columns

    for name in named:
        if name not in columns:
            raise CohortError(UNKNOWN_COLUMN.format(name=_shown(name), columns=_shown_list(columns)))

    outcome_col = outcome_names[0] if outcome_names else _guess_outcome(columns)
    if outcome_col is None:
        raise CohortError(NO_OUTCOME_COLUMN.format(columns=_shown_list(columns)))
    date_col = date_names[0] if date_names else None
    if score_names is None:
        score_names = list(_guess_scores(table, sep, {outcome_col, date_col}))
    if not score_names:
        raise CohortError(NO_SCORE_COLUMN.format(columns=_shown_list(columns)))
    if group_names is None:
        group_names = list(_guess_groups(table, sep, {outcome_col, date_col, *score_names}))
    if len(group_names) > MAX_GROUP_COLUMNS:
        raise CohortError(
            TOO_MANY_GROUP_COLUMNS.format(count=len(group_names), maximum=MAX_GROUP_COLUMNS)
        )

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
    index, values = _encoded(table.take(outcome_col))
    value_missing = _missing(values).to_numpy(dtype=bool)
    value_y = values.str.strip().str.lower().map(_OUTCOME_TOKENS).to_numpy(dtype=float)
    bad = ~value_missing & np.isnan(value_y)
    if bad.any():
        raise CohortError(
            OUTCOME_VALUES.format(name=_shown(outcome_col), examples=_examples(values[bad]))
        )
    outcome_missing = _per_row(value_missing, index, True)
    y_all = _per_row(value_y, index, np.nan)
    keep = ~outcome_missing

    score_values = {}
    for name in score_names:
        numbers, missing = _score_numbers(table, name, sep)
        score_values[name] = numbers
        keep &= ~missing

    dates = None
    if date_col is not None:
        index, values = _encoded(table.take(date_col))
        parsed = _to_dates(values).to_numpy()
        value_missing = _missing(values).to_numpy(dtype=bool)
        unreadable_values = ~value_missing & pd.isna(parsed)
        dates = _per_row(parsed, index, np.datetime64("NaT"))
        unreadable = _per_row(unreadable_values, index, False)
        if (~pd.isna(dates)).sum() == 0 or unreadable.mean() > 0.5:
            shown = values[unreadable_values] if unreadable_values.any() else values
            raise CohortError(DATES_NOT_DATES.format(name=_shown(date_col), examples=_examples(shown)))

    total = len(table)
    dropped = int(total - keep.sum())
    # Most files keep every row: a slice then selects them without copying.
    kept_rows = slice(None) if dropped == 0 else np.flatnonzero(keep)
    y = y_all[kept_rows].astype(np.int8)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives < MIN_EACH_OUTCOME or negatives < MIN_EACH_OUTCOME:
        raise CohortError(
            TOO_FEW_OUTCOMES.format(
                positives=positives, negatives=negatives, dropped=dropped, minimum=MIN_EACH_OUTCOME
            )
        )

    out: dict[str, object] = {"outcome": y}
    labels_of: dict[str, str] = {}
    score_columns: dict[str, str] = {}
    notices: list[str] = []
    if dropped:
        notices.append(DROPPED_ROWS_NOTICE.format(dropped=dropped, total=total))
    for i, (name, numbers) in enumerate(score_values.items(), start=1):
        values = numbers[kept_rows]
        low, high = float(values.min()), float(values.max())
        if low < 0 or high > 1:
            # Average rank / n keeps the order and keeps ties tied; the result is in (0, 1].
            values = pd.Series(values).rank(method="average").to_numpy() / len(values)
            notices.append(RESCALED_NOTICE.format(name=_shown(name), low=low, high=high))
        internal = f"upload_score_{i}"
        out[internal] = values
        labels_of[internal] = name
        score_columns[name] = internal
    group_columns = []
    for i, name in enumerate(group_names, start=1):
        index, text = _encoded(table.take(name))
        shown = text.str.strip().where(~_missing(text), MISSING_GROUP_VALUE).to_numpy(dtype=object)
        shown = np.append(shown, np.array([MISSING_GROUP_VALUE], dtype=object))  # index -1
        label_ids, labels = pd.factorize(shown)
        row_ids = label_ids.astype(np.int32)[index[kept_rows]]
        count = int(np.count_nonzero(np.bincount(row_ids, minlength=len(labels))))
        if count > MAX_GROUP_VALUES:
            raise CohortError(
                TOO_MANY_GROUP_VALUES.format(name=_shown(name), count=count, maximum=MAX_GROUP_VALUES)
            )
        internal = f"upload_group_{i}"
        out[internal] = _text_column(labels, row_ids)
        labels_of[internal] = name
        group_columns.append(internal)
    months = _DEFAULT_MONTHS
    if dates is None:
        notices.append(NO_DATE_NOTICE)
    else:
        kept = pd.Series(dates[kept_rows])
        if kept.isna().any():
            notices.append(UNDATED_ROWS_NOTICE.format(count=int(kept.isna().sum())))
        present = kept.dropna()
        if len(present):
            span = (present.max() - present.min()).days + 1
            months = round(max(span, 1) / _DAYS_PER_MONTH, 1) or 0.1
        out["upload_date"] = kept.to_numpy()
        labels_of["upload_date"] = date_col

    return ScoredCohort(
        frame=pd.DataFrame(out, copy=False),  # the arrays are this frame's alone: no copy
        score_columns=score_columns,
        model_labels={name: name for name in score_names},
        group_columns=tuple(group_columns),
        source="upload",
        months=float(months),
        notices=tuple(notices),
        column_labels=labels_of,
    )


def message_pattern(template: str) -> re.Pattern[str]:
    """A regex matching any message made from ``template`` (for tests and callers)."""
    parts = []
    for literal, field_name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field_name is not None:
            parts.append(".*?")
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)
