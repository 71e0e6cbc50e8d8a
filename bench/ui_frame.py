"""Frame cost: one timeline step plus the repaint of the contour map, arrows and loss plots.

8 optimizers race on rosenbrock with 2 000-step trails already recorded. A gdviz frame
computes one new step (8 updates); the views take it from the session's signals, and the
pending paint events are processed (the real repaint). The baseline is a bare pyqtgraph
PlotWidget of the contour's size redrawing the same 8 trails with the same pens (setData
and the same paint processing). Both run offscreen in this process with the same
pyqtgraph options, alternating; medians of 5 repeats of 60 frames. Measured at 900×800,
at 1920×1080 and at 1920×1080 in presenter mode (fonts and lines ×1.7), one JSON line per
case. Goal: ≤ 1.0× the bare redraw in every case.
"""

from __future__ import annotations

import json
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

from gdviz.ui import style  # noqa: E402
from gdviz.ui.app import application  # noqa: E402
from gdviz.ui.session import Session  # noqa: E402
from gdviz.ui.views.contour import ContourView  # noqa: E402
from gdviz.ui.views.loss import LossView  # noqa: E402

RUNS = (("gd", 1.5e-3), ("sgd", 1e-3), ("momentum", 1e-3), ("nesterov", 1e-3),
        ("adagrad", 0.5), ("rmsprop", 1e-2), ("adam", 0.1), ("adamw", 0.1))
TRAIL, FRAMES, REPEATS = 2000, 60, 5


def race() -> Session:
    session = Session("rosenbrock")
    session.set_stop_on_convergence(False)
    session.set_steps(10**6)
    for kind, lr in RUNS:
        session.add_run(kind, lr=lr)
    session.run_to(TRAIL)
    return session


def ours(session: Session, contour: ContourView, loss: LossView) -> float:
    times = []
    for _ in range(FRAMES):
        t0 = time.perf_counter()
        session.step_forward()
        QApplication.processEvents()  # the scene's pending updates: the real repaint
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bare(widget: pg.PlotWidget, curves: list[pg.PlotDataItem], trails: list[np.ndarray],
         start: int) -> float:
    times = []
    for k in range(FRAMES):
        t0 = time.perf_counter()
        for curve, trail in zip(curves, trails, strict=True):
            data = trail[: start + k]
            curve.setData(data[:, 0], data[:, 1])
        QApplication.processEvents()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


CASES = (("window", (900, 800), 1.0), ("full HD", (1920, 1080), 1.0),
         ("presenter", (1920, 1080), style.PRESENTER_SCALE))


def measure(app: QApplication, size: tuple[int, int]) -> tuple[float, float]:
    """Median frame times (ours, bare) with the views at ``size`` (the loss plots under
    them, as wide)."""
    session = race()
    contour, loss = ContourView(session), LossView(session)
    contour.resize(*size)
    loss.resize(size[0], 300)
    contour.show()
    loss.show()
    # the bare baseline draws the same trails (recorded well past the race's head)
    trails_session = race()
    trails_session.run_to(TRAIL + REPEATS * FRAMES + 1)
    trails = [trails_session.trail(i) for i in range(len(RUNS))]
    widget = pg.PlotWidget()
    widget.resize(*size)
    curves = [widget.plot(pen=contour.trails[i].opts["pen"]) for i in range(len(RUNS))]
    widget.show()
    for _ in range(10):
        app.processEvents()
    t_ours, t_bare = [], []
    for rep in range(REPEATS):
        t_ours.append(ours(session, contour, loss))
        t_bare.append(bare(widget, curves, trails, TRAIL + rep * FRAMES))
        app.processEvents()
    for w in (contour, loss, widget):
        w.close()
        w.deleteLater()
    app.processEvents()
    return statistics.median(t_ours), statistics.median(t_bare)


def main() -> None:
    app = application()
    for name, size, scale in CASES:  # one JSON line per case
        style.set_scale(scale)
        o, b = measure(app, size)
        print(json.dumps({"bench": "ui_frame", "case": name, "size": f"{size[0]}x{size[1]}",
                          "ours": round(o, 5), "baseline": round(b, 5), "unit": "s per frame",
                          "ratio": round(o / b, 3), "goal": 1.0}), flush=True)
    style.set_scale(1.0)


if __name__ == "__main__":
    main()
