"""The window's own views composed offscreen into frames: exports and screenshots.

A ``FrameRenderer`` owns a Session of its own (the same scenario gives the same numbers)
and the chosen views laid out side by side under a header (title, step, legend), at an
exact size. ``frame(step)`` moves the race to ``step``, lets every view draw it
synchronously and returns the pixels: a frame is a pure function of (race, step, views,
size), so the live window, a screenshot and every exported frame agree.

The 2-D views draw on any Qt platform, offscreen included; the 3-D views (``GL_VIEWS``:
the surface and the view of parameter space) need OpenGL, that is an X server
(``xvfb-run`` gives one).
"""

from __future__ import annotations

import html
import os

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QGuiApplication, QImage
from PyQt6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gdviz.scenario import VIEWS, Scenario
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.views.plotview import PlotView

HEADER_PT = 12
MIN_LAYOUT = (960, 540)  # smaller frames are laid out at this size, then scaled down
SIDE_BY_SIDE = {"contour": 5, "surface": 4, "curve": 6, "loss": 5, "network": 5,
                "space": 5, "plane": 5}  # shares of the width
GL_VIEWS = ("surface", "space")  # the views that need OpenGL


class NeedsOpenGL(ValueError):
    """A 3-D view was asked for where Qt has no OpenGL (no X server)."""


NO_GL = "GDVIZ_NO_GL"  # set (to anything but "" or "0"): build no OpenGL views


def _gl_left_out() -> bool:
    return os.environ.get(NO_GL, "") not in ("", "0")


def has_gl() -> bool:
    """OpenGL views need a real (or virtual X) display; offscreen Qt has none. Setting
    ``GDVIZ_NO_GL=1`` leaves them out where there is one, for a display whose OpenGL
    driver is missing or crashes: the window then shows every 2-D view."""
    if _gl_left_out():
        return False
    return QGuiApplication.platformName() not in ("offscreen", "minimal")


def gl_placeholder(what: str) -> QLabel:
    """What a window shows instead of a 3-D view without OpenGL: a centred, wrapped line
    saying why (so its width never forces the window's)."""
    why = "left out (GDVIZ_NO_GL is set)" if _gl_left_out() else "needs a display with OpenGL"
    label = QLabel(f"{what} {why}.")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


def landscape_views(scenario: Scenario) -> tuple[str, ...]:
    """The views that fit the race: a map and a surface in 2-D, a curve in 1-D, parameter
    space and the plane through the focused point in 3-D, the data with the decision
    boundary on a network."""
    if scenario.race.network is not None:
        return ("network",)
    dim = scenario.race.build_landscape().dim
    return {1: ("curve",), 2: ("contour", "surface"), 3: ("space", "plane")}[dim]


def problem_text(scenario: Scenario) -> str:
    """What the race is on, for messages: "a 2-D landscape" or "a network"."""
    if scenario.race.network is not None:
        return "a network"
    return f"a {scenario.race.build_landscape().dim}-D landscape"


def choose_views(scenario: Scenario, view: str | None, gl: bool) -> tuple[str, ...]:
    """The views of a frame: ``view`` ("all" or one of ``VIEWS``); by default the
    scenario's own, else the landscape view and the loss plot. Without OpenGL the 3-D
    views are left out of a default choice and refused when asked for by name."""
    fits = landscape_views(scenario)
    if view == "all":
        chosen = (*fits, "loss")
    elif view is not None:
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}, all")
        if view != "loss" and view not in fits:
            raise ValueError(f"the {view} view does not fit {problem_text(scenario)}; "
                             f"choose one of: {', '.join((*fits, 'loss'))}, all")
        chosen = (view,)
    else:
        own = tuple(v for v in scenario.view.show if v in (*fits, "loss"))
        first = next(v for v in fits if gl or v not in GL_VIEWS)
        chosen = own or (fits[0] if gl else first, "loss")
        if not gl:
            chosen = tuple(v for v in chosen if v not in GL_VIEWS) or (first, "loss")
    if not gl and set(chosen) & set(GL_VIEWS):
        flat = ", ".join(v for v in (*fits, "loss") if v not in GL_VIEWS)
        raise NeedsOpenGL("the 3-D view needs OpenGL, which needs a display: run under "
                          f"xvfb-run, or choose --view {flat} without it")
    return chosen


def frame_steps(last: int, frames: int) -> list[int]:
    """``frames`` steps spread evenly over 0..``last`` (both ends included)."""
    if frames < 1:
        raise ValueError(f"an animation has at least one frame, got {frames}")
    if frames == 1:
        return [last]
    return [int(round(k * last / (frames - 1))) for k in range(frames)]


