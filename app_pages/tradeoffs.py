"""Trade-offs: move the line and see, in people, who is flagged, who is a false alarm and who
is missed."""

import streamlit as st

from csc_dash import tradeoffs
from csc_dash.charts import tradeoffs as charts
from csc_dash.ui import chart, loaders, save_view, shell, state
from csc_dash.ui import tradeoffs_widgets as widgets

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
name = cohort.model_labels.get(model, model)  # raw: sentence builders and charts escape it
label = shell.model_label(cohort, model)  # Markdown-ready
table = loaders.sweep(cohort, model)
yes_no = tradeoffs.is_yes_no(table)  # the rule, or an uploaded 0/1 flag: no line to move
threshold = widgets.current_line(cohort, model, table)
if not yes_no:  # a yes/no tool leaves the models' shared line alone
    state.put(state.THRESHOLD, threshold)
row = tradeoffs.threshold_row(table, threshold)
counts = tradeoffs.people_counts(row, n=1000)
intervals = tradeoffs.per_1000_intervals(row)

shell.page_header(
    "Trade-offs",
    "A tool gives every referral a score. We choose a line: referrals at or above it are "
    "**flagged** for a person to look at again. Move the line and see who is flagged, who is a "
    "false alarm and which children are missed. **A flag never decides what happens to a family.**",
)
st.caption(f"Tool: **{label}** (change it in the menu on the left).")

cost = per_month = None
if yes_no:
    st.info(
        tradeoffs.yes_no_sentence(row, rule=cohort.source == "sample" and model == "rule"),
        icon=":material/rule:",
    )
else:
    bounds = tradeoffs.threshold_bounds(table)
    line_col, share_col = st.columns(2, gap="large")
    with line_col:
        st.slider(
            "Where is the line? Flag referrals with a score at or above:",
            min_value=bounds[0],
            max_value=bounds[1],
            step=0.001,
            format="%.3f",
            **state.bound(state.THRESHOLD),
            help="Scores go from 0 to 1. A lower line flags more referrals.",
        )
    with share_col:
        st.number_input(
            "Or: flag the top N% of referrals",
            min_value=0,
            max_value=100,
            step=1,
            **state.bound(state.TOP_SHARE),
            help="The referrals with the highest scores. Ties are never split.",
        )
        st.button(
            f"Flag the top {state.get(state.TOP_SHARE)}%",
            key="tradeoffs_apply_share",
            on_click=widgets.set_threshold_from_share,
            args=(table,),
            icon=":material/tune:",
        )
    st.caption(tradeoffs.share_sentence(row))

st.header("Out of every 1,000 referrals", anchor=False)
a, b = st.columns(2, gap="large")
a.metric("Flagged", f"{counts['flagged']:,}")
a.caption(tradeoffs.interval_text(intervals["flagged"]))
b.metric(
    "Flagged, then a plan or care",
    f"{counts['true_alarm']:,}",
    help="Flagged, and within a year went on to a child protection plan or care.",
)
b.caption(tradeoffs.interval_text(intervals["true_alarm"]))
c, d = st.columns(2, gap="large")
c.metric("False alarms", f"{counts['false_alarm']:,}")
c.caption(tradeoffs.interval_text(intervals["false_alarm"]))
d.metric("Children missed", f"{counts['missed']:,}")
d.caption(tradeoffs.interval_text(intervals["missed"]))
st.markdown(tradeoffs.summary_sentence(counts))
st.caption(tradeoffs.INTERVAL_NOTE)

if shell.analyst_view():
    with st.expander("For analysts: the exact figures at this line", expanded=True):
        st.table(tradeoffs.analyst_row(row, n=len(cohort), intervals=intervals), hide_index=True)
        st.caption(tradeoffs.INTERVAL_ANALYST)

st.header("1,000 referrals as people", anchor=False)
chart.show(
    charts.icon_array(tradeoffs.icon_grid(counts, columns=50), counts),
    key="tradeoffs_icons",
    summary=tradeoffs.icon_sentence(counts),
)

if not yes_no:
    st.header("Two ways to choose the line", anchor=False)
    cost_col, capacity_col = st.columns(2, gap="large")
    with cost_col:
        st.number_input(
            "How many false alarms would you accept to find one more child?",
            min_value=0,
            max_value=1000,
            step=1,
            **state.bound(state.COST),
        )
        cost = state.get(state.COST)
        t_cost = tradeoffs.threshold_for_cost_from_table(table, false_alarms_per_child=cost)
        cost_row = tradeoffs.threshold_row(table, t_cost)
        st.markdown(tradeoffs.cost_sentence(cost, tradeoffs.people_counts(cost_row, n=1000)))
        st.button(
            tradeoffs.line_button_label(cost_row),
            key="tradeoffs_apply_cost",
            help=tradeoffs.line_button_help(cost_row),
            on_click=widgets.set_threshold,
            args=(t_cost,),
            icon=":material/tune:",
        )
    with capacity_col:
        st.number_input(
            "We can look again at this many families a month:",
            min_value=0,
            max_value=max(1, len(cohort)),
            step=5,
            **state.bound(state.CAPACITY),
        )
        per_month = state.get(state.CAPACITY)
        t_capacity = tradeoffs.threshold_for_capacity_from_table(
            table, per_month=per_month, months=cohort.months
        )
        capacity_row = tradeoffs.threshold_row(table, t_capacity)
        st.markdown(tradeoffs.capacity_sentence(per_month, cohort.months, capacity_row))
        st.button(
            tradeoffs.line_button_label(capacity_row),
            key="tradeoffs_apply_capacity",
            help=tradeoffs.line_button_help(capacity_row),
            on_click=widgets.set_threshold,
            args=(t_capacity,),
            icon=":material/tune:",
        )

st.header("How good is this tool at every line?", anchor=False)
ap = tradeoffs.average_precision_from_table(table)
rate = tradeoffs.base_rate(table)
st.markdown(tradeoffs.pr_sentence(row=row, average_precision=ap, base_rate=rate, yes_no=yes_no))
chart.show(
    charts.pr_curve(
        tradeoffs.pr_curve_points(table),
        current=row,
        base_rate=rate,
        average_precision=ap,
        model=model,
        model_label=name,
        yes_no=yes_no,
    ),
    key="tradeoffs_pr",
    summary=tradeoffs.yes_no_pr_summary(row) if yes_no else tradeoffs.pr_summary(row),
)
if shell.analyst_view():
    st.caption(tradeoffs.YES_NO_PR_ANALYST if yes_no else tradeoffs.PR_ANALYST)

st.header("Tools side by side", anchor=False)
compared, flagged, fixed_by = tradeoffs.comparison(
    {m: loaders.sweep(cohort, m) for m in cohort.models},
    labels=cohort.model_labels,
    current_flagged=int(row["flagged"]),
)
st.markdown(tradeoffs.comparison_sentence(compared, flagged=flagged, fixed_by=fixed_by))
chart.show(
    charts.comparison_bars(compared),
    key="tradeoffs_compare",
    summary=tradeoffs.comparison_summary(compared),
)
if shell.analyst_view():
    st.table(tradeoffs.comparison_table(compared), hide_index=True)

save_view.save_my_view(
    "tradeoffs",
    {
        "model": model,
        "threshold": threshold,
        "yes_no": yes_no,
        "cost": cost,
        "capacity_per_month": per_month,
        "flagged_per_1000": counts["flagged"],
        "compared_at_flagged": flagged,
    },
)
