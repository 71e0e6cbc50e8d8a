"""Jobs computed off the GUI thread where only the newest result counts (a view that
follows the cursor): one ``CoreWorker`` at a time, a job asked for meanwhile waits
(replacing any other waiting one), and a result is delivered only if no newer job was
asked for, nor everything dropped, while it was computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QCoreApplication, QObject, pyqtSignal

from gdviz.ui.map_job import CoreWorker


def _run(progress: Callable[[int, int], None], job: Callable[[], Any]) -> Any:
    """A CoreWorker's work: the job in one piece (no progress to report)."""
    return job()


class LatestJob(QObject):
    """``ask(tag, job)`` computes ``job()`` in the background; ``sigDone(tag, result)``
    and ``sigFailed(message)`` (a ValueError's) come only for the newest job asked."""

    sigDone = pyqtSignal(object, object)
    sigFailed = pyqtSignal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._asked = 0  # jobs asked for (or drops) so far: the newest one's number
        self._worker: CoreWorker | None = None
        self._running = 0  # the number of the job the worker computes
        self._running_tag: object = None
        self._waiting: tuple[int, object, Callable[[], Any]] | None = None
        self._stopped = False

    @property
    def busy(self) -> bool:
        """True while the newest job asked for is not done."""
        return self._waiting is not None or (self._worker is not None
                                             and self._running == self._asked)

    def ask(self, tag: object, job: Callable[[], Any]) -> None:
        """Compute ``job()`` now, or after the job being computed; older results drop."""
        self._asked += 1
        if self._stopped:
            return
        if self._worker is None:
            self._start(self._asked, tag, job)
        else:
            self._waiting = (self._asked, tag, job)

    def drop(self) -> None:
        """Deliver nothing of what was asked so far (a running job ends unheard)."""
        self._asked += 1
        self._waiting = None

    def wait(self, ms: int = 10_000) -> bool:
        """Block until the running job ends (its result comes once the event loop runs)."""
        return self._worker is None or self._worker.wait(ms)

    def stop(self) -> None:
        """For good (the owner is closing): nothing more is started or delivered, and the
        running job is waited for."""
        self._stopped = True
        self.drop()
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.finished.disconnect(self._done)
            worker.wait()

    def _start(self, number: int, tag: object, job: Callable[[], Any]) -> None:
        # owned by the application, not by this object: a thread outlives a view closed
        # while it computes
        worker = CoreWorker(_run, {"job": job}, QCoreApplication.instance())
        worker.finished.connect(self._done)
        worker.finished.connect(worker.deleteLater)
        self._worker, self._running, self._running_tag = worker, number, tag
        worker.start()

    def _done(self) -> None:
        worker, number, tag = self._worker, self._running, self._running_tag
        self._worker = None
        if self._waiting is not None:  # newer than the one done
            self._start(*self._waiting)
            self._waiting = None
        if worker is None or number != self._asked:
            return  # a newer job was asked for, or all were dropped
        if worker.error:
            self.sigFailed.emit(worker.error)
        elif worker.result is not None:
            self.sigDone.emit(tag, worker.result)
