"""Where to look at a typed formula: its local minima, its view box and a start point.

All three are found numerically, deterministically, from the formula's vectorized
``fn(p) -> (f, ∇f)`` and ``hess(p) -> ∇²f`` on ``(n, dim)`` points:

- **minima**: damped Newton from a grid of points over a search box (``SEARCH_POINTS``
  per axis): the Newton step where the Hessian is positive definite, else the gradient,
  each halved until f decreases. A point counts as a local minimum when it ends with
  f finite, ``|∇f|∞ ≤ 1e-6·max(1, |f|)`` and a positive definite Hessian, no farther
  than one box width outside the search box; duplicates are merged, the lowest first.
- **view box** (when none is given): the default ``[-3, 3]`` per axis; if minima are
  found there, the box centred on them that holds them all with a margin of 2 on each
  side, at least 6 wide. Then it shrinks to the bounding box of the grid points where f
  and ∇f are finite (``log(x)`` is seen for x > 0), unless that would leave it flat.
- **start**: from the lowest minimum in the box (else the box's centre) 70 % of the way
  to the corner with the lowest x and the highest other coordinates; if f or ∇f is not
  finite there, 50 %, 85 % and 30 % of the way, then the same towards the other corners,
  then the finite grid point nearest the first choice. Rounded to 2 decimals.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from gdviz.core.expression import Box

Array = npt.NDArray[np.float64]
ValueGrad = Callable[[Array], tuple[Array, Array]]
Hessian = Callable[[Array], Array]

DEFAULT_BOX = (-3.0, 3.0)
SEARCH_POINTS = {1: 13, 2: 7, 3: 5}  # grid points per axis for the minimum search
FINITE_POINTS = {1: 401, 2: 61, 3: 21}  # grid points per axis for the finite region
NEWTON_STEPS = 60
HALVINGS = 12
MARGIN, MIN_HALF_WIDTH = 2.0, 3.0
FRACTIONS = (0.7, 0.5, 0.85, 0.3)


def grid(box: Box, per_axis: int) -> Array:
    """The ``(per_axis**dim, dim)`` points of a regular grid over ``box``, corners included."""
    axes = [np.linspace(lo, hi, per_axis) for lo, hi in box]
    return np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=-1)


def finite_at(fn: ValueGrad, p: Array) -> npt.NDArray[np.bool_]:
    """Where f and ∇f are both finite, ``(n,)``."""
    f, g = fn(p)
    return np.asarray(np.isfinite(f) & np.isfinite(g).all(axis=-1))


def _newton_direction(g: Array, h: Array) -> Array:
    """The Newton direction H⁻¹g where H is clearly positive definite, else g, ``(n, dim)``."""
    w, v = np.linalg.eigh(np.where(np.isfinite(h), h, 0.0))
    good = w.min(axis=-1) > 1e-12 * np.abs(w).max(axis=-1)
    direction = g.copy()
    along = np.einsum("nji,nj->ni", v[good], g[good]) / w[good]  # g in the eigenbasis, / λ
    direction[good] = np.einsum("nij,nj->ni", v[good], along)
    return direction


def find_minima(fn: ValueGrad, hess: Hessian, box: Box) -> Array:
    """The local minima ``(k, dim)`` reached from a grid over ``box``, lowest f first."""
    dim = len(box)
    p = grid(box, SEARCH_POINTS[dim])
    with np.errstate(all="ignore"):
        f, g = fn(p)
        for _ in range(NEWTON_STEPS):
            live = np.isfinite(f) & np.isfinite(g).all(axis=-1)
            if not live.any():
                break
            direction = np.zeros_like(p)
            direction[live] = _newton_direction(g[live], hess(p[live]))
            t = np.ones(len(p))
            for _ in range(HALVINGS):
                trial = p - t[:, None] * direction
                f_trial, g_trial = fn(trial)
                better = live & (f_trial < f)
                p[better], f[better], g[better] = trial[better], f_trial[better], g_trial[better]
                live &= ~better
                t[live] *= 0.5
        lo, hi = np.array(box).T
        width = hi - lo
        ok = (np.isfinite(f) & (np.abs(g).max(axis=-1) <= 1e-6 * np.maximum(1.0, np.abs(f)))
              & np.all((p >= lo - 2 * width) & (p <= hi + 2 * width), axis=-1))
        if ok.any():
            h = hess(p[ok])
            finite = np.asarray(np.isfinite(h).all(axis=(-2, -1)))
            eig = np.linalg.eigvalsh(np.where(finite[:, None, None], h, 0.0))
            ok[np.flatnonzero(ok)] = finite & (eig.min(axis=-1) > 0.0)
    found, values = p[ok], f[ok]
    kept: list[Array] = []
    for i in np.argsort(values, kind="stable"):
        if all(np.max(np.abs(found[i] - q)) > 1e-4 * max(1.0, float(width.max())) for q in kept):
            kept.append(found[i])
    return np.array(kept).reshape(-1, dim)


def _inside(points: Array, box: Box) -> npt.NDArray[np.bool_]:
    lo, hi = np.array(box).T
    return np.asarray(np.all((points >= lo) & (points <= hi), axis=-1))


def auto_box(fn: ValueGrad, minima: Array, dim: int) -> Box | None:
    """The view box by the module's rule, None where f is finite nowhere in it."""
    if len(minima):
        lo, hi = minima.min(axis=0), minima.max(axis=0)
        centre, half = (lo + hi) / 2, np.maximum(MIN_HALF_WIDTH, (hi - lo) / 2 + MARGIN)
        box = tuple((float(c - h), float(c + h)) for c, h in zip(centre, half, strict=True))
    else:
        box = (DEFAULT_BOX,) * dim
    points = grid(box, FINITE_POINTS[dim])
    with np.errstate(all="ignore"):
        finite = points[finite_at(fn, points)]
    if not len(finite):
        return None
    lo, hi = finite.min(axis=0), finite.max(axis=0)
    if np.all(hi > lo):
        return tuple((float(a), float(b)) for a, b in zip(lo, hi, strict=True))
    return box


def has_finite(fn: ValueGrad, box: Box) -> bool:
    """Whether f and ∇f are finite at some point of a grid over ``box``."""
    with np.errstate(all="ignore"):
        return bool(finite_at(fn, grid(box, FINITE_POINTS[len(box)])).any())


def start_point(fn: ValueGrad, box: Box, minima: Array) -> tuple[float, ...]:
    """The start by the module's rule (``box`` has a finite grid point)."""
    lo, hi = np.array(box).T
    inside = minima[_inside(minima, box)]
    origin = inside[0] if len(inside) else (lo + hi) / 2
    first = np.where(np.arange(len(box)) == 0, lo, hi)
    corners = [first, *(np.array(c) for c in itertools.product(*box)
                        if not np.array_equal(c, first))]
    tries = np.array([origin + t * (c - origin) for c in corners for t in FRACTIONS])
    tries = np.clip(np.round(tries, 2), lo, hi)
    with np.errstate(all="ignore"):
        good = finite_at(fn, tries)
        if good.any():
            return tuple(float(v) for v in tries[np.argmax(good)])
        points = grid(box, FINITE_POINTS[len(box)])
        points = points[finite_at(fn, points)]
    nearest = points[np.argmin(np.sum((points - tries[0]) ** 2, axis=-1))]
    return tuple(float(v) for v in nearest)
