"""What arrives live never changes what a person chose.

Open pages follow the workshop by themselves: when the facilitator approves a statement, every
open Your views page redraws without a click. A redraw that Streamlit starts from the server
(``st.rerun()`` in the fragment that watches the store) could come back with some of the page's
controls at their first option: seen in a real workshop run as a young person's "Bias in what
gets recorded" turning to "None", their vote being taken back, and their number answer showing
empty. Here a person on a phone and one on a tablet choose a world, vote and answer, then sit on
Your views while the room approves statement after statement; after each redraw their choices
are still theirs, on screen and in the store.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from benchmarks.streamlit_client import store_url
from csc_dash import workshop
from csc_dash.workshop.store import make_engine
from tests.browser import flows, st

pytestmark = pytest.mark.browser

#: How many statements the room approves while the people wait (each one redraws their page).
ROUNDS = 6


def test_live_redraws_keep_every_choice(start_app, new_page):
    server = start_app("live")
    engine = make_engine(store_url(server.env))
    try:
        people = {"Phone": 390, "Tablet": 768}
        pages = {}
        for name, width in people.items():
            page = new_page(server, width=width, height=800)
            pages[name] = page
            flows.join(page, None, name, "Family member")
            room = workshop.find_workshop(engine, workshop.DEMO_CODE)
            first = workshop.list_statements(engine, room.id)[0]
            flows.choose_bias(page, "A lot: need in families services see more is written down far more")
            flows.goto(page, "Your views")
            flows.vote_in(page, page.locator(f".st-key-vote_{first.id}"), "Disagree")
            flows.answer_number(page, 37)
        ids = {
            p.pseudonym: p.id for p in workshop.list_participants(engine, room.id)
        }

        for round_ in range(ROUNDS):
            text = f"Statement number {round_ + 1} from the room."
            workshop.add_statement(
                engine, workshop_id=room.id, text=text, source="facilitator", approved=True
            )
            for name, page in pages.items():
                # It arrives by itself (the page redraws), and nothing the person chose moved.
                st.expect_text(page, text, timeout=20_000)
                st.settle(page, quiet_ms=800)
                group = page.locator(f".st-key-vote_{first.id}")
                expect(group.get_by_role("radio", name="Disagree", exact=True)).to_have_attribute(
                    "aria-checked", "true"
                )
                expect(page.locator(".st-key-qa_accepted_per_1000 input")).to_have_value("37")
                assert workshop.participant_votes(engine, ids[name]) == {first.id: "disagree"}, (
                    name, round_)
                assert workshop.participant_settings(engine, ids[name]).get("bias") == "strong", (
                    name, round_)
                st.assert_no_exception(page)
    finally:
        engine.dispose()
