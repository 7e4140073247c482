"""The room's lines in words and tables: one layout for every place that shows them.

The facilitator's section (:mod:`csc_dash.ui.workshop.room_lines`), the workshop's HTML report
(:mod:`csc_dash.workshop.report_room`) and its exports (:mod:`csc_dash.workshop.sheets`) all read
one :class:`Room`, worked out once by :func:`read_room`: where each group would draw the line and
what its middle line means per 1,000 (flagged, false alarms, children missed) with the tool on the
facilitator's screen, the false alarms each group would accept to find one more child,
group-informed agreement on each statement, and, with enough voters, who is in each opinion group.

Every text here is plain and raw: each place escapes it for its own markup (Markdown on screen,
HTML in the report, a spreadsheet cell in the CSV).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from csc_dash.workshop.agreement import (
    MIN_PEOPLE_FOR_GROUPS,
    MIN_SEEN,
    TOO_FEW_TO_SAY,
    opinion_group_mix,
)
from csc_dash.workshop.room_answers import room_answers, room_summary, room_votes
from csc_dash.workshop.room_lines import MIN_PEOPLE
from csc_dash.workshop.statements import list_statements

__all__ = ["ROOM_CSV_COLUMNS", "Room", "no_groups_sentence", "read_room", "room_rows"]

HEADER = "The room's lines, by group"
#: What "the middle answer" is, for an odd and an even number of answers (room_lines.middle_answer).
MIDDLE_MEANS = (
    "The middle answer is the one in the middle when the answers are put in order. With an even "
    "number of answers, two share the middle, so we take the point halfway between them, to the "
    "nearest whole number."
)
INTRO = (
    "Where each group would draw the line, and what that line means for every 1,000 referrals "
    f"with the tool on your screen now. {MIDDLE_MEANS} These are what people said. The tool "
    "does not decide anything."
)
REPORT_INTRO = (
    "Where each group would draw the line, and what the middle line means for every 1,000 "
    "referrals with the tool on the facilitator's screen when the report was made. "
    f"{MIDDLE_MEANS} These are what people said. The tool does not decide anything."
)
#: After a group's middle line when it lies between two answers (it is no one's own answer).
HALFWAY_NOTE = "(halfway between the two answers in the middle)"
TOOL_NAMED = "The tool was: {tool}."
NO_TOOL = (
    "Where each group would draw the line. This report was made without a tool, so it does not "
    "say what each line means for every 1,000 referrals."
)
NO_LINES = "No one has said where they would draw the line yet."
NO_FALSE_ALARMS = "No one has said how many false alarms they would accept yet."
FALSE_ALARMS_TITLE = "False alarms to find one more child"
FALSE_ALARMS_INTRO = (
    "How many false alarms each group would accept to find one more child who needs help."
)
AGREEMENT_TITLE = "Agreement across groups"
AGREEMENT_INTRO = (
    "Does every group agree with a statement, not only the biggest one? For each group we count "
    "who agreed out of who saw it. Groups where fewer than {n} people saw a statement make it "
    "too few to say."
)
#: How agreement across groups is worked out, for the report's separate part "How these
#: figures were worked out" (the main text stays plain; a facilitator may project it).
METHOD_TITLE = "How these figures were worked out"
AGREEMENT_METHOD_ANALYST = (
    "Group-informed agreement, as Pol.is works it out, multiplies (agree + 1) / (seen + 2) over "
    "the groups. The +1 and +2 keep a small group from reading as 0% or 100%. Typical support "
    "in each group is its geometric mean over the groups, so it reads on the same scale as one "
    "group's share."
)
#: The same, on the facilitator's screen in the analyst view.
AGREEMENT_HOW_ANALYST = (
    "For analysts: group-informed agreement, as Pol.is works it out, multiplies "
    "(agree + 1) / (seen + 2) over the groups. The middle column is its geometric mean."
)
NO_STATEMENTS = "No statements are open to the room yet."
FEW_FOR_GROUPS = (
    "Opinion groups are only looked for once at least {n} people have voted. So far {k} have."
)
NO_SPLIT = (
    "{k} people have voted, but their votes do not split into groups. They may have voted on "
    "too few statements, or in much the same way."
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
AGREEMENT_HEADERS = (
    "Statement",
    "Who agreed, by group",
    "Typical support in each group",
    "Group-informed agreement",
)

#: The room's lines as one spreadsheet: a row per group and section (``line``,
#: ``false_alarms``), per statement and group (``agreement``), and per opinion group and role
#: (``opinion_group``); a column is blank where it does not apply to a section.
ROOM_CSV_COLUMNS = [
    "section",
    "role",
    "statement_id",
    "statement",
    "opinion_group",
    "people",
    "no_line",
    "lowest",
    "lower_quarter",
    "middle",
    "middle_exact",
    "upper_quarter",
    "highest",
    "too_few",
    "flagged_at_middle",
    "false_alarms_at_middle",
    "missed_at_middle",
    "agree",
    "seen",
    "group_informed_agreement",
    "typical_support_per_group",
    "tool",
]


def plain_texts() -> dict[str, str]:
    """The sentences with a gap to fill, filled, for the reading-level test."""
    return {
        "agreement_intro": AGREEMENT_INTRO.format(n=MIN_SEEN),
        "few_for_groups": FEW_FOR_GROUPS.format(n=MIN_PEOPLE_FOR_GROUPS, k=4),
        "no_split": NO_SPLIT.format(k=25),
        "too_few": TOO_FEW_NOTE.format(n=MIN_PEOPLE),
    }


@dataclass(frozen=True)
class Room:
    """What the room said, worked out once (:func:`read_room`)."""

    lines: pd.DataFrame  # room_lines.line_spread_by_role (or spread_by_role without a tool)
    false_alarms: pd.DataFrame  # room_lines.spread_by_role
    agreement: pd.DataFrame  # agreement.group_agreement, one row per open statement
    texts: Mapping[int, str]  # statement id -> its words, for the statements open to the room
    said_line: bool  # anyone said where they would draw the line (a number or "no line")
    said_false_alarms: bool
    voters: int  # people who voted on a statement open to the room
    opinion_groups: pd.DataFrame | None  # agreement.opinion_group_mix, or None
    tool: str | None  # the tool whose counts give each middle line's meaning, or None

    @property
    def has_meaning(self) -> bool:
        return "flagged" in self.lines.columns


def no_groups_sentence(room: Room) -> str:
    """Why the room shows no opinion groups: too few voters so far, or enough voters whose votes
    do not split (the same sentence on screen and in the report)."""
    if room.voters < MIN_PEOPLE_FOR_GROUPS:
        return FEW_FOR_GROUPS.format(n=MIN_PEOPLE_FOR_GROUPS, k=room.voters)
    return NO_SPLIT.format(k=room.voters)


def read_room(
    engine: Engine,
    workshop_id: int,
    *,
    counts_at: Callable[[int], Mapping[str, int]] | None = None,
    tool: str | None = None,
) -> Room:
    """The room's lines, false alarms, agreement and opinion groups, read from the store once.

    ``counts_at(k)`` gives the people per 1,000 when ``k`` in every 1,000 are flagged with the
    tool called ``tool``; without it the lines have no meaning per 1,000 (and ``tool`` is None).
    """
    answers = room_answers(engine, workshop_id)
    cast = room_votes(engine, workshop_id)
    texts = {item.id: item.text for item in list_statements(engine, workshop_id)}
    summary = room_summary(answers, cast, statement_ids=list(texts), counts_at=counts_at)
    voters = int(cast["participant_id"].nunique())
    return Room(
        lines=summary["lines"],
        false_alarms=summary["false_alarms"],
        agreement=summary["agreement"],
        texts=texts,
        said_line=bool(answers["said_line"].any()),
        said_false_alarms=bool(answers["said_false_alarms"].any()),
        voters=voters,
        opinion_groups=opinion_group_mix(cast) if voters >= MIN_PEOPLE_FOR_GROUPS else None,
        tool=tool if counts_at is not None else None,
    )


def number(value) -> str:
    """A count or a line as text: whole numbers with thousands commas, else one decimal."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def spread_table(spread: pd.DataFrame, headers: Mapping[str, str]) -> pd.DataFrame:
    """A spread by role with plain headers and numbers as text, indexed by the group."""
    shown = spread.set_index("role")[[c for c in headers if c in spread.columns]]
    shown = shown.rename(columns=headers)
    shown.index.name = "Group"
    return shown.map(number)


