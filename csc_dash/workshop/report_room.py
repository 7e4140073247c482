"""The workshop report's section on the room's lines by group, as the facilitator sees them.

It lays out one :class:`~csc_dash.workshop.room_words.Room` (worked out once, in the core) with the
words and tables of :mod:`csc_dash.workshop.room_words`: each group's middle line and what it means
per 1,000 referrals with the tool on the facilitator's screen (flagged, false alarms, children
missed), the false alarms each group would accept to find one more child, group-informed agreement
on each statement with its exact counts, and the opinion groups, marked as a first look. Nothing
is counted here; every text is escaped.
"""

from __future__ import annotations

from csc_dash.workshop.agreement import EXPLORATORY_NOTE, MIN_SEEN
from csc_dash.workshop.report_parts import escape, scrolls, table
from csc_dash.workshop.room_words import (
    AGREEMENT_HEADERS,
    AGREEMENT_INTRO,
    AGREEMENT_METHOD_ANALYST,
    AGREEMENT_TITLE,
    COUNT_HEADERS,
    FALSE_ALARMS_INTRO,
    FALSE_ALARMS_TITLE,
    GROUPS_HEADER,
    HEADER,
    LINE_HEADERS,
    METHOD_TITLE,
    NO_FALSE_ALARMS,
    NO_LINES,
    NO_STATEMENTS,
    NO_TOOL,
    REPORT_INTRO,
    TOOL_NAMED,
    Room,
    agreement_table,
    line_sentence,
    no_groups_sentence,
    number,
    spread_table,
)

__all__ = ["section_room"]

#: The lines' table in three, so that each fits a phone: how many answered, where each group
#: would draw the line, and what its middle line means (the last only with a tool).
LINE_TABLES = (
    ("How many in each group answered", ("people", "no_line")),
    ("Where each group would draw the line", ("lowest", "middle", "highest")),
    ("What each group's middle line means per 1,000", ("flagged", "false_alarm", "missed")),
)
#: The agreement table in two: the exact counts, then the agreement across groups.
AGREEMENT_TABLES = (
    ("Who agreed with each statement, by group", AGREEMENT_HEADERS[1:2]),
    ("Agreement across groups on each statement", AGREEMENT_HEADERS[2:]),
)


def _frame_table(frame, caption: str, *, numeric: bool = True) -> str:
    """A frame of text (index: the group) as a table, numbers set right if ``numeric``."""
    headers = [frame.index.name or "", *frame.columns]
    rows = [(index, *values) for index, values in zip(frame.index, frame.to_numpy(), strict=True)]
    right = range(1, len(headers)) if numeric else ()
    return scrolls(table(headers, rows, numeric=right, caption=caption), caption)


def _lines(room: Room) -> str:
    if not room.said_line:
        return f"<p>{escape(NO_LINES)}</p>"
    sentences = "".join(
        f"<li>{escape(line_sentence(row))}</li>" for row in room.lines.to_dict("records")
    )
    out = [f"<ul>{sentences}</ul>"]
    for caption, columns in LINE_TABLES:
        if all(column in room.lines.columns for column in columns):
            shown = spread_table(room.lines, {c: LINE_HEADERS[c] for c in columns})
            out.append(_frame_table(shown, caption))
    return "".join(out)


def _false_alarms(room: Room) -> str:
    out = [f"<h3>{escape(FALSE_ALARMS_TITLE)}</h3><p>{escape(FALSE_ALARMS_INTRO)}</p>"]
    if not room.said_false_alarms:
        out.append(f"<p>{escape(NO_FALSE_ALARMS)}</p>")
    else:
        counts = spread_table(room.false_alarms, COUNT_HEADERS)
        out.append(_frame_table(counts, "False alarms each group would accept"))
    return "".join(out)


def _agreement(room: Room) -> str:
    out = [f"<h3>{escape(AGREEMENT_TITLE)}</h3><p>{escape(AGREEMENT_INTRO.format(n=MIN_SEEN))}</p>"]
    if room.agreement.empty:
        out.append(f"<p>{escape(NO_STATEMENTS)}</p>")
        return "".join(out)
    shown = agreement_table(room.agreement, room.texts).set_index(AGREEMENT_HEADERS[0])
    for caption, columns in AGREEMENT_TABLES:  # two narrow tables, so that each fits a phone
        out.append(_frame_table(shown[list(columns)], caption, numeric=False))
    return "".join(out)


def _method(room: Room) -> str:
    """How the figures were worked out, apart from the main text and closed until opened: the
    room sees plain words when the report is projected, and the method is one tap away."""
    if room.agreement.empty:
        return ""
    return (
        f'<details class="method"><summary>{escape(METHOD_TITLE)}</summary>'
        f"<p>{escape(AGREEMENT_METHOD_ANALYST)}</p></details>"
    )


def _opinion_groups(room: Room) -> str:
    out = [f"<h3>{escape(GROUPS_HEADER)}</h3>"]
    if room.opinion_groups is None:
        out.append(f"<p>{escape(no_groups_sentence(room))}</p>")
        return "".join(out)
    out.append(f'<p class="note">{escape(EXPLORATORY_NOTE)}</p>')
    mix = room.opinion_groups.map(number)
    out.append(_frame_table(mix, "Who is in each opinion group, by declared role"))
    return "".join(out)


def section_room(room: Room) -> str:
    """The report's section "The room's lines, by group"."""
    intro = REPORT_INTRO if room.has_meaning else NO_TOOL
    if room.has_meaning and room.tool:
        intro += " " + TOOL_NAMED.format(tool=room.tool)
    return "".join(
        [
            f"<h2>{escape(HEADER)}</h2>",
            f'<p class="summary">{escape(intro)}</p>',
            _lines(room),
            _false_alarms(room),
            _agreement(room),
            _opinion_groups(room),
            _method(room),
        ]
    )
