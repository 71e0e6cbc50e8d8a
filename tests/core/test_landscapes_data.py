"""Data landscapes: a linear model's loss over generated data, and sgd on real minibatches.

Values, gradients and Hessians against sums written sample by sample and central
differences; the minima against numpy's least squares and a zero gradient; minibatch
sgd against the same steps by hand, against gd (a batch of all samples) and, when torch
is importable, against torch.optim fed torch's own gradients of the same data.
"""

from __future__ import annotations

import numpy as np
import pytest

import gdviz
from gdviz.core import probe
from gdviz.core.landscapes import LANDSCAPES, get_landscape
from gdviz.core.landscapes_data import DataLandscape
from gdviz.core.maps import basin_map, final_state, label_ends, stability_map
from gdviz.core.mlp import batch_at
from gdviz.core.optimizers import make_optimizer
from gdviz.core.race import Race, RaceSpec, RunSpec, run_race
from gdviz.core.run import Stepper, update_gradient
from gdviz.scenario import Scenario, dumps_scenario, loads_scenario
from tests.core.test_maps import assert_cells_are_single_runs

DATA = ["linear_regression", "logistic_regression", "logistic_regression2"]
LINE = get_landscape("linear_regression")


def by_hand(land: DataLandscape, theta: np.ndarray, index: np.ndarray | None = None) -> float:
    """The loss at one θ over the samples ``index`` (default all), one sample at a time."""
    data = land.data()
    X, y = data.X, np.ravel(data.y).astype(float)
    index = np.arange(len(X)) if index is None else index
    total = 0.0
    for i in index:
        z = float(theta[:-1] @ X[i] + theta[-1])
        total += (z - y[i]) ** 2 if data.task == "regression" else np.logaddexp(0, z) - y[i] * z
    return total / len(index)


def points_in_view(land, n: int, seed: int = 0) -> np.ndarray:
    lo, hi = np.array(land.domain).T
    return np.random.default_rng(seed).uniform(lo, hi, size=(n, land.dim))


