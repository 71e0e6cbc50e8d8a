"""Learning-rate schedules: step count -> learning rate.

A schedule is a small frozen object with ``__call__(t) -> lr`` where ``t`` counts
optimizer steps from 1 (the first update uses ``t = 1``), mirroring how
``torch.optim.lr_scheduler`` advances once per step starting from the base rate:
the first update always uses ``base``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol


class Schedule(Protocol):
    @property
    def base(self) -> float: ...

    def __call__(self, t: int) -> float: ...


@dataclass(frozen=True)
class Constant:
    """lr(t) = base."""

    base: float

    def __call__(self, t: int) -> float:
        return self.base


@dataclass(frozen=True)
class StepDecay:
    """lr(t) = base · gamma^⌊(t−1)/every⌋ (torch StepLR with step_size=every)."""

    base: float
    every: int = 100
    gamma: float = 0.5

    def __call__(self, t: int) -> float:
        return self.base * self.gamma ** ((t - 1) // self.every)


@dataclass(frozen=True)
class Exponential:
    """lr(t) = base · gamma^(t−1) (torch ExponentialLR)."""

    base: float
    gamma: float = 0.99

    def __call__(self, t: int) -> float:
        return self.base * self.gamma ** (t - 1)


@dataclass(frozen=True)
class Cosine:
    """lr(t) = floor + (base − floor)·(1 + cos(π·(t−1)/period))/2, held at floor after.

    The closed form of torch CosineAnnealingLR with T_max=period, eta_min=floor.
    """

    base: float
    period: int = 200
    floor: float = 0.0

    def __call__(self, t: int) -> float:
        k = min(t - 1, self.period)
        return self.floor + (self.base - self.floor) * (1 + math.cos(math.pi * k / self.period)) / 2


SCHEDULES: dict[str, type] = {
    "constant": Constant,
    "step": StepDecay,
    "exponential": Exponential,
    "cosine": Cosine,
}


def make_schedule(kind: str, base: float, **options: float) -> Schedule:
    """Build a schedule by name; ``options`` are its fields other than ``base``."""
    try:
        cls = SCHEDULES[kind]
    except KeyError:
        raise ValueError(
            f"unknown schedule {kind!r}; choose one of: {', '.join(SCHEDULES)}"
        ) from None
    try:
        schedule: Schedule = cls(base, **options)
    except TypeError as exc:
        raise ValueError(f"bad options for schedule {kind!r}: {exc}") from None
    return schedule
