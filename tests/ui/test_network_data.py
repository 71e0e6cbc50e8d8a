"""The data view of a network race: the field, points, curves and title come from core."""

import numpy as np
import pytest
from PyQt6.QtGui import QColor

from gdviz.core import network_read
from gdviz.core.datasets import DATASETS
from gdviz.core.network import NetworkSpec
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import load_scenario
from gdviz.ui import style
from gdviz.ui.panels.data_preview import preview_pixmap
from gdviz.ui.session import Session
from gdviz.ui.views.network_data import (
    CLASS_COLORS,
    FIELD_STRENGTH,
    RES,
    DataView,
    field_rgb,
)


@pytest.fixture
def spiral(qtbot) -> Session:
    s = Session(load_scenario("spiral"))
    s.run_to(300)
    return s


def view_of(qtbot, session: Session) -> DataView:
    view = DataView(session)
    qtbot.addWidget(view)
    view.resize(500, 480)
    return view


def core_field(s: Session, i: int) -> np.ndarray:
    """Run i's class probabilities at the cursor, asked of core directly."""
    theta = s.race.frame()[i].params[0]
    return network_read.class_field(s.objective, theta, s.data_box(), RES)[2]


def test_the_field_shows_the_focused_runs_classes_at_the_cursor(qtbot, spiral):
    view = view_of(qtbot, spiral)
    probs = core_field(spiral, 0)
    image = view.field.image
    assert image.shape == (RES, RES, 3)
    np.testing.assert_array_equal(image, field_rgb(probs, style.THEME.background))
    # where the network is sure, the pixel is (a faded) colour of its most probable class
    bg = np.array(QColor(style.THEME.background).getRgb()[:3], float)
    faded = bg + FIELD_STRENGTH * (np.array([QColor(c).getRgb()[:3] for c in CLASS_COLORS[:3]],
                                            float) - bg)
    sure = probs.max(axis=-1) > 0.95
    assert sure.sum() > 500
    nearest = np.argmin(np.linalg.norm(image[sure][:, None, :] - faded[None], axis=-1), axis=1)
    np.testing.assert_array_equal(nearest, probs[sure].argmax(axis=-1))
    # the image covers the data box, pixel centres on the grid
    (x0, x1), (y0, y1) = spiral.data_box()
    rect = view.field.mapRectToParent(view.field.boundingRect())
    dx = (x1 - x0) / (RES - 1)
    assert rect.left() == pytest.approx(x0 - dx / 2) and rect.right() == pytest.approx(x1 + dx / 2)


def test_moving_the_cursor_redraws_the_field(qtbot, spiral):
    view = view_of(qtbot, spiral)
    late = view.field.image.copy()
    spiral.seek(20)
    assert not np.array_equal(view.field.image, late)
    np.testing.assert_array_equal(view.field.image,
                                  field_rgb(core_field(spiral, 0), style.THEME.background))
    assert "step 20 " in view.plot.titleLabel.text


def test_points_are_the_train_and_test_sets(qtbot, spiral):
    view = view_of(qtbot, spiral)
    train, test = spiral.train_data, spiral.test_data
    assert len(view.train_points.data) == train.n_samples == 240
    assert len(view.test_points.data) == test.n_samples == 60
    np.testing.assert_allclose(np.column_stack([view.train_points.data["x"],
                                                view.train_points.data["y"]]), train.X)
    brushes = [b.color().name() for b in view.train_points.data["brush"]]
    assert brushes == [CLASS_COLORS[c] for c in train.y]
    rings = [p.color().name() for p in view.test_points.data["pen"]]
    assert rings == [CLASS_COLORS[c] for c in test.y]


def test_the_boundary_lies_where_two_classes_tie(qtbot):
    s = Session(load_scenario("xor"))
    s.run_to(300)
    view = view_of(qtbot, s)
    xs, ys = view.boundary.getData()
    assert len(xs) > 20
    probs = s.objective.mlp.predict(s.weights(0), np.column_stack([xs, ys]))
    assert np.abs(probs[:, 0] - 0.5).max() < 0.1


def test_selection_switches_the_run_and_the_title_reads_its_metrics(qtbot, spiral):
    view = view_of(qtbot, spiral)
    spiral.select(1)
    assert view.focused == 1
    np.testing.assert_array_equal(view.field.image,
                                  field_rgb(core_field(spiral, 1), style.THEME.background))
    m = spiral.metrics_now(1)
    title = view.plot.titleLabel.text
    assert spiral.runs[1].label in title and spiral.runs[1].color in title
    assert f"train {m.train_accuracy[0]:.0%}" in title
    assert f"test {m.test_accuracy[0]:.0%}" in title
    spiral.select(None)
    assert view.focused == 0


def wave_session() -> Session:
    net = NetworkSpec(dataset="wave", sizes=(1, 16, 1), loss="mse")
    runs = (RunSpec("adam", {"lr": 0.01}), RunSpec("gd", {"lr": 0.1}))
    return Session(RaceSpec("network", runs=runs, network=net, steps=400))


def test_regression_shows_every_runs_fitted_curve(qtbot):
    s = wave_session()
    s.run_to(200)
    view = view_of(qtbot, s)
    assert view.field.image is None and len(view.curves) == 2
    x_range = s.data_box()[0]
    for i, curve in enumerate(view.curves):
        xs, ys = s.fitted_curve(i, x_range, 200)
        np.testing.assert_allclose(curve.getData()[0], xs)
        np.testing.assert_allclose(curve.getData()[1], ys)
    widths = [c.opts["pen"].widthF() for c in view.curves]
    assert widths[0] > widths[1]
    s.select(1)
    assert view.curves[1].opts["pen"].widthF() > view.curves[0].opts["pen"].widthF()
    pos = np.column_stack([view.train_points.data["x"], view.train_points.data["y"]])
    np.testing.assert_allclose(pos, np.column_stack([s.train_data.X[:, 0], s.train_data.y[:, 0]]))
    assert "loss: train" in view.plot.titleLabel.text


def test_a_landscape_race_leaves_it_empty(qtbot, session, spiral):
    view = view_of(qtbot, session)
    assert view.focused is None and view.field.image is None
    assert len(view.train_points.data) == len(view.test_points.data) == 0
    assert not view.plot.titleLabel.isVisible()
    data = view_of(qtbot, spiral)
    assert data.field.image is not None
    spiral.load(load_scenario("ravine"))
    assert data.focused is None and data.field.image is None
    assert len(data.train_points.data) == 0 and not data.legend.isVisible()
    spiral.load(load_scenario("xor"))
    assert data.field.image is not None and len(data.train_points.data) == 160


@pytest.mark.parametrize("name", ["spiral", "wave"])
def test_the_preview_draws_the_points_at_the_asked_size(qtbot, name):
    image = preview_pixmap(DATASETS[name].make(0), 64).toImage()
    assert (image.width(), image.height()) == (64, 64)
    bg = QColor(style.THEME.background).rgb()
    pixels = [image.pixel(x, y) for x in range(64) for y in range(64)]
    drawn = sum(p != bg for p in pixels)
    assert 200 < drawn < 64 * 64 * 0.8
    if name == "spiral":  # both classes' colours are there (a 16-bit screen rounds them)
        rgb = np.array([QColor(p).getRgb()[:3] for p in pixels])
        for colour in CLASS_COLORS[:2]:
            want = np.array(QColor(colour).getRgb()[:3])
            assert (np.abs(rgb - want).max(axis=1) <= 8).any(), colour
