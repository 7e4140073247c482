"""The council readiness self-assessment: checking a staff member's answers and laying them out.

The questions live in :mod:`csc_dash.content.readiness`. An answer set is a plain mapping from
question id to a value of that question's kind (a level or "Don't know", one option, a list of
options, or text). :func:`clean_answers` turns what a form sent into a stored answer set or raises
:class:`ReadinessError` with a message a person can act on; :func:`answer_rows` and
:func:`section_counts` lay answer sets out for the screen and the workshop's export.

Nothing here gives a council a score: the form is for discussion, and a single number would hide
which part is not ready.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from csc_dash.content.readiness import DONT_KNOW, LEVELS, QUESTIONS, SECTIONS, ReadinessQuestion
from csc_dash.workshop import rules

MAX_TEXT = rules.MAX_FREE_TEXT

BY_ID: dict[str, ReadinessQuestion] = {question.id: question for question in QUESTIONS}

UNKNOWN_QUESTION = "That question is not part of the readiness form."
NOT_AN_OPTION = "Please choose one of the answers in the list for: {prompt}"
LONG_TEXT = f"Please keep each answer to {MAX_TEXT:,} characters or fewer."
NOT_TEXT = "Please type your answer as text for: {prompt}"

ROW_COLUMNS = ["section", "question_id", "question", "answer"]


class ReadinessError(ValueError):
    """An answer that cannot be stored, with a message for the person who gave it."""


def _options(question: ReadinessQuestion) -> tuple[str, ...]:
    return (*LEVELS, DONT_KNOW) if question.kind == "level" else question.options


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
    options = _options(question)
    if question.kind == "many":
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ReadinessError(NOT_AN_OPTION.format(prompt=question.prompt))
        chosen = list(value)
        if any(item not in options for item in chosen):
            raise ReadinessError(NOT_AN_OPTION.format(prompt=question.prompt))
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


def answer_text(question: ReadinessQuestion, value: Any) -> str:
    """One answer as words ("" when left out); a choice of several reads as a list with semicolons."""
    if value is None:
        return ""
    if question.kind == "many":
        return "; ".join(value) if value else "None of these"
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
    columns = [*LEVELS, DONT_KNOW, "Not answered"]
    rows = []
    for section, title in SECTIONS.items():
        questions = [q for q in QUESTIONS if q.section == section and q.kind == "level"]
        if not questions:
            continue
        counts = dict.fromkeys(columns, 0)
        for answers in answer_sets:
            for question in questions:
                counts[answers.get(question.id, "Not answered")] += 1
        rows.append({"section": title, **counts})
    return pd.DataFrame(rows, columns=["section", *columns])
