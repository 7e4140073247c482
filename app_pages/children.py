"""Who is flagged or missed: about 100 synthetic children at the chosen line; open one to read
their story, see their score and what pushed it, and what would have changed the flag."""

import streamlit as st

from csc_dash import explanations, line, tradeoffs, vignettes
from csc_dash.charts import children as charts
from csc_dash.cohort import GROUP_LABELS
from csc_dash.ui import chart, loaders, shell, state
from csc_dash.ui import tradeoffs_widgets as widgets
from csc_dash.ui.workshop import save_view

FILTER_COLUMNS = ("age_band", "ethnicity", "disability_status", "deprivation_quintile")

cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
name = shell.model_name(cohort, model)  # raw: sentence builders and charts escape it
label = shell.model_label(cohort, model)  # Markdown-ready
table = loaders.sweep(cohort, model)
yes_no = line.is_yes_no(table)  # the rule, or an uploaded 0/1 flag: no line to move
is_rule = cohort.source == "sample" and model == "rule"
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
if stories:
    st.info(vignettes.CONTENT_NOTE, icon=":material/info:")
if yes_no:
    st.caption(f"Tool: **{label}**. It only says yes or no, so it has no line to move.")
else:
    st.caption(widgets.line_caption(cohort, model, label))

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
        **state.bound(state.SELECTED_CHILD),
    )
    st.button(
        "Show other children",
        key="children_reshuffle",
        on_click=widgets.show_other_children,
        icon=":material/shuffle:",
    )
    selected = state.get(state.SELECTED_CHILD)
    st.markdown(vignettes.scale_sentence(tradeoffs.threshold_row(table, threshold)))
    chart.show(
        charts.children_grid(grid, selected=selected),
        key="children_grid",
        summary=vignettes.grid_sentence(grid),
    )
    if not stories:
        st.info(
            "Stories need the synthetic data: your file does not have the columns that say who "
            "referred, what was found and earlier contacts. You can still see who is flagged."
        )

    if selected is not None:
        position = vignettes.position_of(grid, selected)
        row = frame.iloc[[position]]
        st.header(labels[selected], anchor=False)
        if stories:
            # Closed until the person chooses to read it (the content note above says why).
            with st.expander(vignettes.STORY_LABEL, icon=":material/menu_book:"):
                st.markdown(" ".join(vignettes.story(row.iloc[0])))
        score = float(scores[position])
        if yes_no:
            st.markdown(vignettes.yes_no_score_sentence(score >= threshold, model_name=name))
        else:
            st.markdown(
                vignettes.score_sentence(
                    score, threshold, model_name=name, analyst=shell.analyst_view()
                )
            )
        if stories and is_rule:
            st.markdown(vignettes.rule_sentence(int(row["previous_referrals"].iloc[0])))
        elif stories and cohort.source == "sample":
            explanation = loaders.structured_model(cohort.bias)
            st.subheader("What pushed the score up or down", anchor=False)
            if model != "structured":
                st.markdown(
                    vignettes.tick_box_note(
                        float(explanation.score(row)[0]), threshold, analyst=shell.analyst_view()
                    )
                )
            pushes = explanations.contributions(explanation, row)
            st.info(explanations.PUSH_MEANING, icon=":material/info:")
            st.markdown(explanations.contribution_sentence(pushes))
            chart.show(
                charts.contribution_bars(pushes, analyst=shell.analyst_view()),
                key="children_pushes",
                summary=explanations.push_summary(pushes),
            )
            if shell.analyst_view():
                st.caption(
                    "Each push is coefficient × encoded value in points on the model's internal "
                    f"scale (log-odds), summed within each feature; the starting point "
                    f"({explanation.intercept:.2f}) plus these gives "
                    f"{float(explanation.logit(row)[0]):.3f}, and the score is "
                    "1 / (1 + exp(−that)). In plain words: big ≥ "
                    f"{explanations.BIG_PUSH}, medium ≥ {explanations.MEDIUM_PUSH} points. They describe "
                    "the model, not causes."
                )
            st.subheader("What would have changed the flag?", anchor=False)
            change = explanations.smallest_change(explanation, row, threshold)
            st.markdown(
                explanations.counterfactual_sentence(
                    change,
                    model_name=shell.model_name(cohort, "structured"),
                    analyst=shell.analyst_view(),
                )
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
