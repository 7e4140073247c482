"""Agreement across the room: group-informed agreement over declared roles, and opinion groups.

**Group-informed agreement** is the formula Pol.is uses to find statements that every group
supports, not only the largest: for a statement, the product over groups of
``(agree + 1) / (seen + 2)``, where ``seen`` counts everyone in the group who voted on it (agree,
disagree or pass) and the ``+1``/``+2`` keep a group that has barely voted from counting as all for
or all against. Here the groups are the roles people declared when they joined (parent, social
worker, ...), not clusters. A product falls as groups are added, so :func:`group_agreement` also
gives its per-group geometric mean ("typical support in each role"), which reads on the same 0–1
scale whatever the number of roles. Where any role present in the room has seen a statement fewer
than :data:`MIN_SEEN` times, or fewer than two roles are present, the figure is not given: "too few
to say" — the exact counts always are.

**Opinion groups** cluster people by how they voted (agree +1, disagree −1, pass or not seen 0):
principal components, then k-means with k chosen by silhouette between 2 and 5, as Pol.is does.
They are exploratory, and only formed where at least :data:`MIN_PEOPLE_FOR_GROUPS` people voted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Below this many people of a role having seen a statement, its group-informed agreement is not given.
MIN_SEEN = 3
#: Opinion groups are only formed from at least this many people who voted.
MIN_PEOPLE_FOR_GROUPS = 20
MAX_OPINION_GROUPS = 5
SEED = 0

TOO_FEW_TO_SAY = "too few to say"
CHOICE_VALUE = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}

VOTE_COLUMNS = ["statement_id", "participant_id", "choice", "role_tag"]
AGREEMENT_COLUMNS = [
    "statement_id",
    "counts",  # role -> (agree, seen)
    "group_agreement",  # the Pol.is product, or NaN when too few to say
    "per_role_agreement",  # its geometric mean over the roles, or NaN
    "too_few",  # True when not given
]
EXPLORATORY_NOTE = (
    "These opinion groups are a first look, not a finding. They are found by a computer from the "
    "votes alone, and they can change as more people vote."
)


def _check_votes(votes: pd.DataFrame) -> None:
    missing = [column for column in VOTE_COLUMNS if column not in votes.columns]
    if missing:
        raise ValueError(f"votes need the columns {VOTE_COLUMNS}; missing {missing}")
    unknown = set(votes["choice"]) - set(CHOICE_VALUE)
    if unknown:
        raise ValueError(f"a vote is agree, disagree or pass, not {sorted(map(str, unknown))}")


def group_agreement(
    votes: pd.DataFrame,
    *,
    statement_ids: Sequence[int] | None = None,
    roles: Sequence[str] | None = None,
    min_seen: int = MIN_SEEN,
) -> pd.DataFrame:
    """Group-informed agreement per statement over declared roles (see the module's note).

    ``votes`` has one row per vote (:data:`VOTE_COLUMNS`). ``roles`` are the groups; by default
    every role that cast any vote in ``votes``, so a role that has not seen a statement counts as
    ``(0 + 1) / (0 + 2)`` and makes it "too few to say". ``statement_ids`` defaults to every
    statement voted on; statements with no votes get zero counts.
    """
    _check_votes(votes)
    if roles is None:
        roles = sorted(votes["role_tag"].dropna().unique().tolist())
    roles = list(dict.fromkeys(roles))
    if statement_ids is None:
        statement_ids = sorted(votes["statement_id"].unique().tolist())
    seen = votes.groupby(["statement_id", "role_tag"]).size()
    agreed = votes[votes["choice"] == "agree"].groupby(["statement_id", "role_tag"]).size()
    rows = []
    for statement_id in statement_ids:
        counts = {
            role: (int(agreed.get((statement_id, role), 0)), int(seen.get((statement_id, role), 0)))
            for role in roles
        }
        product = (
            math.prod((agree + 1) / (n + 2) for agree, n in counts.values()) if roles else math.nan
        )
        too_few = len(roles) < 2 or any(n < min_seen for _, n in counts.values())
        rows.append(
            {
                "statement_id": statement_id,
                "counts": counts,
                "group_agreement": math.nan if too_few else product,
                "per_role_agreement": math.nan if too_few else product ** (1 / len(roles)),
                "too_few": too_few,
            }
        )
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return frame.astype({"group_agreement": float, "per_role_agreement": float, "too_few": bool})


def vote_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """People × statements: agree +1, disagree −1, pass or not seen 0 (a person's last vote counts)."""
    _check_votes(votes)
    values = votes.assign(value=votes["choice"].map(CHOICE_VALUE))
    matrix = values.pivot_table(
        index="participant_id",
        columns="statement_id",
        values="value",
        aggfunc="last",
        fill_value=0.0,
    )
    return matrix.astype(float)


def opinion_groups(
    votes: pd.DataFrame, *, min_people: int = MIN_PEOPLE_FOR_GROUPS, seed: int = SEED
) -> pd.Series | None:
    """An exploratory opinion group (1, 2, ...) per person, or ``None`` with too few people or votes.

    Groups are numbered by size, largest first; the result is the same for the same votes.
    """
    from sklearn.cluster import KMeans  # heavy: only when a facilitator asks for groups
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score

    matrix = vote_matrix(votes)
    if len(matrix) < min_people or matrix.shape[1] < 2 or not np.any(matrix.to_numpy()):
        return None
    points = PCA(n_components=2, random_state=seed).fit_transform(matrix.to_numpy())
    best: tuple[float, np.ndarray] | None = None
    # No more groups than distinct points (people who voted alike sit on one point): KMeans
    # would only warn and find fewer.
    distinct = len(np.unique(points.round(12), axis=0))
    for k in range(2, min(MAX_OPINION_GROUPS, len(matrix) - 1, distinct) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(points)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(points, labels)
        if best is None or score > best[0] + 1e-12:
            best = (score, labels)
    if best is None:
        return None
    labels = best[1]
    sizes = pd.Series(labels).value_counts()
    order = sorted(sizes.index, key=lambda label: (-sizes[label], label))
    renumber = {label: number for number, label in enumerate(order, start=1)}
    return pd.Series(
        [renumber[label] for label in labels], index=matrix.index, name="opinion_group"
    )


def opinion_group_mix(
    votes: pd.DataFrame, *, min_people: int = MIN_PEOPLE_FOR_GROUPS, seed: int = SEED
) -> pd.DataFrame | None:
    """Who is in each :func:`opinion_groups` group, by declared role: people counted, one row per
    group ("Group 1", largest first), one column per role; ``None`` when no groups are formed."""
    groups = opinion_groups(votes, min_people=min_people, seed=seed)
    if groups is None:
        return None
    roles = votes.drop_duplicates("participant_id").set_index("participant_id")["role_tag"]
    mix = pd.crosstab(groups, roles.reindex(groups.index))
    mix.index = pd.Index([f"Group {n}" for n in mix.index], name="Opinion group")
    mix.columns.name = None
    return mix
