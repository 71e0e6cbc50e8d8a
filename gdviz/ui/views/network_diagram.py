"""The network itself: layers as columns of neurons, the focused run's weights as edges.

Each edge is one weight of W: blue when positive, orange when negative, wider and more
opaque the larger |w| is against the largest |w| of the network. A neuron's fill shows
its bias the same way. Under the columns: each layer's name, and between them the size
of the training gradient of the weights there, ‖∂L/∂θ‖, as a number and a bar on a log
scale (full = the layer with the largest gradient), so vanishing gradients show as
shrinking bars. Hovering an edge or a neuron tells its value. It draws the selected run
(run 0 when none is) at the cursor; on a landscape race it shows a one-line hint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import groupby

import numpy as np
from PyQt6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPen
from PyQt6.QtWidgets import QToolTip, QWidget

from gdviz.ui import style
from gdviz.ui.session import Session

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
DECADES = 4  # the gradient bars span this many powers of ten below the largest layer
MAX_RADIUS = 13.0  # px at scale 1; many units shrink it to fit
MAX_EDGE_PX = 5.0  # the edge of the largest |w|
EDGE_SHADES = 24  # edges take one of this many widths and opacities (per sign), by |w|
MIN_FOOTER_PT = 6  # the layer names shrink to this size to fit narrow columns
HEAD_NAMES = {"cross_entropy": "softmax", "mse": "identity"}
HINT = "Open a network race to see its layers and weights"


def sign_colors() -> tuple[str, str]:
    """(positive, negative) weight colours readable on the theme's background."""
    return ("#5aa9e6", "#ffa24a") if style.THEME.dark else ("#1565c0", "#e66100")


@dataclass(frozen=True)
class Node:
    """A neuron: ``column`` (0 = input), ``unit``; ``bias`` None for an input."""

    column: int
    unit: int
    centre: QPointF
    radius: float
    bias: float | None
    fill: QColor
    name: str


@dataclass(frozen=True)
class Edge:
    """Weight ``W[row, col]`` of weight layer ``layer`` (0-based), as drawn."""

    layer: int
    row: int
    col: int
    weight: float
    p0: QPointF
    p1: QPointF
    color: QColor
    width: float


