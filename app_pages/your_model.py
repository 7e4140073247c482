"""Your own model: upload a scored test set, check it, run every page on it, download a summary.

The file lives only in this browser session (session state): it is never written to disk and
never passed to a cached function, so no other session can see it.
"""

import pandas as pd
import streamlit as st

from csc_dash import atrs, config, markup, tables, tradeoffs, transparency
from csc_dash import cohort as cohort_mod
from csc_dash.ui import accounts, loaders, shell, state
from csc_dash.ui.tradeoffs_widgets import line_words
from csc_dash.ui.workshop import decisions, session

UPLOADER_KEY = "your_model_file"
#: The limits, in plain words, under the list of what a file needs.
LIMITS = (
    f"Limits: the file can be up to {config.max_upload_mb():,} MB, with up to "
    f"{cohort_mod.MAX_COLUMNS:,} columns. Rows times columns can be up to "
    f"{cohort_mod.MAX_CELLS // 1_000_000:,} million. That is 1,000,000 referrals with 20 columns."
)
# loaders.sweep keeps an uploaded cohort's threshold tables here, keyed by id(); a new or
# cleared upload must not find the old tables.
_SWEEPS_KEY = "csc_upload_sweeps"


def _forget_check() -> None:
    state.put(state.UPLOAD_CHECK, None)


def _use_candidate() -> None:
    check = state.get(state.UPLOAD_CHECK) or {}
    candidate = check.get("candidate")
    if candidate is None:
        return
    state.put(state.UPLOAD, candidate)
    state.put(state.MODEL, candidate.models[0])
    state.put(state.THRESHOLD, None)  # the first page visited sets it from the new scores
    st.session_state.pop(_SWEEPS_KEY, None)


def _clear_upload() -> None:
    state.put(state.UPLOAD, None)
    state.put(state.MODEL, state.DEFAULTS[state.MODEL])
    state.put(state.THRESHOLD, None)
    st.session_state.pop(_SWEEPS_KEY, None)
    _forget_check()


shell.page_header(
    "Your own model",
    "Bring your own model's scores on a test set, and every page of this app will use them. "
    "The file stays in this browser tab only. It is never saved, and it is gone when you close "
    "the tab or go back to the made-up council.",
)

current = loaders.current_cohort()
if current.source == "upload":
    facts = current.summary()
    st.success(
        f"Every page now uses your test set: **{facts['referrals']:,} referrals**, of which "
        f"**{facts['escalated']:,}** went on to a plan or care.",
        icon=":material/check_circle:",
    )
    st.button(
        "Go back to the made-up council",
        on_click=_clear_upload,
        icon=":material/undo:",
        key="your_model_clear",
    )

st.header("1. Choose a file", anchor=False)
st.markdown(
    "Choose a CSV file with one row for each referral. Use a test set that your model did not "
    "learn from. The file needs:\n"
    "- an **outcome** column. Put 1, yes or true if the child went on to a child protection plan "
    "or care. Put 0, no or false if not.\n"
    "- one or more **score** columns. A higher score means more worry. Scores from 0 to 1 are "
    "used as they are. Other scales, such as bands 1 to 20, are turned into ranks.\n"
    f"- up to {cohort_mod.MAX_GROUP_COLUMNS} **group** columns, such as age band or ethnicity. "
    f"Each can have up to {cohort_mod.MAX_GROUP_VALUES} groups.\n"
    "- a **date** column, if you have one. We use it to count the months.\n\n"
    "Put commas or semicolons between the columns, and save the text as UTF-8. At least "
    f"{cohort_mod.MIN_EACH_OUTCOME} referrals must have gone on to a plan or care, and at least "
    f"{cohort_mod.MIN_EACH_OUTCOME} must not."
)
st.caption(LIMITS)
uploaded = st.file_uploader(
    "Scored test set (CSV)",
    type=["csv", "txt"],
    key=UPLOADER_KEY,
    on_change=_forget_check,
    max_upload_size=config.max_upload_mb(),
)

check = state.get(state.UPLOAD_CHECK) or {}
if uploaded is not None and check.get("file_id") != uploaded.file_id:
    check = {"file_id": uploaded.file_id, "guess": None, "problem": None, "candidate": None}
    try:
        check["guess"] = cohort_mod.guess_columns(uploaded.getvalue())
    except cohort_mod.CohortError as exc:
        check["problem"] = str(exc)
    state.put(state.UPLOAD_CHECK, check)

# The steps keep their numbers before a file is chosen: step 2 says what it will hold.
st.header("2. Which column is which?", anchor=False)
if uploaded is None:
    st.caption("Choose a file first. Then we guess which column is which, and you can check it.")
