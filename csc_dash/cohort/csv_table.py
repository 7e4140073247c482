"""Reading an uploaded CSV into a table of text (or number) columns, and parsing values.

Arrow's CSV reader does the work in C++ threads without holding the GIL; per-value work on
columns with few distinct values (outcomes, groups, dates) is done once per value.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from csc_dash import config
from csc_dash.cohort.upload_messages import (
    _MISSING_TOKENS,
    _NUMBER_GAPS,
    DUPLICATE_COLUMNS,
    EMPTY_FILE,
    FILE_NOT_READABLE,
    FILE_TOO_BIG,
    MAX_CELLS,
    MAX_COLUMNS,
    NOT_A_TABLE,
    NOT_TEXT,
    TOO_MANY_CELLS,
    TOO_MANY_COLUMNS,
    CohortError,
    _shown,
    _shown_list,
)


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


def _first_record(text: str, delimiter: str) -> list[str] | csv.Error:
    """The first row split by ``delimiter``, or the csv module's error.

    Split by the wrong separator, a long first row is one field past the csv module's field
    limit (a comma file of 30,000 columns read by semicolons): only an error under both
    separators means the first row is broken.
    """
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        return exc


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
    if isinstance(comma, csv.Error) and isinstance(semicolon, csv.Error):
        raise CohortError(NOT_A_TABLE.format(detail=f"the first row is broken ({comma})"))
    comma = [] if isinstance(comma, csv.Error) else comma
    semicolon = [] if isinstance(semicolon, csv.Error) else semicolon
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
        raise CohortError(TOO_MANY_CELLS.format(rows=rows, columns=len(header), maximum=MAX_CELLS))


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
        raise CohortError(
            NOT_A_TABLE.format(detail="the rows, commas and quote marks do not line up")
        )
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = header
    columns = {
        name: pa.array([None if pd.isna(v) else str(v) for v in frame[name]], type=pa.string())
        for name in wanted
    }
    return (
        pa.table(columns) if columns else pa.table({"": pa.array([None] * len(frame))}).select([])
    )


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
            [
                (c.indices.fill_null(-1) if c.null_count else c.indices).to_numpy()
                for c in unified.chunks
            ]
        ).astype(np.int32, copy=False)
        return index, pd.Series(dictionary.to_pylist(), dtype=object)
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(array)
    index = (
        encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    )
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
        pa.array(list(labels), type=pa.string()),
        pa.array(row_ids),
        memory_pool=pa.system_memory_pool(),
    )
    return pd.Series(
        text.to_pandas(types_mapper=lambda _t: pd.StringDtype("pyarrow", na_value=np.nan))
    )
