"""The three-parameter landscapes against torch: the functions written again for torch
(``torch_equivalents.TORCH_LANDSCAPES``) give, by autograd, gdviz's values, analytic
gradients and Hessians; whole trajectories of every torch-backed optimizer equal
``torch.optim``'s, torch fed the gradients of its own autograd (L-BFGS, whose line search
amplifies ulps, fed gdviz's values as in test_torch_reference.py).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is an optional reference (pip install torch)")

import gdviz  # noqa: E402
from gdviz.core.landscapes import get_landscape  # noqa: E402
from tests.core.test_torch_reference import (  # noqa: E402
    LBFGS_CONFIGS,
    STEPS,
    TIGHT_RTOL,
    assert_same_trajectory,
    gdviz_lbfgs,
    relative_deviation,
    single_thread,  # noqa: F401 (an autouse fixture of this module too)
    torch_kwargs,
    torch_lbfgs,
    torch_trajectory,
)
from tests.core.torch_equivalents import TORCH_EQUIVALENT, TORCH_LANDSCAPES  # noqa: E402

SPACE = tuple(TORCH_LANDSCAPES)
# a learning rate per landscape at which every first-order rule runs 300 steps without
# diverging or turning chaotic (gd's limit is 2/λ_max: ≈ 0.04 on quadratic3)
LR = {"quadratic3": 1e-2, "rosenbrock3": 5e-4, "three_wells": 5e-2}
FIRST_ORDER = [name for name in TORCH_EQUIVALENT if name != "lbfgs"]


class Autograd:
    """A torch function of points seen as a landscape: ``value_and_grad`` and ``grad`` of
    float64 arrays ``(n, 3)`` by torch's autograd."""

    def __init__(self, fn):
        self.fn = fn

    def value_and_grad(self, p):
        t = torch.tensor(np.asarray(p, dtype=np.float64), requires_grad=True)
        value = self.fn(t)
        (grad,) = torch.autograd.grad(value.sum(), t)
        return value.detach().numpy(), grad.numpy()

    def grad(self, p):
        return self.value_and_grad(p)[1]


def starts_of(land) -> list[tuple[float, ...]]:
    """The teaching start, one halfway to the origin and one more."""
    return [land.start, tuple(0.5 * np.array(land.start)), (1.0, -2.0, 1.5)]


@pytest.mark.parametrize("name", SPACE)
def test_values_gradients_and_hessians_match_torch_autograd(name):
    land, fn = get_landscape(name), TORCH_LANDSCAPES[name]
    lo, hi = np.array(land.domain).T
    points = np.random.default_rng(len(name)).uniform(lo, hi, size=(40, 3))
    value, grad = Autograd(fn).value_and_grad(points)
    np.testing.assert_allclose(land.value(points), value, rtol=1e-13, atol=1e-13)
    scale = 1.0 + np.abs(grad).max(axis=-1, keepdims=True)
    assert np.all(np.abs(land.grad(points) - grad) <= 1e-13 * scale)
    for p, h in zip(points, land.hess(points), strict=True):
        ref = torch.autograd.functional.hessian(fn, torch.from_numpy(p)).numpy()
        assert np.abs(h - ref).max() <= 1e-12 * (1.0 + np.abs(ref).max())


@pytest.mark.parametrize("landscape", SPACE)
@pytest.mark.parametrize("name", FIRST_ORDER)
def test_trajectories_match_torch_on_its_own_gradients(landscape, name):
    land = get_landscape(landscape)
    hyper = {"lr": LR[landscape], **({"noise": 0.0} if name == "sgd" else {})}
    starts = starts_of(land)
    traj = gdviz.run(land, name, starts=starts, steps=STEPS, **hyper)
    assert traj.params.shape == (STEPS + 1, 3, 3)
    ref = torch_trajectory(Autograd(TORCH_LANDSCAPES[landscape]), *torch_kwargs(name, hyper),
                           starts)
    assert_same_trajectory(traj, ref)


@pytest.mark.parametrize("landscape", SPACE)
@pytest.mark.parametrize("hyper", LBFGS_CONFIGS, ids=str)
def test_lbfgs_matches_torch_in_3d(landscape, hyper):
    """Each start its own torch LBFGS, at 1e-12, with the same n_iter and func_evals."""
    land = get_landscape(landscape)
    starts = starts_of(land)
    traj, state = gdviz_lbfgs(land, starts, hyper)
    for i, start in enumerate(starts):
        ref, n_iter, func_evals = torch_lbfgs(land, start, hyper)
        assert traj.status[i] == "running"
        assert relative_deviation(traj.params[:, i], ref) <= TIGHT_RTOL, start
        assert (state.n_iter[i], state.func_evals[i]) == (n_iter, func_evals)


def test_short_dot_products_sum_as_torch_dot():
    """torch's dot of 3 or 4 float64 numbers adds the even and the odd products apart
    ((a₀b₀ + a₂b₂) + a₁b₁); ours too, bit for bit, where coordinate order often differs."""
    from gdviz.core.optimizers_second import _dot

    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 4):
        a = rng.normal(size=(3000, n)) * 10.0 ** rng.integers(-4, 4, (3000, n))
        b = rng.normal(size=(3000, n)) * 10.0 ** rng.integers(-4, 4, (3000, n))
        theirs = np.array([torch.from_numpy(a[i]).dot(torch.from_numpy(b[i])).item()
                           for i in range(len(a))])
        np.testing.assert_array_equal(_dot(a, b), theirs)
        if n >= 3:
            in_order = a[:, 0] * b[:, 0]
            for i in range(1, n):
                in_order = in_order + a[:, i] * b[:, i]
            assert (in_order != theirs).mean() > 0.05
