"""L-BFGS and Newton's method: the objective they ask for, Hessians, steps by hand,
tolerance stops, per-start independence, purity, the Stepper and timeline, the lessons
Newton must teach and the two presets. (L-BFGS against torch.optim.LBFGS itself:
test_torch_reference.py.)
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import gdviz
from gdviz.core import probe
from gdviz.core.landscapes import LANDSCAPES, get_landscape
from gdviz.core.optimizers import OPTIMIZERS, make_optimizer
from gdviz.core.optimizers_second import LBFGSState, NewtonState, Objective, _fma
from gdviz.core.race import Race, RaceSpec, RunSpec, run_race
from gdviz.core.run import DIVERGED, RUNNING, Stepper
from gdviz.scenario import load_scenario

SECOND = ("lbfgs", "newton")
EXACT = ("quadratic", "saddle", "monkey_saddle", "rosenbrock", "booth", "himmelblau",
         "parabola", "double_well")


class Bowl:
    """A separable objective on vectors of any length: f = Σ wᵢ(xᵢ²/2 + xᵢ⁴/40), its exact
    gradient and (diagonal) Hessian; counts the points it evaluates."""

    def __init__(self, dim: int):
        self.w = np.linspace(1.0, 3.0, dim)
        self.points = 0

    def value_and_grad(self, p):
        p = np.asarray(p, dtype=np.float64)
        self.points += p.size // p.shape[-1]
        w = self.w
        return np.sum(w * (0.5 * p * p + p**4 / 40), axis=-1), w * (p + p**3 / 10)

    def hessian(self, p):
        p = np.asarray(p, dtype=np.float64)
        return (self.w * (1 + 0.3 * p * p))[..., None] * np.eye(p.shape[-1])


def drive(opt, objective, p, steps):
    """``steps`` updates from p fed objective's exact gradient: [(params, state), …]."""
    state = opt.init(p)
    out = [(p, state)]
    for _ in range(steps):
        p, state = opt.apply(objective.value_and_grad(p)[1], state, p, objective)
        out.append((p, state))
    return out


def exact_fma(a: float, b: float, c: float) -> float:
    """a·b + c rounded once, by exact rational arithmetic."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


# --------------------------------------------------------------------------------------
# the objective: Landscape.hessian
# --------------------------------------------------------------------------------------


def central_hessian(land, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Column j = (∇f(p + hⱼeⱼ) − ∇f(p − hⱼeⱼ)) / 2hⱼ, hⱼ = h·max(1, |pⱼ|)."""
    cols = []
    for j in range(land.dim):
        e = np.zeros(land.dim)
        e[j] = h * max(1.0, abs(p[j]))
        cols.append((land.grad(p + e) - land.grad(p - e)) / (2 * e[j]))
    return np.stack(cols, axis=-1)


def sample_points(land, n: int, seed: int) -> np.ndarray:
    box = np.array(land.domain)
    rng = np.random.default_rng(seed)
    return box[:, 0] + (box[:, 1] - box[:, 0]) * rng.random((n, land.dim))


ANALYTIC = [name for name, land in LANDSCAPES.items() if land.hessian_is_exact]


def test_the_required_hessians_are_analytic():
    assert set(EXACT) <= set(ANALYTIC)
    assert not get_landscape("ackley").hessian_is_exact  # left to central differences
    assert not get_landscape("goldstein_price").hessian_is_exact


@pytest.mark.parametrize("name", ANALYTIC)
def test_analytic_hessians_match_central_differences(name):
    land = get_landscape(name)
    if name == "quadratic":
        land = land.with_params(a=0.7, b=13.0, angle=37.0)
    points = sample_points(land, 40, seed=len(name))
    hess = land.hessian(points)
    assert hess.shape == (40, land.dim, land.dim) and hess.dtype == np.float64
    np.testing.assert_array_equal(hess, np.swapaxes(hess, -1, -2))
    for p, h in zip(points, hess, strict=True):
        fd = central_hessian(land, p)
        scale = 1.0 + np.abs(h).max()
        assert np.abs(h - fd).max() <= 1e-6 * scale, (name, p)


