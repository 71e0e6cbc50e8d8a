"""Hovering a plot of curves reads off the nearest curve: its run, the step and the value.

A ``CurveReadout`` is told of the mouse over one PlotItem and shows, next to the pointer,
the name of the curve closest to it (in screen pixels) at the hovered step, that step
and the curve's value there, as drawn (so on a log axis the value, not its log).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF

from gdviz.ui import style
from gdviz.ui.style import font, qcolor

NEAR_PX = 40  # a curve farther than this from the pointer is not read off


class Curve(Protocol):
    """What is read off a curve (a PlotDataItem or a Polyline): its data as given, its pen."""

    xData: np.ndarray | None  # noqa: N815 (pyqtgraph's names)
    yData: np.ndarray | None  # noqa: N815
    opts: dict[str, Any]


Named = Sequence[tuple[Curve, str]]  # the plot's curves and their names


class CurveReadout:
    """The reading of one plot; the owning view passes its curves with each call."""

    def __init__(self, plot: pg.PlotItem, quantity: str) -> None:
        self.plot, self.quantity = plot, quantity
        self.label = pg.TextItem(anchor=(0, 1), color=style.THEME.foreground,
                                 fill=qcolor(style.THEME.label_fill, 225))
        self.label.setFont(font(10))
        self.label.setZValue(50)
        self.label.hide()
        plot.addItem(self.label, ignoreBounds=True)

    def nearest(self, scene_pos: QPointF,
                curves: Sequence[Curve]) -> tuple[int, int] | None:
        """(which curve, which of its points) is nearest to the pointer in screen pixels,
        at most ``NEAR_PX`` away, or None (also when the pointer is outside the plot)."""
        vb = self.plot.vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        at = vb.mapSceneToView(scene_pos)
        px = vb.viewPixelSize()
        log = self.plot.getAxis("left").logMode
        best: tuple[float, int, int] | None = None
        for c, curve in enumerate(curves):
            xs, ys = curve.xData, curve.yData  # as given, not log-transformed for display
            if xs is None or ys is None or not len(xs):
                continue
            k = int(np.clip(np.searchsorted(xs, at.x()), 0, len(xs) - 1))
            if k and abs(xs[k - 1] - at.x()) < abs(xs[k] - at.x()):
                k -= 1
            y = float(ys[k])
            if not np.isfinite(y) or (log and y <= 0):
                continue
            shown = np.log10(y) if log else y
            gap = abs(shown - at.y()) / px[1] + abs(xs[k] - at.x()) / px[0]
            if gap <= NEAR_PX and (best is None or gap < best[0]):
                best = (gap, c, k)
        return None if best is None else best[1:]

    def text_at(self, scene_pos: QPointF, curves: Named) -> tuple[str, str, float, float] | None:
        """(name, colour, step, value) of the curve nearest to the pointer, or None."""
        found = self.nearest(scene_pos, [curve for curve, _ in curves])
        if found is None:
            return None
        (curve, name), k = curves[found[0]], found[1]
        colour = curve.opts["pen"].color().name()
        xs, ys = curve.xData, curve.yData
        assert xs is not None and ys is not None  # nearest found a point on it
        return name, colour, float(xs[k]), float(ys[k])

    def show_at(self, scene_pos: QPointF, curves: Named) -> None:
        """Show the reading at the pointer (the owning view forwards its mouse moves)."""
        found = self.text_at(scene_pos, curves)
        if found is None:
            self.label.hide()
            return
        name, colour, step, value = found
        self.show_text(scene_pos, f"<span style='color:{colour}'>■</span> {name}<br>"
                                  f"step {step:.0f}: {self.quantity} = {value:.6g}")

    def show_text(self, scene_pos: QPointF, html: str) -> None:
        """Show ``html`` next to the pointer."""
        self.label.setHtml(html)
        self.label.setPos(self.plot.vb.mapSceneToView(scene_pos))
        self.label.show()
