"""Statements: Agree / Disagree / Pass on the workshop's open statements, and proposing one.

A vote is taken back with its own button, "Take back my vote" (it is deleted in the store, so it
counts nowhere), and the page says so once the store has done it. Pressing the chosen answer
again keeps it: the control is never emptied by a press, so a control that comes back empty
(a page redrawn with it at its first state) is put back to the person's vote and never takes it
back. Votes, taking them back and proposals go to the store through the answer machine
(:mod:`csc_dash.ui.workshop.answers`); approved statements reach open pages by themselves
(:func:`csc_dash.ui.workshop.live.watch_for_changes`).
"""

from __future__ import annotations

import streamlit as st

from csc_dash.content.questions import FREE_TEXT_REMINDER
from csc_dash.ui.workshop import answers
from csc_dash.ui.workshop.answers import PROPOSALS, STATEMENT, VOTE, VOTES
from csc_dash.ui.workshop.live import mark_drawn, watch_for_changes
from csc_dash.ui.workshop.session import MSG_STORE_DOWN, engine, joined, notify, participant, plain
from csc_dash.workshop import (
    CLOSED_FOR_ANSWERS,
    MAX_STATEMENT,
    StoreUnavailable,
    list_statements,
    participant_votes,
)

VOTE_LABELS = {"agree": "Agree", "disagree": "Disagree", "pass": "Pass"}
STATEMENTS_TITLE = "Statements"
STATEMENTS_INTRO = (
    "Do you agree with each statement? Choose **Pass** if you are not sure or would rather not "
    "say. You can change your vote. To take your vote back, press **Take back my vote** under it."
)
STATEMENTS_LOCKED = "When you join a workshop, you can say if you agree with statements here."
STATEMENTS_JOIN = (
    "Join a workshop on the Welcome page. Then you can say if you agree with statements about "
    "these ideas, and write one of your own."
)
MSG_PROPOSED = "Thank you. The facilitator reads each statement before the room can vote on it."
MSG_PROPOSED_AGAIN = "You have already sent this statement."
MSG_WRITE_FIRST = "Please write a statement first."
AUTHOR_LEFT_NOTE = "Written by a participant who has left. Their name is not kept."
TAKE_BACK_LABEL = "Take back my vote"
MSG_TAKEN_BACK = "Your vote is taken back. It no longer counts. You can vote again at any time."
#: What a take-back that waits for a Retry shows: the vote it takes back still counts till then.
TAKE_BACK_KEPT = "Take back your vote. Until this is saved, your vote still counts."
TAKE_BACK_KEPT_NAMED = "Take back your vote ({vote}). Until this is saved, it still counts."
PROPOSAL = "statement"  # where a proposal waits: (PROPOSALS, PROPOSAL)


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "statements_intro": STATEMENTS_INTRO,
        "statements_locked": STATEMENTS_LOCKED,
        "statements_join": STATEMENTS_JOIN,
        "proposed": MSG_PROPOSED,
        "proposed_again": MSG_PROPOSED_AGAIN,
        "write_first": MSG_WRITE_FIRST,
        "author_left": AUTHOR_LEFT_NOTE,
        "taken_back": MSG_TAKEN_BACK,
        "take_back_kept": TAKE_BACK_KEPT,
        "take_back_kept_named": TAKE_BACK_KEPT_NAMED.format(vote="Agree"),
        "closed": CLOSED_FOR_ANSWERS,
    }


def _on_vote(statement_id: int, shown: str | None = None) -> None:
    """A press on a statement's answers: a vote. The control cannot be emptied by a press, so
    an empty value is not the person's: their vote ``shown`` is put back, and nothing is sent."""
    key = f"vote_{statement_id}"
    choice = st.session_state.get(key)
    if participant() is None:
        return
    if choice is None:
        if shown in VOTE_LABELS:
            st.session_state[key] = shown
        return
    answers.submit(VOTE, VOTES, statement_id, choice, kept=VOTE_LABELS.get(choice))