@pytest.mark.parametrize("name", [n for n in LANDSCAPES if n not in ANALYTIC])
def test_difference_hessians_are_symmetric_central_differences(name):
    land = get_landscape(name)
    points = sample_points(land, 20, seed=3)
    hess = land.hessian(points)
    np.testing.assert_array_equal(hess, np.swapaxes(hess, -1, -2))
    for p, h in zip(points, hess, strict=True):
        fd = central_hessian(land, p, h=1e-4)  # another step: truncation error ~1e-8
        assert np.abs(h - 0.5 * (fd + fd.T)).max() <= 1e-5 * (1.0 + np.abs(h).max())


def test_hessian_shapes_and_parameters():
    land = get_landscape("quadratic").with_params(a=2.0, b=5.0, angle=30.0)
    assert land.hessian_is_exact
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    rot = np.array([[c, s], [-s, c]])  # (x, y) -> (u, v)
    np.testing.assert_allclose(land.hessian(np.zeros(2)), rot.T @ np.diag([2.0, 5.0]) @ rot,
                               rtol=1e-15, atol=1e-15)
    assert land.hessian(np.zeros((3, 4, 2))).shape == (3, 4, 2, 2)
    assert get_landscape("double_well").hessian([[0.0], [1.0]]).tolist() == [[[-4.0]],
                                                                              [[8.0]]]
    assert get_landscape("ackley").hessian(np.ones((3, 4, 2))).shape == (3, 4, 2, 2)
    with pytest.raises(ValueError, match="2-D"):
        get_landscape("booth").hessian(np.zeros(3))


def test_a_landscape_is_an_objective():
    land: Objective = get_landscape("himmelblau")
    value, grad = land.value_and_grad(np.ones((5, 2)))
    assert value.shape == (5,) and grad.shape == (5, 2)
    assert land.hessian(np.ones((5, 2))).shape == (5, 2, 2)


# --------------------------------------------------------------------------------------
# registry and plumbing
# --------------------------------------------------------------------------------------


def test_registry_entries():
    assert list(OPTIMIZERS)[-2:] == list(SECOND)
    assert OPTIMIZERS["lbfgs"].defaults == {"lr": 1.0, "history_size": 100,
                                            "tolerance_grad": 1e-7,
                                            "tolerance_change": 1e-9, "strong_wolfe": False}
    assert OPTIMIZERS["newton"].defaults == {"lr": 1.0, "damping": 0.0}
    assert OPTIMIZERS["lbfgs"].hyper_spec("history_size").kind == "int"
    assert OPTIMIZERS["lbfgs"].hyper_spec("strong_wolfe").kind == "bool"
    for name, spec in OPTIMIZERS.items():
        assert spec.needs_objective == (name in SECOND)
        assert spec.make().needs_objective == (name in SECOND)
    for name in SECOND:
        spec = OPTIMIZERS[name]
        assert spec.title and spec.description and "\n" not in spec.description
        assert spec.equations and all(line and "\n" not in line for line in spec.equations)
        for h in spec.hyper:
            assert h.check(h.default) == h.default and h.help and "\n" not in h.help


@pytest.mark.parametrize(("name", "key", "bad"), [
    ("lbfgs", "history_size", 0), ("lbfgs", "history_size", 2.5),
    ("lbfgs", "tolerance_grad", -1e-7), ("lbfgs", "tolerance_change", -1.0),
    ("lbfgs", "strong_wolfe", "maybe"), ("lbfgs", "lr", 0.0), ("newton", "damping", -0.1),
    ("newton", "lr", -1.0), ("newton", "momentum", 0.9),
])
def test_bad_values_refused(name, key, bad):
    with pytest.raises(ValueError, match=key):
        make_optimizer(name, **{key: bad})


