"""Plotly figure builders: frames in, ``go.Figure`` out, no computing.

Shared here: the colour-blind-safe palette (Okabe–Ito) and the four kinds of outcome, each with
a colour *and* a shape so colour is never the only cue. Each kind's colour is at least 3:1 against
white for everyone: tests/test_people_picture_colours.py simulates protanopia, deuteranopia and
tritanopia (Machado et al. 2009) and greyscale, for these colours and the people picture's.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "INK",
    "KINDS",
    "KIND_STYLE",
    "MODEL_COLOURS",
    "OKABE_ITO",
    "base_layout",
    "template",
    "wrap_lines",
]

OKABE_ITO = MappingProxyType(
    {
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
        "black": "#000000",
        "grey": "#767676",  # 4.5:1 on white, for text-like marks
        # Orange darkened to 5.6:1 on white: the four kinds of referral are marks a person must
        # see (WCAG 1.4.11 asks 3:1), and plain orange is 2.2:1.
        "dark_orange": "#A35200",
        # Vermillion darkened to 4.6:1 on white (4.0:1 at worst for red-green colour blindness;
        # plain vermillion falls to 3.4:1 there).
        "dark_vermillion": "#C75000",
        "light_grey": "#BBBBBB",
    }
)

#: The four kinds of referral at a threshold, in the order the legend reads.
KINDS = ("true_alarm", "false_alarm", "missed", "not_flagged")
KIND_STYLE = MappingProxyType(
    {
        "true_alarm": {
            "label": "Flagged, and went on to a plan or care",
            "short": "Flagged, needed help",
            "colour": OKABE_ITO["blue"],
            "symbol": "circle",
            "glyph": "●",
        },
        "false_alarm": {
            "label": "False alarm: flagged, but did not go on to a plan or care",
            "short": "False alarm",
            "colour": OKABE_ITO["dark_orange"],
            "symbol": "triangle-up",
            "glyph": "▲",
        },
        "missed": {
            "label": "Child missed: not flagged, but went on to a plan or care",
            "short": "Child missed",
            "colour": OKABE_ITO["dark_vermillion"],
            "symbol": "x-thin-open",
            "glyph": "✕",
        },
        "not_flagged": {
            "label": "Not flagged, and did not go on to a plan or care",
            "short": "Not flagged, no plan",
            "colour": OKABE_ITO["grey"],
            "symbol": "circle-open",
            "glyph": "○",
        },
    }
)

MODEL_COLOURS = MappingProxyType(
    {
        "structured": OKABE_ITO["blue"],
        "text": OKABE_ITO["reddish_purple"],
        "rule": OKABE_ITO["black"],
    }
)


#: Text colour for every chart: 12.6:1 on white (plotly's default grey ticks are about 3.7:1).
INK = "#333333"


@lru_cache(maxsize=1)
def _template() -> dict:
    """plotly_white with dark, readable axis text (WCAG 2.2 AA needs 4.5:1)."""
    import plotly.io as pio

    template = pio.templates["plotly_white"].to_plotly_json()
    layout = template.setdefault("layout", {})
    for axis in ("xaxis", "yaxis"):
        settings = layout.setdefault(axis, {})
        settings["tickfont"] = {"color": INK}
        settings["title"] = {**settings.get("title", {}), "font": {"color": INK}}
        settings["linecolor"] = "#595959"
    layout["legend"] = {**layout.get("legend", {}), "font": {"color": INK}}
    layout["title"] = {**layout.get("title", {}), "font": {"color": INK}}
    return template


def template() -> dict:
    """A fresh copy of the shared chart template (a dict, so it needs no global registration)."""
    return copy.deepcopy(_template())


def base_layout(**overrides) -> dict:
    """Layout settings every chart shares: readable fonts, white background, no clutter."""
    layout = {
        "template": template(),
        "font": {"size": 15, "color": "#1a1a1a"},
        "margin": {"l": 10, "r": 30, "t": 40, "b": 10},  # room for the last x tick label
        "hoverlabel": {"font_size": 14},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }
    layout.update(overrides)
    return layout


def wrap_lines(text: str, longest: int = 30) -> str:
    """``text`` on lines of at most ``longest`` characters joined by ``<br>`` (words kept whole):
    plotly never wraps a legend name or an axis title, and a long one is cut on a 390 px phone."""
    lines: list[str] = []
    for word in str(text).split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= longest:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)
