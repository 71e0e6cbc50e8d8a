"""The losses of the data landscapes: a linear model's mean loss over samples.

A point ``θ = (w₁ … w_d, b)`` of ``dim = d + 1`` parameters scores sample ``i`` (features
``xᵢ (d,)``) with ``zᵢ = w·xᵢ + b``, i.e. ``z = θ·aᵢ`` with ``aᵢ = (xᵢ, 1)``, the rows of
the design matrix ``A (m, dim)``. Two losses, each the mean over the ``m`` samples:

- ``mse`` (regression, targets ``y``): ``L = (1/m) Σ (zᵢ − yᵢ)²``,
  ``∇L = (2/m) Σ (zᵢ − yᵢ)·aᵢ``, ``∇²L = (2/m) AᵀA`` (the same at every θ);
- ``log_loss`` (two classes, labels ``y ∈ {0, 1}``): ``L = (1/m) Σ [log(1 + e^zᵢ) − yᵢ·zᵢ]``,
  written ``logaddexp(0, z) − y·z`` so that no exponential overflows,
  ``∇L = (1/m) Σ (σ(zᵢ) − yᵢ)·aᵢ``, ``∇²L = (1/m) Σ σ(zᵢ)(1 − σ(zᵢ))·aᵢaᵢᵀ``.

Every point is evaluated against every sample: ``z (c, m)`` for a chunk of ``c`` points,
elementwise, with sums along the samples only, so a point's numbers do not depend on
which other points share its call (a map cell equals its single run, bit for bit) and
memory stays bounded (``CHUNK_FLOATS`` per temporary) however large the grid.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Loss = Callable[[Array, Array, Array], tuple[Array, Array]]  # (θ (n, dim), A, y) -> L, ∇L
CHUNK_FLOATS = 2**18  # ≈ 2 MB per (points × samples) temporary
NEWTON_STEPS = 100
GRAD_TOL, CURVATURE_TOL = 1e-12, 1e-8


def design(X: Array) -> Array:
    """``A = [X, 1]`` of shape ``(m, d + 1)``: the features and a column of ones (bias)."""
    return np.column_stack((X, np.ones(len(X))))


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), computed as ½(1 + tanh(z/2)): no overflow at any z."""
    out: Array = 0.5 * (1.0 + np.tanh(0.5 * z))
    return out


def _scores(theta: Array, A: Array) -> Array:
    """``z (c, m)``: ``z[k, i] = θ_k · aᵢ``, one elementwise product per parameter."""
    z = theta[:, :1] * A[:, 0]
    for j in range(1, A.shape[1]):
        z += theta[:, j:j + 1] * A[:, j]
    return z


def _chunked(one: Loss) -> Loss:
    """``one`` applied to the points in chunks of at most ``CHUNK_FLOATS / m`` rows."""
    def loss(theta: Array, A: Array, y: Array) -> tuple[Array, Array]:
        n, step = len(theta), max(1, CHUNK_FLOATS // max(len(A), 1))
        if n <= step:
            return one(theta, A, y)
        value, grad = np.empty(n), np.empty_like(theta)
        for lo in range(0, n, step):
            value[lo:lo + step], grad[lo:lo + step] = one(theta[lo:lo + step], A, y)
        return value, grad
    return loss


def _mse(theta: Array, A: Array, y: Array) -> tuple[Array, Array]:
    r = _scores(theta, A)
    r -= y  # residuals zᵢ − yᵢ
    grad = np.stack([(r * A[:, j]).mean(axis=1) for j in range(A.shape[1])], axis=-1)
    grad *= 2.0
    r *= r
    return r.mean(axis=1), grad


def _log_loss(theta: Array, A: Array, y: Array) -> tuple[Array, Array]:
    z = _scores(theta, A)
    err = sigmoid(z)
    err -= y  # σ(zᵢ) − yᵢ
    grad = np.stack([(err * A[:, j]).mean(axis=1) for j in range(A.shape[1])], axis=-1)
    ell = np.logaddexp(0.0, z)
    z *= y
    ell -= z
    return ell.mean(axis=1), grad


mse, log_loss = _chunked(_mse), _chunked(_log_loss)


def mse_hessian(theta: Array, A: Array, y: Array) -> Array:
    """``(n, dim, dim)``: (2/m)·AᵀA at every point."""
    h = 2.0 * (A.T @ A) / len(A)
    return np.broadcast_to(h, (len(theta), *h.shape)).copy()


def log_loss_hessian(theta: Array, A: Array, y: Array) -> Array:
    """``(n, dim, dim)``: (1/m)·Σ σ(zᵢ)(1 − σ(zᵢ))·aᵢaᵢᵀ per point (chunked)."""
    n, step = len(theta), max(1, CHUNK_FLOATS // max(len(A), 1))
    out = np.empty((n, A.shape[1], A.shape[1]))
    for lo in range(0, n, step):
        s = sigmoid(_scores(theta[lo:lo + step], A))
        s *= 1.0 - s
        out[lo:lo + step] = np.einsum("cm,mi,mj->cij", s, A, A) / len(A)
    sym: Array = 0.5 * (out + np.swapaxes(out, -1, -2))  # exactly symmetric
    return sym


def least_squares(A: Array, y: Array) -> Array | None:
    """The minimum ``(dim,)`` of ``mse``: the least-squares solution of A·θ = y, or None
    when it is not unique (A of lower rank, e.g. every feature value the same: the
    minimum is then a whole valley)."""
    theta, _, rank, _ = np.linalg.lstsq(A, y, rcond=None)
    return np.asarray(theta, dtype=np.float64) if rank == A.shape[1] else None


def logistic_fit(A: Array, y: Array) -> Array | None:
    """The minimum ``(dim,)`` of ``log_loss`` by damped Newton steps from θ = 0, or None
    when there is none: on (quasi-)separable classes the loss only approaches its infimum
    as ‖θ‖ → ∞. A point counts as the minimum when its gradient is ≤ ``GRAD_TOL`` and the
    smallest curvature there is ≥ ``CURVATURE_TOL`` (separable data flattens the loss in
    the direction that runs away, so it never passes the second test). Huge features can
    overflow a step: the search then stops there, without a warning."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _newton(A, y)


def _newton(A: Array, y: Array) -> Array | None:
    theta = np.zeros((1, A.shape[1]))
    value, grad = log_loss(theta, A, y)
    for _ in range(NEWTON_STEPS):
        hess = log_loss_hessian(theta, A, y)[0]
        if np.abs(grad).max() <= GRAD_TOL:
            return theta[0] if np.linalg.eigvalsh(hess)[0] >= CURVATURE_TOL else None
        try:
            step = np.linalg.solve(hess, grad[0])
        except np.linalg.LinAlgError:
            return None
        t = 1.0  # backtracking (Armijo) on the loss: a Newton step never goes uphill
        while True:
            trial = theta - t * step
            new_value, new_grad = log_loss(trial, A, y)
            if new_value[0] <= value[0] - 1e-4 * t * float(grad[0] @ step) or t < 1e-10:
                break
            t *= 0.5
        if not np.isfinite(new_value[0]) or np.array_equal(trial, theta):
            break
        theta, value, grad = trial, new_value, new_grad
    return None