def test_apply_passes_the_objective_only_where_needed():
    p, g = np.array([[0.5, -0.3]]), np.array([[0.2, 0.1]])
    gd = make_optimizer("gd", lr=0.1)
    np.testing.assert_array_equal(gd.apply(g, gd.init(p), p)[0],
                                  gd.update(g, gd.init(p), p)[0])
    np.testing.assert_array_equal(gd.apply(g, gd.init(p), p, Bowl(2))[0], p - 0.1 * g)
    for name in SECOND:
        opt = make_optimizer(name)
        with pytest.raises(ValueError, match="objective"):
            opt.apply(g, opt.init(p), p)
        assert opt.apply(g, opt.init(p), p, Bowl(2))[0].shape == p.shape


def test_fma_rounds_once():
    rng = np.random.default_rng(0)
    a = rng.normal(size=3000) * 10.0 ** rng.integers(-20, 20, 3000)
    b = rng.normal(size=3000) * 10.0 ** rng.integers(-20, 20, 3000)
    a[:3], b[:3] = [1e300, 1e200, 3.0], [1e-290, 1e-150, 1e300]  # big, but nothing overflows
    c = -a * b * (1 + rng.normal(size=3000) * 1e-12)  # near cancellation: the hard cases
    c[::2] = rng.normal(size=1500)
    got = _fma(a, b, c)
    want = np.array([exact_fma(*abc) for abc in zip(a.tolist(), b.tolist(), c.tolist(),
                                                    strict=True)])
    np.testing.assert_array_equal(got, want)
    assert (a * b + c != want).any()  # two roundings would not do
    with np.errstate(all="ignore"):  # a·b overflows: the plain a·b + c, inf
        big = _fma(np.array([1e300]), np.array([1e10]), np.array([1.0]))
    assert np.isinf(big).all()


# --------------------------------------------------------------------------------------
# L-BFGS by hand
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [1.0, 0.3])
@pytest.mark.parametrize("scale", [0.1, 40.0])  # ‖g‖₁ below and above 1
def test_lbfgs_first_step_is_a_scaled_gradient_step(lr, scale):
    """d = −g, t = min(1, 1/‖g‖₁)·lr, θ ← θ + t·d rounded as torch's add_ does."""
    objective = Bowl(2)
    p = np.array([[0.3, -0.2]]) * scale
    g = objective.value_and_grad(p)[1]
    opt = make_optimizer("lbfgs", lr=lr)
    new, state = opt.apply(g, opt.init(p), p, objective)
    l1 = abs(g[0, 0]) + abs(g[0, 1])
    t = (1.0 / l1 if 1.0 / l1 < 1.0 else 1.0) * lr
    assert state.t[0] == t and (scale > 1) == (t < lr)
    np.testing.assert_array_equal(state.d, -g)
    assert new[0].tolist() == [exact_fma(t, -g[0, i], p[0, i]) for i in range(2)]
    assert (state.step, state.n_iter[0], state.func_evals[0], state.pairs[0]) == (1, 1, 1, 0)
    np.testing.assert_array_equal(state.prev_flat_grad, g)


def test_lbfgs_second_direction_is_the_bfgs_update_of_gamma_i():
    """With one pair (s, y) the two-loop recursion gives d = −H g for
    H = (I − ρsyᵀ)·γI·(I − ρysᵀ) + ρssᵀ, ρ = 1/yᵀs, γ = yᵀs/yᵀy."""
    objective = Bowl(3)
    opt = make_optimizer("lbfgs", lr=0.5)
    (_, _), (p1, s1), (p2, s2) = drive(opt, objective, np.array([[0.9, -0.4, 0.7]]), 2)
    g1 = objective.value_and_grad(p1)[1][0]
    s, y = s1.t[0] * s1.d[0], g1 - s1.prev_flat_grad[0]
    rho, gamma = 1 / (y @ s), (y @ s) / (y @ y)
    eye = np.eye(3)
    h = (eye - rho * np.outer(s, y)) @ (gamma * eye) @ (eye - rho * np.outer(y, s)) \
        + rho * np.outer(s, s)
    np.testing.assert_allclose(s2.d[0], -h @ g1, rtol=1e-13)
    assert s2.pairs[0] == 1 and s2.h_diag[0] == pytest.approx(gamma, rel=1e-15)
    np.testing.assert_array_equal(p2, p1 + 0.5 * s2.d)  # t = lr after the first step


