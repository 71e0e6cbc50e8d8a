"""gdviz's own teaching landscapes (2-D) and 1-D curves, registered into ``LANDSCAPES``.

Every ``_f(p, params)`` takes points ``p`` of shape ``(n, dim)`` and returns the values
``(n,)`` and the analytic gradients ``(n, dim)``; ``_f_hess(p, params)`` the analytic
Hessians ``(n, dim, dim)``. Minima are polished from rough guesses by Newton's method at
import time and listed global first. ``GaussianWells`` (a bowl with wells, in any
dimension) also makes the three-parameter ``three_wells`` of ``landscapes_space``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdviz.core.landscapes import (
    Array,
    Landscape,
    Params,
    hessian_2d,
    refine_minima,
    register,
)


@dataclass(frozen=True, eq=False)
class GaussianWells:
    """f(p) = bowl·|p|² − Σₖ depthₖ·exp(−|p − centreₖ|²/(2·widthₖ²)): a broad bowl with
    Gaussian wells of different depths and widths, in as many dimensions as the centres
    have coordinates (``centres (k, dim)``, ``depths (k,)``, ``widths (k,)``)."""

    bowl: float
    centres: Array
    depths: Array
    widths: Array

    def _wells(self, p: Array) -> tuple[Array, Array, Array]:
        """``diff (n, k, dim)`` = p − centreₖ, ``spread (k,)`` = 2·widthₖ², and
        ``wells (n, k)`` = depthₖ·exp(−|diff|²/spread), how deep each well is at p."""
        diff = p[..., None, :] - self.centres
        spread = 2.0 * self.widths**2
        wells = self.depths * np.exp(-np.sum(diff * diff, axis=-1) / spread)
        return diff, spread, wells

    def fn(self, p: Array, params: Params) -> tuple[Array, Array]:
        """Values ``(n,)`` and gradients ``(n, dim)`` at points ``(n, dim)``."""
        diff, spread, wells = self._wells(p)
        value = self.bowl * np.sum(p * p, axis=-1) - np.sum(wells, axis=-1)
        # ∂/∂p of −depth·exp(−|d|²/spread) is +wells·2d/spread.
        grad = 2.0 * self.bowl * p + np.einsum("...w,...wi->...i", wells * (2.0 / spread), diff)
        return value, grad

    def hess(self, p: Array, params: Params) -> Array:
        """Hessians ``(n, dim, dim)``: each well adds (2·wells/spread)·(I − (2/spread)·d dᵀ)
        to the bowl's 2·bowl·I."""
        diff, spread, wells = self._wells(p)
        weight = wells * (2.0 / spread)
        total = np.sum(weight, axis=-1) + 2.0 * self.bowl  # (n,)
        weight *= 2.0 / spread
        outer = np.sum(weight[..., None, None] * diff[..., :, None] * diff[..., None, :],
                       axis=-3)
        hess: Array = total[..., None, None] * np.eye(p.shape[-1]) - outer
        i, j = np.triu_indices(p.shape[-1], 1)  # i < j: the upper triangle
        hess[..., j, i] = hess[..., i, j]  # mirrored, so that H is exactly symmetric
        return hess

    def formula(self, names: str) -> str:
        """The formula in the coordinates ``names`` (one letter each, e.g. ``"xy"``)."""
        def square(var: str, centre: float) -> str:
            if centre == 0:
                return f"{var}²"
            return f"({var}{'−' if centre > 0 else '+'}{abs(centre):g})²"

        wells = "".join(
            f" − {depth:g}·exp(−({'+'.join(map(square, names, centre))})/{2 * width**2:g})"
            for centre, depth, width in zip(self.centres, self.depths, self.widths,
                                            strict=True)
        )
        return f"{self.bowl:g}({'+'.join(f'{v}²' for v in names)}){wells}"


# foggy mountains: a broad bowl 0.08·(x²+y²) minus four wells of different depths and widths
FOGGY = GaussianWells(
    bowl=0.08,
    centres=np.array([[2.0, -1.5], [-1.8, 1.6], [-2.0, -2.2], [1.5, 2.3]]),
    depths=np.array([3.0, 2.0, 1.5, 1.2]),
    widths=np.array([0.8, 0.7, 0.6, 0.5]),
)


def _plateau(p: Array, params: Params) -> tuple[Array, Array]:
    # f = 1 − exp(−(x²+y²)/2);  ∇f = exp(−(x²+y²)/2)·(x, y).
    well = np.exp(-0.5 * np.sum(p * p, axis=-1))
    return 1.0 - well, well[..., None] * p


