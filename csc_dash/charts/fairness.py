"""Charts for the Fairness page: dots with intervals by group, the disparity band, the
recorded-versus-need comparison and who gains or loses under a preset.

Frames in, figures out; every number is computed in :mod:`csc_dash.fairness`. Groups with too
few referrals get the words "too few to tell" instead of a dot. Group labels come from the data
(an upload's own values) and every name may be joined into a hover template, so each enters a
figure through :func:`csc_dash.markup.chart_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import pandas as pd

from csc_dash.charts import KIND_STYLE, OKABE_ITO, base_layout
from csc_dash.fairness.sentences import change_words, ratio_range_words, ratio_words
from csc_dash.markup import chart_text

__all__ = ["TOO_FEW", "change_bars", "comparison_dots", "disparity_dots", "rate_dots"]

TOO_FEW = "too few to tell"
_ROW_HEIGHT = 30
_RATIO_LIMITS = (0.05, 20.0)  # the widest a ratio axis goes
# Room on the right for the last tick label ("100"), which plotly hides when it would overflow.
_MARGIN = {"l": 10, "r": 30, "t": 40, "b": 10}


def _height(rows: int) -> int:
    return max(220, 110 + _ROW_HEIGHT * rows)


def _wrap(title: str, longest: int = 30) -> str:
    """A title or legend name (already escaped) on lines of at most ``longest`` characters:
    plotly does not wrap, and a longer line was cut off on a 390 px phone."""
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= longest:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


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
        name=_wrap(chart_text(name)),
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
    hidden = frame["too_few"].to_numpy(dtype=bool) | frame["value"].isna().to_numpy()
    return _too_few_words(y[hidden], x=x)


def _too_few_words(y: np.ndarray, *, x: float):
    """"Too few to tell" written at ``x`` on each row ``y`` where there is no dot to draw."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=np.full(len(y), x),
        y=y,
        mode="text",
        text=[TOO_FEW] * len(y),
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
    fig.update_layout(**base_layout(height=_height(len(labels)), showlegend=False, margin=_MARGIN))
    _y_axis(fig, labels)
    fig.update_xaxes(title=_wrap(chart_text(x_title)), range=[0, 100], dtick=10, zeroline=True)
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
    # A group too few to tell either way gets the words, not one dot: the comparison needs both
    # (as in fairness.describe_label_comparison).
    either = np.zeros(len(rec), dtype=bool)
    for against in styles:
        either |= frame.loc[frame["against"] == against, "too_few"].to_numpy(dtype=bool)
    rec = rec.assign(too_few=either)
    labels = _labels(rec["label"])
    fig = go.Figure()
    for against, style in styles.items():
        part = frame[frame["against"] == against].assign(too_few=either)
        y = np.arange(len(part), dtype=float) + style["offset"]
        fig.add_trace(
            _dots_trace(
                part, y, name=names[against], colour=style["colour"], symbol=style["symbol"], unit=unit
            )
        )
    fig.add_trace(_too_few_trace(rec, np.arange(len(rec), dtype=float), x=0))
    fig.update_layout(**base_layout(height=_height(len(labels)) + 30, showlegend=True, margin=_MARGIN))
    _y_axis(fig, labels)
    fig.update_xaxes(title=_wrap(chart_text(x_title)), range=[0, 100], dtick=10, zeroline=True)
    return fig


