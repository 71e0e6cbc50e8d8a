"""Look and feel shared by every view: light theme for projectors, readable fonts.

``SCALE`` multiplies every font size and line width; presenter mode (``gdviz gui
--present``) raises it before the window is built, for a projector and the back row.
"""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtGui import QColor, QFont

BACKGROUND = "w"
FOREGROUND = "#222222"
FONT_PT = 11
COLORMAP = "viridis"
SCALE = 1.0
PRESENTER_SCALE = 1.7  # 11 pt → about 19 pt, lines 2.5 px → about 4 px


def set_scale(scale: float) -> None:
    """Scale fonts and lines of everything built from now on."""
    global SCALE
    SCALE = float(scale)


def scaled(points: float) -> int:
    """A font size in points at the current scale."""
    return max(1, round(points * SCALE))


def line_px(width: float) -> float:
    """A line width in pixels at the current scale."""
    return width * SCALE


def configure() -> None:
    """Global pyqtgraph options; call once before any view is built."""
    # segmented lines: thick antialiased polylines are drawn as segments, several times
    # faster in Qt's raster engine than one stroked path
    pg.setConfigOptions(antialias=True, useOpenGL=False, segmentedLineMode="on",
                        background=BACKGROUND,
                        foreground=FOREGROUND, imageAxisOrder="row-major")


def font(points: float | None = None, bold: bool = False) -> QFont:
    """A font of ``points`` (default ``FONT_PT``), scaled."""
    f = QFont()
    f.setPointSize(scaled(FONT_PT if points is None else points))
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
        axis.setLabel(text, **{"font-size": f"{scaled(FONT_PT)}pt"})
        axis.setTickFont(font(FONT_PT - 1))
    plot.showGrid(x=True, y=True, alpha=0.15)
