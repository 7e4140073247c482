"""Replay a saved screen: the facilitator puts a participant's saved view on the projector.

A saved view ("Save my view", :mod:`.save_view`) holds everything that decides its screen (the
tool, the line, plain or analyst view, the bias of the made-up world, and the page's own
settings). :func:`start` writes those into the facilitator's own session-state keys (the ones
:mod:`csc_dash.ui.state` names, so the page reads them as usual) after keeping the facilitator's
values; :func:`follow` draws a banner on the replayed page with a way back, and puts the kept
values back as soon as the facilitator leaves the replay (by the banner's button or the menu).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import streamlit as st

from csc_dash.content.questions import REACTION_LABELS
from csc_dash.ui import navigation, state
from csc_dash.ui.workshop.facilitator import page_titles
from csc_dash.ui.workshop.live import WATCH_SECONDS
from csc_dash.ui.workshop.save_view import QUESTION_REACTION
from csc_dash.ui.workshop.session import MSG_STORE_DOWN, engine, notify, plain, show_notice
from csc_dash.workshop import StoreUnavailable, response_exists, responses

BANNER = "You are showing a view a participant saved"
BACK = "Stop showing this view"
SHOW = "Show on the projector"
SECTION = "Saved views"
SECTION_NOTE = (
    "Each row is a screen a person saved, with what they said about it. Show one on the "
    "projector to talk about it: the page opens just as they saw it."
)
NONE_YET = "No one has saved a view yet."
MSG_GONE = (
    "The person who saved that view has left the workshop and deleted their answers, so it is "
    "no longer shown."
)
NOTICE = "replay"
FACILITATOR_PAGE = "app_pages/facilitator.py"
#: Key of the facilitator page's "back" button (the banner is drawn before the page runs).
BACK_KEY = "replay_back"

#: Saved field -> session-state key, for the settings every page reads.
COMMON: dict[str, str] = {
    "model": state.MODEL,
    "threshold": state.THRESHOLD,
    "view": state.VIEW,
    "bias": state.BIAS,
}
#: Page id -> (saved field -> session-state key) for each page's own settings.
PAGE_SETTINGS: dict[str, dict[str, str]] = {
    "question": {},
    "tradeoffs": {
        "cost": state.COST,
        "capacity_per_month": state.CAPACITY,
        "compare_at": state.COMPARE_AT,
    },
    "children": {"seed": state.CHILD_SEED, "selected_child": state.SELECTED_CHILD},
    "fairness": {"characteristic": state.CHARACTERISTIC, "preset": state.PRESET},
    "root_causes": {
        "part": state.ROOT_VIEW,
        "rate": state.ROOT_RATE,
        "deprivation": state.ROOT_DEPRIVATION,
        "council": state.ROOT_COUNCIL,
        "reduction": state.ROOT_REDUCTION,
    },
    "ethics": {},
}
#: The children's filters are widgets of their own, one key per column under this prefix.
FILTERS = "filters"
#: Kept and cleared for a replay: a participant's view is always of the made-up sample.
ALSO_KEPT = (state.UPLOAD, state.FAIRNESS_BIAS)
_ABSENT = "__absent__"
#: Who may show a saved view (the Facilitator page's own rule).
STAFF = frozenset({"facilitator", "admin"})


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "banner": BANNER,
        "back": BACK,
        "note": SECTION_NOTE,
        "none": NONE_YET,
        "gone": MSG_GONE,
    }


def page_files() -> dict[str, str]:
    """Page id (the file name without ``.py``) -> the page's file, for every page in the app."""
    return {PurePosixPath(spec.path).stem: spec.path for spec in navigation.PAGES}


def filter_key(column: str) -> str:
    """Widget key of one filter on 'Who is flagged or missed' (``tradeoffs_widgets.filter_key``)."""
    return f"{state.CHILD_FILTER}_{column}"


def settings_of(page: str, screen_state: Mapping[str, Any]) -> dict[str, Any]:
    """Session-state key -> value that restore the screen ``screen_state`` saved on ``page``.

    Only fields the view holds are restored (an old view without one leaves that setting as it
    is); a group characteristic comes back as the tuple the Fairness page reads.
    """
    fields = {**COMMON, **PAGE_SETTINGS.get(page, {})}
    settings: dict[str, Any] = {}
    for field, key in fields.items():
        if field not in screen_state:
            continue
        value = screen_state[field]
        if key == state.CHARACTERISTIC:
            if not value:
                continue  # "no groups in this test set": the page says so by itself
            value = tuple(value)
        settings[key] = value
    if page == "children" and isinstance(screen_state.get(FILTERS), Mapping):
        for column, chosen in screen_state[FILTERS].items():
            settings[filter_key(str(column))] = list(chosen)
    return settings


def _filter_keys() -> list[str]:
    prefix = f"{state.CHILD_FILTER}_"
    return [str(k) for k in st.session_state if str(k).startswith(prefix)]


