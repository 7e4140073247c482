"""Every page reachable in demo mode runs on an uploaded test set, through app.py.

Two uploads: the least a file may hold (an outcome and one score column, on a 1-20 scale), and a
rich one (three scores, groups with awkward names and values, a date). Pages added later are
covered automatically: the list comes from ``navigation.PAGES``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csc_dash.cohort import load_scored_csv
from csc_dash.ui import navigation, shell, state
from tests.helpers import page_text

DEMO_PAGES = [
    spec.path
    for spec in navigation.PAGES
    if navigation.allowed(spec, roles=frozenset(), demo_mode=True)
]


def minimal_upload():
    """An outcome and one score column only: no groups, no date, scores on bands 1-20."""
    rng = np.random.default_rng(11)
    n = 300
    y = (rng.random(n) < 0.15).astype(int)
    band = np.clip(np.round(rng.normal(8 + 6 * y, 4)), 1, 20).astype(int)
    text = pd.DataFrame({"escalated": y, "risk band": band}).to_csv(index=False)
    return load_scored_csv(text.encode(), groups=[])


def rich_upload():
    """Three scores, groups with awkward names and values, a date column; semicolons and a BOM."""
    rng = np.random.default_rng(12)
    n = 1500
    y = (rng.random(n) < 0.08).astype(int)
    frame = pd.DataFrame(
        {
            "Outcome": np.where(y == 1, "Yes", "No"),
            "score_logistic": np.clip(0.05 + 0.3 * y + 0.4 * rng.random(n), 0, 1).round(4),
            "prob [boosted] *v2*": np.clip(0.1 * y + 0.8 * rng.random(n), 0, 1).round(4),
            "risk_ventile": rng.integers(1, 21, n),
            "age_band": rng.choice(["Under 1", "1-4", "5-9", "10-15", "16+"], n),
            "ethnicity": rng.choice(["White", "Black", "Asian", "Mixed", "Other"], n, p=[0.6, 0.15, 0.15, 0.07, 0.03]),
            "<b>Team</b>": rng.choice(["North :red[x]", "South $x$", "=1+1", "<i>East</i>"], n),
            "referral_date": pd.date_range("2023-04-01", periods=n, freq="6h").strftime("%Y-%m-%d"),
        }
    )
    text = "\ufeff" + frame.to_csv(index=False, sep=";")
    return load_scored_csv(
        text.encode(),
        groups=["age_band", "ethnicity", "<b>Team</b>"],
        date="referral_date",
    )


def own_names_upload():
    """Issue 13.4: group and score columns named like the sample's own columns (``need``, a
    real social-care column, ``split``, ``referral_id``, outcome-like names, ``score_*``)."""
    rng = np.random.default_rng(13)
    n = 600
    y = (rng.random(n) < 0.2).astype(int)
    frame = pd.DataFrame(
        {
            "outcome": y,
            "score_structured": np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1).round(3),
            "need": rng.choice(["Abuse or neglect", "Family stress", "Disability"], n),
            "split": rng.choice(["train", "test"], n),
            "referral_id": rng.choice(["A", "B", "C"], n),
            "escalated": rng.choice(["Yes, later", "No"], n),
            "y": rng.choice(["Team 1", "Team 2"], n),
            "label": rng.choice(["x", "z"], n),
        }
    )
    groups = ["need", "split", "referral_id", "escalated", "y", "label"]
    return load_scored_csv(
        frame.to_csv(index=False).encode(), outcome="outcome", scores=["score_structured"], groups=groups
    )


UPLOADS = {"minimal": minimal_upload, "rich": rich_upload, "own names": own_names_upload}


def test_uploads_are_what_they_say():
    minimal, rich = minimal_upload(), rich_upload()
    assert minimal.models == ("risk band",) and minimal.group_columns == ()
    assert rich.models == ("score_logistic", "prob [boosted] *v2*", "risk_ventile")
    assert [rich.label(c) for c in rich.group_columns] == ["age_band", "ethnicity", "<b>Team</b>"]
    assert rich.months > 12


def test_uploaded_names_never_meet_the_apps_own_columns():
    cohort = own_names_upload()
    assert not cohort.has_need  # a group called need is not the sample's true need
    assert set(cohort.frame.columns).isdisjoint({"need", "split", "referral_id", "score_structured", "y"})
    assert [cohort.label(c) for c in cohort.group_columns] == [
        "need", "split", "referral_id", "escalated", "y", "label"
    ]
    assert cohort.models == ("score_structured",)
    assert cohort.summary()["referrals"] == 600


def test_the_fairness_page_names_the_groups_as_typed(app_test):
    at = app_test(**{state.UPLOAD: own_names_upload()})
    at.switch_page("app_pages/fairness.py").run()
    assert not at.exception, [e.value for e in at.exception]
    picker = [s for s in at.selectbox if s.label == "Compare groups by"][0]
    assert picker.options[:3] == ["need", "split", "referral_id"]
    assert "need and split" in picker.options


def test_there_are_pages_to_check():
    assert "app_pages/your_model.py" in DEMO_PAGES
    assert "app_pages/welcome.py" in DEMO_PAGES


@pytest.mark.parametrize("kind", list(UPLOADS))
def test_every_demo_page_runs_on_an_upload(app_test, kind):
    cohort = UPLOADS[kind]()
    at = app_test(**{state.UPLOAD: cohort})
    failures: dict[str, list[str]] = {}
    for path in DEMO_PAGES:
        at.switch_page(path).run()
        if at.exception:
            failures[path] = [e.value for e in at.exception]
            continue
        # The page ran on the upload, and still does: nothing swapped it for the sample.
        assert at.session_state[state.UPLOAD] is cohort, path
        assert shell.SYNTHETIC_NOTICE not in page_text(at), path
    assert not failures, failures


def test_the_fairness_page_never_offers_every_pair_of_wide_group_columns():
    """Issue 13.3: pairs of wide columns (50 x 50 groups) took 1.6 GB and 17 s."""
    from csc_dash import fairness
    from csc_dash.cohort import ScoredCohort
    from csc_dash.ui import fairness_cache

    rng = np.random.default_rng(5)
    n = 5000
    wide = {f"wide{i}": rng.integers(0, 50, n).astype(str) for i in range(6)}
    narrow = {f"narrow{i}": rng.choice(["a", "b"], n) for i in range(6)}
    frame = pd.DataFrame({"outcome": rng.integers(0, 2, n), "s": rng.random(n), **wide, **narrow})
    cohort = ScoredCohort(
        frame=frame, score_columns={"s": "s"}, model_labels={"s": "s"},
        group_columns=(*wide, *narrow), source="sample",
    )  # fmt: skip
    options = fairness_cache.characteristic_options(cohort)
    singles = [o for o in options if len(o) == 1]
    pairs = [o for o in options if len(o) == 2]
    assert len(singles) == 12
    assert not [p for p in pairs if any(c.startswith("wide") for c in p)]  # 50 x 2 > 60 too
    assert len(pairs) == fairness.MAX_PAIRS  # 15 narrow pairs, capped at 10
    assert fairness.MAX_PAIR_GROUPS == 60
