"""Optimizers: update rules against hand computations, defaults, purity, validation, schedules.

The hand computations below use plain Python floats and the ``math`` module only; each
rule is written out literally from DESIGN.md ("Update rules, as torch.optim computes
them"), one coordinate at a time, on a fixed gradient sequence that does not depend on θ.
"""

from __future__ import annotations

import math
import warnings
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.hyper import Hyper
from gdviz.core.optimizers import (
    OPTIMIZERS,
    AdagradState,
    AdamState,
    RMSpropState,
    SGDState,
    get_optimizer,
    make_optimizer,
)
from gdviz.core.schedules import (
    SCHEDULES,
    Constant,
    Cosine,
    Exponential,
    StepDecay,
    make_schedule,
)
from tests.core import hand_steps
from tests.core.hand_steps import THETA0, assert_rel
from tests.core.torch_equivalents import TORCH_EQUIVALENT

GRADS = ((0.3, -1.7), (-2.5, 0.04), (1.1, 0.6))  # g for updates t = 1, 2, 3
run_updates = partial(hand_steps.run_updates, grads=GRADS)
by_coordinate = partial(hand_steps.by_coordinate, grads=GRADS)


# --------------------------------------------------------------------------------------
# hand-written reference rules: one coordinate, plain floats
# --------------------------------------------------------------------------------------


def hand_sgd(theta, grads, lr, wd=0.0, mu=0.0, nesterov=False):
    """SGD: g += wd·θ; b = g first, else μ·b + g; nesterov g + μ·b else b; θ −= lr·g."""
    out, b = [], None
    for t, g in enumerate(grads, start=1):
        g = g + wd * theta
        if mu != 0.0:
            b = g if t == 1 else mu * b + g
            g = g + mu * b if nesterov else b
        theta = theta - lr * g
        out.append((theta, b))
    return out


def hand_adagrad(theta, grads, lr, eps=1e-10, wd=0.0):
    """Adagrad: g += wd·θ; s += g²; θ −= lr·g / (√s + eps)."""
    out, s = [], 0.0
    for g in grads:
        g = g + wd * theta
        s = s + g * g
        theta = theta - lr * g / (math.sqrt(s) + eps)
        out.append((theta, s))
    return out


