"""What the contour map and the 1-D curve share: a plot that sets start points on click,
reports the hovered point, redraws its landscape after pan/zoom, and draws arrows."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QShowEvent
from PyQt6.QtWidgets import QWidget

from gdviz.core.run import CONVERGED, DIVERGED, Snapshot
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.style import font, line_px, plain_plot, qcolor
from gdviz.ui.views.paths import screen_path
from gdviz.ui.views.polyline import Polyline

RESAMPLE_DELAY_MS = 80
HEAD_PX = 16  # arrow heads' length on screen (shorter on arrows shorter than 23 px)
MARGIN = 0.01  # arrows and markers stay this fraction of the view inside its edges


def view_box(vb: pg.ViewBox) -> tuple[tuple[float, float], tuple[float, float]]:
    """The visible ((x0, x1), (y0, y1)) of a view box."""
    (x0, x1), (y0, y1) = vb.viewRange()
    return (float(x0), float(x1)), (float(y0), float(y1))


def pixel_size(vb: pg.ViewBox) -> tuple[float, float]:
    """Data units per screen pixel along x and y (1, 1 before the first layout)."""
    (x0, x1), (y0, y1) = view_box(vb)
    w, h = vb.width(), vb.height()
    return ((x1 - x0) / w if w > 0 else 1.0), ((y1 - y0) / h if h > 0 else 1.0)


def inset(vb: pg.ViewBox) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper corners (2,) of the visible box shrunk by ``MARGIN`` on each side."""
    (x0, x1), (y0, y1) = view_box(vb)
    lo, hi = np.array([x0, y0]), np.array([x1, y1])
    pad = MARGIN * (hi - lo)
    return lo + pad, hi - pad


def stop_text(status: str, stopped_at: int) -> str:
    """A stopped run's marker: "✓" converged, "✗ <step>" diverged, "" still running."""
    return {CONVERGED: "✓", DIVERGED: f"✗ {stopped_at}"}.get(status, "")


def marker_item(color: str) -> pg.TextItem:
    """A bold end marker in a run's colour on a light fill, drawn above the runs' items."""
    marker = pg.TextItem(color=color, fill=qcolor(style.THEME.label_fill, 200))
    marker.setFont(font(13, bold=True))
    marker.setZValue(40)
    return marker


