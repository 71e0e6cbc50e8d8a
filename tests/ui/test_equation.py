"""The update-rule panel shows the numbers of the step at the scrubber: for every
optimizer they are the optimizer's own state after that step; a stopped run says so."""

import numpy as np
import pytest

from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.ui.panels.equation import EquationPanel, number
from gdviz.ui.session import Session


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_this_steps_numbers_are_the_optimizers_state(qtbot, name):
    lr = 1e-3 if name not in ("adadelta", "lbfgs", "newton", "rprop") else None
    hyper = {} if lr is None else {"lr": lr}
    s = Session(RaceSpec("himmelblau", runs=(RunSpec(name, hyper),), steps=30))
    panel = EquationPanel(s)
    qtbot.addWidget(panel)
    s.run_to(12)
    s.seek(7)
    rows = dict(s.step_numbers(0))
    s.seek(8)
    after = s.snapshot(0)
    np.testing.assert_array_equal(rows["θ new"], after.params[0])
    for field in after.state._fields:
        value = getattr(after.state, field)
        if isinstance(value, np.ndarray) and value.shape == after.params.shape:
            np.testing.assert_array_equal(rows[field], value[0])
    s.seek(7)
    text = panel.numbers.text()
    assert "7 → 8" in text and number(float(rows["θ new"][0])) in text


def test_a_stopped_run_says_it_no_longer_moves(qtbot):
    s = Session(RaceSpec("rosenbrock", runs=(RunSpec("gd", {"lr": 1.0}),), steps=40))
    panel = EquationPanel(s)
    qtbot.addWidget(panel)
    s.run_to(40)
    assert s.snapshot(0).status[0] == "diverged"
    assert "no longer moves" in panel.numbers.text()