def hand_rmsprop(theta, grads, lr, alpha=0.99, eps=1e-8, wd=0.0, mu=0.0):
    """RMSprop: v = α·v + (1−α)·g²; plain θ −= lr·g/(√v+eps), or b = μ·b + g/(√v+eps)."""
    out, v, b = [], 0.0, 0.0
    for g in grads:
        g = g + wd * theta
        v = alpha * v + (1 - alpha) * g * g
        if mu != 0.0:
            b = mu * b + g / (math.sqrt(v) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (math.sqrt(v) + eps)
        out.append((theta, v, b))
    return out


def hand_adam(theta, grads, lr, beta1=0.9, beta2=0.999, eps=1e-8, wd=0.0, decoupled=False):
    """Adam (L2 in g) or AdamW (θ *= 1 − lr·wd first, no L2 in g)."""
    out, m, v = [], 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        if decoupled:
            theta = theta * (1 - lr * wd)
        else:
            g = g + wd * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        denom = math.sqrt(v) / math.sqrt(1 - beta2**t) + eps
        theta = theta - (lr / (1 - beta1**t)) * m / denom
        out.append((theta, m, v))
    return out


# --------------------------------------------------------------------------------------
# update rules by hand
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gd", "sgd"])
@pytest.mark.parametrize("wd", [0.0, 0.05])
def test_gd_by_hand(name, wd):
    opt = make_optimizer(name, lr=0.1, weight_decay=wd)
    want = by_coordinate(hand_sgd, lr=0.1, wd=wd)
    for (p, state), (theta, _) in zip(run_updates(opt), want, strict=True):
        assert_rel(p, theta)
        assert isinstance(state, SGDState)
    assert run_updates(opt)[-1][1].step == 3


@pytest.mark.parametrize("wd", [0.0, 0.05])
def test_momentum_by_hand(wd):
    opt = make_optimizer("momentum", lr=0.1, weight_decay=wd)
    assert opt.hyper["momentum"] == 0.9
    want = by_coordinate(hand_sgd, lr=0.1, wd=wd, mu=0.9)
    got = run_updates(opt)
    for (p, state), (theta, b) in zip(got, want, strict=True):
        assert_rel(p, theta)
        assert_rel(state.velocity, b)
    # first step: b = g (+ wd·θ0), no dampening, no (1 − μ) factor
    first = np.array(GRADS[0]) + wd * np.array(THETA0)
    np.testing.assert_array_equal(got[0][1].velocity, first)
    assert [s.step for _, s in got] == [1, 2, 3]


@pytest.mark.parametrize("wd", [0.0, 0.05])
@pytest.mark.parametrize("name", ["nesterov", "momentum"])
def test_nesterov_by_hand(name, wd):
    opt = make_optimizer(name, lr=0.1, momentum=0.8, nesterov=True, weight_decay=wd)
    want = by_coordinate(hand_sgd, lr=0.1, wd=wd, mu=0.8, nesterov=True)
    for (p, state), (theta, b) in zip(run_updates(opt), want, strict=True):
        assert_rel(p, theta)
        assert_rel(state.velocity, b)
    plain = by_coordinate(hand_sgd, lr=0.1, wd=wd, mu=0.8)
    assert not np.allclose(want[-1][0], plain[-1][0])  # the look-ahead makes a difference


def test_nesterov_is_default_for_nesterov_spec():
    want = by_coordinate(hand_sgd, lr=0.1, mu=0.9, nesterov=True)
    assert_rel(run_updates(make_optimizer("nesterov", lr=0.1))[-1][0], want[-1][0])


@pytest.mark.parametrize("wd", [0.0, 0.05])
@pytest.mark.parametrize("eps", [1e-10, 0.5])
def test_adagrad_by_hand(wd, eps):
    opt = make_optimizer("adagrad", lr=0.1, eps=eps, weight_decay=wd)
    want = by_coordinate(hand_adagrad, lr=0.1, eps=eps, wd=wd)
    for (p, state), (theta, s) in zip(run_updates(opt), want, strict=True):
        assert isinstance(state, AdagradState)
        assert_rel(p, theta)
        assert_rel(state.sum_sq, s)


def test_adagrad_eps_is_added_after_the_root():
    # g = 1e-11: √s = 1e-11, so the step is lr·g/(√s + eps) = lr/11 with the default eps
    opt = make_optimizer("adagrad", lr=0.1)
    assert opt.hyper["eps"] == 1e-10
    p, _ = opt.update(np.array([1e-11]), opt.init(np.array([1.0])), np.array([1.0]))
    assert_rel(p, [1.0 - 0.1 * 1e-11 / (1e-11 + 1e-10)])
    assert math.isclose(1.0 - p[0], 0.1 / 11, rel_tol=1e-9)


@pytest.mark.parametrize("wd", [0.0, 0.05])
@pytest.mark.parametrize("mu", [0.0, 0.9])
def test_rmsprop_by_hand(wd, mu):
    opt = make_optimizer("rmsprop", lr=0.01, momentum=mu, weight_decay=wd)
    want = by_coordinate(hand_rmsprop, lr=0.01, wd=wd, mu=mu)
    for (p, state), (theta, v, b) in zip(run_updates(opt), want, strict=True):
        assert isinstance(state, RMSpropState)
        assert_rel(p, theta)
        assert_rel(state.square_avg, v)
        if mu:
            assert_rel(state.velocity, b)


def test_rmsprop_alpha_and_eps_are_used():
    opt = make_optimizer("rmsprop", lr=0.01, alpha=0.5, eps=0.25)
    want = by_coordinate(hand_rmsprop, lr=0.01, alpha=0.5, eps=0.25)
    for (p, _), (theta, _, _) in zip(run_updates(opt), want, strict=True):
        assert_rel(p, theta)


@pytest.mark.parametrize("wd", [0.0, 0.05])
def test_adam_by_hand(wd):
    opt = make_optimizer("adam", lr=0.1, weight_decay=wd)
    want = by_coordinate(hand_adam, lr=0.1, wd=wd)
    for t, ((p, state), (theta, m, v)) in enumerate(zip(run_updates(opt), want, strict=True), 1):
        assert isinstance(state, AdamState)
        assert state.step == t
        assert_rel(p, theta)
        assert_rel(state.m, m)
        assert_rel(state.v, v)
        assert_rel(state.m_hat, m / (1 - 0.9**t))
        assert_rel(state.v_hat, v / (1 - 0.999**t))
        assert_rel(state.velocity, state.m_hat)


def test_adam_custom_betas_by_hand():
    opt = make_optimizer("adam", lr=0.05, beta1=0.7, beta2=0.95, eps=1e-3)
    want = by_coordinate(hand_adam, lr=0.05, beta1=0.7, beta2=0.95, eps=1e-3)
    for (p, _), (theta, _, _) in zip(run_updates(opt), want, strict=True):
        assert_rel(p, theta)


@pytest.mark.parametrize("wd", [0.01, 0.3])
def test_adamw_decoupled_decay_by_hand(wd):
    opt = make_optimizer("adamw", lr=0.1, weight_decay=wd)
    want = by_coordinate(hand_adam, lr=0.1, wd=wd, decoupled=True)
    for (p, state), (theta, m, v) in zip(run_updates(opt), want, strict=True):
        assert_rel(p, theta)
        assert_rel(state.m, m)  # the raw gradient feeds m, not g + wd·θ
        assert_rel(state.v, v)
    coupled = by_coordinate(hand_adam, lr=0.1, wd=wd)
    assert not np.allclose(want[-1][0], coupled[-1][0])


def test_adamw_default_decay():
    want = by_coordinate(hand_adam, lr=0.1, wd=0.01, decoupled=True)
    assert_rel(run_updates(make_optimizer("adamw", lr=0.1))[-1][0], want[-1][0])


# --------------------------------------------------------------------------------------
# defaults
# --------------------------------------------------------------------------------------

EXPECTED_DEFAULTS = {
    "gd": {"lr": 1e-3, "weight_decay": 0.0},
    "sgd": {"lr": 1e-3, "noise": 1.0, "batch_size": 32, "weight_decay": 0.0},
    "momentum": {"lr": 1e-3, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0},
    "nesterov": {"lr": 1e-3, "momentum": 0.9, "nesterov": True, "weight_decay": 0.0},
    "adagrad": {"lr": 1e-2, "eps": 1e-10, "weight_decay": 0.0},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "weight_decay": 0.0},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
}

