"""Axis ranges are pure functions of what is drawn, snapped to round values."""

import pytest

from gdviz.ui.views.loss import LossView
from gdviz.ui.views.ranges import nice_step, step_range, value_range


def test_the_step_axis_spans_the_race():
    lo, hi = step_range(200)
    assert lo < 0 < 200 < hi < 210
    assert step_range(3) == step_range(10)  # a short race still gets a readable axis


def test_log_ranges_snap_to_decades():
    assert value_range(-3.2, 1.5, log=True) == (-4.0, 2.0)
    assert value_range(2.0, 2.0, log=True) == (2.0, 3.0)  # a flat curve: one decade


def test_linear_ranges_snap_to_round_steps_around_the_data():
    lo, hi = value_range(-2.0, 3.0, log=False)
    assert lo < -2.0 and hi > 3.0 and lo == pytest.approx(round(lo * 2) / 2)
    assert value_range(-1.7, 2.6, log=False) == value_range(-1.6, 2.5, log=False) == (-2, 4)
    flat = value_range(1.0, 1.0, log=False)
    assert flat[0] < 1.0 < flat[1]
    assert [nice_step(s) for s in (1.0, 7.0, 90.0)] == [0.25, 2.0, 25.0]


def test_loss_ranges_are_a_function_of_the_step(qtbot, session):
    """Live, after scrubbing back, and in a fresh view: the same step, the same ranges."""
    view = LossView(session)
    qtbot.addWidget(view)
    view.resize(1000, 300)
    session.step_forward(120)
    live = [p.vb.viewRange() for p in (view.loss_plot, view.grad_plot)]
    session.step_forward(80)
    session.seek(120)
    again = [p.vb.viewRange() for p in (view.loss_plot, view.grad_plot)]
    fresh = LossView(session)
    qtbot.addWidget(fresh)
    fresh.resize(1000, 300)
    other = [p.vb.viewRange() for p in (fresh.loss_plot, fresh.grad_plot)]
    assert live == again == other
    assert len(view.loss_curves[0].getData()[0]) == 121  # drawn up to the cursor


def test_a_user_zoom_stops_following_and_a_double_click_follows_again(qtbot, session):
    view = LossView(session)
    qtbot.addWidget(view)
    session.step_forward(50)
    view.loss_plot.vb.sigRangeChangedManually.emit([True, True])  # as a drag or wheel does
    assert not view.following
    view.loss_plot.setXRange(10, 20, padding=0)
    session.step_forward(100)
    assert view.loss_plot.vb.viewRange()[0] == pytest.approx([10, 20])
    session.reset()
    session.step_forward(5)
    assert view.following and view.loss_plot.vb.viewRange()[0][1] >= session.steps
