"""What the network views show, computed from a ``NetworkObjective`` and weight vectors.

Everything here is read-only maths over weights ``theta (p,)`` or a stack of them
``(k, p)``: train and test loss and accuracy along a recording, the class probabilities
over the data's plane (or the fitted curve of a regression), the gradient's size per
layer, and one sample's forward and backward pass written out layer by layer (the chain
rule with numbers). The window draws these; it computes none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gdviz.core.network import NetworkObjective

Array = npt.NDArray[np.float64]
Box = tuple[tuple[float, float], tuple[float, float]]
MARGIN = 0.15  # the data box reaches this share of the data's spread past it


@dataclass(frozen=True)
class Metrics:
    """Per weight vector ``(k,)``: mean train and test loss, and the share of correctly
    classified train and test samples (NaN for regression, which has no classes)."""

    train_loss: Array
    test_loss: Array
    train_accuracy: Array
    test_accuracy: Array


def metrics(objective: NetworkObjective, thetas: npt.ArrayLike) -> Metrics:
    """Train/test loss and accuracy of each of ``thetas (k, p)``."""
    thetas = np.asarray(thetas, dtype=np.float64).reshape(-1, objective.dim)
    values = []
    for data in (objective.train, objective.test):
        with np.errstate(all="ignore"):
            out = objective.mlp.forward(thetas, data.X).out
            loss = objective.mlp.loss_batch(thetas, data.X, data.y)
        if data.task == "classification":
            acc = (out.argmax(axis=-1) == data.y).mean(axis=-1)
        else:
            acc = np.full(len(thetas), np.nan)
        values.append((np.where(np.isfinite(loss), loss, np.nan), acc.astype(np.float64)))
    (train_loss, train_acc), (test_loss, test_acc) = values
    return Metrics(train_loss, test_loss, train_acc, test_acc)


class MetricsLog:
    """Metrics of one recording, computed once per step: ``at(steps, thetas)`` reuses
    every step it has seen since the last ``clear`` (a recording only ever grows between
    clears; a branch or restart clears it)."""

    def __init__(self, objective: NetworkObjective) -> None:
        self.objective = objective
        self._known: dict[int, tuple[float, float, float, float]] = {}

    def clear(self) -> None:
        self._known.clear()

    def at(self, steps: npt.ArrayLike, thetas: npt.ArrayLike) -> Metrics:
        steps = np.asarray(steps, dtype=np.int64)
        thetas = np.asarray(thetas, dtype=np.float64).reshape(len(steps), -1)
        missing = [i for i, s in enumerate(steps.tolist()) if s not in self._known]
        if missing:
            new = metrics(self.objective, thetas[missing])
            for j, i in enumerate(missing):
                self._known[int(steps[i])] = (new.train_loss[j], new.test_loss[j],
                                              new.train_accuracy[j], new.test_accuracy[j])
        table = np.array([self._known[int(s)] for s in steps], dtype=np.float64)
        table = table.reshape(-1, 4)
        return Metrics(*(table[:, c].copy() for c in range(4)))


def epochs(steps: npt.ArrayLike, n_train: int, batch_size: int | None) -> Array:
    """Epochs done after each step: steps × batch / n_train (full batches: one per step)."""
    per_step = 1.0 if batch_size is None else min(int(batch_size), n_train) / n_train
    out: Array = np.asarray(steps, dtype=np.float64) * per_step
    return out


def data_box(objective: NetworkObjective) -> Box:
    """The box the data view shows: the inputs' plane (classification) or x and the
    target (regression), with a margin around all samples, train and test."""
    X = np.vstack([objective.train.X, objective.test.X])
    if objective.train.task == "classification":
        cols = X[:, 0], X[:, 1]
    else:
        y = np.vstack([objective.train.y, objective.test.y]).astype(np.float64)
        cols = X[:, 0], y[:, 0]
    box = []
    for c in cols:
        lo, hi = float(np.min(c)), float(np.max(c))
        pad = MARGIN * max(hi - lo, 1e-9)
        box.append((lo - pad, hi + pad))
    return box[0], box[1]


def class_field(objective: NetworkObjective, theta: npt.ArrayLike, box: Box,
                res: int) -> tuple[Array, Array, Array]:
    """The network's class probabilities over a res×res grid of the input plane:
    ``xs (res,)``, ``ys (res,)`` and ``probs (res, res, classes)`` with row i ↔ ys[i]."""
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    with np.errstate(all="ignore"):
        probs = objective.mlp.predict(np.asarray(theta, dtype=np.float64), points)
    return xs, ys, probs.reshape(res, res, -1)


def fitted_curve(objective: NetworkObjective, theta: npt.ArrayLike,
                 x_range: tuple[float, float], res: int) -> tuple[Array, Array]:
    """A regression network's output over ``x_range``: ``xs (res,)``, ``y (res,)``."""
    xs = np.linspace(x_range[0], x_range[1], res)
    with np.errstate(all="ignore"):
        out = objective.mlp.predict(np.asarray(theta, dtype=np.float64), xs[:, None])
    return xs, out[:, 0]


def layer_grad_norms(objective: NetworkObjective, grad: npt.ArrayLike) -> list[float]:
    """‖∂L/∂θ‖ of each layer's weights and bias together, in layer order."""
    return [float(np.sqrt(np.sum(dW * dW) + np.sum(db * db)))
            for dW, db in objective.mlp.unflatten(np.asarray(grad, dtype=np.float64))]


@dataclass(frozen=True)
class Trace:
    """One sample through the network, forward then backward, per layer l = 0, 1, …:

    ``a[l] (fan_in,)`` enters layer l (``a[0]`` is the input x), ``z[l] (fan_out,)`` =
    a[l]·W + b leaves it; ``out`` is the head applied to the last z (softmax probabilities,
    or the output itself for mse); ``loss`` the sample's loss against ``target``;
    ``delta[l] = ∂L/∂z[l]`` and ``dW[l] = a[l] ⊗ delta[l]``, ``db[l] = delta[l]``: the
    gradient this one sample contributes (the training gradient is their mean)."""

    sample: int
    on: str
    x: Array
    target: Array
    z: tuple[Array, ...]
    a: tuple[Array, ...]
    out: Array
    loss: float
    delta: tuple[Array, ...]
    dW: tuple[Array, ...]
    db: tuple[Array, ...]


def trace(objective: NetworkObjective, theta: npt.ArrayLike, sample: int,
          on: str = "train") -> Trace:
    """Forward and backward pass of sample ``sample`` of the ``on`` ("train"/"test") set."""
    data = objective.train if on == "train" else objective.test
    if not 0 <= sample < data.n_samples:
        raise ValueError(f"sample must be in 0..{data.n_samples - 1}, got {sample}")
    mlp = objective.mlp
    X, y = data.X[sample:sample + 1], data.y[sample:sample + 1]
    theta = np.asarray(theta, dtype=np.float64)
    with np.errstate(all="ignore"):
        cache = mlp.forward(theta, X)
        loss = float(mlp.loss_batch(theta, X, y)[0])
        grads = mlp.backward(cache, y)
    return Trace(
        sample=sample, on=on, x=X[0].copy(), target=np.atleast_1d(np.asarray(y[0])),
        z=tuple(z[0] for z in cache.z), a=tuple(a[0] for a in cache.a),
        out=cache.out[0], loss=loss, delta=tuple(g.dz[0] for g in grads),
        dW=tuple(g.dW for g in grads), db=tuple(g.db for g in grads))