# torch class and the constructor arguments that make it the same optimizer


def test_registry_names():
    assert list(OPTIMIZERS)[:len(EXPECTED_DEFAULTS)] == list(EXPECTED_DEFAULTS)
    assert {"adamax", "nadam", "radam", "adadelta", "rprop", "asgd"} <= set(OPTIMIZERS)


@pytest.mark.parametrize("name", list(EXPECTED_DEFAULTS))
def test_defaults_literal(name):
    spec = OPTIMIZERS[name]
    assert spec.defaults == EXPECTED_DEFAULTS[name]
    opt = spec.make()
    assert dict(opt.hyper) == EXPECTED_DEFAULTS[name]
    assert opt.name == name
    for h in spec.hyper:
        assert h.check(h.default) == h.default  # every default lies in its own range


@pytest.mark.parametrize("name", list(EXPECTED_DEFAULTS))
def test_defaults_match_torch(name):
    torch = pytest.importorskip("torch", reason="torch is an optional reference")
    cls, extra = TORCH_EQUIVALENT[name]
    param = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    theirs = dict(getattr(torch.optim, cls)([param], **extra).defaults)
    if "betas" in theirs:
        theirs["beta1"], theirs["beta2"] = theirs.pop("betas")
    ours = OPTIMIZERS[name].defaults
    shared = sorted(set(ours) & set(theirs))
    assert "lr" in shared and "weight_decay" in shared
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
    # torch's own SGD default is momentum 0; only our "momentum" spec differs by design
    if name == "momentum":
        assert torch.optim.SGD([param]).defaults["momentum"] == 0


# --------------------------------------------------------------------------------------
# purity
# --------------------------------------------------------------------------------------

CONFIGS = [
    ("gd", {"weight_decay": 0.1}),
    ("gd", {}),
    ("sgd", {}),
    ("momentum", {}),
    ("momentum", {"weight_decay": 0.1}),
    ("nesterov", {"weight_decay": 0.1}),
    ("adagrad", {"weight_decay": 0.1}),
    ("adagrad", {}),
    ("rmsprop", {}),
    ("rmsprop", {"momentum": 0.9, "weight_decay": 0.1}),
    ("adam", {"weight_decay": 0.1}),
    ("adamw", {}),
]
SHAPES = [(5, 2), (7,), (3, 4, 2)]


