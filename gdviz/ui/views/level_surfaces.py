"""Level surfaces of a three-parameter landscape: where f equals a few chosen values.

The landscape is sampled on a ``RES``³ grid over the shown box (``Session.volume``); the
levels are quantiles of those samples, so each surface encloses a fixed share of the box
(the lowest a small pocket around the deepest minimum, the highest half the box), and
marching cubes (``pyqtgraph.isosurface``) traces each one. That takes a few hundredths
of a second, so the result is kept per landscape and box: moving along the race never
recomputes it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg

from gdviz.core.landscapes import Landscape
from gdviz.ui.session import Session
from gdviz.ui.views.scales import quantile

Array = npt.NDArray[np.float64]
Box3 = tuple[tuple[float, float], tuple[float, float], tuple[float, float]]

RES = 40  # grid points per side
SHARES = (0.03, 0.1, 0.25, 0.5)  # the share of the box below each level
KEPT = 8  # landscapes (with their boxes) whose surfaces are remembered
ROUND = 4  # decimals of grid-index coordinates that make two vertices one (shared normals)


class LevelSurface(NamedTuple):
    """The surface f = ``level``, with ``share`` of the sampled box below it: ``verts
    (n, 3)`` landscape points and ``faces (m, 3)`` indices into them (triangles)."""

    level: float
    share: float
    verts: Array
    faces: npt.NDArray[np.intp]


_kept: OrderedDict[tuple[Landscape, Box3], tuple[LevelSurface, ...]] = OrderedDict()


def level_surfaces(session: Session, box: Box3) -> tuple[LevelSurface, ...]:
    """The session's landscape's level surfaces over ``box``, lowest level first (a level
    without a surface in the box is left out); remembered for the last ``KEPT``."""
    key = (session.landscape, box)
    if key in _kept:
        _kept.move_to_end(key)
        return _kept[key]
    xs, ys, zs, f = session.volume(box, RES)
    finite = f[np.isfinite(f)]
    surfaces: list[LevelSurface] = []
    if finite.size:
        data = np.ascontiguousarray(np.where(np.isfinite(f), f, finite.max()))
        lo = np.array([xs[0], ys[0], zs[0]])
        step = np.array([xs[1] - xs[0], ys[1] - ys[0], zs[1] - zs[0]])
        for share, level in zip(SHARES, quantile(finite, np.array(SHARES)), strict=True):
            verts, faces = pg.isosurface(data, float(level))
            if len(faces):
                verts, faces = _shared(verts, faces)
                surfaces.append(LevelSurface(float(level), share, lo + verts * step, faces))
    _kept[key] = tuple(surfaces)
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return _kept[key]


def _shared(verts: npt.NDArray[np.floating], faces: npt.NDArray[np.integer]
            ) -> tuple[Array, npt.NDArray[np.intp]]:
    """One vertex where marching cubes gave several at the same place, so that smooth
    shading averages the normals of all the triangles around it."""
    unique, inverse = np.unique(np.round(verts.astype(np.float64), ROUND), axis=0,
                                return_inverse=True)
    shared: npt.NDArray[np.intp] = inverse.reshape(-1)[faces].astype(np.intp)
    return unique.astype(np.float64), shared
