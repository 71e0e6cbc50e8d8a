"""One Adam step on a 2-D point in plain Python floats: the per-start baseline loops of
bench/engine.py and bench/maps.py share it (torch's operation order, as gdviz's Adam)."""

from __future__ import annotations

import math

B1, B2, EPS = 0.9, 0.999, 1e-8


def adam_step(x: float, y: float, gx: float, gy: float, m: list[float], v: list[float],
              step: int, lr: float) -> tuple[float, float, list[float], list[float]]:
    """The update number ``step`` (from 1): new x, y and the new moments m, v."""
    bc1, bc2 = 1 - B1**step, 1 - B2**step
    m = [m[0] + (1 - B1) * (gx - m[0]), m[1] + (1 - B1) * (gy - m[1])]
    v = [B2 * v[0] + (1 - B2) * gx * gx, B2 * v[1] + (1 - B2) * gy * gy]
    x -= lr / bc1 * m[0] / (math.sqrt(v[0]) / math.sqrt(bc2) + EPS)
    y -= lr / bc1 * m[1] / (math.sqrt(v[1]) / math.sqrt(bc2) + EPS)
    return x, y, m, v
