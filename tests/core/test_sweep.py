"""The fair comparison's learning-rate sweep equals single runs and picks the best."""

import numpy as np
import pytest

import gdviz
from gdviz.core.landscapes import get_landscape
from gdviz.core.sweep import lr_sweep


@pytest.mark.parametrize("name", ["gd", "momentum", "adam", "lbfgs"])
def test_each_rate_equals_a_single_run_and_the_best_is_the_lowest(name):
    land = get_landscape("rosenbrock")
    sweep = lr_sweep(land, name, (-1.2, 1.0), steps=80, res=7)
    assert sweep.lrs.shape == (7,) and np.all(np.diff(sweep.lrs) > 0)
    for k in (0, 3, 6):
        t = gdviz.run(land, name, starts=[(-1.2, 1.0)], steps=80, lr=float(sweep.lrs[k]))
        if t.status[0] == "diverged":
            assert sweep.diverged[k] and np.isnan(sweep.final_loss[k])
        else:
            assert sweep.final_loss[k] == t.loss[-1, 0]
    assert sweep.best is not None
    assert sweep.best_loss == np.nanmin(sweep.final_loss)


def test_large_rates_diverge_and_are_never_chosen():
    sweep = lr_sweep(get_landscape("rosenbrock"), "gd", (-1.2, 1.0), steps=50, res=9)
    assert sweep.diverged[-1] and not sweep.diverged[0]
    assert sweep.best < sweep.lrs[-1]


def test_a_3d_landscape_sweeps_like_single_runs():
    land = get_landscape("rosenbrock3")
    sweep = lr_sweep(land, "adam", land.start, steps=60, res=5)
    for k in range(5):
        t = gdviz.run(land, "adam", steps=60, lr=float(sweep.lrs[k]))
        assert sweep.diverged[k] == (t.status[0] == "diverged")
        if not sweep.diverged[k]:
            assert sweep.final_loss[k] == t.loss[-1, 0]
    assert sweep.best is not None
