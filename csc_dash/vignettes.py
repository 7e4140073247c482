"""Plain-language stories for synthetic children: which children are shown, in what order, and
each one's story and score in words.

A *vignette* is one synthetic referral told in plain words: how old the child is, who got in
touch, what the worker found, earlier contacts and what happened next. Nothing here describes a
real child: every row comes from :mod:`csc_dash.synthetic`. What pushed a score, and what would
have changed the flag, are in :mod:`csc_dash.explanations`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from csc_dash.content.tradeoff_words import tool_phrase
from csc_dash.facts import ASSESSMENT_FACTOR_LABELS
from csc_dash.markup import markdown_text
from csc_dash.synthetic import FACTORS
from csc_dash.tradeoffs import KIND_ORDER, largest_remainder

#: Columns a frame needs before the app can tell stories from it.
STORY_COLUMNS = (
    "age_band",
    "gender",
    "referral_source",
    "previous_referrals",
    "previous_plan",
    "deprivation_decile",
    "disability",
    *FACTORS,
)

#: Plain names for the structured model's features, grouped (one-hot columns share a name).
FEATURE_LABELS = {
    "age_band": "Age",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "referral_source": "Who got in touch",
    "deprivation_decile": "How poor the area is",
    "disability": "Disability",
    "previous_plan": "Had a plan or care before",
    "previous_referrals": "Earlier referrals",
    **{f: f"Worker found {label}" for f, label in ASSESSMENT_FACTOR_LABELS.items()},
}

AGE_WORDS = {
    "<1": ("a baby", "under one year old"),
    "1-4": ("a young", "aged 1 to 4"),
    "5-9": ("a", "aged 5 to 9"),
    "10-15": ("a", "aged 10 to 15"),
    "16+": ("a", "aged 16 or 17"),
}

_GENDER_WORDS = {"Girl": "girl", "Boy": "boy"}

SOURCE_WORDS = {
    "Police": "The police",
    "School": "The child's school",
    "Health services": "A health worker",
    "Council services": "Another part of the council",
    "Individual": "A member of the public",
    "Other": "Someone else",
    "Other legal agency": "A legal service, such as probation,",
    "Anonymous": "Someone who did not give their name",
    "Education services": "An education service",
    "Housing": "A housing officer",
}

#: Said before any child's story: the stories are made up but may still be hard to read.
CONTENT_NOTE = (
    "Some of these stories talk about abuse, neglect or harm at home. They are made up, but "
    "they may still be hard to read. Each story stays closed until you choose to open it."
)

STORY_LABEL = "Read this child's story (it may talk about abuse or neglect)"


# ---------------------------------------------------------------------------------------------
# Which children, in what order


def has_stories(frame: pd.DataFrame) -> bool:
    """Whether a cohort has the columns needed to tell stories (the synthetic sample does)."""
    return all(c in frame.columns for c in STORY_COLUMNS)


def filter_mask(frame: pd.DataFrame, filters: Mapping[str, Sequence]) -> np.ndarray:
    """Rows whose value in each filtered column is one of the chosen values.

    An empty choice, or a column the frame does not have, does not filter.
    """
    mask = np.ones(len(frame), dtype=bool)
    for column, chosen in filters.items():
        if chosen and column in frame.columns:
            values = frame[column]
            mask &= values.astype(str).isin([str(c) for c in chosen]).to_numpy()
    return mask


def choose_children(
    kinds: np.ndarray,
    *,
    n: int = 100,
    seed: int = 0,
    min_per_kind: int = 10,
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """Positions of about ``n`` referrals to show, with every kind present where possible.

    Up to ``min_per_kind`` of each kind are drawn first (so rare kinds such as children missed
    always appear), then the rest at random. Only rows where ``eligible`` is true are drawn.
    The result is ordered kind by kind, then by position, and is the same for the same
    ``kinds``, ``eligible`` and ``seed``.
    """
    kinds = np.asarray(kinds)
    if n < 0 or min_per_kind < 0:
        raise ValueError("n and min_per_kind must be zero or more.")
    ok = np.ones(len(kinds), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    rng = np.random.default_rng(seed)
    picked: list[np.ndarray] = []
    for kind in KIND_ORDER:
        where = np.flatnonzero((kinds == kind) & ok)
        take = min(len(where), min_per_kind, n)
        picked.append(rng.choice(where, size=take, replace=False) if take else where[:0])
    first = np.concatenate(picked)[:n] if picked else np.array([], dtype=int)
    rest = np.setdiff1d(np.flatnonzero(ok), first)
    more = min(n - len(first), len(rest))
    extra = rng.choice(rest, size=more, replace=False) if more > 0 else rest[:0]
    chosen = np.concatenate([first, extra]).astype(int)
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    order = np.lexsort((chosen, [rank.get(k, len(rank)) for k in kinds[chosen]]))
    return chosen[order]


def filter_options(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[str]]:
    """The values each filter column can take (as text, in a natural order), for the columns
    the frame has."""
    out = {}
    for column in columns:
        if column in frame.columns:
            values = pd.unique(frame[column].dropna())
            out[column] = [str(v) for v in sorted(values, key=_natural)]
    return out


def _natural(value) -> tuple:
    text = str(value)
    order = ("<1", "1-4", "5-9", "10-15", "16+")
    if text in order:
        return (0, order.index(text), text)
    digits = "".join(ch for ch in text.split(" ")[0] if ch.isdigit())
    return (1, int(digits) if digits else 10**6, text)


def child_grid(
    positions: np.ndarray, kinds: np.ndarray, ids: Sequence[str], *, columns: int = 10
) -> pd.DataFrame:
    """The grid of chosen children: ``x, y, kind, number`` (1, 2, ...), ``referral_id`` and a
    plain ``label`` such as "Child 12: false alarm"."""
    if columns < 1:
        raise ValueError(f"columns must be at least 1; got {columns}.")
    positions = np.asarray(positions, dtype=int)
    i = np.arange(len(positions))
    kind = np.asarray(kinds)[positions]
    ids = np.asarray(ids)[positions]
    number = i + 1
    return pd.DataFrame(
        {
            "x": i % columns,
            "y": i // columns,
            "kind": kind,
            "number": number,
            "referral_id": ids,
            "position": positions,
            "label": [
                f"Child {k}: {_KIND_WORDS.get(str(t), t)}"
                for k, t in zip(number, kind, strict=True)
            ],
        }
    )


def referral_ids(frame: pd.DataFrame) -> np.ndarray:
    """Each row's referral id as text (the row number for uploads without ``referral_id``)."""
    if "referral_id" in frame.columns:
        return frame["referral_id"].astype(str).to_numpy()
    return np.arange(len(frame)).astype(str)


