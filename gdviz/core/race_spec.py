"""What to run: ``RaceSpec`` and its parts, frozen and checked on construction.

A ``RaceSpec`` is everything that decides the numbers of a race: the landscape and its
parameters, the shared start, the race's seed, tolerance and length, and one ``RunSpec``
per racing optimizer (its hyperparameters, learning-rate schedule, label, colour, own
start, own seed and the ``edits`` a user made while it ran). The command line, the
window and scenario files all build one, so the same race gives the same numbers
everywhere. Any value the registries refuse raises ValueError here, so every spec that
exists is valid.

Seed rule: every run uses the race's ``seed`` (the same noise sequence for ``sgd``, as a
fair comparison needs) unless it sets its own. ``tol = 0`` means "never converged".

A race on a network sets ``network`` (a ``NetworkSpec``): its landscape name is then
``"network"``, and every run starts from the same initial weights, the MLP's init drawn
from the race's ``seed`` (a run's own seed changes only its minibatch order). Such a race
has no start points and no landscape parameters.

A race on a typed formula sets ``expr`` (e.g. ``"x^2 + 10*sin(y)"``): its landscape name
is then ``"expr"`` and the landscape is built from the text (``gdviz.core.expression``;
the box, start and minima found automatically). It takes no landscape parameters.

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
import numpy.typing as npt

from gdviz.core.expression import NAME as EXPR
from gdviz.core.expression import expression_landscape
from gdviz.core.hyper import Value
from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.network import HESSIAN_OPTIMIZERS, NAME, NetworkSpec
from gdviz.core.optimizers import Optimizer, get_optimizer
from gdviz.core.run import Objective, Stepper
from gdviz.core.schedules import SCHEDULES, make_schedule

Array = npt.NDArray[np.float64]
DEFAULT_STEPS = 200
DEFAULT_TOL = 0.0  # off: runs stop only when they diverge or the race ends
MAX_STEPS = 1_000_000
MAX_SEED = 2**63 - 1


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
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
        object.__setattr__(self, "options", _frozen(SCHEDULES[self.kind].resolve(**self.options)))

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
        object.__setattr__(self, "hyper", _frozen(self.hyper))

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
        object.__setattr__(self, "hyper", _frozen(spec.resolve(**self.hyper)))
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


@dataclass(frozen=True, eq=False)
class RaceSpec:
    """What to run: one landscape (or network), a shared start, and the racing optimizers."""

    landscape: str
    runs: tuple[RunSpec, ...] = ()
    params: Mapping[str, float] = field(default_factory=dict)
    start: tuple[float, ...] | None = None  # None: the landscape's start
    steps: int = DEFAULT_STEPS
    seed: int = 0
    tol: float = DEFAULT_TOL
    network: NetworkSpec | None = None  # set: a race on this network's training loss
    expr: str | None = None  # set: a race on this typed formula

    def __post_init__(self) -> None:
        if self.network is not None:
            self._check_network()
        if self.expr is not None:
            self._check_expr()
        land = self.build_objective()  # refuses unknown names and parameters
        object.__setattr__(self, "params", _frozen({k: float(v) for k, v in self.params.items()}))
        object.__setattr__(self, "runs", tuple(self.runs))
        if isinstance(self.steps, bool) or int(self.steps) != self.steps or not (
                0 <= self.steps <= MAX_STEPS):
            raise ValueError(f"steps must be a whole number in [0, {MAX_STEPS}], "
                             f"got {self.steps!r}")
        object.__setattr__(self, "steps", int(self.steps))
        object.__setattr__(self, "seed", check_seed(self.seed))
        tol = float(self.tol)
        if not (np.isfinite(tol) and tol >= 0):
            raise ValueError(f"tol must be a finite number ≥ 0, got {self.tol!r}")
        object.__setattr__(self, "tol", tol)
        if self.start is not None:
            object.__setattr__(self, "start", check_point(self.start, land.dim))
        for r in self.runs:
            if r.start is not None:
                check_point(r.start, land.dim)

    def _check_network(self) -> None:
        if not isinstance(self.network, NetworkSpec):
            raise ValueError(f"network must be a NetworkSpec, got {self.network!r}")
        object.__setattr__(self, "landscape", NAME)
        if self.params:
            raise ValueError("a network race has no landscape parameters")
        if self.start is not None or any(r.start is not None for r in self.runs):
            raise ValueError("a network race starts every run from the same initial weights: "
                             "it takes no start point")
        for r in self.runs:
            if r.optimizer in HESSIAN_OPTIMIZERS:
                raise ValueError(f"{r.optimizer} needs the Hessian, which a network race "
                                 "does not have")

    def _check_expr(self) -> None:
        if not isinstance(self.expr, str):
            raise ValueError(f"expr must be a formula as text, got {self.expr!r}")
        if self.network is not None:
            raise ValueError("a race is on a network or on a typed formula, not both")
        object.__setattr__(self, "landscape", EXPR)
        if self.params:
            raise ValueError("a typed formula has no landscape parameters: write the numbers "
                             "into it")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RaceSpec) and (
            self.landscape, dict(self.params), self.start, self.steps, self.seed, self.tol,
            self.runs, self.network, self.expr) == (
            other.landscape, dict(other.params), other.start, other.steps, other.seed,
            other.tol, other.runs, other.network, other.expr)

    def __hash__(self) -> int:
        return hash((self.landscape, tuple(sorted(self.params.items())), self.start,
                     self.steps, self.seed, self.tol, self.runs, self.network, self.expr))

    def build_landscape(self) -> Landscape:
        """The formula landscape: a registered one or the typed formula's (built once per
        text, then remembered); ValueError on a network race (see ``build_objective``)."""
        if self.network is not None:
            raise ValueError("a network race has no formula landscape")
        if self.expr is not None:
            return expression_landscape(self.expr)
        land = get_landscape(self.landscape)
        return land.with_params(**self.params) if self.params else land

    def build_objective(self) -> Objective:
        """What the runs step on: the network's training loss (its initial weights drawn
        from the race's seed) or the formula landscape."""
        if self.network is not None:
            return self.network.build(self.seed)
        return self.build_landscape()

    def start_of(self, i: int, landscape: Objective | None = None) -> tuple[float, ...]:
        """Run ``i``'s start: its own, else the race's, else the landscape's (on a network:
        the initial weights, the same for every run)."""
        own = self.runs[i].start
        if own is not None:
            return own
        if self.start is not None:
            return self.start
        return tuple((landscape or self.build_objective()).start)

    def seed_of(self, i: int) -> int:
        own = self.runs[i].seed
        return self.seed if own is None else own

    def stepper(self, i: int, landscape: Objective | None = None) -> Stepper:
        """A Stepper for run ``i`` at step 0, with its step-0 hyperparameters."""
        land = landscape or self.build_objective()
        return Stepper(land, self.runs[i].optimizer_at(0), [self.start_of(i, land)],
                       seed=self.seed_of(i), tol=self.tol)

    def with_run(self, i: int, run: RunSpec) -> RaceSpec:
        return replace(self, runs=(*self.runs[:i], run, *self.runs[i + 1:]))
