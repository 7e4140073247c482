"""The 'Ethics and what is to be done' page, through app.py."""

from __future__ import annotations

import dataclasses

import pytest

from csc_dash import workshop
from csc_dash.content import framework
from csc_dash.ui import state
from csc_dash.ui.workshop import session, voting
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import engine, fast_bcrypt  # noqa: F401

PAGE = "app_pages/ethics.py"


def open_page(view: str):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[state.VIEW] = view
    at.run()
    return at.switch_page(PAGE).run()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The page run once in each view (AppTest start-up is the slow part)."""
    with pytest.MonkeyPatch.context() as mp:
        # Module scope runs before the autouse per-test data folder: give it its own.
        mp.setenv("CSC_DASH_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        mp.delenv("DATABASE_URL", raising=False)
        return {view: open_page(view) for view in ("plain", "analyst")}


@pytest.mark.parametrize("view", ["plain", "analyst"])
def test_renders_without_exception(pages, view):
    assert_no_exception(pages[view])
    assert pages[view].title[0].value == "Ethics and what is to be done"


@pytest.mark.parametrize("view", ["plain", "analyst"])
def test_the_three_questions_in_order(pages, view):
    headers = [h.value for h in pages[view].header]
    questions = [t.question for t in framework.TIERS]
    assert [h.split(". ", 1)[1] for h in headers[:3]] == questions


@pytest.mark.parametrize("view", ["plain", "analyst"])
@pytest.mark.parametrize("rec", framework.RECOMMENDATIONS, ids=lambda r: f"rec{r.number}")
def test_each_recommendation_with_its_prompt(pages, view, rec):
    text = page_text(pages[view])
    assert f"{rec.number}. {rec.plain}" in text
    assert rec.prompt in text


@pytest.mark.parametrize("rec", framework.RECOMMENDATIONS, ids=lambda r: f"rec{r.number}")
def test_each_recommendation_points_to_its_evidence(pages, rec):
    """In local demo mode every evidence page is in the menu, so each gets a live link."""
    at = pages["plain"]
    links = [el.proto.label for el in at.get("page_link")]
    assert framework.link_label(rec.page) in links


def test_link_labels():
    assert framework.link_label("app_pages/fairness.py") == "See the evidence: Fairness"
    assert framework.link_label("app_pages/your_model.py") == "Check a model of your own: Your own model"


def test_links_only_to_pages_that_exist(pages):
    from csc_dash.ui.navigation import PAGES, ROOT

    listed = {framework.link_label(spec.path) for spec in PAGES if (ROOT / spec.path).exists()}
    for el in pages["plain"].get("page_link"):
        label = el.proto.label
        if label.startswith(("See the evidence: ", "Check a model")):
            assert label in listed


@pytest.mark.usefixtures("fast_bcrypt")
def test_a_participant_gets_no_dead_link_to_a_staff_page(monkeypatch):
    """With staff accounts, a family member has no 'Your own model' page: no link to it and no
    'not available', but a sentence that makes sense to them."""
    from tests.workshop_helpers import add_staff, join, new_app

    add_staff(monkeypatch, "fay")
    room = workshop.create_workshop(engine(), title="Room", created_by="fay")
    at = join(new_app(), "Kite", code=room.code).switch_page(PAGE).run()
    assert_no_exception(at)
    links = [el.proto.label for el in at.get("page_link")]
    text = page_text(at)
    assert framework.link_label("app_pages/your_model.py") not in links
    assert framework.ELSEWHERE["app_pages/your_model.py"] in text
    assert "not available" not in text
    assert framework.link_label("app_pages/fairness.py") in links  # open to everyone
    rec = framework.RECOMMENDATIONS[1]
    assert rec.page == "app_pages/your_model.py" and rec.prompt in text
    assert "Try checking" not in text


def test_values_in_both_views(pages):
    for view in ("plain", "analyst"):
        text = page_text(pages[view])
        for value in framework.VALUES:
            assert f"**{value.name}** means {value.plain}." in text


def test_analyst_view_adds_the_fuller_framework(pages):
    plain = page_text(pages["plain"])
    analyst = page_text(pages["analyst"])
    for heading in ("Practical principles", "Professional virtues", "FAST principles", "The project lifecycle"):
        assert heading in analyst
        assert heading not in plain
    assert framework.RECOMMENDATIONS[5].source in analyst
    assert framework.RECOMMENDATIONS[5].source not in plain


def test_says_the_tool_never_decides(pages):
    assert framework.ASSIST_NOT_DECIDE in page_text(pages["plain"])


def test_a_page_in_the_app_gets_a_live_link(monkeypatch):
    """Point recommendation 1 at a page that exists (the glossary) and it becomes a link."""
    rec = dataclasses.replace(framework.RECOMMENDATIONS[0], page="app_pages/glossary.py")
    monkeypatch.setattr(framework, "RECOMMENDATIONS", (rec, *framework.RECOMMENDATIONS[1:]))
    monkeypatch.setitem(framework.EVIDENCE_PAGES, "app_pages/glossary.py", "Glossary")
    at = open_page("plain")
    assert_no_exception(at)
    assert "See the evidence: Glossary" in [el.proto.label for el in at.get("page_link")]


# -- statements at the end of the page ----------------------------------------------------------------


def test_without_joining_statements_point_to_welcome(pages):

    at = pages["plain"]
    assert voting.STATEMENTS_JOIN in page_text(at)
    assert "Go to Welcome to join" in [el.proto.label for el in at.get("page_link")]
    assert not at.get("button_group")
    assert [h.value for h in at.header][-1] == voting.STATEMENTS_TITLE


def test_joined_people_vote_and_propose_on_the_ethics_page():
    from tests.workshop_helpers import join, new_app

    at = join(new_app(), "Kite", "Social worker").switch_page(PAGE).run()
    assert_no_exception(at)
    person = at.session_state[state.PARTICIPANT]
    listed = workshop.list_statements(engine(), person["workshop_id"])
    text = page_text(at)
    assert voting.STATEMENTS_INTRO in text
    assert all(session.plain(s.text) in text for s in listed)
    assert [g.key for g in at.button_group] == [f"vote_{s.id}" for s in listed]
    # The rest of the page is unchanged: the three questions first, the save form last.
    assert at.title[0].value == "Ethics and what is to be done"
    assert [h.split(". ", 1)[1] for h in [h.value for h in at.header][:3]] == [
        t.question for t in framework.TIERS
    ]
    assert at.get("subheader")[-1].value == "Save my view of this screen"

    at.button_group(key=f"vote_{listed[1].id}").set_value("disagree").run()
    at.text_area(key="propose_text").input("Ask families first.")
    at.button(key="FormSubmitter:propose_form-Send to the facilitator").click().run()
    assert_no_exception(at)
    assert voting.MSG_PROPOSED in [s.value for s in at.success]
    row = workshop.statement_results(engine(), person["workshop_id"]).set_index("statement_id").loc[listed[1].id]
    assert (row["agree"], row["disagree"]) == (0, 1)
    waiting = [s for s in workshop.list_statements(engine(), person["workshop_id"], approved_only=False)
               if not s.approved]
    assert [(s.text, s.proposed_by) for s in waiting] == [("Ask families first.", person["participant_id"])]


@pytest.mark.parametrize("view", ["plain", "analyst"])
def test_headings_go_down_one_level_at_a_time(pages, view):
    from tests.test_page_welcome import heading_levels

    levels = heading_levels(pages[view])
    assert levels[0] == 1 and levels.count(1) == 1 and 3 in levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
