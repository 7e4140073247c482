"""The line on Trade-offs in a real Chromium (components v2): keyboard and buttons move it in
whole steps per 1,000, the figures and the people picture the browser draws are exactly
``tradeoffs.people_counts`` at that step, the settled step reaches the server (its ranges come
back), and tapping a person opens a made-up child's story of that kind."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from csc_dash import line, metrics, tradeoffs
from csc_dash.cohort import load_sample_cohort
from csc_dash.content import tradeoff_words
from csc_dash.content.tools import PLAIN_MODEL_NAMES
from tests.browser import st

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def steps():
    c = load_sample_cohort("moderate")
    table = metrics.threshold_table(c.y, c.scores("structured"))
    return line.line_steps(table), table


def _figures(page) -> dict[str, int]:
    return {
        key: int(page.locator(f'.csc-line [data-figure="{key}"]').inner_text().replace(",", ""))
        for key in ("flagged", "true_alarm", "false_alarm", "missed")
    }


def _assert_step(page, steps, k):
    people = steps[0].people[k]
    expect(page.locator(".csc-line .line-text")).to_have_text(
        f"The line flags {people['flagged']:,} in every 1,000 referrals."
    )
    assert _figures(page) == {key: people[key] for key in ("flagged", "true_alarm", "false_alarm", "missed")}
    assert page.locator(".csc-line .summary").inner_text() == tradeoff_words.summary_sentence(people)
    picture = tradeoffs.picture_counts(people)
    for kind, count in picture.items():
        assert page.locator(f'.csc-line svg.people g[data-kind="{kind}"]').count() == count
    assert page.locator(".csc-line .picture-text").inner_text() == tradeoff_words.picture_sentence(picture)


def test_keyboard_and_buttons_move_the_line_in_whole_steps(demo_server, new_page, steps):
    page = new_page(demo_server, width=768, height=1000)
    st.goto_page(page, "Trade-offs")
    slider = page.locator(".csc-line input[type=range]")
    slider.wait_for()
    _assert_step(page, steps, 100)  # starts at the top 10%
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    _assert_step(page, steps, 103)
    expect(slider).to_have_attribute("aria-valuetext", f"{steps[0].people[103]['flagged']:,} in every 1,000 flagged")
    page.get_by_role("button", name="Flag more").click()
    _assert_step(page, steps, 104)
    page.get_by_role("button", name="Flag fewer").click()
    page.get_by_role("button", name="Flag fewer").click()
    _assert_step(page, steps, 102)
    # Once the line settles, the server works out the ranges at that step and they appear.
    row = metrics.lookup(steps[1], steps[0].thresholds[102])
    ranges = tradeoffs.per_1000_intervals(row)
    expect(page.locator('.csc-line [data-range="missed"]')).to_have_text(
        tradeoffs.interval_text(ranges["missed"]), timeout=30_000
    )
    st.expect_text(page, tradeoff_words.found_sentence(row))
    st.assert_no_exception(page)
    # The server's line is that step: another page says so.
    st.goto_page(page, "Who is flagged or missed")
    st.expect_text(page, f"the line flags {steps[0].people[102]['flagged']:,} in every 1,000 referrals")


def test_tapping_a_person_opens_a_story_of_that_kind(demo_server, new_page):
    page = new_page(demo_server, width=768, height=1000)
    st.goto_page(page, "Trade-offs")
    page.locator('.csc-line svg.people g[data-kind="missed"]').first.click()
    expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text("Who is flagged or missed", timeout=30_000)
    heading = page.locator('[data-testid="stMain"] h2').filter(has_text=re.compile("missed", re.I))
    expect(heading.first).to_be_visible(timeout=30_000)
    st.assert_no_exception(page)


def test_a_story_button_works_from_the_keyboard(demo_server, new_page):
    page = new_page(demo_server, width=390, height=900)
    st.goto_page(page, "Trade-offs")
    button = page.locator('.csc-line button[data-story="false_alarm"]')
    button.focus()
    button.press("Enter")
    heading = page.locator('[data-testid="stMain"] h2').filter(has_text=re.compile("false alarm", re.I))
    expect(heading.first).to_be_visible(timeout=30_000)


def test_the_story_buttons_have_names_that_say_which_story(demo_server, new_page):
    """Chromium's accessibility tree: four "Read a story" buttons, four different names, each
    holding the visible words (WCAG 2.5.3)."""
    page = new_page(demo_server, width=768, height=1000)
    st.goto_page(page, "Trade-offs")
    for kind in tradeoffs.KIND_ORDER:
        button = page.locator(f'.csc-line button[data-story="{kind}"]')
        expect(button).to_have_text("Read a story")
        expect(button).to_have_accessible_name(tradeoff_words.STORY_BUTTON_NAMES[kind])
    assert len(set(tradeoff_words.STORY_BUTTON_NAMES.values())) == 4
    button = page.get_by_role("button", name="Read a story: a child missed", exact=False)
    expect(button).to_have_count(1)


def test_a_yes_no_tool_shows_its_figures_without_a_line_to_move(demo_server, new_page):
    page = new_page(demo_server, width=1280, height=1000)
    st.goto_page(page, "Trade-offs")
    page.get_by_text(PLAIN_MODEL_NAMES["rule"]).first.click()  # plain view: the plain name
    c = load_sample_cohort("moderate")
    steps = line.line_steps(metrics.threshold_table(c.y, c.scores("rule")))
    people = steps.people[0]
    expect(page.locator(".csc-line .line-text")).to_have_text(
        f"This tool only says yes or no: it flags {people['flagged']:,} in every 1,000 referrals.",
        timeout=30_000,
    )
    expect(page.locator(".csc-line input[type=range]")).to_be_hidden()
    assert _figures(page)["missed"] == people["missed"]
