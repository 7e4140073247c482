"""Drawing a chart: one place for how every plotly figure is shown.

``theme=None`` keeps our own template (dark axis text, Okabe–Ito colours); Streamlit's chart
theme would replace it with grey tick labels that fail WCAG 2.2 AA contrast.
"""

from __future__ import annotations

import streamlit as st

from csc_dash.tables import narrow_tables

#: No toolbar: each chart's plotly toolbar added 8 hidden tab stops for a keyboard user and
#: buttons a screen reader announced before the numbers; every chart has a text summary instead.
CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


def show(figure, *, key: str | None = None, summary: str | None = None) -> None:
    """Draw ``figure`` full width; ``summary`` (plain words) is shown under it as its text version."""
    st.plotly_chart(figure, theme=None, width="stretch", key=key, config=CONFIG)
    if summary:
        st.caption(summary)


def tables(frame, **options) -> None:
    """A wide frame as narrow real tables that fit a phone, each under its (escaped) title
    (:func:`csc_dash.tables.narrow_tables`): no canvas grid, nothing to scroll sideways."""
    for title, part in narrow_tables(frame, **options):
        if title:
            st.markdown(f"*{title}*")
        st.table(part)
