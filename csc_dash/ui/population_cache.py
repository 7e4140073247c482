"""Cached loaders for the Root causes page: the council tables and the cohort's gradients.

The tables are the same for everyone and never mutated, so they are cached once per process.
Filtering (a year, a council, a rate) happens outside the cache.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csc_dash import population
from csc_dash.ui import loaders


@st.cache_resource(max_entries=1, show_spinner=False)
def councils() -> pd.DataFrame:
    return population.load_councils()


@st.cache_resource(max_entries=1, show_spinner=False)
def england() -> pd.DataFrame:
    return population.load_england()


@st.cache_resource(max_entries=3, show_spinner=False)
def cohort_gradient(bias: str) -> pd.DataFrame:
    return population.cohort_gradient(loaders.sample_referrals(bias), loaders.council_population())


@st.cache_resource(max_entries=3, show_spinner=False)
def factors_by_decile(bias: str) -> pd.DataFrame:
    return population.factors_by_decile(loaders.sample_referrals(bias), loaders.council_population())


@st.cache_data(max_entries=64, show_spinner=False)
def what_if(bias: str, factor: str, reduction: float) -> population.WhatIf:
    return population.prevention_what_if(
        loaders.sample_referrals(bias),
        loaders.council_population(),
        factor=factor,
        reduction=reduction,
    )
