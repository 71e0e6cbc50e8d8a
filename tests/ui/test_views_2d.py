"""The contour map, the loss plots and the 1-D curve view draw what the Session says."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QFontMetricsF

from gdviz.ui.session import Session
from gdviz.ui.views.contour import ContourView
from gdviz.ui.views.curve1d import CurveView
from gdviz.ui.views.loss import LogFriendlyAxis, LossView
from gdviz.ui.views.paths import CELL_PX, PASSES, SLACK_PX, pixel_path, screen_path, straighten
from gdviz.ui.views.plotview import pixel_size


def shown(qtbot, view, size=(800, 600)):
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def widget_pos(view, x: float, y: float) -> QPoint:
    """Where data point (x, y) is, in the PlotWidget's viewport coordinates."""
    scene = view.plot.vb.mapViewToScene(QPointF(x, y))
    return view.widget.mapFromScene(scene)


def in_view(view, point) -> bool:
    (x0, x1), (y0, y1) = view.plot.vb.viewRange()
    return bool(x0 <= point[0] <= x1 and y0 <= point[1] <= y1)


# ---- contour ------------------------------------------------------------------------------
def test_trails_equal_the_session_trails(qtbot, session):
    view = shown(qtbot, ContourView(session))
    session.step_forward(50)
    for i, trail in enumerate(view.trails):
        np.testing.assert_array_equal(trail.points, session.trail(i))
        (x0, _), (y0, _) = view.plot.vb.viewRange()
        drawn = screen_path(session.trail(i), (x0, y0), pixel_size(view.plot.vb))
        np.testing.assert_array_equal(np.column_stack(trail.getData()), drawn)
        # within about a pixel of every step (a cell's diagonal plus the straightening)
        far = off_line_px(session.trail(i), drawn, pixel_size(view.plot.vb))
        assert far.max() <= CELL_PX * np.sqrt(2) + PASSES * SLACK_PX + 1e-9
    session.seek(20)
    np.testing.assert_array_equal(view.trails[1].points, session.trail(1))
    assert len(view.trails[1].points) == 21
    view.plot.vb.scaleBy((0.01, 0.01))  # zoomed in: each step its own pixel again
    (x0, _), (y0, _) = view.plot.vb.viewRange()
    px = pixel_size(view.plot.vb)
    np.testing.assert_array_equal(pixel_path(session.trail(1), (x0, y0), px), session.trail(1))
    np.testing.assert_array_equal(np.column_stack(view.trails[1].getData()),
                                  straighten(session.trail(1), px))


def off_line_px(points: np.ndarray, line: np.ndarray, px) -> np.ndarray:
    """Each point's distance in pixels to the nearest segment of the polyline ``line``."""
    scale = 1.0 / np.asarray(px)
    p, a, b = points * scale, line[:-1] * scale, line[1:] * scale
    if not len(a):
        return np.hypot(*(p - line[0] * scale).T)
    d = b - a
    length_sq = np.maximum((d * d).sum(1), 1e-300)
    t = np.clip(((p[:, None, :] - a[None]) * d[None]).sum(2) / length_sq, 0, 1)
    nearest = a[None] + t[..., None] * d[None]
    return np.sqrt(((p[:, None, :] - nearest) ** 2).sum(2)).min(1)


def is_subsequence(kept: np.ndarray, xy: np.ndarray) -> bool:
    k = 0
    for p in xy:
        if k < len(kept) and np.array_equal(kept[k], p):
            k += 1
    return k == len(kept)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=0, max_size=60),
       st.floats(0.01, 2.0), st.floats(0.01, 2.0), st.booleans())
