"""The numpy MLP: gradients against central differences and torch.autograd, layout, init,
training, and minibatches.

Gradient checks are float64 and norm-wise: ‖g − g_ref‖ / ‖g_ref‖. For relu and leaky_relu
the data is redrawn until no hidden pre-activation is within 1e-3 of the kink at 0, so
the finite differences (step 1e-6) never cross it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.datasets import circle
from gdviz.core.mlp import ACTIVATIONS, LOSSES, MLP, batch_at, minibatches
from gdviz.core.optimizers import make_optimizer

ARCHITECTURES = [(2, 3, 2), (3, 5, 4, 3), (1, 4, 4, 4, 2), (2, 6, 1, 5, 2)]
CASES = [(act, loss, sizes) for act in ACTIVATIONS for loss in LOSSES for sizes in ARCHITECTURES]


def problem(net: MLP, seed: int, n: int = 9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """theta, X, y for ``net``; kink-free for relu-like activations (see module docstring)."""
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        theta = net.init(int(rng.integers(1 << 30)))
        X = rng.standard_normal((n, net.sizes[0]))
        hidden = net.forward(theta, X).z[:-1]
        if min(float(np.abs(z).min()) for z in hidden) > 1e-3:
            break
    else:
        raise AssertionError("no kink-free draw")
    if net.loss == "cross_entropy":
        y = np.arange(n) % net.sizes[-1]
        rng.shuffle(y)
    else:
        y = rng.standard_normal((n, net.sizes[-1]))
    return theta, X, y


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


@pytest.mark.parametrize(("activation", "loss", "sizes"), CASES)
def test_gradient_matches_central_differences(activation: str, loss: str,
                                              sizes: tuple[int, ...]) -> None:
    if loss == "cross_entropy" and sizes[-1] < 2:
        sizes = (*sizes[:-1], 2)
    net = MLP(sizes, activation, loss)
    theta, X, y = problem(net, seed=len(sizes))
    value, grad = net.loss_and_grad(theta, X, y)
    h = 1e-6
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        numeric[i] = (net.loss_and_grad(theta + e, X, y)[0]
                      - net.loss_and_grad(theta - e, X, y)[0]) / (2 * h)
    assert np.isfinite(value)
    assert rel_err(grad, numeric) <= 1e-6


TORCH_ACTIVATIONS = {"relu": "ReLU", "leaky_relu": "LeakyReLU", "tanh": "Tanh",
                     "sigmoid": "Sigmoid", "linear": "Identity"}


@pytest.mark.parametrize(("activation", "loss", "sizes"), CASES)
def test_loss_and_gradient_match_torch_autograd(activation: str, loss: str,
                                                sizes: tuple[int, ...]) -> None:
    torch = pytest.importorskip("torch", reason="torch is an optional reference")
    nn = torch.nn
    if loss == "cross_entropy" and sizes[-1] < 2:
        sizes = (*sizes[:-1], 2)
    net = MLP(sizes, activation, loss)
    theta, X, y = problem(net, seed=7, n=40)
    modules: list[nn.Module] = []
    linears = []
    for l, (W, b) in enumerate(net.unflatten(theta)):
        linear = nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        linears.append(linear)
        modules.append(linear)
        if l < len(sizes) - 2:
            modules.append(getattr(nn, TORCH_ACTIVATIONS[activation])())
    model = nn.Sequential(*modules)
    criterion = nn.CrossEntropyLoss() if loss == "cross_entropy" else nn.MSELoss()
    out = model(torch.from_numpy(X))
    ref = criterion(out, torch.from_numpy(y))
    ref.backward()
    ref_grad = np.concatenate([np.concatenate([m.weight.grad.numpy().T.ravel(),
                                               m.bias.grad.numpy()]) for m in linears])

    value, grad = net.loss_and_grad(theta, X, y)
    assert abs(value - ref.item()) <= 1e-12 * abs(ref.item())
    assert rel_err(grad, ref_grad) <= 1e-12
    probs = torch.softmax(out, dim=1) if loss == "cross_entropy" else out
    np.testing.assert_allclose(net.predict(theta, X), probs.detach().numpy(), rtol=1e-12,
                               atol=1e-15)


def test_flatten_unflatten_round_trip_and_layout() -> None:
    net = MLP((3, 4, 5, 2))
    theta = np.arange(net.n_params, dtype=np.float64)
    layers = net.unflatten(theta)
    assert [(W.shape, b.shape) for W, b in layers] == [((3, 4), (4,)), ((4, 5), (5,)),
                                                      ((5, 2), (2,))]
    assert net.n_params == 3 * 4 + 4 + 4 * 5 + 5 + 5 * 2 + 2
    np.testing.assert_array_equal(layers[0][0], np.arange(12).reshape(3, 4))  # row-major W
    np.testing.assert_array_equal(layers[0][1], np.arange(12, 16))  # then b
    np.testing.assert_array_equal(layers[1][0][0], np.arange(16, 21))
    np.testing.assert_array_equal(net.flatten(layers), theta)
    stack = np.stack([theta, -theta])
    np.testing.assert_array_equal(net.flatten(net.unflatten(stack)), stack)
    with pytest.raises(ValueError, match="theta must have"):
        net.unflatten(theta[:-1])


def test_init_is_torch_default_and_deterministic() -> None:
    net = MLP((2, 16, 16, 2))
    a, b, c = net.init(3), net.init(3), net.init(4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float64 and a.shape == (net.n_params,)
    for (W, bias), (fan_in, _) in zip(net.unflatten(a), net.shapes, strict=True):
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(W).max() <= bound and np.abs(bias).max() <= bound
        assert np.abs(W).max() > 0.8 * bound  # spread over the whole range


@pytest.mark.parametrize(("sizes", "kw", "message"), [
    ((2, 2), {}, "1 to 6 hidden layers"),
    ((2, 3, 3, 3, 3, 3, 3, 3, 2), {}, "1 to 6 hidden layers"),
    ((2, 33, 2), {}, "1 to 32 units"),
    ((2, 0, 2), {}, "1 to 32 units"),
    ((0, 4, 2), {}, "at least 1"),
    ((2, 4, 0), {"loss": "mse"}, "at least 1"),
    ((2, 4, 1), {}, "at least 2"),
    ((2, 4.0, 2), {}, "whole numbers"),
    ((2, 4, 2), {"activation": "gelu"}, "unknown activation"),
    ((2, 4, 2), {"loss": "hinge"}, "unknown loss"),
])
def test_invalid_networks_say_why(sizes: tuple[int, ...], kw: dict[str, str],
                                  message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(sizes, **kw)


def test_targets_are_checked() -> None:
    net = MLP((2, 4, 3))
    theta, X = net.init(0), np.zeros((5, 2))
    with pytest.raises(ValueError, match="labels must be in 0..2"):
        net.loss_and_grad(theta, X, np.array([0, 1, 2, 3, 0]))
    with pytest.raises(ValueError, match="integer labels"):
        net.loss_and_grad(theta, X, np.zeros(5))
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        net.loss_and_grad(theta, np.zeros((5, 3)), np.zeros(5, dtype=int))
    reg = MLP((2, 4, 1), loss="mse")
    flat = reg.loss_and_grad(reg.init(0), X, np.ones(5))
    column = reg.loss_and_grad(reg.init(0), X, np.ones((5, 1)))
    assert flat[0] == column[0]


def test_cache_holds_every_layer_and_backward_the_chain_rule() -> None:
    net = MLP((2, 5, 3, 4), "sigmoid")
    theta, X, y = problem(net, seed=1, n=6)
    cache = net.forward(theta, X)
    assert [z.shape for z in cache.z] == [(6, 5), (6, 3), (6, 4)]
    assert [a.shape for a in cache.a] == [(6, 2), (6, 5), (6, 3)]
    np.testing.assert_allclose(cache.a[1], 1 / (1 + np.exp(-cache.z[0])))
    np.testing.assert_allclose(cache.out.sum(axis=1), 1.0)
    grads = net.backward(cache, y)
    onehot = np.eye(4)[y]
    np.testing.assert_allclose(grads[-1].dz, (cache.out - onehot) / 6)
    np.testing.assert_allclose(grads[0].dW, X.T @ grads[0].dz)
    flat = net.flatten([(g.dW, g.db) for g in grads])
    np.testing.assert_array_equal(flat, net.loss_and_grad(theta, X, y)[1])


def test_extreme_weights_stay_finite_and_quiet() -> None:
    for activation in ACTIVATIONS:
        net = MLP((2, 8, 3), activation)
        theta, X = net.init(0) * 1e4, np.random.default_rng(0).standard_normal((20, 2)) * 10
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            value, grad = net.loss_and_grad(theta, X, np.arange(20) % 3)
        assert np.isfinite(value) and np.isfinite(grad).all()


def test_batched_evaluation_matches_one_at_a_time() -> None:
    net = MLP((2, 16, 16, 2))
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((500, 2)), rng.integers(0, 2, 500)
    thetas = net.init(0) + 0.3 * rng.standard_normal((70, net.n_params))  # > one chunk
    singles = [net.loss_and_grad(t, X, y) for t in thetas]
    np.testing.assert_allclose(net.loss_batch(thetas, X, y), [v for v, _ in singles],
                               rtol=1e-13)
    values, grads = net.loss_and_grad_batch(thetas[:5], X, y)
    assert values.shape == (5,) and grads.shape == (5, net.n_params)
    np.testing.assert_allclose(values, [v for v, _ in singles[:5]], rtol=1e-13)
    np.testing.assert_allclose(grads, [g for _, g in singles[:5]], rtol=1e-11, atol=1e-15)


def test_adam_learns_circle() -> None:
    """2-16-16-2 tanh, Adam lr 0.01, 500 full-batch steps on circle (500 points, 20 %
    held out): at least 95 % test accuracy."""
    train, test = circle(500, seed=0).split(0.2, seed=0)
    net = MLP((2, 16, 16, 2), "tanh")
    opt = make_optimizer("adam", lr=0.01)
    theta = net.init(0)
    state = opt.init(theta)
    for _ in range(500):
        _, grad = net.loss_and_grad(theta, train.X, train.y)
        theta, state = opt.update(grad, state, theta)
    accuracy = (net.predict(theta, test.X).argmax(axis=1) == test.y).mean()
    assert accuracy >= 0.95


def test_minibatch_sgd_with_the_whole_dataset_is_gd_bit_for_bit() -> None:
    data = circle(60, noise=0.2, seed=1)
    net = MLP((2, 8, 2), "tanh")
    opt = make_optimizer("gd", lr=0.1)
    full = batched = net.init(0)
    s_full, s_batched = opt.init(full), opt.init(batched)
    for step in range(50):
        idx = batch_at(step, data.n_samples, data.n_samples, seed=3)
        full, s_full = opt.update(net.loss_and_grad(full, data.X, data.y)[1], s_full, full)
        grad = net.loss_and_grad(batched, data.X[idx], data.y[idx])[1]
        batched, s_batched = opt.update(grad, s_batched, batched)
    np.testing.assert_array_equal(batched, full)


def test_one_epoch_of_minibatch_losses_averages_to_the_full_loss() -> None:
    data = circle(103, noise=0.2, seed=2)
    net = MLP((2, 8, 8, 2), "relu")
    theta = net.init(5)
    full_loss, full_grad = net.loss_and_grad(theta, data.X, data.y)
    batches = minibatches(data.n_samples, 16, seed=0, epoch=4)
    parts = [(len(b), *net.loss_and_grad(theta, data.X[b], data.y[b])) for b in batches]
    assert np.isclose(sum(n * v for n, v, _ in parts) / data.n_samples, full_loss,
                      rtol=1e-13)
    np.testing.assert_allclose(sum(n * g for n, _, g in parts) / data.n_samples, full_grad,
                               rtol=1e-11, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 60), batch=st.integers(1, 70), seed=st.integers(0, 2**32),
       epoch=st.integers(0, 5))
def test_minibatches_partition_each_epoch(n: int, batch: int, seed: int, epoch: int) -> None:
    batches = minibatches(n, batch, seed, epoch)
    sizes = [len(b) for b in batches]
    assert sizes[:-1] == [batch] * (len(batches) - 1) and 1 <= sizes[-1] <= batch
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))
    if batch >= n:
        assert len(batches) == 1
        np.testing.assert_array_equal(batches[0], np.arange(n))
    again = minibatches(n, batch, seed, epoch)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again, strict=True))
    for j, b in enumerate(batches):  # a global step maps to (epoch, batch in epoch)
        np.testing.assert_array_equal(batch_at(epoch * len(batches) + j, n, batch, seed), b)


def test_minibatches_reshuffle_each_epoch_and_cannot_be_mutated() -> None:
    first, second = minibatches(100, 10, 0, 0), minibatches(100, 10, 0, 1)
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))
    assert not np.array_equal(np.concatenate(first), np.concatenate(minibatches(100, 10, 1, 0)))
    with pytest.raises(ValueError):
        first[0][0] = 5
    with pytest.raises(ValueError):
        batch_at(-1, 10, 3, 0)
    with pytest.raises(ValueError):
        minibatches(10, 0, 0, 0)
