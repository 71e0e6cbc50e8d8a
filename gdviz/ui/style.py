"""Look and feel shared by every view: light theme for projectors, readable fonts.

``SCALE`` multiplies every font size and line width; presenter mode (``gdviz gui
--present``, View ▸ Large fonts) raises it, for a projector and the back row.
``THEME`` holds the colours of the window (light, dark or high contrast: ``gdviz gui
--theme``, View ▸ Theme). Both are read as widgets are built: a change at run time
rebuilds the window (``gdviz.ui.shell``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QApplication, QGraphicsItem, QVBoxLayout, QWidget

FONT_PT = 11
COLORMAP = "viridis"
SCALE = 1.0
PRESENTER_SCALE = 1.7  # 11 pt → about 19 pt, lines 2.5 px → about 4 px


@dataclass(frozen=True)
class Theme:
    """The colours of a theme: plots, panels and the labels drawn over plots."""

    name: str
    background: str  # plots and the 3-D view
    foreground: str  # axes, ticks and text
    card: str  # an optimizer card
    card_selected: str
    muted: str  # secondary text (kinds, descriptions)
    label_fill: str  # behind text drawn over a plot (end markers, readouts)
    dark: bool  # the window's own palette is dark
    map_opacity: float = 0.6  # the contour map's colours (muted: the runs stay readable)
    line_alpha: int = 90  # the contour lines


THEMES = {
    "light": Theme("light", "#ffffff", "#222222", "#ffffff", "#eef3fb", "#555555", "#ffffff",
                   False),
    "dark": Theme("dark", "#1b1b1f", "#e4e4e4", "#26262b", "#2e3a52", "#a8a8a8", "#1b1b1f",
                  True),
    "contrast": Theme("contrast", "#ffffff", "#000000", "#ffffff", "#d6e4ff", "#000000",
                      "#ffffff", False, map_opacity=0.9, line_alpha=220),
}
THEME = THEMES["light"]
_SYSTEM: tuple[str, QPalette, QFont] | None = None  # the app's style, palette, font as Qt made them


def set_theme(name: str) -> None:
    """Use theme ``name`` for everything built from now on (ValueError if unknown)."""
    global THEME
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")
    THEME = THEMES[name]


def _system(app: QApplication) -> tuple[str, QPalette, QFont]:
    """The application's own style name, palette and font, as before any theme."""
    global _SYSTEM
    if _SYSTEM is None:
        style = app.style()
        _SYSTEM = (style.name() if style else "", QPalette(app.palette()), QFont(app.font()))
    return _SYSTEM


def apply_palette(app: QApplication) -> None:
    """The window's palette for a dark or high-contrast theme; light keeps (or gets back)
    the system's own style and palette."""
    name, system, _ = _system(app)
    if THEME.name == "light":
        style = app.style()
        if name and style is not None and style.name() != name:
            app.setStyle(name)
        app.setPalette(system)
        return
    app.setStyle("Fusion")
    palette = QPalette()
    role = QPalette.ColorRole
    window, text = (QColor("#202024"), QColor("#e8e8e8")) if THEME.dark else (
        QColor("#ffffff"), QColor("#000000"))
    base = QColor("#2a2a30") if THEME.dark else QColor("#ffffff")
    for r, c in ((role.Window, window), (role.WindowText, text), (role.Base, base),
                 (role.AlternateBase, window), (role.Text, text), (role.Button, window),
                 (role.ButtonText, text), (role.ToolTipBase, base), (role.ToolTipText, text),
                 (role.Highlight, QColor("#3d6fd9" if THEME.dark else "#0033cc")),
                 (role.HighlightedText, QColor("#ffffff"))):
        palette.setColor(r, c)
    app.setPalette(palette)


def apply_font(app: QApplication) -> None:
    """The application's font at the current scale (menus, panels and dialogs grow too);
    at scale 1 the system's own font."""
    app.setFont(font() if SCALE != 1.0 else _system(app)[2])


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
                        background=THEME.background,
                        foreground=THEME.foreground, imageAxisOrder="row-major")


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


def bare_plot() -> tuple[pg.PlotWidget, pg.PlotItem]:
    """A plot without pyqtgraph's context menu and auto-range button."""
    widget = pg.PlotWidget(enableMenu=False)  # never built: the menus cost ~3 ms a plot
    plot: pg.PlotItem = widget.getPlotItem()
    plot.hideButtons()
    return widget, plot


def plain_plot(owner: QWidget) -> tuple[pg.PlotWidget, pg.PlotItem]:
    """A ``bare_plot`` filling ``owner`` (its whole layout): what every 2-D view draws
    on."""
    widget, plot = bare_plot()
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    return widget, plot


def style_plot(plot: pg.PlotItem, x: str, y: str) -> None:
    """Axis labels and tick fonts readable from the back of a lecture hall; no SI prefix
    rescaling (on a log axis pyqtgraph's "(x1e+12)" garbles the ticks)."""
    for side, text in (("bottom", x), ("left", y)):
        axis = plot.getAxis(side)
        axis.enableAutoSIPrefix(False)
        axis.setLabel(text, **{"font-size": f"{scaled(FONT_PT)}pt"})
        axis.setTickFont(font(FONT_PT - 1))
        # an axis draws its grid lines across the whole plot, so every change inside the
        # plot repaints it: kept as a pixmap, redrawn only when its range changes
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    plot.showGrid(x=True, y=True, alpha=0.15)