def test_lbfgs_keeps_no_pair_without_curvature():
    """On a linear loss y = 0, so yᵀs = 0 ≤ 1e-10: no pair is kept and every later step is
    θ ← θ − lr·g."""

    class Plane:
        c = np.array([0.3, -0.7])

        def value_and_grad(self, p):
            return p @ self.c, np.broadcast_to(self.c, p.shape).copy()

        def hessian(self, p):
            return np.zeros((*p.shape, 2))

    opt = make_optimizer("lbfgs", lr=0.25)
    trail = drive(opt, Plane(), np.array([[1.0, 2.0]]), 5)
    for (p, _), (q, state) in zip(trail[1:], trail[2:], strict=False):
        assert state.pairs[0] == 0 and state.h_diag[0] == 1.0
        np.testing.assert_allclose(q, p - 0.25 * Plane.c, rtol=1e-15)


def test_lbfgs_history_is_capped_and_keeps_the_newest_pairs():
    objective = Bowl(2)
    opt = make_optimizer("lbfgs", lr=0.4, history_size=2)
    trail = drive(opt, objective, np.array([[1.5, -1.0]]), 7)
    pairs = []  # the pair update k + 1 forms from (θₖ, stateₖ): s = tₖ·dₖ, y = ∇f(θₖ) − g_prev
    for p, state in trail[1:-1]:
        g = objective.value_and_grad(p)[1][0]
        pairs.append((state.t[0] * state.d[0], g - state.prev_flat_grad[0]))
    last = trail[-1][1]
    assert last.pairs[0] == 2 and last.old_stps.shape == (1, 2, 2)
    for slot, (s, y) in enumerate(pairs[-2:]):  # oldest first: the last two kept
        np.testing.assert_array_equal(last.old_stps[0, slot], s)
        np.testing.assert_array_equal(last.old_dirs[0, slot], y)


def test_lbfgs_tolerance_grad_stays_put_and_takes_no_iteration():
    objective = Bowl(2)
    p = np.array([[0.3, 0.2], [9.0, 9.0]])  # max|g| ≈ 0.3 and ≈ 240
    opt = make_optimizer("lbfgs", tolerance_grad=1.0, lr=0.01)
    trail = drive(opt, objective, p, 4)
    for k, (q, state) in enumerate(trail[1:], start=1):
        assert q[0].tolist() == p[0].tolist()
        assert state.n_iter.tolist() == [0, k] and state.func_evals.tolist() == [k, k]
        assert not state.d[0].any()
        assert not np.array_equal(q[1], p[1])


def test_lbfgs_tolerance_change_stays_put_but_records_the_iteration():
    objective = Bowl(2)
    p = np.array([[0.3, 0.2]])
    opt = make_optimizer("lbfgs", tolerance_change=100.0)
    trail = drive(opt, objective, p, 3)
    g = objective.value_and_grad(p)[1]
    for k, (q, state) in enumerate(trail[1:], start=1):
        np.testing.assert_array_equal(q, p)
        assert state.n_iter[0] == k and state.pairs[0] == 0
        np.testing.assert_array_equal(state.d, -g)  # gᵀd = −|g|² > −100: no move


@pytest.mark.parametrize("strong_wolfe", [False, True])
@pytest.mark.parametrize("name", ["rosenbrock", "beale", "himmelblau", "six_hump_camel"])
def test_lbfgs_starts_are_independent_runs(name, strong_wolfe):
    """A (12, 2) batch, the same points as (3, 4, 2), and each point alone: bit for bit the
    same, whatever the others do (stop, search longer, keep other pairs)."""
    land = get_landscape(name)
    points = sample_points(land, 12, seed=5)
    opt = make_optimizer("lbfgs", strong_wolfe=strong_wolfe, lr=0.5, history_size=4,
                         tolerance_grad=1e-4)
    batch = drive(opt, land, points, 40)[-1]
    shaped = drive(opt, land, points.reshape(3, 4, 2), 40)[-1]
    np.testing.assert_array_equal(shaped[0].reshape(12, 2), batch[0])
    np.testing.assert_array_equal(shaped[1].d.reshape(12, 2), batch[1].d)
    for i, point in enumerate(points):
        alone = drive(opt, land, point, 40)[-1]
        np.testing.assert_array_equal(alone[0], batch[0][i])
        for field in ("n_iter", "func_evals", "t", "h_diag", "pairs"):
            assert getattr(alone[1], field)[0] == getattr(batch[1], field)[i], field
        np.testing.assert_array_equal(alone[1].old_dirs[0], batch[1].old_dirs[i])


