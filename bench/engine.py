"""Engine speed: 10 000 starts × 500 Adam steps on rosenbrock, whole trajectory recorded.

Baselines, measured in the same process, alternating with gdviz, medians of repeats:
- a plain Python loop over starts doing the same maths (timed on a subset of starts and
  compared as start-steps per second, since the full loop takes minutes);
- torch.optim.Adam on one batched float64 tensor, one thread, analytic gradient, the
  trajectory copied out every step as gdviz records it (skipped without torch).
Prints one JSON line per baseline, the torch one last when torch is installed.
"""

from __future__ import annotations

import json
import math
import statistics
import time

import numpy as np
from scalar_adam import adam_step

import gdviz

N, STEPS, REPEATS, LOOP_STARTS = 10_000, 500, 5, 100
LR = 1e-3


def starts(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(-2, 2, n), rng.uniform(-1, 3, n)])


def ours(p0: np.ndarray) -> float:
    t0 = time.perf_counter()
    gdviz.run("rosenbrock", "adam", starts=p0, steps=STEPS, lr=LR)
    return time.perf_counter() - t0


def python_loop(p0: np.ndarray) -> float:
    t0 = time.perf_counter()
    for x, y in p0.tolist():
        m = [0.0, 0.0]
        v = [0.0, 0.0]
        rows = []
        for t in range(STEPS + 1):
            d = y - x * x
            f = (1 - x) ** 2 + 100 * d * d
            gx, gy = -2 * (1 - x) - 400 * x * d, 200 * d
            rows.append((x, y, f, math.hypot(gx, gy)))
            if t == STEPS:
                break
            x, y, m, v = adam_step(x, y, gx, gy, m, v, t + 1, LR)
    return time.perf_counter() - t0


def torch_adam(p0: np.ndarray) -> float:
    import torch

    t0 = time.perf_counter()
    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=LR)
    traj = torch.empty((STEPS + 1, *p.shape), dtype=torch.float64)
    loss = torch.empty((STEPS + 1, p.shape[0]), dtype=torch.float64)
    gnorm = torch.empty_like(loss)
    with torch.no_grad():
        for k in range(STEPS + 1):
            x, y = p[:, 0], p[:, 1]
            d = y - x * x
            traj[k] = p
            loss[k] = (1 - x) ** 2 + 100 * d * d
            g = torch.stack([-2 * (1 - x) - 400 * x * d, 200 * d], dim=1)
            gnorm[k] = torch.linalg.vector_norm(g, dim=1)
            if k == STEPS:
                break
            p.grad = g
            opt.step()
    return time.perf_counter() - t0


def main() -> None:
    p0 = starts(N)
    work, loop_work = N * STEPS, LOOP_STARTS * STEPS
    try:
        import torch

        torch.set_num_threads(1)
        have_torch = True
    except ImportError:
        have_torch = False
    t_ours, t_loop, t_torch = [], [], []
    for _ in range(REPEATS):
        t_ours.append(ours(p0))
        t_loop.append(python_loop(p0[:LOOP_STARTS]))
        if have_torch:
            t_torch.append(torch_adam(p0))
    rate = work / statistics.median(t_ours)
    loop_rate = loop_work / statistics.median(t_loop)
    print(json.dumps({"bench": "engine_vs_python_loop", "ours": rate, "baseline": loop_rate,
                      "unit": "start-steps/s", "ratio": rate / loop_rate, "goal": 80}))
    if have_torch:
        torch_rate = work / statistics.median(t_torch)
        print(json.dumps({"bench": "engine_vs_torch", "ours": rate, "baseline": torch_rate,
                          "unit": "start-steps/s", "ratio": rate / torch_rate, "goal": 3}))


if __name__ == "__main__":
    main()
