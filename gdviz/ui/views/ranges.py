"""Axis ranges as pure functions of what is drawn, snapped to round values.

A frame must be a pure function of (race, step, view, size): the same step looks the same
in the live window, after scrubbing and in an exported animation. So no range here
remembers earlier frames; instead ranges snap to whole decades (log axes) or to multiples
of a round step (linear axes), and move only when the data crosses one of those lines.
"""

from __future__ import annotations

import math

Range = tuple[float, float]
STEP_PAD = 0.015  # room left and right of the step axis, a share of its length
NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


def step_range(length: int, minimum: int = 10) -> Range:
    """The step axis for a race of ``length`` steps (at least ``minimum``)."""
    n = float(max(length, minimum))
    return (-STEP_PAD * n, (1 + STEP_PAD) * n)


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) cutting ``span`` into about ``ticks`` parts."""
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in NICE if m * power >= raw * (1 - 1e-12))


def value_range(lo: float, hi: float, log: bool) -> Range:
    """The value axis for data spanning ``lo..hi`` (on a log axis: their log10).

    Log: whole decades around the data. Linear: multiples of a round step around it,
    with a little room so a curve never runs along the frame."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (0.0, 1.0)
    if log:
        low, high = math.floor(lo), math.ceil(hi)
        return (float(low), float(high if high > low else low + 1))
    span = hi - lo
    if span <= 1e-12 * max(abs(hi), abs(lo), 1e-300):
        pad = max(abs(hi) * 0.1, 1e-12)
        lo, hi, span = lo - pad, hi + pad, 2 * pad
    step = nice_step(span)
    bottom = math.floor(lo / step - 0.05) * step
    top = math.ceil(hi / step + 0.05) * step
    return (bottom, top)
