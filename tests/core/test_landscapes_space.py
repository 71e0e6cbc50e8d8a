"""The three-parameter landscapes: analytic gradients and Hessians against central
differences, their minima, and every optimizer running on them (Newton and L-BFGS too)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import gdviz
from gdviz.core.landscapes import LANDSCAPES, Landscape, get_landscape
from gdviz.core.optimizers import OPTIMIZERS, make_optimizer
from gdviz.core.run import DIVERGED, RUNNING, Stepper, record

SPACE = ("quadratic3", "rosenbrock3", "three_wells")
# the quadratic with other curvatures and coupling, still a bowl (a·c > coupling²)
QUAD_SKEWED = get_landscape("quadratic3").with_params(a=2.5, b=0.4, c=30.0, coupling=-7.0)
CASES = {**{name: get_landscape(name) for name in SPACE}, "quadratic3(skewed)": QUAD_SKEWED}


def in_view(land: Landscape, n: int, seed: int) -> np.ndarray:
    """``n`` uniform random points of the view box, (n, 3)."""
    lo, hi = np.array(land.domain).T
    return np.random.default_rng(seed).uniform(lo, hi, size=(n, 3))


def central_grad(land: Landscape, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∇f by central differences of the values: (n, 3)."""
    return np.stack([(land.value(p + h * e) - land.value(p - h * e)) / (2 * h)
                     for e in np.eye(3)], axis=-1)


