"""Root causes: real council figures by deprivation, one council against its neighbours, and the
made-up council's own gradient with a prevention what-if.

A thin page: figures from csc_dash.population / neighbourhoods, words from csc_dash.root_causes
and csc_dash.content.root_causes."""

import streamlit as st

from csc_dash import council_table, population
from csc_dash import root_causes as words
from csc_dash.charts import population as charts
from csc_dash.content import root_causes as text
from csc_dash.ui import chart, shell, state
from csc_dash.ui import population_cache as cache
from csc_dash.ui.workshop import save_view

# Not shell.page_header: its notice says all data are made up, but most of this page is real
# published statistics. The same look (title, lead, info caption) with an honest notice.
st.title(text.TITLE)
st.markdown(text.LEAD)
st.caption(":material/info: " + words.DATA_NOTICE)
if state.get(state.UPLOAD) is not None:
    st.caption(text.NOT_YOUR_UPLOAD)

analyst = shell.analyst_view()
# Every rate per 1,000 children (one scale for a family); analysts also get the published
# figures per 10,000 in the council's sentence and their tables.
per = words.RATE_PER

councils = cache.councils()
england = cache.england()
year = council_table.latest_year(councils)
choices = council_table.council_choices(councils, year)

view = st.radio(
    text.VIEW_QUESTION,
    list(text.VIEWS),
    format_func=text.VIEWS.get,
    horizontal=True,
    **state.bound(state.ROOT_VIEW, options=text.VIEWS),
)
if view not in text.VIEWS:
    view = "england"

rate = state.get(state.ROOT_RATE)
deprivation = state.get(state.ROOT_DEPRIVATION)
council = state.get(state.ROOT_COUNCIL)
if rate not in council_table.RATE_LABELS:
    rate = "cla_rate"
if deprivation not in council_table.DEPRIVATION_LABELS:
    deprivation = "imd2019_score"
if council not in choices:
    council = None

# Two pickers a row, short option names: three in a row cut the names off on a tablet.
if view != "cohort":
    top_left, top_right = st.columns(2)
    with top_left:
        rate = st.selectbox(
            text.RATE_PICKER,
            list(council_table.RATE_LABELS),
            format_func=council_table.RATE_LABELS.get,
            **state.bound(state.ROOT_RATE, options=council_table.RATE_LABELS),
        )
    if view == "council":
        council_col = top_right
    else:
        with top_right:
            deprivation = st.selectbox(
                text.DEPRIVATION_PICKER,
                list(council_table.DEPRIVATION_LABELS),
                format_func=lambda m: words.deprivation_label(m, analyst=analyst),
                **state.bound(state.ROOT_DEPRIVATION, options=council_table.DEPRIVATION_LABELS),
                help=text.DEPRIVATION_HELP + (text.DEPRIVATION_HELP_ANALYST if analyst else ""),
            )
        council_col, _ = st.columns(2)
    with council_col:
        council = st.selectbox(
            text.COUNCIL_PICKER,
            list(choices),
            format_func=choices.get,
            index=None,
            placeholder=text.COUNCIL_PLACEHOLDER,
            **state.bound(state.ROOT_COUNCIL),
        )

council_name = choices.get(council) if council else None

# ----------------------------------------------------------------------------- all councils
if view == "england":
    st.header(words.page_words(text.ENGLAND_HEADING, rate=rate, year=year))
    link = population.association(councils, deprivation, rate, year=year)
    points = population.scatter_points(councils, deprivation, rate, year=year, council=council)
    subject = words.deprivation_subject(deprivation)
    if not link.enough:
        st.warning(words.page_words(text.TOO_FEW_COUNCILS, n=link.n))
    else:
        fig = charts.scatter_with_line(
            points,
            slope=link.slope,
            intercept=link.intercept,
            x_label=words.deprivation_axis(deprivation, analyst=analyst),
            y_label=words.page_words(text.RATE_AXIS, rate=rate, per=per),
            title=words.scatter_title(link, subject=subject, rate=rate, analyst=analyst),
            analyst=analyst,
            per=per,
            x_numbers=analyst,  # a score of 10 to 40 means nothing to a family; the title does
        )
        st.markdown(words.link_summary(link, subject=subject, rate=rate))
        if analyst:
            st.caption(words.link_numbers(link))
        if council:
            st.markdown(words.page_words(text.CHOSEN_COUNCIL, council_name=council_name))
        chart.show(
            fig,
            key="root_scatter",
            summary=words.page_words(text.SCATTER_SUMMARY, rate=rate, per=per),
        )
        st.markdown(f"**{text.CAUSE_WORDS}**")
        st.markdown(text.CAUSE_WHY)
        missing = council_table.missing_measure(councils, deprivation, year=year)
        st.caption(words.england_notes(missing, deprivation=deprivation, analyst=analyst))
        if analyst:
            st.markdown(text.ASSOCIATIONS_ANALYST)
            chart.tables(words.association_table(councils, deprivation, year=year))
            st.caption(text.ASSOCIATIONS_NOTE_ANALYST)

