"""The main window driven like a user: panels, keys, menus, the scrubber and the CLI.

Runs under Xvfb and on the offscreen platform; the windows here have no OpenGL views (a
QLabel stands in, see conftest.py) except in the tests marked ``gl``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, QPointF, QSettings, Qt
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QApplication

import gdviz
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.ui.main_window import OVERLAYS, MainWindow
from gdviz.ui.panels.landscape import NAME_ROLE
from gdviz.ui.session import Session
from gdviz.ui.views.plotview import view_box
from tests.conftest import requires_gl
from tests.ui.editing import is_refused, type_into

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("gd", "momentum", "adam")


# ---- helpers ------------------------------------------------------------------------------
def open_window(qtbot, session: Session, remember_layout: bool = False) -> MainWindow:
    window = MainWindow(session, remember_layout=remember_layout)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def pick_landscape(window: MainWindow, name: str) -> None:
    combo = window.landscape_panel.combo
    combo.setCurrentIndex(combo.findData(name, NAME_ROLE))


def add_from_menu(window: MainWindow, kind: str) -> None:
    action = next(a for a in window.optimizer_panel.add_menu.actions()
                  if a.text().endswith(f"({kind})"))
    action.trigger()




def press(qtbot, window: MainWindow, key: Qt.Key, times: int = 1) -> None:
    """A key on the window, as after clicking the map (no editor keeps the focus)."""
    focus = QApplication.focusWidget()
    if focus is not None:
        focus.clearFocus()
    for _ in range(times):
        qtbot.keyClick(window, key)




def drawn_trail(window: MainWindow, i: int) -> np.ndarray:
    return window.contour.trails[i].points


def engine(session: Session, i: int, steps: int) -> np.ndarray:
    """Run ``i``'s positions as ``gdviz.run`` computes them with the same settings."""
    r = session.runs[i]
    t = gdviz.run(session.landscape, r.optimizer, starts=[r.start or session.start], steps=steps,
                  seed=session.seed + i, tol=session.tol, **r.hyper)
    return t.params[:, 0, :]


def widget_pos(window: MainWindow, x: float, y: float) -> QPoint:
    """Where data point (x, y) is in the contour PlotWidget's viewport."""
    view = window.contour
    return view.widget.mapFromScene(view.plot.vb.mapViewToScene(QPointF(x, y)))


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    data = np.frombuffer(image.bits().asstring(h * stride), np.uint8)
    return data.reshape(h, stride)[:, : 3 * w].reshape(h, w, 3)


@pytest.fixture
def race(qtbot) -> MainWindow:
    """The window on himmelblau with gd, momentum (lr edited to 0.01) and adam, built
    through the panels' widgets."""
    window = open_window(qtbot, Session("rosenbrock"))
    pick_landscape(window, "himmelblau")
    for kind in KINDS:
        add_from_menu(window, kind)
    type_into(qtbot, window.optimizer_panel.cards[1].edits["lr"], "0.01")
    yield window
    window.session.pause()


# ---- the race -----------------------------------------------------------------------------
def test_race_built_with_the_panels_draws_the_engines_trajectories(qtbot, race):
    s = race.session
    assert s.landscape.name == "himmelblau"
    assert [r.optimizer for r in s.runs] == list(KINDS)
    assert s.runs[1].hyper == {**OPTIMIZERS["momentum"].defaults, "lr": 0.01}
    assert s.runs[0].hyper == OPTIMIZERS["gd"].defaults
    press(qtbot, race, Qt.Key.Key_Right, times=20)
    for _ in range(10):
        race.transport.forward_action.trigger()
    assert s.step == s.head_step == 30
    for i in range(3):
        expected = engine(s, i, 30)
        np.testing.assert_array_equal(drawn_trail(race, i), expected)
        np.testing.assert_array_equal(race.contour.points.data["x"][i], expected[-1, 0])
        np.testing.assert_array_equal(race.loss.loss_curves[i].yData, s.history(i)[1])
    assert race.transport.step_label.text() == "step 30 / 30"