def central_grad(f, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    return np.stack([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(p.shape[-1])],
                    axis=-1)


# ---- values, gradients, Hessians ---------------------------------------------------------


@pytest.mark.parametrize("name", DATA)
def test_values_are_the_mean_loss_over_the_samples(name):
    land = get_landscape(name)
    pts = np.vstack([points_in_view(land, 6), 40.0 * np.ones((1, land.dim))])  # saturated
    np.testing.assert_allclose(land.value(pts), [by_hand(land, p) for p in pts], rtol=1e-12)
    assert land.value(pts).shape == (7,) and land.value(pts.reshape(7, 1, -1)).shape == (7, 1)


@pytest.mark.parametrize("name", DATA)
def test_gradients_and_hessians_match_central_differences(name):
    land = get_landscape(name)
    pts = points_in_view(land, 50, seed=1)
    value, grad = land.value_and_grad(pts)
    fd = central_grad(land.value, pts)
    assert np.abs(grad - fd).max() <= 1e-6 * (1 + np.abs(grad).max())
    hess = land.hess(pts)
    assert hess.shape == (50, land.dim, land.dim)
    np.testing.assert_array_equal(hess, np.swapaxes(hess, -1, -2))
    fd_hess = central_grad(land.grad, pts, h=1e-5)  # [n, i, j] = ∂gᵢ/∂pⱼ
    assert np.abs(hess - fd_hess).max() <= 1e-6 * (1 + np.abs(hess).max())


def test_large_grids_are_evaluated_in_chunks_with_the_same_numbers(monkeypatch):
    from gdviz.core import data_loss

    land = get_landscape("logistic_regression2")
    pts = points_in_view(land, 301, seed=2)
    whole = land.value_and_grad(pts)
    monkeypatch.setattr(data_loss, "CHUNK_FLOATS", 7 * land.n_samples)  # 7 points a chunk
    for got, want in zip(land.value_and_grad(pts), whole, strict=True):
        np.testing.assert_array_equal(got, want)  # a point's numbers ignore its neighbours
    np.testing.assert_array_equal(land.hess(pts[:20]), land.hess(pts)[:20])


@pytest.mark.parametrize("name", DATA)
def test_a_batch_is_the_loss_of_its_samples(name):
    land = get_landscape(name)
    index = np.array([3, 0, 17, 17, 40])
    pts = points_in_view(land, 5, seed=3)
    value, grad = land.batch_value_and_grad(pts, index)
    np.testing.assert_allclose(value, [by_hand(land, p, index) for p in pts], rtol=1e-12)
    fd = central_grad(lambda q: land.batch_value_and_grad(q, index)[0], pts)
    assert np.abs(grad - fd).max() <= 1e-6 * (1 + np.abs(grad).max())
    for bad in ([], [land.n_samples], [-1], [0.5]):
        with pytest.raises(ValueError, match="a batch is a non-empty list of sample numbers"):
            land.batch_value_and_grad(pts, np.array(bad))


# ---- data, minima, parameters ----------------------------------------------------------------


def test_the_minimum_of_linear_regression_is_numpys_least_squares():
    for land in (LINE, LINE.with_params(n_samples=10, slope=-3.0, intercept=7.0, data_seed=5)):
        data = land.data()
        A = np.column_stack((data.X, np.ones(data.n_samples)))
        lstsq = np.linalg.lstsq(A, data.y[:, 0], rcond=None)[0]
        np.testing.assert_allclose(land.minima, [lstsq], rtol=1e-12, atol=1e-12)
        assert np.abs(land.grad(land.minima)).max() < 1e-12
        lo, hi = np.array(land.domain).T
        assert np.all((lo < land.minima) & (land.minima < hi))  # the view follows it
        assert np.all((lo <= land.start) & (land.start <= hi))
    assert LINE.with_params(slope=-3.0).minima[0, 0] == pytest.approx(-3.0, abs=0.3)


@pytest.mark.parametrize("name", DATA[1:])
def test_a_logistic_minimum_has_zero_gradient_and_positive_curvature(name):
    land = get_landscape(name)
    assert land.minima.shape == (1, land.dim)
    assert np.abs(land.grad(land.minima)).max() < 1e-12
    assert np.linalg.eigvalsh(land.hess(land.minima))[0, 0] > 1e-3
    near = land.minima + 1e-3 * np.random.default_rng(0).standard_normal((20, land.dim))
    assert np.all(land.value(near) > land.value(land.minima))


@pytest.mark.parametrize("name", DATA[1:])
def test_separable_classes_have_no_minimum(name):
    land = get_landscape(name).with_params(noise=0.05)
    assert land.minima.shape == (0, land.dim) and not land.bounded_below
    # the loss falls without end along the separating direction
    direction = np.array([1.0] * (land.dim - 1) + [-1.0 * (land.dim - 1)])  # z = 0 between
    losses = land.value(np.outer([1.0, 10.0, 100.0], direction))
    assert losses[0] > losses[1] > losses[2] > 0.0
    np.testing.assert_array_equal(np.mean(land.domain, axis=1), 0.0)  # the view stays put


def test_data_follow_the_parameters():
    data = LINE.data()
    assert data.task == "regression" and data.X.shape == (64, 1) and data.y.shape == (64, 1)
    assert LINE.data() is data  # generated once per parameter set
    other = LINE.with_params(data_seed=1)
    assert not np.array_equal(other.data().X, data.X)
    small = LINE.with_params(n_samples=10, noise=0.0, slope=0.5, intercept=-2.0)
    np.testing.assert_allclose(small.data().y[:, 0], 0.5 * small.data().X[:, 0] - 2.0)
    np.testing.assert_allclose(small.minima, [[0.5, -2.0]], atol=1e-12)
    blobs = get_landscape("logistic_regression2").data()
    assert blobs.task == "classification" and blobs.X.shape == (64, 2)
    np.testing.assert_array_equal(blobs.y, np.arange(64) % 2)


@pytest.mark.parametrize(("params", "match"), [
    ({"n_samples": 2.5}, "n_samples must be a whole number, got 2.5"),
    ({"n_samples": 1}, r"n_samples must be in \[2, 1000\], got 1"),
    ({"noise": -1}, r"noise must be in \[0, 10\], got -1"),
    ({"data_seed": -3}, "data_seed must be in"),
    ({"slope": float("inf")}, "slope must be finite"),
    ({"frequency": 1}, "has no parameter 'frequency'; valid parameters: data_seed, intercept"),
])
def test_bad_parameters_are_refused_with_the_landscapes_name(params, match):
    with pytest.raises(ValueError, match=match) as info:
        LINE.with_params(**params)
    assert "'linear_regression'" in str(info.value)


# ---- minibatch sgd ----------------------------------------------------------------------------


def test_sgd_steps_on_the_minibatches_in_order():
    """Twenty steps by hand: θ ← θ − η·∇L_batch(θ), the batch of each step from batch_at."""
    traj = gdviz.run(LINE, "sgd", steps=20, seed=3, lr=0.1, batch_size=8)
    theta = np.array([LINE.start])
    for step in range(20):
        g = LINE.batch_value_and_grad(theta, batch_at(step, 64, 8, 3))[1]
        theta = theta - 0.1 * g
        np.testing.assert_array_equal(traj.params[step + 1], theta)
    np.testing.assert_array_equal(traj.loss[:, 0], LINE.value(traj.params[:, 0]))


@pytest.mark.parametrize("name", DATA)
def test_sgd_with_a_batch_of_all_samples_is_gd_bit_for_bit(name):
    land = get_landscape(name)
    starts = points_in_view(land, 5, seed=4)
    gd = gdviz.run(land, "gd", starts=starts, steps=60, lr=0.3)
    for size in (land.n_samples, 10 * land.n_samples):
        sgd = gdviz.run(land, "sgd", starts=starts, steps=60, seed=9, lr=0.3, batch_size=size)
        np.testing.assert_array_equal(sgd.params, gd.params)
    smaller = gdviz.run(land, "sgd", starts=starts, steps=60, lr=0.3, batch_size=16)
    assert not np.array_equal(smaller.params, gd.params)


def test_sgds_gaussian_noise_does_not_apply_on_data():
    runs = [gdviz.run(LINE, "sgd", steps=30, lr=0.1, batch_size=8, noise=noise)
            for noise in (0.0, 1.0, 50.0)]
    for other in runs[1:]:
        np.testing.assert_array_equal(other.params, runs[0].params)


def test_one_epoch_of_minibatch_losses_averages_to_the_full_loss():
    pts = points_in_view(LINE, 7, seed=5)
    for size, seed, epoch in ((8, 0, 0), (16, 4, 3), (32, 1, 2)):
        per_epoch = 64 // size
        steps = range(epoch * per_epoch, (epoch + 1) * per_epoch)
        batches = [batch_at(k, 64, size, seed) for k in steps]
        np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(64))
        value, grad = zip(*(LINE.batch_value_and_grad(pts, b) for b in batches), strict=True)
        np.testing.assert_allclose(np.mean(value, axis=0), LINE.value(pts), rtol=1e-13)
        np.testing.assert_allclose(np.mean(grad, axis=0), LINE.grad(pts), rtol=1e-12,
                                   atol=1e-13)


