"""The answer machine: every answer, vote, statement and saved view goes to the store through here.

One record shape (:class:`Pending`) for all four kinds, kept in ``state.PENDING`` under its place
``(where, what)``: ``(page, question_id)`` for answers and saved views, ``("vote", statement_id)``
for a vote, ``("propose", "statement")`` for a statement sent to the facilitator. A vote whose
value is ``None`` takes the vote back (it is deleted in the store), through the same steps.
Nothing acknowledged is ever lost:

- a client token is made when an answer form is drawn (:func:`form_token`) and kept until the
  save succeeds, so a double submit, or a retry after a failure, never stores the answer twice;
- "Saved" is shown only after the store has said so (:func:`messages`), once: on the run that
  says so, a form's "Your answer is saved" mark waits (:func:`just_saved`);
- if the store cannot be reached, the answer stays on screen, as typed, with a Retry button that
  reuses the same token (:func:`retry_panel`);
- an answer the store refuses (too long, workshop closed) gets a plain message, and the form
  keeps what was typed. A vote has no form of its own, so a refused vote on a closed workshop
  keeps its Retry too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st

from csc_dash.content.questions import REACTION_LABELS
from csc_dash.ui import state
from csc_dash.ui.workshop.session import (
    MSG_GONE,
    engine,
    line_in_force,
    notify,
    participant,
    session_dict,
    show_notice,
    still_joined,
    sync_settings,
)
from csc_dash.workshop import (
    FeedbackError,
    StoreUnavailable,
    WorkshopClosed,
    add_statement,
    latest_answers,
    new_client_token,
    save_response,
    take_back_vote,
    vote,
)

ANSWER, VOTE, STATEMENT = "answer", "vote", "statement"
Kind = Literal["answer", "vote", "statement"]
#: Where votes and proposed statements are kept (answers are kept under their page id).
VOTES, PROPOSALS = "vote", "propose"

MSG_SAVED = "Saved. Thank you. You can change your answer and save it again at any time."
MSG_SAVED_MARK = "Your answer is saved"
MSG_NOT_SAVED = (
    "Not saved yet. We could not reach the place where answers are kept. Your answer is kept "
    "here: press Retry in a moment."
)
KEPT_CAPTION = "Your answer, kept here until it is saved:"


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {"saved": MSG_SAVED, "not_saved": MSG_NOT_SAVED, "saved_mark": MSG_SAVED_MARK}


@dataclass
class Pending:
    """One answer, vote or statement on its way to the store (the only shape in ``state.PENDING``).

    ``retry`` is True while it waits for a Retry (the store could not be reached); False with a
    ``message`` when the store refused it (shown once, then dropped: the form keeps the text).
    """

    kind: Kind
    where: str
    what: Any
    participant_id: int
    workshop_id: int
    value: Any
    screen_state: dict[str, Any] | None
    token: str
    signature: str
    retry: bool = False
    message: str | None = None
    #: What to say once it is stored (None: the widget itself shows it, as a vote does).
    announce: str | None = None
    #: The words shown while it waits for a Retry (None: :func:`describe` of the value).
    kept: str | None = None

    @property
    def place(self) -> tuple[str, Any]:
        return (self.where, self.what)


@dataclass
class Saved:
    """What the store last acknowledged at a place (``state.LAST_SAVED``)."""

    value: Any
    token: str
    signature: str
    announce: str | None = field(default=None)


def signature(value: Any, screen_state: dict[str, Any] | None = None) -> str:
    try:
        return json.dumps([value, screen_state], sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr((value, screen_state))


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


def describe(value: Any) -> str:
    """An answer as plain text (shown with st.text, never as HTML or markdown)."""
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


def with_line(screen_state: dict[str, Any]) -> dict[str, Any]:
    """The page's screen state, with the tool and line in force filled in wherever the page
    left them out or blank, so every saved view records the line (never blank in the export)."""
    filled = dict(screen_state)
    for name, value in line_in_force().items():
        if filled.get(name) is None:
            filled[name] = value
    return filled


# -- what is waiting, and what was saved -------------------------------------------------------------


def pending(where: str, what: Any) -> Pending | None:
    return session_dict(state.PENDING).get((where, what))


def saved(where: str, what: Any) -> Saved | None:
    return session_dict(state.LAST_SAVED).get((where, what))


def already_saved(where: str, what: Any, value: Any) -> bool:
    """Whether exactly ``value`` is what the store last acknowledged at this place."""
    last = saved(where, what)
    return last is not None and last.signature == signature(value)


def stored_answers() -> dict[tuple[str, str], Any]:
    """The joined participant's saved answers (to fill the forms again); empty if unreachable."""
    person = participant()
    if person is None:
        return {}
    try:
        return latest_answers(engine(), person["participant_id"])
    except StoreUnavailable:
        return {}


def form_token(where: str, what: Any) -> str:
    """The client token of the answer form on screen, made when it is first drawn."""
    tokens = session_dict(state.SAVE_TOKENS)
    if (where, what) not in tokens:
        tokens[(where, what)] = new_client_token()
    return tokens[(where, what)]


# -- sending -------------------------------------------------------------------------------------------


