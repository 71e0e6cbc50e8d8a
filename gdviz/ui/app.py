"""Starting the window: from `gdviz gui`, `make run`, or a screenshot request."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QMessageLogContext,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PyQt6.QtWidgets import QApplication, QWidget

from gdviz import startup
from gdviz.scenario import Scenario
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.style import configure

SETTLE_MS = 250  # before a screenshot: layouts settle and delayed map samplings run
# Qt's PNG "quality" 80 is zlib's fastest level: a screenshot is written in about half the
# time of the default level, for a file about a tenth larger
SCREENSHOT_QUALITY = 80


QUIET = ("propagateSizeHints",)  # harmless notes of the offscreen platform, per window


def _qt_message(kind: QtMsgType, context: QMessageLogContext, text: str | None) -> None:
    """Qt's messages on stderr, as Qt prints them, less the harmless ``QUIET`` ones."""
    if text and not any(word in text for word in QUIET):
        print(text, file=sys.stderr)


def application() -> QApplication:
    """The one QApplication (made on the first call). Keep a reference to it: a
    QApplication nobody holds is deleted, and every widget with it."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        qInstallMessageHandler(_qt_message)
        # pyqtgraph's GL items keep one shader program for all widgets, valid only if every
        # GL context shares one group: a second 3-D view or a floated dock fail otherwise.
        # Qt takes this only before the QApplication exists.
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("gdviz")
        app.setOrganizationName("gdviz")
    configure()
    style.apply_palette(app)
    style.apply_font(app)
    return app


def launch(scenario: Scenario, source: str | None = None, steps: int | None = None,
           screenshot: str | Path | None = None, present: bool = False,
           theme: str = "light") -> int:
    """Open the window on ``scenario`` (blocking) or, with ``screenshot``, save it as PNG
    and return. ``steps``: compute that many steps before showing (with a screenshot and
    no ``steps``, the whole race). ``present``: presenter mode, fonts and lines enlarged
    for a projector, full screen with the side panels hidden."""
    style.set_theme(theme)
    if present:
        style.set_scale(style.PRESENTER_SCALE)

    if screenshot is not None:
        _check_writable(Path(screenshot))
    startup.pause()  # building the window: no garbage collections in vain (gdviz.startup)
    try:
        from gdviz.ui.shell import Shell

        app = application()
        session = Session(scenario)
        session.source = source
        shell = Shell(session, remember_layout=screenshot is None and not present)
        window = shell.window  # View ▸ Theme replaces it: read shell.window from then on
        compute = _race_computer(session, steps, screenshot is not None)
        window.show()
        if present:
            window.lecture.toggle_presenter()
    finally:
        startup.settle()  # the modules, the window and its views live until the end
    # the window first, the race after: its steps are drawn when they are computed
    QTimer.singleShot(0, compute)
    if screenshot is None:
        code = app.exec()  # the shell holds the window (and any rebuilt one) till the end
        _delete(shell.window)
        return code
    settle = QEventLoop()  # layouts settle and delayed map samplings run
    QTimer.singleShot(SETTLE_MS, settle.quit)
    settle.exec()
    compute()  # done already, unless the race took longer than the settling
    for view in window.map_views():
        view.resample_if_moved()  # the final view box, even if a delayed one is pending
    window.network_mode.settle()
    window.space_mode.settle()
    app.processEvents()  # the items' deferred updates; grab() paints the whole window itself
    image = window.grab()
    if image.isNull() or not image.save(str(screenshot), "PNG", SCREENSHOT_QUALITY):
        raise OSError(f"could not write the screenshot to {screenshot}")
    window.close()
    _delete(window)
    return 0


def _race_computer(session: Session, steps: int | None, whole: bool) -> Callable[[], None]:
    """A call computing the race up to ``steps`` (``whole``: to its end when ``steps`` is
    None) the first time it is made, and doing nothing after."""
    target = session.steps if steps is None and whole else steps

    def compute() -> None:
        nonlocal target
        if target is not None:
            step, target = target, None
            session.run_to(step)

    return compute


def _delete(window: QWidget) -> None:
    """Delete a closed window now, while the application lives: left to Python's exit, its
    GL views may be torn down after the GL context they need (a crash on the way out)."""
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _check_writable(path: Path) -> None:
    """Refuse a screenshot path whose folder cannot be written, before any work is done."""
    folder = path.absolute().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise OSError(f"could not write the screenshot to {path}: {folder} is not a "
                      "writable folder")
