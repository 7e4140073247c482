"""Council readiness: staff fill in the readiness self-assessment for a workshop, and see what
every member of staff said. Only facilitators and admins reach this page."""

import streamlit as st

from csc_dash import workshop
from csc_dash.ui import accounts, shell
from csc_dash.ui.workshop import facilitator, readiness_form, session

shell.page_header(
    "Council readiness",
    "A short form for council staff, kept with the workshop you choose below.",
)

roles = accounts.current_roles()
user = accounts.username()
if not roles & {"facilitator", "admin"} or not user:
    st.error("This page is for council staff. Please sign in first.")
    st.stop()

engine = session.engine()
admin = "admin" in roles
try:
    mine = workshop.list_workshops(engine, created_by=None if admin else user)
except workshop.StoreUnavailable:
    st.warning(session.MSG_STORE_DOWN)
    st.stop()
if not mine:
    st.info("Start a workshop on the Facilitator page first. The form is kept with a workshop.")
    st.stop()

current = facilitator.workshop_picker(mine, show_owner=admin)
readiness_form.readiness_form(current.id, user)
readiness_form.what_staff_said(current.id)
