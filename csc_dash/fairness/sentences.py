"""Plain sentences for the fairness charts, and the preset tables shown beside them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csc_dash.fairness.group_rates import per_100
from csc_dash.fairness.presets import PresetCosts, _check_preset
from csc_dash.fairness.rates import UNKNOWN_PRESET, Preset
from csc_dash.markup import markdown_text

# --------------------------------------------------------------------------------------------
# Plain sentences for chart summaries (the page shows them beside each chart)
# --------------------------------------------------------------------------------------------
# They are Markdown: group labels come from the data (an upload's own values), so each one is
# escaped with :func:`_shown` where it enters a sentence.


def _shown(label: object) -> str:
    return markdown_text(label)


def _count_phrase(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool | None:
    """Whether two intervals ``(low, high)`` share any value; None when either is unknown (NaN)."""
    values = np.asarray([*a, *b], dtype=float)
    if np.isnan(values).any():
        return None
    return bool(a[0] <= b[1] and b[0] <= a[1])


def join_names(names) -> str:
    """Group names as a list in a sentence: "Asian", "Not known and Other", "Asian, Black and
    Other". When a name holds a comma (a pair's label, "Girl, Asian"), the names are set apart by
    semicolons, the last by "; and" ("Girl, Asian; and Boy, Black"), so no name runs into the
    next. Each name is escaped for Markdown."""
    shown = [_shown(n) for n in names]
    if len(shown) < 2:
        return "".join(shown)
    if any("," in str(n) for n in names):
        return "; ".join(shown[:-1]) + "; and " + shown[-1]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def describe_rate(table: pd.DataFrame, rate: str, *, what: str) -> str:
    """A short summary of one rate across groups, e.g. for a chart's text alternative.

    ``what`` names the count in plain words, e.g. ``"false alarms"``; values are "in 100". When
    there are two or more groups it names the fewest and the most and says whether their
    intervals overlap (then the gap could be chance).
    """
    frame = per_100(table, rate)
    known = frame[~frame["too_few"] & frame["value"].notna()]
    few = int(frame["too_few"].sum())
    tail = (
        f" {_count_phrase(few, 'group has', 'groups have')} too few referrals to tell."
        if few
        else ""
    )
    if known.empty:
        return f"Every group has too few referrals to tell how many {what} there are."
    if len(known) == 1:
        row = known.iloc[0]
        return f"{_shown(row['label'])}: about {row['value']:.0f} {what} in 100.{tail}"
    low = known.loc[known["value"].idxmin()]
    high = known.loc[known["value"].idxmax()]
    overlap = intervals_overlap((low["low"], low["high"]), (high["low"], high["high"]))
    if overlap is None:
        chance = ""
    elif overlap:
        chance = " Their likely ranges overlap, so the gap between them could be chance."
    else:
        chance = " Their likely ranges do not overlap, so the gap is not likely to be chance alone."
    return (
        f"Fewest {what}: about {low['value']:.0f} in 100, for {_shown(low['label'])}. "
        f"Most {what}: about {high['value']:.0f} in 100, for {_shown(high['label'])}."
        f"{chance}{tail}"
    )


def describe_disparity(table: pd.DataFrame) -> str:
    """A short summary of a :func:`disparity` table.

    A group is called outside the shaded band only when its whole likely range is outside it;
    a group whose best guess is outside but whose range reaches into the band "could be chance".
    """
    ref = table[table["is_reference"]].iloc[0]
    reference = _shown(ref["label"])
    judged = table[~table["too_few"] & ~table["is_reference"] & table["verdict"].notna()]
    if judged.empty:
        return f"Compared with {reference}, no other group has enough referrals to tell."
    verdict = judged["verdict"].astype(str)
    outside = judged.loc[verdict == "outside", "label"].tolist()
    unclear = judged.loc[verdict == "unclear", "label"].tolist()
    if not outside and not unclear:
        return (
            f"Compared with {reference}, every group with enough referrals is inside the "
            "shaded band."
        )
    parts = [f"Compared with {reference},"]
    if outside:
        parts.append(
            f"{'this group is' if len(outside) == 1 else 'these groups are'} outside the shaded "
            f"band, even allowing for chance: {join_names(outside)}."
        )
    else:
        parts.append("no group is clearly outside the shaded band.")
    if unclear:  # the names after a colon: "Not known" must not read as the start of a clause
        one = len(unclear) == 1
        parts.append(
            f"At the best guess, {'this group looks' if one else 'these groups look'} outside "
            f"the band{' too' if outside else ''}: {join_names(unclear)}. But "
            f"{'its likely range reaches' if one else 'their likely ranges reach'} into the "
            "band, so this could be chance."
        )
    return " ".join(parts)


#: The close-enough band in whole words, by how far above the other a rate may be (a band
#: from 1/(1 + f) to 1 + f; other bands are said in whole "in 100").
_FRACTION_WORDS = {2: "a half", 3: "a third", 4: "a quarter", 5: "a fifth", 10: "a tenth"}
BAND_EXAMPLE_BASE = 20  # "if {reference} had 20 false alarms in every 100 flagged ..."


def band_words(band: tuple[float, float]) -> str:
    """The close-enough band in plain words, no decimals: for (0.8, 1.25) "neither group's rate
    is more than a quarter above the other's" (exactly what the band holds: the bigger of the two
    rates is at most 1.25 times the smaller)."""
    low, high = (float(b) for b in band)
    if abs(low * high - 1) < 1e-9 and high > 1:
        k = 1 / (high - 1)
        if abs(k - round(k)) < 1e-9 and round(k) in _FRACTION_WORDS:
            return (
                f"neither group's rate is more than {_FRACTION_WORDS[round(k)]} above the other's"
            )
    return (
        f"a group has from about {100 * low:.0f} to about {100 * high:.0f} for every 100 the "
        "largest group has"
    )


def band_example(band: tuple[float, float], *, reference: str) -> str:
    """The band worked in whole people for one example rate of the reference group."""
    base = BAND_EXAMPLE_BASE
    low, high = base * float(band[0]), base * float(band[1])
    whole = abs(low - round(low)) < 1e-9 and abs(high - round(high)) < 1e-9
    about = "" if whole else "about "
    return (
        f"For example, if {_shown(reference)} had {base} false alarms in every 100 families "
        f"flagged, a group with {about}{low:.0f} to {about}{high:.0f} would be close enough."
    )


def disparity_lead(band: tuple[float, float], *, reference: str) -> str:
    """The words above the disparity chart: what the marks, the band and the scale mean (Markdown;
    ``reference`` is the raw label, escaped here)."""
    shown = _shown(reference)
    return (
        f"Here each group is set beside the largest group, **{shown}**. 1 means the same as "
        f"{shown}, and 2 means twice as many. The shaded band is one common rule for *close "
        f"enough*: {band_words(band)}. {band_example(band, reference=reference)} It is a choice "
        "people make, and you can argue for another one. The line across each mark shows where "
        "the true number probably lies. We only say a group is outside the band when its whole "
        "line is outside it. The scale is drawn so that half as many (1/2) and twice as many (2) "
        "are the same distance from 1."
    )


def band_analyst(band: tuple[float, float]) -> str:
    """The band's exact edges, for the analyst view."""
    return (
        f"Analyst view: the band is a ratio to the reference group's rate from {band[0]:g} to "
        f"{band[1]:g} (inclusive), drawn on a log scale."
    )