def start(view: Mapping[str, Any]) -> str:
    """Put the saved ``view`` (a row of :func:`saved_views`) on screen; returns the page file to
    switch to. The facilitator's own settings are kept (only the first time: a second replay
    keeps the first one's) and come back with :func:`leave`."""
    page = str(view["page"])
    settings = settings_of(page, view["screen_state"])
    if state.get(state.REPLAY_KEPT) is None:
        keys = {*settings, *ALSO_KEPT, *_filter_keys()}
        keys |= {k for fields in PAGE_SETTINGS.values() for k in fields.values()}
        keys |= set(COMMON.values())
        state.put(state.REPLAY_KEPT, {k: st.session_state.get(k, _ABSENT) for k in keys})
    for key in _filter_keys():
        st.session_state[key] = []  # a filter the saved view did not use shows everyone
    state.put(state.UPLOAD, None)
    st.session_state.pop(state.FAIRNESS_BIAS, None)
    for key, value in settings.items():
        st.session_state[key] = value
    state.put(state.REPLAY, dict(view))
    state.put(state.REPLAY_SHOWN, None)
    return page_files()[page]


def leave() -> None:
    """End the replay: the facilitator's own settings, exactly as they were, come back."""
    kept = state.get(state.REPLAY_KEPT) or {}
    for key in _filter_keys():
        if key not in kept:
            del st.session_state[key]
    for key, value in kept.items():
        if value == _ABSENT:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value
    state.put(state.REPLAY, None)
    state.put(state.REPLAY_KEPT, None)
    state.put(state.REPLAY_SHOWN, None)


def follow(page, *, roles: frozenset[str]) -> None:
    """Called by ``app.py`` before the page runs. On the replayed page: the banner and the way
    back. On any other page, or once no facilitator is signed in here (they signed out on the
    projector's laptop): the replay ends and the facilitator's settings come back first."""
    shown = state.get(state.REPLAY)
    if not isinstance(shown, dict):
        return
    if not roles & STAFF or page.title != page_titles().get(shown.get("page")):
        leave()
        return
    # A person who withdrew (or was erased) while their view was on the projector: their name
    # and words go at once. If the store cannot say, the replay ends too (it may be so).
    there = _still_there(shown["response_id"])
    if not there:
        leave()
        if there is None:
            notify(NOTICE, "warning", MSG_STORE_DOWN)
        else:
            notify(NOTICE, "info", MSG_GONE)
        st.switch_page(FACILITATOR_PAGE)
    with st.container(border=True):
        st.info(f"**{BANNER}**: {replay_label(shown)}", icon=":material/co_present:")
        _watch_person(shown["response_id"])
        if st.button(BACK, key=BACK_KEY, icon=":material/arrow_back:", type="primary"):
            leave()
            st.switch_page(FACILITATOR_PAGE)


def _still_there(response_id: int) -> bool | None:
    """Whether the saved view is still stored (its person has not left); ``None`` if the store
    cannot say."""
    try:
        return response_exists(engine(), response_id)
    except StoreUnavailable:
        return None


@st.fragment(run_every=WATCH_SECONDS["live"])
def _watch_person(response_id: int) -> None:
    """Every few seconds while a view is on the projector: once its person has left (or the
    store cannot say), the whole page is drawn again, so :func:`follow` ends the replay. Nothing
    else on the projector moves; this draws no element."""
    if not _still_there(response_id):
        st.rerun()


def replay_label(view: Mapping[str, Any]) -> str:
    """Who saved the view and what they thought, escaped for Markdown (people typed the name)."""
    value = view.get("value") if isinstance(view.get("value"), Mapping) else {}
    reaction = REACTION_LABELS.get(str(value.get("reaction")), "")
    who = f"{plain(str(view.get('pseudonym', '')))} ({plain(str(view.get('role_tag', '')))})"
    return f"{who}. {reaction}." if reaction else f"{who}."


# -- the facilitator console's list of saved views ------------------------------------------------


def saved_views(rows) -> list[dict[str, Any]]:
    """Each person's latest saved view of each page, newest first, from
    :func:`csc_dash.workshop.responses` rows (dicts); only pages that can be replayed."""
    latest: dict[tuple[Any, Any], dict[str, Any]] = {}
    for row in rows:  # oldest first: later views win
        if row["question_id"] == QUESTION_REACTION and row["page"] in PAGE_SETTINGS:
            latest[(row["participant_id"], row["page"])] = row
    chosen = sorted(latest.values(), key=lambda row: row["response_id"], reverse=True)
    return [
        {
            key: row[key]
            for key in ("response_id", "page", "pseudonym", "role_tag", "value", "screen_state")
        }
        for row in chosen
        if isinstance(row["screen_state"], Mapping)
    ]


def screen_words(view: Mapping[str, Any]) -> str:
    """A short plain line for one saved view: the page and, where it has one, the line."""
    title = page_titles().get(view["page"], view["page"])
    per_1000 = view["screen_state"].get("flagged_per_1000")
    if isinstance(per_1000, int | float):
        return f"{title}. The line flags {int(per_1000)} in every 1,000 referrals."
    return f"{title}."


def saved_views_section(workshop_id: int) -> None:
    """The saved views of a workshop, each with a button that shows it on the projector."""
    st.header(SECTION, anchor=False)
    st.caption(SECTION_NOTE)
    show_notice(NOTICE)
    try:
        views = saved_views(responses(engine(), workshop_id).to_dict("records"))
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        return
    if not views:
        st.markdown(NONE_YET)
        return
    for view in views:
        with st.container(border=True):
            st.markdown(f"**{replay_label(view)}** {screen_words(view)}")
            reason = view["value"].get("reason") if isinstance(view["value"], Mapping) else None
            if reason:
                st.text(str(reason))
            if st.button(SHOW, key=f"replay_{view['response_id']}", icon=":material/co_present:"):
                st.switch_page(start(view))
