"""Small helpers shared by the app tests."""

from __future__ import annotations

import json


def assert_no_exception(at) -> None:
    """Fail with the exception texts if a Streamlit run raised."""
    assert not at.exception, [e.value for e in at.exception]


def plotly_specs(at) -> list[dict]:
    """Every plotly chart on the page as its JSON spec (plotly 7 stores arrays as base64)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def page_text(at) -> str:
    """All markdown, captions, metrics and alerts on the page, joined, for text assertions."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title", "header"):
        parts.extend(str(el.value) for el in getattr(at, kind))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)
