"""Charts of a workshop's live results (the facilitator page and the HTML report can share them).

Frames in (from :func:`csc_dash.feedback.live_summary`), figures out; each figure has a
one-sentence summary beside it (``*_summary``). Colour is never the only cue: bars carry their
counts as text and a fill pattern, markers carry a shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from csc_dash.charts import OKABE_ITO, base_layout

__all__ = [
    "REACTION_STYLE",
    "SCALE_COLOURS",
    "participants_figure",
    "participants_summary",
    "reactions_figure",
    "reactions_summary",
    "scale_figure",
    "scale_summary",
    "thresholds_figure",
    "thresholds_summary",
]

#: The three reactions of "save my view": colour, fill pattern and plain label.
REACTION_STYLE: Mapping[str, Mapping[str, str]] = {
    "acceptable": {"colour": OKABE_ITO["bluish_green"], "pattern": "", "label": "Could accept"},
    "unsure": {"colour": OKABE_ITO["light_grey"], "pattern": ".", "label": "Not sure"},
    "not_acceptable": {"colour": OKABE_ITO["vermillion"], "pattern": "x", "label": "Could not accept"},
}
#: Five-point answers, lowest first: a diverging scale with the middle in grey.
SCALE_COLOURS: tuple[str, ...] = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["orange"],
    OKABE_ITO["light_grey"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["blue"],
)
SCALE_PATTERNS: tuple[str, ...] = ("x", "/", ".", "\\", "")
ROLE_SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "star",
    "hexagon",
    "triangle-down",
)
NO_ANSWERS = "No answers yet."
#: Legend at the very bottom of the figure (measured from the figure's edge, not the plot's), in
#: the bottom margin below the axis title: it never runs into the title or the "People" label.
_LEGEND_BELOW = {
    "orientation": "h",
    "yref": "container",
    "yanchor": "bottom",
    "y": 0,
    "x": 0,
    "traceorder": "normal",
}
#: Room under a stacked bar chart for tick labels, the axis title and up to two rows of legend.
_MARGIN_WITH_LEGEND = {"l": 10, "r": 10, "t": 40, "b": 120}


def _empty(title: str):
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.update_layout(**base_layout(title=title, height=160))
    fig.add_annotation(text=NO_ANSWERS, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _whole_numbers(fig, most: int) -> None:
    """Counts of people: whole-number ticks while the numbers are small."""
    if most < 10:
        fig.update_xaxes(dtick=1)


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


# -- who is in the room -------------------------------------------------------------------------


def participants_figure(frame: pd.DataFrame):
    """Horizontal bars: people in the workshop by the group they chose (``role_tag, participants``)."""
    import plotly.graph_objects as go

    title = "Who has joined"
    if frame.empty:
        return _empty(title)
    fig = go.Figure(
        go.Bar(
            x=frame["participants"],
            y=frame["role_tag"],
            orientation="h",
            text=frame["participants"],
            textposition="auto",
            marker={"color": OKABE_ITO["blue"]},
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_layout(**base_layout(title=title, height=90 + 34 * len(frame), showlegend=False))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="People", rangemode="tozero", dtick=1 if frame["participants"].max() < 10 else None)
    return fig


def participants_summary(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No one has joined yet."
    total = int(frame["participants"].sum())
    parts = ", ".join(f"{int(n)} {role.lower()}" for role, n in zip(frame["role_tag"], frame["participants"], strict=True))
    return f"{_people(total)} {'has' if total == 1 else 'have'} joined: {parts}."


# -- save my view -------------------------------------------------------------------------------


def reactions_figure(frame: pd.DataFrame, page_titles: Mapping[str, str] | None = None):
    """Stacked bars per page: how many could accept, were not sure, could not accept.

    ``frame``: ``page, reaction, count``; ``page_titles`` maps page ids to the names people see.
    """
    import plotly.graph_objects as go

    title = "Views saved on each page"
    if frame.empty:
        return _empty(title)
    titles = dict(page_titles or {})
    pages = list(dict.fromkeys(frame["page"]))
    names = [titles.get(p, p) for p in pages]
    fig = go.Figure()
    for reaction, style in REACTION_STYLE.items():
        part = frame[frame["reaction"] == reaction].set_index("page")["count"]
        counts = [int(part.get(p, 0)) for p in pages]
        fig.add_trace(
            go.Bar(
                x=counts,
                y=names,
                orientation="h",
                name=style["label"],
                text=[c if c else "" for c in counts],
                textposition="inside",
                marker={
                    "color": style["colour"],
                    "pattern": {"shape": style["pattern"], "fgcolor": "#1a1a1a", "solidity": 0.25},
                    "line": {"color": "#1a1a1a", "width": 1},
                },
                hovertemplate=f"%{{y}}: %{{x}} {style['label'].lower()}<extra></extra>",
            )
        )
    fig.update_layout(
        **base_layout(
            title=title,
            barmode="stack",
            height=220 + 40 * len(pages),
            legend=_LEGEND_BELOW,
            margin=_MARGIN_WITH_LEGEND,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="People", rangemode="tozero")
    _whole_numbers(fig, int(frame.groupby("page")["count"].sum().max()))
    return fig


def reactions_summary(frame: pd.DataFrame, page_titles: Mapping[str, str] | None = None) -> str:
    if frame.empty:
        return "No one has saved a view of a page yet."
    titles = dict(page_titles or {})
    total = int(frame["count"].sum())
    by_page = frame.groupby("page", sort=False)["count"].sum()
    top = by_page.idxmax()
    against = frame[frame["reaction"] == "not_acceptable"]["count"].sum()
    return (
        f"{total:,} {'view' if total == 1 else 'views'} saved so far, most on "
        f"{titles.get(top, top)} ({int(by_page[top])}). "
        f"In {int(against)} of them the person could not accept what the screen showed."
    )


# -- where would you draw the line ----------------------------------------------------------------


def thresholds_figure(frame: pd.DataFrame, roles: Sequence[str] = ()):
    """Each person's accepted line as a mark on the 0–1 score scale, one row per group.

    ``frame``: ``role_tag, value`` (``None``: no line would be acceptable; counted in the title).
    """
    import plotly.graph_objects as go

    title = "The line each person would accept"
    if frame.empty:
        return _empty(title)
    given = frame[frame["value"].notna()]
    none = int(frame["value"].isna().sum())
    order = [r for r in roles if r in set(frame["role_tag"])] or list(dict.fromkeys(frame["role_tag"]))
    fig = go.Figure()
    for i, role in enumerate(order):
        part = given[given["role_tag"] == role]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["value"].astype(float),
                y=[role] * len(part),
                mode="markers",
                name=role,
                marker={
                    "symbol": ROLE_SYMBOLS[i % len(ROLE_SYMBOLS)],
                    "size": 16,
                    "color": OKABE_ITO["blue"],
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "#1a1a1a"},
                },
                hovertemplate=f"{role}: line at %{{x:.2f}}<extra></extra>",
            )
        )
    suffix = f" ({_people(none)}: no line would be acceptable)" if none else ""
    fig.update_layout(
        **base_layout(title=title + suffix, height=140 + 40 * max(1, len(order)), showlegend=False)
    )
    fig.update_xaxes(title="Score line (flag when the score is at or above it)", range=[-0.02, 1.02])
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=order)
    return fig


def thresholds_summary(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No one has said where they would draw the line yet."
    values = frame["value"].dropna().astype(float)
    none = int(frame["value"].isna().sum())
    if values.empty:
        return f"{_people(none)} said no line would be acceptable."
    text = (
        f"{_people(len(values))} gave a line, from {values.min():.2f} to {values.max():.2f}; "
        f"the middle answer is {values.median():.2f}."
    )
    if none:
        text += f" {_people(none)} said no line would be acceptable."
    return text


# -- five-point answers by group ------------------------------------------------------------------


def scale_figure(frame: pd.DataFrame, *, labels: Sequence[str], title: str | None = None):
    """Stacked bars per group for one five-point question (``role_tag, value, count``).

    ``labels`` are the five answers, lowest first; ``value`` holds their position 1..5.
    """
    import plotly.graph_objects as go

    if frame.empty:
        return _empty(title or "")
    roles = list(dict.fromkeys(frame["role_tag"]))
    fig = go.Figure()
    for position, label in enumerate(labels, start=1):
        part = frame[frame["value"] == position].groupby("role_tag")["count"].sum()
        counts = [int(part.get(r, 0)) for r in roles]
        fig.add_trace(
            go.Bar(
                x=counts,
                y=roles,
                orientation="h",
                name=label,
                text=[c if c else "" for c in counts],
                textposition="inside",
                marker={
                    "color": SCALE_COLOURS[position - 1],
                    "pattern": {
                        "shape": SCALE_PATTERNS[position - 1],
                        "fgcolor": "#1a1a1a",
                        "solidity": 0.25,
                    },
                    "line": {"color": "#1a1a1a", "width": 1},
                },
                hovertemplate=f"%{{y}}: %{{x}} said {label.lower()}<extra></extra>",
            )
        )
    fig.update_layout(
        **base_layout(
            title=title,
            barmode="stack",
            height=220 + 40 * len(roles),
            legend=_LEGEND_BELOW,
            margin=_MARGIN_WITH_LEGEND,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="People", rangemode="tozero")
    _whole_numbers(fig, int(frame.groupby("role_tag")["count"].sum().max()))
    return fig


def scale_summary(frame: pd.DataFrame, *, labels: Sequence[str]) -> str:
    if frame.empty:
        return "No answers yet."
    total = int(frame["count"].sum())
    counts = frame.groupby("value")["count"].sum()
    top = int(counts.idxmax())
    label = labels[top - 1] if 1 <= top <= len(labels) else str(top)
    return f"{_people(total)} answered; the most common answer was '{label}' ({int(counts.max())})."