def test_the_window_arrow_and_equation_use_the_runs_minibatch():
    spec = RaceSpec("linear_regression", (RunSpec("sgd", {"lr": 0.1, "batch_size": 8}),
                                          RunSpec("gd", {"lr": 0.1})), seed=2, steps=40)
    race = Race(spec)
    race.run_to(40)
    for step in (0, 1, 7, 8, 23):
        race.seek(step)
        snap, opt = race.frame()[0], race.optimizer_now(0)
        arrow = probe.next_params(opt, snap, 2, race.objective)[0]
        rows = dict(probe.step_numbers(opt, snap, 2, objective=race.objective))
        fed = update_gradient(opt, 2, snap, objective=race.objective)[0]
        batch = LINE.batch_value_and_grad(snap.params, batch_at(step, 64, 8, 2))[1][0]
        np.testing.assert_array_equal(rows["g"], batch)
        np.testing.assert_array_equal(fed, batch)
        assert not np.allclose(batch, snap.grad[0])  # not the full gradient
        race.seek(step + 1)
        np.testing.assert_array_equal(arrow, race.frame()[0].params[0])
        np.testing.assert_array_equal(rows["θ new"], race.frame()[0].params[0])


def test_batch_grid_is_the_loss_of_the_updates_batch():
    box, res = ((-1.0, 5.0), (-2.0, 4.0)), 9
    xs, ys, z = probe.batch_grid(LINE, box, res, step=13, seed=6, batch_size=8)
    index = batch_at(13, 64, 8, 6)
    np.testing.assert_array_equal(xs, np.linspace(-1, 5, res))
    for i, j in [(0, 0), (0, 8), (8, 0), (4, 6), (7, 2)]:
        assert z[i, j] == pytest.approx(by_hand(LINE, np.array([xs[j], ys[i]]), index),
                                        rel=1e-12)
    other = probe.batch_grid(LINE, box, res, step=14, seed=6, batch_size=8)[2]
    assert not np.allclose(other, z)
    full = probe.grid(LINE, box, res)[2]
    for size in (None, 64, 100):
        np.testing.assert_array_equal(probe.batch_grid(LINE, box, res, 13, 6, size)[2], full)
    for land in (get_landscape("rosenbrock"), get_landscape("logistic_regression2")):
        with pytest.raises(ValueError, match="needs a data landscape of two parameters"):
            probe.batch_grid(land, box, res, 0, 0, 8)


