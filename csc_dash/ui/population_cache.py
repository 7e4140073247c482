"""Cached loaders for the Root causes page: the council tables and the cohort's gradients.

The tables are the same for everyone and never mutated, so they are cached once per process.
Filtering (a year, a council, a rate) happens outside the cache.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csc_dash import council_table, neighbourhoods
from csc_dash.ui import loaders


@st.cache_resource(max_entries=1, show_spinner=False)
def councils() -> pd.DataFrame:
    return council_table.load_councils()


@st.cache_resource(max_entries=1, show_spinner=False)
def england() -> pd.DataFrame:
    return council_table.load_england()


@st.cache_resource(max_entries=3, show_spinner=False)
def cohort_gradient(bias: str) -> pd.DataFrame:
    return neighbourhoods.cohort_gradient(loaders.sample_referrals(bias), loaders.council_population())


@st.cache_resource(max_entries=3, show_spinner=False)
def factors_by_decile(bias: str) -> pd.DataFrame:
    return neighbourhoods.factors_by_decile(loaders.sample_referrals(bias), loaders.council_population())


@st.cache_data(max_entries=64, show_spinner=False)
def what_if(bias: str, factor: str, reduction_percent: int) -> neighbourhoods.WhatIf:
    """The prevention what-if if ``factor`` fell by ``reduction_percent`` per cent."""
    return neighbourhoods.prevention_what_if(
        loaders.sample_referrals(bias),
        loaders.council_population(),
        factor=factor,
        reduction=reduction_percent / 100,
    )
