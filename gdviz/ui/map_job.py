"""Maps ▸ Basin map: which minimum the selected optimizer reaches from every start of the
view, computed by the core in a worker thread (with progress and Cancel) and laid,
translucent and shaded by the steps taken, under the contour lines. A click on the map
then starts the race from that pixel, as any click does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QThread, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog, QWidget

from gdviz.core.maps import basin_map
from gdviz.ui.session import Session
from gdviz.ui.views.contour import ContourView
from gdviz.ui.views.plotview import view_box

RES = 160  # cells per side: a map of 160×160×500 steps takes about a second
MAP_STEPS = 500  # at most this many steps per start (the race's length if shorter)


class Cancelled(Exception):
    """Raised inside the worker's progress callback to stop the map."""


class CoreWorker(QThread):
    """Runs ``work(progress=…, **job)`` of the core off the GUI thread, with
    ``sigProgress(done, total)``; ``cancelled = True`` stops it at its next progress."""

    sigProgress = pyqtSignal(int, int)

    def __init__(self, work: Callable[..., Any], job: dict[str, Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work, self.job = work, job
        self.result: Any = None
        self.error: str | None = None
        self.cancelled = False

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled
        self.sigProgress.emit(done, total)

    def run(self) -> None:  # noqa: D102 - QThread's entry point
        try:
            self.result = self.work(progress=self._progress, **self.job)
        except Cancelled:
            self.result = None
        except ValueError as err:
            self.error = str(err)


def watch(worker: CoreWorker, window: QWidget, title: str, text: str) -> QProgressDialog:
    """A progress dialog following ``worker`` (percent done); its Cancel stops it."""
    progress = QProgressDialog(text, "Cancel", 0, 100, window)
    progress.setWindowTitle(title)
    progress.setMinimumDuration(300)
    progress.canceled.connect(lambda: setattr(worker, "cancelled", True))
    worker.sigProgress.connect(
        lambda done, total: progress.setValue(int(100 * done / total)) if total else None)
    return progress


def collect(worker: CoreWorker | None, progress: QProgressDialog | None, window: QWidget,
            title: str) -> Any:
    """What a finished ``worker`` computed (None if nothing): its progress dialog closed,
    its error shown under ``title``, the worker deleted."""
    if progress is not None:
        progress.close()
    if worker is None:
        return None
    result = None
    if worker.error:
        QMessageBox.warning(window, title, worker.error)
    else:
        result = worker.result
    worker.deleteLater()
    return result


class BasinMaps(QObject):
    """The Maps menu's actions and the one map being computed."""

    def __init__(self, window: QMainWindow, session: Session, contour: ContourView) -> None:
        super().__init__(window)
        self.window, self.session, self.contour = window, session, contour
        self.basin_action = QAction("&Basin map of the selected optimizer", window)
        self.basin_action.setShortcut(QKeySequence("B"))
        self.basin_action.setToolTip("Which minimum the optimizer reaches from every start "
                                     "of the view (computed in the background)")
        self.basin_action.triggered.connect(lambda _c=False: self.start())
        self.clear_action = QAction("&Clear the map", window)
        self.clear_action.triggered.connect(lambda _c=False: contour.set_overlay(None))
        self.worker: CoreWorker | None = None
        self.progress: QProgressDialog | None = None

    def actions(self) -> list[QAction]:
        return [self.basin_action, self.clear_action]

    def job(self) -> dict[str, object] | None:
        """What to compute: the selected run (else the first) at its step-0 settings,
        over the map's visible box; None without a 2-D landscape or a run."""
        s = self.session
        if s.is_network or s.landscape.dim != 2 or not s.runs:
            return None
        i = s.selected if s.selected is not None else 0
        box = view_box(self.contour.plot.vb)
        return {"landscape": s.landscape, "optimizer": s.runs[i].optimizer_at(0),
                "box": box, "res": RES, "steps": min(MAP_STEPS, s.steps), "seed": s.seed}

    def start(self) -> None:
        job = self.job()
        if job is None:
            QMessageBox.information(self.window, "Basin map",
                                    "A basin map needs a 2-D landscape (not a network) and an "
                                    "optimizer.")
            return
        if self.worker is not None:
            return  # one map at a time
        self.session.pause()
        self.worker = CoreWorker(basin_map, job, self)
        self.progress = watch(self.worker, self.window, "Basin map",
                              "Running the optimizer from every start…")
        self.worker.finished.connect(self._done)
        self.worker.start()

    def _cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancelled = True

    def _done(self) -> None:
        worker, self.worker = self.worker, None
        result = collect(worker, self.progress, self.window, "Basin map")
        self.progress = None
        if result is not None:
            self.contour.set_overlay(result)
            self.session.sigMessage.emit("basin map: one colour per minimum, darker = more "
                                         "steps, black = not converged, dark red = diverged")

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the running map is done (tests, closing the window)."""
        worker = self.worker
        return worker is None or worker.wait(ms)

    def stop(self) -> None:
        """Cancel a running map and wait for its thread (the window is closing)."""
        self._cancel()
        self.wait()
