"""Facilitator: workshops, the join code, live results, downloads, and erasing answers.

Only facilitators and admins reach this page (it is not in anyone else's page list). A
facilitator sees only their own workshops; an admin sees all.
"""

import streamlit as st

from csc_dash import workshop as feedback
from csc_dash.charts import workshop as charts
from csc_dash.content.questions import QUESTIONNAIRE
from csc_dash.ui import accounts, chart, shell, state, workshop

shell.page_header(
    "Facilitator",
    "Start a workshop, show its code to the room, watch answers arrive, and download them for "
    "your report. Answers are shown as people typed them.",
)

roles = accounts.current_roles()
user = accounts.username()
if not roles & {"facilitator", "admin"} or not user:
    st.error("This page is for facilitators. Please sign in first.")
    st.stop()

engine = workshop.engine()
admin = "admin" in roles
workshop.show_notice("facilitator")

# -- pick or start a workshop --------------------------------------------------------------------
try:
    mine = feedback.list_workshops(engine, created_by=None if admin else user)
except feedback.StoreUnavailable:
    st.warning(workshop.MSG_STORE_DOWN)
    st.stop()

with st.expander("Start a new workshop", expanded=not mine, icon=":material/add:"):
    with st.form("new_workshop", border=False):
        title = st.text_input("Title", max_chars=200, placeholder="For example: Parents' group, 12 May")
        created = st.form_submit_button("Start the workshop", type="primary")
    if created:
        try:
            new = feedback.create_workshop(engine, title=title, created_by=user)
        except (feedback.FeedbackError, feedback.StoreUnavailable) as exc:
            st.error(str(exc))
        else:
            state.put(state.WORKSHOP_PICK, new.id)
            st.rerun()

if not mine:
    st.info("You have no workshops yet. Start one above.")
    st.stop()

ids = [w.id for w in mine]
if state.get(state.WORKSHOP_PICK) not in ids:
    state.put(state.WORKSHOP_PICK, ids[0])
chosen_id = st.selectbox(
    "Workshop",
    ids,
    format_func=lambda i: workshop.workshop_label(next(w for w in mine if w.id == i), show_owner=admin),
    **state.bound(state.WORKSHOP_PICK),
)
current = next(w for w in mine if w.id == chosen_id)

# -- the join code, and open / closed ------------------------------------------------------------
code_col, status_col = st.columns([3, 2], vertical_alignment="center")
with code_col:
    st.markdown("**Join code** (people type it on the Welcome page)")
    workshop.join_code_banner(current.code)
with status_col:
    if current.status == "open":
        st.success("Open: people can join.", icon=":material/lock_open:")
        st.button(
            "Close the workshop",
            key="close_workshop",
            on_click=workshop.guarded,
            args=(feedback.set_workshop_status, current.id, "closed"),
            help="No one new can join. Answers already saved are kept.",
        )
    else:
        st.info("Closed: no one new can join.", icon=":material/lock:")
        st.button(
            "Reopen the workshop",
            key="reopen_workshop",
            on_click=workshop.guarded,
            args=(feedback.set_workshop_status, current.id, "open"),
        )

# -- live results ----------------------------------------------------------------------------------
TITLES = workshop.page_titles()
SCALES = [q for q in QUESTIONNAIRE if q.kind == "scale5"]


def waiting_proposals(waiting) -> None:
    """Statements people proposed, waiting for the facilitator: shown first, above the results."""
    # A toast: the live part redraws by itself, which would wipe a message in the page.
    workshop.show_notice("statements", toast=True)
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
                on_click=workshop.guarded,
                args=(feedback.approve_statement, item.id),
                kwargs={"notice": "statements"},
            )
            row.button(
                "Reject: remove it",
                key=f"reject_{item.id}",
                on_click=workshop.guarded,
                args=(feedback.reject_statement, item.id),
                kwargs={"success": workshop.MSG_REJECTED, "notice": "statements"},
            )


