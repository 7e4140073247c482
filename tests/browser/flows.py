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
    goto(page, "Welcome")
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
    view_form = form(page, "Save my view")
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


def answer_number(page: Page, value: int | None) -> None:
    """"Where would you draw the line?" on Your views: a whole number per 1,000, or ``None`` for
    "No line". Not a form: the box and its Save button are found by their keys."""
    box = page.locator(".st-key-qa_accepted_per_1000 input")
    if value is None:
        page.locator(".st-key-qa_accepted_per_1000_none label").click()
        st.settle(page)
        expect(box).to_have_value("")
    else:
        box.fill(str(value))
        box.press("Tab")
        st.settle(page)
    page.locator(".st-key-save_accepted_per_1000 button").click()
    st.settle(page)
    st.expect_text(page, "Saved.")


def open_sidebar(page: Page) -> None:
    """On a phone the side bar may be closed: open it (the page menu lives there)."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    if nav.count() and nav.first.is_visible():
        return
    page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
    expect(nav.first).to_be_visible()


def close_sidebar_on_a_phone(page: Page) -> None:
    """On a phone the open side bar covers the page: close it, as a person would."""
    if (page.viewport_size or {}).get("width", 1280) >= 700:
        return
    close = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if close.count() and close.first.is_visible():
        close.first.click()
        expect(page.locator('[data-testid="stSidebarNav"]').first).not_to_be_in_viewport()


def choose_bias(page: Page, label: str) -> None:
    """Choose the made-up world's "Bias in what gets recorded" in the side bar, as a person would."""
    open_sidebar(page)
    group = page.locator('[data-testid="stSidebar"] [role="radiogroup"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    group.get_by_text(label, exact=True).click()
    st.settle(page)
    expect(group.get_by_role("radio", name=label, exact=True)).to_be_checked()
    close_sidebar_on_a_phone(page)


def goto(page: Page, title: str) -> None:
    """Open a page from the menu on any screen size."""
    open_sidebar(page)
    st.goto_page(page, title)
    close_sidebar_on_a_phone(page)


def rejoin_code(page: Page) -> str:
    """The code to come back, as the side bar shows it to a joined person."""
    open_sidebar(page)
    caption = page.locator('[data-testid="stSidebar"]').get_by_text(re.compile(r"Code to come back: "))
    expect(caption).to_be_visible()
    code = caption.inner_text().split(":", 1)[1].strip()
    close_sidebar_on_a_phone(page)
    return code


def come_back(page: Page, code: str | None, pseudonym: str, rejoin: str) -> None:
    """Welcome's "Come back with your code" (``code=None`` in demo mode)."""
    goto(page, "Welcome")
    page.get_by_role("tab", name="Come back with your code").click()
    back = form(page, "Your code to come back")
    if code is not None:
        back.get_by_role("textbox", name="Workshop code").fill(code)
    back.get_by_role("textbox", name="Your made-up name").fill(pseudonym)
    back.get_by_role("textbox", name="Your code to come back").fill(rejoin)
    back.get_by_role("button", name="Come back").click()
    st.settle(page)
    st.expect_text(page, "Welcome back")


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
    goto(page, "Welcome")
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Leave the workshop")
    expander.locator("summary").click()
    expander.locator('[data-testid="stCheckbox"]').click()
    st.settle(page)
    expander.get_by_role("button", name="Delete my answers and leave").click()
    st.settle(page)
    st.expect_text(page, "Your answers and votes are deleted")


def download(page: Page, button: str) -> bytes:
    # A page that just learned of new answers redraws once (its watcher looks every 3 s);
    # click when it has been still for longer than that.
    st.settle(page, quiet_ms=3500)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button).click()
    path = info.value.path()
    return open(path, "rb").read()


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
