"""Loss landscapes: the ``Landscape`` record and the registry ``LANDSCAPES``.

A landscape is a scalar function of 1, 2 or 3 parameters together with everything a view
needs to show it: a default view box, a good teaching start point, its known minima and
a readable formula. Points are arrays of shape ``(..., dim)``; ``value`` returns shape
``(...)`` and ``grad`` shape ``(..., dim)``, always float64, with analytic gradients.
``hessian`` returns ``(..., dim, dim)``: analytic where the landscape gives ``hess_fn``,
else central differences of the analytic gradient (``hessian_is_exact`` tells which).

The definitions live in ``landscapes_classic`` (the standard optimisation test functions),
``landscapes_teaching`` (gdviz's own surfaces and 1-D curves), ``landscapes_space``
(functions of three parameters) and ``landscapes_data`` (a model's loss over data, where
sgd draws real minibatches); they register into ``LANDSCAPES`` when this module is
imported, in the order of ``GROUPS``: classic, teaching, 1-D, space, data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Params = Mapping[str, float]
LandscapeFn = Callable[[Array, Params], tuple[Array, Array]]
HessianFn = Callable[[Array, Params], Array]  # (n, dim) points -> (n, dim, dim)

FD_STEP = 1e-5  # relative step of the central-difference Hessian (× max(1, |coordinate|))

AXIS_NAMES = ("x", "y", "z")  # the parameters of a formula landscape
GROUPS = ("classic", "teaching", "1d", "space", "data")


@dataclass(frozen=True, eq=False)
class Landscape:
    """A loss surface f: R^dim -> R with its default view and teaching metadata.

    ``fn(p, params) -> (value, grad)`` is called by ``value_and_grad`` with ``p`` of
    shape ``(n, dim)`` and returns ``(n,)`` values and ``(n, dim)`` gradients.
    ``minima`` has shape ``(k, dim)`` (``k`` may be 0) and is read-only; when the minima
    move with the parameters, ``minima_fn(params)`` recomputes them in ``with_params``.
    ``hess_fn(p, params)`` (optional) gives the analytic Hessians ``(n, dim, dim)`` of
    ``(n, dim)`` points. Landscapes compare and hash by identity (they hold arrays and
    functions).
    """

    name: str
    dim: int
    domain: tuple[tuple[float, float], ...]
    start: tuple[float, ...]
    minima: Array
    formula: str
    group: str
    title: str
    description: str
    log_contours: bool
    params: Params
    fn: LandscapeFn
    minima_fn: Callable[[Params], Array] | None = None
    hess_fn: HessianFn | None = None
    axes: tuple[str, ...] = ()  # the parameters' names; () means x, y, z

    def __post_init__(self) -> None:
        if self.dim not in (1, 2, 3):
            raise ValueError(f"landscape {self.name!r}: dim must be 1, 2 or 3, got {self.dim}")
        domain = tuple((float(lo), float(hi)) for lo, hi in self.domain)
        start = tuple(float(t) for t in self.start)
        if len(domain) != self.dim or any(lo >= hi for lo, hi in domain):
            raise ValueError(
                f"landscape {self.name!r}: domain needs {self.dim} (lo, hi) intervals "
                f"with lo < hi, got {self.domain!r}"
            )
        if len(start) != self.dim:
            raise ValueError(f"landscape {self.name!r}: start needs {self.dim} coordinates")
        minima = np.array(self.minima, dtype=np.float64)
        if minima.size == 0:
            minima = minima.reshape(0, self.dim)
        if minima.ndim != 2 or minima.shape[1] != self.dim:
            raise ValueError(
                f"landscape {self.name!r}: minima must have shape (k, {self.dim}), "
                f"got {minima.shape}"
            )
        minima.flags.writeable = False
        axes = tuple(self.axes) or AXIS_NAMES[: self.dim]
        if len(axes) != self.dim:
            raise ValueError(f"landscape {self.name!r}: {self.dim} axis names needed, "
                             f"got {axes!r}")
        object.__setattr__(self, "axes", axes)
        object.__setattr__(self, "domain", domain)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "minima", minima)
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def _points(self, p: npt.ArrayLike) -> Array:
        """``p`` as a float64 array whose last axis has length ``dim``."""
        pts = np.asarray(p, dtype=np.float64)
        if pts.ndim == 0 or pts.shape[-1] != self.dim:
            raise ValueError(
                f"landscape {self.name!r} is {self.dim}-D: points need shape (..., {self.dim}), "
                f"got shape {pts.shape}"
            )
        return pts

    def value_and_grad(self, p: npt.ArrayLike) -> tuple[Array, Array]:
        """f(p) of shape ``(...)`` and ∇f(p) of shape ``(..., dim)`` in one pass."""
        pts = self._points(p)
        if pts.ndim == 2:  # (n, dim), as the engine steps: already the shape fn takes
            return self.fn(pts, self.params)
        value, grad = self.fn(pts.reshape(-1, self.dim), self.params)
        return value.reshape(pts.shape[:-1]), grad.reshape(pts.shape)

    def value(self, p: npt.ArrayLike) -> Array:
        """f(p): ``(..., dim)`` -> ``(...)``."""
        return self.value_and_grad(p)[0]

    def grad(self, p: npt.ArrayLike) -> Array:
        """∇f(p): ``(..., dim)`` -> ``(..., dim)``."""
        return self.value_and_grad(p)[1]

    def hessian(self, p: npt.ArrayLike) -> Array:
        """∇²f(p): ``(..., dim)`` -> ``(..., dim, dim)``, symmetric.

        Analytic when the landscape has ``hess_fn``; otherwise central differences of the
        analytic gradient with step ``FD_STEP·max(1, |pⱼ|)`` in coordinate j, symmetrised
        (½(H + Hᵀ)): about 10 correct digits on smooth landscapes."""
        pts = self._points(p)
        flat = pts.reshape(-1, self.dim)
        hess = (self.hess_fn(flat, self.params) if self.hess_fn is not None
                else self._difference_hessian(flat))
        return hess.reshape(*pts.shape, self.dim)

    def hess(self, p: npt.ArrayLike) -> Array:
        """The analytic ∇²f(p), ``(..., dim)`` -> ``(..., dim, dim)``, the contract's
        optional method: ValueError on a landscape without one (``hessian`` then falls
        back to central differences)."""
        if self.hess_fn is None:
            raise ValueError(f"landscape {self.name!r} has no analytic Hessian")
        return self.hessian(p)

    @property
    def hessian_is_exact(self) -> bool:
        """True when ``hessian`` is analytic, False when it is a central difference."""
        return self.hess_fn is not None

    def _difference_hessian(self, p: Array) -> Array:
        """Central differences of ``fn``'s gradient at ``(n, dim)`` points, in one call
        of ``fn`` on the ``2·dim·n`` shifted points."""
        n, dim = p.shape
        step = FD_STEP * np.maximum(1.0, np.abs(p))  # (n, dim)
        shifted = np.repeat(p[None, None], 2, axis=0).repeat(dim, axis=1)  # (2, dim, n, dim)
        cols = np.arange(dim)
        shifted[0, cols, :, cols] += step.T
        shifted[1, cols, :, cols] -= step.T
        width = shifted[0, cols, :, cols] - shifted[1, cols, :, cols]  # (dim, n): steps taken
        grad = self.fn(shifted.reshape(-1, dim), self.params)[1].reshape(2, dim, n, dim)
        hess = (grad[0] - grad[1]) / width[..., None]  # hess[j, :, i] = ∂gᵢ/∂pⱼ
        hess = np.moveaxis(hess, 0, -1)  # (n, i, j)
        sym: Array = 0.5 * (hess + np.swapaxes(hess, -1, -2))
        return sym

    @property
    def bounded_below(self) -> bool:
        """True when the landscape has a known minimum: f − f_min on a log axis reads
        well. Without one (a saddle) f falls without end and a log axis reads flat."""
        return len(self.minima) > 0

    def with_params(self, **params: float) -> Landscape:
        """A copy with some parameters replaced; unknown names and non-finite values raise."""
        unknown = sorted(set(params) - set(self.params))
        if unknown:
            valid = ", ".join(sorted(self.params)) if self.params else "none (it has no parameters)"
            raise ValueError(
                f"landscape {self.name!r} has no parameter {unknown[0]!r}; valid parameters: "
                f"{valid}"
            )
        new = dict(self.params)
        for key, raw in params.items():
            try:
                val = float(raw)
            except (TypeError, ValueError):
                raise ValueError(f"parameter {key!r} must be a number, got {raw!r}") from None
            if not math.isfinite(val):
                raise ValueError(f"parameter {key!r} must be finite, got {val}")
            new[key] = val
        minima = self.minima if self.minima_fn is None else self.minima_fn(new)
        return replace(self, params=new, minima=minima)


class UnknownLandscapeError(KeyError, ValueError):
    """An unknown landscape name; catchable as KeyError or ValueError."""

    def __str__(self) -> str:
        return str(self.args[0])


LANDSCAPES: dict[str, Landscape] = {}


def register(*landscapes: Landscape) -> None:
    """Add landscapes to ``LANDSCAPES``, kept ordered by group (the order of ``GROUPS``)."""
    for landscape in landscapes:
        if landscape.name in LANDSCAPES:
            raise ValueError(f"landscape {landscape.name!r} is already registered")
        LANDSCAPES[landscape.name] = landscape
    rank = {group: i for i, group in enumerate(GROUPS)}
    ordered = sorted(LANDSCAPES.values(), key=lambda ls: rank.get(ls.group, len(GROUPS)))
    LANDSCAPES.clear()
    LANDSCAPES.update((ls.name, ls) for ls in ordered)


def get_landscape(name: str) -> Landscape:
    """The registered landscape called ``name``; UnknownLandscapeError lists valid names."""
    try:
        return LANDSCAPES[name]
    except KeyError:
        valid = ", ".join(LANDSCAPES)
        raise UnknownLandscapeError(f"unknown landscape {name!r}; choose one of: {valid}") from None


def hessian_2d(hxx: npt.ArrayLike, hxy: npt.ArrayLike, hyy: npt.ArrayLike) -> Array:
    """The symmetric 2×2 Hessians ``(n, 2, 2)`` from their entries (each ``(n,)`` or a
    constant broadcast to the others' shape)."""
    xx, xy, yy = np.broadcast_arrays(*(np.asarray(h, dtype=np.float64)
                                       for h in (hxx, hxy, hyy)))
    out = np.empty((*xx.shape, 2, 2))
    out[..., 0, 0] = xx
    out[..., 0, 1] = xy
    out[..., 1, 0] = xy
    out[..., 1, 1] = yy
    return out


def refine_minima(
    fn: LandscapeFn, guesses: npt.ArrayLike, params: Params | None = None, *, sort: bool = False
) -> Array:
    """Polish rough guesses ``(k, dim)`` of local minima of ``fn`` by Newton's method.

    The Hessian comes from central differences of the analytic gradient, which only slows
    convergence, not the fixed point ∇f = 0. Raises RuntimeError unless every point ends
    at a zero of the gradient with a positive definite Hessian. With ``sort`` the minima
    are ordered by value, the global one first.
    """
    prm: Params = {} if params is None else params
    p = np.array(guesses, dtype=np.float64, ndmin=2)
    h = 1e-6
    offsets = np.eye(p.shape[1]) * h

    def hessian(q: Array) -> Array:  # (k, dim, dim); column j = ∂∇f/∂q_j
        cols = [(fn(q + e, prm)[1] - fn(q - e, prm)[1]) / (2 * h) for e in offsets]
        return np.stack(cols, axis=-1)

    for _ in range(20):
        p = p - np.linalg.solve(hessian(p), fn(p, prm)[1][..., None])[..., 0]
    value, grad = fn(p, prm)
    hess = hessian(p)
    curvature = np.linalg.eigvalsh(0.5 * (hess + np.swapaxes(hess, -1, -2)))
    if not (np.all(np.abs(grad) < 1e-9) and np.all(curvature > 0)):
        raise RuntimeError(f"refine_minima: no minimum found near {np.asarray(guesses)}")
    return p[np.argsort(value, kind="stable")] if sort else p


# The definition modules register themselves; imported last so that they can import
# Landscape and register from this module.
import gdviz.core.landscapes_classic  # noqa: E402, F401
import gdviz.core.landscapes_data  # noqa: E402, F401
import gdviz.core.landscapes_space  # noqa: E402, F401
import gdviz.core.landscapes_teaching  # noqa: E402, F401
