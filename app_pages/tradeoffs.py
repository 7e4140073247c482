"""Trade-offs: move the line and see, in people, who is flagged, who is a false alarm and who
is missed.

The browser redraws the line's figures and picture at every step (components v2); when the line
settles only the fragment with the server's figures at that line reruns. The rest of the page
does not depend on the line.
"""

from functools import partial

import streamlit as st

from csc_dash import line, tradeoffs
from csc_dash.charts import tradeoffs as charts
from csc_dash.content import tradeoff_words
from csc_dash.ui import chart, loaders, shell, state
from csc_dash.ui import tradeoffs_widgets as widgets
from csc_dash.ui.components.line_picture import line_picture, line_settle
from csc_dash.ui.workshop import save_view

LINE_KEY = "tradeoffs_line"
SETTLE_KEY = "tradeoffs_line_settle"

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
name = shell.model_name(cohort, model)  # raw: sentence builders and charts escape it
label = shell.model_label(cohort, model)  # Markdown-ready
table = loaders.sweep(cohort, model)
yes_no = line.is_yes_no(table)  # the rule, or an uploaded 0/1 flag: no line to move
steps, step, threshold = loaders.current_step(cohort, model)
if not yes_no:  # a yes/no tool leaves the models' shared line alone
    state.put(state.THRESHOLD, threshold)  # on a whole step, so every figure agrees

shell.page_header(
    "Trade-offs",
    "A tool gives every referral a score. We choose a line: referrals at or above it are "
    "**flagged** for a person to look at again. Move the line and see who is flagged, who is a "
    "false alarm and which children are missed. **A flag never decides what happens to a family.**",
)
st.caption(f"Tool: **{label}** (change it in the menu on the left).")

row = tradeoffs.threshold_row(table, threshold)
intervals = tradeoffs.per_1000_intervals(row)
if yes_no:
    st.info(
        tradeoff_words.yes_no_sentence(row, rule=cohort.source == "sample" and model == "rule"),
        icon=":material/rule:",
    )
# Drawn once per page run: the browser redraws it at every step by itself.
picture = line_picture(
    loaders.line_steps(cohort, model)[1],
    step=step,
    intervals={k: tradeoffs.interval_text(v) for k, v in intervals.items()},
    key=LINE_KEY,
    on_step_change=partial(widgets.on_line_step, LINE_KEY, tuple(steps.thresholds)),
    on_story_change=lambda: None,
)
if getattr(picture, "story", None) and widgets.open_story_of_kind(cohort, model, picture.story):
    st.switch_page("app_pages/children.py")


@st.fragment
def at_the_line() -> None:
    """What is worked out on the server at the settled line; reruns alone when it settles."""
    steps, step, here = loaders.current_step(cohort, model)
    row = tradeoffs.threshold_row(table, here)
    intervals = tradeoffs.per_1000_intervals(row)
    line_settle(
        step=step,
        intervals={k: tradeoffs.interval_text(v) for k, v in intervals.items()},
        key=SETTLE_KEY,
        on_step_change=partial(widgets.on_line_step, SETTLE_KEY, tuple(steps.thresholds)),
    )
    st.caption(tradeoff_words.INTERVAL_NOTE)
    st.markdown(tradeoff_words.found_sentence(row, yes_no=yes_no))
    if shell.analyst_view():
        with st.expander("For analysts: the exact figures at this line", expanded=True):
            st.markdown(tradeoff_words.score_line_text(here))
            st.table(
                tradeoffs.analyst_row(row, n=len(cohort), intervals=intervals), hide_index=True
            )
            st.caption(tradeoff_words.INTERVAL_ANALYST)


at_the_line()