def submit(
    kind: Kind,
    where: str,
    what: Any,
    value: Any,
    screen_state: dict[str, Any] | None = None,
    *,
    announce: str | None = None,
    kept: str | None = None,
) -> bool:
    """Send one answer, vote or statement of the joined participant; True once the store holds it.

    The same answer to the same screen sent again reuses the token it was stored with, so it is
    never stored twice. Until the store says it holds it, it is kept in ``state.PENDING`` (and
    shown as ``kept`` if it must wait for a Retry). A vote of ``None`` takes the vote back.
    """
    person = participant()
    if person is None:
        return False
    if kind == ANSWER:
        screen_state = jsonable(with_line(screen_state or {}))
        sync_settings()
    sig = signature(value, screen_state)
    last, waiting = saved(where, what), pending(where, what)
    if last is not None and last.signature == sig:
        token = last.token
    elif waiting is not None and waiting.signature == sig:
        token = waiting.token
    else:
        token = new_client_token() if waiting is not None else form_token(where, what)
    session_dict(state.PENDING)[(where, what)] = Pending(
        kind=kind,
        where=where,
        what=what,
        participant_id=person["participant_id"],
        workshop_id=person["workshop_id"],
        value=value,
        screen_state=screen_state,
        token=token,
        signature=sig,
        announce=announce,
        kept=kept,
    )
    return retry(where, what)


def _store(record: Pending) -> None:
    if record.kind == ANSWER:
        save_response(
            engine(),
            participant_id=record.participant_id,
            page=record.where,
            question_id=record.what,
            value=record.value,
            screen_state=record.screen_state,
            client_token=record.token,
        )
    elif record.kind == VOTE and record.value is None:
        take_back_vote(  # deleting again after a lost reply changes nothing
            engine(),
            participant_id=record.participant_id,
            statement_id=record.what,
            client_token=record.token,
        )
    elif record.kind == VOTE:
        vote(
            engine(),
            participant_id=record.participant_id,
            statement_id=record.what,
            choice=record.value,
            client_token=record.token,
        )
    else:
        add_statement(  # the token makes a Retry after a lost reply store it once
            engine(),
            workshop_id=record.workshop_id,
            text=record.value,
            source="participant",
            proposed_by=record.participant_id,
            approved=False,
            client_token=record.token,
        )


def retry(where: str, what: Any) -> bool:
    """Try to store the record waiting at ``(where, what)`` again, with its own token."""
    record = pending(where, what)
    if record is None:
        return True
    try:
        _store(record)
    except StoreUnavailable:
        if not still_joined():
            return _gone(record)
        record.retry, record.message = True, MSG_NOT_SAVED
        return False
    except WorkshopClosed as exc:
        # An answer's form is its own retry; a vote has none, so it keeps a Retry button.
        record.retry, record.message = record.kind == VOTE, str(exc)
        return False
    except FeedbackError as exc:
        if not still_joined():
            return _gone(record)
        # Bad input: nothing to retry. Say what to change; the form keeps what was typed.
        record.retry, record.message = False, str(exc)
        return False
    session_dict(state.PENDING).pop(record.place, None)
    session_dict(state.SAVE_TOKENS).pop(record.place, None)
    session_dict(state.LAST_SAVED)[record.place] = Saved(
        value=record.value, token=record.token, signature=record.signature, announce=record.announce
    )
    return True


def _gone(record: Pending) -> bool:
    """The person was erased or withdrew elsewhere: say so where they will look next."""
    session_dict(state.PENDING).pop(record.place, None)
    notify("gone", "warning", MSG_GONE)
    return False


# -- on screen ---------------------------------------------------------------------------------------


def retry_panel(where: str, what: Any) -> bool:
    """If something sent from this place waits for a retry, show it with a Retry button; True then.

    The kept answer is shown as plain text (``st.text``), never as HTML or markdown.
    """
    record = pending(where, what)
    if record is None or not record.retry:
        return False
    with st.container(border=True):
        st.warning(record.message, icon=":material/cloud_off:")
        st.caption(KEPT_CAPTION)
        st.text(record.kept if record.kept is not None else describe(record.value))
        st.button(
            "Retry",
            key=f"retry_{where}_{what}",
            type="primary",
            on_click=retry,
            args=(where, what),
        )
    return True


def messages(where: str, what: Any) -> None:
    """Say what happened to the last answer from this place: its announcement once the store
    said so, or what to change."""
    show_notice(f"{where}:{what}")
    record = pending(where, what)
    if record is not None and not record.retry and record.message:
        st.error(record.message)
        del session_dict(state.PENDING)[record.place]
        return
    last = saved(where, what)
    if last is not None and last.announce:
        st.success(last.announce, icon=":material/check_circle:")
        last.announce = None


def just_saved(where: str, what: Any) -> bool:
    """Whether the store has just said it holds the answer from this place and :func:`messages`
    is about to say so: then a form leaves out its "Your answer is saved" mark on this run, so
    the person reads one confirmation, not two."""
    last = saved(where, what)
    return last is not None and bool(last.announce)


def saved_mark() -> None:
    """The "Your answer is saved" mark (words and a tick) beside a form's Save button."""
    st.badge(MSG_SAVED_MARK, icon=":material/check_circle:", color="green")
