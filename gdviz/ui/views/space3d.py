"""The view of a three-parameter race: parameter space itself, as a rotatable GL scene.

The shown box (the landscape's domain, or the scenario's view ranges) is a light wire box
with its axes named and its ends numbered. Inside it, translucent level surfaces of the
loss (``level_surfaces``: low levels dark blue, high ones light) show where the valleys
are, small markers the known minima. Every run is a line in its colour with its current
point (the focused run's larger), its negative-gradient arrow and its momentum arrow
(dashed), and a ✓ / ✗ where it stopped.

Landscape points map to GL by one ``SpaceScale``: centred on the box, one factor for all
three axes, so lengths and angles are the landscape's own and an arrow points exactly
along its vector. The surfaces are computed when the landscape changes; a step moves only
the runs' items.

Never ``show()`` this widget on the offscreen platform: OpenGL needs an X server.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QWidget

from gdviz.core.run import RUNNING
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.views.arrows3d import Arrow3D
from gdviz.ui.views.gl_labels import GLLabels, Label
from gdviz.ui.views.gl_mesh import mesh_item
from gdviz.ui.views.level_surfaces import Box3, LevelSurface, level_surfaces
from gdviz.ui.views.plotview import stop_text
from gdviz.ui.views.surface import ON_TOP, SOFT_SHADER, captioned_gl_view

Array = npt.NDArray[np.float64]

SIDE = 10.0  # GL length of the box's longest side
FAR = 0.8 * SIDE  # a point farther out along an axis (a diverged run) is drawn at this
CAMERA_DISTANCE = 2.0 * SIDE  # the whole box and its labels in view (fov 60°)
ELEVATION = 22.0  # degrees above the box's middle plane
AZIMUTH = -58.0  # degrees from +x towards +y
SURFACE_ALPHA = (0.3, 0.12)  # the lowest level's opacity and the highest's
SURFACE_COLOURS = (0.1, 0.85)  # colormap positions of the lowest and the highest level
LINE_PX = 3.0
FRAME_PX = 1.2  # the box's edges
POINT_PX, FOCUS_PX = 11, 17
MINIMUM_PX = 9
ARROW_LONGEST = 0.2  # the longest arrow of a kind, as a share of SIDE
ARROW_SHORTEST = 0.05
HEAD = 0.05 * SIDE  # arrow heads' GL length (shorter on short arrows)
PAD = 0.05 * SIDE  # labels stand this far (GL) off the box's edges
TICK_INSET = 0.06  # the numbers at an edge's ends stand this share of it inside them
FRAME_ALPHA = 110
CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
MARKER_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom  # up right of it
MARKER_OFFSET = np.array([0.0, 0.0, 0.02 * SIDE])  # an end marker stands just above its point


@dataclass(frozen=True)
class SpaceScale:
    """Landscape points → GL: ``(p − centre) · factor``, the box's centre at the origin and
    its longest side ``SIDE`` long (one factor for all axes)."""

    box: Box3

    @property
    def centre(self) -> Array:
        return np.array([(lo + hi) / 2 for lo, hi in self.box])

    @property
    def factor(self) -> float:
        return SIDE / max(hi - lo for lo, hi in self.box)

    def gl(self, points: npt.ArrayLike) -> Array:
        """GL positions of landscape points ``(..., 3)``, each coordinate at most ``FAR``
        out: a run leaving the box is seen going, and stays in the picture."""
        p = np.asarray(points, dtype=np.float64)
        return np.clip((p - self.centre) * self.factor, -FAR, FAR)


class SpaceView(QWidget):
    """Parameter space of a 3-D race. Public: ``gl`` (the GLView), ``scale``
    (SpaceScale, None unless the race is on a 3-D landscape), ``levels`` (the drawn
    ``LevelSurface``s) and ``surfaces`` (one GLMeshItem each), ``frame`` (the box's
    edges), ``labels`` (GLLabels: group "axes", the axis names then the numbers at the
    ends, and group "markers", the runs' ✓ / ✗), ``minima``; per run, in run order:
    ``trails`` (GLLinePlotItem), ``grad_arrows`` and ``vel_arrows`` (Arrow3D);
    ``points`` (GLScatterPlotItem of the current points, in run order, the focused
    run's ``FOCUS_PX`` wide)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.scale: SpaceScale | None = None
        self.levels: tuple[LevelSurface, ...] = ()
        self._cmap = pg.colormap.get(style.COLORMAP)
        self.caption, self.gl = captioned_gl_view(self)

        self.frame = gl.GLLinePlotItem(mode="lines", width=self.gl.px(FRAME_PX), antialias=True,
                                       color=style.qcolor(style.THEME.foreground, FRAME_ALPHA),
                                       glOptions="translucent")
        self.gl.addItem(self.frame)
        self.surfaces: list[gl.GLMeshItem] = []
        self.labels = GLLabels(self.gl)
        self.minima = [gl.GLScatterPlotItem(size=self.gl.px(px), color=c, pxMode=True,
                                            glOptions=ON_TOP)
                       for px, c in ((MINIMUM_PX + 5, (0, 0, 0, 1)), (MINIMUM_PX, (1, 1, 1, 1)))]
        self.points = gl.GLScatterPlotItem(pxMode=True, glOptions=ON_TOP)
        for depth, item in ((6, self.minima[0]), (7, self.minima[1]), (8, self.points)):
            item.setDepthValue(depth)
            item.setVisible(False)
            self.gl.addItem(item)
        self.trails: list[gl.GLLinePlotItem] = []
        self.grad_arrows: list[Arrow3D] = []
        self.vel_arrows: list[Arrow3D] = []

        session.sigLandscapeChanged.connect(self._on_landscape)
        session.sigDisplayChanged.connect(self.draw_runs)
        session.sigRunsChanged.connect(self._on_runs)
        session.sigStepChanged.connect(self.draw_runs)
        session.sigSelectionChanged.connect(self.draw_runs)
        self.gl.sigPixelRatioChanged.connect(self._on_pixel_ratio)
        self._on_runs()
        self._on_landscape()

    def _on_pixel_ratio(self) -> None:
        """Another screen: every line width and point size again in its pixels."""
        self.frame.setData(width=self.gl.px(FRAME_PX))
        for item, px in zip(self.minima, (MINIMUM_PX + 5, MINIMUM_PX), strict=True):
            item.setData(size=self.gl.px(px))
        self._on_runs()

    @property
    def active(self) -> bool:
        """True when the race is on a 3-D landscape (else this view stays empty)."""
        return not self.session.is_network and self.session.landscape.dim == 3

    # ---- the landscape: when it changes -------------------------------------------------
    def _on_landscape(self) -> None:
        for item in self.surfaces:
            self.gl.removeItem(item)
        self.surfaces, self.levels = [], ()
        self.labels.set("axes", [])
        if not self.active:
            self.scale = None
            self.caption.setText("")
            self.frame.setVisible(False)
            for item in self.minima:
                item.setVisible(False)
            self.draw_runs()
            return
        land = self.session.landscape
        self.caption.setText(f"{land.title} — parameter space")
        box = self.session.space_box()
        self.scale = SpaceScale(box)
        corners = np.array(list(product(*box)))  # index bits: x, y, z (4, 2, 1)
        edges = [(a, b) for a in range(8) for b in range(a + 1, 8)
                 if bin(a ^ b).count("1") == 1]
        self.frame.setData(pos=self.scale.gl(corners[np.array(edges).ravel()]))
        self.frame.setVisible(True)
        self._draw_labels(box)
        self._draw_surfaces(box)
        inside = np.all((land.minima >= corners[0]) & (land.minima <= corners[-1]), axis=1)
        for item in self.minima:
            item.setData(pos=self.scale.gl(land.minima[inside]))
            item.setVisible(bool(inside.any()))
        self.gl.setCameraPosition(pos=pg.Vector(0, 0, 0), distance=CAMERA_DISTANCE,
                                  elevation=ELEVATION, azimuth=AZIMUTH)
        self.labels.update()
        self.draw_runs()

    def _draw_labels(self, box: Box3) -> None:
        """Axis names at the middle of three edges of the box and the numbers at their
        ends: x along the front bottom edge, y along the right bottom one, z up the
        left one (seen from the camera's side)."""
        assert self.scale is not None
        pad = PAD / self.scale.factor
        (x0, x1), (y0, y1), (z0, z1) = box
        places = (  # (name, the edge's two ends, which way the text stands off it)
            ("x", np.array([x0, y0, z0]), np.array([x1, y0, z0]), np.array([0, -0.6, -1.4])),
            ("y", np.array([x1, y0, z0]), np.array([x1, y1, z0]), np.array([0.6, 0, -1.4])),
            ("z", np.array([x0, y0, z0]), np.array([x0, y0, z1]), np.array([-1.4, -0.6, 0])),
        )
        colour = style.qcolor(style.THEME.foreground)
        names, ticks = [], []
        for k, (name, a, b, out) in enumerate(places):
            off = pad * out
            names.append(Label(self.scale.gl((a + b) / 2 + 2 * off), name, colour,
                               style.font(style.FONT_PT + 2, bold=True), CENTRE))
            inward = TICK_INSET * (b - a)  # two edges meet at a corner: their numbers part
            ticks += [Label(self.scale.gl(end + off), f"{value:g}".replace("-", "−"), colour,
                            style.font(style.FONT_PT - 1), CENTRE)
                      for end, value in ((a + inward, box[k][0]), (b - inward, box[k][1]))]
        self.labels.set("axes", names + ticks)

    def _draw_surfaces(self, box: Box3) -> None:
        assert self.scale is not None
        self.levels = level_surfaces(self.session, box)
        for k, surface in enumerate(self.levels):
            t = k / max(len(self.levels) - 1, 1)
            rgb = self._cmap.map(np.interp(t, (0, 1), SURFACE_COLOURS), mode="float")[:3]
            alpha = np.interp(t, (0, 1), SURFACE_ALPHA)
            colours = np.tile([*rgb, alpha], (len(surface.verts), 1))
            mesh = mesh_item(self.scale.gl(surface.verts), surface.faces, colours,
                             smooth=True, shader=SOFT_SHADER, glOptions=ON_TOP)
            mesh.setDepthValue(-10 + k)  # inner (low) surfaces first, then those around them
            self.gl.addItem(mesh)
            self.surfaces.append(mesh)

    # ---- the runs: per step --------------------------------------------------------------
    def _on_runs(self) -> None:
        for item in self.trails:
            self.gl.removeItem(item)
        for arrow in (*self.grad_arrows, *self.vel_arrows):
            arrow.remove(self.gl)
        runs = self.session.runs
        self.trails = []
        for r in runs:
            trail = gl.GLLinePlotItem(color=style.qcolor(r.color), width=self.gl.px(LINE_PX),
                                      antialias=True, mode="line_strip", glOptions="translucent")
            trail.setDepthValue(2)
            self.gl.addItem(trail)
            self.trails.append(trail)
        self.grad_arrows = [Arrow3D(self.gl, r.color, HEAD) for r in runs]
        self.vel_arrows = [Arrow3D(self.gl, r.color, HEAD, dashed=True) for r in runs]
        self.draw_runs()

    def draw_runs(self, *_: object) -> None:
        """Trails, current points, arrows and end markers at the session's cursor."""
        s, scale = self.session, self.scale
        if scale is None or not self.active or not s.runs or len(self.trails) != len(s.runs):
            for item in (*self.trails, self.points):
                item.setVisible(False)
            for arrow in (*self.grad_arrows, *self.vel_arrows):
                arrow.hide()
            self.labels.set("markers", [])
            return
        show, frame = s.display, s.frame()
        focus = s.focused()
        for i, trail in enumerate(self.trails):
            pos = scale.gl(s.trail(i))
            trail.setData(pos=pos)
            trail.setVisible(show["trails"] and len(pos) > 1)
        now = np.array([f.params[0] for f in frame])
        colours = np.array([style.qcolor(r.color).getRgbF() for r in s.runs])
        sizes = np.full(len(now), self.gl.px(POINT_PX), dtype=np.float32)
        sizes[focus] = self.gl.px(FOCUS_PX)
        self.points.setData(pos=scale.gl(now), color=colours, size=sizes)
        self.points.setVisible(True)
        running = [str(f.status[0]) == RUNNING for f in frame]
        down = [-f.grad[0] if on and show["gradient"] else None
                for f, on in zip(frame, running, strict=True)]
        vel = [s.velocity(i) if on and show["velocity"] else None
               for i, on in enumerate(running)]
        self._place_arrows(self.grad_arrows, now, down)
        self._place_arrows(self.vel_arrows, now, vel)
        markers = []
        for r, f, p in zip(s.runs, frame, now, strict=True):
            text = stop_text(str(f.status[0]), int(f.stopped_at[0]))
            if show["markers"] and text:
                markers.append(Label(scale.gl(p) + MARKER_OFFSET, text, style.qcolor(r.color),
                                     style.font(13, bold=True), MARKER_ALIGN,
                                     style.qcolor(style.THEME.label_fill, 200)))
        self.labels.set("markers", markers)

    def _place_arrows(self, arrows: list[Arrow3D], points: Array,
                      vecs: list[np.ndarray | None]) -> None:
        """The longest of the kind ``ARROW_LONGEST`` of the box, the others in proportion
        but none shorter than ``ARROW_SHORTEST``; each from its point along its vector.
        No arrow for a point outside the box."""
        assert self.scale is not None
        norms = [float(np.linalg.norm(v)) if v is not None and np.all(np.isfinite(v))
                 else 0.0 for v in vecs]
        longest = max(norms, default=0.0)
        for arrow, p, v, n in zip(arrows, points, vecs, norms, strict=True):
            a = self.scale.gl(p)
            if n == 0.0 or v is None or np.any(np.abs(a) > SIDE / 2 * 1.001):
                arrow.hide()
                continue
            length = max(ARROW_LONGEST * n / longest, ARROW_SHORTEST) * SIDE
            end = p + v / n * (length / self.scale.factor)
            arrow.set(p, end, a, self.scale.gl(end))
