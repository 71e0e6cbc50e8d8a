"""Network readouts: metrics along a recording, the data box, class probabilities, the
gradient per layer, per-sample losses and one sample's forward and backward pass."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.core import network_read as nr
from gdviz.core.mlp import ACTIVATIONS, LOSSES
from gdviz.core.network import NetworkObjective, NetworkSpec

SPIRAL = NetworkSpec("spiral", (2, 8, 6, 3), options={"n_samples": 60, "classes": 3})
WAVE = NetworkSpec("wave", (1, 8, 1), "sigmoid", "mse", options={"n_samples": 40})


def objective(spec: NetworkSpec = SPIRAL) -> NetworkObjective:
    return spec.build(seed=0)


def thetas(obj: NetworkObjective, k: int) -> np.ndarray:
    """k weight vectors ``(k, p)``: the start and k − 1 random ones."""
    rng = np.random.default_rng(1)
    start = np.asarray(obj.start)
    return np.vstack([start] + [start + rng.normal(0, 0.5, obj.dim) for _ in range(k - 1)])


def test_metrics_equal_the_network_computed_directly() -> None:
    obj = objective()
    ts = thetas(obj, 3)
    m = nr.metrics(obj, ts)
    for j, theta in enumerate(ts):
        for data, loss, acc in ((obj.train, m.train_loss, m.train_accuracy),
                                (obj.test, m.test_loss, m.test_accuracy)):
            assert loss[j] == pytest.approx(obj.mlp.loss_and_grad(theta, data.X, data.y)[0],
                                            rel=1e-12)
            probs = obj.mlp.predict(theta, data.X)
            assert acc[j] == np.mean(probs.argmax(axis=1) == data.y)
    wave = objective(WAVE)
    mw = nr.metrics(wave, thetas(wave, 2))
    assert np.isnan(mw.train_accuracy).all() and np.isnan(mw.test_accuracy).all()
    assert mw.test_loss[0] == pytest.approx(wave.test_loss(np.asarray(wave.start)))


def test_a_non_finite_loss_is_nan() -> None:
    obj = objective()
    bad = np.full(obj.dim, np.inf)
    assert np.isnan(nr.metrics(obj, bad).train_loss[0])


def test_metrics_log_reuses_known_steps_and_extends_with_new_ones() -> None:
    obj = objective()
    ts = thetas(obj, 4)
    log = nr.MetricsLog(obj)
    first = log.at([0, 1], ts[:2])
    np.testing.assert_array_equal(first.train_loss, nr.metrics(obj, ts[:2]).train_loss)
    # steps 0 and 1 are known: other weights given for them are not looked at
    grown = log.at([0, 1, 2, 3], np.vstack([ts[2:], ts[2:]]))
    np.testing.assert_array_equal(grown.train_loss[:2], first.train_loss)
    np.testing.assert_array_equal(grown.test_accuracy[2:],
                                  nr.metrics(obj, ts[2:]).test_accuracy)
    log.clear()
    again = log.at([0], ts[3:])
    assert again.train_loss[0] == nr.metrics(obj, ts[3:]).train_loss[0]


def test_epochs_count_batches_over_the_training_set() -> None:
    np.testing.assert_array_equal(nr.epochs([0, 1, 5], 240, None), [0, 1, 5])
    np.testing.assert_allclose(nr.epochs([0, 3, 15], 240, 16), [0, 0.2, 1.0])
    np.testing.assert_array_equal(nr.epochs([2], 10, 50), [2.0])  # a batch past n is n


def test_the_data_box_holds_every_point_with_a_margin() -> None:
    for spec in (SPIRAL, WAVE):
        obj = objective(spec)
        (x0, x1), (y0, y1) = nr.data_box(obj)
        X = np.vstack([obj.train.X, obj.test.X])
        ys = X[:, 1] if spec is SPIRAL else np.vstack([obj.train.y, obj.test.y])[:, 0]
        assert x0 < X[:, 0].min() and X[:, 0].max() < x1
        assert y0 < ys.min() and ys.max() < y1
        spread = X[:, 0].max() - X[:, 0].min()
        assert X[:, 0].min() - x0 == pytest.approx(nr.MARGIN * spread)


def test_class_field_rows_follow_y_and_probabilities_sum_to_one() -> None:
    obj = objective()
    theta = thetas(obj, 2)[1]
    box = ((-1.0, 2.0), (-3.0, 1.0))
    xs, ys, probs = nr.class_field(obj, theta, box, 7)
    assert probs.shape == (7, 7, 3)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(xs, np.linspace(-1, 2, 7))
    np.testing.assert_array_equal(ys, np.linspace(-3, 1, 7))
    point = np.array([[xs[5], ys[2]]])  # row 2 ↔ ys[2], column 5 ↔ xs[5]
    np.testing.assert_allclose(probs[2, 5], obj.mlp.predict(theta, point)[0], rtol=1e-12)


def test_fitted_curve_is_the_networks_output() -> None:
    obj = objective(WAVE)
    theta = np.asarray(obj.start)
    xs, y = nr.fitted_curve(obj, theta, (-1.0, 1.0), 5)
    np.testing.assert_allclose(y, obj.mlp.predict(theta, xs[:, None])[:, 0])


def test_layer_grad_norms_split_the_gradient_by_layer() -> None:
    obj = objective()
    theta = thetas(obj, 2)[1]
    _, grad = obj.mlp.loss_and_grad(theta, obj.train.X, obj.train.y)
    norms = nr.layer_grad_norms(obj, grad)
    sizes = [(fi + 1) * fo for fi, fo in obj.mlp.shapes]
    parts = np.split(grad, np.cumsum(sizes)[:-1])
    np.testing.assert_allclose(norms, [np.linalg.norm(p) for p in parts], rtol=1e-12)
    assert np.linalg.norm(norms) == pytest.approx(np.linalg.norm(grad))


def loss_from_z(obj: NetworkObjective, theta: np.ndarray, layer: int, z: np.ndarray,
                target: np.ndarray) -> float:
    """One sample's loss as a function of ``z`` leaving ``layer``, written out here."""
    act = ACTIVATIONS[obj.mlp.activation].forward
    for W, b in obj.mlp.unflatten(theta)[layer + 1:]:
        z = act(z) @ W + b
    if obj.mlp.loss == "cross_entropy":
        return float(np.log(np.sum(np.exp(z))) - z[int(target[0])])
    return float(np.mean((z - target) ** 2))