def test_straightening_keeps_the_line_within_its_slack_of_every_point(points, px, py, smooth):
    xy = np.array(points, dtype=np.float64).reshape(-1, 2)
    if smooth:  # a gentle curve with many nearly collinear points, like a slow run
        xy = np.cumsum(np.abs(xy) * 1e-3 + 1e-3, axis=0)
    kept = straighten(xy, (px, py))
    assert is_subsequence(kept, xy)
    if len(xy) <= 2:
        np.testing.assert_array_equal(kept, xy)
        return
    np.testing.assert_array_equal(kept[[0, -1]], xy[[0, -1]])  # both ends stay
    assert off_line_px(xy, kept, (px, py)).max() <= PASSES * SLACK_PX * (1 + 1e-9) + 1e-12


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=0, max_size=60),
       st.floats(0.01, 2.0), st.floats(0.01, 2.0))
def test_a_pixel_path_drops_only_points_within_a_cell_of_the_point_before(points, px, py):
    xy = np.array(points, dtype=np.float64).reshape(-1, 2)
    kept = pixel_path(xy, (-10.0, -10.0), (px, py))
    if not len(xy):
        assert not len(kept)
        return
    np.testing.assert_array_equal(kept[[0, -1]], xy[[0, -1]])  # both ends stay
    cell = CELL_PX * np.array([px, py])
    k = 0
    for i, p in enumerate(xy):  # kept is xy with some points left out, in order
        if k < len(kept) and np.array_equal(kept[k], p):
            k += 1
        else:  # a point left out is less than a cell from the one before it
            assert np.all(np.abs(p - xy[i - 1]) < cell)
    assert k == len(kept)


def test_overlays_follow_the_display_toggles(qtbot, session):
    view = shown(qtbot, ContourView(session))
    session.step_forward(50)
    assert all(a.visible for a in view.grad_arrows)
    assert [a.visible for a in view.vel_arrows] == [False, True, True]  # gd has no memory
    session.set_display("gradient", False)
    assert not any(a.visible for a in view.grad_arrows)
    session.set_display("velocity", False)
    assert not any(a.visible for a in view.vel_arrows)
    session.set_display("trails", False)
    assert not any(t.isVisible() for t in view.trails)
    assert view.quiver.getData()[0] is None or len(view.quiver.getData()[0]) == 0
    session.set_display("quiver", True)
    assert len(view.quiver.getData()[0]) > 0
    session.set_display("quiver", False)
    assert view.quiver.getData()[0] is None or len(view.quiver.getData()[0]) == 0


def test_diverged_and_converged_runs_are_marked(qtbot, session):
    view = shown(qtbot, ContourView(session))
    session.add_run("gd", lr=1.0)
    session.step_forward(60)
    snap = session.snapshot(3)
    assert snap.status[0] == "diverged"
    assert view.markers[3].isVisible()
    assert view.markers[3].toPlainText() == f"✗ {snap.stopped_at[0]}"
    assert in_view(view, (view.markers[3].pos().x(), view.markers[3].pos().y()))
    session.set_display("markers", False)
    assert not view.markers[3].isVisible()

    s = Session("quadratic")
    s.add_run("gd", lr=0.05)
    s.set_tol(1e-6)
    s.set_steps(1000)
    quad = shown(qtbot, ContourView(s))
    s.step_forward(400)
    assert s.snapshot(0).status[0] == "converged"
    assert quad.markers[0].toPlainText() == "✓" and quad.markers[0].isVisible()
    assert not quad.grad_arrows[0].visible  # a stopped run has no arrow


def test_click_sets_the_shared_start_and_shift_click_one_run(qtbot, session):
    view = shown(qtbot, ContourView(session))
    px = max(view.plot.vb.viewPixelSize())
    qtbot.mouseClick(view.widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=widget_pos(view, 0.5, 2.0))
    assert session.start == pytest.approx((0.5, 2.0), abs=1.5 * px)
    assert all(r.start is None for r in session.runs)

    session.select(1)
    qtbot.mouseClick(view.widget.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, pos=widget_pos(view, -1.0, -0.5))
    assert session.runs[1].start == pytest.approx((-1.0, -0.5), abs=1.5 * px)
    assert session.start == pytest.approx((0.5, 2.0), abs=1.5 * px)
    assert session.runs[0].start is None and session.runs[2].start is None
    assert session.trail(1)[0] == pytest.approx(session.runs[1].start)


