"""The Trade-offs page's sentences: people per 1,000 in plain words, and the analyst notes.

Built from the figures of :mod:`csc_dash.tradeoffs` and :mod:`csc_dash.line`; tools' names
are escaped here, since an uploaded file names its own tools.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from csc_dash.content.tools import PLAIN_MODEL_NAMES
from csc_dash.markup import markdown_text
from csc_dash.models import MODEL_LABELS
from csc_dash.tradeoffs import KIND_ORDER, PICTURE_EACH, people_counts, per_1000, share_per_1000


def _people(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def summary_sentence(counts: Mapping[str, int], *, n: int = 1000) -> str:
    """One plain sentence for the four kinds out of ``n`` referrals (from :func:`people_counts`)."""
    flagged = counts["true_alarm"] + counts["false_alarm"]
    if flagged == 0:
        return (
            f"Out of every {n:,} referrals, the tool would flag none. "
            f"It would miss {_people(counts['missed'], 'child', 'children')} "
            "who went on to a plan or care."
        )
    return (
        f"Out of every {n:,} referrals, the tool would flag {flagged:,}. "
        f"Of these, {counts['true_alarm']:,} went on to a plan or care and "
        f"{counts['false_alarm']:,} would be false alarms. "
        f"It would miss {_people(counts['missed'], 'child', 'children')} "
        "who did go on to a plan or care."
    )


def council_count(count: int, referrals: int) -> str:
    """A count of referrals as the whole council's number, for the brackets after a figure per
    1,000 (the page speaks of the line per 1,000 first): "952 of the council's 9,724"."""
    return f"{int(count):,} of the council's {int(referrals):,}"


def _referrals(row: Mapping) -> int:
    return int(row["tp"] + row["fp"] + row["fn"] + row["tn"])


def yes_no_sentence(row: Mapping, *, rule: bool) -> str:
    """Why a yes/no tool has no line, and what it flags (``rule``: the current-practice rule):
    per 1,000 first, the council's count in brackets."""
    flagged, n = int(row["flagged"]), _referrals(row)
    what = (
        "This rule has no line to move: it flags every referral with two or more earlier referrals."
        if rule
        else "This tool has no line to move: it only says yes or no, and it flags every "
        "referral it says yes to."
    )
    per = per_1000(flagged, n) if n else 0
    return f"{what} Here that is {per:,} in every 1,000 referrals ({council_count(flagged, n)})."


def cost_sentence(false_alarms_per_child: float, counts: Mapping[str, int]) -> str:
    """What the line chosen by the cost question would mean, per 1,000 referrals."""
    k = false_alarms_per_child
    return (
        f"Say one more child found is worth {k:g} false alarms to you. Then the best line flags "
        f"{counts['true_alarm'] + counts['false_alarm']:,} in every 1,000 referrals. Of these, "
        f"{counts['true_alarm']:,} went on to a plan or care and {counts['false_alarm']:,} are "
        f"false alarms. {_people(counts['missed'], 'child is', 'children are')} missed."
    )


def capacity_sentence(per_month: float, months: float, row: Mapping) -> str:
    """What a capacity of ``per_month`` families means over the referrals shown.

    ``row`` is the sweep's row at the line that fits the capacity. The line is said per 1,000
    first, as its button says it; the council's count and its share a month follow in brackets.
    """
    flagged = int(row["flagged"])
    return (
        f"In {months:g} months you could look again at up to {per_month * months:,.0f} "
        f"families. The line that fits flags {people_counts(row)['flagged']:,} in every 1,000 "
        f"referrals ({council_count(flagged, _referrals(row))}, about {flagged / months:,.0f} "
        "a month)."
    )


def comparison_sentence(frame: pd.DataFrame, *, flagged: int, fixed_by: str | None) -> str:
    """Say how tools compare at the same number flagged, naming the one that finds most.

    The number flagged is said per 1,000 first, as the tools' lines below it are; the council's
    count follows in brackets. Markdown: the tools' names (``frame["label"]`` and ``fixed_by``,
    as :func:`comparison` gives them, raw) are escaped here, since an uploaded file names its
    own tools.
    """
    if len(frame) == 0:
        return "There are no tools to compare."
    top = frame[frame["tp"] == frame["tp"].max()]
    n = _referrals(frame.iloc[0])
    same = f"{per_1000(flagged, n):,} in every 1,000 referrals ({council_count(flagged, n)})"
    why = (
        f"{markdown_text(fixed_by)} can only flag one number: {same}. "
        "So here every tool flags that many."
        if fixed_by
        else f"Every tool here flags the same number: {same}."
    )
    shown = int(top["true_alarm"].iloc[0])
    # Tools that find fewer, but the same number in every 1,000 as shown: "the most" beside
    # an equal figure would read as a contradiction, so they find "about the same".
    alike = frame[frame["true_alarm"].astype(int) == shown]
    names = [markdown_text(name) for name in (alike if len(alike) > len(top) else top)["label"]]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if len(alike) > len(top):
        found = "find about the same number of children who went on to a plan or care"
    else:
        found = ("finds" if len(names) == 1 else "each find") + (
            " the most children who went on to a plan or care"
        )
    return f"{why} Then {who} {found}: {shown:,} in every 1,000 referrals."


