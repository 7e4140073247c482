"""The question: what the tools guess, from what data, how they were tested, and how good a
guess is against guessing at random."""

import streamlit as st

from csc_dash import tradeoffs
from csc_dash.content import question as text
from csc_dash.ui import loaders, save_view, shell
from csc_dash.ui import tradeoffs_widgets as widgets

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
label = shell.model_label(cohort, model)  # Markdown-ready
table = loaders.sweep(cohort, model)

shell.page_header("The question", text.LEAD)

st.subheader("What would the tool guess?")
st.markdown(text.WHAT)

st.subheader("What does it look at?")
if cohort.source == "sample":
    for title, body in text.TOOLS:
        st.markdown(f"**{title}.** {body}")
else:
    st.markdown(
        "You uploaded your own scores, so we do not know what your tools looked at. "
        "The tools in your file are: "
        + ", ".join(shell.model_label(cohort, m) for m in cohort.models)
        + "."
    )
if shell.analyst_view() and cohort.source == "sample":
    st.caption(text.ANALYST_DATA)

st.subheader("How was it tested?")
st.markdown(text.TESTED)
if shell.analyst_view() and cohort.source == "sample":
    st.caption(text.ANALYST_METHOD)

st.subheader("How good is the guess?")
ap = tradeoffs.average_precision_from_table(table)
rate = tradeoffs.base_rate(table)
if ap != ap:
    st.warning("None of these referrals went on to a plan or care, so we cannot say how good the guess is.")
else:
    st.markdown(text.ap_sentence(model_label=label, ap=ap, base_rate=rate))
    interval = widgets.ap_interval(cohort, model)
    if interval is not None:
        st.markdown(text.ap_range_sentence(*interval))
    left, right = st.columns(2)
    left.metric(f"Average precision: {label}", f"{ap:.2f}")
    right.metric("A random guess would get", f"{rate:.2f}")
if shell.analyst_view():
    st.caption(text.AP_ANALYST)

save_view.save_my_view("question", {"model": model})
