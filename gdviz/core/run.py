"""Runs: an optimizer stepped from many starts at once, with stop criteria.

``Stepper`` advances ``n`` starts of one optimizer on one landscape by one step at a
time; the GUI session drives it from a timer and keeps its immutable ``Snapshot`` s as
the timeline. ``run`` drives it in a loop and records a ``Trajectory``.

Stops, per start: *converged* when the gradient norm at a point is ≤ ``tol``
(``tol > 0``); *diverged* when the loss or gradient at the new point is not finite or
the point leaves the landscape's view box scaled 10⁶× about its centre (a network,
which has no view box, diverges only on non-finite weights, loss or gradient). A stopped start
holds its last normal point (and its loss and gradient) from then on; ``stopped_at`` is
the last step computed normally.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.minibatch import Minibatched
from gdviz.core.network import NetworkObjective
from gdviz.core.optimizers import Optimizer, make_optimizer

Array = npt.NDArray[np.float64]
Index = int | npt.NDArray[np.integer[Any]]  # a global start index, or one per start
RUNNING, CONVERGED, DIVERGED = "running", "converged", "diverged"
DIVERGENCE_SCALE = 1e6
NOISE_BLOCK = 1024  # sgd noise is drawn for this many consecutive start indices at once
Objective = Landscape | NetworkObjective  # what a Stepper steps on
_sum = np.add.reduce  # a sum without ndarray.sum's wrapper (the per-step checks are small)


@dataclass(frozen=True)
class Snapshot:
    """Everything a Stepper needs to resume from a step; arrays are never mutated."""

    step: int
    params: Array  # (n, dim)
    state: Any  # the optimizer state (a NamedTuple of arrays)
    loss: Array  # (n,)
    grad: Array  # (n, dim)
    status: npt.NDArray[np.str_]  # (n,)
    stopped_at: npt.NDArray[np.int64]  # (n,)

    @property
    def grad_norm(self) -> Array:
        return np.sqrt(squared_norm(self.grad))


def squared_norm(v: Array, out: Array | None = None) -> Array:
    """Σ v[..., i]² over the last axis: one coordinate at a time for dim ≤ 3 (fast there),
    one reduction for the many weights of a network."""
    if v.shape[-1] > 3:
        total: Array = np.einsum("...i,...i->...", v, v, out=out)
        return total
    out = np.multiply(v[..., 0], v[..., 0], out=out)
    for i in range(1, v.shape[-1]):
        out += v[..., i] * v[..., i]
    return out


def gradient_noise(seed: int, step: int, shape: tuple[int, ...],
                   first: Index = 0) -> Array:
    """Standard normal noise ``shape = (n, ...)`` for the update that leaves ``step``.

    Row ``r`` belongs to the start with global index ``first + r`` (or ``first[r]`` when
    ``first`` is an array of ``n`` indices) and is a pure function of (seed, step, that
    index): starts are numbered in blocks of ``NOISE_BLOCK``, block ``b`` draws its
    ``(NOISE_BLOCK, ...)`` normals from ``default_rng((seed, step, b))`` and a start takes
    its row of its block. So the same start gets the same noise however a batch of starts
    is cut into pieces, and a run resumed from any snapshot draws the same noise again.
    """
    n, rest = shape[0], shape[1:]
    index = np.asarray(first, dtype=np.int64)
    if n == 0:
        return np.empty(shape)
    if index.ndim == 0:  # contiguous: the blocks from first to first + n − 1, one slice
        lo = int(index)
        blocks = np.arange(lo // NOISE_BLOCK, (lo + n - 1) // NOISE_BLOCK + 1)
    else:
        blocks = np.unique(index // NOISE_BLOCK)
    drawn = np.empty((len(blocks) * NOISE_BLOCK, *rest))
    for i, b in enumerate(blocks.tolist()):
        np.random.default_rng((seed, step, b)).standard_normal(
            out=drawn[i * NOISE_BLOCK:(i + 1) * NOISE_BLOCK])
    if index.ndim == 0:
        offset = int(index) - int(blocks[0]) * NOISE_BLOCK
        return drawn[offset:offset + n]
    rows = np.searchsorted(blocks, index // NOISE_BLOCK) * NOISE_BLOCK + index % NOISE_BLOCK
    noise: Array = drawn[rows]
    return noise


def update_gradient(optimizer: Optimizer, seed: int, snapshot: Snapshot,
                    first: Index = 0, objective: Objective | None = None) -> Array:
    """The gradient the update that leaves ``snapshot`` is fed. The objective decides its
    stochastic part: on an objective made of data (``Minibatched``: a network, a data
    landscape) ``sgd`` takes the gradient of a seeded minibatch and its ``noise`` does
    not apply; on a formula landscape (or ``objective`` None) it is the exact gradient
    plus ``sgd``'s Gaussian noise of std ``noise`` drawn for (seed, step) and each
    start's global index (``first`` as in ``gradient_noise``)."""
    if hasattr(objective, "stochastic_gradient"):  # a Minibatched (hasattr: cheap per step)
        return cast(Minibatched, objective).stochastic_gradient(
            snapshot.params, snapshot.grad, snapshot.step, seed, optimizer)
    noise = float(optimizer.hyper.get("noise", 0.0))
    g = snapshot.grad
    if noise:
        g = g + noise * gradient_noise(seed, snapshot.step, g.shape, first)
    return g


