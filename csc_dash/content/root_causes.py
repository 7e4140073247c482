"""The words of the Root causes page (the sentences that carry a council's figures are built in
:mod:`csc_dash.root_causes`). Plain words, reading grade 8 or below; names with ``ANALYST`` are
for the analyst view. A ``{rate}``, ``{council}``, ``{year}``, ``{n}`` or ``{across}`` is filled
in by :func:`csc_dash.root_causes.page_words`."""

from __future__ import annotations

TITLE = "Root causes"
LEAD = (
    "Why do some families need help from children's social care? This page uses **real published "
    "figures** for every council in England. It shows how need for help goes with how poor an "
    "area is. Then it goes back to our made-up council."
)
NOT_YOUR_UPLOAD = "This page does not use your uploaded test set."
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
SOURCES = (
    "Sources: Department for Education (children in need, children looked after, statistical "
    "neighbours), Office for National Statistics (population, Census 2021), Ministry of Housing, "
    "Communities and Local Government (spending, Indices of Deprivation)."
)

#: The four views of the page, in order (key -> the choice's words).
VIEWS = {
    "england": "All councils in England",
    "council": "One council",
    "ranking": "Higher or lower than expected",
    "cohort": "Our made-up council",
}
VIEW_QUESTION = "What do you want to see?"
#: The figure picker: every rate on the page is per 1,000 children (the label fits a picker half
#: a tablet wide, 36 characters).
RATE_PICKER = "Which figure? (per 1,000 children)"
DEPRIVATION_PICKER = "Measure of deprivation"
DEPRIVATION_HELP = (
    "Overall deprivation means how poor an area is: income, jobs, health, housing and more. Child "
    "poverty is the share of children in low-income homes. The 2019 and 2025 scores are worked out "
    "differently, so do not compare them."
)
DEPRIVATION_HELP_ANALYST = (
    " IMD: Index of Multiple Deprivation. IDACI: Income Deprivation Affecting Children Index "
    "(English Indices of Deprivation)."
)
COUNCIL_PICKER = "Pick a council"
COUNCIL_PLACEHOLDER = "Type a council's name"

#: An axis title for a rate.
RATE_AXIS = "{rate}, in every {per} children"

# -- all councils
ENGLAND_HEADING = "Deprivation and {rate_lower}, {year}"
TOO_FEW_COUNCILS = "Too few councils have both figures ({n}), so it is too few to tell."
CHOSEN_COUNCIL = (
    "**{council}** is the red star. Its statistical neighbours (councils most like it) are the "
    "blue diamonds."
)
SCATTER_SUMMARY = (
    "Each dot is a council. Further right is {across}; higher up is more {rate_lower} in every "
    "{per} children."
)
CAUSE_WORDS = (
    "Councils with more deprivation have more children in care. This shows association, not cause."
)
CAUSE_WHY = (
    "Poverty puts pressure on families. But poorer areas may also be watched more closely, and "
    "councils record things in different ways. A link between two numbers does not tell us which "
    "causes which."
)
LEFT_OUT = (
    "City of London and the Isles of Scilly are left out. They are very small, and most of their "
    "figures are hidden to keep people private."
)
COUNTY_2025 = (
    "For the 21 county councils, the 2025 score is the average of their districts. So it is only "
    "a rough guide."
)
ASSOCIATIONS_ANALYST = "**For analysts: the four rates against this deprivation measure**"
ASSOCIATIONS_NOTE_ANALYST = (
    "Ecological (area-level) correlations; 95% interval by Fisher's z. Missing values are left "
    "out, never filled in."
)

