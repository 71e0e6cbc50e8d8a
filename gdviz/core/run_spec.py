"""One racing optimizer: ``RunSpec`` with its ``ScheduleSpec`` and ``Edit``s, frozen and
checked on construction, and the checks of start points and seeds that races share.

A ``RunSpec`` holds an optimizer's resolved hyperparameters, its learning-rate schedule,
label, colour, own start, own seed and the ``edits`` a user made while it ran (see
``race_spec`` for the race they belong to). Any value the registries refuse raises
ValueError here.

An ``Edit(step, hyper)`` changes hyperparameters before the update that leaves ``step``.
On a run with a schedule an edited ``lr`` becomes the schedule's new base; the schedule
keeps counting its steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from gdviz.core.hyper import Value
from gdviz.core.optimizers import Optimizer, get_optimizer
from gdviz.core.schedules import SCHEDULES, make_schedule

MAX_SEED = 2**63 - 1


def frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class ScheduleSpec:
    """A learning-rate schedule by name, with its options resolved and checked."""

    kind: str = "constant"
    options: Mapping[str, Any] = field(default_factory=dict)  # checked, then resolved

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.kind!r}; choose one of: "
                             f"{', '.join(SCHEDULES)}")
        object.__setattr__(self, "options", frozen(SCHEDULES[self.kind].resolve(**self.options)))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ScheduleSpec) and self.kind == other.kind
                and dict(self.options) == dict(other.options))

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.options.items()))))


@dataclass(frozen=True)
class Edit:
    """Hyperparameters changed before the update that leaves ``step`` (≥ 1)."""

    step: int
    hyper: Mapping[str, Value]

    def __post_init__(self) -> None:
        if isinstance(self.step, bool) or int(self.step) != self.step or self.step < 1:
            raise ValueError(f"an edit's step must be a whole number ≥ 1, got {self.step!r}")
        if not self.hyper:
            raise ValueError("an edit changes at least one hyperparameter")
        object.__setattr__(self, "step", int(self.step))
        object.__setattr__(self, "hyper", frozen(self.hyper))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Edit) and self.step == other.step
                and dict(self.hyper) == dict(other.hyper))

    def __hash__(self) -> int:
        return hash((self.step, tuple(sorted(self.hyper.items()))))


@dataclass(frozen=True, eq=False)
class RunSpec:
    """One racing optimizer. ``hyper`` is resolved (every hyperparameter, checked) on
    construction; ``edits`` are sorted by step, one per step, each checked too."""

    optimizer: str
    hyper: Mapping[str, Value] = field(default_factory=dict)
    schedule: ScheduleSpec | None = None  # None: constant lr (a "constant" spec becomes None)
    label: str = ""
    color: str = ""
    start: tuple[float, ...] | None = None  # None: the race's start
    seed: int | None = None  # None: the race's seed
    edits: tuple[Edit, ...] = ()

    def __post_init__(self) -> None:
        spec = get_optimizer(self.optimizer)
        object.__setattr__(self, "hyper", frozen(spec.resolve(**self.hyper)))
        if self.schedule is not None and self.schedule.kind == "constant":
            object.__setattr__(self, "schedule", None)  # one way to say "no schedule"
        if self.seed is not None:
            object.__setattr__(self, "seed", check_seed(self.seed))
        if self.start is not None:
            object.__setattr__(self, "start", check_point(self.start))
        edits = tuple(sorted(self.edits, key=lambda e: e.step))
        if len({e.step for e in edits}) != len(edits):
            raise ValueError("two edits of one run at the same step")
        object.__setattr__(self, "edits", edits)
        self.optimizer_at(0)  # combinations (nesterov without momentum) are refused here
        for e in edits:
            for key in e.hyper:
                spec.hyper_spec(key)
            self.optimizer_at(e.step)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunSpec) and _key(self) == _key(other)

    def __hash__(self) -> int:
        return hash(_key(self))

    def hyper_at(self, step: int) -> dict[str, Value]:
        """The hyperparameters of the update that leaves ``step``."""
        values = dict(self.hyper)
        for e in self.edits:
            if e.step > step:
                break
            values.update(e.hyper)
        return values

    def optimizer_at(self, step: int) -> Optimizer:
        """The configured optimizer for the update that leaves ``step``."""
        values = self.hyper_at(step)
        spec = get_optimizer(self.optimizer)
        schedule = None
        if self.schedule is not None:
            schedule = make_schedule(self.schedule.kind, float(values["lr"]),
                                     **self.schedule.options)
        return spec.make(schedule, **values)

    def with_edit(self, step: int, **hyper: Value) -> RunSpec:
        """This run with ``hyper`` changed from ``step`` on; edits after ``step`` are
        dropped (the race branches there). At step 0 the base values change."""
        if step <= 0:
            return replace(self, hyper={**self.hyper, **hyper}, edits=())
        kept = [e for e in self.edits if e.step < step]
        same = [e for e in self.edits if e.step == step]
        merged = {**(dict(same[0].hyper) if same else {}), **hyper}
        return replace(self, edits=(*kept, Edit(step, merged)))

    def edits_until(self, step: int) -> RunSpec:
        """This run without the edits after ``step``."""
        return replace(self, edits=tuple(e for e in self.edits if e.step <= step))


def _key(r: RunSpec) -> tuple[object, ...]:
    return (r.optimizer, tuple(sorted(r.hyper.items())), r.schedule, r.label, r.color,
            r.start, r.seed, r.edits)


def check_point(point: Any, dim: int | None = None) -> tuple[float, ...]:
    """A start point as a tuple of finite floats (of ``dim`` coordinates when given)."""
    try:
        p = tuple(float(v) for v in point)
    except (TypeError, ValueError):
        raise ValueError(f"a point is a list of numbers, got {point!r}") from None
    if not p or not all(np.isfinite(p)):
        raise ValueError(f"a point is a list of finite numbers, got {point!r}")
    if dim is not None and len(p) != dim:
        raise ValueError(f"the landscape is {dim}-D: a point needs {dim} coordinate(s), "
                         f"got {len(p)}")
    return p


def check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not (
            0 <= seed <= MAX_SEED):
        raise ValueError(f"a seed is a whole number in [0, 2^63 − 1], got {seed!r}")
    return int(seed)
