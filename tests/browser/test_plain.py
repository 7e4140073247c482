"""Pages a family can use in a community hall: no request leaves for another host, each page's
browser title names it, the phone menu gets out of the way, a keyboard user sees where focus is,
and when the server is away the page says in plain words that saved answers are safe."""

from __future__ import annotations

import pytest

from csc_dash.ui import navigation, shell
from tests.browser import st

pytestmark = pytest.mark.browser

PHONE = 390
#: Streamlit closes its menu after a page choice only on a device whose user agent says "mobile".
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)


def block_outside(context, base_url: str) -> list[str]:
    """Abort every request to a host other than the app's own; return the list they go into."""
    outside: list[str] = []
    own = base_url.replace("http://", "ws://")

    def route(r):
        url = r.request.url
        if url.startswith((base_url, own, "data:", "blob:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    return outside


def sidebar_covers_page(page) -> bool:
    box = page.locator('[data-testid="stSidebar"]').bounding_box()
    return box is not None and box["x"] + box["width"] > 40


def test_no_outside_request_and_a_title_per_page(browser, demo_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    try:
        outside = block_outside(context, demo_server.url)
        page = context.new_page()
        page.goto(demo_server.url)
        st.wait_ready(page)
        titles = st.nav_titles(page)
        assert len(titles) >= 10
        seen = {}
        for title in titles:
            st.goto_page(page, title)
            page.wait_for_timeout(300)
            st.assert_no_exception(page)
            seen[title] = page.title()
        assert seen == {t: navigation.browser_title(t) for t in titles}
        # The icon is the app's own file, not a font host's.
        icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href")
        assert icon and "://" not in icon.split("?")[0].replace(demo_server.url, "")
        assert outside == []
    finally:
        context.close()


def test_phone_menu_is_closed_on_first_load_and_after_each_page_choice(browser, demo_server):
    context = browser.new_context(
        viewport={"width": PHONE, "height": 800}, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(demo_server.url)
        st.wait_ready(page)
        page.wait_for_timeout(600)
        assert not sidebar_covers_page(page)
        for title in ("Trade-offs", "Fairness", "Glossary"):
            page.locator('[data-testid="stExpandSidebarButton"]').click()
            page.wait_for_timeout(600)
            assert sidebar_covers_page(page)
            st.goto_page(page, title)
            page.wait_for_timeout(800)
            assert page.title() == navigation.browser_title(title)
            assert not sidebar_covers_page(page), title
    finally:
        context.close()


def test_tablet_menu_closes_after_a_page_choice_and_a_laptop_menu_stays(new_page, demo_server):
    """A tablet whose browser does not say "mobile" (an iPad says it is a desktop): Streamlit
    left the menu open over a third of the page after each choice. Our script closes it below
    1,024 px; on a laptop the menu stays where the person put it."""
    for width, closes in ((768, True), (1280, False)):
        page = new_page(demo_server, width=width, height=900)
        sidebar = page.locator('[data-testid="stSidebar"]')
        for title in ("Trade-offs", "Fairness"):
            if sidebar.get_attribute("data-collapsed") == "true":
                page.locator('[data-testid="stExpandSidebarButton"]').click()
                page.wait_for_timeout(600)
            assert sidebar.get_attribute("data-collapsed") == "false"
            st.goto_page(page, title)
            page.wait_for_timeout(1500)
            assert page.title() == navigation.browser_title(title)
            assert sidebar.get_attribute("data-collapsed") == ("true" if closes else "false"), (
                width,
                title,
            )
        st.assert_no_exception(page)


def test_a_focused_menu_link_looks_different_from_the_current_page(new_page, demo_server):
    page = new_page(demo_server)
    links = page.locator('[data-testid="stSidebarNav"] a')
    current = links.first  # Welcome, the page on screen
    other = links.nth(1)
    style = "(e) => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }"
    page.keyboard.press("Tab")  # the browser's own focus, as a keyboard user moves it
    other.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    focused = other.evaluate(style)
    assert focused[0] == "solid" and focused[1] == "3px", focused
    assert current.evaluate(style)[0] == "none"


def test_server_down_says_saved_answers_are_safe(browser, start_app):
    server = start_app("down")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(server.url)
        st.wait_ready(page)
        server.stop()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=stApp]')"
            ".getAttribute('data-test-connection-state') === 'PINGING_SERVER'",
            timeout=60_000,
        )
        shown = page.evaluate(
            "() => getComputedStyle(document.querySelector('[data-testid=stApp]'), '::before').content"
        )
        assert shell.OFFLINE_TITLE in shown
        assert shell.OFFLINE_BODY in shown
        page.wait_for_timeout(3_000)  # Streamlit's own "Are you connected to the internet?" box
        boxes = page.locator('[data-testid="stDialog"]')
        assert all(not boxes.nth(i).is_visible() for i in range(boxes.count()))
    finally:
        page.close()


#: Text boxes that show a chosen option (a selectbox's value) wider than their box: the end of
#: the words is cut off, with no sign that it is.
_CUT_CHOICES = """() => [...document.querySelectorAll(
    '[data-testid="stSidebar"] input[role=combobox], [data-testid="stMain"] input[role=combobox]')]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => box.value || box.placeholder)"""


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_no_chosen_option_is_cut_off(new_page, demo_server, width):
    """The side bar's choice of how unequal the recording is read "Some: need in families
    services s" on every page and every screen: a family could not read what they had chosen."""
    from tests.browser import flows

    page = new_page(demo_server, width=width, height=900)
    for title in ("Welcome", "Who is flagged or missed", "Root causes"):
        flows.goto(page, title)
        flows.open_sidebar(page)
        assert page.evaluate(_CUT_CHOICES) == [], (title, width)
        st.assert_no_exception(page)