def _as_starts(landscape: Objective, starts: npt.ArrayLike | None) -> Array:
    if starts is None:
        return np.array([landscape.start], dtype=np.float64)
    p = np.array(starts, dtype=np.float64)
    if p.ndim == 1:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] != landscape.dim:
        raise ValueError(
            f"{landscape.name} is {landscape.dim}-D: starts must have shape (n, {landscape.dim}),"
            f" got {np.shape(starts)}"
        )
    return p


def _check_first(first: Index, n: int) -> Index:
    """``first`` as an int ≥ 0 or an int64 array of ``n`` indices ≥ 0; ValueError if not."""
    index = np.asarray(first)
    if index.dtype.kind not in "iu" or index.ndim not in (0, 1) or (
            index.ndim == 1 and index.shape != (n,)) or (index.size and index.min() < 0):
        raise ValueError(f"first must be a whole number ≥ 0 or {n} of them, got {first!r}")
    return int(index) if index.ndim == 0 else index.astype(np.int64)


class Stepper:
    """Advances ``n`` starts of ``optimizer`` on ``landscape`` one step at a time.

    ``first`` numbers the starts for ``sgd``'s noise: they are starts ``first, first + 1,
    …`` of a larger batch (or ``first`` gives the ``n`` indices), so a batch cut into
    pieces draws, start for start, the noise the whole batch draws.
    """

    def __init__(
        self,
        landscape: Objective,
        optimizer: Optimizer,
        starts: npt.ArrayLike | None = None,
        seed: int = 0,
        tol: float = 0.0,
        first: Index = 0,
    ) -> None:
        self.landscape = landscape
        self.optimizer = optimizer
        self.tol = float(tol)
        self.seed = int(seed)
        params = _as_starts(landscape, starts)
        self.first = _check_first(first, len(params))
        self._box: tuple[Array, Array] | None = None  # centre and radius, (dim,) each
        safe = np.inf  # no box: every finite point is inside
        if landscape.domain is not None:
            box = np.array(landscape.domain, dtype=np.float64)  # (dim, 2)
            centre, radius = box.mean(axis=1), (box[:, 1] - box[:, 0]) / 2 * DIVERGENCE_SCALE
            self._box = centre, radius
            # |p| below this is inside the scaled box in every coordinate
            safe = float(np.min(radius - np.abs(centre)))
        # Σ p² below this bounds every |p| below ``safe``: the whole batch in one call
        self._safe_sq = safe * safe if safe > 0 else -1.0
        if len(params) == 0:
            raise ValueError("at least one start is needed")
        with np.errstate(all="ignore"):
            loss, grad = landscape.value_and_grad(params)
            grad_sq = squared_norm(grad)
            normal = self._normal(params, loss, grad, grad_sq)
        n = len(params)
        status = np.full(n, RUNNING, dtype="<U9")
        if normal is not None:
            status[~normal] = DIVERGED
        self.snapshot: Snapshot
        self._active: npt.NDArray[np.bool_]
        self._all_active: bool
        self.restore(Snapshot(0, params, optimizer.init(params), loss, grad, status,
                              np.zeros(n, dtype=np.int64)))
        self._grad_sq = grad, grad_sq
        self.snapshot = self._mark_converged(self.snapshot)

    def _normal(self, p: Array, loss: Array, grad: Array,
                grad_sq: Array) -> npt.NDArray[np.bool_] | None:
        """Per start: finite loss and gradient, inside the scaled view box (or finite, on an
        objective without one); None: all are. ``grad_sq`` = ``squared_norm(grad)``."""
        # fast path: one finite sum (a squared norm is finite only if its gradient is) and
        # a bound on Σ p² (NaN or overflow fail it) clear the whole batch at once
        if math.isfinite(_sum(loss) + _sum(grad_sq)) and np.vdot(p, p) < self._safe_sq:
            return None
        ok = np.isfinite(loss)
        if self._box is None:  # no view box (a network): the point itself must be finite
            return ok & np.isfinite(grad).all(axis=-1) & np.isfinite(p).all(axis=-1)
        centre, radius = self._box
        for i in range(p.shape[-1]):  # dim ≤ 3: a coordinate at a time, fast in numpy
            ok &= np.isfinite(grad[:, i])
            ok &= np.abs(p[:, i] - centre[i]) <= radius[i]
        return ok

    def _mark_converged(self, s: Snapshot) -> Snapshot:
        if self.tol <= 0:
            return s
        done = self.grad_sq() <= self.tol * self.tol
        if not self._all_active:
            done &= self._active
        if not done.any():
            return s
        status, stopped_at = s.status.copy(), s.stopped_at.copy()
        status[done], stopped_at[done] = CONVERGED, s.step
        self._set_active(self._active & ~done)
        return Snapshot(s.step, s.params, s.state, s.loss, s.grad, status, stopped_at)

    def _set_active(self, active: npt.NDArray[np.bool_]) -> None:
        self._active = active
        self._all_active = bool(active.all())

    def grad_sq(self) -> Array:
        """``squared_norm`` of the snapshot's gradients, ``(n,)``: computed once a step."""
        grad = self.snapshot.grad
        if self._grad_sq[0] is not grad:
            with np.errstate(all="ignore"):  # a huge finite gradient may square to inf
                self._grad_sq = grad, squared_norm(grad)
        return self._grad_sq[1]

    def restore(self, snapshot: Snapshot) -> None:
        """Continue from ``snapshot`` (e.g. after scrubbing back on the timeline)."""
        self.snapshot = snapshot
        self._set_active(snapshot.status == RUNNING)

    def set_optimizer(self, optimizer: Optimizer) -> None:
        """Use new hyperparameters from the next step on; the state carries over."""
        if optimizer.name != self.optimizer.name:
            raise ValueError("set_optimizer keeps the state: the optimizer kind must match")
        self.optimizer = optimizer

    @property
    def running(self) -> bool:
        return self._all_active or bool(self._active.any())

    @property
    def active(self) -> npt.NDArray[np.bool_]:
        """``(n,)``: the starts still running (``snapshot.status == RUNNING``); read only."""
        return self._active

    def subset(self, keep: npt.NDArray[np.bool_]) -> Stepper:
        """A Stepper that goes on from here with the starts ``keep`` selects: their rows of
        the snapshot and of every state array shaped like the params, their noise
        indices. Other state entries are shared, so the optimizer must hold no per-start
        arrays of another shape (``maps.final_state`` checks that)."""
        rows = np.flatnonzero(keep)
        s = self.snapshot
        state = type(s.state)(*(f.take(rows, axis=0) if isinstance(f, np.ndarray)
                                and f.shape == s.params.shape else f for f in s.state))
        sub = copy.copy(self)
        sub.first = self.first + rows if isinstance(self.first, int) else self.first[rows]
        sub.snapshot = Snapshot(s.step, s.params.take(rows, axis=0), state, s.loss.take(rows),
                                s.grad.take(rows, axis=0), s.status.take(rows),
                                s.stopped_at.take(rows))
        sub._set_active(self._active.take(rows))  # what restore would find, without strings
        sub._grad_sq = sub.snapshot.grad, self.grad_sq().take(rows)
        return sub

    def advance(self) -> Snapshot:
        """One update of every running start; returns (and keeps) the new snapshot.

        A stopped start keeps its point, loss, gradient and optimizer state (velocity,
        m, v): what is drawn for it stays what it was when it stopped."""
        s = self.snapshot
        if not self.running:  # nothing moves: only the step count goes on
            self.snapshot = replace(s, step=s.step + 1)
            return self.snapshot
        g = update_gradient(self.optimizer, self.seed, s, self.first, self.landscape)
        with np.errstate(all="ignore"):
            params, state = self.optimizer.apply(g, s.state, s.params, self.landscape)
            loss, grad = self.landscape.value_and_grad(params)
            grad_sq = squared_norm(grad)
            normal = self._normal(params, loss, grad, grad_sq)
        status, stopped_at, active = s.status, s.stopped_at, self._active
        if normal is not None and not normal[active].all():
            status, stopped_at = status.copy(), stopped_at.copy()
            newly = active & ~normal
            status[newly], stopped_at[newly] = DIVERGED, s.step
            self._set_active(active & normal)
            active = self._active
        if self._all_active:
            stopped_at = np.full(len(stopped_at), s.step + 1, dtype=np.int64)
        else:
            params = _where_rows(active, params, s.params)
            grad = _where_rows(active, grad, s.grad)
            loss = np.where(active, loss, s.loss)
            grad_sq = np.where(active, grad_sq, self.grad_sq())
            stopped_at = np.where(active, s.step + 1, stopped_at)
            state = _freeze_stopped(state, s.state, active, s.params.shape)
        self.snapshot = Snapshot(s.step + 1, params, state, loss, grad, status, stopped_at)
        self._grad_sq = grad, grad_sq
        self.snapshot = self._mark_converged(self.snapshot)
        return self.snapshot


