"""Close the side bar after a page was picked from it on a narrow screen (a phone or a tablet),
where it lies over the page (``menu_closer.js``; components v2, no iframe, draws nothing).

Streamlit leaves the side bar open after a menu choice, so on a phone a person who picked
"Trade-offs" still saw the menu over most of the page and had to find the close button.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent


@cache
def _component():
    return st.components.v2.component(
        "csc_menu_closer",
        html="",
        js=(_HERE / "menu_closer.js").read_text(encoding="utf-8"),
    )


def close_menu_after_a_page_change(page_title: str) -> None:
    """Mount once per run, in the side bar: the script closes the side bar when ``page_title``
    differs from the last one it saw and the screen is narrow."""
    with st.sidebar:
        _component()(key="csc_menu_closer", data={"page": page_title})
