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
from csc_dash.ui import state
from csc_dash.ui.workshop import answers
from csc_dash.ui.workshop.answers import ANSWER, MSG_SAVED, describe, jsonable, with_line
from csc_dash.ui.workshop.joining import join_prompt
from csc_dash.ui.workshop.session import notify, participant
from csc_dash.workshop import MAX_FREE_TEXT, REACTIONS

QUESTION_REACTION = "reaction"
TITLE = "Save my view of this screen"
MSG_PICK_REACTION = "Please pick one of the three answers first."
REASON_LABEL = "Why? You can leave this empty."
REPLAY_TITLE = "What they said about this screen"


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {"pick": MSG_PICK_REACTION, "reason": REASON_LABEL, "replay": REPLAY_TITLE}


ScreenState = dict[str, Any] | Callable[[], dict[str, Any]]


def with_settings(screen_state: dict[str, Any]) -> dict[str, Any]:
    """The page's screen state with the settings every page reads (plain or analyst view, the
    bias of the made-up world) added where the page left them out, so a replay restores them."""
    return {"view": state.get(state.VIEW), "bias": state.get(state.BIAS), **screen_state}


def screen_now(screen_state: ScreenState) -> dict[str, Any]:
    """Everything that decides this screen now, as it is stored with a saved view."""
    screen = screen_state() if callable(screen_state) else screen_state
    return jsonable(with_line(with_settings(dict(screen))))


def _on_save_view(page: str, screen_state: ScreenState) -> None:
    screen_state = screen_now(screen_state)
    reaction = st.session_state.get(f"sv_{page}_reaction")
    reason = str(st.session_state.get(f"sv_{page}_reason") or "").strip()
    if reaction is None:
        notify(f"{page}:{QUESTION_REACTION}", "warning", MSG_PICK_REACTION)
        return
    value = {"reaction": reaction, "reason": reason}
    answers.submit(ANSWER, page, QUESTION_REACTION, value, screen_state, announce=MSG_SAVED)


def save_my_view(page: str, screen_state: ScreenState) -> None:
    """Draw the 'save my view' form for ``page``; the answer is stored with ``screen_state``.

    On a facilitator's replay of a view saved on this page (:mod:`.replay`) it shows what the
    person said instead, and notes the screen state the page shows, to check it is the saved one.
    """
    if _replayed(page, screen_state):
        return
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
                args=(page, screen_state if callable(screen_state) else screen_now(screen_state)),
            )
            if (
                stored is not None
                and answers.pending(page, QUESTION_REACTION) is None
                and not answers.just_saved(page, QUESTION_REACTION)  # "Saved." says it once
            ):
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


def _replayed(page: str, screen_state: ScreenState) -> bool:
    """On a replay of a view saved on ``page``: note what this screen shows and say what the
    person said (as plain text, exactly as they typed it). False when nothing is replayed here."""
    shown = state.get(state.REPLAY)
    if participant() is not None or not isinstance(shown, dict) or shown.get("page") != page:
        return False
    state.put(state.REPLAY_SHOWN, screen_now(screen_state))
    st.divider()
    st.subheader(REPLAY_TITLE, anchor=False)
    st.text(describe(shown.get("value")))
    return True
