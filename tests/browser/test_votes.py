"""Your views in a real browser, at a phone's and a tablet's width: pressing the chosen answer
again keeps the vote; a vote taken back with "Take back my vote" is gone from the store, says
so, and stays taken back after a reload;
"No line" reads back as "No line" under "What became of what you said", where "Nothing has been
decided yet" is said once. Screenshots go to ``CSC_DASH_SCREENSHOTS`` when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from benchmarks.streamlit_client import store_url
from csc_dash import workshop
from csc_dash.ui.workshop import voting
from csc_dash.workshop.decisions import NOTHING_DECIDED_YET
from csc_dash.workshop.store import make_engine
from tests.browser import flows, st

pytestmark = pytest.mark.browser

WIDTHS = (390, 768)


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("CSC_DASH_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_a_vote_taken_back_stays_taken_back(start_app, new_page):
    server = start_app("votes")
    engine = make_engine(store_url(server.env))
    try:
        for width in WIDTHS:
            page = new_page(server, width=width, height=900)
            name = f"Voter{width}"
            flows.join(page, None, name, "Family member")
            flows.goto(page, "Your views")
            room = workshop.find_workshop(engine, workshop.DEMO_CODE)
            (person,) = [
                p for p in workshop.list_participants(engine, room.id) if p.pseudonym == name
            ]
            first = workshop.list_statements(engine, room.id)[0]
            group = page.locator(f".st-key-vote_{first.id}")
            group.scroll_into_view_if_needed()
            expect(st_main(page)).to_contain_text(
                "To take your vote back, press Take back my vote under it."
            )

            flows.vote_in(page, group, "Agree")
            assert workshop.participant_votes(engine, person.id) == {first.id: "agree"}
            agree = group.get_by_role("radio", name="Agree", exact=True)
            # The chosen answer is told by more than a pale tint: bold words, a tick and a ring;
            # its name stays "Agree" (found above with exact=True), the tick being silent.
            chosen = agree.locator("p").evaluate(
                "e => [getComputedStyle(e).fontWeight, getComputedStyle(e, '::before').content]"
            )
            other = group.get_by_role("radio", name="Disagree", exact=True).locator("p").evaluate(
                "e => [getComputedStyle(e).fontWeight, getComputedStyle(e, '::before').content]"
            )
            assert chosen[0] == "700" and "\u2713" in chosen[1], chosen
            assert other[0] != "700" and "\u2713" not in other[1], other
            agree.click()  # the chosen answer pressed again: it stays, and so does the vote
            st.settle(page)
            expect(agree).to_have_attribute("aria-checked", "true")
            assert workshop.participant_votes(engine, person.id) == {first.id: "agree"}
            take_back = page.locator(f".st-key-take_back_{first.id}").get_by_role(
                "button", name=voting.TAKE_BACK_LABEL
            )
            page.mouse.move(0, 0)
            shoot(page, f"votes-voted-{width}")
            take_back.click()
            st.settle(page)
            expect(agree).to_have_attribute("aria-checked", "false")
            expect(take_back).to_have_count(0)
            st.expect_text(page, voting.MSG_TAKEN_BACK)
            st.assert_no_exception(page)
            assert workshop.participant_votes(engine, person.id) == {}
            page.mouse.move(0, 0)  # no hover colour on the button in the picture
            shoot(page, f"votes-taken-back-{width}")

            page.reload()
            st.wait_ready(page)
            group = page.locator(f".st-key-vote_{first.id}")
            group.scroll_into_view_if_needed()
            for choice in ("Agree", "Disagree", "Pass"):
                expect(group.get_by_role("radio", name=choice, exact=True)).to_have_attribute(
                    "aria-checked", "false"
                )
            expect(st_main(page)).not_to_contain_text(voting.MSG_TAKEN_BACK)
            assert workshop.participant_votes(engine, person.id) == {}
            shoot(page, f"votes-after-reload-{width}")

            flows.answer_number(page, None)
            became = page.get_by_role("heading", name="What became of what you said")
            became.scroll_into_view_if_needed()
            main = st_main(page)
            expect(main).to_contain_text("You said: No line: I would not accept any line")
            expect(main).not_to_contain_text("no answer")
            assert st.main_text(page).count(NOTHING_DECIDED_YET) == 1
            st.assert_no_exception(page)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
            shoot(page, f"votes-what-became-{width}")
    finally:
        engine.dispose()


def st_main(page: Page):
    return page.locator('[data-testid="stMain"]')
