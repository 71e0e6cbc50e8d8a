"""A trail as few points as look the same on screen.

A run of thousands of steps crosses a map of a few hundred pixels: most of its points
fall in a pixel already drawn, or on a straight stretch. ``screen_path`` leaves those out
(within a pixel of every step), so a frame strokes hundreds of segments, not thousands.
"""

from __future__ import annotations

import numpy as np

CELL_PX = 0.5  # pixel_path keeps one point per this many pixels (a cell) it passes through
SLACK_PX = 0.1  # a straightening pass leaves a point out only this close to the line
PASSES = 3  # straighten's passes: the line it draws is within PASSES × SLACK_PX of each point


def pixel_path(xy: np.ndarray, origin: tuple[float, float],
               px: tuple[float, float]) -> np.ndarray:
    """The points of the polyline ``xy (n, 2)`` that make a difference on screen at pixel
    size ``px``: the first, the last, and each that lies in another cell of ``CELL_PX``
    pixels (counted from ``origin``) than the point before it. A run creeping or circling
    within half a pixel draws as one point there, which looks the same and costs a
    fraction (a converged run repeats one pixel for thousands of steps)."""
    if len(xy) <= 2:
        return xy
    cells = np.floor((xy - origin) * (1.0 / (CELL_PX * np.asarray(px))))
    moved = cells[1:] != cells[:-1]
    keep = np.empty(len(xy), dtype=bool)
    keep[0] = True
    np.logical_or(moved[:, 0], moved[:, 1], out=keep[1:])
    keep[-1] = True
    return xy[keep]


def straighten(xy: np.ndarray, px: tuple[float, float]) -> np.ndarray:
    """``xy (n, 2)`` with points on nearly straight stretches left out: each pass looks at
    every other inner point and leaves it out when it lies within ``SLACK_PX`` pixels of
    the segment joining its neighbours (and between them). Its neighbours stay in that
    pass, so the line drawn after ``PASSES`` passes is within ``PASSES × SLACK_PX`` pixels
    of every point left out. The ends always stay."""
    scale = 1.0 / np.asarray(px, dtype=np.float64)
    for _ in range(PASSES):
        n = len(xy)
        if n <= 2:
            break
        p = xy * scale
        a, m, b = p[0:n - 2:2], p[1:n - 1:2], p[2::2]
        a, b = a[:len(m)], b[:len(m)]
        d, e = b - a, m - a
        length_sq = d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1]
        cross = np.abs(d[:, 0] * e[:, 1] - d[:, 1] * e[:, 0])
        along = d[:, 0] * e[:, 0] + d[:, 1] * e[:, 1]
        # |cross| / |d| ≤ slack, compared squared; along in [0, |d|²]: between a and b
        out = (cross * cross <= SLACK_PX * SLACK_PX * length_sq) & (along >= 0) & (
            along <= length_sq) & (length_sq > 0)
        if not out.any():
            break
        keep = np.ones(n, dtype=bool)
        keep[1:n - 1:2] = ~out
        xy = xy[keep]
    return xy


def screen_path(xy: np.ndarray, origin: tuple[float, float],
                px: tuple[float, float]) -> np.ndarray:
    """What a trail draws: ``straighten(pixel_path(xy, origin, px), px)``; every point of
    ``xy`` is within about a pixel (a cell's diagonal plus the straightening's slack) of
    the line drawn."""
    return straighten(pixel_path(xy, origin, px), px)
