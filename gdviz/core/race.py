"""A race being run: ``Race`` (steppers, timeline, cursor, seek, branch) and
``run_race`` (whole trajectories, as ``gdviz.run`` records them).

Both apply a run's edits through ``RunSpec.optimizer_at``, so a race replayed from its
spec equals, bit for bit, the race the user branched. The spec types live in
``race_spec`` and ``run_spec`` and are importable from here too.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Landscape
from gdviz.core.optimizers import Optimizer, get_optimizer
from gdviz.core.race_spec import DEFAULT_STEPS, DEFAULT_TOL, MAX_STEPS, RaceSpec
from gdviz.core.run import Snapshot, Stepper, Trajectory, record
from gdviz.core.run_spec import MAX_SEED, Edit, RunSpec, ScheduleSpec, check_point, check_seed
from gdviz.core.timeline import Timeline

__all__ = ["DEFAULT_STEPS", "DEFAULT_TOL", "MAX_SEED", "MAX_STEPS", "Edit", "Race",
           "RaceSpec", "RunSpec", "ScheduleSpec", "check_point", "check_seed", "run_race"]
Array = npt.NDArray[np.float64]


def run_race(spec: RaceSpec, steps: int | None = None) -> list[Trajectory]:
    """Every run of ``spec`` recorded for ``steps`` (default ``spec.steps``) steps, with
    its edits applied: one one-start Trajectory per run, as ``gdviz.run`` returns."""
    n = spec.steps if steps is None else steps
    land = spec.build_objective()
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
        self.lineage = 0  # grows when recorded rows are replaced (restart, branch), not appended
        self._spec = spec
        self.objective = spec.build_objective()
        self._restart()

    # ---- what it is --------------------------------------------------------------------
    @property
    def spec(self) -> RaceSpec:
        return self._spec

    @property
    def landscape(self) -> Landscape:
        """The formula landscape raced on (ValueError on a network race)."""
        if not isinstance(self.objective, Landscape):
            raise ValueError("a network race has no formula landscape")
        return self.objective

    @property
    def runs(self) -> tuple[RunSpec, ...]:
        return self._spec.runs

    def _restart(self) -> None:
        spec = self._spec
        self._steppers = [spec.stepper(i, self.objective) for i in range(len(spec.runs))]
        self.timeline: Timeline | None = (
            Timeline([s.snapshot for s in self._steppers], self._capacity)
            if self._steppers else None)
        self.cursor = 0
        self.revision += 1
        self.lineage += 1
        self._frame_cache: tuple[object, list[Snapshot]] = (None, [])
        self._norm_cache: dict[tuple[int, int], Array] = {}  # (revision, run) -> norms

    def respec(self, spec: RaceSpec) -> None:
        """Run another spec from step 0 (the landscape, runs or settings changed)."""
        self._spec = spec
        self.objective = spec.build_objective()
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
        self.lineage += 1
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
        """Run ``i`` over the whole recorded timeline: steps, loss, gradient norm (the
        norms are computed once per recording, not again while the cursor moves)."""
        assert self.timeline is not None
        t = self.timeline
        key = (self.revision, i)
        if key not in self._norm_cache:
            self._norm_cache = {key: t.grad_norm(i)[:, 0]} | {
                k: v for k, v in self._norm_cache.items() if k[0] == self.revision}
        return np.asarray(t.steps), t.loss(i)[:, 0], self._norm_cache[key]

    def recorded_params(self, i: int) -> tuple[npt.NDArray[np.int64], Array]:
        """Run ``i`` over the whole recorded timeline: steps ``(rows,)`` and positions
        ``(rows, dim)``."""
        assert self.timeline is not None
        return np.asarray(self.timeline.steps), self.timeline.params(i)[:, 0, :]

    def optimizer_now(self, i: int) -> Optimizer:
        """Run ``i``'s optimizer for the update that leaves the cursor's step."""
        return self.runs[i].optimizer_at(self.step)