def disparity_dots(
    frames: Mapping[str, pd.DataFrame],
    *,
    band: tuple[float, float],
    reference_label: str,
    plain: bool = True,
):
    """Each group's rate as a ratio to the reference group, on a log scale, with its interval
    and the band shaded.

    ``plain`` (the default, what a family sees) writes the ticks as whole numbers and fractions
    ("1/2", "4/5", "5/4") and the hover text in words ("about 37% more than ..."); otherwise the
    ratios to two decimals.

    ``frames`` maps a legend name to a ``fairness.disparity`` table (all for the same groups);
    its ``ratio_low`` and ``ratio_high`` are drawn as a line across each mark (clipped to the
    axis, which is never wider than 1/20 to 20).
    """
    import plotly.graph_objects as go

    styles = [
        {"colour": KIND_STYLE["false_alarm"]["colour"], "symbol": "triangle-up"},
        {"colour": KIND_STYLE["missed"]["colour"], "symbol": "x"},
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
    shown_parts = []
    for table in frames.values():
        shown = ~table["too_few"].to_numpy(dtype=bool) & table["ratio"].notna().to_numpy()
        shown_parts.append(shown)
    # Room either side so the outermost marks and lines are whole, and for the "too few" words;
    # never wider than 1/20 to 20 (a line running off the edge means "could be far more").
    ends = [band[0], band[1]]
    for table, shown in zip(frames.values(), shown_parts, strict=True):
        for column in ("ratio", "ratio_low", "ratio_high"):
            if column in table.columns:
                values = table.loc[shown, column].to_numpy(dtype=float)
                ends.extend(values[np.isfinite(values) & (values > 0)].tolist())
    low = max(min(ends) / 1.25, _RATIO_LIMITS[0])
    high = min(max(ends) * 1.12, _RATIO_LIMITS[1])
    for (name, table), shown, style, offset in zip(
        frames.items(), shown_parts, styles, offsets, strict=False
    ):
        y = np.arange(len(table), dtype=float) + offset
        part = table[shown]
        ratio = part["ratio"].to_numpy(dtype=float)
        r_low = part["ratio_low"].to_numpy(dtype=float) if "ratio_low" in part else np.full(len(part), np.nan)
        r_high = part["ratio_high"].to_numpy(dtype=float) if "ratio_high" in part else np.full(len(part), np.nan)
        bar_low = np.clip(np.where(np.isnan(r_low), ratio, r_low), low, high)
        bar_high = np.clip(np.where(np.isnan(r_high), ratio, r_high), low, high)
        fig.add_trace(
            go.Scatter(
                x=ratio,
                y=y[shown],
                mode="markers",
                name=chart_text(name),
                marker={
                    "symbol": style["symbol"],
                    "color": style["colour"],
                    "size": 12,
                    "line": {"width": 1.5, "color": style["colour"]},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": np.maximum(bar_high - ratio, 0),
                    "arrayminus": np.maximum(ratio - bar_low, 0),
                    "color": style["colour"],
                    "thickness": 2,
                    "width": 4,
                },
                customdata=np.column_stack(
                    [
                        _labels(part["label"]),
                        [
                            ratio_range_words(lo, hi) if plain else _ratio_range(lo, hi)
                            for lo, hi in zip(r_low, r_high, strict=True)
                        ],
                        [ratio_words(r) if plain else f"{r:.2f} times" for r in ratio],
                    ]
                ),
                hovertemplate=(
                    "%{customdata[0]}: %{customdata[2]} "
                    + reference
                    + "<br>%{customdata[1]}<extra>"
                    + chart_text(name)
                    + "</extra>"
                ),
            )
        )
    hidden = first["too_few"].to_numpy(dtype=bool)
    fig.add_trace(_too_few_words(np.arange(len(first), dtype=float)[hidden], x=low))
    fig.update_layout(**base_layout(height=_height(len(labels)) + 30, showlegend=True, margin=_MARGIN))
    _y_axis(fig, labels)
    ticks = _ratio_ticks(low, high, band, plain=plain)
    fig.update_xaxes(
        type="log",
        range=[np.log10(low), np.log10(high)],
        tickmode="array",
        tickvals=ticks,
        ticktext=[fraction_text(t) if plain else f"{t:g}" for t in ticks],
        title=_wrap(f"Compared with {reference} (1 = the same)"),
    )
    return fig


_TICKS = (
    # (widest span in decades, round numbers to write out)
    (0.5, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 3)),
    (1.2, (0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.25, 2, 3, 5, 10)),
    (np.inf, (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20)),
)


#: The same, as simple fractions for the plain view (no decimals: "1/2", "4/5").
_PLAIN_TICKS = (
    (0.5, (1 / 3, 1 / 2, 2 / 3, 1, 3 / 2, 2, 3)),
    (1.2, (1 / 10, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 10)),
    (np.inf, (1 / 20, 1 / 10, 1 / 5, 1 / 2, 1, 2, 5, 10, 20)),
)


def fraction_text(value: float) -> str:
    """A ratio as a whole number or a simple fraction, no decimal point: 0.8 -> "4/5",
    1.25 -> "5/4", 2 -> "2"."""
    f = Fraction(float(value)).limit_denominator(20)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _ratio_ticks(
    low: float, high: float, band: tuple[float, float], *, plain: bool = False
) -> list[float]:
    """Tick values written out in full (plotly's own log ticks label 0.2 as "2"): the band's
    edges and 1, with a few round numbers, fewer when the axis is wide."""
    span = np.log10(high / low)
    pool = next(values for widest, values in (_PLAIN_TICKS if plain else _TICKS) if span <= widest)
    return sorted({*(t for t in pool if low <= t <= high), 1.0, *(b for b in band if low <= b <= high)})


def _ratio_range(low: float, high: float) -> str:
    if np.isnan(low) or np.isnan(high):
        return "likely range not known"
    top = "far more" if np.isinf(high) else f"{high:.2f}"
    return f"probably between {low:.2f} and {top}"


def change_bars(frame: pd.DataFrame, *, plain: bool = True):
    """Who gains or loses under a preset: change per 1,000 in each group against one threshold.

    ``plain`` (the default) gives the hover text in whole people ("about 3 fewer per 1,000") and
    whole-number ticks; otherwise one decimal.

    ``frame`` from ``fairness.preset_changes`` (``label``, ``change_false_alarms_per_1000``,
    ``change_missed_per_1000``, ``too_few``). Below zero is fewer mistakes.
    """
    import plotly.graph_objects as go

    labels = [
        chart_text(f"{label} ({TOO_FEW})" if few else label)
        for label, few in zip(frame["label"], frame["too_few"], strict=True)
    ]
    series = [
        ("change_false_alarms_per_1000", "Change in false alarms", KIND_STYLE["false_alarm"]["colour"], "/"),
        ("change_missed_per_1000", "Change in children missed", KIND_STYLE["missed"]["colour"], "x"),
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
                customdata=[change_words(v) for v in frame[column]],
                hovertemplate="%{y}: "
                + ("%{customdata}" if plain else "%{x:+.1f}")
                + " per 1,000<extra>"
                + name
                + "</extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#1a1a1a", "width": 1})
    fig.update_layout(
        **base_layout(height=_height(len(labels)) + 30, barmode="group", showlegend=True)
    )
    fig.update_yaxes(autorange="reversed")
    values = frame[["change_false_alarms_per_1000", "change_missed_per_1000"]].to_numpy(dtype=float)
    span = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
    whole = {"dtick": 1} if plain and span <= 6 else {}  # plotly would tick at 0.5 on a short axis
    fig.update_xaxes(
        title=_wrap("Change per 1,000 in the group (below 0 = fewer)"),
        zeroline=True,
        tickformat="d" if plain else None,
        **whole,
    )
    return fig
