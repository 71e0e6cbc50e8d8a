"""Basin and stability maps: labels, agreement with single runs, tiling, memory; and sgd
noise that is a function of each start's global index."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

import gdviz
from gdviz.core.landscapes import get_landscape
from gdviz.core.maps import (
    DIVERGED_LABEL,
    NOT_CONVERGED,
    PER_START_LR,
    Axis,
    basin_map,
    final_state,
    label_ends,
    stability_map,
)
from gdviz.core.optimizers import OPTIMIZERS, make_optimizer
from gdviz.core.run import NOISE_BLOCK, Stepper, gradient_noise, record

HIMMELBLAU = get_landscape("himmelblau")


def grid_starts(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The starts of a map in its global order: k = i·res + j ↔ (xs[j], ys[i])."""
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack((gx.ravel(), gy.ravel()))


def labels_of_run(traj, minima, radius) -> np.ndarray:
    return label_ends(traj.params[-1], traj.status, minima, radius)


# --------------------------------------------------------------------------------------
# noise
# --------------------------------------------------------------------------------------


def test_noise_of_a_start_depends_on_its_global_index_only():
    whole = gradient_noise(3, 7, (3 * NOISE_BLOCK, 2))
    for first, n in ((0, 1), (3, 5), (NOISE_BLOCK - 2, 5), (NOISE_BLOCK, 1),
                     (NOISE_BLOCK + 7, 2 * NOISE_BLOCK - 7)):
        np.testing.assert_array_equal(gradient_noise(3, 7, (n, 2), first),
                                      whole[first:first + n])
    index = np.array([2 * NOISE_BLOCK + 5, 3, 3, NOISE_BLOCK, 0])
    np.testing.assert_array_equal(gradient_noise(3, 7, (5, 2), index), whole[index])
    assert not np.array_equal(gradient_noise(3, 8, (5, 2)), whole[:5])  # a new step
    assert not np.array_equal(gradient_noise(4, 7, (5, 2)), whole[:5])  # a new seed
    assert gradient_noise(3, 7, (0, 2), 5).shape == (0, 2)


def test_a_batch_cut_in_pieces_draws_the_same_noise():
    """Ten sgd starts run together equal starts 3..7 run as their own Stepper."""
    starts = np.random.default_rng(1).uniform(-4, 4, (10, 2))
    opt = make_optimizer("sgd", lr=5e-3, noise=2.0)
    whole = record(Stepper(HIMMELBLAU, opt, starts, seed=9), 40)
    part = record(Stepper(HIMMELBLAU, opt, starts[3:8], seed=9, first=3), 40)
    np.testing.assert_array_equal(part.params, whole.params[:, 3:8])
    picked = record(Stepper(HIMMELBLAU, opt, starts[[8, 1]], seed=9, first=np.array([8, 1])),
                    40)
    np.testing.assert_array_equal(picked.params, whole.params[:, [8, 1]])
    assert not np.array_equal(part.params, record(Stepper(HIMMELBLAU, opt, starts[3:8],
                                                          seed=9), 40).params)


@pytest.mark.parametrize("first", [-1, 2.5, True, np.array([0, 1]), np.array([[0]])])
def test_bad_first_is_refused(first):
    with pytest.raises(ValueError, match="first"):
        Stepper(HIMMELBLAU, make_optimizer("sgd"), [[0.0, 0.0]], first=first)


# --------------------------------------------------------------------------------------
# basin maps
# --------------------------------------------------------------------------------------


def test_each_minimum_of_himmelblau_owns_its_neighbourhood():
    bmap = basin_map("himmelblau", "gd", res=41, steps=500, lr=0.01)
    assert bmap.labels.shape == bmap.steps_taken.shape == (41, 41)
    assert bmap.labels.dtype == bmap.steps_taken.dtype == np.int64
    assert bmap.xs.shape == bmap.ys.shape == (41,)
    pts = grid_starts(bmap.xs, bmap.ys).reshape(41, 41, 2)
    for k, m in enumerate(HIMMELBLAU.minima):
        near = np.linalg.norm(pts - m, axis=-1) < 1.0
        assert near.sum() >= 9
        assert (bmap.labels[near] == k).all()
    assert set(np.unique(bmap.labels).tolist()) <= {NOT_CONVERGED, 0, 1, 2, 3}
    assert (bmap.steps_taken <= 500).all() and bmap.steps_taken.min() < 100


