"""The app starts through its real entry point and the home page tells the truth about the data."""

from __future__ import annotations

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