def central_hessian(land: Landscape, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∇²f by central differences of the analytic gradient: (n, 3, 3), column j = ∂∇f/∂pⱼ."""
    return np.stack([(land.grad(p + h * e) - land.grad(p - h * e)) / (2 * h)
                     for e in np.eye(3)], axis=-1)


def test_registered_in_the_space_group_after_the_others():
    names = [n for n, land in LANDSCAPES.items() if land.group != "data"]  # data come last
    assert names[-3:] == list(SPACE)
    for name in SPACE:
        land = LANDSCAPES[name]
        assert (land.dim, land.group, len(land.domain), len(land.start)) == (3, "space", 3, 3)
        assert land.hessian_is_exact and land.formula and land.title and land.description


@pytest.mark.parametrize("name", list(CASES))
def test_gradients_match_central_differences(name):
    land = CASES[name]
    p = in_view(land, 300, seed=len(name))
    value, grad = land.value_and_grad(p)
    tol = 1e-6 * np.abs(grad) + 1e-7 * (1.0 + np.abs(value))[:, None]
    assert np.all(np.abs(grad - central_grad(land, p)) <= tol)


@pytest.mark.parametrize("name", list(CASES))
def test_hessians_match_central_differences_and_are_symmetric(name):
    land = CASES[name]
    p = in_view(land, 200, seed=len(name) + 1)
    hess = land.hess(p)
    assert hess.shape == (200, 3, 3) and hess.dtype == np.float64
    np.testing.assert_array_equal(hess, np.swapaxes(hess, -1, -2))
    scale = 1.0 + np.abs(hess).max(axis=(1, 2))
    assert np.all(np.abs(hess - central_hessian(land, p)).max(axis=(1, 2)) <= 1e-6 * scale)


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.1, 80.0), b=st.floats(0.1, 80.0), c=st.floats(0.1, 80.0),
       coupling=st.floats(-20.0, 20.0), seed=st.integers(0, 2**16))
def test_quadratic3_for_any_params(a, b, c, coupling, seed):
    assume(abs(a * c - coupling**2) > 1e-9 * a * c)  # not on the edge of a bowl
    land = get_landscape("quadratic3").with_params(a=a, b=b, c=c, coupling=coupling)
    p = in_view(land, 10, seed)
    h = np.array([[a, 0.0, coupling], [0.0, b, 0.0], [coupling, 0.0, c]])
    np.testing.assert_allclose(land.grad(p), p @ h, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(land.value(p), 0.5 * np.einsum("ni,ij,nj->n", p, h, p),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(land.hess(p), np.broadcast_to(h, (10, 3, 3)))
    bowl = bool(np.all(np.linalg.eigvalsh(h) > 0))
    assert land.minima.tolist() == ([[0.0, 0.0, 0.0]] if bowl else [])


def test_quadratic3_is_ill_conditioned_by_default():
    curvatures = np.linalg.eigvalsh(get_landscape("quadratic3").hess(np.zeros(3)))
    assert curvatures[0] > 0 and 50 <= curvatures[-1] / curvatures[0] <= 100


@pytest.mark.parametrize("name", list(CASES))
def test_minima_have_zero_gradient_and_positive_definite_hessian(name):
    land = CASES[name]
    assert len(land.minima) >= 1
    np.testing.assert_allclose(land.grad(land.minima), 0.0, atol=1e-9)
    assert np.all(np.linalg.eigvalsh(land.hess(land.minima)) > 0)


def grid_minima(land: Landscape, res: int) -> np.ndarray:
    """The strict local minima of f on a res³ grid of the view (interior cells): (k, 3)."""
    axes = [np.linspace(lo, hi, res) for lo, hi in land.domain]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    f = land.value(grid)
    inner = f[1:-1, 1:-1, 1:-1]
    lowest = np.ones(inner.shape, dtype=bool)
    for shift in np.ndindex(3, 3, 3):
        if shift != (1, 1, 1):
            lowest &= inner < f[tuple(slice(s, s + res - 2) for s in shift)]
    return grid[1:-1, 1:-1, 1:-1][lowest]


def test_three_wells_has_three_minima_of_different_depths_global_first():
    land = get_landscape("three_wells")
    found = grid_minima(land, 121)
    assert land.minima.shape == (3, 3) and len(found) == 3
    for point in found:
        assert np.linalg.norm(land.minima - point, axis=-1).min() < 0.06
    depths = land.value(land.minima)
    assert np.all(np.diff(depths) > 0.5)  # sorted, and clearly different
    lo, hi = np.array(land.domain).T
    assert np.all((lo < land.minima) & (land.minima < hi))


def test_rosenbrock3_is_zero_only_at_ones():
    """A sum of squares, zero where every square is: x = 1, y = x², z = y²."""
    land = get_landscape("rosenbrock3")
    assert land.minima.tolist() == [[1.0, 1.0, 1.0]] and land.value(land.minima)[0] == 0.0
    assert np.all(land.value(in_view(land, 10_000, seed=4)) > 0)
    assert np.all(land.value(1.0 + np.eye(3) * 1e-4) > 0)


def test_three_wells_start_teaches_which_well_a_run_finds():
    """From the start, gradient descent settles in the shallowest well and momentum with a
    large step rolls on to the deepest, as the description says."""
    land = get_landscape("three_wells")

    def well(name, **hyper):
        end = gdviz.run(land, name, steps=400, **hyper).params[-1, 0]
        return int(np.argmin(np.linalg.norm(land.minima - end, axis=-1)))

    assert well("gd", lr=0.1) == 2 and well("momentum", lr=0.05) == 0


@pytest.mark.parametrize("landscape", SPACE)
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_runs_on_every_3d_landscape(landscape, name):
    """A batch of starts gives, start for start, the one-start runs (so the 3-D rules
    keep each start to itself; ``first`` numbers a start as in the batch, for sgd's
    noise), with finite held points and finite losses."""
    land = get_landscape(landscape)
    starts = np.concatenate([[land.start], in_view(land, 3, seed=5)])
    traj = gdviz.run(land, name, starts=starts, steps=60)
    assert traj.params.shape == (61, 4, 3) and traj.loss.shape == (61, 4)
    assert np.isfinite(traj.params).all() and np.isfinite(traj.loss[0]).all()
    assert set(traj.status) <= {RUNNING, DIVERGED, "converged"}
    for i, start in enumerate(starts):
        single = record(Stepper(land, make_optimizer(name), [start], first=i), 60)
        np.testing.assert_array_equal(single.params[:, 0], traj.params[:, i])
    if traj.status[0] == RUNNING:
        assert not np.array_equal(traj.params[-1, 0], traj.params[0, 0])


def test_newton_lands_on_the_quadratic3_minimum_in_one_step():
    land = QUAD_SKEWED
    starts = in_view(land, 6, seed=2)
    traj = gdviz.run(land, "newton", starts=starts, steps=1)
    np.testing.assert_allclose(traj.params[1], 0.0, atol=1e-13)


def test_newton_step_on_rosenbrock3_is_the_inverse_hessian_step():
    land = get_landscape("rosenbrock3")
    p = np.array(land.start)
    step = np.linalg.solve(land.hess(p), land.grad(p))
    traj = gdviz.run(land, "newton", starts=[p], steps=1, lr=0.5)
    np.testing.assert_allclose(traj.params[1, 0], p - 0.5 * step, rtol=1e-14)


def test_lbfgs_and_newton_reach_the_rosenbrock3_minimum():
    for name in ("lbfgs", "newton"):
        traj = gdviz.run("rosenbrock3", name, steps=200)
        np.testing.assert_allclose(traj.params[-1, 0], [1.0, 1.0, 1.0], atol=1e-6)