def test_rows_are_y_and_columns_are_x():
    """An asymmetric box: row i ↔ ys[i], column j ↔ xs[j]."""
    bmap = basin_map("himmelblau", "gd", box=((0.0, 5.0), (-5.0, 5.0)), res=21, steps=400,
                     lr=0.01)
    np.testing.assert_array_equal(bmap.xs, np.linspace(0, 5, 21))
    np.testing.assert_array_equal(bmap.ys, np.linspace(-5, 5, 21))
    top, bottom = bmap.labels[-1, -1], bmap.labels[0, -1]  # (5, 5) and (5, −5)
    assert top == 0 and bottom == 3  # minima (3, 2) and (3.58, −1.85)


CASES = [("adam", {"lr": 0.05}, 1e-6), ("sgd", {"lr": 5e-3, "noise": 1.0}, 0.0),
         ("momentum", {"lr": 2e-3}, 1e-4), ("gd", {"lr": 0.01}, 1e-6)]


@pytest.mark.parametrize(("name", "hyper", "tol"), CASES, ids=str)
def test_basin_map_equals_gdviz_run_pixel_for_pixel(name, hyper, tol):
    res, steps = 23, 150
    bmap = basin_map("himmelblau", name, res=res, steps=steps, tol=tol, seed=4, tile=100,
                     **hyper)
    starts = grid_starts(bmap.xs, bmap.ys)
    traj = gdviz.run("himmelblau", name, starts=starts, steps=steps, seed=4, tol=tol, **hyper)
    want = labels_of_run(traj, HIMMELBLAU.minima, bmap.radius).reshape(res, res)
    np.testing.assert_array_equal(bmap.labels, want)
    np.testing.assert_array_equal(bmap.steps_taken, traj.stopped_at.reshape(res, res))
    assert len(np.unique(bmap.labels)) >= 3
    opt = make_optimizer(name, **hyper)
    for k in np.random.default_rng(0).choice(res * res, 12, replace=False).tolist():
        alone = record(Stepper(HIMMELBLAU, opt, starts[k:k + 1], seed=4, tol=tol, first=k),
                       steps)  # noise: start k of the map
        assert labels_of_run(alone, HIMMELBLAU.minima, bmap.radius)[0] == bmap.labels.flat[k]
        assert alone.stopped_at[0] == bmap.steps_taken.flat[k]
        if name != "sgd":  # no noise: the plain single run
            single = gdviz.run("himmelblau", name, starts=starts[k:k + 1], steps=steps,
                               tol=tol, **hyper)
            np.testing.assert_array_equal(single.params[-1], alone.params[-1])


@pytest.mark.parametrize(("name", "hyper"), [("sgd", {"lr": 1e-2, "noise": 3.0}),
                                             ("adam", {"lr": 0.1})], ids=str)
def test_the_tiling_does_not_change_the_map(name, hyper):
    maps = [basin_map("himmelblau", name, res=37, steps=120, tol=1e-3, seed=2, tile=tile,
                      **hyper) for tile in (37 * 37, 1000, 333, 37, 7)]
    assert len(np.unique(maps[0].labels)) >= 3
    for other in maps[1:]:
        np.testing.assert_array_equal(other.labels, maps[0].labels)
        np.testing.assert_array_equal(other.steps_taken, maps[0].steps_taken)


@pytest.mark.parametrize(("name", "hyper", "tol"), CASES, ids=str)
def test_compacting_stopped_starts_changes_nothing(name, hyper, tol):
    starts = np.random.default_rng(3).uniform(-5, 5, (300, 2))
    opt = make_optimizer(name, **hyper)
    runs = [final_state(Stepper(HIMMELBLAU, opt, starts, seed=1, tol=max(tol, 1e-3),
                                first=50), 300, compact=c) for c in (False, True)]
    assert (runs[0].status != "running").mean() > 0.5 or name == "sgd"  # compacted
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_diverged_and_unconverged_starts_are_labelled():
    bmap = basin_map("himmelblau", "gd", res=15, steps=50, lr=0.05)  # too large: diverges
    assert (bmap.labels == DIVERGED_LABEL).any()
    slow = basin_map("himmelblau", "gd", res=15, steps=3, lr=1e-4)  # too short to arrive
    assert (slow.labels == NOT_CONVERGED).mean() > 0.9
    assert (slow.steps_taken == 3).all()