def test_hover_reports_data_coordinates(qtbot, session):
    view = shown(qtbot, ContourView(session))
    seen = []
    view.sigHover.connect(lambda x, y: seen.append((x, y)))
    view.plot.scene().sigMouseMoved.emit(view.plot.vb.mapViewToScene(QPointF(1.0, 0.5)))
    assert seen[-1] == pytest.approx((1.0, 0.5), abs=1e-6)


@pytest.mark.parametrize("zoom", [None, ((-1.3, -1.1), (0.9, 1.1)), ((0.0, 1.5), (-0.5, 1.0))])
def test_every_arrow_ends_inside_the_view(qtbot, session, zoom):
    view = shown(qtbot, ContourView(session))
    session.add_run("gd", lr=1.0)  # diverges far outside
    session.step_forward(40)
    if zoom:
        view.plot.vb.setRange(xRange=zoom[0], yRange=zoom[1], padding=0)
    drawn = [a for a in (*view.grad_arrows, *view.vel_arrows) if a.visible]
    for arrow in drawn:
        assert in_view(view, arrow.start) and in_view(view, arrow.end)
    if zoom is None:
        assert len(drawn) >= 3


def test_one_dimensional_landscape_and_no_runs_leave_it_empty(qtbot, session):
    view = shown(qtbot, ContourView(session))
    session.step_forward(10)
    session.set_landscape("double_well")
    session.step_forward(10)
    assert view.image.image is None
    assert not any(a.visible for a in view.grad_arrows)
    assert all(len(t.getData()[0] if t.getData()[0] is not None else []) == 0
               for t in view.trails)
    session.set_landscape("himmelblau")
    session.step_forward(5)
    assert view.image.image is not None
    np.testing.assert_array_equal(view.trails[0].points, session.trail(0))

    empty = shown(qtbot, ContourView(Session("beale")))
    empty.session.step_forward(5)
    assert empty.trails == [] and empty.image.image is not None


def test_log_contours_label_the_colour_bar(qtbot):
    s = Session("six_hump_camel")  # f < 0 near its minima
    view = shown(qtbot, ContourView(s))
    assert view.colorbar.getAxis("left").labelText.startswith("log₁₀(f +")
    s.set_display("log_contours", False)
    assert view.colorbar.getAxis("left").labelText == "f"


# ---- loss ---------------------------------------------------------------------------------
def test_loss_curves_equal_the_session_history(qtbot, session):
    view = shown(qtbot, LossView(session))
    session.step_forward(40)
    for i, (lc, gc) in enumerate(zip(view.loss_curves, view.grad_curves, strict=True)):
        steps, loss, grad_norm = session.history(i)
        np.testing.assert_array_equal(lc.xData, steps)
        np.testing.assert_array_equal(lc.yData, loss)
        np.testing.assert_array_equal(gc.yData, grad_norm)
    assert [item[1].text for item in view.legend.items] == [r.label for r in session.runs]


def test_loss_cursor_follows_seek(qtbot, session):
    view = shown(qtbot, LossView(session))
    session.step_forward(40)
    assert [c.value() for c in view.cursors] == [40, 40]
    session.seek(12)
    assert [c.value() for c in view.cursors] == [12, 12]
    # the curves are drawn up to the cursor, as they were when step 12 was played
    np.testing.assert_array_equal(view.loss_curves[0].xData, np.arange(13))
    session.step_forward(28)  # over the recorded rows: the curves grow again
    assert len(view.loss_curves[0].yData) == 41


