"""The "Your views" questions: one small form per question, each saved on its own; skipping is
not saving. The answers go through the answer machine (:mod:`csc_dash.ui.workshop.answers`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from csc_dash.content.questions import (
    FREE_TEXT_REMINDER,
    NO_LINE,
    PRIORITY_LEVELS,
    QUESTIONNAIRE,
    RANK_PLACES,
    TIER_TITLES,
    TIERS,
    by_id,
)
from csc_dash.ui import shell
from csc_dash.ui.workshop import answers
from csc_dash.ui.workshop.answers import ANSWER, MSG_SAVED
from csc_dash.ui.workshop.session import line_for_per_1000, line_in_force, notify, screen_state
from csc_dash.workshop import ANSWER_LINE, LINE_QUESTION, MAX_FREE_TEXT, said_words

YOUR_VIEWS = "your_views"
MSG_NO_ANSWER = "Please give an answer first, or skip this question."
MSG_LOCKED = "Join a workshop on the Welcome page to save your answers."
RANK_LABEL = "Your order, most important first"
RANK_NOTE = "You do not have to give every check a place."
MSG_RANK_SAME_PLACE = "Two checks have the same place. Give each check its own place, then save."
NUMBER_LABEL = "How many in every 1,000 referrals (a whole number from 0 to 1,000)"
NO_LINE_LABEL = NO_LINE  # the same words read it back (csc_dash.workshop.read_back)
LINE_NOW = "The line you are using now flags {n} in every 1,000 referrals."
COUNT_LABEL = "How many false alarms (a whole number from 0 to 1,000)"
LINE_AS_SCORE = "For analysts: {n} in every 1,000 is a score line of {score:.3f} with this tool."
_SAME_PLACE = object()
_MISSING = object()


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "no_answer": MSG_NO_ANSWER,
        "locked": MSG_LOCKED,
        "rank_note": RANK_NOTE,
        "rank_same_place": MSG_RANK_SAME_PLACE,
        "line_now": LINE_NOW.format(n=95),
    }


def _read_answer(question) -> Any:
    """The answer in the widgets of ``question``, or ``_MISSING`` if none was given."""
    key = f"qa_{question.id}"
    value = st.session_state.get(key)
    if question.kind == "scale5":
        return int(value) if value is not None else _MISSING
    if question.kind == "choice":
        return value if value is not None else _MISSING
    if question.kind == "rank":
        places = {
            option: st.session_state.get(f"{key}_{i}")
            for i, option in enumerate(question.options)
            if st.session_state.get(f"{key}_{i}") in RANK_PLACES
        }
        if not places:
            return _MISSING
        if len(set(places.values())) < len(places):
            return _SAME_PLACE
        return sorted(places, key=lambda option: RANK_PLACES.index(places[option]))
    if question.kind == "priority":
        levels = {}
        for i, option in enumerate(question.options):
            level = st.session_state.get(f"{key}_{i}")
            if level in PRIORITY_LEVELS:
                levels[option] = level
        return levels or _MISSING
    if question.kind == "number":
        if st.session_state.get(f"{key}_none"):
            return None
        return int(value) if value is not None else _MISSING
    text = str(value or "").strip()
    return text if text else _MISSING


def _on_answer(question_id: str, screen: dict[str, Any]) -> None:
    question = by_id(question_id)
    value = _read_answer(question)
    if value is _MISSING:
        notify(f"{YOUR_VIEWS}:{question_id}", "warning", MSG_NO_ANSWER)
        return
    if value is _SAME_PLACE:
        notify(f"{YOUR_VIEWS}:{question_id}", "warning", MSG_RANK_SAME_PLACE)
        return
    screen = {**screen, "question_id": question_id}
    if question.id == LINE_QUESTION:
        # The box's number is stored exactly; the score line it maps to goes beside it.
        screen[ANSWER_LINE] = None if value is None else line_for_per_1000(value)
    answers.submit(
        ANSWER,
        YOUR_VIEWS,
        question_id,
        value,
        screen,
        announce=MSG_SAVED,
        kept=said_words(question_id, value),  # while it waits for a Retry: as it reads back
    )


def _save_row(button, question, screen, *, enabled: bool, saved: bool, **options) -> None:
    """ "Save this answer" (``button``: a form's submit button, or a plain button) and, beside
    it, the mark that the store holds the answer."""
    with st.container(horizontal=True, vertical_alignment="center"):
        button(
            "Save this answer",
            disabled=not enabled,
            on_click=_on_answer,
            args=(question.id, screen),
            **options,
        )
        if saved:
            answers.saved_mark()


def _index(options, previous) -> int | None:
    return list(options).index(previous) if previous in options else None


def question_form(
    question, previous: Any, screen: dict[str, Any], *, enabled: bool, answered: bool = False
) -> None:
    """One question as its own small form with a Save button; skipping is not saving.

    ``previous`` is the person's saved answer (``answered`` says whether there is one: a saved
    "no threshold" is ``None`` too). A saved answer fills the form and is marked "Your answer is
    saved" (words and a tick), unless a newer answer to it is waiting or was refused, or it was
    saved just now (then "Saved. Thank you." below the form says so, once).
    """
    if answers.retry_panel(YOUR_VIEWS, question.id):
        return
    if enabled:
        answers.form_token(YOUR_VIEWS, question.id)
    key = f"qa_{question.id}"
    # One confirmation at a time: on the run that says "Saved. Thank you." the mark waits.
    saved = (
        enabled
        and answered
        and answers.pending(YOUR_VIEWS, question.id) is None
        and not answers.just_saved(YOUR_VIEWS, question.id)
    )
    if question.kind == "number" and question.id != LINE_QUESTION:
        _count_question(question, previous, screen, enabled=enabled, saved=saved)
        return
    if question.kind == "number":
        _number_question(
            question, previous, screen, enabled=enabled, answered=answered, saved=saved
        )
        return
    with st.form(f"q_{question.id}", border=True):
        st.markdown(f"**{question.prompt}**")
        if question.help and question.kind != "text":
            st.caption(question.help)
        if question.kind == "scale5":
            st.radio(
                question.prompt,
                [1, 2, 3, 4, 5],
                format_func=lambda i: question.options[i - 1],
                index=_index([1, 2, 3, 4, 5], previous),
                horizontal=True,
                key=key,
                label_visibility="collapsed",
            )
        elif question.kind == "choice":
            st.radio(
                question.prompt,
                question.options,
                index=_index(question.options, previous),
                key=key,
                label_visibility="collapsed",
            )
        elif question.kind == "rank":
            # Every check with its places in view (a drop-down hid them, and chosen chips were
            # cut off on a phone); rows of fixed height, so "Save" stays where it was.
            order = [o for o in (previous or []) if o in question.options]
            places = RANK_PLACES[: len(question.options)]
            st.caption(f"{RANK_LABEL}. {RANK_NOTE}")
            for i, option in enumerate(question.options):
                st.radio(
                    option,
                    places,
                    index=order.index(option) if option in order else None,
                    horizontal=True,
                    key=f"{key}_{i}",
                )
        elif question.kind == "priority":
            previous = previous if isinstance(previous, dict) else {}
            for i, option in enumerate(question.options):
                st.radio(
                    option,
                    PRIORITY_LEVELS,
                    index=_index(PRIORITY_LEVELS, previous.get(option)),
                    horizontal=True,
                    key=f"{key}_{i}",
                )
        else:
            st.text_area(
                question.prompt,
                value=previous if isinstance(previous, str) else "",
                max_chars=MAX_FREE_TEXT,
                height=90,
                key=key,
                label_visibility="collapsed",
                help=FREE_TEXT_REMINDER,
            )
            st.caption(FREE_TEXT_REMINDER)
        _save_row(st.form_submit_button, question, screen, enabled=enabled, saved=saved)
    answers.messages(YOUR_VIEWS, question.id)


def _on_no_line(question_id: str) -> None:
    """ "No line" ticked: the box empties (no number is shown, none is stored); unticked: the
    box shows the line in force again."""
    key = f"qa_{question_id}"
    if st.session_state.get(f"{key}_none"):
        st.session_state[key] = None
    else:
        st.session_state[key] = line_in_force()["flagged_per_1000"]


def _number_question(
    question, previous, screen, *, enabled: bool, answered: bool, saved: bool
) -> None:
    """ "Where would you draw the line?" in plain words: how many of every 1,000 referrals would
    be flagged, as a whole number. Not a form, so ticking "No line" empties the box at once."""
    key, none_key = f"qa_{question.id}", f"qa_{question.id}_none"
    now = line_in_force()
    if key not in st.session_state and none_key not in st.session_state:
        no_line = answered and previous is None
        st.session_state[none_key] = no_line
        if no_line:
            st.session_state[key] = None
        elif isinstance(previous, (int, float)) and not isinstance(previous, bool):
            st.session_state[key] = int(previous)
        else:
            st.session_state[key] = now["flagged_per_1000"]
    with st.container(border=True):
        st.markdown(f"**{question.prompt}**")
        if question.help:
            st.caption(question.help)
        st.checkbox(
            NO_LINE_LABEL,
            key=none_key,
            on_change=_on_no_line,
            args=(question.id,),
            disabled=not enabled,
        )
        value = st.number_input(
            NUMBER_LABEL,
            min_value=0,
            max_value=1000,
            step=1,
            format="%d",
            # The box's own default is its value too (a box drawn afresh shows it: state.bound).
            value=st.session_state.get(key),
            key=key,
            placeholder="No line" if st.session_state.get(none_key) else "A whole number",
            disabled=not enabled or bool(st.session_state.get(none_key)),
        )
        st.caption(LINE_NOW.format(n=now["flagged_per_1000"]))
        if shell.analyst_view() and value is not None:
            st.caption(LINE_AS_SCORE.format(n=int(value), score=line_for_per_1000(int(value))))
        _save_row(
            st.button, question, screen, enabled=enabled, saved=saved, key=f"save_{question.id}"
        )
    answers.messages(YOUR_VIEWS, question.id)


def _count_question(question, previous, screen, *, enabled: bool, saved: bool) -> None:
    """A number question that is not the line (how many false alarms a person would accept to
    find one more child): a whole number from 0 to 1,000 in its own small form."""
    with st.form(f"q_{question.id}", border=True):
        st.markdown(f"**{question.prompt}**")
        if question.help:
            st.caption(question.help)
        whole = isinstance(previous, (int, float)) and not isinstance(previous, bool)
        st.number_input(
            COUNT_LABEL,
            min_value=0,
            max_value=1000,
            step=1,
            format="%d",
            value=int(previous) if whole else None,
            key=f"qa_{question.id}",
            placeholder="A whole number",
            disabled=not enabled,
        )
        _save_row(st.form_submit_button, question, screen, enabled=enabled, saved=saved)
    answers.messages(YOUR_VIEWS, question.id)


def questionnaire(*, enabled: bool) -> None:
    """Every question of the questionnaire, tier by tier, filled with the person's saved answers
    (``enabled``: they have joined and can save)."""
    stored = answers.stored_answers() if enabled else {}
    screen = screen_state()
    for tier in TIERS:
        questions = [q for q in QUESTIONNAIRE if q.tier == tier]
        if not questions:
            continue
        st.header(TIER_TITLES[tier], anchor=False)
        for question in questions:
            key = (YOUR_VIEWS, question.id)
            question_form(
                question, stored.get(key), screen, enabled=enabled, answered=key in stored
            )
