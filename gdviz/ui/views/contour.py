"""The contour map: the landscape as a coloured image with contour lines, and the race on it.

Per run it draws the trail, the current point, the negative-gradient arrow, the velocity
arrow and an end marker (✓ converged, ✗ diverged with its step). The landscape layer is
re-sampled at ``RES``×``RES`` over the visible box after pan/zoom, and when the landscape
or the display options change; a step only moves the run items.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF
from PyQt6.QtGui import QBrush
from PyQt6.QtWidgets import QWidget

from gdviz.core.maps import BasinMap
from gdviz.core.run import RUNNING
from gdviz.export.maps import basin_colours
from gdviz.ui.session import Session
from gdviz.ui.style import line_px, qcolor, style_plot
from gdviz.ui.views.map_layer import map_plot
from gdviz.ui.views.plotview import (
    Arrow,
    PlotView,
    Trail,
    clip_end,
    inset,
    marker_item,
    pixel_size,
    stop_text,
    view_box,
)

RES = 300
QUIVER_RES = 20
ARROW_LONGEST = 0.12  # the longest arrow of a kind, as a fraction of the view's width
ARROW_SHORTEST = 0.035
OFF_VIEW = "→↗↑↖←↙↓↘"  # the marker of a running point outside the view: where it is
OVERLAY_OPACITY = 0.55  # a basin map tints the map; contour lines and runs stay readable


class RunNow(NamedTuple):
    """One run at the cursor, as the arrows and markers need it; arrays (2,)."""

    point: np.ndarray
    down: np.ndarray  # −∇f
    velocity: np.ndarray | None
    status: str
    stopped_at: int


class ContourView(PlotView):
    """A 2-D landscape seen from above with every run's path across it.

    Attributes the window and tests read: ``plot`` (the PlotItem), ``image``, ``colorbar``,
    ``contours`` and ``quiver`` (``connect="pairs"`` curves); per run, in run order,
    ``trails`` (Trail), ``grad_arrows`` and ``vel_arrows`` (Arrow) and ``markers``
    (TextItem: ✓, ✗ and its step, or an arrow towards a running point off the view).
    Signals: ``sigClicked(x, y, modifiers)``, ``sigHover(x, y)``.
    """

    sample_when_shown = True

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        plot = self.plot
        self.layer = map_plot(plot)
        self.image, self.contours = self.layer.image, self.layer.contours
        self.colorbar = self.layer.colorbar
        self.quiver = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(qcolor("#333333", 110)))
        self.minima = pg.ScatterPlotItem(symbol="star", size=line_px(18), brush="w",
                                         pen=pg.mkPen("k", width=line_px(1.5)))
        self.starts = pg.ScatterPlotItem(symbol="o", size=line_px(15), brush=None)
        self.points = pg.ScatterPlotItem(symbol="o", size=line_px(14),
                                         pen=pg.mkPen("#111111", width=line_px(2)))
        for z, item in enumerate((self.quiver, self.minima, self.starts), start=-8):
            item.setZValue(z)
            plot.addItem(item)
        self.overlay = pg.ImageItem()  # a basin map, between the colours and the lines
        self.overlay.setZValue(-9.5)
        self.overlay.setOpacity(OVERLAY_OPACITY)
        plot.addItem(self.overlay)
        self.points.setZValue(30)
        plot.addItem(self.points)
        self.trails: list[Trail] = []
        self.grad_arrows: list[Arrow] = []
        self.vel_arrows: list[Arrow] = []
        self.markers: list[pg.TextItem] = []
        self._now: list[RunNow] = []  # what the arrows and markers are drawn from
        self._brushes: list[QBrush] = []
        self._drawn_options: tuple[bool, bool] | None = None  # (log_contours, quiver) drawn
        self.subscribe()

    @property
    def active(self) -> bool:
        """True when the race is on a 2-D landscape (else this view stays empty)."""
        return not self.session.is_network and self.session.landscape.dim == 2

    def start_point(self, x: float, y: float) -> tuple[float, ...]:
        return (x, y)

    # ---- the landscape -------------------------------------------------------------------
    def reset_view(self) -> None:
        """Show the landscape's default box (its domain)."""
        if self.active:
            (x0, x1), (y0, y1) = self.session.landscape.domain
            self.plot.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def set_overlay(self, bmap: BasinMap | None) -> None:
        """Lay a basin map under the contour lines (None: take it away)."""
        if bmap is None:
            self.overlay.clear()
            return
        rgb = np.clip(np.rint(basin_colours(bmap)), 0, 255).astype(np.uint8)
        xs, ys = bmap.xs, bmap.ys
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.overlay.setImage(rgb, autoLevels=False)
        self.overlay.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, len(xs) * dx,
                                    len(ys) * dy))

    def _on_landscape(self) -> None:
        self.overlay.clear()  # a map of another landscape means nothing here
        if self.active:  # the parameters' names: x and y, or w and b of a fitted line
            x, y = self.session.landscape.axes
            style_plot(self.plot, x, y)
        self.colorbar.setVisible(self.active)
        box = self.session.view_box
        if self.active and box is not None and box[1] is not None:
            (x0, x1), (y0, y1) = box[0], box[1]  # the scenario's own view
            self.plot.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        else:
            self.reset_view()
        self.minima.setData(pos=self.session.landscape.minima if self.active
                            else np.empty((0, 2)))
        self.resample()
        self._draw_starts()
        self.draw_runs()

    def _on_display(self) -> None:
        show = self.session.display
        if (show["log_contours"], show["quiver"]) != self._drawn_options:
            self.resample()
        self.draw_runs()

    def draw_landscape(self) -> None:
        if not self.active:
            self.layer.clear()
            self.quiver.setData([], [])
            return
        box = view_box(self.plot.vb)
        self._drawn_options = (self.session.display["log_contours"], self.session.display["quiver"])
        xs, ys, z = self.session.grid(box, RES)
        self.layer.draw(xs, ys, z, self.session.display["log_contours"])
        self._draw_quiver(box)

    def _draw_quiver(self, box: tuple[tuple[float, float], tuple[float, float]]) -> None:
        """Unit −∇f directions on a grid as short arrows (a shaft and two barbs each)."""
        if not self.session.display["quiver"]:
            self.quiver.setData([], [])
            return
        pts, d = self.session.gradient_field(box, QUIVER_RES)
        norm = np.hypot(d[:, 0], d[:, 1])
        keep = norm > 0
        pts, u = pts[keep], d[keep] / norm[keep, None]
        (x0, x1), (y0, y1) = box
        length = 0.45 * min(x1 - x0, y1 - y0) / QUIVER_RES
        tip = pts + length * u
        c, s = np.cos(np.radians(25)), np.sin(np.radians(25))
        back = -0.35 * length * u
        left = np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], 1)
        right = np.stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]], 1)
        segs = np.stack([pts, tip, tip, tip + left, tip, tip + right], axis=1).reshape(-1, 2)
        self.quiver.setData(segs[:, 0], segs[:, 1])

    def _draw_starts(self) -> None:
        if not self.active:
            self.starts.clear()
            return
        spots = [{"pos": self.session.start, "pen": pg.mkPen("k", width=line_px(2.5))}]
        spots += [{"pos": r.start, "pen": pg.mkPen(r.color, width=line_px(2.5))}
                  for r in self.session.runs if r.start is not None]
        self.starts.setData(spots)

    # ---- the runs ------------------------------------------------------------------------
    def _rebuild_runs(self) -> None:
        """New items for the current runs (added, removed, recoloured or relabelled)."""
        for item in (*self.trails, *self.markers):
            self.plot.removeItem(item)
        for arrow in (*self.grad_arrows, *self.vel_arrows):
            arrow.remove(self.plot)
        runs = self.session.runs
        self.trails = [Trail(r.color) for r in runs]
        self.grad_arrows = [Arrow(self.plot, r.color) for r in runs]
        self.vel_arrows = [Arrow(self.plot, r.color, dashed=True) for r in runs]
        self._brushes = [pg.mkBrush(r.color) for r in runs]
        self.markers = [marker_item(r.color) for r in runs]
        for trail in self.trails:
            trail.setZValue(5)
            self.plot.addItem(trail)
        for marker in self.markers:
            self.plot.addItem(marker)
        self._draw_starts()
        self.draw_runs()

    def draw_runs(self) -> None:
        """Trails, points and cached arrow vectors at the session's cursor."""
        s, show = self.session, self.session.display
        frame = self.frame_drawn()
        if frame is None:
            self._now = []
            self.points.clear()
            for trail in self.trails:
                trail.points = np.empty((0, 2))
            self.relayout()
            return
        for i, trail in enumerate(self.trails):
            trail.points = s.trail(i)  # drawn by relayout, at the view's pixel size
            trail.setVisible(show["trails"])
        self.points.setData(pos=np.array([f.params[0] for f in frame]), brush=self._brushes)
        self._now = [
            RunNow(f.params[0], -f.grad[0], s.velocity(i) if show["velocity"] else None,
                   str(f.status[0]), int(f.stopped_at[0]))
            for i, f in enumerate(frame)
        ]
        self.relayout()

    def relayout(self) -> None:
        """Arrows scaled to the view and clipped to it; markers kept inside it."""
        vb, show = self.plot.vb, self.session.display
        for trail in self.trails:
            trail.redraw(vb)
        px, (lo, hi) = pixel_size(vb), inset(vb)
        width_px = vb.width() or 600.0
        for arrows, on, vecs in ((self.grad_arrows, show["gradient"], [r.down for r in self._now]),
                                 (self.vel_arrows, show["velocity"],
                                  [r.velocity for r in self._now])):
            vecs = [v if on and r.status == RUNNING else None
                    for v, r in zip(vecs, self._now, strict=True)]
            self._place_arrows(arrows, vecs, px, width_px, lo, hi)
        for i, marker in enumerate(self.markers):
            text = ""
            if show["markers"] and i < len(self._now):
                r = self._now[i]
                text = stop_text(r.status, r.stopped_at)
                at = np.clip(r.point, lo, hi)
                if not text and np.any(at != r.point):  # running off the map: point to it
                    dx, dy = (r.point - at) / np.array(px)
                    text = OFF_VIEW[round(np.degrees(np.arctan2(dy, dx)) / 45) % 8]
                right, top = at > (lo + hi) / 2  # keep the text on the inner side
                marker.setAnchor((1.0 if right else 0.0, 0.0 if top else 1.0))
                marker.setPos(*at)
            marker.setText(text)
            marker.setVisible(bool(text))

    def _place_arrows(self, arrows: list[Arrow], vecs: list[np.ndarray | None],
                      px: tuple[float, float], width_px: float, lo: np.ndarray,
                      hi: np.ndarray) -> None:
        """Scale in screen pixels, the longest to ``ARROW_LONGEST`` of the width and none
        shorter than ``ARROW_SHORTEST``; then clip each to the view. ``vecs[i]`` is None
        for no arrow."""
        scale = np.array(px)
        pix = [v / scale if v is not None and np.all(np.isfinite(v)) else None for v in vecs]
        norms = [float(np.hypot(*u)) if u is not None else 0.0 for u in pix]
        longest = max(norms, default=0.0)
        for i, arrow in enumerate(arrows):
            n = norms[i] if i < len(norms) else 0.0
            u = pix[i] if n > 0 else None
            p = self._now[i].point if u is not None else None
            if u is None or p is None or np.any(p < lo) or np.any(p > hi):
                arrow.hide()
                continue
            length = max(ARROW_LONGEST * n / longest, ARROW_SHORTEST) * width_px
            q = clip_end(p, p + u * (length / n) * scale, lo, hi)
            if math.hypot(*((q - p) / scale)) < 0.1:  # clipped to nothing on screen
                arrow.hide()
            else:
                arrow.set(p, q, px)
