"""The session: the store's engine, the participant of this browser, their kept settings, demo mode.

This is the one place that knows who this browser is in a workshop. A person *starts* here
(:func:`set_participant`, after joining or coming back) and *ends* here (:func:`forget_participant`
after withdrawing or erasure; :func:`end_participant` when they leave a shared device, which also
drops what they typed), so a device can hand over from one person to the next cleanly.

The engine is cached once per database URL (``st.cache_resource``: one pool shared by every
session, never mutated). Everything about a person lives in ``st.session_state`` under the keys
named in :mod:`csc_dash.ui.state`.
"""

from __future__ import annotations

import contextlib
from typing import Any

import streamlit as st

from csc_dash import auth, config, tradeoffs
from csc_dash import line as line_rule
from csc_dash.markup import markdown_text
from csc_dash.ui import loaders, state
from csc_dash.workshop import (
    FeedbackError,
    StoreUnavailable,
    get_participant,
    participant_settings,
    save_settings,
)
from csc_dash.workshop.store import make_engine

MSG_STORE_DOWN = (
    "We could not reach the place where answers are kept, so this is not done yet. "
    "Nothing is lost: try again in a moment."
)
MSG_GONE = (
    "You are no longer in this workshop: your answers were deleted. You can join again on the "
    "Welcome page."
)

#: The address-bar parameter that holds a joined participant's join token. A reload starts a new
#: Streamlit session; this is how the person comes back as themselves. The token is a secret:
#: anyone with the whole address can act as that participant, so it is never shown or logged.
REJOIN_PARAM = "p"

#: Prefixes of the widget keys that hold what a person typed or chose (answers, views, votes,
#: statements, the join and rejoin forms, the withdraw box): dropped when the person ends here.
PERSONAL_KEY_PREFIXES = ("qa_", "sv_", "vote_", "propose_", "join_", "withdraw_", "rejoin_")

#: Session keys that hold one participant's work in progress, dropped when they end here.
_PERSONAL_STATE = (
    state.SAVE_TOKENS,
    state.PENDING,
    state.LAST_SAVED,
    state.PARTICIPANT_TOKEN,
    state.REJOIN_CODE,
    state.SETTINGS_SYNCED,
    state.SETTINGS_UNREAD,
    state.STATEMENTS_VERSION,
)

#: Setting name in the store (``feedback.SETTING_KEYS``) -> session key.
SETTING_KEYS = {
    "threshold": state.THRESHOLD,
    "model": state.MODEL,
    "view": state.VIEW,
    "bias": state.BIAS,
}


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {"store_down": MSG_STORE_DOWN, "gone": MSG_GONE}


# -- engine and mode -----------------------------------------------------------------------------


@st.cache_resource(max_entries=4, show_spinner=False)
def _engine(url: str):
    return make_engine(url)


def engine():
    """The store's engine for the configured ``DATABASE_URL`` (one per URL, shared)."""
    return _engine(config.database_url())


def open_local_store() -> None:
    """Open a local SQLite store on the first run after a start, not when someone first joins or
    signs in: opening it folds in what an erase could not yet wipe from its log (a reader held
    it, then the server was killed; see :func:`csc_dash.workshop.store.make_engine`). Cached
    after the first run; PostgreSQL is left to open when needed (a server down would slow
    every page)."""
    url = config.database_url()
    if not url.startswith("sqlite"):
        return
    with contextlib.suppress(StoreUnavailable):  # said plainly where the store is used
        _engine(url)


def demo_mode() -> bool:
    """No staff accounts exist: answers go to the local demo workshop."""
    return not auth.accounts_configured()


# -- per-session dicts and the notices callbacks leave ---------------------------------------------


def session_dict(key: str) -> dict:
    """A per-session dict under ``key``, made on first use (never a shared default)."""
    value = st.session_state.get(key)
    if value is None:
        value = {}
        st.session_state[key] = value
    return value


def notify(name: str, kind: str, text: str) -> None:
    """Leave a message (``kind``: success, info, warning or error) for the next draw of ``name``."""
    session_dict(state.NOTICES)[name] = (kind, text)


