"""The 1-D picture: the curve f(x), each run's point on it, the tangent there with its
slope, and the step the run is about to take."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PyQt6.QtGui import QBrush
from PyQt6.QtWidgets import QWidget

from gdviz.core.run import RUNNING
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.style import font, line_px, qcolor, style_plot
from gdviz.ui.views.plotview import (
    Arrow,
    PlotView,
    clip_end,
    inset,
    marker_item,
    pixel_size,
    stop_text,
    view_box,
)

RES = 800
TANGENT_HALF = 0.09  # half the tangent segment, as a fraction of the view's width on screen
MIN_STEP_PX = 2.0  # a next step shorter than this on screen gets no arrow
STEP_DROP_PX = 16  # the step arrow runs this far below the point, clear of it and the curve
LABEL_PX = 20  # vertical room of one slope label on screen
HEADROOM = 0.5  # the default view shows this much of (f(start) − min f) above the start
MARKER_GAP_PX = 10  # an end marker sits this far above (or below) its run's point
MARKER_PX = 34  # vertical room an end marker needs above its point, the gap included
STACK_PX = 22  # markers of runs stopped at one spot are stacked this far apart


class RunOnCurve(NamedTuple):
    """One run at the cursor, as the tangent, step arrow and end marker need it."""

    x: float
    f: float
    slope: float
    next_x: float | None  # None once the run stopped
    mark: str  # "✓", "✗ <step>" or "" (running)


class CurveView(PlotView):
    """A 1-D landscape with every run on it; empty for 2-D landscapes.

    Items the window and tests read: ``plot`` (the PlotItem), ``curve``, ``minima``,
    ``points``; per run, in run order, ``tangents`` (PlotDataItem, two points),
    ``slope_labels`` (TextItem), ``step_arrows`` (Arrow from the point's x to the next
    x, horizontal, just below the point), ``trails`` (faded dots at the visited points)
    and ``markers`` (TextItem: ✓ converged, ✗ and its step diverged, near the point and
    inside the view). Signals: ``sigClicked(x, y, modifiers)`` (a click sets the start
    x), ``sigHover(x, y)``.
    """

    sample_when_shown = True

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        style_plot(self.plot, "x", "f(x)")
        self.plot.vb.disableAutoRange()
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#333333", width=line_px(2.5)))
        self.minima = pg.ScatterPlotItem(symbol="star", size=line_px(18), brush="w",
                                         pen=pg.mkPen("k", width=line_px(1.5)))
        self.start_marker = pg.ScatterPlotItem(symbol="o", size=line_px(15), brush=None,
                                        pen=pg.mkPen("k", width=line_px(2.5)))
        self.points = pg.ScatterPlotItem(symbol="o", size=line_px(14),
                                         pen=pg.mkPen("#111111", width=line_px(2)))
        # points, minima and the start above the slope labels, whose fill would hide them
        for z, item in ((0, self.curve), (28, self.minima), (29, self.start_marker),
                        (30, self.points)):
            item.setZValue(z)
            self.plot.addItem(item)
        self.tangents: list[pg.PlotDataItem] = []
        self.slope_labels: list[pg.TextItem] = []
        self.step_arrows: list[Arrow] = []
        self.trails: list[pg.PlotDataItem] = []
        self.markers: list[pg.TextItem] = []
        self._brushes: list[QBrush] = []
        self._state: list[RunOnCurve] = []
        self.subscribe()

    @property
    def active(self) -> bool:
        """True when the race is on a 1-D landscape (else this view stays empty)."""
        return not self.session.is_network and self.session.landscape.dim == 1

    def start_point(self, x: float, y: float) -> tuple[float, ...]:
        return (x,)

    def _on_curve(self, xs: np.ndarray) -> np.ndarray:
        """f at the given x, asked of the session one point at a time (few points)."""
        return np.array([self.session.value_at((float(x),)) for x in xs])

    # ---- the landscape -------------------------------------------------------------------
    def reset_view(self) -> None:
        """Show the landscape's domain, from the curve's lowest value to half as high again
        above the start as the start is above it (or the curve's top, if lower): steep
        walls at the domain's edges do not flatten the wells in between."""
        if self.active:
            land = self.session.landscape
            box = self.session.view_box
            (x0, x1), = land.domain if box is None else (box[0],)
            _, f = self.session.curve(((x0, x1),), RES)
            f = f[np.isfinite(f)]
            y0, y1 = (float(f.min()), float(f.max())) if f.size else (0.0, 1.0)
            f_start = self._on_curve(np.array(land.start, dtype=float))[0]
            if np.isfinite(f_start) and f_start > y0:
                y1 = min(y1, f_start + HEADROOM * (f_start - y0))
            self.plot.vb.setRange(xRange=(x0, x1), yRange=(y0, y1 if y1 > y0 else y0 + 1),
                                  padding=0.06)

    def _on_landscape(self) -> None:
        self.reset_view()
        if self.active:
            xm = self.session.landscape.minima[:, 0]
            self.minima.setData(xm, self._on_curve(xm))
        else:
            self.minima.clear()
        self.resample()
        self._draw_starts()
        self.draw_runs()

    def draw_landscape(self) -> None:
        if not self.active:
            self.curve.setData([], [])
            return
        (x0, x1), _ = view_box(self.plot.vb)
        xs, f = self.session.curve(((x0, x1),), RES)
        self.curve.setData(xs, np.where(np.isfinite(f), f, np.nan), connect="finite")

    def _on_display(self) -> None:
        self.draw_runs()

    def _draw_starts(self) -> None:
        if not self.active:
            self.start_marker.clear()
            return
        x = np.array([self.session.start[0]])
        self.start_marker.setData(x, self._on_curve(x))

    # ---- the runs ------------------------------------------------------------------------
    def _rebuild_runs(self) -> None:
        for item in (*self.tangents, *self.slope_labels, *self.trails, *self.markers):
            self.plot.removeItem(item)
        for arrow in self.step_arrows:
            arrow.remove(self.plot)
        runs = self.session.runs
        self.tangents = [pg.PlotDataItem(pen=pg.mkPen(r.color, width=line_px(2.5))) for r in runs]
        self.slope_labels = [pg.TextItem(color=r.color, fill=qcolor(style.THEME.label_fill, 200),
                                         anchor=(0, 0.5)) for r in runs]
        self._brushes = [pg.mkBrush(r.color) for r in runs]
        self.step_arrows = [Arrow(self.plot, r.color, z=25) for r in runs]
        self.trails = [pg.PlotDataItem(pen=None, symbol="o", symbolSize=line_px(7), symbolPen=None,
                                       symbolBrush=qcolor(r.color, 120)) for r in runs]
        self.markers = [marker_item(r.color) for r in runs]
        for z, items in ((5, self.trails), (20, self.tangents), (26, self.slope_labels),
                         (40, self.markers)):
            for item in items:
                item.setZValue(z)
                self.plot.addItem(item)
        for label in self.slope_labels:
            label.setFont(font(11, bold=True))
        self.draw_runs()

    def draw_runs(self) -> None:
        """Points, visited dots and the cached tangent/step data at the cursor."""
        s = self.session
        frame = self.frame_drawn()
        if frame is None:
            self._state = []
            self.points.clear()
            for trail in self.trails:
                trail.setData([], [])
            self.relayout()
            return
        for i, trail in enumerate(self.trails):
            xs = s.trail(i)[:, 0]
            trail.setData(xs, s.trail_loss(i))
            trail.setVisible(s.display["trails"])
        self._state = [
            RunOnCurve(float(f.params[0, 0]), float(f.loss[0]), float(f.grad[0, 0]),
                       float(s.next_point(i)[0]) if f.status[0] == RUNNING else None,
                       stop_text(str(f.status[0]), int(f.stopped_at[0])))
            for i, f in enumerate(frame)
        ]
        self.points.setData([r.x for r in self._state], [r.f for r in self._state],
                            brush=self._brushes)
        self.relayout()

    def relayout(self) -> None:
        """Tangents of a fixed screen length, slope labels, step arrows and end markers for
        the view."""
        vb = self.plot.vb
        px = pixel_size(vb)
        half_px = TANGENT_HALF * (vb.width() or 600.0)
        lo, hi = inset(vb)
        ends = {}  # run -> the tangent's right end, where its label goes
        for i, (tangent, arrow) in enumerate(zip(self.tangents, self.step_arrows, strict=True)):
            if i >= len(self._state) or not np.isfinite(self._state[i][:3]).all():
                tangent.setData([], [])
                arrow.hide()
                continue
            x, f, slope, nxt, _ = self._state[i]
            dx = half_px / np.hypot(1 / px[0], slope / px[1])
            tangent.setData([x - dx, x + dx], [f - slope * dx, f + slope * dx])
            ends[i] = (x + dx, f + slope * dx, slope)
            p = np.array([x, f - STEP_DROP_PX * px[1]])
            inside = bool(np.all(p >= lo) and np.all(p <= hi))
            if nxt is None or not inside or abs(nxt - x) < MIN_STEP_PX * px[0]:
                arrow.hide()
            else:
                arrow.set(p, clip_end(p, np.array([nxt, p[1]]), lo, hi), px)
        self._place_labels(ends, px)
        self._place_markers(px, lo, hi)

    def _place_labels(self, ends: dict[int, tuple[float, float, float]],
                      px: tuple[float, float]) -> None:
        """"slope = …" right of each tangent, pushed apart vertically so none overlap."""
        gap = LABEL_PX * px[1]
        below = np.inf
        for i in sorted(ends, key=lambda k: -ends[k][1]):  # top to bottom
            x, y, slope = ends[i]
            y = min(y, below - gap)
            below = y
            label = self.slope_labels[i]
            label.setText(f"slope = {slope:.3g}")
            label.setPos(x + 6 * px[0], y)
        for i, label in enumerate(self.slope_labels):
            label.setVisible(i in ends)

    def _place_markers(self, px: tuple[float, float], lo: np.ndarray, hi: np.ndarray) -> None:
        """✓ / ✗ above each stopped run's point (below it when the view's top is too
        close), on the side facing the view's centre, stacked when several runs stopped at
        one spot; a point off the view is marked at the nearest edge."""
        show = self.session.display["markers"]
        scale = np.array(px)
        placed: list[np.ndarray] = []  # the markers' anchor points so far, in pixels
        for i, marker in enumerate(self.markers):
            run = self._state[i] if show and i < len(self._state) else None
            if run is None or not run.mark or not np.isfinite([run.x, run.f]).all():
                marker.setVisible(False)
                continue
            at = np.clip([run.x, run.f], lo, hi)
            up = 1 if (hi[1] - at[1]) / px[1] > MARKER_PX else -1
            right = at[0] > (lo[0] + hi[0]) / 2
            pix = at / scale + [0, up * MARKER_GAP_PX]
            for q in sorted(placed, key=lambda q: up * q[1]):  # in the stacking direction
                if abs(pix[0] - q[0]) < 2 * STACK_PX and abs(pix[1] - q[1]) < STACK_PX - 0.5:
                    pix[1] = q[1] + up * STACK_PX
            placed.append(pix)
            marker.setAnchor((1.0 if right else 0.0, 1.0 if up > 0 else 0.0))
            marker.setPos(*(pix * scale))
            marker.setText(run.mark)
            marker.setVisible(True)
