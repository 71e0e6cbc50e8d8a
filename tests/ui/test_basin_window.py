"""Maps ▸ Basin map in the window: computed in the background, drawn under the contour
lines with the command line's colours, cancellable, gone with another landscape."""

import numpy as np
from PyQt6.QtWidgets import QApplication

from gdviz.core.maps import basin_map
from gdviz.export.maps import basin_colours
from gdviz.scenario import load_scenario
from gdviz.ui.main_window import MainWindow
from gdviz.ui.session import Session


def window_on(qtbot, name: str) -> MainWindow:
    window = MainWindow(Session(load_scenario(name)), remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_basin_map_is_the_cores_map_under_the_contour_lines(qtbot, monkeypatch):
    monkeypatch.setattr("gdviz.ui.map_job.RES", 40)
    window = window_on(qtbot, "foggy_mountains")
    job = window.maps.job()
    window.maps.start()
    qtbot.waitUntil(lambda: window.maps.worker is None, timeout=60_000)
    image = window.contour.overlay.image
    expected = basin_map(**job)
    assert image is not None and image.shape == (40, 40, 3)
    np.testing.assert_array_equal(image, np.rint(basin_colours(expected)).astype(np.uint8))
    assert len(np.unique(expected.labels)) >= 3  # several valleys are reached
    window.session.set_landscape("himmelblau")
    assert window.contour.overlay.image is None


def test_a_cancelled_map_draws_nothing(qtbot):
    window = window_on(qtbot, "ravine")
    window.maps.start()
    window.maps._cancel()
    assert window.maps.wait()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.maps.worker is None, timeout=10_000)
    assert window.contour.overlay.image is None
