"""Streamlit pieces shared by The question, Trade-offs and Who is flagged or missed.

Only caching and small callbacks live here; every figure is computed in ``csc_dash``.
"""

from __future__ import annotations

import streamlit as st

from csc_dash import line, metrics, tradeoffs, vignettes
from csc_dash.cohort import ScoredCohort
from csc_dash.content import tradeoff_words
from csc_dash.ui import loaders, shell, state, workshop

#: Above this many referrals an uploaded cohort gets no bootstrap interval (it would be slow).
BOOTSTRAP_MAX_ROWS = 200_000
N_BOOT = 200
#: This session's upload's intervals: {(cohort id, model): interval}; named so that
#: ``accounts.forget_staff_work`` drops it with the upload's sweeps.
UPLOAD_AP_INTERVALS = "csc_upload_sweeps_ap_intervals"


@st.cache_resource(max_entries=12, show_spinner=False)
def _sample_ap_interval(bias: str, model: str) -> tuple[float, float]:
    c = loaders.sample_cohort(bias)
    return metrics.bootstrap_interval(
        metrics.average_precision, c.y, c.scores(model), n_boot=N_BOOT, random_state=0
    )


def ap_interval(cohort: ScoredCohort, model: str) -> tuple[float, float] | None:
    """95% bootstrap interval of average precision; ``None`` for very large uploads."""
    if cohort.source == "sample":
        return _sample_ap_interval(cohort.bias, model)
    if len(cohort) > BOOTSTRAP_MAX_ROWS:
        return None
    cache = st.session_state.setdefault(UPLOAD_AP_INTERVALS, {})
    key = (id(cohort), model)
    if key not in cache:
        if len(cache) > 8:
            cache.clear()
        cache[key] = metrics.bootstrap_interval(
            metrics.average_precision, cohort.y, cohort.scores(model), n_boot=N_BOOT, random_state=0
        )
    return cache[key]


def set_threshold(value: float) -> None:
    """``on_click`` callback: move the shared line (every page reads it)."""
    state.put(state.THRESHOLD, float(value))


def use_line_button(counts, threshold: float, *, key: str) -> None:
    """A "Flag 95 in every 1,000" button that moves the shared line to ``threshold`` (``counts``:
    the people there, :func:`csc_dash.tradeoffs.people_counts`)."""
    st.button(
        tradeoff_words.line_button_label(counts),
        key=key,
        help=tradeoff_words.line_button_help(counts),
        on_click=set_threshold,
        args=(threshold,),
        icon=":material/tune:",
    )


def show_other_children() -> None:
    """``on_click`` callback: draw a different set of children (the next seed)."""
    state.put(state.CHILD_SEED, int(state.get(state.CHILD_SEED)) + 1)
    state.put(state.SELECTED_CHILD, None)


def filter_key(column: str) -> str:
    """Widget key of one filter on 'Who is flagged or missed'."""
    return f"{state.CHILD_FILTER}_{column}"


# -- the plain line (components v2) -------------------------------------------------------------


def line_words(cohort: ScoredCohort, model: str) -> str:
    """The shared line in plain words, for a page that shows it ("the line flags 95 in every
    1,000 referrals")."""
    steps, step, _ = loaders.current_step(cohort, model)
    return line.line_words(steps, step)


def on_line_step(key: str, thresholds) -> None:
    """``on_step_change`` of the line component: move the shared line to the settled step."""
    value = st.session_state.get(key)
    step = value.get("step") if hasattr(value, "get") else getattr(value, "step", None)
    if step is None:
        return
    step = min(max(int(step), 0), len(thresholds) - 1)
    state.put(state.THRESHOLD, float(thresholds[step]))
    # Only the fragment reruns after a settle (app.py does not), so keep the joined person's
    # line in the store now: a reload straight after still finds it.
    workshop.sync_settings()


def open_story_of_kind(cohort: ScoredCohort, model: str, kind: str | None) -> bool:
    """Pick a made-up child of ``kind`` among those 'Who is flagged or missed' shows, clear its
    filters, and say whether one was found (the page then switches to it)."""
    if kind not in tradeoffs.KIND_ORDER:
        return False
    threshold = loaders.current_threshold(cohort, model)
    kinds = tradeoffs.assign_kinds(cohort.y, cohort.scores(model), threshold)
    positions = vignettes.choose_children(kinds, n=100, seed=int(state.get(state.CHILD_SEED)))
    grid = vignettes.child_grid(positions, kinds, vignettes.referral_ids(cohort.frame), columns=10)
    match = grid[grid["kind"] == kind]
    if len(match) == 0:
        return False
    for name in list(st.session_state):
        if str(name).startswith(f"{state.CHILD_FILTER}_"):
            st.session_state[name] = []
    state.put(state.SELECTED_CHILD, match["referral_id"].iloc[0])
    return True


def line_caption(cohort: ScoredCohort, model: str, label: str) -> str:
    """The caption under a page's title that says which tool and which line it shows: in
    plain words, with the score line only in the analyst view. ``label`` is Markdown-ready."""
    text = f"Tool: **{label}**. Now {line_words(cohort, model)} (move it on the Trade-offs page)."
    if shell.analyst_view():
        text += f" Score line: {loaders.current_threshold(cohort, model):.4f}."
    return text
