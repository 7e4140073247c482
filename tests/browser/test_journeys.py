"""Journeys through the real app in a real browser."""

from __future__ import annotations

import pytest

from tests.browser import st

pytestmark = pytest.mark.browser


def test_demo_every_page_opens(demo_server, new_page):
    page = new_page(demo_server)
    titles = st.nav_titles(page)
    assert titles[0] == "Welcome"
    for title in titles:
        st.goto_page(page, title)
        st.expect_text(page, title)
        st.assert_no_exception(page)
