"""The app starts through its real entry point and the home page tells the truth about the data."""

from __future__ import annotations

from csc_dash import metrics
from csc_dash.cohort import load_sample_cohort
from tests.helpers import assert_no_exception, page_text


def test_home_page_runs_and_states_the_synthetic_figures(app_test):
    at = app_test()
    assert_no_exception(at)
    text = page_text(at)
    facts = load_sample_cohort("moderate").summary()
    assert f"{facts['referrals']:,} referrals" in text
    assert f"{facts['escalated']:,}" in text
    assert "made up" in text.lower()


def test_glossary_is_reachable_from_the_sidebar_and_runs(app_test):
    at = app_test()
    at.switch_page("app_pages/glossary.py").run()
    assert_no_exception(at)
    assert "False alarm" in page_text(at)


def test_choosing_the_rule_first_leaves_the_models_line_alone(app_test):
    """The rule has one line of its own; the shared line is set from a real model later."""
    from csc_dash import line
    from csc_dash.ui import state

    at = app_test(**{state.MODEL: "rule"})
    for page in ("app_pages/fairness.py", "app_pages/tradeoffs.py"):
        at.switch_page(page).run()
        assert_no_exception(at)
    assert at.session_state[state.THRESHOLD] is None
    at.session_state[state.MODEL] = "structured"
    at.switch_page("app_pages/tradeoffs.py").run()
    cohort = load_sample_cohort("moderate")
    table = metrics.threshold_table(cohort.y, cohort.scores("structured"))
    assert at.session_state[state.THRESHOLD] == line.threshold_for_per_1000(table, 100)


def test_home_page_per_1000_matches_the_icon_array_rounding(app_test):
    from csc_dash import tradeoffs

    facts = load_sample_cohort("moderate").summary()
    expected = tradeoffs.per_1000(facts["escalated"], facts["referrals"])
    assert f"about **{expected} in every 1,000 referrals**" in page_text(app_test())
