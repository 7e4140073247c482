"""Glossary: the words the app uses, in plain words first."""

import streamlit as st

from csc_dash.content.glossary import GLOSSARY
from csc_dash.ui import shell

shell.page_header("Glossary", "What the words on these pages mean.")
analyst = shell.analyst_view()
for term, plain, technical in GLOSSARY:
    st.markdown(f"**{term}**: {plain}")
    if analyst:
        st.caption(f"For analysts: {technical}")