def test_lbfgs_on_a_flat_vector_is_one_run():
    objective = Bowl(6)
    opt = make_optimizer("lbfgs", strong_wolfe=True, history_size=10)
    p, state = drive(opt, objective, np.linspace(-2.0, 2.0, 6), 30)[-1]
    assert state.old_dirs.shape == (1, 10, 6) and state.d.shape == (6,)
    assert np.abs(p).max() < 1e-4


def test_lbfgs_line_search_evaluates_what_it_counts():
    """A start that searches asks the objective for f at θ (torch's closure; the gradient
    there is the one it is fed) and for every trial θ + t·d of the line search, and
    func_evals counts exactly those; a start that does not search counts the closure."""
    objective = Bowl(2)
    opt = make_optimizer("lbfgs", strong_wolfe=True)
    p = np.array([[2.0, -1.5], [0.4, 0.1], [-3.0, 2.0]])
    state = opt.init(p)
    for _ in range(15):
        g = objective.value_and_grad(p)[1]
        objective.points = 0
        p, new = opt.apply(g, state, p, objective)
        counted = new.func_evals - state.func_evals
        searched = counted > 1
        assert objective.points == int(counted[searched].sum())
        assert (counted[~searched] == 1).all()
        state = new
    assert (state.func_evals > state.n_iter).all()  # the searches did evaluate


def test_lbfgs_velocity_is_the_direction_it_moves_along():
    land = get_landscape("rosenbrock")
    stepper = Stepper(land, make_optimizer("lbfgs", lr=0.5), [(-1.2, 1.0)])
    for _ in range(5):
        before = stepper.snapshot
        after = stepper.advance()
        np.testing.assert_array_equal(after.state.velocity, -after.state.d)
        np.testing.assert_array_equal(probe.velocity(after), after.state.d)
        moved = after.params - before.params
        np.testing.assert_allclose(moved, 0.5 * after.state.d if after.step > 1
                                   else after.state.t[:, None] * after.state.d, rtol=1e-12)


# --------------------------------------------------------------------------------------
# Newton's method: the lessons
# --------------------------------------------------------------------------------------


def test_newton_lands_on_the_minimum_of_any_quadratic_in_one_step():
    rng = np.random.default_rng(0)
    for _ in range(200):
        a, b = 10 ** rng.uniform(-1, 2, 2)
        land = get_landscape("quadratic").with_params(a=a, b=b, angle=rng.uniform(-180, 180))
        traj = gdviz.run(land, "newton", starts=rng.uniform(-3, 3, (5, 2)), steps=1)
        assert np.abs(traj.params[1]).max() <= 1e-12
    traj = gdviz.run("booth", "newton", starts=[(-8.0, 7.0), (9.0, -9.0)], steps=1)
    np.testing.assert_allclose(traj.params[1], [[1.0, 3.0]] * 2, atol=1e-12)
    traj = gdviz.run("parabola", "newton", starts=[(2.5,)], steps=1)
    assert traj.params[1, 0, 0] == 0.0


def test_newton_walks_into_the_saddle_where_gradient_descent_escapes():
    starts = [(-1.5, 0.2), (1.0, -0.7), (0.3, 1.9), (-0.01, 0.5)]
    jump = gdviz.run("saddle", "newton", starts=starts, steps=3)
    assert (jump.params[1:] == 0.0).all()  # one step, then at rest where ∇f = 0
    glide = gdviz.run("saddle", "newton", starts=starts, steps=100, lr=0.1)
    np.testing.assert_allclose(glide.params[-1], 0.9**100 * np.array(starts), rtol=1e-12)
    dist = np.linalg.norm(glide.params, axis=-1)
    assert (np.diff(dist, axis=0) < 0).all()  # every start, every step: closer
    gd = gdviz.run("saddle", "gd", starts=starts, steps=100, lr=0.05)
    assert (np.abs(gd.params[-1, :, 1]) > 100).all()  # slid off along y
    damped = gdviz.run("saddle", "newton", starts=starts, steps=100, lr=0.1, damping=3.0)
    assert (damped.status == DIVERGED).all()  # H + 3I = diag(5, 1): it descends, and escapes


