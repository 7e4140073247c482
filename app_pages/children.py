"""Who is flagged or missed: about 100 synthetic children at the chosen line; open one to read
their story, see their score and what pushed it, and what would have changed the flag."""

import streamlit as st

from csc_dash import tradeoffs, vignettes
from csc_dash.charts import children as charts
from csc_dash.cohort import GROUP_LABELS
from csc_dash.ui import loaders, save_view, shell, state
from csc_dash.ui import tradeoffs_widgets as widgets

FILTER_COLUMNS = ("age_band", "ethnicity", "disability_status", "deprivation_quintile")

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
label = shell.model_label(cohort, model)  # Markdown-ready
threshold = loaders.current_threshold(cohort, model)
frame = cohort.frame
scores = cohort.scores(model)
kinds = tradeoffs.assign_kinds(cohort.y, scores, threshold)
stories = vignettes.has_stories(frame)

shell.page_header(
    "Who is flagged or missed",
    "Each mark is one made-up child who was referred. Pick a child to read their story, see "
    "their score, and see what would have changed the flag.",
)
st.caption(
    f"Tool: **{label}**. Line: **{threshold:.3f}** (move it on the Trade-offs page). "
    "We picked at least 10 of each kind so you can see them all, so this is not to scale; "
    "the 1,000 people on the Trade-offs page are."
)

options = vignettes.filter_options(frame, FILTER_COLUMNS)
chosen = {}
if options:
    filter_cols = [c for _ in range(0, len(options), 2) for c in st.columns(2)]
    for col, (column, values) in zip(filter_cols, options.items(), strict=False):
        chosen[column] = col.multiselect(
            GROUP_LABELS.get(column, column),
            values,
            key=widgets.filter_key(column),
            placeholder="Everyone",
        )
eligible = vignettes.filter_mask(frame, chosen)
positions = vignettes.choose_children(
    kinds, n=100, seed=int(state.get(state.CHILD_SEED)), eligible=eligible
)
grid = vignettes.child_grid(positions, kinds, vignettes.referral_ids(frame), columns=10)

if len(grid) == 0:
    st.warning("No child matches these filters. Clear a filter to see children again.")
else:
    labels = dict(zip(grid["referral_id"], grid["label"], strict=True))
    if state.get(state.SELECTED_CHILD) not in labels:
        state.put(state.SELECTED_CHILD, None)
    st.selectbox(
        "Open a child's story",
        list(labels),
        index=None,
        format_func=lambda rid: labels.get(rid, rid),
        placeholder="Choose a child by number",
        key=state.bind(state.SELECTED_CHILD),
        on_change=state.store,
        args=(state.SELECTED_CHILD,),
    )
    st.button(
        "Show other children",
        key="children_reshuffle",
        on_click=widgets.show_other_children,
        icon=":material/shuffle:",
    )
    selected = state.get(state.SELECTED_CHILD)
    st.markdown(vignettes.grid_sentence(grid))
    st.plotly_chart(
        charts.children_grid(grid, selected=selected),
        width="stretch",
        config={"displayModeBar": False},
        key="children_grid",
    )
    if not stories:
        st.info(
            "Stories need the synthetic data: your file does not have the columns that say who "
            "referred, what was found and earlier contacts. You can still see who is flagged."
        )

    if selected is not None:
        position = vignettes.position_of(grid, selected)
        row = frame.iloc[[position]]
        st.subheader(labels[selected])
        if stories:
            st.markdown(" ".join(vignettes.story(row.iloc[0])))
        st.markdown(vignettes.score_sentence(float(scores[position]), threshold, model_label=label))
        if stories and model == "rule":
            st.markdown(vignettes.rule_sentence(int(row["previous_referrals"].iloc[0])))
        elif stories and cohort.source == "sample":
            explanation = loaders.structured_model(cohort.bias)
            if model != "structured":
                st.caption(
                    "The words in a case note cannot be split up like this. Below is the tick-box "
                    "model, which looks at the same boxes, at the same line."
                )
            pushes = vignettes.contributions(explanation, row)
            st.markdown("**What pushed the score up or down**")
            st.markdown(vignettes.contribution_sentence(pushes))
            st.plotly_chart(
                charts.contribution_bars(pushes),
                width="stretch",
                config={"displayModeBar": False},
                key="children_pushes",
            )
            if shell.analyst_view():
                st.caption(
                    f"Contributions are coefficient × encoded value on the log-odds scale, summed "
                    f"within each feature; the intercept ({explanation.intercept:.2f}) plus these "
                    f"gives the logit {float(explanation.logit(row)[0]):.3f}. They describe the "
                    "model, not causes."
                )
            st.markdown("**What would have changed the flag?**")
            change = vignettes.smallest_change(explanation, row, threshold)
            st.markdown(
                vignettes.counterfactual_sentence(change, model_label="Tick-box data model")
            )

save_view.save_my_view(
    "children",
    {
        "model": model,
        "threshold": threshold,
        "seed": int(state.get(state.CHILD_SEED)),
        "filters": {k: list(v) for k, v in chosen.items() if v},
        "selected_child": state.get(state.SELECTED_CHILD),
    },
)
