"""Cached loaders: the boundary where files become shared, read-only objects.

The sample cohorts are the same for everyone, so they are cached once per process
(``cache_resource``) and must never be mutated. An uploaded cohort belongs to one browser
session and lives only in that session's state, never in a shared cache.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csc_dash import cohort as cohort_mod
from csc_dash import metrics
from csc_dash.ui import state


@st.cache_resource(max_entries=3, show_spinner=False)
def sample_cohort(bias: str) -> cohort_mod.ScoredCohort:
    return cohort_mod.load_sample_cohort(bias)


@st.cache_resource(max_entries=3, show_spinner=False)
def sample_referrals(bias: str) -> pd.DataFrame:
    return cohort_mod.load_sample_referrals(bias)


@st.cache_resource(max_entries=3, show_spinner=False)
def structured_model(bias: str):
    return cohort_mod.load_structured_model(bias)


@st.cache_resource(max_entries=1, show_spinner=False)
def council_population() -> pd.DataFrame:
    return cohort_mod.load_council_population()


@st.cache_resource(max_entries=12, show_spinner=False)
def _sample_sweep(bias: str, model: str) -> pd.DataFrame:
    c = sample_cohort(bias)
    return metrics.threshold_table(c.y, c.scores(model))


def current_cohort() -> cohort_mod.ScoredCohort:
    """The cohort every evidence page reads: this session's upload, else the synthetic sample."""
    upload = state.get(state.UPLOAD)
    if upload is not None:
        return upload
    return sample_cohort(state.get(state.BIAS))


def current_model(cohort: cohort_mod.ScoredCohort) -> str:
    """The chosen model, falling back to the cohort's first when the choice does not exist."""
    model = state.get(state.MODEL)
    if model not in cohort.score_columns:
        model = cohort.models[0]
        state.put(state.MODEL, model)
    return model


def sweep(cohort: cohort_mod.ScoredCohort, model: str) -> pd.DataFrame:
    """Every threshold for one model: cached per process for the sample, per session for uploads."""
    if cohort.source == "sample":
        return _sample_sweep(cohort.bias, model)
    # Keyed by model, and kept only while it belongs to this very cohort object (a new upload,
    # even one that reuses a freed object's id, never sees an old sweep).
    cache = st.session_state.setdefault("csc_upload_sweeps", {})
    owner, table = cache.get(model, (None, None))
    if owner is not cohort:
        table = metrics.threshold_table(cohort.y, cohort.scores(model))
        cache[model] = (cohort, table)
    return table


def current_threshold(cohort: cohort_mod.ScoredCohort, model: str) -> float:
    """The line to read ``model`` at.

    Tools with a real score share one line (``state.THRESHOLD``; on first use, the line that flags
    the top 10% of referrals). A yes/no tool (the current-practice rule, an uploaded 0/1 flag) has
    one line of its own and leaves the shared line as it is, so switching back to a model gives
    that model's line again.
    """
    from csc_dash import tradeoffs

    table = sweep(cohort, model)
    if tradeoffs.is_yes_no(table):
        return tradeoffs.yes_no_threshold(table)
    t = state.get(state.THRESHOLD)
    if t is None:
        t = tradeoffs.threshold_for_top_share_from_table(table, 0.10)
        state.put(state.THRESHOLD, t)
    return float(t)