def comparison_lines(frame: pd.DataFrame) -> str:
    """Which line each tool is at in the comparison, as a Markdown list (names escaped)."""
    return "\n".join(
        f"- {markdown_text(r['label'])}: its line flags {int(r['flagged_people']):,} in every "
        "1,000 referrals."
        for _, r in frame.iterrows()
    )


def comparison_summary(frame: pd.DataFrame) -> str:
    """The side-by-side bars in one sentence: each tool's people per 1,000 (names escaped)."""
    parts = [
        f"{markdown_text(r['label'])}: {int(r['true_alarm']):,} found, "
        f"{int(r['false_alarm']):,} false alarms, {int(r['missed']):,} missed."
        for _, r in frame.iterrows()
    ]
    return "In every 1,000 referrals. " + " ".join(parts)


def tool_phrase(name: str, *, start: bool = False) -> str:
    """A tool's raw name as it reads inside a sentence (Markdown, escaped here).

    The sample's tools read as "the tick-box data model"; any other name (an upload names its
    own tools) is kept exactly as typed, in quotes: 'the tool "Model A"'. ``start``: at the
    start of a sentence ("The tick-box data model").
    """
    if name in MODEL_LABELS.values() or name in PLAIN_MODEL_NAMES.values():
        phrase = "the " + name[:1].lower() + name[1:]
    else:
        phrase = f'the tool "{markdown_text(name)}"'
    return "The" + phrase[3:] if start else phrase


def line_button_label(counts: Mapping[str, int]) -> str:
    """The label of a "use this line" button, in the words of the sentence beside it
    (``counts`` from :func:`people_counts` at that line): "Flag 95 in every 1,000"."""
    return f"Flag {int(counts['flagged']):,} in every 1,000"


def line_button_help(counts: Mapping[str, int]) -> str:
    """The tooltip of a "use this line" button."""
    return (
        f"Moves the line so that it flags {int(counts['flagged']):,} in every 1,000 referrals, "
        "on this page and on every other page."
    )


def found_sentence(row: Mapping, *, yes_no: bool = False) -> str:
    """At the line: the share of children found and how often a flag is right, in words."""
    found, right = float(row["recall"]), float(row["precision"])
    if found != found or right != right:
        return "This tool flags nobody." if yes_no else "At your line nobody is flagged."
    return (
        f"{'This tool' if yes_no else 'At your line the tool'} finds {found:.0%} of the "
        f"children who went on to a plan or care, and is right {right:.0%} of the times it flags."
    )


def average_precision_words(
    *, average_precision: float, escalated_per_1000: int, tool: str = "this tool"
) -> str:
    """Average precision in whole people per 1,000, against a random guess, for a family.

    Average precision is the share of the flagged who went on to a plan or care, averaged over
    the lines that each find one more such child: said here as that walk down the line.
    ``escalated_per_1000`` is what a random guess gets (how many in every 1,000 referrals went on
    to a plan or care, :func:`csc_dash.tradeoffs.escalated_per_1000`); ``tool`` is a phrase
    (:func:`tool_phrase`), Markdown-ready.
    """
    ap = share_per_1000(average_precision)
    return (
        "Picture moving the line down one referral at a time. Each time it finds another child "
        "who went on to a plan or care, count how many of the flagged went on to a plan or care. "
        f"For {tool} that is about {ap:,} in every 1,000, on average. A random guess would get "
        f"about {escalated_per_1000:,} in every 1,000, because that is how many of all "
        "referrals went on to a plan or care."
    )


def times_a_guess(*, average_precision: float, base_rate: float) -> str:
    """How many times as well as a random guess, in whole times: "about 4 times as well"."""
    if not base_rate > 0 or not average_precision > base_rate:
        return "no better than a random guess"
    times = int(average_precision / base_rate + 0.5)
    if times < 2:
        return "a little better than a random guess"
    return f"about {times} times as well as a random guess"


#: The analyst view's figures beside the plain words of :func:`ranking_sentence`.
RANKING_ANALYST = "In numbers: average precision {ap:.2f}; a random guess gets about {rate:.2f}."


