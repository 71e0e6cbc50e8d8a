"""What the network views show, computed from a ``NetworkObjective`` and weight vectors.

Everything here is read-only maths over weights ``theta (p,)`` or a stack of them
``(k, p)``: train and test loss and accuracy along a recording, the class probabilities
over the data's plane (or the fitted curve of a regression), the gradient's size per
layer, and one sample's forward and backward pass written out layer by layer (the chain
rule with numbers). The window draws these; it computes none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from gdviz.core import minibatch
from gdviz.core.datasets import Dataset
from gdviz.core.mlp import LEAKY_SLOPE, LOSSES, MLP
from gdviz.core.network import NetworkObjective

Array = npt.NDArray[np.float64]
Box = tuple[tuple[float, float], tuple[float, float]]
MARGIN = 0.15  # the data box reaches this share of the data's spread past it

# the chain rule's links written out: f′(z) of each activation (a = f(z)), and δ of the
# output layer, ∂L/∂z for one sample, of each loss head (m outputs)
DERIVATIVES: dict[str, str] = {
    "relu": "1 if z > 0 else 0",
    "leaky_relu": f"1 if z > 0 else {LEAKY_SLOPE}",
    "tanh": "1 − tanh²(z) = 1 − a²",
    "sigmoid": "σ(z)·(1 − σ(z)) = a·(1 − a)",
    "linear": "1",
}
OUTPUT_DELTAS: dict[str, str] = {
    "cross_entropy": "p − onehot(y)",
    "mse": "2·(ŷ − y) / m",
}


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
            loss = objective.mlp.loss_batch(thetas, data.X, _targets(data))
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


def steps_per_epoch(n_train: int, batch_size: int | None) -> int:
    """Updates that take one pass over the training set: ⌈n_train / batch⌉ (1 for full
    batches)."""
    if batch_size is None:
        return 1
    return -(-int(n_train) // max(1, min(int(batch_size), int(n_train))))


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

    @property
    def predicted(self) -> int:
        """The output unit with the largest value: a classifier's predicted class."""
        return int(np.argmax(self.out))

    @property
    def dW_norms(self) -> list[float]:
        """‖∂L/∂W‖ of each layer for this sample, in layer order."""
        return [float(np.sqrt(np.sum(dW * dW))) for dW in self.dW]


def _data(objective: NetworkObjective, on: str) -> Dataset:
    if on not in ("train", "test"):
        raise ValueError(f"on must be 'train' or 'test', got {on!r}")
    return objective.train if on == "train" else objective.test


def _targets(data: Dataset) -> Array:
    """``data.y`` as the MLP takes it: int labels or float targets, typed as one array."""
    return cast(Array, data.y)


def sample_losses(objective: NetworkObjective, theta: npt.ArrayLike,
                  on: str = "train") -> Array:
    """The loss ``(n,)`` of each sample of the ``on`` set alone (their mean is the loss)."""
    data = _data(objective, on)
    mlp = objective.mlp
    value = LOSSES[mlp.loss].value
    y = _targets(data)
    with np.errstate(all="ignore"):
        z = mlp.forward(np.asarray(theta, dtype=np.float64), data.X).z[-1]
        losses = [value(z[i:i + 1], y[i:i + 1]) for i in range(data.n_samples)]
    return np.asarray(losses, dtype=np.float64)


def hardest_sample(objective: NetworkObjective, theta: npt.ArrayLike,
                   on: str = "train") -> int:
    """The sample of the ``on`` set with the largest loss (a non-finite loss counts as
    the largest; the first of equals)."""
    losses = sample_losses(objective, theta, on)
    return int(np.argmax(np.where(np.isfinite(losses), losses, np.inf)))


def trace(objective: NetworkObjective, theta: npt.ArrayLike, sample: int,
          on: str = "train") -> Trace:
    """Forward and backward pass of sample ``sample`` of the ``on`` ("train"/"test") set."""
    data = _data(objective, on)
    if not 0 <= sample < data.n_samples:
        raise ValueError(f"sample must be in 0..{data.n_samples - 1}, got {sample}")
    mlp = objective.mlp
    X, y = data.X[sample:sample + 1], _targets(data)[sample:sample + 1]
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


# ---- one weight's gradient along the chain rule ---------------------------------------------
@dataclass(frozen=True)
class Weight:
    """Where weight k of the flat vector sits: ``layer`` (0-based) and, for a W entry,
    ``row`` (the input unit) and ``col`` (the unit it feeds); a bias has ``row`` None."""

    k: int
    layer: int
    row: int | None
    col: int

    @property
    def label(self) -> str:
        """Layers counted from 1 as in the texts: "W¹[0, 3]" or "b²[1]"."""
        sup = str(self.layer + 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        return f"b{sup}[{self.col}]" if self.row is None else f"W{sup}[{self.row}, {self.col}]"


def weight_at(mlp: MLP, layer: int, row: int | None, col: int) -> Weight:
    """The weight of ``layer`` from unit ``row`` (None: the bias) to unit ``col``."""
    shapes = mlp.shapes
    if not 0 <= layer < len(shapes):
        raise ValueError(f"layer must be in 0..{len(shapes) - 1}, got {layer}")
    fan_in, fan_out = shapes[layer]
    if not 0 <= col < fan_out or (row is not None and not 0 <= row < fan_in):
        raise ValueError(f"layer {layer} maps {fan_in} units to {fan_out}: no weight "
                         f"({row}, {col})")
    start = sum((i + 1) * o for i, o in shapes[:layer])
    k = start + fan_in * fan_out + col if row is None else start + row * fan_out + col
    return Weight(k, layer, row, col)


def batch_index(objective: NetworkObjective, optimizer: str, hyper: dict[str, object],
                step: int, seed: int) -> npt.NDArray[np.int64]:
    """The training samples the update that leaves ``step`` averages over: the seeded
    minibatch of sgd, else the whole training set."""
    return minibatch.batch_index(step, objective.train.n_samples,
                                 objective.batch_size(optimizer, hyper), seed)


@dataclass(frozen=True)
class ChainTerms:
    """∂L/∂w for one weight w = W[row, col] of a layer, sample by sample: the chain rule
    gives ``a[row] · δ[col]`` (the input the weight multiplies times ∂L/∂z of the unit it
    feeds; a bias multiplies 1), and the gradient is their mean over the samples:
    ``grad = mean(a · delta)``."""

    weight: Weight
    samples: npt.NDArray[np.int64]
    a: Array
    delta: Array
    grad: float


def chain_terms(objective: NetworkObjective, theta: npt.ArrayLike, weight: Weight,
                samples: npt.NDArray[np.int64]) -> ChainTerms:
    """The chain-rule terms of ``weight`` at ``theta (p,)`` over training ``samples``."""
    X = objective.train.X[samples]
    y = cast(Array, objective.train.y[samples])  # int labels or float targets, as the MLP takes
    mlp = objective.mlp
    with np.errstate(all="ignore"):
        cache = mlp.forward(np.asarray(theta, dtype=np.float64), X)
        grads = mlp.backward(cache, y)
    # the mean loss's δ carries a 1/n; the per-sample δ is n times it
    delta = grads[weight.layer].dz[:, weight.col] * len(samples)
    a = (np.ones(len(samples)) if weight.row is None
         else cache.a[weight.layer][:, weight.row])
    return ChainTerms(weight, samples, a, delta, float(np.mean(a * delta)))
