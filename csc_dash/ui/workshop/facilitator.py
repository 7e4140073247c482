"""The facilitator's tools: store actions behind buttons, the join code for the room, and the
room's answers as tables and charts (drawn again only when something changed).

Only the Facilitator page uses this module; it is reached only by facilitators and admins.
"""

from __future__ import annotations

import html
import re
from pathlib import PurePosixPath

import streamlit as st

from csc_dash.charts import workshop as charts
from csc_dash.content.questions import QUESTIONNAIRE, by_id
from csc_dash.ui import chart, navigation, state
from csc_dash.ui.workshop.live import mark_drawn
from csc_dash.ui.workshop.save_view import QUESTION_REACTION
from csc_dash.ui.workshop.session import MSG_STORE_DOWN, engine, notify, plain, show_notice
from csc_dash.workshop import (
    ERASURE_REMAINS,
    LABEL_WORDS,
    ROLE_TAGS,
    FeedbackError,
    StoreUnavailable,
    agreement_words,
    approve_statement,
    erase_participant,
    erase_workshop,
    list_statements,
    live_summary,
    reject_statement,
    statement_results,
)

#: Join codes only ever hold these characters (``feedback.CODE_ALPHABET`` plus the demo code).
_SAFE_CODE = re.compile(r"^[A-Z0-9]{1,12}$")


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "live": LIVE_NOTE,
        "erased_participant": MSG_ERASED_PARTICIPANT,
        "erase_not_folded": MSG_ERASE_NOT_FOLDED,
        "erased_workshop": MSG_ERASED_WORKSHOP,
        "rejected": MSG_REJECTED,
    }


LIVE_NOTE = (
    "These update by themselves within a few seconds of anyone answering. Nothing moves while "
    "nothing changes."
)


def erasure_note() -> str:
    """What the database keeps for a while after an erase, for this store's kind of database."""
    return ERASURE_REMAINS.get(engine().dialect.name, ERASURE_REMAINS["postgresql"])


MSG_ERASED_PARTICIPANT = (
    "Done. That person's answers and votes are deleted. A statement of theirs that the room "
    "could vote on stays, without their name."
)
MSG_ERASE_NOT_FOLDED = (
    "Deleted. The database was busy, so an old copy may stay in its files for a short while. "
    "The app keeps trying to wipe it, and it goes at the latest when the app starts again."
)
MSG_ERASED_WORKSHOP = "Done. The workshop and everything in it are deleted."
MSG_REJECTED = "Done. That statement is removed. No one will see it."


def page_titles() -> dict[str, str]:
    """Page id (the file name without ``.py``) -> the title people see in the menu."""
    return {PurePosixPath(spec.path).stem: spec.title for spec in navigation.PAGES}


def workshop_label(item, *, show_owner: bool) -> str:
    status = "open" if item.status == "open" else "closed"
    owner = f" · by {item.created_by}" if show_owner else ""
    return f"{item.title} · {item.code} · {status}{owner}"


def workshop_picker(workshops, *, show_owner: bool):
    """Choose the workshop on screen (kept across pages in ``state.WORKSHOP_PICK``; the first
    one if the kept one is gone); returns it."""
    by_id = {item.id: item for item in workshops}
    if state.get(state.WORKSHOP_PICK) not in by_id:
        state.put(state.WORKSHOP_PICK, workshops[0].id)
    chosen = st.selectbox(
        "Workshop",
        list(by_id),
        format_func=lambda i: workshop_label(by_id[i], show_owner=show_owner),
        **state.bound(state.WORKSHOP_PICK, options=by_id),
    )
    return by_id[chosen]


def guarded(
    action, *args, success: str | None = None, notice: str = "facilitator", **kwargs
) -> None:
    """Run a store action from a button callback; plain messages instead of tracebacks."""
    try:
        result = action(engine(), *args, **kwargs)
    except StoreUnavailable:
        notify(notice, "warning", MSG_STORE_DOWN)
        return
    except FeedbackError as exc:
        notify(notice, "error", str(exc))
        return
    if result is False and action in (erase_participant, erase_workshop):
        notify(notice, "warning", MSG_ERASE_NOT_FOLDED)
        return
    if success:
        notify(notice, "success", success)


STATEMENT_COLUMNS = {
    "text": "Statement",
    "author": "Written by",
    "agree": "Agree",
    "disagree": "Disagree",
    "pass": "Pass",
    "label": "How the room voted",
    "by_role": "Agreement by group",
}


def statement_table(results, *, for_markdown: bool = False):
    """Statement results for display: plain labels and agreement by group as text.

    With ``for_markdown`` (for ``st.table``, whose cells read Markdown) every text cell is
    escaped to show exactly as typed, and the columns carry the titles people see.
    """

    table = results[list(STATEMENT_COLUMNS)].copy()
    table["label"] = table["label"].map(lambda v: LABEL_WORDS.get(v, v))
    table["by_role"] = [
        agreement_words(shares, votes)
        if isinstance(shares, dict) and isinstance(votes, dict)
        else ""
        for shares, votes in zip(results["by_role"], results["by_role_votes"], strict=True)
    ]
    if for_markdown:
        for column in ("text", "author", "label", "by_role"):
            table[column] = table[column].map(plain)
        table = table.rename(columns=STATEMENT_COLUMNS)
    return table


FREE_TEXT_COLUMNS = {
    "pseudonym": "Made-up name",
    "role_tag": "Group",
    "page": "Page",
    "question_id": "Question",
    "text": "What they wrote",
}
REACTION_REASON = "Why they saved this view of the screen"


