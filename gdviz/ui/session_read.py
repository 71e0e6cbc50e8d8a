"""What the views read from the Session: the race at the cursor, trails, histories and
samples of the landscape. Read-only, and no maths of its own: every number comes from
the core ``Race`` and ``probe``."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdviz.core import probe
from gdviz.core.landscapes import Landscape
from gdviz.core.race import Race, RaceSpec, RunSpec
from gdviz.core.run import CONVERGED, DIVERGED, RUNNING, Snapshot

Range = tuple[float, float]


class RaceReadout:
    """Mixed into the Session, which provides ``race`` (and so ``landscape``, ``spec``
    and ``runs``), ``selected`` (a run or None) and ``view_box`` (the scenario's view
    ranges x, y, z, or None)."""

    race: Race
    selected: int | None
    view_box: Any  # ((x0, x1) | None, (y0, y1) | None, (z0, z1) | None) or None

    @property
    def spec(self) -> RaceSpec:
        return self.race.spec

    @property
    def landscape(self) -> Landscape:
        return self.race.landscape

    @property
    def runs(self) -> tuple[RunSpec, ...]:
        return self.race.runs

    @property
    def revision(self) -> int:
        """Grows whenever the recorded race changes (steps computed, a branch, a restart):
        what a view drawn from the whole recording compares to know it is current."""
        return self.race.revision

    def frame(self) -> list[Snapshot]:
        """Every run at the cursor."""
        return self.race.frame()

    def snapshot(self, i: int) -> Snapshot:
        return self.race.frame()[i]

    def head_frame(self) -> list[Snapshot]:
        return self.race.head_frame()

    def focused(self) -> int | None:
        """The run a view of one run's point follows: the selected one, else the first
        that has not diverged by the cursor (else the first); None without runs."""
        if not self.runs:
            return None
        if self.selected is not None:
            return self.selected
        return next((i for i, f in enumerate(self.frame()) if f.status[0] != DIVERGED), 0)

    def trail(self, i: int) -> np.ndarray:
        """Run ``i``'s kept positions up to the cursor: (rows, dim)."""
        return self.race.trail(i)

    def trail_loss(self, i: int) -> np.ndarray:
        """Run ``i``'s kept losses up to the cursor: (rows,)."""
        return self.race.trail_loss(i)

    def history(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run ``i`` over the whole recorded timeline: steps, loss, gradient norm."""
        return self.race.history(i)

    def grid(self, box: probe.Box, res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return probe.grid(self.landscape, box, res)

    def plane_grid(self, box2: probe.Box, held_axis: int, held_value: float,
                   res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A 3-D landscape on the plane where coordinate ``held_axis`` is ``held_value``
        (``probe.plane_grid``)."""
        return probe.plane_grid(self.landscape, box2, held_axis, held_value, res)

    def volume(self, box: probe.Box,
               res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """A 3-D landscape on a res³ grid over ``box`` (``probe.volume``)."""
        return probe.volume(self.landscape, box, res)

    def space_box(self) -> tuple[Range, Range, Range]:
        """The box a 3-D landscape is shown in: the scenario's view range of each axis
        where it gives one, else the landscape's domain."""
        given = self.view_box or ()
        x, y, z = (tuple(given[k]) if k < len(given) and given[k] is not None else lo_hi
                   for k, lo_hi in enumerate(self.landscape.domain))
        return x, y, z

    def curve(self, box: probe.Box, res: int) -> tuple[np.ndarray, np.ndarray]:
        return probe.curve(self.landscape, box, res)

    def gradient_field(self, box: probe.Box, res: int) -> tuple[np.ndarray, np.ndarray]:
        return probe.gradient_field(self.landscape, box, res)

    def value_at(self, point: tuple[float, ...]) -> float:
        """The landscape's value at one point (NaN where it is not finite)."""
        return self.value_and_grad_at(point)[0]

    def value_and_grad_at(self, point: tuple[float, ...]) -> tuple[float, np.ndarray]:
        """f and ∇f (dim,) at one point (NaN where they are not finite)."""
        with np.errstate(all="ignore"):
            f, g = self.landscape.value_and_grad(np.asarray(point[: self.landscape.dim]))
        g = np.where(np.isfinite(g), g, np.nan)
        return (float(f) if np.isfinite(f) else float("nan")), g

    def next_point(self, i: int) -> np.ndarray:
        """Where run ``i``'s next update takes it from the cursor, (dim,): with the
        hyperparameters in force at that step and, for sgd, the noise it will draw."""
        return probe.next_params(self.race.optimizer_now(i), self.snapshot(i),
                                 self.spec.seed_of(i), self.race.objective)[0]

    def velocity(self, i: int) -> np.ndarray | None:
        """Run ``i``'s momentum direction at the cursor, (dim,), or None."""
        v = probe.velocity(self.snapshot(i))
        return None if v is None else v[0]

    def run_states(self) -> list[str]:
        """Per run at the cursor: "label: f=…", or "label: ✓ converged at step k" /
        "label: ✗ diverged at step k"."""
        parts = []
        for r, s in zip(self.runs, self.frame(), strict=True):
            status = str(s.status[0])
            if status == RUNNING:
                parts.append(f"{r.label}: f={s.loss[0]:.4g}")
            else:
                mark = "✓" if status == CONVERGED else "✗"
                parts.append(f"{r.label}: {mark} {status} at step {int(s.stopped_at[0])}")
        return parts

    def summary(self) -> str:
        """Every run's state in one line."""
        return " · ".join(self.run_states())

    def unused_hypers(self) -> dict[str, str]:
        """The hyperparameters that do nothing on this race, each with why."""
        return probe.unused_hypers(self.race.objective)

    def step_numbers(self, i: int) -> list[tuple[str, np.ndarray]]:
        """Run ``i``'s update from the cursor's step, number by number (``probe``)."""
        return probe.step_numbers(self.race.optimizer_now(i), self.snapshot(i),
                                  self.spec.seed_of(i), objective=self.race.objective)
