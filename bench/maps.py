"""Basin map speed: a 200×200 map of Adam (lr 0.05) on himmelblau, 500 steps, tol 1e-6.

Baseline, measured in the same process and alternating with gdviz, medians of repeats:
a plain Python loop over starts doing the same maths with scalar floats (the gradient,
the stop at gradient norm ≤ tol, the Adam update, the nearest minimum at the end), timed
on every 100th start of the grid (400 starts) and scaled to the 40 000 starts of the map.
Also reports the peak memory of one map (tracemalloc, a separate run).
Prints one JSON line.
"""

from __future__ import annotations

import json
import math
import statistics
import time
import tracemalloc

import numpy as np
from scalar_adam import adam_step

from gdviz.core.landscapes import get_landscape
from gdviz.core.maps import MAP_TOL, NEAR, basin_map

RES, STEPS, LR, REPEATS, EVERY = 200, 500, 0.05, 5, 100


def ours() -> float:
    t0 = time.perf_counter()
    basin_map("himmelblau", "adam", res=RES, steps=STEPS, tol=MAP_TOL, lr=LR)
    return time.perf_counter() - t0


def grid_starts() -> list[tuple[float, float]]:
    (x0, x1), (y0, y1) = get_landscape("himmelblau").domain
    xs, ys = np.linspace(x0, x1, RES).tolist(), np.linspace(y0, y1, RES).tolist()
    return [(x, y) for y in ys for x in xs]


def python_loop(starts: list[tuple[float, float]], minima: list[list[float]],
                radius: float) -> float:
    t0 = time.perf_counter()
    labels = []
    for x, y in starts:
        m = [0.0, 0.0]
        v = [0.0, 0.0]
        for t in range(STEPS + 1):
            a, b = x * x + y - 11.0, x + y * y - 7.0
            gx, gy = 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b
            if math.hypot(gx, gy) <= MAP_TOL or t == STEPS:
                break
            x, y, m, v = adam_step(x, y, gx, gy, m, v, t + 1, LR)
        d, k = min((math.hypot(x - mx, y - my), k) for k, (mx, my) in enumerate(minima))
        labels.append(k if d <= radius else -1)
    return time.perf_counter() - t0


def peak_mb() -> float:
    tracemalloc.start()
    basin_map("himmelblau", "adam", res=RES, steps=STEPS, tol=MAP_TOL, lr=LR)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    land = get_landscape("himmelblau")
    (x0, x1), (y0, y1) = land.domain
    radius = NEAR * math.hypot(x1 - x0, y1 - y0)
    starts = grid_starts()
    sample = starts[::EVERY]
    minima = land.minima.tolist()
    t_ours, t_loop = [], []
    for _ in range(REPEATS):
        t_ours.append(ours())
        t_loop.append(python_loop(sample, minima, radius) * len(starts) / len(sample))
    mine, base = statistics.median(t_ours), statistics.median(t_loop)
    print(json.dumps({"bench": "maps", "ours": mine, "baseline": base,
                      "unit": "s per 200x200 map", "ratio": base / mine,
                      "goal": "< 3 s and >= 100x", "peak_mb": peak_mb()}))


if __name__ == "__main__":
    main()
