"""A light polyline item for what changes every frame: trails, arrow shafts, loss curves.

pyqtgraph's PlotDataItem and PlotCurveItem do a lot per ``setData`` (copies, checks,
signals, NaN-aware bounds twice per axis, their pixel padding) and per paint; with some
forty curves changing each frame that bookkeeping cost about as much as the drawing.
A ``Polyline`` keeps only what a frame needs: the data as given, the drawn points, their
bounds, and the segments it hands to one ``QPainter.drawLines`` (separate segments are
Qt's fast path for thick antialiased lines).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QLineF, QRectF
from PyQt6.QtGui import QPainter, QPen

PAD_PX = 1.0  # the bounding box reaches this far past the pen's half width


def peak_columns(x: np.ndarray, y: np.ndarray, per: int) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (increasing) and ``y`` thinned to the lowest and the highest ``y`` of each run of
    ``per`` points (NaN ignored), drawn at the run's first ``x``: the picture of the whole
    curve when a run falls in one pixel column. ``per`` ≤ 2 returns the data as it is."""
    if per <= 2 or len(x) <= per:
        return x, y
    n = len(x) // per
    chunks = y[:n * per].reshape(n, per)
    xs = np.repeat(x[:n * per:per], 2)
    ys = np.empty(2 * n)
    ys[0::2] = np.fmin.reduce(chunks, axis=1)
    ys[1::2] = np.fmax.reduce(chunks, axis=1)
    return np.concatenate([xs, x[n * per:]]), np.concatenate([ys, y[n * per:]])


class Polyline(pg.GraphicsObject):
    """A pen's polyline through ``(x, y)``; a non-finite point breaks it.

    ``xData``/``yData`` are the data as given; with ``setLogMode(_, True)`` (which a
    PlotItem calls on a log axis) y is drawn as log10(y). ``columns``: x increases, so
    only the points in the view's x range are drawn, at most about two per pixel column
    (each column's extremes kept: the same picture). ``opts["pen"]`` is what a legend
    sample draws.
    """

    def __init__(self, pen: QPen, antialias: bool = True, columns: bool = False) -> None:
        super().__init__()
        self.opts: dict[str, Any] = {"pen": pen, "antialias": antialias}
        self.columns = columns
        self.xData: np.ndarray | None = None
        self.yData: np.ndarray | None = None
        self._log_y = False
        self._x = self._y = np.empty(0)  # the points drawn (y already log10 on a log axis)
        self._box: tuple[float, float, float, float] | None = None  # their x0, y0, x1, y1
        self._rect: QRectF | None = None
        self._segments = pg.Qt.internals.PrimitiveArray(QLineF, 4)
        self._stale = True  # the segments are rebuilt on the next paint

    # ---- data ----------------------------------------------------------------------------
    def setData(self, x: np.ndarray | list[float], y: np.ndarray | list[float]) -> None:  # noqa: N802
        self.xData = np.asarray(x, dtype=np.float64)
        self.yData = np.asarray(y, dtype=np.float64)
        self._update_shown()

    def getData(self) -> tuple[np.ndarray | None, np.ndarray | None]:  # noqa: N802
        return self.xData, self.yData

    def setLogMode(self, x_mode: bool, y_mode: bool) -> None:  # noqa: N802 (pyqtgraph's name)
        if bool(y_mode) != self._log_y:
            self._log_y = bool(y_mode)
            if self.xData is not None:
                self._update_shown()

    def _update_shown(self) -> None:
        x, y = self.xData, self.yData
        assert x is not None and y is not None
        if self._log_y:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(y)
        box = None
        if len(x):
            lo_x, hi_x, lo_y, hi_y = x.min(), x.max(), y.min(), y.max()
            if not math.isfinite(lo_x + hi_x + lo_y + hi_y):  # only then the slower pass
                ok = np.isfinite(x) & np.isfinite(y)
                if ok.any():
                    lo_x, hi_x = x[ok].min(), x[ok].max()
                    lo_y, hi_y = y[ok].min(), y[ok].max()
                else:
                    lo_x = math.nan
            if math.isfinite(lo_x):
                box = (float(lo_x), float(lo_y), float(hi_x), float(hi_y))
        self._x, self._y = x, y
        self.prepareGeometryChange()
        self._box, self._rect, self._stale = box, None, True
        self.update()

    # ---- QGraphicsItem -------------------------------------------------------------------
    def dataBounds(self, ax: int, frac: float = 1.0,  # noqa: N802 (ViewBox's auto range)
                   orthoRange: tuple[float, float] | None = None) -> tuple[float, float] | None:  # noqa: N803
        if self._box is None:
            return None
        return (self._box[0], self._box[2]) if ax == 0 else (self._box[1], self._box[3])

    def boundingRect(self) -> QRectF:  # noqa: N802
        if self._rect is None:
            self._rect = self._padded_box()
        return self._rect

    def _padded_box(self) -> QRectF:
        if self._box is None:
            return QRectF()
        x0, y0, x1, y1 = self._box
        pad = self.opts["pen"].widthF() / 2 + PAD_PX
        t = self.deviceTransform_()  # through the view the item is shown in (None: none)
        sx, sy = (abs(t.m11()), abs(t.m22())) if t is not None else (0.0, 0.0)
        px = pad / sx if sx > 0 else 0.0
        py = pad / sy if sy > 0 else 0.0
        return QRectF(x0 - px, y0 - py, x1 - x0 + 2 * px, y1 - y0 + 2 * py)

    def viewTransformChanged(self) -> None:  # noqa: N802 (the pen's pad in data units moved)
        self.prepareGeometryChange()
        self._rect = None

    def viewRangeChanged(self) -> None:  # noqa: N802
        if self.columns:
            self._stale = True
            self.update()

    def paint(self, p: QPainter, *args: object) -> None:
        if self._box is None:
            return
        if self._stale:
            self._build_segments()
            self._stale = False
        if len(self._segments):
            p.setRenderHint(QPainter.RenderHint.Antialiasing, self.opts["antialias"])
            p.setPen(self.opts["pen"])
            p.drawLines(*self._segments.drawargs())

    def _build_segments(self) -> None:
        x, y = self._x, self._y
        if self.columns and len(x) > 2:
            x, y = self._in_columns(x, y)
        ok = np.isfinite(y) & np.isfinite(x)
        joined = ok[:-1] & ok[1:]  # a segment per pair of finite neighbours
        if joined.all():  # the common case, without gathering
            self._set_segments(x[:-1], y[:-1], x[1:], y[1:])
        else:
            start = np.flatnonzero(joined)
            self._set_segments(x[start], y[start], x[start + 1], y[start + 1])

    def _set_segments(self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray,
                      y1: np.ndarray) -> None:
        """The segments (x0, y0)–(x1, y1) that ``paint`` draws."""
        self._segments.resize(len(x0))
        if len(x0):
            m = self._segments.ndarray()
            m[:, 0], m[:, 1], m[:, 2], m[:, 3] = x0, y0, x1, y1

    def _in_columns(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vb = self.getViewBox()
        if vb is None or vb.width() <= 0:
            return x, y
        (v0, v1), _ = vb.viewRange()
        lo = max(int(np.searchsorted(x, v0, side="left")) - 1, 0)
        hi = min(int(np.searchsorted(x, v1, side="right")) + 1, len(x))
        x, y = x[lo:hi], y[lo:hi]
        if len(x) < 3 or not x[-1] > x[0]:
            return x, y
        columns = (x[-1] - x[0]) / (v1 - v0) * vb.width()  # the pixel columns they span
        return peak_columns(x, y, int(len(x) / max(columns, 1.0)))
