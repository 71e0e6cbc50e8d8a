"""The Session: the model every view follows.

It owns the landscape, the runs (one ``Stepper`` each) and the timeline, steps the
core engine from a QTimer and emits signals; views subscribe and only draw. All maths
(values, gradients, updates) is asked of ``gdviz.core``.

The *cursor* is the timeline row the views show. Stepping forward at the head computes
a new step; anywhere else it replays recorded rows. An edit (hyperparameter, start)
made behind the head drops the rows after the cursor and goes on from there.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from gdviz.core import probe
from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.optimizers import get_optimizer
from gdviz.core.run import RUNNING, Snapshot, Stepper
from gdviz.core.timeline import Timeline
from gdviz.ui.runs import RunConfig, bounded_below, default_label, next_color

CONVERGENCE_TOL = 1e-6


class Session(QObject):
    sigLandscapeChanged = pyqtSignal()  # landscape or its parameters; the race restarts
    sigRunsChanged = pyqtSignal()  # runs added, removed, relabelled or recoloured
    sigTimelineReset = pyqtSignal()  # the race restarted at step 0
    sigStepChanged = pyqtSignal(int)  # the cursor moved to this step: redraw
    sigPlayingChanged = pyqtSignal(bool)
    sigDisplayChanged = pyqtSignal()  # an overlay or axis option changed
    sigMessage = pyqtSignal(str)

    def __init__(self, landscape: str | Landscape = "rosenbrock", parent: QObject | None = None):
        super().__init__(parent)
        self.landscape = get_landscape(landscape) if isinstance(landscape, str) else landscape
        self.start: tuple[float, ...] = tuple(self.landscape.start)
        self.runs: list[RunConfig] = []
        self.seed = 0
        self.speed = 60.0  # steps per second
        self.max_steps = 2000
        self.stop_on_convergence = True
        self.tol = CONVERGENCE_TOL  # gradient norm at which a run counts as converged
        self.display: dict[str, bool] = {
            "trails": True, "gradient": True, "velocity": True, "quiver": False,
            "markers": True, "log_contours": self.landscape.log_contours,
            "log_loss": bounded_below(self.landscape),
        }
        self._steppers: list[Stepper] = []
        self.timeline: Timeline | None = None
        self.cursor = 0  # timeline row shown
        self._timer = QTimer(self)
        self._timer.setInterval(16)
        self._timer.timeout.connect(self._tick)
        self._credit = 0.0
        self._last_tick = 0.0
        self._frame_cache: tuple[object, list[Snapshot]] = (None, [])

    # ---- setup -------------------------------------------------------------------------
    def set_landscape(self, name: str | Landscape, **params: float) -> None:
        land = get_landscape(name) if isinstance(name, str) else name
        if params:
            land = land.with_params(**params)
        self.pause()
        self.landscape = land
        self.start = tuple(land.start)
        self.runs = [replace(r, start=None, edits=()) for r in self.runs]
        self.display["log_contours"] = land.log_contours
        self.display["log_loss"] = bounded_below(land)
        self.sigLandscapeChanged.emit()
        self.reset()
        self.sigDisplayChanged.emit()

    def set_landscape_params(self, **params: float) -> None:
        """New parameter values (ValueError if refused); the race restarts."""
        land = self.landscape.with_params(**params)
        self.pause()
        self.landscape = land
        self.sigLandscapeChanged.emit()
        self.reset()

    def add_run(self, kind: str, label: str | None = None, color: str | None = None,
                **hyper: object) -> int:
        """Add an optimizer to the race (ValueError on a bad name or value)."""
        values = get_optimizer(kind).resolve(**hyper)
        get_optimizer(kind).make(None, **values)  # refuses combinations, e.g. nesterov without μ
        color = color or next_color(self.runs)
        self.runs.append(RunConfig(kind, values, label or default_label(self.runs, kind, values),
                                   color))
        self.sigRunsChanged.emit()
        self.reset()
        return len(self.runs) - 1

    def remove_run(self, i: int) -> None:
        del self.runs[i]
        self.sigRunsChanged.emit()
        self.reset()

    def set_appearance(self, i: int, label: str | None = None, color: str | None = None) -> None:
        r = self.runs[i]
        self.runs[i] = replace(r, label=label or r.label, color=color or r.color)
        self.sigRunsChanged.emit()

    def set_hyper(self, i: int, name: str, value: object) -> None:
        """Change one hyperparameter from the next step on (ValueError if invalid)."""
        r = self.runs[i]
        spec = get_optimizer(r.kind)
        values = {**r.hyper, name: spec.hyper_spec(name).check(value)}
        optimizer = spec.make(None, **values)
        self._branch()
        step = self.step
        edits = r.edits if step == 0 else (*[e for e in r.edits if e < step], step)
        others = self.runs[:i] + self.runs[i + 1:]
        label = r.label  # a label the user typed stays; the generated one follows η
        if label == default_label(others, r.kind, r.hyper):
            label = default_label(others, r.kind, values)
        self.runs[i] = replace(r, hyper=values, edits=edits, label=label)
        if step == 0:
            self.reset()
        else:
            self._steppers[i].set_optimizer(optimizer)
        self.sigRunsChanged.emit()

    def set_start(self, point: tuple[float, ...], run: int | None = None) -> None:
        """Move the shared start (or one run's own start) and restart the race."""
        p = tuple(float(v) for v in point)
        if len(p) != self.landscape.dim or not np.all(np.isfinite(p)):
            raise ValueError(f"a start on {self.landscape.name} is {self.landscape.dim} finite "
                             f"numbers, got {point!r}")
        if run is None:
            self.start = p
        else:
            self.runs[run] = replace(self.runs[run], start=p)
        self.reset()

    def random_start(self) -> None:
        rng = np.random.default_rng()
        box = np.array(self.landscape.domain)
        lo, hi = box[:, 0], box[:, 1]
        self.set_start(tuple(lo + (hi - lo) * (0.1 + 0.8 * rng.random(len(lo)))))

    def set_display(self, key: str, on: bool) -> None:
        if key not in self.display:
            raise KeyError(key)
        self.display[key] = bool(on)
        self.sigDisplayChanged.emit()

    # ---- the race ----------------------------------------------------------------------
    def reset(self) -> None:
        """Back to step 0 with every run's current settings."""
        self._steppers = [
            Stepper(self.landscape, get_optimizer(r.kind).make(None, **r.hyper),
                    [r.start or self.start], seed=self.seed + i,
                    tol=self.tol if self.stop_on_convergence else 0.0)
            for i, r in enumerate(self.runs)
        ]
        self.runs = [replace(r, edits=()) for r in self.runs]
        self.timeline = Timeline([s.snapshot for s in self._steppers]) if self.runs else None
        self.cursor = 0
        self.sigTimelineReset.emit()
        self.sigStepChanged.emit(0)

    @property
    def step(self) -> int:
        """The step the views show."""
        return int(self.timeline.steps[self.cursor]) if self.timeline else 0

    @property
    def head_step(self) -> int:
        return self.timeline.head_step if self.timeline else 0

    @property
    def at_head(self) -> bool:
        return self.timeline is None or self.cursor == len(self.timeline) - 1

    @property
    def finished(self) -> bool:
        """Nothing left to compute: every run stopped, or the step limit is reached."""
        if not self._steppers:
            return True
        all_stopped = not any(s.running for s in self._steppers)
        return self.head_step >= self.max_steps or (self.stop_on_convergence and all_stopped)

    def _branch(self) -> None:
        """Drop the rows after the cursor and resume the steppers from it."""
        if self.timeline is None or self.at_head:
            return
        self.timeline.truncate(self.cursor)
        for stepper, snap in zip(self._steppers, self.timeline.frame(self.cursor), strict=True):
            stepper.restore(snap)

    def _compute(self, count: int) -> None:
        assert self.timeline is not None
        for _ in range(count):
            if self.finished:
                break
            self.timeline.append([s.advance() for s in self._steppers])
        self.cursor = len(self.timeline) - 1

    def step_forward(self, count: int = 1) -> None:
        if self.timeline is None:
            return
        if not self.at_head:
            self.cursor = min(self.cursor + count, len(self.timeline) - 1)
        else:
            self._compute(count)
        self.sigStepChanged.emit(self.step)

    def step_back(self) -> None:
        if self.timeline is not None and self.cursor > 0:
            self.pause()
            self.cursor -= 1
            self.sigStepChanged.emit(self.step)

    def seek(self, step: int) -> None:
        """Show the last kept row at or before ``step``."""
        if self.timeline is not None:
            self.cursor = self.timeline.row_of(step)
            self.sigStepChanged.emit(self.step)

    def run_to(self, step: int) -> None:
        """Compute (without drawing in between) until ``step`` or a stop."""
        if self.timeline is not None:
            self.cursor = len(self.timeline) - 1
            self._compute(max(0, step - self.head_step))
            self.sigStepChanged.emit(self.step)

    # ---- playback ----------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.timeline is None or self.playing or (self.at_head and self.finished):
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

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = float(min(max(steps_per_second, 1.0), 1000.0))

    def set_max_steps(self, n: int) -> None:
        self.max_steps = max(1, int(n))

    def set_stop_on_convergence(self, on: bool) -> None:
        self.stop_on_convergence = bool(on)
        for s in self._steppers:
            s.tol = self.tol if on else 0.0

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

    # ---- what the views read -----------------------------------------------------------
    def snapshot(self, i: int) -> Snapshot:
        """Run ``i`` at the cursor."""
        return self.frame()[i]

    def frame(self) -> list[Snapshot]:
        """Every run at the cursor: the live steppers at the head, else unpacked rows
        (kept until the cursor or the timeline moves)."""
        if self.timeline is None:
            return []
        if self.at_head:
            return [s.snapshot for s in self._steppers]
        key = (id(self.timeline), len(self.timeline), self.head_step, self.cursor)
        if self._frame_cache[0] != key:
            self._frame_cache = (key, self.timeline.frame(self.cursor))
        return self._frame_cache[1]

    def trail(self, i: int) -> np.ndarray:
        """Run ``i``'s kept positions up to the cursor: (rows, dim)."""
        assert self.timeline is not None
        return self.timeline.params(i, self.cursor)[:, 0, :]

    def history(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run ``i`` over the whole recorded timeline: steps, loss, gradient norm."""
        assert self.timeline is not None
        t = self.timeline
        return np.asarray(t.steps), t.loss(i)[:, 0], t.grad_norm(i)[:, 0]

    def grid(self, box: probe.Box, res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return probe.grid(self.landscape, box, res)

    def curve(self, box: probe.Box, res: int) -> tuple[np.ndarray, np.ndarray]:
        return probe.curve(self.landscape, box, res)

    def gradient_field(self, box: probe.Box, res: int) -> tuple[np.ndarray, np.ndarray]:
        return probe.gradient_field(self.landscape, box, res)

    def value_at(self, point: tuple[float, ...]) -> float:
        """The landscape's value at one point (NaN where it is not finite)."""
        with np.errstate(all="ignore"):
            f = float(self.landscape.value(np.asarray(point[: self.landscape.dim])))
        return f if np.isfinite(f) else float("nan")

    def next_point(self, i: int) -> np.ndarray:
        """Where run ``i``'s next update would take it from the cursor: (dim,)."""
        return probe.next_params(self._steppers[i].optimizer, self.snapshot(i))[0]

    def velocity(self, i: int) -> np.ndarray | None:
        """Run ``i``'s momentum direction at the cursor, (dim,), or None."""
        v = probe.velocity(self.snapshot(i))
        return None if v is None else v[0]

    def summary(self) -> str:
        parts = []
        for r, s in zip(self.runs, self.frame(), strict=True):
            status = str(s.status[0])
            if status == RUNNING:
                parts.append(f"{r.label}: f={s.loss[0]:.4g}")
            else:
                parts.append(f"{r.label}: {status} at step {int(s.stopped_at[0])}")
        return " · ".join(parts)