def drop_notice(name: str) -> None:
    session_dict(state.NOTICES).pop(name, None)


TOAST_ICONS = {"success": ":material/check_circle:", "info": ":material/info:"}


def show_notice(name: str, *, toast: bool = False) -> None:
    """Show (once) a message a callback left for this run; as a toast if ``toast`` (for parts
    of a page that redraw themselves)."""
    notice = session_dict(state.NOTICES).pop(name, None)
    if notice is None:
        return
    kind, text = notice
    if toast:
        st.toast(text, icon=TOAST_ICONS.get(kind, ":material/warning:"), duration="long")
        return
    getattr(st, kind)(text)


def plain(text: str) -> str:
    """Text a person typed, made safe to put inside markdown: every markup character escaped.

    Streamlit never renders raw HTML without ``unsafe_allow_html``; escaping also stops links,
    images (which would fetch from other sites) and emphasis. The one escaper for Markdown is
    :func:`csc_dash.markup.markdown_text`.
    """
    return markdown_text(text)


# -- the person of this session ---------------------------------------------------------------------


def participant() -> dict[str, Any] | None:
    """The participant of this browser session, or ``None`` if they have not joined."""
    return state.get(state.PARTICIPANT)


def set_participant(
    person, workshop, *, token: str | None = None, rejoin_code: str | None = None
) -> None:
    """Start ``person`` in this session; ``token`` (their join token) also goes into the address bar.

    Their kept settings (line, tool, view, bias) are restored; ``rejoin_code`` is their code to
    come back, if this session knows it (after joining, or after coming back with it).
    """
    state.put(
        state.PARTICIPANT,
        {
            "workshop_id": workshop.id,
            "participant_id": person.id,
            "pseudonym": person.pseudonym,
            "role_tag": person.role_tag,
            "code": workshop.code,
            "title": workshop.title,
        },
    )
    state.put(state.EXPLORE_ALONE, False)
    state.put(state.PARTICIPANT_TOKEN, token)
    state.put(state.REJOIN_CODE, rejoin_code)
    restore_settings(person.id)
    if token:
        st.query_params[REJOIN_PARAM] = token


def forget_participant() -> None:
    """Drop everything this session holds about the person (after withdrawing or erasure),
    including the rejoin link in the address bar."""
    state.put(state.PARTICIPANT, None)
    for key in _PERSONAL_STATE:
        state.put(key, None)
    if REJOIN_PARAM in st.query_params:
        del st.query_params[REJOIN_PARAM]


def end_participant() -> None:
    """End the person of this session completely, so the next person on this device starts
    afresh: :func:`forget_participant`, plus every form they typed into, a join in progress,
    "explore on my own", their kept settings and every other choice they made on any page
    (the next person starts from the defaults; only :data:`DEVICE_STATE` stays).
    Nothing is deleted from the store."""
    forget_participant()
    state.put(state.JOIN_TOKEN, None)
    state.put(state.JOIN_REJOIN_CODE, None)
    state.put(state.EXPLORE_ALONE, False)
    for key in SETTING_KEYS.values():  # their line, tool, view and bias stay theirs
        state.put(key, state.DEFAULTS[key])
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(PERSONAL_KEY_PREFIXES):
            del st.session_state[key]
    _reset_all_but_the_device()


# -- a shared device: nothing of one person is left for the next (issue 17.4) ------------------------

#: Session keys that belong to the device or to staff, not to the person using it: the only ones
#: :func:`end_participant` keeps. Every other key the app names (``state.DEFAULTS``) goes back to
#: its default, so what a person chose on any page (a line, a child, a council, a cost ...) is gone.
DEVICE_STATE = frozenset(
    {
        state.AUTHENTICATOR,
        state.SIGN_IN_REFUSAL,
        state.UPLOAD,
        state.UPLOAD_AP,
        state.UPLOAD_STEPS,
        state.UPLOAD_CHECK,
        state.FAIRNESS_CACHE,
        state.WORKSHOP_PICK,
        state.LIVE_VERSION,
    }
)


