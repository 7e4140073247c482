"""You said, we did: staff record what the council decided and what people said that informed it.

Only facilitators and admins reach this page (it is not in anyone else's page list). A
facilitator sees only their own workshops; an admin sees all.
"""

import streamlit as st

from csc_dash import workshop
from csc_dash.ui import accounts, shell
from csc_dash.ui.workshop import decisions, facilitator, session

shell.page_header(
    "You said, we did",
    "Tell the people who took part what became of what they said. Each decision says where it "
    "stands and why. People decide these things; no tool does.",
)

roles = accounts.current_roles()
user = accounts.username()
if not roles & {"facilitator", "admin"} or not user:
    st.error("This page is for facilitators. Please sign in first.")
    st.stop()

try:
    mine = workshop.list_workshops(session.engine(), created_by=None if "admin" in roles else user)
except workshop.StoreUnavailable:
    st.warning(session.MSG_STORE_DOWN)
    st.stop()
if not mine:
    st.info("You have no workshops yet. Start one on the Facilitator page.")
    st.stop()

current = facilitator.workshop_picker(mine, show_owner="admin" in roles)
decisions.record_form(current.id, user)
decisions.decision_log_table(current.id)
st.download_button(
    "Decisions (CSV spreadsheet)",
    data=lambda: workshop.decisions_csv(session.engine(), current.id),
    file_name=f"workshop-{current.code}-decisions.csv",
    mime="text/csv",
    key="dl_decisions_csv",
    icon=":material/download:",
    on_click="ignore",
)