def _freeze_stopped(new: Any, old: Any, active: npt.NDArray[np.bool_],
                    shape: tuple[int, ...]) -> Any:
    """``new`` state with the stopped starts' rows of every per-point array (shaped like
    the params, ``shape``) taken from ``old`` (scalars such as the step count are shared
    by all starts and go on)."""
    return type(new)(*(
        _where_rows(active, n, o) if isinstance(n, np.ndarray) and n.shape == shape else n
        for n, o in zip(new, old, strict=True)))


def _where_rows(active: npt.NDArray[np.bool_], new: npt.NDArray[Any],
               old: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``np.where(active[:, None], new, old)`` for ``(n, k)`` arrays, bit for bit: each
    row moves as one ``k``-element item (numpy's where over a short last axis is several
    times slower)."""
    if new.ndim != 2 or new.dtype != old.dtype or new.shape != old.shape:
        return np.where(active[:, None], new, old)
    row = np.dtype((np.void, new.dtype.itemsize * new.shape[1]))
    picked = np.where(active, np.ascontiguousarray(new).view(row)[:, 0],
                      np.ascontiguousarray(old).view(row)[:, 0])
    return picked.view(new.dtype).reshape(new.shape)


@dataclass(frozen=True)
class Trajectory:
    """A recorded run: ``steps + 1`` rows, row 0 the starts."""

    landscape: str
    optimizer: str
    hyper: Mapping[str, Any]
    params: Array  # (steps+1, n, dim)
    loss: Array  # (steps+1, n)
    grad_norm: Array  # (steps+1, n)
    status: npt.NDArray[np.str_]  # (n,)
    stopped_at: npt.NDArray[np.int64]  # (n,)


def run(
    landscape: str | Landscape,
    optimizer: str | Optimizer,
    starts: npt.ArrayLike | None = None,
    steps: int = 200,
    seed: int = 0,
    tol: float = 0.0,
    **hyper: Any,
) -> Trajectory:
    """Run ``optimizer`` on ``landscape`` from every start for ``steps`` steps.

    ``starts`` has shape ``(n, dim)`` (default: the landscape's start); ``hyper`` sets the
    optimizer's hyperparameters when it is given by name.
    """
    land = get_landscape(landscape) if isinstance(landscape, str) else landscape
    if isinstance(optimizer, str):
        opt = make_optimizer(optimizer, **hyper)
    elif hyper:
        raise ValueError("pass hyperparameters with the optimizer's name, not with an Optimizer")
    else:
        opt = optimizer
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
    steps = int(steps)
    return record(Stepper(land, opt, starts, seed=seed, tol=tol), steps)


def record(stepper: Stepper, steps: int,
           before: Callable[[int], None] | None = None) -> Trajectory:
    """Advance ``stepper`` ``steps`` times from its snapshot and record every step;
    ``before(k)`` (optional) is called before the update that leaves step ``k``."""
    s = stepper.snapshot
    first = s.step
    n, dim = s.params.shape
    params = np.empty((steps + 1, n, dim))
    loss = np.empty((steps + 1, n))
    grad_norm = np.empty((steps + 1, n))
    for k in range(steps + 1):
        if k:
            if before is not None:
                before(first + k - 1)
            s = stepper.advance()
        params[k] = s.params
        loss[k] = s.loss
        np.sqrt(stepper.grad_sq(), out=grad_norm[k])
        if k < steps and not stepper.running:  # all stopped: hold the last rows
            params[k + 1:] = s.params
            loss[k + 1:] = s.loss
            grad_norm[k + 1:] = grad_norm[k]
            break
    opt = stepper.optimizer
    return Trajectory(stepper.landscape.name, opt.name, dict(opt.hyper), params, loss,
                      grad_norm, s.status.copy(), s.stopped_at.copy())