def _reset_all_but_the_device() -> None:
    """Every key the app names goes back to its default, except :data:`DEVICE_STATE`; every
    widget bound to one (``w_`` keys) is dropped, so it is drawn afresh from the default."""
    for key in list(st.session_state.keys()):
        if not isinstance(key, str) or key in DEVICE_STATE:
            continue
        if key in state.DEFAULTS:
            state.put(key, state.DEFAULTS[key])
        elif key.startswith(state.widget_key("")):
            del st.session_state[key]


def still_joined() -> bool:
    """Whether the joined participant still exists; forgets them if a facilitator erased them."""
    person = participant()
    if person is None:
        return False
    try:
        found = get_participant(engine(), person["participant_id"])
    except StoreUnavailable:
        return True  # cannot tell now; a save will say so plainly
    if found is None:
        forget_participant()
        return False
    return True


def joined() -> bool:
    """Whether this session's person has joined a workshop (and was not erased since)."""
    return participant() is not None and still_joined()


# -- the person's settings, kept in the store ---------------------------------------------------------


def current_settings() -> dict[str, Any]:
    """This session's line, tool, view and bias, by their names in the store (the store cleans
    them when it keeps them)."""
    return {name: state.get(key) for name, key in SETTING_KEYS.items()}


def restore_settings(participant_id: int) -> None:
    """Put back the person's kept settings (after a reload, a restart or coming back).

    If the store cannot be read now, nothing is written over what it keeps: the restore is tried
    again on the next run (:func:`sync_settings`) before this session writes any setting."""
    try:
        kept = participant_settings(engine(), participant_id)
    except StoreUnavailable:
        state.put(state.SETTINGS_UNREAD, participant_id)
        return
    state.put(state.SETTINGS_UNREAD, None)
    for name, key in SETTING_KEYS.items():
        if name in kept:
            state.put(key, kept[name])
    state.put(state.SETTINGS_SYNCED, current_settings())


def sync_settings() -> None:
    """Write the joined person's settings to the store if they changed since last written (or
    first read them back, if that could not be done when they came back)."""
    person = participant()
    if person is None:
        return
    if state.get(state.SETTINGS_UNREAD) == person["participant_id"]:
        restore_settings(person["participant_id"])
        if state.get(state.SETTINGS_UNREAD) is not None:
            return  # still unread: never write defaults over the person's kept line
    now = current_settings()
    if now == state.get(state.SETTINGS_SYNCED):
        return
    try:
        save_settings(engine(), person["participant_id"], now)
    except (StoreUnavailable, FeedbackError):
        return  # tried again on the next run
    state.put(state.SETTINGS_SYNCED, now)


# -- the line in force, stored with every answer --------------------------------------------------


def line_in_force() -> dict[str, Any]:
    """The tool and the line this person's pages read now (never blank): the score line
    (``threshold``, the canonical value) and how many of every 1,000 referrals it flags."""
    cohort = loaders.current_cohort()
    model = loaders.current_model(cohort)
    table = loaders.sweep(cohort, model)
    line = loaders.current_threshold(cohort, model)
    row = tradeoffs.threshold_row(table, line)
    total = float(row["tp"] + row["fp"] + row["fn"] + row["tn"])
    return {
        "model": model,
        "threshold": float(line),
        "flagged_per_1000": tradeoffs.per_1000(float(row["flagged"]), total),
    }


def line_for_per_1000(per_1000: int) -> float:
    """The score line that flags (at most) ``per_1000`` of every 1,000 referrals with the tool
    in force (kept with a "Where would you draw the line?" answer, for analysts)."""
    cohort = loaders.current_cohort()
    table = loaders.sweep(cohort, loaders.current_model(cohort))
    return line_rule.threshold_for_per_1000(table, int(per_1000))


def screen_state(**extra: Any) -> dict[str, Any]:
    """What the person last looked at, stored with each answer on 'Your views'."""
    return {
        **line_in_force(),
        "bias": state.get(state.BIAS),
        "view": state.get(state.VIEW),
        **extra,
    }
