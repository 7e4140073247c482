"""The council readiness self-assessment for staff: the form, saving it, and what staff said.

Only the Council readiness page uses this module; it is reached only by facilitators and admins.
A save keeps its client token until the store says it is saved, so pressing Save again after a
failure stores the answers once; the form keeps what was chosen until then.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from csc_dash import tables
from csc_dash.content.readiness import INTRO, QUESTIONS, SECTIONS
from csc_dash.markup import markdown_text
from csc_dash.ui.workshop.session import MSG_STORE_DOWN, engine, notify, show_notice
from csc_dash.workshop import FeedbackError, StoreUnavailable, new_client_token, responses_csv
from csc_dash.workshop.readiness import MAX_TEXT, ReadinessError, choices
from csc_dash.workshop.readiness_answers import (
    latest_readiness,
    readiness_option_counts,
    readiness_rows,
    readiness_section_counts,
    save_readiness,
)

NOTICE = "readiness"
MSG_SAVED = "Saved. You can change your answers and save them again at any time."
MSG_NOT_SAVED = (
    "Not saved yet. We could not reach the place where answers are kept. Your answers are still "
    "in the form: press Save again in a moment."
)
NOTHING_YET = "No one has filled in this form for this workshop yet."
COUNTS_NOTE = (
    "How many answers sit at each level, for each part of the form, from everyone who filled it "
    "in. There is no score: the form is for talking about which parts are not ready."
)
LIST_COUNTS_TITLE = "Answers to the questions with a list"
LIST_COUNTS_NOTE = (
    "How many people gave each answer. Where you can pick more than one, the answers can add up "
    "to more than the people. “None of these” and “Not answered” are kept apart."
)
_SAVE_KEY = "csc_readiness_save"  # the client token of the save under way


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "saved": MSG_SAVED,
        "not_saved": MSG_NOT_SAVED,
        "counts": COUNTS_NOTE,
        "list_counts": LIST_COUNTS_NOTE,
    }


def _key(question_id: str) -> str:
    return f"rd_{question_id}"


def read_form() -> dict[str, Any]:
    """What the form holds now, question id -> value (left out: ``None``). A "choose any"
    question with nothing picked is left out; "None of these" is a pill of its own."""
    values: dict[str, Any] = {}
    for question in QUESTIONS:
        value = st.session_state.get(_key(question.id))
        if question.kind == "many":
            value = list(value or []) or None  # nothing picked reads as left out
        values[question.id] = value
    return values


def _on_save(workshop_id: int, username: str) -> None:
    token = st.session_state.setdefault(_SAVE_KEY, new_client_token())
    try:
        save_readiness(
            engine(),
            workshop_id=workshop_id,
            username=username,
            answers=read_form(),
            client_token=token,
        )
    except StoreUnavailable:
        notify(NOTICE, "warning", MSG_NOT_SAVED)
        return  # the token stays: saving again stores the answers once
    except (ReadinessError, FeedbackError) as exc:
        notify(NOTICE, "error", str(exc))
        return
    st.session_state.pop(_SAVE_KEY, None)
    notify(NOTICE, "success", MSG_SAVED)


def _fill(saved: dict[str, Any], workshop_id: int) -> None:
    """Put a user's saved answers in the form once per workshop (not over what they changed)."""
    if st.session_state.get("csc_readiness_filled") == workshop_id:
        return
    for question in QUESTIONS:
        value = saved.get(question.id)
        st.session_state[_key(question.id)] = (
            list(value or []) if question.kind == "many" else value
        )
    st.session_state["csc_readiness_filled"] = workshop_id


def readiness_form(workshop_id: int, username: str) -> None:
    """The form, filled with this user's latest saved answers for this workshop."""
    st.markdown(INTRO)
    try:
        latest = latest_readiness(engine(), workshop_id)
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        latest = None
    if latest is not None:
        _fill(latest.get(username, {}).get("answers", {}), workshop_id)
    with st.form("readiness_form", border=False):
        for section, title in SECTIONS.items():
            st.subheader(title, anchor=False)
            for question in (q for q in QUESTIONS if q.section == section):
                key = _key(question.id)
                if question.kind == "text":
                    st.text_area(
                        question.prompt, max_chars=MAX_TEXT, key=key, help=question.help or None
                    )
                elif question.kind == "many":
                    st.pills(question.prompt, choices(question), selection_mode="multi", key=key)
                else:
                    st.radio(
                        question.prompt, choices(question), index=None, key=key, horizontal=True
                    )
                if question.help and question.kind != "text":
                    st.caption(question.help)
        st.form_submit_button(
            "Save my answers", type="primary", on_click=_on_save, args=(workshop_id, username)
        )
    show_notice(NOTICE)


def _list_counts(latest) -> None:
    """Per question with a list: how many people gave each answer (a table of two columns)."""
    st.subheader(LIST_COUNTS_TITLE, anchor=False)
    st.caption(LIST_COUNTS_NOTE)
    counts = readiness_option_counts(latest)
    for _question_id, part in counts.groupby("question_id", sort=False):
        prompt = part["question"].iloc[0]
        shown = part.set_index("answer")[["people"]].rename(columns={"people": "People"})
        shown.index.name = "Answer"
        ((_title, table),) = tables.narrow_tables(shown, digits=0)
        st.markdown(f"**{markdown_text(prompt)}**")
        st.table(table, alt=prompt)


def what_staff_said(workshop_id: int) -> None:
    """Everyone's latest answers for this workshop: the counts per part, then every answer."""
    st.header("What staff said", anchor=False)
    try:
        latest = latest_readiness(engine(), workshop_id)
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        return
    if not latest:
        st.markdown(NOTHING_YET)
        return
    st.caption(COUNTS_NOTE)
    counts = readiness_section_counts(latest).set_index("section")
    counts.index.name = "Part of the form"
    for title, part in tables.narrow_tables(counts, width=3, digits=0):
        if title:
            st.markdown(f"**{title}**")
        st.table(part, alt="How many answers sit at each level")
    _list_counts(latest)
    rows = readiness_rows(latest)
    st.download_button(
        "Readiness answers (CSV spreadsheet)",
        data=responses_csv(rows),
        file_name=f"readiness-{workshop_id}.csv",
        mime="text/csv",
        key="dl_readiness_csv",
        icon=":material/download:",
        on_click="ignore",
        help="The same answers are in the workshop's JSON download on the Facilitator page.",
    )
    for username in latest:
        mine = rows[rows["username"] == username]
        with st.expander(f"Answers from {markdown_text(username)}"):
            st.table(
                mine[["question", "answer"]]
                .rename(columns={"question": "Question", "answer": "Answer"})
                .map(markdown_text),
                hide_index=True,
                alt=f"Answers from {username}",
            )
