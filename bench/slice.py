"""Network loss slice speed: a 41×41 slice of a 2-16-16-2 tanh net on 500 points.

gdviz (``slices.grid``: all 1681 networks in batched matmuls) against a torch loop over
the grid points (CPU, one thread, no_grad: load the point's weights into the model with
``vector_to_parameters``, forward, cross-entropy). The 1681 weight vectors are converted
to torch's layout outside its timing. Both run in this process, alternating, medians of
repeats; numpy's BLAS is held to one thread too. The centre is the net after 300 Adam
steps; the directions are filter-normalized random ones.

Before the JSON line it prints the largest difference between the two grids and the
floor set by the hidden tanh evaluations alone (2 × 1681 × 500 × 16 ≈ 27 M, timed here).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads its BLAS

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from gdviz.core.datasets import circle  # noqa: E402
from gdviz.core.mlp import MLP  # noqa: E402
from gdviz.core.optimizers import make_optimizer  # noqa: E402
from gdviz.core.slices import grid, random_directions  # noqa: E402

SIZES, RES, N, REPEATS, GOAL_SECONDS = (2, 16, 16, 2), 41, 500, 7, 0.15


def centre_of(net: MLP, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    opt = make_optimizer("adam", lr=0.01)
    theta = net.init(0)
    state = opt.init(theta)
    for _ in range(300):
        theta, state = opt.update(net.loss_and_grad(theta, X, y)[1], state, theta)
    return theta


def ours(net: MLP, X: np.ndarray, y: np.ndarray, centre: np.ndarray, d1: np.ndarray,
         d2: np.ndarray) -> tuple[float, np.ndarray]:
    t0 = time.perf_counter()
    _, _, Z = grid(net, X, y, centre, d1, d2, res=RES)
    return time.perf_counter() - t0, Z


def torch_loop(model, criterion, thetas, X, y) -> tuple[float, np.ndarray]:  # noqa: ANN001
    import torch

    Z = torch.empty(len(thetas), dtype=torch.float64)
    t0 = time.perf_counter()
    with torch.no_grad():
        for k, theta in enumerate(thetas):
            torch.nn.utils.vector_to_parameters(theta, model.parameters())
            Z[k] = criterion(model(X), y)
    return time.perf_counter() - t0, Z.numpy().reshape(RES, RES)


def torch_layout(net: MLP, thetas: np.ndarray) -> np.ndarray:
    """Our (W (in, out) row-major, b) per layer -> torch's (weight (out, in), bias)."""
    return np.concatenate([part for W, b in net.unflatten(thetas)
                           for part in (W.swapaxes(-1, -2).reshape(len(thetas), -1), b)],
                          axis=-1)


def tanh_floor() -> float:
    """Seconds numpy needs for the 2 × 1681 × 500 × 16 hidden tanh values, in cache-sized
    pieces (the least any float64 numpy evaluation of this grid can take)."""
    total, piece = 2 * RES * RES * N * 16, np.random.default_rng(0).standard_normal(2**16)
    out = np.empty_like(piece)
    t0 = time.perf_counter()
    for _ in range(total // piece.size):
        np.tanh(piece, out=out)
    return time.perf_counter() - t0


def main() -> None:
    import torch

    torch.set_num_threads(1)
    data = circle(N, noise=0.1, seed=0)
    net = MLP(SIZES, "tanh")
    centre = centre_of(net, data.X, data.y)
    d1, d2 = random_directions(net, 0, centre)

    alphas = np.linspace(-1.0, 1.0, RES)
    thetas = centre + alphas[None, :, None] * d1 + alphas[:, None, None] * d2
    t_thetas = torch.from_numpy(torch_layout(net, thetas.reshape(-1, net.n_params)))
    layers: list[torch.nn.Module] = []
    for fan_in, fan_out in net.shapes:
        layers += [torch.nn.Linear(fan_in, fan_out, dtype=torch.float64), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers[:-1])
    Xt, yt = torch.from_numpy(data.X.copy()), torch.from_numpy(data.y.copy())
    criterion = torch.nn.CrossEntropyLoss()

    t_ours, t_torch, floors = [], [], []
    for _ in range(REPEATS):
        t, Z = ours(net, data.X, data.y, centre, d1, d2)
        t_ours.append(t)
        t, Z_torch = torch_loop(model, criterion, t_thetas, Xt, yt)
        t_torch.append(t)
        floors.append(tanh_floor())
    mine, base, floor = (statistics.median(v) for v in (t_ours, t_torch, floors))
    print(f"max |Z - Z_torch| / max Z = {np.abs(Z - Z_torch).max() / Z.max():.2g}; "
          f"tanh floor {floor:.3f} s; ours {mine:.3f} s (goal < {GOAL_SECONDS} s)")
    print(json.dumps({"bench": "slice_vs_torch_loop", "ours": mine, "baseline": base,
                      "unit": "s per 41x41 slice", "ratio": base / mine, "goal": 2}))


if __name__ == "__main__":
    main()
