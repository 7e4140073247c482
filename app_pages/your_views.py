"""Your views: the questionnaire (skip anything), and agree / disagree / pass statements."""

import streamlit as st

from csc_dash.ui import shell
from csc_dash.ui.workshop import decisions, joining, leaving, question_forms, session, voting

shell.page_header(
    "Your views",
    "These questions follow the three big questions of the ethics review. Answer as many or as "
    "few as you like: **you can skip any question.** Each answer is saved on its own, with the "
    "tool and the line you last looked at.",
)

joined = session.joined()
if not joined:
    joining.join_prompt()
    st.caption(question_forms.MSG_LOCKED + " You can still read the questions.")

question_forms.questionnaire(enabled=joined)
voting.statements_section()
decisions.what_became_of_section()

if joined:  # a shared device: hand it on when done
    leaving.next_person_panel(where="your_views")
