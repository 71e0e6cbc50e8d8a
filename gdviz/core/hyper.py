"""Hyperparameter specifications: default, valid range, scale and a one-line meaning.

The GUI builds its editors from these, the CLI parses ``NAME:k=v`` with them and the
scenario loader validates against them, so a value is checked the same way everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Kind = Literal["float", "int", "bool"]
Value = float | int | bool


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter.

    ``lo``/``hi`` bound the valid range; ``lo_open`` makes the lower bound exclusive
    (``lr`` must be > 0) and ``hi_open`` the upper one (``momentum`` < 1).
    """

    name: str
    default: Value
    lo: float
    hi: float
    help: str
    kind: Kind = "float"
    log: bool = False
    lo_open: bool = False
    hi_open: bool = False

    def range_text(self) -> str:
        if self.kind == "bool":
            return "true or false"
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open else "]"
        return f"{left}{self.lo:g}, {self.hi:g}{right}"

    def check(self, value: object) -> Value:
        """Return ``value`` converted to this kind, or raise ValueError saying why."""
        if self.kind == "bool":
            return _to_bool(self.name, value)
        if isinstance(value, bool):
            raise ValueError(f"{self.name} must be a number, not {value!r}")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{self.name} must be a finite number, got {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"{self.name} must be finite, got {value!r}")
        if self.kind == "int":
            if number != int(number):
                raise ValueError(f"{self.name} must be a whole number, got {value!r}")
        too_low = number <= self.lo if self.lo_open else number < self.lo
        too_high = number >= self.hi if self.hi_open else number > self.hi
        if too_low or too_high:
            raise ValueError(f"{self.name} must be in {self.range_text()}, got {number:g}")
        return int(number) if self.kind == "int" else number


def _to_bool(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"):
        return False
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{name} must be true or false, got {value!r}")


def LR(default: float) -> Hyper:  # noqa: N802 - reads like the other constants
    return Hyper("lr", default, 0.0, 10.0, "learning rate η: the size of each step",
                 log=True, lo_open=True)


MOMENTUM = Hyper("momentum", 0.9, 0.0, 1.0,
                 "momentum μ: the share of the previous velocity kept each step", hi_open=True)
NESTEROV = Hyper("nesterov", False, 0, 1,
                 "Nesterov: look ahead along the velocity before taking the gradient",
                 kind="bool")
ALPHA = Hyper("alpha", 0.99, 0.0, 1.0,
              "α: decay of the running average of squared gradients", hi_open=True)
BETA1 = Hyper("beta1", 0.9, 0.0, 1.0, "β₁: decay of the running mean of gradients (m)",
              hi_open=True)
BETA2 = Hyper("beta2", 0.999, 0.0, 1.0,
              "β₂: decay of the running mean of squared gradients (v)", hi_open=True)
WEIGHT_DECAY = Hyper("weight_decay", 0.0, 0.0, 10.0,
                     "weight decay λ: pulls the parameters towards zero")
NOISE = Hyper("noise", 1.0, 0.0, 1e3,
              "std of the Gaussian noise added to the gradient (formula landscapes)")
BATCH_SIZE = Hyper("batch_size", 32, 1, 1_000_000,
                   "samples per minibatch (data landscapes)", kind="int")


def EPS(default: float) -> Hyper:  # noqa: N802
    return Hyper("eps", default, 0.0, 1.0, "ε: keeps the division finite where v ≈ 0",
                 log=True, lo_open=True)


# the rest of torch.optim: Adamax, NAdam, RAdam, Adadelta, Rprop, ASGD
BETA2_INF = Hyper("beta2", 0.999, 0.0, 1.0,
                  "β₂: decay of the running maximum of |g| (u)", hi_open=True)
ADAMAX_EPS = Hyper("eps", 1e-8, 0.0, 1.0,
                   "ε: added to |g| in u; keeps the division finite where u ≈ 0",
                   log=True, lo_open=True)
MOMENTUM_DECAY = Hyper("momentum_decay", 0.004, 0.0, 1.0,
                       "ψ: how fast NAdam's momentum μₜ = β₁·(1 − ½·0.96^(t·ψ)) grows "
                       "from β₁/2 towards β₁")
RHO = Hyper("rho", 0.9, 0.0, 1.0,
            "ρ: decay of the running averages of g² and of the squared steps Δ²")
ADADELTA_EPS = Hyper("eps", 1e-6, 0.0, 1.0,
                     "ε: added under both square roots; √ε sets the size of the first steps",
                     log=True, lo_open=True)
RPROP_LR = Hyper("lr", 1e-2, 0.0, 10.0,
                 "initial step size of every coordinate (Rprop adapts them; a schedule "
                 "sets only this first one)", log=True, lo_open=True)
ETA_MINUS = Hyper("eta_minus", 0.5, 0.0, 1.0,
                  "η₋: factor a step size shrinks by when its gradient changes sign",
                  lo_open=True, hi_open=True)
ETA_PLUS = Hyper("eta_plus", 1.2, 1.0, 10.0,
                 "η₊: factor a step size grows by while its gradient keeps its sign",
                 lo_open=True)
STEP_MIN = Hyper("step_min", 1e-6, 0.0, 10.0, "the smallest step size of a coordinate")
STEP_MAX = Hyper("step_max", 50.0, 0.0, 1e4, "the largest step size of a coordinate",
                 lo_open=True)
LAMBD = Hyper("lambd", 1e-4, 0.0, 1.0,
              "λ: decay θ ← θ·(1 − λ·η) each step; also how fast η shrinks")
ASGD_ALPHA = Hyper("alpha", 0.75, 0.0, 1.0,
                   "α: power of the step-size decay η = lr/(1 + λ·lr·t)^α")
T0 = Hyper("t0", 1e6, 0.0, 1e9,
           "t₀: the update from which the iterates are averaged (before it, ā = θ)")


def parse_number(text: str, what: str) -> float:
    """A finite float typed as ``text``; ``what`` names it in the error."""
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{what} must be a number, got {text!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {text!r}")
    return number
