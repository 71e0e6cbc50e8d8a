"""Look and feel shared by every view: light theme for projectors, readable fonts."""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtGui import QColor, QFont

BACKGROUND = "w"
FOREGROUND = "#222222"
FONT_PT = 11
COLORMAP = "viridis"


def configure() -> None:
    """Global pyqtgraph options; call once before any view is built."""
    pg.setConfigOptions(antialias=True, useOpenGL=False, background=BACKGROUND,
                        foreground=FOREGROUND, imageAxisOrder="row-major")


def font(points: int = FONT_PT, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(points)
    f.setBold(bold)
    return f


def qcolor(hex_color: str, alpha: int = 255) -> QColor:
    c = QColor(hex_color)
    c.setAlpha(alpha)
    return c


def style_plot(plot: pg.PlotItem, x: str, y: str) -> None:
    """Axis labels and tick fonts readable from the back of a lecture hall."""
    for side, text in (("bottom", x), ("left", y)):
        axis = plot.getAxis(side)
        axis.setLabel(text, **{"font-size": f"{FONT_PT}pt"})
        axis.setTickFont(font(FONT_PT - 1))
    plot.showGrid(x=True, y=True, alpha=0.15)
