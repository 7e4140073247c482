"""The words of Root causes' last part, "Our made-up council": its gradient by tenth of
deprivation and the prevention what-if, from :mod:`csc_dash.neighbourhoods`, in whole people
(per 1,000, never decimals in the plain view; the exact sum is for the analyst view).

Pure functions (no Streamlit); :mod:`csc_dash.root_causes` names them for the page.
"""

from __future__ import annotations

import pandas as pd

from csc_dash.neighbourhoods import WhatIf, decile_ratio

#: Said beside what assessments found by neighbourhood: a box counts what was written down.
RECORDING_CAVEAT = (
    "Careful: these boxes count what workers wrote down, not what families lived with. "
    "Families in poorer areas are seen more by services, so more of their worries get written "
    "down. Part of the gap may be who gets seen, not who needs help."
)

MADE_UP_NOTICE = (
    "Everything in this part is **made up** (synthetic), unlike the real council figures in the "
    "other parts. No real child or family is shown."
)


def _per_1000_pair(a: float, b: float) -> tuple[str, str]:
    """Two shares as whole "in every 1,000", the second said as "a little more/fewer" when both
    round to the same number but are not the same (rounding never makes them look equal)."""
    first, second = round(1000 * a), round(1000 * b)
    if first != second or a == b:
        return f"{first}", f"{second}"
    return f"about {first}", f"a little {'fewer' if b < a else 'more'}"


def what_if_sentences(what: WhatIf, *, reduction_percent: int) -> list[str]:
    """The prevention what-if in words: what was found, then what the sum gives (Markdown),
    in whole people per 1,000 and whole people fewer."""
    with_it, without_it = _per_1000_pair(what.recorded_with, what.recorded_without)
    return [
        f"In these neighbourhoods, {what.with_factor:,} of {what.referrals:,} referrals found "
        f"domestic abuse. Of those, {with_it} in every 1,000 went on to a recorded plan or care, "
        f"against {without_it} in every 1,000 without it.",
        f"Say {reduction_percent}% of them had no domestic abuse. Then we would expect "
        f"**{_fewer(what.recorded_fewer)} recorded plans or care** in five years. "
        f"And {_fewer(what.need_fewer)} children would truly need one.",
    ]


def _fewer(count: float) -> str:
    """ "about 12 fewer", "less than 1 fewer", "no fewer" (or "more" for a negative count)."""
    word = "fewer" if count >= 0 else "more"
    if count == 0:
        return "no fewer"
    if abs(count) < 0.5:
        return f"less than 1 {word}"
    return f"about {abs(count):,.0f} {word}"


def referral_ratio_sentence(gradient: pd.DataFrame) -> str:
    """How many times as often the most deprived tenth was referred as the least deprived."""
    ratio = decile_ratio(gradient, "referrals_per_10k")
    if ratio != ratio:
        return "There are too few referrals in the least deprived tenth to compare the two."
    return (
        f"Children in the most deprived tenth were referred about **{ratio:.0f} times as often** "
        "as children in the least deprived tenth."
    )


def need_sentence(gradient: pd.DataFrame, *, per: int = 1_000) -> str:
    """True need against what was recorded, in the most deprived tenth, in whole children per
    ``per`` a year (the gradient is per 10,000)."""
    first = gradient.sort_values("deprivation_decile").iloc[0]
    scale = per / 10_000
    return (
        f"In the most deprived tenth, about **{first['need_per_10k'] * scale:.0f} in every "
        f"{per:,} children a year** truly needed a plan or care. Only about "
        f"**{first['recorded_per_10k'] * scale:.0f}** had one recorded."
    )


def what_if_sum(what: WhatIf) -> str:
    """The what-if's arithmetic worked in whole people, with its own numbers (the exact sum is
    :func:`what_if_sum_analyst`). When rounding the parts moves the answer, it says so."""
    percent = round(100 * what.reduction)
    exact = what.reduction * what.with_factor
    moved = round(exact)
    about = "" if abs(exact - moved) < 1e-9 else "about "
    with_it = round(1000 * what.recorded_with)
    without_it = round(1000 * what.recorded_without)
    gap = with_it - without_it
    result = moved * gap / 1000
    text = (
        f"Of the {what.with_factor:,} referrals with domestic abuse, {percent}% is {about}"
        f"{moved:,}. Say they now look like referrals without it. With domestic abuse, "
        f"{with_it} in every 1,000 went on to a plan or care. Without it, {without_it} in every "
        f"1,000 did. That is a gap of {gap} in every 1,000. So {moved:,} × {gap} ÷ 1,000 gives "
        f"{_fewer(result)} plans or care."
    )
    if _fewer(result) != _fewer(what.recorded_fewer):
        text += f" Before the numbers are rounded, the sum gives {_fewer(what.recorded_fewer)}."
    return text


def what_if_sum_analyst(what: WhatIf) -> str:
    """The what-if's arithmetic with its exact shares, for the analyst view."""
    return (
        "Fewer = (share who fell) × (referrals with domestic abuse) × "
        "(rate with it − rate without it). "
        f"Here: {what.reduction:.2f} × {what.with_factor:,} × "
        f"({what.recorded_with:.3f} − {what.recorded_without:.3f}) = {what.recorded_fewer:.1f}."
    )


def what_if_labels(table: pd.DataFrame, *, per: int = 1_000, counts: bool = False) -> list[str]:
    """The what-if bars' numbers (a :meth:`WhatIf.table`, per 10,000 a year) as whole numbers
    per ``per`` (with ``counts``: whole children over the five years); an "after" that rounds to
    its "now" but is lower reads "a little less", so the bars never claim the what-if changes
    nothing when it does."""
    values = table["count"] if counts else table["per_10k"] * (per / 10_000)
    table = table.assign(per_10k=values)
    now = dict(
        zip(
            table.loc[table["when"] == "now", "measure"],
            table.loc[table["when"] == "now", "per_10k"],
            strict=True,
        )
    )
    labels = []
    for measure, when, value in zip(table["measure"], table["when"], table["per_10k"], strict=True):
        before = now.get(measure, value)
        if when == "after" and value < before and round(value) == round(before):
            labels.append("a little less")
        else:
            labels.append(f"{value:.0f}")
    return labels
