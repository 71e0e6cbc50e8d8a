"""Tests for gdviz.core.landscapes: registry, formulas, analytic gradients, minima, shapes."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.landscapes import (
    GROUPS,
    LANDSCAPES,
    Landscape,
    UnknownLandscapeError,
    get_landscape,
    refine_minima,
)

TABLE = [
    "rosenbrock",
    "himmelblau",
    "beale",
    "booth",
    "rastrigin",
    "ackley",
    "goldstein_price",
    "six_hump_camel",
    "quadratic",
    "saddle",
    "monkey_saddle",
]
TEACHING = ["foggy_mountains", "plateau"]
ONE_D = ["parabola", "double_well", "wiggly"]
SPACE = ["quadratic3", "rosenbrock3", "three_wells"]
DATA = ["linear_regression", "logistic_regression", "logistic_regression2"]

QUAD_TILTED = LANDSCAPES["quadratic"].with_params(angle=30.0, b=50.0)
# every registered landscape, plus the quadratic with non-default parameters
CASES = {**LANDSCAPES, "quadratic(angle=30,b=50)": QUAD_TILTED}


def in_view(ls: Landscape, n: int, seed: int) -> np.ndarray:
    """``n`` uniform random points of the landscape's view, shape (n, dim)."""
    lo, hi = np.array(ls.domain).T
    return np.random.default_rng(seed).uniform(lo, hi, size=(n, ls.dim))