def test_a_saddle_with_no_minima_labels_nothing_converged():
    bmap = basin_map("saddle", "gd", res=9, steps=20, lr=0.1)
    assert set(np.unique(bmap.labels).tolist()) <= {NOT_CONVERGED, DIVERGED_LABEL}


def test_final_state_mode_never_allocates_the_history():
    res, steps = 200, 500
    history = res * res * (steps + 1) * 2 * 8
    tracemalloc.start()
    try:
        bmap = basin_map("himmelblau", "gd", res=res, steps=steps, lr=0.01, tol=0.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert bmap.labels.shape == (res, res)
    assert peak < history / 20, f"peak {peak / 2**20:.1f} MB"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"landscape": "parabola"}, "2-D"),
    ({"landscape": "rosenbrock3"}, "a basin map needs a 2-D landscape; rosenbrock3 is 3-D"),
    ({"res": 1}, "res"),
    ({"steps": -1}, "steps"),
    ({"tile": 0}, "tile"),
    ({"box": ((1.0, 0.0), (0.0, 1.0))}, "box"),
    ({"box": ((0.0, math.inf), (0.0, 1.0))}, "box"),
    ({"near": 0.0}, "near"),
])
def test_basin_map_refuses_bad_arguments(kwargs, match):
    args = {"landscape": "himmelblau", "optimizer": "gd", **kwargs}
    with pytest.raises(ValueError, match=match):
        basin_map(**args)


# --------------------------------------------------------------------------------------
# stability maps
# --------------------------------------------------------------------------------------


def assert_cells_are_single_runs(smap, land, name, start, steps, tol, seed, cells, **hyper):
    for i, j in cells:
        cell = {smap.x.name: smap.xs[j], smap.y.name: smap.ys[i]}
        traj = gdviz.run(land, name, starts=[start], steps=steps, seed=seed, tol=tol,
                         **hyper, **cell)
        diverged = traj.status[0] == "diverged"
        assert smap.diverged[i, j] == diverged, (i, j)
        if diverged:
            assert np.isnan(smap.values[i, j])
        elif smap.measure == "final_loss":
            assert smap.values[i, j] == traj.loss[-1, 0], (i, j)  # bit for bit
        elif traj.status[0] == "converged":
            assert smap.values[i, j] == traj.stopped_at[0]
        else:
            assert np.isnan(smap.values[i, j])


def test_momentum_on_rosenbrock_diverges_at_large_rates_and_equals_single_runs():
    res, steps, start = 12, 200, (-1.2, 1.0)
    smap = stability_map("rosenbrock", "momentum", start=start, x=("lr", 1e-4, 1e-1, True),
                         y=("momentum", 0.0, 0.99, False), res=res, steps=steps)
    assert smap.values.shape == smap.diverged.shape == (res, res)
    np.testing.assert_array_equal(smap.xs, np.geomspace(1e-4, 1e-1, res))
    np.testing.assert_array_equal(smap.ys, np.linspace(0.0, 0.99, res))
    assert smap.diverged[:, -1].all() and smap.diverged[-1, -1]  # lr 0.1: every momentum
    assert not smap.diverged[:, 0].any()  # lr 1e-4: none
    assert np.isnan(smap.values[smap.diverged]).all()
    assert np.isfinite(smap.values[~smap.diverged]).all()
    cells = [(0, 0), (res - 1, res - 1), (0, res - 1), (res - 1, 0), (5, 7), (9, 3), (3, 8)]
    assert_cells_are_single_runs(smap, "rosenbrock", "momentum", start, steps, 0.0, 0, cells)


PER_START = sorted(PER_START_LR & set(OPTIMIZERS))