def line_sentence(row: Mapping, *, role_text: Callable[[str], str] = str) -> str:
    """What one group's middle line means, in words (``role_text`` escapes the role's name).

    The middle line is a whole number of referrals (:func:`room_lines.middle_answer`); when it
    lies halfway between two answers the sentence says so (:data:`HALFWAY_NOTE`).
    """
    people = f"{row['people']:,} {'person' if row['people'] == 1 else 'people'}"
    who = f"{role_text(row['role'])} ({people})"
    if np.isnan(row["middle"]):
        return f"{who}: no one named a line."
    halfway = f" {HALFWAY_NOTE}" if row.get("halfway") else ""
    said = (
        f"{who}: the middle line flags {number(row['middle'])} in every 1,000 referrals{halfway}."
    )
    if "flagged" in row:
        said += (
            f" At that line, {number(row['false_alarm'])} of the flagged are false alarms and "
            f"{number(row['missed'])} children who needed help are missed."
        )
    if row["too_few"]:
        said += " " + TOO_FEW_NOTE.format(n=MIN_PEOPLE)
    return said


def counts_words(counts: Mapping[str, tuple[int, int]]) -> str:
    """The exact counts behind a statement's agreement: "Parent: 3 of 4 agree; ..."."""
    return "; ".join(f"{role}: {agree} of {seen} agree" for role, (agree, seen) in counts.items())


