"""The metrics view draws every run's train/test loss and accuracy as the Session reads them."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, Qt

from gdviz.core.network import NetworkSpec
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import load_scenario
from gdviz.ui.session import Session
from gdviz.ui.views.metrics import MetricsView


def shown(qtbot, view, size=(900, 600)):
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def spiral(qtbot) -> Session:
    """The spiral preset: Adam, momentum and sgd with batches of 32, stepped to 300."""
    s = Session(load_scenario("spiral"))
    s.run_to(300)
    return s


def wave_session() -> Session:
    net = NetworkSpec(dataset="wave", sizes=(1, 16, 1), loss="mse")
    return Session(RaceSpec("network", runs=(RunSpec("adam", {"lr": 0.02}),), network=net))


def test_curves_are_the_sessions_metrics_over_the_recording(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    spiral.seek(100)  # the curves still span the whole recording
    assert len(view.loss_curves) == len(view.acc_curves) == 3
    for i, r in enumerate(spiral.runs):
        steps, _epochs, m = spiral.network_metrics(i)
        assert steps[-1] == 300
        (lt, ls), (at, ast) = view.loss_curves[i], view.acc_curves[i]
        for curve, values in ((lt, m.train_loss), (ls, m.test_loss),
                              (at, 100 * m.train_accuracy), (ast, 100 * m.test_accuracy)):
            np.testing.assert_array_equal(curve.xData, steps)
            np.testing.assert_array_equal(curve.yData, values)
        assert lt.opts["pen"].color().name() == r.color.lower()
        assert lt.opts["pen"].style() == Qt.PenStyle.SolidLine
        assert ls.opts["pen"].style() == Qt.PenStyle.DashLine
    legend = view.legend.text()
    assert all(f"color:{r.color}" in legend and r.label in legend for r in spiral.runs)
    spiral.seek(300)
    spiral.step_forward(20)  # the head grows: so do the curves
    assert len(view.loss_curves[0][0].xData) == 321
    assert view.loss_curves[0][0].yData[-1] == spiral.network_metrics(0)[2].train_loss[-1]


def test_cursor_line_and_dots_sit_at_the_sessions_step(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    spiral.seek(120)
    assert [line.value() for line in view.cursors] == [120, 120]
    xs, ys = view.dots[0].xData, view.dots[0].yData  # as given, before the log axis
    m = [spiral.network_metrics(i)[2] for i in range(3)]
    assert list(xs) == [120] * 6
    assert list(ys) == [v for mi in m for v in (mi.train_loss[120], mi.test_loss[120])]
    accs = view.dots[1].yData
    assert accs[5] == 100 * m[2].test_accuracy[120]


def test_epoch_axis_uses_each_runs_epochs_and_the_selected_runs_cursor(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    view.set_x_axis("epoch")
    for i in range(3):
        steps, epochs, _ = spiral.network_metrics(i)
        np.testing.assert_array_equal(view.loss_curves[i][1].xData, epochs)
        np.testing.assert_array_equal(view.acc_curves[i][0].xData, epochs)
    sgd_epochs = spiral.network_metrics(2)[1]
    assert sgd_epochs[300] == pytest.approx(300 * 32 / spiral.train_data.n_samples)
    assert view.acc_plot.getAxis("bottom").labelText == "epoch"
    spiral.select(2)
    spiral.seek(240)
    assert view.cursors[0].value() == pytest.approx(sgd_epochs[240])
    assert view.loss_plot.vb.viewRange()[0][1] == pytest.approx(300 * 1.015)  # full batches
    view.set_x_axis("step")
    np.testing.assert_array_equal(view.loss_curves[2][0].xData, spiral.network_metrics(2)[0])
    assert view.cursors[0].value() == 240


def test_click_on_a_plot_seeks_there(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    for plot, step in ((view.loss_plot, 150), (view.acc_plot, 42)):
        (_, _), (y0, y1) = plot.vb.viewRange()
        scene = plot.vb.mapViewToScene(QPointF(step, (y0 + y1) / 2))
        qtbot.mouseClick(view.widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.widget.mapFromScene(scene))
        assert spiral.step == pytest.approx(step, abs=1)
    view.set_x_axis("epoch")
    spiral.select(2)  # sgd: 32 of 240 training samples per step
    scene = view.loss_plot.vb.mapViewToScene(QPointF(20.0, 0.0))
    qtbot.mouseClick(view.widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.widget.mapFromScene(scene))
    assert spiral.step == pytest.approx(150, abs=1)


def test_hover_reads_off_a_runs_four_numbers(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    steps, _, m = spiral.network_metrics(1)
    y = float(np.log10(m.train_loss[80]))
    view._hover(view.loss_plot.vb.mapViewToScene(QPointF(80, y)))
    label = view.readouts[0].label
    text = label.toPlainText()
    assert label.isVisible() and spiral.runs[1].label in text and "step 80" in text
    assert f"train {m.train_loss[80]:.4g}" in text
    assert f"test {100 * m.test_accuracy[80]:.1f} %" in text
    view._hover(view.loss_plot.vb.mapViewToScene(QPointF(80, 50.0)))
    assert not label.isVisible()


def test_log_loss_follows_the_display_setting(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    assert spiral.display["log_loss"] and view.loss_plot.getAxis("left").logMode
    spiral.set_display("log_loss", False)
    assert not view.loss_plot.getAxis("left").logMode
    lo, hi = view.loss_plot.vb.viewRange()[1]
    assert lo <= float(np.nanmin(spiral.network_metrics(0)[2].train_loss)) and hi >= 1.0
    assert view.acc_plot.vb.viewRange()[1] == pytest.approx([-5, 105])


def test_regression_has_no_accuracy_plot(qtbot):
    s = wave_session()
    s.run_to(50)
    view = shown(qtbot, MetricsView(s))
    assert not view.acc_plot.isVisible()
    assert view.loss_plot.height() > 0.8 * view.widget.height()  # the room is the loss plot's
    assert view.loss_plot.getAxis("bottom").labelText == "step"
    np.testing.assert_array_equal(view.loss_curves[0][0].yData,
                                  s.network_metrics(0)[2].train_loss)
    s.set_network(NetworkSpec(dataset="xor", sizes=(2, 4, 2)))  # back to classes
    assert view.acc_plot.isVisible()
    qtbot.waitUntil(lambda: view.loss_plot.height() < 0.6 * view.widget.height(), timeout=1000)


def test_a_landscape_race_clears_the_view(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    assert view.loss_plot.listDataItems()
    spiral.set_landscape("rosenbrock")
    assert not view.loss_plot.listDataItems() and not view.acc_plot.listDataItems()
    assert not view.loss_curves and not view.data and not view.legend.text()
    spiral.step_forward(5)  # nothing to draw, nothing fails
    assert not view.loss_plot.listDataItems()


def test_new_runs_and_a_restart_redraw(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    spiral.add_run("gd", lr=0.1)
    assert len(view.loss_curves) == 4
    spiral.step_forward(3)
    assert len(view.loss_curves[3][0].xData) == spiral.head_step + 1
    spiral.reset()
    assert list(view.loss_curves[0][0].xData) == [0]


def test_while_playing_the_curves_catch_up_with_the_head(qtbot, spiral):
    view = shown(qtbot, MetricsView(spiral))
    spiral.set_speed(1000)
    spiral.play()
    qtbot.wait(400)
    spiral.pause()
    qtbot.waitUntil(lambda: len(view.loss_curves[0][0].xData) == spiral.head_step + 1,
                    timeout=1000)
    assert spiral.head_step > 300
    np.testing.assert_array_equal(view.acc_curves[2][1].yData,
                                  100 * spiral.network_metrics(2)[2].test_accuracy)
    assert view.cursors[0].value() == spiral.step
