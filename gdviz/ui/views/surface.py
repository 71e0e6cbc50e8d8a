"""The 3-D view: the landscape as a shaded surface with every run's trail drawn on it.

The domain maps to a ``SIDE × SIDE`` square around the origin and a loss value to a height
in ``[0, HEIGHT]`` by one ``SurfaceScale``, fitted to the grid whenever the landscape (or
its log flag) changes. The surface vertices and the trail points both go through
``SurfaceScale.positions``; a trail point's height comes from its *recorded* loss, lifted
by ``LIFT`` so the trail is never hidden by the surface. Per step only the trail lines and
the current points get new data.

Never ``show()`` this widget on the offscreen platform: OpenGL needs an X server.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from PyQt6.QtCore import QEvent, Qt, pyqtSignal
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gdviz.core.probe import Box
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.views.gl_canvas import GLCanvas
from gdviz.ui.views.gl_mesh import surface_item
from gdviz.ui.views.scales import LogScale, quantile

Array = npt.NDArray[np.float64]

SIDE = 10.0  # GL units spanned by the domain in x and in y
HEIGHT = 5.0  # GL height of the clip level; the grid's lowest value sits at z = 0
RES = 120  # grid points per side
CLIP_PERCENTILE = 98.0  # values above this percentile of the grid are drawn flat at the top
LOG_DECADES = 2.0  # a log-scaled surface shows this many decades below the clip level
LIFT = 0.015 * HEIGHT  # trails float this far above the surface
FAR = 50 * SIDE  # a diverged point is drawn at most this far out (float32-safe for GL)
LINE_PX = 2.5
POINT_PX = 11
GHOST_ALPHA = 90  # a trail's parts hidden behind a hill show through this faintly (0-255)
HINT = "drag to rotate, wheel to zoom, middle-drag to pan"
CAMERA_DISTANCE = 1.6 * SIDE  # the surface fills most of a square view (fov 60° across)
ELEVATION = 40.0  # degrees: high enough to see into the valleys, not only their walls
AZIMUTH = -60.0  # degrees from +x towards +y: the camera's side unless a valley runs across it
FLOOR_SHARE = 0.2  # the lowest fifth of the surface's vertices are its floor
VALLEY_ELONGATION = 2.5  # a floor this many times longer than wide (std) is a valley
VALLEY_GAP = 0.05 * SIDE  # ... if no gap wider than this splits it along its length

# Drawn over everything (no depth test), alpha-blended: trail ghosts and the current points.
# The picture stays opaque (alpha blends as pyqtgraph's "translucent" does): a grabbed
# frame with alpha below 1 would show the colours wrong.
ON_TOP = {GL.GL_DEPTH_TEST: False, GL.GL_BLEND: True, GL.GL_CULL_FACE: False,
          "glBlendFuncSeparate": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                                  GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)}

# Lambert shading with a strong ambient term, two-sided, so colours stay close to the
# colormap's (the contour view's) instead of going dark on faces turned from the light.
SOFT_SHADER = gl.shaders.ShaderProgram("gdviz_soft", [
    gl.shaders.VertexShader("""
        uniform mat4 u_mvp;
        uniform mat3 u_normal;
        attribute vec4 a_position;
        attribute vec3 a_normal;
        attribute vec4 a_color;
        varying vec4 v_color;
        varying vec3 v_normal;
        void main() {
            v_normal = normalize(u_normal * a_normal);
            v_color = a_color;
            gl_Position = u_mvp * a_position;
        }
    """),
    gl.shaders.FragmentShader("""
        #ifdef GL_ES
        precision mediump float;
        #endif
        varying vec4 v_color;
        varying vec3 v_normal;
        void main() {
            float p = abs(dot(normalize(v_normal), normalize(vec3(0.4, -0.4, 1.0))));
            gl_FragColor = vec4(v_color.rgb * (0.62 + 0.42 * p), v_color.a);
        }
    """),
])


def camera_azimuth(gx: Array, gy: Array, gz: Array) -> float:
    """Where the camera looks from (degrees) for the surface ``gz[j, i]`` over ``gx[j]``,
    ``gy[i]``: along the floor (its lowest ``FLOOR_SHARE``) when that is a long unbroken
    valley (a camera looking across it sees its near wall, and the runs on the floor hide
    behind it), from the valley's end on the ``AZIMUTH`` side; else ``AZIMUTH``."""
    x, y = np.meshgrid(gx, gy, indexing="ij")
    floor = gz <= quantile(gz, FLOOR_SHARE)
    pts = np.column_stack([x[floor], y[floor]])
    if len(pts) < 3:
        return AZIMUTH
    spread, axes = np.linalg.eigh(np.cov(pts.T))  # ascending: across, then along the floor
    along = np.sort(pts @ axes[:, 1])
    if spread[1] < VALLEY_ELONGATION**2 * spread[0] or np.diff(along).max() > VALLEY_GAP:
        return AZIMUTH
    return float(np.degrees(np.arctan2(axes[1, 1], axes[0, 1])) % 180.0 - 180.0)


