"""The data view of a network race: the dataset and what the focused run makes of it.

Classification: the input plane (x₁, x₂) coloured by the focused run's class
probabilities at the cursor (each class's colour weighted by its probability, faded
toward the background where the network is unsure), a thin line where the top class
changes, and the points over it: training points filled in their class colour, test
points as rings. Regression: the (x, y) points and every run's fitted curve, the focused
run's thick. The focused run is the selected one (run 0 when none is selected).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QColor, QPainter
from PyQt6.QtWidgets import QWidget

from gdviz.core.datasets import Dataset
from gdviz.ui import style
from gdviz.ui.runs import CLASS_COLORS
from gdviz.ui.session import Session
from gdviz.ui.style import line_px, plain_plot, qcolor, style_plot
from gdviz.ui.views.isolines import isolines

REGRESSION_COLOR = "#9a9a9a"  # the points of a regression set: grey, apart from the runs
OUTLINE = "#202020"  # around the training points
RES = 80  # the probability field is sampled on RES×RES points of the data box
CURVE_RES = 200
FIELD_STRENGTH = 0.6  # a certain pixel goes this far from the background to its class


def class_rgb() -> np.ndarray:
    """The class colours as ``(10, 3)`` floats in 0..255."""
    return np.array([QColor(c).getRgb()[:3] for c in CLASS_COLORS], dtype=np.float64)


def field_rgb(probs: np.ndarray, background: str) -> np.ndarray:
    """Colours ``(res, res, 3) uint8`` of class probabilities ``(res, res, k)``: the
    probability-weighted class colour, faded toward ``background`` as the top probability
    falls to 1/k (a run that diverged gives NaN probabilities: background)."""
    k = probs.shape[-1]
    p = np.nan_to_num(probs, nan=0.0)
    bg = np.array(QColor(background).getRgb()[:3], dtype=np.float64)
    mix = p @ class_rgb()[:k]
    sure = np.clip((p.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    rgb = bg + (FIELD_STRENGTH * sure)[..., None] * (mix - bg)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def boundary_segments(xs: np.ndarray, ys: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Segments ``(2m, 2)`` where the most probable class changes: for each class c, where
    p_c equals the largest other probability (two classes: where p₀ = p₁)."""
    k = probs.shape[-1]
    if k == 2:
        return isolines(xs, ys, probs[..., 0] - probs[..., 1], np.array([0.0]))
    parts = []
    for c in range(k):
        others = np.delete(probs, c, axis=-1).max(axis=-1)
        parts.append(isolines(xs, ys, probs[..., c] - others, np.array([0.0])))
    return np.concatenate(parts)


def points_of(data: Dataset) -> tuple[np.ndarray, list[str]]:
    """Where a dataset's samples are drawn, ``(n, 2)`` (the input plane, or (x, y) for
    regression), and each one's colour."""
    if data.task == "classification":
        return data.X, [CLASS_COLORS[c % len(CLASS_COLORS)] for c in data.y]
    return np.column_stack([data.X[:, 0], data.y[:, 0]]), [REGRESSION_COLOR] * data.n_samples


class SmoothImage(pg.ImageItem):
    """An image drawn with bilinear smoothing: a coarse field shows no blocks."""

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        super().paint(painter, *args)