def test_keyboard_drives_the_transport(qtbot, race):
    s = race.session
    press(qtbot, race, Qt.Key.Key_Right, times=12)
    press(qtbot, race, Qt.Key.Key_Left)
    assert s.step == 11 and s.head_step == 12
    np.testing.assert_array_equal(drawn_trail(race, 2), engine(s, 2, 11))
    press(qtbot, race, Qt.Key.Key_Home)
    assert s.step == 0 and s.head_step == 12
    assert len(drawn_trail(race, 0)) == 1
    press(qtbot, race, Qt.Key.Key_Space)
    assert s.playing
    press(qtbot, race, Qt.Key.Key_Space)
    assert not s.playing
    press(qtbot, race, Qt.Key.Key_R)
    assert s.step == s.head_step == 0
    press(qtbot, race, Qt.Key.Key_Right, times=3)
    np.testing.assert_array_equal(drawn_trail(race, 1), engine(s, 1, 3))


def test_a_click_on_the_map_sets_the_start(qtbot, race):
    s = race.session
    px = max(race.contour.plot.vb.viewPixelSize())
    qtbot.mouseClick(race.contour.widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=widget_pos(race, 1.0, -2.0))
    assert s.start == pytest.approx((1.0, -2.0), abs=1.5 * px)
    assert race.landscape_panel.start_edits[0].text() == f"{s.start[0]:g}"
    press(qtbot, race, Qt.Key.Key_Right, times=15)
    for i in range(3):
        np.testing.assert_array_equal(drawn_trail(race, i), engine(s, i, 15))
        assert drawn_trail(race, i)[0] == pytest.approx(s.start, abs=0)


def test_the_scrubber_restores_earlier_positions_exactly(qtbot, race):
    s = race.session
    for _ in range(60):
        race.transport.forward_action.trigger()
    full = [drawn_trail(race, i).copy() for i in range(3)]
    scrubber = race.transport.scrubber
    assert (scrubber.maximum(), scrubber.value()) == (60, 60)
    for k in (25, 0, 59, 7):
        scrubber.setValue(k)
        assert s.step == k and race.loss.cursors[0].value() == k
        for i in range(3):
            np.testing.assert_array_equal(drawn_trail(race, i), full[i][: k + 1])
    press(qtbot, race, Qt.Key.Key_Left)
    assert s.step == 6 and scrubber.value() == 6
    np.testing.assert_array_equal(drawn_trail(race, 2), full[2][:7])
    scrubber.setValue(60)
    for i in range(3):
        np.testing.assert_array_equal(drawn_trail(race, i), full[i])


def test_a_hyperparameter_edit_behind_the_head_changes_later_steps_only(qtbot, race):
    s = race.session
    for _ in range(50):
        race.transport.forward_action.trigger()
    before = [c.yData.copy() for c in race.loss.loss_curves]
    race.transport.scrubber.setValue(30)
    type_into(qtbot, race.optimizer_panel.cards[2].edits["lr"], "0.05")
    assert s.hyper_now(2)["lr"] == 0.05 and [e.step for e in s.runs[2].edits] == [30]
    assert s.head_step == 30
    press(qtbot, race, Qt.Key.Key_Right, times=20)
    assert s.head_step == 50
    after = race.loss.loss_curves[2].yData
    np.testing.assert_array_equal(after[:31], before[2][:31])
    assert not np.array_equal(after[31:], before[2][31:])
    for i in (0, 1):  # the other runs are recomputed identically
        np.testing.assert_array_equal(race.loss.loss_curves[i].yData, before[i])
    assert [m.value() for m in race.loss.edit_lines[2]] == [30, 30]
    old = {**s.runs[2].hyper, "lr": OPTIMIZERS["adam"].defaults["lr"]}
    first = gdviz.run(s.landscape, "adam", steps=30, tol=s.tol, seed=s.seed + 2, **old)
    np.testing.assert_array_equal(drawn_trail(race, 2)[:31], first.params[:, 0, :])


