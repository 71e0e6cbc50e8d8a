"""A landscape seen from above: sampled values as colours, contour lines and a colour bar.

The contour map of a 2-D landscape and the plane through a 3-D one draw their grids the
same way, through one ``MapLayer``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QPixmapCache
from PyQt6.QtWidgets import QGraphicsItem

from gdviz.ui import style
from gdviz.ui.style import COLORMAP, font, qcolor, style_plot
from gdviz.ui.views.isolines import isolines
from gdviz.ui.views.scales import LogScale

PIXMAP_CACHE_KB = 96 * 1024  # room for the cached maps of a few full-screen views
LEVELS = 18  # contour lines drawn: LEVELS - 2, the extremes are dropped


def map_plot(plot: pg.PlotItem) -> MapLayer:
    """Make ``plot`` a map of the landscape seen from above (axes x and y, no grid, one
    unit as long on both axes, the box set by the view, not by its items) and lay a
    ``MapLayer`` on it."""
    style_plot(plot, "x", "y")
    plot.showGrid(x=False, y=False)
    plot.vb.setAspectLocked(True)
    plot.vb.disableAutoRange()
    return MapLayer(plot, z=-10)


class MapLayer:
    """Grid values on ``plot`` as ``image`` (ImageItem, row i ↔ ys[i]), ``contours``
    (a ``connect="pairs"`` curve) and ``colorbar`` (labelled "f" or its log scale).
    The image sits at z-value ``z``, the lines just above it."""

    def __init__(self, plot: pg.PlotItem, z: float = -10) -> None:
        self.image = pg.ImageItem(colorMap=pg.colormap.get(COLORMAP))
        self.contours = pg.PlotDataItem(connect="pairs",
                                        pen=pg.mkPen(qcolor("#000000", style.THEME.line_alpha)))
        self.image.setZValue(z)
        self.contours.setZValue(z + 1)
        # they change only when the view box or the landscape does: painted once into a
        # pixmap that every frame of the race reuses (the trails move, not the map)
        for item in (self.image, self.contours.curve):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # a full-screen map's two pixmaps must fit Qt's pixmap cache, or they are
        # painted anew every frame and cached again for nothing
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        plot.addItem(self.image)
        plot.addItem(self.contours)
        self.image.setOpacity(style.THEME.map_opacity)
        self.colorbar = pg.ColorBarItem(colorMap=COLORMAP, interactive=False, width=16,
                                        colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=plot)
        self.colorbar.getAxis("right").setTickFont(font(9))
        for side in ("left", "right"):
            self.colorbar.getAxis(side).enableAutoSIPrefix(False)
        self.colorbar.bar.setOpacity(style.THEME.map_opacity)
        self._label("f")

    def _label(self, text: str) -> None:
        """The colour bar's title. Set before the first map too: its width is part of the
        bar's, so the view box the map is first sampled for is already the final one."""
        axis = self.colorbar.getAxis("left")
        axis.setLabel(text, **{"font-size": "11pt"})
        axis.resizeEvent()  # centred again: pyqtgraph places a title only on a resize

    def clear(self) -> None:
        self.image.clear()
        self.contours.setData([], [])

    def draw(self, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, log: bool) -> None:
        """Values ``z[i, j]`` at ``(xs[j], ys[i])``, on a log scale when ``log``; nothing
        when no value is finite."""
        if not np.isfinite(z).any():
            self.clear()
            return
        label = "f"
        if log:
            scale = LogScale.fit(z)
            z, label = scale(z), scale.label
        lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
        hi = hi if hi > lo else lo + 1.0
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.image.setImage(z, autoLevels=False, levels=(lo, hi))
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, len(xs) * dx, len(ys) * dy))
        self.colorbar.setLevels((lo, hi))
        self._label(label)
        segments = isolines(xs, ys, z, np.linspace(lo, hi, LEVELS)[1:-1])
        self.contours.setData(segments[:, 0], segments[:, 1])
