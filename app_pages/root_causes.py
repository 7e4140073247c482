"""Root causes: real council figures by deprivation, one council against its neighbours, and the
made-up council's own gradient with a prevention what-if."""

import streamlit as st

from csc_dash import population as pop
from csc_dash import root_causes as words
from csc_dash.charts import population as charts
from csc_dash.ui import chart, shell, state
from csc_dash.ui import population_cache as cache
from csc_dash.ui.workshop import save_view

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
CAUSE_WORDS = (
    "Councils with more deprivation have more children in care. "
    "This shows association, not cause."
)
VIEWS = {
    "england": "All councils in England",
    "council": "One council",
    "ranking": "Higher or lower than expected",
    "cohort": "Our made-up council",
}

# Not shell.page_header: its notice says all data are made up, but most of this page is real
# published statistics. The same look (title, lead, info caption) with an honest notice.
st.title("Root causes")
st.markdown(
    "Why do some families need help from children's social care? This page uses **real published "
    "figures** for every council in England. It shows how need for help goes with how poor an "
    "area is. Then it goes back to our made-up council."
)
st.caption(":material/info: " + pop.DATA_NOTICE)
if state.get(state.UPLOAD) is not None:
    st.caption("This page does not use your uploaded test set.")

analyst = shell.analyst_view()

councils = cache.councils()
england = cache.england()
year = pop.latest_year(councils)
choices = pop.council_choices(councils, year)

view = st.radio(
    "What do you want to see?",
    list(VIEWS),
    format_func=VIEWS.get,
    horizontal=True,
    **state.bound(state.ROOT_VIEW),
)
if view not in VIEWS:
    view = "england"

rate = state.get(state.ROOT_RATE)
deprivation = state.get(state.ROOT_DEPRIVATION)
council = state.get(state.ROOT_COUNCIL)
if rate not in pop.RATE_LABELS:
    rate = "cla_rate"
if deprivation not in pop.DEPRIVATION_LABELS:
    deprivation = "imd2019_score"
if council not in choices:
    council = None

# Two pickers a row, short option names: three in a row cut the names off on a tablet.
if view != "cohort":
    top_left, top_right = st.columns(2)
    with top_left:
        rate = st.selectbox(
            "Which figure? (per 10,000 children)",
            list(pop.RATE_LABELS),
            format_func=pop.RATE_LABELS.get,
            **state.bound(state.ROOT_RATE),
        )
    if view == "council":
        council_col = top_right
    else:
        with top_right:
            deprivation = st.selectbox(
                "Measure of deprivation",
                list(pop.DEPRIVATION_LABELS),
                format_func=lambda m: pop.deprivation_label(m, analyst=analyst),
                **state.bound(state.ROOT_DEPRIVATION),
                help="Overall deprivation means how poor an area is: income, jobs, health, housing "
                "and more. Child poverty is the share of children in low-income homes. The 2019 and "
                "2025 scores are worked out differently, so do not compare them."
                + (
                    " IMD: Index of Multiple Deprivation. IDACI: Income Deprivation Affecting "
                    "Children Index (English Indices of Deprivation)."
                    if analyst
                    else ""
                ),
            )
        council_col, _ = st.columns(2)
    with council_col:
        council = st.selectbox(
            "Pick a council",
            list(choices),
            format_func=choices.get,
            index=None,
            placeholder="Type a council's name",
            **state.bound(state.ROOT_COUNCIL),
        )

rate_name = pop.RATE_LABELS[rate]
rate_plain = pop.RATE_PLAIN[rate]
rate_axis = f"{rate_name}, in every 10,000 children"
council_name = choices.get(council) if council else None

