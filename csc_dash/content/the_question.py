"""Text of 'The question' page: what the tools guess, from what, how they were tested, and how
good a guess is. Every text here is read at Flesch–Kincaid grade 8 or below (tests/test_plain.py)
except the ``ANALYST`` ones, which carry the technical detail for the analyst view.
"""

from __future__ import annotations

import math

from csc_dash.content.tradeoff_words import average_precision_words, times_a_guess, tool_phrase
from csc_dash.models import OUTCOME_WINDOW, TEST_START

__all__ = [
    "ANALYST_DATA",
    "ANALYST_METHOD",
    "AP_ANALYST",
    "LEAD",
    "TESTED",
    "TOOLS",
    "TOOL_KEYS",
    "METRIC_ANALYST",
    "METRIC_RANDOM",
    "METRIC_RANDOM_ANALYST",
    "METRIC_THIS_TOOL",
    "WHAT",
    "ap_sentence",
    "ap_range_sentence",
]

LEAD = (
    "Some councils want a computer tool to help them look at referrals. This page says what "
    "such a tool would guess, what it looks at, and how we checked it."
)

WHAT = (
    "When someone is worried about a child, they can get in touch with children's services. "
    "This is called a referral. A tool gives each referral a score from 0 to 1. "
    "The score is a guess about one thing: will the child get a child protection plan, or "
    "come into care, within a year? A higher score means the tool thinks this is more likely. "
    "The tool does not decide anything. People decide what happens to a family."
)

#: (plain title, plain description) for each tool, in the order the sidebar lists them
#: (:data:`TOOL_KEYS`); the page shows each tool's name for the view in use.
TOOLS: tuple[tuple[str, str], ...] = (
    (
        "Tick-box tool",
        "This tool looks at what workers record by ticking boxes. It sees the child's age, "
        "gender and ethnic group. It sees if the child has a disability. It sees who got in "
        "touch and how poor the area is. It sees past referrals and plans. And it sees what "
        "the worker was worried about, such as neglect or abuse at home.",
    ),
    (
        "Tick-box and notes tool",
        "This tool looks at the same boxes. It also reads the words in the short note a worker "
        "writes about the referral.",
    ),
    (
        "Current rule",
        "This is not a computer model. It flags a child who has had 2 or more referrals before. "
        "Many councils work a bit like this now, so we use it to compare.",
    ),
)

TOOL_KEYS: tuple[str, ...] = ("structured", "text", "rule")

#: The two figures under the sentence: whole people in every 1,000 in the plain view.
METRIC_THIS_TOOL = "This tool, in 1,000"
METRIC_RANDOM = "A random guess, in 1,000"
#: The same two in the analyst view, as average precision.
METRIC_ANALYST = "Average precision"
METRIC_RANDOM_ANALYST = "A random guess"

TESTED = (
    "The tools learned from older referrals, where we already knew what happened in the year "
    "after. Then we tested them on the last two years of referrals. The tools had never seen "
    "these. No family was in both groups. This is how a real council would have to use a "
    "tool: it can only learn from the past, and then it is used on new families."
)

ANALYST_DATA = (
    "Outcome: a child protection plan or becoming looked after within 12 months of the "
    "referral (recorded, not true need). Structured model: logistic regression (C = 0.3) on "
    "one-hot age band, gender, ethnicity, referral source and deprivation decile, 0/1 "
    "disability, previous plan and the nine assessment factors, and previous referrals capped "
    "at 10. Text model: the same design plus TF-IDF of the case note (1–2-grams, min_df 5, "
    "3,000 terms, sublinear tf). Rule: score 1 when previous referrals ≥ 2, else 0."
)

ANALYST_METHOD = (
    f'Time-ordered split ("learning only from earlier cases"): test = referrals from '
    f"{TEST_START:%d %B %Y}; train = referrals before {TEST_START - OUTCOME_WINDOW:%d %B %Y} "
    "(so the 12-month outcome was known when testing began) from families with no referral in "
    "the test period; the year between is used for neither. Scores in this app are the test "
    "period's only."
)

AP_ANALYST = (
    "Average precision = Σ (Rₙ − Rₙ₋₁) Pₙ over thresholds, equal to scikit-learn's "
    "average_precision_score (tests check it). A random score has expected AP equal to the "
    "base rate (prevalence). The interval is a 95% percentile bootstrap over referrals. "
    "The WWCSC pilot's success bar was 0.65; no model in the pilot reached it."
)


#: The analyst view's figures after the plain words of :func:`ap_sentence`.
AP_FIGURES_ANALYST = (
    "In numbers: each tool gets a score from 0 to 1 (its average precision). "
    "{tool} gets {ap:.2f}; a random guess gets about {rate:.2f}."
)


def ap_sentence(
    *,
    model_name: str,
    ap: float,
    base_rate: float,
    escalated_per_1000: int,
    analyst: bool = False,
) -> str:
    """What the chosen tool's average precision means, against guessing at random (Markdown):
    in whole people per 1,000 (:func:`csc_dash.content.tradeoff_words.average_precision_words`,
    as Trade-offs says it); ``analyst`` adds the figures themselves.

    ``model_name`` is the tool's raw name (escaped here); ``escalated_per_1000`` is how many in
    every 1,000 referrals went on to a plan or care, rounded as everywhere else
    (:func:`csc_dash.tradeoffs.per_1000`), so it matches the people on Trade-offs.
    """
    times = times_a_guess(average_precision=ap, base_rate=base_rate)
    text = (
        "How good is a guess? "
        + average_precision_words(
            average_precision=ap,
            escalated_per_1000=escalated_per_1000,
            tool=tool_phrase(model_name),
        )
        + " A tool that put every one of those children first would get 1,000. So it does "
        + times
        + (", but is still far from perfect." if times.startswith(("about", "a little")) else ".")
    )
    if analyst:
        tool = tool_phrase(model_name, start=True)
        text += " " + AP_FIGURES_ANALYST.format(tool=tool, ap=ap, rate=base_rate)
    return text


def ap_range_sentence(low: float, high: float, *, analyst: bool = False) -> str:
    """The uncertainty around average precision, in whole people per 1,000 rounded outwards, or
    that there is too little data to tell; ``analyst`` adds the figures themselves."""
    if low != low or high != high:  # NaN: the bootstrap could not tell
        return "There are too few referrals to say how sure we are about this number."
    text = (
        "With other, similar referrals it could be anywhere from about "
        f"{math.floor(low * 1000 + 1e-9):,} to {math.ceil(high * 1000 - 1e-9):,} in every 1,000"
    )
    return text + (f" (average precision {low:.2f} to {high:.2f})." if analyst else ".")
