"""You said, we did: staff record what the council decided and what people said that informed it,
read the log, and change a decision as it moves on.

Only facilitators and admins reach this page (it is not in anyone else's page list). A
facilitator sees only their own workshops; an admin sees all.
"""

import streamlit as st

from csc_dash import workshop
from csc_dash.ui import accounts, shell
from csc_dash.ui.workshop import decision_changes, decisions, session

shell.page_header(
    "You said, we did",
    "Tell the people who took part what became of what they said. Each decision says where it "
    "stands and why. People decide these things; no tool does.",
)

roles, user = accounts.staff_only("This page is for facilitators. Please sign in first.")
current = accounts.pick_staff_workshop(
    roles, user, none_yet="You have no workshops yet. Start one on the Facilitator page."
)
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
decision_changes.change_form(current.id, user)