def clip_end(p: np.ndarray, q: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The point of segment p→q farthest along it that stays in the box [lo, hi] (p inside)."""
    d = q - p
    t = 1.0
    for k in range(len(p)):
        if d[k] > 0:
            t = min(t, (hi[k] - p[k]) / d[k])
        elif d[k] < 0:
            t = min(t, (lo[k] - p[k]) / d[k])
    return p + max(t, 0.0) * d


class Trail(Polyline):
    """A run's path on a map: ``points (n, 2)`` is the whole path; what is drawn is its
    ``screen_path`` at the view's current pixel size (``redraw`` after setting it, and after
    a pan, zoom or resize)."""

    def __init__(self, color: str, width: float = 2.5) -> None:
        super().__init__(pg.mkPen(color, width=line_px(width)))
        self.points = np.empty((0, 2))

    def redraw(self, vb: pg.ViewBox) -> None:
        (x0, _), (y0, _) = view_box(vb)
        shown = screen_path(self.points, (x0, y0), pixel_size(vb))
        self.setData(shown[:, 0], shown[:, 1])


class Arrow:
    """A line with a head of fixed screen size; ``start``/``end`` are the drawn points."""

    def __init__(self, plot: pg.PlotItem, color: str, dashed: bool = False, z: float = 20):
        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        alpha = 170 if dashed else 255
        pen = pg.mkPen(qcolor(color, alpha), width=line_px(2.5), style=style)
        self.line = Polyline(pen)
        self.head = pg.ArrowItem(headLen=line_px(HEAD_PX), tipAngle=34, tailLen=0, pen=None,
                                 brush=qcolor(color, alpha))
        self.start: np.ndarray | None = None
        self.end: np.ndarray | None = None
        self._shape: tuple[float, float] | None = None  # the head's (angle, length)
        for item in (self.line, self.head):
            item.setZValue(z)
            plot.addItem(item)
        self.hide()

    def set(self, p: np.ndarray, q: np.ndarray, px: tuple[float, float]) -> None:
        """Draw from ``p`` to ``q`` (data coordinates); ``px`` is the pixel size."""
        self.start, self.end = p, q
        self.line.setData([p[0], q[0]], [p[1], q[1]])
        sx, sy = (q[0] - p[0]) / px[0], -(q[1] - p[1]) / px[1]  # screen y points down
        # the head's shape is rebuilt only when it turns or grows visibly (a tenth of a
        # degree, a tenth of a pixel): rebuilding it costs more than drawing it
        shape = (round(float(np.degrees(np.arctan2(-sy, -sx))), 1),
                 round(min(line_px(HEAD_PX), 0.7 * float(np.hypot(sx, sy))), 1))
        if shape != self._shape:
            self._shape = shape
            self.head.setStyle(angle=shape[0], headLen=shape[1])
        self.head.setPos(float(q[0]), float(q[1]))
        self.line.show()
        self.head.show()

    def hide(self) -> None:
        self.start = self.end = None
        self.line.hide()
        self.head.hide()

    def remove(self, plot: pg.PlotItem) -> None:
        plot.removeItem(self.line)
        plot.removeItem(self.head)

    @property
    def visible(self) -> bool:
        return self.line.isVisible()


class PlotView(QWidget):
    """A plot bound to a Session: clicks set start points, pan/zoom asks for a resample.

    A Shift+click moves the own start of the session's selected run; a plain click, or a
    Shift+click with nothing selected, moves the shared start.
    """

    sigClicked = pyqtSignal(float, float, object)  # x, y, Qt.KeyboardModifier
    sigHover = pyqtSignal(float, float)  # data coordinates under the mouse

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.widget, self.plot = plain_plot(self)
        self._sampled: tuple | None = None  # the view box last sampled
        self._resample_timer = QTimer(self)
        self._resample_timer.setSingleShot(True)
        self._resample_timer.setInterval(RESAMPLE_DELAY_MS)
        self._resample_timer.timeout.connect(self.resample_if_moved)
        scene = self.plot.scene()
        scene.sigMouseClicked.connect(self._on_scene_click)
        scene.sigMouseMoved.connect(self._on_scene_move)
        self.sigClicked.connect(self._set_start)

    # ---- mouse ---------------------------------------------------------------------------
    def _data_point(self, scene_pos: QPointF) -> QPointF | None:
        vb = self.plot.vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        return vb.mapSceneToView(scene_pos)

    def _on_scene_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        p = self._data_point(ev.scenePos())
        if p is not None:
            self.sigClicked.emit(p.x(), p.y(), ev.modifiers())

    def _on_scene_move(self, pos: QPointF) -> None:
        p = self._data_point(pos)
        if p is not None:
            self.sigHover.emit(p.x(), p.y())

    def _set_start(self, x: float, y: float, modifiers: Qt.KeyboardModifier) -> None:
        if not self.active:
            return
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        run = self.session.selected if shift else None
        self.session.set_start(self.start_point(x, y), run=run)

    def start_point(self, x: float, y: float) -> tuple[float, ...]:
        """The start a click at data point (x, y) asks for."""
        raise NotImplementedError

    @property
    def active(self) -> bool:
        """True when this view draws the session's landscape (a 2-D map or a 1-D curve)."""
        raise NotImplementedError

    def frame_drawn(self) -> list[Snapshot] | None:
        """The snapshots at the cursor, or None while this view is inactive (it shows
        another kind of landscape) or there is no run."""
        if not self.active or not self.session.runs:
            return None
        return self.session.frame()

    # ---- following the session and the view ---------------------------------------------
    def subscribe(self) -> None:
        """Draw once, then follow the session's signals and pan/zoom; subclasses call it
        once their items exist and provide the reactions named here."""
        s = self.session
        s.sigLandscapeChanged.connect(self._on_landscape)
        s.sigDisplayChanged.connect(self._on_display)
        s.sigRunsChanged.connect(self._rebuild_runs)
        s.sigTimelineReset.connect(self._draw_starts)
        s.sigStepChanged.connect(self.draw_runs)
        self._rebuild_runs()
        self._on_landscape()
        self.plot.vb.sigRangeChanged.connect(self._on_range_changed)

    def _on_landscape(self) -> None:
        raise NotImplementedError

    def _on_display(self) -> None:
        raise NotImplementedError

    def _rebuild_runs(self) -> None:
        raise NotImplementedError

    def _draw_starts(self) -> None:
        raise NotImplementedError

    def draw_runs(self) -> None:
        raise NotImplementedError

    def _on_range_changed(self) -> None:
        self.relayout()
        self._resample_timer.start()

    def resample_if_moved(self) -> None:
        """Resample now if the visible box is not the one last sampled."""
        if view_box(self.plot.vb) != self._sampled:
            self.resample()

    # a hidden view (another mode's, or one not shown yet) samples when it is shown: its box
    # is not final before its layout, and sampling a map costs tens of milliseconds. Off
    # where the sampling also sets what others read (the plane of a 3-D race).
    sample_when_shown = False

    def resample(self) -> None:
        """Sample the landscape over the visible box and redraw it."""
        if self.sample_when_shown and not self.isVisible():
            self._sampled = None  # sampled when shown
            return
        self._sampled = view_box(self.plot.vb)
        self.draw_landscape()

    def showEvent(self, event: QShowEvent | None) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self.sample_when_shown and self._sampled is None:
            self.resample()

    def draw_landscape(self) -> None:
        raise NotImplementedError

    def reset_view(self) -> None:
        """Back to the landscape's default box (the window may offer it as an action)."""
        raise NotImplementedError

    def relayout(self) -> None:
        """Redraw what depends on the view's size (arrows, labels) from cached data."""
        raise NotImplementedError
