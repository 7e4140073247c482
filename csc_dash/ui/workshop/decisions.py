"""You said, we did, on screen: staff record decisions and pick what informed them; a participant
reads what became of what they said.

Staff use :func:`record_form` and :func:`decision_log_table` on the "You said, we did" page
(facilitators and admins only), always for one workshop they may see; changing a decision is
:mod:`csc_dash.ui.workshop.decision_changes`. Staff use :func:`record_engagement` on Your own
model to put a workshop's decisions into the draft transparency record. A participant sees
:func:`what_became_of_section` on Your views, from any device once they come back with their
code. Everything a person typed is escaped (:func:`~csc_dash.ui.workshop.session.plain`) and
never reaches ``unsafe_allow_html``.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from csc_dash.tables import narrow_tables
from csc_dash.ui import state
from csc_dash.ui.workshop.facilitator import page_titles, workshop_label
from csc_dash.ui.workshop.session import (
    MSG_STORE_DOWN,
    engine,
    notify,
    participant,
    plain,
    show_notice,
)
from csc_dash.workshop import (
    DECISION_WORDS,
    MAX_TITLE,
    DecisionError,
    Engagement,
    FeedbackError,
    Link,
    StoreUnavailable,
    decision_log,
    decision_rows,
    engagement_of,
    linkable_items,
    new_client_token,
    record_decision,
    record_workshops,
    what_became_of_participant,
)
from csc_dash.workshop.decisions import LINK_KINDS, MAX_REASON, NOTHING_DECIDED_YET
from csc_dash.workshop.engagement import SEES_EVERY_WORKSHOP, engagement_words

NOTICE = "decisions"
FORM = "record_decision"

RECORD_TITLE = "Record a decision"
RECORD_INTRO = (
    "Say what your council decided, where it stands, and why, in plain words. Then pick what "
    "people said that helped you decide. The people who took part will read this."
)
TITLE_LABEL = "What was decided"
STATUS_LABEL = "Where it stands"
REASON_LABEL = "Why, in plain words"
LINKS_LABEL = "What people said that helped you decide"
LINKS_HELP = "You can pick none, one or many. Names are shown only to you."
NOTHING_TO_LINK = "No one in this workshop has said anything yet that you can link to."
SUBMIT = "Save the decision"
MSG_RECORDED = "Saved. The people who took part can now see this decision."
LOG_TITLE = "Decisions so far"
NO_DECISIONS = "No decision has been recorded for this workshop yet."
#: The log's columns as staff read them, two to a table so that it fits a phone.
LOG_COLUMNS = {
    "status_words": "Where it stands",
    "reason": "Why",
    "informed_by": "What it drew on",
    "when": "When",
}
LOG_INDEX = "Decision"
LOG_ALT = "The decisions recorded for this workshop, newest first"
RECORDED_ON = "Recorded {day} by {who}"
CHANGED_ON = "changed {day} by {who}"
#: Who last changed a decision changed before csc-dash kept names for changes.
SOMEONE = "someone"

BECAME_TITLE = "What became of what you said"
BECAME_INTRO = (
    "After the workshop, the council writes down what it decided and what helped it decide. "
    "Here you can see which of your words it used. Come back with your code to look again."
)
BECAME_JOIN = "Join a workshop, or come back with your code, to see what became of what you said."
BECAME_NOTHING_SAID = "You have not said anything in this workshop yet."
BECAME_DECIDED = "**{status}:** {title}. *Why:* {reason}"
#: Under one thing a person said, when decisions were made about others but not about this one
#: (when nothing at all is decided yet, NOTHING_DECIDED_YET says so once, at the top).
BECAME_NOT_YET = "Not decided yet."

#: Your own model: which workshop's decisions go into the draft transparency record. The key
#: starts with "your_model_", so signing out forgets it with the rest of that page.
RECORD_KEY = "your_model_atrs_workshop"
RECORD_LABEL = "Decisions from a workshop (you said, we did)"
RECORD_NONE = "None"
#: The choice "None" (not Python's None: a select box shows that as nothing chosen yet).
NO_WORKSHOP = "none"
RECORD_HELP = (
    "Only what the council wrote for everyone goes in: what was decided, where it stands, why, "
    "and how many things people said it drew on. Never a name, and never what a person said."
)
RECORD_NO_WORKSHOPS = "There is no workshop whose decisions you can add yet."
MSG_RECORD_STORE_DOWN = (
    "We could not reach the place where workshops are kept. You can still download the record, "
    "but it has no decisions in it. Try again in a moment."
)


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "record_intro": RECORD_INTRO,
        "links_help": LINKS_HELP,
        "nothing_to_link": NOTHING_TO_LINK,
        "recorded": MSG_RECORDED,
        "no_decisions": NO_DECISIONS,
        "became_intro": BECAME_INTRO,
        "became_join": BECAME_JOIN,
        "became_nothing": BECAME_NOTHING_SAID,
        "became_not_yet": BECAME_NOT_YET,
        "record_help": RECORD_HELP,
        "record_no_workshops": RECORD_NO_WORKSHOPS,
        "record_store_down": MSG_RECORD_STORE_DOWN,
    }


# -- staff: record a decision ---------------------------------------------------------------------


#: What people said is picked item by item: typing finds the items whose words contain what was
#: typed (not a loose "fuzzy" match), and there is no "Select all matches" to pick by mistake.
PICK_ONE_BY_ONE = {"filter_mode": "contains", "select_all": False}


def item_label(item: dict) -> str:
    return f"{LINK_KINDS[item['kind']].capitalize()} · {item['words']} · {item['who']}"


def _form_token() -> str:
    """The client token of the form on screen: the same for a retry, new after a save."""
    token = state.get(state.DECISION_TOKEN)
    if not token:
        token = new_client_token()
        state.put(state.DECISION_TOKEN, token)
    return token


def field_key(name: str, token: str) -> str:
    """A field of the form, keyed by the form's token: a saved decision leaves an empty form."""
    return f"{FORM}_{name}_{token}"


