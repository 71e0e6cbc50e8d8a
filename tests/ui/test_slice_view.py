"""The loss-slice view: it draws the Session's slice for a stated step, computes in the
background without ever drawing a stale result, and stays empty on a landscape race."""

import numpy as np
import pytest

from gdviz.scenario import load_scenario
from gdviz.ui.render import has_gl
from gdviz.ui.session import Session
from gdviz.ui.views.scales import LogScale
from gdviz.ui.views.slice_view import AUTO_MS, RES, SliceView
from gdviz.ui.views.surface import LIFT
from tests.conftest import requires_gl


@pytest.fixture
def net(qtbot) -> Session:
    """The xor race (two runs on a small network), 200 steps in."""
    s = Session(load_scenario("xor"))
    s.run_to(200)
    return s


def make_view(session: Session, qtbot, auto: bool = True) -> SliceView:
    view = SliceView(session)
    qtbot.addWidget(view)
    view.auto.setChecked(auto)
    view.resize(800, 600)
    return view


@pytest.fixture
def view(net, qtbot):
    v = make_view(net, qtbot)
    yield v
    v.wait()


def shown_steps(view: SliceView) -> list[int]:
    steps: list[int] = []
    view.sigShown.connect(steps.append)
    return steps


def idle(view: SliceView, qtbot) -> None:
    qtbot.waitUntil(lambda: not view.computing and not view._soon.isActive(), timeout=10_000)


def test_the_image_is_the_sessions_slice(view, net) -> None:
    view.log.setChecked(False)
    sl = view.compute_now()
    want = net.loss_slice("pca", 0, RES, 1.0, net.seed)
    np.testing.assert_array_equal(sl.Z, want.Z)
    np.testing.assert_array_equal(view.map.image.image, want.Z)
    rect = view.map.image.mapRectToParent(view.map.image.boundingRect())
    da = want.alphas[1] - want.alphas[0]
    assert rect.left() == pytest.approx(want.alphas[0] - da / 2)
    assert rect.bottom() == pytest.approx(want.betas[-1] + da / 2)
    view.log.setChecked(True)  # the same slice, coloured on its log scale
    np.testing.assert_array_equal(view.map.image.image, LogScale.fit(want.Z)(want.Z))
    assert "loss" in view.map.colorbar.getAxis("left").labelText


