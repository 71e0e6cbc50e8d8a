"""A race, described once and run anywhere: ``RaceSpec`` (what to run) and ``Race``.

A ``RaceSpec`` is everything that decides the numbers of a race: the landscape and its
parameters, the shared start, the race's seed, tolerance and length, and one ``RunSpec``
per racing optimizer (its hyperparameters, learning-rate schedule, label, colour, own
start, own seed and the ``edits`` a user made while it ran). The command line, the
window and scenario files all build one, so the same race gives the same numbers
everywhere.

Seed rule: every run uses the race's ``seed`` (the same noise sequence for ``sgd``, as a
fair comparison needs) unless it sets its own. ``tol = 0`` means "never converged".

An ``Edit(step, hyper)`` changes hyperparameters before the update that leaves ``step``.
On a run with a schedule an edited ``lr`` becomes the schedule's new base; the schedule
keeps counting its steps.

``Race`` runs a spec interactively (steppers, a bounded timeline, a cursor, seek and
branch); ``run_race`` records whole trajectories as ``gdviz.run`` does. Both apply the
edits through ``RunSpec.optimizer_at``, so a race replayed from its spec equals, bit
for bit, the race the user branched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from gdviz.core.hyper import Value
from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.optimizers import Optimizer, get_optimizer
from gdviz.core.run import Snapshot, Stepper, Trajectory, record
from gdviz.core.schedules import SCHEDULES, make_schedule
from gdviz.core.timeline import Timeline

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
    """What to run: one landscape, a shared start, and the racing optimizers."""

    landscape: str
    runs: tuple[RunSpec, ...] = ()
    params: Mapping[str, float] = field(default_factory=dict)
    start: tuple[float, ...] | None = None  # None: the landscape's start
    steps: int = DEFAULT_STEPS
    seed: int = 0
    tol: float = DEFAULT_TOL

    def __post_init__(self) -> None:
        land = self.build_landscape()  # refuses unknown names and parameters
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

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RaceSpec) and (
            self.landscape, dict(self.params), self.start, self.steps, self.seed, self.tol,
            self.runs) == (other.landscape, dict(other.params), other.start, other.steps,
                           other.seed, other.tol, other.runs)

    def __hash__(self) -> int:
        return hash((self.landscape, tuple(sorted(self.params.items())), self.start,
                     self.steps, self.seed, self.tol, self.runs))

    def build_landscape(self) -> Landscape:
        land = get_landscape(self.landscape)
        return land.with_params(**self.params) if self.params else land

    def start_of(self, i: int, landscape: Landscape | None = None) -> tuple[float, ...]:
        """Run ``i``'s start: its own, else the race's, else the landscape's."""
        own = self.runs[i].start
        if own is not None:
            return own
        if self.start is not None:
            return self.start
        return tuple((landscape or self.build_landscape()).start)

    def seed_of(self, i: int) -> int:
        own = self.runs[i].seed
        return self.seed if own is None else own

    def stepper(self, i: int, landscape: Landscape | None = None) -> Stepper:
        """A Stepper for run ``i`` at step 0, with its step-0 hyperparameters."""
        land = landscape or self.build_landscape()
        return Stepper(land, self.runs[i].optimizer_at(0), [self.start_of(i, land)],
                       seed=self.seed_of(i), tol=self.tol)

    def with_run(self, i: int, run: RunSpec) -> RaceSpec:
        return replace(self, runs=(*self.runs[:i], run, *self.runs[i + 1:]))


def run_race(spec: RaceSpec, steps: int | None = None) -> list[Trajectory]:
    """Every run of ``spec`` recorded for ``steps`` (default ``spec.steps``) steps, with
    its edits applied: one one-start Trajectory per run, as ``gdviz.run`` returns."""
    n = spec.steps if steps is None else steps
    land = spec.build_landscape()
    trajs = []
    for i, r in enumerate(spec.runs):
        stepper = spec.stepper(i, land)
        edit_steps = {e.step for e in r.edits}

        def before(step: int, stepper: Stepper = stepper, r: RunSpec = r,
                   edit_steps: set[int] = edit_steps) -> None:
            if step in edit_steps:
                stepper.set_optimizer(r.optimizer_at(step))

        trajs.append(record(stepper, n, before))
    return trajs