class GLView(GLCanvas):
    """A GL view whose line widths and point sizes are set in the window's pixels:
    OpenGL counts the screen's own, so ``px`` converts (the presenter scale and the
    screen's pixel ratio), and ``sigPixelRatioChanged`` asks the owner to set them again
    when the window moves to a screen with another scale factor."""

    sigPixelRatioChanged = pyqtSignal()

    def px(self, width: float) -> float:
        """``width`` window pixels (at the presenter scale) in the screen's pixels."""
        return style.line_px(width) * self.devicePixelRatioF()

    def event(self, ev: QEvent | None) -> bool:
        if ev is not None and ev.type() == QEvent.Type.DevicePixelRatioChange:
            self.sigPixelRatioChanged.emit()
        return super().event(ev)


def captioned_gl_view(owner: QWidget) -> tuple[QLabel, GLView]:
    """A caption line over a GL view, filling ``owner`` (its whole layout)."""
    caption = QLabel(owner)
    caption.setFont(style.font(style.FONT_PT, bold=True))
    caption.setToolTip(HINT)
    view = gl_view(owner)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.setSpacing(2)
    layout.addWidget(caption)
    layout.addWidget(view, stretch=1)
    return caption, view


def gl_view(parent: QWidget) -> GLView:
    """A GL view for a 3-D scene: a depth buffer, multisampling, the theme's background,
    ``HINT`` as its tooltip; the keyboard stays with the window."""
    view = GLView(parent)
    fmt = view.format()
    fmt.setDepthBufferSize(24)  # without it hidden faces show through
    fmt.setSamples(4)  # multisampling: smooth silhouettes and trails
    view.setFormat(fmt)
    view.setBackgroundColor(style.THEME.background)
    view.setToolTip(HINT)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrow keys step the race, not the camera
    return view


