"""Axis ranges that follow a growing race without moving on every frame.

pyqtgraph's auto-range refits (and re-lays out the axis: ticks, labels, grid) whenever the
data grows, which on a live race is every frame and costs more than drawing the curves.
These rules move a range only when the data leaves it or fills too little of it, and
then leave room to grow.
"""

from __future__ import annotations

GROW = 1.3  # the step axis is refit to this multiple of the head: room for the next steps
SNUG = 0.45  # data filling less than this share of the range gets it refit
PAD = 0.06  # margin around the values, a share of their span

Range = tuple[float, float]


def steps_range(head: float, current: Range, minimum: float) -> Range | None:
    """The step axis for a timeline whose last step is ``head``; None: keep ``current``."""
    hi = max(head, minimum)
    lo0, hi0 = current
    if lo0 <= 0 and hi <= hi0 and hi >= SNUG * hi0:
        return None
    return (-0.02 * hi * GROW, hi * GROW)


def values_range(lo: float, hi: float, current: Range) -> Range | None:
    """The value axis for data spanning ``lo..hi``; None: keep ``current``."""
    span = max(hi - lo, 1e-12 * max(abs(hi), 1.0))
    lo0, hi0 = current
    if lo0 <= lo and hi <= hi0 and span >= SNUG * (hi0 - lo0):
        return None
    return (lo - PAD * span, hi + PAD * span)
