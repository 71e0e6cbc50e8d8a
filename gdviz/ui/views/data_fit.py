"""The data panel of a landscape computed from samples: the samples and what each run's
parameters at the cursor make of them.

Linear regression: the points (x, y) and every run's fitted line ŷ = w·x + b. Logistic
regression on one feature: the points at their class (0 or 1) and every run's probability
curve σ(w·x + b), its threshold marked. On two features: the points on the feature plane,
the focused run's probability of class 1 as a faint image and every run's decision
boundary w·x + b = 0. The focused run (the selected one, else run 0) is drawn thick, and
when it draws minibatches the samples of its next update are ringed: the data that
gradient sees.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF
from PyQt6.QtWidgets import QWidget

from gdviz.ui import style
from gdviz.ui.runs import CLASS_COLORS
from gdviz.ui.session import Session
from gdviz.ui.style import line_px, plain_plot, qcolor, style_plot

RES = 200  # points of a fitted curve
FIELD_RES = 60  # the probability image of a two-feature classifier
POINT_PX = 8
RING_PX = 15


class DataFitView(QWidget):
    """The samples with every run's fitted model; empty unless the race is on data."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.widget, self.plot = plain_plot(self)
        self.field = pg.ImageItem()
        self.field.setOpacity(0.35)
        self.field.setZValue(-10)
        self.points = pg.ScatterPlotItem(size=style.scaled(POINT_PX),
                                         pen=pg.mkPen("#202020", width=0.8))
        self.batch = pg.ScatterPlotItem(size=style.scaled(RING_PX), brush=None,
                                        pen=pg.mkPen(style.THEME.foreground, width=1.6))
        self.batch.setZValue(5)
        for item in (self.field, self.points, self.batch):
            self.plot.addItem(item)
        self.models: list[pg.PlotDataItem] = []
        session.sigLandscapeChanged.connect(self._on_problem)
        session.sigRunsChanged.connect(self._rebuild)
        for signal in (session.sigStepChanged, session.sigTimelineReset,
                       session.sigSelectionChanged):
            signal.connect(self.draw)
        self._on_problem()

    @property
    def focused(self) -> int | None:
        s = self.session
        if not s.runs or not s.is_data:
            return None
        return s.selected if s.selected is not None else 0

    # ---- the problem: axes and samples ---------------------------------------------------
    def _on_problem(self) -> None:
        s = self.session
        self.field.clear()
        if not s.is_data:
            self.points.clear()
            self._rebuild()
            return
        data, land = s.samples, s.data_landscape
        (x0, x1), (y0, y1) = s.samples_box()
        features = land.dim - 1
        pos = self._positions()
        if data.task == "regression":
            brushes = ["#9a9a9a"]
            style_plot(self.plot, "x", "y")
        else:
            brushes = [CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in data.y]
            style_plot(self.plot, "x₁" if features == 2 else "x",
                       "x₂" if features == 2 else "class, P(class 1)")
        self.points.setData(pos=pos, brush=[pg.mkBrush(b) for b in brushes]
                            if len(brushes) > 1 else pg.mkBrush(brushes[0]))
        self.plot.setAspectLocked(features == 2)
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self._rebuild()

    def _rebuild(self) -> None:
        for item in self.models:
            self.plot.removeItem(item)
        s = self.session
        runs = s.runs if s.is_data else ()
        self.models = [pg.PlotDataItem(pen=pg.mkPen(r.color, width=line_px(2))) for r in runs]
        for item in self.models:
            item.setZValue(10)
            self.plot.addItem(item)
        self.draw()

    # ---- the runs at the cursor ----------------------------------------------------------
    def draw(self, *_: object) -> None:
        s, focus = self.session, self.focused
        if focus is None:
            self.batch.clear()
            self.plot.setTitle(None)
            return
        land = s.data_landscape
        (x0, x1), (y0, y1) = s.samples_box()
        two = land.dim == 3
        for i, (item, run) in enumerate(zip(self.models, s.runs, strict=True)):
            width = line_px(3.5 if i == focus else 1.5)
            item.setPen(pg.mkPen(run.color, width=width))
            if two:
                ends = s.boundary(i, ((x0, x1), (y0, y1)))
                item.setData(ends[:, 0], ends[:, 1]) if len(ends) else item.setData([], [])
            else:
                item.setData(*s.fitted(i, (x0, x1), RES))
        if two:
            xs, ys, P = s.probability_grid(focus, ((x0, x1), (y0, y1)), FIELD_RES)
            self.field.setImage(self._probability_rgb(P), autoLevels=False)
            dx, dy = xs[1] - xs[0], ys[1] - ys[0]
            self.field.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, len(xs) * dx,
                                      len(ys) * dy))
        index, size = s.batch_now(focus)
        if size is None:
            self.batch.clear()
        else:
            self.batch.setData(pos=self._positions()[index])
        run = s.runs[focus]
        batch = "all samples" if size is None else f"○ next batch of {size}"
        self.plot.setTitle(f"<span style='color:{run.color}'>■ {run.label}</span> · step "
                           f"{s.step} · {batch}", size=f"{style.scaled(10)}pt",
                           color=style.THEME.foreground)

    def _positions(self) -> np.ndarray:
        """Where the samples are drawn, ``(m, 2)``: (x, y), (x, class) or (x₁, x₂)."""
        data, land = self.session.samples, self.session.data_landscape
        if data.task == "regression":
            return np.column_stack([data.X[:, 0], data.y[:, 0]])
        second = data.X[:, 1] if land.dim == 3 else data.y.astype(np.float64)
        return np.column_stack([data.X[:, 0], second])

    @staticmethod
    def _probability_rgb(P: np.ndarray) -> np.ndarray:
        """P(class 1) as colour, class 0's where P < ½ and class 1's above (transposed for
        ImageItem, which takes [x, y])."""
        c0, c1 = (np.array(qcolor(c).getRgb()[:3], dtype=np.float64) for c in CLASS_COLORS[:2])
        rgb = (1 - P)[..., None] * c0 + P[..., None] * c1
        return np.clip(rgb, 0, 255).astype(np.uint8).transpose(1, 0, 2)
