"""Loss-landscape slices of a network: the loss on a plane through weight space.

A network has p weights, far too many to draw, so a slice picks a ``centre (p,)`` (the end
of a run, say) and two directions ``d1, d2 (p,)`` and draws the loss on the plane
``θ(α, β) = centre + α·d1 + β·d2``. The directions are either random, rescaled neuron by
neuron to the size of the centre's weights (Li et al. 2018, "Visualizing the Loss Landscape
of Neural Nets", so that slices of different networks are comparable), or the two principal
directions of the optimizers' own trajectories, so that the plane holds as much of the
paths as a plane through the centre can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gdviz.core.mlp import MLP

Array = npt.NDArray[np.float64]
KINDS = ("pca", "random")
PCA_REACH = 1.1  # a PCA slice reaches this far past the farthest trajectory point


def random_directions(mlp: MLP, seed: int, centre: Array) -> tuple[Array, Array]:
    """Two filter-normalized Gaussian directions ``(p,)`` each, drawn from ``seed``.

    For every neuron (column j of a layer's ``W (fan_in, fan_out)``) the direction's
    incoming weights are rescaled to the norm of the centre's ``W[:, j]``; a neuron whose
    weights are all zero gets no direction. Bias entries are zero, as in Li et al.'s
    plots: the biases stay at the centre's values across the slice.
    """
    centre = _vector(centre, mlp.n_params, "centre")
    rng = np.random.default_rng(seed)
    d1, d2 = (_filter_normalized(mlp, rng.standard_normal(mlp.n_params), centre)
              for _ in range(2))
    return d1, d2


def _filter_normalized(mlp: MLP, direction: Array, centre: Array) -> Array:
    scaled = []
    for (dW, db), (W, _) in zip(mlp.unflatten(direction), mlp.unflatten(centre), strict=True):
        norm_d, norm_w = np.linalg.norm(dW, axis=0), np.linalg.norm(W, axis=0)
        scale = np.divide(norm_w, norm_d, out=np.zeros_like(norm_w), where=norm_d > 0)
        scaled.append((dW * scale, np.zeros_like(db)))
    return mlp.flatten(scaled)


def pca_directions(trajectories: Sequence[Array], centre: Array) -> tuple[Array, Array, Array]:
    """The two principal directions ``d1, d2 (p,)`` (orthonormal) of all trajectories'
    points ``(steps, p)`` taken together, relative to ``centre (p,)``, and the share of the
    points' squared distance from the centre that each explains, ``explained (2,)``.

    The points are not re-centred on their mean: the plane through ``centre`` spanned by
    d1, d2 is the one closest (least squares) to all the points, which is what a slice
    around ``centre`` should show. Rows with non-finite values are left out. Each direction's
    sign makes its largest entry positive, so the result does not depend on the solver's.
    """
    p = np.size(centre)
    centre = _vector(centre, p, "centre")
    if p < 2:
        raise ValueError("a slice needs at least 2 parameters")
    points = np.concatenate([np.asarray(t, dtype=np.float64).reshape(-1, p)
                             for t in trajectories] or [np.empty((0, p))])
    offsets = points[np.isfinite(points).all(axis=1)] - centre
    offsets = np.vstack([offsets, np.zeros((max(0, 2 - len(offsets)), p))])
    # the right singular vectors of the offsets are the eigenvectors of their Gram matrix
    # (p × p): a tenth of the time of an SVD of the (steps, p) offsets for a long race
    gram = offsets.T @ offsets
    values, vectors = np.linalg.eigh(gram)  # ascending
    top = vectors[:, ::-1][:, :2].T
    d = top * np.sign(top[np.arange(2), np.abs(top).argmax(axis=1)])[:, None]
    total = float(np.trace(gram))
    explained = np.maximum(values[::-1][:2], 0.0) / total if total > 0 else np.zeros(2)
    return d[0], d[1], explained


def grid(mlp: MLP, X: Array, y: Array, centre: Array, d1: Array, d2: Array,
         res: int = 41, span: float = 1.0) -> tuple[Array, Array, Array]:
    """The loss on a res×res grid of the plane: ``alphas (res,)``, ``betas (res,)`` (both
    ``linspace(−span, span, res)``) and ``Z (res, res)`` with
    ``Z[i, j] = loss(centre + alphas[j]·d1 + betas[i]·d2)``: rows follow the second axis,
    as in :func:`gdviz.core.probe.grid`. Non-finite losses become NaN.

    All res² networks are evaluated together with batched matmuls; the res²×p weight
    stack is built in memory (p = ``mlp.n_params``).
    """
    p = mlp.n_params
    centre, d1, d2 = (_vector(v, p, name) for v, name in ((centre, "centre"), (d1, "d1"),
                                                          (d2, "d2")))
    if res < 2 or not span > 0:
        raise ValueError(f"need res >= 2 and span > 0, got res={res}, span={span}")
    alphas = np.linspace(-span, span, res)
    betas = np.linspace(-span, span, res)
    thetas = centre + alphas[None, :, None] * d1 + betas[:, None, None] * d2
    with np.errstate(all="ignore"):
        Z = mlp.loss_batch(thetas.reshape(-1, p), X, y).reshape(res, res)
    Z[~np.isfinite(Z)] = np.nan
    return alphas, betas, Z


def project(trajectory: Array, centre: Array, d1: Array, d2: Array) -> Array:
    """Plane coordinates ``(steps, 2)`` = (α, β) of a trajectory ``(steps, p)``: the least
    squares solution of ``centre + α·d1 + β·d2 ≈ θ`` (the dot products with d1 and d2 when
    those are orthonormal). A row with non-finite values gives NaN coordinates."""
    p = np.size(centre)
    centre, d1, d2 = (_vector(v, p, name) for v, name in ((centre, "centre"), (d1, "d1"),
                                                          (d2, "d2")))
    points = np.asarray(trajectory, dtype=np.float64).reshape(-1, p)
    coords: Array = (points - centre) @ np.linalg.pinv(np.column_stack([d1, d2])).T
    return coords


@dataclass(frozen=True)
class Slice:
    """A plane through weight space and the loss on it: ``Z[i, j]`` is the loss at
    ``centre + alphas[j]·d1 + betas[i]·d2``; ``paths[r] (rows, 2)`` is trajectory r
    projected onto the plane; ``explained`` the share of the trajectories' spread around
    the centre that each direction holds (PCA directions), else None."""

    kind: str
    alphas: Array
    betas: Array
    Z: Array
    paths: tuple[Array, ...]
    explained: tuple[float, float] | None
    d1: Array
    d2: Array

    def path_losses(self) -> tuple[Array, ...]:
        """The slice's loss under every point of every path, ``(rows,)`` per path (see
        :func:`on_grid`): where a surface of ``Z`` lifts each path onto itself."""
        return tuple(on_grid(self.alphas, self.betas, self.Z, p) for p in self.paths)


def on_grid(alphas: Array, betas: Array, Z: Array, coords: Array) -> Array:
    """``Z (len(betas), len(alphas))`` read at plane points ``coords (n, 2)`` = (α, β):
    ``(n,)``, bilinear between the four surrounding grid nodes, exact on a node; NaN off
    the grid, at a NaN coordinate or next to a NaN node."""
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    a, b = coords[:, 0], coords[:, 1]
    inside = ((a >= alphas[0]) & (a <= alphas[-1]) & (b >= betas[0]) & (b <= betas[-1]))
    j = np.clip(np.searchsorted(alphas, np.where(inside, a, alphas[0])) - 1, 0, len(alphas) - 2)
    i = np.clip(np.searchsorted(betas, np.where(inside, b, betas[0])) - 1, 0, len(betas) - 2)
    ta = (a - alphas[j]) / (alphas[j + 1] - alphas[j])
    tb = (b - betas[i]) / (betas[i + 1] - betas[i])
    out: Array = ((1 - ta) * (1 - tb) * Z[i, j] + ta * (1 - tb) * Z[i, j + 1]
                  + (1 - ta) * tb * Z[i + 1, j] + ta * tb * Z[i + 1, j + 1])
    return np.where(inside, out, np.nan)


def race_slice(mlp: MLP, X: Array, y: Array, centre: Array, trajectories: Sequence[Array],
               kind: str = "pca", res: int = 41, span: float = 1.0, seed: int = 0) -> Slice:
    """The loss on a plane through ``centre`` with every trajectory projected onto it.

    ``kind`` "pca": the two principal directions of all trajectories together (one plane
    for every optimizer, so they can be compared), each scaled so that α, β = ±1 reach
    ``PCA_REACH`` times the farthest projected point; "random": filter-normalized random
    directions drawn from ``seed``. ``span`` scales the grid (α, β ∈ [−span, span]).
    """
    if kind not in KINDS:
        raise ValueError(f"slice directions must be one of {', '.join(KINDS)}, got {kind!r}")
    explained: tuple[float, float] | None = None
    if kind == "pca":
        d1, d2, share = pca_directions(trajectories, centre)
        reach = np.zeros(2)
        for t in trajectories:
            coords = np.abs(project(t, centre, d1, d2))
            coords = coords[np.isfinite(coords).all(axis=1)]
            if len(coords):
                reach = np.maximum(reach, coords.max(axis=0))
        scale = np.where(reach > 0, reach * PCA_REACH, 1.0)
        d1, d2 = d1 * scale[0], d2 * scale[1]
        explained = (float(share[0]), float(share[1]))
    else:
        d1, d2 = random_directions(mlp, seed, centre)
    alphas, betas, Z = grid(mlp, X, y, centre, d1, d2, res=res, span=span)
    paths = tuple(project(t, centre, d1, d2) for t in trajectories)
    return Slice(kind, alphas, betas, Z, paths, explained, d1, d2)


def _vector(v: Array, p: int, name: str) -> Array:
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (p,):
        raise ValueError(f"{name} must have shape ({p},), got {v.shape}")
    return v
