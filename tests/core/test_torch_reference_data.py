"""The data landscapes against torch: each loss written again for torch from the same
data, whole trajectories of gd, momentum and Adam equal ``torch.optim``'s fed torch's own
autograd gradients, and minibatch sgd equals torch's SGD stepping on the same batches.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is an optional reference (pip install torch)")

import gdviz  # noqa: E402
from gdviz.core.landscapes import get_landscape  # noqa: E402
from gdviz.core.landscapes_data import DataLandscape  # noqa: E402
from gdviz.core.mlp import batch_at  # noqa: E402
from tests.core.test_torch_reference import (  # noqa: E402
    assert_same_trajectory,
    single_thread,  # noqa: F401 (an autouse fixture of this module too)
    torch_kwargs,
    torch_trajectory,
)
from tests.core.test_torch_reference_3d import Autograd  # noqa: E402

DATA = ["linear_regression", "logistic_regression", "logistic_regression2"]


def torch_loss(land: DataLandscape, index: np.ndarray | None = None):
    """The landscape's loss written for torch from its data: points (..., dim) -> (...)."""
    data = land.data()
    index = np.arange(data.n_samples) if index is None else index
    X = torch.from_numpy(data.X[index])
    y = torch.from_numpy(np.ravel(data.y)[index].astype(np.float64))

    def loss(p):
        z = p[..., :-1] @ X.T + p[..., -1:]
        if data.task == "regression":
            return ((z - y) ** 2).mean(-1)
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        return bce(z, y.expand_as(z), reduction="none").mean(-1)

    return loss


@pytest.mark.parametrize("name", DATA)
def test_values_and_gradients_match_torch_autograd(name):
    land = get_landscape(name)
    lo, hi = np.array(land.domain).T
    points = np.random.default_rng(1).uniform(lo, hi, size=(30, land.dim))
    value, grad = Autograd(torch_loss(land)).value_and_grad(points)
    np.testing.assert_allclose(land.value(points), value, rtol=1e-13)
    assert np.abs(land.grad(points) - grad).max() <= 1e-13 * (1 + np.abs(grad).max())


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize(("opt", "hyper"), [("gd", {"lr": 0.2}), ("adam", {"lr": 0.05}),
                                            ("momentum", {"lr": 0.05})], ids=str)
def test_trajectories_match_torch_optim(name, opt, hyper):
    land = get_landscape(name)
    lo, hi = np.array(land.domain).T
    starts = [land.start, *np.random.default_rng(8).uniform(lo, hi, size=(2, land.dim))]
    traj = gdviz.run(land, opt, starts=starts, steps=300, **hyper)
    ref = torch_trajectory(Autograd(torch_loss(land)), *torch_kwargs(opt, hyper), starts)
    assert_same_trajectory(traj, ref)


def test_minibatch_sgd_matches_torch_sgd_on_the_same_batches():
    land = get_landscape("linear_regression")
    traj = gdviz.run(land, "sgd", steps=100, seed=7, lr=0.1, batch_size=8)
    p = torch.tensor([land.start], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    for step in range(100):
        opt.zero_grad()
        torch_loss(land, batch_at(step, 64, 8, 7))(p).sum().backward()
        opt.step()
        np.testing.assert_allclose(p.detach().numpy(), traj.params[step + 1], rtol=1e-12,
                                   atol=1e-13)
