"""The page list: who sees which page, the workshop order and its "Next" links, browser titles."""

from __future__ import annotations

import pytest

from csc_dash.ui import navigation, shell, state
from tests.helpers import assert_no_exception

TITLES = [spec.title for spec in navigation.PAGES]
YOUR_MODEL = next(s for s in navigation.PAGES if s.title == "Your own model")
JOINED = {
    "workshop_id": 1,
    "participant_id": 1,
    "pseudonym": "Robin",
    "role_tag": "Family member",
    "code": "DEMO",
    "title": "Demo workshop",
}


def test_workshop_order_follows_the_page_list():
    listed = [t for t in TITLES if t in navigation.WORKSHOP_ORDER]
    assert listed == list(navigation.WORKSHOP_ORDER)


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("Welcome", "The question"),
        ("Trade-offs", "Who is flagged or missed"),
        ("Root causes", "Ethics and what is to be done"),
        ("Ethics and what is to be done", "Your views"),
        ("Your views", None),  # the last page of the walk
        ("Glossary", None),  # outside the walk
        ("Facilitator", None),
        ("Your own model", None),
    ],
)
def test_next_title(current, expected):
    assert navigation.next_title(current, TITLES) == expected


def test_next_title_skips_a_page_this_session_does_not_have():
    available = [t for t in TITLES if t != "Fairness"]
    assert navigation.next_title("Who is flagged or missed", available) == "Root causes"


def test_browser_title_names_the_page():
    assert navigation.browser_title("Trade-offs") == "Trade-offs · csc-dash"


def test_your_own_model_is_not_in_a_joined_participants_menu():
    assert navigation.allowed(YOUR_MODEL, roles=frozenset(), demo_mode=True)
    assert not navigation.allowed(YOUR_MODEL, roles=frozenset(), demo_mode=True, joined=True)
    # Staff keep it, joined or not.
    assert navigation.allowed(YOUR_MODEL, roles=frozenset({"analyst"}), demo_mode=False, joined=True)


def test_a_joined_participant_cannot_open_your_own_model(app_test):
    at = app_test(**{state.PARTICIPANT: JOINED})
    assert_no_exception(at)
    with pytest.raises(Exception):  # noqa: B017, PT011 - AppTest raises when the page is not in the list
        at.switch_page("app_pages/your_model.py").run()


def test_explorer_alone_still_has_your_own_model(app_test):
    at = app_test()
    at.switch_page("app_pages/your_model.py").run()
    assert_no_exception(at)


def page_links(at) -> list[str]:
    return [el.proto.label for el in at.main.get("page_link")]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app_pages/question.py", "Next: Trade-offs"),
        ("app_pages/children.py", "Next: Fairness"),
        ("app_pages/root_causes.py", "Next: Ethics and what is to be done"),
        ("app_pages/ethics.py", "Next: Your views"),
    ],
)
def test_each_page_ends_with_a_next_link(app_test, path, expected):
    at = app_test()
    at.switch_page(path).run()
    assert_no_exception(at)
    assert page_links(at)[-1] == expected


def test_the_last_page_says_it_is_the_end_and_links_back_to_the_start(app_test):
    """Your views, the last page in workshop order, ended with no next step at all."""
    at = app_test()
    at.switch_page("app_pages/your_views.py").run()
    assert_no_exception(at)
    assert page_links(at)[-1] == navigation.BACK_TO_START
    assert navigation.END_NOTE in [el.value for el in at.main.markdown]


def test_glossary_has_no_next_link(app_test):
    at = app_test()
    at.switch_page("app_pages/glossary.py").run()
    assert not [label for label in page_links(at) if label.startswith("Next:")]


def test_icon_is_a_file_in_the_repo():
    assert shell.ICON.is_file()
    assert shell.ICON.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_after_joining_welcome_gives_a_next_step_and_no_upload_page():
    from csc_dash.content import welcome
    from tests.workshop_helpers import join, new_app

    at = join(new_app(), "Green Owl", "Family member")
    assert_no_exception(at)
    assert welcome.JOINED_NEXT_STEP in [el.value for el in at.success]
    assert welcome.JOINED_NEXT_LINK in page_links(at)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the page is not in a joined person's list
        at.switch_page("app_pages/your_model.py").run()


def test_before_joining_welcome_has_no_next_step(app_test):
    from csc_dash.content import welcome

    at = app_test()
    assert welcome.JOINED_NEXT_STEP not in [el.value for el in at.success]
