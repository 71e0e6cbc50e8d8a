"""A small numpy multilayer perceptron, written the way backpropagation is taught.

A network with sizes ``(d_in, h1, …, d_out)`` has one dense layer per consecutive pair.
Layer l maps ``a_prev (n, fan_in)`` to ``z = a_prev @ W + b`` with ``W (fan_in, fan_out)``
and ``b (fan_out,)``; hidden layers then apply the activation, ``a = act(z)``, and the
last layer feeds the loss head: softmax + cross-entropy, or the identity + squared error.
Every forward piece below has its backward right next to it: given ``dz = ∂L/∂z`` a dense
layer returns ``dW = a_prevᵀ·dz``, ``db = Σₙ dz`` and ``da_prev = dz·Wᵀ``, and an
activation turns ``da = ∂L/∂a`` into ``dz = da ⊙ act′(z)`` (the chain rule, one link each).

All functions also take a stack of weight vectors ``thetas (k, p)``: every array then gains a
leading ``k`` axis (``W (k, fan_in, fan_out)``, ``z (k, n, fan_out)``, loss ``(k,)``), which is
how :mod:`gdviz.core.slices` evaluates a whole grid of networks with batched matmuls.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Index = npt.NDArray[np.int64]
Layers = list[tuple[Array, Array]]

MAX_HIDDEN_LAYERS, MAX_UNITS = 6, 32
LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's default negative_slope
_CHUNK_FLOATS = 2**17  # batched evaluation works on ~1 MB of activations at a time (in cache)


# ---- dense layer -----------------------------------------------------------------------
def dense(a_prev: Array, W: Array, b: Array) -> Array:
    """z = a_prev·W + b: ``(…, n, fan_in) -> (…, n, fan_out)``."""
    z = a_prev @ W
    z += b[..., None, :]
    return z


def dense_backward(dz: Array, a_prev: Array, W: Array) -> tuple[Array, Array, Array]:
    """From ``dz (…, n, fan_out)`` to ``dW (…, fan_in, fan_out)``, ``db (…, fan_out)`` and
    ``da_prev (…, n, fan_in)``."""
    dW = a_prev.mT @ dz
    db = dz.sum(axis=-2)
    da_prev = dz @ W.mT
    return dW, db, da_prev


# ---- activations: a = f(z), and dz = da ⊙ f′(z) from (da, z, a) ------------------------
class Activation(NamedTuple):
    name: str
    formula: str
    forward: Callable[[Array], Array]
    backward: Callable[[Array, Array, Array], Array]


def _sigmoid(z: Array) -> Array:
    with np.errstate(over="ignore"):  # exp(−z) = inf for z < −709 gives σ = 0, as it should
        return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("relu", "max(0, z)", lambda z: np.maximum(z, 0.0),
                   lambda da, z, a: da * (z > 0)),
        Activation("leaky_relu", f"z if z > 0 else {LEAKY_SLOPE}·z",
                   lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
                   lambda da, z, a: np.where(z > 0, da, LEAKY_SLOPE * da)),
        Activation("tanh", "tanh(z)", np.tanh,
                   lambda da, z, a: da * (1.0 - a * a)),
        Activation("sigmoid", "1 / (1 + e^(−z))", _sigmoid,
                   lambda da, z, a: da * a * (1.0 - a)),
        Activation("linear", "z", lambda z: z,
                   lambda da, z, a: da),
    )
}


# ---- loss heads: outputs = head(z), the loss L(z, y), and dz = ∂L/∂z from (outputs, y) -----
def _logsumexp(z: Array) -> Array:
    """log Σⱼ exp(zⱼ) over the last (class) axis, ``(…, c) -> (…)``, shifted by the max so that
    exp never overflows. One elementwise call per class: numpy's reductions over a short
    last axis cost tens of nanoseconds per row."""
    cols = [z[..., j] for j in range(z.shape[-1])]
    m = functools.reduce(np.maximum, cols)
    total = functools.reduce(np.add, [np.exp(c - m) for c in cols])
    lse: Array = m + np.log(total)
    return lse


def _ce_loss(z: Array, y: Array) -> Array:
    """−mean log softmax(z)[y] = mean(logsumexp(z) − z[y]): ``z (…, n, c)``, ``y (n,)`` ->
    ``(…)``."""
    z_true = z[..., np.arange(y.shape[0]), y]
    loss: Array = (_logsumexp(z) - z_true).mean(axis=-1)
    return loss


def _ce_backward(probs: Array, y: Array) -> Array:
    """∂L/∂z = (softmax(z) − onehot(y)) / n."""
    n = y.shape[0]
    dz = probs.copy()
    dz[..., np.arange(n), y] -= 1.0
    dz /= n
    return dz


def _mse_loss(z: Array, y: Array) -> Array:
    """mean (z − y)² over samples and outputs: ``z (…, n, m)``, ``y (n, m)`` -> ``(…)``."""
    err = z - y
    loss: Array = (err * err).mean(axis=(-2, -1))
    return loss


def _mse_backward(out: Array, y: Array) -> Array:
    """∂L/∂z = 2(z − y) / (n·m)."""
    return (out - y) * (2.0 / y.size)


class Loss(NamedTuple):
    name: str
    formula: str
    head: Callable[[Array], Array]
    value: Callable[[Array, Array], Array]
    backward: Callable[[Array, Array], Array]


LOSSES: dict[str, Loss] = {
    "cross_entropy": Loss("cross_entropy", "L = −(1/n) Σᵢ log softmax(zᵢ)[yᵢ]",
                          lambda z: np.exp(z - _logsumexp(z)[..., None]), _ce_loss,
                          _ce_backward),
    "mse": Loss("mse", "L = (1/(n·m)) Σᵢⱼ (zᵢⱼ − yᵢⱼ)²",
                lambda z: z, _mse_loss, _mse_backward),
}


class LayerGrad(NamedTuple):
    """``dW (…, fan_in, fan_out)``, ``db (…, fan_out)``, ``dz = ∂L/∂z (…, n, fan_out)`` (δ)."""

    dW: Array
    db: Array
    dz: Array


@dataclass(frozen=True, eq=False)
class Cache:
    """What a forward pass computed, for backward and for a step-through view.

    ``layers`` are the weights used. Layer l (0-based) reads ``a[l] (…, n, fan_in)`` and
    computes ``z[l] (…, n, fan_out)``: ``a[0]`` is the input X, ``a[l + 1] = act(z[l])``
    for the hidden layers, and ``out`` is the head applied to the last z: softmax
    probabilities for cross_entropy, the raw outputs for mse (computed when first read).
    """

    layers: Layers
    z: tuple[Array, ...]
    a: tuple[Array, ...]
    head: Callable[[Array], Array] = field(repr=False)

    @functools.cached_property
    def out(self) -> Array:
        return self.head(self.z[-1])


@dataclass(frozen=True)
class MLP:
    """A fully connected network ``sizes = (d_in, h1, …, d_out)``, e.g. ``(2, 16, 16, 2)``.

    ``init`` draws torch's ``nn.Linear`` default: W and b uniform in ±1/√fan_in.
    Targets ``y``: integer class labels ``(n,)`` in ``0..d_out−1`` for cross_entropy;
    floats ``(n, d_out)`` (or ``(n,)`` when d_out = 1) for mse.
    """

    sizes: tuple[int, ...]
    activation: str = "tanh"
    loss: str = "cross_entropy"

    def __post_init__(self) -> None:
        sizes = tuple(self.sizes)
        object.__setattr__(self, "sizes", sizes)
        if any(isinstance(s, bool) or not isinstance(s, int | np.integer) for s in sizes):
            raise ValueError(f"layer sizes must be whole numbers, got {sizes!r}")
        if not 1 <= len(sizes) - 2 <= MAX_HIDDEN_LAYERS:
            raise ValueError(f"a network needs 1 to {MAX_HIDDEN_LAYERS} hidden layers, "
                             f"got {len(sizes) - 2} in {sizes}")
        if sizes[0] < 1 or sizes[-1] < 1:
            raise ValueError(f"input and output sizes must be at least 1, got {sizes}")
        if any(not 1 <= h <= MAX_UNITS for h in sizes[1:-1]):
            raise ValueError(f"hidden layers need 1 to {MAX_UNITS} units, got {sizes[1:-1]}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; "
                             f"choose one of: {', '.join(ACTIVATIONS)}")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; choose one of: {', '.join(LOSSES)}")
        if self.loss == "cross_entropy" and sizes[-1] < 2:
            raise ValueError("cross_entropy needs one output per class, at least 2")

    @property
    def shapes(self) -> list[tuple[int, int]]:
        """``(fan_in, fan_out)`` of each layer."""
        return list(zip(self.sizes[:-1], self.sizes[1:], strict=True))

    @property
    def n_params(self) -> int:
        return sum((fan_in + 1) * fan_out for fan_in, fan_out in self.shapes)

    # ---- parameters --------------------------------------------------------------------
    def init(self, seed: int) -> Array:
        """A fresh ``theta (p,)``: per layer W then b, each U(−1/√fan_in, 1/√fan_in)."""
        rng = np.random.default_rng(seed)
        parts = []
        for fan_in, fan_out in self.shapes:
            bound = 1.0 / math.sqrt(fan_in)
            parts.append(rng.uniform(-bound, bound, fan_in * fan_out + fan_out))
        return np.concatenate(parts)

    def unflatten(self, theta: Array) -> Layers:
        """``theta (…, p)`` -> ``[(W (…, fan_in, fan_out), b (…, fan_out)), …]`` as views."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape[-1:] != (self.n_params,):
            raise ValueError(f"theta must have {self.n_params} values in its last axis for "
                             f"sizes {self.sizes}, got shape {theta.shape}")
        lead, layers, start = theta.shape[:-1], [], 0
        for fan_in, fan_out in self.shapes:
            stop = start + fan_in * fan_out
            W = theta[..., start:stop].reshape(*lead, fan_in, fan_out)
            layers.append((W, theta[..., stop:stop + fan_out]))
            start = stop + fan_out
        return layers

    def flatten(self, layers: Sequence[tuple[Array, Array]]) -> Array:
        """The inverse of :meth:`unflatten`: layer by layer, W row-major then b."""
        return np.concatenate([part for W, b in layers
                               for part in (W.reshape(*W.shape[:-2], -1), b)], axis=-1)

    # ---- forward and backward ------------------------------------------------------------
    def forward(self, theta: Array, X: Array) -> Cache:
        """The forward pass of ``X (n, d_in)`` through ``theta (…, p)``."""
        act = ACTIVATIONS[self.activation]
        layers = self.unflatten(theta)
        a = [_inputs(X, self.sizes[0])]
        z = [dense(a[0], *layers[0])]
        for W, b in layers[1:]:
            a.append(act.forward(z[-1]))
            z.append(dense(a[-1], W, b))
        return Cache(layers, tuple(z), tuple(a), LOSSES[self.loss].head)

    def backward(self, cache: Cache, y: Array) -> list[LayerGrad]:
        """Gradients of the mean loss per layer, in layer order, from a forward ``cache``."""
        return self._backward(cache, self._targets(y, cache.a[0].shape[0]))

    def _backward(self, cache: Cache, y: Array) -> list[LayerGrad]:
        act = ACTIVATIONS[self.activation]
        dz = LOSSES[self.loss].backward(cache.out, y)
        grads: list[LayerGrad] = []
        for l in reversed(range(len(cache.layers))):
            dW, db, da_prev = dense_backward(dz, cache.a[l], cache.layers[l][0])
            grads.append(LayerGrad(dW, db, dz))
            if l > 0:
                dz = act.backward(da_prev, cache.z[l - 1], cache.a[l])
        return grads[::-1]

    def loss_and_grad(self, theta: Array, X: Array, y: Array) -> tuple[float, Array]:
        """The mean loss over the samples and its gradient ``(p,)`` at ``theta (p,)``."""
        value, grad = self.loss_and_grad_batch(theta, X, y)
        return float(value), grad

    def loss_and_grad_batch(self, thetas: Array, X: Array, y: Array) -> tuple[Array, Array]:
        """Losses ``(…)`` and gradients ``(…, p)`` of a stack of weight vectors ``(…, p)``."""
        cache = self.forward(thetas, X)
        y = self._targets(y, cache.a[0].shape[0])
        value = LOSSES[self.loss].value(cache.z[-1], y)
        grads = self._backward(cache, y)
        return value, self.flatten([(g.dW, g.db) for g in grads])

    def loss_batch(self, thetas: Array, X: Array, y: Array) -> Array:
        """The loss ``(k,)`` at each of ``thetas (k, p)``, in chunks that stay in cache."""
        thetas = np.asarray(thetas, dtype=np.float64).reshape(-1, self.n_params)
        X = _inputs(X, self.sizes[0])
        y = self._targets(y, X.shape[0])
        value = LOSSES[self.loss].value
        step = max(1, _CHUNK_FLOATS // (X.shape[0] * max(self.sizes)))
        out = np.empty(thetas.shape[0])
        for start in range(0, thetas.shape[0], step):
            z = self.forward(thetas[start:start + step], X).z[-1]
            out[start:start + step] = value(z, y)
        return out

    def predict(self, theta: Array, X: Array) -> Array:
        """Class probabilities ``(…, n, d_out)`` (cross_entropy) or outputs (mse)."""
        return self.forward(theta, X).out

    def _targets(self, y: Array, n: int) -> Array:
        """``y`` checked against the loss and ``n`` samples, in the dtype the loss uses."""
        y = np.asarray(y)
        if self.loss == "cross_entropy":
            if y.shape != (n,) or y.dtype.kind not in "iu":
                raise ValueError(f"cross_entropy needs integer labels of shape ({n},), "
                                 f"got {y.dtype} {y.shape}")
            if n and (y.min() < 0 or y.max() >= self.sizes[-1]):
                raise ValueError(f"labels must be in 0..{self.sizes[-1] - 1}")
            return y
        m = self.sizes[-1]
        if y.shape == (n,) and m == 1:
            y = y.reshape(n, 1)
        if y.shape != (n, m):
            raise ValueError(f"mse needs targets of shape ({n}, {m}), got {y.shape}")
        return y.astype(np.float64, copy=False)


def _inputs(X: Array, d_in: int) -> Array:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != d_in or not len(X):
        raise ValueError(f"X must have shape (n, {d_in}) with n >= 1, got {X.shape}")
    return X


# ---- minibatches ---------------------------------------------------------------------------
def minibatches(n_samples: int, batch_size: int, seed: int, epoch: int) -> list[Index]:
    """The index arrays of one epoch: a fresh seeded shuffle of ``range(n_samples)`` cut into
    batches of ``batch_size`` (the last may be smaller). A pure function of its arguments.

    ``batch_size >= n_samples`` gives one batch of all indices in their original order, so
    that minibatch SGD with the whole dataset is exactly full-batch gradient descent.
    """
    order = _epoch_order(n_samples, batch_size, seed, epoch)
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]


