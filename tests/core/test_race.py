"""RaceSpec and Race: one description of a race, replayed exactly everywhere."""

from __future__ import annotations

import numpy as np
import pytest

import gdviz
from gdviz.core import probe
from gdviz.core.race import Edit, Race, RaceSpec, RunSpec, ScheduleSpec, run_race
from gdviz.core.run import CONVERGED, DIVERGED, RUNNING


def spec(*runs: RunSpec, **kw) -> RaceSpec:
    return RaceSpec(kw.pop("landscape", "rosenbrock"), runs=runs, **kw)


def test_specs_resolve_and_refuse():
    r = RunSpec("adam", {"lr": 0.1})
    assert r.hyper["beta1"] == 0.9 and r.hyper["lr"] == 0.1
    assert r == RunSpec("adam", {"lr": 0.1, "eps": 1e-8})
    with pytest.raises(ValueError, match="lr must be in"):
        RunSpec("adam", {"lr": -1})
    with pytest.raises(ValueError, match="nesterov needs momentum"):
        RunSpec("nesterov", {"momentum": 0})
    with pytest.raises(ValueError, match="no hyperparameter 'beta1'"):
        RunSpec("gd", edits=(Edit(5, {"beta1": 0.5}),))
    with pytest.raises(ValueError, match="2-D"):
        RaceSpec("rosenbrock", start=(1.0,))
    with pytest.raises(ValueError, match="unknown landscape"):
        RaceSpec("nowhere")
    with pytest.raises(ValueError, match="steps"):
        RaceSpec("rosenbrock", steps=-1)
    with pytest.raises(ValueError, match="schedule"):
        ScheduleSpec("sometimes")
    with pytest.raises(ValueError, match="step"):
        Edit(0, {"lr": 0.1})


def test_run_race_equals_gdviz_run():
    s = spec(RunSpec("adam", {"lr": 0.02}), RunSpec("momentum", {"lr": 1e-3}),
             start=(-1.2, 1.0), steps=150)
    for traj, (name, lr) in zip(run_race(s), (("adam", 0.02), ("momentum", 1e-3)), strict=True):
        ref = gdviz.run("rosenbrock", name, starts=[(-1.2, 1.0)], steps=150, lr=lr)
        np.testing.assert_array_equal(traj.params, ref.params)
        np.testing.assert_array_equal(traj.loss, ref.loss)
        np.testing.assert_array_equal(traj.grad_norm, ref.grad_norm)


def test_seed_rule_shared_unless_own():
    sgd = RunSpec("sgd", {"lr": 1e-3, "noise": 1.0})
    same = run_race(spec(sgd, sgd, seed=7, steps=50, landscape="quadratic"))
    np.testing.assert_array_equal(same[0].params, same[1].params)
    own = run_race(spec(sgd, RunSpec("sgd", {"lr": 1e-3, "noise": 1.0}, seed=8), seed=7,
                        steps=50, landscape="quadratic"))
    assert not np.array_equal(own[0].params, own[1].params)
    ref = gdviz.run("quadratic", "sgd", steps=50, seed=8, lr=1e-3, noise=1.0)
    np.testing.assert_array_equal(own[1].params, ref.params)


def test_branch_in_a_race_replays_bit_for_bit_from_its_spec():
    race = Race(spec(RunSpec("adam", {"lr": 0.02}), RunSpec("sgd", {"lr": 1e-3}),
                     steps=120))
    race.run_to(90)
    race.seek(50)
    race.edit(0, lr=0.05)
    race.edit(1, noise=0.3)
    race.run_to(120)
    assert race.runs[0].edits == (Edit(50, {"lr": 0.05}),)
    replay = run_race(race.spec)
    for i, traj in enumerate(replay):
        np.testing.assert_array_equal(race.trail(i), traj.params[:, 0, :])
    live = Race(race.spec)  # the same spec run interactively again
    live.run_to(120)
    for i in range(2):
        np.testing.assert_array_equal(live.trail(i), race.trail(i))


def test_edit_at_step_zero_changes_the_base_values():
    race = Race(spec(RunSpec("gd", {"lr": 1e-3})))
    race.run_to(10)
    race.seek(0)
    race.edit(0, lr=2e-3)
    assert race.runs[0].hyper["lr"] == 2e-3 and race.runs[0].edits == ()
    assert race.head_step == 0


