"""csc-dash: the composition root. Builds the page list for this session and runs the page."""

from __future__ import annotations

import streamlit as st

from csc_dash.ui import accounts, loaders, navigation, shell, state, workshop

st.set_page_config(
    page_title="csc-dash",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="expanded",
)
state.init()
# A participant who reloads (a new session) comes back as themselves from the ?p= link.
workshop.keep_rejoin_link()

# Who is here decides which pages exist: a page not in the list cannot be reached.
session = accounts.gate()
sections = navigation.build(roles=session.roles, demo_mode=session.demo_mode)
if session.login_offered:
    sections.setdefault("Staff", []).append(accounts.sign_in_page())
page = st.navigation(sections)
shell.sidebar(loaders.current_cohort())
page.run()