def test_newton_converges_to_a_maximum_too():
    """On the double well's hump (f″ < 0) Newton climbs to the local maximum."""
    land = get_landscape("double_well")
    traj = gdviz.run(land, "newton", starts=[(0.2,)], steps=30)
    top = traj.params[-1]
    assert abs(land.grad(top)[0, 0]) < 1e-12 and land.hessian(top)[0, 0, 0] < 0
    assert land.value(top)[0] > land.value(traj.params[0])[0]


def test_newton_lr_and_damping():
    land = get_landscape("booth")
    start = np.array([[-8.0, 7.0]])
    half = gdviz.run(land, "newton", starts=start, steps=1, lr=0.5)
    np.testing.assert_allclose(half.params[1], 0.5 * (start + [[1.0, 3.0]]), rtol=1e-13)
    # θ − η·(H + λI)⁻¹g; with λ ≫ ‖H‖ ≈ a gradient step of size η/λ
    heavy = gdviz.run(land, "newton", starts=start, steps=1, lr=0.5, damping=1000.0)
    exact = start - 0.5 * np.linalg.solve(land.hessian(start[0]) + 1000.0 * np.eye(2),
                                          land.grad(start[0]))
    np.testing.assert_allclose(heavy.params[1], exact, rtol=1e-14)
    step = gdviz.run(land, "gd", starts=start, steps=1, lr=0.5e-3)
    np.testing.assert_allclose(heavy.params[1] - start, step.params[1] - start, rtol=0.05)


def test_newton_where_the_hessian_is_singular_diverges_that_start_only():
    traj = gdviz.run("monkey_saddle", "newton", starts=[(0.0, 0.0), (1.0, 0.25)], steps=20)
    assert traj.status.tolist() == [DIVERGED, RUNNING]  # H = 0 at the origin: no step
    assert traj.stopped_at[0] == 0 and (traj.params[:, 0] == 0.0).all()
    flat = get_landscape("quadratic").with_params(a=0.0, b=4.0)  # H = diag(0, 4)
    assert gdviz.run(flat, "newton", starts=[(1.0, 1.0)], steps=2).status[0] == DIVERGED
    damped = gdviz.run(flat, "newton", starts=[(1.0, 1.0)], steps=2, damping=0.1)
    assert damped.status[0] == RUNNING
    np.testing.assert_allclose(damped.params[1, 0], [1.0, 1.0 - 4.0 / 4.1], rtol=1e-14)


def test_newton_state_shows_its_step():
    land = get_landscape("himmelblau")
    p = np.array([[-0.5, 0.5], [1.0, 4.0]])
    opt = make_optimizer("newton", lr=0.3)
    new, state = opt.apply(land.grad(p), opt.init(p), p, land)
    assert isinstance(state, NewtonState) and state.step == 1
    np.testing.assert_allclose(np.einsum("nij,nj->ni", land.hessian(p), state.newton_step),
                               land.grad(p), rtol=1e-12)
    np.testing.assert_allclose(new, p - 0.3 * state.newton_step, rtol=1e-15)


# --------------------------------------------------------------------------------------
# purity, the Stepper, the timeline, the probe
# --------------------------------------------------------------------------------------

PURE = [("lbfgs", {}), ("lbfgs", {"strong_wolfe": True, "history_size": 3}),
        ("newton", {}), ("newton", {"damping": 0.5, "lr": 0.5})]


def arrays(state):
    return [x for x in state if isinstance(x, np.ndarray)]


