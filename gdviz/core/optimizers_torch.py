"""The rest of ``torch.optim``: Adamax, NAdam, RAdam, Adadelta, Rprop and ASGD.

Each rule repeats torch's single-tensor path (``_single_tensor_<name>``, what torch runs
on the CPU) operation by operation in float64, with torch's defaults. Like the rules in
``gdviz.core.optimizers`` they are pure ``init``/``update`` pairs: ``update`` never
mutates its inputs and works in place only on arrays it created; params may have any
shape, ``(n, dim)`` points or a flat ``(p,)`` weight vector. ``t`` counts updates from 1
and ``lr(t)`` is the learning rate of update ``t``.

Two torch details matter for bit-level agreement:

* torch keeps a few scalars of the state in 0-d tensors of ``_get_scalar_dtype()``, which
  is float32 unless ``torch.set_default_dtype(torch.float64)`` was called: NAdam's
  ``mu_product`` (multiplied in float32) and ASGD's ``eta`` and ``mu`` (rounded to float32
  when stored). ``SCALAR_DTYPE`` is that dtype; the builders take ``scalar=`` to follow a
  float64 default instead. Step counts are whole numbers and exact either way.
* torch's CPU kernels fuse ``a + b·c`` into one FMA in ``lerp``, ``addcmul`` and ``add``
  with ``alpha``; numpy has no FMA, so those lines round twice here (one ulp at most).
  Everything else, including which quantities are Python floats, the order of the
  scalar arithmetic and ``addcdiv``'s ``(value·a)/b``, is torch's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from gdviz.core.hyper import Value
from gdviz.core.schedules import Schedule

Array = npt.NDArray[np.float64]
InitFn = Callable[[Array], Any]
UpdateFn = Callable[[Array, Any, Array], tuple[Array, Any]]
Scalar = type[np.float32] | type[np.float64]

SCALAR_DTYPE: Scalar = np.float32  # torch's _get_scalar_dtype() with the default dtype


# --------------------------------------------------------------------------------------
# states
# --------------------------------------------------------------------------------------


class AdamaxState(NamedTuple):
    step: int
    m: Array  # exp_avg: running mean of g
    u: Array  # exp_inf: decaying maximum of |g| (+ ε)
    bc1: float  # 1 − β₁ᵗ (1.0 before the first step)

    @property
    def m_hat(self) -> Array:
        return self.m / self.bc1 if self.step else self.m

    @property
    def velocity(self) -> Array:
        """The bias-corrected mean gradient m̂ = m/(1 − β₁ᵗ): the direction Adamax moves
        along (scaled per coordinate by η/u)."""
        return self.m_hat


class NAdamState(NamedTuple):
    step: int
    m: Array  # exp_avg: running mean of g
    v: Array  # exp_avg_sq: running mean of g²
    mu_product: float  # Πₜ = μ₁·…·μₜ as torch keeps it (a float32 tensor by default)
    mu_next: float  # μₜ₊₁, the momentum of the look-ahead term of update t

    @property
    def velocity(self) -> Array:
        """The momentum term of the last update, μₜ₊₁·m/(1 − Πₜ₊₁): what NAdam carries
        along on top of the fresh gradient's (1 − μₜ)·g/(1 − Πₜ)."""
        if not self.step:
            return self.m
        return self.m * (self.mu_next / (1.0 - self.mu_product * self.mu_next))


class RAdamState(NamedTuple):
    step: int
    m: Array  # exp_avg: running mean of g
    v: Array  # exp_avg_sq: running mean of g²
    bc1: float  # 1 − β₁ᵗ (1.0 before the first step)
    bc2: float  # 1 − β₂ᵗ
    rho: float  # ρₜ, the length of the approximated SMA (0.0 before the first step)

    @property
    def rectified(self) -> bool:
        """Whether the last update used the adaptive, rectified step (ρₜ > 5)."""
        return self.rho > 5.0

    @property
    def m_hat(self) -> Array:
        return self.m / self.bc1 if self.step else self.m

    @property
    def velocity(self) -> Array:
        """The bias-corrected mean gradient m̂: the direction RAdam moves along."""
        return self.m_hat


class AdadeltaState(NamedTuple):
    step: int
    square_avg: Array  # v: running mean of g²
    acc_delta: Array  # u: running mean of the squared steps Δ²


class RpropState(NamedTuple):
    step: int
    prev: Array  # the last gradient, 0 where its sign flipped
    step_size: Array  # per-coordinate step sizes (lr before the first update)