# ----------------------------------------------------------------------------- all councils
if view == "england":
    st.header(f"Deprivation and {rate_name.lower()}, {year}")
    link = pop.association(councils, deprivation, rate, year=year)
    points = pop.scatter_points(councils, deprivation, rate, year=year, council=council)
    subject = pop.deprivation_subject(deprivation)
    if not link.enough:
        st.warning(f"Too few councils have both figures ({link.n}), so it is too few to tell.")
    else:
        title = pop.link_sentence(link, subject=subject, outcome=rate_name.lower())
        fig = charts.scatter_with_line(
            points,
            slope=link.slope,
            intercept=link.intercept,
            x_label=pop.deprivation_axis(deprivation, analyst=analyst),
            y_label=rate_axis,
            title=title + (f"\n({pop.link_numbers(link, brief=True)})" if analyst else ""),
        )
        direction = "more" if link.pearson_r > 0 else "fewer"
        st.markdown(f"{subject} had {direction} {rate_plain}, on average. {pop.link_scale(link)}")
        if analyst:
            st.caption(pop.link_numbers(link))
        if council:
            st.markdown(
                f"**{council_name}** is the red star. Its statistical neighbours (councils "
                "most like it) are the blue diamonds."
            )
        chart.show(
            fig,
            key="root_scatter",
            summary=f"Each dot is a council. Further right is more deprived; higher up is more "
            f"{rate_name.lower()} in every 10,000 children.",
        )
        st.markdown(f"**{CAUSE_WORDS}**")
        st.markdown(
            "Poverty puts pressure on families. But poorer areas may also be watched more "
            "closely, and councils record things in different ways. A link between two "
            "numbers does not tell us which causes which."
        )
        missing = pop.missing_measure(councils, deprivation, year=year)
        notes = [
            "City of London and the Isles of Scilly are left out. They are very small, and most "
            "of their figures are hidden to keep people private."
        ]
        if len(missing):
            notes.append(pop.missing_note(missing, analyst=analyst))
        if deprivation.endswith("2025_score"):
            notes.append(
                "For the 21 county councils the 2025 score is a simple average of their districts, "
                "which is only an approximation."
            )
        st.caption(" ".join(notes))
        if analyst:
            st.markdown("**For analysts: the four rates against this deprivation measure**")
            rows = words.association_rows(councils, deprivation, year=year)
            st.dataframe(rows, hide_index=True)
            st.caption(
                "Ecological (area-level) correlations; 95% interval by Fisher's z. Missing values "
                "are left out, never filled in."
            )

