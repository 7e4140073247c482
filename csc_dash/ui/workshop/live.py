"""Pages that follow the workshop live: a cheap look at a fingerprint every few seconds, and a
redraw only when it changed (no flicker on a projector while nothing happens).

The redraw is asked for by the browser (:mod:`csc_dash.ui.components.live_refresh`), so every
control on the page keeps the value the person gave it. Should the browser not ask (its script
not loaded yet), the fragment redraws the page itself after :data:`FALLBACK_LOOKS` looks.
"""

from __future__ import annotations

import streamlit as st

from csc_dash.ui import state
from csc_dash.ui.components import live_refresh
from csc_dash.ui.workshop.session import engine
from csc_dash.workshop import StoreUnavailable, statements_version, workshop_version

#: How often an open page asks whether its statements, or the facilitator's live results, changed.
WATCH_SECONDS = {"statements": 3, "live": 3}
#: Looks that found a change the browser did not redraw, before the server redraws by itself.
FALLBACK_LOOKS = 3
_VERSIONS = {"statements": state.STATEMENTS_VERSION, "live": state.LIVE_VERSION}


def _version(kind: str, workshop_id: int):
    if kind == "live":
        return workshop_version(engine(), workshop_id)
    return statements_version(engine(), workshop_id)


def mark_drawn(kind: str, workshop_id: int) -> None:
    """Remember the fingerprint of the data a section is about to draw (before reading it, so a
    change in between makes one more redraw, never a missed one)."""
    state.put(state.LIVE_UNSEEN[kind], 0)
    try:
        state.put(_VERSIONS[kind], _version(kind, workshop_id))
    except StoreUnavailable:
        state.put(_VERSIONS[kind], None)


def watch_for_changes(kind: str, workshop_id: int) -> None:
    """Every few seconds, a cheap look at a fingerprint of the workshop's data; only when it
    changed is the page drawn again. Otherwise nothing on screen is touched: this draws no
    element that shows, so a projector shows no flicker."""
    live_refresh.refresher(kind)
    _watch(kind, workshop_id)


@st.fragment(run_every=min(WATCH_SECONDS.values()))
def _watch(kind: str, workshop_id: int) -> None:
    try:
        now = _version(kind, workshop_id)
    except StoreUnavailable:
        return  # the page already says so; look again next time
    changed = now != state.get(_VERSIONS[kind])
    unseen = state.get(state.LIVE_UNSEEN[kind]) + 1 if changed else 0
    state.put(state.LIVE_UNSEEN[kind], unseen)
    if unseen > FALLBACK_LOOKS:
        state.put(_VERSIONS[kind], now)
        st.rerun()
    live_refresh.ask_for_redraw(kind, changed=changed, version=repr(now))