def central_diff(ls: Landscape, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∇f by central differences of ``ls.value``, shape like ``p``."""
    cols = [(ls.value(p + h * e) - ls.value(p - h * e)) / (2 * h) for e in np.eye(ls.dim)]
    return np.stack(cols, axis=-1)


def assert_grad_matches(ls: Landscape, p: np.ndarray) -> None:
    value, grad = ls.value_and_grad(p)
    fd = central_diff(ls, p)
    tol = 1e-6 * np.abs(grad) + 1e-7 * (1.0 + np.abs(value))[..., None]
    worst = np.argmax(np.max(np.abs(grad - fd) - tol, axis=-1))
    assert np.all(np.abs(grad - fd) <= tol), (ls.name, p[worst], grad[worst], fd[worst])


# --- registry --------------------------------------------------------------------------


def test_registry_order_and_names() -> None:
    assert list(LANDSCAPES) == TABLE + TEACHING + ONE_D + SPACE + DATA
    for name, ls in LANDSCAPES.items():
        assert ls.name == name
        assert get_landscape(name) is ls
    groups = [ls.group for ls in LANDSCAPES.values()]
    assert groups == (["classic"] * len(TABLE) + ["teaching"] * len(TEACHING)
                      + ["1d"] * len(ONE_D) + ["space"] * len(SPACE) + ["data"] * len(DATA))


def test_unknown_landscape_lists_valid_names() -> None:
    with pytest.raises(KeyError) as info:
        get_landscape("foo")
    message = str(info.value)
    assert message.startswith("unknown landscape 'foo'; choose one of: rosenbrock, himmelblau")
    assert all(name in message for name in LANDSCAPES)
    with pytest.raises(ValueError, match="unknown landscape"):
        get_landscape("Rosenbrock")
    assert issubclass(UnknownLandscapeError, KeyError)


def test_registry_order_does_not_depend_on_import_order() -> None:
    code = (
        "import gdviz.core.landscapes_teaching\n"
        "from gdviz.core.landscapes import LANDSCAPES\n"
        "print(','.join(LANDSCAPES))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().split(",") == TABLE + TEACHING + ONE_D + SPACE + DATA


# --- metadata --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_metadata(name: str) -> None:
    ls = LANDSCAPES[name]
    assert ls.dim == (1 if name in ONE_D else 3 if name in SPACE
                      or name == "logistic_regression2" else 2)
    assert len(ls.domain) == ls.dim and all(lo < hi for lo, hi in ls.domain)
    assert len(ls.start) == ls.dim
    assert ls.group in GROUPS
    assert ls.formula and ls.title and ls.description
    assert isinstance(ls.log_contours, bool)
    assert ls.minima.dtype == np.float64 and ls.minima.shape[1:] == (ls.dim,)
    assert not ls.minima.flags.writeable


def inside(ls: Landscape, points: np.ndarray) -> bool:
    lo, hi = np.array(ls.domain).T
    return bool(np.all((lo <= points) & (points <= hi)))


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_start_and_minima_inside_view(name: str) -> None:
    ls = LANDSCAPES[name]
    assert inside(ls, np.array(ls.start))
    assert inside(ls, ls.minima)
    assert np.linalg.norm(ls.grad(ls.start)) > 1e-3, "a start should not sit still"


def test_log_contours_where_linear_levels_fail() -> None:
    for name in ("rosenbrock", "beale", "goldstein_price", "rosenbrock3"):
        assert LANDSCAPES[name].log_contours
    for name in ("quadratic", "saddle", "monkey_saddle", "foggy_mountains", "quadratic3",
                 "three_wells"):
        assert not LANDSCAPES[name].log_contours


# --- gradients -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_matches_central_differences(name: str) -> None:
    ls = CASES[name]
    assert_grad_matches(ls, in_view(ls, 400, seed=len(name)))


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(0.1, 100.0),
    b=st.floats(0.1, 100.0),
    angle=st.floats(-180.0, 180.0),
    seed=st.integers(0, 2**16),
)
def test_quadratic_gradient_for_any_params(a: float, b: float, angle: float, seed: int) -> None:
    ls = LANDSCAPES["quadratic"].with_params(a=a, b=b, angle=angle)
    assert_grad_matches(ls, in_view(ls, 20, seed))
    p = in_view(ls, 5, seed + 1)
    expected = [ref_quadratic(x, y, a, b, angle) for x, y in p]
    np.testing.assert_allclose(ls.value(p), expected, rtol=1e-12, atol=1e-12)


def test_ackley_gradient_at_the_tip_is_zero() -> None:
    grad = LANDSCAPES["ackley"].grad([0.0, 0.0])
    assert np.all(np.isfinite(grad))
    np.testing.assert_array_equal(grad, [0.0, 0.0])


# --- minima ----------------------------------------------------------------------------

KNOWN_VALUES = [
    ("rosenbrock", (1.0, 1.0), 0.0),
    ("himmelblau", (3.0, 2.0), 0.0),
    ("beale", (3.0, 0.5), 0.0),
    ("booth", (1.0, 3.0), 0.0),
    ("goldstein_price", (0.0, -1.0), 3.0),
    ("ackley", (0.0, 0.0), 0.0),
    ("rastrigin", (0.0, 0.0), 0.0),
    ("quadratic", (0.0, 0.0), 0.0),
    ("parabola", (0.0,), 0.0),
    ("rosenbrock3", (1.0, 1.0, 1.0), 0.0),
    ("quadratic3", (0.0, 0.0, 0.0), 0.0),
]


@pytest.mark.parametrize(("name", "point", "expected"), KNOWN_VALUES)
def test_known_values(name: str, point: tuple[float, ...], expected: float) -> None:
    assert LANDSCAPES[name].value(point) == pytest.approx(expected, abs=1e-12)


def test_listed_minima_of_the_table() -> None:
    himmelblau = LANDSCAPES["himmelblau"]
    assert himmelblau.minima.shape == (4, 2)
    rough = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    np.testing.assert_allclose(himmelblau.minima, rough, atol=1e-6)
    np.testing.assert_allclose(himmelblau.value(himmelblau.minima), 0.0, atol=1e-20)

    camel = LANDSCAPES["six_hump_camel"]
    np.testing.assert_allclose(camel.minima, [(0.0898, -0.7126), (-0.0898, 0.7126)], atol=1e-4)
    np.testing.assert_allclose(camel.value(camel.minima), -1.0316284534898774, rtol=1e-12)

    for name, point in [("rosenbrock", (1, 1)), ("beale", (3, 0.5)), ("booth", (1, 3))]:
        np.testing.assert_array_equal(LANDSCAPES[name].minima, [point])
    np.testing.assert_array_equal(LANDSCAPES["goldstein_price"].minima, [(0, -1)])
    for name in ("rastrigin", "ackley", "quadratic", "plateau"):
        np.testing.assert_array_equal(LANDSCAPES[name].minima, [(0, 0)])
    for name in ("saddle", "monkey_saddle"):
        assert LANDSCAPES[name].minima.shape == (0, 2)


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_vanishes_at_every_listed_minimum(name: str) -> None:
    ls = CASES[name]
    np.testing.assert_allclose(ls.grad(ls.minima), 0.0, atol=1e-9)


@pytest.mark.parametrize("name", list(CASES))
def test_listed_minima_are_local_minima(name: str) -> None:
    ls = CASES[name]
    directions = np.random.default_rng(0).normal(size=(64, ls.dim))  # a sphere in 3-D
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=-1)
    around = {1: np.array([[1.0], [-1.0]]), 2: circle,
              3: directions / np.linalg.norm(directions, axis=-1, keepdims=True)}
    ring = 1e-3 * around[ls.dim]
    for m in ls.minima:
        assert np.all(ls.value(m + ring) > ls.value(m)), (name, m)


@pytest.mark.parametrize("name", ["foggy_mountains", "double_well", "wiggly"])
def test_teaching_minima_complete_and_global_first(name: str) -> None:
    ls = LANDSCAPES[name]
    values = ls.value(ls.minima)
    assert np.all(np.diff(values) > 0), "listed by value, global first"
    axes = [np.linspace(lo, hi, 801) for lo, hi in ls.domain]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    f = ls.value(grid)
    core = f[(slice(1, -1),) * ls.dim]
    is_min = np.ones(core.shape, dtype=bool)
    for shift in np.ndindex(*(3,) * ls.dim):
        if shift != (1,) * ls.dim:
            is_min &= (
                core < f[tuple(slice(s, s + n) for s, n in zip(shift, core.shape, strict=True))]
            )
    found = grid[(slice(1, -1),) * ls.dim][is_min]
    assert len(found) == len(ls.minima)
    for point in found:
        assert np.min(np.linalg.norm(ls.minima - point, axis=-1)) < 0.02


def test_double_well_has_a_local_and_a_global_minimum() -> None:
    ls = LANDSCAPES["double_well"]
    (global_x,), (local_x,) = ls.minima
    assert global_x < 0 < local_x
    assert ls.value([global_x]) < ls.value([local_x])


def test_refine_minima_rejects_a_saddle() -> None:
    with pytest.raises(RuntimeError):
        refine_minima(LANDSCAPES["saddle"].fn, [[0.1, 0.1]])


# --- shapes and errors -----------------------------------------------------------------


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_shapes_and_dtype(name: str) -> None:
    ls = LANDSCAPES[name]
    d = ls.dim
    single_value, single_grad = ls.value(ls.start), ls.grad(list(ls.start))
    assert single_value.shape == () and single_grad.shape == (d,)
    batch = in_view(ls, 7, seed=3)
    grid = in_view(ls, 12, seed=4).reshape(3, 4, d)
    for p in (batch, grid, grid.transpose(1, 0, 2)):  # the last one is not contiguous
        value, grad = ls.value_and_grad(p)
        assert value.shape == p.shape[:-1] and grad.shape == p.shape
        assert value.dtype == grad.dtype == np.float64
        np.testing.assert_array_equal(value, ls.value(p))
        np.testing.assert_array_equal(grad, ls.grad(p))
        flat_value, flat_grad = ls.value_and_grad(p.reshape(-1, d))
        np.testing.assert_array_equal(value.ravel(), flat_value)
        np.testing.assert_array_equal(grad.reshape(-1, d), flat_grad)
    assert single_value == ls.value(np.array([ls.start]))[0]
    assert ls.value(np.zeros((0, d))).shape == (0,)
    ints = np.ones((2, d), dtype=np.int64)
    assert ls.value(ints).dtype == np.float64


def test_in_place_classics_round_as_their_plain_formulas() -> None:
    # rosenbrock and himmelblau are written in place for the engine's hot loop; every
    # product and sum is still the plain formula's, so the bits are the same
    p = np.concatenate([in_view(LANDSCAPES["himmelblau"], 200, seed=8) * 1e3,
                        in_view(LANDSCAPES["himmelblau"], 200, seed=9),
                        [[1e300, -1e300], [1e-320, 3.0], [-0.0, 0.0], [np.inf, 1.0],
                         [np.nan, 2.0]]])
    x, y = p[:, 0], p[:, 1]
    with np.errstate(all="ignore"):
        a, b = x * x + y - 11.0, x + y * y - 7.0
        himmelblau = (a * a + b * b,
                      np.stack((4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b), axis=-1))
        r, d = y - x * x, 1.0 - x
        rosenbrock = (d * d + (r * r) * 100.0,
                      np.stack((-2.0 * (x * (r * 200.0) + d), r * 200.0), axis=-1))
        for name, want in (("himmelblau", himmelblau), ("rosenbrock", rosenbrock)):
            for got, plain in zip(LANDSCAPES[name].value_and_grad(p), want, strict=True):
                assert got.tobytes() == plain.tobytes(), name


def test_inputs_are_not_modified() -> None:
    p = in_view(LANDSCAPES["rosenbrock"], 10, seed=5)
    copy = p.copy()
    for ls in LANDSCAPES.values():
        if ls.dim == 2:
            ls.value_and_grad(p)
    np.testing.assert_array_equal(p, copy)


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("rosenbrock", [1.0, 2.0, 3.0]),
        ("rosenbrock", np.zeros((5, 1))),
        ("rosenbrock", 1.0),
        ("parabola", np.zeros((4, 2))),
        ("parabola", 0.5),
    ],
)
def test_dimension_mismatch_raises(name: str, bad: object) -> None:
    ls = LANDSCAPES[name]
    for method in (ls.value, ls.grad, ls.value_and_grad):
        with pytest.raises(ValueError, match=f"{ls.dim}-D"):
            method(bad)  # type: ignore[arg-type]


# --- parameters ------------------------------------------------------------------------


def test_with_params_returns_a_new_landscape() -> None:
    base = LANDSCAPES["quadratic"]
    assert dict(base.params) == {"a": 1.0, "b": 10.0, "angle": 0.0}
    tilted = base.with_params(angle=90.0)
    assert dict(tilted.params) == {"a": 1.0, "b": 10.0, "angle": 90.0}
    assert base.params["angle"] == 0.0
    # turned by 90°: u = y, v = −x, so f = ½(a·y² + b·x²)
    assert tilted.value([1.0, 2.0]) == pytest.approx(0.5 * (1.0 * 4.0 + 10.0 * 1.0))
    assert base.value([1.0, 2.0]) == pytest.approx(0.5 * (1.0 * 1.0 + 10.0 * 4.0))
    with pytest.raises(TypeError):
        tilted.params["a"] = 2.0  # type: ignore[index]


def test_with_params_errors() -> None:
    quadratic = LANDSCAPES["quadratic"]
    with pytest.raises(ValueError, match="'c'.*a, angle, b"):
        quadratic.with_params(c=1.0)
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError, match="finite"):
            quadratic.with_params(b=bad)
    with pytest.raises(ValueError, match="number"):
        quadratic.with_params(b="ten")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no parameter"):
        LANDSCAPES["rosenbrock"].with_params(a=1.0)


def test_quadratic_minima_follow_params() -> None:
    quadratic = LANDSCAPES["quadratic"]
    assert quadratic.with_params(angle=45.0, b=3.0).minima.tolist() == [[0.0, 0.0]]
    assert quadratic.with_params(b=-1.0).minima.shape == (0, 2)


def test_landscape_validates_its_fields() -> None:
    base = LANDSCAPES["parabola"]
    with pytest.raises(ValueError, match="minima"):
        Landscape(**{**vars(base), "minima": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="domain"):
        Landscape(**{**vars(base), "domain": ((1.0, -1.0),)})
    empty = Landscape(**{**vars(base), "minima": np.zeros(0)})
    assert empty.minima.shape == (0, 1)


# --- formulas against independent scalar code ------------------------------------------


def ref_quadratic(x: float, y: float, a: float, b: float, angle: float) -> float:
    t = math.radians(angle)
    u = x * math.cos(t) + y * math.sin(t)
    v = -x * math.sin(t) + y * math.cos(t)
    return 0.5 * (a * u * u + b * v * v)


def ref_goldstein_price(x: float, y: float) -> float:
    left = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    right = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return left * right


def ref_foggy(x: float, y: float) -> float:
    def well(depth: float, cx: float, cy: float, two_w2: float) -> float:
        return depth * math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / two_w2)

    return (
        0.08 * (x * x + y * y)
        - well(3.0, 2.0, -1.5, 1.28)
        - well(2.0, -1.8, 1.6, 0.98)
        - well(1.5, -2.0, -2.2, 0.72)
        - well(1.2, 1.5, 2.3, 0.5)
    )


def ref_three_wells(x: float, y: float, z: float) -> float:
    def well(depth: float, centre: tuple[float, float, float], two_w2: float) -> float:
        cx, cy, cz = centre
        return depth * math.exp(-((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2) / two_w2)

    return (
        0.08 * (x * x + y * y + z * z)
        - well(3.0, (1.5, -1.0, 0.8), 1.28)
        - well(2.0, (-1.6, 1.2, -0.6), 0.98)
        - well(1.2, (0.4, 1.4, 1.9), 0.72)
    )


TAU = 2 * math.pi
REFERENCE: dict[str, Callable[..., float]] = {
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "beale": lambda x, y: (
        (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    ),
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "rastrigin": lambda x, y: (
        20 + (x**2 - 10 * math.cos(TAU * x)) + (y**2 - 10 * math.cos(TAU * y))
    ),
    "ackley": lambda x, y: (
        -20 * math.exp(-0.2 * math.sqrt(0.5 * (x**2 + y**2)))
        - math.exp(0.5 * (math.cos(TAU * x) + math.cos(TAU * y)))
        + math.e
        + 20
    ),
    "goldstein_price": ref_goldstein_price,
    "six_hump_camel": lambda x, y: (
        (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
    ),
    "quadratic": lambda x, y: ref_quadratic(x, y, 1.0, 10.0, 0.0),
    "saddle": lambda x, y: x**2 - y**2,
    "monkey_saddle": lambda x, y: x**3 - 3 * x * y**2,
    "foggy_mountains": ref_foggy,
    "plateau": lambda x, y: 1 - math.exp(-(x**2 + y**2) / 2),
    "parabola": lambda x: x**2,
    "double_well": lambda x: x**4 - 2 * x**2 + 0.3 * x,
    "wiggly": lambda x: x**2 / 10 + math.sin(3 * x),
    "quadratic3": lambda x, y, z: 0.5 * (x**2 + 10 * y**2 + 50 * z**2) + 3 * x * z,
    "rosenbrock3": lambda x, y, z: (
        100 * (y - x**2) ** 2 + (1 - x) ** 2 + 100 * (z - y**2) ** 2 + (1 - y) ** 2
    ),
    "three_wells": ref_three_wells,
}


def ref_data(name: str) -> Callable[..., float]:
    """A data landscape's loss at θ = (w…, b), summed sample by sample in plain Python."""
    data = LANDSCAPES[name].data()
    rows = list(zip(data.X.tolist(), np.ravel(data.y).astype(float).tolist(), strict=True))

    def loss(*theta: float) -> float:
        *w, b = theta
        total = 0.0
        for x, t in rows:
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b
            total += (z - t) ** 2 if data.task == "regression" else math.log1p(math.exp(z)) - t * z
        return total / len(rows)

    return loss


REFERENCE.update({name: ref_data(name) for name in DATA})
SPOTS = [(0.3, -0.7, 1.1), (-1.1, 1.9, -0.4), (1.7, 0.4, 2.2), (-0.05, -1.3, -2.5),
         (-1.9, -0.6, 0.05)]


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_formula_matches_scalar_reference(name: str) -> None:
    ls = LANDSCAPES[name]
    points = np.array(SPOTS)[:, : ls.dim]
    expected = [REFERENCE[name](*point) for point in points]
    np.testing.assert_allclose(ls.value(points), expected, rtol=1e-12, atol=1e-12)
    for point, want in zip(points, expected, strict=True):
        assert ls.value(point) == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_tilted_quadratic_matches_reference() -> None:
    p = np.array(SPOTS)[:, :2]
    expected = [ref_quadratic(x, y, 1.0, 50.0, 30.0) for x, y in p]
    np.testing.assert_allclose(QUAD_TILTED.value(p), expected, rtol=1e-12)
