"""Staff sign-in: facilitators, analysts and admins. Participants never need an account."""

import streamlit as st

from csc_dash.ui import accounts, shell
from csc_dash.ui.workshop.session import plain

shell.page_header(
    accounts.ACCOUNT_TITLE if accounts.signed_in() else accounts.SIGN_IN_TITLE,
    "This page is for the people running a workshop. If you are taking part, you do not need "
    "to sign in: join with the code on the Welcome page.",
)

already = accounts.signed_in()
if accounts.login_form() and already:
    st.success(f"{accounts.MSG_SIGNED_IN} Welcome, {plain(st.session_state.get('name') or '')}.")
    roles = accounts.current_roles()
    if roles & {"facilitator", "admin"}:
        st.page_link(
            "app_pages/facilitator.py",
            label="Open the Facilitator page",
            icon=":material/co_present:",
        )
    st.caption("Use Sign out in the side bar when you are done, above all on a shared computer.")
elif accounts.signed_in():
    # Signed in during this run: the menu is rebuilt on the next run.
    st.success(f"{accounts.MSG_SIGNED_IN} Welcome, {plain(st.session_state.get('name') or '')}.")
    st.button("Continue", key="sign_in_continue", type="primary")