@pytest.mark.parametrize("shape", [(5, 2), (7,), (3, 4, 2)])
@pytest.mark.parametrize(("name", "hyper"), PURE, ids=str)
def test_update_is_pure(name, hyper, shape):
    rng = np.random.default_rng(1)
    objective = Bowl(shape[-1])
    opt = make_optimizer(name, **hyper)
    p = rng.normal(size=shape)
    state = opt.init(p)
    assert isinstance(state, LBFGSState | NewtonState) and state.step == 0
    for arr in arrays(state):
        assert arr.dtype == np.float64 and not np.shares_memory(arr, p)
    for _ in range(6):
        g = objective.value_and_grad(p)[1]
        saved = [g.copy(), p.copy(), *(a.copy() for a in arrays(state))]
        new_p, new_state = opt.apply(g, state, p, objective)
        for arr, before in zip([g, p, *arrays(state)], saved, strict=True):
            np.testing.assert_array_equal(arr, before)
        assert type(new_state) is type(state) and new_state.step == state.step + 1
        assert new_p.shape == shape and new_p.dtype == np.float64 and np.isfinite(new_p).all()
        news = arrays(new_state)
        for i, arr in enumerate(news):
            assert arr.dtype == np.float64
            for other in (g, p, new_p, *arrays(state), *news[i + 1:]):
                assert not np.shares_memory(arr, other)
        assert not np.shares_memory(new_p, p) and not np.shares_memory(new_p, g)
        assert type(new_state.step) is int
        p, state = new_p, new_state
    with pytest.raises(AttributeError):
        state.step = 5  # type: ignore[misc]


@pytest.mark.parametrize(("name", "hyper"), PURE, ids=str)
def test_race_scrubs_back_and_replays_exactly(name, hyper):
    """The state packs into the timeline and back (the counts as floats): scrubbing back
    and running again gives the same trail, and so does a replay of the spec."""
    race = Race(RaceSpec("himmelblau", runs=(RunSpec(name, hyper),), start=(-0.5, 0.5),
                         steps=40))
    race.run_to(40)
    first = race.trail(0).copy()
    assert np.isfinite(first).all() and not np.allclose(first[-1], first[0])
    race.seek(13)
    race.run_to(40)
    np.testing.assert_array_equal(race.trail(0), first)
    np.testing.assert_array_equal(run_race(race.spec)[0].params[:, 0, :], first)


@pytest.mark.parametrize(("name", "hyper"), PURE, ids=str)
def test_probe_shows_the_next_point_and_the_numbers(name, hyper):
    land = get_landscape("rosenbrock")
    opt = make_optimizer(name, **hyper)
    stepper = Stepper(land, opt, [(-1.2, 1.0), (0.5, 2.0)])
    for _ in range(4):
        snap = stepper.snapshot
        ahead = probe.next_params(opt, snap, seed=0, objective=land)
        rows = dict(probe.step_numbers(opt, snap, seed=0, start=1, objective=land))
        new = stepper.advance()
        np.testing.assert_array_equal(ahead, new.params)
        np.testing.assert_array_equal(rows["θ new"], new.params[1])
        assert ("d" if name == "lbfgs" else "newton_step") in rows
    with pytest.raises(ValueError, match="objective"):
        probe.next_params(opt, stepper.snapshot, seed=0)


def test_a_stopped_start_keeps_its_direction():
    land = get_landscape("booth")
    stepper = Stepper(land, make_optimizer("lbfgs", strong_wolfe=True),
                      [(-8.0, 7.0), (1.0 + 1e-9, 3.0)], tol=1e-6)
    assert stepper.snapshot.status.tolist() == ["running", "converged"]
    held = stepper.snapshot.state.d[1].copy()
    for _ in range(10):
        snap = stepper.advance()
    np.testing.assert_array_equal(snap.state.d[1], held)
    assert snap.status[1] == "converged" and snap.stopped_at[1] == 0
    assert not np.array_equal(snap.state.d[0], stepper.snapshot.state.d[1])


# --------------------------------------------------------------------------------------
# the presets
# --------------------------------------------------------------------------------------


def distances(traj, target):
    return np.linalg.norm(traj.params[:, 0] - np.array(target), axis=-1)