def batch_at(step: int, n_samples: int, batch_size: int, seed: int) -> Index:
    """The batch used by update ``step`` (0-based, counted over all epochs): batch
    ``step % b`` of epoch ``step // b``, b = ⌈n_samples / batch_size⌉ batches per epoch.
    A run resumed at any step therefore draws the same batches."""
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    per_epoch = -(-n_samples // max(batch_size, 1))
    epoch, j = divmod(step, max(per_epoch, 1))
    order = _epoch_order(n_samples, batch_size, seed, epoch)
    return order[j * batch_size:(j + 1) * batch_size]


@functools.lru_cache(maxsize=8)
def _epoch_order(n_samples: int, batch_size: int, seed: int, epoch: int) -> Index:
    """Every index, in the order the epoch visits them (read-only: it is shared)."""
    if n_samples < 1 or batch_size < 1 or epoch < 0 or seed < 0:
        raise ValueError(f"need n_samples >= 1, batch_size >= 1, seed >= 0 and epoch >= 0; got "
                         f"{n_samples}, {batch_size}, {seed}, {epoch}")
    order = (np.random.default_rng([seed, epoch]).permutation(n_samples)
             if batch_size < n_samples else np.arange(n_samples, dtype=np.int64))
    order.flags.writeable = False
    return order
