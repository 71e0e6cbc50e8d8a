"""Adamax, NAdam, RAdam, Adadelta, Rprop and ASGD: rules by hand, purity, shapes, defaults.

The hand computations use plain Python floats and ``math`` only, one coordinate at a time,
each written out from torch's ``_single_tensor_<name>`` (``torch.lerp``'s two formulas,
``addcdiv``'s ``(value·a)/b``, NAdam's ``mu_product`` and ASGD's ``eta``/``mu`` kept in
float32, as torch keeps them with its default dtype). The first update of each is also
checked against its closed form.
"""

from __future__ import annotations

import math
import struct
from functools import partial

import numpy as np
import pytest

from gdviz.core import probe
from gdviz.core.optimizers import OPTIMIZERS, get_optimizer, make_optimizer
from gdviz.core.optimizers_torch import (
    AdadeltaState,
    AdamaxState,
    ASGDState,
    NAdamState,
    RAdamState,
    RpropState,
)
from gdviz.core.race import Race, RaceSpec, RunSpec, run_race
from gdviz.core.run import Snapshot
from gdviz.core.schedules import Constant, Exponential, StepDecay
from tests.core import hand_steps
from tests.core.hand_steps import THETA0, assert_rel
from tests.core.torch_equivalents import TORCH_EQUIVALENT, TORCH_TUPLES

NAMES = ("adamax", "nadam", "radam", "adadelta", "rprop", "asgd")
# g for updates t = 1, 2, …; the signs flip often enough to exercise Rprop's rules
GRADS = ((0.3, -1.7), (-2.5, 0.04), (1.1, 0.6), (0.7, -0.2), (-0.4, 1.3), (0.9, 0.5),
         (-1.2, -0.3), (0.2, 0.8))
run_updates = partial(hand_steps.run_updates, grads=GRADS)
by_coordinate = partial(hand_steps.by_coordinate, grads=GRADS)