# ---- maps -----------------------------------------------------------------------------------


def test_maps_of_minibatch_sgd_equal_single_runs():
    """The batch of a step depends on (step, seed) only, shared by every start, so a map's
    tiles, compaction and per-start learning rates change nothing."""
    opt = make_optimizer("sgd", lr=0.1, batch_size=8)
    starts = points_in_view(LINE, 12, seed=6)
    end = final_state(Stepper(LINE, opt, starts, seed=5, first=100), 50, compact=True)
    for k, start in enumerate(starts):
        single = gdviz.run(LINE, opt, starts=[start], steps=50, seed=5)
        np.testing.assert_array_equal(end.params[k], single.params[-1, 0])
    bmap = basin_map(LINE, "sgd", res=5, steps=60, seed=5, tile=7, near=0.05, lr=0.1,
                     batch_size=8)
    gx, gy = np.meshgrid(bmap.xs, bmap.ys)
    for k, start in enumerate(np.column_stack((gx.ravel(), gy.ravel()))):
        single = gdviz.run(LINE, opt, starts=[start], steps=60, seed=5, tol=1e-6)
        label = label_ends(single.params[-1], single.status, LINE.minima, bmap.radius)[0]
        assert bmap.labels.flat[k] == label and bmap.steps_taken.flat[k] == single.stopped_at[0]
    assert (bmap.labels == 0).any()
    smap = stability_map(LINE, "sgd", x=("lr", 1e-2, 0.3, True), y=("noise", 0.0, 1.0, False),
                         res=3, steps=40, seed=5, batch_size=8)
    cells = [(i, j) for i in range(3) for j in range(3)]
    assert_cells_are_single_runs(smap, LINE, "sgd", LINE.start, 40, 0.0, 5, cells, batch_size=8)
    np.testing.assert_array_equal(smap.values[0], smap.values[2])  # noise: no effect


# ---- scenarios -----------------------------------------------------------


def test_a_data_scenario_round_trips_with_its_parameters():
    params = {"n_samples": 32, "noise": 0.2, "slope": -1.5, "data_seed": 3}
    race = RaceSpec("linear_regression", (RunSpec("sgd", {"lr": 0.1, "batch_size": 8}),
                                          RunSpec("adam", {"lr": 0.05})), params, steps=30,
                    seed=4)
    text = dumps_scenario(Scenario(race, title="data"))
    assert "n_samples = 32" in text
    again = loads_scenario(text)
    assert again.race == race
    for a, b in zip(run_race(again.race), run_race(race), strict=True):
        np.testing.assert_array_equal(a.params, b.params)
    assert again.race.build_landscape().data().n_samples == 32


def test_the_minibatch_preset_shows_what_its_description_says():
    from gdviz.scenario import load_scenario

    scenario = load_scenario("minibatch")
    race = scenario.race
    assert race.landscape == "linear_regression"
    assert [(r.optimizer, r.hyper.get("batch_size")) for r in race.runs][1:] == [
        ("sgd", 8), ("sgd", 32)]
    assert {r.hyper["lr"] for r in race.runs} == {0.2}
    gd, sgd8, sgd32 = run_race(race)
    best = race.build_landscape().minima[0]
    wander = [np.linalg.norm(t.params[100:, 0] - best, axis=1).mean() for t in (sgd8, sgd32)]
    text = scenario.description
    assert f"(loss {gd.loss[-1, 0]:.3f})" in text
    assert np.linalg.norm(gd.params[-1, 0] - best) < 1e-3
    assert f"on average {wander[0]:.2f} from" in text
    assert f"three times smaller, {wander[1]:.2f}" in text and round(wander[0] / wander[1]) == 3


def test_every_data_landscape_is_registered_in_the_data_group():
    assert [n for n, land in LANDSCAPES.items() if land.group == "data"] == DATA
    assert all(isinstance(LANDSCAPES[n], DataLandscape) for n in DATA)
