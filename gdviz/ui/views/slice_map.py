"""The map of a network's loss slice: the training loss on a plane through weight space,
seen from above as a coloured image with contour lines, with every run's trajectory
projected onto the plane, its last point, and the plane's centre (α = β = 0).

It draws one ``core.slices.Slice`` as given and reads nothing else: the slice view decides
which slice that is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QBrush
from PyQt6.QtWidgets import QWidget

from gdviz.core.slices import Slice
from gdviz.ui import style
from gdviz.ui.style import COLORMAP, font, line_px, plain_plot, qcolor, style_plot
from gdviz.ui.views.isolines import isolines
from gdviz.ui.views.scales import LogScale

LEVELS = 16  # contour lines drawn: LEVELS - 2, the extremes are dropped
HALO = "#ffffff"  # drawn under each trajectory so it reads on dark and light colours
X_LABEL, Y_LABEL = "α (direction 1)", "β (direction 2)"
BOX = tuple[tuple[float, float], tuple[float, float]]


class SliceMap(QWidget):
    """A slice seen from above. Items the tests read: ``plot``, ``image`` (ImageItem of
    Z or its log, row i ↔ betas[i]), ``colorbar``, ``contours`` (``connect="pairs"``),
    ``trails`` (one PlotCurveItem per run, in run order), ``points`` (the runs' last
    points) and ``centre``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.widget, self.plot = plain_plot(self)
        style_plot(self.plot, X_LABEL, Y_LABEL)
        self.plot.showGrid(x=False, y=False)
        self.plot.vb.disableAutoRange()

        self.image = pg.ImageItem(colorMap=pg.colormap.get(COLORMAP))
        self.image.setOpacity(style.THEME.map_opacity)
        self.contours = pg.PlotDataItem(connect="pairs",
                                        pen=pg.mkPen(qcolor("#000000", style.THEME.line_alpha)))
        self.points = pg.ScatterPlotItem(symbol="o", size=line_px(13),
                                         pen=pg.mkPen("#111111", width=line_px(2)))
        self.centre = pg.ScatterPlotItem(symbol="+", size=line_px(22), brush="#111111",
                                         pen=pg.mkPen("#ffffff", width=line_px(1)))
        self.centre.setToolTip("the centre of the plane: the chosen run at the cursor")
        for z, item in ((-10, self.image), (-9, self.contours), (29, self.centre),
                        (30, self.points)):
            item.setZValue(z)
            self.plot.addItem(item)
        self.colorbar = pg.ColorBarItem(colorMap=COLORMAP, interactive=False, width=16,
                                        colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.colorbar.getAxis("right").setTickFont(font(9))
        for side in ("left", "right"):
            self.colorbar.getAxis(side).enableAutoSIPrefix(False)
        self.colorbar.bar.setOpacity(style.THEME.map_opacity)
        self.trails: list[pg.PlotCurveItem] = []
        self._brushes: list[QBrush] = []
        self._box: BOX | None = None  # the grid's box the view was last fitted to

    def set_runs(self, colors: Sequence[str]) -> None:
        """One trajectory item per run, in the runs' colours (empty until drawn)."""
        for trail in self.trails:
            self.plot.removeItem(trail)
        self.trails = [pg.PlotCurveItem(pen=pg.mkPen(c, width=line_px(2.5)), connect="finite",
                                        shadowPen=pg.mkPen(HALO, width=line_px(4.5)))
                       for c in colors]
        for trail in self.trails:
            trail.setZValue(5)
            self.plot.addItem(trail)
        self._brushes = [pg.mkBrush(c) for c in colors]

    def clear(self) -> None:
        """Nothing drawn (no slice, or not a network race)."""
        self.image.clear()
        self.contours.setData([], [])
        self.points.clear()
        self.centre.clear()
        for trail in self.trails:
            trail.setData([], [])
        self.colorbar.setVisible(False)
        self._box = None

    def draw(self, sl: Slice, log: bool) -> None:
        """Draw ``sl``: its loss (log₁₀ on a ``LogScale`` when ``log``), the contour lines,
        the paths (one per trajectory item; extra paths are not drawn) and their last
        points. The view is fitted to the grid when the grid's box changed."""
        a, b = sl.alphas, sl.betas
        box = ((float(a[0]), float(a[-1])), (float(b[0]), float(b[-1])))
        if box != self._box:
            self.plot.vb.setRange(xRange=box[0], yRange=box[1], padding=0)
            self._box = box
        self._draw_loss(a, b, sl.Z, log)
        ends, brushes = [], []
        for trail, path, brush in zip(self.trails, sl.paths, self._brushes, strict=False):
            trail.setData(path[:, 0], path[:, 1])
            if len(path) and np.isfinite(path[-1]).all():
                ends.append(path[-1])
                brushes.append(brush)
        self.points.setData(pos=np.reshape(ends, (-1, 2)), brush=brushes)
        self.centre.setData(pos=[(0.0, 0.0)])

    def _draw_loss(self, a: np.ndarray, b: np.ndarray, Z: np.ndarray, log: bool) -> None:
        if not np.isfinite(Z).any():
            self.image.clear()
            self.contours.setData([], [])
            self.colorbar.setVisible(False)
            return
        label = "training loss"
        if log:
            scale = LogScale.fit(Z)
            Z, label = scale(Z), scale.label.replace("f", "loss", 1)
        lo, hi = float(np.nanmin(Z)), float(np.nanmax(Z))
        hi = hi if hi > lo else lo + 1.0
        da, db = a[1] - a[0], b[1] - b[0]
        self.image.setImage(Z, autoLevels=False, levels=(lo, hi))
        self.image.setRect(QRectF(a[0] - da / 2, b[0] - db / 2, len(a) * da, len(b) * db))
        self.colorbar.setVisible(True)  # before the label: a hidden axis keeps its width
        self.colorbar.setLevels((lo, hi))
        self.colorbar.getAxis("left").setLabel(label, **{"font-size": "11pt"})
        segments = isolines(a, b, Z, np.linspace(lo, hi, LEVELS)[1:-1])
        self.contours.setData(segments[:, 0], segments[:, 1])
