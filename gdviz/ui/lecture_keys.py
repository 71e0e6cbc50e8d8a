"""Keys for teaching from the keyboard: 1–9 focus an optimizer, PageDown / PageUp open the
next / previous preset, E shows the update rule with this step's numbers, F11 presenter
layout (full screen, the side panels hidden; ``gdviz gui --present`` also enlarges fonts
and lines)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PyQt6.QtCore import QObject, QRect, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QMainWindow

from gdviz.scenario import preset_names
from gdviz.ui.files import ScenarioFiles
from gdviz.ui.session import Session

# the docks' object names
SIDE_PANELS = ("about", "landscape", "optimizers", "update", "network", "backprop")
LOSS_SHARE = 0.36  # of the screen's height, for the loss plots in the presenter layout


class LectureKeys(QObject):
    """The actions (each with its key) that the window adds to itself and its View menu."""

    def __init__(self, window: QMainWindow, session: Session, files: ScenarioFiles,
                 equation: QDockWidget) -> None:
        super().__init__(window)
        self.window, self.session, self.files, self.equation = window, session, files, equation
        self.focus_actions = [
            self._action(f"Focus optimizer {k}", str(k), partial(session.select, k - 1))
            for k in range(1, 10)]
        self.next_action = self._action("Next preset", "PgDown", lambda: self.step_preset(1))
        self.previous_action = self._action("Previous preset", "PgUp",
                                            lambda: self.step_preset(-1))
        self.equation_action = self._action("Show the update rule", "E", self.toggle_equation)
        self.present_action = self._action("Presenter layout (full screen)", "F11",
                                           self.toggle_presenter)
        self._hidden: list[QDockWidget] = []  # the panels the presenter layout hid
        self._normal: QRect | None = None  # the window's place before it went full screen

    def _action(self, text: str, key: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _c=False: slot())
        self.window.addAction(action)
        return action

    def actions(self) -> list[QAction]:
        """The actions worth a menu entry (the nine focus keys are listed in the help)."""
        return [self.next_action, self.previous_action, self.equation_action,
                self.present_action]

    def step_preset(self, direction: int) -> str | None:
        """Open the preset after (1) or before (−1) the current one, in name order; from
        a file or a new race, the first (or last). The name opened, or None."""
        names = preset_names()
        if not names:
            return None
        source = self.session.source
        if source in names:
            name = names[(names.index(source) + direction) % len(names)]
        else:
            name = names[0 if direction > 0 else -1]
        return name if self.files.open_path(name) else None

    def toggle_equation(self) -> None:
        if self.equation.isVisible() and not self.equation.visibleRegion().isEmpty():
            self.equation.hide()
        else:
            self.equation.show()
            self.equation.raise_()

    @property
    def presenting(self) -> bool:
        return self.window.isFullScreen()

    @property
    def hidden_panels(self) -> list[str]:
        """The object names of the panels the presenter layout hid (none when not
        presenting)."""
        return [dock.objectName() for dock in self._hidden]

    def resume_presenter(self, hidden: list[str]) -> None:
        """Present in this window as another one did (a window rebuilt in a new look):
        full screen, the panels named ``hidden`` hidden and brought back on leaving."""
        self._hidden = [dock for dock in self.window.findChildren(QDockWidget)
                        if dock.objectName() in hidden]
        for dock in self._hidden:
            dock.hide()
        self._full_screen()

    def _full_screen(self) -> None:
        """Full screen on the window's screen. The window takes the screen's size itself
        first, for a display without a window manager to do it (a projector driven by a
        bare X server), once the hidden panels no longer count in its minimum size."""
        layout = self.window.layout()
        if layout is not None:
            layout.activate()
        screen = self.window.screen()
        if screen is not None and not self.window.isFullScreen():
            self._normal = self.window.geometry()
            self.window.setGeometry(screen.geometry())
        self.window.showFullScreen()

    def toggle_presenter(self) -> None:
        """Full screen with only the views, the loss plots and the transport bar; again:
        back to the window as it was."""
        if self.presenting:
            for dock in self._hidden:
                dock.show()
            self._hidden = []
            self.window.showNormal()
            if self._normal is not None:
                self.window.setGeometry(self._normal)
            return
        self._hidden = [dock for dock in self.window.findChildren(QDockWidget)
                        if dock.isVisible() and dock.objectName() in SIDE_PANELS]
        for dock in self._hidden:
            dock.hide()
        self.window.statusBar().clearMessage()  # the mouse hint: the room is the runs'
        self._full_screen()
        loss = self.window.findChild(QDockWidget, "loss")
        if isinstance(loss, QDockWidget):  # the enlarged legend and axes need room
            screen = self.window.screen()
            height = screen.availableGeometry().height() if screen else self.window.height()
            self.window.resizeDocks([loss], [int(LOSS_SHARE * height)],
                                    Qt.Orientation.Vertical)
