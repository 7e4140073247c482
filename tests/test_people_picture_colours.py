"""The four kinds of referral stay apart for every kind of colour vision, and in grey.

Simulated here: protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009,
severity 1.0, applied in linear RGB) and greyscale (a grey of the same luminance). Our simulation
is checked against colorspacious, which implements the same paper. Then, for the people picture
and for the charts' markers:

- every kind is at least 3:1 against the white page (WCAG 2.2, 1.4.11 non-text contrast);
- every two kinds differ by their look (shape) or by at least 3:1 in luminance.
"""

from __future__ import annotations

import itertools
import re

import colorspacious
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csc_dash import tradeoffs
from csc_dash.charts import KIND_STYLE, OKABE_ITO
from csc_dash.ui.components import line_picture

BACKGROUND = "#FFFFFF"

#: Machado et al. (2009), Table 1, severity 1.0: linear RGB in, linear RGB out.
MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
#: colorspacious names the full-severity forms "-anomaly" with severity 100.
COLORSPACIOUS_NAME = {
    "protanopia": "protanomaly",
    "deuteranopia": "deuteranomaly",
    "tritanopia": "tritanomaly",
}
VISIONS = ("typical", *MACHADO, "greyscale")
LUMINANCE_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])  # WCAG 2.2 relative luminance


def srgb(hex_colour: str) -> np.ndarray:
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", hex_colour)
    assert match, hex_colour
    return np.array([int(match[1][i : i + 2], 16) / 255 for i in (0, 2, 4)])


def to_linear(c: np.ndarray) -> np.ndarray:
    """sRGB (0 to 1) to linear RGB, piecewise as the standard has it (values below 0, which a
    simulation can give, stay on the straight part, as in colorspacious)."""
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((np.maximum(c, 0.04045) + 0.055) / 1.055) ** 2.4)


def simulate(linear: np.ndarray, vision: str) -> np.ndarray:
    """The colour as a person with ``vision`` sees it, in linear RGB (clipped to the screen)."""
    if vision == "typical":
        seen = linear
    elif vision == "greyscale":
        seen = np.repeat(linear @ LUMINANCE_WEIGHTS, 3)
    else:
        seen = MACHADO[vision] @ linear
    return np.clip(seen, 0.0, 1.0)


def luminance(hex_colour: str, vision: str) -> float:
    return float(simulate(to_linear(srgb(hex_colour)), vision) @ LUMINANCE_WEIGHTS)


def contrast(a: str, b: str, vision: str) -> float:
    low, high = sorted((luminance(a, vision), luminance(b, vision)))
    return (high + 0.05) / (low + 0.05)


# The two sets of marks: the people picture (colour and look) and the charts (colour and symbol).
PEOPLE = {
    kind: (line_picture.PERSON_COLOURS[kind], line_picture.PERSON_LOOKS[kind][0])
    for kind in tradeoffs.KIND_ORDER
}
CHARTS = {kind: (KIND_STYLE[kind]["colour"], KIND_STYLE[kind]["symbol"]) for kind in KIND_STYLE}
MARKS = {"people picture": PEOPLE, "charts": CHARTS}


# --- The simulation against its peer ---------------------------------------------------------


@pytest.mark.parametrize("vision", list(MACHADO))
@given(rgb=st.tuples(*[st.integers(0, 255)] * 3))
def test_our_simulation_is_colorspacious(vision, rgb):
    colour = np.array(rgb) / 255
    ours = MACHADO[vision] @ to_linear(colour)
    theirs = colorspacious.cspace_convert(
        colour,
        {"name": "sRGB1+CVD", "cvd_type": COLORSPACIOUS_NAME[vision], "severity": 100},
        "sRGB1",
    )
    np.testing.assert_allclose(ours, to_linear(theirs), atol=1e-9)


@given(rgb=st.tuples(*[st.integers(0, 255)] * 3))
def test_our_luminance_is_colorspacious_y(rgb):
    # The greyscale keeps luminance: the Y of CIE XYZ (D65), as colorspacious computes it.
    hex_colour = "#" + "".join(f"{v:02X}" for v in rgb)
    y = colorspacious.cspace_convert(np.array(rgb) / 255, "sRGB1", "XYZ1")[1]
    assert luminance(hex_colour, "typical") == pytest.approx(y, abs=1e-4)
    assert luminance(hex_colour, "greyscale") == pytest.approx(y, abs=1e-4)


def test_contrast_matches_published_figures():
    # WCAG's own examples and well-known values: black on white 21:1, #767676 on white 4.54:1.
    assert contrast("#000000", BACKGROUND, "typical") == pytest.approx(21.0)
    assert contrast("#767676", BACKGROUND, "typical") == pytest.approx(4.54, abs=0.01)


def test_the_check_rejects_the_old_colours():
    # Plain Okabe–Ito orange and light grey were the picture's colours before (issue 14): the
    # check must catch them, or it checks nothing.
    assert contrast(OKABE_ITO["orange"], BACKGROUND, "deuteranopia") < 3
    assert contrast(OKABE_ITO["light_grey"], BACKGROUND, "greyscale") < 3


# --- The marks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("marks", list(MARKS))
def test_every_kind_stands_out_from_the_page(marks, vision):
    for kind, (colour, _look) in MARKS[marks].items():
        ratio = contrast(colour, BACKGROUND, vision)
        assert ratio >= 3.0, f"{marks}: {kind} ({colour}) is {ratio:.2f}:1 under {vision}"


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("marks", list(MARKS))
def test_every_two_kinds_differ_by_look_or_by_3_to_1(marks, vision):
    for (a, (colour_a, look_a)), (b, (colour_b, look_b)) in itertools.combinations(
        MARKS[marks].items(), 2
    ):
        ratio = contrast(colour_a, colour_b, vision)
        assert look_a != look_b or ratio >= 3.0, f"{marks}: {a} and {b} under {vision}"


def test_every_kind_of_person_has_a_look_of_its_own():
    looks = [look for look, _rules in line_picture.PERSON_LOOKS.values()]
    assert len(set(looks)) == len(looks) == len(tradeoffs.KIND_ORDER)
    # The looks differ in what is drawn, not just in name.
    rules = [rules for _look, rules in line_picture.PERSON_LOOKS.values()]
    assert len(set(rules)) == len(rules)


def test_the_looks_and_colours_reach_the_page():
    css = line_picture._css()
    for kind in tradeoffs.KIND_ORDER:
        assert f'[data-kind="{kind}"] {{ --ink: {line_picture.PERSON_COLOURS[kind]}; }}' in css
        for part, declarations in line_picture.PERSON_LOOKS[kind][1]:
            for one in part.split(","):
                assert f'.csc-line g[data-kind="{kind}"] {one.strip()}' in css
            assert declarations in css
    # Only PERSON_LOOKS gives a kind its look: the stylesheet names no kind.
    sheet = (line_picture._HERE / "line_picture.css").read_text(encoding="utf-8")
    assert "data-kind=" not in sheet


def test_the_picture_and_the_charts_share_one_palette():
    assert {k: c for k, (c, _) in PEOPLE.items()} == {k: c for k, (c, _) in CHARTS.items()}
