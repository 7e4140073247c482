"""You said, we did, in a real browser: a facilitator records a decision linked to a participant's
statement, then changes where it stands; that participant comes back on another device with their
code and sees the decision as it is now on Your views. The decision log is real tables that fit
a phone (nothing scrolls sideways) and axe finds nothing serious. Screenshots of both screens at
390, 768 and 1280 px go to ``CSC_DASH_SCREENSHOTS`` when set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from benchmarks.accessibility import audit
from benchmarks.streamlit_client import FACILITATOR, FACILITATOR_PASSWORD
from tests.browser import flows, st
from tests.browser.test_accessibility import _OVERFLOWING_TABLES, check

pytestmark = pytest.mark.browser

IDEA = "Tell families when a tool is used on them."
TITLE = "Families are told when a tool is used"
REASON = "Many people asked for it, and it is fair."
LATER = "We are writing the new letter with families now."
WIDTHS = (390, 768, 1280)


def shoot(page, name: str) -> None:
    folder = os.environ.get("CSC_DASH_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_decision_reaches_the_person_whose_statement_informed_it(start_app, new_page):
    server = start_app("decisions", staff=True)
    fac = new_page(server)
    flows.sign_in(fac, FACILITATOR, FACILITATOR_PASSWORD)
    code = flows.start_workshop(fac, "Decisions test")

    robin = new_page(server)
    flows.join(robin, code, "Robin", "Family member")
    rejoin = flows.rejoin_code(robin)
    flows.goto(robin, "Your views")
    flows.propose(robin, IDEA)
    st.expect_text(robin, "The facilitator reads each statement")

    st.goto_page(fac, "Facilitator")
    st.expect_text(fac, "waiting for you (1)", timeout=30_000)
    fac.get_by_role("button", name="Approve: show it to the room").click()
    st.settle(fac)

    st.goto_page(fac, "You said, we did")
    record = flows.form(fac, "What was decided")
    record.get_by_role("textbox", name="What was decided").fill(TITLE)
    status = record.locator('[data-testid="stSelectbox"]').get_by_role("combobox")
    st.select_option(fac, status, "We did it")
    record.get_by_role("textbox", name="Why, in plain words").fill(REASON)
    links = record.locator('[data-testid="stMultiSelect"]').get_by_role("combobox")
    links.click()
    links.press_sequentially("Tell families")  # typing narrows the list (it shows only a few)
    fac.get_by_role("option", name=re.compile(re.escape(IDEA))).first.click()
    fac.keyboard.press("Escape")
    record.get_by_role("button", name="Save the decision").click()
    st.settle(fac)
    st.expect_text(fac, "Saved. The people who took part can now see this decision.")
    st.expect_text(fac, "1 statement")
    # A saved decision leaves an empty form, so the next one starts afresh.
    expect(
        flows.form(fac, "What was decided").get_by_role("textbox", name="What was decided")
    ).to_have_value("")
    st.assert_no_exception(fac)

    # Later it moves on: the facilitator changes where it stands and why.
    change = flows.form(fac, "Save the changes")
    st.select_option(fac, change.locator('[data-testid="stSelectbox"]').get_by_role("combobox"),
                     "We are working on it")  # fmt: skip
    change.get_by_role("textbox", name="Why, in plain words").fill(LATER)
    change.get_by_role("button", name="Save the changes").click()
    st.settle(fac)
    st.expect_text(fac, "Saved. The people who took part now see this decision as it is here.")
    st.expect_text(fac, "; changed ")
    st.assert_no_exception(fac)
    audits = []
    for width in WIDTHS:
        fac.set_viewport_size({"width": width, "height": 900})
        st.settle(fac)
        shoot(fac, f"decisions-staff-{width}")
        audits.append(audit(fac, f"facilitator, {width}px, top", "You said, we did"))
        fac.get_by_role("heading", name="Decisions so far").scroll_into_view_if_needed()
        shoot(fac, f"decisions-log-{width}")
        audits.append(audit(fac, f"facilitator, {width}px, log", "You said, we did"))
        assert fac.locator('[data-testid="stDataFrame"]').count() == 0
        assert fac.locator(".stTable").count() == 4  # the log, and every version of the decision
        assert fac.evaluate(_OVERFLOWING_TABLES) == []  # the log never scrolls sideways
        assert fac.evaluate("() => document.documentElement.scrollWidth") <= width
        fac.get_by_role("button", name="Save the changes").scroll_into_view_if_needed()
        shoot(fac, f"decisions-change-{width}")
        versions = fac.get_by_text("Every version of this decision (2)")
        if width == WIDTHS[0]:
            versions.click()  # opened once, it stays open at the other widths
        kept = fac.locator('[data-testid="stExpander"]').filter(has_text="Every version")
        expect(kept).to_contain_text("Where it stood")
        expect(kept).to_contain_text(FACILITATOR)
        expect(kept).to_contain_text(LATER)
        versions.scroll_into_view_if_needed()
        shoot(fac, f"decisions-versions-{width}")
        assert fac.evaluate(_OVERFLOWING_TABLES) == []
        assert fac.evaluate("() => document.documentElement.scrollWidth") <= width
        picker = fac.get_by_role("combobox", name="Which decision")
        expect(picker).to_have_value(f"{TITLE} (We are working on it)")  # never a stale label
        audits.append(audit(fac, f"facilitator, {width}px, change", "You said, we did"))
    check(audits)

    # Robin, later, on another device: comes back with the code and reads what became of it.
    for width in WIDTHS:
        other = new_page(server, width=width, height=900)
        flows.come_back(other, code, "Robin", rejoin)
        flows.goto(other, "Your views")
        heading = other.get_by_role("heading", name="What became of what you said")
        expect(heading).to_be_visible()
        heading.scroll_into_view_if_needed()
        main = other.locator('[data-testid="stMain"]')
        expect(main).to_contain_text(TITLE)
        expect(main).to_contain_text("We are working on it")
        expect(main).to_contain_text(LATER)
        expect(main).not_to_contain_text(REASON)
        st.assert_no_exception(other)
        shoot(other, f"decisions-participant-{width}")


LONG_VIEW = (
    "I could not accept this. Too many families would be worried for nothing, and that is not "
    "fair on them at all."
)


@pytest.mark.parametrize("width", [390, 1280])
def test_one_click_saves_a_decision_linked_to_a_long_saved_view(start_app, new_page, width):
    """The list of links kept its typing box on a line of its own only while it had focus: a
    long link's chip made it a line shorter at the press of "Save the decision", the button
    moved from under the pointer, and the first click did nothing (no message)."""
    server = start_app("one-click", staff=True)
    fac = new_page(server, width=width, height=900)
    flows.sign_in(fac, FACILITATOR, FACILITATOR_PASSWORD)
    code = flows.start_workshop(fac, "One click")
    robin = new_page(server, width=768, height=900)
    flows.join(robin, code, "Robin", "Family member")
    flows.goto(robin, "Trade-offs")
    flows.save_view(robin, "I could not accept this", LONG_VIEW)

    st.goto_page(fac, "You said, we did")
    record = flows.form(fac, "What was decided")
    record.get_by_role("textbox", name="What was decided").fill(TITLE)
    record.get_by_role("textbox", name="Why, in plain words").fill(REASON)
    links = record.locator('[data-testid="stMultiSelect"]')
    links.get_by_role("combobox").click()
    links.get_by_role("combobox").press_sequentially("Too many")
    fac.get_by_role("option").first.click()
    fac.keyboard.press("Escape")
    focused = links.bounding_box()["height"]
    fac.evaluate("() => document.activeElement.blur()")
    assert links.bounding_box()["height"] == focused  # the list keeps its height
    links.get_by_role("combobox").focus()
    record.get_by_role("button", name="Save the decision").click()  # once
    st.settle(fac)
    st.expect_text(fac, "Saved. The people who took part can now see this decision.")
    st.expect_text(fac, "1 saved view")
    st.assert_no_exception(fac)
