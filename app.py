"""csc-dash: the composition root. Builds the page list for this session and runs the page."""

from __future__ import annotations

from csc_dash.ui import upload_gate

# Close Streamlit's upload endpoint before anything slow: the first run of a process imports for
# seconds, and its session (anyone's) could send files meanwhile (issue 13.2).
upload_gate.install()

import streamlit as st  # noqa: E402

from csc_dash.ui import accounts, loaders, navigation, shell, state, workshop  # noqa: E402

st.set_page_config(
    page_title="csc-dash",
    page_icon=str(shell.ICON),  # a file in the repo: a material icon here was fetched from a font host
    layout="wide",
    # "auto": open on a wide screen, closed on a phone, where it covered most of the page.
    initial_sidebar_state="auto",
)
state.init()
# A local SQLite store is opened at once: that wipes what an erase left in its log (after a crash too).
workshop.session.open_local_store()
# A participant who reloads (a new session) comes back as themselves from the ?p= link.
workshop.keep_rejoin_link()

# Who is here decides which pages exist: a page not in the list cannot be reached.
session = accounts.gate()
sections = navigation.build(
    roles=session.roles, demo_mode=session.demo_mode, joined=workshop.participant() is not None
)
# Staff sign in on a device nobody has joined from: a joined family member's menu is theirs (a
# member of staff on that device presses "Leave this device" or "Next person" first).
if session.login_offered and (session.roles or workshop.participant() is None):
    sections.setdefault("Staff", []).append(accounts.sign_in_page(signed_in=bool(session.roles)))
# One flat list: with sections, Streamlit 1.67 puts <div>s inside the menu's <ul> (invalid list
# markup, axe list/listitem). Workshop order and the "Next" link at each page's foot carry the walk.
page = st.navigation(navigation.flat(sections), expanded=True)
# A facilitator's replay of a saved view: its banner on that page; their own settings back elsewhere.
workshop.replay.follow(page, roles=session.roles)
shell.page_frame(page, sections)
shell.sidebar(loaders.current_cohort())
page.run()
shell.next_link(page, sections)
