"""The words of the Root causes page, written from figures :mod:`csc_dash.population` and
:mod:`csc_dash.neighbourhoods` compute: names of the rates and measures, the links between them
in plain words, and every sentence that carries a number.

Pure functions (no Streamlit): the page calls them and only renders. Every sentence is plain
words at reading grade 8 or below (tests/test_root_causes.py); the words without numbers are in
:mod:`csc_dash.content.root_causes`. Council names come from the published council table, never
from a user; they are escaped for Markdown all the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

from csc_dash.content.root_causes import COUNTY_2025, LEFT_OUT
from csc_dash.council_table import DEPRIVATION_LABELS, RATE_LABELS, check_measure

# The made-up council's sentences, named here too: the page reads every sentence from here.
from csc_dash.made_up_council import MADE_UP_NOTICE as MADE_UP_NOTICE
from csc_dash.made_up_council import RECORDING_CAVEAT as RECORDING_CAVEAT
from csc_dash.made_up_council import need_sentence as need_sentence
from csc_dash.made_up_council import referral_ratio_sentence as referral_ratio_sentence
from csc_dash.made_up_council import what_if_labels as what_if_labels
from csc_dash.made_up_council import what_if_sentences as what_if_sentences
from csc_dash.made_up_council import what_if_sum as what_if_sum
from csc_dash.made_up_council import what_if_sum_analyst as what_if_sum_analyst
from csc_dash.markup import markdown_text
from csc_dash.population import Association, CouncilSummary, association

#: What each rate counts, in plain words.
RATE_PLAIN = MappingProxyType(
    {
        "referral_rate": "referrals to children's social care in the year",
        "cin_rate": "children getting help as a child in need on 31 March",
        "cpp_rate": "children on a child protection plan on 31 March",
        "cla_rate": "children in care (looked after by the council) on 31 March",
    }
)

#: A council's rate as a plain sentence ending, given "about N" children per 1,000.
_RATE_SENTENCE = MappingProxyType(
    {
        "referral_rate": "there were {v} referrals to children's social care for every 1,000 children in the year to 31 March",
        "cin_rate": "{v} in every 1,000 children were getting help as a child in need on 31 March",
        "cpp_rate": "{v} in every 1,000 children were on a child protection plan on 31 March",
        "cla_rate": "{v} in every 1,000 children were in care on 31 March",
    }
)


def whole_words(value: float) -> str:
    """A count or a rate in whole people: "about 8", "fewer than 1", "none"."""
    if value == 0:
        return "none"
    if abs(value) < 0.5:
        return "fewer than 1"
    return f"about {value:,.0f}"


#: The published rates are per 10,000 children. The page reads every rate per 1,000 (one scale
#: for a family, as on every other page; the analyst view shows the same charts with a decimal),
#: and the analyst view adds the published figures per 10,000 beside them and in its tables.
PUBLISHED_PER = 10_000
RATE_PER = 1_000


def in_per(value: float, per: int) -> float:
    """A published rate (per 10,000) as a rate per ``per`` children."""
    return value * per / PUBLISHED_PER


def rate_words(rate: str, per_10k: float) -> str:
    """A rate per 10,000 in plain words, in whole children per 1,000 (e.g. 'about 7 in every
    1,000 children were in care on 31 March'); the exact figure per 10,000 goes beside it."""
    check_measure(rate, RATE_LABELS)
    if per_10k != per_10k:
        return "the figure is not published"
    return _RATE_SENTENCE[rate].format(v=whole_words(per_10k / 10))


#: Each deprivation measure as (what it measures in plain words, its year, the index's own name).
_DEPRIVATION_PARTS = MappingProxyType(
    {
        "imd2019_score": ("Overall deprivation", 2019, "IMD 2019"),
        "idaci2019_score": ("Child poverty", 2019, "IDACI 2019"),
        "imd2025_score": ("Overall deprivation", 2025, "IMD 2025"),
        "idaci2025_score": ("Child poverty", 2025, "IDACI 2025"),
    }
)

#: Where the page's figures come from: the real published ones, and the one made-up part.
DATA_NOTICE = (
    "**The council figures on this page are real.** The government publishes them: the Department "
    "for Education (DfE), the Office for National Statistics (ONS) and the housing ministry "
    "(MHCLG). Anyone may use them under the Open Government Licence. Only the part called **Our "
    "made-up council** is made up (synthetic). No real child or family is shown."
)

def deprivation_label(measure: str, *, analyst: bool = False) -> str:
    """A short name for a deprivation measure that fits a narrow picker.

    Plain words by default ("Child poverty, 2019"); with ``analyst`` the index's own name beside
    them ("Child poverty (IDACI 2019)").
    """
    check_measure(measure, DEPRIVATION_LABELS)
    what, year, index = _DEPRIVATION_PARTS[measure]
    return f"{what} ({index})" if analyst else f"{what}, {year}"


#: What a deprivation measure's axis means in plain words (the plain view draws no score on it:
#: a score of 10 to 40 has no unit a family could read).
_AXIS_PLAIN = MappingProxyType(
    {
        "Overall deprivation": "How deprived the area is, {year} (more →)",
        "Child poverty": "How many children are poor, {year} (more →)",
    }
)


def deprivation_axis(measure: str, *, analyst: bool = False) -> str:
    """An axis title for a deprivation measure, short enough for a chart on a tablet: what it
    means in plain words ("How deprived the area is, 2019 (more →)"), or for analysts the
    score by its name ("IMD 2019 average score → more deprived")."""
    check_measure(measure, DEPRIVATION_LABELS)
    what, year, index = _DEPRIVATION_PARTS[measure]
    if analyst:
        return f"{index} average score → more deprived"
    return _AXIS_PLAIN[what].format(year=year)


def deprivation_subject(measure: str) -> str:
    """The start of a sentence about councils high on a deprivation measure."""
    check_measure(measure, DEPRIVATION_LABELS)
    what = _DEPRIVATION_PARTS[measure][0]
    return (
        "Councils with more child poverty"
        if what == "Child poverty"
        else "Councils with more deprivation"
    )


def strength_word(r: float) -> str:
    """A plain word for the size of a correlation (by its absolute value)."""
    if r is None or math.isnan(r):
        return "too few to tell"
    a = abs(r)
    if a >= 0.6:
        return "strong"
    if a >= 0.4:
        return "moderate"
    if a >= 0.2:
        return "weak"
    return "little or no"


def link_sentence(link: Association, *, subject: str, outcome: str) -> str:
    """An association in words, without r or n symbols.

    ``link_sentence(a, subject="Councils with more deprivation", outcome="children in care")`` ->
    "Councils with more deprivation tend to have more children in care — a strong link across 147
    councils".
    """
    if not link.enough:
        return f"Too few councils ({link.n}) have both figures, so it is too few to tell"
    word = strength_word(link.pearson_r)
    if word == "little or no":
        return (
            f"{subject} do not clearly have more or fewer {outcome} — little or no link across "
            f"{link.n} councils"
        )
    direction = "more" if link.pearson_r > 0 else "fewer"
    return f"{subject} tend to have {direction} {outcome} — a {word} link across {link.n} councils"


#: What each strength of link looks like on the scatter, in words.
LINK_LOOKS = MappingProxyType(
    {
        "strong": "the dots mostly follow the line",
        "moderate": "the dots follow the line, but many sit far from it",
        "weak": "the dots are spread widely around the line",
        "little or no": "the dots do not follow a line",
    }
)


def link_scale(link: Association) -> str:
    """The size of a correlation in plain words, no number (the analyst view has r)."""
    if not link.enough:
        return "There are too few councils to tell how strong the link is."
    word = strength_word(link.pearson_r)
    if word == "little or no":
        return f"There is **little or no** link: {LINK_LOOKS[word]}."
    return f"The link is **{word}**: {LINK_LOOKS[word]}."


def link_numbers(link: Association, *, brief: bool = False) -> str:
    """The statistics of an association for analysts: r with its interval, rho and n.

    ``brief`` gives only "r = 0.70, n = 147 councils" (for a chart title).
    """
    if not link.enough:
        return f"n = {link.n} councils: too few to tell"
    if brief:
        return f"r = {link.pearson_r:.2f}, n = {link.n} councils"
    return (
        f"r = {link.pearson_r:.2f} (95% interval {link.pearson_low:.2f} to {link.pearson_high:.2f}), "
        f"Spearman rho = {link.spearman_rho:.2f}, n = {link.n} councils"
    )


def missing_note(missing: pd.DataFrame, *, analyst: bool = False) -> str:
    """Councils without a figure, each with its reason; plain words unless ``analyst``."""
    if missing.empty:
        return ""
    parts = []
    for name, reason in zip(missing["la_name"], missing["reason"], strict=True):
        parts.append(
            f"{name} ({reason if analyst else reason.replace('IoD2019', 'the 2019 index')})"
        )
    return "These have no figure for how poor the area is. " + " ".join(f"{p}." for p in parts)


RANKING_COLUMNS = (
    "Council",
    "How deprived ({measure})",
    "Its figure",
    "Expected from deprivation",
    "Above or below",
)


def _expected_shown(observed: float, residual: float, per: int) -> int:
    """What deprivation predicts, as shown beside the figure and the gap: the rounded figure
    less the rounded gap, so the three whole numbers add up ("6, expected 10, 3 below" read as a
    mistake). It is within 1 of the exact prediction."""
    return round(in_per(observed, per)) - round(in_per(residual, per))


def ranking_table(
    shown: pd.DataFrame, *, measure: str, total: int, per: int = 1_000
) -> pd.DataFrame:
    """The councils on the ranking chart with their place for deprivation beside them (a council
    is never ranked without it: "12th of 150", 1st the most deprived), in the chart's order,
    plain column names, whole numbers as text.

    ``shown`` is a slice of :func:`deprivation_residuals` (``total`` councils long before it was
    cut); ``measure`` a deprivation measure key; the figures in whole children per ``per``. The
    scores themselves are in the analyst table.
    """
    check_measure(measure, DEPRIVATION_LABELS)
    name = deprivation_label(measure)
    cols = [c.format(measure=name) for c in RANKING_COLUMNS]
    return pd.DataFrame(
        {
            cols[0]: shown["la_name"].astype(str).to_numpy(),
            cols[1]: [f"{ordinal(p)} of {total}" for p in shown["deprivation_place"]],
            cols[2]: [f"{in_per(v, per):.0f}" for v in shown["observed"]],
            cols[3]: [
                f"{_expected_shown(o, r, per)}"
                for o, r in zip(shown["observed"], shown["residual"], strict=True)
            ],
            cols[4]: [
                f"{abs(in_per(r, per)):.0f} {'above' if r >= 0 else 'below'}"
                for r in shown["residual"]
            ],
        }
    ).set_index(cols[0])


def _known(value: float) -> bool:
    return value == value  # NaN is not equal to itself


def council_rate_sentence(
    summary: CouncilSummary, *, council_name: str, rate: str, analyst: bool = False
) -> str:
    """One council's figure next to England's in whole children per 1,000 (Markdown); with
    ``analyst`` the published figure per 10,000 beside each. When both round to the same whole
    number per 1,000 but are not the same, it says which is higher, so rounding never makes them
    look equal."""
    name = markdown_text(council_name)
    if not _known(summary.value):
        return (
            f"This figure is not published for {name}: the numbers are too small and are "
            "hidden to protect privacy."
        )

    def published(value: float) -> str:
        return f" ({value:.0f} per 10,000)" if analyst else ""

    text = (
        f"In {name} ({summary.year}), **{rate_words(rate, summary.value)}**"
        f"{published(summary.value)}. In England, "
        f"{rate_words(rate, summary.england)}{published(summary.england)}."
    )
    if _known(summary.england) and round(summary.value / 10) == round(summary.england / 10):
        if summary.value == summary.england:
            return text + f" So {name} is the same as England."
        side = "above" if summary.value > summary.england else "below"
        return text + f" So {name} is a little {side} England."
    return text


def neighbours_sentence(summary: CouncilSummary, *, per: int = 1_000) -> str | None:
    """How many of the council's statistical neighbours had a higher figure, or ``None``; the
    middle neighbour's figure in whole children per ``per``."""
    if not summary.neighbours_known or not _known(summary.value):
        return None
    return (
        f"{summary.neighbours_higher} of its {summary.neighbours_known} neighbours had a higher "
        f"figure. The middle neighbour had {in_per(summary.neighbour_median, per):.0f} in every "
        f"{per:,}."
    )


def series_sentence(
    change: tuple[int, float, int, float] | None,
    england_change: tuple[int, float, int, float] | None,
    *,
    council_name: str,
    per: int = 1_000,
) -> str:
    """The council's first and last year against England's (from ``population.series_change``),
    in whole children per ``per``."""
    if change is None:
        return "There are no published figures over time for this council."
    first, last = (round(in_per(v, per)) for v in (change[1], change[3]))
    name = markdown_text(council_name)
    if first == last:  # "went from 7 to 7" reads as a mistake
        text = f"{name} stayed at about {first} in every {per:,} from {change[0]} to {change[2]}"
    else:
        text = f"{name} went from {first} in every {per:,} in {change[0]} to {last} in {change[2]}"
    text += " (red stars)."
    if england_change:
        first, last = (round(in_per(v, per)) for v in (england_change[1], england_change[3]))
        moved = f"stayed at about {first}" if first == last else f"went from {first} to {last}"
        text += f" England {moved} (black squares)."
    return text


def factor_gap_sentence(biggest: Mapping | None, *, council_name: str) -> str:
    """The factor found at assessment where the council differs most from England."""
    if biggest is None:
        return "These figures are not published for this council."
    word = "more" if biggest["difference"] > 0 else "less"
    return (
        f"The biggest gap from England is **{biggest['label']}**, found {word} often here. "
        f"{markdown_text(council_name)} found it in {biggest['council_pct']:.0f} of every 100 "
        f"assessments. England found it in {biggest['england_pct']:.0f}."
    )


def spend_sentence(summary: CouncilSummary, *, council_name: str) -> str:
    """What the council spent per child on children's social care, against England."""
    name = markdown_text(council_name)
    if not _known(summary.spend_per_child):
        return f"{name} did not send a complete spending return for 2024-25, so we have no figure."
    return (
        f"{name} spent about **£{summary.spend_per_child:,.0f} per child** on children's social "
        f"care in 2024-25. England: £{summary.england_spend_per_child:,.0f}."
    )


def ranking_position_sentence(
    row: Mapping | None, *, council_name: str, total: int, per: int = 1_000
) -> str:
    """Where the picked council sits against what deprivation predicts (a row of
    ``population.deprivation_residuals``, per 10,000), or why it is not ranked; its figures in
    whole children per ``per``."""
    name = markdown_text(council_name)
    if row is None:
        return (
            f"{name} is not ranked: it has no figure for this rate or for this measure of "
            "deprivation. Try the 2025 measure."
        )
    side = "above" if row["residual"] >= 0 else "below"
    place = int(row["deprivation_place"])
    return (
        f"**{name}** is number {row['rank']} of {total}. Its figure is "
        f"{in_per(row['observed'], per):.0f} in every {per:,}. For deprivation it comes "
        f"{ordinal(place)} of {total} (1st is the most deprived), {place_words(place, total)}. "
        f"From deprivation alone we would expect "
        f"{_expected_shown(row['observed'], row['residual'], per)}. That is "
        f"{abs(in_per(row['residual'], per)):.0f} {side} the line."
    )


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    n = int(n)
    end = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{end}"


def place_words(place: int, total: int) -> str:
    """Where a council's place for deprivation (1 = most deprived, of ``total``) sits, in words:
    "among the most deprived tenth of councils in England", "more deprived than most ..."."""
    if 10 * place <= total:
        return "among the most deprived tenth of councils in England"
    if 10 * (total - place + 1) <= total:
        return "among the least deprived tenth of councils in England"
    if 2 * place < total:  # more councils below it than above it and level with it
        return "more deprived than most councils in England"
    if 2 * (place - 1) > total:
        return "less deprived than most councils in England"
    return "in the middle of councils in England"


def association_rows(councils, deprivation: str, *, year: int) -> list[dict]:
    """For analysts: each of the four rates against one deprivation measure (n, Pearson r with
    its 95% interval, Spearman rho, slope), one row per rate, rounded for the screen."""
    rows = []
    for key, label in RATE_LABELS.items():
        a = association(councils, deprivation, key, year=year)
        rows.append(
            {
                "rate per 10,000": label,
                "n": a.n,
                "Pearson r": round(a.pearson_r, 3),
                "95% interval": f"{a.pearson_low:.2f} to {a.pearson_high:.2f}",
                "Spearman rho": round(a.spearman_rho, 3),
                "slope": round(a.slope, 2),
            }
        )
    return rows


def association_table(councils, deprivation: str, *, year: int) -> pd.DataFrame:
    """:func:`association_rows` as a frame, one row per rate (the rate is the index)."""
    return pd.DataFrame(association_rows(councils, deprivation, year=year)).set_index("rate per 10,000")


# --------------------------------------------------------------------------- the page's sentences


def page_words(
    template: str,
    *,
    rate: str | None = None,
    council_name: str | None = None,
    year: int | None = None,
    n: int | None = None,
    across: str = "more deprived",
    per: int = 1_000,
) -> str:
    """A template of :mod:`csc_dash.content.root_causes` filled in: ``{rate}`` (the rate's short
    name, ``{rate_lower}`` in a sentence), ``{council}`` (escaped for Markdown), ``{year}``,
    ``{n}``, ``{across}`` (what further right means on a scatter) and ``{per}`` (how many
    children a rate is counted in: "1,000" in plain view, "10,000" for analysts)."""
    label = RATE_LABELS[rate] if rate else ""
    return template.format(
        rate=label,
        rate_lower=label.lower(),
        council=markdown_text(council_name) if council_name else "",
        year=year,
        n=n,
        across=across,
        per=f"{per:,}",
    )


def scatter_title(link: Association, *, subject: str, rate: str, analyst: bool) -> str:
    """The title of a scatter of councils: the link in words, its numbers for analysts."""
    title = link_sentence(link, subject=subject, outcome=RATE_LABELS[rate].lower())
    return title + (f"\n({link_numbers(link, brief=True)})" if analyst else "")


def link_summary(link: Association, *, subject: str, rate: str) -> str:
    """What the scatter shows, in words: which way the link goes and how strong it is."""
    direction = "more" if link.pearson_r > 0 else "fewer"
    return f"{subject} had {direction} {RATE_PLAIN[rate]}, on average. {link_scale(link)}"


def england_notes(missing: pd.DataFrame, *, deprivation: str, analyst: bool) -> str:
    """Under the scatter: who is left out, who has no figure, and how the 2025 score was made."""
    notes = [LEFT_OUT]
    if len(missing):
        notes.append(missing_note(missing, analyst=analyst))
    if deprivation.endswith("2025_score"):
        notes.append(COUNTY_2025)
    return " ".join(notes)


#: The columns of every council's residual, for analysts.
RESIDUAL_COLUMNS = (
    "rank",
    "la_name",
    "deprivation",
    "observed",
    "predicted",
    "residual",
    "residual_pct",
)


def residual_table(residuals: pd.DataFrame) -> pd.DataFrame:
    """Every council ranked by residual, for analysts (the columns of :data:`RESIDUAL_COLUMNS`,
    indexed by the council's name)."""
    return residuals[list(RESIDUAL_COLUMNS)].set_index("la_name")

