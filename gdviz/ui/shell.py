"""The one main window around a Session, rebuilt when its look changes at run time.

Themes and the font scale are read as widgets are built (``gdviz.ui.style``), so View ▸
Theme and View ▸ Large fonts make a new window around the same Session: the race, the
cursor, the selection and the modified mark live there, so nothing is lost. The new
window takes the old one's geometry, dock layout, view boxes, presenter layout and
playing state; the old one closes without asking to discard changes and is deleted.
"""

from __future__ import annotations

from PyQt6 import sip
from PyQt6.QtCore import QObject, pyqtBoundSignal, pyqtSignal
from PyQt6.QtWidgets import QApplication

from gdviz.ui import style
from gdviz.ui.main_window import MainWindow
from gdviz.ui.session import Session
from gdviz.ui.views.plotview import view_box


def session_signals(session: Session) -> list[pyqtBoundSignal]:
    """Every signal of the session, bound."""
    kind = type(session)
    return [getattr(session, name) for name in dir(kind)
            if isinstance(getattr(kind, name, None), pyqtSignal)]


class Shell(QObject):
    """Owns ``window``, the main window on ``session``, and rebuilds it in a new look."""

    def __init__(self, session: Session, remember_layout: bool = True) -> None:
        super().__init__()
        self.session, self.remember_layout = session, remember_layout
        self.window = self._build()

    def _build(self) -> MainWindow:
        window = MainWindow(self.session, remember_layout=self.remember_layout)
        window.theme_menu.offer(self.restyle)
        return window

    def restyle(self, theme: str, scale: float) -> None:
        """Rebuild the window in ``theme`` at font ``scale`` (ValueError for an unknown
        theme, before anything changes)."""
        if theme not in style.THEMES:
            style.set_theme(theme)  # raises, naming the themes
        old, s = self.window, self.session
        playing = s.playing
        geometry, state = old.saveGeometry(), old.saveState()
        boxes = [view_box(v.plot.vb) for v in old.map_views()]
        presenting, hidden = old.lecture.presenting, old.lecture.hidden_panels
        # the old window and what it owns are the session's only listeners: cut them off
        # before the new window connects, so no signal reaches a widget being deleted
        for signal in session_signals(s):
            try:
                signal.disconnect()
            except TypeError:  # nothing was connected
                pass
        style.set_theme(theme)
        style.set_scale(scale)
        style.configure()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            style.apply_palette(app)
            style.apply_font(app)
        new = self._build()
        new.restoreGeometry(geometry)
        new.restoreState(state)
        # the contour map first in both; the curve where the new window has one (it is
        # built with the window when the race is 1-D, and the old one had it then too)
        for view, ((x0, x1), (y0, y1)) in zip(new.map_views(), boxes, strict=False):
            view.plot.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.window = new
        if presenting:
            new.lecture.resume_presenter(hidden)
        else:
            new.show()
        old.remember_layout = False  # closes without asking: the session keeps the race
        old.close()
        # deleted by Qt once control is back in the event loop, never by Python's garbage
        # collector at some other moment (this very call runs in one of its actions)
        sip.transferto(old, None)  # type: ignore[arg-type]  # None: Qt owns it
        old.deleteLater()
        if playing:
            s.play()
