"""Maps ▸ Stability map: the dialog's axes and ranges, the core's map in a window of its
own (colours, diverged cells, the cross), hovering reads a cell and clicking one races
the run with its values; network races are refused."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from gdviz.core.maps import stability_map
from gdviz.export.maps import STABILITY_DIVERGED_RGB, stability_scalar
from gdviz.scenario import load_scenario
from gdviz.ui.main_window import MainWindow
from gdviz.ui.session import Session
from gdviz.ui.stability_dialog import StabilityDialog, default_axes


def window_with(qtbot, session: Session) -> MainWindow:
    window = MainWindow(session, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def momentum_race(steps: int = 200) -> Session:
    s = Session("rosenbrock")
    s.set_steps(steps)
    s.add_run("gd", lr=1e-3)
    s.add_run("momentum", lr=1e-3, momentum=0.8)
    s.select(1)
    return s


@pytest.mark.parametrize(("optimizer", "axes"), [
    ("momentum", ("lr", "momentum")), ("adam", ("lr", "beta1")), ("gd", ("lr", "weight_decay")),
    ("rprop", ("lr", "eta_minus"))])
def test_default_axes_are_lr_and_momentum_or_beta1(optimizer, axes):
    assert default_axes(optimizer) == axes


def test_the_dialog_makes_the_cores_job_for_the_focused_run(qtbot):
    s = momentum_race(steps=1000)
    s.set_start((-1.0, 1.5), run=1)
    dialog = StabilityDialog(s, 1)
    qtbot.addWidget(dialog)
    job = dialog.job()
    assert (job["x"].name, job["x"].log, job["y"].name, job["y"].log) == ("lr", True,
                                                                          "momentum", False)
    assert job["x"].lo == pytest.approx(1e-5) and job["x"].hi == pytest.approx(1e-2)
    assert (job["y"].lo, job["y"].hi) == (0.0, pytest.approx(0.99))
    assert job["res"] == 60 and job["steps"] == 300  # min(race steps, 300)
    assert job["start"] == (-1.0, 1.5) and job["optimizer"] == "momentum"
    assert job["nesterov"] is False and "lr" not in job and "momentum" not in job
    dialog.y_row.name.setCurrentText("weight_decay")  # another axis: its own range
    assert dialog.job()["y"][1:] == (0.0, 10.0, False) and dialog.job()["momentum"] == 0.8


def test_the_dialog_stays_open_and_says_why_on_a_bad_range(qtbot):
    dialog = StabilityDialog(momentum_race(), 1)
    qtbot.addWidget(dialog)
    dialog.x_row.lo.setText("0")  # a log axis from 0
    dialog.accept()
    assert "lo > 0" in dialog.error.text() and dialog.result() == 0
    dialog.x_row.lo.setText("tiny")
    dialog.accept()
    assert dialog.error.text() == "x axis: lr from must be a number, got 'tiny'"
    dialog.x_row.lo.setText("1e-4")
    dialog.accept()
    assert dialog.result() == 1  # accepted


def test_the_window_shows_the_cores_map_and_a_click_races_a_cell(qtbot):
    window = window_with(qtbot, momentum_race())
    s, maps = window.session, window.stability
    maps.start()
    dialog = maps.dialog
    assert dialog is not None
    dialog.res.setValue(12)
    dialog.steps.setValue(150)
    job = dialog.job()
    dialog.accept()
    qtbot.waitUntil(lambda: maps.worker is None and maps.view is not None, timeout=60_000)
    view = maps.view
    want = stability_map(**job)
    np.testing.assert_array_equal(view.map.values, want.values)
    np.testing.assert_array_equal(view.map.diverged, want.diverged)
    assert want.diverged.any() and not want.diverged.all()  # both kinds of cell show
    z = stability_scalar(want, 0.0)  # rosenbrock's minimum: f = 0
    ok = np.isfinite(z)
    np.testing.assert_allclose(view.image.image[ok], z[ok])
    overlay = view.overlay.image  # diverged cells covered, the others see through
    k = overlay.shape[0] // 12
    cells = overlay[k // 2::k, k // 2::k]
    assert ((cells[..., 3] == 255) == ~ok).all()
    assert (np.abs(cells[want.diverged][:, :3].astype(int) - STABILITY_DIVERGED_RGB)
            .max(axis=1) < 120).all()
    cross = view.cross.getData()
    assert cross[0][0] == pytest.approx(np.log10(1e-3)) and cross[1][0] == pytest.approx(0.8)

    i, j = np.argwhere(~want.diverged)[-1]  # a cell that does not diverge
    scene = view.plot.vb.mapViewToScene(view.cell_centre(i, j))
    at = view.widget.mapFromScene(scene)
    qtbot.mouseMove(view.widget.viewport(), at)
    qtbot.waitUntil(lambda: f"{want.xs[j]:.4g}" in view.readout.text())
    assert f"final loss {want.values[i, j]:.6g}" in view.readout.text()
    s.run_to(40)
    qtbot.mouseClick(view.widget.viewport(), Qt.MouseButton.LeftButton, pos=at)
    hyper = s.runs[1].hyper_at(0)
    assert (hyper["lr"], hyper["momentum"]) == (want.xs[j], want.ys[i])
    assert s.runs[0].hyper_at(0)["lr"] == 1e-3 and s.playing and s.step <= 2
    cross = view.cross.getData()
    assert cross[0][0] == pytest.approx(np.log10(want.xs[j]))
    s.pause()
    s.run_to(150)  # the race now runs the cell: it ends where the cell's run ends
    assert s.snapshot(1).loss[0] == want.values[i, j]


def test_a_1d_race_maps_and_a_network_race_is_refused(qtbot, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr("gdviz.ui.stability_job.QMessageBox.information",
                        lambda _parent, _title, text: said.append(text))
    window = window_with(qtbot, Session(load_scenario("xor")))
    window.stability.start()
    assert window.stability.dialog is None and "network" in said[-1]
    window.session.load(load_scenario("tangent_walk"))
    assert window.session.landscape.dim == 1 and window.stability.refusal() is None
