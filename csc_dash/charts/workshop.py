"""Charts of a workshop's live results, for the facilitator's screen.

Frames in (from :func:`csc_dash.workshop.live_summary`), figures out; each figure has a
one-sentence summary beside it (``*_summary``). What the numbers add up to, and the words for
them, come from :mod:`csc_dash.workshop.results`, as the HTML report's do. Colour is never the
only cue: bars carry their counts as text and a fill pattern, markers carry a shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from csc_dash.charts import OKABE_ITO, base_layout
from csc_dash.workshop.results import (
    and_list,
    lines_by_role,
    lines_sentence,
    most_common,
    most_common_words,
    people,
    reaction_label,
    reaction_totals,
    scale_totals,
)

__all__ = [
    "REACTION_STYLE",
    "SCALE_COLOURS",
    "participants_figure",
    "participants_summary",
    "reactions_figure",
    "reactions_summary",
    "scale_figure",
    "scale_summary",
    "THRESHOLDS_TITLE",
    "thresholds_figure",
    "thresholds_summary",
    "thresholds_to_draw",
]

#: The three reactions of "save my view": colour, fill pattern and the words people chose them by.
REACTION_STYLE: Mapping[str, Mapping[str, str]] = {
    reaction: {"colour": colour, "pattern": pattern, "label": reaction_label(reaction)}
    for reaction, colour, pattern in (
        ("acceptable", OKABE_ITO["bluish_green"], ""),
        ("unsure", OKABE_ITO["light_grey"], "."),
        ("not_acceptable", OKABE_ITO["vermillion"], "x"),
    )
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



def _stacked_people(fig, *, title: str, rows: int, most: int):
    """Lay out a stacked bar chart of people: one bar per row, top to bottom, legend below,
    whole numbers of people on the axis."""
    fig.update_layout(
        **base_layout(
            title=title,
            barmode="stack",
            height=220 + 40 * rows,
            legend=_LEGEND_BELOW,
            margin=_MARGIN_WITH_LEGEND,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="People", rangemode="tozero")
    _whole_numbers(fig, most)
    return fig

def _whole_numbers(fig, most: int) -> None:
    """Counts of people: whole-number ticks while the numbers are small."""
    if most < 10:
        fig.update_xaxes(dtick=1)


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
    return f"{people(total)} {'has' if total == 1 else 'have'} joined: {parts}."


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
    return _stacked_people(fig, title=title, rows=len(pages), most=int(frame.groupby("page")["count"].sum().max()))


def reactions_summary(frame: pd.DataFrame, page_titles: Mapping[str, str] | None = None) -> str:
    if frame.empty:
        return "No one has saved a view of a page yet."
    titles = dict(page_titles or {})
    totals = reaction_totals(frame)
    total = sum(totals.values())
    by_page = frame.groupby("page", sort=False)["count"].sum()
    top = most_common({page: int(n) for page, n in by_page.items()})
    most = int(by_page[top[0]])
    where = and_list([str(titles.get(page, page)) for page in top])  # every page in a tie
    return (
        f"{total:,} {'view' if total == 1 else 'views'} saved so far, most on "
        f"{where} ({most}{' each' if len(top) > 1 else ''}). "
        f"In {totals['not_acceptable']} of them the person could not accept what the screen showed."
    )


# -- where would you draw the line ----------------------------------------------------------------


#: The title of the chart of the lines people would accept (and of the sentence in its place).
THRESHOLDS_TITLE = "The line each person would accept"


def thresholds_to_draw(frame: pd.DataFrame) -> bool:
    """Whether anyone named a line to mark (``accepted_thresholds``). When no one has, or
    everyone said "no line", the screen shows :func:`thresholds_summary` instead of a chart
    with nothing on it (its empty axis read -0.5, 0, 0.5)."""
    return any(row.per_1000 for row in lines_by_role(frame))


def thresholds_figure(frame: pd.DataFrame, roles: Sequence[str] = ()):
    """Each person's accepted line as a mark on the scale of flagged referrals in every 1,000,
    one row per group (in the order of ``roles``; see :func:`csc_dash.workshop.results.lines_by_role`).

    ``frame``: ``accepted_thresholds`` (``role_tag, value, per_1000``). People who would accept
    no line, and older answers that gave only a score line, are counted in the title. Draw it
    only when :func:`thresholds_to_draw`.
    """
    import plotly.graph_objects as go

    title = THRESHOLDS_TITLE
    if frame.empty:
        return _empty(title)
    rows = lines_by_role(frame, roles)
    order = [row.role_tag for row in rows]
    fig = go.Figure()
    for i, row in enumerate(rows):
        if not row.per_1000:
            continue
        fig.add_trace(
            go.Scatter(
                x=list(row.per_1000),
                y=[row.role_tag] * len(row.per_1000),
                mode="markers",
                name=row.role_tag,
                marker={
                    "symbol": ROLE_SYMBOLS[i % len(ROLE_SYMBOLS)],
                    "size": 16,
                    "color": OKABE_ITO["blue"],
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "#1a1a1a"},
                },
                hovertemplate=f"{row.role_tag}: %{{x}} flagged in every 1,000<extra></extra>",
            )
        )
    for row in rows:  # the counts beside each row, as the report has them: "2 named, 1 none"
        fig.add_annotation(
            text=row.counts, x=1.01, xref="paper", xanchor="left", y=row.role_tag, showarrow=False
        )
    fig.update_layout(
        **base_layout(
            title=title,
            height=140 + 40 * max(1, len(order)),
            showlegend=False,
            margin={"l": 10, "r": 130, "t": 40, "b": 40},
        )
    )
    fig.update_xaxes(title="Referrals flagged in every 1,000", range=[-20, 1020])
    # Every group that answered has a row, also one whose people would accept no line.
    fig.update_yaxes(categoryorder="array", categoryarray=order, range=[len(order) - 0.5, -0.5])
    return fig


def thresholds_summary(frame: pd.DataFrame) -> str:
    return lines_sentence(frame)


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
    return _stacked_people(fig, title=title, rows=len(roles), most=int(frame.groupby("role_tag")["count"].sum().max()))


def scale_summary(frame: pd.DataFrame, *, labels: Sequence[str]) -> str:
    if frame.empty:
        return "No answers yet."
    totals = scale_totals(frame)

    def label(value) -> str:
        return (
            labels[value - 1]
            if isinstance(value, int) and 1 <= value <= len(labels)
            else str(value)
        )

    return f"{people(sum(totals.values()))} answered; {most_common_words(totals, label)}."