def question_label(question_id: str) -> str:
    """The question people saw, instead of its stored id."""
    if question_id == QUESTION_REACTION:
        return REACTION_REASON
    try:
        return by_id(question_id).prompt
    except KeyError:
        return question_id


def free_text_table(frame):
    """What people wrote, for ``st.table`` (cells read Markdown): page titles and question
    prompts instead of ids, every cell escaped so it shows exactly as typed, shown in full."""
    titles = page_titles()
    table = frame[list(FREE_TEXT_COLUMNS)].copy()
    table["page"] = table["page"].map(lambda p: titles.get(p, p))
    table["question_id"] = table["question_id"].map(question_label)
    for column in FREE_TEXT_COLUMNS:
        table[column] = table[column].map(lambda v: plain(str(v)))
    return table.rename(columns=FREE_TEXT_COLUMNS)


def join_code_svg(code: str) -> str:
    """The join code as an SVG picture that scales to the width of its column."""
    width = 70 * len(code) + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 120" role="img">'
        f'<text x="10" y="98" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
        f'font-size="104" font-weight="700" fill="#1a1a1a" textLength="{width - 20}" '
        f'lengthAdjust="spacingAndGlyphs">{html.escape(code)}</text></svg>'
    )


def join_code_banner(code: str) -> None:
    """The join code, large enough to read from the back of a room.

    Drawn as a picture (no HTML in the page) with the code, letter by letter, as its alt text and
    caption. The code is made by the app from a fixed alphabet, never typed by a person.
    """
    spaced = " ".join(code)
    if not _SAFE_CODE.fullmatch(code):
        st.header(plain(code), anchor=False)  # never a second page title (h1)
        return
    st.image(join_code_svg(code), width="stretch", alt=f"Join code {spaced}")
    st.caption(f"Join code, letter by letter: {spaced}")


# -- the live section ------------------------------------------------------------------------------


def waiting_proposals(waiting) -> None:
    """Statements people proposed, waiting for the facilitator: shown first, above the results."""
    # A toast: the live part redraws by itself, which would wipe a message in the page.
    show_notice("statements", toast=True)
    if not waiting:
        return
    st.subheader(f"Proposed by participants, waiting for you ({len(waiting)})", anchor=False)
    for item in waiting:
        with st.container(border=True):
            st.text(item.text)
            row = st.container(horizontal=True)
            row.button(
                "Approve: show it to the room",
                key=f"approve_{item.id}",
                on_click=guarded,
                args=(approve_statement, item.id),
                kwargs={"notice": "statements"},
            )
            row.button(
                "Reject: remove it",
                key=f"reject_{item.id}",
                on_click=guarded,
                args=(reject_statement, item.id),
                kwargs={"success": MSG_REJECTED, "notice": "statements"},
            )


def live_results(workshop_id: int) -> None:
    """The room's answers so far. Drawn again only when the workshop's data changed
    (:func:`csc_dash.ui.workshop.live.watch_for_changes`), so nothing flickers while nothing
    happens."""
    mark_drawn("live", workshop_id)
    try:
        summary = live_summary(engine(), workshop_id)
        results = statement_results(engine(), workshop_id)
        waiting = [
            s for s in list_statements(engine(), workshop_id, approved_only=False) if not s.approved
        ]
    except StoreUnavailable:
        st.warning(MSG_STORE_DOWN)
        return
    titles = page_titles()
    st.header("Live results", anchor=False)
    st.caption(LIVE_NOTE)
    waiting_proposals(waiting)

    people = summary["participants_by_role"]
    reactions = summary["reactions_by_page"]
    left, right = st.columns(2)
    with left:
        chart.show(
            charts.participants_figure(people),
            key="fig_people",
            summary=charts.participants_summary(people),
        )
    with right:
        chart.show(
            charts.reactions_figure(reactions, titles),
            key="fig_reactions",
            summary=charts.reactions_summary(reactions, titles),
        )

    thresholds = summary["accepted_thresholds"]
    if charts.thresholds_to_draw(thresholds):
        chart.show(
            charts.thresholds_figure(thresholds, ROLE_TAGS),
            key="fig_thresholds",
            summary=charts.thresholds_summary(thresholds),
        )
    else:  # nothing to mark (no answer yet, or everyone said "no line"): a sentence, no empty chart
        st.markdown(f"**{charts.THRESHOLDS_TITLE}**")
        st.markdown(charts.thresholds_summary(thresholds))

    scale = summary["scale_by_role"]
    for question in (q for q in QUESTIONNAIRE if q.kind == "scale5"):
        part = scale[scale["question_id"] == question.id]
        if part.empty:
            continue
        st.markdown(f"**{question.prompt}**")
        chart.show(
            charts.scale_figure(part, labels=question.options),
            key=f"fig_scale_{question.id}",
            summary=charts.scale_summary(part, labels=question.options),
        )

    st.subheader("Statements", anchor=False)
    if results.empty:
        st.markdown("No statements are open to the room yet.")
    else:
        # A static table, so every statement is shown in full (wrapped), never cut off.
        st.table(
            statement_table(results, for_markdown=True),
            hide_index=True,
            alt="How the room voted on each statement",
        )

    st.subheader("What people wrote", anchor=False)
    free_text = summary["free_text"]
    if free_text.empty:
        st.markdown("Nothing written yet.")
    else:
        # A static table, so every answer is shown in full (wrapped), never cut off.
        st.table(free_text_table(free_text), hide_index=True, alt="What people wrote")
