"""Streamlit pieces shared by The question, Trade-offs and Who is flagged or missed.

Only caching and small callbacks live here; every figure is computed in ``csc_dash``.
"""

from __future__ import annotations

import streamlit as st

from csc_dash import metrics
from csc_dash.cohort import ScoredCohort
from csc_dash.ui import loaders, state

#: Above this many referrals an uploaded cohort gets no bootstrap interval (it would be slow).
BOOTSTRAP_MAX_ROWS = 200_000
N_BOOT = 200


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
    cache = st.session_state.setdefault("csc_upload_ap_intervals", {})
    key = (id(cohort), model)
    if key not in cache:
        if len(cache) > 8:
            cache.clear()
        cache[key] = metrics.bootstrap_interval(
            metrics.average_precision, cohort.y, cohort.scores(model), n_boot=N_BOOT, random_state=0
        )
    return cache[key]


def current_line(cohort: ScoredCohort, model: str, table) -> float:
    """The line to read ``model`` at, without clobbering the line the other tools share.

    A yes/no tool (the current-practice rule, an uploaded 0/1 flag) has one line of its own,
    and the shared line in ``state.THRESHOLD`` is left as it is, so switching back to a model
    gives that model's line again. Any other tool reads the shared line (first set to flag
    the top 10%), kept inside the slider's ends.
    """
    from csc_dash import tradeoffs

    if tradeoffs.is_yes_no(table):
        return tradeoffs.yes_no_threshold(table)
    return tradeoffs.line_for(table, loaders.current_threshold(cohort, model))


def set_threshold(value: float) -> None:
    """``on_click`` callback: move the shared line (every page reads it)."""
    state.put(state.THRESHOLD, float(value))


def set_threshold_from_share(table) -> None:
    """``on_click`` callback of the 'flag the top N%' button."""
    from csc_dash import tradeoffs

    share = float(state.get(state.TOP_SHARE)) / 100.0
    state.put(state.THRESHOLD, tradeoffs.threshold_for_top_share_from_table(table, share))


def show_other_children() -> None:
    """``on_click`` callback: draw a different set of children (the next seed)."""
    state.put(state.CHILD_SEED, int(state.get(state.CHILD_SEED)) + 1)
    state.put(state.SELECTED_CHILD, None)


def filter_key(column: str) -> str:
    """Widget key of one filter on 'Who is flagged or missed'."""
    return f"{state.CHILD_FILTER}_{column}"
