"""Starting the window: from `gdviz gui`, `make run`, or a screenshot request."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PyQt6.QtWidgets import QApplication

from gdviz.core.hyper import Value
from gdviz.core.landscapes import Landscape
from gdviz.ui.session import Session
from gdviz.ui.style import configure

SETTLE_MS = 250  # before a screenshot: layouts settle and GL views render

# The race `make run` opens on: a curved valley where plain GD crawls and momentum and
# Adam race ahead.
DEFAULT_LANDSCAPE = "rosenbrock"
DEFAULT_RUNS: tuple[tuple[str, dict[str, Value]], ...] = (
    ("gd", {"lr": 1.5e-3}),
    ("momentum", {"lr": 1e-3}),
    ("rmsprop", {"lr": 1e-2}),
    ("adam", {"lr": 0.1}),
)


@dataclass
class Setup:
    """What to open: a landscape, its parameters, a start and the racing optimizers."""

    landscape: str | Landscape = DEFAULT_LANDSCAPE
    start: tuple[float, ...] | None = None
    runs: Sequence[tuple[str, dict[str, Value]]] = DEFAULT_RUNS
    steps: int | None = None  # compute this many steps before showing
    seed: int = 0
    tol: float | None = None  # convergence tolerance (None: the session's default)


def build_session(setup: Setup) -> Session:
    session = Session(setup.landscape)
    session.seed = setup.seed
    if setup.tol:
        session.tol = setup.tol
    if setup.start is not None:
        session.set_start(setup.start)
    for kind, hyper in setup.runs:
        session.add_run(kind, None, None, **hyper)
    return session


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        # every GL view shares one context group, so a second 3-D view can draw too
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("gdviz")
        app.setOrganizationName("gdviz")
    configure()
    return app


def launch(setup: Setup, screenshot: str | Path | None = None) -> int:
    """Open the window (blocking) or, with ``screenshot``, save it as PNG and return."""
    from gdviz.ui.main_window import MainWindow

    if screenshot is not None:
        _check_writable(Path(screenshot))
    app = application()
    session = build_session(setup)
    window = MainWindow(session, remember_layout=screenshot is None)
    if setup.steps:
        session.run_to(setup.steps)
    window.show()
    if screenshot is None:
        return app.exec()
    settle = QEventLoop()  # layouts settle and GL views render
    QTimer.singleShot(SETTLE_MS, settle.quit)
    settle.exec()
    for view in (window.contour, window.curve):
        view.resample()  # the final view box, even if a delayed resample is still pending
    window.repaint()
    app.processEvents()
    image = window.grab()
    if image.isNull() or not image.save(str(screenshot), "PNG"):
        raise OSError(f"could not write the screenshot to {screenshot}")
    window.close()
    return 0


def _check_writable(path: Path) -> None:
    """Refuse a screenshot path whose folder cannot be written, before any work is done."""
    folder = path.absolute().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise OSError(f"could not write the screenshot to {path}: {folder} is not a "
                      "writable folder")
