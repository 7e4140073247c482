"""Consent in plain words: what is recorded, who sees it, how long it is kept, how to stop.

Shown before anyone joins (:func:`consent_screen`), beside the choice to explore alone
(:func:`explore_alone_panel`).
"""

from __future__ import annotations

import streamlit as st

from csc_dash.ui import state

CONSENT_TITLE = "Before you join: what happens to your answers"
CONSENT_BLOCKS: tuple[tuple[str, str], ...] = (
    (
        "What we record",
        "We keep the name you make up for today, the group you say you belong to, and the "
        "answers you choose to save. With each answer we keep what the screen showed at the "
        "time, such as which tool and which line you picked. We do not ask for your real name, "
        "your email or where you live.",
    ),
    (
        "Who sees it",
        "The people running this workshop see the answers of the whole room. They may use them "
        "in a report, with your made-up name taken out. Other people in the room do not see "
        "your answers.",
    ),
    (
        "How long we keep it",
        "The people running the workshop keep the answers until their report is done. Then they "
        "delete the whole workshop. They should tell you the date.",
    ),
    (
        "How to stop",
        "You can skip any question. You can leave at any time. On the Welcome page there is a "
        "button that deletes all your answers at once. You do not have to give a reason. If "
        "you wrote a statement that the room could vote on, it stays, but without your name, "
        "so that other people's votes on it still count.",
    ),
)
CONSENT_AGREE = "I have read this. I am happy to take part."
EXPLORE_ALONE_NOTE = (
    "You are exploring on your own. Nothing you do here is recorded. You can still join a "
    "workshop later on this page."
)
PSEUDONYM_HELP = "Make up a name for today, like 'Blue Kite'. Please do not use your real name."
DEMO_NOTE = (
    "This copy of the app runs on its own, with no staff accounts. Your answers go to a local "
    "demo workshop on this computer."
)
EXPLORE_ALONE_BUTTON = "Explore on my own"
EXPLORE_ALONE_DONE = "You are exploring on your own. Use the menu to open any page."


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    texts = {f"consent_{title}": body for title, body in CONSENT_BLOCKS}
    texts.update(
        explore_alone=EXPLORE_ALONE_NOTE, demo=DEMO_NOTE, explore_alone_done=EXPLORE_ALONE_DONE
    )
    return texts


def consent_screen() -> None:
    """The consent notes, one short block each."""
    st.subheader(CONSENT_TITLE)
    for title, body in CONSENT_BLOCKS:
        st.markdown(f"**{title}.** {body}")


def explore_alone_panel() -> None:
    """Explore without joining: nothing is recorded."""
    st.markdown(EXPLORE_ALONE_NOTE)
    st.button(
        EXPLORE_ALONE_BUTTON,
        key="explore_alone_btn",
        on_click=state.put,
        args=(state.EXPLORE_ALONE, True),
    )
    if state.get(state.EXPLORE_ALONE):
        st.info(EXPLORE_ALONE_DONE)
