"""Typed formulas as landscapes: values against numpy, gradients and Hessians against
central differences, the built-in landscapes typed by hand, NaN where f is undefined,
the dimension rule, the automatic view, and adam against torch on the same function."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import gdviz
from gdviz.core.expression import (
    ExpressionError,
    expression_landscape,
    landscape_from_expression,
    validate_expression,
)
from gdviz.core.landscapes import LANDSCAPES, get_landscape
from gdviz.core.race import RaceSpec, RunSpec, run_race
from gdviz.core.run import DIVERGED

RNG_SEED = 3
H = 1e-6

# formula, the same function in numpy (columns x, y, z), a box to sample in
CATALOGUE = [
    ("x^2", lambda x: x**2, [(-3, 3)]),
    ("x^4 - 2*x^2 + 0.3*x", lambda x: x**4 - 2 * x**2 + 0.3 * x, [(-2, 2)]),
    ("exp(-x)*sin(3*x) + x^2/10", lambda x: np.exp(-x) * np.sin(3 * x) + x**2 / 10, [(-2, 2)]),
    ("x*log(x)", lambda x: x * np.log(x), [(0.1, 3)]),
    ("sqrt(1 + x^2) + tanh(x)", lambda x: np.sqrt(1 + x**2) + np.tanh(x), [(-3, 3)]),
    ("2^x - 3*x", lambda x: 2.0**x - 3 * x, [(-3, 3)]),
    ("x^2 + 10*sin(y)", lambda x, y: x**2 + 10 * np.sin(y), [(-3, 3)] * 2),
    ("-x^2 + y**3/3 - x*y", lambda x, y: -(x**2) + y**3 / 3 - x * y, [(-3, 3)] * 2),
    ("cosh(x/2) + sinh(y/3) + cos(x*y)", lambda x, y: np.cosh(x / 2) + np.sinh(y / 3)
     + np.cos(x * y), [(-2, 2)] * 2),
    ("tan(x/3) + pi*y^2 - e*x", lambda x, y: np.tan(x / 3) + np.pi * y**2 - np.e * x,
     [(-2, 2)] * 2),
    ("1/(1 + x^2 + y^2) + .5e-1*y", lambda x, y: 1 / (1 + x**2 + y**2) + 0.05 * y,
     [(-2, 2)] * 2),
    ("x^y", lambda x, y: x**y, [(0.5, 2), (-2, 2)]),
    ("abs(x - 1) + max(x, y, 0.5) - min(x^2, y)", lambda x, y: np.abs(x - 1)
     + np.maximum(np.maximum(x, y), 0.5) - np.minimum(x**2, y), [(-2, 2)] * 2),
    ("y^2 - 2*y", lambda x, y: y**2 - 2 * y, [(-3, 3)] * 2),
    ("x^2 + 2*y^2 + 3*z^2 + x*z", lambda x, y, z: x**2 + 2 * y**2 + 3 * z**2 + x * z,
     [(-3, 3)] * 3),
    ("exp(sin(x)*cos(y)) + z^4 - z", lambda x, y, z: np.exp(np.sin(x) * np.cos(y)) + z**4 - z,
     [(-2, 2)] * 3),
    ("log(1 + x^2 + y^2 + z^2)*(1 + 0.1*x*y*z)", lambda x, y, z: np.log(1 + x**2 + y**2 + z**2)
     * (1 + 0.1 * x * y * z), [(-2, 2)] * 3),
]


def sample(box, n: int = 40, seed: int = RNG_SEED) -> np.ndarray:
    lo, hi = np.array(box, dtype=float).T
    return lo + (hi - lo) * np.random.default_rng(seed).random((n, len(box)))


def central_gradient(land, p: np.ndarray) -> np.ndarray:
    return np.stack([(land.value(p + H * e) - land.value(p - H * e)) / (2 * H)
                     for e in np.eye(land.dim)], axis=-1)


@pytest.mark.parametrize(("text", "reference", "box"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_values_gradients_and_hessians(text, reference, box) -> None:
    land = landscape_from_expression(text)
    assert land.dim == len(box)
    p = sample(box)
    value, grad = land.value_and_grad(p)
    assert value.dtype == grad.dtype == np.float64
    assert value.shape == (40,) and grad.shape == (40, land.dim)
    np.testing.assert_allclose(value, reference(*p.T), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, central_gradient(land, p), rtol=1e-6, atol=1e-6)
    # kinks of abs/min/max: one-sided differences of the gradient differ there, and the
    # random points stay off them
    hess = land.hessian(p)
    fd = np.stack([(land.grad(p + H * e) - land.grad(p - H * e)) / (2 * H)
                   for e in np.eye(land.dim)], axis=-1)
    np.testing.assert_allclose(hess, fd, rtol=1e-5, atol=1e-5)
    assert land.hessian_is_exact


def test_any_batch_shape_and_constant_derivatives_broadcast() -> None:
    land = landscape_from_expression("3*x + y")  # ∇f constant: lambdify gives scalars
    p = sample([(-1, 1)] * 2, 24).reshape(2, 3, 4, 2)
    assert land.value(p).shape == (2, 3, 4)
    np.testing.assert_array_equal(land.grad(p), np.broadcast_to([3.0, 1.0], p.shape))
    assert land.hessian(p).shape == (2, 3, 4, 2, 2)
    assert not land.hessian(p).any()


BUILT_IN = {
    "rosenbrock": "(1-x)^2 + 100*(y-x^2)^2",
    "himmelblau": "(x^2+y-11)^2 + (x+y^2-7)^2",
    "beale": "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    "booth": "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
    "rastrigin": "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y)))"
              " + e + 20",
    "goldstein_price": "(1 + (x+y+1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
                       "*(30 + (2*x-3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
    "six_hump_camel": "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
    "quadratic": "0.5*(x^2 + 10*y^2)",
    "saddle": "x^2 - y^2",
    "monkey_saddle": "x^3 - 3*x*y^2",
    "plateau": "1 - exp(-(x^2 + y^2)/2)",
    "parabola": "x^2",
    "double_well": "x^4 - 2*x^2 + 0.3*x",
    "wiggly": "x^2/10 + sin(3*x)",
    "rosenbrock3": "100*(y-x^2)^2 + (1-x)^2 + 100*(z-y^2)^2 + (1-y)^2",
}


@pytest.mark.parametrize(("name", "text"), BUILT_IN.items(), ids=list(BUILT_IN))
def test_built_in_landscapes_typed_by_hand(name: str, text: str) -> None:
    if name not in LANDSCAPES:
        pytest.skip(f"{name} is not a built-in landscape here")
    built_in, typed = get_landscape(name), landscape_from_expression(text)
    assert typed.dim == built_in.dim
    p = sample(built_in.domain, 200)
    scale = np.abs(built_in.value(p)).max()
    np.testing.assert_allclose(typed.value(p), built_in.value(p), rtol=1e-12,
                               atol=1e-13 * scale)
    np.testing.assert_allclose(typed.grad(p), built_in.grad(p), rtol=1e-11,
                               atol=1e-12 * np.abs(built_in.grad(p)).max())
    if built_in.hessian_is_exact:
        np.testing.assert_allclose(typed.hessian(p), built_in.hessian(p), rtol=1e-10,
                                   atol=1e-11 * np.abs(built_in.hessian(p)).max())
    found = landscape_from_expression(text, built_in.domain).minima
    for m in built_in.minima if name != "ackley" else ():  # ackley's is a cone's tip
        # the numeric search finds the built-in's minima in its own box
        assert np.abs(found - m).max(axis=-1).min() < 1e-6, (m, found)


@pytest.mark.parametrize(("text", "point"), [
    ("log(x)", [-1.0]), ("sqrt(x) + y", [-0.5, 1.0]), ("1/x", [0.0]),
    ("log(x*y) + z", [1.0, -1.0, 0.0]), ("sqrt(-x^2) + x", [1.0]), ("x^0.5 + y", [-2.0, 0.0]),
])
def test_undefined_points_give_nan_or_inf_never_an_exception(text, point) -> None:
    land = landscape_from_expression(text)
    value, grad = land.value_and_grad(np.array([point]))
    assert not (np.isfinite(value).all() and np.isfinite(grad).all())
    land.hessian(np.array([point]))  # no exception either


def test_a_run_into_the_undefined_region_stops_as_diverged() -> None:
    land = landscape_from_expression("log(x) + x")
    traj = gdviz.run(land, "gd", starts=[[0.5]], steps=20, lr=1.0)  # 0.5 - 3 < 0
    assert traj.status[0] == DIVERGED
    assert np.isfinite(traj.params).all() and np.isfinite(traj.loss).all()
    race = RaceSpec("expr", runs=(RunSpec("adam", {"lr": 5.0}),), start=(0.5,),
                    expr="sqrt(x) + x")
    assert run_race(race)[0].status[0] == DIVERGED


@pytest.mark.parametrize(("text", "dim", "title"), [
    ("x", 1, "f(x) = x"), ("y^2", 2, "f(x, y) = y^2"), ("x*y", 2, "f(x, y) = x*y"),
    ("z + x", 3, "f(x, y, z) = z + x"), ("sin(y)*z", 3, "f(x, y, z) = sin(y)*z"),
])
def test_dimension_is_the_highest_variable_typed(text: str, dim: int, title: str) -> None:
    land = landscape_from_expression(text)
    assert (land.dim, land.title, land.name, land.group) == (dim, title, "expr", "custom")
    assert land.params == {} and not land.log_contours
    if "x" not in text:  # f does not depend on x
        assert not land.grad(sample([(-2, 2)] * dim))[:, 0].any()


def test_formula_text_and_description() -> None:
    land = landscape_from_expression("(1-x)**2+100*( y-x^2 )^2")
    assert land.formula == "(1 - x)^2 + 100*(y - x^2)^2"
    assert "∂f/∂y = -200*x^2 + 200*y" in land.description


def test_automatic_view_centres_on_the_minima() -> None:
    land = landscape_from_expression("(x - 10)^2 + (y + 4)^2")
    np.testing.assert_allclose(land.minima, [[10.0, -4.0]], atol=1e-9)
    assert land.domain == ((7.0, 13.0), (-7.0, -1.0))
    himmelblau = landscape_from_expression(BUILT_IN["himmelblau"])
    assert len(himmelblau.minima) == 4 and np.allclose(himmelblau.value(himmelblau.minima), 0)
    lo, hi = np.array(himmelblau.domain).T
    assert (himmelblau.minima > lo + 1.9).all() and (himmelblau.minima < hi - 1.9).all()


def test_automatic_view_without_minimum_and_where_f_is_finite() -> None:
    assert landscape_from_expression("x^2 - y^2").domain == ((-3.0, 3.0),) * 2
    assert len(landscape_from_expression("x^2 - y^2").minima) == 0
    (lo, hi), = landscape_from_expression("log(x)").domain
    assert 0 < lo < 0.05 and hi == 3.0
    (lo, hi), = landscape_from_expression("x*log(x)").domain  # minimum at 1/e
    assert 0 < lo < 0.05 and hi > np.exp(-1) + 2


@pytest.mark.parametrize("text", [c[0] for c in CATALOGUE] + list(BUILT_IN.values()))
def test_start_is_in_the_box_finite_and_off_the_minimum(text: str) -> None:
    land = landscape_from_expression(text)
    start = np.array(land.start)
    lo, hi = np.array(land.domain).T
    assert ((lo <= start) & (start <= hi)).all()
    value, grad = land.value_and_grad(start)
    assert np.isfinite(value) and np.isfinite(grad).all()
    if len(land.minima):  # 70 % of the way from the lowest minimum to a corner
        assert np.abs(start - land.minima[0]).max() > 0.05 * (hi - lo).max()


def test_a_given_view_is_kept_and_checked() -> None:
    land = landscape_from_expression("x^2 + y^2", [(1, 4), [0.5, 2]])
    assert land.domain == ((1.0, 4.0), (0.5, 2.0))
    assert land.minima.shape == (0, 2)  # (0, 0) lies outside it
    lo, hi = np.array(land.domain).T
    assert ((lo <= land.start) & (land.start <= hi)).all()
    with pytest.raises(ValueError, match="needs 2 .* intervals, got 1"):
        landscape_from_expression("x + y", [(-1, 1)])
    with pytest.raises(ValueError, match="finite lo < hi"):
        landscape_from_expression("x", [(1, -1)])
    with pytest.raises(ExpressionError, match="not finite anywhere.*x ∈ \\[-3, -1\\]"):
        landscape_from_expression("log(x)", [(-3, -1)])


def test_not_finite_anywhere_is_refused() -> None:
    with pytest.raises(ExpressionError, match="not finite anywhere") as info:
        landscape_from_expression("sqrt(-1 - x^2 - y^2)")
    assert info.value.column == 1


def test_built_once_per_text_and_validation_without_raising() -> None:
    assert expression_landscape("x^2 + y") is expression_landscape("x^2 + y")
    assert landscape_from_expression("x^2 + y", [(-1, 1), (-1, 1)]) is \
        landscape_from_expression("x^2 + y", ((-1.0, 1.0), (-1.0, 1.0)))
    assert validate_expression("x^2 + sn(y)") == (
        7, "unknown name 'sn' at column 7: did you mean sin?")
    assert validate_expression("x^2").formula == "x^2"


def test_newton_uses_the_symbolic_hessian() -> None:
    land = landscape_from_expression("(x - 1)^2 + 3*(y + 2)^2 + (x - 1)*(y + 2)")
    traj = gdviz.run(land, "newton", starts=[[2.0, 2.0]], steps=1, lr=1.0)
    np.testing.assert_allclose(traj.params[-1, 0], [1.0, -2.0], atol=1e-12)


def test_a_large_gradient_gets_a_difference_hessian() -> None:
    land = landscape_from_expression("^".join(["x"] * 48))
    assert not land.hessian_is_exact
    p = np.array([[1.1], [1.3]])
    fd = (land.grad(p + H) - land.grad(p - H)) / (2 * H)
    np.testing.assert_allclose(land.hessian(p)[..., 0], fd, rtol=1e-4)


TORCH_CASES = [
    ("(x^2+y-11)^2 + (x+y^2-7)^2",
     lambda p: (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2, [-0.5, 0.5]),
    ("x^2 + 10*sin(y) + 0.5*x*y", None, [-2.0, 1.0]),
    ("exp(0.1*x) + 2*y^2 + abs(z - 1) + x*z", None, [1.0, -1.0, 2.0]),
]


@pytest.mark.parametrize(("text", "written", "start"), TORCH_CASES, ids=lambda c: str(c)[:20])
def test_adam_on_a_typed_formula_matches_torch(text, written, start) -> None:
    torch = pytest.importorskip("torch", reason="torch is an optional reference")
    functions = {
        "x^2 + 10*sin(y) + 0.5*x*y": lambda p: p[0] ** 2 + 10 * torch.sin(p[1]) + 0.5 * p[0] * p[1],
        "exp(0.1*x) + 2*y^2 + abs(z - 1) + x*z": lambda p: torch.exp(0.1 * p[0]) + 2 * p[1] ** 2
        + torch.abs(p[2] - 1) + p[0] * p[2],
    }
    f = written or functions[text]
    steps = 150
    traj = gdviz.run(landscape_from_expression(text), "adam", starts=[start], steps=steps,
                     lr=0.01)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.01)
    points = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        f(p).backward()  # torch's own autograd on the function written in torch
        opt.step()
        points.append(p.detach().numpy().copy())
    assert (traj.status == "running").all()
    assert np.abs(points[-1] - points[0]).max() > 0.5  # the run went somewhere
    np.testing.assert_allclose(traj.params[:, 0], np.array(points), rtol=1e-10, atol=1e-12)


def test_gdviz_starts_without_sympy() -> None:
    code = "import sys, gdviz, gdviz.cli; sys.exit('sympy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=120, check=False).returncode == 0


def test_the_derivative_of_a_sign_that_sympy_leaves_unevaluated_is_zero_off_the_kink():
    land = landscape_from_expression("abs((x / y))")  # ∂/∂y sign(x/y) stays unevaluated
    p = np.array([[0.7, -1.3], [-2.0, 0.4], [1.5, 2.5]])
    h = 1e-6
    for k in range(2):
        step = np.zeros(2)
        step[k] = h
        column = (land.grad(p + step) - land.grad(p - step)) / (2 * h)
        np.testing.assert_allclose(land.hessian(p)[:, :, k], column, rtol=1e-5)
    assert land.hessian_is_exact