class DataView(QWidget):
    """The dataset and the focused run's decision boundary (or fitted curve) at the cursor.

    Items the window and tests read: ``plot`` (PlotItem), ``field`` (ImageItem of the
    class colours), ``boundary`` (``connect="pairs"`` curve), ``train_points`` and
    ``test_points`` (ScatterPlotItem), ``curves`` (one fitted curve per run, regression)
    and ``focused`` (the run drawn, None while there is nothing to draw).
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.widget, self.plot = plain_plot(self)
        self.field = SmoothImage(axisOrder="row-major")
        self.field.setZValue(-10)
        self.boundary = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(
            qcolor(style.THEME.foreground, 150), width=line_px(1.2)))
        self.boundary.setZValue(-5)
        self.train_points = pg.ScatterPlotItem(
            symbol="o", size=line_px(8), pen=pg.mkPen(OUTLINE, width=line_px(1)),
            brush=pg.mkBrush(style.THEME.muted))
        self.test_points = pg.ScatterPlotItem(
            symbol="o", size=line_px(10), pen=pg.mkPen(style.THEME.foreground,
                                                       width=line_px(2.2)),
            brush=pg.mkBrush(qcolor(style.THEME.background, 170)))
        for z, item in enumerate((self.train_points, self.test_points), start=10):
            item.setZValue(z)
        for item in (self.field, self.boundary, self.train_points, self.test_points):
            self.plot.addItem(item)
        self.legend = self.plot.addLegend(offset=(8, 8), labelTextSize=f"{style.scaled(9)}pt",
                                          brush=qcolor(style.THEME.label_fill, 200))
        self.legend.addItem(self.train_points, "train")
        self.legend.addItem(self.test_points, "test")
        self.curves: list[pg.PlotDataItem] = []
        self.focused: int | None = None
        self.widget.setToolTip("The data and the selected run's view of it at the cursor; "
                               "drag or scroll to look closer")
        s = session
        s.sigLandscapeChanged.connect(self._on_data)
        s.sigRunsChanged.connect(self._rebuild_curves)
        for sig in (s.sigStepChanged, s.sigTimelineReset, s.sigSelectionChanged):
            sig.connect(self.redraw)
        self._on_data()

    @property
    def classifying(self) -> bool:
        return self.session.is_network and self.session.train_data.task == "classification"

    # ---- the data: once per dataset ----------------------------------------------------
    def _on_data(self) -> None:
        """New data: its points, axes and the whole data box in view."""
        s = self.session
        self.legend.setVisible(s.is_network)
        if not s.is_network:
            for points in (self.train_points, self.test_points):
                points.setData(pos=np.empty((0, 2)))
            self._rebuild_curves()
            return
        cls = self.classifying
        style_plot(self.plot, *(("x₁", "x₂") if cls else ("x", "y")))
        self.plot.showGrid(x=not cls, y=not cls, alpha=0.15)
        self.plot.vb.setAspectLocked(cls)
        self._set_points(self.train_points, s.train_data, filled=True)
        self._set_points(self.test_points, s.test_data, filled=False)
        (x0, x1), (y0, y1) = s.data_box()
        self.plot.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._rebuild_curves()

    def _set_points(self, item: pg.ScatterPlotItem, data: Dataset, filled: bool) -> None:
        """Training points filled in their class colour, test points as rings of it."""
        pos, colors = points_of(data)
        if filled:
            brushes = {c: pg.mkBrush(c) for c in set(colors)}
            item.setData(pos=pos, brush=[brushes[c] for c in colors])
        else:
            pens = {c: pg.mkPen(c, width=line_px(2.2)) for c in set(colors)}
            item.setData(pos=pos, pen=[pens[c] for c in colors])

    def _rebuild_curves(self) -> None:
        """One fitted curve per run on a regression race (none otherwise)."""
        for curve in self.curves:
            self.plot.removeItem(curve)
        self.curves = []
        if self.session.is_network and not self.classifying:
            for r in self.session.runs:
                curve = pg.PlotDataItem(pen=pg.mkPen(qcolor(r.color, 160), width=line_px(1.5)))
                self.plot.addItem(curve)
                self.curves.append(curve)
        self.redraw()

    # ---- every frame -------------------------------------------------------------------
    def redraw(self, *_: object) -> None:
        """Draw the focused run at the cursor (only the field, curves and title change)."""
        s = self.session
        if not s.is_network or not s.runs:
            self.focused = None
            self.field.clear()
            self.boundary.setData([], [])
            self.plot.setTitle(None)
            return
        i = s.selected if s.selected is not None and s.selected < len(s.runs) else 0
        self.focused = i
        if self.classifying:
            self._draw_field(i)
        else:
            self.field.clear()
            self.boundary.setData([], [])
            self._draw_curves(i)
        self._draw_title(i)

    def _draw_field(self, i: int) -> None:
        box = self.session.data_box()
        xs, ys, probs = self.session.class_field(i, box, RES)
        self.field.setImage(field_rgb(probs, style.THEME.background), autoLevels=False)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.field.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, RES * dx, RES * dy))
        self.boundary.setData(boundary_segments(xs, ys, probs))

    def _draw_curves(self, i: int) -> None:
        x_range = self.session.data_box()[0]
        for j, (curve, r) in enumerate(zip(self.curves, self.session.runs, strict=True)):
            xs, ys = self.session.fitted_curve(j, x_range, CURVE_RES)
            curve.setData(xs, ys)
            on = j == i
            curve.setPen(pg.mkPen(qcolor(r.color, 255 if on else 160),
                                  width=line_px(3.5 if on else 1.5)))
            curve.setZValue(5 if on else 0)

    def _draw_title(self, i: int) -> None:
        s = self.session
        run, m = s.runs[i], s.metrics_now(i)
        if self.classifying:
            numbers = f"train {m.train_accuracy[0]:.0%} · test {m.test_accuracy[0]:.0%}"
        else:
            numbers = f"loss: train {m.train_loss[0]:.3g} · test {m.test_loss[0]:.3g}"
        self.plot.setTitle(f"<span style='color:{run.color}'>■ {run.label}</span>"
                           f" · step {s.step} · {numbers}", size=f"{style.scaled(10)}pt",
                           color=style.THEME.foreground)