# ---- refusals and divergence --------------------------------------------------------------
@pytest.mark.parametrize("text", ["-1", "0", "abc", "nan"])
def test_invalid_editor_input_is_refused_and_changes_nothing(qtbot, race, text):
    s = race.session
    press(qtbot, race, Qt.Key.Key_Right, times=5)
    edit = race.optimizer_panel.cards[0].edits["lr"]
    with pytest.raises(ValueError) as refused:
        OPTIMIZERS["gd"].hyper_spec("lr").check(text)
    type_into(qtbot, edit, text)
    assert is_refused(edit) and str(refused.value) in edit.toolTip()
    assert s.runs[0].hyper == OPTIMIZERS["gd"].defaults and s.runs[0].edits == ()
    assert s.step == s.head_step == 5

    pick_landscape(race, "quadratic")
    landscape = s.landscape
    param = race.landscape_panel.param_edits["b"]
    type_into(qtbot, param, text if text in ("abc", "nan") else "inf")  # b < 0 is a saddle
    assert is_refused(param) and s.landscape is landscape


def test_a_diverging_run_is_marked_and_the_others_keep_running(qtbot):
    s = Session("rosenbrock")
    window = open_window(qtbot, s)
    add_from_menu(window, "gd")
    add_from_menu(window, "adam")
    type_into(qtbot, window.optimizer_panel.cards[0].edits["lr"], "1")
    type_into(qtbot, window.optimizer_panel.cards[1].edits["lr"], "0.05")
    window.transport.speed.setValue(1000)
    press(qtbot, window, Qt.Key.Key_Space)
    try:
        qtbot.waitUntil(lambda: s.head_step >= 80, timeout=10_000)
        assert QApplication.activeModalWidget() is None
    finally:
        press(qtbot, window, Qt.Key.Key_Space)
    assert not s.playing and window.isVisible()
    gd, adam = s.snapshot(0), s.snapshot(1)
    assert gd.status[0] == "diverged" and adam.status[0] == "running"
    marker = window.contour.markers[0]
    assert marker.isVisible() and marker.toPlainText() == f"✗ {gd.stopped_at[0]}"
    assert not window.contour.markers[1].isVisible()
    assert "diverged" in window.runs_label.text()
    np.testing.assert_array_equal(drawn_trail(window, 1), engine(s, 1, s.head_step))
    press(qtbot, window, Qt.Key.Key_Right, times=5)  # the race goes on after a divergence
    assert s.snapshot(1).step == s.head_step and len(drawn_trail(window, 1)) == s.head_step + 1
    assert QApplication.activeModalWidget() is None


# ---- overlays, layout, 1-D ----------------------------------------------------------------
def overlay_drawn(window: MainWindow, key: str) -> bool:
    """Whether the views show overlay ``key`` now."""
    c = window.contour
    quiver = c.quiver.getData()[0]
    return {
        "trails": any(t.isVisible() for t in c.trails),
        "gradient": any(a.visible for a in c.grad_arrows),
        "velocity": any(a.visible for a in c.vel_arrows),
        "quiver": quiver is not None and len(quiver) > 0,
        "markers": any(m.isVisible() for m in c.markers),
        "log_loss": bool(window.loss.loss_plot.getAxis("left").logMode),
    }[key]


@pytest.mark.parametrize("key, shortcut", [(k, s) for k, _t, s in OVERLAYS])
def test_overlay_actions_and_keys_toggle_the_display(qtbot, key, shortcut):
    s = Session("rosenbrock")
    s.add_run("gd", lr=1.0)  # diverges: a marker
    s.add_run("momentum", lr=1e-3)  # has a velocity
    window = open_window(qtbot, s)
    s.step_forward(20)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    action = window.overlay_actions[key]
    assert action in view_menu.actions() and action.isChecked() == s.display[key]
    on = s.display[key]
    assert overlay_drawn(window, key) == on
    action.trigger()  # as a click in the View menu
    assert s.display[key] is (not on) and overlay_drawn(window, key) == (not on)
    press(qtbot, window, getattr(Qt.Key, f"Key_{shortcut}"))
    assert s.display[key] is on and overlay_drawn(window, key) == on
    assert action.isChecked() == on


def test_log_loss_action_follows_the_landscape(qtbot, session):
    window = open_window(qtbot, session)
    action = window.overlay_actions["log_loss"]
    assert action.isChecked()
    pick_landscape(window, "saddle")
    assert not action.isChecked() and not overlay_drawn(window, "log_loss")
    action.trigger()  # log on by hand still works
    assert session.display["log_loss"] and overlay_drawn(window, "log_loss")
    pick_landscape(window, "himmelblau")
    assert action.isChecked() and overlay_drawn(window, "log_loss")


