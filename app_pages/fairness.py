"""Fairness: who the false alarms and the missed children fall on, how sure we can be, what
per-group lines would cost, and what changes when the records themselves are biased."""

import streamlit as st

from csc_dash import fairness, markup
from csc_dash.charts import KIND_STYLE
from csc_dash.charts import fairness as charts
from csc_dash.synthetic import BIAS_LEVELS
from csc_dash.ui import chart, loaders, shell, state
from csc_dash.ui import fairness_cache as cache
from csc_dash.ui.tradeoffs_widgets import line_caption
from csc_dash.ui.workshop import save_view

BAND = fairness.DEFAULT_BAND

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
threshold = loaders.current_threshold(cohort, model)
label = shell.model_label(cohort, model)  # Markdown-ready
analyst = shell.analyst_view()

shell.page_header(
    "Fairness: who the mistakes fall on",
    "A tool can make more mistakes for some groups than for others. Here you can see, at the "
    "line you chose, **who the false alarms and the missed children fall on**. Small groups get "
    "the words *too few to tell* instead of a number. **The tool helps people think. It never "
    "decides what happens to a family.**",
)
st.caption(line_caption(cohort, model, label))

characteristic = cache.current_characteristic(cohort)
if characteristic is None:
    st.info(
        "This test set has no columns for groups, such as age or ethnicity. So there are no "
        "groups to compare here."
    )
    save_view.save_my_view("fairness", {"model": model, "threshold": threshold, "characteristic": None})
    st.stop()

st.selectbox(
    "Compare groups by",
    characteristics := cache.characteristic_options(cohort),
    format_func=cache.label_for(cohort),
    **state.bound(state.CHARACTERISTIC, options=characteristics),
    help="Pick one thing, or two together (for example ethnicity and gender).",
)
characteristic = cache.current_characteristic(cohort)
table = cache.error_rates(cohort, model, threshold, characteristic)
few = table.loc[table["too_few"], "label"].tolist()

# -- 1 and 2: false alarms and children missed, by group -------------------------------------
st.header("False alarms, by group", anchor=False)
st.markdown("**Of every 100 families flagged, how many were false alarms?**")
st.caption(
    "Each mark is our best guess. The line across it shows where the true number probably "
    "lies. A long line means we are not so sure."
)
chart.show(
    charts.rate_dots(
        fairness.per_100(table, "fdr"),
        x_title="False alarms in every 100 families flagged",
        colour=KIND_STYLE["false_alarm"]["colour"],
        symbol=KIND_STYLE["false_alarm"]["symbol"],
    ),
    key="fairness_fdr",
    summary=fairness.describe_rate(table, "fdr", what="false alarms"),
)

st.header("Children missed, by group", anchor=False)
st.markdown("**Of every 100 children who went on to a plan or care, how many were missed?**")
chart.show(
    charts.rate_dots(
        fairness.per_100(table, "fnr"),
        x_title="Children missed in every 100 who went on to a plan or care",
        colour=KIND_STYLE["missed"]["colour"],
        symbol="x",
    ),
    key="fairness_fnr",
    summary=fairness.describe_rate(table, "fnr", what="children missed"),
)
if few:
    st.warning(
        f"**Too few to tell:** {'; '.join(map(markup.markdown_text, few))}. These groups have fewer than "
        f"{fairness.MIN_REFERRALS} referrals, or fewer than {fairness.MIN_ESCALATIONS} children "
        "who went on to a plan or care. A number for them would mostly be chance.",
        icon=":material/help:",
    )

# -- 3: disparity against the largest group ---------------------------------------------------
st.header("Is any group far from the rest?", anchor=False)
d_fdr = fairness.disparity(table, "fdr", band=BAND)
d_fnr = fairness.disparity(table, "fnr", band=BAND)
reference = d_fdr.loc[d_fdr["is_reference"], "label"].iloc[0]  # raw: the chart escapes it
st.markdown(fairness.disparity_lead(BAND, reference=reference))
if analyst:
    st.caption(fairness.band_analyst(BAND))
chart.show(
    charts.disparity_dots(
        {"False alarms": d_fdr, "Children missed": d_fnr},
        band=BAND,
        reference_label=reference,
        plain=not analyst,
    ),
    key="fairness_disparity",
    summary=(
        f"**False alarms:** {fairness.describe_disparity(d_fdr)}  \n"
        f"**Children missed:** {fairness.describe_disparity(d_fnr)}"
    ),
)

# -- 4: a line for each group ------------------------------------------------------------------
st.header("What if each group had its own line?", anchor=False)
st.markdown(
    "Some people think fair means one line for everyone. Others think fair means the same share "
    "of mistakes in every group. Most of the time you cannot have both. Each choice below moves "
    "the line for some groups. See what it costs, and who gains or loses."
)
st.radio(
    "How should the line be set?",
    list(fairness.PRESETS),
    format_func=fairness.PRESET_LABELS.get,
    captions=[fairness.PRESET_HELP[p] for p in fairness.PRESETS],
    **state.bound(state.PRESET, options=fairness.PRESETS),
)
preset = state.get(state.PRESET)
costs = cache.preset_costs(cohort, model, threshold, characteristic)
chosen = costs.overall.loc[preset]
st.markdown("**Out of every 1,000 referrals**")
figures = (
    ("Flagged", "flagged_per_1000", "off"),
    ("False alarms", "false_alarms_per_1000", "inverse"),
    ("Children missed", "missed_per_1000", "inverse"),
)
for column, (name, figure, colour) in zip(st.columns(3), figures, strict=True):
    change = int(chosen[f"change_{figure}"])
    column.metric(
        name,
        f"{chosen[figure]:,}",
        delta=None if preset == "single" else (f"{change:+,}" if change else "no change"),
        delta_color=colour if change else "off",
        delta_arrow="auto" if change else "off",
    )
