"""A redraw of the whole page that the browser asks for, when the workshop's data changed.

Two pieces (components v2, no iframe, draw nothing): the refresher, mounted outside every
fragment, and the watcher's messenger, mounted inside the fragment that looks at the store
every few seconds. When the fragment finds a new fingerprint, the messenger asks the refresher,
whose trigger makes the browser request a full run, sending every control's value with it.

Why not ``st.rerun()`` in the fragment: a full run that the server starts after timed fragment
runs can bring controls outside the fragment back at their first option (Streamlit 1.67; seen
as a person's "Bias in what gets recorded" turning to "None" and a vote being taken back).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent


@cache
def _refresher():
    return st.components.v2.component(
        "csc_live_refresh", js=(_HERE / "live_refresh.js").read_text(encoding="utf-8")
    )


@cache
def _messenger():
    return st.components.v2.component(
        "csc_live_watch", js=(_HERE / "live_watch.js").read_text(encoding="utf-8")
    )


def refresher(kind: str) -> None:
    """Mount the refresher for ``kind`` (outside any fragment, once per run)."""
    _refresher()(
        key=f"csc_live_refresh_{kind}",
        data={"kind": kind},
        on_changed_change=_nothing,  # the trigger's only work is the run it starts
        height=0,
    )


def _nothing() -> None:
    return None


def ask_for_redraw(kind: str, *, changed: bool, version: str) -> None:
    """Mount the messenger (inside the watching fragment): ``changed`` asks the refresher for a
    full redraw, once per ``version``."""
    _messenger()(
        key=f"csc_live_watch_{kind}",
        data={"kind": kind, "changed": bool(changed), "version": version},
        height=0,
    )
