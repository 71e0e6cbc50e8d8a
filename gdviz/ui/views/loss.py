"""Loss and gradient norm against the step, one curve per run, with the scrubber's step.

A diverged run's curves end at its last normal step with a ✗, and they stay out of the
y range while another run has not diverged: the blow-up before a divergence (f of
1e12 and more) would squash every other curve into a flat line.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QFontMetricsF, QResizeEvent
from PyQt6.QtWidgets import QVBoxLayout, QWidget

from gdviz.core.run import DIVERGED
from gdviz.ui.session import Session
from gdviz.ui.style import FONT_PT, line_px, scaled, style_plot
from gdviz.ui.views.plotview import marker_item, pixel_size
from gdviz.ui.views.polyline import Polyline
from gdviz.ui.views.ranges import step_range, value_range
from gdviz.ui.views.readout import CurveReadout

GRAD_FLOOR = 1e-16  # a zero gradient norm is drawn here on a log axis
LABEL_ROOM = 1.3  # a tick label on the value axis needs this many text lines of room
LEGEND_COLUMNS = 4  # legend entries per row (more when there are over 8 runs, fewer when
# the entries do not fit side by side)
LEGEND_GAP_PX = 12  # this much room between legend entries
MIN_STEPS_SHOWN = 10  # a young race's step axis spans 0…this (then it follows the data)
SHIFT_FLOOR = 1e-16  # on a log axis f − f_min is drawn at least this high
STOP_PAD_PX = (9, 11)  # a ✗ stays this far inside the plot's edges (x, y)


class LogFriendlyAxis(pg.AxisItem):
    """On a log axis spanning under two decades pyqtgraph labels every 2…9 tick at one
    level, and they overlap; here the decades are the first level and 2…9 a second one
    that is labelled only when there is room (``textFillLimits``). On a short axis (a
    small screen in presenter mode) the decades themselves are thinned to every k-th, so
    that their labels never overlap."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (Qt names)
        levels = super().logTickValues(minVal, maxVal, size, stdTicks)
        if len(levels) == 1 and levels[0][0] is None:
            values = np.asarray(levels[0][1])
            whole = np.isclose(values, np.round(values))
            levels = [(1.0, list(values[whole])), (None, list(values[~whole]))]
        spacing, values = levels[0]
        line = QFontMetricsF(self.style["tickFont"] or self.font()).height()
        room = max(1, int(size // (LABEL_ROOM * line)))  # labels that fit along the axis
        if spacing is not None and len(values) > room:
            k = -(-len(values) // room)
            kept = [v for v in values if round(v / spacing) % k == 0]
            levels = [(spacing * k, kept), (None, [v for v in values if v not in kept]),
                      *levels[1:]]
        return levels


class LossView(QWidget):
    """Two stacked plots sharing the step axis: ``loss_plot`` (f) and ``grad_plot`` (‖∇f‖).

    Per run, in run order: ``loss_curves`` and ``grad_curves`` (Polyline), ``stop_marks``
    (a ✗ TextItem on each plot at the end of a diverged run's curves, kept inside the
    plot) and ``edit_lines`` (dotted InfiniteLines at the steps where its hyperparameters
    were edited). ``cursors`` are the two vertical lines at the session's step. The curves
    are redrawn only when the recorded timeline changed; seeking moves the cursors.
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.widget = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)
        # the legend is a row of its own above the plots, so it never hides a curve
        self.legend = pg.LegendItem(colCount=LEGEND_COLUMNS,
                                    labelTextSize=f"{scaled(FONT_PT - 1)}pt")
        self.widget.addItem(self.legend, row=0, col=0)
        self.loss_plot: pg.PlotItem = self.widget.addPlot(
            row=1, col=0, axisItems={"left": LogFriendlyAxis("left")}, enableMenu=False)
        self.grad_plot: pg.PlotItem = self.widget.addPlot(
            row=2, col=0, axisItems={"left": LogFriendlyAxis("left")}, enableMenu=False)
        self.grad_plot.setXLink(self.loss_plot)
        style_plot(self.loss_plot, "", "f")
        style_plot(self.grad_plot, "step", "‖∇f‖")
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)
        self.loss_plot.getAxis("bottom").setHeight(8)
        for plot in (self.loss_plot, self.grad_plot):
            # no horizontal grid: on a log axis whose range moves every step it is
            # regenerated each frame and costs more than all the curves together
            plot.showGrid(x=True, y=False, alpha=0.15)
            plot.hideButtons()
            plot.getAxis("left").setWidth(70)
            plot.getAxis("left").setStyle(textFillLimits=[(0, 0.8), (2, 0.3), (4, 0.2)])
        self.cursors = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#444444", width=line_px(1.5)))
                        for _ in range(2)]
        for plot, line in zip((self.loss_plot, self.grad_plot), self.cursors, strict=True):
            line.setZValue(20)
            plot.addItem(line, ignoreBounds=True)
        self.loss_curves: list[Polyline] = []
        self.grad_curves: list[Polyline] = []
        self.edit_lines: list[list[pg.InfiniteLine]] = []
        self.stop_marks: list[tuple[pg.TextItem, pg.TextItem]] = []
        # per run: where its curves end if it diverged (step, y on each plot), else None
        self._stops: list[tuple[float, float, float] | None] = []
        self._drawn: tuple[int, int] | None = None  # (revision, step) the curves show
        self.following = True  # the ranges follow the race until the user pans or zooms
        session.sigRunsChanged.connect(self._rebuild_runs)
        session.sigTimelineReset.connect(self._on_reset)
        session.sigDisplayChanged.connect(self._on_display)
        session.sigStepChanged.connect(self.show_step)
        for plot in (self.loss_plot, self.grad_plot):
            plot.vb.sigRangeChanged.connect(self._place_stops)
            plot.vb.sigRangeChangedManually.connect(self._user_moved)
        self.widget.scene().sigMouseClicked.connect(self._on_click)
        self.readouts = [CurveReadout(self.loss_plot, "f"),
                         CurveReadout(self.grad_plot, "‖∇f‖")]
        self.widget.scene().sigMouseMoved.connect(self._hover)
        self.widget.setToolTip("Drag or scroll to look closer; double-click to follow the race")
        self._rebuild_runs()
        self._on_display()

    def _hover(self, scene_pos: QPointF) -> None:
        for readout, curves in zip(self.readouts, (self.loss_curves, self.grad_curves),
                                   strict=True):
            readout.show_at(scene_pos, self._named(curves))

    def _named(self, curves: list[Polyline]) -> list[tuple[Polyline, str]]:
        return [(c, r.label) for c, r in zip(curves, self.session.runs, strict=False)]

    def _on_reset(self) -> None:
        """A restart forgets the edits (the runs keep their settings) and follows again."""
        self._drawn = None
        self.following = True
        self._draw_edits()

    def _on_display(self) -> None:
        log = self.session.display["log_loss"]
        for plot in (self.loss_plot, self.grad_plot):
            plot.setLogMode(y=log)
        self._drawn = None
        self.following = True  # a range in the other scale means nothing
        self.show_step(self.session.step)

    def _rebuild_runs(self) -> None:
        """New curves and edit marks for the current runs."""
        self.loss_plot.clear()
        self.grad_plot.clear()
        runs = self.session.runs
        self.loss_curves, self.grad_curves, self.edit_lines = [], [], []
        self.stop_marks, self._stops = [], []
        for r in runs:
            pen = pg.mkPen(r.color, width=line_px(1))  # 1 px: Qt's fast path for 16 long curves
            marks = (marker_item(r.color), marker_item(r.color))
            self.stop_marks.append(marks)
            for plot, mark in zip((self.loss_plot, self.grad_plot), marks, strict=True):
                mark.setText("✗")
                mark.setAnchor((0.5, 0.5))
                mark.setVisible(False)
                plot.addItem(mark, ignoreBounds=True)
            for plot, curves in ((self.loss_plot, self.loss_curves),
                                 (self.grad_plot, self.grad_curves)):
                # crisp 1 px; at most about two points per pixel column, each column's
                # lowest and highest value kept: the same picture as every step drawn
                curve = Polyline(pen, antialias=False, columns=True)
                plot.addItem(curve)
                curves.append(curve)
        for plot, line in zip((self.loss_plot, self.grad_plot), self.cursors, strict=True):
            plot.addItem(line, ignoreBounds=True)
        for readout in self.readouts:  # clear() took their labels too
            readout.plot.addItem(readout.label, ignoreBounds=True)
        self.legend.clear()
        for r, curve in zip(runs, self.loss_curves, strict=True):
            self.legend.addItem(curve, r.label)
        self._fit_legend()
        self._draw_edits()
        self._drawn = None
        self.show_step(self.session.step)

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """Legend rows of ``LEGEND_COLUMNS`` entries (at most two rows when there are more
        runs), fewer to a row where they do not fit the width: a legend wider than the
        view would widen the plots past its right edge, cut off."""
        entries = self.legend.items
        if not entries:
            return
        widest = max(sample.width() + label.minimumWidth() for sample, label in entries)
        fits = int(self.width() // (widest + LEGEND_GAP_PX + line_px(5)))
        columns = max(1, min(max(LEGEND_COLUMNS, -(-len(entries) // 2)), fits))
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)

    def _draw_edits(self) -> None:
        """Dotted lines in each run's colour at the steps where its settings were edited."""
        plots = (self.loss_plot, self.grad_plot)
        for marks in self.edit_lines:
            for k, mark in enumerate(marks):
                plots[k % 2].removeItem(mark)
        self.edit_lines = []
        for r in self.session.runs:
            pen = pg.mkPen(r.color, width=line_px(1.5), style=Qt.PenStyle.DotLine)
            marks = []
            for step in (e.step for e in r.edits):
                for plot in plots:  # loss, grad alternating
                    mark = pg.InfiniteLine(step, angle=90, pen=pen)
                    plot.addItem(mark, ignoreBounds=True)
                    marks.append(mark)
            self.edit_lines.append(marks)

    def show_step(self, step: int) -> None:
        """Draw the race up to ``step``: curves, cursor lines and ranges."""
        for line in self.cursors:
            line.setValue(step)
        if not self.session.runs:
            return
        key = (self.session.revision, step)
        if key != self._drawn:
            self._drawn = key
            self._set_data()

    def _user_moved(self) -> None:
        self.following = False

    def _on_click(self, event: object) -> None:
        if getattr(event, "double", lambda: False)():
            self.following = True
            self._drawn = None
            self.show_step(self.session.step)

    def _fit(self, plotted: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
             in_range: list[bool]) -> None:
        """Ranges from what is drawn only (``ranges``): the step axis spans the race, the
        value axes snap around the curves that stay in range."""
        if not self.following:
            return
        for plot in (self.loss_plot, self.grad_plot):
            plot.disableAutoRange()  # clear() and setLogMode() turn pyqtgraph's back on
        s = self.session
        _set_range(self.loss_plot, 0, step_range(max(s.steps, s.head_step), MIN_STEPS_SHOWN))
        log = s.display["log_loss"]
        for k, plot in ((1, self.loss_plot), (2, self.grad_plot)):
            values = [h[k] for h, shown in zip(plotted, in_range, strict=True) if shown]
            data = np.concatenate(values) if values else np.empty(0)
            data = data[np.isfinite(data) & (data > 0)] if log else data[np.isfinite(data)]
            if not data.size:
                continue
            lo, hi = float(data.min()), float(data.max())
            if log:
                lo, hi = float(np.log10(lo)), float(np.log10(hi))
            _set_range(plot, 1, value_range(lo, hi, log))

    def _set_data(self) -> None:
        """Each run's curves up to the cursor (a diverged run's up to its stop), the shift
        that keeps a log axis positive, and which curves the value ranges follow."""
        s = self.session
        now = s.frame()
        diverged = [str(f.status[0]) == DIVERGED for f in now]
        histories = []
        for i, f in enumerate(now):
            steps, loss, grad_norm = s.history(i)
            last = int(f.stopped_at[0]) if diverged[i] else s.step
            end = int(np.searchsorted(steps, min(last, s.step), side="right"))
            histories.append((steps[:end], loss[:end], grad_norm[:end]))
        in_range = [not d or all(diverged) for d in diverged]
        log = s.display["log_loss"]
        shift, label = self._shift(histories) if log else (0.0, "f")
        axis = self.loss_plot.getAxis("left")
        if axis.labelText != label:  # re-rendering the label's HTML every frame is not free
            axis.setLabel(label, **{"font-size": f"{scaled(FONT_PT)}pt"})
        self._stops = []
        plotted = []
        for (steps, loss, grad_norm), lc, gc, stop in zip(
                histories, self.loss_curves, self.grad_curves, diverged, strict=True):
            if log:
                loss = np.maximum(loss - shift, SHIFT_FLOOR)
                grad_norm = np.maximum(grad_norm, GRAD_FLOOR)
            plotted.append((steps, loss, grad_norm))
            lc.setData(steps, loss)
            gc.setData(steps, grad_norm)
            self._stops.append(self._stop_at(steps, loss, grad_norm, log) if stop else None)
        self._fit(plotted, in_range)
        self._place_stops()

    @staticmethod
    def _stop_at(steps: np.ndarray, loss: np.ndarray, grad_norm: np.ndarray,
                 log: bool) -> tuple[float, float, float] | None:
        """Where a diverged run's ✗ goes: its last step and the curves' ends there (in
        the plots' coordinates; a non-finite end, e.g. log of 0, is left unmarked)."""
        if not len(steps):
            return None
        ends = np.array([loss[-1], grad_norm[-1]], dtype=np.float64)
        if log:
            with np.errstate(divide="ignore", invalid="ignore"):
                ends = np.log10(ends)
        return float(steps[-1]), float(ends[0]), float(ends[1])

    def _shift(self, histories: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
               ) -> tuple[float, str]:
        """What a log axis subtracts from f, and its label: 0 ("f") while every
        value drawn is positive, else the landscape's lowest known minimum ("f − f_min";
        "f" when that minimum is 0), or the lowest value drawn where no minimum is known.
        The known minimum keeps the curves still from frame to frame. Values at or below
        the shift are drawn at ``SHIFT_FLOOR``."""
        finite = [h[1][np.isfinite(h[1])] for h in histories]
        values = np.concatenate(finite) if finite else np.empty(0)
        if not values.size or values.min() > 0:
            return 0.0, "f"
        if self.session.is_network:  # a loss of 0 is the only known minimum
            return float(values.min()), "f − f_min"
        land = self.session.landscape
        with np.errstate(all="ignore"):
            known = land.value(land.minima) if len(land.minima) else np.empty(0)
        known = known[np.isfinite(known)]
        f_min = float(known.min()) if known.size else float(values.min())
        shift = min(f_min, float(values.min()))
        return shift, ("f" if shift == 0 else "f − f_min")

    def _place_stops(self) -> None:
        """A ✗ at the end of each diverged run's curves, moved inside the plot if the end
        is outside (it usually is: the curves that stay in the y range are the others)."""
        show = self.session.display["markers"]
        for i, marks in enumerate(self.stop_marks):
            stop = self._stops[i] if show and i < len(self._stops) else None
            for k, (plot, mark) in enumerate(zip((self.loss_plot, self.grad_plot), marks,
                                                 strict=True)):
                if stop is None or not np.isfinite(stop[1 + k]):
                    mark.setVisible(False)
                    continue
                (x0, x1), (y0, y1) = plot.vb.viewRange()
                px = pixel_size(plot.vb)
                pad = (STOP_PAD_PX[0] * px[0], STOP_PAD_PX[1] * px[1])
                mark.setPos(float(np.clip(stop[0], x0 + pad[0], x1 - pad[0])),
                            float(np.clip(stop[1 + k], y0 + pad[1], y1 - pad[1])))
                mark.setVisible(True)


def _set_range(plot: pg.PlotItem, axis: int, wanted: tuple[float, float]) -> None:
    """Set one axis's range only when it changes: a range set again re-lays the axis out
    (ticks, labels), which costs more than drawing the curves."""
    if tuple(plot.vb.viewRange()[axis]) != tuple(wanted):
        (plot.setXRange if axis == 0 else plot.setYRange)(*wanted, padding=0)
