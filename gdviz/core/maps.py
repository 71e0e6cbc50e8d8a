"""Basin-of-attraction and hyperparameter-stability maps: many runs, only their ends kept.

``final_state`` advances a ``Stepper`` keeping only its current snapshot, so a map costs
memory for its starts, never for starts × steps as a ``Trajectory`` would. Map arrays are
``(res, res)``: row ``i`` ↔ ``ys[i]``, column ``j`` ↔ ``xs[j]``, both increasing.

``basin_map``: cell (i, j) starts at ``(xs[j], ys[i])`` as start ``k = i·res + j`` of one
batch of res² starts, run in tiles (Steppers with ``first`` = their first ``k``). Rules
work start by start and ``sgd`` draws noise per global start index, so the map does not
depend on the tiling: cell for cell it is what ``gdviz.run(starts=<the res² starts>)``
ends with. On a data landscape sgd's minibatch is a function of (seed, step) alone, the
same for every start, so there each cell is also its own single run from its start.
Label: the index in ``landscape.minima`` of the nearest minimum if the final point lies
within ``radius = near · box diagonal`` of it; else ``NOT_CONVERGED`` (−1:
still moving, on a plateau, or stopped by ``tol`` at a saddle); ``DIVERGED_LABEL`` (−2).

``stability_map``: every cell starts at one point with its own hyperparameters (x =
``xs[j]``, y = ``ys[i]``) and equals ``gdviz.run(start, seed=seed, **those)``: the cells
share the noise of start 0, as a race's runs share their seed. Optimizers take scalar
hyperparameters, so a batch shares all of them but ``lr``: if ``lr`` is an axis and the
rule only scales its step by ``lr(t)`` (``PER_START_LR``), a row (or column) is one
Stepper with an ``(n, 1)`` column of rates; otherwise each cell is its own Stepper
(correct, but res² Python loops: slow for large res).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.optimizers import Optimizer, OptimizerSpec, get_optimizer, make_optimizer
from gdviz.core.run import CONVERGED, DIVERGED, Snapshot, Stepper, squared_norm
from gdviz.core.run_spec import check_point

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]  # (done, total) in steps of batches

NOT_CONVERGED, DIVERGED_LABEL = -1, -2
MAP_TOL = 1e-6  # basin maps: a start stops once its gradient norm is ≤ this
NEAR = 1e-3  # basin maps: "at a minimum" = within NEAR · box diagonal of it
TILE = 16_384  # starts per Stepper: bounds memory, keeps the arrays in cache
COMPACT = 0.5  # final_state: go on without the stopped starts once this few run
MEASURES = ("final_loss", "steps_to_converge")
# update rules that use lr only as lr(t)·(a step computed without it), so an (n, 1)
# column of rates broadcasts; checked against single runs in tests/core/test_maps.py
PER_START_LR = frozenset({"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam",
                          "adamw", "adamax", "nadam", "radam", "adadelta", "rprop"})


class FinalState(NamedTuple):
    """How ``n`` runs end: ``params (n, dim)``, ``loss (n,)``, ``status (n,)``,
    ``stopped_at (n,)``, as the last snapshot of their Stepper holds them."""

    params: Array
    loss: Array
    status: npt.NDArray[np.str_]
    stopped_at: IntArray


def final_state(stepper: Stepper, steps: int, tick: Callable[[int], None] | None = None,
                compact: bool = False) -> FinalState:
    """Advance ``stepper`` ``steps`` times keeping only its current snapshot, never the
    history; stops early once no start runs (stopped starts hold their points anyway).
    With ``compact``, once half of its starts have stopped (``COMPACT``) the running
    ones go on as a smaller Stepper (``Stepper.subset``), so stopped starts cost little
    more; the optimizer must not hold per-start arrays of its own, and a
    state with arrays not shaped like the params (an unknown layout) is never cut.
    ``tick(k)`` is called after the k-th step."""
    s = stepper.snapshot
    compact = compact and isinstance(s.state, tuple) and all(
        f.shape == s.params.shape for f in s.state if isinstance(f, np.ndarray))
    end = FinalState(s.params.copy(), s.loss.copy(), s.status.copy(), s.stopped_at.copy())
    rows = np.arange(len(s.params))  # the rows of ``end`` the stepper's starts fill
    for k in range(1, steps + 1):
        if not stepper.running:
            break
        s = stepper.advance()
        if tick is not None:
            tick(k)
        if compact and 0 < np.count_nonzero(stepper.active) <= COMPACT * len(rows):
            running = stepper.active
            _store(end, rows, s, ~running)
            rows = rows[running]
            stepper = stepper.subset(running)
    _store(end, rows, stepper.snapshot, np.ones(len(rows), dtype=bool))
    return end


def _store(end: FinalState, rows: IntArray, s: Snapshot,
           which: npt.NDArray[np.bool_]) -> None:
    """Copy the starts ``which`` selects from ``s`` to their ``rows`` of ``end``."""
    index = np.flatnonzero(which)
    rows = rows[index]
    end.params[rows], end.loss[rows] = s.params.take(index, axis=0), s.loss[index]
    end.status[rows], end.stopped_at[rows] = s.status[index], s.stopped_at[index]


@dataclass(frozen=True)
class BasinMap:
    """Where each start of a grid ends.

    ``labels (res, res) int64``: index into ``minima (k, 2)``, ``NOT_CONVERGED`` or
    ``DIVERGED_LABEL``; ``steps_taken (res, res) int64``: the run's ``stopped_at`` (the
    step it converged at, its last normal step before diverging, else ``steps``);
    ``xs (res,)``, ``ys (res,)``: the grid; ``radius``: the "at a minimum" distance.
    """

    labels: IntArray
    steps_taken: IntArray
    xs: Array
    ys: Array
    minima: Array
    radius: float
    steps: int


class Axis(NamedTuple):
    """A stability map's axis: hyperparameter ``name`` from ``lo`` to ``hi``, geometric
    steps if ``log`` else even ones (both ends included exactly)."""

    name: str
    lo: float
    hi: float
    log: bool = False

    def values(self, res: int) -> Array:
        """``(res,)`` increasing values."""
        space = np.geomspace if self.log else np.linspace
        return np.asarray(space(self.lo, self.hi, res), dtype=np.float64)


@dataclass(frozen=True)
class StabilityMap:
    """A measure of runs over a grid of two hyperparameters.

    ``values (res, res)``: at [i, j] the measure for x = ``xs[j]``, y = ``ys[i]``: the
    final loss, or the step the run converged at; NaN where it diverged (``diverged
    (res, res) bool``) and, for ``steps_to_converge``, where it did not converge.
    """

    values: Array
    diverged: npt.NDArray[np.bool_]
    xs: Array
    ys: Array
    x: Axis
    y: Axis
    measure: str


def _whole(value: int, what: str, lo: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < lo:
        raise ValueError(f"{what} must be a whole number ≥ {lo}, got {value!r}")
    return int(value)


def _landscape(landscape: str | Landscape) -> Landscape:
    return get_landscape(landscape) if isinstance(landscape, str) else landscape


def label_ends(params: Array, status: npt.NDArray[np.str_], minima: Array,
               radius: float) -> IntArray:
    """Labels ``(n,)`` of final points ``params (n, dim)``: the index of the nearest of
    ``minima (k, dim)`` if it is within ``radius``, else ``NOT_CONVERGED``; diverged
    runs ``DIVERGED_LABEL``."""
    labels = np.full(len(params), NOT_CONVERGED, dtype=np.int64)
    if len(minima):
        with np.errstate(all="ignore"):
            d2 = squared_norm(params[:, None, :] - minima)  # (n, k)
        nearest = np.argmin(d2, axis=1)
        near = np.take_along_axis(d2, nearest[:, None], axis=1)[:, 0] <= radius * radius
        labels[near] = nearest[near]
    labels[status == DIVERGED] = DIVERGED_LABEL
    return labels


def basin_map(landscape: str | Landscape, optimizer: str | Optimizer,
              box: Sequence[tuple[float, float]] | None = None, res: int = 200,
              steps: int = 500, tol: float = MAP_TOL, seed: int = 0, tile: int = TILE,
              near: float = NEAR, progress: Progress | None = None,
              **hyper: Any) -> BasinMap:
    """The basin of attraction of every known minimum of a 2-D ``landscape``.

    ``box = ((xmin, xmax), (ymin, ymax))`` (default: the landscape's view); ``optimizer``
    a name (with ``hyper``) or an Optimizer; runs stop once their gradient norm is
    ≤ ``tol`` (0: never). ``progress(done, total)`` is called after each step of a tile.
    """
    land = _landscape(landscape)
    if land.dim != 2:
        raise ValueError(f"a basin map needs a 2-D landscape; {land.name} is {land.dim}-D")
    if not isinstance(optimizer, str) and hyper:
        raise ValueError("pass hyperparameters with the optimizer's name, not with an Optimizer")
    opt = make_optimizer(optimizer, **hyper) if isinstance(optimizer, str) else optimizer
    res, steps, tile = _whole(res, "res", 2), _whole(steps, "steps", 0), _whole(tile, "tile", 1)
    (x0, x1), (y0, y1) = box if box is not None else land.domain
    if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < x1 and y0 < y1):
        raise ValueError(f"a box needs finite xmin < xmax and ymin < ymax, got {box!r}")
    if not near > 0:
        raise ValueError(f"near must be > 0, got {near!r}")
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    radius = near * math.hypot(x1 - x0, y1 - y0)
    n = res * res
    labels, taken = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    firsts = range(0, n, tile)
    total = len(firsts) * steps
    for t, k0 in enumerate(firsts):
        k = np.arange(k0, min(k0 + tile, n))
        stepper = Stepper(land, opt, np.column_stack((xs[k % res], ys[k // res])),
                          seed=seed, tol=tol, first=k0)
        end = final_state(stepper, steps, _ticker(progress, t * steps, total), compact=True)
        labels[k] = label_ends(end.params, end.status, land.minima, radius)
        taken[k] = end.stopped_at
        if progress is not None:
            progress((t + 1) * steps, total)
    return BasinMap(labels.reshape(res, res), taken.reshape(res, res), xs, ys,
                    np.array(land.minima), radius, steps)


def _ticker(progress: Progress | None, done: int, total: int) -> Callable[[int], None] | None:
    return None if progress is None else (lambda k: progress(done + k, total))


@dataclass(frozen=True)
class _PerStartRate:
    """A constant learning rate per start: ``lr(t)`` is the ``(n, 1)`` column ``rates``,
    which broadcasts against the ``(n, dim)`` steps of the ``PER_START_LR`` rules."""

    rates: Array  # (n, 1), each value checked by the lr Hyper

    @property
    def base(self) -> float:
        return float(self.rates[0, 0])

    def __call__(self, t: int) -> Any:
        return self.rates


def _check_axes(spec: OptimizerSpec, axes: tuple[Axis, Axis], res: int,
                hyper: Mapping[str, Any]) -> tuple[Array, Array]:
    """The axes' values ``(res,)`` each, every one checked; ValueError naming the axis."""
    if axes[0].name == axes[1].name:
        raise ValueError(f"the two axes are both {axes[0].name}")
    values = []
    for label, axis in zip("xy", axes, strict=True):
        h = spec.hyper_spec(axis.name)
        if h.kind != "float":
            raise ValueError(f"{label} axis: {axis.name} is not a real-valued hyperparameter")
        if axis.name in hyper:
            raise ValueError(f"{label} axis: {axis.name} is an axis; do not also set it")
        if not (math.isfinite(axis.lo) and math.isfinite(axis.hi) and axis.lo < axis.hi):
            raise ValueError(f"{label} axis: {axis.name} needs finite lo < hi, "
                             f"got {axis.lo:g}, {axis.hi:g}")
        if axis.log and axis.lo <= 0:
            raise ValueError(f"{label} axis: a log axis needs lo > 0, got {axis.lo:g}")
        try:
            values.append(np.array([h.check(v) for v in axis.values(res)], dtype=np.float64))
        except ValueError as exc:
            raise ValueError(f"{label} axis: {exc}") from None
    for a in (axes[0].lo, axes[0].hi):  # combinations (nesterov without momentum) fail here
        for b in (axes[1].lo, axes[1].hi):
            spec.make(**{**hyper, axes[0].name: a, axes[1].name: b})
    return values[0], values[1]


def _batches(spec: OptimizerSpec, axes: tuple[Axis, Axis], xs: Array, ys: Array,
             hyper: Mapping[str, Any]) -> Iterator[tuple[IntArray, IntArray, Optimizer]]:
    """``(rows (n,), cols (n,), optimizer)``: cells that run as one Stepper."""
    res = len(xs)
    every = np.arange(res)
    lr_axis = [a.name for a in axes].index("lr") if spec.name in PER_START_LR and any(
        a.name == "lr" for a in axes) else None
    if lr_axis is None:
        for i in range(res):
            for j in range(res):
                yield (np.array([i]), np.array([j]),
                       spec.make(**{**hyper, axes[0].name: xs[j], axes[1].name: ys[i]}))
        return
    rates, other, other_values = (xs, axes[1], ys) if lr_axis == 0 else (ys, axes[0], xs)
    for m, value in enumerate(other_values):
        opt = spec.make(_PerStartRate(rates[:, None]), **{**hyper, other.name: value})
        same = np.full(res, m)
        yield (same, every, opt) if lr_axis == 0 else (every, same, opt)


def stability_map(landscape: str | Landscape, optimizer: str,
                  start: Sequence[float] | None = None,
                  x: tuple[str, float, float, bool] = Axis("lr", 1e-4, 1e-1, True),
                  y: tuple[str, float, float, bool] = Axis("momentum", 0.0, 0.99),
                  res: int = 100, steps: int = 500, seed: int = 0, tol: float = 0.0,
                  measure: str = "final_loss", progress: Progress | None = None,
                  **hyper: Any) -> StabilityMap:
    """Runs of ``optimizer`` from ``start`` (default: the landscape's) over a grid of two
    hyperparameters, ``x`` and ``y`` as ``(name, lo, hi, log)``; ``hyper`` sets the
    others. ``measure``: ``"final_loss"`` or ``"steps_to_converge"`` (needs ``tol`` > 0).
    ``progress(done, total)`` is called after each step of a batch."""
    land = _landscape(landscape)
    spec = get_optimizer(optimizer)
    axes = (Axis(*x), Axis(*y))
    res, steps = _whole(res, "res", 2), _whole(steps, "steps", 0)
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of: {', '.join(MEASURES)}")
    if measure == "steps_to_converge" and not tol > 0:
        raise ValueError("steps_to_converge needs a tolerance tol > 0")
    point = np.array(check_point(land.start if start is None else start, land.dim))
    xs, ys = _check_axes(spec, axes, res, hyper)
    values = np.empty((res, res))
    diverged = np.empty((res, res), dtype=bool)
    batches = list(_batches(spec, axes, xs, ys, hyper))
    total = len(batches) * steps
    for b, (rows, cols, opt) in enumerate(batches):
        n = len(rows)
        stepper = Stepper(land, opt, np.repeat(point[None, :], n, axis=0), seed=seed,
                          tol=tol, first=np.zeros(n, dtype=np.int64))
        end = final_state(stepper, steps, _ticker(progress, b * steps, total))
        bad = end.status == DIVERGED
        v = end.loss if measure == "final_loss" else np.where(
            end.status == CONVERGED, end.stopped_at.astype(np.float64), np.nan)
        v = np.where(bad, np.nan, v)
        values[rows, cols], diverged[rows, cols] = v, bad
        if progress is not None:
            progress((b + 1) * steps, total)
    return StabilityMap(values, diverged, xs, ys, axes[0], axes[1], measure)
