"""Arrows in a GL view: a straight shaft, solid or dashed, ending in a cone.

An arrow is placed in GL coordinates; the landscape points it stands for are kept as
``start`` and ``end`` (the view converts between the two with one uniform scale, so the
arrow's direction is the vector's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl

from gdviz.ui import style
from gdviz.ui.views.surface import SOFT_SHADER, GLView

if TYPE_CHECKING:
    from gdviz.ui.views.gl_canvas import GLCanvas

HEAD_SHARE = 0.35  # a head is at most this share of its arrow
HEAD_WIDTH = 0.4  # a head's radius at its base, as a share of its length
DASH = 0.18  # GL length of one dash and its gap (a dashed shaft)
DASH_ON = 0.6  # the drawn share of a dash



def cone(rgba: tuple[float, ...]) -> gl.MeshData:
    """A cone of length 1 along +z from its base at the origin, in one colour (given per
    vertex: a constant colour can be lost between GL items); scaled and turned per arrow."""
    mesh = gl.MeshData.cylinder(rows=1, cols=18, radius=[HEAD_WIDTH, 0.0], length=1.0)
    mesh.setVertexColors(np.tile(rgba, (len(mesh.vertexes()), 1)))
    return mesh


class Arrow3D:
    """A run's arrow in ``view``: the shaft a ``GLLinePlotItem``, the head a cone
    ``GLMeshItem`` of GL length at most ``head``. Dashed arrows are fainter."""

    def __init__(self, view: GLView, color: str, head: float,
                 dashed: bool = False, depth: int = 3) -> None:
        alpha = 170 if dashed else 255
        self.head_length, self.dashed = head, dashed
        self.shaft = gl.GLLinePlotItem(color=style.qcolor(color, alpha),
                                       width=view.px(2.5), antialias=True,
                                       mode="lines", glOptions="translucent")
        self.head = gl.GLMeshItem(meshdata=cone(style.qcolor(color, alpha).getRgbF()),
                                  smooth=False, shader=SOFT_SHADER, glOptions="translucent")
        self.start: np.ndarray | None = None  # landscape points of the drawn arrow
        self.end: np.ndarray | None = None
        for item in (self.shaft, self.head):
            item.setDepthValue(depth)
            view.addItem(item)
        self.hide()

    def set(self, start: np.ndarray, end: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        """Draw from GL point ``a`` to ``b``, standing for landscape points ``start`` →
        ``end``."""
        self.start, self.end = start, end
        d = b - a
        length = float(np.linalg.norm(d))
        u = d / length
        h = min(self.head_length, HEAD_SHARE * length)
        base = b - h * u
        self.shaft.setData(pos=self._shaft(a, base))
        tr = pg.Transform3D()
        tr.translate(*base)
        axis = np.cross([0.0, 0.0, 1.0], u)
        sin, cos = float(np.linalg.norm(axis)), float(u[2])
        if sin > 1e-9:
            tr.rotate(float(np.degrees(np.arctan2(sin, cos))), *(axis / sin))
        elif cos < 0:  # straight down
            tr.rotate(180.0, 1.0, 0.0, 0.0)
        tr.scale(h, h, h)
        self.head.setTransform(tr)
        self.shaft.setVisible(True)
        self.head.setVisible(True)

    def _shaft(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Segment end points (2k, 3) from ``a`` to ``b``: one segment, or dashes."""
        if not self.dashed:
            return np.array([a, b])
        n = max(1, int(round(float(np.linalg.norm(b - a)) / DASH)))
        t0 = np.arange(n) / n
        t = np.column_stack([t0, t0 + DASH_ON / n]).reshape(-1, 1)
        return np.asarray(a + t * (b - a))

    def hide(self) -> None:
        self.start = self.end = None
        self.shaft.setVisible(False)
        self.head.setVisible(False)

    def remove(self, view: GLCanvas) -> None:
        view.removeItem(self.shaft)
        view.removeItem(self.head)

    @property
    def visible(self) -> bool:
        return bool(self.shaft.visible())
