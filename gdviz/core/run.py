"""Runs: an optimizer stepped from many starts at once, with stop criteria.

``Stepper`` advances ``n`` starts of one optimizer on one landscape by one step at a
time; the GUI session drives it from a timer and keeps its immutable ``Snapshot`` s as
the timeline. ``run`` drives it in a loop and records a ``Trajectory``.

Stops, per start: *converged* when the gradient norm at a point is ≤ ``tol``
(``tol > 0``); *diverged* when the loss or gradient at the new point is not finite or
the point leaves the landscape's view box scaled 10⁶× about its centre. A stopped start
holds its last normal point (and its loss and gradient) from then on; ``stopped_at`` is
the last step computed normally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.optimizers import Optimizer, make_optimizer

Array = npt.NDArray[np.float64]
RUNNING, CONVERGED, DIVERGED = "running", "converged", "diverged"
DIVERGENCE_SCALE = 1e6


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
        norm: Array = np.sqrt(np.einsum("ni,ni->n", self.grad, self.grad))
        return norm


def gradient_noise(seed: int, step: int, shape: tuple[int, ...]) -> Array:
    """Standard normal noise for the update that leaves ``step``: a pure function of
    (seed, step), so a run resumed from any snapshot draws the same noise again."""
    noise: Array = np.random.default_rng((seed, step)).standard_normal(shape)
    return noise


def _as_starts(landscape: Landscape, starts: npt.ArrayLike | None) -> Array:
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


class Stepper:
    """Advances ``n`` starts of ``optimizer`` on ``landscape`` one step at a time."""

    def __init__(
        self,
        landscape: Landscape,
        optimizer: Optimizer,
        starts: npt.ArrayLike | None = None,
        seed: int = 0,
        tol: float = 0.0,
    ) -> None:
        self.landscape = landscape
        self.optimizer = optimizer
        self.tol = float(tol)
        params = _as_starts(landscape, starts)
        box = np.array(landscape.domain, dtype=np.float64)  # (dim, 2)
        self._centre = box.mean(axis=1)
        self._radius = (box[:, 1] - box[:, 0]) / 2 * DIVERGENCE_SCALE
        # |p| below this is inside the scaled box in every coordinate: a one-call check
        self._safe = float(np.min(self._radius - np.abs(self._centre)))
        self.seed = int(seed)
        with np.errstate(all="ignore"):
            loss, grad = landscape.value_and_grad(params)
        n = len(params)
        status = np.full(n, RUNNING, dtype="<U9")
        bad = ~self._normal(params, loss, grad)
        status[bad] = DIVERGED
        self.snapshot = Snapshot(0, params, optimizer.init(params), loss, grad, status,
                                 np.zeros(n, dtype=np.int64))
        self.snapshot = self._mark_converged(self.snapshot)

    def _normal(self, p: Array, loss: Array, grad: Array) -> npt.NDArray[np.bool_]:
        """Per start: finite loss and gradient, inside the scaled view box."""
        finite = np.isfinite(loss) & np.isfinite(grad).all(axis=-1)
        if np.abs(p).max(initial=0.0) < self._safe:
            return finite
        inside: npt.NDArray[np.bool_] = (np.abs(p - self._centre) <= self._radius).all(axis=-1)
        return finite & inside

    def _mark_converged(self, s: Snapshot) -> Snapshot:
        if self.tol <= 0:
            return s
        done = (s.status == RUNNING) & (s.grad_norm <= self.tol)
        if not done.any():
            return s
        status, stopped_at = s.status.copy(), s.stopped_at.copy()
        status[done], stopped_at[done] = CONVERGED, s.step
        return Snapshot(s.step, s.params, s.state, s.loss, s.grad, status, stopped_at)

    def restore(self, snapshot: Snapshot) -> None:
        """Continue from ``snapshot`` (e.g. after scrubbing back on the timeline)."""
        self.snapshot = snapshot

    def set_optimizer(self, optimizer: Optimizer) -> None:
        """Use new hyperparameters from the next step on; the state carries over."""
        if optimizer.name != self.optimizer.name:
            raise ValueError("set_optimizer keeps the state: the optimizer kind must match")
        self.optimizer = optimizer

    @property
    def running(self) -> bool:
        return bool((self.snapshot.status == RUNNING).any())

    def advance(self) -> Snapshot:
        """One update of every running start; returns (and keeps) the new snapshot."""
        s = self.snapshot
        g = s.grad
        noise = float(self.optimizer.hyper.get("noise", 0.0))
        if noise:
            g = g + noise * gradient_noise(self.seed, s.step, g.shape)
        with np.errstate(all="ignore"):
            params, state = self.optimizer.update(g, s.state, s.params)
            loss, grad = self.landscape.value_and_grad(params)
            normal = self._normal(params, loss, grad)
        running = s.status == RUNNING
        status, stopped_at = s.status, s.stopped_at
        if not normal.all():
            status, stopped_at = status.copy(), stopped_at.copy()
            newly = running & ~normal
            status[newly], stopped_at[newly] = DIVERGED, s.step
            running = running & normal
        if not running.all():
            params = np.where(running[:, None], params, s.params)
            grad = np.where(running[:, None], grad, s.grad)
            loss = np.where(running, loss, s.loss)
        stopped_at = np.where(running, s.step + 1, stopped_at)
        self.snapshot = self._mark_converged(
            Snapshot(s.step + 1, params, state, loss, grad, status, stopped_at))
        return self.snapshot


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
    stepper = Stepper(land, opt, starts, seed=seed, tol=tol)
    s = stepper.snapshot
    n, dim = s.params.shape
    params = np.empty((steps + 1, n, dim))
    loss = np.empty((steps + 1, n))
    grad_sq = np.empty((steps + 1, n))
    for k in range(steps + 1):
        if k:
            s = stepper.advance()
        params[k] = s.params
        loss[k] = s.loss
        np.einsum("ni,ni->n", s.grad, s.grad, out=grad_sq[k])
        if k < steps and not stepper.running:  # all stopped: hold the last rows
            params[k + 1:] = s.params
            loss[k + 1:] = s.loss
            grad_sq[k + 1:] = grad_sq[k]
            break
    return Trajectory(land.name, opt.name, dict(opt.hyper), params, loss,
                      np.sqrt(grad_sq, out=grad_sq), s.status.copy(), s.stopped_at.copy())
