"""Journeys through the real app (``streamlit run app.py``) in a real browser (Debian Chromium).

(a) Demo: every page opens without an exception box, the threshold slider moves from the
keyboard and the per-1,000 figures change, and a child's story opens.
(b) Workshop: a facilitator signs in and starts a workshop; three participants, each in their own
browser context, join with consent, save views, answer the questionnaire and vote; the
facilitator's live results show them without a reload; the CSV export holds exactly those
answers; one participant withdraws and their answers disappear from the export.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from benchmarks.streamlit_client import FACILITATOR, FACILITATOR_PASSWORD
from tests.browser import flows, st

pytestmark = pytest.mark.browser

PER_1000 = re.compile(r"Out of every 1,000 referrals, the tool would flag [\d,]+\.")


def test_demo_every_page_opens(demo_server, new_page):
    page = new_page(demo_server)
    titles = st.nav_titles(page)
    assert titles[0] == "Welcome"
    assert {"Trade-offs", "Who is flagged or missed", "Your views", "Glossary"} <= set(titles)
    assert "Facilitator" not in titles  # demo mode has no staff pages
    for title in titles:
        st.goto_page(page, title)
        expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text(title)
        st.assert_no_exception(page)


def per_1000_sentence(page) -> str:
    return page.get_by_text(PER_1000).first.inner_text()


def test_demo_slider_moves_and_a_childs_story_opens(demo_server, new_page):
    page = new_page(demo_server)
    st.goto_page(page, "Trade-offs")
    before = per_1000_sentence(page)
    line = page.locator(".csc-line input[type=range]")
    value_before = int(line.input_value())
    # Keyboard only, as a person who cannot use a mouse would: three steps down (flag fewer).
    line.focus()
    for _ in range(3):
        line.press("ArrowLeft")
    expect(line).to_have_value(str(value_before - 3))
    expect(page.get_by_text(PER_1000).first).not_to_have_text(before, timeout=30_000)
    after = per_1000_sentence(page)
    flagged = [
        int(re.search(r"flag ([\d,]+)", s).group(1).replace(",", "")) for s in (before, after)
    ]
    assert flagged[1] <= flagged[0]  # a higher line flags no more referrals
    st.assert_no_exception(page)

    st.goto_page(page, "Who is flagged or missed")
    st.assert_no_exception(page)
    picker = page.get_by_role("combobox", name=re.compile("Open a child's story"))
    picker.click()
    picker.press("ArrowDown")
    first_child = page.get_by_role("option").first
    child = first_child.inner_text().strip()
    first_child.click()
    st.settle(page)
    # The story: the child's heading, what pushed the score, what would have changed the flag.
    expect(page.locator('[data-testid="stMain"] h2').filter(has_text=child)).to_be_visible()
    st.expect_text(page, "What pushed the score up or down")
    st.expect_text(page, "What would have changed the flag?")
    st.assert_no_exception(page)


def test_workshop_journey(start_app, new_page):
    from csc_dash.content.questions import QUESTIONNAIRE, REACTION_LABELS

    server = start_app("workshop", staff=True)
    facilitator = new_page(server)
    flows.sign_in(facilitator, FACILITATOR, FACILITATOR_PASSWORD)
    code = flows.start_workshop(facilitator, "Journey test")
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    st.expect_text(facilitator, "No one has joined yet.")

    scale = next(q for q in QUESTIONNAIRE if q.id == "should_use")
    text_q = next(q for q in QUESTIONNAIRE if q.id == "should_reasons")
    number_q = next(q for q in QUESTIONNAIRE if q.id == "accepted_threshold")
    people = [
        ("Robin", "Family member", "acceptable", 0, 0.30),
        ("Sam", "Social worker", "unsure", 2, 0.45),
        ("Kit", "Data or IT", "not_acceptable", 4, 0.60),
    ]
    pages = {}
    expected = set()
    for name, role, reaction, scale_index, line in people:
        page = new_page(server)
        pages[name] = page
        flows.join(page, code, name, role)
        st.goto_page(page, "Trade-offs")
        reason = f"{name} thinks the false alarms matter"
        flows.save_view(page, REACTION_LABELS[reaction], reason)
        st.goto_page(page, "Your views")
        flows.answer_choice(page, scale.prompt, scale.options[scale_index])
        flows.answer_text(page, text_q.prompt, f"{name}'s reasons in plain words")
        flows.answer_number(page, number_q.prompt, line)
        first_statement = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first
        expect(first_statement).to_be_visible()
        flows.vote_in(page, first_statement, "Agree")
        st.assert_no_exception(page)
        expected |= {
            (name, role, "tradeoffs", "reaction"),
            (name, role, "your_views", scale.id),
            (name, role, "your_views", text_q.id),
            (name, role, "your_views", number_q.id),
        }

    # Live results arrive on the facilitator's open page by themselves (no reload).
    st.expect_text(facilitator, "3 people have joined", timeout=30_000)
    st.expect_text(facilitator, "3 views saved so far", timeout=30_000)
    st.expect_text(facilitator, "3 people gave a line", timeout=30_000)
    st.assert_no_exception(facilitator)

    rows = flows.read_csv(flows.download(facilitator, "Answers (CSV spreadsheet)"))
    got = {(r["pseudonym"], r["role_tag"], r["page"], r["question_id"]) for r in rows}
    assert got == expected
    assert len(rows) == len(expected)  # exactly those answers: nothing extra, nothing twice
    reasons = {r["pseudonym"]: r["value"] for r in rows if r["question_id"] == "reaction"}
    assert "Robin thinks the false alarms matter" in reasons["Robin"]
    lines = {r["pseudonym"]: float(r["value"]) for r in rows if r["question_id"] == number_q.id}
    assert lines == pytest.approx({"Robin": 0.30, "Sam": 0.45, "Kit": 0.60})
    everything = json.loads(flows.download(facilitator, "Everything (JSON)"))
    assert len(everything["votes"]) == 3

    # Sam withdraws: their answers and vote disappear, live and in the export.
    flows.withdraw(pages["Sam"])
    st.expect_text(facilitator, "2 people have joined", timeout=30_000)
    rows = flows.read_csv(flows.download(facilitator, "Answers (CSV spreadsheet)"))
    assert {r["pseudonym"] for r in rows} == {"Robin", "Kit"}
    assert len(rows) == len(expected) - 4
    everything = json.loads(flows.download(facilitator, "Everything (JSON)"))
    assert len(everything["votes"]) == 2
    for page in [facilitator, *pages.values()]:
        st.assert_no_exception(page)
