"""Maps ▸ Fair comparison: every racing optimizer's best learning rate for this landscape
and start (``core.sweep``), found in the background and shown in a table; each can be
applied with one click (the race restarts with it), or all at once.
"""

from __future__ import annotations

import html
from typing import Any

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.sweep import LrSweep, lr_sweep
from gdviz.ui.map_job import CoreWorker, collect
from gdviz.ui.session import Session

SWEEP_STEPS = 300  # at most this many steps per trial run (the race's length if shorter)


def sweep_all(session_spec: Any, landscape: Any, steps: int,
              progress: Any = None) -> list[LrSweep]:
    """One sweep per run of the race (its hyperparameters at step 0, its own start)."""
    sweeps = []
    spec = session_spec
    for i, run in enumerate(spec.runs):
        sweeps.append(lr_sweep(landscape, run.optimizer, spec.start_of(i, landscape),
                               run.hyper, steps=steps, seed=spec.seed_of(i)))
        if progress is not None:
            progress(i + 1, len(spec.runs))
    return sweeps


class FairComparison(QObject):
    """The action, the background sweep and the table of results."""

    def __init__(self, window: QMainWindow, session: Session) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        self.action = QAction("&Fair comparison: best learning rates…", window)
        self.action.setShortcut(QKeySequence("Ctrl+L"))
        self.action.setToolTip("Try 25 learning rates per optimizer from this start and "
                               "offer each its best")
        self.action.triggered.connect(lambda _c=False: self.start())
        self.worker: CoreWorker | None = None
        self.dialog: QDialog | None = None

    def start(self) -> None:
        s = self.session
        if not s.runs or self.worker is not None:
            return
        if s.is_network:
            QMessageBox.information(self.window, "Fair comparison",
                                    "The learning-rate sweep races on landscapes; a network "
                                    "race has too many weights for 25 trial runs each.")
            return
        s.pause()
        job = {"session_spec": s.spec, "landscape": s.landscape,
               "steps": min(SWEEP_STEPS, s.steps)}
        self.worker = CoreWorker(sweep_all, job, self)
        progress = QProgressDialog("Trying learning rates…", "Cancel", 0, len(s.runs),
                                   self.window)
        progress.setMinimumDuration(300)
        progress.canceled.connect(self._cancel)
        self.worker.sigProgress.connect(lambda done, _total: progress.setValue(done))
        self.worker.finished.connect(lambda: self._done(progress))
        self.worker.start()

    def _cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancelled = True

    def wait(self, ms: int = 60_000) -> bool:
        return self.worker is None or self.worker.wait(ms)

    def _done(self, progress: QProgressDialog) -> None:
        worker, self.worker = self.worker, None
        result = collect(worker, progress, self.window, "Fair comparison")
        if result is not None:
            self.dialog = self.table(result)
            self.dialog.show()

    def table(self, sweeps: list[LrSweep]) -> QDialog:
        """The results: one row per run with its current rate, its best one and Apply."""
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Fair comparison: the best learning rate of each optimizer")
        grid = QGridLayout()
        for col, title in enumerate(("optimizer", "η now", "best η", "final loss", "")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        buttons: list[QPushButton] = []
        for i, (run, sweep) in enumerate(zip(self.session.runs, sweeps, strict=True)):
            grid.addWidget(QLabel(f"<span style='color:{run.color}'>■</span> "
                                  f"{html.escape(run.label)}"), i + 1, 0)
            grid.addWidget(QLabel(f"{float(run.hyper['lr']):.3g}"), i + 1, 1)
            best = sweep.best
            grid.addWidget(QLabel("every rate diverged" if best is None else f"{best:.3g}"),
                           i + 1, 2)
            grid.addWidget(QLabel("" if best is None else f"{sweep.best_loss:.3g}"), i + 1, 3)
            apply = QPushButton("Apply")
            apply.setEnabled(best is not None)
            apply.clicked.connect(lambda _c=False, i=i, best=best: self.apply(i, best))
            grid.addWidget(apply, i + 1, 4)
            buttons.append(apply)
        apply_all = QPushButton("Apply all")
        apply_all.clicked.connect(lambda: self.apply_all(buttons))
        note = QLabel(f"Each optimizer ran {min(SWEEP_STEPS, self.session.steps)} steps from "
                      "its start at 25 learning rates from 1e-4 to 1; the best rate ends "
                      "with the lowest loss without diverging.")
        note.setWordWrap(True)
        box = QVBoxLayout(dialog)
        box.addWidget(note)
        holder = QWidget()
        holder.setLayout(grid)
        box.addWidget(holder)
        box.addWidget(apply_all)
        dialog.buttons = buttons  # type: ignore[attr-defined]
        return dialog

    @staticmethod
    def apply_all(buttons: list[QPushButton]) -> None:
        for button in buttons:
            if button.isEnabled():
                button.click()

    def apply(self, i: int, lr: float | None) -> None:
        """Race run ``i`` from step 0 with ``lr`` (the race restarts)."""
        if lr is None or i >= len(self.session.runs):
            return
        self.session.seek(0)
        self.session.set_hyper(i, "lr", lr)
