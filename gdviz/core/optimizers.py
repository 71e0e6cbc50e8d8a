"""Optimizers as pure ``init``/``update`` pairs with a typed, frozen state.

Every rule follows ``torch.optim`` in float64, including its defaults, so a
trajectory drawn by gdviz is the one a student gets from PyTorch. Params may have
any shape: a batch of points ``(n, dim)`` or a network's flat weight vector ``(p,)``.
``update`` never mutates its inputs; it works in place only on arrays it created.
Optimizers that need the loss itself (L-BFGS's line search, Newton's Hessian) say so with
``needs_objective`` and take it as a fourth argument of ``update``; ``Optimizer.apply``
calls either kind.

``t`` counts updates from 1. ``g`` is the gradient, ``θ`` the parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from gdviz.core.hyper import (
    ADADELTA_EPS,
    ADAMAX_EPS,
    ALPHA,
    ASGD_ALPHA,
    BATCH_SIZE,
    BETA1,
    BETA2,
    BETA2_INF,
    EPS,
    ETA_MINUS,
    ETA_PLUS,
    LAMBD,
    LR,
    MOMENTUM,
    MOMENTUM_DECAY,
    NESTEROV,
    NOISE,
    RHO,
    RPROP_LR,
    STEP_MAX,
    STEP_MIN,
    T0,
    WEIGHT_DECAY,
    Hyper,
    Value,
)
from gdviz.core.optimizers_second import (
    DAMPING,
    HISTORY_SIZE,
    STRONG_WOLFE,
    TOLERANCE_CHANGE,
    TOLERANCE_GRAD,
    Objective,
    ObjectiveUpdateFn,
    build_lbfgs,
    build_newton,
)
from gdviz.core.optimizers_torch import (
    build_adadelta,
    build_adamax,
    build_asgd,
    build_nadam,
    build_radam,
    build_rprop,
)
from gdviz.core.schedules import Constant, Schedule

Array = npt.NDArray[np.float64]


class SGDState(NamedTuple):
    step: int
    velocity: Array  # momentum buffer b (zeros without momentum)


class AdagradState(NamedTuple):
    step: int
    sum_sq: Array  # s = Σ g²


class RMSpropState(NamedTuple):
    step: int
    square_avg: Array  # v, running mean of g²
    velocity: Array  # momentum buffer b (zeros without momentum)


class AdamState(NamedTuple):
    step: int
    m: Array  # running mean of g
    v: Array  # running mean of g²
    bc1: float  # 1 − β₁ᵗ (1.0 before the first step)
    bc2: float  # 1 − β₂ᵗ

    @property
    def m_hat(self) -> Array:
        return self.m / self.bc1 if self.step else self.m

    @property
    def v_hat(self) -> Array:
        return self.v / self.bc2 if self.step else self.v

    @property
    def velocity(self) -> Array:
        """The bias-corrected mean gradient m̂: the direction Adam is carried along."""
        return self.m_hat


State = SGDState | AdagradState | RMSpropState | AdamState
InitFn = Callable[[Array], Any]
UpdateFn = Callable[[Array, Any, Array], tuple[Array, Any]]


class Optimizer(NamedTuple):
    """A configured optimizer: its registry name, resolved hyperparameters and the pair.

    ``update(grad, state, params)``, or ``update(grad, state, params, objective)`` when
    ``needs_objective``: ``apply`` calls it either way."""

    name: str
    hyper: Mapping[str, Value]
    init: InitFn
    update: UpdateFn | ObjectiveUpdateFn
    schedule: Schedule
    needs_objective: bool = False

    def apply(self, grad: Array, state: Any, params: Array,
              objective: Objective | None = None) -> tuple[Array, Any]:
        """One update; ``objective`` (the landscape) is passed on to optimizers that
        need it and ignored by the others."""
        if not self.needs_objective:
            return cast(UpdateFn, self.update)(grad, state, params)
        if objective is None:
            raise ValueError(f"{self.name} evaluates the loss itself: it needs the "
                             "objective (the landscape) for its update")
        return cast(ObjectiveUpdateFn, self.update)(grad, state, params, objective)


def _decayed(g: Array, p: Array, wd: float) -> Array:
    """g + wd·θ (L2 penalty folded into the gradient), without touching g."""
    return g + wd * p if wd else g


def _sgd(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, UpdateFn]:
    mu, wd, nesterov = float(h.get("momentum", 0.0)), float(h["weight_decay"]), h.get(
        "nesterov", False
    )
    if nesterov and mu == 0.0:
        raise ValueError("nesterov needs momentum > 0")

    def init(p: Array) -> SGDState:
        return SGDState(0, np.zeros_like(p, dtype=np.float64))

    def update(g: Array, s: SGDState, p: Array) -> tuple[Array, SGDState]:
        t = s.step + 1
        g = _decayed(g, p, wd)
        if mu:
            b = g.copy() if t == 1 else s.velocity * mu + g
            direction = g + mu * b if nesterov else b
        else:
            b, direction = s.velocity, g
        return p - lr(t) * direction, SGDState(t, b)

    return init, update


def _adagrad(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, UpdateFn]:
    wd, eps = float(h["weight_decay"]), float(h["eps"])

    def init(p: Array) -> AdagradState:
        return AdagradState(0, np.zeros_like(p, dtype=np.float64))

    def update(g: Array, s: AdagradState, p: Array) -> tuple[Array, AdagradState]:
        t = s.step + 1
        g = _decayed(g, p, wd)
        sum_sq = g * g
        sum_sq += s.sum_sq
        step = np.sqrt(sum_sq)
        step += eps
        np.divide(g, step, out=step)
        step *= lr(t)
        return np.subtract(p, step, out=step), AdagradState(t, sum_sq)

    return init, update


def _rmsprop(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, UpdateFn]:
    wd, eps, alpha, mu = (float(h[k]) for k in ("weight_decay", "eps", "alpha", "momentum"))

    def init(p: Array) -> RMSpropState:
        return RMSpropState(0, np.zeros_like(p, dtype=np.float64),
                            np.zeros_like(p, dtype=np.float64))

    def update(g: Array, s: RMSpropState, p: Array) -> tuple[Array, RMSpropState]:
        t = s.step + 1
        g = _decayed(g, p, wd)
        step = g * (1 - alpha)  # scratch: α·v + ((1−α)·g)·g, torch's addcmul order
        step *= g
        v = s.square_avg * alpha
        v += step
        np.sqrt(v, out=step)
        step += eps
        np.divide(g, step, out=step)
        b = s.velocity
        if mu:
            b = s.velocity * mu + step
            step = b.copy()
        step *= lr(t)
        return np.subtract(p, step, out=step), RMSpropState(t, v, b)

    return init, update


def _adam(h: Mapping[str, Value], lr: Schedule, decoupled: bool) -> tuple[InitFn, UpdateFn]:
    wd, eps, b1, b2 = (float(h[k]) for k in ("weight_decay", "eps", "beta1", "beta2"))

    def init(p: Array) -> AdamState:
        zeros = np.zeros_like(p, dtype=np.float64)
        return AdamState(0, zeros, zeros, 1.0, 1.0)

    def update(g: Array, s: AdamState, p: Array) -> tuple[Array, AdamState]:
        t = s.step + 1
        rate = lr(t)
        if decoupled:
            p = p * (1 - rate * wd) if wd else p
        else:
            g = _decayed(g, p, wd)
        m = g - s.m  # m ← m + (1−β₁)(g − m), the lerp torch uses
        m *= 1 - b1
        m += s.m
        step = g * (1 - b2)  # scratch: ((1−β₂)·g)·g, torch's addcmul order
        step *= g
        v = s.v * b2
        v += step
        bc1, bc2 = 1 - b1**t, 1 - b2**t
        np.sqrt(v, out=step)
        step /= math.sqrt(bc2)
        step += eps
        np.divide(m, step, out=step)
        step *= rate / bc1
        return np.subtract(p, step, out=step), AdamState(t, m, v, bc1, bc2)

    return init, update


@dataclass(frozen=True)
class OptimizerSpec:
    """A registry entry: what the GUI, CLI and scenario files know about an optimizer."""

    name: str
    title: str
    description: str
    equations: tuple[str, ...]  # the update, one readable line per assignment
    hyper: tuple[Hyper, ...]
    build: Callable[[Mapping[str, Value], Schedule],
                    tuple[InitFn, UpdateFn | ObjectiveUpdateFn]] = field(repr=False)
    needs_objective: bool = False  # update takes the objective as a 4th argument

    @property
    def defaults(self) -> dict[str, Value]:
        return {h.name: h.default for h in self.hyper}

    def hyper_spec(self, name: str) -> Hyper:
        for h in self.hyper:
            if h.name == name:
                return h
        raise ValueError(
            f"{self.name} has no hyperparameter {name!r}; "
            f"valid: {', '.join(h.name for h in self.hyper)}"
        )

    def resolve(self, **hyper: object) -> dict[str, Value]:
        """Defaults overridden by ``hyper``, each checked against its spec."""
        values = self.defaults
        for key, value in hyper.items():
            values[key] = self.hyper_spec(key).check(value)
        return values

    def make(self, schedule: Schedule | None = None, **hyper: object) -> Optimizer:
        """A configured optimizer; ``schedule`` (optional) replaces the constant ``lr``."""
        values = self.resolve(**hyper)
        if schedule is not None:
            values["lr"] = self.hyper_spec("lr").check(schedule.base)
        sched = schedule if schedule is not None else Constant(float(values["lr"]))
        init, update = self.build(values, sched)
        return Optimizer(self.name, values, init, update, sched, self.needs_objective)


_SGD_EQ = ("θ ← θ − η·g",)
_MOM_EQ = ("b ← μ·b + g", "θ ← θ − η·b")
OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.name: spec
    for spec in (
        OptimizerSpec("gd", "Gradient descent", "Plain steps against the full gradient.",
                      _SGD_EQ, (LR(1e-3), WEIGHT_DECAY), _sgd),
        OptimizerSpec("sgd", "Stochastic gradient descent",
                      "The GD step fed a noisy gradient: Gaussian noise on formula "
                      "landscapes, a random minibatch on data.",
                      ("ĝ = g + noise", "θ ← θ − η·ĝ"),
                      (LR(1e-3), NOISE, BATCH_SIZE, WEIGHT_DECAY), _sgd),
        OptimizerSpec("momentum", "Momentum", "A heavy ball: velocity accumulates gradients.",
                      _MOM_EQ, (LR(1e-3), MOMENTUM, NESTEROV, WEIGHT_DECAY), _sgd),
        OptimizerSpec("nesterov", "Nesterov momentum",
                      "Momentum that corrects with the gradient one step ahead.",
                      ("b ← μ·b + g", "θ ← θ − η·(g + μ·b)"),
                      (LR(1e-3), MOMENTUM, replace(NESTEROV, default=True),
                       WEIGHT_DECAY), _sgd),
        OptimizerSpec("adagrad", "AdaGrad",
                      "Per-coordinate steps shrink with the sum of all squared gradients.",
                      ("s ← s + g²", "θ ← θ − η·g / (√s + ε)"),
                      (LR(1e-2), EPS(1e-10), WEIGHT_DECAY), _adagrad),
        OptimizerSpec("rmsprop", "RMSProp",
                      "Per-coordinate steps scaled by a running average of squared gradients.",
                      ("v ← α·v + (1−α)·g²", "θ ← θ − η·g / (√v + ε)"),
                      (LR(1e-2), ALPHA, EPS(1e-8),
                       replace(MOMENTUM, default=0.0), WEIGHT_DECAY),
                      _rmsprop),
        OptimizerSpec("adam", "Adam", "Momentum on the mean gradient, scaled per coordinate.",
                      ("m ← β₁·m + (1−β₁)·g", "v ← β₂·v + (1−β₂)·g²",
                       "m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)", "θ ← θ − η·m̂ / (√v̂ + ε)"),
                      (LR(1e-3), BETA1, BETA2, EPS(1e-8), WEIGHT_DECAY),
                      lambda h, lr: _adam(h, lr, decoupled=False)),
        OptimizerSpec("adamw", "AdamW", "Adam with weight decay applied to θ directly.",
                      ("θ ← θ·(1 − η·λ)", "m ← β₁·m + (1−β₁)·g", "v ← β₂·v + (1−β₂)·g²",
                       "θ ← θ − η·m̂ / (√v̂ + ε)"),
                      (LR(1e-3), BETA1, BETA2, EPS(1e-8),
                       replace(WEIGHT_DECAY, default=0.01)),
                      lambda h, lr: _adam(h, lr, decoupled=True)),
        OptimizerSpec("adamax", "Adamax",
                      "Adam with the infinity norm: steps scaled by a decaying maximum of |g|.",
                      ("m ← β₁·m + (1−β₁)·g", "u ← max(β₂·u, |g| + ε)",
                       "θ ← θ − η/(1−β₁ᵗ) · m/u"),
                      (LR(2e-3), BETA1, BETA2_INF, ADAMAX_EPS, WEIGHT_DECAY),
                      build_adamax),
        OptimizerSpec("nadam", "NAdam",
                      "Adam with Nesterov momentum: the step looks ahead along the mean "
                      "gradient.",
                      ("μₜ = β₁·(1 − ½·0.96^(t·ψ))", "Πₜ = μ₁·μ₂·…·μₜ",
                       "m ← β₁·m + (1−β₁)·g", "v ← β₂·v + (1−β₂)·g²",
                       "v̂ = v/(1−β₂ᵗ)",
                       "θ ← θ − η·(1−μₜ)/(1−Πₜ) · g/(√v̂ + ε)",
                       "θ ← θ − η·μₜ₊₁/(1−Πₜ₊₁) · m/(√v̂ + ε)"),
                      (LR(2e-3), BETA1, BETA2, EPS(1e-8), WEIGHT_DECAY, MOMENTUM_DECAY),
                      build_nadam),
        OptimizerSpec("radam", "RAdam",
                      "Adam that switches its adaptive step on gradually, once the "
                      "variance estimate is reliable.",
                      ("m ← β₁·m + (1−β₁)·g", "v ← β₂·v + (1−β₂)·g²",
                       "m̂ = m/(1−β₁ᵗ)",
                       "ρ∞ = 2/(1−β₂) − 1", "ρₜ = ρ∞ − 2t·β₂ᵗ/(1−β₂ᵗ)",
                       "r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ))",
                       "θ ← θ − η·m̂·r·√(1−β₂ᵗ)/(√v + ε)   if ρₜ > 5",
                       "θ ← θ − η·m̂   otherwise"),
                      (LR(1e-3), BETA1, BETA2, EPS(1e-8), WEIGHT_DECAY),
                      build_radam),
        OptimizerSpec("adadelta", "Adadelta",
                      "Steps sized by the ratio of the RMS of past steps to the RMS of "
                      "gradients; η only scales them.",
                      ("v ← ρ·v + (1−ρ)·g²", "Δ = √(u + ε)/√(v + ε) · g",
                       "u ← ρ·u + (1−ρ)·Δ²", "θ ← θ − η·Δ"),
                      (LR(1.0), RHO, ADADELTA_EPS, WEIGHT_DECAY),
                      build_adadelta),
        OptimizerSpec("rprop", "Rprop",
                      "Only the gradient's sign counts: a coordinate's step grows while "
                      "its sign holds and shrinks when it flips.",
                      ("s ← s·η₊ where g·g′ > 0,  s·η₋ where g·g′ < 0   (s starts at η)",
                       "s ← clip(s, s_min, s_max)",
                       "g ← 0 where g·g′ < 0",
                       "θ ← θ − sign(g)·s",
                       "g′ ← g"),
                      (RPROP_LR, ETA_MINUS, ETA_PLUS, STEP_MIN, STEP_MAX),
                      build_rprop),
        OptimizerSpec("asgd", "ASGD",
                      "SGD with a slowly shrinking step that also keeps the running "
                      "average ā of its iterates.",
                      ("θ ← θ·(1 − λ·ηₜ)", "θ ← θ − ηₜ·g", "ā ← ā + μₜ·(θ − ā)",
                       "ηₜ₊₁ = η/(1 + λ·η·t)^α", "μₜ₊₁ = 1/max(1, t − t₀)"),
                      (LR(1e-2), LAMBD, ASGD_ALPHA, T0, WEIGHT_DECAY),
                      build_asgd),
        OptimizerSpec("lbfgs", "L-BFGS",
                      "A quasi-Newton method: it estimates the inverse Hessian from its "
                      "last steps and their gradient changes (torch's LBFGS, one "
                      "iteration per step).",
                      ("s = t·d,  y = g − g_prev   (a pair kept when yᵀs > 1e-10)",
                       "d = −B·g,  B ≈ (∇²f)⁻¹ from the kept pairs (two-loop recursion, "
                       "B₀ = γI, γ = yᵀs/yᵀy);  first step: d = −g",
                       "t = η;  first step: η·min(1, 1/‖g‖₁);  strong_wolfe: line search "
                       "from there",
                       "θ ← θ + t·d   (stays put where max|g| ≤ tolerance_grad or "
                       "gᵀd > −tolerance_change)"),
                      (LR(1.0), HISTORY_SIZE, TOLERANCE_GRAD, TOLERANCE_CHANGE,
                       STRONG_WOLFE),
                      build_lbfgs, needs_objective=True),
        OptimizerSpec("newton", "Newton's method",
                      "Jumps to the stationary point of the local quadratic model, using "
                      "the Hessian: one step on a quadratic bowl, but saddles attract it "
                      "too.",
                      ("Δ = (H + λI)⁻¹·g   (H = ∇²f(θ))", "θ ← θ − η·Δ"),
                      (LR(1.0), DAMPING),
                      build_newton, needs_objective=True),
    )
}


def get_optimizer(name: str) -> OptimizerSpec:
    """The registry entry for ``name``; ValueError listing the valid names otherwise."""
    try:
        return OPTIMIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}"
        ) from None


def make_optimizer(name: str, **hyper: object) -> Optimizer:
    """Shorthand for ``get_optimizer(name).make(**hyper)``."""
    return get_optimizer(name).make(None, **hyper)
