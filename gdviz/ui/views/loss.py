"""Loss and gradient norm against the step, one curve per run, with the scrubber's step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QVBoxLayout, QWidget

from gdviz.ui.session import Session
from gdviz.ui.style import FONT_PT, style_plot

GRAD_FLOOR = 1e-16  # a zero gradient norm is drawn here on a log axis
MIN_STEPS_SHOWN = 10  # a young race's step axis spans 0…this (then it follows the data)
SHIFT_FLOOR = 1e-4  # on a log axis f − f_min is drawn plus this fraction of its span


class LogFriendlyAxis(pg.AxisItem):
    """On a log axis spanning under two decades pyqtgraph labels every 2…9 tick at one
    level, and they overlap; here the decades are the first level and 2…9 a second one
    that is labelled only when there is room (``textFillLimits``)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (Qt names)
        levels = super().logTickValues(minVal, maxVal, size, stdTicks)
        if len(levels) == 1 and levels[0][0] is None:
            values = np.asarray(levels[0][1])
            whole = np.isclose(values, np.round(values))
            return [(1.0, list(values[whole])), (None, list(values[~whole]))]
        return levels


class LossView(QWidget):
    """Two stacked plots sharing the step axis: ``loss_plot`` (f) and ``grad_plot`` (‖∇f‖).

    Per run, in run order: ``loss_curves`` and ``grad_curves`` (PlotDataItem) and
    ``edit_lines`` (dotted InfiniteLines at the steps where its hyperparameters were
    edited). ``cursors`` are the two vertical lines at the session's step. The curves
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
        self.legend = pg.LegendItem(colCount=4, labelTextSize=f"{FONT_PT - 1}pt")
        self.widget.addItem(self.legend, row=0, col=0)
        self.loss_plot: pg.PlotItem = self.widget.addPlot(
            row=1, col=0, axisItems={"left": LogFriendlyAxis("left")})
        self.grad_plot: pg.PlotItem = self.widget.addPlot(
            row=2, col=0, axisItems={"left": LogFriendlyAxis("left")})
        self.grad_plot.setXLink(self.loss_plot)
        style_plot(self.loss_plot, "", "f")
        style_plot(self.grad_plot, "step", "‖∇f‖")
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)
        self.loss_plot.getAxis("bottom").setHeight(8)
        for plot in (self.loss_plot, self.grad_plot):
            plot.setMenuEnabled(False)
            # no horizontal grid: on a log axis whose range moves every step it is
            # regenerated each frame and costs more than all the curves together
            plot.showGrid(x=True, y=False, alpha=0.15)
            plot.hideButtons()
            plot.getAxis("left").setWidth(70)
            plot.getAxis("left").setStyle(textFillLimits=[(0, 0.8), (2, 0.3), (4, 0.2)])
        self.cursors = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#444444", width=1.5))
                        for _ in range(2)]
        for plot, line in zip((self.loss_plot, self.grad_plot), self.cursors, strict=True):
            line.setZValue(20)
            plot.addItem(line, ignoreBounds=True)
        self.loss_curves: list[pg.PlotDataItem] = []
        self.grad_curves: list[pg.PlotDataItem] = []
        self.edit_lines: list[list[pg.InfiniteLine]] = []
        self._drawn: tuple[int, int] | None = None  # (rows, head step) the curves show
        self._young = False  # the step axis is pinned to 0…MIN_STEPS_SHOWN
        session.sigRunsChanged.connect(self._rebuild_runs)
        session.sigTimelineReset.connect(self._on_reset)
        session.sigDisplayChanged.connect(self._on_display)
        session.sigStepChanged.connect(self.show_step)
        self._rebuild_runs()
        self._on_display()

    def _on_reset(self) -> None:
        """A restart forgets the edits (the runs keep their settings)."""
        self._drawn = None
        self._draw_edits()

    def _on_display(self) -> None:
        log = self.session.display["log_loss"]
        for plot in (self.loss_plot, self.grad_plot):
            plot.setLogMode(y=log)
        self._drawn = None
        self.show_step(self.session.step)

    def _rebuild_runs(self) -> None:
        """New curves and edit marks for the current runs."""
        self.loss_plot.clear()
        self.grad_plot.clear()
        runs = self.session.runs
        self.loss_curves, self.grad_curves, self.edit_lines = [], [], []
        for r in runs:
            pen = pg.mkPen(r.color, width=1)  # 1 px: Qt's fast path for 16 long curves
            for plot, curves, name in ((self.loss_plot, self.loss_curves, r.label),
                                       (self.grad_plot, self.grad_curves, None)):
                curve = pg.PlotDataItem(pen=pen, name=name)
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
                plot.addItem(curve)
                curves.append(curve)
        for plot, line in zip((self.loss_plot, self.grad_plot), self.cursors, strict=True):
            plot.addItem(line, ignoreBounds=True)
        self.legend.clear()
        for r, curve in zip(runs, self.loss_curves, strict=True):
            self.legend.addItem(curve, r.label)
        self._draw_edits()
        self._drawn = None
        self.show_step(self.session.step)

    def _draw_edits(self) -> None:
        """Dotted lines in each run's colour at the steps where its settings were edited."""
        plots = (self.loss_plot, self.grad_plot)
        for marks in self.edit_lines:
            for k, mark in enumerate(marks):
                plots[k % 2].removeItem(mark)
        self.edit_lines = []
        for r in self.session.runs:
            pen = pg.mkPen(r.color, width=1.5, style=Qt.PenStyle.DotLine)
            marks = []
            for step in r.edits:
                for plot in plots:  # loss, grad alternating
                    mark = pg.InfiniteLine(step, angle=90, pen=pen)
                    plot.addItem(mark, ignoreBounds=True)
                    marks.append(mark)
            self.edit_lines.append(marks)

    def show_step(self, step: int) -> None:
        """Move the cursors to ``step``; refresh the curves if the timeline grew or changed."""
        for line in self.cursors:
            line.setValue(step)
        t = self.session.timeline
        if t is None or t.runs != len(self.loss_curves):
            return
        key = (len(t), t.head_step)
        if key != self._drawn:
            self._drawn = key
            self._set_data()
            self._fit_steps(t.head_step)

    def _fit_steps(self, head: int) -> None:
        """A race's first steps get a readable step axis instead of a one-point autorange."""
        young = head < MIN_STEPS_SHOWN
        if young != self._young:
            limits = (-0.2, MIN_STEPS_SHOWN + 0.4) if young else (None, None)
            for plot in (self.loss_plot, self.grad_plot):
                plot.vb.setLimits(xMin=limits[0], minXRange=limits[1])
        self._young = young

    def _set_data(self) -> None:
        histories = [self.session.history(i) for i in range(len(self.loss_curves))]
        log = self.session.display["log_loss"]
        shift, label = 0.0, "f (log)" if log else "f"
        if log:
            finite = [h[1][np.isfinite(h[1])] for h in histories]
            values = np.concatenate(finite) if finite else np.empty(0)
            lo = float(values.min()) if values.size else 1.0
            if lo <= 0:
                span = float(values.max()) - lo
                shift = lo - SHIFT_FLOOR * (span if span > 0 else 1.0)
                label = "f − f_min (log)"
        self.loss_plot.getAxis("left").setLabel(label, **{"font-size": f"{FONT_PT}pt"})
        for (steps, loss, grad_norm), lc, gc in zip(histories, self.loss_curves,
                                                    self.grad_curves, strict=True):
            lc.setData(steps, loss - shift if shift else loss)
            gc.setData(steps, np.maximum(grad_norm, GRAD_FLOOR) if log else grad_norm)