# -- one council
ONE_COUNCIL = "One council"
COUNCIL_HEADING = "{council}, {year}"
NEIGHBOUR_BARS_SUMMARY = (
    "{rate} in every {per} children: {council} (striped, at the top), its neighbours (blue) and "
    "England (black)."
)
SERIES_HEADING = "{rate} over time"
SERIES_SUMMARY = (
    "{rate} in every {per} children, each year. {council}: red stars on a solid line. England: "
    "black squares on a dashed line."
)
FACTOR_BARS_SUMMARY = (
    "For each thing found, {council} (striped red) is next to England (solid black), out of every "
    "100 assessments."
)
PICK_A_COUNCIL = "Pick a council above to see its figures next to England's and its neighbours'."
NEIGHBOURS_HEADING = "Next to its statistical neighbours"
NEIGHBOURS_ARE = (
    "Statistical neighbours are the ten councils most like this one. The Department for Education "
    "picks them. It looks at things like income, housing and the ages of children."
)
SERIES_NOTE = (
    "Children in care figures start in 2021 in this data. Councils that were formed or merged "
    "start when they began."
)
FACTORS_HEADING = "What assessments found"
FACTORS_ARE = (
    "At the end of an assessment, the social worker notes what they found. One assessment can "
    "find several things."
)
SPEND_HEADING = "Spending on children's social care"
SPEND_FOLLOWS_NEED = (
    "Councils with more children in care spend more, because care costs a lot. Spending follows "
    "need as much as it shapes it."
)
SPEND_AXIS = "Spending per child, £ (2024-25)"
SPEND_SUBJECT = "Councils that spend more per child"
SPEND_ACROSS = "more spent per child"

# -- higher or lower than expected
RANKING_HEADING = "{rate}: higher or lower than expected, {year}"
RANKING_LEAD = (
    "We drew the straight line that best fits {rate_lower} against deprivation across {n} "
    "councils. The bars show the councils furthest above the line (striped orange) and furthest "
    "below it (solid blue)."
)
RANKING_CAREFUL = (
    "Be careful with this list. Councils record things in different ways and set different bars "
    "for when to step in. A council high on this list is not doing worse, and one low on it is "
    "not doing better."
)
RESIDUAL_AXIS = "Above (+) or below (−) the line"
RESIDUAL_SUMMARY = (
    "Striped orange bars, to the right: councils above the line. Solid blue bars, to the left: "
    "councils below it. The numbers are in every {per} children."
)
RANKING_TABLE_LEAD = (
    "**How poor each area is, next to its place on the list.** *How deprived* gives each "
    "council's place for deprivation among these councils: 1st is the most deprived. The other "
    "figures are in every {per} children."
)
RESIDUALS_ANALYST = "**For analysts: every council, ranked by residual (observed − predicted)**"
RESIDUALS_NOTE_ANALYST = (
    "Ordinary least squares of the rate on one deprivation score; ties are ordered by council "
    "code. Figures per 10,000 children, as published."
)

# -- our made-up council
MADE_UP_HEADING = "Our made-up council"
MADE_UP_LEAD = (
    "Now back to our made-up council. We put every neighbourhood in one of ten groups, called "
    "tenths (deciles). Tenth 1 is the most deprived, and tenth 10 the least. Only in a made-up "
    "world can we know which children truly needed help."
)
REFERRALS_HEADING = "Referrals and need, by neighbourhood"
REFERRALS_SUMMARY = (
    "Referrals in every {per} children a year, in each tenth. The most deprived tenth (1) is on "
    "the left, and the least deprived (10) on the right."
)
NEED_GAP = "The gap between the bars is need that was never recorded."
NEED_SUMMARY = (
    "In each tenth, true need (striped green bars) is next to what was recorded (solid blue bars)."
)
HEATMAP_HEADING = "What assessments found, by neighbourhood"
HEATMAP_SUMMARY = (
    "Each row is one worry found at assessment; each column is a tenth of neighbourhoods, the "
    "most deprived on the left."
)
HEATMAP_READING = (
    "Each box shows how many children in every {per} a year had that worry found at assessment. "
    "The darker the box, the bigger the number. Every worry is more common in the most deprived "
    "neighbourhoods."
)
WHAT_IF_HEADING = "What if domestic abuse fell?"
WHAT_IF_NOT_A_FORECAST = (
    "This is an illustration of the arithmetic, not a forecast. It takes the made-up numbers at "
    "face value and assumes domestic abuse itself causes the gap."
)
WHAT_IF_SLIDER = "If domestic abuse fell by this much (per cent) in the three most deprived tenths…"
WHAT_IF_TOO_FEW = "Too few referrals to tell."
WHAT_IF_HOW = "How the sum works"
WHAT_IF_SUMMARY = (
    "Grey bars are as it is now; striped green bars are the what-if. Each bar counts children in "
    "the three most deprived tenths over five years."
)
