"""Samples of one's own in the window: "Load CSV…" in the data dock and "Your data…" in
the landscape picker race the current optimizers on a file's samples; a bad file shows a
message naming the line and leaves the race as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt6.QtWidgets import QFileDialog, QMessageBox

from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import load_scenario
from gdviz.ui.panels.landscape import DATA_FILE, NAME_ROLE
from gdviz.ui.session import Session
from tests.ui.test_main_window import open_window, pick_landscape

POINTS = "x,y\n" + "".join(f"{i / 4},{2 * i / 4 + 1 + 0.2 * (-1) ** i}\n" for i in range(12))
CLASSES = "x,label\n" + "".join(f"{i / 5},{'ab'[(i + i // 7) % 2]}\n" for i in range(14))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    found = {}
    for name, text in (("pts.csv", POINTS), ("classes.csv", CLASSES),
                       ("bad.csv", "x,y\n1,2\n3,four\n"), ("three.csv",
                                                          "x,label\n0,a\n1,b\n2,c\n")):
        (tmp_path / name).write_text(text)
        found[name] = str(tmp_path / name)
    return found


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *a: said.append(text))
    return said


def test_load_csv_races_the_optimizers_on_the_file(qtbot, files, warnings):
    window = open_window(qtbot, Session(load_scenario("minibatch")))
    s, mode = window.session, window.data_mode
    runs = [(r.optimizer, dict(r.hyper)) for r in s.runs]
    assert mode.load_csv(files["pts.csv"]) and not warnings
    assert s.spec == RaceSpec("linear_regression", runs=s.spec.runs, steps=s.spec.steps,
                              seed=s.spec.seed, data=files["pts.csv"])
    assert [(r.optimizer, dict(r.hyper)) for r in s.runs] == runs
    assert s.samples.n_samples == 12 and s.step == 0
    assert mode.dock.windowTitle() == "Data: pts.csv"
    assert mode.file_bar.label.text() == "Samples: pts.csv (12)"
    assert "pts.csv" in window.landscape_panel.description.text()
    combo = window.landscape_panel.combo
    assert combo.itemData(combo.currentIndex(), NAME_ROLE) == DATA_FILE
    s.run_to(5)
    assert len(mode.view.models) == len(s.runs) and s.frame()[0].params.shape == (1, 2)
    assert mode.load_csv(files["classes.csv"])  # the header picks logistic regression
    assert s.spec.landscape == "logistic_regression" and s.samples.class_names == ("a", "b")
    pick_landscape(window, "linear_regression")  # back to generated samples
    assert s.spec.data is None and s.landscape.params
    assert mode.dock.windowTitle() == "Data and the fitted model"
    assert mode.file_bar.label.text().startswith("Samples: generated")


@pytest.mark.parametrize(("name", "message"), [
    ("bad.csv", "bad.csv: line 3: y = 'four' is not a number"),
    ("three.csv", "separates exactly 2 classes, the file has 3"),
    ("missing.csv", "cannot read"),
])
def test_a_bad_file_shows_a_message_and_changes_nothing(qtbot, files, warnings, name,
                                                        message):
    window = open_window(qtbot, Session(load_scenario("minibatch")))
    s = window.session
    s.run_to(7)
    before, step = s.spec, s.step
    path = files.get(name, str(Path(files["pts.csv"]).with_name(name)))
    assert not window.data_mode.load_csv(path)
    assert len(warnings) == 1 and message in warnings[0]
    assert s.spec == before and s.step == step
    assert window.data_mode.dock.windowTitle() == "Data and the fitted model"


def test_your_data_in_the_picker_asks_for_a_file(qtbot, files, warnings, monkeypatch):
    window = open_window(qtbot, Session(RaceSpec("rosenbrock", runs=(RunSpec("adam"),))))
    s, combo = window.session, window.landscape_panel.combo
    assert "x1,x2,label → logistic_regression2" in combo.itemData(
        combo.findData(DATA_FILE, NAME_ROLE), 3)  # the tooltip names the headers
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    pick_landscape(window, DATA_FILE)  # cancelled: nothing changes
    assert s.spec.landscape == "rosenbrock"
    assert combo.itemData(combo.currentIndex(), NAME_ROLE) == "rosenbrock"
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (files["pts.csv"], "CSV files (*.csv)"))
    pick_landscape(window, DATA_FILE)
    assert s.spec.data == files["pts.csv"] and s.runs[0].optimizer == "adam"
    assert window.docks["data"].isVisible()
    s.set_expression("x^2 + y^2")  # a formula replaces the file
    assert s.spec.data is None and s.spec.expr == "x^2 + y^2"