def state_arrays(state):
    return [x for x in state if isinstance(x, np.ndarray)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("name", "hyper"), CONFIGS)
def test_update_is_pure(name, hyper, shape):
    rng = np.random.default_rng(1)
    opt = make_optimizer(name, lr=0.05, **hyper)
    p = rng.normal(size=shape)
    state = opt.init(p)
    assert isinstance(state, tuple) and hasattr(state, "_fields")  # a NamedTuple
    assert state.step == 0
    for arr in state_arrays(state):
        assert arr.shape == shape and arr.dtype == np.float64
        assert not arr.any()
    for _ in range(3):
        g = rng.normal(size=shape)
        saved_g, saved_p = g.copy(), p.copy()
        saved_state = [a.copy() for a in state_arrays(state)]
        new_p, new_state = opt.update(g, state, p)
        np.testing.assert_array_equal(g, saved_g)
        np.testing.assert_array_equal(p, saved_p)
        for arr, saved in zip(state_arrays(state), saved_state, strict=True):
            np.testing.assert_array_equal(arr, saved)
        assert new_p.shape == shape and new_p.dtype == np.float64
        assert not np.shares_memory(new_p, p) and not np.shares_memory(new_p, g)
        assert not np.array_equal(new_p, p)
        for arr in state_arrays(new_state):
            assert arr.shape == shape and arr.dtype == np.float64
            # a state that aliased the caller's g or p would change when they reuse them
            assert not np.shares_memory(arr, g) and not np.shares_memory(arr, p)
            assert not np.shares_memory(arr, new_p)
        assert new_state.step == state.step + 1
        p, state = new_p, new_state


@pytest.mark.parametrize(("name", "hyper"), CONFIGS)
def test_state_is_immutable(name, hyper):
    opt = make_optimizer(name, **hyper)
    state = opt.init(np.zeros((2, 2)))
    with pytest.raises(AttributeError):
        state.step = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        opt.lr = 1.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "hyper"), CONFIGS)
def test_update_is_elementwise_in_any_shape(name, hyper):
    hand_steps.assert_elementwise_in_any_shape(make_optimizer(name, lr=0.05, **hyper), 3)


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPECTED_DEFAULTS))
@pytest.mark.parametrize("lr", [0.0, -1e-3, -0.0, math.nan, math.inf, -math.inf, "nan", "inf"])
def test_bad_lr_refused(name, lr):
    with pytest.raises(ValueError, match="lr"):
        OPTIMIZERS[name].make(lr=lr)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "rmsprop"])
@pytest.mark.parametrize("mu", [1.0, 1.5, -0.1, "1"])
def test_bad_momentum_refused(name, mu):
    with pytest.raises(ValueError, match="momentum"):
        OPTIMIZERS[name].make(momentum=mu)


@pytest.mark.parametrize("name", list(EXPECTED_DEFAULTS))
def test_negative_weight_decay_refused(name):
    with pytest.raises(ValueError, match="weight_decay"):
        OPTIMIZERS[name].make(weight_decay=-1e-4)


@pytest.mark.parametrize(("name", "key"), [("adam", "beta1"), ("adamw", "beta2"),
                                           ("rmsprop", "alpha")])
def test_decay_rates_below_one(name, key):
    with pytest.raises(ValueError, match=key):
        OPTIMIZERS[name].make(**{key: 1.0})
    assert OPTIMIZERS[name].make(**{key: 0.0}).hyper[key] == 0.0


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam", "adamw"])
def test_eps_must_be_positive(name):
    with pytest.raises(ValueError, match="eps"):
        OPTIMIZERS[name].make(eps=0.0)


def test_unknown_optimizer_lists_valid_names():
    for call in (lambda: get_optimizer("adamaxx"), lambda: make_optimizer("adamaxx", lr=1)):
        with pytest.raises(ValueError, match="adamaxx") as info:
            call()
        for name in EXPECTED_DEFAULTS:
            assert name in str(info.value)


def test_unknown_hyperparameter_lists_valid_names():
    with pytest.raises(ValueError, match="beta1") as info:
        OPTIMIZERS["gd"].make(beta1=0.9)
    assert "lr" in str(info.value) and "weight_decay" in str(info.value)
    with pytest.raises(ValueError, match="momentum"):
        OPTIMIZERS["adam"].make(momentum=0.9)


