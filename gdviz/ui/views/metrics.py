"""Train and test loss and accuracy of every run of a network race, against the step or
the epoch.

Two stacked plots share the x axis: the loss (on a log axis when the session's
"log_loss" says so) and the accuracy in % (left out for a regression, which has no
classes). Per run, in its colour: train solid, test dashed, over the whole recording; a
vertical line and a dot on every curve mark the cursor. A click moves the cursor there,
hovering reads off the nearest run. On a landscape race the view stays empty.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt, QTimer
from PyQt6.QtWidgets import (
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.network_read import Metrics
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.style import FONT_PT, line_px, scaled, style_plot
from gdviz.ui.views.loss import MIN_STEPS_SHOWN, LogFriendlyAxis
from gdviz.ui.views.ranges import STEP_PAD, value_range
from gdviz.ui.views.readout import CurveReadout

X_AXES = {"step": "updates done", "epoch": "passes over the training set (sgd: minibatches "
                                            "× batch size / training samples)"}
MIN_EPOCHS_SHOWN = 1.0  # an epoch axis spans at least 0…this
DOT_PX = 7  # the cursor's dot on every curve
THROTTLE_MS = 100  # while the race plays, a growing recording is redrawn this often
Data = tuple[np.ndarray, np.ndarray, Metrics]  # one run's steps, epochs and metrics


class MetricsView(QWidget):
    """Loss (``loss_plot``) and accuracy (``acc_plot``) of every run of a network race.

    Per run, in run order: ``loss_curves[i]`` and ``acc_curves[i]`` are (train, test)
    PlotDataItems, train solid and test dashed in the run's colour; ``dots`` (one per plot)
    mark every curve at the cursor and ``cursors`` are the vertical lines there (in epoch
    mode at the selected run's epoch). ``legend`` names the runs in their colours above the
    plots; ``x_axis`` chooses "step" or "epoch". The curves are redrawn only when the
    recording changed (``session.revision``).
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.x_axis = QComboBox()
        for name, tip in X_AXES.items():
            self.x_axis.addItem(name)
            self.x_axis.setItemData(self.x_axis.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.x_axis.setToolTip("x axis: the step, or the epoch each run has reached")
        self.x_axis.currentTextChanged.connect(self._redraw)
        self.legend = QLabel()  # the runs' colours and labels
        self.legend.setWordWrap(True)
        key = QLabel("solid: train · dashed: test")
        key.setToolTip("Train: the points the runs learn from; test: the held-out points")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(QLabel("x axis:"))
        bar.addWidget(self.x_axis)
        bar.addStretch(1)
        bar.addWidget(key)
        self.legend.setContentsMargins(6, 0, 6, 0)  # a row of its own: it wraps, not squeezes
        self.widget = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(self.widget)
        self.loss_plot: pg.PlotItem = self.widget.addPlot(
            row=0, col=0, axisItems={"left": LogFriendlyAxis("left")}, enableMenu=False)
        self.acc_plot: pg.PlotItem = self.widget.addPlot(row=1, col=0, enableMenu=False)
        self.acc_plot.setXLink(self.loss_plot)
        style_plot(self.loss_plot, "step", "loss")
        style_plot(self.acc_plot, "step", "acc. %")
        for plot in self.plots:
            plot.setMouseEnabled(x=False, y=False)
            # a few points per pixel column: a long recording draws as fast as a short one
            plot.setDownsampling(auto=True, mode="peak")
            plot.hideButtons()
            plot.getAxis("left").setWidth(70)
            plot.getAxis("left").setStyle(textFillLimits=[(0, 0.5), (2, 0.3), (4, 0.2)])
        self.cursors = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#444444", width=line_px(1.5)))
                        for _ in self.plots]
        self.dots = [pg.PlotDataItem(pen=None, symbol="o", symbolSize=DOT_PX)
                     for _ in self.plots]
        self.readouts = [CurveReadout(plot, "") for plot in self.plots]
        self.loss_curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self.acc_curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self.data: list[Data] = []  # what the curves show, per run
        self._drawn: tuple[int, str] | None = None  # (revision, x axis) the curves show
        self._catch_up = QTimer(self)  # while playing: the curves follow the head
        self._catch_up.setSingleShot(True)
        self._catch_up.setInterval(THROTTLE_MS)
        self._catch_up.timeout.connect(self._draw_now)
        self.widget.scene().sigMouseClicked.connect(self._on_click)
        self.widget.scene().sigMouseMoved.connect(self._hover)
        self.widget.setToolTip("Click to move the cursor to that step; hover to read a run")
        session.sigRunsChanged.connect(self._rebuild)
        session.sigLandscapeChanged.connect(self._rebuild)
        session.sigTimelineReset.connect(self._redraw)
        session.sigDisplayChanged.connect(self._on_display)
        session.sigSelectionChanged.connect(lambda _i: self.show_step(session.step))
        session.sigStepChanged.connect(self.show_step)
        self._rebuild()

    @property
    def plots(self) -> tuple[pg.PlotItem, pg.PlotItem]:
        return self.loss_plot, self.acc_plot

    @property
    def has_accuracy(self) -> bool:
        """A classification race: the accuracy plot is shown."""
        return self.session.is_network and self.session.train_data.task == "classification"

    def set_x_axis(self, name: str) -> None:
        """Plot against "step" or "epoch"."""
        self.x_axis.setCurrentText(name)

    # ---- building -------------------------------------------------------------------
    def _rebuild(self) -> None:
        """New curves for the current runs; nothing on a landscape race."""
        for plot in self.plots:
            plot.clear()
        self.legend.clear()
        self.loss_curves, self.acc_curves, self.data = [], [], []
        self._drawn = None
        self._lay_out_plots()
        if not self.session.is_network:
            return
        for r in self.session.runs:
            solid = pg.mkPen(r.color, width=line_px(2))
            dashed = pg.mkPen(r.color, width=line_px(2), style=Qt.PenStyle.DashLine)
            for plot, curves in ((self.loss_plot, self.loss_curves),
                                 (self.acc_plot, self.acc_curves)):
                pair = (pg.PlotDataItem(pen=solid, antialias=False),
                        pg.PlotDataItem(pen=dashed, antialias=False))
                pair[1].curve.setSegmentedLineMode("off")  # a dash pattern spans segments
                for curve in pair:  # moving the cursor does not redraw the curves
                    curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                for curve in pair:
                    plot.addItem(curve)
                curves.append(pair)
        self.legend.setText("&nbsp;&nbsp; ".join(
            f"<span style='color:{r.color}'>━━</span>&nbsp;{escape(r.label)}"
            for r in self.session.runs))
        for plot, line, dots, readout in zip(self.plots, self.cursors, self.dots,
                                             self.readouts, strict=True):
            for item in (line, dots, readout.label):  # clear() took them
                plot.addItem(item, ignoreBounds=True)
            line.setZValue(20)
            dots.setZValue(30)
        self._on_display()

    def _lay_out_plots(self) -> None:
        """The accuracy plot under the loss plot for a classification, else hidden (the
        layout then gives its room to the loss plot, which carries the x axis's numbers)."""
        self.acc_plot.setVisible(self.has_accuracy)
        bottom = self.loss_plot.getAxis("bottom")
        bottom.setStyle(showValues=not self.has_accuracy)
        bottom.showLabel(not self.has_accuracy)
        bottom.setHeight(8 if self.has_accuracy else None)

    def _on_display(self) -> None:
        self.loss_plot.setLogMode(y=self.session.display["log_loss"])
        self._redraw()

    def _redraw(self) -> None:
        self._drawn = None
        self.show_step(self.session.step)

    # ---- drawing ----------------------------------------------------------------------
    def show_step(self, step: int) -> None:
        """The curves over the whole recording (redrawn when it changed; while the race
        plays, at most every ``THROTTLE_MS``) and the cursor at ``step``."""
        s = self.session
        if not s.is_network or not self.loss_curves:
            return
        key = (s.revision, self.x_axis.currentText())
        if key != self._drawn:
            if s.playing and self._drawn is not None and self._drawn[1] == key[1]:
                if not self._catch_up.isActive():
                    self._catch_up.start()
            else:
                self._drawn = key
                self._set_data()
        self._place_cursor(step)

    def _draw_now(self) -> None:
        """The throttled redraw of a growing recording."""
        if self.session.is_network and self.loss_curves:
            self._drawn = (self.session.revision, self.x_axis.currentText())
            self._set_data()
            self._place_cursor(self.session.step)

    def _xs(self, data: Data) -> np.ndarray:
        return data[1] if self.x_axis.currentText() == "epoch" else data[0]

    def _set_data(self) -> None:
        s = self.session
        self.data = [s.network_metrics(i) for i in range(len(s.runs))]
        for plot in self.plots:
            plot.disableAutoRange()  # clear() and setLogMode() turn pyqtgraph's back on
        self.plots[self.has_accuracy].setLabel("bottom", self.x_axis.currentText(),
                                               **{"font-size": f"{scaled(FONT_PT)}pt"})
        for data, (lt, ls), (at, ast) in zip(self.data, self.loss_curves, self.acc_curves,
                                             strict=True):
            xs, m = self._xs(data), data[2]
            lt.setData(xs, m.train_loss)
            ls.setData(xs, m.test_loss)
            if self.has_accuracy:
                at.setData(xs, 100 * m.train_accuracy)
                ast.setData(xs, 100 * m.test_accuracy)
        self._fit()

    def _fit(self) -> None:
        """The x axis spans the race (steps) or the recording (epochs); the loss axis
        snaps around every loss drawn; accuracy spans 0…100 %."""
        s = self.session
        if self.x_axis.currentText() == "epoch":
            end = max([MIN_EPOCHS_SHOWN] + [float(np.max(d[1])) for d in self.data])
        else:
            end = float(max(s.steps, s.head_step, MIN_STEPS_SHOWN))
        self.loss_plot.setXRange(-STEP_PAD * end, (1 + STEP_PAD) * end, padding=0)
        log = s.display["log_loss"]
        losses = np.concatenate([v for d in self.data for v in (d[2].train_loss,
                                                                d[2].test_loss)])
        losses = losses[np.isfinite(losses) & (losses > 0)] if log else \
            losses[np.isfinite(losses)]
        if losses.size:
            lo, hi = float(losses.min()), float(losses.max())
            if log:
                lo, hi = float(np.log10(lo)), float(np.log10(hi))
            self.loss_plot.setYRange(*value_range(lo, hi, log), padding=0.05)
        self.acc_plot.setYRange(-5.0, 105.0, padding=0)

    def _row(self, data: Data, step: int) -> int:
        """The recorded row at or before ``step``."""
        return max(int(np.searchsorted(data[0], step, side="right")) - 1, 0)

    def _selected(self) -> int:
        sel = self.session.selected
        return sel if sel is not None and sel < len(self.data) else 0

    def _place_cursor(self, step: int) -> None:
        """The vertical lines at ``step`` (in epoch mode: the selected run's epoch there)
        and a dot on every curve at that step."""
        if not self.data:
            return
        sel = self.data[self._selected()]
        x = float(self._xs(sel)[self._row(sel, step)])
        for line in self.cursors:
            line.setValue(x)
        shown = [(self.dots[0], self.loss_curves)]
        if self.has_accuracy:  # a regression's accuracy is NaN: nothing to mark
            shown.append((self.dots[1], self.acc_curves))
        for dots, curves in shown:
            xs, ys, brushes = [], [], []
            for data, pair, r in zip(self.data, curves, self.session.runs, strict=True):
                k = self._row(data, step)
                for curve in pair:
                    xs.append(curve.xData[k])
                    ys.append(curve.yData[k])
                    brushes.append(pg.mkBrush(r.color))
            dots.setData(xs, ys, symbolBrush=brushes, symbolPen=style.THEME.background)

    # ---- mouse ------------------------------------------------------------------------
    def _on_click(self, event: object) -> None:
        """A click on a plot moves the cursor to the step under it (in epoch mode: the
        selected run's step at that epoch)."""
        if not self.data or getattr(event, "button", lambda: None)() != Qt.MouseButton.LeftButton:
            return
        pos = event.scenePos()  # type: ignore[attr-defined]
        plot = next((p for p in self.plots if p.isVisible()
                     and p.vb.sceneBoundingRect().contains(pos)), None)
        if plot is None:
            return
        x = plot.vb.mapSceneToView(pos).x()
        data = self.data[self._selected()]
        xs = self._xs(data)
        k = int(np.clip(np.searchsorted(xs, x), 0, len(xs) - 1))
        if k and abs(xs[k - 1] - x) < abs(xs[k] - x):
            k -= 1
        self.session.seek(int(data[0][k]))

    def _hover(self, scene_pos: QPointF) -> None:
        """Over a curve: its run, step, epoch and the four metrics there."""
        for readout, curves in zip(self.readouts, (self.loss_curves, self.acc_curves),
                                   strict=True):
            flat = [c for pair in curves for c in pair]
            shown = self.data and readout.plot.isVisible()
            found = readout.nearest(scene_pos, flat) if shown else None
            if found is None:
                readout.label.hide()
                continue
            run, k = found[0] // 2, found[1]
            readout.show_text(scene_pos, self._reading(run, k))

    def _reading(self, run: int, k: int) -> str:
        r = self.session.runs[run]
        steps, epochs, m = self.data[run]
        lines = [f"<span style='color:{r.color}'>■</span> {r.label}",
                 f"step {int(steps[k])} · epoch {epochs[k]:.3g}",
                 f"loss: train {m.train_loss[k]:.4g} · test {m.test_loss[k]:.4g}"]
        if self.has_accuracy:
            lines.append(f"accuracy: train {100 * m.train_accuracy[k]:.1f} % · "
                         f"test {100 * m.test_accuracy[k]:.1f} %")
        return "<br>".join(lines)
