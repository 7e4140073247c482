"""Playwright helpers for a Streamlit app: wait for runs, find widgets, assert no exception box."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

APP = '[data-testid="stApp"]'
EXCEPTION = '[data-testid="stException"]'

_IDLE_JS = """(ms) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  const conn = app.getAttribute('data-test-connection-state');
  const now = performance.now();
  if (state === 'running' || state === 'rerunRequested' || state === 'initial' ||
      (conn && conn !== 'CONNECTED')) { window.__cscIdleSince = null; return false; }
  if (!window.__cscIdleSince) window.__cscIdleSince = now;
  return now - window.__cscIdleSince >= ms;
}"""


def settle(page: Page, *, quiet_ms: int = 400, timeout: float = 45_000) -> None:
    """Wait until the script has not been running for ``quiet_ms`` (covers chained reruns)."""
    page.evaluate("() => { window.__cscIdleSince = null; }")
    page.wait_for_function(_IDLE_JS, arg=quiet_ms, polling=100, timeout=timeout)


def wait_ready(page: Page, *, timeout: float = 60_000) -> None:
    """Wait for the first paint: the app shell, a title, and no run in progress."""
    page.wait_for_selector(APP, timeout=timeout)
    page.wait_for_selector(f'[data-testid="stMain"] h1, {EXCEPTION}', timeout=timeout)
    settle(page, timeout=timeout)
    assert_no_exception(page)


def assert_no_exception(page: Page) -> None:
    """No Streamlit exception box anywhere on the page."""
    boxes = page.locator(EXCEPTION)
    count = boxes.count()
    assert count == 0, [boxes.nth(i).inner_text()[:500] for i in range(count)]


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def goto_page(page: Page, title: str) -> None:
    """Click a page in the sidebar navigation and wait for its title."""
    label = page.locator(f'[data-testid="stSidebarNav"] a span[label="{title}"]').first
    expand = page.locator(
        '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'
    ).first
    # The side bar may be closed (a narrow screen: the entry is in the page but hidden) or still
    # sliding open: wait until either the entry or the button that opens the side bar is *visible*
    # (``:visible`` on each part; a plain ``or_`` resolves to the hidden entry and waits for ever).
    page.locator(
        f'[data-testid="stSidebarNav"] a span[label="{title}"]:visible, '
        '[data-testid="stExpandSidebarButton"]:visible, '
        '[data-testid="stSidebarCollapsedControl"] button:visible'
    ).first.wait_for(state="visible")
    if not label.is_visible():
        expand.click()
    label.click()
    settle(page)


def nav_titles(page: Page) -> list[str]:
    """The page titles in the sidebar navigation, in order (icon ligature names dropped)."""
    labels = page.locator('[data-testid="stSidebarNav"] a span[label]')
    return [labels.nth(i).get_attribute("label") or "" for i in range(labels.count())]


def open_path(page: Page, base_url: str, path: str) -> None:
    page.goto(f"{base_url}/{path.lstrip('/')}")
    wait_ready(page)


def press_slider(
    page: Page, index: int = 0, key: str = "ArrowRight", times: int = 1, *, name: str | None = None
) -> None:
    """Focus a slider thumb (``role=slider``) and press an arrow key, as a keyboard user does."""
    thumbs = page.get_by_role("slider", name=name) if name else page.get_by_role("slider")
    thumb = thumbs.nth(index)
    for _ in range(times):
        thumb.focus()
        thumb.press(key)
        settle(page)


def fill_text(page: Page, label: str, value: str, *, area: bool = False) -> None:
    box = page.get_by_role("textbox", name=label) if not area else page.get_by_label(label)
    box.first.fill(value)


def click_button(page: Page, name: str | re.Pattern, *, exact: bool = False) -> None:
    page.get_by_role("button", name=name, exact=exact).first.click()
    settle(page)


def choose_radio(page: Page, option: str, *, group: str | None = None) -> None:
    scope = page.get_by_role("radiogroup", name=group) if group else page
    scope.get_by_text(option, exact=True).first.click()
    settle(page)


def select_option(page: Page, combobox: Locator, option: str) -> None:
    """Pick an option in an ``st.selectbox`` (a click only focuses it; a key opens the list)."""
    combobox.click()
    combobox.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).first.click()


def expect_text(page: Page, text: str | re.Pattern, *, timeout: float = 30_000) -> None:
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(text, timeout=timeout)


def pwned(page: Page) -> bool:
    """Whether a script payload ran in this page (payloads set ``window.__pwned``)."""
    return bool(page.evaluate("() => typeof window.__pwned !== 'undefined'"))