# ----------------------------------------------------------------------------- one council
elif view == "council":
    if council is None:
        st.header("One council")
        st.info("Pick a council above to see its figures next to England's and its neighbours'.")
    else:
        summary = pop.council_summary(councils, england, council, rate, year=year)
        st.header(f"{council_name}, {year}")
        st.markdown(words.council_rate_sentence(summary, council_name=council_name, rate=rate))
        st.subheader("Next to its statistical neighbours")
        st.markdown(
            "Statistical neighbours are the ten councils most like this one. The Department "
            "for Education picks them. It looks at things like income, housing and the ages "
            "of children."
        )
        neighbours = words.neighbours_sentence(summary)
        if neighbours:
            st.markdown(neighbours)
        near = pop.neighbour_comparison(councils, england, council, rate, year=year)
        chart.show(
            charts.neighbour_bars(near, x_label=rate_axis),
            key="root_neighbours",
            summary=f"{rate_name} in every 10,000 children: {council_name} (striped, at the top), "
            "its neighbours (blue) and England (black).",
        )

        st.subheader(f"{rate_name} over time")
        series = pop.council_series(councils, england, council, rate)
        change = pop.series_change(series, council_name)
        eng_change = pop.series_change(series, "England")
        st.markdown(words.series_sentence(change, eng_change, council_name=council_name))
        st.caption(
            "Children in care figures start in 2021 in this data. Councils that were formed "
            "or merged start when they began."
        )
        chart.show(
            charts.rate_series(series, council=council_name, y_label=rate_axis),
            key="root_series",
            summary=f"{rate_name} in every 10,000 children, each year. {council_name}: red stars "
            "on a solid line. England: black squares on a dashed line.",
        )

        st.subheader("What assessments found")
        factors = pop.factor_comparison(councils, england, council, year=year)
        biggest = pop.biggest_factor_difference(factors)
        st.markdown(
            "At the end of an assessment, the social worker notes what they found. One "
            "assessment can find several things."
        )
        st.markdown(words.factor_gap_sentence(biggest, council_name=council_name))
        chart.show(
            charts.factor_bars(factors, council=council_name),
            key="root_factors",
            summary=f"For each thing found, {council_name} (striped red) is next to England "
            "(solid black), out of every 100 assessments.",
        )

        st.subheader("Spending on children's social care")
        spend_link = pop.association(councils, "csc_spend_per_child", rate, year=year)
        spend_points = pop.scatter_points(councils, "csc_spend_per_child", rate, year=year, council=council)
        st.markdown(words.spend_sentence(summary, council_name=council_name))
        st.markdown(
            "Councils with more children in care spend more, because care costs a lot. "
            "Spending follows need as much as it shapes it."
        )
        spend_title = pop.link_sentence(
            spend_link, subject="Councils that spend more per child", outcome=rate_name.lower()
        )
        chart.show(
            charts.scatter_with_line(
                spend_points,
                slope=spend_link.slope,
                intercept=spend_link.intercept,
                x_label="Spending per child, £ (2024-25)",
                y_label=rate_axis,
                title=spend_title
                + (f"\n({pop.link_numbers(spend_link, brief=True)})" if analyst else ""),
            ),
            key="root_spend",
            summary=f"Each dot is a council. Further right is more spent per child; higher up is "
            f"more {rate_name.lower()} in every 10,000 children.",
        )

# ----------------------------------------------------------------------------- ranking
elif view == "ranking":
    st.header(f"{rate_name}: higher or lower than expected, {year}")
    st.warning(
        "Be careful with this list. Councils record things in different ways and set different "
        "bars for when to step in. A council high on this list is not doing worse, and one low "
        "on it is not doing better.",
        icon=":material/warning:",
    )
    residuals = pop.deprivation_residuals(councils, rate, deprivation=deprivation, year=year)
    shown = pop.residual_extremes(residuals, n=8, council=council)
    st.markdown(
        f"We drew the straight line that best fits {rate_name.lower()} against deprivation "
        f"across {len(residuals)} councils. The bars show the councils furthest above the "
        "line (striped orange) and furthest below it (solid blue)."
    )
    if council:
        mine = residuals[residuals["new_la_code"] == council]
        st.markdown(
            words.ranking_position_sentence(
                None if mine.empty else mine.iloc[0], council_name=council_name, total=len(residuals)
            )
        )
    chart.show(
        charts.residual_bars(
            shown, council=council, x_label="Above (+) or below (−) the line"
        ),
        key="root_residuals",
        summary="Striped orange bars, to the right: councils above the line. Solid blue bars, to "
        "the left: councils below it. The numbers are in every 10,000 children.",
    )
    st.markdown(
        "**How poor each area is, next to its place on the list.** A higher score means a "
        "poorer area. The other figures are in every 10,000 children."
    )
    st.table(pop.ranking_table(shown, measure=deprivation))
    if analyst:
        st.markdown("**For analysts: every council, ranked by residual (observed − predicted)**")
        st.dataframe(
            residuals[["rank", "la_name", "deprivation", "observed", "predicted", "residual", "residual_pct"]],
            hide_index=True,
        )
        st.caption("Ordinary least squares of the rate on one deprivation score; ties are ordered by council code.")

