"""You said, we did, on screen: staff change a decision as it moves on, and see who changed it.

:func:`change_form` is drawn on the "You said, we did" page (facilitators and admins only),
always for one workshop they may see: the store refuses a change to a decision of any other
workshop. Every real change is kept as a version with the staff user who made it
(:func:`csc_dash.workshop.decision_store.update_decision`); :func:`versions_section` shows them
under the form. Two staff changing one decision at once: the second save is refused with a plain
message, and what they typed moves to the form of the decision as it now is, so nobody's change
is overwritten unseen and nobody's words are lost. Everything a person typed is escaped
(:func:`csc_dash.tables.narrow_tables`) and never reaches ``unsafe_allow_html``.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from csc_dash.tables import narrow_tables
from csc_dash.ui.workshop.decisions import (
    LINKS_HELP,
    LINKS_LABEL,
    NOTHING_TO_LINK,
    PICK_ONE_BY_ONE,
    REASON_LABEL,
    STATUS_LABEL,
    TITLE_LABEL,
    item_label,
)
from csc_dash.ui.workshop.facilitator import page_titles
from csc_dash.ui.workshop.session import MSG_STORE_DOWN, engine, notify, show_notice
from csc_dash.workshop import (
    DECISION_WORDS,
    MAX_TITLE,
    DecisionChanged,
    DecisionError,
    FeedbackError,
    Link,
    StoreUnavailable,
    decision_rows,
    linkable_items,
    update_decision,
)
from csc_dash.workshop.decisions import MAX_REASON

CHANGE_TITLE = "Change a decision"
CHANGE_INTRO = (
    "Pick a decision to change where it stands, why, what it says or what it drew on. The "
    "people who took part see the change when they look again."
)
CHANGE_PICK = "Which decision"
CHANGE_SUBMIT = "Save the changes"
MSG_CHANGED = "Saved. The people who took part now see this decision as it is here."
CHANGE_FORM = "change_decision"
CHANGE_NOTICE = "decision_changes"
FIELDS = ("title", "status", "reason", "links")

VERSIONS_TITLE = "Every version of this decision ({n})"
VERSIONS_INTRO = (
    "Each time someone changed this decision, what it said is kept here, with who changed it "
    "and when. Only staff see the names."
)
#: A version's columns as staff read them, two to a table so that it fits a phone.
VERSION_COLUMNS = {"who": "Who", "status": "Where it stood", "title": "What it said", "reason": "Why"}
VERSION_INDEX = "When"
VERSION_ALT = "Every version of this decision, newest first"
#: Who made a version kept before csc-dash kept names for changes (schema version 7).
NOT_KEPT = "not kept (changed before names were kept)"


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "change_intro": CHANGE_INTRO,
        "changed": MSG_CHANGED,
        "versions_intro": VERSIONS_INTRO,
    }


def _link_key(kind: str, item_id: int) -> str:
    """A stable option for a linkable item: the same thing keeps its key as the list grows."""
    return f"{kind}:{item_id}"


def change_key(name: str, decision_id: int, stamp: str) -> str:
    """A field of the change form, keyed by the decision and when it last changed: a saved
    change (here or by someone else) fills the form afresh from the store."""
    return f"{CHANGE_FORM}_{name}_{decision_id}_{stamp}"


def _stamp(row: dict) -> str:
    return f"{row['updated_at']:%Y%m%d%H%M%S%f}"


def _carry_over(workshop_id: int, decision_id: int, stamp: str) -> None:
    """Someone else changed the decision while this person was typing: move what they typed
    to the form of the decision as it is now (keyed by its new stamp), so nothing is lost and
    their next save is checked against what they can now see."""
    try:
        rows = decision_rows(engine(), workshop_id)
    except StoreUnavailable:
        return  # the old form stays, with what was typed
    now = next((row for row in rows if row["decision_id"] == decision_id), None)
    if now is None:
        return
    for name in FIELDS:
        old = change_key(name, decision_id, stamp)
        if old in st.session_state:
            st.session_state[change_key(name, decision_id, _stamp(now))] = st.session_state.pop(old)


def _on_change(
    workshop_id: int,
    decision_id: int,
    stamp: str,
    seen: datetime,
    changed_by: str,
    items: dict[str, dict],
) -> None:
    def typed(name: str):
        return st.session_state.get(change_key(name, decision_id, stamp))

    links = [
        Link(items[k]["kind"], items[k]["item_id"]) for k in typed("links") or [] if k in items
    ]
    try:
        update_decision(
            engine(),
            decision_id,
            workshop_id=workshop_id,
            title=typed("title"),
            status=typed("status"),
            reason=typed("reason"),
            links=links,
            changed_by=changed_by,
            seen=seen,
        )
    except StoreUnavailable:
        notify(CHANGE_NOTICE, "warning", MSG_STORE_DOWN)  # the form keeps what was typed
        return
    except DecisionChanged as exc:
        _carry_over(workshop_id, decision_id, stamp)
        notify(CHANGE_NOTICE, "error", str(exc))
        return
    except (DecisionError, FeedbackError) as exc:
        notify(CHANGE_NOTICE, "error", str(exc))
        return
    for name in FIELDS:
        st.session_state.pop(change_key(name, decision_id, stamp), None)
    notify(CHANGE_NOTICE, "success", MSG_CHANGED)


def pick_key(workshop_id: int, rows) -> str:
    """The decision picker's key, new whenever a decision of the workshop changes or is added.

    The picker shows each decision's title and status; a browser keeps showing the words it was
    sent until the widget is drawn anew, so a changed title or status gets a new widget (with
    the same decision picked), never a stale label.
    """
    latest = max((_stamp(row) for row in rows), default="")
    return f"{CHANGE_FORM}_pick_{workshop_id}_{len(rows)}_{latest}"


def _pick_decision(workshop_id: int, by_id: dict[int, dict]) -> int:
    """Which decision to change: the one picked before, if it is still there, else the newest."""
    key, picked = pick_key(workshop_id, list(by_id.values())), f"{CHANGE_FORM}_picked_{workshop_id}"
    if key not in st.session_state and st.session_state.get(picked) in by_id:
        st.session_state[key] = st.session_state[picked]
    decision_id = st.selectbox(
        CHANGE_PICK,
        list(by_id),
        format_func=lambda i: f"{by_id[i]['title']} ({DECISION_WORDS[by_id[i]['status']]})",
        key=key,
    )
    st.session_state[picked] = decision_id
    return decision_id


def versions_frame(row: dict) -> pd.DataFrame:
    """A decision's versions, newest first, with the headings staff read, indexed by when."""
    frame = pd.DataFrame(
        [
            {
                VERSION_INDEX: f"{version['changed_at']:%d %b %Y, %H:%M} UTC",
                "who": version["changed_by"] or NOT_KEPT,
                "status": DECISION_WORDS[version["status"]],
                "title": version["title"],
                "reason": version["reason"],
            }
            for version in reversed(row["versions"])
        ],
        columns=[VERSION_INDEX, *VERSION_COLUMNS],
    )
    return frame.set_index(VERSION_INDEX).rename(columns=VERSION_COLUMNS)