def _on_record(workshop_id: int, created_by: str, items: dict[int, dict], token: str) -> None:
    picked = st.session_state.get(field_key("links", token)) or []
    links = [Link(items[i]["kind"], items[i]["item_id"]) for i in picked if i in items]
    try:
        record_decision(
            engine(),
            workshop_id=workshop_id,
            title=st.session_state.get(field_key("title", token)),
            status=st.session_state.get(field_key("status", token)),
            reason=st.session_state.get(field_key("reason", token)),
            links=links,
            created_by=created_by,
            client_token=token,
        )
    except StoreUnavailable:
        notify(NOTICE, "warning", MSG_STORE_DOWN)  # the form keeps what was typed; same token
        return
    except (DecisionError, FeedbackError) as exc:
        notify(NOTICE, "error", str(exc))
        return
    state.put(state.DECISION_TOKEN, None)  # the next draw starts an empty form, with a new token
    for name in ("title", "status", "reason", "links"):
        st.session_state.pop(field_key(name, token), None)
    notify(NOTICE, "success", MSG_RECORDED)


def record_form(workshop_id: int, created_by: str) -> None:
    """The form to record a decision for this workshop, with what informed it."""
    st.header(RECORD_TITLE, anchor=False)
    st.markdown(RECORD_INTRO)
    show_notice(NOTICE)
    try:
        found = linkable_items(engine(), workshop_id, page_titles=page_titles())
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        return
    items = dict(enumerate(found))
    token = _form_token()
    with st.form(FORM, border=True):
        st.text_input(TITLE_LABEL, max_chars=MAX_TITLE, key=field_key("title", token))
        st.selectbox(
            STATUS_LABEL,
            list(DECISION_WORDS),
            format_func=DECISION_WORDS.get,
            key=field_key("status", token),
        )
        st.text_area(REASON_LABEL, max_chars=MAX_REASON, key=field_key("reason", token))
        if items:
            st.multiselect(
                LINKS_LABEL,
                list(items),
                format_func=lambda i: item_label(items[i]),
                key=field_key("links", token),
                help=LINKS_HELP,
                **PICK_ONE_BY_ONE,
            )
        else:
            st.caption(NOTHING_TO_LINK)
        st.form_submit_button(
            SUBMIT,
            type="primary",
            on_click=_on_record,
            args=(workshop_id, created_by, items, token),
        )


def _day(when) -> str:
    return when.strftime("%d %b %Y")


def when_words(
    decided: datetime, recorded_by: str, changed: datetime | None, changed_by: str | None
) -> str:
    """When a decision was recorded and by whom and, if it changed since, when it last changed
    and by whom (staff read these; participants never see a name)."""
    said = RECORDED_ON.format(day=_day(decided), who=recorded_by)
    if changed is None or pd.isna(changed):
        return said
    who = SOMEONE if changed_by is None or pd.isna(changed_by) else changed_by
    return f"{said}; {CHANGED_ON.format(day=_day(changed), who=who)}"


