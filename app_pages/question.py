"""The question: what the tools guess, from what data, how they were tested, and how good a
guess is against guessing at random."""

import streamlit as st

from csc_dash import tradeoffs
from csc_dash.content import the_question as text
from csc_dash.content import tradeoff_words
from csc_dash.ui import loaders, shell
from csc_dash.ui import tradeoffs_widgets as widgets
from csc_dash.ui.workshop import save_view

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
name = shell.model_name(cohort, model)  # raw: the sentence builders escape it
table = loaders.sweep(cohort, model)

shell.page_header("The question", text.LEAD)

st.header("What would the tool guess?", anchor=False)
st.markdown(text.WHAT)

st.header("What does it look at?", anchor=False)
if cohort.source == "sample":
    for key, (_, body) in zip(text.TOOL_KEYS, text.TOOLS, strict=True):
        st.markdown(f"**{shell.model_label(cohort, key)}.** {body}")
else:
    st.markdown(
        "You uploaded your own scores, so we do not know what your tools looked at. "
        "The tools in your file are: "
        + ", ".join(shell.model_label(cohort, m) for m in cohort.models)
        + "."
    )
if shell.analyst_view() and cohort.source == "sample":
    st.caption(text.ANALYST_DATA)

st.header("How was it tested?", anchor=False)
st.markdown(text.TESTED)
if shell.analyst_view() and cohort.source == "sample":
    st.caption(text.ANALYST_METHOD)

st.header("How good is the guess?", anchor=False)
ap = loaders.average_precision(cohort, model)
rate = tradeoffs.base_rate(table)
if ap != ap:
    st.warning(
        "None of these referrals went on to a plan or care, so we cannot say how good the guess is."
    )
else:
    analyst = shell.analyst_view()
    random_per_1000 = tradeoffs.escalated_per_1000(table)
    st.markdown(
        text.ap_sentence(
            model_name=name,
            ap=ap,
            base_rate=rate,
            escalated_per_1000=random_per_1000,
            analyst=analyst,
        )
    )
    interval = widgets.ap_interval(cohort, model)
    if interval is not None:
        st.markdown(text.ap_range_sentence(*interval, analyst=analyst))
    left, right = st.columns(2)
    # Short labels: a tablet's half-width column cuts a long one (the tool is named above).
    # Whole people in every 1,000 for a family; the figures themselves in the analyst view.
    left.metric(
        text.METRIC_ANALYST if analyst else text.METRIC_THIS_TOOL,
        f"{ap:.2f}" if analyst else f"{tradeoffs.share_per_1000(ap):,}",
        help=f"Of {tradeoff_words.tool_phrase(name)}.",
    )
    right.metric(
        text.METRIC_RANDOM_ANALYST if analyst else text.METRIC_RANDOM,
        f"{rate:.2f}" if analyst else f"{random_per_1000:,}",
    )
if shell.analyst_view():
    st.caption(text.AP_ANALYST)

save_view.save_my_view("question", {"model": model})
