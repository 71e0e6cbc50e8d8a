"""The 3-D surface view: it renders, and the trails lie on the surface (needs X / Xvfb)."""

import numpy as np
import pytest
from PyQt6.QtGui import QColor, QImage

from gdviz.ui.views.surface import (
    AZIMUTH,
    ELEVATION,
    HEIGHT,
    LIFT,
    SurfaceScale,
    SurfaceView,
    camera_azimuth,
)
from tests.conftest import GL_MARKS

pytestmark = GL_MARKS


@pytest.fixture
def view(session, qtbot) -> SurfaceView:
    """The rosenbrock race's surface view, shown (GL draws only once shown)."""
    v = SurfaceView(session)
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def bilinear(grid, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The surface height at GL points ``xy (n, 2)`` inside the square, interpolated from
    the grid's four nearest vertices, and a bound on that interpolation's error: half the
    largest second difference of the grid around the point (h²·|z''|/2, four times the
    textbook h²·|z''|/8 bound for bilinear interpolation)."""
    gx, gy, gz = grid
    j = np.clip(np.searchsorted(gx, xy[:, 0]) - 1, 0, len(gx) - 2)
    i = np.clip(np.searchsorted(gy, xy[:, 1]) - 1, 0, len(gy) - 2)
    tx = (xy[:, 0] - gx[j]) / (gx[j + 1] - gx[j])
    ty = (xy[:, 1] - gy[i]) / (gy[i + 1] - gy[i])
    z = ((1 - tx) * (1 - ty) * gz[j, i] + tx * (1 - ty) * gz[j + 1, i]
         + (1 - tx) * ty * gz[j, i + 1] + tx * ty * gz[j + 1, i + 1])
    d2 = np.zeros_like(gz)
    d2[1:-1, :] += np.abs(gz[2:, :] - 2 * gz[1:-1, :] + gz[:-2, :])
    d2[:, 1:-1] += np.abs(gz[:, 2:] - 2 * gz[:, 1:-1] + gz[:, :-2])
    d2[:-1, :-1] += np.abs(gz[1:, 1:] - gz[1:, :-1] - gz[:-1, 1:] + gz[:-1, :-1])
    bound = np.array([d2[max(a - 1, 0):a + 3, max(b - 1, 0):b + 3].max() / 2
                      for a, b in zip(j, i, strict=True)])
    return z, bound


def assert_trails_on_surface(view: SurfaceView, session) -> None:
    for k, line in enumerate(view.lines):
        trail = session.trail(k)
        pos = line.pos
        assert pos.shape == (len(trail), 3)
        np.testing.assert_allclose(pos[:, :2], view.scale.xy(trail), atol=1e-5)
        loss = session.history(k)[1][: len(trail)]  # recorded, not recomputed by the view
        np.testing.assert_allclose(pos[:, 2], view.scale.z(loss) + LIFT, atol=1e-5)
        inside = np.all(np.abs(pos[:, :2]) <= 5.0, axis=1)
        z, bound = bilinear(view.surface_grid, pos[inside, :2].astype(np.float64))
        err = np.abs(pos[inside, 2] - LIFT - z)
        np.testing.assert_array_less(err, bound + 1e-4)
        np.testing.assert_allclose(view.points.pos[k], pos[-1])


def as_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    return np.frombuffer(image.bits().asstring(h * stride), np.uint8).reshape(h, stride)[
        :, : 3 * w].reshape(h, w, 3)


def test_trails_lie_on_the_surface_and_render(view, session, qtbot):
    session.step_forward(50)
    qtbot.wait(50)
    assert session.step == 50
    assert_trails_on_surface(view, session)

    rgb = as_array(view.gl.grabFramebuffer()).astype(int)
    drawn = np.any(rgb < 245, axis=2)
    assert drawn.mean() > 0.15  # the surface fills a good part of the view
    assert len(np.unique(rgb[drawn].reshape(-1, 3), axis=0)) > 200  # shaded, coloured
    for run in session.runs:  # each run's trail or point is visible, in its colour
        color = np.array([int(run.color[p:p + 2], 16) for p in (1, 3, 5)])
        assert np.any(np.abs(rgb - color).max(axis=2) < 40), run.label


def test_surface_and_trails_share_one_transform(view, session):
    """Grid vertices put through the trails' path land exactly on the surface's vertices."""
    land = session.landscape
    xs, ys, Z = session.grid(land.domain, len(view.surface_grid[0]))
    pts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    p = view.scale.positions(pts, Z.ravel())
    gx, gy, gz = view.surface_grid
    np.testing.assert_allclose(p[:, 0], np.tile(gx, len(ys)))
    np.testing.assert_allclose(p[:, 1], np.repeat(gy, len(xs)))
    np.testing.assert_allclose(p[:, 2], gz.T.ravel())


def test_log_scaled_rosenbrock_stays_finite_and_bounded(view, session, qtbot):
    assert session.display["log_contours"] and view.scale.log is not None
    session.step_forward(80)
    gz = view.surface_grid[2]
    assert np.all(np.isfinite(gz)) and gz.min() == 0.0 and gz.max() == HEIGHT
    assert np.percentile(gz, 50) > 0.2 * HEIGHT  # not flattened by the corner spikes
    for line in view.lines:
        assert np.all(np.isfinite(line.pos)) and np.all(line.pos[:, 2] <= HEIGHT + LIFT)

    session.set_display("log_contours", False)
    assert view.scale.log is None
    assert_trails_on_surface(view, session)


def test_surface_redraws_only_when_the_landscape_or_log_flag_changes(view, session, monkeypatch):
    calls = []
    original = view.surface.setData
    monkeypatch.setattr(view.surface, "setData", lambda **kw: (calls.append(1), original(**kw)))
    session.step_forward(10)
    session.step_back()
    session.set_display("trails", False)
    assert calls == [] and not any(line.visible() for line in view.lines)
    session.set_display("log_contours", False)
    assert len(calls) == 1
    session.set_landscape("himmelblau")
    assert len(calls) == 2 and view.session.landscape.name == "himmelblau"


def test_diverging_runs_and_one_d_landscapes_are_drawn_gracefully(view, session, qtbot):
    session.set_landscape("goldstein_price")
    session.step_forward(60)
    for line in view.lines:
        assert np.all(np.isfinite(line.pos))
    session.set_landscape("double_well")
    assert view.scale is None and not view.surface.visible()
    assert not view.points.visible() and not any(line.visible() for line in view.lines)
    session.step_forward(5)
    qtbot.wait(20)


@pytest.mark.parametrize("Z", [np.array([[np.nan, 1.0], [3.0, 101.0]]), np.full((2, 2), 7.0)])
@pytest.mark.parametrize("log", [False, True])
def test_scale_handles_nan_and_flat_grids(Z, log):
    scale = SurfaceScale.fit(((-1.0, 1.0), (0.0, 2.0)), Z, log)
    z = scale.z(Z)
    assert np.all(np.isfinite(z)) and z.min() == 0.0 and z.max() <= HEIGHT
    if np.isnan(Z).any():
        assert z[0, 0] == HEIGHT  # overflow drawn at the top
    np.testing.assert_allclose(scale.xy(np.array([[-1.0, 0.0], [1.0, 2.0]])), [[-5, -5], [5, 5]])


def test_camera_looks_down_a_long_valley(view, session, qtbot):
    """Looking across the turned quadratic's ravine, its near wall hid the floor."""
    opts = view.gl.opts
    assert (opts["azimuth"], opts["elevation"]) == (AZIMUTH, ELEVATION)  # rosenbrock
    session.set_landscape("quadratic", angle=30.0, b=25.0)
    assert opts["elevation"] == ELEVATION
    assert opts["azimuth"] == pytest.approx(30.0 - 180.0, abs=2.0)  # along the valley
    session.set_landscape_params(angle=-50.0)
    assert opts["azimuth"] == pytest.approx(-50.0 - 0.0, abs=2.0)
    session.step_forward(40)
    qtbot.wait(50)
    rgb = as_array(view.gl.grabFramebuffer()).astype(int)
    for run in session.runs:  # every trail in sight
        color = np.array([int(run.color[p:p + 2], 16) for p in (1, 3, 5)])
        assert np.any(np.abs(rgb - color).max(axis=2) < 40), run.label
    for name in ("himmelblau", "foggy_mountains", "saddle"):
        session.set_landscape(name)
        assert opts["azimuth"] == AZIMUTH, name


def test_camera_azimuth_of_grids():
    g = np.linspace(-5.0, 5.0, 41)
    x, y = np.meshgrid(g, g, indexing="ij")
    assert camera_azimuth(g, g, x**2 + y**2) == AZIMUTH  # a round bowl
    assert camera_azimuth(g, g, 10 * y**2 + x**2 / 4) == pytest.approx(-180.0)  # along x
    u, v = (x + y) / np.sqrt(2), (y - x) / np.sqrt(2)
    assert camera_azimuth(g, g, 25 * v**2 + u**2) == pytest.approx(-135.0)  # along x = y
    assert camera_azimuth(g, g, x**2 - y**2) == AZIMUTH  # a saddle: two lows, no valley


def test_line_widths_and_point_sizes_follow_the_screen_s_pixel_ratio(view, monkeypatch):
    """OpenGL counts the screen's pixels: on a screen with twice as many per window pixel
    (a second screen at 200 %), lines and points are set twice as wide, and set again
    when the window moves there."""
    from PyQt6.QtCore import QEvent
    from PyQt6.QtWidgets import QApplication

    from gdviz.ui.views.surface import LINE_PX, POINT_PX

    ratio = view.gl.devicePixelRatioF()
    assert view.lines[0].width == pytest.approx(LINE_PX * ratio)
    assert view.points.size == pytest.approx(POINT_PX * ratio)
    monkeypatch.setattr(view.gl, "devicePixelRatioF", lambda: 2.0 * ratio)
    QApplication.sendEvent(view.gl, QEvent(QEvent.Type.DevicePixelRatioChange))
    assert all(line.width == pytest.approx(2 * LINE_PX * ratio)
               for line in view.lines + view.ghosts)
    assert view.points.size == pytest.approx(2 * POINT_PX * ratio)


@pytest.mark.parametrize("seed", [0, 1])
def test_quick_vertex_normals_equal_pyqtgraph_s(seed):
    from pyqtgraph.opengl.MeshData import MeshData

    from gdviz.ui.views.gl_mesh import QuickMeshData

    rng = np.random.default_rng(seed)
    z = rng.normal(size=(12, 9))
    grid = MeshData.cylinder(rows=5, cols=7, radius=[1.0, 2.0])  # any closed-ish mesh
    for verts, faces in ((np.column_stack([np.indices(z.shape).reshape(2, -1).T, z.ravel()]),
                          _grid_faces(*z.shape)),
                         (grid.vertexes(), grid.faces())):
        slow = MeshData(vertexes=verts, faces=faces)
        quick = QuickMeshData(vertexes=verts, faces=faces)
        np.testing.assert_allclose(quick.vertexNormals(), slow.vertexNormals(), atol=1e-6)
        np.testing.assert_allclose(quick.vertexNormals(indexed="faces"),
                                   slow.vertexNormals(indexed="faces"), atol=1e-6)


def _grid_faces(rows: int, cols: int) -> np.ndarray:
    k = np.arange((rows - 1) * (cols - 1))
    i, j = k // (cols - 1), k % (cols - 1)
    a, b, c, d = i * cols + j, i * cols + j + 1, (i + 1) * cols + j, (i + 1) * cols + j + 1
    return np.concatenate([np.column_stack([a, b, d]), np.column_stack([a, d, c])])


def test_a_hidden_gl_view_sets_up_no_opengl_till_it_is_shown(qtbot):
    from PyQt6.QtWidgets import QLabel, QStackedWidget

    from gdviz.ui import style
    from gdviz.ui.views.surface import gl_view

    pages = QStackedWidget()
    qtbot.addWidget(pages)
    pages.addWidget(QLabel("the page shown"))
    view = gl_view(pages)
    pages.addWidget(view)
    pages.resize(300, 200)
    pages.show()
    qtbot.waitExposed(pages)
    pages.grab()  # sends every child its pending resize: a GL view would set up GL here
    assert not view.isValid()
    pages.setCurrentWidget(view)
    qtbot.waitUntil(view.isValid)
    assert view.size() == pages.size()
    image = view.grabFramebuffer()
    assert image.size() == view.size() * view.devicePixelRatio()
    assert image.pixelColor(2, 2).name() == QColor(style.THEME.background).name()  # drawn


def test_a_gl_view_lets_its_framebuffer_go_when_it_is_deleted(qtbot):
    from PyQt6.QtCore import QCoreApplication, QEvent

    from gdviz.ui.views.surface import gl_view

    view = gl_view(None)
    view.resize(200, 150)
    view.show()
    qtbot.waitExposed(view)
    image = view.grabFramebuffer()
    assert view.isValid() and image.size() == view.size() * view.devicePixelRatio()
    resources = view._gl  # the context, its surface and the framebuffer drawn into
    assert resources is not None and resources.fbo is not None
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert resources.fbo is None  # freed with its context current, before the context went


def test_gl_views_render_with_one_context_that_goes_with_the_last(qtbot):
    from PyQt6.QtCore import QCoreApplication, QEvent

    from gdviz.ui import style
    from gdviz.ui.views.gl_canvas import _Context
    from gdviz.ui.views.surface import gl_view

    def deleted(view) -> None:
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)

    before = _Context.current.users if _Context.current is not None else 0  # views alive
    first, second = gl_view(None), gl_view(None)
    for view in (first, second):
        view.resize(120, 90)
        view.show()
        qtbot.waitExposed(view)
        assert not view.grabFramebuffer().isNull()
    assert first.context() is second.context() is not None
    assert _Context.current is not None and _Context.current.users == before + 2
    deleted(first)
    assert _Context.current is not None and _Context.current.users == before + 1
    image = second.grabFramebuffer()  # the other view still draws with it
    assert image.pixelColor(2, 2).name() == QColor(style.THEME.background).name()
    deleted(second)
    if before == 0:  # no other view lives: the context went with the last
        assert _Context.current is None
    else:
        assert _Context.current.users == before


def test_a_gl_view_renders_again_only_when_its_scene_changed(qtbot, view):
    canvas = view.gl
    renders = []
    draw = canvas.render_scene
    canvas.render_scene = lambda: renders.append(1) or draw()  # type: ignore[method-assign]
    canvas.repaint()  # nothing in the scene changed: the image already rendered
    assert renders == []
    canvas.setCameraPosition(azimuth=10)  # the camera moved: the scene is rendered again
    canvas.repaint()
    assert renders == [1]