class ASGDState(NamedTuple):
    step: int
    eta: float  # ηₜ₊₁, the step size of the next update (stored in float32 by torch)
    mu: float  # μₜ₊₁, the averaging weight of the next update (float32 in torch)
    ax: Array  # ā: the averaged iterate (θ itself until averaging starts at t₀)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _decayed(g: Array, p: Array, wd: float) -> Array:
    """grad.add(param, alpha=wd): g + wd·θ, a new array (g itself when wd = 0)."""
    return g + wd * p if wd else g


def _lerp(start: Array, end: Array, weight: float) -> Array:
    """torch.lerp(start, end, weight) in a new array, with torch's two formulas."""
    out = np.subtract(end, start)
    if abs(weight) < 0.5:
        out *= weight
        out += start
    else:
        out *= 1.0 - weight
        np.subtract(end, out, out=out)
    return out


def _ema_sq(avg: Array, x: Array, decay: float) -> Array:
    """avg.mul(decay).addcmul_(x, x, value=1 − decay), in a new array."""
    out = avg * decay
    sq = x * (1 - decay)
    sq *= x
    out += sq
    return out


def _zeros(p: Array) -> Array:
    return np.zeros_like(p, dtype=np.float64)


# --------------------------------------------------------------------------------------
# update rules
# --------------------------------------------------------------------------------------


def build_adamax(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, UpdateFn]:
    """torch.optim.Adamax: m ← lerp(m, g, 1 − β₁); u ← max(β₂·u, |g| + ε);
    θ ← θ + (−lr/(1 − β₁ᵗ))·m / u."""
    wd, eps, b1, b2 = (float(h[k]) for k in ("weight_decay", "eps", "beta1", "beta2"))

    def init(p: Array) -> AdamaxState:
        return AdamaxState(0, _zeros(p), _zeros(p), 1.0)

    def update(g: Array, s: AdamaxState, p: Array) -> tuple[Array, AdamaxState]:
        t = s.step + 1
        g = _decayed(g, p, wd)
        m = _lerp(s.m, g, 1 - b1)
        u = np.abs(g)
        u += eps
        np.maximum(s.u * b2, u, out=u)
        bc1 = 1 - b1 ** t
        clr = lr(t) / bc1
        step = m * -clr  # addcdiv_(m, u, value=−clr): θ + (value·m)/u
        step /= u
        step += p
        return step, AdamaxState(t, m, u, bc1)

    return init, update


def build_nadam(h: Mapping[str, Value], lr: Schedule,
                scalar: Scalar = SCALAR_DTYPE) -> tuple[InitFn, UpdateFn]:
    """torch.optim.NAdam (decoupled_weight_decay=False), momentum μₜ = β₁(1 − ½·0.96^(tψ))."""
    wd, eps, b1, b2, psi = (float(h[k]) for k in
                            ("weight_decay", "eps", "beta1", "beta2", "momentum_decay"))

    def init(p: Array) -> NAdamState:
        return NAdamState(0, _zeros(p), _zeros(p), 1.0, 0.0)

    def update(g: Array, s: NAdamState, p: Array) -> tuple[Array, NAdamState]:
        t = s.step + 1
        rate = lr(t)
        bc2 = 1 - b2 ** t
        g = _decayed(g, p, wd)
        mu = b1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
        mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
        mu_product = float(scalar(s.mu_product) * scalar(mu))  # `mu_product *= mu`
        m = _lerp(s.m, g, 1 - b1)
        v = _ema_sq(s.v, g, b2)
        denom = v / bc2
        np.sqrt(denom, out=denom)
        mu_product_next = mu_product * mu_next
        denom += eps
        step = g * (-rate * (1.0 - mu) / (1.0 - mu_product))  # two addcdiv_: (value·x)/d
        step /= denom
        step += p
        look = m * ((-rate * mu_next) / (1.0 - mu_product_next))
        look /= denom
        step += look
        return step, NAdamState(t, m, v, mu_product, mu_next)

    return init, update


