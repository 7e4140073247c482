"""Charts for the Root causes page: frames from :mod:`csc_dash.population` in, figures out.

Roles are told apart by colour *and* shape: the chosen council is a large vermillion star, its
statistical neighbours sky-blue diamonds, other councils small grey circles, England black.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from csc_dash.charts import OKABE_ITO, base_layout

#: The published rates (and the made-up council's) are per 10,000 children; a chart given
#: ``per=1_000`` (the plain view) draws and labels them per 1,000.
PUBLISHED_PER = 10_000


def _scaled(values, per: int):
    """Rates per 10,000 as rates per ``per`` children (a unit, not a new figure)."""
    return values * (per / PUBLISHED_PER)

__all__ = [
    "DECILE_AXIS",
    "ROLE_STYLE",
    "cohort_factors_heatmap",
    "cohort_need_chart",
    "cohort_referrals_chart",
    "factor_bars",
    "neighbour_bars",
    "rate_series",
    "residual_bars",
    "scatter_with_line",
    "what_if_bars",
]

ROLE_STYLE = {
    "other": {"name": "Other councils", "colour": OKABE_ITO["grey"], "symbol": "circle", "size": 8},
    "neighbour": {
        "name": "Its statistical neighbours",
        "colour": OKABE_ITO["sky_blue"],
        "symbol": "diamond",
        "size": 12,
    },
    "chosen": {"name": "The council you picked", "colour": OKABE_ITO["vermillion"], "symbol": "star", "size": 20},
}
#: Deciles in words first: "tenth" is the plain form, "decile" the word beside it.
DECILE_AXIS = "Tenth of neighbourhoods (decile)"
_DECILE_TICKS = {
    "tickmode": "array",
    "tickvals": list(range(1, 11)),
    "ticktext": ["1<br>most<br>deprived", *map(str, range(2, 10)), "10<br>least<br>deprived"],
    "tickangle": 0,  # upright even when a narrow chart would tilt them
}



def _axis_title(title: str, longest: int = 30) -> str:
    """An axis title on lines of at most ``longest`` characters: plotly does not wrap, and a
    longer title was cut off on a 390 px phone. Words are kept whole."""
    lines: list[str] = []
    for word in str(title).split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= longest:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)

def _wrapped(text: str, *, width: int = 46) -> tuple[str, int]:
    """A title broken into lines that fit a narrow chart (plotly never wraps), and the line count."""
    lines = [part for line in text.split("\n") for part in (textwrap.wrap(line, width) or [""])]
    return "<br>".join(lines), len(lines)


def scatter_with_line(
    points: pd.DataFrame,
    *,
    slope: float,
    intercept: float,
    x_label: str,
    y_label: str,
    title: str,
    analyst: bool = False,
    per: int = PUBLISHED_PER,
    x_numbers: bool = True,
) -> go.Figure:
    """Councils as points (role by colour and shape) and the least-squares line.

    ``points`` (``y``), ``slope`` and ``intercept`` are in rates per 10,000, drawn per ``per``
    children. ``title`` is a sentence; it is wrapped to fit a narrow column (a newline starts a
    new line). The hover text names the council and its rate in whole children in every
    ``per``; with ``analyst`` both figures as published. Without ``x_numbers`` the x axis has no
    numbers (a score with no unit a family could read; its title says what it means).
    """
    hover = (
        "%{text}<br>%{x:.3g}, %{y:.1f}<extra></extra>"
        if analyst
        else "%{text}: %{y:.0f} in every " + f"{per:,}" + " children<extra></extra>"
    )
    slope, intercept = _scaled(slope, per), _scaled(intercept, per)
    fig = go.Figure()
    for role in ("other", "neighbour", "chosen"):
        part = points[points["role"] == role]
        if part.empty:
            continue
        style = ROLE_STYLE[role]
        fig.add_trace(
            go.Scatter(
                x=part["x"],
                y=_scaled(part["y"], per),
                mode="markers",
                name=style["name"],
                text=part["la_name"],
                marker={
                    "color": style["colour"],
                    "symbol": style["symbol"],
                    "size": style["size"],
                    "line": {"color": "#1a1a1a", "width": 0.5 if role == "other" else 1},
                    "opacity": 0.7 if role == "other" else 1.0,
                },
                hovertemplate=hover,
            )
        )
    if len(points) and slope == slope:  # not NaN
        lo, hi = float(points["x"].min()), float(points["x"].max())
        fig.add_trace(
            go.Scatter(
                x=[lo, hi],
                y=[intercept + slope * lo, intercept + slope * hi],
                mode="lines",
                name="Straight-line fit",
                line={"color": OKABE_ITO["black"], "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
    title_text, lines = _wrapped(title)
    fig.update_layout(
        **base_layout(
            title={
                "text": title_text,
                "font": {"size": 16},
                "x": 0,
                "xanchor": "left",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 22},  # plotly places a multi-line title about one line too high
            },
            height=510 + 22 * lines,
            margin={"l": 10, "r": 10, "t": 30 + 22 * lines, "b": 10},
            legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        )
    )
    fig.update_xaxes(title_text=_axis_title(x_label), showticklabels=x_numbers)
    fig.update_yaxes(title_text=_axis_title(y_label), rangemode="tozero")
    return fig


def rate_series(
    series: pd.DataFrame,
    *,
    council: str,
    y_label: str,
    analyst: bool = False,
    per: int = PUBLISHED_PER,
) -> go.Figure:
    """A council's rate each year against England's (solid circles vs dashed squares), per
    ``per`` children; the hover text in whole children (``analyst``: one decimal)."""
    fig = go.Figure()
    styles = {
        council: {"color": OKABE_ITO["vermillion"], "dash": "solid", "symbol": "star", "size": 12},
        "England": {"color": OKABE_ITO["black"], "dash": "dash", "symbol": "square", "size": 8},
    }
    for area, style in styles.items():
        part = series[series["area"] == area]
        fig.add_trace(
            go.Scatter(
                x=part["year"],
                y=_scaled(part["value"], per),
                name=area,
                mode="lines+markers",
                line={"color": style["color"], "dash": style["dash"], "width": 3},
                marker={"symbol": style["symbol"], "size": style["size"], "color": style["color"]},
                hovertemplate=area
                + (" %{x}: %{y:.1f}" if analyst else " %{x}: %{y:.0f} in every " + f"{per:,}")
                + "<extra></extra>",
            )
        )
    fig.update_layout(**base_layout(height=380))
    fig.update_xaxes(title_text=_axis_title("Year ending 31 March"), dtick=2)
    fig.update_yaxes(title_text=_axis_title(y_label), rangemode="tozero")
    return fig


def _padded(values: pd.Series, *, share: float = 0.18) -> list[float]:
    """An axis range with room for labels outside the bars (and always including 0)."""
    known = values.dropna()
    lo = min(0.0, float(known.min())) if len(known) else 0.0
    hi = max(0.0, float(known.max())) if len(known) else 1.0
    span = (hi - lo) or 1.0
    return [lo - share * span if lo < 0 else 0.0, hi + share * span]


def neighbour_bars(
    frame: pd.DataFrame, *, x_label: str, analyst: bool = False, per: int = PUBLISHED_PER
) -> go.Figure:
    """The council, its neighbours and England as bars; the council is striped, England black.
    Numbers in whole children in every ``per`` (``analyst``: the hover text to one decimal)."""
    frame = frame.iloc[::-1].assign(value=lambda f: _scaled(f["value"], per))  # council on top
    colours = {"chosen": OKABE_ITO["vermillion"], "neighbour": OKABE_ITO["sky_blue"], "England": OKABE_ITO["black"]}
    patterns = {"chosen": "/", "neighbour": "", "England": "."}
    names = [
        f"{n} (picked)" if r == "chosen" else n
        for n, r in zip(frame["la_name"], frame["role"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["value"],
            y=names,
            orientation="h",
            marker={
                "color": [colours[r] for r in frame["role"]],
                "pattern": {"shape": [patterns[r] for r in frame["role"]], "fgcolor": "#ffffff"},
            },
            text=[("not published" if v != v else f"{v:.0f}") for v in frame["value"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:" + (".1f" if analyst else ".0f") + "}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(**base_layout(height=120 + 32 * len(frame)))
    fig.update_xaxes(title_text=_axis_title(x_label), range=_padded(frame["value"]))
    return fig


def factor_bars(frame: pd.DataFrame, *, council: str, analyst: bool = False) -> go.Figure:
    """Share of assessments finding each factor: council (striped) next to England (solid).
    The hover text says about how many in every 100 (``analyst``: the per cent to one decimal)."""
    frame = frame.iloc[::-1]
    share = "%{x:.1f}%" if analyst else "about %{x:.0f} in every 100"
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=frame["england_pct"],
            y=frame["label"],
            orientation="h",
            name="England",
            marker={"color": OKABE_ITO["black"]},
            hovertemplate="England, %{y}: " + share + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=frame["council_pct"],
            y=frame["label"],
            orientation="h",
            name=council,
            marker={"color": OKABE_ITO["vermillion"], "pattern": {"shape": "/", "fgcolor": "#ffffff"}},
            hovertemplate=council + ", %{y}: " + share + "<extra></extra>",
        )
    )
    fig.update_layout(**base_layout(barmode="group", height=520))
    fig.update_xaxes(title_text=_axis_title("Out of every 100 assessments"), rangemode="tozero")
    return fig


def residual_bars(
    frame: pd.DataFrame,
    *,
    council: str | None,
    x_label: str,
    analyst: bool = False,
    per: int = PUBLISHED_PER,
) -> go.Figure:
    """Councils furthest above and below what deprivation predicts (up-bars vs down-bars), in
    whole children in every ``per`` (``analyst``: the hover text to one decimal)."""
    frame = frame.iloc[::-1].assign(residual=lambda f: _scaled(f["residual"], per))
    above = frame["residual"] >= 0
    colours = [
        OKABE_ITO["vermillion"] if code == council else (OKABE_ITO["orange"] if a else OKABE_ITO["blue"])
        for code, a in zip(frame["new_la_code"], above, strict=True)
    ]
    patterns = ["/" if a else "" for a in above]
    labels = [
        f"{name} (picked)" if code == council else name
        for code, name in zip(frame["new_la_code"], frame["la_name"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["residual"],
            y=labels,
            orientation="h",
            marker={"color": colours, "pattern": {"shape": patterns, "fgcolor": "#ffffff"}},
            text=[f"{'+' if r >= 0 else '−'}{abs(r):.0f}" for r in frame["residual"]],
            textposition="outside",
            hovertemplate="%{y}: %{x:" + ("+.1f" if analyst else "+.0f") + "}<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line={"color": OKABE_ITO["black"], "width": 1})
    fig.update_layout(**base_layout(height=140 + 26 * len(frame)))
    fig.update_xaxes(title_text=_axis_title(x_label), range=_padded(frame["residual"], share=0.25))
    return fig


def cohort_referrals_chart(gradient: pd.DataFrame, *, per: int = PUBLISHED_PER) -> go.Figure:
    """Referrals per ``per`` children a year, by deprivation decile."""
    values = _scaled(gradient["referrals_per_10k"], per)
    fig = go.Figure(
        go.Bar(
            x=gradient["deprivation_decile"],
            y=values,
            name="Referrals",
            marker={"color": OKABE_ITO["sky_blue"]},
            text=[f"{v:.0f}" for v in values],
            textposition="outside",
            hovertemplate="Tenth %{x}: %{y:.0f} referrals in every "
            + f"{per:,}"
            + " children a year<extra></extra>",
        )
    )
    fig.update_layout(**base_layout(height=360, showlegend=False))
    fig.update_xaxes(title_text=_axis_title(DECILE_AXIS), **_DECILE_TICKS)
    fig.update_yaxes(
        title_text=_axis_title(f"Referrals in every {per:,} children a year"), rangemode="tozero"
    )
    return fig


def cohort_need_chart(gradient: pd.DataFrame, *, per: int = PUBLISHED_PER) -> go.Figure:
    """True need next to recorded plans or care, per ``per`` children a year, by decile."""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=gradient["deprivation_decile"],
            y=_scaled(gradient["need_per_10k"], per),
            name="Truly needed a plan or care<br>(known only in this made-up world)",
            marker={"color": OKABE_ITO["bluish_green"], "pattern": {"shape": "/", "fgcolor": "#ffffff"}},
            hovertemplate="Tenth %{x}: about %{y:.0f} needed help<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=gradient["deprivation_decile"],
            y=_scaled(gradient["recorded_per_10k"], per),
            name="Plan or care recorded",
            marker={"color": OKABE_ITO["blue"]},
            hovertemplate="Tenth %{x}: about %{y:.0f} recorded<extra></extra>",
        )
    )
    fig.update_layout(**base_layout(barmode="group", height=400))
    fig.update_xaxes(title_text=_axis_title(DECILE_AXIS), **_DECILE_TICKS)
    fig.update_yaxes(title_text=_axis_title(f"Children in every {per:,}, a year"), rangemode="tozero")
    return fig


def cohort_factors_heatmap(factors: pd.DataFrame, *, per: int = PUBLISHED_PER) -> go.Figure:
    """Each factor per ``per`` children a year by decile, numbers printed in every cell."""
    wide = _scaled(factors.pivot(index="label", columns="deprivation_decile", values="per_10k"), per)
    order = factors.groupby("label")["per_10k"].sum().sort_values().index
    wide = wide.loc[order]
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=list(wide.columns),
            y=list(wide.index),
            text=[[f"{v:.0f}" for v in row] for row in wide.to_numpy()],
            texttemplate="%{text}",
            textfont={"size": 13},
            colorscale=[[0, "#ffffff"], [1, OKABE_ITO["blue"]]],
            showscale=False,  # every box prints its number; a colour key would only take width
            customdata=[[label] * wide.shape[1] for label in wide.index],
            hovertemplate="%{customdata}, tenth %{x}: %{z:.0f} in every "
            + f"{per:,}"
            + " children a year<extra></extra>",
        )
    )
    # Two-line worry names leave the boxes room on a tablet.
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(wide.index),
        ticktext=[_wrapped(label, width=20)[0] for label in wide.index],
    )
    fig.update_layout(**base_layout(height=100 + 46 * len(wide)))  # room for two-line names
    fig.update_xaxes(title_text=_axis_title(DECILE_AXIS), **_DECILE_TICKS)
    return fig


def what_if_bars(
    table: pd.DataFrame,
    *,
    labels: list[str] | None = None,
    per: int = PUBLISHED_PER,
    counts: bool = False,
) -> go.Figure:
    """Now vs after the what-if, for recorded escalations and true need (per ``per`` a year).

    ``labels`` are the numbers written on the bars, one per row of ``table`` (from
    ``root_causes.what_if_labels``: whole numbers that never make a change look like none);
    without them, whole numbers. With ``counts``, the bars are whole children in these
    neighbourhoods over the five years (the sentences' "about 40 fewer in five years"), not a
    rate: per 1,000 a year they were 3 and "a little less", too small to see the change.
    """
    values = table["count"] if counts else _scaled(table["per_10k"], per)
    table = table.assign(per_10k=values)
    shown = list(labels) if labels is not None else [f"{v:.0f}" for v in table["per_10k"]]
    names = {"recorded": "Plan or care recorded", "need": "Truly needed a plan or care"}
    fig = go.Figure()
    for when, style in (
        ("now", {"color": OKABE_ITO["grey"], "pattern": {"shape": ""}}),
        ("after", {"color": OKABE_ITO["bluish_green"], "pattern": {"shape": "/", "fgcolor": "#ffffff"}}),
    ):
        part = table[table["when"] == when]
        words = [shown[i] for i in range(len(table)) if table["when"].iloc[i] == when]
        fig.add_trace(
            go.Bar(
                x=[names[m] for m in part["measure"]],
                y=part["per_10k"],
                name="As it is now" if when == "now" else "In the what-if",
                marker=style,
                text=words,
                textposition="outside",
                customdata=words,
                hovertemplate="%{x}: %{customdata}"
                + (" children in five years" if counts else f" in every {per:,} a year")
                + "<extra></extra>",
            )
        )
    fig.update_layout(**base_layout(barmode="group", height=380))
    y_title = "Children, in five years" if counts else f"Children in every {per:,}, a year"
    fig.update_yaxes(title_text=_axis_title(y_title), rangemode="tozero")
    return fig