def _on_take_back(statement_id: int, shown: str | None) -> None:
    """"Take back my vote": the vote ``shown`` goes from the store. Until the store has done
    it, the answer machine keeps it with a Retry and the page says the vote still counts."""
    if participant() is None:
        return
    st.session_state[f"vote_{statement_id}"] = None
    kept = (
        TAKE_BACK_KEPT_NAMED.format(vote=VOTE_LABELS[shown])
        if shown in VOTE_LABELS
        else TAKE_BACK_KEPT
    )
    answers.submit(VOTE, VOTES, statement_id, None, announce=MSG_TAKEN_BACK, kept=kept)


def statement_card(statement, stored: str | None = None) -> None:
    """A statement with Agree / Disagree / Pass, showing the person's vote (``stored``: their
    vote in the store, so it shows after a reload too), and "Take back my vote" once there is
    one. A vote or take-back that could not be saved stays with a Retry button."""
    with st.container(border=True):
        st.markdown(plain(statement.text))
        if statement.author_left:
            st.caption(AUTHOR_LEFT_NOTE)
        last = answers.saved(VOTES, statement.id)
        voted = last.value if last is not None else stored
        key = f"vote_{statement.id}"
        if key not in st.session_state and voted is not None:
            st.session_state[key] = voted
        st.segmented_control(
            "Your vote",
            list(VOTE_LABELS),
            format_func=VOTE_LABELS.get,
            key=key,
            on_change=_on_vote,
            args=(statement.id, voted),
            label_visibility="collapsed",
            required=True,
            # Its own default is the vote too: a browser that draws it afresh without the value
            # last set here shows the vote, not an empty control (see state.bound).
            default=st.session_state.get(key),
        )
        if voted is not None and st.session_state.get(key) is not None:
            st.button(
                TAKE_BACK_LABEL,
                key=f"take_back_{statement.id}",
                type="tertiary",
                icon=":material/undo:",
                on_click=_on_take_back,
                args=(statement.id, voted),
            )
        answers.retry_panel(VOTES, statement.id)
        answers.messages(VOTES, statement.id)


def _on_propose() -> None:
    if participant() is None:
        return
    text = str(st.session_state.get("propose_text") or "").strip()
    if not text:
        notify(f"{PROPOSALS}:{PROPOSAL}", "warning", MSG_WRITE_FIRST)
        return
    if answers.already_saved(PROPOSALS, PROPOSAL, text):
        notify(f"{PROPOSALS}:{PROPOSAL}", "info", MSG_PROPOSED_AGAIN)
        return
    answers.submit(STATEMENT, PROPOSALS, PROPOSAL, text, announce=MSG_PROPOSED)


def propose_form() -> None:
    """The box to propose a statement; a proposal that could not be sent stays with a Retry."""
    if answers.retry_panel(PROPOSALS, PROPOSAL):
        return
    with st.form("propose_form", border=True):
        st.markdown("**Propose a statement for the room**")
        st.text_area(
            "Your statement",
            key="propose_text",
            max_chars=MAX_STATEMENT,
            height=80,
            placeholder="For example: Families should be told when a tool is used.",
        )
        st.caption(FREE_TEXT_REMINDER)
        st.form_submit_button("Send to the facilitator", on_click=_on_propose)
    answers.messages(PROPOSALS, PROPOSAL)


def statements_section(*, not_joined: str = STATEMENTS_LOCKED, link: bool = False) -> None:
    """The workshop's open statements with Agree / Disagree / Pass, and the box to propose one;
    for someone who has not joined, ``not_joined`` (and a link to Welcome if ``link``)."""
    st.header(STATEMENTS_TITLE, anchor=False)
    if not joined():
        st.markdown(not_joined)
        if link:
            st.page_link(
                "app_pages/welcome.py", label="Go to Welcome to join", icon=":material/group_add:"
            )
        return
    st.markdown(STATEMENTS_INTRO)
    person = participant()
    mark_drawn("statements", person["workshop_id"])
    try:
        eng = engine()
        statements = list_statements(eng, person["workshop_id"])
        mine = participant_votes(eng, person["participant_id"])
    except StoreUnavailable:
        statements, mine = [], {}
        st.warning(MSG_STORE_DOWN)
    for statement in statements:
        statement_card(statement, mine.get(statement.id))
    propose_form()
    watch_for_changes("statements", person["workshop_id"])
