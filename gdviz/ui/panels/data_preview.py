"""A small picture of a dataset for the network panel, drawn with QPainter: the points of
a classification set on its inputs' plane in their classes' colours (equal scales, so a
circle stays round), or a regression set's targets y against x."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QPainter, QPen, QPixmap

from gdviz.core.datasets import Dataset
from gdviz.ui import style
from gdviz.ui.runs import CLASS_COLORS
from gdviz.ui.style import qcolor

PAD_PX = 8  # the points stay this far inside the picture's frame
MAX_DOTS = 2000  # a bigger set is drawn with smaller dots


def point_colors(data: Dataset) -> list[str]:
    """Each sample's colour: its class's, or the theme's muted grey for a regression."""
    if data.task == "classification":
        return [CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in data.y]
    return [style.THEME.muted] * data.n_samples


def preview_pixmap(data: Dataset, size: int) -> QPixmap:
    """``data`` drawn into a ``size``×``size`` picture."""
    pix = QPixmap(size, size)
    pix.fill(qcolor(style.THEME.background))
    xs = np.asarray(data.X[:, 0], dtype=np.float64)
    ys = np.asarray(data.X[:, 1] if data.task == "classification" else data.y[:, 0],
                    dtype=np.float64)
    inner = size - 2 * PAD_PX
    spans = [max(float(np.ptp(v)), 1e-12) for v in (xs, ys)]
    if data.task == "classification":  # one scale for both inputs
        spans = [max(spans)] * 2
    centre = [(float(v.min()) + float(v.max())) / 2 for v in (xs, ys)]
    px = size / 2 + (xs - centre[0]) / spans[0] * inner
    py = size / 2 - (ys - centre[1]) / spans[1] * inner
    radius = 2.2 if data.n_samples <= MAX_DOTS else 1.2
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(qcolor(style.THEME.muted, 120), 1))
    painter.drawRect(QRectF(0.5, 0.5, size - 1, size - 1))
    painter.setPen(Qt.PenStyle.NoPen)
    colours = np.array(point_colors(data))
    for colour in dict.fromkeys(colours.tolist()):  # one brush per colour, in class order
        painter.setBrush(qcolor(colour, 220))
        mine = colours == colour
        for x, y in zip(px[mine].tolist(), py[mine].tolist(), strict=True):
            painter.drawEllipse(QPointF(x, y), radius, radius)
    painter.end()
    return pix
