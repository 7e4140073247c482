"""Every session-state key the app uses, named in one place, with defaults.

Widget values are dropped when a participant changes page, so each setting that must survive
lives in a plain key (``MODEL``, ``THRESHOLD`` ...) and widgets are bound to it through
:func:`bind`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

MODEL = "csc_model"  # model key, e.g. "structured"
THRESHOLD = "csc_threshold"  # float: flag when score >= threshold
VIEW = "csc_view"  # "plain" or "analyst"
BIAS = "csc_bias"  # visibility-bias level of the synthetic world
CHARACTERISTIC = "csc_characteristic"  # tuple of group columns on the fairness page
PRESET = "csc_preset"  # fairness threshold preset
SELECTED_CHILD = "csc_selected_child"  # referral_id opened on "Who is flagged or missed"
UPLOAD = "csc_upload"  # the uploaded ScoredCohort of this browser session, or None
ATRS_RATIONALE = "csc_atrs_rationale"  # "Why this line?" typed on Your own model (staff only)
PARTICIPANT = "csc_participant"  # dict for a participant who joined a workshop, or None
EXPLORE_ALONE = "csc_explore_alone"  # True once a person chose to explore without joining
JOIN_TOKEN = "csc_join_token"  # noqa: S105 - client token of the join form, kept until the join succeeds
# The answer machine (ui/workshop/answers.py) keeps everything a person sends under its place
# (where, what): (page, question_id) for answers and saved views, ("vote", statement_id),
# ("propose", "statement").
SAVE_TOKENS = "csc_save_tokens"  # {place: client token of the form on screen} or None
PENDING = "csc_pending"  # {place: answers.Pending, sent but not yet held by the store} or None
LAST_SAVED = "csc_last_saved"  # {place: answers.Saved, what the store last acknowledged} or None
WORKSHOP_PICK = "csc_workshop_pick"  # Facilitator: id of the workshop on screen, or None
NOTICES = "csc_notices"  # {name: (kind, text)}: messages a callback leaves for the next draw, or None
AUTHENTICATOR = "csc_authenticator"  # this run's streamlit-authenticator object (staff sign-in), or None
COST = "csc_cost"  # Trade-offs: false alarms a participant would accept to find one more child
CAPACITY = "csc_capacity"  # Trade-offs: families the service can assess a month
CHILD_SEED = "csc_child_seed"  # Who is flagged or missed: which ~100 children are shown
UPLOAD_AP = "csc_upload_sweeps_ap"  # Trade-offs, The question: {model: (cohort, average precision)} of this session's upload (dropped with the sweeps)
UPLOAD_STEPS = "csc_upload_sweeps_steps"  # Trade-offs: {model: (cohort, (LineSteps, browser table))} of this session's upload (dropped with the sweeps)
COMPARE_AT = "csc_compare_at"  # Trade-offs: "Tools side by side" compares when each flags this many per 1,000
CHILD_FILTER = "csc_child_filter"  # Who is flagged or missed: prefix of the filter widgets' keys
ROOT_VIEW = "csc_root_view"  # Root causes: which part of the page is shown
ROOT_RATE = "csc_root_rate"  # Root causes: which rate per 10,000 children
ROOT_DEPRIVATION = "csc_root_deprivation"  # Root causes: which deprivation measure
ROOT_COUNCIL = "csc_root_council"  # Root causes: new_la_code of the council picked, or None
ROOT_REDUCTION = "csc_root_reduction"  # Root causes: what-if reduction in per cent
UPLOAD_CHECK = "csc_upload_check"  # Your own model: {file_id, guess, problem, candidate} or None
FAIRNESS_CACHE = "csc_fairness_cache"  # Fairness: {"cohort", "entries"} figures for this session's upload, or None
FAIRNESS_BIAS = "csc_fairness_bias"  # Fairness: widget on the page that mirrors BIAS
PARTICIPANT_TOKEN = "csc_participant_token"  # noqa: S105 - joined participant's join token (also ?p= in the address bar, to rejoin after a reload; never shown), or None
SIGN_IN_REFUSAL = "csc_sign_in_refusal"  # Staff sign-in: why the last attempt was refused (user name paused), or None
# -- workshop (issue 12/13: rejoin codes, kept settings, live redraws) --
REJOIN_CODE = "csc_rejoin_code"  # the joined participant's rejoin code, if this session knows it (shown, never stored in plain), or None
JOIN_REJOIN_CODE = "csc_join_rejoin_code"  # rejoin code of the join form, kept with JOIN_TOKEN until the join succeeds, or None
SETTINGS_SYNCED = "csc_settings_synced"  # the participant's line/tool/view/bias last written to the store, or None
SETTINGS_UNREAD = "csc_settings_unread"  # participant id whose kept settings could not be read yet, or None
#: Per watched kind: looks in a row that found a change the page has not drawn yet (ui.workshop.live).
LIVE_UNSEEN = {"statements": "csc_live_unseen_statements", "live": "csc_live_unseen_live"}
LIVE_VERSION = "csc_live_version"  # Facilitator: fingerprint of the workshop data on screen, or None
STATEMENTS_VERSION = "csc_statements_version"  # fingerprint of the statements on screen, or None
# You said, we did (issue 17.1)
DECISION_TOKEN = "csc_decision_token"  # noqa: S105 - client token of the "Record a decision" form on screen, or None
# -- replay a saved screen (issue 17.2: the facilitator shows a participant's saved view) --
REPLAY = "csc_replay"  # Facilitator: {"page", "pseudonym", "role_tag", "value", "screen_state"} of the view on the projector, or None
REPLAY_KEPT = "csc_replay_kept"  # Facilitator: {state key: their own value} put back when they leave the replay, or None
REPLAY_SHOWN = "csc_replay_shown"  # Facilitator: the screen state the replayed page reports it shows, or None

DEFAULTS: dict[str, Any] = {
    MODEL: "structured",
    THRESHOLD: None,  # set from the cohort on first use
    VIEW: "plain",
    BIAS: "moderate",
    CHARACTERISTIC: ("ethnicity",),
    PRESET: "single",
    SELECTED_CHILD: None,
    UPLOAD: None,
    ATRS_RATIONALE: "",
    PARTICIPANT: None,
    EXPLORE_ALONE: False,
    JOIN_TOKEN: None,
    SAVE_TOKENS: None,  # dicts are made per session, never shared through this table
    PENDING: None,
    LAST_SAVED: None,
    WORKSHOP_PICK: None,
    NOTICES: None,
    AUTHENTICATOR: None,
    COST: 10,
    CAPACITY: 40,
    CHILD_SEED: 0,
    COMPARE_AT: 100,
    ROOT_VIEW: "england",
    ROOT_RATE: "cla_rate",
    ROOT_DEPRIVATION: "imd2019_score",
    ROOT_COUNCIL: None,
    ROOT_REDUCTION: 20,
    UPLOAD_CHECK: None,  # per session only: the file being checked never enters a cache
    FAIRNESS_CACHE: None,  # per session only: an upload's figures never enter a shared cache
    PARTICIPANT_TOKEN: None,
    SIGN_IN_REFUSAL: None,
    REJOIN_CODE: None,
    JOIN_REJOIN_CODE: None,
    SETTINGS_SYNCED: None,
    SETTINGS_UNREAD: None,
    **dict.fromkeys(LIVE_UNSEEN.values(), 0),
    LIVE_VERSION: None,
    STATEMENTS_VERSION: None,
    DECISION_TOKEN: None,
    REPLAY: None,
    REPLAY_KEPT: None,
    REPLAY_SHOWN: None,
}


# -- a shared device (issue 17.4, "pass the tablet") --
NEXT_PERSON_ASK = "csc_next_person_ask"  # True while "Next person" waits for the person to say yes
DEFAULTS[NEXT_PERSON_ASK] = False


def init() -> None:
    """Give every key its default once per session."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def get(key: str) -> Any:
    return st.session_state.get(key, DEFAULTS.get(key))


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def widget_key(key: str) -> str:
    return f"w_{key}"