def position_of(grid: pd.DataFrame, referral_id: str) -> int:
    """The cohort row position of a child in the grid."""
    match = grid.loc[grid["referral_id"] == referral_id, "position"]
    if len(match) == 0:
        raise KeyError(f"No child {referral_id!r} in the grid.")
    return int(match.iloc[0])


def grid_sentence(grid: pd.DataFrame) -> str:
    """The grid in short sentences: how many children of each kind."""
    counts = grid["kind"].value_counts()
    n = {k: int(counts.get(k, 0)) for k in KIND_ORDER}
    return (
        f"Here are {len(grid):,} children. {n['true_alarm']} were flagged and went on to a plan "
        f"or care. {n['false_alarm']} were false alarms. {n['missed']} were missed. "
        f"{n['not_flagged']} were not flagged and did not go on to a plan or care."
    )


def scale_sentence(row: Mapping) -> str:
    """Why the grid is not to scale, with the real mix of flags at this line.

    ``row`` is the sweep's row at the line (``tp`` and ``fp``); the real mix is given as whole
    children out of 100 flagged (largest remainder, so the two add up to 100).
    """
    lead = "We picked these children so that every kind appears, so this picture is not to scale."
    tp, fp = float(row["tp"]), float(row["fp"])
    if tp + fp == 0:
        return f"{lead} In real life, at this line nobody is flagged."
    true_alarms, false_alarms = (int(v) for v in largest_remainder([tp, fp], 100))
    if false_alarms > true_alarms:
        return (
            f"{lead} In real life, false alarms are far more common: out of every 100 children "
            f"flagged, {true_alarms} went on to a plan or care and {false_alarms} were false alarms."
        )
    return (
        f"{lead} In real life, out of every 100 children flagged, {true_alarms} went on to a plan "
        f"or care and {false_alarms} were false alarms."
    )


_KIND_WORDS = {
    "true_alarm": "flagged, went on to a plan or care",
    "false_alarm": "false alarm",
    "missed": "missed",
    "not_flagged": "not flagged, no plan or care",
}