def build_radam(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, UpdateFn]:
    """torch.optim.RAdam (decoupled_weight_decay=False): the adaptive step, rectified,
    once ρₜ > 5; before that a momentum step θ ← θ − lr·m̂."""
    wd, eps, b1, b2 = (float(h[k]) for k in ("weight_decay", "eps", "beta1", "beta2"))
    rho_inf = 2 / (1 - b2) - 1

    def init(p: Array) -> RAdamState:
        return RAdamState(0, _zeros(p), _zeros(p), 1.0, 1.0, 0.0)

    def update(g: Array, s: RAdamState, p: Array) -> tuple[Array, RAdamState]:
        t = s.step + 1
        rate = lr(t)
        g = _decayed(g, p, wd)
        m = _lerp(s.m, g, 1 - b1)
        v = _ema_sq(s.v, g, b2)
        bc1 = 1 - b1 ** t
        bc2 = 1 - b2 ** t
        step = m / bc1  # bias_corrected_exp_avg
        rho_t = rho_inf - 2 * t * (b2 ** t) / bc2
        step *= rate
        if rho_t > 5.0:
            adaptive = np.sqrt(v)
            adaptive += eps
            np.reciprocal(adaptive, out=adaptive)  # float / tensor = reciprocal() * float
            adaptive *= bc2 ** 0.5
            step *= adaptive
            step *= ((rho_t - 4) * (rho_t - 2) * rho_inf
                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        return np.subtract(p, step, out=step), RAdamState(t, m, v, bc1, bc2, rho_t)

    return init, update


def build_adadelta(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, UpdateFn]:
    """torch.optim.Adadelta: Δ = √(u + ε)/√(v + ε)·g with running means v of g² and u
    of Δ²; θ ← θ − lr·Δ."""
    wd, eps, rho = (float(h[k]) for k in ("weight_decay", "eps", "rho"))

    def init(p: Array) -> AdadeltaState:
        return AdadeltaState(0, _zeros(p), _zeros(p))

    def update(g: Array, s: AdadeltaState, p: Array) -> tuple[Array, AdadeltaState]:
        t = s.step + 1
        g = _decayed(g, p, wd)
        square_avg = _ema_sq(s.square_avg, g, rho)
        std = square_avg + eps
        np.sqrt(std, out=std)
        delta = s.acc_delta + eps
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        acc_delta = _ema_sq(s.acc_delta, delta, rho)
        step = np.multiply(delta, -lr(t), out=std)  # add_(Δ, alpha=−lr): θ + (−lr)·Δ
        step += p
        return step, AdadeltaState(t, square_avg, acc_delta)

    return init, update


def build_rprop(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, UpdateFn]:
    """torch.optim.Rprop. Step sizes start at lr; like torch, which reads the learning
    rate only when it creates the state on the first update, a schedule sets the first
    step size and nothing else. With step_min > step_max every step size is step_max
    after the first update (torch's clamp and numpy's clip agree on that)."""
    em, ep, lo, hi = (float(h[k]) for k in ("eta_minus", "eta_plus", "step_min", "step_max"))

    def init(p: Array) -> RpropState:
        return RpropState(0, _zeros(p), np.full_like(p, lr(1), dtype=np.float64))

    def update(g: Array, s: RpropState, p: Array) -> tuple[Array, RpropState]:
        t = s.step + 1
        # torch fills the step sizes with the group's lr when the state is created
        sizes = np.full_like(p, lr(1), dtype=np.float64) if s.step == 0 else s.step_size
        product = g * s.prev
        factor = np.sign(product)  # NaN stays NaN, as in torch
        flipped = product < 0
        factor[product > 0] = ep
        factor[flipped] = em
        factor[product == 0] = 1.0
        step_size = np.multiply(sizes, factor, out=factor)
        np.clip(step_size, lo, hi, out=step_size)
        prev = g.copy()
        prev[flipped] = 0.0  # no move, and no sign comparison, after a sign flip
        step = np.sign(prev)
        step *= step_size
        return np.subtract(p, step, out=step), RpropState(t, prev, step_size)

    return init, update


def build_asgd(h: Mapping[str, Value], lr: Schedule,
               scalar: Scalar = SCALAR_DTYPE) -> tuple[InitFn, UpdateFn]:
    """torch.optim.ASGD, single-tensor path: θ ← θ·(1 − λη) − η·g with a decaying
    η, and the running average ā of the iterates from update t₀ on."""
    wd, lambd, alpha, t0 = (float(h[k]) for k in ("weight_decay", "lambd", "alpha", "t0"))

    def init(p: Array) -> ASGDState:
        return ASGDState(0, float(scalar(lr(1))), 1.0, _zeros(p))

    def update(g: Array, s: ASGDState, p: Array) -> tuple[Array, ASGDState]:
        t = s.step + 1
        # torch stores eta = lr when the state is created, on the first update
        eta = float(scalar(lr(1))) if s.step == 0 else s.eta
        mu = 1.0 if s.step == 0 else s.mu
        g = _decayed(g, p, wd)
        step = p * (1 - lambd * eta)
        descent = g * -eta  # add_(g, alpha=−η): θ + (−η)·g
        step += descent
        if mu != 1:
            ax = np.subtract(step, s.ax, out=descent)
            ax *= mu
            ax += s.ax
        else:
            np.copyto(descent, step)  # ax.copy_(param)
            ax = descent
        rate = lr(t)
        eta_next = float(scalar(rate / ((1 + lambd * rate * t) ** alpha)))
        mu_next = float(scalar(1 / max(1, t - t0)))
        return step, ASGDState(t, eta_next, mu_next, ax)

    return init, update
