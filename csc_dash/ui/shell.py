"""What every page shares: the title line, the synthetic-data notice and the sidebar controls."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from csc_dash import markup
from csc_dash.cohort import ScoredCohort
from csc_dash.content.tools import PLAIN_MODEL_NAMES
from csc_dash.synthetic import BIAS_LEVELS
from csc_dash.ui import loaders, navigation, state
from csc_dash.ui.components import menu_closer

#: The browser tab's icon: a file served by the app itself, so a page load asks no other host.
ICON = Path(__file__).resolve().parent / "static" / "icon.png"

APP_TITLE = "csc-dash: talking about prediction tools in children's social care"
SYNTHETIC_NOTICE = (
    "All case data here are **made up** (synthetic). No real child or family is shown."
)
UPLOAD_NOTICE = (
    "You are looking at an uploaded test set. It stays in this browser tab only and is never saved."
)
BIAS_LABELS = {
    "none": "None: every family's need is written down the same",
    "moderate": "Some: need in families services see more is written down more",
    "strong": "A lot: need in families services see more is written down far more",
}
VIEW_LABELS = {"plain": "Plain words", "analyst": "All the numbers"}



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


def model_name(cohort: ScoredCohort, model: str, *, analyst: bool | None = None) -> str:
    """A tool's raw name: the plain name of a sample tool in plain view, else the cohort's name
    (an uploaded file names its own tools). Sentence builders and charts escape it themselves."""
    if analyst is None:
        analyst = analyst_view()
    if cohort.source == "sample" and not analyst and model in PLAIN_MODEL_NAMES:
        return PLAIN_MODEL_NAMES[model]
    return cohort.model_labels.get(model, model)


def model_label(cohort: ScoredCohort, model: str) -> str:
    """A tool's name, ready for Markdown (``st.markdown``, captions, metric and widget labels).

    An uploaded file names its own tools, so the name is escaped to show as typed; the sample's
    names read the same either way. Charts take the raw :func:`model_name` instead (their
    builders escape it for plotly).
    """
    return markup.markdown_text(model_name(cohort, model))


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
            # Names fixed in this run (the view decides them); radio options render Markdown.
            format_func={m: model_label(cohort, m) for m in models}.get,
            **state.bound(state.MODEL, options=models),
            help="The same referrals, scored three ways. The rule is what many councils do now.",
        )
        st.radio(
            "How much detail?",
            list(VIEW_LABELS),
            format_func=VIEW_LABELS.get,
            **state.bound(state.VIEW, options=VIEW_LABELS),
            horizontal=True,
        )
        if cohort.source == "sample":
            # Radio buttons, not a drop-down: a drop-down's box showed "Some: need in families
            # services s" and cut the rest, on every page and screen width.
            st.radio(
                "Bias in what gets recorded",
                list(BIAS_LEVELS),
                format_func=BIAS_LABELS.get,
                **state.bound(state.BIAS, options=BIAS_LEVELS),
                help=(
                    "In this made-up world we know which children truly needed help. Some families "
                    "are seen more by services, so their need is written down more often."
                ),
            )
        st.page_link("app_pages/glossary.py", label="Glossary: what the words mean", icon=":material/menu_book:")
        st.caption(SYNTHETIC_NOTICE if cohort.source == "sample" else UPLOAD_NOTICE)


#: Shown over the page while the app cannot reach its server (Streamlit's own words were "Are
#: you connected to the internet?" over a grey page). Plain CSS text: no user text goes in.
OFFLINE_TITLE = "The app has lost touch with its server for a moment."
OFFLINE_BODY = (
    "Answers already marked saved are safe. Please wait: this page will come back by itself. "
    "An answer you had not saved yet may need saving again."
)
#: A keyboard user sees where they are: a thick ring on the focused link or control, drawn
#: differently from the grey fill that marks the page you are on.
_FOCUS_CSS = """
[data-testid="stSidebar"] a:focus-visible,
[data-testid="stMain"] a:focus-visible {
  outline: 3px solid #0072B2 !important;
  outline-offset: 2px !important;
  box-shadow: 0 0 0 5px #ffffff !important;
  text-decoration: underline !important;
}
"""


#: A list to pick several from keeps its height when it loses focus. Streamlit draws its typing
#: box on a line of its own while the list has focus and squeezes it beside the last chip when
#: it has not, so the list shrank by a line at the press of the button below it: the button
#: moved out from under the pointer between press and release, and a form's "Save" did nothing
#: on the first click (found linking a long saved view to a decision). The typing box keeps its
#: own line, focused or not: no jump, and a box wide enough to tap (axe target-size).
_STEADY_MULTISELECT_CSS = """
[data-testid="stMultiSelectTagsContainer"] input {
  min-width: 100% !important;
}
"""


#: The chosen answer of a set of buttons (a vote, "Low / Medium / High") is told by more than
#: a pale tint (about 1.1:1 against the others, below WCAG 1.4.11's 3:1, and a colour only):
#: a 2 px ring in the controls' blue (5.3:1 on white), bold words and a tick. The tick has empty
#: alternative text, so a screen reader still hears "Agree, selected", not "tick Agree".
_CHOSEN_CSS = """
[data-testid="stButtonGroup"] button[aria-checked="true"] {
  box-shadow: inset 0 0 0 2px #0072B2 !important;
}
[data-testid="stButtonGroup"] button[aria-checked="true"] p {
  font-weight: 700 !important;
}
[data-testid="stButtonGroup"] button[aria-checked="true"] p::before {
  content: "\\2713\\00a0" / "";
}
"""


def _offline_css() -> str:
    def css_text(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"')

    return f"""
