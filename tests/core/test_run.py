"""gdviz.run / Stepper: trajectory layout, vectorization, stop criteria, noise, timeline."""

from __future__ import annotations

import copy
import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdviz
from gdviz.core.landscapes import LANDSCAPES, get_landscape
from gdviz.core.optimizers import make_optimizer
from gdviz.core.run import DIVERGENCE_SCALE, Snapshot, Stepper, Trajectory, _where_rows

LANDSCAPES_1D = [name for name, land in LANDSCAPES.items() if land.dim == 1]


def random_starts(landscape: str, n: int, seed: int = 0) -> np.ndarray:
    box = np.array(get_landscape(landscape).domain)
    return box[:, 0] + (box[:, 1] - box[:, 0]) * np.random.default_rng(seed).random((n, 2))


def normal_point(land, p) -> np.ndarray:
    """Per start: finite loss and gradient, inside the view box scaled 10⁶× (run.py docs)."""
    box = np.array(land.domain)
    centre, radius = box.mean(axis=1), (box[:, 1] - box[:, 0]) / 2 * DIVERGENCE_SCALE
    with np.errstate(all="ignore"):
        loss, grad = land.value_and_grad(p)
        inside = (np.abs(p - centre) <= radius).all(axis=-1)
    return np.isfinite(loss) & np.isfinite(grad).all(axis=-1) & inside


def assert_held_from(traj: Trajectory, i: int, k: int) -> None:
    """Start ``i`` holds its row ``k`` (point, loss, gradient norm) to the end."""
    for rows in (traj.params, traj.loss, traj.grad_norm):
        held = rows[k:, i]
        assert (held == rows[k, i]).all()
        assert np.isfinite(held).all()


# --------------------------------------------------------------------------------------
# layout
# --------------------------------------------------------------------------------------


