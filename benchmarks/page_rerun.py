"""Trade-offs page: one full script rerun (app.py + the page) after the line moves, via AppTest.

(The line's own control redraws in the browser and reruns only its fragment when it settles:
``benchmarks/slider.py`` measures that. A full rerun is what a "Flag 95 in every 1,000" button,
a tool change or a page switch costs.)

Two cohorts, each put in the session as an uploaded ``ScoredCohort`` so the page runs exactly as
for an analyst's file (sweeps cached once per session, then read by binary search):

* 24,000 synthetic referrals from ``csc_dash.synthetic.generate_cohort``, scored cheaply with
  the saved structured model (plus a noisy copy as a second model, and the current rule);
* 1,000,000 rows of outcome and two scores.

The first runs (which build the sweeps) are not timed; the median of 30 slider moves is.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "app_pages/tradeoffs.py"
REPEATS = 30


def cohort_24k():
    from csc_dash.cohort import ScoredCohort, load_structured_model
    from csc_dash.models import MODEL_LABELS, rule_flag
    from csc_dash.synthetic import generate_cohort

    frame = generate_cohort(24_000, seed=0, bias="moderate")
    explanation = load_structured_model("moderate")
    rng = np.random.default_rng(0)
    structured = explanation.score(frame)
    frame["score_structured"] = structured
    frame["score_text"] = np.clip(structured + rng.normal(0, 0.01, len(frame)), 0, 1)
    frame["score_rule"] = rule_flag(frame).astype(float)
    return ScoredCohort(
        frame=frame,
        score_columns={m: f"score_{m}" for m in MODEL_LABELS},
        model_labels=dict(MODEL_LABELS),
        group_columns=("age_band", "gender", "ethnicity"),
        source="upload",
        months=60.0,
    )


def cohort_1m():
    from csc_dash.cohort import ScoredCohort

    n = 1_000_000
    rng = np.random.default_rng(1)
    y = (rng.random(n) < 0.035).astype(np.int8)
    a = np.clip(rng.beta(2, 8, n) + 0.15 * y, 0, 1)
    b = np.clip(a + rng.normal(0, 0.05, n), 0, 1)
    frame = pd.DataFrame({"outcome": y, "score_a": a, "score_b": b})
    return ScoredCohort(
        frame=frame,
        score_columns={"a": "score_a", "b": "score_b"},
        model_labels={"a": "Model A", "b": "Model B"},
        source="upload",
        months=12.0,
    )


def median_rerun_ms(cohort, repeats: int = REPEATS) -> float:
    """Median wall time of ``repeats`` full reruns of the Trade-offs page, each at a new line."""
    from streamlit.testing.v1 import AppTest

    from csc_dash.ui import state

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[state.UPLOAD] = cohort
    at.run()
    at.switch_page(PAGE).run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    values = np.linspace(0.05, 0.6, repeats)
    at.session_state[state.THRESHOLD] = 0.5
    at.run()  # warm: sweeps and steps for every model are cached now
    times = []
    for v in values:
        at.session_state[state.THRESHOLD] = float(v)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
    return statistics.median(times) * 1000


def run() -> list[dict]:
    return [
        {
            "name": "Trade-offs page full rerun after the line moves (AppTest), 24,000 referrals",
            "value": median_rerun_ms(cohort_24k()),
            "unit": "ms",
            "budget": 50,
        },
        {
            "name": "Trade-offs page full rerun after the line moves (AppTest), 1,000,000 rows",
            "value": median_rerun_ms(cohort_1m()),
            "unit": "ms",
            "budget": 150,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
