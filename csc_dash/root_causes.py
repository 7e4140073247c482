"""The sentences of the Root causes page, written from figures :mod:`csc_dash.population` computes.

Pure functions (no Streamlit): the page calls them and only renders. Every sentence is plain
words at reading grade 8 or below (tests/test_root_causes.py). Council names come from the
published council table, never from a user; they are escaped for Markdown all the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from csc_dash import population as pop
from csc_dash.markup import markdown_text

__all__ = [
    "association_rows",
    "council_rate_sentence",
    "factor_gap_sentence",
    "neighbours_sentence",
    "ranking_position_sentence",
    "series_sentence",
    "spend_sentence",
    "what_if_sentences",
]


def _known(value: float) -> bool:
    return value == value  # NaN is not equal to itself


def council_rate_sentence(summary: pop.CouncilSummary, *, council_name: str, rate: str) -> str:
    """One council's figure next to England's, per 1,000 first (Markdown)."""
    name = markdown_text(council_name)
    if not _known(summary.value):
        return (
            f"This figure is not published for {name}: the numbers are too small and are "
            "hidden to protect privacy."
        )
    return (
        f"In {name} ({summary.year}), **{pop.describe_rate(rate, summary.value)}** "
        f"({summary.value:.0f} per 10,000). In England, "
        f"{pop.describe_rate(rate, summary.england)} ({summary.england:.0f} per 10,000)."
    )


def neighbours_sentence(summary: pop.CouncilSummary) -> str | None:
    """How many of the council's statistical neighbours had a higher figure, or ``None``."""
    if not summary.neighbours_known or not _known(summary.value):
        return None
    return (
        f"{summary.neighbours_higher} of its {summary.neighbours_known} neighbours had a higher "
        f"figure. The middle neighbour had {summary.neighbour_median:.0f} in every 10,000."
    )


def series_sentence(
    change: tuple[int, float, int, float] | None,
    england_change: tuple[int, float, int, float] | None,
    *,
    council_name: str,
) -> str:
    """The council's first and last year against England's (from ``population.series_change``)."""
    if change is None:
        return "There are no published figures over time for this council."
    text = (
        f"{markdown_text(council_name)} went from {change[1]:.0f} in every 10,000 in {change[0]} "
        f"to {change[3]:.0f} in {change[2]} (red stars)."
    )
    if england_change:
        text += f" England went from {england_change[1]:.0f} to {england_change[3]:.0f} (black squares)."
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


def spend_sentence(summary: pop.CouncilSummary, *, council_name: str) -> str:
    """What the council spent per child on children's social care, against England."""
    name = markdown_text(council_name)
    if not _known(summary.spend_per_child):
        return (
            f"{name} did not send a complete spending return for 2024-25, so we have no figure."
        )
    return (
        f"{name} spent about **£{summary.spend_per_child:,.0f} per child** on children's social "
        f"care in 2024-25. England: £{summary.england_spend_per_child:,.0f}."
    )


def ranking_position_sentence(row: Mapping | None, *, council_name: str, total: int) -> str:
    """Where the picked council sits against what deprivation predicts (a row of
    ``population.deprivation_residuals``), or why it is not ranked."""
    name = markdown_text(council_name)
    if row is None:
        return (
            f"{name} is not ranked: it has no figure for this rate or for this measure of "
            "deprivation. Try the 2025 measure."
        )
    side = "above" if row["residual"] >= 0 else "below"
    return (
        f"**{name}** is number {row['rank']} of {total}. Its figure is {row['observed']:.0f} in "
        f"every 10,000, and its deprivation is {row['deprivation']:.1f}. From deprivation alone "
        f"we would expect {row['predicted']:.0f}. That is {abs(row['residual']):.0f} {side} the line."
    )


def what_if_sentences(what: pop.WhatIf, *, reduction_percent: int) -> list[str]:
    """The prevention what-if in words: what was found, then what the sum gives (Markdown)."""
    return [
        f"In these neighbourhoods, {what.with_factor:,} of {what.referrals:,} referrals found "
        f"domestic abuse. Of those, {100 * what.recorded_with:.1f} in 100 went on to a recorded "
        f"plan or care, against {100 * what.recorded_without:.1f} in 100 without it.",
        f"Say {reduction_percent}% of them had no domestic abuse. Then we would expect about "
        f"**{what.recorded_fewer:.0f} fewer recorded plans or care** in five years. "
        f"And {what.need_fewer:.0f} fewer children would truly need one.",
    ]


def association_rows(councils, deprivation: str, *, year: int) -> list[dict]:
    """For analysts: each of the four rates against one deprivation measure (n, Pearson r with
    its 95% interval, Spearman rho, slope), one row per rate, rounded for the screen."""
    rows = []
    for key, label in pop.RATE_LABELS.items():
        a = pop.association(councils, deprivation, key, year=year)
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
