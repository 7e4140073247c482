"""'Save my view of this screen': a participant's reaction stored with the exact screen state.

Every evidence page calls :func:`save_my_view` once, at the bottom, with its page id and a dict
(or a function that returns one) of everything that determines what is on screen (model,
threshold, characteristic, preset, ...). The view goes to the store through the answer machine
(:mod:`csc_dash.ui.workshop.answers`), like every other answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from csc_dash.content.questions import FREE_TEXT_REMINDER, REACTION_LABELS, screen_question
from csc_dash.ui.workshop import answers
from csc_dash.ui.workshop.answers import ANSWER, MSG_SAVED, jsonable
from csc_dash.ui.workshop.joining import join_prompt
from csc_dash.ui.workshop.session import notify, participant
from csc_dash.workshop import MAX_FREE_TEXT, REACTIONS

QUESTION_REACTION = "reaction"
TITLE = "Save my view of this screen"
MSG_PICK_REACTION = "Please pick one of the three answers first."
REASON_LABEL = "Why? You can leave this empty."


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {"pick": MSG_PICK_REACTION, "reason": REASON_LABEL}


ScreenState = dict[str, Any] | Callable[[], dict[str, Any]]


def _on_save_view(page: str, screen_state: ScreenState) -> None:
    if callable(screen_state):
        screen_state = jsonable(dict(screen_state()))
    reaction = st.session_state.get(f"sv_{page}_reaction")
    reason = str(st.session_state.get(f"sv_{page}_reason") or "").strip()
    if reaction is None:
        notify(f"{page}:{QUESTION_REACTION}", "warning", MSG_PICK_REACTION)
        return
    value = {"reaction": reaction, "reason": reason}
    answers.submit(ANSWER, page, QUESTION_REACTION, value, screen_state, announce=MSG_SAVED)


def save_my_view(page: str, screen_state: ScreenState) -> None:
    """Draw the 'save my view' form for ``page``; the answer is stored with ``screen_state``."""
    st.divider()
    st.subheader(TITLE, anchor=False)
    if participant() is None:
        join_prompt()
        return
    if answers.retry_panel(page, QUESTION_REACTION):
        return
    answers.form_token(page, QUESTION_REACTION)
    stored = answers.stored_answers().get((page, QUESTION_REACTION))
    _prefill(page, stored)
    with st.form(f"save_view_{page}", border=True):
        st.radio(
            screen_question(page),  # says what "this" is on this page
            REACTIONS,
            format_func=lambda r: REACTION_LABELS.get(r, r),
            index=None,
            key=f"sv_{page}_reaction",
        )
        st.text_area(
            REASON_LABEL,
            key=f"sv_{page}_reason",
            max_chars=MAX_FREE_TEXT,
            height=90,
            help=FREE_TEXT_REMINDER,
        )
        st.caption(FREE_TEXT_REMINDER)
        row = st.container(horizontal=True, vertical_alignment="center")
        with row:
            st.form_submit_button(
                "Save my view",
                type="primary",
                on_click=_on_save_view,
                # A callable is read when the view is saved: a fragment may have moved the line
                # since this form was drawn.
                args=(
                    page,
                    screen_state if callable(screen_state) else jsonable(dict(screen_state)),
                ),
            )
            if stored is not None and answers.pending(page, QUESTION_REACTION) is None:
                answers.saved_mark()
    answers.messages(page, QUESTION_REACTION)


def _prefill(page: str, stored: Any) -> None:
    """Show the person's saved view of this page (after a reload too) in the form's widgets."""
    if not isinstance(stored, dict):
        return
    reaction_key, reason_key = f"sv_{page}_reaction", f"sv_{page}_reason"
    if reaction_key not in st.session_state and stored.get("reaction") in REACTIONS:
        st.session_state[reaction_key] = stored["reaction"]
    if reason_key not in st.session_state and isinstance(stored.get("reason"), str):
        st.session_state[reason_key] = stored["reason"]
