"""The Session: the model every view follows, a thin Qt wrapper around a core ``Race``.

It owns the race (a ``RaceSpec`` being run), what the window shows (overlays, log axes,
views, speed) and the scenario it came from; it steps the race from a QTimer and emits
signals. Every setting changes through a method here, and a signal is emitted only once
the whole state is consistent again: a view that reacts to any signal may read
everything. Views draw what the session returns and compute no maths.

The *cursor* is the timeline row the views show. Stepping forward at the head computes
new steps; anywhere else it replays recorded rows. A hyperparameter edit behind the head
drops the later rows and branches there (the edit is kept in the spec, so a saved race
replays it exactly).
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from gdviz.core.data_file import file_landscape
from gdviz.core.hyper import Value
from gdviz.core.network import NetworkSpec
from gdviz.core.optimizers import get_optimizer
from gdviz.core.race import Race, RaceSpec, RunSpec, ScheduleSpec, check_point, check_seed
from gdviz.scenario import OVERLAYS, Scenario, ViewSettings
from gdviz.ui.runs import default_label, next_color
from gdviz.ui.session_data import DataReadout
from gdviz.ui.session_net import NetworkReadout
from gdviz.ui.session_read import RaceReadout

DEFAULT_TOL = 1e-6  # what "stop on convergence" switches on when no tolerance was set
SPEED_RANGE = (1.0, 1000.0)


class Session(RaceReadout, NetworkReadout, DataReadout, QObject):
    sigLandscapeChanged = pyqtSignal()  # landscape, its parameters or the network (restarted)
    sigRunsChanged = pyqtSignal()  # runs added, removed, edited, relabelled or recoloured
    sigTimelineReset = pyqtSignal()  # the race restarted at step 0
    sigStepChanged = pyqtSignal(int)  # the cursor moved to this step, or the head grew
    sigPlayingChanged = pyqtSignal(bool)
    sigDisplayChanged = pyqtSignal()  # an overlay, axis option or the shown views changed
    sigSettingsChanged = pyqtSignal()  # speed, race length, tolerance or seed changed
    sigSelectionChanged = pyqtSignal(int)  # the selected run (-1: none)
    sigScenarioChanged = pyqtSignal()  # source, title, description or the modified mark
    sigLoaded = pyqtSignal()  # a scenario was opened (after every other signal)
    sigMessage = pyqtSignal(str)

    def __init__(self, scenario: Scenario | RaceSpec | str = "rosenbrock",
                 parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(16)
        self._timer.timeout.connect(self._tick)
        self._credit = 0.0
        self._last_tick = 0.0
        self._randoms = 0  # random starts drawn so far (seeded by the race's seed)
        self.selected: int | None = None
        self.source: str | None = None  # the file or preset the race came from
        self.modified = False
        self._install(_as_scenario(scenario))

    # ---- the scenario ------------------------------------------------------------------
    def _install(self, sc: Scenario) -> None:
        spec = sc.race
        runs = list(spec.runs)
        for i, r in enumerate(runs):  # every run gets a colour and a label to show
            color = r.color or next_color(runs[:i])
            label = r.label or default_label(runs[:i], r.optimizer, r.hyper)
            runs[i] = replace(r, color=color, label=label)
        self.race = Race(replace(spec, runs=tuple(runs)))
        self.title, self.description = sc.title, sc.description
        v = sc.view
        log_contours, log_loss = self._log_defaults()
        self.display: dict[str, bool] = {
            **{k: bool(v.overlays[k]) for k in OVERLAYS},
            "log_contours": log_contours if v.log_contours is None else v.log_contours,
            "log_loss": log_loss if v.log_loss is None else v.log_loss,
        }
        self.show: tuple[str, ...] = v.show
        self.view_box = (v.x, v.y, v.z) if v.x is not None else None  # the box to show
        self.speed = float(v.steps_per_second)
        self.tol_when_on = self.race.spec.tol or DEFAULT_TOL

    def _log_defaults(self) -> tuple[bool, bool]:
        """Log contours and a log loss axis as the problem suggests (a network's loss is
        bounded below by 0: a log axis shows its slow late decrease)."""
        if self.is_network:
            return False, True
        land = self.race.landscape
        return land.log_contours, land.bounded_below

    def load(self, scenario: Scenario, source: str | None = None) -> None:
        """Open a scenario: the race restarts at step 0 with its settings."""
        self.pause()
        self._install(scenario)
        self.selected = None
        self.source, self.modified = source, False
        self._announce_all()
        self.sigLoaded.emit()

    def scenario(self, view_box: Any = None, show: tuple[str, ...] | None = None) -> Scenario:
        """The race and what is shown, as a scenario to save; the window passes the map's
        visible box (((x0, x1), (y0, y1)) or ((x0, x1),); on a 3-D landscape its box's
        three ranges, any of them None) and the views it shows."""
        box = view_box if view_box is not None else self.view_box
        x = y = z = None
        dim = 2 if self.is_network else self.landscape.dim
        if box is not None:
            x = (float(box[0][0]), float(box[0][1]))
            if len(box) > 1 and box[1] is not None and dim >= 2:
                y = (float(box[1][0]), float(box[1][1]))
            if len(box) > 2 and box[2] is not None and dim == 3:
                z = (float(box[2][0]), float(box[2][1]))
        view = ViewSettings(
            show=self.show if show is None else show, x=x, y=y, z=z,
            log_contours=None if self.is_network else self.display["log_contours"],
            log_loss=self.display["log_loss"],
            overlays={k: self.display[k] for k in OVERLAYS}, steps_per_second=self.speed)
        return Scenario(self.race.spec, view, self.title, self.description)

    def mark_saved(self, source: str) -> None:
        self.source, self.modified = source, False
        self.sigScenarioChanged.emit()

    def _changed(self) -> None:
        if not self.modified:
            self.modified = True
            self.sigScenarioChanged.emit()

    def _announce_all(self) -> None:
        """After the whole state was replaced: every signal. Runs first: views rebuild
        their per-run items before anything asks them to draw."""
        self.sigRunsChanged.emit()
        self.sigLandscapeChanged.emit()
        self.sigTimelineReset.emit()
        self.sigDisplayChanged.emit()
        self.sigSettingsChanged.emit()
        self.sigSelectionChanged.emit(-1)
        self.sigScenarioChanged.emit()
        self.sigStepChanged.emit(self.step)

    # ---- what the race is --------------------------------------------------------------
    def set_network(self, network: NetworkSpec) -> None:
        """Another network or dataset (a new race from fresh initial weights); hyperparameter
        edits are dropped. From a landscape race this switches to network mode."""
        spec = replace(self.spec, network=network, start=None, params={}, data=None,
                       runs=tuple(replace(r, start=None, edits=()) for r in self.runs))
        self.pause()
        was_network = self.is_network
        self._respec(spec)
        if not was_network:
            self.display.update(zip(("log_contours", "log_loss"), self._log_defaults(),
                                    strict=True))
        self.view_box = None
        self.sigRunsChanged.emit()
        self.sigLandscapeChanged.emit()
        self.sigDisplayChanged.emit()
        self._restarted()

    @property
    def start(self) -> tuple[float, ...]:
        """The shared start: the race's own, else the landscape's (a network's initial
        weights)."""
        return self.spec.start or tuple(self.race.objective.start)

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def tol(self) -> float:
        return self.spec.tol

    @property
    def steps(self) -> int:
        """The race's length: computing stops at this step."""
        return self.spec.steps

    def hyper_now(self, i: int) -> dict[str, Value]:
        """Run ``i``'s hyperparameters for the update that leaves the cursor's step."""
        return self.runs[i].hyper_at(self.step)

    # ---- changing the race -------------------------------------------------------------
    def _respec(self, spec: RaceSpec, *, keep_place: bool = False) -> None:
        """Run ``spec`` from step 0; with ``keep_place`` compute back to where the race
        was and show the same step (for settings that change every step's numbers)."""
        head, step = self.race.head_step, self.step
        self.race.respec(spec)
        if keep_place:
            self.race.run_to(head)
            self.race.seek(step)

    def _restarted(self) -> None:
        """After the race was re-run from its spec: the modified mark, then the views."""
        self._changed()
        self.sigTimelineReset.emit()
        self.sigStepChanged.emit(self.step)

    def set_landscape(self, name: str, **params: float) -> None:
        """Another landscape (ValueError if refused): a new race. Own starts and edits are
        dropped, and the display options take the landscape's defaults."""
        self._new_landscape(landscape=name, params=params, expr=None, data=None)

    def set_expression(self, text: str) -> None:
        """A race on a typed formula (``ExpressionError``, a ValueError with the column,
        if refused: nothing changes then), as ``set_landscape``."""
        self._new_landscape(expr=text, params={}, data=None)

    def set_data(self, path: str, landscape: str | None = None) -> None:
        """A race on the samples of the CSV file ``path`` (ValueError naming the file and
        the line, if refused: nothing changes then): on the data landscape ``landscape``,
        by default the one the file's header fits; as ``set_landscape``."""
        path = os.path.abspath(path)
        name = landscape or file_landscape(path).name
        self._new_landscape(landscape=name, data=path, params={}, expr=None)

    def _new_landscape(self, **changes: Any) -> None:
        spec = replace(self.spec, **changes, start=None, network=None,
                       runs=tuple(replace(r, start=None, edits=()) for r in self.runs))
        self.pause()
        self._respec(spec)
        land = self.landscape
        self.display.update(log_contours=land.log_contours, log_loss=land.bounded_below)
        self.view_box = None
        self.sigRunsChanged.emit()
        self.sigLandscapeChanged.emit()
        self.sigDisplayChanged.emit()
        self._restarted()

    def set_landscape_params(self, **params: float) -> None:
        """New parameter values (ValueError if refused): a new race, without edits."""
        spec = replace(self.spec, params={**self.spec.params, **params},
                       runs=tuple(replace(r, edits=()) for r in self.runs))
        self.pause()
        self._respec(spec)
        self.display["log_loss"] = self.landscape.bounded_below
        self.sigRunsChanged.emit()
        self.sigLandscapeChanged.emit()
        self.sigDisplayChanged.emit()
        self._restarted()

    def add_run(self, optimizer: str, label: str | None = None, color: str | None = None,
                **hyper: object) -> int:
        """Add an optimizer to the race (ValueError on a bad name or value); restarts."""
        values = get_optimizer(optimizer).resolve(**hyper)
        run = RunSpec(optimizer, values, label=label or default_label(self.runs, optimizer,
                                                                        values),
                      color=color or next_color(self.runs))
        self._respec(replace(self.spec, runs=(*self.runs, run)))
        self.sigRunsChanged.emit()
        self._restarted()
        return len(self.runs) - 1

    def remove_run(self, i: int) -> None:
        self._respec(replace(self.spec, runs=self.runs[:i] + self.runs[i + 1:]))
        if self.selected is not None and self.selected >= i:
            self.selected = None if self.selected == i else self.selected - 1
        self.sigRunsChanged.emit()
        self.sigSelectionChanged.emit(-1 if self.selected is None else self.selected)
        self._restarted()

    def set_appearance(self, i: int, label: str | None = None, color: str | None = None) -> None:
        r = self.runs[i]
        self.race.restyle(self.spec.with_run(
            i, replace(r, label=label or r.label, color=color or r.color)))
        self._changed()
        self.sigRunsChanged.emit()

    def set_hyper(self, i: int, name: str, value: object) -> None:
        """Change one hyperparameter from the cursor's step on (ValueError if refused).
        Behind the head the race branches; at step 0 it restarts with the new value."""
        r, at_zero = self.runs[i], self.step == 0
        self.pause()
        self.race.edit(i, **{name: value})
        new = self.runs[i]
        others = self.runs[:i] + self.runs[i + 1:]
        if r.label == default_label(others, r.optimizer, r.hyper_at(self.steps)):
            # a generated label follows η; one the user typed stays
            label = default_label(others, r.optimizer, new.hyper_at(self.steps))
            self.race.restyle(self.spec.with_run(i, replace(new, label=label)))
        self._changed()
        self.sigRunsChanged.emit()
        if at_zero:
            self.sigTimelineReset.emit()
        self.sigStepChanged.emit(self.step)

    def set_schedule(self, i: int, kind: str, **options: object) -> None:
        """Run ``i``'s learning-rate schedule ("constant": none) with its options
        (ValueError if refused); the race is recomputed to where it was."""
        schedule = None if kind == "constant" else ScheduleSpec(kind, options)
        spec = self.spec.with_run(i, replace(self.runs[i], schedule=schedule))
        self.pause()
        self._respec(spec, keep_place=True)
        self.sigRunsChanged.emit()
        self._restarted()

    def set_start(self, point: tuple[float, ...], run: int | None = None) -> None:
        """Move the shared start (or one run's own start) and restart the race."""
        p = check_point(point, self.landscape.dim)
        if run is None:
            spec = replace(self.spec, start=p)
        else:
            spec = self.spec.with_run(run, replace(self.runs[run], start=p))
        self.pause()
        self._respec(spec)
        if run is not None:
            self.sigRunsChanged.emit()
        self._restarted()

    def random_start(self) -> None:
        """A start drawn inside the middle 80 % of the view box, seeded by the race's
        seed (the same session draws the same sequence)."""
        rng = np.random.default_rng((self.seed, self._randoms))
        self._randoms += 1
        box = np.array(self.landscape.domain)
        lo, hi = box[:, 0], box[:, 1]
        self.set_start(tuple(lo + (hi - lo) * (0.1 + 0.8 * rng.random(len(lo)))))

    def set_steps(self, n: int) -> None:
        """The race's length (≥ 1); the recorded steps are kept."""
        self.race.restyle(replace(self.spec, steps=max(1, int(n))))
        self._changed()
        self.sigSettingsChanged.emit()

    def set_tol(self, tol: float) -> None:
        """Converged once ‖∇f‖ ≤ tol (0: never). The race is recomputed to where it was."""
        spec = replace(self.spec, tol=tol)
        if spec.tol:
            self.tol_when_on = spec.tol
        self.pause()
        self._respec(spec, keep_place=True)
        self.sigSettingsChanged.emit()
        self._restarted()

    def set_stop_on_convergence(self, on: bool) -> None:
        self.set_tol(self.tol_when_on if on else 0.0)

    def set_seed(self, seed: int) -> None:
        """The race's seed (sgd noise); recomputed to where it was."""
        self.pause()
        self._respec(replace(self.spec, seed=check_seed(seed)), keep_place=True)
        self.sigSettingsChanged.emit()
        self._restarted()

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = float(min(max(steps_per_second, SPEED_RANGE[0]), SPEED_RANGE[1]))
        self._changed()
        self.sigSettingsChanged.emit()

    def set_display(self, key: str, on: bool) -> None:
        if key not in self.display:
            raise KeyError(key)
        self.display[key] = bool(on)
        self._changed()
        self.sigDisplayChanged.emit()

    def select(self, i: int | None) -> None:
        """The run a Shift+click moves and the panels focus (None: no run)."""
        if i is not None and not 0 <= i < len(self.runs):
            i = None
        if i != self.selected:
            self.selected = i
            self.sigSelectionChanged.emit(-1 if i is None else i)

    # ---- moving along the race ---------------------------------------------------------
    def reset(self) -> None:
        """Back to step 0 with every run's settings (edits are kept in the runs)."""
        self.pause()
        self.race.respec(self.spec)
        self.sigTimelineReset.emit()
        self.sigStepChanged.emit(0)

    @property
    def step(self) -> int:
        return self.race.step

    @property
    def head_step(self) -> int:
        return self.race.head_step

    @property
    def at_head(self) -> bool:
        return self.race.at_head

    @property
    def finished(self) -> bool:
        return self.race.finished

    def step_forward(self, count: int = 1) -> None:
        self.race.advance(count)
        self.sigStepChanged.emit(self.step)

    def step_epoch(self) -> None:
        """On a network race: forward by one epoch of the run with the smallest batch."""
        if self.is_network:
            self.step_forward(self.steps_per_epoch())

    def step_back(self) -> None:
        self.pause()
        self.race.back()
        self.sigStepChanged.emit(self.step)

    def seek(self, step: int) -> None:
        """Show the last kept row at or before ``step``."""
        self.race.seek(step)
        self.sigStepChanged.emit(self.step)

    def run_to(self, step: int) -> None:
        """Compute (without drawing in between) until ``step`` or a stop."""
        if step > self.steps:
            self.race.restyle(replace(self.spec, steps=step))
            self.sigSettingsChanged.emit()
        self.race.run_to(step)
        self.sigStepChanged.emit(self.step)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.race.timeline is None or self.playing or (self.at_head and self.finished):
            return
        self._credit, self._last_tick = 0.0, time.perf_counter()
        self._timer.start()
        self.sigPlayingChanged.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.sigPlayingChanged.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def _tick(self) -> None:
        now = time.perf_counter()
        self._credit += self.speed * (now - self._last_tick)
        self._last_tick = now
        count = int(self._credit)
        if count:
            self._credit -= count
            self.step_forward(count)
        if self.at_head and self.finished:
            self.pause()
            self.sigMessage.emit(self.summary())


def _as_scenario(scenario: Scenario | RaceSpec | str) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str):
        scenario = RaceSpec(scenario)
    return Scenario(scenario)
