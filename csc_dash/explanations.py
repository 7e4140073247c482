"""What pushed a synthetic child's score, and the smallest change that would have moved the flag.

For the tick-box (structured) model a score is a sum on the log-odds scale, so each feature's
push up or down is exact: :func:`contributions` splits the log-odds into one part per feature,
and :func:`smallest_change` searches a few features for the smallest edit that moves the
referral across the line. Both describe the model, not causes in a family's life.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from csc_dash.content.tradeoff_words import tool_phrase
from csc_dash.facts import ASSESSMENT_FACTOR_LABELS
from csc_dash.markup import markdown_text
from csc_dash.models import LinearExplanation
from csc_dash.synthetic import FACTORS
from csc_dash.vignettes import AGE_WORDS, FEATURE_LABELS, SOURCE_WORDS, join_words

#: What a push means, and what it does not, said beside every "what pushed the score" chart.
PUSH_MEANING = (
    "A push shows how this tool's sums moved the score. It tells you about the tool, not about "
    "the family. Being poor, a family's ethnic group or a parent's health are not reasons a "
    "family needs help. A push only shows what the tool picked up from old records, and old "
    "records can be unfair."
)

#: A push of at least this many points on the log-odds scale is "big" (it multiplies the odds
#: by about 1.65 or more) ...
BIG_PUSH = 0.5

#: ... and of at least this many "medium" (odds times about 1.2); smaller ones are "small".
MEDIUM_PUSH = 0.2


# ---------------------------------------------------------------------------------------------
# What pushed the score


def _value_words(feature: str, value) -> str:
    """This referral's value of a feature, in words."""
    if feature in FACTORS or feature in ("previous_plan", "disability"):
        return "yes" if bool(value) else "no"
    if feature == "age_band":
        return AGE_WORDS.get(str(value), ("", str(value)))[1]
    if feature == "referral_source":
        return SOURCE_WORDS.get(str(value), "not known").rstrip(",").lower()
    if feature == "deprivation_decile":
        return f"{int(value)} of 10 (1 = poorest)"
    return str(value)


def _group(name: str) -> str:
    return name.split("=", 1)[0]


def contributions(
    explanation: LinearExplanation, row: pd.DataFrame, *, drop_zero: bool = True
) -> pd.DataFrame:
    """Each feature's push on the structured model's log-odds for one referral.

    ``intercept + contributions.sum() == explanation.logit(row)``: the starting point plus every
    push gives the score (on the log-odds scale). One-hot columns are summed into their feature,
    so "Age" is one push, not five.

    Parameters
    ----------
    explanation
        The structured model (:class:`csc_dash.models.LinearExplanation`).
    row
        A one-row frame with the model's input columns.
    drop_zero
        Leave out features that do not push at all (a factor not found).

    Returns
    -------
    pandas.DataFrame
        Columns ``feature``, ``label`` (plain name), ``value`` (this referral's value in words)
        and ``contribution``, largest push up first.
    """
    if len(row) != 1:
        raise ValueError(f"Give one referral at a time; got {len(row)} rows.")
    x = explanation.encode(row).iloc[0]
    coef = pd.Series(explanation.coefficients)
    parts = (x * coef).groupby([_group(c) for c in coef.index], sort=False).sum()
    first = row.iloc[0]
    frame = pd.DataFrame(
        {
            "feature": parts.index,
            "label": [FEATURE_LABELS.get(f, f) for f in parts.index],
            "value": [_value_words(f, first[f]) if f in row.columns else "" for f in parts.index],
            "contribution": parts.to_numpy(dtype=float),
        }
    )
    if drop_zero:
        frame = frame[frame["contribution"] != 0]
    frame = frame.assign(
        size=[push_size(v) for v in frame["contribution"]],
        words=[push_words(v) for v in frame["contribution"]],
    )
    return frame.sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True)


def push_size(contribution: float) -> str:
    """ "big", "medium" or "small": the size of a push on the log-odds scale, in words."""
    size = abs(float(contribution))
    return "big" if size >= BIG_PUSH else "medium" if size >= MEDIUM_PUSH else "small"


def push_words(contribution: float) -> str:
    """A push in words, e.g. "big push up" or "small push down" (no numbers)."""
    return f"{push_size(contribution)} push {'up' if contribution > 0 else 'down'}"


def _named(item: Mapping) -> str:
    label = str(item["label"]).lower()
    value = str(item.get("value", ""))
    return f"{label} ({value})" if value else label


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def contribution_sentence(frame: pd.DataFrame) -> str:
    """Name the biggest push up and the biggest push down, and how big each was in words."""
    up = frame[frame["contribution"] > 0]
    down = frame[frame["contribution"] < 0]
    parts = []
    if len(up):
        top = up.iloc[0]
        parts.append(
            f"The biggest push up came from {_named(top)}. It was a {push_size(top['contribution'])} push."
        )
    if len(down):
        low = down.iloc[-1]
        parts.append(
            f"The biggest push down came from {_named(low)}. It was a {push_size(low['contribution'])} push."
        )
    if not parts:
        return "Nothing about this referral pushed the score up or down."
    return " ".join(parts)


def push_summary(frame: pd.DataFrame) -> str:
    """The push chart in words (its text version): every push, one short sentence each, no
    numbers beyond the record's own (a list joined by semicolons read at grade 25+)."""
    if len(frame) == 0:
        return "Nothing about this referral pushed the score up or down."

    def listed(part: pd.DataFrame, way: str) -> list[str]:
        return [
            f"{_capital(str(r['label']).lower())}{': ' + str(r['value']) if r['value'] else ''}. "
            f"A {r['size']} push {way}."
            for _, r in part.iterrows()
        ]

    up = frame[frame["contribution"] > 0]
    down = frame[frame["contribution"] < 0].iloc[::-1]
    return markdown_text(" ".join(listed(up, "up") + listed(down, "down")))