@pytest.fixture
def settings_dir(tmp_path):
    """QSettings (the layout memory) written under tmp_path for this test only."""
    fmt, scope = QSettings.Format.NativeFormat, QSettings.Scope.UserScope
    QSettings.setPath(fmt, scope, str(tmp_path))
    yield tmp_path
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    QSettings.setPath(fmt, scope, home)


def test_the_layout_is_remembered_between_launches(qtbot, settings_dir):
    first = open_window(qtbot, Session("rosenbrock"), remember_layout=True)
    assert first.docks["loss"].isVisible()
    first.docks["loss"].toggleViewAction().trigger()
    assert not first.docks["loss"].isVisible()
    first.close()
    assert any(settings_dir.rglob("*.conf"))
    second = open_window(qtbot, Session("rosenbrock"), remember_layout=True)
    assert not second.docks["loss"].isVisible()
    assert second.docks["landscape"].isVisible() and second.docks["optimizers"].isVisible()
    third = open_window(qtbot, Session("rosenbrock"), remember_layout=False)
    assert third.docks["loss"].isVisible()


def test_a_one_dimensional_landscape_shows_the_curve(qtbot, race):
    pick_landscape(race, "double_well")
    assert race.centre.currentWidget() is race.curve
    press(qtbot, race, Qt.Key.Key_Right, times=3)
    assert len(race.curve.curve.getData()[0]) > 0
    assert all(t.getData()[0] is not None for t in race.curve.tangents)
    pick_landscape(race, "himmelblau")
    assert race.centre.currentWidget() is race.pair


def test_the_curve_is_built_with_the_first_one_dimensional_race(qtbot, race):
    assert race.map_views() == (race.contour,)  # a 2-D race opened: no curve yet
    pick_landscape(race, "double_well")
    assert race.map_views() == (race.contour, race.curve)
    race.curve.plot.vb.setRange(xRange=(0.2, 0.4), yRange=(0, 1), padding=0)
    race.landscape_panel.reset_view.click()  # "Reset view" reaches the curve too
    (x0, x1), _ = view_box(race.curve.plot.vb)
    lo, hi = race.session.landscape.domain[0]
    assert x0 < lo < hi < x1 and x1 - x0 < 1.2 * (hi - lo)  # the domain and a margin


def test_the_map_is_sampled_once_when_the_window_opens(qtbot):
    """The colour bar's width (its title included) is known before the first sampling,
    so the box sampled when the window shows is the final one: no second sampling."""
    window = MainWindow(Session(gdviz.load_scenario("default")), remember_layout=False)
    qtbot.addWidget(window)
    boxes: list[tuple] = []
    draw = window.contour.draw_landscape
    window.contour.draw_landscape = lambda: (boxes.append(view_box(window.contour.plot.vb)),
                                             draw())
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(300)  # longer than the delay of a resampling after a move
    assert boxes == [view_box(window.contour.plot.vb)]


