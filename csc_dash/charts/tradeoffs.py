"""Charts for the Trade-offs page: the icon array, the precision–recall curve and the
side-by-side comparison of tools. Frames in, figures out; every number is computed elsewhere.

Tools' names may come from an uploaded file: they enter a figure through
:func:`csc_dash.markup.chart_text`, so plotly shows them as typed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from csc_dash.charts import KIND_STYLE, MODEL_COLOURS, OKABE_ITO, base_layout
from csc_dash.markup import chart_text

__all__ = ["comparison_bars", "figure", "pr_curve", "wrap_label"]

_PATTERNS = {"true_alarm": "", "false_alarm": "/", "missed": "x", "not_flagged": "."}
#: The longest line of a legend name: longer names wrap, so a 390 px phone shows them whole.
LEGEND_WIDTH = 30
#: On two lines: on one it was longer than the plot is tall on a phone, and was cut at both ends.
PR_Y_TITLE = "Right when flagged<br>(precision)"
#: Room under the curve for the tick labels, the axis title and up to four lines of legend.
PR_LEGEND_ROOM = 160
#: Room above the comparison's bars for its legend, in pixels: three rows of 15 px text.
COMPARISON_LEGEND_ROOM = 80
#: Legend of the comparison: what was recorded, never "needed help" (a recorded outcome is not need).
COMPARISON_NAMES = {
    "true_alarm": "Flagged, went on to a plan or care",
    "false_alarm": "False alarm",
    "missed": "Child missed",
}


def figure(data: list[dict], layout: dict):
    """A ``go.Figure`` from plain dicts, without plotly's per-property validation.

    Validation costs ~15 ms a figure, which is most of a slider move's budget; the tests
    rebuild every figure *with* validation to prove the dicts are valid. A named template
    (``"plotly_white"``) is expanded here, as validation would do.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    layout = dict(layout)
    if isinstance(layout.get("template"), str):
        layout["template"] = pio.templates[layout["template"]].to_plotly_json()
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def pr_curve(
    points: pd.DataFrame,
    *,
    current: Mapping[str, float],
    base_rate: float,
    average_precision: float,
    model: str,
    model_label: str,
    yes_no: bool = False,
    analyst: bool = False,
):
    """Precision (of those flagged, how many went on to a plan or care) against recall (of the
    children who did, how many were flagged), with the current line and the random baseline.

    A yes/no tool (``yes_no``) has no curve and no line to move: it is drawn as its one point.
    The legend names the tool and the random guess; only the ``analyst`` view adds their average
    precision (a family reads the page's sentence in people per 1,000 instead). Legend names and
    the axis title wrap onto short lines: plotly never wraps them, and a 390 px phone cut them.
    """
    colour = MODEL_COLOURS.get(model, OKABE_ITO["blue"])
    name = wrap_label(model_label, width=LEGEND_WIDTH)
    if yes_no:
        tool = {
            "type": "scatter",
            "x": [float(current["recall"])],
            "y": [float(current["precision"])],
            "mode": "markers",
            "marker": {"symbol": "diamond", "size": 16, "color": colour, "line": {"width": 2, "color": "#1a1a1a"}},
            "name": f"{name}<br>one point: no line to move",
            "hovertemplate": "Found %{x:.0%} of children · right %{y:.0%} of the time<extra></extra>",
        }
    else:
        tool = {
            "type": "scatter",
            "x": points["recall"].to_numpy(),
            "y": points["precision"].to_numpy(),
            "mode": "lines",
            "line": {"color": colour, "width": 3, "shape": "hv"},
            "name": wrap_label(
                f"{model_label} (average precision {average_precision:.2f})", width=LEGEND_WIDTH
            )
            if analyst
            else name,
            "hovertemplate": "Found %{x:.0%} of children · right %{y:.0%} of the time<extra></extra>",
        }
    data = [
        tool,
        {
            "type": "scatter",
            "x": [0, 1],
            "y": [base_rate, base_rate],
            "mode": "lines",
            "line": {"color": OKABE_ITO["grey"], "width": 2, "dash": "dash"},
            "name": f"Random guess ({base_rate:.2f})" if analyst else "Random guess",
            "hoverinfo": "skip",
        },
    ]
    recall, precision = float(current["recall"]), float(current["precision"])
    if not yes_no and recall == recall and precision == precision:  # somebody is flagged
        data.append(
            {
                "type": "scatter",
                "x": [recall],
                "y": [precision],
                "mode": "markers",
                "marker": {
                    "symbol": "diamond",
                    "size": 16,
                    "color": OKABE_ITO["vermillion"],
                    "line": {"width": 2, "color": "#1a1a1a"},
                },
                "name": "Your line",
                "hovertemplate": "Your line: found %{x:.0%} · right %{y:.0%}<extra></extra>",
            }
        )
    layout = base_layout(
        # The legend sits at the foot of the figure in room kept for it (four lines, as the
        # rule's name takes on a phone), under the axis title: placed under the plot and left to
        # plotly's own margin, it ran into the axis title when a tablet turned to a new width.
        height=470,
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        margin={"l": 10, "r": 30, "t": 10, "b": PR_LEGEND_ROOM},  # r: room for the "100%" tick
        xaxis={
            "title": {"text": "Share of children found (recall)"},
            "range": [0, 1.02],
            "tickformat": ".0%",
        },
        yaxis={"title": {"text": PR_Y_TITLE}, "range": [0, 1.02], "tickformat": ".0%"},
    )
    return figure(data, layout)