def ratio_words(ratio: float) -> str:
    """A group's rate against another's in words, whole numbers only: "about 37% more than",
    "about 3 times as many as", "the same as"; never "the same" for a ratio that is not 1."""
    if ratio != ratio:
        return "not known against"
    if ratio == float("inf"):
        return "far more than"
    if ratio == 1:
        return "the same as"
    if ratio >= 2:
        return f"about {ratio:.0f} times as many as"
    if ratio > 1:
        pct = round(100 * (ratio - 1))
        return "a little more than" if pct == 0 else f"about {pct}% more than"
    pct = round(100 * (1 - ratio))
    if pct == 0:
        return "a little fewer than"
    return "almost none, against" if pct == 100 else f"about {pct}% fewer than"


def ratio_range_words(low: float, high: float) -> str:
    """A ratio's likely range in words, for a chart's hover text."""
    if low != low or high != high:
        return "likely range not known"
    ends = [ratio_words(v).removesuffix(" as").removesuffix(" than") for v in (low, high)]
    return f"probably from {ends[0]} to {ends[1]}"


def change_words(value: float) -> str:
    """A change per 1,000 in whole people: "about 3 fewer", "less than 1 more", "no change"."""
    if value != value:
        return "not known"
    if value == 0:
        return "no change"
    word = "more" if value > 0 else "fewer"
    if abs(value) < 0.5:
        return f"less than 1 {word}"
    return f"about {abs(value):.0f} {word}"


def describe_preset(costs: PresetCosts, preset: Preset) -> str:
    """What a preset changes, in plain words, against one threshold for everyone."""
    _check_preset(preset)
    if preset == "single":
        return "Everyone is judged against the same line. This is the starting point."
    row = costs.overall.loc[preset]

    def change(value: float, one: str, many: str) -> str:
        if value == 0:
            return f"the same number of {many}"
        if abs(value) < 0.5:
            return f"about the same number of {many}"
        word = "more" if value > 0 else "fewer"
        return f"{abs(value):.0f} {word} {one if round(abs(value)) == 1 else many}"

    parts = [
        change(row["change_flagged_per_1000"], "family flagged", "families flagged"),
        change(row["change_false_alarms_per_1000"], "false alarm", "false alarms"),
        change(row["change_missed_per_1000"], "child missed", "children missed"),
    ]
    text = f"For every 1,000 referrals, this means {parts[0]}, {parts[1]} and {parts[2]}."
    groups = costs.by_group[(costs.by_group["preset"] == preset) & ~costs.by_group["too_few"]]
    if not groups.empty:
        missed = groups["change_missed_per_1000"]
        alarms = groups["change_false_alarms_per_1000"]
        if missed.min() <= -0.5:
            best = groups.loc[missed.idxmin()]
            text += (
                f" {_shown(best['label'])} gains most: "
                f"{change(best['change_missed_per_1000'], 'child missed', 'children missed')} "
                "per 1,000."
            )
        if alarms.max() >= 0.5:
            worst = groups.loc[alarms.idxmax()]
            text += (
                f" {_shown(worst['label'])} pays most: "
                f"{change(worst['change_false_alarms_per_1000'], 'false alarm', 'false alarms')} "
                "per 1,000."
            )
    return text


