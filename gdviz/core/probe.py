"""Samples of a landscape and of an optimizer's state, for drawing.

Views draw what these return; they compute no values, gradients or updates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Landscape
from gdviz.core.landscapes_data import DataLandscape
from gdviz.core.optimizers import Optimizer
from gdviz.core.run import RUNNING, Objective, Snapshot, update_gradient

Array = npt.NDArray[np.float64]
Box = Sequence[tuple[float, float]]


def grid(land: Landscape, box: Box, res: int) -> tuple[Array, Array, Array]:
    """Values on a res×res grid: ``xs (res,)``, ``ys (res,)``, ``Z (res, res)``, Z[i, j] =
    f(xs[j], ys[i]); non-finite values (overflow far out) become NaN."""
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    pts = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        z = land.value(pts)
    z[~np.isfinite(z)] = np.nan
    return xs, ys, z


def batch_grid(land: Landscape, box: Box, res: int, step: int, seed: int,
               batch_size: int | None) -> tuple[Array, Array, Array]:
    """The loss of one minibatch on a res×res grid, laid out as ``grid``'s: the samples
    the update that leaves ``step`` averages over, for a run with ``seed`` drawing
    batches of ``batch_size`` (``land.batch_size(optimizer, hyper)``; None, or a batch
    of at least the data, gives the full loss). ``land`` must be a 2-D data landscape."""
    if not isinstance(land, DataLandscape) or land.dim != 2:
        raise ValueError(f"a minibatch's landscape needs a data landscape of two parameters; "
                         f"{land.name} is not one")
    n = land.n_samples
    size = None if batch_size is None or batch_size >= n else batch_size
    index = land.batch_at(step, seed, size)
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    pts = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        z = land.batch_value_and_grad(pts, index)[0]
    z[~np.isfinite(z)] = np.nan
    return xs, ys, z


AXES = "xyz"


def free_axes(held_axis: int) -> tuple[int, int]:
    """The two coordinates left free when ``held_axis`` (0 x, 1 y, 2 z) is held, in
    order: (1, 2) holding x, (0, 2) holding y, (0, 1) holding z."""
    if held_axis not in (0, 1, 2):
        raise ValueError(f"the held axis is 0 (x), 1 (y) or 2 (z), got {held_axis!r}")
    u, v = (k for k in range(3) if k != held_axis)
    return u, v


def _check_space(land: Landscape, what: str) -> None:
    if land.dim != 3:
        raise ValueError(f"{what} needs a landscape of three parameters; {land.name} has "
                         f"{land.dim}")


def plane_grid(land: Landscape, box2: Box, held_axis: int, held_value: float,
               res: int) -> tuple[Array, Array, Array]:
    """A 3-D landscape on the plane where coordinate ``held_axis`` equals ``held_value``,
    sampled on a res×res grid over ``box2 = ((u0, u1), (v0, v1))`` of the two free
    coordinates ``u, v = free_axes(held_axis)``: ``us (res,)``, ``vs (res,)``, ``Z (res,
    res)`` with Z[i, j] = f at (u, v) = (us[j], vs[i]), laid out as ``grid``'s; non-finite
    values become NaN."""
    _check_space(land, "a plane through parameter space")
    u, v = free_axes(held_axis)
    (u0, u1), (v0, v1) = box2
    us, vs = np.linspace(u0, u1, res), np.linspace(v0, v1, res)
    pts = np.empty((res, res, 3))
    pts[..., u], pts[..., v] = np.meshgrid(us, vs)
    pts[..., held_axis] = held_value
    with np.errstate(all="ignore"):
        z = land.value(pts)
    z[~np.isfinite(z)] = np.nan
    return us, vs, z


def volume(land: Landscape, box: Box, res: int) -> tuple[Array, Array, Array, Array]:
    """A 3-D landscape on a res×res×res grid over ``box``: ``xs``, ``ys``, ``zs`` (res,)
    and ``F (res, res, res)`` with F[i, j, k] = f(xs[i], ys[j], zs[k]); non-finite
    values become NaN."""
    _check_space(land, "a volume of parameter space")
    xs, ys, zs = (np.linspace(lo, hi, res) for lo, hi in box)
    pts = np.stack(np.meshgrid(xs, ys, zs, indexing="ij"), axis=-1)
    with np.errstate(all="ignore"):
        f = land.value(pts)
    f[~np.isfinite(f)] = np.nan
    return xs, ys, zs, f


def curve(land: Landscape, box: Box, res: int) -> tuple[Array, Array]:
    """A 1-D landscape sampled at ``res`` points: ``xs (res,)``, ``f (res,)``."""
    (x0, x1), = box
    xs = np.linspace(x0, x1, res)
    with np.errstate(all="ignore"):
        return xs, land.value(xs[:, None])


def gradient_field(land: Landscape, box: Box, res: int) -> tuple[Array, Array]:
    """Points ``(res², 2)`` of a grid and the negative gradient ``(res², 2)`` there."""
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    pts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):
        g = land.grad(pts)
    g[~np.isfinite(g)] = 0.0
    return pts, -g


def unused_hypers(objective: Objective) -> dict[str, str]:
    """Hyperparameters that change nothing on ``objective``, each with why: sgd's
    Gaussian ``noise`` where the gradient's noise comes from minibatches of data, and
    ``batch_size`` where there is no data to draw batches from."""
    if hasattr(objective, "stochastic_gradient"):
        return {"noise": "sgd's noise here is that of its minibatches: set batch_size"}
    return {"batch_size": "this landscape has no data to draw minibatches from: sgd "
                          "adds Gaussian noise of std `noise` instead"}


def next_params(opt: Optimizer, snap: Snapshot, seed: int,
                objective: Objective | None = None) -> Array:
    """Where the update that leaves ``snap`` moves the points, (n, dim): ``opt`` must be
    the optimizer in force at that step and ``seed`` the run's, so that ``sgd`` draws
    the noise it will really draw; ``objective`` (the run's landscape) is needed by the
    optimizers that evaluate the loss themselves. Stopped points stay where they are."""
    with np.errstate(all="ignore"):
        g = update_gradient(opt, seed, snap, objective=objective)
        params, _ = opt.apply(g, snap.state, snap.params, objective)
    running = (snap.status == RUNNING)[:, None]
    return np.where(running, params, snap.params)


def velocity(snap: Snapshot) -> Array | None:
    """The direction the optimizer's memory carries the points, (n, dim), or None.

    Momentum and Nesterov move along −b, RMSProp with momentum along −b, Adam along −m̂.
    """
    state = snap.state
    if state.step == 0 or not hasattr(state, "velocity"):
        return None
    v: Array = -np.asarray(state.velocity, dtype=np.float64)
    return v if v.any() else None  # plain GD and RMSProp without momentum carry nothing


def step_numbers(opt: Optimizer, snap: Snapshot, seed: int, start: int = 0,
                 objective: Objective | None = None) -> list[tuple[str, Array]]:
    """The numbers of the update that leaves ``snap`` for start ``start``, in the order
    the rule uses them: θ, the gradient g it is fed (sgd's noise included), the
    learning rate η of this step, the optimizer's state after the step (velocity, m, v,
    m̂, v̂, …: each array field and bias-corrected property, per coordinate) and the new θ.
    Each value has shape ``(dim,)`` (η: ``(1,)``). ``objective`` as in ``next_params``."""
    g = update_gradient(opt, seed, snap, objective=objective)
    with np.errstate(all="ignore"):
        new, state = opt.apply(g, snap.state, snap.params, objective)
    t = snap.state.step + 1
    rows: list[tuple[str, Array]] = [("θ", snap.params[start]), ("g", g[start]),
                                     ("η", np.array([opt.schedule(t)]))]
    for name in (*state._fields, "m_hat", "v_hat"):
        value = getattr(state, name, None)
        if isinstance(value, np.ndarray) and value.shape == snap.params.shape:
            rows.append((name, value[start]))
    rows.append(("θ new", new[start]))
    return rows
