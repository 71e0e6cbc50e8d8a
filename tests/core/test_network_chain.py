"""One weight's gradient along the chain rule, epochs, and the next step of a network run
as the window shows it (what is drawn is what the next update does)."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.core import network_read, probe
from gdviz.core.network import NetworkSpec
from gdviz.core.race import Race, RaceSpec, RunSpec
from gdviz.core.run import update_gradient

NET = NetworkSpec("spiral", (2, 6, 5, 3), options={"n_samples": 60, "classes": 3})
RUNS = (RunSpec("sgd", {"lr": 0.1, "batch_size": 8}), RunSpec("adam", {"lr": 0.01}),
        RunSpec("momentum", {"lr": 0.05, "momentum": 0.9}))


def stepped(steps: int = 7) -> Race:
    race = Race(RaceSpec("network", RUNS, network=NET, seed=3))
    race.run_to(steps)
    return race


def every_weight(mlp):
    for layer, (fan_in, fan_out) in enumerate(mlp.shapes):
        for col in range(fan_out):
            for row in (None, *range(fan_in)):
                yield layer, row, col


def test_weight_at_names_each_flat_entry_once_and_matches_unflatten():
    mlp = NET.mlp
    theta = np.arange(mlp.n_params, dtype=float)
    layers = mlp.unflatten(theta)
    seen = []
    for layer, row, col in every_weight(mlp):
        w = network_read.weight_at(mlp, layer, row, col)
        W, b = layers[layer]
        assert theta[w.k] == (b[col] if row is None else W[row, col])
        seen.append(w.k)
    assert sorted(seen) == list(range(mlp.n_params))
    assert network_read.weight_at(mlp, 0, 1, 4).label == "W¹[1, 4]"
    assert network_read.weight_at(mlp, 2, None, 2).label == "b³[2]"
    for bad in ((3, 0, 0), (0, 2, 0), (0, 0, 6), (2, None, 3)):
        with pytest.raises(ValueError):
            network_read.weight_at(mlp, *bad)


@pytest.mark.parametrize("run", range(len(RUNS)))
def test_the_chain_rule_terms_average_to_the_gradient_the_update_is_fed(run):
    race = stepped()
    obj, snap = race.objective, race.frame()[run]
    fed = update_gradient(race.optimizer_now(run), race.spec.seed_of(run), snap,
                          objective=obj)[0]
    r = race.runs[run]
    samples = network_read.batch_index(obj, r.optimizer, dict(r.hyper), race.step,
                                       race.spec.seed_of(run))
    assert len(samples) == (8 if r.optimizer == "sgd" else obj.train.n_samples)
    for layer, row, col in list(every_weight(obj.mlp))[::7]:
        w = network_read.weight_at(obj.mlp, layer, row, col)
        terms = network_read.chain_terms(obj, snap.params[0], w, samples)
        assert terms.grad == pytest.approx(fed[w.k], rel=1e-10, abs=1e-14)
        assert np.mean(terms.a * terms.delta) == pytest.approx(terms.grad)
        if row is None:
            assert np.all(terms.a == 1.0)


def test_the_next_point_of_every_network_run_is_the_next_recorded_one():
    race = stepped(12)
    for step in (0, 5, 11):
        race.seek(step)
        nxt = [probe.next_params(race.optimizer_now(i), race.frame()[i],
                                 race.spec.seed_of(i), race.objective)[0]
               for i in range(len(RUNS))]
        race.seek(step + 1)
        for i, p in enumerate(nxt):
            np.testing.assert_array_equal(p, race.frame()[i].params[0])


def test_steps_per_epoch_and_epochs():
    assert network_read.steps_per_epoch(100, None) == 1
    assert network_read.steps_per_epoch(100, 32) == 4
    assert network_read.steps_per_epoch(100, 25) == 4
    assert network_read.steps_per_epoch(100, 500) == 1
    np.testing.assert_allclose(network_read.epochs([0, 4, 10], 100, 25), [0, 1, 2.5])
    np.testing.assert_allclose(network_read.epochs([0, 3], 100, None), [0, 3])
