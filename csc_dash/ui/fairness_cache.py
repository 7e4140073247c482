"""Cached figures for the Fairness page, and its few widget helpers.

Group error rates with 1,000 bootstrap draws take a fraction of a second, too slow to redo on
every rerun. For the synthetic sample (the same for everyone) they are cached per process,
bounded, keyed by (bias, model, threshold, characteristic, outcome). An uploaded cohort belongs
to one browser session, so its figures are kept in that session's state only, never in a
shared cache.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any, Literal

import pandas as pd
import streamlit as st

from csc_dash import fairness
from csc_dash.cohort import ScoredCohort
from csc_dash.ui import loaders, state

Against = Literal["outcome", "need"]

N_BOOT = 1000
RANDOM_STATE = 0
_UPLOAD_ENTRIES = 16


# -- the sample: shared, bounded caches --------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def _sample_rates(
    bias: str,
    model: str,
    threshold: float,
    characteristic: tuple[str, ...],
    against: str,
    n_boot: int,
) -> pd.DataFrame:
    # n_boot is part of the key: figures drawn 1,000 times are never handed out for 100.
    c = loaders.sample_cohort(bias)
    return _rates(c, model, threshold, characteristic, against, n_boot)


@st.cache_data(max_entries=64, show_spinner=False)
def _sample_costs(
    bias: str, model: str, threshold: float, characteristic: tuple[str, ...]
) -> fairness.PresetCosts:
    c = loaders.sample_cohort(bias)
    return _costs(c, model, threshold, characteristic)


# -- the computations ------------------------------------------------------------------------


def _groups(cohort: ScoredCohort, characteristic: tuple[str, ...]):
    columns = list(characteristic)
    return cohort.frame[columns] if len(columns) > 1 else cohort.frame[columns[0]]


def _rates(cohort, model, threshold, characteristic, against, n_boot) -> pd.DataFrame:
    y = cohort.y if against == "outcome" else cohort.frame["need"].to_numpy()
    return fairness.group_error_rates(
        y,
        cohort.scores(model),
        _groups(cohort, characteristic),
        threshold=threshold,
        n_boot=n_boot,
        random_state=RANDOM_STATE,
    )


def _costs(cohort, model, threshold, characteristic) -> fairness.PresetCosts:
    return fairness.preset_costs(
        cohort.y, cohort.scores(model), _groups(cohort, characteristic), threshold=threshold
    )


def _per_session(cohort: ScoredCohort, key: tuple, compute: Callable[[], Any]) -> Any:
    """A small cache in this session's state, emptied when the uploaded cohort changes."""
    cache = state.get(state.FAIRNESS_CACHE)
    if cache is None or cache.get("cohort") is not cohort:
        cache = {"cohort": cohort, "entries": {}}
        state.put(state.FAIRNESS_CACHE, cache)
    entries = cache["entries"]
    if key not in entries:
        while len(entries) >= _UPLOAD_ENTRIES:
            entries.pop(next(iter(entries)))
        entries[key] = compute()
    return entries[key]


# -- what the page calls -----------------------------------------------------------------------


def error_rates(
    cohort: ScoredCohort,
    model: str,
    threshold: float,
    characteristic: tuple[str, ...],
    *,
    against: Against = "outcome",
) -> pd.DataFrame:
    """:func:`csc_dash.fairness.group_error_rates` for the page, cached at the right level."""
    characteristic = tuple(characteristic)
    threshold = float(threshold)
    if cohort.source == "sample":
        return _sample_rates(cohort.bias, model, threshold, characteristic, against, N_BOOT)
    return _per_session(
        cohort,
        ("rates", model, threshold, characteristic, against, N_BOOT),
        lambda: _rates(cohort, model, threshold, characteristic, against, N_BOOT),
    )


def preset_costs(
    cohort: ScoredCohort, model: str, threshold: float, characteristic: tuple[str, ...]
) -> fairness.PresetCosts:
    """:func:`csc_dash.fairness.preset_costs` for the page, cached at the right level."""
    characteristic = tuple(characteristic)
    threshold = float(threshold)
    if cohort.source == "sample":
        return _sample_costs(cohort.bias, model, threshold, characteristic)
    return _per_session(
        cohort,
        ("costs", model, threshold, characteristic),
        lambda: _costs(cohort, model, threshold, characteristic),
    )


# -- widgets -----------------------------------------------------------------------------------


def _group_counts(cohort: ScoredCohort) -> dict[str, int]:
    def count() -> dict[str, int]:
        return {c: int(cohort.frame[c].nunique(dropna=False)) for c in cohort.group_columns}

    if cohort.source == "sample":
        return count()  # a few thousand rows and five columns: cheap
    return _per_session(cohort, ("group counts",), count)


def characteristic_options(cohort: ScoredCohort) -> list[tuple[str, ...]]:
    """Each group column on its own, then the pairs small enough to read.

    A pair is offered only if it makes at most :data:`csc_dash.fairness.MAX_PAIR_GROUPS`
    groups (the product of the two columns' counts), and at most
    :data:`csc_dash.fairness.MAX_PAIRS` pairs are offered, so many or wide group columns never
    build every pair (issue 13.3: 3,000 groups took 1.6 GB and 17 s).
    """
    singles = [(c,) for c in cohort.group_columns]
    counts = _group_counts(cohort)
    pairs = [
        (a, b)
        for a, b in combinations(cohort.group_columns, 2)
        if counts[a] * counts[b] <= fairness.MAX_PAIR_GROUPS
    ][: fairness.MAX_PAIRS]
    return singles + pairs


def current_characteristic(cohort: ScoredCohort) -> tuple[str, ...] | None:
    """The chosen characteristic, falling back to the first one this cohort has (None if none)."""
    options = characteristic_options(cohort)
    if not options:
        return None
    chosen = tuple(state.get(state.CHARACTERISTIC) or ())
    if chosen not in options and chosen[::-1] in options:
        chosen = chosen[::-1]  # a pair named the other way round
        state.put(state.CHARACTERISTIC, chosen)
    if chosen not in options:
        chosen = options[0]
        state.put(state.CHARACTERISTIC, chosen)
    return chosen


def mirror_bias() -> str:
    """Prepare the page's own bias control so it starts from (and writes to) ``state.BIAS``.

    The sidebar already has a control bound to ``state.BIAS``; a second widget needs its own
    key, so this one is mirrored by hand.
    """
    if st.session_state.get(state.FAIRNESS_BIAS) != state.get(state.BIAS):
        st.session_state[state.FAIRNESS_BIAS] = state.get(state.BIAS)
    return state.FAIRNESS_BIAS


def store_bias() -> None:
    """``on_change`` callback of the page's bias control."""
    state.put(state.BIAS, st.session_state[state.FAIRNESS_BIAS])


def characteristic_label(option: tuple[str, ...], cohort: ScoredCohort | None = None) -> str:
    """Plain name of a characteristic or a pair, e.g. "Ethnicity and Gender" (an upload's
    columns by the names typed in the file)."""
    cohort = cohort if cohort is not None else loaders.current_cohort()
    return " and ".join(cohort.label(c) for c in option)


def label_for(cohort: ScoredCohort) -> Callable[[tuple[str, ...]], str]:
    """``format_func`` for the characteristic picker, bound to ``cohort``."""
    return lambda option: characteristic_label(option, cohort)
