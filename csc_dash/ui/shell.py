"""What every page shares: the title line, the synthetic-data notice and the sidebar controls."""

from __future__ import annotations

import streamlit as st

from csc_dash import markup
from csc_dash.cohort import ScoredCohort
from csc_dash.synthetic import BIAS_LEVELS
from csc_dash.ui import loaders, state

APP_TITLE = "csc-dash: talking about prediction tools in children's social care"
SYNTHETIC_NOTICE = (
    "All case data here are **made up** (synthetic). No real child or family is shown."
)
UPLOAD_NOTICE = (
    "You are looking at an uploaded test set. It stays in this browser tab only and is never saved."
)
BIAS_LABELS = {
    "none": "None: every family's need is recorded equally",
    "moderate": "Moderate (the standard world)",
    "strong": "Strong: need in visible families is recorded far more",
}
VIEW_LABELS = {"plain": "Plain words", "analyst": "For analysts"}


def page_header(title: str, lead: str | None = None) -> None:
    """A page's title, one-line lead, and the notice saying where the data come from."""
    st.title(title)
    if lead:
        st.markdown(lead)
    cohort = loaders.current_cohort()
    if cohort.source == "upload":
        st.info(UPLOAD_NOTICE, icon=":material/upload_file:")
    else:
        st.caption(":material/info: " + SYNTHETIC_NOTICE)


def model_label(cohort: ScoredCohort, model: str) -> str:
    """A tool's name, ready for Markdown (``st.markdown``, captions, metric and widget labels).

    An uploaded file names its own tools, so the name is escaped to show as typed; the sample's
    names read the same either way. Charts take the raw ``cohort.model_labels`` name instead
    (their builders escape it for plotly).
    """
    return markup.markdown_text(cohort.model_labels.get(model, model))


def analyst_view() -> bool:
    return state.get(state.VIEW) == "analyst"


def sidebar(cohort: ScoredCohort) -> None:
    """Model picker, plain/analyst switch, bias level (synthetic only) and the glossary link."""
    with st.sidebar:
        st.markdown(f"**{APP_TITLE}**")
        models = list(cohort.models)
        loaders.current_model(cohort)
        st.radio(
            "Which tool?",
            models,
            format_func=lambda m: model_label(cohort, m),  # radio options render Markdown
            **state.bound(state.MODEL),
            help="The same referrals, scored three ways. The rule is what many councils do now.",
        )
        st.radio(
            "How much detail?",
            list(VIEW_LABELS),
            format_func=VIEW_LABELS.get,
            **state.bound(state.VIEW),
            horizontal=True,
        )
        if cohort.source == "sample":
            st.selectbox(
                "Bias in what gets recorded",
                list(BIAS_LEVELS),
                format_func=BIAS_LABELS.get,
                **state.bound(state.BIAS),
                help=(
                    "In this made-up world we know which children truly needed help. Some families "
                    "are more visible to services, so their need is recorded more often."
                ),
            )
        st.page_link("app_pages/glossary.py", label="Glossary: what the words mean", icon=":material/menu_book:")
        st.caption(SYNTHETIC_NOTICE if cohort.source == "sample" else UPLOAD_NOTICE)