def _plateau_hess(p: Array, params: Params) -> Array:
    # ∇²f = exp(−(x²+y²)/2)·(I − p pᵀ)
    well = np.exp(-0.5 * np.sum(p * p, axis=-1))
    x, y = p[..., 0], p[..., 1]
    hess: Array = well[..., None, None] * hessian_2d(1.0 - x * x, -x * y, 1.0 - y * y)
    return hess


def _parabola(p: Array, params: Params) -> tuple[Array, Array]:
    x = p[..., 0]
    return x * x, 2.0 * p


def _parabola_hess(p: Array, params: Params) -> Array:
    return np.full((*p.shape, 1), 2.0)


def _double_well(p: Array, params: Params) -> tuple[Array, Array]:
    # f = x⁴ − 2x² + 0.3x;  f′ = 4x³ − 4x + 0.3.
    x = p[..., 0]
    xx = x * x
    return xx * (xx - 2.0) + 0.3 * x, (4.0 * x * (xx - 1.0) + 0.3)[..., None]


def _double_well_hess(p: Array, params: Params) -> Array:
    # f″ = 12x² − 4: negative on the hump |x| < 1/√3
    return (12.0 * p * p - 4.0)[..., None]


def _wiggly(p: Array, params: Params) -> tuple[Array, Array]:
    # f = x²/10 + sin 3x;  f′ = x/5 + 3 cos 3x.
    x = p[..., 0]
    return 0.1 * x * x + np.sin(3.0 * x), (0.2 * x + 3.0 * np.cos(3.0 * x))[..., None]


def _wiggly_hess(p: Array, params: Params) -> Array:
    # f″ = 1/5 − 9 sin 3x
    return (0.2 - 9.0 * np.sin(3.0 * p))[..., None]


register(
    Landscape(
        name="foggy_mountains",
        dim=2,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        start=(0.5, 3.5),
        minima=refine_minima(
            FOGGY.fn,
            [[1.93, -1.45], [-1.73, 1.54], [-1.92, -2.12], [1.45, 2.22]],
            sort=True,
        ),
        formula=FOGGY.formula("xy"),
        group="teaching",
        title="Foggy mountains",
        description="Walking downhill in the fog: a bowl with four valleys of different "
        "depths, and each step only sees the local slope, so you end in the nearest valley, "
        "not necessarily the deepest.",
        log_contours=False,
        params={},
        fn=FOGGY.fn,
        hess_fn=FOGGY.hess,
    ),
    Landscape(
        name="plateau",
        dim=2,
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        start=(-3.0, 2.0),
        minima=np.zeros((1, 2)),
        formula="1 − exp(−(x²+y²)/2)",
        group="teaching",
        title="Plateau",
        description="A deep well in a wide, almost flat plain: the gradient nearly vanishes "
        "on the plain, so gradient descent crawls while momentum and Adam speed across.",
        log_contours=False,
        params={},
        fn=_plateau,
        hess_fn=_plateau_hess,
    ),
    Landscape(
        name="parabola",
        dim=1,
        domain=((-3.0, 3.0),),
        start=(2.5,),
        minima=np.zeros((1, 1)),
        formula="x²",
        group="1d",
        title="Parabola",
        description="The simplest loss: the slope 2x points away from the minimum, and the "
        "step η·2x shrinks as you approach it (η > 1 makes it diverge).",
        log_contours=False,
        params={},
        fn=_parabola,
        hess_fn=_parabola_hess,
    ),
    Landscape(
        name="double_well",
        dim=1,
        domain=((-2.0, 2.0),),
        start=(1.6,),
        minima=refine_minima(_double_well, [[-1.0356], [0.9601]], sort=True),
        formula="x⁴ − 2x² + 0.3x",
        group="1d",
        title="Double well",
        description="Two valleys, the left one deeper: started on the right, gradient descent "
        "settles in the shallower local minimum unless momentum carries it over the hump.",
        log_contours=False,
        params={},
        fn=_double_well,
        hess_fn=_double_well_hess,
    ),
    Landscape(
        name="wiggly",
        dim=1,
        domain=((-5.0, 5.0),),
        start=(4.5,),
        minima=refine_minima(
            _wiggly, [[-4.6083], [-2.5608], [-0.5122], [1.5366], [3.5848]], sort=True
        ),
        formula="x²/10 + sin 3x",
        group="1d",
        title="Wiggly curve",
        description="A parabola with ripples: five local minima, and the step size decides "
        "whether gradient descent stops in the first dip or hops towards the global one.",
        log_contours=False,
        params={},
        fn=_wiggly,
        hess_fn=_wiggly_hess,
    ),
)