# ----------------------------------------------------------------------------- one council
elif view == "council":
    if council is None:
        st.header(text.ONE_COUNCIL)
        st.info(text.PICK_A_COUNCIL)
    else:
        summary = population.council_summary(councils, england, council, rate, year=year)
        st.header(words.page_words(text.COUNCIL_HEADING, council_name=council_name, year=year))
        st.markdown(
            words.council_rate_sentence(
                summary, council_name=council_name, rate=rate, analyst=analyst
            )
        )
        st.subheader(text.NEIGHBOURS_HEADING)
        st.markdown(text.NEIGHBOURS_ARE)
        neighbours = words.neighbours_sentence(summary, per=per)
        if neighbours:
            st.markdown(neighbours)
        near = population.neighbour_comparison(councils, england, council, rate, year=year)
        chart.show(
            charts.neighbour_bars(
                near,
                x_label=words.page_words(text.RATE_AXIS, rate=rate, per=per),
                analyst=analyst,
                per=per,
            ),
            key="root_neighbours",
            summary=words.page_words(
                text.NEIGHBOUR_BARS_SUMMARY, rate=rate, council_name=council_name, per=per
            ),
        )

        st.subheader(words.page_words(text.SERIES_HEADING, rate=rate))
        series = population.council_series(councils, england, council, rate)
        change = population.series_change(series, council_name)
        eng_change = population.series_change(series, council_table.ENGLAND)
        st.markdown(words.series_sentence(change, eng_change, council_name=council_name, per=per))
        st.caption(text.SERIES_NOTE)
        chart.show(
            charts.rate_series(
                series,
                council=council_name,
                y_label=words.page_words(text.RATE_AXIS, rate=rate, per=per),
                analyst=analyst,
                per=per,
            ),
            key="root_series",
            summary=words.page_words(
                text.SERIES_SUMMARY, rate=rate, council_name=council_name, per=per
            ),
        )

        st.subheader(text.FACTORS_HEADING)
        factors = population.factor_comparison(councils, england, council, year=year)
        st.markdown(text.FACTORS_ARE)
        st.markdown(
            words.factor_gap_sentence(
                population.biggest_factor_difference(factors), council_name=council_name
            )
        )
        chart.show(
            charts.factor_bars(factors, council=council_name, analyst=analyst),
            key="root_factors",
            summary=words.page_words(text.FACTOR_BARS_SUMMARY, council_name=council_name),
        )

        st.subheader(text.SPEND_HEADING)
        spend_link = population.association(councils, "csc_spend_per_child", rate, year=year)
        spend_points = population.scatter_points(
            councils, "csc_spend_per_child", rate, year=year, council=council
        )
        st.markdown(words.spend_sentence(summary, council_name=council_name))
        st.markdown(text.SPEND_FOLLOWS_NEED)
        chart.show(
            charts.scatter_with_line(
                spend_points,
                slope=spend_link.slope,
                intercept=spend_link.intercept,
                x_label=text.SPEND_AXIS,
                y_label=words.page_words(text.RATE_AXIS, rate=rate, per=per),
                title=words.scatter_title(
                    spend_link, subject=text.SPEND_SUBJECT, rate=rate, analyst=analyst
                ),
                analyst=analyst,
                per=per,
            ),
            key="root_spend",
            summary=words.page_words(
                text.SCATTER_SUMMARY, rate=rate, across=text.SPEND_ACROSS, per=per
            ),
        )

