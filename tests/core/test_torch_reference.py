"""Whole trajectories from ``gdviz.run`` against ``torch.optim`` in float64.

torch gets the gradient from the same landscape's analytic ``grad`` so that only the
optimizer rules are compared. Learning rates are chosen so that every run stays
"running" for all 300 steps and is not chaotic (ulp-level differences must not be
amplified), which the tests assert before comparing.
"""

from __future__ import annotations

import numpy as np
import pytest

import gdviz
from gdviz.core.landscapes import get_landscape
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import Edit, Race, RaceSpec, RunSpec, ScheduleSpec, run_race
from gdviz.core.schedules import Cosine, Exponential, Schedule, StepDecay
from tests.core.torch_equivalents import TORCH_EQUIVALENT

torch = pytest.importorskip("torch", reason="torch is an optional reference (pip install torch)")

STEPS = 300
RTOL, ATOL = 1e-10, 1e-12


STARTS = {
    "rosenbrock": [(-1.2, 1.0), (0.5, 2.0), (1.5, 1.5)],
    "beale": [(1.0, 1.5), (2.0, 0.0), (-1.0, -1.0)],
    "himmelblau": [(-0.5, 0.5), (1.0, 4.0), (-4.0, -3.0)],
}

# (optimizer, hyperparameters); lr None = the optimizer's default
CONFIGS = [
    ("gd", {"lr": 1e-3}),
    ("gd", {"lr": 1e-3, "weight_decay": 0.1}),
    ("momentum", {"lr": 1e-3}),
    ("momentum", {"lr": 1e-3, "weight_decay": 0.1}),
    ("nesterov", {"lr": 1e-3}),
    ("nesterov", {"lr": 1e-3, "weight_decay": 0.1}),
    ("adagrad", {}),
    ("adagrad", {"lr": 3e-2, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 3e-3}),
    ("rmsprop", {"lr": 3e-3, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.9}),
    ("rmsprop", {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.1}),
    ("adam", {"lr": 1e-2}),
    ("adam", {"lr": 1e-2, "weight_decay": 0.1}),
    ("adam", {"lr": 3e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("adamw", {"lr": 1e-2}),
    ("adamw", {"lr": 1e-2, "weight_decay": 0.1}),
    ("adamw", {"lr": 5e-3, "beta1": 0.85, "beta2": 0.995, "eps": 1e-6}),
    ("sgd", {"lr": 1e-3, "noise": 0.0}),
    ("momentum", {"lr": 5e-4, "momentum": 0.6}),
    ("momentum", {"lr": 1e-3, "nesterov": True}),
    ("rmsprop", {"lr": 1e-3, "alpha": 0.95, "eps": 1e-6}),
    ("adagrad", {"lr": 3e-2, "eps": 1e-6}),
]


@pytest.fixture(autouse=True, scope="module")
def single_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def torch_kwargs(name: str, hyper: dict) -> tuple[str, dict]:
    """torch class name and arguments for our optimizer ``name`` with ``hyper``."""
    cls, extra = TORCH_EQUIVALENT[name]
    kwargs = {**extra, **hyper}
    kwargs.pop("noise", None)  # sgd without noise is torch's SGD
    if "beta1" in kwargs or "beta2" in kwargs:
        kwargs["betas"] = (kwargs.pop("beta1", 0.9), kwargs.pop("beta2", 0.999))
    return cls, kwargs


def torch_trajectory(land, cls: str, kwargs: dict, starts, steps: int = STEPS,
                     scheduler: tuple[str, dict] | None = None,
                     lr_at: dict[int, float] | None = None) -> np.ndarray:
    """Points (steps+1, n, dim) of torch.optim.<cls> fed ``land.grad``; ``lr_at[t]`` sets
    the param group's lr before update t (counted from 1)."""
    p = torch.tensor(np.asarray(starts, dtype=np.float64), requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **kwargs)
    sched = None
    if scheduler is not None:
        sched = getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1])
    out = [p.detach().numpy().copy()]
    for t in range(1, steps + 1):
        if lr_at and t in lr_at:
            opt.param_groups[0]["lr"] = lr_at[t]
        p.grad = torch.from_numpy(land.grad(p.detach().numpy()))
        opt.step()
        if sched is not None:
            sched.step()
        out.append(p.detach().numpy().copy())
    return np.stack(out)