def bind(key: str) -> str:
    """Prepare a widget key that mirrors the plain ``key`` and return it.

    Most widgets use :func:`bound` (``**bound(KEY)``), which adds ``on_change=store, args=(KEY,)``;
    the widget then starts from the stored value on every page.
    """
    wkey = widget_key(key)
    if wkey not in st.session_state or st.session_state[wkey] != st.session_state.get(key):
        st.session_state[wkey] = st.session_state.get(key, DEFAULTS.get(key))
    return wkey


def bound(key: str, *, options: Iterable[Any] | None = None, as_value: bool = False) -> dict[str, Any]:
    """Widget keyword arguments that bind it to the plain ``key``: ``st.slider(..., **bound(KEY))``.

    The widget's own default is the value it is bound to as well (``options``: a radio's or a
    select box's options, giving ``index``; ``as_value``: a number box or slider, giving
    ``value``). A browser that draws the widget afresh without the value the server last set
    (a run whose output it dropped, a page picked again) then falls back to the person's value,
    not to the first option: seen in a workshop as "Bias in what gets recorded" turning to
    "None" by itself, and the numbers on every page moving with it.
    """
    kwargs: dict[str, Any] = {"key": bind(key), "on_change": store, "args": (key,)}
    current = get(key)
    if options is not None:
        choices = list(options)
        kwargs["index"] = choices.index(current) if current in choices else 0
    if as_value and current is not None:
        kwargs["value"] = current
    return kwargs


def store(key: str) -> None:
    """``on_change`` callback: copy a widget's value into its plain key."""
    st.session_state[key] = st.session_state[widget_key(key)]
