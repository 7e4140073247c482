"""The council readiness self-assessment: checking a staff member's answers and laying them out.

The questions live in :mod:`csc_dash.content.readiness`. An answer set is a plain mapping from
question id to a value of that question's kind (a level or "Don't know", one option, a list of
options, or text). :func:`clean_answers` turns what a form sent into a stored answer set or raises
:class:`ReadinessError` with a message a person can act on; :func:`answer_rows`,
:func:`section_counts` and :func:`option_counts` lay answer sets out for the screen and the
workshop's export.

A "choose any" question has three kinds of answer, kept apart everywhere: some of its options;
"None of these" (:data:`NONE_OF_THESE`, stored as ``["None of these"]``; an empty list sent to
the store means the same); and left out (not stored at all). "None of these" picked together with
an option is refused with :data:`NONE_WITH_OTHERS`.

Nothing here gives a council a score: the form is for discussion, and a single number would hide
which part is not ready.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from csc_dash.content.readiness import (
    DONT_KNOW,
    LEVELS,
    NONE_OF_THESE,
    QUESTIONS,
    SECTIONS,
    ReadinessQuestion,
)
from csc_dash.workshop import rules

MAX_TEXT = rules.MAX_FREE_TEXT

BY_ID: dict[str, ReadinessQuestion] = {question.id: question for question in QUESTIONS}

UNKNOWN_QUESTION = "That question is not part of the readiness form."
NOT_AN_OPTION = "Please choose one of the answers in the list for: {prompt}"
LONG_TEXT = f"Please keep each answer to {MAX_TEXT:,} characters or fewer."
NOT_TEXT = "Please type your answer as text for: {prompt}"
NONE_WITH_OTHERS = (
    "You picked “None of these” and other answers too. Please pick “None of these” alone, "
    "or only the others, for: {prompt}"
)
NOT_ANSWERED = "Not answered"

ROW_COLUMNS = ["section", "question_id", "question", "answer"]
OPTION_COUNT_COLUMNS = ["question_id", "question", "answer", "people"]


class ReadinessError(ValueError):
    """An answer that cannot be stored, with a message for the person who gave it."""


def choices(question: ReadinessQuestion) -> tuple[str, ...]:
    """What a person can pick for a question, in form order: the levels and "Don't know", the
    options of a choice, or the options of a "choose any" question and then "None of these"."""
    if question.kind == "level":
        return (*LEVELS, DONT_KNOW)
    if question.kind == "many":
        return (*question.options, NONE_OF_THESE)
    return question.options


def _clean_one(question: ReadinessQuestion, value: Any) -> Any:
    """The stored form of one answer, or ``None`` when it was left out."""
    if value is None:
        return None
    if question.kind == "text":
        if not isinstance(value, str):
            raise ReadinessError(NOT_TEXT.format(prompt=question.prompt))
        text = value.strip()
        if len(text) > MAX_TEXT:
            raise ReadinessError(LONG_TEXT)
        return text or None
    options = choices(question)
    if question.kind == "many":
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ReadinessError(NOT_AN_OPTION.format(prompt=question.prompt))
        chosen = list(value)
        if any(not isinstance(item, str) or item not in options for item in chosen):
            raise ReadinessError(NOT_AN_OPTION.format(prompt=question.prompt))
        if NONE_OF_THESE in chosen and set(chosen) != {NONE_OF_THESE}:
            raise ReadinessError(NONE_WITH_OTHERS.format(prompt=question.prompt))
        if not chosen:  # an empty list sent on purpose: none of these
            return [NONE_OF_THESE]
        return [option for option in options if option in chosen]  # form order, no repeats
    if value not in options:
        raise ReadinessError(NOT_AN_OPTION.format(prompt=question.prompt))
    return value


def clean_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Check every answer against its question; leave out the ones left blank.

    >>> clean_answers({"single_view": "No", "tools_for": "  "})
    {'single_view': 'No'}
    """
    cleaned: dict[str, Any] = {}
    for question_id, value in answers.items():
        question = BY_ID.get(question_id)
        if question is None:
            raise ReadinessError(UNKNOWN_QUESTION)
        stored = _clean_one(question, value)
        if stored is not None:
            cleaned[question_id] = stored
    return cleaned


def none_of_these(value: Any) -> bool:
    """Whether a stored "choose any" answer says none of its options (``[]`` from older saves)."""
    return isinstance(value, list) and set(value) <= {NONE_OF_THESE}


def answer_text(question: ReadinessQuestion, value: Any) -> str:
    """One answer as words ("" when left out); a choice of several reads as a list with semicolons."""
    if value is None:
        return ""
    if question.kind == "many":
        return NONE_OF_THESE if none_of_these(value) else "; ".join(value)
    return str(value)


def answer_rows(answers: Mapping[str, Any]) -> pd.DataFrame:
    """Every question in form order with its answer in words (blank when left out)."""
    rows = [
        {
            "section": SECTIONS[question.section],
            "question_id": question.id,
            "question": question.prompt,
            "answer": answer_text(question, answers.get(question.id)),
        }
        for question in QUESTIONS
    ]
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


def section_counts(answer_sets: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """For the level questions: how many answers sit at each level, per part of the form.

    One row per section that has level questions, with a column per level, "Don't know" and
    "Not answered"; counts are of answers (people × questions), so they add up to the number of
    answer sets times the section's level questions.
    """
    answer_sets = list(answer_sets)
    columns = [*LEVELS, DONT_KNOW, NOT_ANSWERED]
    rows = []
    for section, title in SECTIONS.items():
        questions = [q for q in QUESTIONS if q.section == section and q.kind == "level"]
        if not questions:
            continue
        counts = dict.fromkeys(columns, 0)
        for answers in answer_sets:
            for question in questions:
                counts[answers.get(question.id, NOT_ANSWERED)] += 1
        rows.append({"section": title, **counts})
    return pd.DataFrame(rows, columns=["section", *columns])


def option_counts(answer_sets: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """For the questions with a list (one choice, or "choose any"): how many people gave each
    answer, in form order, then "None of these" (for "choose any") and "Not answered".

    One row per question and answer (:data:`OPTION_COUNT_COLUMNS`). A "choose any" question's
    options can add up to more than the people who answered it (each may pick several);
    "None of these" and "Not answered" each count a person once, and never together.
    """
    answer_sets = list(answer_sets)
    rows = []
    for question in QUESTIONS:
        if question.kind not in ("choice", "many"):
            continue
        counts = dict.fromkeys([*choices(question), NOT_ANSWERED], 0)
        for answers in answer_sets:
            value = answers.get(question.id)
            if value is None:
                counts[NOT_ANSWERED] += 1
            elif question.kind == "choice":
                counts[value] = counts.get(value, 0) + 1  # an older option still counts
            elif none_of_these(value):
                counts[NONE_OF_THESE] += 1
            else:
                for option in value:
                    counts[option] = counts.get(option, 0) + 1
        rows += [
            {"question_id": question.id, "question": question.prompt, "answer": answer, "people": n}
            for answer, n in counts.items()
        ]
    return pd.DataFrame(rows, columns=OPTION_COUNT_COLUMNS)
