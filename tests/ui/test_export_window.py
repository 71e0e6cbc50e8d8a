"""File ▸ Export… and the frame actions: the dialog's defaults and plan, an export run
from the window, and a frame copied or saved as the exporter draws it."""

from pathlib import Path

import imageio.v3 as iio
from PyQt6.QtWidgets import QMessageBox

from gdviz.scenario import load_scenario
from gdviz.ui.export_dialog import ExportDialog, frame_image, run_export
from gdviz.ui.main_window import MainWindow
from gdviz.ui.session import Session


def test_the_dialog_offers_each_formats_defaults_and_plans_the_steps(qtbot, tmp_path):
    dialog = ExportDialog(load_scenario("ravine"), head=250, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    assert (dialog.width_box.value(), dialog.height_box.value(), dialog.fps.value()) == (
        1280, 720, 30)
    dialog.format.setCurrentIndex(dialog.format.findData("gif"))
    assert (dialog.width_box.value(), dialog.height_box.value(), dialog.fps.value()) == (
        640, 360, 15)
    assert dialog.path.text().endswith(".gif")
    dialog.first.setValue(10)
    dialog.last.setValue(110)
    dialog.per_frame.setValue(20)
    assert dialog.steps() == [10, 30, 50, 70, 90, 110]
    assert dialog.frames_label.text().startswith("6 frame(s)")
    dialog.views.setCurrentIndex(dialog.views.findData("contour"))
    plan = dialog.plan()
    assert plan.steps == (10, 30, 50, 70, 90, 110) and plan.views == ("contour",)
    assert plan.size == (640, 360) and plan.fps == 15


def test_an_export_from_the_window_writes_the_file(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    window = MainWindow(Session(load_scenario("saddle")), remember_layout=False)
    qtbot.addWidget(window)
    scenario = window.current_scenario()
    dialog = ExportDialog(scenario, head=100, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("gif"))
    dialog.per_frame.setValue(25)
    dialog.path.setText(str(tmp_path / "saddle.gif"))
    path = run_export(window, scenario, dialog.plan())
    assert path == tmp_path / "saddle.gif"
    assert iio.imread(path, index=None).shape[:3] == (5, 360, 640)


def test_this_frame_is_the_exporters_frame(qtbot, tmp_path):
    window = MainWindow(Session(load_scenario("ravine")), remember_layout=False)
    qtbot.addWidget(window)
    window.session.run_to(60)
    image = frame_image(window.current_scenario(), window.session.step, (800, 450))
    assert image is not None and (image.width(), image.height()) == (800, 450)
    out = Path(tmp_path / "f.png")
    assert image.save(str(out), "PNG")
    assert iio.imread(out).shape[:2] == (450, 800)
