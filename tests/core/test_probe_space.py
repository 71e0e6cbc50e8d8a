"""Samples of a three-parameter landscape for drawing: a plane through parameter space
(one coordinate held) and the whole box as a volume, checked point by point against the
landscape's own values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.landscapes import get_landscape
from gdviz.core.probe import free_axes, plane_grid, volume

SPACE = ("quadratic3", "rosenbrock3", "three_wells")


def test_free_axes_are_the_other_two_in_order():
    assert [free_axes(k) for k in range(3)] == [(1, 2), (0, 2), (0, 1)]
    with pytest.raises(ValueError, match="held axis is 0 .x., 1 .y. or 2 .z., got 3"):
        free_axes(3)


@pytest.mark.parametrize("name", SPACE)
@pytest.mark.parametrize("held", [0, 1, 2])
def test_plane_grid_is_f_with_one_coordinate_held(name, held):
    land = get_landscape(name)
    box2 = ((-1.5, 2.0), (-0.5, 1.25))
    us, vs, z = plane_grid(land, box2, held, 0.731, 7)
    np.testing.assert_allclose(us, np.linspace(-1.5, 2.0, 7))
    np.testing.assert_allclose(vs, np.linspace(-0.5, 1.25, 7))
    u, v = free_axes(held)
    for i, j in [(0, 0), (0, 6), (6, 0), (3, 5), (6, 6)]:
        p = np.zeros(3)
        p[u], p[v], p[held] = us[j], vs[i], 0.731
        assert z[i, j] == pytest.approx(float(land.value(p)), rel=1e-13, abs=1e-13)


@settings(max_examples=30, deadline=None)
@given(held=st.integers(0, 2), value=st.floats(-3, 3), i=st.integers(0, 4), j=st.integers(0, 4))
def test_plane_grid_matches_the_landscape_anywhere(held, value, i, j):
    land = get_landscape("rosenbrock3")
    us, vs, z = plane_grid(land, ((-2.0, 2.0), (-1.0, 3.0)), held, value, 5)
    p = np.empty(3)
    p[list(free_axes(held))] = us[j], vs[i]
    p[held] = value
    assert z[i, j] == pytest.approx(float(land.value(p)), rel=1e-13)


def test_plane_grid_of_the_z_plane_equals_the_2d_grid_of_a_sum():
    """Holding z = 1 on rosenbrock3 leaves 100(y−x²)² + (1−x)² + 100(1−y²)² + (1−y)²."""
    xs, ys, z = plane_grid(get_landscape("rosenbrock3"), ((-2, 2), (-1, 3)), 2, 1.0, 11)
    x, y = np.meshgrid(xs, ys)
    expect = 100 * (y - x**2) ** 2 + (1 - x) ** 2 + 100 * (1 - y**2) ** 2 + (1 - y) ** 2
    np.testing.assert_allclose(z, expect, rtol=1e-13)


def test_non_finite_values_become_nan():
    _, _, z = plane_grid(get_landscape("rosenbrock3"), ((1e200, 1e201), (0, 1)), 2, 0.0, 3)
    assert np.isnan(z).all()


def test_volume_indexes_x_y_z_in_order():
    land = get_landscape("rosenbrock3")
    box = ((-2.0, 2.0), (-1.0, 3.0), (-0.5, 2.5))
    xs, ys, zs, f = volume(land, box, 6)
    assert f.shape == (6, 6, 6)
    for axis, lo_hi in zip((xs, ys, zs), box, strict=True):
        np.testing.assert_allclose(axis, np.linspace(*lo_hi, 6))
    for i, j, k in [(0, 0, 0), (5, 1, 2), (2, 4, 5), (3, 3, 0)]:
        p = np.array([xs[i], ys[j], zs[k]])
        assert f[i, j, k] == pytest.approx(float(land.value(p)), rel=1e-13)


def test_planes_and_volumes_need_three_parameters():
    with pytest.raises(ValueError, match="needs a landscape of three parameters; rosenbrock "
                                         "has 2"):
        plane_grid(get_landscape("rosenbrock"), ((0, 1), (0, 1)), 2, 0.0, 3)
    with pytest.raises(ValueError, match="three parameters; parabola has 1"):
        volume(get_landscape("parabola"), ((0, 1),) * 3, 3)
