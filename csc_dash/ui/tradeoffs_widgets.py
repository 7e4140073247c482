"""Streamlit pieces shared by The question, Trade-offs and Who is flagged or missed.

Only caching and small callbacks live here; every figure is computed in ``csc_dash``.
"""

from __future__ import annotations

import streamlit as st

from csc_dash import metrics
from csc_dash.cohort import ScoredCohort
from csc_dash.ui import loaders, state, workshop

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


# -- the plain line (components v2) -------------------------------------------------------------


@st.cache_resource(max_entries=12, show_spinner=False)
def _sample_steps(bias: str, model: str):
    from csc_dash import tradeoffs

    steps = tradeoffs.line_steps(loaders.sweep(loaders.sample_cohort(bias), model))
    return steps, tradeoffs.client_table(steps)


def line_steps(cohort: ScoredCohort, model: str):
    """The plain line's steps and the table the browser gets: cached per process for the
    sample, per session (and per cohort object) for an upload."""
    from csc_dash import tradeoffs

    if cohort.source == "sample":
        return _sample_steps(cohort.bias, model)
    cache = st.session_state.setdefault(state.UPLOAD_STEPS, {})
    owner, found = cache.get(model, (None, None))
    if owner is not cohort:
        steps = tradeoffs.line_steps(loaders.sweep(cohort, model))
        found = (steps, tradeoffs.client_table(steps))
        cache[model] = (cohort, found)
    return found


def current_step(cohort: ScoredCohort, model: str, table) -> tuple[object, int, float]:
    """The steps, the step the shared line is at, and the line snapped onto that step."""
    from csc_dash import tradeoffs

    steps, _ = line_steps(cohort, model)
    step = tradeoffs.step_for_threshold(steps, table, current_line(cohort, model, table))
    return steps, step, float(steps.thresholds[step])


def line_words(cohort: ScoredCohort, model: str) -> str:
    """The shared line in plain words, for a page that shows it ("the line flags 95 in every
    1,000 referrals")."""
    from csc_dash import tradeoffs

    table = loaders.sweep(cohort, model)
    steps, step, _ = current_step(cohort, model, table)
    return tradeoffs.line_words(steps, step)


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
    from csc_dash import tradeoffs, vignettes

    if kind not in tradeoffs.KIND_ORDER:
        return False
    table = loaders.sweep(cohort, model)
    threshold = current_line(cohort, model, table)
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
    from csc_dash.ui import shell

    table = loaders.sweep(cohort, model)
    text = f"Tool: **{label}**. Now {line_words(cohort, model)} (move it on the Trade-offs page)."
    if shell.analyst_view():
        text += f" Score line: {current_line(cohort, model, table):.4f}."
    return text
