"""Frames drawn offscreen by the window's own views: exact sizes, pure functions of the
step, the same pixels as the window's views."""

import numpy as np
import pytest
from PyQt6.QtWidgets import QApplication

from gdviz.scenario import load_scenario
from gdviz.ui.main_window import MainWindow
from gdviz.ui.render import (
    FrameRenderer,
    NeedsOpenGL,
    choose_views,
    frame_steps,
    grab_rgb,
)
from gdviz.ui.session import Session
from tests.conftest import requires_gl


def renderer(qtbot, name, views, size=(640, 360)):
    r = FrameRenderer(load_scenario(name), views, size)
    qtbot.addWidget(r)
    return r


def test_frames_have_the_exact_size_and_show_their_step(qtbot):
    r = renderer(qtbot, "ravine", ("contour", "loss"), (641, 357))
    r.prepare(250)
    image = r.frame(100)
    assert image.shape == (357, 641, 3) and image.dtype == np.uint8
    assert r.step_label.text() == "step 100 / 250"
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50  # a real picture


def test_a_frame_is_a_pure_function_of_the_step(qtbot):
    one = renderer(qtbot, "learning_rate", ("contour", "loss"))
    one.prepare(150)
    first = [one.frame(k) for k in (10, 80, 150)]
    again = one.frame(80)  # after drawing a later step
    two = renderer(qtbot, "learning_rate", ("contour", "loss"))
    two.prepare(150)
    np.testing.assert_array_equal(again, first[1])
    for k, image in zip((10, 80, 150), first, strict=True):
        np.testing.assert_array_equal(two.frame(k), image)
    assert not np.array_equal(first[0], first[1])


@pytest.mark.parametrize("name", ["contour", "loss"])
def test_an_exported_view_equals_the_windows_view_at_that_step(qtbot, name):
    """The window's own view at step 120 and the same view in a frame renderer sized so
    that the view gets the same pixels: identical images."""
    scenario = load_scenario("ravine")
    window = MainWindow(Session(scenario), remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.session.run_to(120)
    QApplication.processEvents()
    live_view = window.contour if name == "contour" else window.loss
    target = live_view.size()
    r = renderer(qtbot, "ravine", (name,), (target.width() + 100, target.height() + 100))
    r.prepare(120)
    for _ in range(3):  # the header settles its height on the first frames
        r.frame(120)
        inner = r.views[name].size()
        r.resize(r.width() + target.width() - inner.width(),
                 r.height() + target.height() - inner.height())
        QApplication.processEvents()
    r.frame(120)
    assert r.views[name].size() == target
    np.testing.assert_array_equal(grab_rgb(r.views[name]), grab_rgb(live_view))


def test_view_choice():
    ravine, walk = load_scenario("ravine"), load_scenario("tangent_walk")
    assert choose_views(ravine, "all", gl=True) == ("contour", "surface", "loss")
    assert choose_views(walk, "all", gl=False) == ("curve", "loss")
    assert choose_views(ravine, None, gl=False) == ("contour", "loss")  # 3-D left out
    with pytest.raises(NeedsOpenGL):
        choose_views(ravine, "surface", gl=False)
    with pytest.raises(ValueError, match="does not fit"):
        choose_views(walk, "contour", gl=True)
    with pytest.raises(ValueError, match="unknown view"):
        choose_views(walk, "map", gl=True)


def test_frame_steps_spread_evenly():
    assert frame_steps(200, 5) == [0, 50, 100, 150, 200]
    assert frame_steps(3, 7) == [0, 0, 1, 2, 2, 2, 3]
    assert frame_steps(10, 1) == [10]
    with pytest.raises(ValueError):
        frame_steps(10, 0)


@requires_gl
def test_the_3d_view_renders_in_frames(qtbot):
    r = renderer(qtbot, "ravine", ("surface",), (480, 360))
    r.prepare(50)
    image = r.frame(50)
    assert image.shape == (360, 480, 3)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 100  # a shaded surface


def test_the_3d_view_is_refused_without_opengl(qtbot):
    with pytest.raises(NeedsOpenGL):
        FrameRenderer(load_scenario("ravine"), ("surface",), (320, 240))
