"""'Save my view of this screen': a participant's reaction stored with the exact screen state.

Every evidence page calls :func:`save_my_view` once, at the bottom, with its page id and a dict
of everything that determines what is on screen (model, threshold, characteristic, preset, ...).

The same machinery stores the "Your views" answers (:func:`submit`). Nothing acknowledged is
ever lost:

- a client token is made when an answer form is drawn and kept until the save succeeds, so a
  double submit, or a retry after a failure, never stores the answer twice;
- "Saved" is shown only after the store has said so;
- if the store cannot be reached, the answer stays on screen with a Retry button that reuses the
  same token.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from csc_dash.ui import state, workshop

QUESTION_REACTION = "reaction"
MSG_SAVED = "Saved. Thank you. You can change your answer and save it again at any time."
MSG_NOT_SAVED = (
    "Not saved yet. We could not reach the place where answers are kept. Your answer is kept "
    "here: press Retry in a moment."
)
MSG_PICK_REACTION = "Please pick one of the three answers first."
MSG_JOIN_FIRST = (
    "To save your view, join your workshop on the Welcome page with the code your facilitator "
    "gives you."
)
MSG_JOIN_DEMO = "To save your view, join the local demo workshop first. It takes a minute."
MSG_ALONE = "You are exploring on your own, so nothing is recorded."


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "saved": MSG_SAVED,
        "not_saved": MSG_NOT_SAVED,
        "pick": MSG_PICK_REACTION,
        "join_first": MSG_JOIN_FIRST,
        "join_demo": MSG_JOIN_DEMO,
        "alone": MSG_ALONE,
    }


# -- storing one answer -------------------------------------------------------------------------


def _signature(value: Any, screen_state: dict[str, Any]) -> str:
    try:
        return json.dumps([value, screen_state], sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr((value, screen_state))


def form_token(page: str, question_id: str) -> str:
    """The client token of the answer form on screen, made when it is first drawn."""
    from csc_dash import workshop as feedback

    tokens = workshop.session_dict(state.SAVE_TOKENS)
    if (page, question_id) not in tokens:
        tokens[(page, question_id)] = feedback.new_client_token()
    return tokens[(page, question_id)]


def submit(page: str, question_id: str, value: Any, screen_state: dict[str, Any]) -> bool:
    """Store one answer of the joined participant; True once the store holds it.

    The same answer to the same screen submitted again reuses the token it was stored with, so
    it is never stored twice. On failure the answer is kept in ``state.PENDING`` for a retry.
    """
    person = workshop.participant()
    if person is None:
        return False
    key = (page, question_id)
    screen_state = with_line(screen_state)
    workshop.sync_settings()
    signature = _signature(value, screen_state)
    last = workshop.session_dict(state.LAST_SAVED).get(key)
    token = last["token"] if last and last["signature"] == signature else form_token(*key)
    workshop.session_dict(state.PENDING)[key] = {
        "participant_id": person["participant_id"],
        "value": value,
        "screen_state": jsonable(dict(screen_state)),
        "token": token,
        "signature": signature,
        "retry": False,
        "message": None,
    }
    return retry(page, question_id)


def with_line(screen_state: dict[str, Any]) -> dict[str, Any]:
    """The page's screen state, with the tool and line in force filled in wherever the page
    left them out or blank, so every saved view records the line (never blank in the export)."""
    filled = dict(screen_state)
    for name, value in workshop.line_in_force().items():
        if filled.get(name) is None:
            filled[name] = value
    return filled


def retry(page: str, question_id: str) -> bool:
    """Try to store the pending answer for ``(page, question_id)`` again, with its own token."""
    from csc_dash import workshop as feedback

    key = (page, question_id)
    pending = workshop.session_dict(state.PENDING).get(key)
    if pending is None:
        return True
    try:
        feedback.save_response(
            workshop.engine(),
            participant_id=pending["participant_id"],
            page=page,
            question_id=question_id,
            value=pending["value"],
            screen_state=pending["screen_state"],
            client_token=pending["token"],
        )
    except feedback.StoreUnavailable:
        if not workshop.still_joined():
            _gone()
            return False
        pending.update(retry=True, message=MSG_NOT_SAVED)
        return False
    except feedback.FeedbackError as exc:
        if not workshop.still_joined():
            _gone()
            return False
        # Bad input: nothing to retry. Say what to change; the form keeps what was typed.
        pending.update(retry=False, message=str(exc))
        return False
    del workshop.session_dict(state.PENDING)[key]
    workshop.session_dict(state.SAVE_TOKENS).pop(key, None)
    workshop.session_dict(state.LAST_SAVED)[key] = {
        "token": pending["token"],
        "signature": pending["signature"],
        "announce": True,
    }
    return True


def _gone() -> None:
    """The person was erased or withdrew elsewhere: say so where they will look next."""
    workshop.session_dict(state.NOTICES)["gone"] = ("warning", workshop.MSG_GONE)


def retry_panel(page: str, question_id: str) -> bool:
    """If an answer to this question waits for a retry, show it with a Retry button; True then.

    The kept answer is shown as plain text (``st.text``), never as HTML or markdown.
    """
    pending = workshop.session_dict(state.PENDING).get((page, question_id))
    if pending is None or not pending["retry"]:
        return False
    with st.container(border=True):
        st.warning(pending["message"], icon=":material/cloud_off:")
        st.caption("Your answer, kept here until it is saved:")
        st.text(_describe(pending["value"]))
        st.button(
            "Retry",
            key=f"retry_{page}_{question_id}",
            type="primary",
            on_click=retry,
            args=(page, question_id),
        )
    return True


def messages(page: str, question_id: str) -> None:
    """Say what happened to the last answer: "Saved" once the store said so, or what to change."""
    key = (page, question_id)
    workshop.show_notice(f"{page}:{question_id}")
    pending = workshop.session_dict(state.PENDING).get(key)
    if pending is not None and not pending["retry"] and pending["message"]:
        st.error(pending["message"])
        del workshop.session_dict(state.PENDING)[key]
        return
    last = workshop.session_dict(state.LAST_SAVED).get(key)
    if last is not None and last.get("announce"):
        st.success(MSG_SAVED, icon=":material/check_circle:")
        last["announce"] = False


def jsonable(value: Any) -> Any:
    """Screen state as plain JSON types (numpy numbers, tuples and sets come from the pages)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return jsonable(item())
        except (TypeError, ValueError):
            pass
    return str(value)


