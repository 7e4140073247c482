"""The workshop report's section on the room's lines by group, as the facilitator sees them.

It lays out one :class:`~csc_dash.workshop.room_words.Room` (worked out once, in the core) with the
words and tables of :mod:`csc_dash.workshop.room_words`: each group's middle line and what it means
per 1,000 referrals with the tool on the facilitator's screen (flagged, false alarms, children
missed), the false alarms each group would accept to find one more child, group-informed agreement
on each statement with its exact counts, and the opinion groups, marked as a first look. Nothing
is counted here; every text is escaped.
"""

from __future__ import annotations

from csc_dash.workshop.agreement import EXPLORATORY_NOTE, MIN_PEOPLE_FOR_GROUPS, MIN_SEEN
from csc_dash.workshop.report_parts import escape, table
from csc_dash.workshop.room_words import (
    AGREEMENT_HEADERS,
    AGREEMENT_HOW_ANALYST,
    AGREEMENT_INTRO,
    AGREEMENT_TITLE,
    COUNT_HEADERS,
    FALSE_ALARMS_INTRO,
    FALSE_ALARMS_TITLE,
    FEW_FOR_GROUPS,
    GROUPS_HEADER,
    HEADER,
    LINE_HEADERS,
    NO_FALSE_ALARMS,
    NO_LINES,
    NO_STATEMENTS,
    NO_TOOL,
    REPORT_INTRO,
    TOOL_NAMED,
    Room,
    agreement_table,
    line_sentence,
    number,
    spread_table,
)

__all__ = ["section_room"]

#: The lines' table in two, so that each fits a narrow screen: where each group would draw the
#: line, then what its middle line means.
SPREAD_COLUMNS = ("people", "no_line", "lowest", "middle", "highest")
MEANING_COLUMNS = ("flagged", "false_alarm", "missed")


def _frame_table(frame, caption: str) -> str:
    """A frame of text (index: the group) as a table, numbers set right."""
    headers = [frame.index.name or "", *frame.columns]
    rows = [(index, *values) for index, values in zip(frame.index, frame.to_numpy(), strict=True)]
    return table(headers, rows, numeric=range(1, len(headers)), caption=caption)


def _lines(room: Room) -> str:
    if not room.said_line:
        return f"<p>{escape(NO_LINES)}</p>"
    sentences = "".join(
        f"<li>{escape(line_sentence(row))}</li>" for row in room.lines.to_dict("records")
    )
    spread = spread_table(room.lines, {c: LINE_HEADERS[c] for c in SPREAD_COLUMNS})
    out = [f"<ul>{sentences}</ul>", _frame_table(spread, "Where each group would draw the line")]
    if room.has_meaning:
        meaning = spread_table(room.lines, {c: LINE_HEADERS[c] for c in MEANING_COLUMNS})
        out.append(_frame_table(meaning, "What each group's middle line means per 1,000"))
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
    out = [
        f"<h3>{escape(AGREEMENT_TITLE)}</h3><p>{escape(AGREEMENT_INTRO.format(n=MIN_SEEN))}</p>"
    ]
    if room.agreement.empty:
        out.append(f"<p>{escape(NO_STATEMENTS)}</p>")
        return "".join(out)
    rows = agreement_table(room.agreement, room.texts).itertuples(index=False)
    out.append(
        '<div class="wide">'
        + table(AGREEMENT_HEADERS, list(rows), caption="Agreement on each statement, by group")
        + f'</div><p class="note">{escape(AGREEMENT_HOW_ANALYST)}</p>'
    )
    return "".join(out)


def _opinion_groups(room: Room) -> str:
    out = [f"<h3>{escape(GROUPS_HEADER)}</h3>"]
    if room.opinion_groups is None:
        few = FEW_FOR_GROUPS.format(n=MIN_PEOPLE_FOR_GROUPS, k=room.voters)
        out.append(f"<p>{escape(few)}</p>")
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
        ]
    )