def test_shapes_and_dtypes():
    starts = random_starts("himmelblau", 5)
    traj = gdviz.run("himmelblau", "adam", starts=starts, steps=17, lr=0.05)
    assert isinstance(traj, Trajectory)
    assert traj.params.shape == (18, 5, 2) and traj.params.dtype == np.float64
    assert traj.loss.shape == (18, 5) and traj.loss.dtype == np.float64
    assert traj.grad_norm.shape == (18, 5) and traj.grad_norm.dtype == np.float64
    assert traj.status.shape == (5,) and traj.status.dtype.kind == "U"
    assert traj.stopped_at.shape == (5,) and traj.stopped_at.dtype == np.int64
    assert traj.landscape == "himmelblau" and traj.optimizer == "adam"
    assert traj.hyper == {"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                          "weight_decay": 0.0}
    assert (traj.status == "running").all() and (traj.stopped_at == 17).all()
    np.testing.assert_array_equal(traj.params[0], starts)
    land = get_landscape("himmelblau")
    np.testing.assert_array_equal(traj.loss, land.value(traj.params))
    np.testing.assert_allclose(traj.grad_norm, np.linalg.norm(land.grad(traj.params), axis=-1),
                               rtol=1e-14, atol=0)
    assert len({tuple(p) for p in traj.params[:, 0]}) == 18  # it moved every step


def test_defaults_start_and_steps():
    traj = gdviz.run("rosenbrock", "momentum")
    assert traj.params.shape == (201, 1, 2)
    np.testing.assert_array_equal(traj.params[0, 0], get_landscape("rosenbrock").start)
    assert traj.hyper["lr"] == 1e-3 and traj.hyper["momentum"] == 0.9
    zero = gdviz.run("rosenbrock", "gd", steps=0)
    assert zero.params.shape == (1, 1, 2) and zero.stopped_at.tolist() == [0]


def test_landscape_object_and_optimizer_object():
    land = get_landscape("quadratic").with_params(b=25.0)
    opt = make_optimizer("nesterov", lr=0.01)
    traj = gdviz.run(land, opt, starts=[(-2.5, 1.5)], steps=30)
    by_name = gdviz.run(land, "nesterov", starts=[(-2.5, 1.5)], steps=30, lr=0.01)
    np.testing.assert_array_equal(traj.params, by_name.params)
    plain = gdviz.run("quadratic", "nesterov", starts=[(-2.5, 1.5)], steps=30, lr=0.01)
    assert not np.array_equal(traj.params, plain.params)  # the b = 25 landscape was used


# --------------------------------------------------------------------------------------
# vectorization
# --------------------------------------------------------------------------------------

VECTOR_CASES = [
    ("himmelblau", "adam", {"lr": 0.05}, 1e-3),
    ("rosenbrock", "gd", {"lr": 2e-3}, 0.0),
    ("rosenbrock", "nesterov", {"lr": 5e-4, "weight_decay": 0.01}, 0.0),
    ("beale", "rmsprop", {"lr": 1e-2, "momentum": 0.5}, 1e-2),
    ("booth", "adagrad", {"lr": 0.5}, 1e-3),
    ("rastrigin", "momentum", {"lr": 1e-3}, 0.0),
]


@pytest.mark.parametrize(("landscape", "name", "hyper", "tol"), VECTOR_CASES, ids=str)
def test_vectorized_equals_loop_of_single_runs(landscape, name, hyper, tol):
    starts = random_starts(landscape, 50, seed=3)
    batch = gdviz.run(landscape, name, starts=starts, steps=150, tol=tol, **hyper)
    for i, start in enumerate(starts):
        one = gdviz.run(landscape, name, starts=start[None], steps=150, tol=tol, **hyper)
        np.testing.assert_array_equal(batch.params[:, i], one.params[:, 0])
        np.testing.assert_array_equal(batch.loss[:, i], one.loss[:, 0])
        np.testing.assert_array_equal(batch.grad_norm[:, i], one.grad_norm[:, 0])
        assert batch.status[i] == one.status[0]
        assert batch.stopped_at[i] == one.stopped_at[0]


# --------------------------------------------------------------------------------------
# stop criteria
# --------------------------------------------------------------------------------------

TOL_CASES = [
    ("quadratic", "gd", {"lr": 0.05}, [(-2.5, 1.5), (1.0, 1.0), (0.1, 0.01)], 300),
    ("booth", "momentum", {"lr": 0.01}, [(-8.0, 7.0), (2.0, 2.0)], 300),
    ("booth", "adam", {"lr": 0.1}, [(-8.0, 7.0), (2.0, 2.0)], 600),
]


@pytest.mark.parametrize(("landscape", "name", "hyper", "starts", "steps"), TOL_CASES, ids=str)
def test_tolerance_stop(landscape, name, hyper, starts, steps):
    tol = 1e-3
    land = get_landscape(landscape)
    traj = gdviz.run(landscape, name, starts=starts, steps=steps, tol=tol, **hyper)
    free = gdviz.run(landscape, name, starts=starts, steps=steps, **hyper)  # tol 0: no stop
    assert (free.status == "running").all()
    norms = np.linalg.norm(land.grad(free.params), axis=-1)  # (steps+1, n)
    assert (traj.status == "converged").all()
    for i in range(len(starts)):
        below = np.flatnonzero(norms[:, i] <= tol)
        first = int(below[0])
        assert 0 < first < steps
        assert traj.stopped_at[i] == first
        assert traj.grad_norm[first, i] <= tol < traj.grad_norm[first - 1, i]
        np.testing.assert_array_equal(traj.params[: first + 1, i], free.params[: first + 1, i])
        assert_held_from(traj, i, first)
    assert len(set(traj.stopped_at.tolist())) == len(starts)  # they stop one by one


def test_start_at_minimum_converges_at_step_zero():
    traj = gdviz.run("quadratic", "adam", starts=[(0.0, 0.0), (1.0, 1.0)], steps=20, tol=1e-6)
    assert traj.status.tolist() == ["converged", "running"]
    assert traj.stopped_at.tolist() == [0, 20]
    assert (traj.params[:, 0] == 0.0).all()


def test_divergence_is_quiet_and_held():
    land = get_landscape("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gdviz.run("rosenbrock", "gd", starts=[(-1.2, 1.0)], steps=300, lr=1.0)
    assert traj.status.tolist() == ["diverged"]
    k = int(traj.stopped_at[0])
    assert 0 < k < 300
    # rows up to k are plain gd steps, all normal ...
    p = np.array([[-1.2, 1.0]])
    for j in range(k + 1):
        np.testing.assert_array_equal(traj.params[j], p)
        assert normal_point(land, p).all()
        p = p - 1.0 * land.grad(p)
    # ... and the step after k is not
    assert not normal_point(land, p).any()
    assert_held_from(traj, 0, k)


def test_divergence_by_leaving_the_box():
    """saddle: y doubles each step with lr 0.5; finite loss, but it leaves the 10⁶ box."""
    traj = gdviz.run("saddle", "gd", starts=[(0.5, 1.0)], steps=100, lr=0.5)
    assert traj.status.tolist() == ["diverged"]
    k = int(traj.stopped_at[0])
    radius = 2.0 * DIVERGENCE_SCALE
    assert traj.params[k, 0, 1] <= radius < 2 * traj.params[k, 0, 1]
    assert_held_from(traj, 0, k)


def test_start_outside_the_box_is_diverged_at_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gdviz.run("himmelblau", "gd", starts=[(1e9, 0.0), (1.0, 1.0)], steps=10)
    assert traj.status.tolist() == ["diverged", "running"]
    assert traj.stopped_at.tolist() == [0, 10]
    assert (traj.params[:, 0] == [1e9, 0.0]).all()


@given(st.sampled_from(["rosenbrock", "himmelblau", "saddle"]),
       st.lists(st.tuples(st.sampled_from([-1.0, 1.0]), st.integers(-3, 3),
                          st.sampled_from([0.0, 0.5, 1.0]), st.booleans()),
                min_size=1, max_size=6))
def test_start_at_the_box_edge_is_judged_exactly(name, picks):
    """Starts on, just inside and just outside the scaled box's edge (to the last ulp, in
    either coordinate, several in one batch): the one-call check that clears a whole
    batch never lets an outside point through."""
    land = get_landscape(name)
    box = np.array(land.domain)
    centre, radius = box.mean(axis=1), (box[:, 1] - box[:, 0]) / 2 * DIVERGENCE_SCALE
    starts = []
    for side, ulps, frac, first in picks:
        edge = centre + side * radius
        axis = 0 if first else 1
        p = centre + frac * (edge - centre) * 0.5
        v = edge[axis]
        for _ in range(abs(ulps)):
            v = np.nextafter(v, np.inf if ulps > 0 else -np.inf)
        p[axis] = v
        starts.append(p)
    starts = np.array(starts)
    status = Stepper(land, make_optimizer("gd"), starts).snapshot.status
    np.testing.assert_array_equal(status == "running", normal_point(land, starts))


@pytest.mark.parametrize("starts", [[(1e60, 0.0)], [(1e77, 0.0), (1e77, 1.0)]])
def test_far_start_is_diverged_quietly(starts):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gdviz.run("himmelblau", "gd", starts=starts, steps=5)
    assert (traj.status == "diverged").all() and (traj.stopped_at == 0).all()
    np.testing.assert_array_equal(traj.params[-1], starts)


def test_mixed_batch_divergers_and_runners():
    starts = random_starts("rosenbrock", 40, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gdviz.run("rosenbrock", "gd", starts=starts, steps=200, lr=2e-3)
    diverged = traj.status == "diverged"
    assert diverged.any() and (traj.status == "running").any()
    assert set(traj.status.tolist()) == {"diverged", "running"}
    for i in range(len(starts)):
        one = gdviz.run("rosenbrock", "gd", starts=starts[i : i + 1], steps=200, lr=2e-3)
        np.testing.assert_array_equal(traj.params[:, i], one.params[:, 0])
        np.testing.assert_array_equal(traj.loss[:, i], one.loss[:, 0])
        assert traj.status[i] == one.status[0] and traj.stopped_at[i] == one.stopped_at[0]
        if diverged[i]:
            assert_held_from(traj, i, int(traj.stopped_at[i]))
        else:
            assert traj.stopped_at[i] == 200


# --------------------------------------------------------------------------------------
# sgd noise
# --------------------------------------------------------------------------------------


def test_sgd_noise_is_seeded():
    starts = random_starts("himmelblau", 4)
    kw = {"starts": starts, "steps": 50, "lr": 1e-2, "noise": 1.0}
    a = gdviz.run("himmelblau", "sgd", seed=3, **kw)
    b = gdviz.run("himmelblau", "sgd", seed=3, **kw)
    c = gdviz.run("himmelblau", "sgd", seed=4, **kw)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.allclose(a.params[1:], c.params[1:])
    gd = gdviz.run("himmelblau", "gd", starts=starts, steps=50, lr=1e-2)
    assert not np.allclose(a.params[1:], gd.params[1:])
    quiet = gdviz.run("himmelblau", "sgd", seed=3, **{**kw, "noise": 0.0})
    np.testing.assert_array_equal(quiet.params, gd.params)


def test_sgd_noise_is_gaussian_with_std_noise():
    """Recover ĝ − g from the gd step on a quadratic: mean 0, std ``noise``."""
    land, lr, noise = get_landscape("quadratic"), 0.01, 2.0
    traj = gdviz.run(land, "sgd", starts=random_starts("quadratic", 1000), steps=3, lr=lr,
                     noise=noise, seed=1)
    p = traj.params
    z = ((p[:-1] - p[1:]) / lr - land.grad(p[:-1])) / noise  # (3, 1000, 2) draws of N(0, 1)
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1.0) < 0.05
    assert abs(np.corrcoef(z[..., 0].ravel(), z[..., 1].ravel())[0, 1]) < 0.05


# --------------------------------------------------------------------------------------
# Stepper: timeline restore and live hyperparameter changes
# --------------------------------------------------------------------------------------


def assert_same_snapshot(a: Snapshot, b: Snapshot) -> None:
    """Every field equal; the optimizer state field by field."""
    assert a.step == b.step
    for field in dataclasses.fields(Snapshot):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if field.name == "state":
            assert type(x) is type(y)
            for u, v in zip(x, y, strict=True):
                np.testing.assert_array_equal(u, v)
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y, field.name


RESTORE_CASES = [
    ("himmelblau", "sgd", {"lr": 1e-2, "noise": 2.0}, 0.0),
    ("booth", "adam", {"lr": 0.5}, 0.5),
    ("rosenbrock", "momentum", {"lr": 2e-3}, 0.0),
]


@pytest.mark.parametrize(("landscape", "name", "hyper", "tol"), RESTORE_CASES, ids=str)
def test_restore_then_advance_reproduces(landscape, name, hyper, tol):
    land = get_landscape(landscape)
    starts = random_starts(landscape, 6, seed=2)
    stepper = Stepper(land, make_optimizer(name, **hyper), starts, seed=5, tol=tol)
    snaps = [stepper.snapshot] + [stepper.advance() for _ in range(30)]
    frozen = copy.deepcopy(snaps)
    assert not np.array_equal(snaps[10].params, snaps[30].params)
    for k in (0, 4, 17):
        stepper.restore(snaps[k])
        for want in snaps[k + 1 :]:
            assert_same_snapshot(stepper.advance(), want)
    # a fresh stepper (same run settings) continues the same way from a stored snapshot
    other = Stepper(land, make_optimizer(name, **hyper), starts, seed=5, tol=tol)
    other.restore(snaps[9])
    for want in snaps[10:]:
        assert_same_snapshot(other.advance(), want)
    for a, b in zip(snaps, frozen, strict=True):  # snapshots are never mutated
        assert_same_snapshot(a, b)
    if tol:
        assert set(snaps[-1].status.tolist()) == {"converged", "running"}


@pytest.mark.parametrize(("landscape", "name", "hyper", "tol"), RESTORE_CASES, ids=str)
def test_a_subset_goes_on_as_its_starts_do_in_the_whole(landscape, name, hyper, tol):
    starts = random_starts(landscape, 8, seed=3)
    starts[1] = 1e9  # diverged from the start
    whole = Stepper(get_landscape(landscape), make_optimizer(name, **hyper), starts, seed=5,
                    tol=tol, first=7)
    for _ in range(4):
        whole.advance()
    keep = np.array([True, True, False, True, True, False, False, True])
    part = whole.subset(keep)
    np.testing.assert_array_equal(part.active, whole.active[keep])
    rows = np.flatnonzero(keep)
    for _ in range(25):
        s = whole.advance()
        state = type(s.state)(*(f[rows] if isinstance(f, np.ndarray) else f for f in s.state))
        want = Snapshot(s.step, s.params[rows], state, s.loss[rows], s.grad[rows],
                        s.status[rows], s.stopped_at[rows])
        assert_same_snapshot(part.advance(), want)
        np.testing.assert_array_equal(part.grad_sq(), whole.grad_sq()[rows])


@pytest.mark.parametrize("shape", [(7, 1), (7, 2), (7, 3), (7, 40)])
def test_stopped_rows_are_held_bit_for_bit(shape):
    rng = np.random.default_rng(4)
    new, old = rng.standard_normal(shape), rng.standard_normal(shape)
    new[0, 0], new[1, -1], old[2, 0], old[3, -1] = np.nan, -0.0, np.inf, -np.nan
    active = np.array([True, False, True, False, False, True, True])
    ints = rng.integers(-9, 9, shape), rng.integers(-9, 9, shape)
    for a, b in ((new, old), ints, (new, old.astype(np.float32))):
        want = np.where(active[:, None], a, b)
        got = _where_rows(active, a, b)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_set_optimizer_changes_only_later_steps():
    land = get_landscape("himmelblau")
    starts = random_starts("himmelblau", 3)
    ref = gdviz.run(land, "momentum", starts=starts, steps=10, lr=1e-3)
    stepper = Stepper(land, make_optimizer("momentum", lr=1e-3), starts)
    for _ in range(5):
        stepper.advance()
    s5 = stepper.snapshot
    np.testing.assert_array_equal(s5.params, ref.params[5])
    stepper.set_optimizer(make_optimizer("momentum", lr=3e-3))
    s6 = stepper.advance()
    velocity = 0.9 * s5.state.velocity + s5.grad  # carried over, not reset
    np.testing.assert_array_equal(s6.params, s5.params - 3e-3 * velocity)
    assert not np.allclose(s6.params, ref.params[6])
    np.testing.assert_array_equal(s5.params, ref.params[5])  # the past is untouched
    with pytest.raises(ValueError, match="kind"):
        stepper.set_optimizer(make_optimizer("adam"))


# --------------------------------------------------------------------------------------
# argument errors and 1-D
# --------------------------------------------------------------------------------------


def test_hyper_with_optimizer_object_is_refused():
    with pytest.raises(ValueError, match="name"):
        gdviz.run("himmelblau", make_optimizer("adam"), lr=0.1)


@pytest.mark.parametrize("starts", [np.zeros((3, 3)), np.zeros((2, 2, 2)), [0.5], [[1.0], [2.0]],
                                    [[1.0, 2.0], [3.0]], np.zeros((4, 1))])
def test_bad_starts_shape(starts):
    with pytest.raises(ValueError):
        gdviz.run("himmelblau", "gd", starts=starts, steps=3)


def test_bad_starts_for_1d():
    with pytest.raises(ValueError, match="1-D"):
        gdviz.run(LANDSCAPES_1D[0], "gd", starts=np.zeros((3, 2)), steps=3)


@pytest.mark.parametrize("steps", [-1, 2.5])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match="steps"):
        gdviz.run("himmelblau", "gd", steps=steps)


def test_unknown_names():
    with pytest.raises(ValueError, match="nowhere"):
        gdviz.run("nowhere", "gd")
    with pytest.raises(ValueError, match="adamaxx"):
        gdviz.run("himmelblau", "adamaxx")
    with pytest.raises(ValueError, match="beta1"):
        gdviz.run("himmelblau", "gd", beta1=0.9)


def test_one_dimensional_landscapes_exist():
    assert LANDSCAPES_1D


@pytest.mark.parametrize("landscape", LANDSCAPES_1D)
def test_one_dimensional_run(landscape):
    land = get_landscape(landscape)
    traj = gdviz.run(landscape, "gd", steps=40, lr=0.01)
    assert traj.params.shape == (41, 1, 1)
    assert traj.params[0, 0, 0] == land.start[0]
    p = np.array([land.start])
    for k in range(41):
        np.testing.assert_array_equal(traj.params[k], p)
        p = p - 0.01 * land.grad(p)
    np.testing.assert_array_equal(traj.loss, land.value(traj.params))
    np.testing.assert_allclose(traj.grad_norm, np.abs(land.grad(traj.params)[..., 0]),
                               rtol=1e-15, atol=0)
    lo, hi = land.domain[0]
    starts = np.linspace(lo, hi, 5)[:, None]
    many = gdviz.run(landscape, "adam", starts=starts, steps=20, lr=0.05)
    assert many.params.shape == (21, 5, 1)
    np.testing.assert_array_equal(many.params[0], starts)
    assert (many.status == "running").all()