def test_loss_log_axis_with_negative_values(qtbot, session):
    view = shown(qtbot, LossView(session))
    session.set_landscape("six_hump_camel")
    session.set_start((0.3, -0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session.step_forward(100)
        assert min(session.history(i)[1].min() for i in range(3)) < 0
        for curve in (*view.loss_curves, *view.grad_curves):
            assert np.all(curve.yData > 0)
            assert np.all(np.isfinite(curve.getData()[1]))
        assert "f − f_min" in view.loss_plot.getAxis("left").labelText
        session.set_display("log_loss", False)
        np.testing.assert_array_equal(view.loss_curves[1].yData, session.history(1)[1])
        session.set_display("log_loss", True)
        assert np.all(np.isfinite(view.loss_curves[1].getData()[1]))


def test_hyperparameter_edits_are_marked(qtbot, session):
    view = shown(qtbot, LossView(session))
    session.step_forward(30)
    session.seek(20)
    session.set_hyper(2, "lr", 0.05)
    session.step_forward(10)
    assert [m.value() for m in view.edit_lines[2]] == [20, 20]  # loss and grad plots
    assert view.edit_lines[0] == []
    assert len(view.loss_curves[2].yData) == 31
    session.reset()  # the restart replays the edit
    assert [m.value() for m in view.edit_lines[2]] == [20, 20]
    session.set_landscape("himmelblau")  # a new race has none
    assert view.edit_lines[2] == []


def test_a_diverged_run_does_not_squash_the_other_loss_curves(qtbot):
    s = Session("rosenbrock")
    s.add_run("gd", lr=1.0)  # its last normal step has f ≈ 2e11
    s.add_run("adam", lr=0.1)
    view = shown(qtbot, LossView(s))
    s.step_forward(200)
    qtbot.wait(20)  # the auto-range is applied before the paint
    gd, adam = s.snapshot(0), s.snapshot(1)
    assert gd.status[0] == "diverged" and adam.status[0] == "running"
    stop = int(gd.stopped_at[0])
    # the diverged run's curves end at its stop; the other run's cover the whole timeline
    np.testing.assert_array_equal(view.loss_curves[0].xData, np.arange(stop + 1))
    np.testing.assert_array_equal(view.loss_curves[0].yData, s.history(0)[1][:stop + 1])
    np.testing.assert_array_equal(view.loss_curves[1].yData, s.history(1)[1])
    y0, y1 = view.loss_plot.vb.viewRange()[1]  # log10 of f
    adam_log = np.log10(s.history(1)[1])
    assert y0 <= adam_log.min() and adam_log.max() <= y1
    # with gd's 2e11 in range the axis spanned [-0.92, 12.2] decades and adam's 1.4
    # decades took 10 % of it; without it the whole-decade range is adam's own
    assert (y0, y1) == (np.floor(adam_log.min()), np.ceil(adam_log.max()))
    (x0, x1), (g0, g1) = view.grad_plot.vb.viewRange()
    assert g1 < 5 and x1 >= s.head_step  # the gradient plot too; the step axis stays whole
    for k, (plot, mark) in enumerate(zip((view.loss_plot, view.grad_plot),
                                         view.stop_marks[0], strict=True)):
        assert mark.isVisible() and mark.toPlainText() == "✗", k
        (x0, x1), (y0, y1) = plot.vb.viewRange()
        assert mark.pos().x() == pytest.approx(stop, abs=0.05 * (x1 - x0))
        assert x0 < mark.pos().x() < x1 and y0 < mark.pos().y() < y1  # pinned inside
    assert not any(m.isVisible() for m in view.stop_marks[1])
    s.set_display("markers", False)
    assert not any(m.isVisible() for m in view.stop_marks[0])


def test_only_diverged_runs_keep_them_in_the_range(qtbot):
    s = Session("parabola")
    s.add_run("gd", lr=1.5)
    view = shown(qtbot, LossView(s))
    s.step_forward(40)
    qtbot.wait(20)
    assert s.snapshot(0).status[0] == "diverged"
    top = np.log10(view.loss_curves[0].yData.max())
    y0, y1 = view.loss_plot.vb.viewRange()[1]
    assert y0 < top <= y1


def test_loss_axis_is_linear_on_landscapes_without_a_minimum(qtbot, session):
    view = shown(qtbot, LossView(session))
    assert view.loss_plot.getAxis("left").logMode
    session.set_landscape("saddle")  # f falls without end: log(f − f_min) reads flat
    session.step_forward(60)
    assert not session.display["log_loss"] and not view.loss_plot.getAxis("left").logMode
    assert view.loss_plot.getAxis("left").labelText == "f"
    np.testing.assert_array_equal(view.loss_curves[0].yData, session.history(0)[1])
    session.set_display("log_loss", True)  # the user may still ask for it
    assert view.loss_plot.getAxis("left").logMode
    assert view.loss_plot.getAxis("left").labelText == "f − f_min"
    session.set_landscape("himmelblau")
    assert session.display["log_loss"] and view.loss_plot.getAxis("left").logMode


# ---- 1-D curve ----------------------------------------------------------------------------
@pytest.fixture
def well(qtbot) -> Session:
    s = Session("double_well")
    s.add_run("gd", lr=0.05)
    s.add_run("momentum", lr=0.01)
    s.add_run("adam", lr=0.1)
    return s


def test_tangent_has_the_gradient_as_slope_and_touches_the_point(qtbot, well):
    view = shown(qtbot, CurveView(well))
    well.step_forward(3)
    for i, tangent in enumerate(view.tangents):
        snap = well.snapshot(i)
        (x0, x1), (y0, y1) = tangent.getData()
        assert (y1 - y0) / (x1 - x0) == pytest.approx(snap.grad[0, 0], rel=1e-9)
        assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx(
            (snap.params[0, 0], snap.loss[0]), rel=1e-9, abs=1e-12)
        assert view.slope_labels[i].toPlainText() == f"slope = {snap.grad[0, 0]:.3g}"


def test_step_arrow_ends_at_the_next_point(qtbot, well):
    view = shown(qtbot, CurveView(well))
    well.step_forward(2)
    for i, arrow in enumerate(view.step_arrows):
        assert arrow.visible
        assert arrow.start[0] == pytest.approx(well.snapshot(i).params[0, 0])
        assert arrow.end[0] == pytest.approx(well.next_point(i)[0])
        assert arrow.end[1] == arrow.start[1]


def test_curve_click_sets_the_start_x(qtbot, well):
    view = shown(qtbot, CurveView(well))
    px = view.plot.vb.viewPixelSize()[0]
    qtbot.mouseClick(view.widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=widget_pos(view, -0.5, 3.0))
    assert well.start == pytest.approx((-0.5,), abs=1.5 * px)
    assert view.trails[0].getData()[0] == pytest.approx([well.start[0]])


def test_curve_view_is_empty_on_a_2d_landscape(qtbot, session):
    view = shown(qtbot, CurveView(session))
    session.step_forward(5)
    assert view.curve.getData()[0] is None or len(view.curve.getData()[0]) == 0
    assert not any(a.visible for a in view.step_arrows)
    session.set_landscape("wiggly")
    session.step_forward(5)
    assert len(view.curve.getData()[0]) > 0
    assert len(view.minima.data) == len(session.landscape.minima)


def test_curve_marks_converged_and_diverged_runs(qtbot):
    s = Session("double_well")
    s.add_run("gd", lr=0.05)
    s.set_stop_on_convergence(True)
    s.set_steps(2000)
    view = shown(qtbot, CurveView(s))
    s.step_forward(5)
    assert not view.markers[0].isVisible()  # still running
    while s.snapshot(0).status[0] == "running" and s.step < 2000:
        s.step_forward(10)
    snap = s.snapshot(0)
    assert snap.status[0] == "converged"
    marker = view.markers[0]
    assert marker.isVisible() and marker.toPlainText() == "✓"
    px = view.plot.vb.viewPixelSize()
    at = marker.pos()
    assert in_view(view, (at.x(), at.y()))
    assert abs(at.x() - snap.params[0, 0]) < 2 * px[0]  # beside the point, just above it
    assert 0 < (at.y() - snap.loss[0]) / px[1] < 40
    assert marker.color.name() == s.runs[0].color
    s.set_display("markers", False)
    assert not marker.isVisible()

    p = Session("parabola")
    p.add_run("gd", lr=1.5)  # |1 − 2η| = 2: x doubles each step
    p.add_run("gd", lr=0.1)
    p.set_tol(1e-6)
    far = shown(qtbot, CurveView(p))
    p.step_forward(100)  # the second run converges at step 70
    gone = p.snapshot(0)
    assert gone.status[0] == "diverged" and abs(gone.params[0, 0]) > 1e3
    marker = far.markers[0]
    assert marker.isVisible() and marker.toPlainText() == f"✗ {gone.stopped_at[0]}"
    assert in_view(far, (marker.pos().x(), marker.pos().y()))  # at the edge, not off it
    assert far.markers[1].toPlainText() == "✓"


def test_hovering_a_loss_curve_reads_off_run_step_and_value(qtbot, session):
    view = shown(qtbot, LossView(session))
    session.step_forward(60)
    qtbot.wait(20)
    steps, loss, _ = session.history(2)
    vb = view.loss_plot.vb
    at = vb.mapViewToScene(QPointF(30, float(np.log10(loss[30]))))
    named = view._named(view.loss_curves)
    name, _colour, step, value = view.readouts[0].text_at(at, named)
    assert (name, step, value) == (session.runs[2].label, 30, loss[30])
    view.readouts[0].show_at(at, named)
    assert view.readouts[0].label.isVisible() and "step 30" in view.readouts[0].label.toPlainText()
    far = vb.mapViewToScene(QPointF(30, 1e6))
    assert view.readouts[0].text_at(far, named) is None


def test_straightening_leaves_out_a_straight_stretch_and_keeps_a_zigzag():
    line = np.column_stack([np.linspace(0, 100, 101), np.linspace(0, 50, 101)])
    assert len(straighten(line, (1.0, 1.0))) <= 101 // 2**PASSES + 2
    zigzag = np.column_stack([np.arange(50.0), np.arange(50) % 2 * 1.0])  # 1 px teeth
    np.testing.assert_array_equal(straighten(zigzag, (1.0, 1.0)), zigzag)


def test_a_map_not_shown_is_sampled_when_it_is_shown(qtbot, session):
    view = ContourView(session)
    qtbot.addWidget(view)
    assert view.image.image is None  # hidden: no sampling for a box that is not final
    session.set_landscape("himmelblau")
    assert view.image.image is None
    shown(qtbot, view)
    assert view.image.image is not None
    himmelblau = view.image.image.copy()
    session.set_landscape("beale")  # shown: sampled at once
    assert not np.array_equal(view.image.image, himmelblau)


def test_the_loss_legend_wraps_to_the_width_it_is_given(qtbot, session):
    view = shown(qtbot, LossView(session), size=(1400, 300))
    assert view.legend.columnCount == 4  # the runs' entries in one row
    view.resize(300, 300)
    qtbot.waitUntil(lambda: view.legend.columnCount < 4)
    qtbot.waitUntil(lambda: view.legend.boundingRect().width() <= view.width())
    # never wider than the view: a wider legend pushed the plots past its right edge
    view.resize(1400, 300)
    qtbot.waitUntil(lambda: view.legend.columnCount == 4)


def test_a_short_log_axis_labels_only_the_decades_that_fit():
    axis = LogFriendlyAxis("left")
    axis.setLogMode(False, True)
    line = QFontMetricsF(axis.font()).height()

    def decades(size: float) -> list[float]:
        levels = axis.tickValues(-2.0, 2.0, size)
        return [v for spacing, values in levels if spacing is not None for v in values]

    assert decades(400) == [-2.0, -1.0, 0.0, 1.0, 2.0]  # room for every decade
    short = decades(2.5 * line)
    assert 1 <= len(short) <= 2 and set(short) <= {-2.0, -1.0, 0.0, 1.0, 2.0}
