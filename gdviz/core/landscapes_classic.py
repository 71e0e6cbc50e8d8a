"""The classic optimisation test functions, registered into ``LANDSCAPES``.

Every ``_f(p, params)`` takes points ``p`` of shape ``(n, 2)`` and returns the values
``(n,)`` and the analytic gradients ``(n, 2)``, sharing subexpressions between the two.
``_f_hess(p, params)``, where given, returns the analytic Hessians ``(n, 2, 2)``.
"""

from __future__ import annotations

import math

import numpy as np

from gdviz.core.landscapes import (
    Array,
    Landscape,
    Params,
    hessian_2d,
    refine_minima,
    register,
)

TAU = 2.0 * np.pi


def _rosenbrock(p: Array, params: Params) -> tuple[Array, Array]:
    # f = d² + 100 r² with d = 1 − x, r = y − x²;  ∂f/∂x = −2(d + 200 x r), ∂f/∂y = 200 r.
    # The engine's hot loop: three temporaries (r, d, g), everything else in place.
    x, y = p[..., 0], p[..., 1]
    r = x * x
    np.subtract(y, r, out=r)
    d = 1.0 - x
    g = np.empty_like(p)
    gx, gy = g[..., 0], g[..., 1]
    np.multiply(r, 200.0, out=gy)
    np.multiply(x, gy, out=gx)
    gx += d
    gx *= -2.0
    d *= d
    r *= r
    r *= 100.0
    d += r
    return d, g


def _rosenbrock_hess(p: Array, params: Params) -> Array:
    # ∂²f/∂x² = 2 − 400(y − x²) + 800x², ∂²f/∂x∂y = −400x, ∂²f/∂y² = 200.
    x, y = p[..., 0], p[..., 1]
    return hessian_2d(2.0 - 400.0 * (y - x * x) + 800.0 * x * x, -400.0 * x, 200.0)


def _himmelblau(p: Array, params: Params) -> tuple[Array, Array]:
    # f = a² + b² with a = x² + y − 11, b = x + y² − 7;  ∂f/∂x = 4x·a + 2b, ∂f/∂y = 2a + 4y·b.
    # Basin maps step it: three temporaries (a, b, t), the gradient written in place.
    x, y = p[..., 0], p[..., 1]
    a = x * x
    a += y
    a -= 11.0
    b = y * y
    np.add(x, b, out=b)
    b -= 7.0
    g = np.empty_like(p)
    gx, gy = g[..., 0], g[..., 1]
    t = 4.0 * x
    t *= a
    np.multiply(2.0, b, out=gx)
    gx += t
    np.multiply(4.0, y, out=t)
    t *= b
    np.multiply(2.0, a, out=gy)
    gy += t
    a *= a
    b *= b
    a += b
    return a, g


def _himmelblau_hess(p: Array, params: Params) -> Array:
    # with a = x² + y − 11, b = x + y² − 7: f_xx = 4a + 8x² + 2, f_xy = 4(x + y),
    # f_yy = 2 + 4b + 8y².
    x, y = p[..., 0], p[..., 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return hessian_2d(4.0 * a + 8.0 * x * x + 2.0, 4.0 * (x + y), 2.0 + 4.0 * b + 8.0 * y * y)


def _beale(p: Array, params: Params) -> tuple[Array, Array]:
    # f = Σ tᵢ² with tᵢ = cᵢ − x + x·yⁱ;  ∂tᵢ/∂x = yⁱ − 1, ∂tᵢ/∂y = i·x·yⁱ⁻¹.
    x, y = p[..., 0], p[..., 1]
    y2 = y * y
    y3 = y2 * y
    t1 = 1.5 + x * (y - 1.0)
    t2 = 2.25 + x * (y2 - 1.0)
    t3 = 2.625 + x * (y3 - 1.0)
    gx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0))
    gy = 2.0 * x * (t1 + 2.0 * t2 * y + 3.0 * t3 * y2)
    return t1 * t1 + t2 * t2 + t3 * t3, np.stack((gx, gy), axis=-1)


