"""Network training speed: a 2-16-16-2 tanh net, minibatches of 64, Adam, float64.

gdviz (numpy MLP + gdviz adam, batches from ``batch_at``) against torch on the CPU with one
thread (the same net, initial weights and batches; nn.Sequential, CrossEntropyLoss,
torch.optim.Adam). The batch indices are prepared for torch outside its timing. Both run
in this process, alternating, medians of repeats; numpy's BLAS is held to one thread too.
Prints the final losses of the last repeat, then one JSON line: training steps per second.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads its BLAS

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from gdviz.core.datasets import circle  # noqa: E402
from gdviz.core.mlp import MLP, batch_at  # noqa: E402
from gdviz.core.optimizers import make_optimizer  # noqa: E402

SIZES, BATCH, STEPS, REPEATS, LR, SEED = (2, 16, 16, 2), 64, 2000, 7, 0.01, 0


def ours(net: MLP, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    opt = make_optimizer("adam", lr=LR)
    theta = net.init(SEED)
    state = opt.init(theta)
    t0 = time.perf_counter()
    for step in range(STEPS):
        idx = batch_at(step, len(X), BATCH, SEED)
        loss, grad = net.loss_and_grad(theta, X[idx], y[idx])
        theta, state = opt.update(grad, state, theta)
    return time.perf_counter() - t0, loss


def torch_steps(net: MLP, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    import torch

    layers: list[torch.nn.Module] = []
    for l, (W, b) in enumerate(net.unflatten(net.init(SEED))):
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers += [linear, torch.nn.Tanh()] if l < len(SIZES) - 2 else [linear]
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    criterion = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X.copy()), torch.from_numpy(y.copy())
    batches = [torch.from_numpy(batch_at(s, len(X), BATCH, SEED).copy()) for s in range(STEPS)]
    t0 = time.perf_counter()
    for idx in batches:
        opt.zero_grad()
        loss = criterion(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - t0, loss.item()


def main() -> None:
    import torch

    torch.set_num_threads(1)
    data = circle(500, noise=0.1, seed=SEED)
    net = MLP(SIZES, "tanh")
    t_ours, t_torch = [], []
    for _ in range(REPEATS):
        t, loss_ours = ours(net, data.X, data.y)
        t_ours.append(t)
        t, loss_torch = torch_steps(net, data.X, data.y)
        t_torch.append(t)
    print(f"final minibatch loss after {STEPS} steps: gdviz {loss_ours:.12g}, "
          f"torch {loss_torch:.12g}")
    rate, base = STEPS / statistics.median(t_ours), STEPS / statistics.median(t_torch)
    print(json.dumps({"bench": "mlp_train_vs_torch", "ours": rate, "baseline": base,
                      "unit": "steps/s", "ratio": rate / base, "goal": 3}))


if __name__ == "__main__":
    main()