# ---------------------------------------------------------------------------------------------
# What would have changed the flag


@dataclass(frozen=True)
class Change:
    """One feature set to a new value."""

    feature: str
    before: int | bool
    after: int | bool

    @property
    def label(self) -> str:
        return ASSESSMENT_FACTOR_LABELS.get(self.feature, self.feature)


@dataclass(frozen=True)
class Counterfactual:
    """The smallest edit found that moves a referral across the line."""

    changes: tuple[Change, ...]
    score_before: float
    score_after: float
    threshold: float

    @property
    def flagged_before(self) -> bool:
        return self.score_before >= self.threshold

    @property
    def flagged_after(self) -> bool:
        return self.score_after >= self.threshold


def _edited(row: pd.DataFrame, candidates: Sequence[tuple[Change, ...]]) -> pd.DataFrame:
    """One copy of ``row`` per candidate, with that candidate's changes applied."""
    out = row.iloc[np.zeros(len(candidates), dtype=int)].reset_index(drop=True)
    columns = {c.feature for changes in candidates for c in changes}
    values = {f: out[f].to_numpy().copy() for f in columns}
    for i, changes in enumerate(candidates):
        for c in changes:
            values[c.feature][i] = c.after
    for f, v in values.items():
        out[f] = v
    return out


def smallest_change(
    explanation: LinearExplanation,
    row: pd.DataFrame,
    threshold: float,
    *,
    features: Sequence[str] = ("previous_referrals", *FACTORS),
    max_changes: int = 2,
    max_previous: int = 10,
) -> Counterfactual | None:
    """The smallest change to a few features that would have moved the referral across the line.

    A factor switched on or off costs 1; earlier referrals changed by ``d`` cost ``d``. Up to
    ``max_changes`` features change at once. Among edits of equal cost, the one that moves the
    score least is chosen. Scores come from ``explanation`` (the structured model), so
    ``counterfactual.flagged_after != counterfactual.flagged_before`` always holds.

    Returns ``None`` when no edit of this size crosses the line.
    """
    if len(row) != 1:
        raise ValueError(f"Give one referral at a time; got {len(row)} rows.")
    first = row.iloc[0]
    options: list[list[tuple[Change, int]]] = []
    for f in features:
        if f == "previous_referrals":
            now = int(first[f])
            opts = [(Change(f, now, v), abs(v - now)) for v in range(max_previous + 1) if v != now]
        else:
            now = bool(first[f])
            opts = [(Change(f, now, not now), 1)]
        options.append(opts)
    candidates: list[tuple[tuple[Change, ...], int]] = []
    for k in range(1, max_changes + 1):
        for group in combinations(range(len(options)), k):
            picks: list[list[tuple[Change, int]]] = [[]]
            for g in group:
                picks = [p + [o] for p in picks for o in options[g]]
            candidates.extend((tuple(c for c, _ in p), sum(cost for _, cost in p)) for p in picks)
    if not candidates:
        return None
    before_logit = float(explanation.logit(row)[0])
    before = 1.0 / (1.0 + np.exp(-before_logit))
    edited = _edited(row, [c for c, _ in candidates])
    logits = explanation.logit(edited)
    after = 1.0 / (1.0 + np.exp(-logits))
    flips = (after >= threshold) != (before >= threshold)
    if not flips.any():
        return None
    costs = np.array([cost for _, cost in candidates], dtype=float)
    idx = np.flatnonzero(flips)
    best = idx[np.lexsort((np.abs(logits[idx] - before_logit), costs[idx]))[0]]
    return Counterfactual(candidates[best][0], float(before), float(after[best]), float(threshold))


def counterfactual_sentence(
    cf: Counterfactual | None, *, model_name: str, analyst: bool = False
) -> str:
    """The smallest change in words, or that no small change would do it (Markdown;
    ``model_name`` is the tool's raw name, escaped here). The scores before and after as
    numbers only in the ``analyst`` view: a family reads which side of the line it falls."""
    if cf is None:
        return (
            "No small change to earlier referrals or to what the worker found would have "
            "moved this referral across the line."
        )
    parts = []
    for c in cf.changes:
        if c.feature == "previous_referrals":
            parts.append(f"the child had had {c.after} earlier referrals instead of {c.before}")
    added = [c.label for c in cf.changes if c.feature != "previous_referrals" and c.after]
    removed = [c.label for c in cf.changes if c.feature != "previous_referrals" and not c.after]
    if added:
        parts.append(f"the worker had also been worried about {join_words(added)}")
    if removed:
        parts.append(f"the worker had not been worried about {join_words(removed)}")
    outcome = "would have been flagged" if cf.flagged_after else "would not have been flagged"
    condition = parts[0] + "".join(f", and if {p}" for p in parts[1:])
    if not analyst:
        moved = "up to the line or above it" if cf.flagged_after else "down below the line"
        return (
            f"If {condition}, the score from {tool_phrase(model_name)} would have gone {moved}. "
            f"The referral {outcome}."
        )
    return (
        f"If {condition}, {tool_phrase(model_name)} would have given a score of "
        f"{cf.score_after:.3f}, not {cf.score_before:.3f}. The referral {outcome}."
    )
