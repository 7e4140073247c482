"""An analyst's own scored test set: which column is which, and the cohort it makes.

Everything here reads an uploaded CSV into a :class:`~csc_dash.cohort.scored.ScoredCohort`, or
refuses it with a :class:`~csc_dash.cohort.upload_messages.CohortError` whose message says what
is wrong and how to fix it.
"""

from __future__ import annotations

import os
import re
from typing import IO

import numpy as np
import pandas as pd

from csc_dash.cohort.csv_table import (
    _encoded,
    _looks_numeric,
    _missing,
    _per_row,
    _read_table,
    _Table,
    _text_column,
    _to_dates,
    _to_numbers,
)
from csc_dash.cohort.scored import ScoredCohort
from csc_dash.cohort.upload_messages import (
    _DAYS_PER_MONTH,
    _DEFAULT_MONTHS,
    _MISSING_TOKENS,
    _OUTCOME_NAMES,
    _OUTCOME_PREFIXES,
    _OUTCOME_TOKENS,
    _SCORE_PREFIXES,
    COLUMN_TWO_JOBS,
    DATES_NOT_DATES,
    DROPPED_ROWS_NOTICE,
    GUESS_SAMPLE_ROWS,
    MAX_GROUP_COLUMNS,
    MAX_GROUP_VALUES,
    MIN_EACH_OUTCOME,
    MISSING_GROUP_VALUE,
    NO_DATE_NOTICE,
    NO_OUTCOME_COLUMN,
    NO_SCORE_COLUMN,
    OUTCOME_NAME_TAKEN,
    OUTCOME_VALUES,
    RESCALED_NOTICE,
    SCORES_NOT_NUMBERS,
    TOO_FEW_OUTCOMES,
    TOO_MANY_GROUP_COLUMNS,
    TOO_MANY_GROUP_VALUES,
    UNDATED_ROWS_NOTICE,
    UNKNOWN_COLUMN,
    CohortError,
    ColumnGuess,
    _examples,
    _shown,
    _shown_list,
)


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
    named = [
        *(outcome_names or []),
        *(score_names or []),
        *(group_names or []),
        *(date_names or []),
    ]
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
    named = [
        *(outcome_names or []),
        *(score_names or []),
        *(group_names or []),
        *(date_names or []),
    ]
    columns = table.columns

    for name in named:
        if name not in columns:
            raise CohortError(
                UNKNOWN_COLUMN.format(name=_shown(name), columns=_shown_list(columns))
            )

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
            raise CohortError(
                COLUMN_TWO_JOBS.format(name=_shown(name), jobs=" and ".join(its_jobs))
            )
    if outcome_col != "outcome" and "outcome" in jobs:
        raise CohortError(
            OUTCOME_NAME_TAKEN.format(job=jobs["outcome"][0], name=_shown(outcome_col))
        )

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
            raise CohortError(
                DATES_NOT_DATES.format(name=_shown(date_col), examples=_examples(shown))
            )

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
                TOO_MANY_GROUP_VALUES.format(
                    name=_shown(name), count=count, maximum=MAX_GROUP_VALUES
                )
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
