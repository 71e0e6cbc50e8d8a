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
from gdviz.core.optimizers import OPTIMIZERS, make_optimizer
from gdviz.core.race import Edit, Race, RaceSpec, RunSpec, ScheduleSpec, run_race
from gdviz.core.run import Stepper, record
from gdviz.core.schedules import Cosine, Exponential, Schedule, StepDecay
from tests.core.torch_equivalents import TORCH_EQUIVALENT, TORCH_RENAMED, TORCH_TUPLES

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
    defaults = OPTIMIZERS[name].defaults
    for arg, members in TORCH_TUPLES.items():  # beta1, beta2 -> betas=(beta1, beta2) …
        if any(k in kwargs for k in members):
            kwargs[arg] = tuple(kwargs.pop(k, defaults[k]) for k in members)
    for ours, (theirs, convert) in TORCH_RENAMED.items():  # strong_wolfe -> line_search_fn
        if ours in kwargs:
            kwargs[theirs] = convert(kwargs.pop(ours))
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


def spread_starts(land, n: int = 64) -> np.ndarray:
    """``n`` seeded random starts in the middle 80 % of the landscape's view: (n, 2)."""
    box = np.array(land.domain)
    rng = np.random.default_rng(7)
    return box[:, 0] + (box[:, 1] - box[:, 0]) * (0.1 + 0.8 * rng.random((n, 2)))


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
    starts = spread_starts(land)
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


# --------------------------------------------------------------------------------------
# the rest of torch.optim (adamax, nadam, radam, adadelta, rprop, asgd): within 1e-12
# --------------------------------------------------------------------------------------

TIGHT_RTOL = 1e-12
EVERYWHERE = tuple(STARTS)

