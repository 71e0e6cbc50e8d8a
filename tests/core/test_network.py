"""Races on a network: the training loss as an objective, minibatch sgd, shared starts."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from gdviz.core.mlp import MLP, batch_at
from gdviz.core.network import NetworkObjective, NetworkSpec
from gdviz.core.optimizers import make_optimizer
from gdviz.core.race import Race, RaceSpec, RunSpec, run_race
from gdviz.core.run import DIVERGED, RUNNING, Stepper
from gdviz.core.timeline import MAX_BYTES

SMALL = {"n_samples": 40, "noise": 0.1}


def net(dataset: str = "spiral", sizes: tuple[int, ...] = (2, 8, 2), **kw) -> NetworkSpec:
    return NetworkSpec(dataset, sizes, options=kw.pop("options", SMALL), **kw)


def race(*runs: RunSpec, network: NetworkSpec | None = None, **kw) -> RaceSpec:
    return RaceSpec("network", runs, network=network or net(), **kw)


def test_a_spec_checks_that_the_network_fits_the_data():
    spec = net("spiral", (2, 8, 3), options={"n_samples": 40, "classes": 3})
    assert spec.options["classes"] == 3 and spec.options["noise"] == 0.05  # resolved
    assert spec == net("spiral", (2, 8, 3), options={"classes": 3, "n_samples": 40,
                                                    "noise": 0.05})
    with pytest.raises(ValueError, match="unknown dataset"):
        NetworkSpec("nowhere")
    with pytest.raises(ValueError, match="no option 'classes'"):
        net("xor", options={"classes": 3})
    with pytest.raises(ValueError, match="first size must be 2"):
        net(sizes=(3, 8, 2))
    with pytest.raises(ValueError, match="last size must be 2"):
        net(sizes=(2, 8, 3))
    with pytest.raises(ValueError, match="classification set"):
        net(sizes=(2, 8, 2), loss="mse")
    with pytest.raises(ValueError, match="regression set"):
        net("wave", sizes=(1, 8, 2), loss="mse")
    assert net("wave", sizes=(1, 8, 1), loss="mse").build().dim == 8 + 8 + 8 + 1
    with pytest.raises(ValueError, match="test_fraction"):
        net(test_fraction=1.0)
    with pytest.raises(ValueError, match="activation"):
        net(activation="swish")
    with pytest.raises(ValueError, match="data_seed"):
        net(data_seed=-1)


def test_a_network_race_refuses_starts_parameters_and_newton():
    with pytest.raises(ValueError, match="no start point"):
        race(RunSpec("adam", start=(0.0, 0.0)))
    with pytest.raises(ValueError, match="no start point"):
        race(RunSpec("adam"), start=(0.0, 0.0))
    with pytest.raises(ValueError, match="no landscape parameters"):
        race(RunSpec("adam"), params={"a": 1.0})
    with pytest.raises(ValueError, match="Hessian"):
        race(RunSpec("newton"))
    spec = race(RunSpec("adam"))
    assert spec.landscape == "network" and spec == race(RunSpec("adam"))
    assert RaceSpec("rosenbrock", (RunSpec("adam"),), network=net()) == spec
    with pytest.raises(ValueError, match="no formula landscape"):
        spec.build_landscape()
    with pytest.raises(ValueError, match="no formula landscape"):
        _ = Race(spec).landscape


def test_the_objective_is_the_mlps_training_loss_and_gradient():
    spec = net()
    obj = spec.build(seed=3)
    assert isinstance(obj, NetworkObjective) and obj.dim == spec.mlp.n_params
    assert np.array_equal(obj.start, MLP((2, 8, 2)).init(3))
    thetas = np.stack([spec.mlp.init(s) for s in range(3)])
    loss, grad = obj.value_and_grad(thetas)
    assert loss.shape == (3,) and grad.shape == (3, obj.dim)
    train, _ = spec.split
    for k in range(3):
        value, g = spec.mlp.loss_and_grad(thetas[k], train.X, train.y)
        assert loss[k] == pytest.approx(value, rel=1e-14)
        np.testing.assert_allclose(grad[k], g, rtol=1e-13, atol=1e-16)
    assert obj.minima.shape == (0, obj.dim) and obj.domain is None


def test_only_non_finite_values_mean_diverged_on_a_network():
    obj = net().build()
    far = np.full((1, obj.dim), 1e9)  # far beyond any view box, yet finite
    s = Stepper(obj, make_optimizer("gd", lr=0.1), far)
    assert s.snapshot.status[0] == RUNNING
    s.advance()
    assert s.snapshot.status[0] == RUNNING
    broken = np.array([obj.start, obj.start])
    broken[1, 0] = np.inf
    s = Stepper(obj, make_optimizer("gd", lr=0.1), broken)
    assert s.snapshot.status.tolist() == [RUNNING, DIVERGED]


def test_minibatch_sgd_with_the_whole_training_set_is_gd_exactly():
    spec = net()
    n_train = spec.split[0].n_samples
    gd, sgd = run_race(race(RunSpec("gd", {"lr": 0.3}),
                            RunSpec("sgd", {"lr": 0.3, "batch_size": n_train}), steps=60))
    assert np.array_equal(gd.params, sgd.params) and np.array_equal(gd.loss, sgd.loss)


def test_over_an_epoch_the_minibatch_losses_average_to_the_full_loss():
    spec = net()
    obj = spec.build()
    train = spec.split[0]
    theta = np.asarray(obj.start)
    size, seed = 8, 5
    per_epoch = train.n_samples // size
    assert per_epoch * size == train.n_samples  # equal batches: the mean of means is exact
    batches = [batch_at(k, train.n_samples, size, seed) for k in range(per_epoch)]
    assert sorted(np.concatenate(batches).tolist()) == list(range(train.n_samples))
    losses = [spec.mlp.loss_and_grad(theta, train.X[b], train.y[b])[0] for b in batches]
    assert np.mean(losses) == pytest.approx(float(obj.value(theta[None])[0]), rel=1e-12)
    # and sgd is fed exactly those batches' gradients, in that order, then a new shuffle
    opt = make_optimizer("sgd", lr=0.1, batch_size=size)
    grads = [obj.stochastic_gradient(theta[None], np.zeros((1, obj.dim)), k, seed, opt)[0]
             for k in range(2 * per_epoch)]
    for k, b in enumerate(batches):
        np.testing.assert_array_equal(grads[k],
                                      spec.mlp.loss_and_grad(theta, train.X[b], train.y[b])[1])
    assert not np.array_equal(grads[0], grads[per_epoch])


def test_every_run_starts_from_the_same_weights_and_draws_the_same_batches():
    spec = race(RunSpec("adam", {"lr": 0.01}), RunSpec("sgd", {"lr": 0.1, "batch_size": 4}),
                RunSpec("sgd", {"lr": 0.1, "batch_size": 4}, label="twin"), steps=30, seed=7)
    trajs = run_race(spec)
    first = trajs[0].params[0, 0]
    assert np.array_equal(first, spec.network.initial_weights(7))
    assert all(np.array_equal(t.params[0, 0], first) for t in trajs)
    assert np.array_equal(trajs[1].params, trajs[2].params)  # shared seed: same batch order
    other_seed = run_race(spec.with_run(2, RunSpec("sgd", {"lr": 0.1, "batch_size": 4},
                                                   seed=8)))
    assert np.array_equal(other_seed[2].params[0, 0], first)  # same start, other batches
    assert not np.array_equal(other_seed[2].params, trajs[1].params)
    assert not np.array_equal(run_race(replace(spec, seed=8))[0].params[0, 0], first)


def test_a_branched_race_draws_the_same_batches_as_its_spec():
    spec = race(RunSpec("sgd", {"lr": 0.1, "batch_size": 4}), RunSpec("adam", {"lr": 0.01}),
                steps=80)
    r = Race(spec)
    r.run_to(50)
    r.seek(23)
    r.edit(0, lr=0.05)
    r.run_to(80)
    replay = run_race(r.spec)
    for i, traj in enumerate(replay):
        steps, loss, _ = r.history(i)
        np.testing.assert_array_equal(loss, traj.loss[steps, 0])
        np.testing.assert_array_equal(r.head_frame()[i].params[0], traj.params[-1, 0])


def test_adam_separates_the_circle_through_run_race():
    network = NetworkSpec("circle", (2, 16, 16, 2), options={"n_samples": 300, "noise": 0.05})
    spec = race(RunSpec("adam", {"lr": 0.01}), network=network, steps=400, seed=0)
    (traj,) = run_race(spec)
    obj = spec.build_objective()
    assert isinstance(obj, NetworkObjective)
    assert float(obj.accuracy(traj.params[-1])[0]) >= 0.95
    assert traj.loss[-1, 0] < 0.1 * traj.loss[0, 0]


def test_a_wide_network_raced_for_20000_steps_keeps_its_timeline_bounded():
    """A 2-32-32-32-3 network (2307 weights) raced by four optimizers, Adam among them:
    a row holds params, gradient and state of every run (≈ 370 kB), so 20 000 unthinned
    rows would take 7 GB; the timeline keeps its rows within MAX_BYTES (256 MB). A tiny
    dataset keeps the steps cheap: the row width does not depend on it."""
    network = NetworkSpec("spiral", (2, 32, 32, 32, 3),
                          options={"n_samples": 12, "classes": 3, "noise": 0.1})
    spec = race(RunSpec("adam", {"lr": 0.001}), RunSpec("momentum", {"lr": 0.01}),
                RunSpec("sgd", {"lr": 0.01, "batch_size": 4}), RunSpec("rmsprop", {"lr": 1e-3}),
                network=network, steps=20_000)
    start = time.perf_counter()
    r = Race(spec)
    r.run_to(20_000)
    assert r.head_step == 20_000 and time.perf_counter() - start < 60
    timeline = r.timeline
    assert timeline is not None
    rows = timeline._rows  # the whole buffer, kept rows and spare capacity alike
    assert rows.nbytes <= MAX_BYTES == 256 * 2**20
    assert len(timeline) <= timeline.capacity < 20_000
    assert timeline.steps[0] == 0 and timeline.steps[-1] == 20_000
