"""Charts for 'Who is flagged or missed': the grid of children and what pushed one score."""

from __future__ import annotations

import pandas as pd

from csc_dash.charts import KIND_STYLE, KINDS, OKABE_ITO, base_layout, wrap_lines
from csc_dash.charts.tradeoffs import figure, wrap_label

__all__ = ["children_grid", "contribution_bars"]


def children_grid(grid: pd.DataFrame, *, selected: str | None = None):
    """One mark per child, numbered, each kind with its own colour and shape.

    ``grid`` comes from :func:`csc_dash.vignettes.child_grid`. The selected child gets a ring.
    """
    data = []
    kinds = grid["kind"].to_numpy()
    for kind in KINDS:
        part = grid[kinds == kind]
        style = KIND_STYLE[kind]
        data.append(
            {
                "type": "scatter",
                "x": part["x"].to_numpy(),
                "y": part["y"].to_numpy(),
                "mode": "markers+text",
                "name": wrap_lines(style["label"]),
                "text": [str(n) for n in part["number"]],
                "textposition": "bottom center",
                "textfont": {"size": 11, "color": "#1a1a1a"},
                "customdata": part["referral_id"].tolist(),
                "marker": {
                    "symbol": style["symbol"],
                    "color": style["colour"],
                    "size": 20,
                    "line": {"width": 2, "color": style["colour"]},
                },
                "hovertemplate": "Child %{text}<br>" + style["label"] + "<extra></extra>",
            }
        )
    chosen = grid[grid["referral_id"] == selected] if selected is not None else grid.iloc[:0]
    if len(chosen):
        data.append(
            {
                "type": "scatter",
                "x": chosen["x"].to_numpy(),
                "y": chosen["y"].to_numpy(),
                "mode": "markers",
                "name": "The child you opened",
                "marker": {
                    "symbol": "circle-open",
                    "size": 36,
                    "color": OKABE_ITO["black"],
                    "line": {"width": 3},
                },
                "hoverinfo": "skip",
            }
        )
    rows = int(grid["y"].max()) + 1 if len(grid) else 1
    right = max(int(grid["x"].max()) if len(grid) else 0, 9) + 0.7
    layout = base_layout(
        height=60 * rows + 250,  # room for the legend's names on two lines each on a phone
        legend={"orientation": "v", "yanchor": "top", "y": -0.02, "x": 0},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False, "range": [-0.7, right]},
        yaxis={"visible": False, "autorange": "reversed"},
    )
    return figure(data, layout)


def contribution_bars(frame: pd.DataFrame, *, analyst: bool = False):
    """What pushed one referral's score up (blue, to the right) or down (orange, hatched, to the
    left), each bar named in words and arrows ("▲ big push up"), so colour is never the only cue.

    ``frame`` comes from :func:`csc_dash.explanations.contributions` (with its ``size`` and
    ``words`` columns). In plain words the chart shows no numbers: a push is on the model's
    internal (log-odds) scale, not in score units, so a number beside the 0-1 score would
    mislead. The analyst view adds the numbers, labelled as points on that scale.
    """
    values = frame["contribution"].to_numpy(dtype=float)
    up = values > 0
    # Names wrap onto short lines, so the bars and their words keep room on a tablet.
    labels = [
        wrap_label(f"{lab}: {val}" if val else lab, width=22)
        for lab, val in zip(frame["label"], frame["value"], strict=True)
    ]
    arrows = ["▲" if u else "▼" for u in up]
    if analyst:
        text = [
            f"{a} {'up' if u else 'down'} {abs(v):.2f} points"
            for a, u, v in zip(arrows, up, values, strict=True)
        ]
        hover = "%{y}<br>push %{x:+.2f} points on the model's internal scale (log-odds)<extra></extra>"
        title = "Points on the model's<br>internal scale (log-odds)"
    else:
        text = [f"{a} {w}" for a, w in zip(arrows, frame["words"], strict=True)]
        hover = "%{y}<br>%{text}<extra></extra>"
        title = "Push: left down, right up"
    data = [
        {
            "type": "bar",
            "x": values,
            "y": labels,
            "orientation": "h",
            "marker": {
                "color": [OKABE_ITO["blue"] if u else OKABE_ITO["orange"] for u in up],
                "pattern": {
                    "shape": ["" if u else "/" for u in up],
                    "fgcolor": "#1a1a1a",
                    "solidity": 0.25,
                },
            },
            "text": text,
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": hover,
            "showlegend": False,
        }
    ]
    # Room for the words beside the longest bars, on both sides.
    low = min(float(values.min()), 0.0) if len(values) else 0.0
    high = max(float(values.max()), 0.0) if len(values) else 1.0
    pad = 0.6 * max(high - low, 0.1)
    layout = base_layout(
        height=100 + 44 * max(len(frame), 1),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={
            "title": {"text": title},
            "range": [low - (pad if low < 0 else 0), high + pad],
            "zeroline": True,
            "zerolinewidth": 2,
            "showticklabels": analyst,
            "showgrid": analyst,
        },
        yaxis={"autorange": "reversed"},
    )
    return figure(data, layout)
