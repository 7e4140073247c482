"""Charts for the Fairness page: dots with intervals by group, the disparity band, the
recorded-versus-need comparison and who gains or loses under a preset.

Frames in, figures out; every number is computed in :mod:`csc_dash.fairness`. Groups with too
few referrals get the words "too few to tell" instead of a dot. Group labels come from the data
(an upload's own values) and every name may be joined into a hover template, so each enters a
figure through :func:`csc_dash.markup.chart_text`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from csc_dash.charts import OKABE_ITO, base_layout
from csc_dash.markup import chart_text

__all__ = ["TOO_FEW", "change_bars", "comparison_dots", "disparity_dots", "rate_dots"]

TOO_FEW = "too few to tell"
_ROW_HEIGHT = 30


def _height(rows: int) -> int:
    return max(220, 110 + _ROW_HEIGHT * rows)


def _labels(labels) -> list[str]:
    return [chart_text(label) for label in labels]


def _y_axis(fig, labels: list[str]) -> None:
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(labels))),
        ticktext=labels,
        range=[len(labels) - 0.5, -0.5],  # first group at the top
        showgrid=False,
        zeroline=False,
    )


def _dots_trace(frame: pd.DataFrame, y: np.ndarray, *, name: str, colour: str, symbol: str, unit: str):
    import plotly.graph_objects as go

    shown = ~frame["too_few"].to_numpy(dtype=bool) & frame["value"].notna().to_numpy()
    part = frame[shown]
    value = part["value"].to_numpy(dtype=float)
    low = part["low"].to_numpy(dtype=float)
    high = part["high"].to_numpy(dtype=float)
    return go.Scatter(
        x=value,
        y=y[shown],
        mode="markers",
        name=chart_text(name),
        marker={"symbol": symbol, "color": colour, "size": 12, "line": {"width": 1, "color": "#1a1a1a"}},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": np.nan_to_num(high - value),
            "arrayminus": np.nan_to_num(value - low),
            "color": colour,
            "thickness": 2.5,
            "width": 5,
        },
        customdata=np.column_stack([_labels(part["label"]), low, high, part["n"]]),
        hovertemplate=(
            "%{customdata[0]}: about %{x:.0f} " + chart_text(unit) + "<br>"
            "probably between %{customdata[1]:.0f} and %{customdata[2]:.0f}<br>"
            "%{customdata[3]:,} referrals<extra>" + chart_text(name) + "</extra>"
        ),
    )


def _too_few_trace(frame: pd.DataFrame, y: np.ndarray, *, x: float):
    import plotly.graph_objects as go

    hidden = frame["too_few"].to_numpy(dtype=bool) | frame["value"].isna().to_numpy()
    return go.Scatter(
        x=np.full(int(hidden.sum()), x),
        y=y[hidden],
        mode="text",
        text=[TOO_FEW] * int(hidden.sum()),
        textposition="middle right",
        textfont={"color": OKABE_ITO["grey"], "size": 14},
        showlegend=False,
        hoverinfo="skip",
    )


def rate_dots(
    frame: pd.DataFrame,
    *,
    x_title: str,
    colour: str = OKABE_ITO["orange"],
    symbol: str = "triangle-up",
    unit: str = "in 100",
    name: str = "Best guess",
):
    """One dot per group with its interval, out of 100; ``frame`` from ``fairness.per_100``."""
    import plotly.graph_objects as go

    labels = _labels(frame["label"])
    y = np.arange(len(labels), dtype=float)
    fig = go.Figure()
    fig.add_trace(_dots_trace(frame, y, name=name, colour=colour, symbol=symbol, unit=unit))
    fig.add_trace(_too_few_trace(frame, y, x=0))
    fig.update_layout(**base_layout(height=_height(len(labels)), showlegend=False))
    _y_axis(fig, labels)
    fig.update_xaxes(title=x_title, range=[0, 100], dtick=10, zeroline=True)
    return fig


def comparison_dots(frame: pd.DataFrame, *, x_title: str, names: Mapping[str, str], unit: str = "in 100"):
    """The same rate measured against the records and against true need, side by side.

    ``frame`` from ``fairness.label_comparison`` (``against`` is ``recorded`` or ``need``);
    ``names`` gives the legend words for each.
    """
    import plotly.graph_objects as go

    styles = {
        "recorded": {"colour": OKABE_ITO["blue"], "symbol": "circle", "offset": -0.17},
        "need": {"colour": OKABE_ITO["orange"], "symbol": "diamond", "offset": 0.17},
    }
    rec = frame[frame["against"] == "recorded"]
    labels = _labels(rec["label"])
    fig = go.Figure()
    for against, style in styles.items():
        part = frame[frame["against"] == against]
        y = np.arange(len(part), dtype=float) + style["offset"]
        fig.add_trace(
            _dots_trace(
                part, y, name=names[against], colour=style["colour"], symbol=style["symbol"], unit=unit
            )
        )
    fig.add_trace(_too_few_trace(rec, np.arange(len(rec), dtype=float), x=0))
    fig.update_layout(**base_layout(height=_height(len(labels)) + 30, showlegend=True))
    _y_axis(fig, labels)
    fig.update_xaxes(title=x_title, range=[0, 100], dtick=10, zeroline=True)
    return fig


def disparity_dots(
    frames: Mapping[str, pd.DataFrame],
    *,
    band: tuple[float, float],
    reference_label: str,
):
    """Each group's rate as a ratio to the reference group, on a log scale, with the band shaded.

    ``frames`` maps a legend name to a ``fairness.disparity`` table (all for the same groups).
    """
    import plotly.graph_objects as go

    styles = [
        {"colour": OKABE_ITO["orange"], "symbol": "triangle-up"},
        {"colour": OKABE_ITO["vermillion"], "symbol": "x"},
        {"colour": OKABE_ITO["blue"], "symbol": "circle"},
    ]
    first = next(iter(frames.values()))
    labels = _labels(first["label"])
    reference = chart_text(reference_label)
    fig = go.Figure()
    fig.add_shape(
        type="rect",
        xref="x",
        yref="paper",
        x0=band[0],
        x1=band[1],
        y0=0,
        y1=1,
        fillcolor=OKABE_ITO["bluish_green"],
        opacity=0.15,
        line={"width": 0},
        layer="below",
    )
    fig.add_vline(x=1, line={"color": OKABE_ITO["grey"], "dash": "dash", "width": 1.5})
    offsets = np.linspace(-0.17, 0.17, len(frames)) if len(frames) > 1 else [0.0]
    ratios = []
    for (name, table), style, offset in zip(frames.items(), styles, offsets, strict=False):
        shown = ~table["too_few"].to_numpy(dtype=bool) & table["ratio"].notna().to_numpy()
        y = np.arange(len(table), dtype=float) + offset
        part = table[shown]
        ratios.extend(part["ratio"][part["ratio"] > 0].tolist())
        fig.add_trace(
            go.Scatter(
                x=part["ratio"],
                y=y[shown],
                mode="markers",
                name=chart_text(name),
                marker={
                    "symbol": style["symbol"],
                    "color": style["colour"],
                    "size": 12,
                    "line": {"width": 1.5, "color": style["colour"]},
                },
                customdata=_labels(part["label"]),
                hovertemplate=(
                    "%{customdata}: %{x:.2f} times " + reference + "<extra>" + chart_text(name) + "</extra>"
                ),
            )
        )
    hidden = first["too_few"].to_numpy(dtype=bool)
    # Room either side so the outermost marks are whole, and for the "too few" words.
    low = min([band[0], *ratios]) / 1.25
    high = max([band[1], *ratios]) * 1.12
    fig.add_trace(
        go.Scatter(
            x=np.full(int(hidden.sum()), low),
            y=np.arange(len(first), dtype=float)[hidden],
            mode="text",
            text=[TOO_FEW] * int(hidden.sum()),
            textposition="middle right",
            textfont={"color": OKABE_ITO["grey"], "size": 14},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(**base_layout(height=_height(len(labels)) + 30, showlegend=True))
    _y_axis(fig, labels)
    fig.update_xaxes(
        type="log",
        range=[np.log10(low), np.log10(high)],
        title=f"Compared with {reference} (1 = the same)",
    )
    return fig


def change_bars(frame: pd.DataFrame):
    """Who gains or loses under a preset: change per 1,000 in each group against one threshold.

    ``frame`` from ``fairness.preset_changes`` (``label``, ``change_false_alarms_per_1000``,
    ``change_missed_per_1000``, ``too_few``). Below zero is fewer mistakes.
    """
    import plotly.graph_objects as go

    labels = [
        chart_text(f"{label} ({TOO_FEW})" if few else label)
        for label, few in zip(frame["label"], frame["too_few"], strict=True)
    ]
    series = [
        ("change_false_alarms_per_1000", "Change in false alarms", OKABE_ITO["orange"], "/"),
        ("change_missed_per_1000", "Change in children missed", OKABE_ITO["vermillion"], "x"),
    ]
    fig = go.Figure()
    for column, name, colour, pattern in series:
        fig.add_trace(
            go.Bar(
                x=frame[column],
                y=labels,
                orientation="h",
                name=name,
                marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#1a1a1a", "size": 6}},
                hovertemplate="%{y}: %{x:+.1f} per 1,000<extra>" + name + "</extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#1a1a1a", "width": 1})
    fig.update_layout(
        **base_layout(height=_height(len(labels)) + 30, barmode="group", showlegend=True)
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Change per 1,000 in the group (below 0 = fewer)", zeroline=True)
    return fig
