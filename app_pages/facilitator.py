"""Facilitator: workshops, the join code, live results, downloads, and erasing answers.

Only facilitators and admins reach this page (it is not in anyone else's page list). A
facilitator sees only their own workshops; an admin sees all.
"""

import streamlit as st

from csc_dash import workshop
from csc_dash.ui import accounts, shell, state
from csc_dash.ui.workshop import facilitator, joining, live, replay, room_lines, session

shell.page_header(
    "Facilitator",
    "Start a workshop, show its code to the room, watch answers arrive, and download them for "
    "your report. Answers are shown as people typed them.",
)

roles, user = accounts.staff_only("This page is for facilitators. Please sign in first.")

engine = session.engine()
admin = "admin" in roles
session.show_notice("facilitator")

# -- pick or start a workshop --------------------------------------------------------------------
try:
    mine = workshop.list_workshops(engine, created_by=None if admin else user)
except workshop.StoreUnavailable:
    st.warning(session.MSG_STORE_DOWN)
    st.stop()

with st.expander("Start a new workshop", expanded=not mine, icon=":material/add:"):
    with st.form("new_workshop", border=False):
        title = st.text_input(
            "Title", max_chars=workshop.MAX_TITLE, placeholder="For example: Parents' group, 12 May"
        )
        created = st.form_submit_button("Start the workshop", type="primary")
    if created:
        try:
            new = workshop.create_workshop(engine, title=title, created_by=user)
        except (workshop.FeedbackError, workshop.StoreUnavailable) as exc:
            st.error(str(exc))
        else:
            state.put(state.WORKSHOP_PICK, new.id)
            st.rerun()

if not mine:
    st.info("You have no workshops yet. Start one above.")
    st.stop()

current = facilitator.workshop_picker(mine, show_owner=admin)

# -- the join code, and open / closed ------------------------------------------------------------
code_col, status_col = st.columns([3, 2], vertical_alignment="center")
with code_col:
    st.markdown("**Join code** (people type it on the Welcome page)")
    facilitator.join_code_banner(current.code)
with status_col:
    if current.status == "open":
        st.success("Open: people can join.", icon=":material/lock_open:")
        st.button(
            "Close the workshop",
            key="close_workshop",
            on_click=facilitator.guarded,
            args=(workshop.set_workshop_status, current.id, "closed"),
            help="No one new can join. Answers already saved are kept.",
        )
    else:
        st.info("Closed: no one new can join.", icon=":material/lock:")
        st.button(
            "Reopen the workshop",
            key="reopen_workshop",
            on_click=facilitator.guarded,
            args=(workshop.set_workshop_status, current.id, "open"),
        )

# -- live results (drawn again only when something changed) ----------------------------------------
TITLES = facilitator.page_titles()
facilitator.live_results(current.id)
live.watch_for_changes("live", current.id)

# -- the room's lines by role, agreement across groups (issue 17.3) ---------------------------------
room_lines.room_lines_section(current.id)
# -- saved views: show one on the projector, just as it was saved (issue 17.2) ------------------------
replay.saved_views_section(current.id)

# -- downloads ---------------------------------------------------------------------------------------
st.header("Download the answers", anchor=False)
st.caption(
    "The spreadsheet is safe to open: no cell can run a formula. The report is one file that "
    "opens in any browser without the internet."
)
stem = f"workshop-{current.code}"
# Read now: a download may run outside this page's run. The lines' meaning per 1,000 in every
# export is the one on this screen, with this tool.
counts_at, tool = room_lines.counts_in_force(), room_lines.tool_in_force()
# One row that wraps: a narrow screen puts the buttons under each other, never cutting a label.
downloads = st.container(horizontal=True)
downloads.download_button(
    "Answers (CSV spreadsheet)",
    data=lambda: workshop.responses_csv(workshop.responses(engine, current.id)),
    file_name=f"{stem}-answers.csv",
    mime="text/csv",
    key="dl_csv",
    icon=":material/download:",
    on_click="ignore",
)
downloads.download_button(
    "The room's lines (CSV spreadsheet)",
    data=lambda: workshop.room_lines_csv(engine, current.id, counts_at=counts_at, tool=tool),
    file_name=f"{stem}-room-lines.csv",
    mime="text/csv",
    key="dl_room_csv",
    icon=":material/download:",
    on_click="ignore",
)
downloads.download_button(
    "Everything (JSON)",
    data=lambda: workshop.workshop_json(engine, current.id, counts_at=counts_at, tool=tool),
    file_name=f"{stem}.json",
    mime="application/json",
    key="dl_json",
    icon=":material/download:",
    on_click="ignore",
)
downloads.download_button(
    "Report (HTML)",
    data=lambda: workshop.workshop_report_html(
        engine, current.id, page_titles=TITLES, counts_at=counts_at, tool=tool
    ),
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
        people = {p.id: p for p in workshop.list_participants(engine, current.id)}
    except workshop.StoreUnavailable:
        people = {}
        st.warning(session.MSG_STORE_DOWN)
    if not people:
        st.markdown("No one has joined this workshop.")
    else:
        who = st.selectbox(
            "Who",
            list(people),
            format_func=lambda i: f"{people[i].pseudonym} ({people[i].role_tag})",
            key="erase_who",
        )
        st.caption(facilitator.erasure_note())
        sure = st.checkbox("Yes, delete everything this person saved", key="erase_who_sure")
        st.button(
            "Delete this person's answers",
            key="erase_participant",
            disabled=not sure,
            on_click=facilitator.guarded,
            args=(workshop.erase_participant, who),
            kwargs={"success": facilitator.MSG_ERASED_PARTICIPANT},
        )

with st.expander("Delete the whole workshop"):
    st.markdown(
        "This deletes the workshop, everyone in it and all their answers. It cannot be undone. "
        "Download what you need first."
    )
    st.caption(facilitator.erasure_note())
    typed = st.text_input(
        f"Type the code {current.code} to confirm",
        key="erase_code",
        max_chars=joining.CODE_BOX_CHARS,
    )
    st.button(
        "Delete the whole workshop",
        key="erase_workshop",
        type="primary",
        disabled=workshop.normalise_code(typed or "") != current.code,
        on_click=facilitator.guarded,
        args=(workshop.erase_workshop, current.id),
        kwargs={"success": facilitator.MSG_ERASED_WORKSHOP},
    )
