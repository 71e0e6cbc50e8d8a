"""Learning-rate schedules: bit-equal to torch.optim.lr_scheduler, registry and validation."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.hyper import Hyper
from gdviz.core.schedules import (
    SCHEDULES,
    Constant,
    Cosine,
    Exponential,
    ScheduleKind,
    StepDecay,
    make_schedule,
)

STEPS = 300

# (kind, base, options, torch class, its keyword arguments)
TORCH_CASES = [
    ("step", 0.1, {}, "StepLR", {"step_size": 100, "gamma": 0.5}),
    ("step", 0.1, {"every": 30, "gamma": 0.3}, "StepLR", {"step_size": 30, "gamma": 0.3}),
    ("step", 0.7, {"every": 1, "gamma": 0.97}, "StepLR", {"step_size": 1, "gamma": 0.97}),
    ("step", 3e-3, {"every": 7, "gamma": 1.0}, "StepLR", {"step_size": 7, "gamma": 1.0}),
    ("exponential", 0.1, {}, "ExponentialLR", {"gamma": 0.99}),
    ("exponential", 0.05, {"gamma": 0.95}, "ExponentialLR", {"gamma": 0.95}),
    ("exponential", 1.3, {"gamma": 0.999}, "ExponentialLR", {"gamma": 0.999}),
    ("exponential", 0.3, {"gamma": 0.1}, "ExponentialLR", {"gamma": 0.1}),
    ("cosine", 0.1, {}, "CosineAnnealingLR", {"T_max": 200, "eta_min": 0.0}),
    ("cosine", 0.1, {"period": 100}, "CosineAnnealingLR", {"T_max": 100}),
    ("cosine", 0.1, {"period": 300, "floor": 0.001},
     "CosineAnnealingLR", {"T_max": 300, "eta_min": 0.001}),
    # three periods and more: down, up again, down again
    ("cosine", 0.05, {"period": 90, "floor": 0.002},
     "CosineAnnealingLR", {"T_max": 90, "eta_min": 0.002}),
    ("cosine", 0.3, {"period": 37}, "CosineAnnealingLR", {"T_max": 37}),
    ("cosine", 1.0, {"period": 1, "floor": 0.25},
     "CosineAnnealingLR", {"T_max": 1, "eta_min": 0.25}),
    ("cosine", 2e-2, {"period": 7, "floor": 5e-3},
     "CosineAnnealingLR", {"T_max": 7, "eta_min": 5e-3}),
]


def torch_lrs(cls: str, kwargs: dict, base: float, steps: int = STEPS) -> list[float]:
    """param_group['lr'] for updates t = 1..steps, after t − 1 scheduler.step() calls."""
    torch = pytest.importorskip("torch", reason="torch is an optional reference")
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([param], lr=base)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "scheduler.step() before optimizer.step()"
        sched = getattr(torch.optim.lr_scheduler, cls)(opt, **kwargs)
        lrs = []
        for _ in range(steps):
            lrs.append(opt.param_groups[0]["lr"])
            param.grad = torch.ones_like(param)
            opt.step()
            sched.step()
    return lrs


# --------------------------------------------------------------------------------------
# torch, to the last bit
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "base", "options", "cls", "kwargs"), TORCH_CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in TORCH_CASES])
def test_equals_torch_bit_for_bit(kind, base, options, cls, kwargs):
    theirs = torch_lrs(cls, kwargs, base)
    ours = make_schedule(kind, base, **options)
    mine = [ours(t) for t in range(1, STEPS + 1)]
    assert mine == theirs
    assert all(type(lr) is float for lr in mine)
    # fresh object, random order of access: same bits
    fresh = make_schedule(kind, base, **options)
    assert [fresh(t) for t in range(STEPS, 0, -1)] == theirs[::-1]


def test_cosine_rises_again_like_torch():
    theirs = torch_lrs("CosineAnnealingLR", {"T_max": 50, "eta_min": 0.01}, 0.1, 151)
    cos = Cosine(0.1, period=50, floor=0.01)
    assert [cos(t) for t in range(1, 152)] == theirs
    assert cos(51) == 0.01  # bottom of the first period, exactly the floor
    assert cos(76) > 0.05 and math.isclose(cos(101), 0.1, rel_tol=1e-12)  # back up
    assert cos(151) < 0.0101  # and down again


def test_constant_equals_torch_without_scheduler():
    theirs = torch_lrs("ExponentialLR", {"gamma": 1.0}, 0.123)
    assert [Constant(0.123)(t) for t in range(1, STEPS + 1)] == theirs


# --------------------------------------------------------------------------------------
# hand-computed first steps (no torch needed)
# --------------------------------------------------------------------------------------


def test_constant_by_hand():
    c = make_schedule("constant", 0.2)
    assert c == Constant(0.2)
    assert [c(t) for t in (1, 2, 10**6)] == [0.2, 0.2, 0.2]


def test_step_by_hand():
    s = StepDecay(0.1, every=2, gamma=0.5)
    assert [s(t) for t in range(1, 8)] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]
    s = StepDecay(0.1, every=1, gamma=0.3)
    assert [s(t) for t in (1, 2, 3)] == [0.1, 0.1 * 0.3, 0.1 * 0.3 * 0.3]


def test_exponential_by_hand():
    e = Exponential(0.1, gamma=0.9)
    want = [0.1]
    for _ in range(5):
        want.append(want[-1] * 0.9)  # chained, as torch: not 0.1 * 0.9 ** k
    assert [e(t) for t in range(1, 7)] == want
    assert e(1) == 0.1 and e(2) == 0.1 * 0.9 and e(3) == 0.1 * 0.9 * 0.9


def test_cosine_by_hand():
    base, m, T = 0.1, 0.01, 4
    c = Cosine(base, period=T, floor=m)
    want = [base]
    for e in range(1, T + 1):
        ratio = (1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T))
        want.append(ratio * (want[-1] - m) + m)
    assert [c(t) for t in range(1, T + 2)] == want
    assert c(T + 1) == m  # (1 + cos π) = 0: exactly the floor
    # one step past the bottom the ratio would divide by zero: torch adds the first rise
    assert c(T + 2) == m + (base - m) * (1 - math.cos(math.pi / T)) / 2
    assert math.isclose(c(3), m + (base - m) / 2, rel_tol=1e-15)  # halfway at t = T/2 + 1
    assert math.isclose(c(2 * T + 1), base, rel_tol=1e-14)  # back at the top


def test_cosine_period_one_alternates():
    c = Cosine(0.5, period=1, floor=0.1)
    assert [c(t) for t in range(1, 6)] == [0.5, 0.1, 0.5, 0.1, 0.5]


@pytest.mark.parametrize("sched", [StepDecay(0.1, every=3, gamma=0.7),
                                   Exponential(0.2, gamma=0.97),
                                   Cosine(0.1, period=11, floor=0.003)], ids=repr)
def test_random_access_equals_sequential(sched):
    sequential = [sched(t) for t in range(1, 201)]
    fresh = type(sched)(**{k: v for k, v in vars(sched).items() if k != "_lrs"})
    assert fresh == sched
    for t in (150, 3, 200, 1, 77, 199, 2):
        assert fresh(t) == sequential[t - 1]
    assert [fresh(t) for t in range(1, 201)] == sequential


def test_cache_is_linear_and_outside_equality():
    a = Cosine(0.1, period=10)
    assert a(1000) == a(1000)
    assert len(a._lrs) == 1000
    a(10)
    assert len(a._lrs) == 1000  # nothing recomputed
    b = Cosine(0.1, period=10)
    assert a == b and hash(a) == hash(b) and repr(a) == repr(b) == (
        "Cosine(base=0.1, period=10, floor=0.0)")
    assert a != Cosine(0.1, period=11)


@pytest.mark.parametrize("t", [0, -1])
def test_updates_count_from_one(t):
    for sched in (Constant(0.1), Exponential(0.1)):
        with pytest.raises(ValueError, match="from 1"):
            sched(t)


# --------------------------------------------------------------------------------------
# registry and validation
# --------------------------------------------------------------------------------------


def test_registry():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine"]
    for name, kind in SCHEDULES.items():
        assert isinstance(kind, ScheduleKind) and kind.name == name
        assert kind.title and kind.help and "\n" not in kind.help
        assert all(isinstance(h, Hyper) for h in kind.options)
    assert SCHEDULES["cosine"].title == "Cosine annealing"
    assert "CosineAnnealingLR" in SCHEDULES["cosine"].help
    assert "StepLR" in SCHEDULES["step"].help
    assert "ExponentialLR" in SCHEDULES["exponential"].help
    names = {k: [h.name for h in kind.options] for k, kind in SCHEDULES.items()}
    assert names == {"constant": [], "step": ["every", "gamma"], "exponential": ["gamma"],
                     "cosine": ["period", "floor"]}
    assert SCHEDULES["step"].options[0].kind == "int"
    assert SCHEDULES["cosine"].options[0].kind == "int"


def test_resolve_defaults_and_conversion():
    assert SCHEDULES["constant"].resolve() == {}
    assert SCHEDULES["step"].resolve() == {"every": 100, "gamma": 0.5}
    assert SCHEDULES["exponential"].resolve() == {"gamma": 0.99}
    assert SCHEDULES["cosine"].resolve() == {"period": 200, "floor": 0.0}
    got = SCHEDULES["cosine"].resolve(period=50.0, floor="0.01")
    assert got == {"period": 50, "floor": 0.01} and type(got["period"]) is int
    assert SCHEDULES["step"].resolve(gamma=1) == {"every": 100, "gamma": 1.0}


def test_make_schedule_builds_the_dataclasses():
    assert make_schedule("step", 0.2, every=10, gamma=0.1) == StepDecay(0.2, 10, 0.1)
    assert make_schedule("step", 0.2) == StepDecay(0.2, 100, 0.5)
    assert make_schedule("exponential", 0.2) == Exponential(0.2, 0.99)
    assert make_schedule("cosine", 0.2) == Cosine(0.2, 200, 0.0)
    assert make_schedule("cosine", 0.2, period="30", floor=1e-3) == Cosine(0.2, 30, 1e-3)
    assert make_schedule("constant", 0.2) == Constant(0.2)


def test_unknown_kind():
    with pytest.raises(ValueError) as info:
        make_schedule("linear", 0.1)
    assert str(info.value) == (
        "unknown schedule 'linear'; choose one of: constant, step, exponential, cosine")


@pytest.mark.parametrize(("kind", "option", "message"), [
    ("cosine", "gamma", "schedule 'cosine' has no option 'gamma'; valid: period, floor"),
    ("step", "period", "schedule 'step' has no option 'period'; valid: every, gamma"),
    ("exponential", "every", "schedule 'exponential' has no option 'every'; valid: gamma"),
    ("constant", "gamma", "schedule 'constant' has no option 'gamma'; valid: none"),
])
def test_unknown_option(kind, option, message):
    with pytest.raises(ValueError) as info:
        make_schedule(kind, 0.1, **{option: 1})
    assert str(info.value) == message
    with pytest.raises(ValueError, match="has no option"):
        SCHEDULES[kind].resolve(**{option: 1})


@pytest.mark.parametrize(("kind", "options", "match"), [
    ("cosine", {"period": 2.5}, "period must be a whole number"),
    ("cosine", {"period": 0}, r"period must be in \[1, 1e\+06\], got 0"),
    ("cosine", {"period": 2_000_000}, "period must be in"),
    ("cosine", {"floor": -0.1}, r"floor must be in \[0, 10\]"),
    ("cosine", {"floor": 11}, "floor must be in"),
    ("cosine", {"floor": math.nan}, "floor must be finite"),
    ("step", {"every": 0}, "every must be in"),
    ("step", {"every": 1.5}, "every must be a whole number"),
    ("step", {"gamma": 0}, r"gamma must be in \(0, 1\]"),
    ("step", {"gamma": 1.01}, "gamma must be in"),
    ("exponential", {"gamma": 0.0}, r"gamma must be in \(0, 1\]"),
    ("exponential", {"gamma": "fast"}, "gamma must be a finite number"),
    ("exponential", {"gamma": True}, "gamma must be a number"),
])
def test_bad_option_values(kind, options, match):
    with pytest.raises(ValueError, match=match):
        make_schedule(kind, 0.1, **options)
    with pytest.raises(ValueError, match=match):
        SCHEDULES[kind].resolve(**options)


def test_dataclasses_check_their_options_too():
    with pytest.raises(ValueError, match="period must be in"):
        Cosine(0.1, period=0)
    with pytest.raises(ValueError, match="gamma must be in"):
        Exponential(0.1, gamma=1.5)
    with pytest.raises(ValueError, match="every must be a whole number"):
        StepDecay(0.1, every=2.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# property: any valid options give finite rates in the expected band
# --------------------------------------------------------------------------------------

bases = st.floats(1e-4, 10.0)
gammas = st.floats(1e-3, 1.0, exclude_min=False)


@st.composite
def schedules(draw):
    kind = draw(st.sampled_from(list(SCHEDULES)))
    base = draw(bases)
    if kind == "step":
        options = {"every": draw(st.integers(1, 50)), "gamma": draw(gammas)}
    elif kind == "exponential":
        options = {"gamma": draw(st.floats(0.9, 1.0))}
    elif kind == "cosine":
        options = {"period": draw(st.integers(1, 120)),
                   "floor": draw(st.floats(0.0, base))}
    else:
        options = {}
    return make_schedule(kind, base, **options)


@settings(max_examples=150, deadline=None)
@given(schedules(), st.integers(1, 400))
def test_rates_stay_in_their_band(sched, last):
    lrs = [sched(t) for t in range(1, last + 1)]
    assert lrs[0] == sched.base
    assert all(math.isfinite(lr) for lr in lrs)
    if isinstance(sched, Cosine):
        # never below the floor (each step adds a product of non-negatives to it); the
        # chained form's rounding can overshoot the base on the way back up (~1e-13 seen)
        assert all(sched.floor <= lr <= sched.base * (1 + 1e-10) for lr in lrs)
    else:
        assert all(0 <= lr <= sched.base for lr in lrs)  # may underflow to 0, never below
        assert all(b <= a for a, b in zip(lrs, lrs[1:], strict=False))  # never rises
    assert sched(last) == lrs[-1] and sched(1) == sched.base