@pytest.mark.parametrize("name", [*PER_START, *sorted(set(OPTIMIZERS) - PER_START_LR)])
def test_every_optimizer_on_an_lr_axis_equals_single_runs(name):
    spec = OPTIMIZERS[name]
    other = next((h for h in spec.hyper if h.kind == "float" and h.name not in ("lr", "noise")
                  and not h.lo_open and h.lo == 0.0), None)
    lo, hi = (0.05, 0.5) if other is None or other.hi > 0.5 else (0.05, other.hi / 2)
    y = ("noise", 0.0, 2.0, False) if other is None else (other.name, lo, hi, False)
    smap = stability_map("himmelblau", name, start=(1.0, -1.0), x=("lr", 1e-3, 0.3, True),
                         y=y, res=4, steps=25, seed=3)
    cells = [(i, j) for i in range(4) for j in range(4)]
    assert_cells_are_single_runs(smap, "himmelblau", name, (1.0, -1.0), 25, 0.0, 3, cells)


def test_lr_on_the_y_axis_and_axes_without_lr_equal_single_runs():
    smap = stability_map("himmelblau", "sgd", start=(0.0, 0.0), x=("noise", 0.0, 3.0, False),
                         y=("lr", 1e-3, 1e-1, True), res=5, steps=60, seed=7)
    cells = [(i, j) for i in range(5) for j in range(5)]
    assert_cells_are_single_runs(smap, "himmelblau", "sgd", (0.0, 0.0), 60, 0.0, 7, cells)
    smap = stability_map("beale", "adam", x=Axis("beta1", 0.0, 0.95), y=Axis("beta2", 0.5, 0.999),
                         res=3, steps=40, lr=0.05)
    cells = [(i, j) for i in range(3) for j in range(3)]
    assert_cells_are_single_runs(smap, "beale", "adam", get_landscape("beale").start, 40, 0.0,
                                 0, cells, lr=0.05)


def test_a_stability_map_of_a_3d_landscape_equals_single_runs():
    """Its grid is over two hyperparameters, so a start of three parameters is fine."""
    start = (-1.2, 1.0, 1.0)
    smap = stability_map("rosenbrock3", "momentum", start=start, x=("lr", 1e-4, 3e-3, True),
                         y=("momentum", 0.0, 0.9, False), res=4, steps=80)
    assert np.isfinite(smap.values).sum() >= 8
    cells = [(i, j) for i in range(4) for j in range(4)]
    assert_cells_are_single_runs(smap, "rosenbrock3", "momentum", start, 80, 0.0, 0, cells)
    with pytest.raises(ValueError, match="3-D: a point needs 3"):
        stability_map("rosenbrock3", "momentum", start=(1.0, 1.0), res=2, steps=2)


def test_steps_to_converge():
    smap = stability_map("quadratic", "momentum", x=("lr", 1e-3, 0.3, True),
                         y=("momentum", 0.0, 0.9, False), res=6, steps=300, tol=1e-4,
                         measure="steps_to_converge")
    converged = np.isfinite(smap.values)
    assert converged.any() and (~converged & ~smap.diverged).any()  # small lr: too slow
    assert (smap.values[converged] == np.round(smap.values[converged])).all()
    cells = [(i, j) for i in range(6) for j in range(6)]
    assert_cells_are_single_runs(smap, "quadratic", "momentum",
                                 get_landscape("quadratic").start, 300, 1e-4, 0, cells)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"x": ("lr", 1e-3, 1e-1, True), "y": ("lr", 0.0, 1.0, False)}, "both lr"),
    ({"x": ("speed", 0.0, 1.0, False)}, "speed"),
    ({"x": ("nesterov", 0.0, 1.0, False)}, "real-valued"),
    ({"x": ("lr", 0.0, 1e-1, True)}, "lo > 0"),
    ({"x": ("lr", 1e-1, 1e-3, True)}, "lo < hi"),
    ({"x": ("lr", 1e-3, 20.0, True)}, "lr must be in"),
    ({"y": ("momentum", 0.0, 1.0, False)}, "momentum must be in"),
    ({"lr": 0.1}, "is an axis"),
    ({"optimizer": "nesterov"}, "nesterov needs momentum"),
    ({"measure": "speed"}, "unknown measure"),
    ({"measure": "steps_to_converge"}, "tol > 0"),
    ({"start": (1.0,)}, "2-D"),
])
def test_stability_map_refuses_bad_arguments(kwargs, match):
    args = {"landscape": "rosenbrock", "optimizer": "momentum", "res": 3, "steps": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        stability_map(**args)
