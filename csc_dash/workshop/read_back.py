"""What a person answered on Your views, read back in the words they chose.

Each kind of question (:mod:`csc_dash.content.questions`) stores its answer in its own shape: a
five-point answer as its place 1..5, a ranking as a list, priorities as a dict, the line as a
number in every 1,000 or ``None`` for "no line", the false alarms as a number, free text as text.
:func:`said_words` turns any of them back into the words on the person's screen ("Agree", "No
line: I would not accept any line", "High: ...") and :func:`answer_words` puts the question in
front, as "What became of what you said" and the staff's list of what a decision can draw on
show it. Answers to the score line asked before version 3 read as that score line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csc_dash.content.questions import NO_LINE, PRIORITY_LEVELS, RANK_PLACES, TIER_TITLES
from csc_dash.workshop.answers import LEGACY_LINE_QUESTION, LINE_QUESTION
from csc_dash.workshop.results import QUESTIONS
from csc_dash.workshop.room_answers import FALSE_ALARMS_QUESTION
from csc_dash.workshop.rules import finite_number

__all__ = ["NO_ANSWER", "SHORT", "answer_words", "said_words", "short"]

#: How long a piece of what someone wrote may be when it is shown in a list.
SHORT = 160

#: Only for a stored value no question can have (an empty answer is never saved).
NO_ANSWER = "no answer"
SAID = "{prompt} You said: {answer}"
LINE_SAID = "Flag {n} in every 1,000 referrals"
ONE_FALSE_ALARM = "1 false alarm"
FALSE_ALARMS_SAID = "{n} false alarms"
SCORE_LINE_SAID = "A score line of {score:.3f}"


def short(text: Any, limit: int = SHORT) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" if it is longer."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value: Any) -> str:
    number = finite_number(value)
    if number is None:
        return str(value)
    return f"{int(number):,}" if float(number).is_integer() else f"{number:,}"


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else None


def _item(option: Any) -> str:
    """One option in a list of them: its own full stop would stand beside the list's."""
    return " ".join(str(option).split()).rstrip(".")


def said_words(question_id: str, value: Any) -> str:
    """What was answered to ``question_id``, in the words the person chose (whole, never cut:
    words they typed come back exactly as typed)."""
    question = QUESTIONS.get(question_id)
    kind = question.kind if question is not None else None
    if question_id in (LINE_QUESTION, LEGACY_LINE_QUESTION) and value is None:
        return NO_LINE
    if question_id == LINE_QUESTION and finite_number(value) is not None:
        return LINE_SAID.format(n=_number(value))
    if question_id == LEGACY_LINE_QUESTION and finite_number(value) is not None:
        return SCORE_LINE_SAID.format(score=float(finite_number(value)))
    if question_id == FALSE_ALARMS_QUESTION and finite_number(value) is not None:
        return ONE_FALSE_ALARM if _whole(value) == 1 else FALSE_ALARMS_SAID.format(n=_number(value))
    if kind == "scale5" and _whole(value) in range(1, len(question.options) + 1):
        return question.options[_whole(value) - 1]  # stored as its place, 1 for the first
    if isinstance(value, list) and kind == "rank":
        places = [*RANK_PLACES, *(f"{i}th" for i in range(len(RANK_PLACES) + 1, len(value) + 1))]
        return "; ".join(
            f"{place}: {_item(item)}" for place, item in zip(places, value, strict=False)
        )
    if isinstance(value, Mapping) and kind == "priority":
        by_level = [
            (level, [_item(option) for option, chosen in value.items() if chosen == level])
            for level in reversed(PRIORITY_LEVELS)
        ]
        others = [f"{k}: {v}" for k, v in value.items() if v not in PRIORITY_LEVELS]
        parts = [f"{level}: {'; '.join(options)}" for level, options in by_level if options]
        return ". ".join(parts + others)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    if value is None:
        return NO_ANSWER
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return _number(value)
    return str(value)  # as typed (a list cuts it to one line: see answer_words)


def answer_words(question_id: str, value: Any) -> str:
    """An answer in a list: the question, then what was answered ("... You said: Agree"). What a
    person wrote in their own words is cut to :data:`SHORT` characters; an answer they picked
    is given whole."""
    question = QUESTIONS.get(question_id)
    if question is not None:
        prompt = question.prompt
    elif question_id == LEGACY_LINE_QUESTION:
        prompt = TIER_TITLES["threshold"]
    else:
        prompt = question_id
    said = said_words(question_id, value)
    picked = (
        question is not None and question.kind != "text"
    ) or question_id == LEGACY_LINE_QUESTION
    return SAID.format(prompt=short(prompt), answer=said if picked else short(said))
