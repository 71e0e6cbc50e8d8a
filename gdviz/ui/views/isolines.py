"""Contour lines of a sampled grid by marching squares, vectorized over cells.

Drawing tooling only: it traces lines through values the Session already computed.
The result is a list of segment end points meant for one ``connect="pairs"`` curve.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

# Cell corners a = (x0, y0), b = (x1, y0), c = (x1, y1), d = (x0, y1); edges 0 bottom (a-b),
# 1 right (b-c), 2 top (d-c), 3 left (a-d). A cell's code sets bit 1, 2, 4, 8 when corner
# a, b, c, d lies at or above the level. Each code lists up to two segments as pairs of
# crossed edges (-1: none). The saddles 5 and 10 become 16 (the centre joins a and c, so
# b and d are cut off) or 17 (the centre joins b and d).
_SEGMENTS = np.full((18, 2, 2), -1, dtype=np.intp)
for _code, _pairs in {
    1: [(0, 3)], 2: [(0, 1)], 3: [(3, 1)], 4: [(1, 2)], 6: [(0, 2)], 7: [(3, 2)],
    8: [(3, 2)], 9: [(0, 2)], 11: [(1, 2)], 12: [(3, 1)], 13: [(0, 1)], 14: [(0, 3)],
    16: [(0, 1), (3, 2)], 17: [(0, 3), (1, 2)],
}.items():
    _SEGMENTS[_code, :len(_pairs)] = _pairs


def _edge_points(x0: Array, x1: Array, y0: Array, y1: Array, corners: tuple[Array, ...],
                 level: Array) -> Array:
    """Where ``level`` (one per cell) crosses the four edges of the given cells:
    (4, m, 2)."""
    a, b, c, d = corners

    def t(u: Array, v: Array) -> Array:
        with np.errstate(all="ignore"):
            return np.clip((level - u) / (v - u), 0.0, 1.0)

    return np.stack([
        np.stack([x0 + t(a, b) * (x1 - x0), y0], axis=-1),
        np.stack([x1, y0 + t(b, c) * (y1 - y0)], axis=-1),
        np.stack([x0 + t(d, c) * (x1 - x0), y1], axis=-1),
        np.stack([x0, y0 + t(a, d) * (y1 - y0)], axis=-1),
    ])


def isolines(xs: Array, ys: Array, z: Array, levels: Array) -> Array:
    """Segments of the contour lines of ``z`` (``z[i, j]`` at ``(xs[j], ys[i])``).

    Returns ``(2k, 2)`` points, consecutive pairs being one segment; cells touching a
    NaN are skipped. Only the (cell, level) pairs where the level passes through the cell
    are visited, all at once: a level crosses a cell when its lowest corner is below the
    level and its highest at or above it, so each cell's range of crossing levels comes
    from two sorted searches instead of a pass over the whole grid per level.
    """
    a, b, c, d = z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]
    levels = np.sort(np.asarray(levels, dtype=np.float64))
    valid = np.isfinite(a) & np.isfinite(b) & np.isfinite(c) & np.isfinite(d)
    lo = np.minimum(np.minimum(a, b), np.minimum(c, d))
    hi = np.maximum(np.maximum(a, b), np.maximum(c, d))
    first = np.searchsorted(levels, lo, side="right")  # the first level above lo
    count = np.searchsorted(levels, hi, side="right") - first  # those up to hi
    count[~valid] = 0
    cells = np.flatnonzero(count)
    reps = count.ravel()[cells]
    if not cells.size:
        return np.empty((0, 2))
    cell = np.repeat(cells, reps)  # one entry per (cell, level) crossing
    nth = np.arange(len(cell)) - np.repeat(np.cumsum(reps) - reps, reps)
    level = levels[np.repeat(first.ravel()[cells], reps) + nth]
    i, j = np.divmod(cell, a.shape[1])
    ca, cb, cc, cd = a[i, j], b[i, j], c[i, j], d[i, j]
    code = (ca >= level) * 1 + (cb >= level) * 2 + (cc >= level) * 4 + (cd >= level) * 8
    above = (ca + cb + cc + cd) / 4 >= level  # the centre, for the saddles
    code = np.where(code == 5, np.where(above, 16, 17), code)
    code = np.where(code == 10, np.where(above, 17, 16), code)
    pts = _edge_points(xs[j], xs[j + 1], ys[i], ys[i + 1], (ca, cb, cc, cd), level)
    pairs = _SEGMENTS[code]  # (m, 2 segments, 2 edges)
    out = []
    for s in range(2):
        m = np.nonzero(pairs[:, s, 0] >= 0)[0]
        seg = np.stack([pts[pairs[m, s, 0], m], pts[pairs[m, s, 1], m]], axis=1)
        out.append(seg.reshape(-1, 2))
    return np.concatenate(out)
