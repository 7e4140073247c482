"""Pass the tablet (issue 17.4) in a real browser: several people answer in turn on one device.

Person A joins a workshop on a tablet (768 px), answers, types a statement; presses "Next person"
and says yes. Person B lands on the join form of the same workshop (code filled in, consent to
give again, an empty name box) and joins. Going back through the browser's history and reloading
show nothing of A: not the name, the answer, the typed text, the code to come back, nor the
``?p=`` link. A's answer is in the store, and A comes back later, on another device, with A's code.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from benchmarks.streamlit_client import FACILITATOR, FACILITATOR_PASSWORD, store_url
from csc_dash import workshop
from csc_dash.content.questions import QUESTIONNAIRE
from csc_dash.ui.workshop import leaving
from csc_dash.workshop.store import make_engine
from tests.browser import flows, st

pytestmark = pytest.mark.browser

A_REASONS = "Robin's own reasons, for Robin only"
A_STATEMENT = "Robin typed this statement and never sent it"


def _traces_of_a(page: Page, secrets: list[str]) -> list[str]:
    """Which of A's secrets the page still holds anywhere: its address, its whole HTML (every
    widget's value), and the browser's storage for this site."""
    values = page.evaluate(
        """() => Array.from(document.querySelectorAll('input, textarea'))
                 .map(e => e.value).join('\\n')"""
    )
    storage = page.evaluate("() => JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    where = "\n".join([page.url, page.content(), values, storage])
    return [s for s in secrets if s in where]


def _settled_value(page: Page, line) -> int:
    """The line's value once the people picture has finished drawing (it may redraw once)."""
    st.settle(page, quiet_ms=1000)
    before = line.input_value()
    page.wait_for_timeout(1000)
    expect(line).to_have_value(before)
    return int(before)


def test_next_person_on_one_tablet(start_app, new_page):
    server = start_app("tablet", staff=True)
    facilitator = new_page(server)
    flows.sign_in(facilitator, FACILITATOR, FACILITATOR_PASSWORD)
    code = flows.start_workshop(facilitator, "Tablet test")

    # A joins on the tablet, answers a question and types a statement without sending it.
    tablet = new_page(server, width=768, height=1000)
    flows.join(tablet, code, "Robin", "Family member")
    a_code = flows.rejoin_code(tablet)
    a_token = re.search(r"[?&]p=([^&]+)", tablet.url).group(1)
    # A moves the line three steps on Trade-offs (the people picture keeps it in the browser too).
    flows.goto(tablet, "Trade-offs")
    line = tablet.locator(".csc-line input[type=range]")
    default_line = _settled_value(tablet, line)
    line.focus()
    for _ in range(3):
        line.press("ArrowLeft")
    expect(line).to_have_value(str(default_line - 3))
    st.settle(tablet, quiet_ms=1500)  # the messenger carries the settled step to the server
    flows.goto(tablet, "Your views")
    text_q = next(q for q in QUESTIONNAIRE if q.id == "should_reasons")
    flows.answer_text(tablet, text_q.prompt, A_REASONS)
    flows.form(tablet, "Propose a statement for the room").get_by_role("textbox").fill(A_STATEMENT)

    # Next person: a plain confirmation first, with A's name and code to come back.
    tablet.get_by_role("button", name=leaving.NEXT_PERSON_LABEL, exact=True).click()
    st.settle(tablet)
    st.expect_text(tablet, "Hand this device to the next person?")
    st.expect_text(tablet, a_code)
    tablet.get_by_role("button", name=leaving.NEXT_PERSON_YES).click()
    st.settle(tablet)

    # B is on Welcome, at the join form of the same workshop, with everything else empty.
    expect(tablet.locator('[data-testid="stMain"] h1').first).to_contain_text("Welcome")
    st.expect_text(tablet, leaving.MSG_NEXT_PERSON)
    join_form = flows.form(tablet, "A made-up name for today")
    expect(join_form.get_by_role("textbox", name="Workshop code")).to_have_value(code)
    expect(join_form.get_by_role("textbox", name="A made-up name for today")).to_have_value("")
    expect(join_form.get_by_role("checkbox")).not_to_be_checked()
    secrets = ["Robin", A_REASONS, A_STATEMENT, a_code, a_token]
    assert _traces_of_a(tablet, secrets) == []
    st.assert_no_exception(tablet)

    # Back through the browser's history (before B joins): nothing of A on any earlier address.
    for _ in range(3):
        tablet.go_back()
        st.settle(tablet)
        st.wait_ready(tablet)
        assert _traces_of_a(tablet, secrets) == [], tablet.url
        assert "Robin" not in tablet.locator('[data-testid="stSidebar"]').inner_text()

    # B joins the same workshop on the same tablet.
    flows.join(tablet, code, "Sam", "Social worker")
    st.expect_text(tablet, "Tablet test")
    flows.goto(tablet, "Trade-offs")
    expect(tablet.locator(".csc-line input[type=range]")).to_have_value(str(default_line))
    flows.goto(tablet, "Your views")
    expect(flows.form(tablet, text_q.prompt).get_by_role("textbox")).to_have_value("")
    expect(flows.form(tablet, "Propose a statement").get_by_role("textbox")).to_have_value("")
    assert _traces_of_a(tablet, secrets) == []

    # Back again, and a reload: still only B.
    for _ in range(3):
        tablet.go_back()
        st.settle(tablet)
        assert _traces_of_a(tablet, secrets) == [], tablet.url
    tablet.reload()
    st.wait_ready(tablet)
    assert _traces_of_a(tablet, secrets) == []
    st.assert_no_exception(tablet)

    # A's answer is in the store, once.
    engine = make_engine(store_url(server.env))
    room = workshop.find_workshop(engine, code)
    answers = workshop.responses(engine, room.id)
    mine = answers[answers["pseudonym"] == "Robin"]
    assert list(mine["question_id"]) == [text_q.id]
    assert A_REASONS in str(mine["value"].iloc[0])

    # Later, on another device, A comes back with A's code and finds A's answer.
    later = new_page(server, width=390, height=800)
    flows.come_back(later, code, "Robin", a_code)
    flows.goto(later, "Your views")
    expect(flows.form(later, text_q.prompt).get_by_role("textbox")).to_have_value(A_REASONS)
    flows.goto(later, "Trade-offs")  # A's own line, kept for A
    expect(later.locator(".csc-line input[type=range]")).to_have_value(str(default_line - 3))
    st.assert_no_exception(later)
