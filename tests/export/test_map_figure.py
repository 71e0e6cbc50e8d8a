"""Map pictures framed with axes, a title and a legend: the map's pixels unchanged inside
the margins, ticks where their values are, the legend's colours; tick choice."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdviz.core.maps import basin_map, stability_map
from gdviz.export.map_figure import BOTTOM, LEFT, MIN_RIGHT, TICK, TOP, MapAxis
from gdviz.export.maps import (
    DIVERGED_RGB,
    NOT_CONVERGED_RGB,
    PALETTE,
    STABILITY_DIVERGED_RGB,
    basin_figure,
    basin_image,
    colour_scale,
    stability_figure,
    stability_image,
    stability_label,
)
from gdviz.export.ticks import MOST, linear_ticks, log_ticks, minor_log_ticks, ticks

WHITE = np.array([255, 255, 255])


def split(figure: np.ndarray, picture: np.ndarray) -> dict[str, np.ndarray]:
    """The figure's parts around a map of ``picture``'s size."""
    h, w = picture.shape[:2]
    assert figure.shape[0] == h + TOP + BOTTOM and figure.shape[1] >= w + LEFT + MIN_RIGHT
    return {"map": figure[TOP:TOP + h, LEFT:LEFT + w], "title": figure[:TOP - 2],
            "left": figure[TOP:TOP + h, :LEFT - 2], "below": figure[TOP + h + 2:, LEFT:LEFT + w],
            "legend": figure[:, LEFT + w + 2:]}


def inked(part: np.ndarray) -> int:
    """Pixels that are not background white."""
    return int((part != WHITE).any(axis=-1).sum())


def has_colour(part: np.ndarray, rgb) -> bool:
    return bool((part == np.asarray(rgb)).all(axis=-1).any())


@pytest.fixture(scope="module")
def himmelblau_basins():
    return basin_map("himmelblau", "gd", box=((-5, 5), (-4, 6)), res=30, steps=200, lr=0.01)


def test_the_basin_figure_frames_the_unchanged_map(himmelblau_basins) -> None:
    bmap = himmelblau_basins
    picture = basin_image(bmap)
    figure = basin_figure(bmap, "basin map · himmelblau")
    parts = split(figure, picture)
    np.testing.assert_array_equal(parts["map"], picture)
    for name in ("title", "left", "below", "legend"):
        assert inked(parts[name]) > 150, name  # text and ticks are drawn there
    for k in range(len(bmap.minima)):  # a swatch per minimum, then the two failures
        assert has_colour(parts["legend"], np.rint(PALETTE[k]).astype(int)), k
    assert has_colour(parts["legend"], NOT_CONVERGED_RGB)
    assert has_colour(parts["legend"], DIVERGED_RGB)


def test_ticks_stand_where_their_values_are(himmelblau_basins) -> None:
    """x ∈ [−5, 5] and y ∈ [−4, 6] (cell centres): the x tick of 0 in the middle of the
    map's width, the y tick of 0 at 40% of its height from the bottom."""
    bmap = himmelblau_basins
    picture = basin_image(bmap)
    h, w = picture.shape[:2]
    figure = basin_figure(bmap, "t")
    dx = 10 / 29
    t_x = (0 - (-5 - dx / 2)) / (10 + dx)
    column = round(LEFT + t_x * (w - 1))
    tick = figure[TOP + h + 1:TOP + h + TICK, column]
    assert (tick < 100).all()  # a dark tick under the map at x = 0
    t_y = (0 - (-4 - dx / 2)) / (10 + dx)
    row = round(TOP + (1 - t_y) * (h - 1))
    assert (figure[row, LEFT - TICK:LEFT - 1] < 100).all()
    ticks_x = [text for _, text, _ in MapAxis("x", bmap.xs).ticks()]
    assert ticks_x == ["-4", "-2", "0", "2", "4"]


def test_the_stability_figure_has_log_axes_a_colour_bar_and_the_diverged_colour() -> None:
    smap = stability_map("rosenbrock", "momentum", start=(-1.2, 1.0),
                         x=("lr", 1e-4, 1e-1, True), y=("momentum", 0.0, 0.9, False), res=16,
                         steps=100)
    assert smap.diverged.any()
    picture = stability_image(smap, 0.0)
    figure = stability_figure(smap, 0.0, "stability map · rosenbrock")
    parts = split(figure, picture)
    np.testing.assert_array_equal(parts["map"], picture)
    for name in ("title", "left", "below", "legend"):
        assert inked(parts[name]) > 150, name
    legend = parts["legend"]
    assert has_colour(legend, STABILITY_DIVERGED_RGB)
    for end in (0.0, 1.0):  # both ends of the colour bar
        assert has_colour(legend, tuple(int(v) for v in colour_scale(np.array(end)))), end
    assert stability_label(smap, 0.0) == "final loss"
    assert stability_label(smap, -1.305) == "final loss + 1.305"  # no "− -1.305"
    x = MapAxis("lr", smap.xs, log=True)
    assert [text for _, text, _ in x.ticks()] == ["1e-4", "1e-3", "1e-2", "0.1"]
    # 2…9 × 10ᵏ for k = −4, −3, −2, and 8e-5, 9e-5 in the half cell below 1e-4
    assert len(x.minor()) == 8 * 3 + 2 and all(0 < t < 1 for t in x.minor())


@given(st.floats(-1e3, 1e3), st.floats(1e-3, 1e6), st.integers(6, 9))
def test_linear_ticks_are_nice_inside_and_few(lo: float, span: float, most: int) -> None:
    """A nice step is at most 2.5 × span/(most − 1): from 6 allowed ticks on, two fit."""
    hi = lo + span
    values = linear_ticks(lo, hi, most)
    assert 2 <= len(values) <= most
    eps = 1e-9 * max(abs(lo), abs(hi), span)
    assert all(lo - eps <= v <= hi + eps for v in values)
    steps = np.diff(values)
    np.testing.assert_allclose(steps, steps[0], rtol=1e-6, atol=eps)
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
    assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-6


@given(st.floats(-12, 6), st.floats(0.05, 15))
def test_log_ticks_lie_inside(a: float, decades: float) -> None:
    lo, hi = 10 ** a, 10 ** (a + decades)
    values = log_ticks(lo, hi)
    assert 2 <= len(values) <= MOST
    assert all(lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9) for v in values)
    assert all(lo <= v <= hi for v in minor_log_ticks(lo, hi))


def test_tick_texts() -> None:
    assert ticks(1e-5, 1e-2, log=True) == [(1e-5, "1e-5"), (1e-4, "1e-4"), (1e-3, "1e-3"),
                                           (1e-2, "1e-2")]
    assert [t for _, t in ticks(0.0, 0.99)] == ["0", "0.2", "0.4", "0.6", "0.8"]
    assert [t for _, t in ticks(0.01, 0.1, log=True)] == ["0.01", "0.02", "0.05", "0.1"]