@pytest.mark.parametrize("spec", [SPIRAL, WAVE], ids=["spiral", "wave"])
def test_trace_delta_is_the_derivative_of_the_sample_loss_in_z(spec: NetworkSpec) -> None:
    obj = objective(spec)
    theta = thetas(obj, 2)[1]
    tr = nr.trace(obj, theta, 3, "test")
    np.testing.assert_array_equal(tr.x, obj.test.X[3])
    assert tr.loss == pytest.approx(loss_from_z(obj, theta, len(tr.z) - 1, tr.z[-1],
                                                tr.target), rel=1e-12)
    h = 1e-6
    for layer, z in enumerate(tr.z):
        numeric = [(loss_from_z(obj, theta, layer, z + h * e, tr.target)
                    - loss_from_z(obj, theta, layer, z - h * e, tr.target)) / (2 * h)
                   for e in np.eye(len(z))]
        np.testing.assert_allclose(tr.delta[layer], numeric, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(tr.dW[layer], np.outer(tr.a[layer], tr.delta[layer]))
        np.testing.assert_array_equal(tr.db[layer], tr.delta[layer])
        assert tr.dW_norms[layer] == pytest.approx(np.linalg.norm(tr.dW[layer]))
    assert tr.out[tr.predicted] == tr.out.max()


def test_the_mean_of_the_samples_gradients_is_the_training_gradient() -> None:
    obj = objective()
    theta = thetas(obj, 2)[1]
    n = obj.train.n_samples
    total = sum(obj.mlp.flatten(list(zip(t.dW, t.db, strict=True)))
                for t in (nr.trace(obj, theta, s) for s in range(n)))
    _, grad = obj.value_and_grad(theta)
    np.testing.assert_allclose(total, n * grad, rtol=1e-9, atol=1e-12)


def test_sample_losses_average_to_the_loss_and_name_the_hardest_sample() -> None:
    for spec in (SPIRAL, WAVE):
        obj = objective(spec)
        theta = thetas(obj, 2)[1]
        losses = nr.sample_losses(obj, theta, "train")
        assert losses.shape == (obj.train.n_samples,)
        assert losses.mean() == pytest.approx(float(obj.value(theta)), rel=1e-12)
        assert losses[7] == pytest.approx(nr.trace(obj, theta, 7).loss, rel=1e-12)
        hardest = nr.hardest_sample(obj, theta, "test")
        assert hardest == int(np.argmax(nr.sample_losses(obj, theta, "test")))
    with pytest.raises(ValueError, match="train' or 'test"):
        nr.sample_losses(obj, theta, "validation")
    with pytest.raises(ValueError, match="sample must be in"):
        nr.trace(obj, theta, obj.test.n_samples, "test")


def test_the_chain_rule_formulas_cover_every_activation_and_loss() -> None:
    assert set(nr.DERIVATIVES) == set(ACTIVATIONS)
    assert set(nr.OUTPUT_DELTAS) == set(LOSSES)