def ranking_sentence(
    *,
    average_precision: float,
    base_rate: float,
    escalated_per_1000: int,
    analyst: bool = False,
) -> str:
    """How well the scores put referrals in order, at every line at once: in whole people per
    1,000 (:func:`average_precision_words`); ``analyst`` adds the figures themselves."""
    if average_precision != average_precision:
        return "No referral went on to a plan or care, so the curve cannot be drawn."
    text = (
        average_precision_words(
            average_precision=average_precision, escalated_per_1000=escalated_per_1000
        )
        + " So this tool does "
        + times_a_guess(average_precision=average_precision, base_rate=base_rate)
        + "."
    )
    if analyst:
        text += " " + RANKING_ANALYST.format(ap=average_precision, rate=base_rate)
    return text


def pr_curve_summary() -> str:
    """The precision–recall chart in one sentence (it shows every line, not one)."""
    return (
        "The chart shows every line at once. Across: how many of the children who went on to a "
        "plan or care are found. Up: how often a flag is right. The dashed line is a random guess."
    )


def yes_no_pr_summary(row: Mapping) -> str:
    """The precision–recall chart of a yes/no tool in one sentence: one point, no curve."""
    return (
        "This tool has one point, not a curve: it finds "
        f"{float(row['recall']):.0%} of the children who went on to a plan or care and is right "
        f"{float(row['precision']):.0%} of the times it flags; the dashed line is a random guess."
    )


#: Under the four figures: what "likely between" means, in plain words.
INTERVAL_NOTE = (
    '"Likely between" is the range we would expect if we looked at other referrals like these.'
)

#: The same, for analysts.
INTERVAL_ANALYST = (
    "Intervals: 95% percentile bootstrap over referrals (2,000 draws, seed 0), drawn from the "
    "multinomial of the four counts, which is what resampling rows does; rounded outwards to "
    "whole people on the plain view. 'Too few to tell' when fewer than 5 referrals fall inside "
    "(or outside) a figure."
)

#: Under the precision–recall chart, for analysts.
PR_ANALYST = (
    "Precision–recall curve from the full threshold sweep (step-wise; thinned to 400 points "
    "for drawing). Average precision equals scikit-learn's average_precision_score; the "
    "dashed line is the base rate, the expected AP of a random score."
)

#: The same for a yes/no tool, which has one operating point and no curve.
YES_NO_PR_ANALYST = (
    "A binary score has one operating point (its precision and recall); every threshold between "
    "its two values gives the same confusion matrix. Average precision of a binary score equals "
    "scikit-learn's average_precision_score; the dashed line is the base rate."
)

#: Each kind's person in the picture (one, many) and what it means (for one, for many).
#: The accessible name of each kind's "Read a story" button: the same visible words first
#: (WCAG 2.5.3, label in name), then which story, so that four buttons are told apart by a screen
#: reader or voice control.
STORY_BUTTON_NAMES = {
    "true_alarm": "Read a story: a child flagged who went on to a plan or care",
    "false_alarm": "Read a story: a false alarm, a child flagged who did not go on to a plan or care",
    "missed": "Read a story: a child missed, not flagged but went on to a plan or care",
    "not_flagged": "Read a story: a child not flagged who did not go on to a plan or care",
}
STORY_BUTTON_TEXT = "Read a story"

PERSON_WORDS = {
    "true_alarm": (
        "solid blue person",
        "solid blue people",
        "stands for referrals that were flagged and went on to a plan or care",
        "stand for referrals that were flagged and went on to a plan or care",
    ),
    "false_alarm": (
        "striped brown person",
        "striped brown people",
        "stands for false alarms",
        "stand for false alarms",
    ),
    "missed": (
        "hollow person with a cross",
        "hollow people with a cross",
        "stands for children missed",
        "stand for children missed",
    ),
    "not_flagged": (
        "thin grey outline",
        "thin grey outlines",
        "stands for referrals not flagged that had no plan or care",
        "stand for referrals not flagged that had no plan or care",
    ),
}


def picture_sentence(picture: Mapping[str, int]) -> str:
    """The people picture in words (``picture`` from :func:`picture_counts`); the browser
    writes the same sentence as the line moves."""
    parts = []
    for kind in KIND_ORDER:
        one, many, is_, are = PERSON_WORDS[kind]
        k = int(picture[kind])
        parts.append(f"{k:,} {one if k == 1 else many} {is_ if k == 1 else are}.")
    return f"Each person stands for {PICTURE_EACH} of the 1,000 referrals. " + " ".join(parts)


def score_line_text(threshold: float) -> str:
    """The score line, for the analyst view only (the plain view speaks of people per 1,000)."""
    return f"Score line: flag when the score is at or above **{float(threshold):.4f}**."