# ---- gdviz gui --screenshot ---------------------------------------------------------------
def gui(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m gdviz gui …`` in a child with this test's environment (display/platform)."""
    return subprocess.run([sys.executable, "-m", "gdviz", "gui", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=os.environ.copy())


@requires_gl  # the whole window, its 3-D surface included
def test_screenshot_writes_the_whole_window(tmp_path):
    out = tmp_path / "w.png"
    done = gui("--steps", "30", "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    assert image.width() >= 1000 and image.height() >= 600
    rgb = pixels(image).reshape(-1, 3)
    colours = np.unique(rgb, axis=0)
    assert len(colours) > 1000  # the map's colour scale, curves, text: not a blank grab
    assert (rgb == rgb[0]).all(axis=1).mean() < 0.5  # no single colour fills the picture


BUILD_WATCH = """
import gc, json, sys
import gdviz.cli
import gdviz.ui.shell as shell
building, seen = [False], []
gc.callbacks.append(lambda phase, info: phase == "start" and seen.append(building[0]))
build = shell.Shell.__init__
def watched(self, *args, **kwargs):
    building[0] = True
    try:
        build(self, *args, **kwargs)
    finally:
        building[0] = False
shell.Shell.__init__ = watched
code = sys.modules["gdviz.cli.main"].main(["gui", "--steps", "0", "--screenshot", sys.argv[1]])
print(json.dumps({"code": code, "while_building": sum(seen), "after": len(seen),
                  "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


@requires_gl
def test_the_window_is_built_without_garbage_collections(tmp_path):
    """gdviz.startup: no collection while ``gdviz gui`` builds the window; afterwards the
    collector runs, the window's objects frozen out of its walks."""
    done = subprocess.run([sys.executable, "-c", BUILD_WATCH, str(tmp_path / "w.png")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0 and report["while_building"] == 0
    assert report["enabled"] and report["frozen"] > 50_000


@pytest.mark.parametrize(("steps", "whole", "expected"),
                         [(30, True, [30]), (None, True, "all"), (30, False, [30]),
                          (None, False, [])])
def test_the_race_is_computed_once_when_the_window_asks(session, steps, whole, expected):
    from gdviz.ui.app import _race_computer

    compute = _race_computer(session, steps, whole)
    assert session.step == 0  # nothing before the window is shown
    seen: list[int] = []
    session.sigStepChanged.connect(seen.append)
    compute()
    compute()  # the second call (after the screenshot's wait) finds it done
    assert seen == ([session.steps] if expected == "all" else expected)


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("gdviz: error: ")
    return lines[0]


def test_screenshot_needs_a_png_name(tmp_path):
    line = one_line_error(gui("--steps", "5", "--screenshot", str(tmp_path / "out.txt")))
    assert "png" in line.lower()
    assert not (tmp_path / "out.txt").exists()


def test_screenshot_into_an_unwritable_directory_fails_cleanly(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):  # root writes anywhere: a regular file as the folder
        folder = tmp_path / "a_file"
        folder.write_text("")
    try:
        line = one_line_error(gui("--steps", "5", "--screenshot", str(folder / "w.png")))
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert "w.png" in line


def test_lecture_keys_focus_runs_step_presets_and_show_the_rule(qtbot, monkeypatch):
    from gdviz.scenario import load_scenario, preset_names

    window = open_window(qtbot, Session(load_scenario("ravine")))
    window.session.source = "ravine"
    press(qtbot, window, Qt.Key.Key_2)
    assert window.session.selected == 1
    assert window.equation.title.text().endswith(window.session.runs[1].label)
    names = preset_names()
    assert "xor" in names and "ravine" in names
    assert window.lecture.step_preset(1) == names[(names.index("ravine") + 1) % len(names)]
    assert window.session.source == names[(names.index("ravine") + 1) % len(names)]
    assert window.lecture.step_preset(-1) == "ravine"
    window.docks["equation"].hide()
    press(qtbot, window, Qt.Key.Key_E)
    assert window.docks["equation"].isVisible()


def test_presenter_mode_enlarges_and_hides_the_side_panels(qtbot, tmp_path):
    out = tmp_path / "present.png"
    done = gui("--scenario", "ravine", "--present", "--steps", "30", "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    screen = QApplication.primaryScreen()
    # the whole screen and no more, even where the large fonts with every panel shown
    # would need a wider window (this display is small)
    assert image.size() == screen.size() * screen.devicePixelRatio()
    from gdviz.ui import style

    window = open_window(qtbot, Session("rosenbrock"))
    before = window.geometry()
    shown = {name for name, dock in window.docks.items() if dock.isVisible()}
    window.lecture.toggle_presenter()
    assert window.isFullScreen() and window.docks["loss"].isVisible()
    assert window.geometry() == screen.geometry()
    assert not any(window.docks[n].isVisible() for n in ("landscape", "optimizers", "about"))
    window.lecture.toggle_presenter()
    assert not window.isFullScreen() and window.geometry() == before
    assert {name for name, dock in window.docks.items() if dock.isVisible()} == shown
    assert style.SCALE == 1.0  # the font scale is a start-up choice of the process


@pytest.mark.parametrize(("theme", "dark"), [("dark", True), ("contrast", False)])
def test_themes_colour_the_whole_window(tmp_path, theme, dark):
    out = tmp_path / f"{theme}.png"
    done = gui("--scenario", "ravine", "--theme", theme, "--steps", "5", "--screenshot",
               str(out))
    assert done.returncode == 0, done.stderr
    brightness = pixels(QImage(str(out))).mean()
    assert (brightness < 110) if dark else (brightness > 150)
