"""What the room has said: the live results the facilitator's screen and every export read.

The one place where answers are counted and summed up: one voice per person per question (their
latest answer), role tags in one order, the statements' agree shares and labels and their plain
words, reactions and five-point answers added up, and the lines people would accept (read per
1,000 referrals; the middle one is :func:`~csc_dash.workshop.room_lines.middle_answer`, a whole
number). :mod:`csc_dash.charts.workshop` and
:mod:`csc_dash.workshop.report` only draw and lay out what this module returns.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from csc_dash.content.questions import QUESTIONNAIRE, REACTION_LABELS
from csc_dash.workshop.answers import (
    ANSWER_LINE,
    LEGACY_LINE_QUESTION,
    LINE_QUESTION,
    RESPONSE_COLUMNS,
    response_rows,
)
from csc_dash.workshop.room_lines import halfway, middle_answer
from csc_dash.workshop.rules import REACTIONS, READ_UNAVAILABLE, ROLE_TAGS, finite_number
from csc_dash.workshop.statements import author_label
from csc_dash.workshop.store import participants, statements, transaction, unavailable_as, votes

__all__ = [
    "LABELS",
    "LABEL_WORDS",
    "REACTION_LABELS",
    "STATEMENT_RESULT_COLUMNS",
    "RoleLines",
    "agreement_words",
    "classify_statement",
    "lines_by_role",
    "lines_sentence",
    "live_summary",
    "and_list",
    "count_word",
    "most_common",
    "most_common_words",
    "people",
    "reaction_label",
    "reaction_totals",
    "responses",
    "role_order",
    "scale_totals",
    "statement_results",
]

# Statement labels (see classify_statement).
MIN_VOTES = 5
MIN_ROLE_VOTES = 2
CONSENSUS_SHARE = 0.7
DIVISIVE_GAP = 0.5
DIVISIVE_BAND = (0.35, 0.65)
LABELS = ("consensus", "divisive", "mixed", "too few votes")

STATEMENT_RESULT_COLUMNS = [
    "statement_id",
    "text",
    "author",
    "agree",
    "disagree",
    "pass",
    "votes",
    "agree_share",
    "by_role",
    "by_role_votes",
    "label",
]

QUESTIONS = {question.id: question for question in QUESTIONNAIRE}


def role_order(role: str) -> int:
    """Where a role tag sorts: in the order of :data:`ROLE_TAGS`, unknown tags last."""
    return ROLE_TAGS.index(role) if role in ROLE_TAGS else len(ROLE_TAGS)


def _frame(rows: Iterable[Mapping[str, Any]], columns: list[str], objects=()) -> pd.DataFrame:
    """A frame of ``rows`` with ``columns`` (also when empty); ``objects`` columns keep their
    Python values (dicts, None beside numbers) as they are."""
    rows = list(rows)
    frame = pd.DataFrame(rows, columns=columns).reset_index(drop=True)
    for column in objects:
        frame[column] = pd.Series([row[column] for row in rows], dtype=object, index=frame.index)
    return frame


@unavailable_as(READ_UNAVAILABLE)
def responses(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """Every stored answer of a workshop, oldest first, with values and screen states decoded."""
    return _frame(response_rows(engine, workshop_id), RESPONSE_COLUMNS, ("value", "screen_state"))


def classify_statement(agree: int, disagree: int, by_role: Mapping[str, tuple[int, int]]) -> str:
    """Label a statement from its agree/disagree counts, overall and per role tag.

    ``by_role`` maps role tag -> (agree, disagree). Passes count for neither side.

    - "too few votes": fewer than 5 agree + disagree votes;
    - "consensus": overall agree share >= 0.7 and every role tag with at least 2 votes also
      >= 0.7 (or everything <= 0.3);
    - "divisive": two role tags with at least 2 votes each differ by >= 0.5, or the overall
      agree share is between 0.35 and 0.65;
    - "mixed": anything else.
    """
    decided = agree + disagree
    if decided < MIN_VOTES:
        return "too few votes"
    overall = agree / decided
    shares = [a / (a + d) for a, d in by_role.values() if a + d >= MIN_ROLE_VOTES]
    low = 1 - CONSENSUS_SHARE
    if (overall >= CONSENSUS_SHARE and all(s >= CONSENSUS_SHARE for s in shares)) or (
        overall <= low and all(s <= low for s in shares)
    ):
        return "consensus"
    gap = max(shares) - min(shares) if shares else 0.0
    if gap >= DIVISIVE_GAP or DIVISIVE_BAND[0] <= overall <= DIVISIVE_BAND[1]:
        return "divisive"
    return "mixed"


@unavailable_as(READ_UNAVAILABLE)
def statement_results(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """One row per approved statement with counts, agree share (of agree + disagree) overall
    and by role tag (``by_role``; ``by_role_votes`` holds the agree + disagree votes behind each
    share), and a label (see :func:`classify_statement`)."""
    with transaction(engine) as conn:
        listed = conn.execute(
            select(statements.c.id, statements.c.text, statements.c.source, statements.c.proposed_by)
            .where(statements.c.workshop_id == workshop_id, statements.c.approved.is_(True))
            .order_by(statements.c.id)
        ).all()
        cast = conn.execute(
            select(votes.c.statement_id, votes.c.choice, participants.c.role_tag)
            .join(statements, statements.c.id == votes.c.statement_id)
            .join(participants, participants.c.id == votes.c.participant_id)
            .where(statements.c.workshop_id == workshop_id, statements.c.approved.is_(True))
        ).all()
    counts: dict[int, Counter] = defaultdict(Counter)
    per_role: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in cast:
        counts[row.statement_id][row.choice] += 1
        if row.choice != "pass":
            per_role[row.statement_id][row.role_tag][0 if row.choice == "agree" else 1] += 1
    rows = []
    for statement_id, text, source, proposed_by in listed:
        tally = counts[statement_id]
        agree, disagree, passed = tally["agree"], tally["disagree"], tally["pass"]
        roles = {role: (a, d) for role, (a, d) in per_role[statement_id].items() if a + d}
        ordered = sorted(roles, key=role_order)
        rows.append(
            {
                "statement_id": statement_id,
                "text": text,
                "author": author_label(source, proposed_by),
                "agree": agree,
                "disagree": disagree,
                "pass": passed,
                "votes": agree + disagree + passed,
                "agree_share": agree / (agree + disagree) if agree + disagree else math.nan,
                "by_role": {role: roles[role][0] / sum(roles[role]) for role in ordered},
                "by_role_votes": {role: sum(roles[role]) for role in ordered},
                "label": classify_statement(agree, disagree, roles),
            }
        )
    frame = _frame(rows, STATEMENT_RESULT_COLUMNS, ("by_role", "by_role_votes"))
    frame["agree_share"] = frame["agree_share"].astype(float)
    return frame


@unavailable_as(READ_UNAVAILABLE)
def live_summary(engine: Engine, workshop_id: int) -> dict[str, pd.DataFrame]:
    """What the room has said so far, one voice per person per question (their latest answer).

    Keys: "participants_by_role", "reactions_by_page", "accepted_thresholds" (``role_tag``,
    ``value``: the score line, ``per_1000``: flagged in every 1,000, None for older answers;
    both None for "no line"), "scale_by_role", "free_text".
    """
    with transaction(engine) as conn:
        people = conn.execute(
            select(participants.c.role_tag).where(
                participants.c.workshop_id == workshop_id, participants.c.withdrawn_at.is_(None)
            )
        ).all()
    by_role = Counter(row.role_tag for row in people)
    participants_by_role = _frame(
        [
            {"role_tag": role, "participants": by_role[role]}
            for role in sorted(by_role, key=role_order)
        ],
        ["role_tag", "participants"],
    )

    latest: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in response_rows(engine, workshop_id):  # oldest first: later answers win
        latest[(row["participant_id"], row["page"], row["question_id"])] = row
    answers = sorted(latest.values(), key=lambda row: row["response_id"])

    question_order = {qid: i for i, qid in enumerate(QUESTIONS)}
    reactions: Counter = Counter()
    thresholds, scale, free_text = [], Counter(), []
    for row in answers:
        qid, value = row["question_id"], row["value"]
        question = QUESTIONS.get(qid)
        kind = question.kind if question is not None else None
        if qid == "reaction":
            reason = None
            if isinstance(value, Mapping):
                value, reason = value.get("reaction"), value.get("reason")
            if value in REACTIONS:
                reactions[(row["page"], value)] += 1
            value = reason
        elif qid == LEGACY_LINE_QUESTION:  # a score line, asked before version 3
            thresholds.append(
                {"role_tag": row["role_tag"], "value": finite_number(value), "per_1000": None}
            )
            continue
        elif qid == LINE_QUESTION:  # flagged per 1,000; the score line it maps to is kept beside
            per = finite_number(value)
            screen = row["screen_state"] if isinstance(row["screen_state"], Mapping) else {}
            thresholds.append(
                {
                    "role_tag": row["role_tag"],
                    "value": None if per is None else finite_number(screen.get(ANSWER_LINE)),
                    "per_1000": None if per is None else int(per),
                }
            )
            continue
        elif kind == "scale5":
            scale[(qid, row["role_tag"], value)] += 1
            continue
        elif kind is not None and kind != "text":
            continue
        if isinstance(value, str) and value.strip():
            free_text.append(
                {
                    "page": row["page"],
                    "question_id": qid,
                    "pseudonym": row["pseudonym"],
                    "role_tag": row["role_tag"],
                    "text": value,
                }
            )

    reactions_by_page = _frame(
        [
            {"page": page, "reaction": reaction, "count": count}
            for (page, reaction), count in sorted(
                reactions.items(), key=lambda item: (item[0][0], REACTIONS.index(item[0][1]))
            )
        ],
        ["page", "reaction", "count"],
    )
    accepted = _frame(thresholds, ["role_tag", "value", "per_1000"], ("value", "per_1000"))
    scale_rows = [
        {"question_id": qid, "role_tag": role, "value": value, "count": count}
        for (qid, role, value), count in sorted(
            scale.items(),
            key=lambda item: (
                question_order.get(item[0][0], len(question_order)),
                role_order(item[0][1]),
                str(item[0][2]),
            ),
        )
    ]
    return {
        "participants_by_role": participants_by_role,
        "reactions_by_page": reactions_by_page,
        "accepted_thresholds": accepted,
        "scale_by_role": _frame(scale_rows, ["question_id", "role_tag", "value", "count"], ("value",)),
        "free_text": _frame(free_text, ["page", "question_id", "pseudonym", "role_tag", "text"]),
    }


# --------------------------------------------------------------------------- words and summaries
# What the facilitator's charts (csc_dash.charts.workshop) and the HTML report both say, said once.

#: Plain words for the statement labels of :func:`classify_statement`.
LABEL_WORDS = {
    "consensus": "Most people, in every group, are on the same side",
    "divisive": "People are split",
    "mixed": "Mixed views",
    "too few votes": "Too few votes to tell",
}


def people(n: int) -> str:
    """ "1 person", "3 people"."""
    return f"{n:,} {'person' if n == 1 else 'people'}"


def reaction_label(reaction: str) -> str:
    """The words a participant chose a reaction by (one set: :data:`REACTION_LABELS`)."""
    return REACTION_LABELS.get(reaction, str(reaction))


def reaction_totals(frame: pd.DataFrame) -> dict[str, int]:
    """Reactions of ``reactions_by_page`` added over pages, in the order of :data:`REACTIONS`."""
    return {
        reaction: int(frame.loc[frame["reaction"] == reaction, "count"].sum()) for reaction in REACTIONS
    }


def scale_totals(frame: pd.DataFrame) -> dict[Any, int]:
    """Answers to one five-point question (rows of ``scale_by_role``) added over roles, by
    answer, lowest first."""
    totals = frame.groupby("value", sort=False)["count"].sum()
    return {value: int(totals[value]) for value in sorted(totals.index, key=lambda v: (str(type(v)), v))}


def most_common(totals: Mapping[Any, int]) -> tuple[Any, ...]:
    """Every answer given most often, in the order of ``totals``: more than one in a tie, none
    when no answer was given at all."""
    most = max(totals.values(), default=0)
    return tuple(answer for answer, n in totals.items() if n == most) if most > 0 else ()


_COUNT_WORDS = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def count_word(n: int) -> str:
    """A small count as a word ("one", "two"), a larger one as digits ("12")."""
    return _COUNT_WORDS[n] if 0 <= n < len(_COUNT_WORDS) else f"{n:,}"


def and_list(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def most_common_words(totals: Mapping[Any, int], label: Callable[[Any], str] = str) -> str:
    """The most common answer in words, naming every answer in a tie, for the screen and the
    report alike: 'the most common answer was “Agree” (4 people)', 'the most common answers
    were “Not sure” and “Agree”, one each'. ``label`` gives the words of an answer."""
    top = most_common(totals)
    if not top:
        return "no one has answered yet"
    n = int(totals[top[0]])
    named = [f"“{label(answer)}”" for answer in top]
    if len(top) == 1:
        return f"the most common answer was {named[0]} ({people(n)})"
    return f"the most common answers were {and_list(named)}, {count_word(n)} each"