def test_a_later_edit_is_dropped_by_an_earlier_branch():
    race = Race(spec(RunSpec("gd", {"lr": 1e-3}), RunSpec("gd", {"lr": 2e-3}), steps=100))
    race.run_to(60)
    race.edit(1, lr=1e-4)  # at 60
    race.run_to(80)
    race.seek(30)
    race.edit(0, lr=5e-3)
    assert race.runs[1].edits == () and race.runs[0].edits == (Edit(30, {"lr": 5e-3}),)
    assert race.head_step == 30


def test_hyper_at_follows_the_edits():
    r = RunSpec("adam", {"lr": 0.1}, edits=(Edit(50, {"lr": 0.01}), Edit(80, {"beta1": 0.5})))
    assert r.hyper_at(49)["lr"] == 0.1
    assert r.hyper_at(50)["lr"] == 0.01 and r.hyper_at(50)["beta1"] == 0.9
    assert r.hyper_at(1000) == {**r.hyper, "lr": 0.01, "beta1": 0.5}


def test_next_point_ends_where_the_next_step_lands():
    """The drawn arrow: the hyperparameters in force at the cursor and sgd's real noise."""
    race = Race(spec(RunSpec("sgd", {"lr": 1e-3, "noise": 2.0}), RunSpec("adam", {"lr": 0.02}),
                     steps=60))
    race.run_to(40)
    race.seek(20)
    race.edit(1, lr=0.05)
    race.run_to(40)
    for step in (0, 5, 19, 20, 21, 33):
        race.seek(step)
        arrows = [probe.next_params(race.optimizer_now(i), race.frame()[i],
                                    race.spec.seed_of(i))[0] for i in range(2)]
        race.seek(step + 1)
        for i in range(2):
            np.testing.assert_array_equal(arrows[i], race.frame()[i].params[0])


def test_stopped_start_keeps_its_optimizer_state():
    starts = np.array([[0.0, 0.0], [1e-9, 0.0], [2.0, 2.0]])  # first two converge at once
    stepper = RaceSpec("quadratic", tol=1e-6).build_landscape()
    from gdviz.core.optimizers import make_optimizer
    from gdviz.core.run import Stepper

    s = Stepper(stepper, make_optimizer("adam", lr=0.1), starts, tol=1e-3)
    first = s.advance()
    frozen = ~(first.status == RUNNING)
    assert frozen[:2].all() and not frozen[2]
    later = first
    for _ in range(20):
        later = s.advance()
    for name in ("m", "v"):
        np.testing.assert_array_equal(getattr(later.state, name)[:2],
                                      getattr(first.state, name)[:2])
        assert not np.array_equal(getattr(later.state, name)[2], getattr(first.state, name)[2])
    assert (later.status[:2] == CONVERGED).all()


def test_a_fully_stopped_run_does_not_update_at_all():
    race = Race(spec(RunSpec("gd", {"lr": 1.0}), RunSpec("adam", {"lr": 0.02}), steps=60))
    race.run_to(60)
    gd = race.frame()[0]
    assert gd.status[0] == DIVERGED
    stop = int(gd.stopped_at[0])
    race.seek(stop + 2)
    early = race.frame()[0]
    race.seek(60)
    np.testing.assert_array_equal(early.state.velocity, race.frame()[0].state.velocity)
    assert early.state.step == race.frame()[0].state.step


def test_schedule_lr_edit_moves_the_schedule_base():
    r = RunSpec("gd", {"lr": 0.1}, schedule=ScheduleSpec("cosine", {"period": 100}),
                edits=(Edit(30, {"lr": 0.05}),))
    assert r.optimizer_at(0).schedule(1) == 0.1
    assert r.optimizer_at(30).schedule.base == 0.05


def test_branch_after_thinning_lands_on_a_kept_row_and_replays():
    race = Race(spec(RunSpec("gd", {"lr": 1e-3}), steps=100), capacity=16)
    race.run_to(100)
    kept = list(race.timeline.steps)
    assert len(kept) <= 16 and kept[-1] == 100
    thinned = next(k for k in range(100) if k not in kept)
    race.seek(thinned)
    assert race.step < thinned and race.step in kept
    race.edit(0, lr=2e-3)
    race.run_to(100)
    np.testing.assert_array_equal(race.trail(0)[-1], run_race(race.spec)[0].params[-1, 0])