def test_nesterov_needs_momentum():
    with pytest.raises(ValueError, match="nesterov"):
        OPTIMIZERS["nesterov"].make(momentum=0)
    with pytest.raises(ValueError, match="nesterov"):
        OPTIMIZERS["momentum"].make(momentum=0.0, nesterov=True)
    assert OPTIMIZERS["momentum"].make(momentum=0.0).hyper["momentum"] == 0.0


@pytest.mark.parametrize("value", ["fast", "", "1e-3x", "0.1.2", "none", None, [0.1], True])
def test_non_numbers_refused(value):
    with pytest.raises(ValueError, match="lr"):
        OPTIMIZERS["adam"].make(lr=value)


def test_strings_are_parsed():
    opt = OPTIMIZERS["sgd"].make(lr="0.01", batch_size="64", noise=" 2.5 ")
    assert opt.hyper["lr"] == 0.01 and isinstance(opt.hyper["lr"], float)
    assert opt.hyper["batch_size"] == 64 and isinstance(opt.hyper["batch_size"], int)
    assert opt.hyper["noise"] == 2.5
    assert OPTIMIZERS["momentum"].make(nesterov="true").hyper["nesterov"] is True
    assert OPTIMIZERS["nesterov"].make(nesterov="off").hyper["nesterov"] is False
    with pytest.raises(ValueError, match="batch_size"):
        OPTIMIZERS["sgd"].make(batch_size=2.5)
    with pytest.raises(ValueError, match="nesterov"):
        OPTIMIZERS["momentum"].make(nesterov="maybe")


def test_upper_bound_is_inclusive_for_lr():
    assert OPTIMIZERS["gd"].make(lr=10).hyper["lr"] == 10.0
    with pytest.raises(ValueError, match="lr"):
        OPTIMIZERS["gd"].make(lr=10.000001)
    assert OPTIMIZERS["gd"].make(lr=5e-324).hyper["lr"] == 5e-324


ALL_HYPERS = sorted(
    {(h.name, h): h for spec in OPTIMIZERS.values() for h in spec.hyper}.values(),
    key=lambda h: (h.name, str(h.default)),
)


def inside(h: Hyper, value: object) -> bool:
    """Independent statement of "a valid value of h"."""
    if h.kind == "bool":
        return type(value) is bool
    if h.kind == "int" and type(value) is not int:
        return False
    if h.kind == "float" and type(value) is not float:
        return False
    x = float(value)  # type: ignore[arg-type]
    if not math.isfinite(x):
        return False
    above = x > h.lo if h.lo_open else x >= h.lo
    below = x < h.hi if h.hi_open else x <= h.hi
    return above and below


ANY_INPUT = st.one_of(
    st.floats(),
    st.floats().map(str),
    st.text(),
    st.text(alphabet="0123456789.-+eE_ infa"),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.booleans(),
)


@pytest.mark.parametrize("h", ALL_HYPERS, ids=lambda h: f"{h.name}-{h.default}")
@settings(max_examples=300, deadline=None)
@given(value=ANY_INPUT)
def test_check_returns_valid_value_or_value_error(h, value):
    try:
        got = h.check(value)
    except ValueError as exc:
        assert h.name in str(exc)
        return
    assert inside(h, got), (value, got)


def test_check_huge_int_raises_value_error():
    with pytest.raises(ValueError, match="lr"):
        OPTIMIZERS["gd"].make(lr=10**400)


# --------------------------------------------------------------------------------------
# schedules
# --------------------------------------------------------------------------------------


def test_schedule_values():
    assert [Constant(0.1)(t) for t in (1, 2, 1000)] == [0.1, 0.1, 0.1]
    step = StepDecay(0.1, every=100, gamma=0.5)
    assert [step(t) for t in (1, 100, 101, 200, 201, 301)] == [
        0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]
    exp = Exponential(0.1, gamma=0.99)
    assert exp(1) == 0.1
    assert math.isclose(exp(2), 0.099, rel_tol=1e-15)
    assert math.isclose(exp(11), 0.1 * 0.99**10, rel_tol=1e-15)
    cos = Cosine(0.1, period=200, floor=0.001)
    assert cos(1) == 0.1
    assert math.isclose(cos(101), (0.1 + 0.001) / 2, rel_tol=1e-15)
    assert math.isclose(cos(51), 0.001 + 0.099 * (1 + math.cos(math.pi / 4)) / 2, rel_tol=1e-15)
    assert math.isclose(cos(201), 0.001, rel_tol=1e-15)
    # past its period the cosine rises again, as torch's CosineAnnealingLR computes it
    assert cos(201) == 0.001 < cos(250)


