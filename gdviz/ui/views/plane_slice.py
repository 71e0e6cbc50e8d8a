"""The plane through the focused run's point: a contour map of a three-parameter landscape
with one coordinate held.

Holding z (or y, or x) at the focused run's value at the cursor leaves f of the other two,
drawn as the 2-D contour map draws its landscape (one ``MapLayer``). The plane follows
the cursor: each step moves the focused point, and with it the held value and the map.
Every run's path is projected onto the plane (faded: it mostly lies off it), with its
current point; the title says where the plane is. A click moves the start to the
clicked point of the plane.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtGui import QBrush
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gdviz.core.probe import AXES, free_axes
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.style import line_px, qcolor
from gdviz.ui.views.map_layer import map_plot
from gdviz.ui.views.plotview import PlotView, view_box

RES = 200  # grid points per side
HOLD = ((2, "hold z"), (1, "hold y"), (0, "hold x"))  # the combo's choices: axis, text
FADE = 120  # the projected paths' alpha (0-255)


class PlaneView(PlotView):
    """The plane ``AXES[held_axis] = held_value`` through the focused run's point.

    Public: ``hold`` (the QComboBox choosing the held axis, in ``controls``), ``held_axis``,
    ``held_value`` (the value drawn, None before a draw), ``layer`` (MapLayer: ``image``
    of f or its log, row i ↔ the second free axis), ``trails`` (PlotCurveItem per run,
    in run order: the path's free coordinates), ``points`` (the current points) and
    ``starts``. ``point_at(u, v)`` is the 3-D point under plot point (u, v).
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.held_axis = 2
        self.held_value: float | None = None
        self.hold = QComboBox()
        for axis, text in HOLD:
            self.hold.addItem(text, axis)
        self.hold.setToolTip("The coordinate held fixed: the plane goes through the focused "
                             "run's point at that coordinate and shows f of the other two")
        self.hold.currentIndexChanged.connect(
            lambda row: self.set_held_axis(int(self.hold.itemData(row))))
        self.controls = QWidget()  # exported frames leave it out: the title says it all
        top = QHBoxLayout(self.controls)
        top.setContentsMargins(6, 2, 6, 0)
        top.addWidget(QLabel("plane through the focused point:"))
        top.addWidget(self.hold)
        top.addStretch(1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.controls)

        plot = self.plot
        self.layer = map_plot(plot)
        self.starts = pg.ScatterPlotItem(symbol="o", size=line_px(15), brush=None)
        self.points = pg.ScatterPlotItem(symbol="o", size=line_px(13),
                                         pen=pg.mkPen("#111111", width=line_px(2)))
        self.starts.setZValue(-6)
        self.points.setZValue(30)
        plot.addItem(self.starts)
        plot.addItem(self.points)
        self.trails: list[pg.PlotCurveItem] = []
        self._brushes: list[QBrush] = []
        self._drawn_log: bool | None = None
        self._drawn_focus: int | None = None
        self.subscribe()
        session.sigSelectionChanged.connect(self.draw_runs)

    @property
    def active(self) -> bool:
        """True when the race is on a 3-D landscape (else this view stays empty)."""
        return not self.session.is_network and self.session.landscape.dim == 3

    @property
    def free(self) -> tuple[int, int]:
        return free_axes(self.held_axis)

    def point_at(self, u: float, v: float) -> tuple[float, float, float]:
        """The 3-D point at plot point (u, v) of the plane drawn."""
        p = [0.0, 0.0, 0.0]
        a, b = self.free
        p[a], p[b] = u, v
        p[self.held_axis] = self.held_now()
        return (p[0], p[1], p[2])

    def start_point(self, x: float, y: float) -> tuple[float, ...]:
        return self.point_at(x, y)

    def set_held_axis(self, axis: int) -> None:
        """Hold ``axis`` (0 x, 1 y, 2 z): the plane of the other two."""
        free_axes(axis)  # refuses anything but 0, 1, 2
        row = self.hold.findData(axis)
        if self.hold.currentIndex() != row:
            self.hold.setCurrentIndex(row)  # comes back here through the signal
            return
        self.held_axis = axis
        a, b = self.free
        for side, k in (("bottom", a), ("left", b)):
            self.plot.getAxis(side).setLabel(AXES[k],
                                             **{"font-size": f"{style.scaled(style.FONT_PT)}pt"})
        self.reset_view()
        self.resample()
        self._draw_starts()
        self.draw_runs()

    def focus(self) -> int | None:
        """The run whose point the plane goes through (``Session.focused``)."""
        return self.session.focused()

    def point_now(self) -> float:
        """The held coordinate of the focused run's point at the cursor (of the start,
        without runs)."""
        i = self.focus()
        point = self.session.start if i is None else self.session.snapshot(i).params[0]
        return float(point[self.held_axis])

    def held_now(self) -> float:
        """Where the plane is: at ``point_now``, but inside the box's range of the held
        axis (a run far out is seen from the box's side)."""
        lo, hi = self.session.space_box()[self.held_axis]
        return float(np.clip(self.point_now(), lo, hi))

    # ---- the landscape -------------------------------------------------------------------
    def box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The free axes' default ranges (of ``Session.space_box``)."""
        box = self.session.space_box()
        a, b = self.free
        return box[a], box[b]

    def reset_view(self) -> None:
        if self.active:
            (x0, x1), (y0, y1) = self.box()
            self.plot.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _on_landscape(self) -> None:
        self.layer.colorbar.setVisible(self.active)
        self.reset_view()
        self.resample()
        self._draw_starts()
        self.draw_runs()

    def _on_display(self) -> None:
        if self.session.display["log_contours"] != self._drawn_log:
            self.resample()
        self.draw_runs()

    def draw_landscape(self) -> None:
        if not self.active:
            self.layer.clear()
            self.plot.setTitle(None)
            self.held_value = None
            return
        held, log, i = self.held_now(), self.session.display["log_contours"], self.focus()
        self.held_value, self._drawn_log, self._drawn_focus = held, log, i
        us, vs, z = self.session.plane_grid(view_box(self.plot.vb), self.held_axis, held, RES)
        self.layer.draw(us, vs, z, log)
        axis, where = AXES[self.held_axis], "the start"
        if i is not None:
            where = f"{self.session.runs[i].label}'s point"
        title = f"{axis} = {held:.4g} (held at {where})"
        if held != self.point_now():
            title = f"{axis} = {held:.4g}, the box's side ({where}: {self.point_now():.4g})"
        self.plot.setTitle(title, size=f"{style.scaled(12)}pt")

    def _draw_starts(self) -> None:
        if not self.active:
            self.starts.clear()
            return
        a, b = self.free
        s = self.session
        spots = [{"pos": (s.start[a], s.start[b]), "pen": pg.mkPen("k", width=line_px(2.5))}]
        spots += [{"pos": (r.start[a], r.start[b]), "pen": pg.mkPen(r.color, width=line_px(2.5))}
                  for r in s.runs if r.start is not None]
        self.starts.setData(spots)

    # ---- the runs ------------------------------------------------------------------------
    def _rebuild_runs(self) -> None:
        for trail in self.trails:
            self.plot.removeItem(trail)
        runs = self.session.runs
        self.trails = [pg.PlotCurveItem(pen=pg.mkPen(qcolor(r.color, FADE), width=line_px(2)))
                       for r in runs]
        self._brushes = [pg.mkBrush(r.color) for r in runs]
        for trail in self.trails:
            trail.setZValue(5)
            self.plot.addItem(trail)
        self._draw_starts()
        self.draw_runs()

    def draw_runs(self, *_: object) -> None:
        """The projected paths and points at the cursor; the map again when the focused
        point's held coordinate moved."""
        s = self.session
        if self.active and (self.held_value, self._drawn_focus) != (self.held_now(),
                                                                   self.focus()):
            self.resample()
        frame = self.frame_drawn()
        if frame is None:
            self.points.clear()
            for trail in self.trails:
                trail.setData([], [])
            return
        a, b = self.free
        for i, trail in enumerate(self.trails):
            path = s.trail(i)
            trail.setData(path[:, a], path[:, b])
            trail.setVisible(s.display["trails"])
        now = np.array([f.params[0] for f in frame])
        sizes = np.full(len(now), line_px(13))
        focus = self.focus()
        if focus is not None:
            sizes[focus] = line_px(18)
        self.points.setData(pos=now[:, [a, b]], brush=self._brushes, size=sizes)

    def relayout(self) -> None:
        """Nothing depends on the view's size here."""