# (optimizer, hyperparameters, landscapes); {} = torch's defaults throughout, used where
# they are neither chaotic (Adadelta's lr 1 on rosenbrock and beale) nor divergent
# (ASGD's lr 0.01 on rosenbrock)
MORE_CONFIGS = [
    ("adamax", {}, EVERYWHERE),
    ("adamax", {"lr": 3e-3, "weight_decay": 0.1}, EVERYWHERE),
    ("adamax", {"lr": 3e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, EVERYWHERE),
    ("adamax", {"lr": 3e-3, "beta1": 0.3}, EVERYWHERE),  # lerp weight ≥ ½: torch's 2nd form
    ("nadam", {}, EVERYWHERE),
    ("nadam", {"lr": 3e-3, "weight_decay": 0.1}, EVERYWHERE),
    ("nadam", {"lr": 3e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6,
               "momentum_decay": 0.05}, EVERYWHERE),
    ("nadam", {"lr": 2e-3, "beta1": 0.4}, EVERYWHERE),
    ("radam", {}, EVERYWHERE),
    ("radam", {"lr": 2e-3, "weight_decay": 0.1}, EVERYWHERE),
    ("radam", {"lr": 2e-3, "beta1": 0.5, "beta2": 0.98}, EVERYWHERE),
    ("radam", {"lr": 1e-3, "beta1": 0.4, "beta2": 0.99, "eps": 1e-6}, EVERYWHERE),
    ("adadelta", {}, ("himmelblau",)),
    ("adadelta", {"lr": 0.3}, EVERYWHERE),
    ("adadelta", {"lr": 0.3, "weight_decay": 0.1}, EVERYWHERE),
    ("adadelta", {"lr": 0.2, "rho": 0.95, "eps": 1e-5}, EVERYWHERE),
    ("adadelta", {"lr": 0.05, "rho": 0.95, "eps": 1e-4}, EVERYWHERE),
    ("rprop", {}, EVERYWHERE),
    ("rprop", {"lr": 3e-3, "eta_minus": 0.3, "eta_plus": 1.5, "step_min": 1e-4,
               "step_max": 0.5}, EVERYWHERE),
    ("rprop", {"lr": 1e-3, "eta_minus": 0.6, "eta_plus": 1.1, "step_max": 0.05}, EVERYWHERE),
    ("rprop", {"lr": 1e-3, "step_min": 0.02, "step_max": 0.005}, ("himmelblau",)),  # crossed
    ("asgd", {}, ("beale", "himmelblau")),
    ("asgd", {"lr": 1e-3}, EVERYWHERE),
    ("asgd", {"lr": 1e-3, "weight_decay": 0.1}, EVERYWHERE),
    ("asgd", {"lr": 2e-3, "lambd": 1e-2, "alpha": 0.6, "t0": 100}, EVERYWHERE),  # averaging
    ("asgd", {"lr": 2e-3, "t0": 10, "weight_decay": 0.1}, EVERYWHERE),
]
MORE_NAMES = ("adamax", "nadam", "radam", "adadelta", "rprop", "asgd")

WORST: dict[str, float] = {}  # optimizer -> worst relative deviation seen in this module
LBFGS_KEYS = ("lbfgs", "lbfgs strong_wolfe")  # WORST keys of the two line-search settings
CHAOTIC: list[str] = []  # batch starts excluded from the 1e-12 check, for the report


@pytest.fixture(autouse=True, scope="module")
def report_worst(request):
    yield
    if WORST:
        plugins = request.config.pluginmanager
        reporter, capture = (plugins.get_plugin(p) for p in ("terminalreporter",
                                                             "capturemanager"))
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line("")
                reporter.write_line("worst relative deviation from torch.optim (≤ 1e-12): "
                                    + ", ".join(f"{name} {WORST[name]:.3g}"
                                                for name in (*MORE_NAMES, *LBFGS_KEYS)
                                                if name in WORST))
                if CHAOTIC:
                    reporter.write_line("lbfgs starts left out as chaotic (torch itself "
                                        "moves > 1e-12 when the start moves by one ulp): "
                                        + ", ".join(CHAOTIC))


def relative_deviation(got: np.ndarray, ref: np.ndarray) -> float:
    """max |got − ref| / |ref| over every coordinate of every step (0 where equal)."""
    diff = np.abs(got - ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.where(diff == 0, 0.0, diff / np.abs(ref)).max())


def assert_tight(name: str, traj, ref) -> None:
    """assert_same_trajectory, then every coordinate within 1e-12 of torch's, relatively."""
    assert_same_trajectory(traj, ref)
    dev = relative_deviation(traj.params, ref)
    WORST[name] = max(WORST.get(name, 0.0), dev)
    assert dev <= TIGHT_RTOL, f"{name}: relative deviation {dev:.3g} from torch"


@pytest.mark.parametrize(
    ("landscape", "name", "hyper"),
    [(land, name, hyper) for name, hyper, lands in MORE_CONFIGS for land in lands],
    ids=lambda x: str(x))
def test_more_optimizers_match_torch_tightly(landscape, name, hyper):
    land = get_landscape(landscape)
    traj = gdviz.run(landscape, name, starts=STARTS[landscape], steps=STEPS, **hyper)
    ref = torch_trajectory(land, *torch_kwargs(name, hyper), STARTS[landscape])
    assert_tight(name, traj, ref)


def test_more_configs_cover_every_new_optimizer_and_its_weight_decay():
    assert {name for name, _, _ in MORE_CONFIGS} == set(MORE_NAMES)
    for name in MORE_NAMES:
        hypers = [h for n, h, _ in MORE_CONFIGS if n == name]
        assert {} in hypers or any(set(h) == {"lr"} for h in hypers)
        assert any(set(h) - {"lr", "weight_decay"} for h in hypers)  # non-default ones
        if "weight_decay" in OPTIMIZERS[name].defaults:
            assert any(h.get("weight_decay") for h in hypers)


BATCHED_MORE = [
    ("himmelblau", "adamax", {"lr": 1e-2}),
    ("beale", "adamax", {"lr": 3e-3}),
    ("himmelblau", "nadam", {"lr": 3e-3}),
    ("himmelblau", "radam", {"lr": 1e-2, "weight_decay": 0.1}),
    ("himmelblau", "adadelta", {"lr": 0.03}),
    ("rosenbrock", "rprop", {"lr": 1e-3}),
    ("himmelblau", "rprop", {}),
    ("himmelblau", "asgd", {"lr": 1e-3, "t0": 20}),
    ("rosenbrock", "asgd", {"lr": 1e-4, "t0": 50}),
]


@pytest.mark.parametrize(("landscape", "name", "hyper"), BATCHED_MORE, ids=lambda x: str(x))
def test_more_batched_starts_match_torch(landscape, name, hyper):
    """64 random starts in one (64, 2) tensor (torch's vectorized kernels) at 1e-12."""
    land = get_landscape(landscape)
    starts = spread_starts(land)
    traj = gdviz.run(landscape, name, starts=starts, steps=STEPS, **hyper)
    assert traj.params.shape == (STEPS + 1, 64, 2)
    ref = torch_trajectory(land, *torch_kwargs(name, hyper), starts)
    assert_tight(name, traj, ref)


SCHEDULED_MORE = [
    ("rosenbrock", "adamax", {}, StepDecay(4e-3, every=50, gamma=0.5),
     ("StepLR", {"step_size": 50, "gamma": 0.5})),
    ("himmelblau", "nadam", {"weight_decay": 0.05}, Exponential(1e-2, gamma=0.99),
     ("ExponentialLR", {"gamma": 0.99})),
    ("beale", "radam", {}, Cosine(3e-3, period=300, floor=1e-4),
     ("CosineAnnealingLR", {"T_max": 300, "eta_min": 1e-4})),
    ("himmelblau", "adadelta", {}, StepDecay(0.3, every=40, gamma=0.7),
     ("StepLR", {"step_size": 40, "gamma": 0.7})),
    ("beale", "asgd", {"t0": 50}, Exponential(2e-3, gamma=0.99),
     ("ExponentialLR", {"gamma": 0.99})),
]


@pytest.mark.parametrize(("landscape", "name", "hyper", "schedule", "scheduler"),
                         SCHEDULED_MORE, ids=lambda x: str(x)[:30])
def test_more_scheduled_trajectories_match_torch(landscape, name, hyper, schedule: Schedule,
                                                 scheduler):
    land = get_landscape(landscape)
    opt = OPTIMIZERS[name].make(schedule=schedule, **hyper)
    traj = gdviz.run(land, opt, starts=STARTS[landscape], steps=STEPS)
    cls, kwargs = torch_kwargs(name, {"lr": schedule.base, **hyper})
    ref = torch_trajectory(land, cls, kwargs, STARTS[landscape], scheduler=scheduler)
    assert_tight(name, traj, ref)
    const = torch_trajectory(land, cls, kwargs, STARTS[landscape])
    assert not np.allclose(const[-1], ref[-1], rtol=1e-6, atol=1e-9)


def test_rprop_reads_lr_only_for_its_first_step_sizes_as_torch_does():
    """A schedule or an lr edit after the first update changes nothing, in torch and here;
    the base rate is the initial step size."""
    land, start = get_landscape("beale"), STARTS["beale"]
    opt = OPTIMIZERS["rprop"].make(schedule=Exponential(3e-3, gamma=0.9))
    traj = gdviz.run(land, opt, starts=start, steps=STEPS)
    cls, kwargs = torch_kwargs("rprop", {"lr": 3e-3})
    ref = torch_trajectory(land, cls, kwargs, start,
                           scheduler=("ExponentialLR", {"gamma": 0.9}))
    assert_tight("rprop", traj, ref)
    np.testing.assert_array_equal(ref, torch_trajectory(land, cls, kwargs, start))
    other = torch_trajectory(land, cls, {**kwargs, "lr": 1e-2}, start)
    assert not np.allclose(other[-1], ref[-1], rtol=1e-6, atol=1e-9)
    race = Race(RaceSpec("beale", runs=(RunSpec("rprop", {"lr": 3e-3}),), start=start[0],
                         steps=STEPS))
    race.run_to(STEPS)
    plain = race.trail(0).copy()
    race.seek(50)
    race.edit(0, lr=0.5)
    race.run_to(STEPS)
    np.testing.assert_array_equal(race.trail(0), plain)
    assert_tight("rprop", run_race(race.spec)[0],
                 torch_trajectory(land, cls, kwargs, [start[0]], lr_at={51: 0.5}))


BRANCHED_MORE = [("himmelblau", "nadam", {"lr": 3e-3}, 1e-2),
                 ("beale", "asgd", {"lr": 1e-3, "t0": 20}, 3e-3),
                 ("rosenbrock", "radam", {}, 3e-3),
                 ("himmelblau", "adadelta", {"lr": 0.3}, 0.1)]


@pytest.mark.parametrize(("landscape", "name", "hyper", "new_lr"), BRANCHED_MORE, ids=str)
def test_more_branched_races_match_torch_with_lr_changed_mid_run(landscape, name, hyper,
                                                                 new_lr):
    start = STARTS[landscape][0]
    race = Race(RaceSpec(landscape, runs=(RunSpec(name, hyper),), start=start, steps=STEPS))
    race.run_to(120)
    race.seek(50)
    race.edit(0, lr=new_lr)
    race.run_to(STEPS)
    replay = run_race(race.spec)[0]
    np.testing.assert_array_equal(race.trail(0), replay.params[:, 0, :])
    land = get_landscape(landscape)
    cls, kwargs = torch_kwargs(name, hyper)
    ref = torch_trajectory(land, cls, kwargs, [start], lr_at={51: new_lr})
    assert_tight(name, replay, ref)
    unchanged = torch_trajectory(land, cls, kwargs, [start])
    assert not np.allclose(unchanged[-1], ref[-1], rtol=1e-6, atol=1e-9)


@pytest.fixture
def torch_default_float64():
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


@pytest.mark.parametrize(("name", "hyper"), [("nadam", {"lr": 3e-3}),
                                             ("asgd", {"lr": 1e-3, "t0": 20})])
def test_torch_scalar_state_dtype(name, hyper, torch_default_float64):
    """NAdam's mu_product and ASGD's eta and mu are 0-d tensors of torch's default dtype:
    float32 normally (what the registry follows), float64 after set_default_dtype. The
    rules take that dtype as ``scalar=``; each matches torch in its own setting, and the
    two settings differ well beyond the tolerance."""
    from gdviz.core import optimizers_torch
    from gdviz.core.optimizers import Optimizer
    from gdviz.core.schedules import Constant

    spec = OPTIMIZERS[name]
    values = spec.resolve(**hyper)
    sched = Constant(float(values["lr"]))
    build = {"nadam": optimizers_torch.build_nadam, "asgd": optimizers_torch.build_asgd}[name]
    opt64 = Optimizer(name, values, *build(values, sched, scalar=np.float64), sched)
    land, start = get_landscape("himmelblau"), STARTS["himmelblau"]
    ref64 = torch_trajectory(land, *torch_kwargs(name, hyper), start)  # default float64
    assert_tight(name, gdviz.run(land, opt64, starts=start, steps=STEPS), ref64)
    torch.set_default_dtype(torch.float32)
    ref32 = torch_trajectory(land, *torch_kwargs(name, hyper), start)
    assert_tight(name, gdviz.run(land, name, starts=start, steps=STEPS, **hyper), ref32)
    assert relative_deviation(ref32, ref64) > 10 * TIGHT_RTOL


# --------------------------------------------------------------------------------------
# L-BFGS: one gdviz step = one call of torch's LBFGS(max_iter=1, max_eval=25).step(closure)
# --------------------------------------------------------------------------------------


def lbfgs_key(hyper: dict) -> str:
    return LBFGS_KEYS[bool(hyper.get("strong_wolfe", False))]


def torch_lbfgs(land, start, hyper: dict, steps: int = STEPS):
    """torch.optim.LBFGS on one start, its closure evaluating ``land`` as a training loop
    would: the points (steps+1, dim) and its final n_iter and func_evals."""
    p = torch.tensor(np.asarray(start, dtype=np.float64), requires_grad=True)
    cls, kwargs = torch_kwargs("lbfgs", hyper)
    opt = getattr(torch.optim, cls)([p], **kwargs)

    def closure():
        value, grad = land.value_and_grad(p.detach().numpy())
        p.grad = torch.from_numpy(np.array(grad, dtype=np.float64))
        return torch.tensor(float(value), dtype=torch.float64)

    out = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.step(closure)
        out.append(p.detach().numpy().copy())
    state = opt.state[p]
    return np.stack(out), state.get("n_iter", 0), state["func_evals"]


def gdviz_lbfgs(land, starts, hyper: dict, steps: int = STEPS):
    """gdviz's run of the same (a Trajectory) and its final L-BFGS state."""
    stepper = Stepper(land, make_optimizer("lbfgs", **hyper), starts)
    return record(stepper, steps), stepper.snapshot.state


# (hyperparameters): every one is run from every start of STARTS, one start at a time
LBFGS_CONFIGS = [
    {},  # torch's defaults: lr 1, fixed steps
    {"strong_wolfe": True},
    {"lr": 0.5, "history_size": 3},  # the history fills up and drops its oldest pairs
    {"lr": 0.3, "history_size": 5, "strong_wolfe": True},
    {"lr": 0.1, "strong_wolfe": True},
    {"tolerance_grad": 1e-3},  # stays put once max|g| ≤ 1e-3
    {"tolerance_change": 1e-4, "strong_wolfe": True},  # stays put once gᵀd > −1e-4
]


@pytest.mark.parametrize(("landscape", "start"),
                         [(land, start) for land in EVERYWHERE for start in STARTS[land]],
                         ids=str)
@pytest.mark.parametrize("hyper", LBFGS_CONFIGS, ids=str)
def test_lbfgs_matches_torch_from_every_start(landscape, start, hyper):
    land = get_landscape(landscape)
    traj, state = gdviz_lbfgs(land, [start], hyper)
    ref, n_iter, func_evals = torch_lbfgs(land, start, hyper)
    assert_tight(lbfgs_key(hyper), traj, ref[:, None, :])
    assert (state.n_iter[0], state.func_evals[0]) == (n_iter, func_evals)


def test_lbfgs_configs_reach_their_stops():
    """The tolerance configurations above do stop early (the test is not vacuous), and a
    stopped torch run and ours both stay exactly where they stopped."""
    land, start = get_landscape("rosenbrock"), STARTS["rosenbrock"][0]
    for hyper in ({"tolerance_grad": 1e-3}, {"tolerance_change": 1e-4, "strong_wolfe": True}):
        ref, n_iter, _ = torch_lbfgs(land, start, hyper)
        still = np.flatnonzero((ref[1:] == ref[:-1]).all(axis=1))
        assert 0 < len(still) < STEPS and still[0] < STEPS - 50
        traj, state = gdviz_lbfgs(land, [start], hyper)
        np.testing.assert_array_equal(traj.params[still[0]:, 0], ref[still[0]:])
        if "tolerance_grad" in hyper:  # no iteration is taken at the optimum
            assert n_iter == state.n_iter[0] < STEPS
        else:  # the iteration is taken, the step is not
            assert n_iter == state.n_iter[0] == STEPS


def batch_starts(land, n: int, seed: int) -> np.ndarray:
    box = np.array(land.domain)
    rng = np.random.default_rng(seed)
    return box[:, 0] + (box[:, 1] - box[:, 0]) * (0.1 + 0.8 * rng.random((n, 2)))


@pytest.mark.parametrize("landscape", EVERYWHERE)
@pytest.mark.parametrize("hyper", [{}, {"strong_wolfe": True}], ids=str)
def test_lbfgs_batch_is_one_torch_run_per_start(landscape, hyper):
    """24 random starts and those of STARTS in one (27, 2) batch: every start equals its
    own one-start torch run (torch optimizes one flat vector; each start here is its own
    L-BFGS with its own history), up to the step where a start leaves the view box 10⁶×
    (the Stepper holds it there, torch goes on).

    Where a run is chaotic, an ulp is amplified without bound: torch's sqrt (MKL's, not
    correctly rounded) differs from numpy's by an ulp in about 1 call in 120, which only
    the line search's cubic interpolation uses. A start counts as chaotic when torch's
    own run from the start moved by one ulp departs from torch's run by more than 1e-12;
    for those only the first difference from torch must be at rounding level."""
    land = get_landscape(landscape)
    starts = np.concatenate([batch_starts(land, 24, seed=11), STARTS[landscape]])
    traj, state = gdviz_lbfgs(land, starts, hyper)
    key, tight = lbfgs_key(hyper), 0
    for i, start in enumerate(starts):
        ref, n_iter, func_evals = torch_lbfgs(land, start, hyper)
        upto = int(traj.stopped_at[i]) + 1
        got, want = traj.params[:upto, i], ref[:upto]
        dev = relative_deviation(got, want)
        if dev <= TIGHT_RTOL:
            WORST[key] = max(WORST.get(key, 0.0), dev)
            tight += 1
            if traj.status[i] == "running":  # (a held start stops counting)
                assert (state.n_iter[i], state.func_evals[i]) == (n_iter, func_evals)
            continue
        nudged = torch_lbfgs(land, np.nextafter(start, np.inf), hyper)[0][:upto]
        assert relative_deviation(nudged, want) > TIGHT_RTOL, f"start {i} {start}: {dev:.3g}"
        first = int(np.flatnonzero((got != want).any(axis=1))[0])
        assert relative_deviation(got[first], want[first]) < 1e-14
        CHAOTIC.append(f"{landscape} {key} ({start[0]:.3g}, {start[1]:.3g})")
    assert tight >= 0.75 * len(starts)
    if not hyper:  # fixed steps take no square root: every start is torch's to the bit
        assert tight == len(starts)


def test_lbfgs_defaults_match_torch():
    param = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    theirs = torch.optim.LBFGS([param]).defaults
    ours = OPTIMIZERS["lbfgs"].defaults
    assert {k: ours[k] for k in ("lr", "history_size", "tolerance_grad",
                                 "tolerance_change")} == {
        k: theirs[k] for k in ("lr", "history_size", "tolerance_grad", "tolerance_change")}
    assert theirs["line_search_fn"] is None and ours["strong_wolfe"] is False
    assert torch_kwargs("lbfgs", {"strong_wolfe": True})[1] == {
        "max_iter": 1, "max_eval": 25, "line_search_fn": "strong_wolfe"}


def test_fma_matches_torch_add_with_alpha():
    """torch's x.add_(y, alpha=a) rounds once (a fused multiply-add on the CPU); ours too,
    bit for bit, where numpy's x + a·y (two roundings) often differs."""
    from gdviz.core.optimizers_second import _axpy

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(4000, 2)), rng.normal(size=(4000, 2))
    alpha = rng.normal(size=4000) * 10.0 ** rng.integers(-8, 8, 4000)
    theirs = np.stack([torch.from_numpy(x[i].copy()).add_(torch.from_numpy(y[i]),
                                                          alpha=float(alpha[i])).numpy()
                       for i in range(len(x))])
    np.testing.assert_array_equal(_axpy(x, alpha, y), theirs)
    assert (x + alpha[:, None] * y != theirs).mean() > 0.1
