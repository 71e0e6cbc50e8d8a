"""Contour lines traced through a sampled grid."""

import numpy as np
import pytest

from gdviz.ui.views.isolines import isolines


def grid(f, n=81, lim=2.0):
    xs = ys = np.linspace(-lim, lim, n)
    x, y = np.meshgrid(xs, ys)
    return xs, ys, f(x, y)


@pytest.mark.parametrize("r", [0.5, 1.0, 1.7])
def test_circles_are_traced_on_their_radius_and_closed(r):
    xs, ys, z = grid(lambda x, y: x * x + y * y)
    pts = isolines(xs, ys, z, np.array([r * r]))
    h = xs[1] - xs[0]
    assert len(pts) % 2 == 0 and len(pts) > 20
    np.testing.assert_allclose(np.hypot(pts[:, 0], pts[:, 1]), r, atol=h * h / r)
    # closed: every end point is shared by two segments (four where the circle passes
    # through a grid node, which ends a segment in each cell around it)
    keys, counts = np.unique(np.round(pts, 9), axis=0, return_counts=True)
    assert np.all(counts % 2 == 0)
    angles = np.arctan2(pts[:, 1], pts[:, 0])
    assert np.ptp(angles) > 6.0  # all the way round


def test_a_grid_that_is_linear_in_x_gives_vertical_lines_exactly():
    xs, ys, z = grid(lambda x, y: 3 * x + 0 * y, n=11)
    pts = isolines(xs, ys, z, np.array([0.3, 1.5]))
    assert set(np.round(pts[:, 0], 12)) == {0.1, 0.5}
    assert pts[:, 1].min() == pytest.approx(-2) and pts[:, 1].max() == pytest.approx(2)


def test_nan_cells_and_levels_outside_the_data_are_skipped():
    xs, ys, z = grid(lambda x, y: x * x + y * y, n=21)
    z[8:12, 8:12] = np.nan
    assert isolines(xs, ys, z, np.array([100.0])).shape == (0, 2)
    pts = isolines(xs, ys, z, np.array([0.05, 1.0]))
    assert np.all(np.isfinite(pts))
    assert np.hypot(pts[:, 0], pts[:, 1]).min() > 0.5  # the small circle fell in the hole


def test_saddle_cells_give_two_separate_segments():
    # one cell: a=c high, b=d low; the centre decides which corners are joined
    xs, ys = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    z = np.array([[1.0, 0.0], [0.0, 1.0]])  # a=z[0,0], b=z[0,1], d=z[1,0], c=z[1,1]
    pts = isolines(xs, ys, z, np.array([0.4]))  # centre 0.5 ≥ 0.4: a and c are joined
    assert pts.shape == (4, 2)
    mids = sorted(map(tuple, np.round((pts[0::2] + pts[1::2]) / 2, 9)))
    assert mids == [(0.2, 0.8), (0.8, 0.2)]  # the cuts around the low corners b and d
    below = isolines(xs, ys, z, np.array([0.6]))  # centre 0.5 < 0.6: b and d are joined
    mids = sorted(map(tuple, np.round((below[0::2] + below[1::2]) / 2, 9)))
    assert mids == [(0.2, 0.2), (0.8, 0.8)]  # the cuts around the high corners a and c
