"""Welcome: what this is, that every case here is made up, and joining a workshop (or not)."""

import streamlit as st

from csc_dash import auth, tradeoffs
from csc_dash.content import welcome as text
from csc_dash.ui import loaders, shell
from csc_dash.ui.workshop import consent, joining, session

shell.page_header(
    "Welcome",
    "This is a place to talk about computer tools that some councils use to score referrals "
    "to children's social care. You can see what such a tool would get right and wrong, and "
    "who its mistakes fall on. **The tool helps people think. It never decides what happens "
    "to a family.**",
)

cohort = loaders.current_cohort()
facts = cohort.summary()

if cohort.source == "sample":
    st.header("The made-up council", anchor=False)
    st.markdown(
        f"We made up a council with **{facts['referrals']:,} referrals** over the last two years "
        f"of our test period. Of these, **{facts['escalated']:,}** went on to a child protection "
        f"plan or care within a year. That is about **{tradeoffs.per_1000(facts['escalated'], facts['referrals'])} in every "
        "1,000 referrals**."
    )
    st.markdown(
        "Every child and family here was made up by a computer. Their numbers were set to look "
        "like England's published figures, but **no real person's data is used anywhere**."
    )
else:
    st.header("Your uploaded test set", anchor=False)
    st.markdown(
        f"Your file has **{facts['referrals']:,} referrals**, of which **{facts['escalated']:,}** "
        f"had the outcome recorded (about {tradeoffs.per_1000(facts['escalated'], facts['referrals'])} in every 1,000)."
    )

st.header("Taking part", anchor=False)
demo = session.demo_mode()
session.show_notice("withdraw")
session.show_notice("joined")
session.show_notice("next_person")
if session.joined():
    st.success(text.JOINED_NEXT_STEP, icon=":material/arrow_forward:")
    st.page_link("app_pages/question.py", label=text.JOINED_NEXT_LINK, icon=":material/help:")
    joining.withdraw_panel()
else:
    join, back, alone = st.tabs(["Join a workshop", joining.REJOIN_TITLE, "Explore on my own"])
    with join:
        joining.join_panel(demo=demo)
    with back:
        joining.rejoin_panel(demo=demo)
    with alone:
        consent.explore_alone_panel()

if demo:
    with st.expander("Running a workshop?"):
        st.markdown(
            "This copy has no staff accounts, so it runs as a local demo. Every page works, and "
            "answers go to a demo workshop kept on this computer."
        )
        st.markdown(
            "To run a workshop, do three things on the computer that runs the app. Add a "
            "facilitator. Set a secret cookie key. Then start the app again:"
        )
        st.code(auth.SETUP_COMMANDS, language="bash", wrap_lines=True)