cost = per_month = None
if not yes_no:
    st.header("Two ways to choose the line", anchor=False)
    cost_col, capacity_col = st.columns(2, gap="large")
    with cost_col:
        st.number_input(
            "How many false alarms would you accept to find one more child?",
            min_value=0,
            max_value=1000,
            step=1,
            **state.bound(state.COST, as_value=True),
        )
        cost = state.get(state.COST)
        t_cost = line.line_for_cost(steps, table, false_alarms_per_child=cost)
        cost_counts = tradeoffs.people_counts(tradeoffs.threshold_row(table, t_cost))
        st.markdown(tradeoff_words.cost_sentence(cost, cost_counts))
        widgets.use_line_button(cost_counts, t_cost, key="tradeoffs_apply_cost")
    with capacity_col:
        st.number_input(
            "We can look again at this many families a month:",
            min_value=0,
            max_value=max(1, len(cohort)),
            step=5,
            **state.bound(state.CAPACITY, as_value=True),
        )
        per_month = state.get(state.CAPACITY)
        t_capacity = line.line_for_capacity(steps, table, per_month=per_month, months=cohort.months)
        capacity_row = tradeoffs.threshold_row(table, t_capacity)
        capacity_counts = tradeoffs.people_counts(capacity_row)
        st.markdown(tradeoff_words.capacity_sentence(per_month, cohort.months, capacity_row))
        widgets.use_line_button(capacity_counts, t_capacity, key="tradeoffs_apply_capacity")

st.header("How good is this tool at every line?", anchor=False)
ap = loaders.average_precision(cohort, model)
rate = tradeoffs.base_rate(table)
st.markdown(
    tradeoff_words.ranking_sentence(
        average_precision=ap,
        base_rate=rate,
        escalated_per_1000=tradeoffs.escalated_per_1000(table),
        analyst=shell.analyst_view(),
    )
)
fixed_row = tradeoffs.threshold_row(table, threshold)
chart.show(
    charts.pr_curve(
        tradeoffs.pr_curve_points(table),
        current=fixed_row if yes_no else {"recall": float("nan"), "precision": float("nan")},
        base_rate=rate,
        average_precision=ap,
        model=model,
        model_label=name,
        yes_no=yes_no,
        analyst=shell.analyst_view(),
    ),
    key="tradeoffs_pr",
    summary=tradeoff_words.yes_no_pr_summary(fixed_row)
    if yes_no
    else tradeoff_words.pr_curve_summary(),
)
if shell.analyst_view():
    st.caption(tradeoff_words.YES_NO_PR_ANALYST if yes_no else tradeoff_words.PR_ANALYST)

st.header("Tools side by side", anchor=False)
sweeps = {m: loaders.sweep(cohort, m) for m in cohort.models}
if not any(tradeoffs.fixed_flag_count(t) is not None for t in sweeps.values()):
    # (A yes/no tool can flag only one number, so then every tool is compared at that one.)
    st.number_input(
        "Compare the tools when each flags this many in every 1,000 referrals:",
        min_value=0,
        max_value=1000,
        step=5,
        **state.bound(state.COMPARE_AT, as_value=True),
    )
compared, flagged, fixed_by = tradeoffs.comparison(
    sweeps,
    labels={m: shell.model_name(cohort, m) for m in cohort.models},
    current_flagged=line.count_for_per_1000(table, int(state.get(state.COMPARE_AT))),
)
st.markdown(tradeoff_words.comparison_sentence(compared, flagged=flagged, fixed_by=fixed_by))
st.markdown(tradeoff_words.comparison_lines(compared))
chart.show(
    charts.comparison_bars(compared, analyst=shell.analyst_view()),
    key="tradeoffs_compare",
    summary=tradeoff_words.comparison_summary(compared),
)
if shell.analyst_view():
    st.table(tradeoffs.comparison_table(compared), hide_index=True)


def _screen_state() -> dict:
    """What is on screen when the view is saved (read then: the line may have moved since)."""
    here = loaders.current_threshold(cohort, model)
    counts = tradeoffs.people_counts(tradeoffs.threshold_row(table, here))
    return {
        "model": model,
        "threshold": here,
        "yes_no": yes_no,
        "cost": cost,
        "capacity_per_month": per_month,
        "flagged_per_1000": counts["flagged"],
        "compared_at_flagged": flagged,
        "compare_at": int(state.get(state.COMPARE_AT)),
    }


save_view.save_my_view("tradeoffs", _screen_state)