def f32(x: float) -> float:
    """x rounded to the nearest float32 (a 0-d float32 tensor's value)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def lerp(a: float, b: float, w: float) -> float:
    """torch.lerp: a + w·(b − a) for |w| < ½, else b − (b − a)·(1 − w)."""
    return a + w * (b - a) if abs(w) < 0.5 else b - (b - a) * (1 - w)


def const(lr: float):
    return lambda t: lr


# --------------------------------------------------------------------------------------
# hand-written rules: one coordinate, plain floats; ``rate(t)`` is the lr of update t
# --------------------------------------------------------------------------------------


def hand_adamax(theta, grads, rate, b1=0.9, b2=0.999, eps=1e-8, wd=0.0):
    out, m, u = [], 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        g = g + wd * theta
        m = lerp(m, g, 1 - b1)
        u = max(u * b2, abs(g) + eps)
        clr = rate(t) / (1 - b1**t)
        theta = theta + (-clr * m) / u
        out.append((theta, m, u))
    return out


def hand_nadam(theta, grads, rate, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, psi=0.004):
    out, m, v, mu_product = [], 0.0, 0.0, 1.0
    for t, g in enumerate(grads, start=1):
        lr = rate(t)
        bc2 = 1 - b2**t
        g = g + wd * theta
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product = f32(f32(mu_product) * f32(mu))  # a float32 tensor times a float
        m = lerp(m, g, 1 - b1)
        v = v * b2 + (1 - b2) * g * g
        denom = math.sqrt(v / bc2) + eps
        theta = theta + (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
        theta = theta + ((-lr * mu_next) / (1.0 - mu_product * mu_next)) * m / denom
        out.append((theta, m, v, mu_product, mu_next))
    return out


def hand_radam(theta, grads, rate, b1=0.9, b2=0.999, eps=1e-8, wd=0.0):
    out, m, v = [], 0.0, 0.0
    rho_inf = 2 / (1 - b2) - 1
    for t, g in enumerate(grads, start=1):
        g = g + wd * theta
        m = lerp(m, g, 1 - b1)
        v = v * b2 + (1 - b2) * g * g
        bc1, bc2 = 1 - b1**t, 1 - b2**t
        m_hat = m / bc1
        rho = rho_inf - 2 * t * b2**t / bc2
        if rho > 5.0:
            r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            adaptive = (1 / (math.sqrt(v) + eps)) * math.sqrt(bc2)
            theta = theta - m_hat * rate(t) * adaptive * r
        else:
            theta = theta - m_hat * rate(t)
        out.append((theta, m, v, rho))
    return out


def hand_adadelta(theta, grads, rate, rho=0.9, eps=1e-6, wd=0.0):
    out, v, u = [], 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        g = g + wd * theta
        v = v * rho + (1 - rho) * g * g
        delta = math.sqrt(u + eps) / math.sqrt(v + eps) * g
        u = u * rho + (1 - rho) * delta * delta
        theta = theta + (-rate(t)) * delta
        out.append((theta, v, u))
    return out


def hand_rprop(theta, grads, rate, eta_minus=0.5, eta_plus=1.2, lo=1e-6, hi=50.0):
    out, prev, size = [], 0.0, rate(1)  # lr is read once, for the first step sizes
    for g in grads:
        if g * prev > 0:
            size = min(max(size * eta_plus, lo), hi)
        elif g * prev < 0:
            size = min(max(size * eta_minus, lo), hi)
            g = 0.0  # the sign flipped: no move now, no comparison next time
        else:
            size = min(max(size, lo), hi)
        theta = theta - math.copysign(1.0, g) * size if g else theta
        prev = g
        out.append((theta, prev, size))
    return out


def hand_asgd(theta, grads, rate, lambd=1e-4, alpha=0.75, t0=1e6, wd=0.0):
    out, eta, mu, ax = [], f32(rate(1)), 1.0, 0.0
    for t, g in enumerate(grads, start=1):
        g = g + wd * theta
        theta = theta * (1 - lambd * eta)
        theta = theta + (-eta) * g
        ax = ax + (theta - ax) * mu if mu != 1 else theta
        lr = rate(t)
        eta = f32(lr / (1 + lambd * lr * t) ** alpha)
        mu = f32(1 / max(1, t - t0))
        out.append((theta, eta, mu, ax))
    return out


# --------------------------------------------------------------------------------------
# update rules by hand
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("hyper", [{}, {"weight_decay": 0.05},
                                   {"beta1": 0.3, "beta2": 0.9, "eps": 1e-3}])
def test_adamax_by_hand(hyper):
    opt = make_optimizer("adamax", lr=0.1, **hyper)
    keys = {"beta1": "b1", "beta2": "b2", "eps": "eps", "weight_decay": "wd"}
    want = by_coordinate(hand_adamax, const(0.1), **{keys[k]: v for k, v in hyper.items()})
    got = run_updates(opt)
    for t, ((p, s), (theta, m, u)) in enumerate(zip(got, want, strict=True), start=1):
        assert isinstance(s, AdamaxState) and s.step == t
        assert_rel(p, theta)
        assert_rel(s.m, m)
        assert_rel(s.u, u)
        assert_rel(s.velocity, m / (1 - opt.hyper["beta1"] ** t))


def test_adamax_first_step_closed_form():
    """m̂ = g and u = |g| + ε after one update: θ₁ = θ₀ − lr·g/(|g| + ε) ≈ θ₀ − lr·sign(g)."""
    (p, s), _ = run_updates(make_optimizer("adamax"))[:2]
    g, theta = np.array(GRADS[0]), np.array(THETA0)
    assert OPTIMIZERS["adamax"].defaults["lr"] == 0.002
    assert_rel(p, theta - 0.002 * g / (np.abs(g) + 1e-8), rel=1e-12)
    assert_rel(s.u, np.abs(g) + 1e-8)


@pytest.mark.parametrize("hyper", [{}, {"weight_decay": 0.05},
                                   {"beta1": 0.4, "beta2": 0.99, "eps": 1e-3,
                                    "momentum_decay": 0.3}])
def test_nadam_by_hand(hyper):
    opt = make_optimizer("nadam", lr=0.1, **hyper)
    keys = {"beta1": "b1", "beta2": "b2", "eps": "eps", "weight_decay": "wd",
            "momentum_decay": "psi"}
    want = by_coordinate(hand_nadam, const(0.1), **{keys[k]: v for k, v in hyper.items()})
    got = run_updates(opt)
    for t, ((p, s), (theta, m, v, mp, mu_next)) in enumerate(zip(got, want, strict=True), 1):
        assert isinstance(s, NAdamState) and s.step == t
        assert_rel(p, theta)
        assert_rel(s.m, m)
        assert_rel(s.v, v)
        assert s.mu_product == mp[0] and s.mu_next == mu_next[0]
        assert s.mu_product == f32(s.mu_product)  # torch keeps it in float32
        assert_rel(s.velocity, m * (mu_next / (1 - mp * mu_next)))


def test_nadam_first_step_closed_form():
    """After one update m = (1−β₁)·g, v̂ = g², Π₁ = μ₁:
    θ₁ = θ₀ − lr·(1 + (1−β₁)·μ₂/(1 − μ₁μ₂))·g/(|g| + ε)."""
    p, s = run_updates(make_optimizer("nadam"))[0]
    g, theta = np.array(GRADS[0]), np.array(THETA0)
    mu1, mu2 = (0.9 * (1 - 0.5 * 0.96 ** (k * 0.004)) for k in (1, 2))
    assert math.isclose(s.mu_product, mu1, rel_tol=1e-7)  # float32
    scale = 1 + 0.1 * mu2 / (1 - mu1 * mu2)
    assert_rel(p, theta - 0.002 * scale * g / (np.abs(g) + 1e-8), rel=1e-6)
    assert_rel(s.velocity, 0.1 * g * mu2 / (1 - s.mu_product * mu2), rel=1e-14)


@pytest.mark.parametrize("hyper", [{}, {"weight_decay": 0.05},
                                   {"beta1": 0.4, "beta2": 0.9, "eps": 1e-3},
                                   {"beta2": 0.5}])
def test_radam_by_hand(hyper):
    """Eight updates: ρₜ > 5 from t = 6 on with β₂ = 0.999 or 0.9 (ρ₅ ≈ 4.996, 4.58);
    never with β₂ = 0.5 (ρ∞ = 3)."""
    opt = make_optimizer("radam", lr=0.1, **hyper)
    keys = {"beta1": "b1", "beta2": "b2", "eps": "eps", "weight_decay": "wd"}
    want = by_coordinate(hand_radam, const(0.1), **{keys[k]: v for k, v in hyper.items()})
    got = run_updates(opt)
    rectified = []
    for t, ((p, s), (theta, m, v, rho)) in enumerate(zip(got, want, strict=True), start=1):
        assert isinstance(s, RAdamState) and s.step == t
        assert_rel(p, theta)
        assert_rel(s.m, m)
        assert_rel(s.v, v)
        assert s.rho == rho[0]
        assert_rel(s.velocity, m / (1 - opt.hyper["beta1"] ** t))
        rectified.append(s.rectified)
    first = 99 if hyper.get("beta2") == 0.5 else 6
    assert rectified == [t >= first for t in range(1, len(GRADS) + 1)]


def test_radam_first_steps_are_momentum_steps():
    """ρ₁ = 1 and ρ₂ ≈ 2 (≤ 5): θ ← θ − lr·m̂, so θ₁ = θ₀ − lr·g."""
    (p1, s1), (p2, s2) = run_updates(make_optimizer("radam"))[:2]
    g1, g2, theta = np.array(GRADS[0]), np.array(GRADS[1]), np.array(THETA0)
    assert s1.rho == 1.0 and 1.99 < s2.rho < 2.0 and not s2.rectified
    assert_rel(p1, theta - 0.001 * g1, rel=1e-15)
    m_hat2 = (0.9 * 0.1 * g1 + 0.1 * g2) / (1 - 0.81)
    assert_rel(p2, p1 - 0.001 * m_hat2, rel=1e-14)


@pytest.mark.parametrize("hyper", [{}, {"weight_decay": 0.05}, {"rho": 0.5, "eps": 1e-2}])
def test_adadelta_by_hand(hyper):
    opt = make_optimizer("adadelta", lr=0.5, **hyper)
    keys = {"rho": "rho", "eps": "eps", "weight_decay": "wd"}
    want = by_coordinate(hand_adadelta, const(0.5), **{keys[k]: v for k, v in hyper.items()})
    for t, ((p, s), (theta, v, u)) in enumerate(zip(run_updates(opt), want, strict=True), 1):
        assert isinstance(s, AdadeltaState) and s.step == t
        assert_rel(p, theta)
        assert_rel(s.square_avg, v)
        assert_rel(s.acc_delta, u)
        assert not hasattr(s, "velocity")


def test_adadelta_first_step_closed_form():
    """v = (1−ρ)g², Δ = √ε/√((1−ρ)g² + ε)·g: a first step of about lr·√(ε/(1−ρ))."""
    p, s = run_updates(make_optimizer("adadelta"))[0]
    g, theta = np.array(GRADS[0]), np.array(THETA0)
    delta = math.sqrt(1e-6) / np.sqrt(0.1 * g * g + 1e-6) * g
    assert_rel(p, theta - 1.0 * delta, rel=1e-14)
    assert_rel(s.acc_delta, 0.1 * delta * delta, rel=1e-14)


@pytest.mark.parametrize("hyper", [{}, {"eta_minus": 0.25, "eta_plus": 1.5},
                                   {"step_min": 0.004, "step_max": 0.012},
                                   {"step_min": 0.02, "step_max": 0.005}])
def test_rprop_by_hand(hyper):
    opt = make_optimizer("rprop", lr=0.01, **hyper)
    keys = {"eta_minus": "eta_minus", "eta_plus": "eta_plus", "step_min": "lo",
            "step_max": "hi"}
    want = by_coordinate(hand_rprop, const(0.01), **{keys[k]: v for k, v in hyper.items()})
    for t, ((p, s), (theta, prev, size)) in enumerate(zip(run_updates(opt), want,
                                                          strict=True), 1):
        assert isinstance(s, RpropState) and s.step == t
        assert_rel(p, theta)
        assert_rel(s.prev, prev)
        assert_rel(s.step_size, size)
        assert not hasattr(s, "velocity")


def test_rprop_first_two_steps():
    """Step 1: θ − lr·sign(g). Step 2 here: both signs flip, so the sizes halve, the
    gradient is zeroed and θ stays; prev = 0 makes step 3 neither grow nor shrink."""
    got = run_updates(make_optimizer("rprop"))
    (p1, s1), (p2, s2), (p3, s3) = got[:3]
    theta = np.array(THETA0)
    np.testing.assert_array_equal(p1, theta - 0.01 * np.sign(GRADS[0]))
    np.testing.assert_array_equal(s1.step_size, [0.01, 0.01])
    np.testing.assert_array_equal(s1.prev, GRADS[0])
    np.testing.assert_array_equal(s2.step_size, [0.005, 0.005])
    np.testing.assert_array_equal(s2.prev, [0.0, 0.0])
    np.testing.assert_array_equal(p2, p1)
    np.testing.assert_array_equal(s3.step_size, [0.005, 0.005])
    np.testing.assert_array_equal(p3, p2 - 0.005 * np.sign(GRADS[2]))


def test_rprop_init_shows_the_first_step_sizes():
    opt = make_optimizer("rprop", lr=0.03)
    s = opt.init(np.zeros((4, 2)))
    np.testing.assert_array_equal(s.step_size, np.full((4, 2), 0.03))
    assert not s.prev.any()


@pytest.mark.parametrize("hyper", [{}, {"weight_decay": 0.05},
                                   {"lambd": 0.1, "alpha": 0.5, "t0": 0.0},
                                   {"t0": 3.0}])
def test_asgd_by_hand(hyper):
    """t0 = 0 averages from the third update on (μ₃ = ½), t0 = 3 from the sixth."""
    opt = make_optimizer("asgd", lr=0.05, **hyper)
    keys = {"lambd": "lambd", "alpha": "alpha", "t0": "t0", "weight_decay": "wd"}
    want = by_coordinate(hand_asgd, const(0.05), **{keys[k]: v for k, v in hyper.items()})
    averaged = False
    for t, ((p, s), (theta, eta, mu, ax)) in enumerate(zip(run_updates(opt), want,
                                                           strict=True), 1):
        assert isinstance(s, ASGDState) and s.step == t
        assert_rel(p, theta)
        assert s.eta == eta[0] == f32(s.eta) and s.mu == mu[0] == f32(s.mu)
        assert_rel(s.ax, ax)
        averaged |= not np.array_equal(s.ax, p)
        assert not hasattr(s, "velocity")
    assert averaged == ("t0" in hyper)


def test_asgd_first_two_steps():
    """η₁ = lr as float32; η₂ = lr/(1 + λ·lr)^α; ā = θ until t₀."""
    (p1, s1), (p2, s2) = run_updates(make_optimizer("asgd"))[:2]
    g1, g2, theta = np.array(GRADS[0]), np.array(GRADS[1]), np.array(THETA0)
    eta1 = f32(0.01)
    assert eta1 != 0.01 and abs(eta1 - 0.01) < 1e-9
    assert_rel(p1, theta * (1 - 1e-4 * eta1) - eta1 * g1, rel=1e-15)
    assert s1.eta == f32(0.01 / (1 + 1e-4 * 0.01) ** 0.75) and s1.mu == 1.0
    assert_rel(p2, p1 * (1 - 1e-4 * s1.eta) - s1.eta * g2, rel=1e-15)
    np.testing.assert_array_equal(s2.ax, p2)
    assert not np.shares_memory(s2.ax, p2)


# --------------------------------------------------------------------------------------
# schedules: lr(t) from t = 1, as torch's schedulers set the group's lr
# --------------------------------------------------------------------------------------

HANDS = {"adamax": hand_adamax, "nadam": hand_nadam, "radam": hand_radam,
         "adadelta": hand_adadelta, "rprop": hand_rprop, "asgd": hand_asgd}


@pytest.mark.parametrize("name", NAMES)
def test_schedule_drives_update(name):
    sched = StepDecay(0.05, every=2, gamma=0.5)
    opt = OPTIMIZERS[name].make(schedule=sched)
    assert opt.schedule is sched and opt.hyper["lr"] == 0.05
    want = by_coordinate(HANDS[name], sched)
    for (p, _), (theta, *_) in zip(run_updates(opt), want, strict=True):
        assert_rel(p, theta)
    flat = by_coordinate(HANDS[name], const(0.05))
    # every rule but Rprop's (which reads lr once, like torch) follows the schedule
    assert np.array_equal(want[-1][0], flat[-1][0]) == (name == "rprop")


@pytest.mark.parametrize("name", NAMES)
def test_make_with_schedule_and_hyper(name):
    spec = OPTIMIZERS[name]
    other = {h.name: h.default for h in spec.hyper if h.name != "lr"}
    opt = spec.make(schedule=Exponential(0.02, gamma=0.9), **other)
    assert opt.hyper["lr"] == 0.02 and opt.name == name
    p, _ = opt.update(np.ones(3), opt.init(np.zeros(3)), np.zeros(3))
    assert np.all(p < 0)
    with pytest.raises(ValueError, match="lr"):
        spec.make(schedule=Constant(-1.0))


# --------------------------------------------------------------------------------------
# registry and defaults
# --------------------------------------------------------------------------------------

EXPECTED_DEFAULTS = {
    "adamax": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "nadam": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0,
              "momentum_decay": 4e-3},
    "radam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
    "rprop": {"lr": 1e-2, "eta_minus": 0.5, "eta_plus": 1.2, "step_min": 1e-6,
              "step_max": 50.0},
    "asgd": {"lr": 1e-2, "lambd": 1e-4, "alpha": 0.75, "t0": 1e6, "weight_decay": 0.0},
}


def test_registry_keeps_the_first_eight_and_appends_six():
    assert list(OPTIMIZERS)[:8] == ["gd", "sgd", "momentum", "nesterov", "adagrad",
                                    "rmsprop", "adam", "adamw"]
    assert list(OPTIMIZERS)[8:14] == list(NAMES)  # the second-order ones follow
    for name in NAMES:
        assert get_optimizer(name) is OPTIMIZERS[name]


@pytest.mark.parametrize("name", NAMES)
def test_defaults_literal(name):
    spec = OPTIMIZERS[name]
    assert spec.name == name
    assert spec.defaults == EXPECTED_DEFAULTS[name]
    opt = spec.make()
    assert dict(opt.hyper) == EXPECTED_DEFAULTS[name] and opt.name == name
    assert spec.title and spec.description and "\n" not in spec.description
    assert spec.equations and all(line and "\n" not in line for line in spec.equations)
    for h in spec.hyper:
        assert h.check(h.default) == h.default
        assert h.help and "\n" not in h.help


@pytest.mark.parametrize("name", NAMES)
def test_defaults_match_torch(name):
    torch = pytest.importorskip("torch", reason="torch is an optional reference")
    cls, extra = TORCH_EQUIVALENT[name]
    param = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    theirs = dict(getattr(torch.optim, cls)([param], **extra).defaults)
    for arg, members in TORCH_TUPLES.items():
        if arg in theirs:
            theirs.update(zip(members, theirs.pop(arg), strict=True))
    ours = OPTIMIZERS[name].defaults
    shared = set(ours) & set(theirs)
    assert shared == set(ours)  # every hyperparameter of ours is one of torch's
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
    assert theirs.get("decoupled_weight_decay", False) is False
    assert theirs.get("maximize", False) is False


@pytest.mark.parametrize(("name", "key", "bad"), [
    ("adamax", "beta1", 1.0), ("adamax", "beta2", 1.0), ("adamax", "eps", 0.0),
    ("nadam", "momentum_decay", -0.1), ("nadam", "momentum_decay", 1.5),
    ("radam", "beta2", -0.1), ("adadelta", "rho", 1.1), ("adadelta", "eps", 0.0),
    ("rprop", "eta_minus", 1.0), ("rprop", "eta_minus", 0.0), ("rprop", "eta_plus", 1.0),
    ("rprop", "step_min", -1e-6), ("rprop", "step_max", 0.0), ("asgd", "lambd", -1e-4),
    ("asgd", "alpha", 1.5), ("asgd", "t0", -1.0), ("asgd", "weight_decay", -0.1),
    ("rprop", "weight_decay", 0.1), ("adadelta", "beta1", 0.9),
])
def test_bad_values_refused(name, key, bad):
    with pytest.raises(ValueError, match=key):
        OPTIMIZERS[name].make(**{key: bad})


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lr", [0.0, -1e-3, math.nan, math.inf])
def test_bad_lr_refused(name, lr):
    with pytest.raises(ValueError, match="lr"):
        OPTIMIZERS[name].make(lr=lr)


def test_rprop_crossed_step_bounds_clamp_to_step_max_as_torch_does():
    """No cross-check of step_min ≤ step_max (torch has none): clamp(min, max) with
    min > max gives max, so every step has size step_max."""
    got = run_updates(make_optimizer("rprop", lr=0.01, step_min=0.5, step_max=0.1))
    for _, s in got:
        np.testing.assert_array_equal(s.step_size, [0.1, 0.1])
    np.testing.assert_array_equal(got[0][0], np.array(THETA0) - 0.1 * np.sign(GRADS[0]))


def test_alpha_of_asgd_is_its_own_hyperparameter():
    asgd, rmsprop = OPTIMIZERS["asgd"].hyper_spec("alpha"), OPTIMIZERS["rmsprop"].hyper_spec(
        "alpha")
    assert asgd != rmsprop and asgd.default == 0.75 and "decay" in asgd.help
    assert OPTIMIZERS["asgd"].make(alpha=1.0).hyper["alpha"] == 1.0


# --------------------------------------------------------------------------------------
# purity, aliasing, shapes
# --------------------------------------------------------------------------------------

CONFIGS = [
    ("adamax", {}), ("adamax", {"weight_decay": 0.1, "beta1": 0.3}),
    ("nadam", {}), ("nadam", {"weight_decay": 0.1}),
    ("radam", {}), ("radam", {"weight_decay": 0.1, "beta2": 0.9}),
    ("adadelta", {}), ("adadelta", {"weight_decay": 0.1}),
    ("rprop", {}), ("rprop", {"step_max": 0.06}),
    ("asgd", {}), ("asgd", {"t0": 2.0, "weight_decay": 0.1}),
]
SHAPES = [(5, 2), (7,), (3, 4, 2)]
STEPS = 8  # past RAdam's rectification (t = 6) and ASGD's averaging with t0 = 2


def arrays(state):
    return [x for x in state if isinstance(x, np.ndarray)]


def assert_separate(state):
    """No two array fields of ``state`` share memory."""
    fields = arrays(state)
    for i, a in enumerate(fields):
        for b in fields[i + 1:]:
            assert not np.shares_memory(a, b)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("name", "hyper"), CONFIGS)
def test_update_is_pure(name, hyper, shape):
    rng = np.random.default_rng(1)
    opt = make_optimizer(name, lr=0.05, **hyper)
    p = rng.normal(size=shape)
    saved_p0 = p.copy()
    state = opt.init(p)
    np.testing.assert_array_equal(p, saved_p0)
    assert isinstance(state, tuple) and hasattr(state, "_fields") and state.step == 0
    assert arrays(state)
    for arr in arrays(state):
        assert arr.shape == shape and arr.dtype == np.float64
        assert not np.shares_memory(arr, p)
    assert_separate(state)
    for _ in range(STEPS):
        g = rng.normal(size=shape)
        saved_g, saved_p = g.copy(), p.copy()
        saved_state = [a.copy() for a in arrays(state)]
        new_p, new_state = opt.update(g, state, p)
        np.testing.assert_array_equal(g, saved_g)
        np.testing.assert_array_equal(p, saved_p)
        for arr, saved in zip(arrays(state), saved_state, strict=True):
            np.testing.assert_array_equal(arr, saved)
        assert type(new_state) is type(state) and new_state.step == state.step + 1
        assert new_p.shape == shape and new_p.dtype == np.float64
        assert not np.shares_memory(new_p, p) and not np.shares_memory(new_p, g)
        assert np.isfinite(new_p).all()
        for arr in arrays(new_state):
            assert arr.shape == shape and arr.dtype == np.float64
            for other in (g, p, new_p, *arrays(state)):
                assert not np.shares_memory(arr, other)
        assert_separate(new_state)
        for value in new_state:
            assert isinstance(value, np.ndarray | int | float)
            assert not isinstance(value, np.generic | bool)  # plain Python scalars
        p, state = new_p, new_state


@pytest.mark.parametrize(("name", "hyper"), CONFIGS)
def test_state_is_immutable(name, hyper):
    state = make_optimizer(name, **hyper).init(np.zeros((2, 2)))
    with pytest.raises(AttributeError):
        state.step = 5  # type: ignore[misc]


@pytest.mark.parametrize(("name", "hyper"), CONFIGS)
def test_update_is_elementwise_in_any_shape(name, hyper):
    hand_steps.assert_elementwise_in_any_shape(make_optimizer(name, lr=0.05, **hyper), STEPS)


# --------------------------------------------------------------------------------------
# velocity and the UI's view of the state
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["adamax", "nadam", "radam"])
def test_velocity_points_along_the_mean_gradient(name):
    opt = make_optimizer(name)
    p = np.zeros((3, 2))
    state = opt.init(p)
    assert not state.velocity.any() and state.velocity.shape == (3, 2)
    g = np.tile([1.0, -2.0], (3, 1))
    for _ in range(4):
        p, state = opt.update(g, state, p)
    v = state.velocity
    assert v.shape == (3, 2)
    np.testing.assert_allclose(v / np.abs(v), np.sign(g))  # same direction as a steady g
    snap = Snapshot(state.step, p, state, np.zeros(3), g, np.full(3, "running"),
                    np.zeros(3, dtype=np.int64))
    np.testing.assert_array_equal(probe.velocity(snap), -v)


@pytest.mark.parametrize("name", ["adadelta", "rprop", "asgd"])
def test_no_velocity_where_there_is_no_momentum(name):
    opt = make_optimizer(name)
    p = np.zeros((3, 2))
    p, state = opt.update(np.ones((3, 2)), opt.init(p), p)
    snap = Snapshot(1, p, state, np.zeros(3), np.ones((3, 2)), np.full(3, "running"),
                    np.zeros(3, dtype=np.int64))
    assert probe.velocity(snap) is None


def test_asgd_exposes_the_averaged_iterate():
    opt = make_optimizer("asgd", lr=0.1, t0=0.0)
    p = np.array([[1.0, -1.0]])
    state = opt.init(p)
    trail = []
    for _ in range(6):
        p, state = opt.update(2 * p, state, p)  # f = |θ|²
        trail.append(p)
    # ā averages the iterates from the second on: μ₃ = ½, μ₄ = ⅓, …
    np.testing.assert_allclose(state.ax, np.mean(trail[1:], axis=0), rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_race_scrubs_back_and_replays_exactly(name):
    """The state packs into the timeline and back (float scalars included): scrubbing
    back and running again gives the same trail, and a replay of the spec too."""
    hyper = {"t0": 5.0} if name == "asgd" else {}
    race = Race(RaceSpec("himmelblau", runs=(RunSpec(name, hyper),), start=(-0.5, 0.5),
                         steps=40))
    race.run_to(40)
    first = race.trail(0).copy()
    race.seek(13)
    race.run_to(40)
    np.testing.assert_array_equal(race.trail(0), first)
    np.testing.assert_array_equal(run_race(race.spec)[0].params[:, 0, :], first)
