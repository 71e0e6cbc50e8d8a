"""Tick marks of a plot axis: where to put them and what to write, for a linear or a log
axis. Shared by the map pictures of the command line and the window's stability map.
"""

from __future__ import annotations

import math

import numpy as np

MOST = 7  # labelled ticks on an axis at most
STEPS = (1.0, 2.0, 5.0, 10.0)  # a nice step is one of these × a power of ten


def label(value: float) -> str:
    """A tick's text: short, no float noise (0.30000000000000004 → 0.3)."""
    if value == 0:
        return "0"
    text = f"{value:.6g}"
    return text.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def linear_ticks(lo: float, hi: float, most: int = MOST) -> list[float]:
    """Multiples of a nice step (1, 2 or 5 × 10ᵏ) in [lo, hi], at most ``most`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(most - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(s * power for s in STEPS if s * power >= raw)
    first = math.ceil(lo / step - 1e-9)
    values = [k * step for k in range(first, math.floor(hi / step + 1e-9) + 1)]
    return [0.0 if abs(v) < 1e-9 * step else float(round(v / step) * step) for v in values]


def log_ticks(lo: float, hi: float, most: int = MOST) -> list[float]:
    """Ticks of a log axis over [lo, hi] (lo > 0): powers of ten (every second one, third
    one… when there are many), or 1, 2, 5 × 10ᵏ where fewer than three powers fall
    inside (unless that makes too many), or linear ticks on a range too narrow for
    either."""
    a, b = math.log10(lo), math.log10(hi)
    powers = list(range(math.ceil(a - 1e-9), math.floor(b + 1e-9) + 1))
    if len(powers) >= 3:
        every = -(-len(powers) // most)
        return [10.0 ** k for k in powers[::every]]
    nice = [m * 10.0 ** k for k in range(math.floor(a) - 1, math.ceil(b) + 1)
            for m in (1.0, 2.0, 5.0)]
    inside = [v for v in nice if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]
    if 2 <= len(inside) <= most:
        return inside
    return [10.0 ** k for k in powers] if len(powers) >= 2 else linear_ticks(lo, hi, most)


def minor_log_ticks(lo: float, hi: float) -> list[float]:
    """2…9 × 10ᵏ inside [lo, hi]: the unlabelled ticks that show an axis is logarithmic."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    values = np.outer(10.0 ** np.arange(a, b + 1), np.arange(2, 10)).ravel()
    return [float(v) for v in values if lo <= v <= hi]


def power_label(k: int) -> str:
    """10ᵏ as a tick's text: 0.1, 1, 10 written out, else 1e-5, 1e4 (one style per axis)."""
    return label(10.0 ** k) if -1 <= k <= 1 else f"1e{k}"


def ticks(lo: float, hi: float, log: bool = False, most: int = MOST) -> list[tuple[float, str]]:
    """``(value, text)`` of the labelled ticks of an axis from ``lo`` to ``hi``."""
    values = log_ticks(lo, hi, most) if log else linear_ticks(lo, hi, most)
    powers = [math.log10(v) for v in values] if log else []
    if powers and all(abs(k - round(k)) < 1e-9 for k in powers):
        return [(v, power_label(round(k))) for v, k in zip(values, powers, strict=True)]
    return [(v, label(v)) for v in values]