def test_the_centre_is_the_focused_runs_loss_at_the_cursor(view, net, qtbot) -> None:
    sl = view.compute_now()
    assert sl.Z[RES // 2, RES // 2] == pytest.approx(net.frame()[0].loss[0], rel=1e-12)
    net.select(1)
    assert view.centre.currentIndex() == 1
    sl = view.compute_now()
    assert view.shown.centre == 1
    assert sl.Z[RES // 2, RES // 2] == pytest.approx(net.frame()[1].loss[0], rel=1e-12)
    assert net.runs[1].label in view.info.text()


def test_trails_are_the_projected_paths_and_the_centre_runs_ends_at_the_centre(view,
                                                                              net) -> None:
    sl = view.compute_now()
    assert len(view.map.trails) == len(net.runs) == len(sl.paths)
    for trail, path in zip(view.map.trails, sl.paths, strict=True):
        np.testing.assert_array_equal(trail.xData, path[:, 0])
        np.testing.assert_array_equal(trail.yData, path[:, 1])
        assert len(path) == net.step + 1
    centre_trail = view.map.trails[0]
    assert abs(centre_trail.xData[-1]) < 1e-9 and abs(centre_trail.yData[-1]) < 1e-9
    ends = np.array([p[-1] for p in sl.paths])
    np.testing.assert_allclose([s.pos() for s in view.map.points.points()], ends)
    assert [p.brush().color().name() for p in view.map.points.points()] == [
        r.color.lower() for r in net.runs]


def test_switching_the_directions_changes_the_plane_and_its_label(view, net) -> None:
    pca = view.compute_now()
    a, b = (100 * e for e in pca.explained)
    assert a + b > 50
    assert f"the plane holds {a:.0f} % + {b:.0f} % of the trajectories' spread" \
        in view.info.text()
    assert f"slice at step {net.step}" in view.info.text()
    view.kind.setCurrentIndex(1)
    rnd = view.compute_now()
    assert rnd.kind == "random" and rnd.explained is None
    assert f"random directions (seed {net.seed})" in view.info.text()
    assert "PCA" not in view.info.text()
    assert not np.allclose(rnd.Z, pca.Z)
    assert rnd.Z[RES // 2, RES // 2] == pytest.approx(pca.Z[RES // 2, RES // 2], rel=1e-12)


def test_a_slice_is_computed_in_the_background(net, qtbot) -> None:
    view = make_view(net, qtbot)
    assert view.slice is None  # asked for, not computed on the GUI thread
    with qtbot.waitSignal(view.sigShown, timeout=10_000) as shown:
        pass
    assert shown.args == [net.step] and view.shown.step == net.step
    np.testing.assert_array_equal(view.slice.Z, net.loss_slice("pca", 0).Z)
    assert "computing" not in view.info.text()


def test_stale_results_are_dropped(net, qtbot) -> None:
    view = make_view(net, qtbot, auto=False)
    idle(view, qtbot)
    steps = shown_steps(view)
    net.seek(100)
    view.recompute.click()  # computing for step 100 ...
    assert view.computing and "computing…" in view.info.text()
    net.seek(150)
    view.recompute.click()  # ... when step 150 is asked for
    idle(view, qtbot)
    assert steps == [150]
    np.testing.assert_array_equal(view.slice.Z, net.loss_slice("pca", 0).Z)
    net.seek(50)
    view.recompute.click()  # in the background for step 50 ...
    view.compute_now()  # ... overtaken by a synchronous slice at the same step
    net.seek(60)
    idle(view, qtbot)
    assert steps == [150, 50]
    assert "slice at step 50 through" in view.info.text()
    assert "(cursor at step 60)" in view.info.text()  # auto off: the slice keeps its step


def test_auto_follows_the_cursor_at_most_every_interval(view, net, qtbot) -> None:
    idle(view, qtbot)
    steps = shown_steps(view)
    first = net.step + 1
    for _ in range(30):
        net.step_forward()  # 30 steps with no event processed in between
    last = net.step
    qtbot.waitUntil(lambda: view.shown.step == last, timeout=AUTO_MS + 10_000)
    assert steps == [first, last]  # the first step at once, the rest after the interval


def test_a_landscape_race_clears_the_view(view, net, qtbot) -> None:
    view.compute_now()
    net.seek(20)
    view.recompute.click()  # still computing when the race changes
    net.set_landscape("rosenbrock")
    assert view.slice is None and view.shown is None and not view.computing
    assert view.map.image.image is None
    assert all(t.xData is None or len(t.xData) == 0 for t in view.map.trails)
    assert view.info.text() == ""
    steps = shown_steps(view)
    net.add_run("adam", lr=0.05)
    net.step_forward(5)
    view.recompute.click()
    qtbot.wait(50)
    view.wait()
    qtbot.wait(50)
    assert steps == [] and view.slice is None and not view.computing
    assert view.compute_now() is None


def test_on_a_landscape_race_from_the_start(session, qtbot) -> None:
    view = make_view(session, qtbot)
    session.step_forward(3)
    qtbot.wait(20)
    assert view.slice is None and view.map.image.image is None and not view.computing


def test_the_surface_exists_only_with_opengl(view) -> None:
    assert (view.surface is not None) == has_gl()


@requires_gl
def test_the_surface_is_the_slice_with_the_paths_lifted_onto_it(view, net, qtbot) -> None:
    view.show()
    qtbot.waitExposed(view)
    sl = view.compute_now()
    surf = view.surface
    gx, gy, gz = surf.surface_grid
    np.testing.assert_allclose(gz, surf.scale.z(sl.Z.T))
    np.testing.assert_allclose(gx, surf.scale.xy(np.column_stack([sl.alphas, sl.betas]))[:, 0])
    for line, path, loss in zip(surf.lines, sl.paths, sl.path_losses(), strict=True):
        pos = surf.scale.positions(path, loss, LIFT)
        np.testing.assert_allclose(line.pos[0::2], pos[:-1], atol=1e-5)  # no path leaves it
        np.testing.assert_allclose(line.pos[1::2], pos[1:], atol=1e-5)
    heads = surf.points.pos
    assert len(heads) == 1 + len(net.runs)
    np.testing.assert_allclose(heads[1], heads[0], atol=1e-5)  # run 0 is at the centre
    img = surf.gl.grabFramebuffer()
    assert img.width() > 100 and img.pixelColor(img.width() // 2, img.height() // 2) != \
        img.pixelColor(2, 2)  # the surface is drawn over the background