@dataclass(frozen=True)
class SurfaceScale:
    """Landscape coordinates → GL coordinates, fitted to one grid of loss values.

    x and y map linearly from ``box`` onto ``[-SIDE/2, SIDE/2]``. A loss ``f`` maps to
    ``z = HEIGHT · clip((g(f) − g_lo) / (g_hi − g_lo), 0, 1)`` with ``g`` the contour
    map's own ``LogScale`` when ``log``, else ``g(f) = f``; ``g_hi`` is g of the grid's
    ``CLIP_PERCENTILE``-th percentile and ``g_lo`` g of its minimum, but at most
    ``LOG_DECADES`` below ``g_hi`` on a log scale (deeper is drawn flat at the bottom).
    NaN (a value that overflowed) is drawn at the top.
    """

    box: Box
    log: LogScale | None
    g_lo: float
    g_hi: float

    @classmethod
    def fit(cls, box: Box, Z: Array, log: bool) -> SurfaceScale:
        """The scale for grid values ``Z`` (any shape, NaN allowed) over ``box``."""
        finite = Z[np.isfinite(Z)]
        fmin = float(finite.min()) if finite.size else 0.0
        top = float(quantile(finite, CLIP_PERCENTILE / 100)) if finite.size else 1.0
        if not top > fmin:  # a flat landscape
            top = fmin + 1.0
        scale = cls(box, LogScale.fit(Z) if log else None, 0.0, 1.0)
        g_lo, g_hi = float(scale.g(np.array(fmin))), float(scale.g(np.array(top)))
        if log:
            g_lo = max(g_lo, g_hi - LOG_DECADES)
        return replace(scale, g_lo=g_lo, g_hi=g_hi)

    def g(self, f: Array) -> Array:
        """The monotone value transform (before normalising)."""
        f = np.asarray(f, dtype=np.float64)
        return f if self.log is None else self.log(f)

    def z(self, f: Array) -> Array:
        """GL heights of loss values ``f`` (any shape), in ``[0, HEIGHT]``."""
        with np.errstate(invalid="ignore"):
            u = (self.g(f) - self.g_lo) / (self.g_hi - self.g_lo)
        return HEIGHT * np.clip(np.nan_to_num(u, nan=1.0), 0.0, 1.0)

    def xy(self, points: Array) -> Array:
        """GL x, y of landscape points ``(n, 2)``: ``(n, 2)``; points outside the domain
        are drawn outside the square (up to ``FAR``)."""
        lo = np.array([b[0] for b in self.box])
        hi = np.array([b[1] for b in self.box])
        xy: Array = (np.asarray(points, dtype=np.float64) - lo) / (hi - lo) * SIDE - SIDE / 2
        return np.clip(xy, -FAR, FAR)

    def positions(self, points: Array, f: Array, lift: float = 0.0) -> Array:
        """GL vertices ``(n, 3)`` of points ``(n, 2)`` with losses ``(n,)``, raised by lift."""
        return np.column_stack([self.xy(points), self.z(f) + lift])