else:
    guess = check.get("guess")
    if guess is not None:
        st.caption(
            f"{guess.rows:,} rows and {len(guess.columns)} columns. "
            "We have made a guess; check it and change what is wrong."
        )
        columns = list(guess.columns)
        suffix = uploaded.file_id
        with st.form(f"your_model_map_{suffix}"):
            outcome = st.selectbox(
                "Outcome (1 = went on to a plan or care)",
                columns,
                index=columns.index(guess.outcome) if guess.outcome in columns else None,
                placeholder="Choose the outcome column",
                key=f"your_model_outcome_{suffix}",
            )
            scores = st.multiselect(
                "Scores (one column for each model)",
                columns,
                default=list(guess.scores),
                key=f"your_model_scores_{suffix}",
            )
            groups = st.multiselect(
                "Groups to split mistakes by (such as age band or ethnicity)",
                columns,
                default=list(guess.groups),
                key=f"your_model_groups_{suffix}",
            )
            # "" stands for "no date column" (no column is called ""; blank names are renamed).
            date = st.selectbox(
                "Referral date (optional)",
                ["", *columns],
                index=(["", *columns].index(guess.date) if guess.date in columns else 0),
                format_func=lambda c: c or "No date column",
                key=f"your_model_date_{suffix}",
            )
            submitted = st.form_submit_button("Check this file", type="primary")
        if submitted:
            check = {**check, "problem": None, "candidate": None}
            try:
                check["candidate"] = cohort_mod.load_scored_csv(
                    uploaded.getvalue(),
                    outcome=outcome,
                    scores=scores,
                    groups=groups,
                    date=date or None,
                )
            except cohort_mod.CohortError as exc:
                check["problem"] = str(exc)
            state.put(state.UPLOAD_CHECK, check)

    if check.get("problem"):
        st.error(markup.markdown_text(check["problem"]), icon=":material/error:")

    candidate = check.get("candidate")
    if candidate is not None and candidate is state.get(state.UPLOAD):
        st.caption(":material/check: This file is the test set in use.")
    elif candidate is not None:
        facts = candidate.summary()
        st.success("This file can be used.", icon=":material/check_circle:")
        cols = st.columns(4)
        cols[0].metric("Referrals", f"{facts['referrals']:,}")
        cols[1].metric("Went on to a plan or care", f"{facts['escalated']:,}")
        cols[2].metric(
            "Per 1,000 referrals", tradeoffs.per_1000(facts["escalated"], facts["referrals"])
        )
        cols[3].metric("Months spanned", f"{facts['months']:g}")
        # A real table; its cells read Markdown, so each column name is escaped to show as typed.
        ((_title, used_as),) = tables.narrow_tables(
            pd.DataFrame(
                {
                    "Column": [*candidate.models, *map(candidate.label, candidate.group_columns)],
                    "Used as": ["score"] * len(candidate.models)
                    + ["group"] * len(candidate.group_columns),
                }
            )
        )
        st.table(used_as, hide_index=True)
        for notice in candidate.notices:
            st.info(markup.markdown_text(notice), icon=":material/info:")
        st.button(
            "Use this test set",
            type="primary",
            on_click=_use_candidate,
            icon=":material/play_arrow:",
            key="your_model_use",
        )

st.header("3. A one-page summary to share", anchor=False)
cohort = loaders.current_cohort()
model = loaders.current_model(cohort)
threshold = loaders.current_threshold(cohort, model)
st.markdown(
    f"A page in plain words that you can print. It is for the tool chosen in the side bar "
    f"(**{shell.model_label(cohort, model)}**). Now {line_words(cohort, model)}. "
    "The page says how many of every 1,000 referrals are flagged. It says how many of them are "
    "false alarms, and how many children are missed. It says on whom the mistakes fall, and "
    "what the numbers cannot tell."
)
st.download_button(
    "Download the summary (HTML)",
    data=lambda: transparency.transparency_summary_html(
        cohort, model=model, threshold=threshold, n_boot=transparency.suggested_n_boot(len(cohort))
    ),
    file_name="transparency-summary.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/download:",
    key="your_model_summary",
)

st.header("4. A draft record for the UK transparency standard", anchor=False)
st.markdown(
    "Councils in the UK can say in public which tools they use, and how. The form for this is "
    "the Algorithmic Transparency Recording Standard. We fill in what this test set can tell: "
    "how well the tool does, for each group, and the line now in use. You can add what a "
    "workshop decided. A person at the council must write the rest."
)
rationale = st.text_area(
    "Why this line? (optional, goes into the record)",
    max_chars=2000,
    placeholder="For example: this is how many referrals two workers can look at again each week.",
    **state.bound(state.ATRS_RATIONALE),  # kept when they look at another page and come back
)
# Read now, not when a button is pressed: the download carries what the page says.
engagement = decisions.record_engagement(
    accounts.current_roles(), accounts.username(), demo_mode=session.demo_mode()
)


def _atrs_record() -> tuple[dict, transparency.TransparencyFigures]:
    figures = transparency.transparency_figures(
        cohort, model=model, threshold=threshold, n_boot=transparency.suggested_n_boot(len(cohort))
    )
    return atrs.atrs_record(figures, rationale=rationale, engagement=engagement), figures


# One row that wraps: a narrow screen puts the buttons under each other, never cutting a label.
downloads = st.container(horizontal=True)
downloads.download_button(
    "Download the draft record (web page)",
    data=lambda: atrs.atrs_html(*_atrs_record()),
    file_name="transparency-record-draft.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/download:",
    key="your_model_atrs_html",
)
downloads.download_button(
    "Download the draft record (JSON)",
    data=lambda: atrs.atrs_json(_atrs_record()[0]),
    file_name="transparency-record-draft.json",
    mime="application/json",
    on_click="ignore",
    icon=":material/download:",
    key="your_model_atrs_json",
)
st.markdown("**Still to be written by the council:**")
st.markdown(
    "\n".join(f"- {prompt}" for prompt in atrs.prompts_left(rationale, engagement=engagement))
)
