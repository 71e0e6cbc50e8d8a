"""Network loss slices: directions, the grid's orientation and centre, projections."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.core.datasets import moons
from gdviz.core.mlp import MLP
from gdviz.core.optimizers import make_optimizer
from gdviz.core.slices import (
    grid,
    on_grid,
    pca_directions,
    project,
    race_slice,
    random_directions,
)

NET = MLP((2, 8, 8, 2), "tanh")
DATA = moons(120, seed=0)


def train(name: str, steps: int, **hyper: float) -> np.ndarray:
    """The trajectory ``(steps + 1, p)`` of an optimizer on DATA from the same start."""
    opt = make_optimizer(name, **hyper)
    theta = NET.init(0)
    state, path = opt.init(theta), [theta]
    for _ in range(steps):
        theta, state = opt.update(NET.loss_and_grad(theta, DATA.X, DATA.y)[1], state, theta)
        path.append(theta)
    return np.array(path)


ADAM, GD = train("adam", 120, lr=0.02), train("gd", 120, lr=0.5)


def test_grid_orientation_and_centre_value() -> None:
    centre = ADAM[-1]
    d1, d2 = random_directions(NET, 0, centre)
    alphas, betas, Z = grid(NET, DATA.X, DATA.y, centre, d1, d2, res=41, span=0.5)
    np.testing.assert_array_equal(alphas, np.linspace(-0.5, 0.5, 41))
    np.testing.assert_array_equal(betas, alphas)
    assert Z.shape == (41, 41) and np.isfinite(Z).all()
    loss = lambda theta: NET.loss_and_grad(theta, DATA.X, DATA.y)[0]  # noqa: E731
    assert alphas[20] == betas[20] == 0.0
    assert Z[20, 20] == pytest.approx(loss(centre), rel=1e-12)
    for i, j in [(0, 40), (3, 17), (40, 1)]:  # rows follow betas (d2), columns alphas (d1)
        assert Z[i, j] == pytest.approx(loss(centre + alphas[j] * d1 + betas[i] * d2),
                                        rel=1e-12)


def test_random_directions_are_filter_normalized() -> None:
    centre = ADAM[-1]
    d1, d2 = random_directions(NET, 3, centre)
    again = random_directions(NET, 3, centre)
    np.testing.assert_array_equal(d1, again[0])
    assert not np.allclose(d1, d2)
    assert not np.allclose(d1, random_directions(NET, 4, centre)[0])
    for d in (d1, d2):
        for (dW, db), (W, _) in zip(NET.unflatten(d), NET.unflatten(centre), strict=True):
            np.testing.assert_allclose(np.linalg.norm(dW, axis=0), np.linalg.norm(W, axis=0))
            assert not db.any()  # biases stay at the centre


def test_pca_directions_orthonormal_with_decreasing_explained_variance() -> None:
    centre = ADAM[-1]
    d1, d2, explained = pca_directions([ADAM, GD], centre)
    basis = np.stack([d1, d2])
    np.testing.assert_allclose(basis @ basis.T, np.eye(2), atol=1e-12)
    assert 0.0 <= explained[1] <= explained[0] <= 1.0 and explained.sum() <= 1.0 + 1e-12
    assert explained[0] > 0.5  # training paths are nearly straight early on
    end = project(ADAM, centre, d1, d2)
    assert end.shape == (len(ADAM), 2)
    np.testing.assert_array_equal(end[-1], [0.0, 0.0])
    # orthonormal directions: the least squares coordinates are the dot products
    np.testing.assert_allclose(end, (ADAM - centre) @ basis.T, atol=1e-10)
    same = pca_directions([ADAM, GD], centre)
    np.testing.assert_array_equal(same[0], d1)


def test_pca_directions_are_the_svds_right_singular_vectors() -> None:
    centre = ADAM[-1]
    offsets = np.concatenate([ADAM, GD]) - centre
    _, s, vt = np.linalg.svd(offsets, full_matrices=False)  # the plain reference
    d1, d2, explained = pca_directions([ADAM, GD], centre)
    for d, v in ((d1, vt[0]), (d2, vt[1])):
        np.testing.assert_allclose(d, v * np.sign(v[np.abs(v).argmax()]), atol=1e-9)
    np.testing.assert_allclose(explained, s[:2] ** 2 / (s @ s), rtol=1e-10)


def test_pca_of_a_planar_path_explains_everything() -> None:
    rng = np.random.default_rng(0)
    centre = rng.standard_normal(NET.n_params)
    u, v = rng.standard_normal((2, NET.n_params))
    coords = rng.standard_normal((30, 2)) * [3.0, 1.0]
    path = centre + coords[:, :1] * u + coords[:, 1:] * v
    d1, d2, explained = pca_directions([path[:10], path[10:]], centre)
    assert explained.sum() == pytest.approx(1.0)
    back = project(path, centre, d1, d2)
    np.testing.assert_allclose(centre + back[:, :1] * d1 + back[:, 1:] * d2, path, atol=1e-10)
    # non-orthogonal directions: least squares still recovers the coordinates exactly
    np.testing.assert_allclose(project(path, centre, u, v), coords, atol=1e-10)


def test_pca_degenerate_inputs() -> None:
    centre = ADAM[-1]
    d1, d2, explained = pca_directions([centre[None, :]], centre)
    np.testing.assert_allclose(np.stack([d1, d2]) @ np.stack([d1, d2]).T, np.eye(2),
                               atol=1e-12)
    np.testing.assert_array_equal(explained, [0.0, 0.0])
    broken = ADAM.copy()
    broken[5] = np.nan  # a diverged row is left out
    np.testing.assert_allclose(pca_directions([broken], centre)[2],
                               pca_directions([np.delete(ADAM, 5, axis=0)], centre)[2])
    with pytest.raises(ValueError, match="centre must have shape"):
        grid(NET, DATA.X, DATA.y, centre[:-1], d1, d2)


def test_on_grid_exact_on_nodes_bilinear_between_nan_off_the_grid() -> None:
    alphas, betas = np.linspace(-1.0, 1.0, 5), np.linspace(-2.0, 2.0, 9)
    Z = 3.0 + 2.0 * alphas[None, :] - 0.5 * betas[:, None] + alphas[None, :] * betas[:, None]
    nodes = np.array([[alphas[j], betas[i]] for i, j in [(0, 0), (8, 4), (3, 1), (5, 2)]])
    np.testing.assert_array_equal(on_grid(alphas, betas, Z, nodes),
                                  [Z[0, 0], Z[8, 4], Z[3, 1], Z[5, 2]])
    pts = np.array([[0.3, -1.1], [-0.9, 1.7], [0.99, 0.01]])  # bilinear: exact for a + b + ab
    a, b = pts.T
    np.testing.assert_allclose(on_grid(alphas, betas, Z, pts), 3 + 2 * a - 0.5 * b + a * b,
                               rtol=1e-13)
    off = np.array([[1.01, 0.0], [0.0, -2.5], [np.nan, 0.0]])
    assert np.isnan(on_grid(alphas, betas, Z, off)).all()


def test_path_losses_read_the_slice_under_each_path() -> None:
    centre = ADAM[-1]
    s = race_slice(NET, DATA.X, DATA.y, centre, [ADAM, GD], "pca", res=21)
    lifted = s.path_losses()
    assert [len(v) for v in lifted] == [len(ADAM), len(GD)]
    assert lifted[0][-1] == pytest.approx(s.Z[10, 10], rel=1e-12)  # ADAM ends at the centre
    np.testing.assert_array_equal(lifted[1], on_grid(s.alphas, s.betas, s.Z, s.paths[1]))
