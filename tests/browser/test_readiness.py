"""Council readiness in a real browser: "None of these" is a pill of its own that stands alone (picked
with another answer, the form says so plainly and keeps the choice); saved, the counts show it as
its own answer. The page fits a phone (no table scrolls sideways) and axe finds nothing serious.
Screenshots at 390, 768 and 1280 px go to ``CSC_DASH_SCREENSHOTS`` when set."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from benchmarks.accessibility import audit
from benchmarks.streamlit_client import FACILITATOR, FACILITATOR_PASSWORD
from tests.browser import flows, st
from tests.browser.test_accessibility import _OVERFLOWING_TABLES, check
from tests.browser.test_decisions import WIDTHS, shoot

pytestmark = pytest.mark.browser


def pill(page, key: str, name: str):
    return page.locator(f".st-key-{key}").get_by_role("button", name=name, exact=True)


def test_none_of_these_stands_alone_and_is_counted_apart(start_app, new_page):
    server = start_app("readiness", staff=True)
    page = new_page(server)
    flows.sign_in(page, FACILITATOR, FACILITATOR_PASSWORD)
    flows.start_workshop(page, "Readiness test")
    st.goto_page(page, "Council readiness")
    pill(page, "rd_barriers", "Cost").click()
    pill(page, "rd_barriers", "None of these").click()
    page.get_by_role("button", name="Save my answers").click()
    st.settle(page)
    st.expect_text(
        page, "Please pick “None of these” alone, or only the others, for: What stands in the way?"
    )
    st.assert_no_exception(page)
    page.get_by_role("button", name="Save my answers").scroll_into_view_if_needed()
    shoot(page, "readiness-refused-1280")
    pill(page, "rd_barriers", "Cost").click()  # unpick it: "None of these" alone
    page.get_by_role("button", name="Save my answers").click()
    st.settle(page)
    st.expect_text(page, "Saved. You can change your answers and save them again at any time.")
    counts = page.locator(".stTable").filter(has_text="None of these").first
    expect(counts).to_contain_text("Not answered")
    st.assert_no_exception(page)
    audits = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        st.settle(page)
        shoot(page, f"readiness-{width}")
        page.get_by_role("heading", name="What staff said").scroll_into_view_if_needed()
        shoot(page, f"readiness-counts-{width}")
        page.get_by_role(
            "heading", name="Answers to the questions with a list"
        ).scroll_into_view_if_needed()
        shoot(page, f"readiness-lists-{width}")
        assert page.evaluate(_OVERFLOWING_TABLES) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        audits.append(audit(page, f"facilitator, {width}px", "Council readiness"))
    check(audits)
