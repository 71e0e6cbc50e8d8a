"""Maps ▸ Stability map…: how the focused run fares over a grid of two of its
hyperparameters, computed by the core (``stability_map``) in a worker thread with
progress and Cancel, then shown in a window of its own. Clicking a cell there races the
run with that cell's two values from step 0.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog

from gdviz.core.maps import StabilityMap, stability_map
from gdviz.export.maps import loss_floor
from gdviz.ui.map_job import CoreWorker, collect, watch
from gdviz.ui.session import Session
from gdviz.ui.stability_dialog import StabilityDialog, default_axes
from gdviz.ui.views.stability import StabilityView

TITLE = "Stability map"


class StabilityMaps(QObject):
    """The action, its dialog, the one map being computed and the window showing the last
    one. ``run`` and ``optimizer``: the run the shown map is of, and its optimizer."""

    def __init__(self, window: QMainWindow, session: Session) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        self.action = QAction("&Stability map of the selected optimizer…", window)
        self.action.setShortcut(QKeySequence("Shift+B"))
        self.action.setToolTip("How the optimizer fares over a grid of two of its "
                               "hyperparameters (computed in the background)")
        self.action.triggered.connect(lambda _c=False: self.start())
        self.dialog: StabilityDialog | None = None
        self.worker: CoreWorker | None = None
        self.progress: QProgressDialog | None = None
        self.view: StabilityView | None = None
        self.run, self.optimizer = 0, ""
        session.sigRunsChanged.connect(self._mark_current)

    def focused(self) -> int:
        """The selected run, else the first."""
        s = self.session
        return s.selected if s.selected is not None and s.selected < len(s.runs) else 0

    def refusal(self) -> str | None:
        """Why no map can be made of the race now, or None."""
        s = self.session
        if s.is_network:
            return "A stability map races on a landscape; a network race is not one."
        if s.landscape.dim not in (1, 2):
            return ("A stability map needs a 1-D or 2-D landscape; "
                    f"{s.landscape.name} has {s.landscape.dim} parameters.")
        if not s.runs:
            return "Add an optimizer first: the map is of the selected one."
        try:
            default_axes(s.runs[self.focused()].optimizer)
        except ValueError as err:
            return f"{err}."
        return None

    def start(self) -> None:
        """Ask for the map's settings (window-modal), then compute it."""
        why = self.refusal()
        if why is not None:
            QMessageBox.information(self.window, TITLE, why)
            return
        if self.worker is not None:
            return  # one map at a time
        self.session.pause()
        run = self.focused()
        self.dialog = StabilityDialog(self.session, run, self.window)
        self.dialog.accepted.connect(lambda: self.compute(run, self._dialog_job()))
        self.dialog.open()

    def _dialog_job(self) -> dict[str, Any]:
        assert self.dialog is not None
        return self.dialog.job()

    def compute(self, run: int, job: dict[str, Any]) -> None:
        """Compute ``stability_map(**job)`` of run ``run`` in the background."""
        if self.worker is not None:
            return
        self.worker = CoreWorker(stability_map, job, self)
        self.progress = watch(self.worker, self.window, TITLE,
                              "Running the optimizer at every pair of values…")
        self.worker.finished.connect(lambda: self._done(run, job))
        self.worker.start()

    def _done(self, run: int, job: dict[str, Any]) -> None:
        worker, self.worker = self.worker, None
        result = collect(worker, self.progress, self.window, TITLE)
        self.progress = None
        if result is not None:
            self.show(result, run, job)

    def show(self, smap: StabilityMap, run: int, job: dict[str, Any]) -> None:
        """Show ``smap`` (of run ``run``, made from ``job``) in the map window, replacing
        the last map."""
        land = job["landscape"]
        start = ", ".join(f"{v:.3g}" for v in job["start"])
        title = (f"{TITLE}: {job['optimizer']} on {land.name} from ({start}), "
                 f"{job['steps']} steps")
        if self.view is not None:
            self.view.close()
            self.view.deleteLater()
        self.run, self.optimizer = run, job["optimizer"]
        self.view = StabilityView(smap, loss_floor(land), title, self.window)
        self.view.setWindowFlag(Qt.WindowType.Window)
        self.view.resize(760, 680)
        self.view.sigPicked.connect(self.apply)
        self._mark_current()
        self.view.show()

    def _same_run(self) -> bool:
        """The shown map's run still races, with the same optimizer."""
        s = self.session
        return self.run < len(s.runs) and s.runs[self.run].optimizer == self.optimizer

    def _mark_current(self) -> None:
        """The cross at the run's step-0 values (none if the run is gone or changed kind)."""
        view, s = self.view, self.session
        if view is None:
            return
        m = view.map
        if not self._same_run():
            view.set_current(None, None)
            return
        hyper = s.runs[self.run].hyper_at(0)
        view.set_current(float(hyper[m.x.name]), float(hyper[m.y.name]))

    def apply(self, x: float, y: float) -> None:
        """Race the map's run from step 0 with the clicked cell's two values."""
        s, view = self.session, self.view
        if view is None or not self._same_run():
            QMessageBox.information(self.window, TITLE, "The run this map is of has changed; "
                                    "make a new map.")
            return
        s.seek(0)
        try:
            s.set_hyper(self.run, view.map.x.name, x)
            s.set_hyper(self.run, view.map.y.name, y)
        except ValueError as err:
            QMessageBox.warning(self.window, TITLE, str(err))
            return
        s.play()

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the running map is done (tests, closing the window)."""
        worker = self.worker
        return worker is None or worker.wait(ms)

    def stop(self) -> None:
        """Cancel a running map and wait for its thread (the window is closing)."""
        if self.worker is not None:
            self.worker.cancelled = True
        self.wait()
