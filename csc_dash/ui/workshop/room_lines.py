"""The facilitator's section on the room's lines by role: where each group would draw the line and
what that means per 1,000 referrals with the tool on screen, how many false alarms each group would
accept to find one more child, agreement across groups on each statement, and (with enough
people) opinion groups, labelled as a first look.

Only the Facilitator page uses this module. The numbers come from
:mod:`csc_dash.workshop.room_answers`; this module only lays them out as tables and words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import streamlit as st

from csc_dash import line as line_rule
from csc_dash import tables, tradeoffs
from csc_dash.markup import markdown_text
from csc_dash.ui import loaders, shell
from csc_dash.ui.workshop.session import MSG_STORE_DOWN, engine
from csc_dash.workshop import StoreUnavailable, list_statements
from csc_dash.workshop.agreement import (
    EXPLORATORY_NOTE,
    MIN_PEOPLE_FOR_GROUPS,
    MIN_SEEN,
    TOO_FEW_TO_SAY,
    opinion_groups,
)
from csc_dash.workshop.room_answers import room_answers, room_summary, room_votes
from csc_dash.workshop.room_lines import MIN_PEOPLE

HEADER = "The room's lines, by group"
INTRO = (
    "Where each group would draw the line, and what that line means for every 1,000 referrals "
    "with the tool on your screen now. The middle answer is the one in the middle when the "
    "answers are put in order. These are what people said. The tool does not decide anything."
)
NO_LINES = "No one has said where they would draw the line yet."
NO_FALSE_ALARMS = "No one has said how many false alarms they would accept yet."
FALSE_ALARMS_INTRO = (
    "How many false alarms each group would accept to find one more child who needs help."
)
AGREEMENT_INTRO = (
    "Does every group agree with a statement, not only the biggest one? For each group we count "
    "who agreed out of who saw it. Groups where fewer than {n} people saw a statement make it "
    "too few to say."
)
AGREEMENT_HOW_ANALYST = (
    "For analysts: group-informed agreement, as Pol.is works it out, multiplies "
    "(agree + 1) / (seen + 2) over the groups. The middle column is its geometric mean."
)
NO_STATEMENTS = "No statements are open to the room yet."
FEW_FOR_GROUPS = (
    "Opinion groups are only looked for once at least {n} people have voted. So far {k} have."
)
GROUPS_HEADER = "Opinion groups (a first look)"
TOO_FEW_NOTE = "Fewer than {n} answers: too few to tell how spread out they are."

LINE_HEADERS = {
    "people": "People",
    "no_line": "Said no line",
    "lowest": "Lowest",
    "middle": "Middle",
    "highest": "Highest",
    "flagged": "Flagged at the middle line",
    "false_alarm": "False alarms at the middle line",
    "missed": "Children missed at the middle line",
}
COUNT_HEADERS = {
    "people": "People",
    "lowest": "Lowest",
    "middle": "Middle",
    "highest": "Highest",
}


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


def _number(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def spread_table(spread: pd.DataFrame, headers: Mapping[str, str]) -> pd.DataFrame:
    """A spread by role with plain headers and whole numbers as text, indexed by the group."""
    shown = spread.set_index("role")[list(headers)].rename(columns=headers)
    shown.index.name = "Group"
    return shown.map(_number)


def line_sentence(row: Mapping) -> str:
    """What one group's middle line means, in words."""
    who = f"{markdown_text(row['role'])} ({row['people']:,} {'person' if row['people'] == 1 else 'people'})"
    if np.isnan(row["middle"]):
        return f"{who}: no one named a line."
    said = (
        f"{who}: the middle line flags {_number(row['middle'])} in every 1,000 referrals. At that "
        f"line, {_number(row['false_alarm'])} of the flagged are false alarms and "
        f"{_number(row['missed'])} children who needed help are missed."
    )
    if row["too_few"]:
        said += " " + TOO_FEW_NOTE.format(n=MIN_PEOPLE)
    return said


def agreement_table(agreement: pd.DataFrame, texts: Mapping[int, str]) -> pd.DataFrame:
    """Per statement: the exact counts per group, and the agreement across groups or "too few to say"."""
    rows = []
    for item in agreement.itertuples():
        counts = "; ".join(
            f"{role}: {agree} of {seen} agree" for role, (agree, seen) in item.counts.items()
        )
        rows.append(
            {
                "Statement": markdown_text(texts.get(item.statement_id, "")),
                "Who agreed, by group": markdown_text(counts),
                "Typical support in each group": TOO_FEW_TO_SAY
                if item.too_few
                else f"about {item.per_role_agreement * 100:.0f} in 100",
                "Group-informed agreement": "" if item.too_few else f"{item.group_agreement:.2f}",
            }
        )
    return pd.DataFrame(rows)


def _show_tables(frame: pd.DataFrame, alt: str) -> None:
    for title, part in tables.narrow_tables(frame, width=4, digits=0):
        if title:
            st.markdown(f"**{title}**")
        st.table(part, alt=alt)


def room_lines_section(workshop_id: int) -> None:
    """The whole section, read fresh from the store."""
    st.header(HEADER, anchor=False)
    try:
        answers = room_answers(engine(), workshop_id)
        cast = room_votes(engine(), workshop_id)
        listed = list_statements(engine(), workshop_id)
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        return
    texts = {item.id: item.text for item in listed}
    summary = room_summary(answers, cast, statement_ids=list(texts), counts_at=counts_in_force())
    st.caption(INTRO)
    lines = summary["lines"]
    if not answers["said_line"].any():
        st.markdown(NO_LINES)
    else:
        for row in lines.to_dict("records"):
            st.markdown(f"- {line_sentence(row)}")
        _show_tables(spread_table(lines, LINE_HEADERS), "Where each group would draw the line")

    st.subheader("False alarms to find one more child", anchor=False)
    st.caption(FALSE_ALARMS_INTRO)
    if not answers["said_false_alarms"].any():
        st.markdown(NO_FALSE_ALARMS)
    else:
        _show_tables(
            spread_table(summary["false_alarms"], COUNT_HEADERS),
            "False alarms each group would accept",
        )

    st.subheader("Agreement across groups", anchor=False)
    st.caption(AGREEMENT_INTRO.format(n=MIN_SEEN))
    if summary["agreement"].empty:
        st.markdown(NO_STATEMENTS)
    else:
        st.table(
            agreement_table(summary["agreement"], texts),
            hide_index=True,
            alt="Agreement on each statement, by group",
        )
        if shell.analyst_view():
            st.caption(AGREEMENT_HOW_ANALYST)

    st.subheader(GROUPS_HEADER, anchor=False)
    voters = cast["participant_id"].nunique()
    groups = opinion_groups(cast) if voters >= MIN_PEOPLE_FOR_GROUPS else None
    if groups is None:
        st.markdown(FEW_FOR_GROUPS.format(n=MIN_PEOPLE_FOR_GROUPS, k=voters))
        return
    st.info(EXPLORATORY_NOTE, icon=":material/science:")
    roles = cast.drop_duplicates("participant_id").set_index("participant_id")["role_tag"]
    mix = pd.crosstab(groups, roles.reindex(groups.index))
    mix.index = [f"Group {n}" for n in mix.index]
    mix.index.name = "Opinion group"
    _show_tables(mix.map(_number), "Who is in each opinion group, by declared role")
