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
    # segmented lines: thick antialiased polylines are drawn as segments, several times
    # faster in Qt's raster engine than one stroked path
    pg.setConfigOptions(antialias=True, useOpenGL=False, segmentedLineMode="on",
                        background=BACKGROUND,
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
    """Axis labels and tick fonts readable from the back of a lecture hall; no SI prefix
    rescaling (on a log axis pyqtgraph's "(x1e+12)" garbles the ticks)."""
    for side, text in (("bottom", x), ("left", y)):
        axis = plot.getAxis(side)
        axis.enableAutoSIPrefix(False)
        axis.setLabel(text, **{"font-size": f"{FONT_PT}pt"})
        axis.setTickFont(font(FONT_PT - 1))
    plot.showGrid(x=True, y=True, alpha=0.15)
