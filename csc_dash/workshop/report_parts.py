"""The small pieces every section of the workshop's HTML report is made of: escaped text, a table,
a section with nothing to show yet. Everything that goes into the page goes through
:func:`html.escape` here or in the section that uses it."""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from typing import Any

__all__ = ["escape", "nothing", "scrolls", "table"]

escape = html.escape


def nothing(heading: str, sentence: str) -> str:
    """A section of the report that has nothing to show yet: its heading and why."""
    return f"<h2>{escape(heading)}</h2><p>{escape(sentence)}</p>"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    numeric: Collection[int] = (),
    caption: str | None = None,
) -> str:
    """A table with a header row; cells in the ``numeric`` columns are set right; every header
    and cell is escaped. ``caption`` names the table for a screen reader and under print."""
    head = "".join(f'<th scope="col">{escape(str(h))}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            klass = ' class="n"' if j in numeric else ""
            cells.append(f"<td{klass}>{escape('' if cell is None else str(cell))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    named = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{named}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def scrolls(inner: str, label: str) -> str:
    """``inner`` (a table) in a box that scrolls sideways on its own if a narrow screen cannot
    fit it, so the page itself never does; a keyboard can reach and scroll the box."""
    return (
        f'<div class="wide" role="region" tabindex="0" aria-label="{escape(label)}">{inner}</div>'
    )