st.markdown(fairness.describe_preset(costs, preset))
if preset == "single":
    st.caption("Pick another choice to see who gains and who loses.")
else:
    chart.show(
        charts.change_bars(fairness.preset_changes(costs, preset), plain=not analyst),
        key="fairness_changes",
        summary=(
            "Bars to the left of 0 mean fewer mistakes for that group. Bars to the right mean "
            "more. Groups with too few to tell keep the common line."
        ),
    )
st.markdown("**All four choices side by side** (per 1,000 referrals)")
# A real HTML table (not a canvas grid): a tablet shows every number and a screen reader
# reads it as a table. The words in it are ours, never typed by a user.
st.table(fairness.preset_overview(costs).set_index("Choice"))
same_rows = fairness.preset_overview_note(costs)
if same_rows:
    st.markdown(same_rows)
st.caption(
    "A different line for different groups raises its own questions, such as treating people "
    "differently because of who they are. This page only shows what each choice would do."
)

# -- 5: biased records ---------------------------------------------------------------------------
need_table = None
if cohort.has_need:
    st.header("What if the records are biased?", anchor=False)
    st.markdown(
        "A tool learns from what was written down. But some families are more visible to "
        "services. They may be known to the police, to health or to the council, or live in "
        "poorer areas. When they need help, it is more likely to be written down. When other "
        "families need help, the records miss it more often."
    )
    st.markdown(
        "In this made-up world we also know which children truly needed help. So we can check "
        "the tool two ways: against the records, and against true need."
    )
    if cohort.source == "sample":
        st.radio(
            "How unequal is the recording?",
            list(BIAS_LEVELS),
            format_func=shell.BIAS_LABELS.get,
            key=cache.mirror_bias(),
            on_change=cache.store_bias,
            horizontal=True,
            help="Each level is its own made-up world, with the tool trained again on its records.",
        )
        st.caption(
            ":material/info: This changes the made-up world on every page, not just this one. "
            "It is the same as the choice in the menu on the left."
        )
    need_table = cache.error_rates(cohort, model, threshold, characteristic, against="need")
    names = {
        "recorded": "Checked against the records (went on to a plan or care)",
        "need": "Checked against true need (truly needed help)",
    }
    fdr_both = fairness.label_comparison(table, need_table, "fdr")
    fnr_both = fairness.label_comparison(table, need_table, "fnr")
    st.subheader("Of every 100 families flagged, how many were false alarms?", anchor=False)
    chart.show(
        charts.comparison_dots(fdr_both, x_title="False alarms in every 100 families flagged", names=names),
        key="fairness_bias_fdr",
        summary=fairness.describe_label_comparison(fdr_both, what="false alarms in 100"),
    )
    st.subheader("Of every 100 children who needed help, how many were missed?", anchor=False)
    chart.show(
        charts.comparison_dots(
            fnr_both, x_title="Children missed in every 100 who needed help", names=names
        ),
        key="fairness_bias_fnr",
        summary=fairness.describe_label_comparison(fnr_both, what="children missed in 100"),
    )
    st.markdown(
        "**Why are they different?** A false alarm in the records may be a child who truly "
        "needed help, but whose need was never written down. A tool that learns from the "
        "records learns who gets written down, not only who needs help. So its mistakes can "
        "look fair on paper and still fall on some families more than others."
    )

# -- analyst view ------------------------------------------------------------------------------
if analyst:
    with st.expander("For analysts: the full table", expanded=True):
        st.caption(
            f"Per group at threshold {threshold:.4f}, against the recorded outcome: precision = "
            "TP/(TP+FP); recall = TP/(TP+FN); fdr (false discovery rate) = FP/(TP+FP); "
            "false_omission_rate = FN/(FN+TN); fpr (false positive rate) = FP/(FP+TN); fnr "
            "(false negative rate) = FN/(TP+FN); share_flagged (selection rate); "
            "average_precision does not depend on the threshold. Intervals: 95% percentile "
            f"bootstrap, {cache.N_BOOT:,} resamples within each group (seed "
            f"{cache.RANDOM_STATE}). <rate>_ratio_low/high: the same draws, each group's draw "
            "divided by the same draw of the reference group (is_reference, the largest); a "
            "group is called outside the band only when that whole interval is (verdict). "
            f"too_few: n < {fairness.MIN_REFERRALS} or positives < "
            f"{fairness.MIN_ESCALATIONS}. Every rate is checked against fairlearn's MetricFrame. "
            "'False alarms in every 100 flagged' is the fdr; the fpr preset makes the share "
            "flagged among those who did not escalate equal. Overall per-1,000 figures are whole "
            "people (largest remainder), as on the Trade-offs page."
        )
        # Real tables (not canvas grids, which a screen reader hears as toolbar buttons), cut
        # into a few columns each so that they fit a phone without a scrolling box.
        chart.tables(table)
        st.markdown("**Disparity against the largest group** (false alarms, then children missed)")
        chart.tables(d_fdr)
        chart.tables(d_fnr)
        st.markdown("**Per-group thresholds and costs under each preset**")
        chart.tables(costs.by_group, keep=("preset",), width=2, digits=4)
        if need_table is not None:
            st.markdown("**The same table against true need** (synthetic only)")
            chart.tables(need_table)

save_view.save_my_view(
    "fairness",
    {
        "model": model,
        "threshold": threshold,
        "characteristic": list(characteristic),
        "preset": preset,
        "bias": cohort.bias,
        "source": cohort.source,
    },
)
