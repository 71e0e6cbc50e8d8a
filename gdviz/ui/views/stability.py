"""A stability map in a window of its own: one run's final loss (or steps to converge)
over a grid of two hyperparameters, with the current values marked.

The colours are the command line's (``export.maps``): log10(final loss − the lowest
minimum's value) on a viridis-like scale with its colour bar; diverged cells hatched in
red, cells without a value (not converged) grey, both named in the legend below. The
axes are the hyperparameters' own values (log axes read 10ⁿ). Hovering a cell reads its
two values and its result; clicking one emits ``sigPicked(x, y)`` with its values.
"""

from __future__ import annotations

import html

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt, pyqtSignal
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gdviz.core.maps import Axis, StabilityMap
from gdviz.export.maps import (
    STABILITY_DIVERGED_RGB,
    STABILITY_MISSING_RGB,
    VIRIDIS,
    stability_label,
    stability_range,
    stability_scalar,
)
from gdviz.export.ticks import minor_log_ticks, ticks
from gdviz.ui.style import bare_plot, font, line_px, style_plot

HATCH_DARK = 0.55  # the hatching's stripes: the diverged colour at this brightness
MAX_HATCH_PX = 8  # overlay pixels per cell side (fewer on large maps)


def coordinate(axis: Axis, values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Where hyperparameter values lie along a plot axis: log10 on a log axis."""
    v = np.asarray(values, dtype=np.float64)
    return np.log10(v) if axis.log else v


def hatch(diverged: npt.NDArray[np.bool_], missing: npt.NDArray[np.bool_]
          ) -> npt.NDArray[np.uint8]:
    """An RGBA overlay ``(res·k, res·k, 4)``, row 0 the lowest y: diverged cells in the
    diverged red with darker diagonal stripes, cells without a value grey, the rest
    transparent."""
    res = len(diverged)
    k = max(3, min(MAX_HATCH_PX, 1024 // res))
    big = np.kron(diverged, np.ones((k, k), dtype=bool))
    gone = np.kron(missing & ~diverged, np.ones((k, k), dtype=bool))
    r, c = np.indices(big.shape)
    stripe = (r + c) % k < max(1, k // 3)
    out = np.zeros((*big.shape, 4), dtype=np.uint8)
    red = np.array(STABILITY_DIVERGED_RGB, dtype=np.float64)
    out[big & ~stripe, :3] = red
    out[big & stripe, :3] = np.rint(red * HATCH_DARK)
    out[gone, :3] = STABILITY_MISSING_RGB
    out[big | gone, 3] = 255
    return out


def axis_ticks(axis: Axis) -> list[list[tuple[float, str]]]:
    """pyqtgraph's ticks of an axis, at plot coordinates: the labelled ones of
    ``export.ticks`` (as the PNG maps draw them) and, on a log axis, unlabelled 2…9 × 10ᵏ."""
    major = [(float(coordinate(axis, v)), text) for v, text in ticks(axis.lo, axis.hi, axis.log)]
    minor = [(float(coordinate(axis, v)), "") for v in
             (minor_log_ticks(axis.lo, axis.hi) if axis.log else [])]
    return [major, minor]


def swatch(rgb: tuple[int, int, int], text: str) -> str:
    return f"<span style='color:rgb{rgb}'>■</span> {html.escape(text)}"


class StabilityView(QWidget):
    """One stability map. Items the tests read: ``map``, ``plot``, ``image`` (ImageItem of
    the coloured quantity, row i ↔ ys[i]), ``overlay``, ``colorbar``, ``cross``,
    ``legend`` and ``readout``."""

    sigPicked = pyqtSignal(float, float)  # a clicked cell's x and y hyperparameter values

    def __init__(self, smap: StabilityMap, floor: float | None, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.map = smap
        self.setWindowTitle(title)
        self.widget, self.plot = bare_plot()
        self.plot.vb.setMouseEnabled(False, False)
        style_plot(self.plot, smap.x.name, smap.y.name)
        self.plot.showGrid(x=False, y=False)
        for side, axis in (("bottom", smap.x), ("left", smap.y)):
            self.plot.getAxis(side).setTicks(axis_ticks(axis))
            self.plot.getAxis(side).setStyle(hideOverlappingLabels=False)  # the end ticks

        u, v = coordinate(smap.x, smap.xs), coordinate(smap.y, smap.ys)
        du, dv = u[1] - u[0], v[1] - v[0]
        self.extent = QRectF(u[0] - du / 2, v[0] - dv / 2, len(u) * du, len(v) * dv)
        z = stability_scalar(smap, floor)
        lo, hi = stability_range(z) or (0.0, 1.0)
        hi = hi if hi > lo else lo + 1.0
        cmap = pg.ColorMap(np.linspace(0.0, 1.0, len(VIRIDIS)), VIRIDIS.astype(np.uint8))
        self.image = pg.ImageItem(np.where(np.isfinite(z), z, lo), colorMap=cmap)
        self.overlay = pg.ImageItem(hatch(smap.diverged, ~np.isfinite(z)))
        self.cross = pg.ScatterPlotItem(symbol="+", size=line_px(24), brush="#ffffff",
                                        pen=pg.mkPen("#000000", width=line_px(1.5)))
        for zv, item in ((-10, self.image), (-9, self.overlay), (30, self.cross)):
            item.setZValue(zv)
            self.plot.addItem(item)
        for item in (self.image, self.overlay):
            item.setRect(self.extent)
        self.colorbar = pg.ColorBarItem(values=(lo, hi), colorMap=cmap, interactive=False,
                                        width=16, colorMapMenu=False,
                                        label=stability_label(smap, floor))
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        if smap.measure == "final_loss" and floor is not None:  # the bar runs in log10
            self.colorbar.axis.setTicks([[(float(np.log10(v)), text) for v, text in
                                          ticks(10 ** lo, 10 ** hi, log=True)]])
        self.colorbar.axis.setTickFont(font(9))
        self.colorbar.axis.enableAutoSIPrefix(False)
        self.plot.vb.setRange(self.extent, padding=0)

        self.heading = QLabel(title)
        self.heading.setFont(font(bold=True))
        self.heading.setWordWrap(True)
        self.legend = QLabel(self._legend_text(z))
        self.readout = QLabel("Hover a cell to read it; click it to race with its values.")
        for label in (self.legend, self.readout):
            label.setFont(font())
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.widget, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.readout)
        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._hover)
        scene.sigMouseClicked.connect(self._click)

    def _legend_text(self, z: npt.NDArray[np.float64]) -> str:
        parts = [swatch(STABILITY_DIVERGED_RGB, "diverged (hatched)")]
        if (~np.isfinite(z) & ~self.map.diverged).any():
            parts.append(swatch(STABILITY_MISSING_RGB, "not converged"))
        parts.append("<b>✚</b> the run's values now")
        return " &nbsp; ".join(parts)

    # ---- reading ---------------------------------------------------------------------
    def set_current(self, x: float | None, y: float | None) -> None:
        """Mark the run's current values with the cross (None: no cross)."""
        if x is None or y is None:
            self.cross.setData([], [])
            return
        self.cross.setData(coordinate(self.map.x, [x]), coordinate(self.map.y, [y]))

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        """The cell ``(i, j)`` (row ↔ y, column ↔ x) under a point in plot coordinates."""
        res_y, res_x = self.map.values.shape
        j = int(np.floor((point.x() - self.extent.left()) / self.extent.width() * res_x))
        i = int(np.floor((point.y() - self.extent.top()) / self.extent.height() * res_y))
        return (i, j) if 0 <= i < res_y and 0 <= j < res_x else None

    def cell_centre(self, i: int, j: int) -> QPointF:
        """The centre of cell ``(i, j)`` in plot coordinates."""
        res_y, res_x = self.map.values.shape
        return QPointF(self.extent.left() + (j + 0.5) * self.extent.width() / res_x,
                       self.extent.top() + (i + 0.5) * self.extent.height() / res_y)

    def describe(self, i: int, j: int) -> str:
        """Cell ``(i, j)``'s two values and its result, as the readout writes them."""
        m = self.map
        where = f"{m.x.name} = {m.xs[j]:.4g}   {m.y.name} = {m.ys[i]:.4g}"
        value = m.values[i, j]
        if m.diverged[i, j]:
            return f"{where}   → diverged"
        if m.measure == "steps_to_converge":
            return f"{where}   → " + ("not converged" if np.isnan(value)
                                      else f"converged at step {int(value)}")
        return f"{where}   → final loss {value:.6g}"

    def _hover(self, pos: QPointF) -> None:
        cell = self.cell_at(self.plot.vb.mapSceneToView(pos))
        if cell is not None:
            self.readout.setText(self.describe(*cell))

    def _click(self, event: object) -> None:
        if getattr(event, "button", lambda: None)() != Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at(self.plot.vb.mapSceneToView(event.scenePos()))  # type: ignore[attr-defined]
        if cell is not None:
            i, j = cell
            self.sigPicked.emit(float(self.map.xs[j]), float(self.map.ys[i]))