class Race:
    """A RaceSpec being run: one Stepper per run, a bounded Timeline and a cursor.

    The cursor is the timeline row shown. Stepping at the head computes new steps, up
    to ``spec.steps``; elsewhere it moves over recorded rows. ``edit`` branches: the
    rows after the cursor are dropped and the runs go on from it with the new values.
    Every method leaves the race consistent; nothing here knows about drawing.
    """

    def __init__(self, spec: RaceSpec, capacity: int = 20_000) -> None:
        self._capacity = capacity
        self.revision = 0  # grows whenever the recorded timeline changes
        self._spec = spec
        self.landscape = spec.build_landscape()
        self._restart()

    # ---- what it is --------------------------------------------------------------------
    @property
    def spec(self) -> RaceSpec:
        return self._spec

    @property
    def runs(self) -> tuple[RunSpec, ...]:
        return self._spec.runs

    def _restart(self) -> None:
        spec = self._spec
        self._steppers = [spec.stepper(i, self.landscape) for i in range(len(spec.runs))]
        self.timeline: Timeline | None = (
            Timeline([s.snapshot for s in self._steppers], self._capacity)
            if self._steppers else None)
        self.cursor = 0
        self.revision += 1
        self._frame_cache: tuple[object, list[Snapshot]] = (None, [])

    def respec(self, spec: RaceSpec) -> None:
        """Run another spec from step 0 (the landscape, runs or settings changed)."""
        self._spec = spec
        self.landscape = spec.build_landscape()
        self._restart()

    def restyle(self, spec: RaceSpec) -> None:
        """Take a spec that differs only in what does not change numbers (labels,
        colours, the race length, edits after the head); the timeline stays."""
        self._spec = spec

    # ---- where it is -------------------------------------------------------------------
    @property
    def step(self) -> int:
        """The step at the cursor."""
        return int(self.timeline.steps[self.cursor]) if self.timeline else 0

    @property
    def head_step(self) -> int:
        return self.timeline.head_step if self.timeline else 0

    @property
    def at_head(self) -> bool:
        return self.timeline is None or self.cursor == len(self.timeline) - 1

    @property
    def finished(self) -> bool:
        """Nothing left to compute: every run stopped, or the race's length is reached."""
        if not self._steppers:
            return True
        return self.head_step >= self._spec.steps or not any(s.running for s in self._steppers)

    # ---- moving ------------------------------------------------------------------------
    def advance(self, count: int = 1) -> None:
        """``count`` steps forward: over recorded rows, then computing at the head."""
        if self.timeline is None:
            return
        if not self.at_head:
            moved = min(count, len(self.timeline) - 1 - self.cursor)
            self.cursor += moved
            count -= moved
        if self.at_head:
            self._compute(count)

    def _compute(self, count: int) -> None:
        assert self.timeline is not None
        for _ in range(count):
            if self.finished:
                break
            step = self.head_step
            for r, stepper in zip(self.runs, self._steppers, strict=True):
                if any(e.step == step for e in r.edits):
                    stepper.set_optimizer(r.optimizer_at(step))
            self.timeline.append([s.advance() for s in self._steppers])
            self.revision += 1
        self.cursor = len(self.timeline) - 1

    def run_to(self, step: int) -> None:
        """Compute until ``step`` (or the end of the race, or every run stopped)."""
        if self.timeline is not None:
            self.cursor = len(self.timeline) - 1
            self._compute(max(0, step - self.head_step))

    def seek(self, step: int) -> None:
        """Show the last kept row at or before ``step``."""
        if self.timeline is not None:
            self.cursor = self.timeline.row_of(step)

    def back(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def edit(self, i: int, **hyper: object) -> None:
        """Change run ``i``'s hyperparameters from the cursor's step on (ValueError if
        refused: nothing changes then). At step 0 the race restarts with them."""
        r = self.runs[i]
        spec = get_optimizer(r.optimizer)
        checked = {k: spec.hyper_spec(k).check(v) for k, v in hyper.items()}
        step = self.step
        new_run = r.with_edit(step, **checked)  # raises on a refused combination
        if step == 0:
            self.respec(self._spec.with_run(i, new_run))
            return
        self._branch()
        runs = [x.edits_until(step) for x in self.runs]
        runs[i] = new_run
        self._spec = replace(self._spec, runs=tuple(runs))
        self._steppers[i].set_optimizer(new_run.optimizer_at(step))

    def _branch(self) -> None:
        """Drop the rows after the cursor and resume the steppers from it."""
        if self.timeline is None or self.at_head:
            return
        self.timeline.truncate(self.cursor)
        self.revision += 1
        step = self.step
        frame = self.timeline.frame(self.cursor)
        for r, stepper, snap in zip(self.runs, self._steppers, frame, strict=True):
            stepper.restore(snap)
            stepper.set_optimizer(r.optimizer_at(step))

    # ---- what it shows -----------------------------------------------------------------
    def frame(self) -> list[Snapshot]:
        """Every run at the cursor (live steppers at the head, else unpacked rows)."""
        if self.timeline is None:
            return []
        if self.at_head:
            return [s.snapshot for s in self._steppers]
        key = (id(self.timeline), len(self.timeline), self.head_step, self.cursor)
        if self._frame_cache[0] != key:  # unpacked once per cursor position
            self._frame_cache = (key, self.timeline.frame(self.cursor))
        return self._frame_cache[1]

    def head_frame(self) -> list[Snapshot]:
        """Every run at the head of the timeline."""
        return [s.snapshot for s in self._steppers]

    def trail_loss(self, i: int) -> Array:
        """Run ``i``'s kept losses up to the cursor: (rows,), beside ``trail``."""
        assert self.timeline is not None
        return self.timeline.loss(i, self.cursor)[:, 0]

    def trail(self, i: int) -> Array:
        """Run ``i``'s kept positions up to the cursor: (rows, dim)."""
        assert self.timeline is not None
        return self.timeline.params(i, self.cursor)[:, 0, :]

    def history(self, i: int) -> tuple[npt.NDArray[np.int64], Array, Array]:
        """Run ``i`` over the whole recorded timeline: steps, loss, gradient norm."""
        assert self.timeline is not None
        t = self.timeline
        return np.asarray(t.steps), t.loss(i)[:, 0], t.grad_norm(i)[:, 0]

    def optimizer_now(self, i: int) -> Optimizer:
        """Run ``i``'s optimizer for the update that leaves the cursor's step."""
        return self.runs[i].optimizer_at(self.step)

