"""Wide frames as narrow tables that a person can read, on a phone too.

The analyst view shows whole frames (a rate per group with its interval and its ratio to the
reference group, for eight rates: about fifty columns). As one table that is a strip to scroll
sideways, and a scrolling box that a keyboard cannot reach (axe: scrollable-region-focusable).
:func:`narrow_tables` cuts a frame into tables of a few columns each that fit a 390 px screen:

- a measure that comes with ``<name>_low`` / ``<name>_high`` (and ``<name>_ratio_low`` /
  ``<name>_ratio_high``) becomes one table of its own, titled with its name: the value, its
  likely range ("0.12 to 0.30") and the range of its ratio to the reference group;
- the other columns go together, a few to a table;
- a column that only repeats the index (such as ``label``) is left out (unless
  ``drop_repeats=False``: a column of what people typed may happen to repeat it), and the columns
  in ``keep`` join the index ("Asian, single"), so no row in any table loses what it is about.

Every header, index label and cell is text escaped with :func:`csc_dash.markup.markdown_text`
(``st.table`` reads Markdown everywhere, and group names may come from an upload); numbers have
``digits`` decimals; a missing number is blank.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from csc_dash.markup import markdown_text

__all__ = ["narrow_tables"]

_PARTS = ("_ratio_low", "_ratio_high", "_low", "_high")
_RANGE_HEADERS = {"": "Value", "range": "Likely range", "ratio": "Ratio to the reference group"}


def _text(value: object, digits: int) -> str:
    if isinstance(value, tuple):
        return ", ".join(_text(v, digits) for v in value)
    if value is None or (isinstance(value, float | np.floating) and value != value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:.{digits}f}"
    return str(value)


def _header(name: object) -> str:
    return markdown_text(str(name).replace("_", " "))


def _span(low: pd.Series, high: pd.Series, digits: int) -> pd.Series:
    return pd.Series(
        [
            ""
            if (lo := _text(a, digits)) == "" or (hi := _text(b, digits)) == ""
            else f"{lo} to {hi}"
            for a, b in zip(low, high, strict=True)
        ],
        index=low.index,
    )


def narrow_tables(
    frame: pd.DataFrame,
    *,
    keep: Sequence[str] = (),
    width: int = 3,
    digits: int = 3,
    drop_repeats: bool = True,
) -> list[tuple[str, pd.DataFrame]]:
    """``frame`` as (title, table) pairs, each table at most ``width`` columns besides its index.

    Titles and tables are escaped for Markdown (see the module's notes); the title is ``""``
    for a table of single columns.
    """
    index_text = [str(v) for v in frame.index]
    if drop_repeats:
        repeats = [c for c in frame.columns if [str(v) for v in frame[c]] == index_text]
        frame = frame.drop(columns=repeats)
    if keep:
        frame = frame.set_index(list(keep), append=True)
    columns = list(frame.columns)
    families: dict[str, dict[str, str]] = {}
    for column in columns:
        base, part = column, ""
        for suffix in _PARTS:
            if str(column).endswith(suffix) and str(column)[: -len(suffix)] in frame.columns:
                base, part = str(column)[: -len(suffix)], suffix[1:]
                break
        families.setdefault(base, {})[part] = column

    def framed(data: dict[str, pd.Series]) -> pd.DataFrame:
        out = pd.DataFrame(data, index=frame.index)
        out.index = pd.Index(
            [markdown_text(_text(v, digits)) for v in frame.index],
            name=markdown_text(", ".join(str(n) for n in frame.index.names if n is not None)),
        )
        return out

    tables: list[tuple[str, pd.DataFrame]] = []
    singles: list[str] = []
    for base, parts in families.items():
        if set(parts) == {""}:
            singles.append(parts[""])
            continue
        data: dict[str, pd.Series] = {}
        if "" in parts:
            data[_RANGE_HEADERS[""]] = frame[parts[""]].map(lambda v: _text(v, digits))
        if "low" in parts and "high" in parts:
            data[_RANGE_HEADERS["range"]] = _span(frame[parts["low"]], frame[parts["high"]], digits)
        if "ratio_low" in parts and "ratio_high" in parts:
            data[_RANGE_HEADERS["ratio"]] = _span(
                frame[parts["ratio_low"]], frame[parts["ratio_high"]], digits
            )
        escaped = {markdown_text(k): v.map(markdown_text) for k, v in data.items()}
        tables.append((markdown_text(base.replace("_", " ")), framed(escaped)))
    for start in range(0, len(singles), width):
        chunk = singles[start : start + width]
        data = {}
        for c in chunk:  # two names may read alike ("n_" and "n"): never let one hide the other
            header, k = _header(c), 2
            while header in data:
                header, k = f"{_header(c)} ({k})", k + 1
            data[header] = frame[c].map(lambda v: markdown_text(_text(v, digits)))
        tables.insert(start // width, ("", framed(data)))
    return tables