# ----------------------------------------------------------------------------- made-up council
else:
    bias = state.get(state.BIAS)
    st.header("Our made-up council")
    st.caption(":material/info: " + pop.MADE_UP_NOTICE)
    st.markdown(
        "Now back to our made-up council. We put every neighbourhood in one of ten groups, called "
        "tenths (deciles). Tenth 1 is the most deprived, and tenth 10 the least. Only in a "
        "made-up world can we know which children truly needed help."
    )
    st.subheader("Referrals and need, by neighbourhood")
    gradient = cache.cohort_gradient(bias)
    ratio = pop.decile_ratio(gradient, "referrals_per_10k")
    st.markdown(
        f"Children in the most deprived tenth were referred about **{ratio:.0f} times as "
        "often** as children in the least deprived tenth."
    )
    chart.show(
        charts.cohort_referrals_chart(gradient),
        key="root_cohort_referrals",
        summary="Referrals in every 10,000 children a year, in each tenth. The most deprived "
        "tenth (1) is on the left, and the least deprived (10) on the right.",
    )
    first = gradient.iloc[0]
    st.markdown(
        f"In the most deprived tenth, about **{first['need_per_10k']:.0f} in every 10,000 "
        f"children a year** truly needed a plan or care. Only about "
        f"**{first['recorded_per_10k']:.0f}** had one recorded."
    )
    st.caption("The gap between the bars is need that was never recorded.")
    chart.show(
        charts.cohort_need_chart(gradient),
        key="root_cohort_need",
        summary="In each tenth, true need (striped green bars) is next to what was recorded "
        "(solid blue bars).",
    )

    st.subheader("What assessments found, by neighbourhood")
    factors = cache.factors_by_decile(bias)
    chart.show(
        charts.cohort_factors_heatmap(factors),
        key="root_cohort_factors",
        summary="Each row is one worry found at assessment; each column is a tenth of "
        "neighbourhoods, the most deprived on the left.",
    )
    st.markdown(
        "Each box shows how many children in every 10,000 a year had that worry found at "
        "assessment. The darker the box, the bigger the number. Every worry is more common "
        "in the most deprived neighbourhoods."
    )
    st.warning(pop.RECORDING_CAVEAT, icon=":material/visibility:")

    st.subheader("What if domestic abuse fell?")
    st.info(
        "This is an illustration of the arithmetic, not a forecast. It takes the made-up "
        "numbers at face value and assumes domestic abuse itself causes the gap.",
        icon=":material/calculate:",
    )
    reduction = st.slider(
        "If domestic abuse fell by this much (per cent) in the three most deprived tenths…",
        min_value=0,
        max_value=100,
        step=5,
        **state.bound(state.ROOT_REDUCTION),
    )
    what = cache.what_if(bias, "domestic_abuse", reduction / 100)
    if not what.enough:
        st.warning("Too few referrals to tell.")
    else:
        for sentence in words.what_if_sentences(what, reduction_percent=reduction):
            st.markdown(sentence)
    with st.expander("How the sum works"):
        st.markdown(
            "Fewer = (share who fell) × (referrals with domestic abuse) × "
            "(rate with it − rate without it). "
            f"Here: {reduction / 100:.2f} × {what.with_factor:,} × "
            f"({what.recorded_with:.3f} − {what.recorded_without:.3f}) = "
            f"{what.recorded_fewer:.1f}."
        )
    chart.show(
        charts.what_if_bars(what.table()),
        key="root_what_if",
        summary="Grey bars are as it is now; striped green bars are the what-if, in every 10,000 "
        "children a year.",
    )

st.divider()
st.caption(
    f"{OGL} Sources: Department for Education (children in need, children looked after, "
    "statistical neighbours), Office for National Statistics (population, Census 2021), "
    "Ministry of Housing, Communities and Local Government (spending, Indices of Deprivation)."
)

save_view.save_my_view(
    "root_causes",
    {
        "view": view,
        "rate": rate,
        "deprivation": deprivation,
        "council": council,
        "year": year,
        "bias": state.get(state.BIAS),
        "reduction": state.get(state.ROOT_REDUCTION),
    },
)