def agreement_table(agreement: pd.DataFrame, texts: Mapping[int, str]) -> pd.DataFrame:
    """Per statement: its words, the exact counts per group, the typical support in each group
    and the group-informed agreement, or "too few to say" (columns :data:`AGREEMENT_HEADERS`)."""
    rows = [
        dict(
            zip(
                AGREEMENT_HEADERS,
                (
                    texts.get(item.statement_id, ""),
                    counts_words(item.counts),
                    TOO_FEW_TO_SAY
                    if item.too_few
                    else f"about {item.per_role_agreement * 100:.0f} in 100",
                    "" if item.too_few else f"{item.group_agreement:.2f}",
                ),
                strict=True,
            )
        )
        for item in agreement.itertuples()
    ]
    return pd.DataFrame(rows, columns=list(AGREEMENT_HEADERS))


def _value(value):
    """A cell for the spreadsheet: ``None`` for a missing number, 60 for 60.0, plain Python types."""
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float):
        if np.isnan(value):
            return None
        if value.is_integer():
            return int(value)
    return value


def room_rows(room: Room) -> pd.DataFrame:
    """The whole :class:`Room` as one table for a spreadsheet (:data:`ROOM_CSV_COLUMNS`)."""
    rows: list[dict] = []
    spread = ["people", "no_line", "lowest", "lower_quarter", "middle", "middle_exact",
              "upper_quarter", "highest", "too_few"]  # fmt: skip
    meaning = {"flagged": "flagged_at_middle", "false_alarm": "false_alarms_at_middle",
               "missed": "missed_at_middle"}  # fmt: skip
    for section, frame in (("line", room.lines), ("false_alarms", room.false_alarms)):
        for record in frame.to_dict("records"):
            row = {"section": section, "role": record["role"]}
            row.update({column: _value(record[column]) for column in spread})
            if section == "line" and room.has_meaning:
                row.update({name: _value(record[column]) for column, name in meaning.items()})
                row["tool"] = room.tool
            rows.append(row)
    for item in room.agreement.itertuples():
        counts = item.counts or {None: (0, 0)}  # no one voted yet: the statement still has a row
        for role, (agree, seen) in counts.items():
            rows.append(
                {
                    "section": "agreement",
                    "role": role,
                    "statement_id": item.statement_id,
                    "statement": room.texts.get(item.statement_id, ""),
                    "agree": agree,
                    "seen": seen,
                    "too_few": bool(item.too_few),
                    "group_informed_agreement": _value(item.group_agreement),
                    "typical_support_per_group": _value(item.per_role_agreement),
                }
            )
    if room.opinion_groups is not None:
        for group, counts in room.opinion_groups.iterrows():
            for role, people in counts.items():
                rows.append(
                    {
                        "section": "opinion_group",
                        "opinion_group": group,
                        "role": role,
                        "people": int(people),
                    }  # fmt: skip
                )
    return pd.DataFrame(rows, columns=ROOM_CSV_COLUMNS, dtype=object)  # 3 stays 3, never 3.0
