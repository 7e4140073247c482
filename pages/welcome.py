"""Welcome: what this is, and that every case here is made up."""

import streamlit as st

from csc_dash.ui import loaders, shell

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
    st.subheader("The made-up council")
    st.markdown(
        f"We made up a council with **{facts['referrals']:,} referrals** over the last two years "
        f"of our test period. Of these, **{facts['escalated']:,}** went on to a child protection "
        f"plan or care within a year. That is about **{facts['escalated_per_1000']:.0f} in every "
        "1,000 referrals**."
    )
    st.markdown(
        "Every child and family here was made up by a computer. Their numbers were set to look "
        "like England's published figures, but **no real person's data is used anywhere**."
    )
else:
    st.subheader("Your uploaded test set")
    st.markdown(
        f"Your file has **{facts['referrals']:,} referrals**, of which **{facts['escalated']:,}** "
        f"had the outcome recorded (about {facts['escalated_per_1000']:.0f} in every 1,000)."
    )