def first_within(dist, tol):
    return int(np.flatnonzero(dist < tol)[0])


def test_second_order_preset():
    """The numbers its description gives."""
    scenario = load_scenario("second_order")
    gd, lbfgs, wolfe, newton = run_race(scenario.race)
    text = scenario.description
    assert [r.optimizer for r in scenario.race.runs] == ["gd", "lbfgs", "lbfgs", "newton"]
    assert scenario.race.start == (-1.2, 1.0) and scenario.race.landscape == "rosenbrock"
    d_gd = distances(gd, (1, 1))
    assert round(d_gd[300], 1) == 1.5 and round(gd.loss[300, 0], 1) == 1.4
    assert "1.5 from (1, 1) after 300 steps (loss 1.4)" in text
    long = distances(gdviz.run("rosenbrock", "gd", steps=3000, lr=0.002), (1, 1))
    assert 2750 < first_within(long, 0.1) < 2850 and "about 2800 steps" in text
    d_newton = distances(newton, (1, 1))
    assert newton.params[2, 0, 1] < -1.0  # below the view
    assert first_within(d_newton, 1e-4) == 5 and f"{d_newton[5]:.0e}" == "1e-05"
    assert f"{d_newton[6]:.0e}" == "2e-11" and first_within(d_newton, 1e-15) == 7
    assert (d_newton[7:] == 0).all() and "step 5, 2e-11 at step 6" in text
    assert "exactly there at step 7" in text
    assert first_within(distances(lbfgs, (1, 1)), 1e-3) == 60 and "step 60" in text
    assert (np.abs(lbfgs.params[:, 0] - [0.0, 1.0]) > [2.0, 2.0]).any()  # out of view
    assert first_within(distances(wolfe, (1, 1)), 1e-3) == 33 and "step 33" in text
    stepper = scenario.race.stepper(2, scenario.race.build_landscape())
    for _ in range(33):
        stepper.advance()
    assert stepper.snapshot.state.func_evals[0] == 74 and "74 evaluations" in text
    assert f"{lbfgs.loss[-1, 0]:.0e}" == "3e-12" and f"{wolfe.loss[-1, 0]:.0e}" == "4e-10"
    for traj in (lbfgs, wolfe):  # staying put where the tolerances stop them
        assert (traj.params[-50:] == traj.params[-1]).all()
    assert (gd.status == RUNNING).all() and text.rstrip().split("Watch: ")[1]


def test_newton_saddle_preset():
    scenario = load_scenario("newton_saddle")
    gd, newton, glide, damped = run_race(scenario.race)
    text = scenario.description
    assert scenario.race.landscape == "saddle" and scenario.race.start == (-1.5, 0.2)
    assert (newton.params[1:] == 0.0).all()
    d_glide = distances(glide, (0, 0))
    assert first_within(d_glide, 0.01) == 48 and f"{d_glide[100]:.0e}" == "4e-05"
    assert "step 48" in text and "4e-5 away at step 100" in text
    out_gd = int(np.flatnonzero(np.abs(gd.params[:, 0]).max(axis=1) > 2)[0])
    assert out_gd == 25 and round(gd.params[100, 0, 1]) == 2756
    assert f"{gd.loss[100, 0]:.1e}" == "-7.6e+06" and "step 25" in text and "2756" in text
    out_damped = int(np.flatnonzero(np.abs(damped.params[:, 0]).max(axis=1) > 2)[0])
    assert out_damped == 13 and damped.status[0] == DIVERGED and damped.stopped_at[0] == 88
    assert "step 13" in text and "step 88" in text
    assert text.rstrip().split("Watch: ")[1]


def test_hess_is_the_analytic_hessian_where_there_is_one():
    quad = get_landscape("quadratic").with_params(a=2.0, b=5.0)
    np.testing.assert_allclose(quad.hess(np.zeros((3, 2))), np.tile(np.diag([2.0, 5.0]),
                                                                    (3, 1, 1)), atol=1e-12)
    with pytest.raises(ValueError, match="no analytic Hessian"):
        get_landscape("ackley").hess(np.zeros(2))
