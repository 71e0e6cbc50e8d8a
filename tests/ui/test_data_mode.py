"""The window on a loss computed from samples: the data dock with each run's fitted model,
the ringed minibatch, and the minibatch's own landscape over the contour map."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.core import data_read
from gdviz.scenario import load_scenario
from gdviz.ui.session import Session
from tests.ui.test_main_window import open_window


def test_the_data_dock_shows_on_data_races_only(qtbot):
    window = open_window(qtbot, Session(load_scenario("minibatch")))
    assert window.docks["data"].isVisible()
    labels = [window.contour.plot.getAxis(side).labelText for side in ("bottom", "left")]
    assert labels == ["w", "b"]  # every point of the map is a line y = w·x + b
    window.session.load(load_scenario("ravine"))
    assert not window.docks["data"].isVisible()
    assert not window.docks["data"].toggleViewAction().isEnabled()
    assert window.contour.plot.getAxis("bottom").labelText == "x"
    assert len(window.data_mode.overlay.getData()[0] or []) == 0


def test_fitted_lines_and_the_ringed_minibatch_follow_the_cursor(qtbot):
    window = open_window(qtbot, Session(load_scenario("minibatch")))
    s, view = window.session, window.data_mode.view
    s.run_to(30)
    s.seek(12)
    land = s.data_landscape
    (x0, x1), _ = s.samples_box()
    for i, item in enumerate(view.models):
        xs, ys = item.getData()
        want = data_read.fitted_curve(land, s.frame()[i].params[0], (x0, x1), len(xs))
        np.testing.assert_allclose(ys, want[1])
    assert len(view.batch.data) == 0  # GD: the whole data every step
    s.select(1)  # sgd, batches of 8
    index, size = s.batch_now(1)
    assert size == 8 and len(index) == 8
    data = s.samples
    rings = np.column_stack(view.batch.getData())
    np.testing.assert_array_equal(rings, np.column_stack([data.X[index, 0], data.y[index, 0]]))
    s.seek(13)  # the next update draws the next batch
    assert not np.array_equal(s.batch_now(1)[0], index)


def test_the_minibatch_landscape_is_laid_over_the_map_for_a_minibatch_run(qtbot):
    window = open_window(qtbot, Session(load_scenario("minibatch")))
    s, overlay = window.session, window.data_mode.overlay
    s.run_to(10)
    s.select(0)
    assert overlay.getData()[0] is None or len(overlay.getData()[0]) == 0
    s.select(1)
    xs, _ = overlay.getData()
    assert xs is not None and len(xs) > 50
    first = np.array(xs)
    s.step_back()  # another batch, another landscape
    assert not np.array_equal(np.array(overlay.getData()[0]), first)


def test_logistic_regression_draws_probability_curves(qtbot):
    window = open_window(qtbot, Session("logistic_regression"))
    s = window.session
    s.add_run("gd", lr=0.5)
    s.run_to(20)
    view = window.data_mode.view
    xs, ps = view.models[0].getData()
    assert np.all((ps > 0) & (ps < 1)) and ps[-1] != pytest.approx(ps[0])