# ---------------------------------------------------------------------------------------------
# A child's story and score in words


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def story(row: Mapping) -> list[str]:
    """The plain-words story of one synthetic referral, as a list of short sentences (Markdown).

    An uploaded file with the same columns may hold any age group: it is escaped to show as typed.
    """
    article, age = AGE_WORDS.get(
        str(row["age_band"]), ("a", f"in the age group {markdown_text(row['age_band'])}")
    )
    who = _GENDER_WORDS.get(str(row["gender"]), "child")
    if article == "a young" and who in ("girl", "boy"):
        person = f"a young {who} {age}"
    elif article == "a baby":
        person = f"a baby {who} {age}" if who != "child" else f"a baby {age}"
    else:
        person = f"a {who} {age}"
    lines = [f"This is {person}."]
    if bool(row["disability"]):
        lines.append("The child has a disability.")
    source = SOURCE_WORDS.get(str(row["referral_source"]))
    if source is None:
        lines.append("We do not know who got in touch with children's services.")
    else:
        lines.append(f"{source} got in touch with children's services.")
    found = [ASSESSMENT_FACTOR_LABELS[f] for f in FACTORS if bool(row[f])]
    if found:
        lines.append(f"The worker who looked into it was worried about {join_words(found)}.")
    else:
        lines.append("The worker who looked into it found none of the usual worries.")
    previous = int(row["previous_referrals"])
    if previous == 0:
        lines.append("No one had been in touch about this child before.")
    else:
        lines.append(f"Someone had been in touch about this child {_times(previous)} before.")
    if bool(row["previous_plan"]):
        lines.append("The child had a plan or had been in care before.")
    decile = int(row["deprivation_decile"])
    if decile <= 2:
        lines.append("The family lives in one of the poorest parts of the area.")
    elif decile >= 9:
        lines.append("The family lives in one of the best-off parts of the area.")
    if "outcome" in row:
        if int(row["outcome"]) == 1:
            lines.append("Within a year, the child went on to a plan or care.")
        else:
            lines.append("Within a year, the child did not go on to a plan or care.")
        if "need" in row and int(row["need"]) == 1 and int(row["outcome"]) == 0:
            lines.append(
                "In this made-up world we know the child did need that help, "
                "but it was never written down."
            )
    return lines


def score_sentence(
    score: float, threshold: float, *, model_name: str, analyst: bool = False
) -> str:
    """The score against the line, in words (Markdown; ``model_name`` is the tool's raw name,
    escaped here). The score and the line as numbers (0.152, 0.076) only in the ``analyst``
    view: a family reads whole people, never decimals."""
    side = "at or above" if score >= threshold else "below"
    result = "flagged" if score >= threshold else "not flagged"
    if not analyst:
        return (
            f"{tool_phrase(model_name, start=True)} gave this referral a score {side} the line, "
            f"so it is {result}. A flag only means a person should look again."
        )
    return (
        f"{tool_phrase(model_name, start=True)} gave a score of {score:.3f}. The line is at "
        f"{threshold:.3f}. The score is {side} the line, so this referral is {result}. "
        "A flag only means a person should look again."
    )


def yes_no_score_sentence(flagged: bool, *, model_name: str) -> str:
    """What a yes/no tool (the current-practice rule, or an uploaded 0/1 flag) said about one
    referral: it has no score to set against a line (Markdown; raw name, escaped here)."""
    said = "yes, so this referral is flagged" if flagged else "no, so this referral is not flagged"
    return (
        f"{tool_phrase(model_name, start=True)} only says yes or no. It has no score and no line. "
        f"For this child it said {said}. A flag only means a person should look again."
    )


def tick_box_note(score: float, threshold: float, *, analyst: bool = False) -> str:
    """Said when the tool chosen is not the tick-box model: the pushes below explain the
    tick-box model only, which gave this child a different score (as a number in the
    ``analyst`` view only)."""
    side = "at or above" if score >= threshold else "below"
    result = "would flag" if score >= threshold else "would not flag"
    note = (
        "The 'what pushed it' part explains the tick-box model only. The words in a case note "
        "cannot be split up like this. "
    )
    if not analyst:
        return note + (
            f"The tick-box data model gave this child a score {side} the same line, so it "
            f"{result} them."
        )
    return note + (
        f"The tick-box data model gave this child a score of {score:.3f}. That is {side} the "
        f"same line ({threshold:.3f}), so it {result} them."
    )


def rule_sentence(previous_referrals: int) -> str:
    """Why the current-practice rule did or did not flag this child."""
    if previous_referrals >= 2:
        return (
            f"The rule flags a child with 2 or more earlier referrals. This child had "
            f"{previous_referrals}, so the rule flags them. With 1 or none, it would not."
        )
    return (
        f"The rule flags a child with 2 or more earlier referrals. This child had "
        f"{previous_referrals}, so the rule does not flag them. With 2, it would."
    )
