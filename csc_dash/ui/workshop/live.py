"""Pages that follow the workshop live: a cheap look at a fingerprint every few seconds, and a
redraw only when it changed (no flicker on a projector while nothing happens)."""

from __future__ import annotations

import streamlit as st

from csc_dash.ui import state
from csc_dash.ui.workshop.session import engine
from csc_dash.workshop import StoreUnavailable, statements_version, workshop_version

#: How often an open page asks whether its statements, or the facilitator's live results, changed.
WATCH_SECONDS = {"statements": 3, "live": 3}
_VERSIONS = {"statements": state.STATEMENTS_VERSION, "live": state.LIVE_VERSION}


def _version(kind: str, workshop_id: int):
    if kind == "live":
        return workshop_version(engine(), workshop_id)
    return statements_version(engine(), workshop_id)


def mark_drawn(kind: str, workshop_id: int) -> None:
    """Remember the fingerprint of the data a section is about to draw (before reading it, so a
    change in between makes one more redraw, never a missed one)."""
    try:
        state.put(_VERSIONS[kind], _version(kind, workshop_id))
    except StoreUnavailable:
        state.put(_VERSIONS[kind], None)


@st.fragment(run_every=min(WATCH_SECONDS.values()))
def watch_for_changes(kind: str, workshop_id: int) -> None:
    """Every few seconds, a cheap look at a fingerprint of the workshop's data; only when it
    changed is the page drawn again (``st.rerun``). Otherwise nothing on screen is touched:
    this fragment draws no element, so a projector shows no flicker."""
    try:
        now = _version(kind, workshop_id)
    except StoreUnavailable:
        return  # the page already says so; look again next time
    if now != state.get(_VERSIONS[kind]):
        state.put(_VERSIONS[kind], now)
        st.rerun()