def wrap_label(text: str, *, width: int = 18) -> str:
    """A raw label escaped for plotly and broken into lines of about ``width`` characters
    (``<br>`` is ours, added after escaping, so an uploaded name cannot add markup)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(chart_text(line) for line in lines) or chart_text(text)


def comparison_bars(frame: pd.DataFrame, *, analyst: bool = False):
    """Per 1,000 referrals for each tool at the same number flagged: found, false alarms, missed.

    ``frame`` comes from :func:`csc_dash.tradeoffs.compare_at_flagged`: bars are the exact
    figures, their labels the whole people of :func:`csc_dash.tradeoffs.people_counts` (as on
    the rest of the page). Hovering says the label's whole people too; the analyst view's hover
    keeps one decimal. Tools' names wrap onto short lines so the bars keep their width on a
    tablet.
    """
    columns = {
        "true_alarm": "true_alarms_per_1000",
        "false_alarm": "false_alarms_per_1000",
        "missed": "missed_per_1000",
    }
    labels = [wrap_label(label) for label in frame["label"]]
    hover = "%{x:.1f}" if analyst else "%{text}"  # the bar's own label: whole people
    data = []
    for kind, column in columns.items():
        style = KIND_STYLE[kind]
        values = frame[column].to_numpy(dtype=float)
        people = frame[kind].to_numpy(dtype=int)
        data.append(
            {
                "type": "bar",
                "y": labels,
                "x": values,
                "orientation": "h",
                "name": COMPARISON_NAMES[kind],
                "marker": {
                    "color": style["colour"],
                    "pattern": {"shape": _PATTERNS[kind], "fgcolor": "#1a1a1a", "solidity": 0.25},
                },
                "text": [f"{v:,}" for v in people],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": f"%{{y}}<br>{COMPARISON_NAMES[kind]}: {hover} per 1,000<extra></extra>",
            }
        )
    # The legend sits above the bars: below them it collided with the axis title on narrow
    # screens, where it wraps onto more lines. Its room is kept in the top margin (three rows,
    # as on a phone): left to plotly, a tablet turned to a new width drew it over the first bars.
    layout = base_layout(
        barmode="group",
        height=240 + 110 * len(frame),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 10, "r": 30, "t": COMPARISON_LEGEND_ROOM, "b": 10},
        xaxis={"title": {"text": "Per 1,000 referrals"}},
        yaxis={"autorange": "reversed"},
    )
    return figure(data, layout)
