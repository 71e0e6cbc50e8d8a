"""Contour lines traced through a sampled grid."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def reference(xs, ys, z, levels):
    """The same lines traced level by level over the whole grid: the plain algorithm the
    fast one must agree with."""
    from gdviz.ui.views.isolines import _SEGMENTS, _edge_points

    a, b, c, d = z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]
    valid = np.isfinite(a) & np.isfinite(b) & np.isfinite(c) & np.isfinite(d)
    out = [np.empty((0, 2))]
    for level in levels:
        code = (a >= level) * 1 + (b >= level) * 2 + (c >= level) * 4 + (d >= level) * 8
        code[~valid] = 0
        above = (a + b + c + d) / 4 >= level
        code[code == 5] = np.where(above[code == 5], 16, 17)
        code[code == 10] = np.where(above[code == 10], 17, 16)
        i, j = np.nonzero((code != 0) & (code != 15))
        pts = _edge_points(xs[j], xs[j + 1], ys[i], ys[i + 1],
                           (a[i, j], b[i, j], c[i, j], d[i, j]), np.full(len(i), level))
        pairs = _SEGMENTS[code[i, j]]
        for s in range(2):
            m = np.nonzero(pairs[:, s, 0] >= 0)[0]
            out.append(np.stack([pts[pairs[m, s, 0], m], pts[pairs[m, s, 1], m]],
                                axis=1).reshape(-1, 2))
    return np.concatenate(out)


def segments(pts):
    return sorted(tuple(s.ravel()) for s in pts.reshape(-1, 2, 2))


@settings(max_examples=150, deadline=None)
@given(shape=st.tuples(st.integers(2, 25), st.integers(2, 25)), seed=st.integers(0, 10**6),
       n_levels=st.integers(1, 12), coarse=st.booleans(), holes=st.integers(0, 3))
def test_the_lines_are_those_of_the_level_by_level_algorithm(shape, seed, n_levels, coarse,
                                                              holes):
    rng = np.random.default_rng(seed)
    ny, nx = shape
    xs, ys = np.linspace(-1, 2, nx), np.linspace(0, 3, ny)
    z = rng.normal(size=(ny, nx))
    levels = np.linspace(-1.5, 1.5, n_levels)
    if coarse:  # values and levels on one grid: corners exactly on a level, saddles
        z, levels = np.round(z, 1), np.round(levels, 1)
    for _ in range(holes):
        z[rng.integers(ny), rng.integers(nx)] = rng.choice([np.nan, np.inf])
    assert segments(isolines(xs, ys, z, levels[::-1])) == segments(
        reference(xs, ys, z, levels))
