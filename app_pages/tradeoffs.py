"""Trade-offs: move the line and see, in people, who is flagged, who is a false alarm and who
is missed."""

import streamlit as st

from csc_dash import tradeoffs
from csc_dash.charts import tradeoffs as charts
from csc_dash.ui import loaders, save_view, shell, state
from csc_dash.ui import tradeoffs_widgets as widgets

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
label = shell.model_label(cohort, model)  # Markdown-ready; the chart takes the raw name
table = loaders.sweep(cohort, model)
bounds = tradeoffs.threshold_bounds(table)
threshold = tradeoffs.clamp_threshold(loaders.current_threshold(cohort, model), bounds)
state.put(state.THRESHOLD, threshold)
row = tradeoffs.threshold_row(table, threshold)
counts = tradeoffs.people_counts(row, n=1000)

shell.page_header(
    "Trade-offs",
    "A tool gives every referral a score. We choose a line: referrals at or above it are "
    "**flagged** for a person to look at again. Move the line and see who is flagged, who is a "
    "false alarm and which children are missed. **A flag never decides what happens to a family.**",
)
st.caption(f"Tool: **{label}** (change it in the menu on the left).")

line_col, share_col = st.columns(2, gap="large")
with line_col:
    st.slider(
        "Where is the line? Flag referrals with a score at or above:",
        min_value=bounds[0],
        max_value=bounds[1],
        step=0.001,
        format="%.3f",
        key=state.bind(state.THRESHOLD),
        on_change=state.store,
        args=(state.THRESHOLD,),
        help="Scores go from 0 to 1. A lower line flags more referrals.",
    )
with share_col:
    st.number_input(
        "Or: flag the top N% of referrals",
        min_value=0,
        max_value=100,
        step=1,
        key=state.bind(state.TOP_SHARE),
        on_change=state.store,
        args=(state.TOP_SHARE,),
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

st.markdown("**Out of every 1,000 referrals**")
a, b = st.columns(2, gap="large")
a.metric("Flagged", f"{counts['flagged']:,}")
b.metric(
    "Flagged, then a plan or care",
    f"{counts['true_alarm']:,}",
    help="Flagged, and within a year went on to a child protection plan or care.",
)
c, d = st.columns(2, gap="large")
c.metric("False alarms", f"{counts['false_alarm']:,}")
d.metric("Children missed", f"{counts['missed']:,}")
st.markdown(tradeoffs.summary_sentence(counts))

if shell.analyst_view():
    with st.expander("For analysts: the exact figures at this line", expanded=True):
        st.dataframe(tradeoffs.analyst_row(row, n=len(cohort)), hide_index=True)

st.subheader("1,000 referrals as people")
st.markdown(tradeoffs.icon_sentence(counts))
st.plotly_chart(
    charts.icon_array(tradeoffs.icon_grid(counts, columns=50), counts),
    width="stretch",
    config={"displayModeBar": False, "staticPlot": True},
    key="tradeoffs_icons",
)

st.subheader("Two ways to choose the line")
cost_col, capacity_col = st.columns(2, gap="large")
with cost_col:
    st.number_input(
        "How many false alarms would you accept to find one more child?",
        min_value=0,
        max_value=1000,
        step=1,
        key=state.bind(state.COST),
        on_change=state.store,
        args=(state.COST,),
    )
    cost = state.get(state.COST)
    t_cost = tradeoffs.threshold_for_cost_from_table(table, false_alarms_per_child=cost)
    cost_counts = tradeoffs.people_counts(tradeoffs.threshold_row(table, t_cost), n=1000)
    st.markdown(tradeoffs.cost_sentence(cost, cost_counts))
    st.button(
        f"Use this line ({t_cost:.3f})",
        key="tradeoffs_apply_cost",
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
        key=state.bind(state.CAPACITY),
        on_change=state.store,
        args=(state.CAPACITY,),
    )
    per_month = state.get(state.CAPACITY)
    t_capacity = tradeoffs.threshold_for_capacity_from_table(
        table, per_month=per_month, months=cohort.months
    )
    st.markdown(
        tradeoffs.capacity_sentence(
            per_month, cohort.months, tradeoffs.threshold_row(table, t_capacity)
        )
    )
    st.button(
        f"Use this line ({t_capacity:.3f})",
        key="tradeoffs_apply_capacity",
        on_click=widgets.set_threshold,
        args=(t_capacity,),
        icon=":material/tune:",
    )

st.subheader("How good is this tool at every line?")
ap = tradeoffs.average_precision_from_table(table)
rate = tradeoffs.base_rate(table)
st.markdown(tradeoffs.pr_sentence(row=row, average_precision=ap, base_rate=rate))
st.plotly_chart(
    charts.pr_curve(
        tradeoffs.pr_curve_points(table),
        current=row,
        base_rate=rate,
        average_precision=ap,
        model=model,
        model_label=cohort.model_labels.get(model, model),
    ),
    width="stretch",
    config={"displayModeBar": False},
    key="tradeoffs_pr",
)
if shell.analyst_view():
    st.caption(
        "Precision–recall curve from the full threshold sweep (step-wise; thinned to 400 points "
        "for drawing). Average precision equals scikit-learn's average_precision_score; the "
        "dashed line is the base rate, the expected AP of a random score."
    )

st.subheader("Tools side by side")
compared, flagged, fixed_by = tradeoffs.comparison(
    {m: loaders.sweep(cohort, m) for m in cohort.models},
    labels=cohort.model_labels,
    current_flagged=int(row["flagged"]),
)
st.markdown(tradeoffs.comparison_sentence(compared, flagged=flagged, fixed_by=fixed_by))
st.plotly_chart(
    charts.comparison_bars(compared),
    width="stretch",
    config={"displayModeBar": False},
    key="tradeoffs_compare",
)
if shell.analyst_view():
    st.dataframe(tradeoffs.comparison_table(compared), hide_index=True)

save_view.save_my_view(
    "tradeoffs",
    {
        "model": model,
        "threshold": threshold,
        "cost": cost,
        "capacity_per_month": per_month,
        "flagged_per_1000": counts["flagged"],
        "compared_at_flagged": flagged,
    },
)
