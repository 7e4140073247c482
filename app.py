"""csc-dash: the composition root. Builds the page list for this session and runs the page."""

from __future__ import annotations

import streamlit as st

from csc_dash.ui import loaders, navigation, shell, state

st.set_page_config(
    page_title="csc-dash",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="expanded",
)
state.init()

page = st.navigation(navigation.build(roles=frozenset(), demo_mode=True))
shell.sidebar(loaders.current_cohort())
page.run()
