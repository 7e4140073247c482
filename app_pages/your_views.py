"""Your views: the questionnaire (skip anything), and agree / disagree / pass statements."""

import streamlit as st

from csc_dash.content.questions import QUESTIONNAIRE, TIER_TITLES, TIERS
from csc_dash.ui import save_view, shell, workshop

shell.page_header(
    "Your views",
    "These questions follow the three big questions of the ethics review. Answer as many or as "
    "few as you like: **you can skip any question.** Each answer is saved on its own, with the "
    "tool and the line you last looked at.",
)

joined = workshop.joined()
if not joined:
    save_view.join_prompt()
    st.caption(workshop.MSG_LOCKED + " You can still read the questions.")

answers = workshop.latest_answers() if joined else {}
screen = workshop.screen_state()
for tier in TIERS:
    questions = [q for q in QUESTIONNAIRE if q.tier == tier]
    if not questions:
        continue
    st.header(TIER_TITLES[tier], anchor=False)
    for question in questions:
        key = (workshop.YOUR_VIEWS, question.id)
        workshop.question_form(
            question, answers.get(key), screen, enabled=joined, answered=key in answers
        )

workshop.statements_section()
