"""The plane through the focused run's point on a three-parameter race: its map is core's
``plane_grid`` at the focused point's held coordinate, follows the cursor and the
selection, switches the held axis, projects the runs; hover and clicks speak 3-D."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from gdviz.core.probe import plane_grid
from gdviz.ui.main_window import MainWindow
from gdviz.ui.session import Session
from gdviz.ui.views.plane_slice import RES, PlaneView
from gdviz.ui.views.plotview import view_box


@pytest.fixture
def plane(wells, qtbot) -> PlaneView:
    v = PlaneView(wells)
    qtbot.addWidget(v)
    v.resize(700, 600)
    v.show()
    return v


def drawn_map(plane: PlaneView) -> np.ndarray:
    image = plane.layer.image.image
    assert image is not None
    return np.asarray(image, dtype=np.float64)


def expected_map(plane: PlaneView, session: Session, axis: int, value: float) -> np.ndarray:
    _, _, z = plane_grid(session.landscape, view_box(plane.plot.vb), axis, value, RES)
    return z


def test_the_map_is_f_on_the_plane_through_the_focused_point(plane, wells):
    wells.step_forward(10)
    z_now = wells.snapshot(0).params[0][2]
    assert plane.held_axis == 2 and plane.held_value == z_now
    np.testing.assert_array_equal(drawn_map(plane), expected_map(plane, wells, 2, z_now))
    assert plane.plot.titleLabel.text == f"z = {z_now:.4g} (held at gd η=0.1's point)"
    assert plane.plot.getAxis("bottom").labelText == "x"
    assert plane.plot.getAxis("left").labelText == "y"


def test_the_plane_follows_the_cursor_and_the_selection(plane, wells):
    wells.step_forward(30)
    wells.seek(7)
    z7 = wells.snapshot(0).params[0][2]
    assert plane.held_value == z7
    np.testing.assert_array_equal(drawn_map(plane), expected_map(plane, wells, 2, z7))
    wells.select(1)
    z_momentum = wells.snapshot(1).params[0][2]
    assert z_momentum != z7 and plane.held_value == z_momentum
    np.testing.assert_array_equal(drawn_map(plane), expected_map(plane, wells, 2, z_momentum))
    assert "momentum η=0.05's point" in plane.plot.titleLabel.text


def test_the_hold_combo_switches_the_held_axis(plane, wells):
    wells.step_forward(15)
    plane.hold.setCurrentIndex(plane.hold.findData(0))  # hold x
    x_now = wells.snapshot(0).params[0][0]
    assert (plane.held_axis, plane.held_value, plane.free) == (0, x_now, (1, 2))
    assert [plane.plot.getAxis(s).labelText for s in ("bottom", "left")] == ["y", "z"]
    np.testing.assert_array_equal(drawn_map(plane), expected_map(plane, wells, 0, x_now))
    trail = wells.trail(2)
    xs, ys = plane.trails[2].getData()
    np.testing.assert_array_equal(np.column_stack([xs, ys]), trail[:, [1, 2]])
    points = np.array([p.pos() for p in plane.points.points()])
    np.testing.assert_array_equal(points, [wells.snapshot(i).params[0][[1, 2]]
                                           for i in range(3)])
    plane.set_held_axis(1)
    assert plane.hold.currentData() == 1 and plane.free == (0, 2)
    assert plane.held_value == wells.snapshot(0).params[0][1]
    assert plane.plot.titleLabel.text.startswith("y = ")


def test_log_contours_draw_the_log_of_the_same_grid(plane, wells):
    wells.step_forward(5)
    plain = drawn_map(plane)
    wells.set_display("log_contours", True)
    logged = drawn_map(plane)
    order = np.argsort(plain, axis=None)
    assert np.all(np.diff(logged.ravel()[order]) >= -1e-12)  # monotone in f
    assert plane.layer.colorbar.getAxis("left").labelText.startswith("log₁₀")


def test_a_run_far_out_is_seen_from_the_box_s_side(qtbot):
    s = Session("rosenbrock3")
    s.add_run("gd", lr=0.01)  # diverges at step 3
    v = PlaneView(s)
    qtbot.addWidget(v)
    s.step_forward(10)
    assert s.focused() == 0 and s.snapshot(0).params[0][2] > 3.0
    assert v.held_value == 3.0  # the box's top: z ∈ [−1, 3]
    assert v.plot.titleLabel.text.startswith("z = 3, the box's side (gd η=0.01's point: ")
    s.add_run("adam", lr=0.02)
    s.step_forward(10)
    assert s.focused() == 1  # the first run that has not diverged
    assert v.held_value == s.snapshot(1).params[0][2]


def test_a_click_on_the_plane_moves_the_start_in_space(plane, wells):
    wells.step_forward(4)
    z_now = wells.snapshot(0).params[0][2]
    plane.sigClicked.emit(0.25, -1.5, Qt.KeyboardModifier.NoModifier)
    assert wells.start == (0.25, -1.5, z_now) and wells.step == 0


def test_hovering_the_plane_reads_f_and_its_three_slopes(qtbot):
    window = MainWindow(Session("quadratic3"), remember_layout=False)
    qtbot.addWidget(window)
    s = window.session
    s.add_run("gd", lr=0.01)
    s.step_forward(3)
    plane = window.space_mode.plane
    z_now = s.snapshot(0).params[0][2]
    plane.sigHover.emit(1.0, -0.5)
    f, g = s.landscape.value_and_grad(np.array([1.0, -0.5, z_now]))
    text = window.cursor_label.text()
    assert text == (f"x = 1   y = -0.5   z = {z_now:.4g}   f = {f:.6g}   "
                    f"∇f = ({g[0]:.4g}, {g[1]:.4g}, {g[2]:.4g})")


def test_the_landscape_panel_edits_three_start_coordinates(qtbot):
    window = MainWindow(Session("rosenbrock"), remember_layout=False)
    qtbot.addWidget(window)
    panel = window.landscape_panel
    assert [e.isHidden() for e in panel.start_edits] == [False, False, True]
    window.session.set_landscape("rosenbrock3")
    assert [e.isHidden() for e in panel.start_edits] == [False, False, False]
    assert [e.text() for e in panel.start_edits] == ["-1.2", "1", "1"]
    panel.start_edits[2].setText("0.5")
    panel.start_edits[2].sigCommitted.emit("0.5")
    assert window.session.start == (-1.2, 1.0, 0.5)
    assert [label.text() for label in panel._start_labels] == ["x", "y", "z"]
    window.session.set_landscape("parabola")
    assert [e.isHidden() for e in panel.start_edits] == [False, True, True]
    window.session.set_landscape("linear_regression")  # the start is a line's w and b
    assert [label.text() for label in panel._start_labels[:2]] == ["w", "b"]