def _beale_hess(p: Array, params: Params) -> Array:
    # f = Σ tᵢ², aᵢ = ∂tᵢ/∂x = yⁱ − 1, bᵢ = ∂tᵢ/∂y = i·x·yⁱ⁻¹:
    # f_xx = 2Σ aᵢ², f_xy = 2Σ (aᵢbᵢ + tᵢ·i·yⁱ⁻¹), f_yy = 2Σ (bᵢ² + tᵢ·i(i−1)·x·yⁱ⁻²).
    x, y = p[..., 0], p[..., 1]
    hxx = np.zeros_like(x)
    hxy = np.zeros_like(x)
    hyy = np.zeros_like(x)
    for i, c in ((1, 1.5), (2, 2.25), (3, 2.625)):
        a = y**i - 1.0
        t = c + x * a
        b = i * x * y ** (i - 1)
        hxx += a * a
        hxy += a * b + t * i * y ** (i - 1)
        hyy += b * b + (t * i * (i - 1) * x * y ** (i - 2) if i > 1 else 0.0)
    return hessian_2d(2.0 * hxx, 2.0 * hxy, 2.0 * hyy)


def _booth(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b, np.stack((2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b), axis=-1)


def _booth_hess(p: Array, params: Params) -> Array:
    # constant: 2·[[1 + 4, 2 + 2], [2 + 2, 4 + 1]]
    return hessian_2d(np.full(p.shape[:-1], 10.0), 8.0, 10.0)


def _rastrigin(p: Array, params: Params) -> tuple[Array, Array]:
    # f = 10·dim + Σ (t² − 10 cos 2πt);  ∂f/∂t = 2t + 20π sin 2πt.
    w = TAU * p
    value = 10.0 * p.shape[-1] + np.sum(p * p - 10.0 * np.cos(w), axis=-1)
    return value, 2.0 * p + 10.0 * TAU * np.sin(w)


def _rastrigin_hess(p: Array, params: Params) -> Array:
    # diagonal: ∂²f/∂t² = 2 + 40π² cos 2πt
    diag = 2.0 + 10.0 * TAU * TAU * np.cos(TAU * p)
    return hessian_2d(diag[..., 0], 0.0, diag[..., 1])


def _ackley(p: Array, params: Params) -> tuple[Array, Array]:
    # f = 20(1 − e^(−0.2r)) + e(1 − e^(c−1)) with r = √(½(x²+y²)), c = ½(cos 2πx + cos 2πy),
    # the same as −20e^(−0.2r) − e^c + e + 20 but exactly 0 at the origin.
    # ∂f/∂t = 2e^(−0.2r)·t/r + π·e^c·sin 2πt; the cone tip r = 0 gets the subgradient 0.
    w = TAU * p
    r = np.sqrt(0.5 * np.sum(p * p, axis=-1))
    e1 = np.exp(-0.2 * r)
    e2 = np.exp(0.5 * np.sum(np.cos(w), axis=-1) - 1.0)
    slope = np.divide(2.0 * e1, r, out=np.zeros_like(r), where=r > 0.0)
    grad = slope[..., None] * p + (np.pi * np.e) * e2[..., None] * np.sin(w)
    return 20.0 * (1.0 - e1) + np.e * (1.0 - e2), grad


def _goldstein_price(p: Array, params: Params) -> tuple[Array, Array]:
    # f = P·Q, P = 1 + s²A, Q = 30 + d²B with s = x + y + 1, d = 2x − 3y and the
    # quadratics A, B below; ∂A/∂x = ∂A/∂y, so ∂P/∂x = ∂P/∂y.
    x, y = p[..., 0], p[..., 1]
    xx, xy, yy = x * x, x * y, y * y
    s = x + y + 1.0
    a = 19.0 - 14.0 * x + 3.0 * xx - 14.0 * y + 6.0 * xy + 3.0 * yy
    big_p = 1.0 + s * s * a
    dp = s * (2.0 * a + s * (6.0 * x + 6.0 * y - 14.0))
    d = 2.0 * x - 3.0 * y
    b = 18.0 - 32.0 * x + 12.0 * xx + 48.0 * y - 36.0 * xy + 27.0 * yy
    big_q = 30.0 + d * d * b
    dqx = d * (4.0 * b + d * (24.0 * x - 36.0 * y - 32.0))
    dqy = d * (-6.0 * b + d * (54.0 * y - 36.0 * x + 48.0))
    grad = np.stack((dp * big_q + big_p * dqx, dp * big_q + big_p * dqy), axis=-1)
    return big_p * big_q, grad


def _six_hump_camel(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    xx, yy = x * x, y * y
    value = (4.0 - 2.1 * xx + xx * xx / 3.0) * xx + x * y + (4.0 * yy - 4.0) * yy
    gx = x * (8.0 - 8.4 * xx + 2.0 * xx * xx) + y
    gy = x + y * (16.0 * yy - 8.0)
    return value, np.stack((gx, gy), axis=-1)


def _six_hump_camel_hess(p: Array, params: Params) -> Array:
    # f_xx = 8 − 25.2x² + 10x⁴, f_xy = 1, f_yy = 48y² − 8
    x, y = p[..., 0], p[..., 1]
    xx = x * x
    return hessian_2d(8.0 - 25.2 * xx + 10.0 * xx * xx, 1.0, 48.0 * y * y - 8.0)


def _quadratic(p: Array, params: Params) -> tuple[Array, Array]:
    # f = ½ pᵀHp with H = Rᵀ diag(a, b) R, R the rotation (x, y) -> (u, v); ∇f = Hp.
    a, b = params["a"], params["b"]
    theta = math.radians(params["angle"])
    c, s = math.cos(theta), math.sin(theta)
    hxx, hxy, hyy = a * c * c + b * s * s, (a - b) * c * s, a * s * s + b * c * c
    x, y = p[..., 0], p[..., 1]
    g = np.empty_like(p)
    gx, gy = g[..., 0], g[..., 1]
    np.multiply(x, hxx, out=gx)
    gx += hxy * y
    np.multiply(y, hyy, out=gy)
    gy += hxy * x
    value = x * gx
    value += y * gy
    value *= 0.5
    return value, g


def _quadratic_hess(p: Array, params: Params) -> Array:
    # constant: H = Rᵀ diag(a, b) R, as in _quadratic
    a, b = params["a"], params["b"]
    theta = math.radians(params["angle"])
    c, s = math.cos(theta), math.sin(theta)
    return hessian_2d(np.full(p.shape[:-1], a * c * c + b * s * s), (a - b) * c * s,
                      a * s * s + b * c * c)


def _quadratic_minima(params: Params) -> Array:
    """The origin when the bowl curves up in both directions, else none."""
    bowl = params["a"] > 0.0 and params["b"] > 0.0
    return np.zeros((1, 2)) if bowl else np.zeros((0, 2))


def _saddle(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    return x * x - y * y, p * np.array([2.0, -2.0])


def _saddle_hess(p: Array, params: Params) -> Array:
    return hessian_2d(np.full(p.shape[:-1], 2.0), 0.0, -2.0)


def _monkey_saddle(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    xx, yy = x * x, y * y
    grad = np.stack((3.0 * (xx - yy), -6.0 * x * y), axis=-1)
    return x * (xx - 3.0 * yy), grad


def _monkey_saddle_hess(p: Array, params: Params) -> Array:
    # f_xx = 6x, f_xy = −6y, f_yy = −6x: zero at the origin, where Newton's step is undefined
    x, y = p[..., 0], p[..., 1]
    return hessian_2d(6.0 * x, -6.0 * y, -6.0 * x)


register(
    Landscape(
        name="rosenbrock",
        dim=2,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.2, 1.0),
        minima=np.array([[1.0, 1.0]]),
        formula="(1−x)² + 100(y−x²)²",
        group="classic",
        title="Rosenbrock valley",
        description="A long curved banana valley: finding the valley is easy, following its "
        "nearly flat floor to (1, 1) is slow, and too large a step bounces across the walls.",
        log_contours=True,
        params={},
        fn=_rosenbrock,
        hess_fn=_rosenbrock_hess,
    ),
    Landscape(
        name="himmelblau",
        dim=2,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-0.5, 0.5),
        minima=refine_minima(
            _himmelblau,
            [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]],
        ),
        formula="(x²+y−11)² + (x+y²−7)²",
        group="classic",
        title="Himmelblau's four valleys",
        description="Four equally deep minima (f = 0): which one you reach depends only on "
        "where you start and how you step.",
        log_contours=True,
        params={},
        fn=_himmelblau,
        hess_fn=_himmelblau_hess,
    ),
    Landscape(
        name="beale",
        dim=2,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        start=(1.0, 1.5),
        minima=np.array([[3.0, 0.5]]),
        formula="(1.5−x+xy)² + (2.25−x+xy²)² + (2.625−x+xy³)²",
        group="classic",
        title="Beale's function",
        description="Flat basins walled by cliffs a million times steeper: one learning rate "
        "is too small on the floor and too big on the walls, where adaptive methods shine.",
        log_contours=True,
        params={},
        fn=_beale,
        hess_fn=_beale_hess,
    ),
    Landscape(
        name="booth",
        dim=2,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        start=(-8.0, 7.0),
        minima=np.array([[1.0, 3.0]]),
        formula="(x+2y−7)² + (2x+y−5)²",
        group="classic",
        title="Booth's function",
        description="A tilted elliptic bowl (curvatures 18 and 2): plain gradient descent "
        "first slides down the steep side, then creeps along the shallow one.",
        log_contours=False,
        params={},
        fn=_booth,
        hess_fn=_booth_hess,
    ),
    Landscape(
        name="rastrigin",
        dim=2,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        start=(-3.3, 2.7),
        minima=np.array([[0.0, 0.0]]),
        formula="20 + (x² − 10cos 2πx) + (y² − 10cos 2πy)",
        group="classic",
        title="Rastrigin egg crate",
        description="A bowl covered by a regular grid of dimples: gradient descent stops in "
        "the nearest dimple, far from the global minimum at the origin.",
        log_contours=False,
        params={},
        fn=_rastrigin,
        hess_fn=_rastrigin_hess,
    ),
    Landscape(
        name="ackley",
        dim=2,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-4.2, 3.6),
        minima=np.array([[0.0, 0.0]]),
        formula="−20e^(−0.2√(½(x²+y²))) − e^(½(cos 2πx + cos 2πy)) + e + 20",
        group="classic",
        title="Ackley's function",
        description="An almost flat plain of ripples around one deep funnel: local steps see "
        "only the ripples, the funnel at the origin is a sharp cone.",
        log_contours=False,
        params={},
        fn=_ackley,
    ),
    Landscape(
        name="goldstein_price",
        dim=2,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(-1.0, -0.5),
        minima=np.array([[0.0, -1.0]]),
        formula="[1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]"
        " · [30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]",
        group="classic",
        title="Goldstein–Price",
        description="Values from 3 to a million with several local minima: gradients span "
        "orders of magnitude, so a fixed step either crawls or explodes.",
        log_contours=True,
        params={},
        fn=_goldstein_price,
    ),
    Landscape(
        name="six_hump_camel",
        dim=2,
        domain=((-3.0, 3.0), (-2.0, 2.0)),
        start=(-1.8, -1.2),
        minima=refine_minima(_six_hump_camel, [[0.0898, -0.7126], [-0.0898, 0.7126]]),
        formula="(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²",
        group="classic",
        title="Six-hump camel",
        description="Two global and four local minima side by side: the start point decides "
        "which hump you end behind.",
        log_contours=True,
        params={},
        fn=_six_hump_camel,
        hess_fn=_six_hump_camel_hess,
    ),
    Landscape(
        name="quadratic",
        dim=2,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        start=(-2.5, 1.5),
        minima=np.zeros((1, 2)),
        formula="½(a·u² + b·v²),  u = x cos θ + y sin θ,  v = −x sin θ + y cos θ,  θ = angle",
        group="classic",
        title="Quadratic ravine",
        description="An elliptic bowl with curvatures a and b turned by an angle: when b ≫ a "
        "gradient descent zig-zags across the ravine, and momentum smooths the path.",
        log_contours=False,
        params={"a": 1.0, "b": 10.0, "angle": 0.0},
        fn=_quadratic,
        hess_fn=_quadratic_hess,
        minima_fn=_quadratic_minima,
    ),
    Landscape(
        name="saddle",
        dim=2,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(-1.5, 0.01),
        minima=np.zeros((0, 2)),
        formula="x² − y²",
        group="classic",
        title="Saddle",
        description="Downhill in y, uphill in x: started just off the ridge, gradient descent "
        "first heads for the saddle point and only slowly slides off it.",
        log_contours=False,
        params={},
        fn=_saddle,
        hess_fn=_saddle_hess,
    ),
    Landscape(
        name="monkey_saddle",
        dim=2,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        start=(1.0, 0.25),
        minima=np.zeros((0, 2)),
        formula="x³ − 3xy²",
        group="classic",
        title="Monkey saddle",
        description="Three valleys meet at a point where the gradient and the curvature both "
        "vanish: near it every method stalls before choosing a valley.",
        log_contours=False,
        params={},
        fn=_monkey_saddle,
        hess_fn=_monkey_saddle_hess,
    ),
)
