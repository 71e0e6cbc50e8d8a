"""The window on a landscape computed from samples: a "Data" dock with the samples and the
runs' fitted models (its title names the samples' file, and "Load CSV…" races on
another), and, on the contour map, the loss landscape of the focused run's next
minibatch as faint dashed lines over the full-batch one. The dock shows only on such a
race; the overlay is drawn only while the focused run draws minibatches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QObject, Qt
from PyQt6.QtWidgets import QVBoxLayout, QWidget

from gdviz.ui.panels.data_file import DataFileBar, samples_source
from gdviz.ui.session import Session
from gdviz.ui.style import line_px, qcolor
from gdviz.ui.views.data_fit import DataFitView
from gdviz.ui.views.isolines import isolines
from gdviz.ui.views.plotview import view_box
from gdviz.ui.views.scales import LogScale

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow

OVERLAY_RES = 60  # the minibatch's landscape is sampled on this grid over the view
OVERLAY_LEVELS = 12
OVERLAY_ALPHA = 170
TITLE = "Data and the fitted model"


class DataMode(QObject):
    """The data dock and the minibatch overlay of ``window``."""

    def __init__(self, window: MainWindow, session: Session) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        # the dock now (the View menu and the saved layout name it), its contents when a
        # race on data first shows it: start-up stays quick
        self._panel = QWidget()
        self._parts: tuple[DataFileBar, DataFitView] | None = None
        self.dock = window.add_dock("data", TITLE, self._panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        session.sigLandscapeChanged.connect(self._retitle)
        self.dock.setToolTip("The samples this loss is computed from, and each run's model")
        plot = window.contour.plot
        self.overlay = pg.PlotDataItem(connect="pairs")
        self.overlay.setZValue(2)  # over the map's lines, under the trails
        plot.addItem(self.overlay)
        for signal in (session.sigStepChanged, session.sigTimelineReset,
                       session.sigSelectionChanged, session.sigRunsChanged):
            signal.connect(self.draw_overlay)
        plot.vb.sigRangeChanged.connect(self.draw_overlay)
        self._shown: bool | None = None
        self._retitle()

    def _built(self) -> tuple[DataFileBar, DataFitView]:
        if self._parts is None:
            self._parts = DataFileBar(self.session), DataFitView(self.session)
            column = QVBoxLayout(self._panel)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(0)
            column.addWidget(self._parts[0])
            column.addWidget(self._parts[1], 1)
        return self._parts

    @property
    def file_bar(self) -> DataFileBar:
        """The line naming the samples, with its "Load CSV…" button."""
        return self._built()[0]

    @property
    def view(self) -> DataFitView:
        """The samples and every run's fitted model."""
        return self._built()[1]

    def load_csv(self, path: str) -> bool:
        """Race the current optimizers on the samples of the CSV file ``path`` (a bad
        file: a message box, nothing changed)."""
        return self.file_bar.load_csv(path)

    def _retitle(self) -> None:
        data = self.session.spec.data
        self.dock.setWindowTitle(TITLE if data is None else f"Data: {samples_source(self.session)}")

    def apply(self, force: bool = False) -> None:
        """Show the data dock on a race computed from samples (when that changed)."""
        on = self.session.is_data
        if on:
            self._built()
        if on != self._shown or force:
            self._shown = on
            self.dock.setVisible(on)
            self.dock.toggleViewAction().setEnabled(on)
        self.draw_overlay()

    def draw_overlay(self, *_: object) -> None:
        """The focused run's next minibatch's loss over the visible map, in its colour."""
        s = self.session
        focus = self.view.focused if self._parts is not None else None
        if focus is None or s.data_landscape.dim != 2 or s.batch_now(focus)[1] is None:
            self.overlay.setData([], [])
            return
        xs, ys, z = s.batch_grid(focus, view_box(self.window.contour.plot.vb), OVERLAY_RES)
        if not np.isfinite(z).any():
            self.overlay.setData([], [])
            return
        if s.display["log_contours"]:
            z = LogScale.fit(z)(z)
        lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
        segments = isolines(xs, ys, z, np.linspace(lo, hi, OVERLAY_LEVELS + 2)[1:-1])
        self.overlay.setPen(pg.mkPen(qcolor(s.runs[focus].color, OVERLAY_ALPHA),
                                     width=line_px(1.2), style=Qt.PenStyle.DashLine))
        self.overlay.setData(segments[:, 0], segments[:, 1])