def decision_log_frame(workshop_id: int):
    """The workshop's decision log with the headings staff read, indexed by the decision, or
    ``None`` if the store is down."""
    try:
        log = decision_log(decision_rows(engine(), workshop_id))
    except StoreUnavailable:
        return None
    shown = log.assign(
        when=[
            when_words(row.decided_at, row.recorded_by, row.changed_at, row.changed_by)
            for row in log.itertuples()
        ]
    )
    shown = shown.set_index("title")[list(LOG_COLUMNS)].rename(columns=LOG_COLUMNS)
    shown.index.name = LOG_INDEX
    return shown


def decision_log_table(workshop_id: int) -> None:
    """The decisions recorded so far, newest first, as real tables of two columns beside the
    decision (:func:`csc_dash.tables.narrow_tables`, every cell escaped): they fit a phone and
    read as one table on a wide screen."""
    st.header(LOG_TITLE, anchor=False)
    shown = decision_log_frame(workshop_id)
    if shown is None:
        st.warning(MSG_STORE_DOWN)
    elif not len(shown):
        st.markdown(NO_DECISIONS)
    else:
        for _title, part in narrow_tables(shown, width=2, drop_repeats=False):
            st.table(part, alt=LOG_ALT)


# -- a participant: what became of what they said ------------------------------------------------


def what_became_of_section() -> None:
    """For the participant of this browser: each thing they said, and what was decided about it.
    Someone who has not joined (or has left) sees only how to come back. "Nothing has been
    decided yet" is said once, at the top, while nothing is; once something is, a thing no
    decision used yet says "Not decided yet." under it."""
    st.header(BECAME_TITLE, anchor=False)
    person = participant()
    if person is None:
        st.markdown(BECAME_JOIN)
        return
    st.markdown(BECAME_INTRO)
    try:
        frame = what_became_of_participant(
            engine(), person["participant_id"], page_titles=page_titles()
        )
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        return
    if not len(frame):
        st.markdown(BECAME_NOTHING_SAID)
        return
    nothing_decided = bool(frame["decision_id"].isna().all())
    if nothing_decided:
        st.info(NOTHING_DECIDED_YET, icon=":material/hourglass_empty:")
    for (kind, _item), rows in frame.groupby(["kind", "item_id"], sort=False):
        with st.container(border=True):
            st.caption(plain(kind.capitalize()))
            st.markdown(plain(rows.iloc[0]["what_you_said"]))
            decided = rows[rows["decision_id"].notna()]
            if not len(decided) and not nothing_decided:
                st.markdown(BECAME_NOT_YET)
            for row in decided.itertuples():
                st.markdown(
                    BECAME_DECIDED.format(
                        status=plain(row.status_words),
                        title=plain(row.title.rstrip(".")),
                        reason=plain(row.reason),
                    )
                )


# -- staff: a workshop's decisions in the draft transparency record (Your own model) -------------


def record_engagement(
    roles: frozenset[str], user: str | None, *, demo_mode: bool
) -> Engagement | None:
    """Let staff choose the workshop whose decisions go into the draft transparency record
    ("None" is a choice): a facilitator their own, an admin or an analyst any; in demo mode the
    demo workshop once it has a decision. Returns what it found, or ``None`` (none chosen, or
    the store cannot be reached: then a plain warning, and the record goes without)."""
    try:
        choices = record_workshops(engine(), roles=roles, user=user, demo_mode=demo_mode)
    except StoreUnavailable:
        st.warning(MSG_RECORD_STORE_DOWN)
        return None
    by_id = {item.id: item for item in choices}
    if st.session_state.get(RECORD_KEY) not in by_id:
        st.session_state[RECORD_KEY] = NO_WORKSHOP  # not chosen, erased meanwhile, or not theirs
    show_owner = bool(roles & SEES_EVERY_WORKSHOP)
    chosen = st.selectbox(
        RECORD_LABEL,
        [NO_WORKSHOP, *by_id],
        format_func=lambda i: (
            RECORD_NONE if i == NO_WORKSHOP else workshop_label(by_id[i], show_owner=show_owner)
        ),
        key=RECORD_KEY,
        help=RECORD_HELP,
    )
    if not by_id:
        st.caption(RECORD_NO_WORKSHOPS)
    if chosen not in by_id:
        return None
    try:
        found = engagement_of(engine(), chosen)
    except StoreUnavailable:
        st.warning(MSG_RECORD_STORE_DOWN)
        return None
    if found is not None:
        st.caption(engagement_words(found))
    return found
