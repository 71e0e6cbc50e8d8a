"""Landscapes of three parameters (group "space"), registered into ``LANDSCAPES``.

Every ``_f(p, params)`` takes points ``p`` of shape ``(n, 3)`` and returns the values
``(n,)`` and the analytic gradients ``(n, 3)``; ``_f_hess(p, params)`` the analytic
Hessians ``(n, 3, 3)``. A path in three dimensions cannot be read off a contour map, so
these are the landscapes on which the loss curve and the distance to the minimum tell
the story.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Array, Landscape, Params, refine_minima, register
from gdviz.core.landscapes_teaching import GaussianWells


def _hessian_3d(xx: npt.ArrayLike, xy: npt.ArrayLike, xz: npt.ArrayLike, yy: npt.ArrayLike,
                yz: npt.ArrayLike, zz: npt.ArrayLike) -> Array:
    """The symmetric 3×3 Hessians ``(n, 3, 3)`` from their six entries (each ``(n,)`` or a
    constant broadcast to the others' shape)."""
    entries = np.broadcast_arrays(*(np.asarray(h, dtype=np.float64)
                                    for h in (xx, xy, xz, yy, yz, zz)))
    out = np.empty((*entries[0].shape, 3, 3))
    for (i, j), h in zip(((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)), entries,
                         strict=True):
        out[..., i, j] = h
        out[..., j, i] = h
    return out


def _quadratic3_hess(p: Array, params: Params) -> Array:
    # constant: H = [[a, 0, k], [0, b, 0], [k, 0, c]], k = coupling
    a, b, c, k = params["a"], params["b"], params["c"], params["coupling"]
    return _hessian_3d(np.full(p.shape[:-1], a), 0.0, k, b, 0.0, c)


def _quadratic3(p: Array, params: Params) -> tuple[Array, Array]:
    # f = ½ pᵀHp with H as in _quadratic3_hess;  ∇f = Hp.
    a, b, c, k = params["a"], params["b"], params["c"], params["coupling"]
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    grad = np.stack((a * x + k * z, b * y, c * z + k * x), axis=-1)
    return 0.5 * np.sum(p * grad, axis=-1), grad


def _quadratic3_minima(params: Params) -> Array:
    """The origin when H is positive definite (a, b > 0 and a·c > coupling², whence
    c > 0), else none: the bowl opens downwards or is flat along some direction."""
    a, b, c, k = params["a"], params["b"], params["c"], params["coupling"]
    bowl = a > 0.0 and b > 0.0 and a * c > k * k
    return np.zeros((1, 3)) if bowl else np.zeros((0, 3))


def _rosenbrock3(p: Array, params: Params) -> tuple[Array, Array]:
    # f = Σᵢ 100 rᵢ² + dᵢ² with rᵢ = pᵢ₊₁ − pᵢ², dᵢ = 1 − pᵢ (i = x, y):
    # ∂f/∂x = −400x r₁ − 2d₁, ∂f/∂y = 200r₁ − 400y r₂ − 2d₂, ∂f/∂z = 200r₂.
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    r1, r2 = y - x * x, z - y * y
    d1, d2 = 1.0 - x, 1.0 - y
    value = 100.0 * (r1 * r1 + r2 * r2) + d1 * d1 + d2 * d2
    grad = np.stack((-400.0 * x * r1 - 2.0 * d1,
                     200.0 * r1 - 400.0 * y * r2 - 2.0 * d2,
                     200.0 * r2), axis=-1)
    return value, grad


def _rosenbrock3_hess(p: Array, params: Params) -> Array:
    # f_xx = 1200x² − 400y + 2, f_xy = −400x, f_xz = 0,
    # f_yy = 1200y² − 400z + 202, f_yz = −400y, f_zz = 200.
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    return _hessian_3d(1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x, 0.0,
                       1200.0 * y * y - 400.0 * z + 202.0, -400.0 * y, 200.0)


# three wells: a weak bowl 0.08·|p|² minus three wells of different depths and widths
WELLS = GaussianWells(
    bowl=0.08,
    centres=np.array([[1.5, -1.0, 0.8], [-1.6, 1.2, -0.6], [0.4, 1.4, 1.9]]),
    depths=np.array([3.0, 2.0, 1.2]),
    widths=np.array([0.8, 0.7, 0.6]),
)


register(
    Landscape(
        name="quadratic3",
        dim=3,
        domain=((-3.0, 3.0), (-3.0, 3.0), (-3.0, 3.0)),
        start=(-2.5, 1.5, 2.0),
        minima=np.zeros((1, 3)),
        formula="½(a·x² + b·y² + c·z²) + k·x·z,  k = coupling",
        group="space",
        title="Ill-conditioned bowl in 3-D",
        description="An elliptic bowl whose curvatures differ about 60-fold, with its long "
        "axis tilted in the x-z plane by the coupling: gradient descent zig-zags along the "
        "steep z direction and crawls along the shallow one, and its loss curve shows both "
        "speeds; Newton's method lands in one step.",
        log_contours=False,
        params={"a": 1.0, "b": 10.0, "c": 50.0, "coupling": 3.0},
        fn=_quadratic3,
        hess_fn=_quadratic3_hess,
        minima_fn=_quadratic3_minima,
    ),
    Landscape(
        name="rosenbrock3",
        dim=3,
        domain=((-2.0, 2.0), (-1.0, 3.0), (-1.0, 3.0)),
        start=(-1.2, 1.0, 1.0),
        minima=np.array([[1.0, 1.0, 1.0]]),
        formula="100(y−x²)² + (1−x)² + 100(z−y²)² + (1−y)²",
        group="space",
        title="Rosenbrock valley in 3-D",
        description="Two banana valleys chained: y must follow x² and z must follow y². "
        "Finding the valley floor is fast, following it to (1, 1, 1) is slow, and the loss "
        "curve shows long flat stretches where the path bends.",
        log_contours=True,
        params={},
        fn=_rosenbrock3,
        hess_fn=_rosenbrock3_hess,
    ),
    Landscape(
        name="three_wells",
        dim=3,
        domain=((-3.0, 3.0), (-3.0, 3.0), (-3.0, 3.0)),
        start=(0.5, 2.5, 2.5),
        minima=refine_minima(WELLS.fn, WELLS.centres, sort=True),
        formula=WELLS.formula("xyz"),
        group="space",
        title="Three wells",
        description="A weak bowl with three wells of depths 3, 2 and 1.2: each step sees "
        "only the local slope, so from the start above the shallowest well gradient descent "
        "settles in it, while momentum with a large enough step rolls on to the deepest; the "
        "final loss tells which well a run found.",
        log_contours=False,
        params={},
        fn=WELLS.fn,
        hess_fn=WELLS.hess,
    ),
)
