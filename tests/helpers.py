"""Small helpers shared by the app tests."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from csc_dash.synthetic import FACTORS


def assert_no_exception(at) -> None:
    """Fail with the exception texts if a Streamlit run raised."""
    assert not at.exception, [e.value for e in at.exception]


def plotly_specs(at) -> list[dict]:
    """Every plotly chart on the page as its JSON spec (plotly 7 stores arrays as base64)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def page_text(at) -> str:
    """All markdown, captions, metrics and alerts on the page, joined, for text assertions."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title", "header"):
        parts.extend(str(el.value) for el in getattr(at, kind))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)


def referral_row(**changes):
    """One made-up referral with every story column (a school's referral of a girl aged 5 to 9,
    nothing found), changed by ``changes``."""
    base = {
        "age_band": "5-9",
        "gender": "Girl",
        "ethnicity": "White",
        "disability": False,
        "deprivation_decile": 5,
        "referral_source": "School",
        "previous_referrals": 0,
        "previous_plan": False,
        **{f: False for f in FACTORS},
        "outcome": 0,
        "need": 0,
    }
    base.update(changes)
    return pd.Series(base)


def random_scores(seed: int, n: int = 2000, *, ties: bool = False, rate: float = 0.05):
    """Made-up outcomes (a share ``rate`` went on) and scores a little higher for them."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < rate).astype(int)
    s = rng.random(n) * 0.6 + 0.3 * y * rng.random(n)
    if ties:
        s = np.round(s, 2)
    return y, s