class NetworkDiagram(QWidget):
    """The focused run's network at the cursor, drawn with QPainter.

    After each signal: ``run`` (drawn run, None when there is nothing to draw),
    ``layers`` ([(W, b)…] of that run), ``norms`` (‖∂L/∂θ‖ per weight layer) and
    ``norm_texts`` (their labels); ``shapes()`` gives the nodes and edges at this size.
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.run: int | None = None
        self.layers: list[tuple[np.ndarray, np.ndarray]] = []
        self.norms: list[float] = []
        self.norm_texts: list[str] = []
        self.w_top = 0.0  # the largest |w| (edge widths are relative to it)
        self._shapes: tuple[QSize, list[Node], list[Edge]] | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(320, 240)
        for signal in (session.sigStepChanged, session.sigTimelineReset, session.sigRunsChanged,
                       session.sigSelectionChanged, session.sigLandscapeChanged):
            signal.connect(self.refresh)
        self.refresh()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(640, 440)

    # ---- what is drawn ------------------------------------------------------------------
    def refresh(self, *_: object) -> None:
        """Read the focused run's weights and gradient norms at the cursor and redraw."""
        s = self.session
        self._shapes = None
        self.run, self.layers, self.norms, self.norm_texts = None, [], [], []
        if s.is_network and s.runs:
            self.run = s.selected if s.selected is not None and s.selected < len(s.runs) else 0
            self.layers = [(np.array(W), np.array(b))
                           for W, b in s.objective.mlp.unflatten(s.weights(self.run))]
            self.norms = s.layer_grad_norms(self.run)
            self.norm_texts = [f"{n:.3g}" for n in self.norms]
            self.w_top = _largest(np.concatenate([W.ravel() for W, _ in self.layers]))
        self.update()

    def column_names(self) -> list[tuple[str, str]]:
        """Two lines under each column: its name and what it computes."""
        net = self.session.network
        hidden = [(f"hidden {k}", net.activation) for k in range(1, len(net.sizes) - 1)]
        features = f"{net.sizes[0]} feature" + ("s" if net.sizes[0] > 1 else "")
        return [("input", features), *hidden,
                ("output", HEAD_NAMES.get(net.loss, net.loss))]

    def unit_name(self, column: int, unit: int) -> str:
        if column == 0:
            return f"x{unit + 1}".translate(SUB)
        if column == len(self.layers):
            data = self.session.objective.train
            return f"class {data.class_names[unit]}" if data.n_classes else "ŷ"
        return f"hidden {column} unit {unit + 1}"

    def bar_fractions(self) -> list[float]:
        """Each gradient bar's length: log scale, 1 for the largest, 0 at DECADES below."""
        top = max((n for n in self.norms if math.isfinite(n)), default=0.0)
        return [min(1.0, max(0.0, 1 + math.log10(n / top) / DECADES))
                if math.isfinite(n) and n > 0 else 0.0 for n in self.norms]

    # ---- geometry -------------------------------------------------------------------------
    def _bands(self) -> tuple[QRectF, float]:
        """The rectangle the columns of neurons use, and the height of one text line."""
        line = QFontMetricsF(style.font()).height()
        side = 4.5 * line
        top, bottom = 2.6 * line, 6.8 * line + style.line_px(8)
        return QRectF(side, top, max(1.0, self.width() - 2 * side),
                      max(1.0, self.height() - top - bottom)), line

    def shapes(self) -> tuple[list[Node], list[Edge]]:
        """Nodes and edges (weakest first) at the widget's size, computed once per size."""
        if self._shapes is not None and self._shapes[0] == self.size():
            return self._shapes[1], self._shapes[2]
        nodes, edges = self._layout()
        self._shapes = (self.size(), nodes, edges)
        return nodes, edges

    def _layout(self) -> tuple[list[Node], list[Edge]]:
        if self.run is None:
            return [], []
        area, line = self._bands()
        sizes = [self.layers[0][0].shape[0]] + [b.shape[0] for _, b in self.layers]
        gap = area.width() / max(1, len(sizes) - 1)
        radius = max(2.0, min(MAX_RADIUS * style.SCALE, 0.38 * area.height() / max(sizes),
                              0.2 * gap))
        # a short column spreads out, but keeps its neurons (and their labels) together
        pitches = [min(area.height() / n, max(4 * radius, 1.4 * line)) for n in sizes]
        centres = [[QPointF(area.left() + c * gap,
                            area.center().y() + (u - (n - 1) / 2) * pitches[c])
                    for u in range(n)] for c, n in enumerate(sizes)]
        pos, neg = sign_colors()
        biases = np.concatenate([b for _, b in self.layers])
        b_top = _largest(biases)
        nodes = [Node(0, u, p, radius, None, style.qcolor(style.THEME.card), self.unit_name(0, u))
                 for u, p in enumerate(centres[0])]
        for c, (_, b) in enumerate(self.layers, start=1):
            for u, p in enumerate(centres[c]):
                v = float(b[u])
                share = abs(v) / b_top if math.isfinite(v) and b_top > 0 else 0.0
                fill = style.qcolor(pos if v >= 0 else neg, round(25 + 200 * share))
                nodes.append(Node(c, u, p, radius, v, fill, self.unit_name(c, u)))
        w_top, edges = self.w_top, []
        pens: dict[tuple[bool, int], tuple[QColor, float]] = {}  # (sign, shade): made once
        for layer, (W, _) in enumerate(self.layers):
            for row, weights in enumerate(W.tolist()):
                for col, w in enumerate(weights):
                    if not math.isfinite(w):
                        continue
                    # few pens, drawn in batches
                    k = round(abs(w) / w_top * EDGE_SHADES) if w_top > 0 else 0
                    pen = pens.get((w >= 0, k))
                    if pen is None:
                        shade = k / EDGE_SHADES
                        pen = pens[w >= 0, k] = (
                            style.qcolor(pos if w >= 0 else neg, round(30 + 225 * shade)),
                            style.line_px(0.4 + (MAX_EDGE_PX - 0.4) * shade))
                    edges.append(Edge(layer, row, col, w, centres[layer][row],
                                      centres[layer + 1][col], *pen))
        # the weakest first, the strongest on top; edges of one pen next to each other
        edges.sort(key=lambda e: (e.width, e.weight >= 0, abs(e.weight)))
        return nodes, edges

    # ---- painting -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), style.qcolor(style.THEME.background))
        p.setFont(style.font())
        if self.run is None:
            p.setPen(style.qcolor(style.THEME.muted))
            p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, HINT)
            return
        nodes, edges = self.shapes()
        # one call per pen (several times quicker than a call per edge); flat caps: the
        # ends are under the neurons, and a third cheaper
        for (_, width), same in groupby(edges, key=lambda e: (e.color.rgba(), e.width)):
            batch = list(same)
            p.setPen(QPen(batch[0].color, width, cap=Qt.PenCapStyle.FlatCap))
            p.drawLines(*(QLineF(e.p0, e.p1) for e in batch))
        p.setPen(QPen(style.qcolor(style.THEME.foreground, 170), style.line_px(1)))
        for n in nodes:
            p.setBrush(n.fill)
            p.drawEllipse(n.centre, n.radius, n.radius)
        self._paint_unit_labels(p, nodes)
        self._paint_header(p)
        self._paint_footer(p, nodes)

    def _paint_unit_labels(self, p: QPainter, nodes: list[Node]) -> None:
        p.setPen(style.qcolor(style.THEME.foreground))
        last = len(self.layers)
        for n in nodes:
            if n.column not in (0, last):
                continue
            r = n.radius + style.line_px(5)
            box = (QRectF(n.centre.x() - r - 200, n.centre.y() - 12, 200, 24) if n.column == 0
                   else QRectF(n.centre.x() + r, n.centre.y() - 12, 200, 24))
            align = Qt.AlignmentFlag.AlignRight if n.column == 0 else Qt.AlignmentFlag.AlignLeft
            p.drawText(box, align | Qt.AlignmentFlag.AlignVCenter, n.name)

    def _paint_header(self, p: QPainter) -> None:
        """Run label in its colour and the step; below, what colour and width mean."""
        s, (_, line) = self.session, self._bands()
        run = s.runs[self.run or 0]
        x = style.line_px(8)
        p.setFont(style.font(bold=True))
        p.setPen(style.qcolor(run.color))
        p.drawText(QPointF(x, line), f"■ {run.label}")
        x += QFontMetricsF(p.font()).horizontalAdvance(f"■ {run.label}   ")
        p.setFont(style.font())
        p.setPen(style.qcolor(style.THEME.foreground))
        p.drawText(QPointF(x, line), f"step {s.step}")
        p.setFont(style.font(style.FONT_PT - 1))
        x, y = style.line_px(8), 2.1 * line
        pos, neg = sign_colors()
        for color, text in ((pos, "w > 0"), (neg, "w < 0")):
            p.setPen(QPen(style.qcolor(color), style.line_px(3)))
            p.drawLine(QPointF(x, y - line / 3), QPointF(x + 22, y - line / 3))
            p.setPen(style.qcolor(style.THEME.foreground))
            p.drawText(QPointF(x + 28, y), text)
            x += 28 + QFontMetricsF(p.font()).horizontalAdvance(text + "    ")
        p.setPen(style.qcolor(style.THEME.muted))
        p.drawText(QPointF(x, y), p.fontMetrics().elidedText(
            f"width ∝ |w| (largest {self.w_top:.3g}) · fill: bias",
            Qt.TextElideMode.ElideRight, int(max(self.width() - x - 4, 0))))

    def _paint_footer(self, p: QPainter, nodes: list[Node]) -> None:
        """Layer names under the columns; ‖∂L/∂θ‖ and its bar under the weights."""
        area, line = self._bands()
        xs = sorted({n.centre.x() for n in nodes})
        y = area.bottom() + MAX_RADIUS * style.SCALE + line * 0.4
        gap = xs[1] - xs[0] if len(xs) > 1 else area.width()
        names = self.column_names()
        p.setFont(_fitting_font(p, [t for pair in names for t in pair], gap - 6))
        center = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        for x, (name, what) in zip(xs, names, strict=True):
            for k, (text, colour) in enumerate(((name, style.THEME.foreground),
                                                (what, style.THEME.muted))):
                p.setPen(style.qcolor(colour))
                p.drawText(QRectF(x - gap / 2, y + k * line, gap, line), center,
                           p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                                      int(gap - 4)))
        y += 2.3 * line
        bar_w, bar_h = 0.7 * gap, style.line_px(7)
        color = style.qcolor(self.session.runs[self.run or 0].color)
        for k, (text, share) in enumerate(zip(self.norm_texts, self.bar_fractions(),
                                              strict=True)):
            mid = (xs[k] + xs[k + 1]) / 2
            p.setPen(style.qcolor(style.THEME.muted))
            p.drawText(QRectF(mid - gap / 2, y, gap, line), center,
                       f"‖∂L/∂θ{str(k + 1).translate(SUB)}‖")
            p.setPen(style.qcolor(style.THEME.foreground))
            p.drawText(QRectF(mid - gap / 2, y + line, gap, line), center, text)
            frame = QRectF(mid - bar_w / 2, y + 2.15 * line, bar_w, bar_h)
            p.setPen(QPen(style.qcolor(style.THEME.muted, 140), style.line_px(1)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(frame)
            p.fillRect(QRectF(frame.left(), frame.top(), share * bar_w, bar_h), color)
        p.setPen(style.qcolor(style.THEME.muted))
        note = (f"‖∂L/∂θ‖: each layer's gradient; bars on a log scale of {DECADES} "
                "decades, full = the largest")
        note = p.fontMetrics().elidedText(note, Qt.TextElideMode.ElideRight, self.width() - 8)
        p.drawText(QRectF(0, y + 2.15 * line + bar_h + 3, self.width(), line), center, note)

    # ---- hovering -------------------------------------------------------------------------
    def describe_at(self, pos: QPointF) -> str | None:
        """What lies under ``pos``: a neuron and its bias, or the nearest edge's weight."""
        nodes, edges = self.shapes()
        for n in nodes:
            if math.hypot(pos.x() - n.centre.x(), pos.y() - n.centre.y()) <= n.radius + 1:
                return n.name if n.bias is None else f"{n.name}: bias b = {n.bias:.4g}"
        if not edges:
            return None
        a = np.array([(e.p0.x(), e.p0.y()) for e in edges])
        d = np.array([(e.p1.x(), e.p1.y()) for e in edges]) - a
        q = np.array([pos.x(), pos.y()])
        t = np.clip(np.einsum("ij,ij->i", q - a, d) / np.maximum(
            np.einsum("ij,ij->i", d, d), 1e-12), 0, 1)
        dist = np.hypot(*(a + t[:, None] * d - q).T)
        reach = np.array([max(4.0, e.width / 2 + 2) for e in edges])
        near = np.flatnonzero(dist <= reach)
        if not len(near):
            return None
        e = edges[int(near[np.argmax([abs(edges[k].weight) for k in near])])]
        src, dst = self.unit_name(e.layer, e.row), self.unit_name(e.layer + 1, e.col)
        return f"weight of layer {e.layer + 1}: {src} → {dst}\nw = {e.weight:.4g}"

    def event(self, e: QEvent | None) -> bool:
        if e is not None and e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            text = self.describe_at(QPointF(e.pos()))
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)


def _largest(values: np.ndarray) -> float:
    """The largest finite |value| (0 when there is none)."""
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def _fitting_font(p: QPainter, texts: list[str], width: float) -> QFont:
    """The footer's font, smaller (down to ``MIN_FOOTER_PT``) until every text fits in
    ``width`` pixels; what still does not fit is elided where it is drawn."""
    pt = style.FONT_PT - 1
    while True:
        font = style.font(pt)
        metrics = QFontMetricsF(font)
        if pt <= MIN_FOOTER_PT or max(metrics.horizontalAdvance(t) for t in texts) <= width:
            return font
        pt -= 1