def agreement_words(by_role: Mapping[str, float], by_role_votes: Mapping[str, int]) -> str:
    """A statement's agree share by group in words, "too few to tell" under
    :data:`MIN_ROLE_VOTES` agree + disagree votes."""
    said = []
    for role, share in by_role.items():
        votes_ = int(by_role_votes.get(role, 0))
        if votes_ < MIN_ROLE_VOTES:
            said.append(f"{role}: too few to tell ({votes_} {'vote' if votes_ == 1 else 'votes'})")
        else:
            said.append(f"{role}: {share:.0%} of {votes_}")
    return "; ".join(said)


@dataclass(frozen=True)
class RoleLines:
    """The lines people in one group would accept, as flagged referrals in every 1,000."""

    role_tag: str
    #: (flagged in every 1,000, the score line it mapped to or None), lowest first.
    lines: tuple[tuple[int, float | None], ...]
    no_line: int  # would accept no line at all
    score_only: int  # answered before version 3 with a score line, not a number per 1,000

    @property
    def per_1000(self) -> tuple[int, ...]:
        return tuple(per for per, _score in self.lines)

    @property
    def counts(self) -> str:
        """The group's answers as counts, beside its row in a chart: "2 named, 1 none, 1 older"."""
        said = [f"{len(self.lines)} named"]
        said += [f"{self.no_line} none"] if self.no_line else []
        said += [f"{self.score_only} older"] if self.score_only else []
        return ", ".join(said)