class SurfaceView(QWidget):
    """The landscape as a rotatable shaded surface, with each run's trail and point.

    Public: ``gl`` (the GLView), ``scale`` (the SurfaceScale both the surface and the
    trails go through, None for a 1-D landscape),
    ``surface`` (GLSurfacePlotItem), ``surface_grid`` (GL ``x (res,)``, ``y (res,)``,
    ``z (res, res)`` with z[j, i] over x[j], y[i]), ``lines`` (one GLLinePlotItem per run),
    ``ghosts`` (the same trails, faint and never occluded), ``points`` (GLScatterPlotItem
    of the current points, in run order, never occluded). Each landscape gets a fresh
    camera, ``ELEVATION`` high, from ``camera_azimuth``.
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.scale: SurfaceScale | None = None
        self.surface_grid: tuple[Array, Array, Array] | None = None
        self._cmap = pg.colormap.get(style.COLORMAP)

        self.caption, self.gl = captioned_gl_view(self)

        self.surface = surface_item(shader=SOFT_SHADER, smooth=True, glOptions="opaque")
        self.surface.setVisible(False)
        self.gl.addItem(self.surface)
        self.lines: list[gl.GLLinePlotItem] = []
        self.ghosts: list[gl.GLLinePlotItem] = []
        self.points = gl.GLScatterPlotItem(size=self.gl.px(POINT_PX), pxMode=True,
                                           glOptions=ON_TOP)
        self.points.setDepthValue(3)
        self.points.setVisible(False)
        self.gl.addItem(self.points)

        session.sigLandscapeChanged.connect(self._on_landscape)
        session.sigDisplayChanged.connect(self._on_display)
        session.sigRunsChanged.connect(self._on_runs)
        session.sigStepChanged.connect(self._update_trails)
        self.gl.sigPixelRatioChanged.connect(self._on_pixel_ratio)
        self._on_runs()
        self._on_landscape()

    # ---- the surface: only when the landscape or its log flag changes -------------------
    def _on_landscape(self) -> None:
        s = self.session
        self.caption.setText("" if s.is_network else f"{s.landscape.title} — 3-D")
        self._draw_surface(aim=True)
        self._update_trails()

    def _on_display(self) -> None:
        log = self.session.display["log_contours"]
        if self.scale is not None and (self.scale.log is not None) != log:
            self._draw_surface()
        self._update_trails()

    def _draw_surface(self, aim: bool = False) -> None:
        """The surface for the landscape; with ``aim`` a fresh camera for it, too."""
        land = None if self.session.is_network else self.session.landscape
        if land is None or land.dim != 2:
            self.scale, self.surface_grid = None, None
            self.surface.setVisible(False)
            return
        xs, ys, Z = self.session.grid(land.domain, RES)
        self.show_grid(land.domain, xs, ys, Z, self.session.display["log_contours"], aim)

    def show_grid(self, box: Box, xs: Array, ys: Array, Z: Array, log: bool,
                  aim: bool = False) -> None:
        """Values ``Z[i, j]`` at ``(xs[j], ys[i])`` over ``box`` as the surface (heights on
        a log scale when ``log``); with ``aim`` a fresh camera for it."""
        self.scale = SurfaceScale.fit(box, Z, log)
        gx, gy = self.scale.xy(np.column_stack([xs, ys])).T
        gz = self.scale.z(Z.T)  # GLSurfacePlotItem wants z[j, i] over x[j], y[i]
        colors = self._cmap.map(gz.ravel() / HEIGHT, mode="float").reshape(*gz.shape, 4)
        self.surface_grid = (gx, gy, gz)
        self.surface.setData(x=gx, y=gy, z=gz, colors=colors)
        self.surface.setVisible(True)
        if aim:
            self.gl.setCameraPosition(pos=pg.Vector(0, 0, 0.4 * HEIGHT),
                                      distance=CAMERA_DISTANCE, elevation=ELEVATION,
                                      azimuth=camera_azimuth(gx, gy, gz))

    # ---- the trails: setData per step --------------------------------------------------
    def _on_runs(self) -> None:
        for line in self.lines + self.ghosts:
            self.gl.removeItem(line)
        self.lines = [self._line(run.color, 255, "translucent", 2) for run in self.session.runs]
        self.ghosts = [self._line(run.color, GHOST_ALPHA, ON_TOP, 1) for run in self.session.runs]
        self._update_trails()

    def _on_pixel_ratio(self) -> None:
        self.points.setData(size=self.gl.px(POINT_PX))
        for line in self.lines + self.ghosts:
            line.setData(width=self.gl.px(LINE_PX))

    def _line(self, color: str, alpha: int, options: str | dict[object, object],
              depth: int) -> gl.GLLinePlotItem:
        """A trail item in the run's colour, drawn after the surface and in depth order."""
        line = gl.GLLinePlotItem(color=style.qcolor(color, alpha), width=self.gl.px(LINE_PX),
                                 antialias=True, mode="line_strip", glOptions=options)
        line.setDepthValue(depth)
        line.setVisible(False)
        self.gl.addItem(line)
        return line

    def _hide_trails(self) -> None:
        for line in self.lines + self.ghosts:
            line.setVisible(False)
        self.points.setVisible(False)

    def _update_trails(self, _step: int = 0) -> None:
        s, scale = self.session, self.scale
        if scale is None or not s.runs or s.is_network or s.landscape.dim != 2:
            # no 2-D landscape (yet: the runs may change before the landscape), or no run
            self._hide_trails()
            return
        heads, colors = [], []
        show = s.display["trails"]
        for i, run in enumerate(s.runs):
            trail = s.trail(i)
            loss = s.trail_loss(i)
            pos = scale.positions(trail, loss, LIFT)
            for line in (self.lines[i], self.ghosts[i]):
                line.setData(pos=pos)
                line.setVisible(show and len(pos) > 1)
            heads.append(pos[-1])
            colors.append(style.qcolor(run.color).getRgbF())
        self.points.setData(pos=np.array(heads), color=np.array(colors))
        self.points.setVisible(True)