def test_schedule_defaults_and_factory():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine"]
    assert make_schedule("step", 0.2, every=10, gamma=0.1) == StepDecay(0.2, 10, 0.1)
    assert make_schedule("cosine", 0.2) == Cosine(0.2, 200, 0.0)
    assert make_schedule("exponential", 0.2) == Exponential(0.2, 0.99)
    assert make_schedule("constant", 0.2) == Constant(0.2)
    with pytest.raises(ValueError, match="linear") as info:
        make_schedule("linear", 0.1)
    assert all(name in str(info.value) for name in SCHEDULES)
    with pytest.raises(ValueError, match="step"):
        make_schedule("step", 0.1, period=5)


def test_schedule_drives_update():
    sched = StepDecay(0.1, every=1, gamma=0.5)
    opt = OPTIMIZERS["gd"].make(schedule=sched)
    assert opt.schedule is sched and opt.hyper["lr"] == 0.1
    p = np.array([0.0])
    state = opt.init(p)
    for _ in range(3):
        p, state = opt.update(np.array([-1.0]), state, p)
    assert p[0] == 0.1 + 0.05 + 0.025
    # decoupled decay follows the scheduled lr as well
    opt = OPTIMIZERS["adamw"].make(schedule=Exponential(0.1, gamma=0.5), weight_decay=0.5)
    want = by_coordinate(hand_adam, lr=0.1, wd=0.5, decoupled=True)[0][0]
    assert_rel(run_updates(opt)[0][0], want)  # t = 1 uses the base rate


@pytest.mark.parametrize("base", [0.0, -0.1, math.nan])
def test_schedule_base_is_checked(base):
    with pytest.raises(ValueError, match="lr"):
        OPTIMIZERS["gd"].make(schedule=Constant(base))


TORCH_SCHEDULES = [
    (StepDecay(0.1, every=30, gamma=0.5), "StepLR", {"step_size": 30, "gamma": 0.5}),
    (StepDecay(0.1), "StepLR", {"step_size": 100, "gamma": 0.5}),
    (Exponential(0.1, gamma=0.99), "ExponentialLR", {"gamma": 0.99}),
    (Exponential(0.05, gamma=0.95), "ExponentialLR", {"gamma": 0.95}),
    (Cosine(0.1, period=300, floor=0.001), "CosineAnnealingLR", {"T_max": 300, "eta_min": 0.001}),
    (Cosine(0.1, period=300), "CosineAnnealingLR", {"T_max": 300}),
]


def torch_lrs(torch, cls, kwargs, base, steps):
    """The lr torch uses for updates t = 1..steps (after t − 1 scheduler.step() calls)."""
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([param], lr=base)
    sched = getattr(torch.optim.lr_scheduler, cls)(opt, **kwargs)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


@pytest.mark.parametrize(("ours", "cls", "kwargs"), TORCH_SCHEDULES, ids=lambda x: str(x)[:40])
def test_schedule_matches_torch(ours, cls, kwargs):
    torch = pytest.importorskip("torch", reason="torch is an optional reference")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theirs = torch_lrs(torch, cls, kwargs, ours.base, 300)
    mine = [ours(t) for t in range(1, 301)]
    np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=0)
    assert len(set(mine)) > 1 or cls == "StepLR"


def test_cosine_matches_torch_within_its_period():
    """Default period 200: equal to torch up to t = 201 (lr = floor), held after that."""
    torch = pytest.importorskip("torch", reason="torch is an optional reference")
    ours = Cosine(0.1, floor=0.01)
    theirs = torch_lrs(torch, "CosineAnnealingLR", {"T_max": 200, "eta_min": 0.01}, 0.1, 201)
    np.testing.assert_allclose([ours(t) for t in range(1, 202)], theirs, rtol=1e-12, atol=0)
