"""The view of a three-parameter race: the GL view of parameter space (level surfaces on
their levels, the runs' lines, points and arrows exactly where the race and the maths put
them; needs X / Xvfb), the window's page for it, `gdviz gui` and `gdviz export` on one."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtGui import QImage, QVector3D

from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import Scenario, ViewSettings
from gdviz.ui.export_job import export_animation, plan_export
from gdviz.ui.main_window import MainWindow
from gdviz.ui.render import FrameRenderer, has_gl
from gdviz.ui.session import Session
from gdviz.ui.views import level_surfaces as levels_module
from gdviz.ui.views.level_surfaces import RES, SHARES
from tests.conftest import requires_gl
from tests.ui.test_main_window import gui, pixels


@pytest.fixture
def view(wells, qtbot):
    from gdviz.ui.views.space3d import SpaceView

    v = SpaceView(wells)
    qtbot.addWidget(v)
    v.resize(700, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def landscape_points(view, gl_points: np.ndarray) -> np.ndarray:
    """GL positions back to landscape points (inside the box the scale is linear)."""
    scale = view.scale
    return np.asarray(gl_points, dtype=np.float64) / scale.factor + scale.centre


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


@requires_gl
@pytest.mark.parametrize("name", ["quadratic3", "rosenbrock3", "three_wells"])
def test_level_surfaces_lie_on_their_levels(qtbot, name):
    from gdviz.ui.views.space3d import SpaceView

    session = Session(name)
    v = SpaceView(session)
    qtbot.addWidget(v)
    box = session.space_box()
    f_grid = session.volume(box, RES)[3]
    expected = np.quantile(f_grid[np.isfinite(f_grid)], SHARES)
    assert len(v.surfaces) == len(v.levels) == len(SHARES)
    np.testing.assert_allclose([s.level for s in v.levels], expected)
    h = np.array([(hi - lo) / (RES - 1) for lo, hi in box])
    for mesh, surface in zip(v.surfaces, v.levels, strict=True):
        drawn = mesh.opts["meshdata"]
        points = landscape_points(v, drawn.vertexes())
        assert len(points) > 100 and drawn.faces().max() < len(points)
        f, g = session.landscape.value_and_grad(points)
        # linear interpolation along a grid edge: off by far less than one cell's change
        cell = np.linalg.norm(g * h, axis=1)
        assert np.all(np.abs(f - surface.level) <= 0.25 * cell + 1e-9)
        assert np.all(points >= np.array(box)[:, 0] - 1e-5)
        assert np.all(points <= np.array(box)[:, 1] + 1e-5)


@requires_gl
def test_level_surfaces_are_computed_once_per_landscape(qtbot, monkeypatch):
    from gdviz.ui.views.space3d import SpaceView

    session = Session("quadratic3")
    sampled: list[object] = []
    volume = Session.volume
    monkeypatch.setattr(Session, "volume", lambda s, *a: sampled.append(a) or volume(s, *a))
    levels_module._kept.clear()
    v = SpaceView(session)
    qtbot.addWidget(v)
    session.add_run("gd", lr=0.01)
    session.step_forward(20)
    session.set_display("trails", False)
    assert len(sampled) == 1
    session.set_landscape("three_wells")
    session.set_landscape("quadratic3")
    assert len(sampled) == 2  # quadratic3 again: remembered
    session.set_landscape_params(c=20.0)
    assert len(sampled) == 3 and v.levels[0].level < 5.0  # other parameters: recomputed


@requires_gl
def test_lines_points_and_arrows_are_the_race_s(view, wells, qtbot):
    wells.step_forward(12)
    qtbot.wait(20)
    land = wells.landscape
    for i in range(len(wells.runs)):
        trail = wells.trail(i)
        pos = view.trails[i].pos
        assert trail.shape[1] == 3 and pos.shape == trail.shape
        np.testing.assert_allclose(landscape_points(view, pos), trail, atol=1e-6)
        point = wells.snapshot(i).params[0]
        np.testing.assert_allclose(landscape_points(view, view.points.pos[i]), point,
                                   atol=1e-6)
        np.testing.assert_array_equal(trail[-1], point)

        down = view.grad_arrows[i]
        assert down.visible
        np.testing.assert_array_equal(down.start, point)
        np.testing.assert_allclose(unit(down.end - down.start), unit(-land.grad(point)),
                                   atol=1e-12)
        shaft = down.shaft.pos  # drawn from the point, along the same direction
        np.testing.assert_allclose(shaft[0], view.scale.gl(point), atol=1e-6)
        np.testing.assert_allclose(unit(shaft[-1] - shaft[0]), unit(-land.grad(point)),
                                   atol=1e-6)
        tip = down.head.transform().map(QVector3D(0, 0, 1))  # the cone's tip
        np.testing.assert_allclose([tip.x(), tip.y(), tip.z()], view.scale.gl(down.end),
                                   atol=1e-4)

    gd, momentum, adam = view.vel_arrows
    assert not gd.visible and gd.start is None  # plain GD carries no velocity
    for k, arrow in ((1, momentum), (2, adam)):
        assert arrow.visible
        np.testing.assert_allclose(unit(arrow.end - arrow.start), unit(wells.velocity(k)),
                                   atol=1e-12)
    lengths = [np.linalg.norm(view.scale.gl(a.end) - view.scale.gl(a.start))
               for a in view.grad_arrows]
    from gdviz.ui.views.space3d import ARROW_LONGEST, SIDE

    assert max(lengths) == pytest.approx(ARROW_LONGEST * SIDE, rel=1e-6)


@requires_gl
def test_the_focused_run_s_point_is_larger_and_follows_the_selection(view, wells):
    wells.step_forward(5)
    sizes = view.points.size
    assert sizes[0] > sizes[1] == sizes[2]
    wells.select(2)
    assert view.points.size[2] > view.points.size[0] == view.points.size[1]


@requires_gl
def test_overlays_and_stops_follow_the_display(view, wells):
    wells.set_tol(1e-6)
    wells.run_to(300)
    markers = view.labels.groups["markers"]
    assert [m.text for m in markers] == ["✓"] * 3  # every run converged by step 300
    wells.set_display("gradient", False)
    wells.set_display("trails", False)
    assert not any(a.visible for a in view.grad_arrows)
    assert not any(t.visible() for t in view.trails)
    texts = [label.text for label in view.labels.groups["axes"]]
    assert texts[:3] == ["x", "y", "z"] and texts[3:] == ["−3", "3"] * 3


@requires_gl
def test_the_view_renders_with_its_surfaces_and_labels(view, wells, qtbot):
    wells.step_forward(40)
    qtbot.wait(50)
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rgb = pixels(image).reshape(-1, 3)
    assert len(np.unique(rgb, axis=0)) > 500  # shaded surfaces, lines, text
    assert (rgb == rgb[0]).all(axis=1).mean() < 0.8


def test_the_window_swaps_its_centre_page_with_the_landscape_s_dimension(qtbot):
    window = MainWindow(Session("rosenbrock"), remember_layout=False)
    qtbot.addWidget(window)
    s = window.session
    s.set_landscape("three_wells")
    assert window.centre.currentWidget() is window.space_mode.centre_widget()
    assert type(window.space_mode.space).__name__ == ("SpaceView" if has_gl() else "QLabel")
    s.set_landscape("rosenbrock")
    assert window.centre.currentWidget() is window.pair
    s.set_landscape("parabola")
    assert window.centre.currentWidget() is window.curve
    s.set_landscape("quadratic3")
    assert window.centre.currentWidget() is window.space_mode.centre_widget()
    shown = window.current_scenario().view.show
    assert shown == ("space", "plane", "loss")


@requires_gl
def test_gdviz_gui_shows_a_3d_race(tmp_path):
    out = tmp_path / "x.png"
    done = gui("--landscape", "rosenbrock3", "--opt", "adam:lr=0.02", "--steps", "100",
               "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 1000
    assert len(np.unique(pixels(image).reshape(-1, 3), axis=0)) > 1000


@requires_gl
def test_gdviz_export_of_a_3d_race_writes_its_frames(tmp_path):
    import imageio.v3 as iio

    race = RaceSpec("rosenbrock3", steps=60, runs=(RunSpec("adam", {"lr": 0.02}),
                                                    RunSpec("momentum", {"lr": 0.001})))
    scenario = Scenario(race, ViewSettings(show=("space", "plane", "loss")))
    plan = plan_export(scenario, tmp_path / "r.gif", frames=4, size=(480, 270))
    assert plan.views == (("space", "plane", "loss") if has_gl() else ("plane", "loss"))
    export_animation(scenario, plan)
    frames = iio.imread(tmp_path / "r.gif", index=None)
    assert frames.shape == (4, 270, 480, 3)
    assert not np.array_equal(frames[0], frames[-1])  # the race moves


@requires_gl
def test_an_exported_space_frame_draws_the_window_s_view(tmp_path):
    scenario = Scenario(RaceSpec("three_wells", runs=(RunSpec("momentum", {"lr": 0.05}),)))
    renderer = FrameRenderer(scenario, ("space",), (640, 480))
    try:
        renderer.prepare(30)
        frame = renderer.frame(30)
        view = renderer.views["space"]
        np.testing.assert_allclose(landscape_points(view, view.points.pos[0]),
                                   renderer.session.snapshot(0).params[0], atol=1e-6)
    finally:
        renderer.close()
        renderer.deleteLater()
    assert frame.shape == (480, 640, 3) and len(np.unique(frame.reshape(-1, 3), axis=0)) > 300
