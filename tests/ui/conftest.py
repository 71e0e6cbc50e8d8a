"""Fixtures shared by the UI tests."""

import gc

import pytest
from PyQt6.QtCore import QEvent
from PyQt6.QtWidgets import QApplication

from gdviz.ui.render import NO_GL
from gdviz.ui.session import Session
from gdviz.ui.style import configure


@pytest.fixture(autouse=True, scope="session")
def _style() -> None:
    configure()


@pytest.fixture(autouse=True)
def _gl_only_when_marked(request, monkeypatch):
    """Windows and renderers build their OpenGL views only in tests marked ``gl``: Mesa
    under Xvfb now and then loses a GL context when dozens of windows with GL views are
    built and deleted in quick succession (a segfault in a later paint). The views
    themselves are tested in the marked tests; the rest take the window without GL."""
    if request.node.get_closest_marker("gl") is None:
        monkeypatch.setenv(NO_GL, "1")


@pytest.fixture(autouse=True)
def _delete_closed_widgets():
    """After a test's widgets are closed (and handed to deleteLater), delete them now,
    and collect Python's garbage here too, with the cycle collector off during the test:
    a window left for later, or the wrappers of one, was otherwise deleted at a random
    moment of a later test, now and then in the middle of another window's paint (a
    segfault in QGraphicsView's paint, or GL views taking OpenGL down while the next
    window set it up)."""
    gc.disable()
    try:
        yield
    finally:
        app = QApplication.instance()
        if app is not None:
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            app.processEvents()
        gc.collect()
        if app is not None:
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        gc.enable()


@pytest.fixture
def session(qtbot) -> Session:
    """A rosenbrock race with three optimizers, not yet stepped."""
    s = Session("rosenbrock")
    s.add_run("gd", lr=1e-3)
    s.add_run("momentum", lr=1e-3)
    s.add_run("adam", lr=0.02)
    return s


@pytest.fixture
def wells(qtbot) -> Session:
    """A race on the three-parameter three_wells: plain GD, momentum and Adam."""
    s = Session("three_wells")
    for kind, lr in (("gd", 0.1), ("momentum", 0.05), ("adam", 0.1)):
        s.add_run(kind, lr=lr)
    return s