def to_rgb(image: QImage) -> np.ndarray:
    """A QImage as an (H, W, 3) uint8 array (a copy)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    ptr = rgb.constBits()
    assert ptr is not None
    data = np.frombuffer(ptr.asstring(h * stride), dtype=np.uint8).reshape(h, stride)
    return data[:, : 3 * w].reshape(h, w, 3).copy()


def layout_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a frame is laid out at: ``size``, or larger in proportion when ``size``
    is too small for the views' fonts and axes to fit (scaled down after drawing)."""
    w, h = size
    k = max(1.0, MIN_LAYOUT[0] / w, MIN_LAYOUT[1] / h)
    return round(w * k), round(h * k)


def grab_rgb(widget: QWidget) -> np.ndarray:
    """What ``widget`` shows now, as (H, W, 3) uint8 at its size in device pixels."""
    return to_rgb(widget.grab().toImage())


class FrameRenderer(QWidget):
    """The chosen views of a scenario, side by side under a header, at ``size``."""

    def __init__(self, scenario: Scenario, views: tuple[str, ...], size: tuple[int, int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if set(views) & set(GL_VIEWS) and not has_gl():
            raise NeedsOpenGL("the 3-D view needs OpenGL, which needs a display")
        self.session = Session(scenario)
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.setStyleSheet(f"background: {style.THEME.background}; "
                           f"color: {style.THEME.foreground};")
        self.title = QLabel()
        self.title.setFont(style.font(HEADER_PT, bold=True))
        self.step_label = QLabel()
        self.step_label.setFont(style.font(HEADER_PT))
        self.legend = QLabel()
        self.legend.setFont(style.font(HEADER_PT - 1))
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        header = QHBoxLayout()
        header.setContentsMargins(10, 4, 10, 2)
        header.addWidget(self.title, 1)
        header.addWidget(self.step_label)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.views = {name: self._view(name) for name in views}
        for name, view in self.views.items():
            body.addWidget(view, SIDE_BY_SIDE[name])
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(header)
        if "loss" not in views:  # the loss plot has a legend of its own
            self.legend.setContentsMargins(10, 0, 10, 2)
            box.addWidget(self.legend)
        box.addLayout(body, 1)
        self._sync_header()
        self.session.sigStepChanged.connect(self._sync_header)
        self.out_size = size
        self.resize(*layout_size(size))
        self.show()  # not on screen: lays the widgets out and creates GL surfaces
        QApplication.processEvents()

    def _view(self, name: str) -> QWidget:
        s = self.session
        if name == "contour":
            from gdviz.ui.views.contour import ContourView

            return ContourView(s)
        if name == "curve":
            from gdviz.ui.views.curve1d import CurveView

            return CurveView(s)
        if name == "surface":
            from gdviz.ui.views.surface import SurfaceView

            return SurfaceView(s)
        if name == "network":
            from gdviz.ui.views.network_data import DataView

            return DataView(s)
        if name == "space":
            from gdviz.ui.views.space3d import SpaceView

            return SpaceView(s)
        if name == "plane":
            from gdviz.ui.views.plane_slice import PlaneView

            plane = PlaneView(s)
            plane.controls.hide()  # a frame shows the plane; its title says which
            return plane
        from gdviz.ui.views.loss import LossView

        return LossView(s)

    def _sync_header(self, *_: object) -> None:
        s = self.session
        self.title.setText(s.title or s.problem_title)
        self.step_label.setText(f"step {s.step} / {s.steps}")
        items = [f"<span style='color:{r.color}'>■</span>&nbsp;{html.escape(r.label)}"
                 for r in s.runs]
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(items))


    def prepare(self, last: int) -> None:
        """Compute the race up to ``last`` once, before the frames are drawn."""
        self.session.run_to(last)

    def frame(self, step: int) -> np.ndarray:
        """The picture at ``step``: (H, W, 3) uint8, exactly the asked size."""
        return to_rgb(self.image(step))

    def image(self, step: int) -> QImage:
        """The picture at ``step`` as a QImage of exactly the asked size."""
        self.session.seek(step)
        for view in self.views.values():
            if isinstance(view, PlotView):
                view.resample_if_moved()  # the map for this view box now, not after a timer
        QApplication.sendPostedEvents()  # deferred item updates; grab() paints once
        image = self.grab().toImage()
        w, h = self.out_size
        if (image.width(), image.height()) != (w, h):  # small frames, high-DPI screens
            image = image.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        return image
