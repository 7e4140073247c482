"""The facilitator's section on the room's lines by role: where each group would draw the line and
what that means per 1,000 referrals with the tool on screen, how many false alarms each group would
accept to find one more child, agreement across groups on each statement, and (with enough
people) opinion groups, labelled as a first look.

Only the Facilitator page uses this module. The numbers and words come from
:mod:`csc_dash.workshop.room_words` (the same :class:`~csc_dash.workshop.room_words.Room` the
HTML report and the exports lay out); this module only shows them, escaped for Markdown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from csc_dash import line as line_rule
from csc_dash import tables, tradeoffs
from csc_dash.markup import markdown_text
from csc_dash.ui import loaders, shell
from csc_dash.ui.workshop.session import MSG_STORE_DOWN, engine
from csc_dash.workshop import StoreUnavailable
from csc_dash.workshop.agreement import EXPLORATORY_NOTE, MIN_PEOPLE_FOR_GROUPS, MIN_SEEN
from csc_dash.workshop.room_lines import MIN_PEOPLE
from csc_dash.workshop.room_words import (
    AGREEMENT_HOW_ANALYST,
    AGREEMENT_INTRO,
    AGREEMENT_TITLE,
    COUNT_HEADERS,
    FALSE_ALARMS_INTRO,
    FALSE_ALARMS_TITLE,
    FEW_FOR_GROUPS,
    GROUPS_HEADER,
    HEADER,
    INTRO,
    LINE_HEADERS,
    NO_FALSE_ALARMS,
    NO_LINES,
    NO_STATEMENTS,
    TOO_FEW_NOTE,
    agreement_table,
    line_sentence,
    no_groups_sentence,
    number,
    read_room,
    spread_table,
)

__all__ = [
    "FEW_FOR_GROUPS",
    "HEADER",
    "NO_FALSE_ALARMS",
    "NO_LINES",
    "TOO_FEW_NOTE",
    "counts_in_force",
    "room_lines_section",
    "tool_in_force",
]


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "intro": INTRO,
        "false_alarms_intro": FALSE_ALARMS_INTRO,
        "agreement_intro": AGREEMENT_INTRO.format(n=MIN_SEEN),
        "few_for_groups": FEW_FOR_GROUPS.format(n=MIN_PEOPLE_FOR_GROUPS, k=4),
        "too_few": TOO_FEW_NOTE.format(n=MIN_PEOPLE),
    }


def counts_in_force() -> Callable[[int], Mapping[str, int]]:
    """People per 1,000 (flagged, false alarms, missed, ...) when ``k`` in every 1,000 are
    flagged, with the tool this session shows."""
    cohort = loaders.current_cohort()
    table = loaders.sweep(cohort, loaders.current_model(cohort))

    def counts_at(per_1000: int) -> Mapping[str, int]:
        threshold = line_rule.threshold_for_per_1000(table, int(per_1000))
        return tradeoffs.people_counts(tradeoffs.threshold_row(table, threshold))

    return counts_at


def tool_in_force() -> str:
    """The name of the tool :func:`counts_in_force` counts with, for the exports (raw text: an
    uploaded file names its own tools, and each export escapes it)."""
    cohort = loaders.current_cohort()
    return shell.model_name(cohort, loaders.current_model(cohort))


def _show_tables(frame: pd.DataFrame, alt: str) -> None:
    for title, part in tables.narrow_tables(frame, width=4, digits=0):
        if title:
            st.markdown(f"**{title}**")
        st.table(part, alt=alt)


def room_lines_section(workshop_id: int) -> None:
    """The whole section, read fresh from the store."""
    st.header(HEADER, anchor=False)
    try:
        room = read_room(engine(), workshop_id, counts_at=counts_in_force())
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        return
    st.caption(INTRO)
    if not room.said_line:
        st.markdown(NO_LINES)
    else:
        for row in room.lines.to_dict("records"):
            st.markdown(f"- {line_sentence(row, role_text=markdown_text)}")
        _show_tables(spread_table(room.lines, LINE_HEADERS), "Where each group would draw the line")

    st.subheader(FALSE_ALARMS_TITLE, anchor=False)
    st.caption(FALSE_ALARMS_INTRO)
    if not room.said_false_alarms:
        st.markdown(NO_FALSE_ALARMS)
    else:
        _show_tables(
            spread_table(room.false_alarms, COUNT_HEADERS),
            "False alarms each group would accept",
        )

    st.subheader(AGREEMENT_TITLE, anchor=False)
    st.caption(AGREEMENT_INTRO.format(n=MIN_SEEN))
    if room.agreement.empty:
        st.markdown(NO_STATEMENTS)
    else:
        shown = agreement_table(room.agreement, room.texts)
        for column in ("Statement", "Who agreed, by group"):  # what people typed, and roles
            shown[column] = shown[column].map(markdown_text)
        st.table(shown, hide_index=True, alt="Agreement on each statement, by group")
        if shell.analyst_view():
            st.caption(AGREEMENT_HOW_ANALYST)

    st.subheader(GROUPS_HEADER, anchor=False)
    if room.opinion_groups is None:
        st.markdown(no_groups_sentence(room))
        return
    st.info(EXPLORATORY_NOTE, icon=":material/science:")
    _show_tables(room.opinion_groups.map(number), "Who is in each opinion group, by declared role")
