"""Axis ranges that follow a race only when they must."""

import pytest

from gdviz.ui.views.follow import GROW, SNUG, steps_range, values_range
from gdviz.ui.views.loss import LossView


def test_steps_range_grows_with_room_and_then_holds():
    first = steps_range(100, (0.0, 1.0), 10)
    assert first is not None and first[1] == pytest.approx(100 * GROW) and first[0] < 0
    assert steps_range(101, first, 10) is None  # inside, snug: keep
    assert steps_range(100 * GROW + 1, first, 10) is not None  # past the end: grow
    assert steps_range(3, first, 10) is not None  # a restart: shrink back
    young = steps_range(2, (0.0, 1.0), 10)
    assert young is not None and young[1] == pytest.approx(10 * GROW)


def test_values_range_moves_only_when_the_data_leaves_or_shrinks():
    r = values_range(-2.0, 3.0, (0.0, 1.0))
    assert r is not None and r[0] < -2.0 and r[1] > 3.0
    assert values_range(-1.9, 2.8, r) is None
    assert values_range(-2.5, 2.8, r) is not None  # below the range
    shrunk = values_range(0.0, 0.5 * SNUG, r)
    assert shrunk is not None and shrunk[1] - shrunk[0] < 1.0
    flat = values_range(1.0, 1.0, (0.0, 0.5))  # a constant curve still gets a range
    assert flat is not None and flat[0] < 1.0 < flat[1]


def test_loss_ranges_hold_still_while_the_race_runs(qtbot, session):
    view = LossView(session)
    qtbot.addWidget(view)
    view.resize(1000, 300)
    session.step_forward(200)
    changes = []
    for plot in (view.loss_plot, view.grad_plot):
        plot.vb.sigRangeChanged.connect(lambda *_: changes.append(1))
    for _ in range(20):
        session.step_forward()
    assert len(changes) <= 4  # refits are rare, not one per step
    (x0, x1), _ = view.loss_plot.vb.viewRange()
    assert x0 <= 0 and x1 >= session.head_step


def test_a_user_zoom_stops_following_and_a_restart_follows_again(qtbot, session):
    view = LossView(session)
    qtbot.addWidget(view)
    session.step_forward(50)
    view.loss_plot.vb.sigRangeChangedManually.emit([True, True])  # as a drag or wheel does
    assert not view.following
    view.loss_plot.setXRange(10, 20, padding=0)
    session.step_forward(200)
    assert view.loss_plot.vb.viewRange()[0] == pytest.approx([10, 20])
    session.reset()
    session.step_forward(5)
    assert view.following and view.loss_plot.vb.viewRange()[0][1] >= 5
