"""What a data panel reads: predictions, the fitted curve, the decision boundary, the box."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.core import data_read
from gdviz.core.landscapes import get_landscape

LINE = get_landscape("linear_regression")
ONE = get_landscape("logistic_regression")
TWO = get_landscape("logistic_regression2")


def test_predictions_are_the_line_or_the_class_probability():
    X = np.array([[-1.0], [0.0], [2.5]])
    np.testing.assert_allclose(data_read.predict(LINE, [2.0, -1.0], X), [-3.0, -1.0, 4.0])
    np.testing.assert_allclose(data_read.predict(ONE, [2.0, -1.0], X),
                               1 / (1 + np.exp([3.0, 1.0, -4.0])), rtol=1e-15)
    thetas = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0]])
    probs = data_read.predict(TWO, thetas, np.array([[0.0, 0.0], [1.0, -1.0]]))
    np.testing.assert_allclose(probs, 1 / (1 + np.exp(-np.array([[0.0, 1.0], [1.0, -1.0]]))))
    with pytest.raises(ValueError, match="θ needs shape"):
        data_read.predict(LINE, [1.0, 2.0, 3.0], X)


def test_the_fitted_curve_of_the_least_squares_minimum_is_the_best_line():
    xs, ys = data_read.fitted_curve(LINE, LINE.minima[0], (0.0, 2.0), res=5)
    w, b = LINE.minima[0]
    np.testing.assert_allclose(ys, w * xs + b)
    _, p = data_read.fitted_curve(ONE, ONE.minima[0], (-3.0, 5.0))
    assert np.all(np.diff(p) > 0) and 0 < p.min() < 0.5 < p.max() < 1
    with pytest.raises(ValueError, match="1 feature"):
        data_read.fitted_curve(TWO, TWO.minima[0], (0.0, 1.0))


def test_the_boundary_is_where_the_classifier_is_undecided():
    x = data_read.boundary(ONE, [2.0, -3.0], [(-5.0, 5.0)])
    np.testing.assert_array_equal(x, [[1.5]])
    assert data_read.boundary(ONE, [2.0, -30.0], [(-5.0, 5.0)]).shape == (0, 1)  # outside
    assert data_read.boundary(ONE, [0.0, 1.0], [(-5.0, 5.0)]).shape == (0, 1)  # never 0
    box = [(-3.0, 4.0), (-2.0, 3.0)]
    theta = TWO.minima[0]
    ends = data_read.boundary(TWO, theta, box)
    assert ends.shape == (2, 2)
    np.testing.assert_allclose(ends @ theta[:2] + theta[2], 0.0, atol=1e-12)
    on_edge = np.isclose(ends, np.array(box).T[:, None, :]).any(axis=1)  # lo or hi hit
    assert on_edge.any(axis=1).all()
    assert data_read.boundary(TWO, [1.0, 1.0, 100.0], box).shape == (0, 2)
    corner = data_read.boundary(TWO, [1.0, -1.0, 0.0], [(0.0, 1.0), (0.0, 1.0)])
    np.testing.assert_allclose(sorted(corner.tolist()), [[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="regression: it has no decision boundary"):
        data_read.boundary(LINE, [1.0, 0.0], [(0.0, 1.0)])


def test_the_probability_grid_is_laid_out_as_probe_grid():
    box = ((-1.0, 3.0), (-2.0, 2.0))
    xs, ys, p = data_read.probability_grid(TWO, [1.0, 2.0, -0.5], box, res=7)
    assert p.shape == (7, 7)
    i, j = 5, 2
    assert p[i, j] == pytest.approx(1 / (1 + np.exp(-(xs[j] + 2 * ys[i] - 0.5))), rel=1e-14)


def test_the_data_box_holds_every_sample():
    for land in (LINE, ONE, TWO):
        data = land.data()
        (x0, x1), (y0, y1) = data_read.data_box(land)
        assert x0 < data.X[:, 0].min() and data.X[:, 0].max() < x1
        other = data.X[:, 1] if land is TWO else np.ravel(data.y)
        assert y0 < other.min() and other.max() < y1
    assert data_read.data_box(ONE)[1] == pytest.approx((-0.1, 1.1))
