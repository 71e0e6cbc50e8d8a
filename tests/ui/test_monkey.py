"""A long random session through the window's own actions: nothing may raise.

In PyQt6 an exception inside a slot aborts the application, so every action a user can
take is mixed here in random order (seeded), with the views drawing after each one.
"""

import numpy as np
import pytest
from PyQt6.QtWidgets import QApplication

from gdviz.core.optimizers import OPTIMIZERS
from gdviz.scenario import load_scenario, preset_names
from gdviz.ui.main_window import MainWindow
from gdviz.ui.runs import landscape_names_by_group
from gdviz.ui.session import Session


@pytest.mark.filterwarnings("error::RuntimeWarning")  # a numpy warning is a bug here too
@pytest.mark.parametrize("seed", [0, 1, 27])
def test_random_actions_never_raise(qtbot, seed):
    rng = np.random.default_rng(seed)
    session = Session(load_scenario("default"))
    window = MainWindow(session, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    names = [n for group in landscape_names_by_group().values() for n in group]  # the picker's
    kinds = list(OPTIMIZERS)

    def pick(seq):
        return seq[int(rng.integers(len(seq)))]

    def on_landscape(action):
        """What only a landscape race offers (its panel is hidden on a network)."""
        return lambda: None if session.is_network else action()

    panel = window.network_mode.panel
    actions = [
        lambda: session.step_forward(int(rng.integers(1, 40))),
        lambda: session.step_epoch(),
        lambda: session.load(load_scenario(pick(["xor", "spiral"]))),
        lambda: (panel.layers.set_sizes([int(rng.integers(1, 9))] * int(rng.integers(1, 3))),
                 panel.apply()),
        lambda: session.step_back(),
        lambda: session.seek(int(rng.integers(0, session.head_step + 1))),
        lambda: session.set_landscape(pick(names)),
        lambda: session.add_run(pick(kinds), lr=float(10 ** rng.uniform(-3, 0))),
        lambda: session.remove_run(int(rng.integers(len(session.runs)))) if session.runs
        else None,
        lambda: session.set_hyper(int(rng.integers(len(session.runs))), "lr",
                                  float(10 ** rng.uniform(-3, 0.5))) if session.runs else None,
        on_landscape(lambda: session.random_start()),
        on_landscape(lambda: session.set_landscape_params(
            **{k: float(rng.uniform(0.5, 40)) for k in session.landscape.params})),
        on_landscape(lambda: session.set_start(
            tuple(rng.uniform(-3, 3, session.landscape.dim)),
            run=int(rng.integers(len(session.runs))) if session.runs and rng.random() < 0.5
            else None)),
        lambda: session.set_display(pick(list(session.display)), bool(rng.random() < 0.5)),
        lambda: session.set_stop_on_convergence(bool(rng.random() < 0.5)),
        lambda: session.set_seed(int(rng.integers(0, 100))),
        lambda: session.set_steps(int(rng.integers(1, 400))),
        lambda: session.set_schedule(int(rng.integers(len(session.runs))),
                                     pick(["constant", "cosine", "step", "exponential"]))
        if session.runs else None,
        lambda: session.select(int(rng.integers(-1, len(session.runs) + 1))),
        lambda: session.load(load_scenario(pick(preset_names()))),
        lambda: session.reset(),
        lambda: window.transport.play_action.trigger(),
        lambda: window.contour.reset_view(),
    ]
    for _ in range(120):
        pick(actions)()
        QApplication.processEvents()
    session.pause()
    assert window.isVisible()
    # the views still show the session's numbers exactly
    window.network_mode.stop()
    if session.runs and not session.is_network and session.landscape.dim == 2:
        for i, trail in enumerate(window.contour.trails):
            np.testing.assert_array_equal(trail.points, session.trail(i))
        drawn = window.loss.loss_curves[0].getData()[0]
        assert drawn[-1] <= session.head_step