def _describe(value: Any) -> str:
    """An answer as plain text (shown with st.text, never as HTML or markdown)."""
    from csc_dash.content.questions import REACTION_LABELS

    if isinstance(value, dict) and "reaction" in value:
        text = REACTION_LABELS.get(value["reaction"], str(value["reaction"]))
        reason = value.get("reason")
        return f"{text}. {reason}" if reason else text
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(f"{i}. {v}" for i, v in enumerate(value, start=1))
    if value is None:
        return "No line would be acceptable"
    return str(value)


def join_prompt() -> None:
    """What a person who has not joined sees instead of an answer form."""
    workshop.show_notice("gone")
    if state.get(state.EXPLORE_ALONE):
        st.caption(MSG_ALONE)
    if workshop.demo_mode():
        st.markdown(MSG_JOIN_DEMO)
        st.page_link("app_pages/welcome.py", label="Join the local demo workshop", icon=":material/group_add:")
    else:
        st.markdown(MSG_JOIN_FIRST)
        st.page_link("app_pages/welcome.py", label="Join a workshop", icon=":material/group_add:")


# -- the form at the bottom of each evidence page --------------------------------------------------


def _on_save_view(page: str, screen_state: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
    if callable(screen_state):
        screen_state = jsonable(dict(screen_state()))
    reaction = st.session_state.get(f"sv_{page}_reaction")
    reason = str(st.session_state.get(f"sv_{page}_reason") or "").strip()
    if reaction is None:
        workshop.session_dict(state.NOTICES)[f"{page}:{QUESTION_REACTION}"] = ("warning", MSG_PICK_REACTION)
        return
    submit(page, QUESTION_REACTION, {"reaction": reaction, "reason": reason}, screen_state)


def save_my_view(page: str, screen_state: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
    """Draw the 'save my view' form for ``page``; the answer is stored with ``screen_state``."""
    from csc_dash import workshop as feedback
    from csc_dash.content.questions import FREE_TEXT_REMINDER, REACTION_LABELS, screen_question

    st.divider()
    st.subheader("Save my view of this screen", anchor=False)
    if workshop.participant() is None:
        join_prompt()
        return
    if retry_panel(page, QUESTION_REACTION):
        return
    form_token(page, QUESTION_REACTION)
    stored = workshop.latest_answers().get((page, QUESTION_REACTION))
    _prefill(page, stored)
    with st.form(f"save_view_{page}", border=True):
        st.radio(
            screen_question(page),  # says what "this" is on this page
            feedback.REACTIONS,
            format_func=lambda r: REACTION_LABELS.get(r, r),
            index=None,
            key=f"sv_{page}_reaction",
        )
        st.text_area(
            "Why? You can leave this empty.",
            key=f"sv_{page}_reason",
            max_chars=2000,
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
                args=(page, screen_state if callable(screen_state) else jsonable(dict(screen_state))),
            )
            if stored is not None and (page, QUESTION_REACTION) not in workshop.session_dict(state.PENDING):
                st.badge(workshop.MSG_SAVED_MARK, icon=":material/check_circle:", color="green")
    messages(page, QUESTION_REACTION)


def _prefill(page: str, stored: Any) -> None:
    """Show the person's saved view of this page (after a reload too) in the form's widgets."""
    from csc_dash import workshop as feedback

    if not isinstance(stored, dict):
        return
    reaction_key, reason_key = f"sv_{page}_reaction", f"sv_{page}_reason"
    if reaction_key not in st.session_state and stored.get("reaction") in feedback.REACTIONS:
        st.session_state[reaction_key] = stored["reaction"]
    if reason_key not in st.session_state and isinstance(stored.get("reason"), str):
        st.session_state[reason_key] = stored["reason"]
