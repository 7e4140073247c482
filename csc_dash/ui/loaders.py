"""Cached loaders: the boundary where files become shared, read-only objects.

The sample cohorts are the same for everyone, so they are cached once per process
(``cache_resource``) and must never be mutated. An uploaded cohort belongs to one browser
session and lives only in that session's state, never in a shared cache.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csc_dash import cohort as cohort_mod
from csc_dash import line, metrics
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


@st.cache_resource(max_entries=12, show_spinner=False)
def _sample_average_precision(bias: str, model: str) -> float:
    c = sample_cohort(bias)
    return metrics.average_precision(c.y, c.scores(model))


def average_precision(cohort: cohort_mod.ScoredCohort, model: str) -> float:
    """:func:`csc_dash.metrics.average_precision` of ``model`` (NaN if no referral went on to a
    plan or care): cached per process for the sample, per session for an upload."""
    if cohort.source == "sample":
        return _sample_average_precision(cohort.bias, model)
    cache = st.session_state.setdefault(state.UPLOAD_AP, {})
    owner, value = cache.get(model, (None, None))
    if owner is not cohort:
        y = cohort.y
        value = metrics.average_precision(y, cohort.scores(model)) if y.sum() else float("nan")
        cache[model] = (cohort, value)
    return value


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


@st.cache_resource(max_entries=12, show_spinner=False)
def _sample_steps(bias: str, model: str) -> tuple[line.LineSteps, dict]:
    steps = line.line_steps(_sample_sweep(bias, model))
    return steps, line.client_table(steps)


def line_steps(cohort: cohort_mod.ScoredCohort, model: str) -> tuple[line.LineSteps, dict]:
    """The line's whole steps for ``model`` and the table the browser gets: cached per process
    for the sample, per session (and per cohort object) for an upload."""
    if cohort.source == "sample":
        return _sample_steps(cohort.bias, model)
    cache = st.session_state.setdefault(state.UPLOAD_STEPS, {})
    owner, found = cache.get(model, (None, None))
    if owner is not cohort:
        steps = line.line_steps(sweep(cohort, model))
        found = (steps, line.client_table(steps))
        cache[model] = (cohort, found)
    return found


def current_step(cohort: cohort_mod.ScoredCohort, model: str) -> tuple[line.LineSteps, int, float]:
    """The steps of ``model``'s line, the step the shared line is at, and its score line
    (:func:`csc_dash.line.read_line`: every page reads the line through here).

    Tools with a real score share one line (``state.THRESHOLD``; on first use, the line that
    flags 100 in every 1,000, kept then). A yes/no tool (the current-practice rule, an uploaded
    0/1 flag) is read at its one line and leaves the shared line as it is, so switching back to
    a model gives that model's line again.
    """
    table = sweep(cohort, model)
    steps, _ = line_steps(cohort, model)
    kept = state.get(state.THRESHOLD)
    step, threshold = line.read_line(steps, table, kept)
    if kept is None and not line.is_yes_no(table):
        state.put(state.THRESHOLD, threshold)
    return steps, step, threshold


def current_threshold(cohort: cohort_mod.ScoredCohort, model: str) -> float:
    """The score line every page reads ``model`` at (see :func:`current_step`)."""
    return current_step(cohort, model)[2]
