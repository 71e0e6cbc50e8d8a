"""The classic optimisation test functions, registered into ``LANDSCAPES``.

Every ``_f(p, params)`` takes points ``p`` of shape ``(n, 2)`` and returns the values
``(n,)`` and the analytic gradients ``(n, 2)``, sharing subexpressions between the two.
"""

from __future__ import annotations

import math

import numpy as np

from gdviz.core.landscapes import Array, Landscape, Params, refine_minima, register

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


def _himmelblau(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    grad = np.stack((4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b), axis=-1)
    return a * a + b * b, grad


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


def _booth(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b, np.stack((2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b), axis=-1)


def _rastrigin(p: Array, params: Params) -> tuple[Array, Array]:
    # f = 10·dim + Σ (t² − 10 cos 2πt);  ∂f/∂t = 2t + 20π sin 2πt.
    w = TAU * p
    value = 10.0 * p.shape[-1] + np.sum(p * p - 10.0 * np.cos(w), axis=-1)
    return value, 2.0 * p + 10.0 * TAU * np.sin(w)


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


def _quadratic_minima(params: Params) -> Array:
    """The origin when the bowl curves up in both directions, else none."""
    bowl = params["a"] > 0.0 and params["b"] > 0.0
    return np.zeros((1, 2)) if bowl else np.zeros((0, 2))


def _saddle(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    return x * x - y * y, p * np.array([2.0, -2.0])


def _monkey_saddle(p: Array, params: Params) -> tuple[Array, Array]:
    x, y = p[..., 0], p[..., 1]
    xx, yy = x * x, y * y
    grad = np.stack((3.0 * (xx - yy), -6.0 * x * y), axis=-1)
    return x * (xx - 3.0 * yy), grad


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
    ),
)
