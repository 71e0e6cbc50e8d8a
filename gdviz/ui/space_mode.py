"""The window's view of a three-parameter race: parameter space beside a plane through it.

On a landscape of three parameters the centre shows the GL view of the box with the
level surfaces and every run's path (``SpaceView``, when OpenGL is there) beside the
contour map of the plane through the focused run's point (``PlaneView``). Both follow the
one Session; on any other race they stay empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, Qt, pyqtSignal
from PyQt6.QtWidgets import QSplitter, QWidget

from gdviz.ui.render import gl_placeholder, has_gl
from gdviz.ui.session import Session
from gdviz.ui.views.plane_slice import PlaneView

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow

VIEWS = ("space", "plane")  # the scenario names of the two views


class SpaceMode(QObject):
    """Builds the page of a 3-D race into ``window.centre`` (its views when a 3-D race is
    first shown: start-up stays quick). ``sigHover(x, y, z)``: the point under the mouse
    on the plane."""

    sigHover = pyqtSignal(float, float, float)

    def __init__(self, window: MainWindow, session: Session) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        self.page = QSplitter(Qt.Orientation.Horizontal)
        window.centre.addWidget(self.page)
        self._views: tuple[QWidget, PlaneView] | None = None

    def _built(self) -> tuple[QWidget, PlaneView]:
        if self._views is None:
            space: QWidget
            if has_gl():
                from gdviz.ui.views.space3d import SpaceView

                space = SpaceView(self.session)
            else:
                space = gl_placeholder("The 3-D view of parameter space")
            plane = PlaneView(self.session)
            self.page.addWidget(space)
            self.page.addWidget(plane)
            self.page.setSizes([5000, 4000])  # the space a little wider
            plane.sigHover.connect(lambda u, v: self.sigHover.emit(*plane.point_at(u, v)))
            self.window.landscape_panel.sigResetView.connect(plane.reset_view)
            self._views = (space, plane)
        return self._views

    @property
    def space(self) -> QWidget:
        """The 3-D view of parameter space (or a line saying why there is none)."""
        return self._built()[0]

    @property
    def plane(self) -> PlaneView:
        """The contour map of the plane through the focused run's point."""
        return self._built()[1]

    @property
    def active(self) -> bool:
        return not self.session.is_network and self.session.landscape.dim == 3

    def centre_widget(self) -> QWidget:
        self._built()
        return self.page

    def shown(self) -> tuple[str, ...]:
        """The names of the views shown now (as a scenario lists them)."""
        return tuple(name for name, view in zip(VIEWS, (self.space, self.plane), strict=True)
                     if not view.isHidden())

    def show_views(self, show: tuple[str, ...]) -> None:
        """Show the views a 3-D scenario names (both when it names neither)."""
        if not self.active:
            return
        wanted = [name in show for name in VIEWS]
        for view, on in zip((self.space, self.plane), wanted if any(wanted) else (True, True),
                            strict=True):
            view.setVisible(on)

    def settle(self) -> None:
        """Draw the plane for the final view box now (before a screenshot)."""
        if self._views is not None:
            self.plane.resample()