def versions_section(row: dict) -> None:
    """Every version of one decision, newest first, in a closed expander under the form."""
    if not row["versions"]:
        return
    with st.expander(VERSIONS_TITLE.format(n=len(row["versions"]))):
        st.markdown(VERSIONS_INTRO)
        for _title, part in narrow_tables(versions_frame(row), width=2, drop_repeats=False):
            st.table(part, alt=VERSION_ALT)


def change_form(workshop_id: int, changed_by: str) -> None:
    """Pick one of this workshop's decisions and change its title, status, reason and links
    (nothing is drawn before the first decision: the log already says there is none)."""
    try:
        rows = decision_rows(engine(), workshop_id)
        found = linkable_items(engine(), workshop_id, page_titles=page_titles())
    except StoreUnavailable:
        st.header(CHANGE_TITLE, anchor=False)
        show_notice(CHANGE_NOTICE)
        st.warning(MSG_STORE_DOWN)
        return
    if not rows:
        return
    st.header(CHANGE_TITLE, anchor=False)
    st.markdown(CHANGE_INTRO)
    by_id = {row["decision_id"]: row for row in reversed(rows)}  # newest first
    decision_id = _pick_decision(workshop_id, by_id)
    show_notice(CHANGE_NOTICE)
    row = by_id[decision_id]
    stamp = _stamp(row)
    items = {_link_key(item["kind"], item["item_id"]): item for item in found}
    saved = {
        "title": row["title"],
        "status": row["status"],
        "reason": row["reason"],
        "links": [_link_key(link.kind, link.item_id) for link in row["links"]],
    }
    for name, value in saved.items():
        st.session_state.setdefault(change_key(name, decision_id, stamp), value)
    links_key = change_key("links", decision_id, stamp)
    st.session_state[links_key] = [k for k in st.session_state[links_key] if k in items]
    with st.form(CHANGE_FORM, border=True):
        st.text_input(TITLE_LABEL, max_chars=MAX_TITLE, key=change_key("title", decision_id, stamp))
        st.selectbox(
            STATUS_LABEL,
            list(DECISION_WORDS),
            format_func=DECISION_WORDS.get,
            key=change_key("status", decision_id, stamp),
        )
        st.text_area(
            REASON_LABEL, max_chars=MAX_REASON, key=change_key("reason", decision_id, stamp)
        )
        if items:
            st.multiselect(
                LINKS_LABEL,
                list(items),
                format_func=lambda k: item_label(items[k]),
                key=links_key,
                help=LINKS_HELP,
                **PICK_ONE_BY_ONE,
            )
        else:
            st.caption(NOTHING_TO_LINK)
        st.form_submit_button(
            CHANGE_SUBMIT,
            type="primary",
            on_click=_on_change,
            args=(workshop_id, decision_id, stamp, row["updated_at"], changed_by, items),
        )
    versions_section(row)