def _present(value: Any) -> bool:
    """Whether an answer holds a value (not None, not a missing float); not whether it is whole."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def lines_by_role(frame: pd.DataFrame, roles: Sequence[str] = ()) -> list[RoleLines]:
    """``accepted_thresholds`` by group, in the order of ``roles`` (default :data:`ROLE_TAGS`;
    others last). A line is read per 1,000 only: an older answer that gave a score line has no
    number per 1,000 here (turning it into one needs the tool and the referrals it was read on),
    so it is counted apart."""
    order = list(roles or ROLE_TAGS)
    rows = []
    for role in sorted(dict.fromkeys(frame["role_tag"]), key=lambda r: order.index(r) if r in order else len(order)):
        part = frame[frame["role_tag"] == role]
        pairs = list(zip(part["value"], part["per_1000"], strict=True))
        rows.append(
            RoleLines(
                role_tag=role,
                lines=tuple(
                    sorted((int(per), float(value) if _present(value) else None)
                           for value, per in pairs if _present(per))
                ),
                no_line=sum(1 for value, per in pairs if not _present(value) and not _present(per)),
                score_only=sum(1 for value, per in pairs if _present(value) and not _present(per)),
            )
        )
    return rows


def lines_sentence(frame: pd.DataFrame) -> str:
    """Where the room would draw the line, in words: how many named one, from where to where in
    every 1,000, the middle answer (a whole number: :func:`middle_answer`, and when it lies
    halfway between the two answers in the middle, which two), and how many would accept none."""
    rows = lines_by_role(frame)
    named = sorted(per for row in rows for per in row.per_1000)
    none = sum(row.no_line for row in rows)
    older = sum(row.score_only for row in rows)
    if not rows:
        return "No one has said where they would draw the line yet."
    said = []
    if named and named[0] == named[-1]:
        said.append(f"{people(len(named))} named a line: {named[0]:,} flagged in every 1,000 referrals.")
    elif named:
        said.append(
            f"{people(len(named))} named a line: from {named[0]:,} to {named[-1]:,} flagged in "
            f"every 1,000 referrals. The middle answer was {middle_answer(named):,} in every 1,000."
        )
        if halfway(named):
            low, high = named[len(named) // 2 - 1], named[len(named) // 2]
            said.append(
                f"That is halfway between the two answers in the middle, {low:,} and {high:,}, "
                "to the nearest whole referral."
            )
    elif none and not older:  # everyone said "no line"
        said.append("No one named a line.")
    if none:
        said.append(f"{people(none)} would not accept any line.")
    if older:
        said.append(
            f"{people(older)} gave a line as a score, on an older form. It cannot be shown as a "
            "number in every 1,000, so it is left out."
        )
    return " ".join(said)

