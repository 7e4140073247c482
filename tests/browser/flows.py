"""What people do in the app, as Playwright steps: sign in, start a workshop, join, save a view,
answer, vote, propose, withdraw, download. Shared by the journeys, hostile-input and replica tests.
"""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Locator, Page, expect

from tests.browser import st

MAIN = '[data-testid="stMain"]'


def form(page: Page, text: str | re.Pattern) -> Locator:
    """The Streamlit form holding ``text``."""
    return page.locator('[data-testid="stForm"]').filter(has_text=text).first


def sign_in(page: Page, username: str, password: str) -> None:
    st.goto_page(page, "Staff sign-in")
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # The cookie component triggers the next run, which rebuilds the menu with staff pages.
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(
        "Signed in as", timeout=30_000
    )
    st.settle(page)


def start_workshop(page: Page, title: str) -> str:
    """On the Facilitator page: start a workshop; returns its join code."""
    st.goto_page(page, "Facilitator")
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Start a new workshop")
    if not expander.get_by_role("textbox", name="Title").is_visible():
        expander.locator("summary").click()
    expander.get_by_role("textbox", name="Title").fill(title)
    expander.get_by_role("button", name="Start the workshop").click()
    st.settle(page)
    caption = page.get_by_text(re.compile(r"Join code, letter by letter: "))
    expect(caption).to_be_visible(timeout=30_000)
    return caption.inner_text().split(":", 1)[1].replace(" ", "").strip()


def join(page: Page, code: str | None, pseudonym: str, role: str) -> None:
    """On the Welcome page: consent and join (``code=None`` in demo mode)."""
    st.goto_page(page, "Welcome")
    join_form = form(page, "A made-up name for today")
    if code is not None:
        join_form.get_by_role("textbox", name="Workshop code").fill(code)
    join_form.get_by_role("textbox", name="A made-up name for today").fill(pseudonym)
    st.select_option(page, join_form.get_by_role("combobox"), role)
    join_form.locator('[data-testid="stCheckbox"]').click()
    join_form.get_by_role("button", name=re.compile("^Join")).click()
    st.settle(page)
    st.expect_text(page, "You have joined")


def save_view(page: Page, reaction_label: str, reason: str) -> None:
    """'Save my view of this screen' at the bottom of the current page."""
    view_form = form(page, "Is what this screen shows acceptable to you?")
    view_form.get_by_text(reaction_label, exact=True).click()
    view_form.get_by_role("textbox").fill(reason)
    view_form.get_by_role("button", name="Save my view").click()
    st.settle(page)
    st.expect_text(page, "Saved.")


def answer_choice(page: Page, prompt: str, option: str) -> None:
    """A five-point or choice question on Your views."""
    q = form(page, prompt)
    q.get_by_text(option, exact=True).click()
    q.get_by_role("button", name="Save this answer").click()
    st.settle(page)
    st.expect_text(page, "Saved.")


def answer_text(page: Page, prompt: str, text: str) -> None:
    q = form(page, prompt)
    q.get_by_role("textbox").fill(text)
    q.get_by_role("button", name="Save this answer").click()
    st.settle(page)
    st.expect_text(page, "Saved.")


def answer_number(page: Page, prompt: str, value: float) -> None:
    q = form(page, prompt)
    box = q.get_by_role("spinbutton")
    box.fill(f"{value:.2f}")
    box.press("Tab")
    q.get_by_role("button", name="Save this answer").click()
    st.settle(page)
    st.expect_text(page, "Saved.")


def vote_in(page: Page, group: Locator, choice: str = "Agree") -> None:
    """Agree / Disagree / Pass in one statement's button group (a radio group to assistive tech)."""
    button = group.get_by_role("radio", name=choice, exact=True)
    button.click()
    st.settle(page)
    expect(button).to_have_attribute("aria-checked", "true")


def propose(page: Page, text: str) -> None:
    q = form(page, "Propose a statement for the room")
    q.get_by_role("textbox").fill(text)
    q.get_by_role("button", name="Send to the facilitator").click()
    st.settle(page)


def withdraw(page: Page) -> None:
    st.goto_page(page, "Welcome")
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Leave the workshop")
    expander.locator("summary").click()
    expander.locator('[data-testid="stCheckbox"]').click()
    st.settle(page)
    expander.get_by_role("button", name="Delete my answers and leave").click()
    st.settle(page)
    st.expect_text(page, "Your answers are deleted")


def download(page: Page, button: str) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button).click()
    path = info.value.path()
    return open(path, "rb").read()


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
