"""View ▸ Theme (light, dark, high contrast) and View ▸ Large fonts (presenter): the
window's look, changed while it is open.

Colours and sizes are read as widgets are built, so a new look means a new window around
the same Session: these actions only ask for it with ``sigRestyle(theme, scale)``, and
the owner of the window (``gdviz.ui.shell.Shell``) rebuilds it. Until an owner
``offer``s to, the entries are disabled.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtGui import QAction, QActionGroup
from PyQt6.QtWidgets import QMainWindow, QMenu

from gdviz.ui import style

THEME_NAMES = (("light", "&Light"), ("dark", "&Dark"), ("contrast", "High &contrast"))


class ThemeMenu(QObject):
    """The Theme submenu (``menu``, one checkable action per theme in ``actions``) and
    the ``large_fonts`` toggle, checked as the window was built."""

    sigRestyle = pyqtSignal(str, float)  # the theme's name and the font scale asked for

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.menu = QMenu("&Theme", window)
        group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for name, text in THEME_NAMES:
            action = QAction(text, window)
            action.setCheckable(True)
            action.setChecked(style.THEME.name == name)
            action.triggered.connect(
                lambda _c=False, n=name: self.sigRestyle.emit(n, style.SCALE))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[name] = action
        self.large_fonts = QAction("Large fonts (presenter)", window)
        self.large_fonts.setCheckable(True)
        self.large_fonts.setChecked(style.SCALE != 1.0)
        self.large_fonts.setToolTip("Fonts and lines enlarged for a projector (as "
                                    "gdviz gui --present)")
        self.large_fonts.triggered.connect(lambda on: self.sigRestyle.emit(
            style.THEME.name, style.PRESENTER_SCALE if on else 1.0))
        self.menu.setEnabled(False)
        self.large_fonts.setEnabled(False)

    def offer(self, restyle: Callable[[str, float], None]) -> None:
        """Enable the entries: ``restyle(theme, scale)`` gives the window its new look."""
        self.sigRestyle.connect(restyle)
        self.menu.setEnabled(True)
        self.large_fonts.setEnabled(True)