def live_results(workshop_id: int) -> None:
    """The room's answers so far. Drawn again only when the workshop's data changed
    (``workshop.watch_for_changes``), so nothing flickers while nothing happens."""
    workshop.mark_drawn("live", workshop_id)
    try:
        summary = feedback.live_summary(engine, workshop_id)
        results = feedback.statement_results(engine, workshop_id)
        waiting = [s for s in feedback.list_statements(engine, workshop_id, approved_only=False) if not s.approved]
    except feedback.StoreUnavailable:
        st.warning(workshop.MSG_STORE_DOWN)
        return
    st.header("Live results", anchor=False)
    st.caption(workshop.LIVE_NOTE)
    waiting_proposals(waiting)

    people = summary["participants_by_role"]
    left, right = st.columns(2)
    with left:
        chart.show(
            charts.participants_figure(people),
            key="fig_people",
            summary=charts.participants_summary(people),
        )
    with right:
        reactions = summary["reactions_by_page"]
        chart.show(
            charts.reactions_figure(reactions, TITLES),
            key="fig_reactions",
            summary=charts.reactions_summary(reactions, TITLES),
        )

    thresholds = summary["accepted_thresholds"]
    chart.show(
        charts.thresholds_figure(thresholds, feedback.ROLE_TAGS),
        key="fig_thresholds",
        summary=charts.thresholds_summary(thresholds),
    )

    scale = summary["scale_by_role"]
    for question in SCALES:
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
            workshop.statement_table(results, for_markdown=True),
            hide_index=True,
            alt="How the room voted on each statement",
        )

    st.subheader("What people wrote", anchor=False)
    free_text = summary["free_text"]
    if free_text.empty:
        st.markdown("Nothing written yet.")
    else:
        # A static table, so every answer is shown in full (wrapped), never cut off.
        st.table(workshop.free_text_table(free_text), hide_index=True, alt="What people wrote")


live_results(current.id)
workshop.watch_for_changes("live", current.id)

# -- downloads ---------------------------------------------------------------------------------------
st.header("Download the answers", anchor=False)
st.caption(
    "The spreadsheet is safe to open: no cell can run a formula. The report is one file that "
    "opens in any browser without the internet."
)
stem = f"workshop-{current.code}"
# One row that wraps: a narrow screen puts the buttons under each other, never cutting a label.
downloads = st.container(horizontal=True)
downloads.download_button(
    "Answers (CSV spreadsheet)",
    data=lambda: feedback.responses_csv(feedback.responses(engine, current.id)),
    file_name=f"{stem}-answers.csv",
    mime="text/csv",
    key="dl_csv",
    icon=":material/download:",
    on_click="ignore",
)
downloads.download_button(
    "Everything (JSON)",
    data=lambda: feedback.workshop_json(engine, current.id),
    file_name=f"{stem}.json",
    mime="application/json",
    key="dl_json",
    icon=":material/download:",
    on_click="ignore",
)
downloads.download_button(
    "Report (HTML)",
    data=lambda: feedback.workshop_report_html(engine, current.id, page_titles=TITLES),
    file_name=f"{stem}-report.html",
    mime="text/html",
    key="dl_html",
    icon=":material/download:",
    on_click="ignore",
)

# -- erase -----------------------------------------------------------------------------------------
st.header("Delete answers", anchor=False)
with st.expander("Delete one person's answers"):
    try:
        people = {p.id: p for p in feedback.list_participants(engine, current.id)}
    except feedback.StoreUnavailable:
        people = {}
        st.warning(workshop.MSG_STORE_DOWN)
    if not people:
        st.markdown("No one has joined this workshop.")
    else:
        who = st.selectbox(
            "Who",
            list(people),
            format_func=lambda i: f"{people[i].pseudonym} ({people[i].role_tag})",
            key="erase_who",
        )
        st.caption(workshop.erasure_note())
        sure = st.checkbox("Yes, delete everything this person saved", key="erase_who_sure")
        st.button(
            "Delete this person's answers",
            key="erase_participant",
            disabled=not sure,
            on_click=workshop.guarded,
            args=(feedback.erase_participant, who),
            kwargs={"success": workshop.MSG_ERASED_PARTICIPANT},
        )

with st.expander("Delete the whole workshop"):
    st.markdown(
        "This deletes the workshop, everyone in it and all their answers. It cannot be undone. "
        "Download what you need first."
    )
    st.caption(workshop.erasure_note())
    typed = st.text_input(f"Type the code {current.code} to confirm", key="erase_code", max_chars=12)
    st.button(
        "Delete the whole workshop",
        key="erase_workshop",
        type="primary",
        disabled=feedback.normalise_code(typed or "") != current.code,
        on_click=workshop.guarded,
        args=(feedback.erase_workshop, current.id),
        kwargs={"success": workshop.MSG_ERASED_WORKSHOP},
    )