[data-testid="stApp"][data-test-connection-state="PINGING_SERVER"]::before,
[data-testid="stApp"][data-test-connection-state="DISCONNECTED_FOREVER"]::before {{
  content: "{css_text(OFFLINE_TITLE)}\\A \\A {css_text(OFFLINE_BODY)}";
  white-space: pre-wrap;
  position: fixed; z-index: 1000100; left: 50%; top: 30%; transform: translateX(-50%);
  width: min(36rem, 90vw); box-sizing: border-box; padding: 1.5rem;
  background: #ffffff; color: #111111; border: 3px solid #0072B2; border-radius: 0.75rem;
  font-size: 1.15rem; line-height: 1.5; box-shadow: 0 4px 24px rgba(0,0,0,0.35);
}}
body:has([data-testid="stApp"][data-test-connection-state="PINGING_SERVER"]) [data-testid="stDialog"],
body:has([data-testid="stApp"][data-test-connection-state="DISCONNECTED_FOREVER"]) [data-testid="stDialog"] {{
  display: none !important;
}}
"""


def page_frame(page, sections: dict[str, list]) -> None:
    """What every page shares before it runs: the browser title that names the page; the style
    for focus rings, for lists that keep their height, for the chosen answer of a set of
    buttons, and for the words shown when the server is out of reach (in place of Streamlit's
    "Connection error" box, which this style hides while the server is away); and the script
    that closes the side bar on a phone or tablet once a page was picked from it."""
    st.set_page_config(page_title=navigation.browser_title(page.title))
    st.html(f"<style>{_FOCUS_CSS}{_STEADY_MULTISELECT_CSS}{_CHOSEN_CSS}{_offline_css()}</style>")
    menu_closer.close_menu_after_a_page_change(page.title)


def next_link(page, sections: dict[str, list]) -> None:
    """A "Next: <page>" link at the bottom of a page, in workshop order; on the last page, a
    word that it is the end and a link back to the start."""
    pages = {p.title: p for p in navigation.flat(sections)}
    following = navigation.next_title(page.title, list(pages))
    if following is None:
        if page.title == navigation.WORKSHOP_ORDER[-1]:  # the end of the walk: say so
            st.divider()
            st.markdown(navigation.END_NOTE)
            start = navigation.WORKSHOP_ORDER[0]
            st.page_link(pages[start], label=navigation.BACK_TO_START, icon=":material/home:")
        return
    st.divider()
    st.page_link(
        pages[following],
        label=navigation.NEXT_LABEL.format(page=following),
        icon=":material/arrow_forward:",
    )
