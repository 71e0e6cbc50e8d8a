"""Maps ▸ Fair comparison: each run's best learning rate, applied with one click."""

from gdviz.core.sweep import lr_sweep
from gdviz.scenario import load_scenario
from gdviz.ui.fair_lr import SWEEP_STEPS
from gdviz.ui.main_window import MainWindow
from gdviz.ui.session import Session


def test_the_table_offers_each_runs_best_rate_and_apply_sets_it(qtbot):
    window = MainWindow(Session(load_scenario("learning_rate")), remember_layout=False)
    qtbot.addWidget(window)
    s = window.session
    window.fair.start()
    qtbot.waitUntil(lambda: window.fair.worker is None, timeout=60_000)
    dialog = window.fair.dialog
    assert dialog is not None and len(dialog.buttons) == len(s.runs)
    expected = lr_sweep(s.landscape, "gd", s.spec.start_of(2), s.runs[2].hyper,
                        steps=min(SWEEP_STEPS, s.steps), seed=s.seed)
    dialog.buttons[2].click()
    assert s.runs[2].hyper["lr"] == expected.best and s.step == 0 and not s.runs[2].edits