def describe_label_comparison(frame: pd.DataFrame, *, what: str) -> str:
    """Where the recorded outcome and true need disagree most, from :func:`label_comparison`."""
    rec = frame[frame["against"] == "recorded"]
    need = frame[frame["against"] == "need"]
    both = pd.DataFrame(
        {
            "label": rec["label"].to_numpy(),
            "recorded": rec["value"].to_numpy(),
            "need": need["value"].to_numpy(),
            "too_few": rec["too_few"].to_numpy() | need["too_few"].to_numpy(),
        }
    )
    both = both[~both["too_few"] & both["recorded"].notna() & both["need"].notna()]
    if both.empty:
        return "No group has enough referrals to tell."
    gap = (both["recorded"] - both["need"]).abs()
    row = both.loc[gap.idxmax()]
    if round(row["recorded"]) == round(row["need"]):
        return f"The records and true need give about the same number of {what} for every group."
    return (
        f"The biggest gap is for {_shown(row['label'])}: about {row['recorded']:.0f} {what} when we "
        f"check against the records, but {row['need']:.0f} when we check against true need."
    )


def preset_overview(costs: PresetCosts) -> pd.DataFrame:
    """The overall cost of each preset as a small table with plain column names (per 1,000)."""
    o = costs.overall
    return pd.DataFrame(
        {
            "Choice": o["label"].to_numpy(),
            "Flagged": o["flagged_per_1000"].round(0).astype(int).to_numpy(),
            "False alarms": o["false_alarms_per_1000"].round(0).astype(int).to_numpy(),
            "Children missed": o["missed_per_1000"].round(0).astype(int).to_numpy(),
        },
        index=o.index,
    )


_NUMBER_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}
_SHOWN = ("flagged_per_1000", "false_alarms_per_1000", "missed_per_1000")


def preset_overview_note(costs: PresetCosts) -> str | None:
    """Why rows of :func:`preset_overview` show the same numbers as one line for everyone, in
    plain words (Markdown), or ``None`` when no row does.

    The rows are whole people per 1,000. A choice may move the line for several groups and
    still change the totals by less than one referral in every 1,000 (one group's line goes up,
    another's down), so its row rounds to the same numbers. The note says so, from the exact
    counts, so that a reader does not take the same numbers for a fault.
    """
    o = costs.overall
    if "single" not in o.index:
        return None
    base = o.loc["single"]
    same = [p for p in o.index if p != "single" and all(o.loc[p, c] == base[c] for c in _SHOWN)]
    if not same:
        return None
    n = float(base["tp"] + base["fp"] + base["fn"] + base["tn"])
    by_group = costs.by_group
    moved = [
        p
        for p in same
        if (
            by_group.loc[by_group["preset"] == p, "threshold"].to_numpy()
            != by_group.loc[by_group["preset"] == "single", "threshold"].to_numpy()
        ).any()
    ]

    def counts(row) -> tuple[float, float, float]:  # flagged, false alarms, missed
        return float(row["tp"] + row["fp"]), float(row["fp"]), float(row["fn"])

    exact = max(
        abs(a - b) * 1000 / n
        for p in same
        for a, b in zip(counts(o.loc[p]), counts(base), strict=True)
    )
    count = len(same)
    lead = (
        f"**Why are some rows the same?** {_NUMBER_WORDS.get(count, str(count))} other "
        f"{'choice gives' if count == 1 else 'choices give'} the same numbers as one line for "
        "everyone."
    )
    if not moved:
        return lead + (
            " Here they leave every group on the same line. Each group has too few referrals "
            "to tell, or is already as close as its line can get."
        )
    size = (
        "by less than 1 in every 1,000 referrals"
        if exact < 1
        else "too little to show in whole numbers out of 1,000"
    )
    return lead + (
        f" {'It moves' if count == 1 else 'They move'} the line for some groups: pick "
        f"{'it' if count == 1 else 'one'} above to see who gains and who loses. But in all, each "
        f"number changes {size}. So out of 1,000 the numbers stay the same."
    )


def preset_changes(costs: PresetCosts, preset: Preset) -> pd.DataFrame:
    """One preset's rows of ``costs.by_group``: who gains or loses against one threshold."""
    _check_preset(preset)
    rows = costs.by_group[costs.by_group["preset"] == preset]
    if rows.empty:
        raise ValueError(
            UNKNOWN_PRESET.format(preset=preset, choices=", ".join(costs.overall.index))
        )
    return rows
