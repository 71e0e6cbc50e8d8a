"""What a data panel shows of a data landscape at parameters θ: the samples, the model's
fitted line or class probability, and the decision boundary.

θ = (w₁ … w_d, b) scores a point x with z = w·x + b; a regression model predicts ŷ = z,
a classifier the probability σ(z) of class 1, and its decision boundary is z = 0 (a
threshold x = −b/w with one feature, a line with two).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from gdviz.core.data_loss import design, sigmoid
from gdviz.core.landscapes_data import DataLandscape

Array = npt.NDArray[np.float64]
Box = tuple[tuple[float, float], tuple[float, float]]
MARGIN = 0.1  # the data box reaches this share of the data's spread past it


def _theta(land: DataLandscape, theta: npt.ArrayLike) -> Array:
    t = np.asarray(theta, dtype=np.float64)
    if t.ndim == 0 or t.shape[-1] != land.dim:
        raise ValueError(f"{land.name} has {land.dim} parameters: θ needs shape (..., "
                         f"{land.dim}), got {t.shape}")
    return t


def _features(land: DataLandscape, what: str, count: int) -> None:
    d = land.dim - 1
    if d != count:
        raise ValueError(f"{what} needs a model of {count} feature(s); {land.name} has {d}")


def predict(land: DataLandscape, theta: npt.ArrayLike, X: npt.ArrayLike) -> Array:
    """The model's output ``(..., m)`` for parameters ``θ (..., dim)`` at features
    ``X (m, d)``: ŷ = w·x + b (regression) or P(class 1) = σ(w·x + b)."""
    t = _theta(land, theta)
    A = design(np.asarray(X, dtype=np.float64).reshape(-1, land.dim - 1))
    z: Array = t @ A.T
    return z if land.model.task == "regression" else sigmoid(z)


def fitted_curve(land: DataLandscape, theta: npt.ArrayLike, x_range: tuple[float, float],
                 res: int = 200) -> tuple[Array, Array]:
    """A one-feature model across ``x_range``: ``xs (res,)`` and ``predict`` there
    ``(res,)``: the fitted line, or the classifier's probability curve."""
    _features(land, "a fitted curve", 1)
    t = _theta(land, theta)
    if t.shape != (land.dim,):
        raise ValueError(f"a fitted curve takes one θ of shape ({land.dim},), got {t.shape}")
    xs = np.linspace(x_range[0], x_range[1], res)
    return xs, predict(land, t, xs[:, None])


def boundary(land: DataLandscape, theta: npt.ArrayLike,
             box: Sequence[tuple[float, float]]) -> Array:
    """A classifier's decision boundary w·x + b = 0 inside ``box`` (one (lo, hi) per
    feature): ``(1, 1)`` the threshold x = −b/w with one feature, ``(2, 2)`` the ends of
    the boundary's segment with two; ``(0, d)`` when it misses the box (or w = 0)."""
    if land.model.task != "classification":
        raise ValueError(f"{land.name} is a regression: it has no decision boundary")
    t = _theta(land, theta)
    d = land.dim - 1
    if t.shape != (land.dim,) or len(box) != d:
        raise ValueError(f"a boundary takes one θ of shape ({land.dim},) and a box of {d} "
                         f"interval(s)")
    *w, b = (float(v) for v in t)
    if d == 1:
        (x0, x1), = box
        inside = w[0] != 0.0 and x0 <= -b / w[0] <= x1
        return np.array([[-b / w[0]]]) if inside else np.empty((0, 1))
    (x0, x1), (y0, y1) = box
    ends: list[tuple[float, float]] = []
    if w[1] != 0.0:  # crossings of the left and right edges
        ends += [(x, -(b + w[0] * x) / w[1]) for x in (x0, x1)]
    if w[0] != 0.0:  # of the bottom and top edges
        ends += [(-(b + w[1] * y) / w[0], y) for y in (y0, y1)]
    on = np.array([p for p in ends if x0 <= p[0] <= x1 and y0 <= p[1] <= y1]).reshape(-1, 2)
    if len(on) < 2:
        return np.empty((0, 2))
    gaps = np.linalg.norm(on[:, None] - on[None], axis=-1)  # a corner appears twice
    i, j = np.unravel_index(np.argmax(gaps), gaps.shape)
    return on[[i, j]] if gaps[i, j] > 0 else np.empty((0, 2))


def probability_grid(land: DataLandscape, theta: npt.ArrayLike, box: Box,
                     res: int = 100) -> tuple[Array, Array, Array]:
    """A two-feature classifier's P(class 1) over the feature plane: ``xs (res,)``,
    ``ys (res,)``, ``P (res, res)`` with P[i, j] at (xs[j], ys[i])."""
    _features(land, "a probability grid", 2)
    if land.model.task != "classification":
        raise ValueError(f"{land.name} is a regression: it has no class probability")
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, res), np.linspace(y0, y1, res)
    pts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return xs, ys, predict(land, theta, pts).reshape(res, res)


def _padded(values: Array) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    pad = MARGIN * max(hi - lo, 1e-9)
    return lo - pad, hi + pad


def data_box(land: DataLandscape) -> Box:
    """Axis ranges for the samples, ``MARGIN`` of their spread wider on each side: x and
    y (the target) for a one-feature regression, x and the probability axis [−0.1, 1.1]
    for a one-feature classifier, the two features for a two-feature one."""
    data = land.data()
    if data.X.shape[1] == 2:
        return _padded(data.X[:, 0]), _padded(data.X[:, 1])
    other = (np.ravel(data.y).astype(np.float64) if land.model.task == "regression"
             else np.array([0.0, 1.0]))
    return _padded(data.X[:, 0]), _padded(other)