# ----------------------------------------------------------------------------- ranking
elif view == "ranking":
    st.header(words.page_words(text.RANKING_HEADING, rate=rate, year=year))
    st.warning(text.RANKING_CAREFUL, icon=":material/warning:")
    residuals = population.deprivation_residuals(councils, rate, deprivation=deprivation, year=year)
    shown = population.residual_extremes(residuals, n=8, council=council)
    st.markdown(words.page_words(text.RANKING_LEAD, rate=rate, n=len(residuals)))
    if council:
        st.markdown(
            words.ranking_position_sentence(
                population.council_rank(residuals, council),
                council_name=council_name,
                total=len(residuals),
                per=per,
            )
        )
    chart.show(
        charts.residual_bars(
            shown, council=council, x_label=text.RESIDUAL_AXIS, analyst=analyst, per=per
        ),
        key="root_residuals",
        summary=words.page_words(text.RESIDUAL_SUMMARY, per=per),
    )
    st.markdown(words.page_words(text.RANKING_TABLE_LEAD, per=per))
    st.table(words.ranking_table(shown, measure=deprivation, total=len(residuals), per=per))
    if analyst:
        st.markdown(text.RESIDUALS_ANALYST)
        chart.tables(words.residual_table(residuals))
        st.caption(text.RESIDUALS_NOTE_ANALYST)

# ----------------------------------------------------------------------------- made-up council
else:
    bias = state.get(state.BIAS)
    st.header(text.MADE_UP_HEADING)
    st.caption(":material/info: " + words.MADE_UP_NOTICE)
    st.markdown(text.MADE_UP_LEAD)
    st.subheader(text.REFERRALS_HEADING)
    gradient = cache.cohort_gradient(bias)
    st.markdown(words.referral_ratio_sentence(gradient))
    chart.show(
        charts.cohort_referrals_chart(gradient, per=per),
        key="root_cohort_referrals",
        summary=words.page_words(text.REFERRALS_SUMMARY, per=per),
    )
    st.markdown(words.need_sentence(gradient, per=per))
    st.caption(text.NEED_GAP)
    chart.show(
        charts.cohort_need_chart(gradient, per=per),
        key="root_cohort_need",
        summary=text.NEED_SUMMARY,
    )

    st.subheader(text.HEATMAP_HEADING)
    chart.show(
        charts.cohort_factors_heatmap(cache.factors_by_decile(bias), per=per),
        key="root_cohort_factors",
        summary=text.HEATMAP_SUMMARY,
    )
    st.markdown(words.page_words(text.HEATMAP_READING, per=per))
    st.warning(words.RECORDING_CAVEAT, icon=":material/visibility:")

    st.subheader(text.WHAT_IF_HEADING)
    st.info(text.WHAT_IF_NOT_A_FORECAST, icon=":material/calculate:")
    reduction = st.slider(
        text.WHAT_IF_SLIDER,
        min_value=0,
        max_value=100,
        step=5,
        **state.bound(state.ROOT_REDUCTION, as_value=True),
    )
    what = cache.what_if(bias, "domestic_abuse", reduction)
    if not what.enough:
        st.warning(text.WHAT_IF_TOO_FEW)
    else:
        for sentence in words.what_if_sentences(what, reduction_percent=reduction):
            st.markdown(sentence)
    with st.expander(text.WHAT_IF_HOW):
        st.markdown(words.what_if_sum(what))
        if analyst:
            st.caption(words.what_if_sum_analyst(what))
    table = what.table()
    chart.show(
        charts.what_if_bars(table, labels=words.what_if_labels(table, counts=True), counts=True),
        key="root_what_if",
        summary=text.WHAT_IF_SUMMARY,
    )

st.divider()
st.caption(f"{text.OGL} {text.SOURCES}")

save_view.save_my_view(
    "root_causes",
    {
        "part": view,
        "rate": rate,
        "deprivation": deprivation,
        "council": council,
        "year": year,
        "bias": state.get(state.BIAS),
        "reduction": state.get(state.ROOT_REDUCTION),
    },
)