def assert_same_trajectory(traj, ref):
    assert traj.params.dtype == np.float64
    assert (traj.status == "running").all(), traj.status  # the whole run was compared
    assert np.isfinite(ref).all()
    assert not np.allclose(ref[-1], ref[0], rtol=0, atol=1e-3)  # the run went somewhere
    np.testing.assert_allclose(traj.params, ref, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("landscape", list(STARTS))
@pytest.mark.parametrize(("name", "hyper"), CONFIGS, ids=lambda x: str(x))
def test_trajectory_matches_torch(landscape, name, hyper):
    land = get_landscape(landscape)
    traj = gdviz.run(landscape, name, starts=STARTS[landscape], steps=STEPS, **hyper)
    cls, kwargs = torch_kwargs(name, hyper)
    ref = torch_trajectory(land, cls, kwargs, STARTS[landscape])
    assert_same_trajectory(traj, ref)


BATCHED = [
    ("himmelblau", "adam", {"lr": 2e-2}),
    ("himmelblau", "nesterov", {"lr": 1e-3, "weight_decay": 0.05}),
    ("rosenbrock", "momentum", {"lr": 1e-4}),
    ("rosenbrock", "adamw", {"lr": 1e-2, "weight_decay": 0.1}),
    ("beale", "rmsprop", {"lr": 1e-3, "momentum": 0.5}),
    ("beale", "adagrad", {"lr": 5e-2}),
]


@pytest.mark.parametrize(("landscape", "name", "hyper"), BATCHED, ids=lambda x: str(x))
def test_batched_starts_match_torch(landscape, name, hyper):
    """64 random starts in one (64, 2) tensor against one vectorized gdviz run."""
    land = get_landscape(landscape)
    box = np.array(land.domain)
    rng = np.random.default_rng(7)
    starts = box[:, 0] + (box[:, 1] - box[:, 0]) * rng.random((64, 2)) * 0.8 + 0.1 * (
        box[:, 1] - box[:, 0])
    traj = gdviz.run(landscape, name, starts=starts, steps=STEPS, **hyper)
    assert traj.params.shape == (STEPS + 1, 64, 2)
    ref = torch_trajectory(land, *torch_kwargs(name, hyper), starts)
    assert_same_trajectory(traj, ref)


SCHEDULED = [
    ("rosenbrock", "momentum", {}, StepDecay(1e-3, every=50, gamma=0.5),
     ("StepLR", {"step_size": 50, "gamma": 0.5})),
    ("beale", "gd", {}, Exponential(2e-2, gamma=0.99), ("ExponentialLR", {"gamma": 0.99})),
    ("himmelblau", "adam", {}, Cosine(5e-2, period=300, floor=1e-3),
     ("CosineAnnealingLR", {"T_max": 300, "eta_min": 1e-3})),
    ("beale", "adamw", {"weight_decay": 0.2}, Exponential(2e-2, gamma=0.98),
     ("ExponentialLR", {"gamma": 0.98})),
    ("himmelblau", "rmsprop", {"momentum": 0.5}, StepDecay(3e-3, every=20, gamma=0.7),
     ("StepLR", {"step_size": 20, "gamma": 0.7})),
    ("rosenbrock", "adagrad", {}, Cosine(5e-2, period=300),
     ("CosineAnnealingLR", {"T_max": 300})),
]


@pytest.mark.parametrize(("landscape", "name", "hyper", "schedule", "scheduler"), SCHEDULED,
                         ids=lambda x: str(x)[:30])
def test_scheduled_trajectory_matches_torch(landscape, name, hyper, schedule: Schedule,
                                            scheduler):
    land = get_landscape(landscape)
    opt = OPTIMIZERS[name].make(schedule=schedule, **hyper)
    traj = gdviz.run(land, opt, starts=STARTS[landscape], steps=STEPS)
    cls, kwargs = torch_kwargs(name, {"lr": schedule.base, **hyper})
    ref = torch_trajectory(land, cls, kwargs, STARTS[landscape], scheduler=scheduler)
    assert_same_trajectory(traj, ref)
    # the schedule mattered: a constant lr gives a visibly different end point
    const = torch_trajectory(land, cls, kwargs, STARTS[landscape])
    assert not np.allclose(const[-1], ref[-1], rtol=1e-6, atol=1e-9)


BRANCHED = [("rosenbrock", "adam", {"lr": 2e-2}, 5e-3), ("beale", "momentum", {"lr": 1e-3}, 3e-3),
            ("himmelblau", "rmsprop", {"lr": 3e-3}, 1e-2)]


@pytest.mark.parametrize(("landscape", "name", "hyper", "new_lr"), BRANCHED, ids=str)
def test_branched_race_matches_torch_with_lr_changed_mid_run(landscape, name, hyper, new_lr):
    """lr edited at step 50 in a race, saved as its spec and replayed = torch with the
    param group's lr changed before update 51."""
    start = STARTS[landscape][0]
    race = Race(RaceSpec(landscape, runs=(RunSpec(name, hyper),), start=start, steps=STEPS))
    race.run_to(120)
    race.seek(50)
    race.edit(0, lr=new_lr)
    race.run_to(STEPS)
    assert race.runs[0].edits == (Edit(50, {"lr": new_lr}),)
    replay = run_race(race.spec)[0]
    np.testing.assert_array_equal(race.trail(0), replay.params[:, 0, :])
    land = get_landscape(landscape)
    cls, kwargs = torch_kwargs(name, hyper)
    ref = torch_trajectory(land, cls, kwargs, [start], lr_at={51: new_lr})
    assert_same_trajectory(replay, ref)
    unchanged = torch_trajectory(land, cls, kwargs, [start])
    assert not np.allclose(unchanged[-1], ref[-1], rtol=1e-6, atol=1e-9)


def test_scheduled_run_spec_matches_torch_scheduler():
    run = RunSpec("adam", {"lr": 5e-2}, schedule=ScheduleSpec("cosine", {"period": 120}))
    traj = run_race(RaceSpec("himmelblau", runs=(run,), start=STARTS["himmelblau"][0],
                             steps=STEPS))[0]
    ref = torch_trajectory(get_landscape("himmelblau"), "Adam", {"lr": 5e-2},
                           [STARTS["himmelblau"][0]],
                           scheduler=("CosineAnnealingLR", {"T_max": 120}))
    assert_same_trajectory(traj, ref)
