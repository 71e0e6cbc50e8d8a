"""Learning-rate schedules: update count -> learning rate, bit-identical to torch.

A schedule is a small frozen object with ``__call__(t) -> lr`` where ``t`` counts updates
from 1 and ``lr(1) == base``. ``lr(t)`` is exactly (in float64) what torch's
``param_group["lr"]`` holds after ``t − 1`` calls of ``scheduler.step()`` on an optimizer
built with ``lr=base``.

torch's schedulers are *chainable*: each ``step()`` derives the new rate from the current
one, ``η_t = f(η_{t−1}, t)``, not from a closed form. Rounding makes the two differ in the
last bits, and torch's cosine keeps going past its period and rises again. The schedules
below repeat torch's arithmetic operation by operation and memoize the rates they have
computed, so ``lr(1) … lr(T)`` costs O(T) in any order of calls.

``SCHEDULES`` names the kinds with their checked options (``gdviz.core.hyper.Hyper``);
``make_schedule(kind, base, **options)`` builds one.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import ClassVar, Protocol

from gdviz.core.hyper import Hyper, Value


class Schedule(Protocol):
    @property
    def base(self) -> float: ...

    def __call__(self, t: int) -> float: ...


def _check_t(t: int) -> None:
    if t < 1:
        raise ValueError(f"updates count from 1, got t = {t}")


@dataclass(frozen=True)
class Constant:
    """lr(t) = base (no torch scheduler)."""

    base: float

    def __call__(self, t: int) -> float:
        _check_t(t)
        return self.base


@dataclass(frozen=True)
class _Chained:
    """A torch-style chainable schedule: lr(1) = base, lr(t) = _next(lr(t − 1), t − 1).

    Options are checked on construction by the Hypers of ``SCHEDULES[kind]``.

    ``_lrs[i]`` caches lr(i + 1). It takes no part in ``==`` or ``repr``; the frozen object
    still grows it in place.
    """

    kind: ClassVar[str]
    base: float
    _lrs: array[float] = field(default_factory=lambda: array("d"), init=False,
                               compare=False, repr=False)

    def __post_init__(self) -> None:
        kind = SCHEDULES[self.kind]
        for f in fields(self):
            if f.init and f.name != "base":
                kind.option(f.name).check(getattr(self, f.name))

    def __call__(self, t: int) -> float:
        _check_t(t)
        lrs = self._lrs
        if not lrs:
            lrs.append(self.base)
        while len(lrs) < t:
            lrs.append(self._next(lrs[-1], len(lrs)))
        return lrs[t - 1]

    def _next(self, lr: float, epoch: int) -> float:
        """torch's ``get_lr()``: the rate after the ``epoch``-th ``step()``, given ``lr``."""
        raise NotImplementedError


@dataclass(frozen=True)
class StepDecay(_Chained):
    """torch StepLR(step_size=every, gamma): lr(t) = lr(t−1)·gamma if (t−1) % every == 0.

    So lr(t) ≈ base·gamma^⌊(t−1)/every⌋, rounded once per decay as torch does.
    """

    kind: ClassVar[str] = "step"
    every: int = 100
    gamma: float = 0.5

    def _next(self, lr: float, epoch: int) -> float:
        return lr * self.gamma if epoch % self.every == 0 else lr


@dataclass(frozen=True)
class Exponential(_Chained):
    """torch ExponentialLR(gamma): lr(t) = lr(t−1)·gamma, so lr(t) ≈ base·gamma^(t−1)."""

    kind: ClassVar[str] = "exponential"
    gamma: float = 0.99

    def _next(self, lr: float, epoch: int) -> float:
        return lr * self.gamma


@dataclass(frozen=True)
class Cosine(_Chained):
    """torch CosineAnnealingLR(T_max=period, eta_min=floor), chainable form.

    With T = period, m = floor and e = t − 1 (scheduler steps taken):

        lr(t) = m + (lr(t−1) − m)·(1 + cos(π·e/T)) / (1 + cos(π·(e−1)/T))
        lr(t) = lr(t−1) + (base − m)·(1 − cos(π/T))/2     where (e − 1 − T) % 2T == 0

    (the second line where the first would divide by zero, one step past each bottom).
    Both follow lr(t) ≈ m + (base − m)·(1 + cos(π·(t−1)/T))/2: down to m at t = T + 1,
    back up to base at t = 2T + 1, and so on; nothing holds it at m.
    """

    kind: ClassVar[str] = "cosine"
    period: int = 200
    floor: float = 0.0

    def _next(self, lr: float, epoch: int) -> float:
        t_max, eta_min = self.period, self.floor
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            return lr + (self.base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
        return ((1 + math.cos(math.pi * epoch / t_max))
                / (1 + math.cos(math.pi * (epoch - 1) / t_max))
                * (lr - eta_min) + eta_min)


@dataclass(frozen=True)
class ScheduleKind:
    """A named kind of schedule: its options and how to build one."""

    name: str
    title: str
    help: str
    options: tuple[Hyper, ...]
    build: Callable[..., Schedule] = field(repr=False)

    def option(self, name: str) -> Hyper:
        for hyper in self.options:
            if hyper.name == name:
                return hyper
        valid = ", ".join(h.name for h in self.options) or "none"
        raise ValueError(f"schedule {self.name!r} has no option {name!r}; valid: {valid}")

    def resolve(self, **options: object) -> dict[str, Value]:
        """The defaults overridden by ``options``, each checked and converted by its Hyper."""
        values = {hyper.name: hyper.default for hyper in self.options}
        for name, value in options.items():
            values[name] = self.option(name).check(value)
        return values

    def make(self, base: float, **options: object) -> Schedule:
        """A schedule of this kind starting at ``base``, with ``resolve(**options)``."""
        return self.build(base, **self.resolve(**options))


def _gamma(default: float, what: str) -> Hyper:
    return Hyper("gamma", default, 0.0, 1.0, f"γ: the factor the rate is multiplied by {what}",
                 lo_open=True)


SCHEDULES: dict[str, ScheduleKind] = {
    kind.name: kind
    for kind in (
        ScheduleKind("constant", "Constant", "no scheduler: every update uses the base rate",
                     (), Constant),
        ScheduleKind(
            "step", "Step decay",
            "torch StepLR: multiplies the rate by gamma every `every` updates",
            (Hyper("every", 100, 1, 1_000_000, "updates between two decays (step_size)",
                   kind="int"),
             _gamma(0.5, "at each decay")),
            StepDecay),
        ScheduleKind(
            "exponential", "Exponential decay",
            "torch ExponentialLR: multiplies the rate by gamma after every update",
            (_gamma(0.99, "after every update"),),
            Exponential),
        ScheduleKind(
            "cosine", "Cosine annealing",
            "torch CosineAnnealingLR: half a cosine from the base rate down to floor over "
            "period updates, then back up, and so on",
            (Hyper("period", 200, 1, 1_000_000,
                   "updates from the base rate down to floor (T_max)", kind="int"),
             Hyper("floor", 0.0, 0.0, 10.0, "the lowest rate reached (eta_min)")),
            Cosine),
    )
}


def make_schedule(kind: str, base: float, **options: object) -> Schedule:
    """Build a schedule by name; ``options`` (checked, defaults filled) are its ``Hyper``s."""
    try:
        spec = SCHEDULES[kind]
    except KeyError:
        raise ValueError(
            f"unknown schedule {kind!r}; choose one of: {', '.join(SCHEDULES)}"
        ) from None
    return spec.make(base, **options)
