"""Hypothesis strategies for scenarios: random valid races and views, and TOML values.

Every value is drawn from what the registries accept (each ``Hyper``'s range, with its
open bounds, log scale and kind), so a drawn ``Scenario`` is always valid.
"""

from __future__ import annotations

import math
import string
from dataclasses import replace
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from gdviz.core.datasets import DATASETS
from gdviz.core.expression import expression_landscape
from gdviz.core.hyper import Hyper, Value
from gdviz.core.landscapes import LANDSCAPES
from gdviz.core.landscapes_data import DataLandscape
from gdviz.core.mlp import ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_UNITS
from gdviz.core.network import HESSIAN_OPTIMIZERS, NetworkSpec
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import MAX_SEED, MAX_STEPS, Edit, RaceSpec, RunSpec, ScheduleSpec
from gdviz.core.schedules import SCHEDULES
from gdviz.scenario import OVERLAYS, SPEED_RANGE, VIEWS, Scenario, ViewSettings

finite = st.floats(allow_nan=False, allow_infinity=False)
seeds = st.integers(0, MAX_SEED)
words = st.text(max_size=30)  # any unicode: quotes, backslashes, newlines, \r, emoji…
colors = st.text(string.hexdigits, min_size=6, max_size=6).map(lambda h: "#" + h)


def hyper_values(h: Hyper) -> st.SearchStrategy[Value]:
    """Values ``h.check`` accepts: its kind, its range and bounds, its scale."""
    if h.kind == "bool":
        return st.booleans()
    if h.kind == "int":
        return st.integers(int(h.lo) + h.lo_open, int(h.hi) - h.hi_open)
    plain = st.floats(h.lo, h.hi, exclude_min=h.lo_open, exclude_max=h.hi_open)
    if not h.log:
        return plain
    top = math.log10(h.hi)
    scaled = st.floats(top - 12, top).map(lambda e: 10.0**e).filter(
        lambda v: h.lo < v < h.hi or (v == h.hi and not h.hi_open))
    return st.one_of(plain, scaled)


@st.composite
def hyper_subsets(draw: st.DrawFn, hypers: tuple[Hyper, ...],
                  min_size: int = 0) -> dict[str, Value]:
    if not hypers:
        return {}
    names = draw(st.lists(st.sampled_from([h.name for h in hypers]), unique=True,
                          min_size=min_size))
    by_name = {h.name: h for h in hypers}
    return {n: draw(hyper_values(by_name[n])) for n in names}


@st.composite
def schedules(draw: st.DrawFn) -> ScheduleSpec:
    kind = SCHEDULES[draw(st.sampled_from(list(SCHEDULES)))]
    return ScheduleSpec(kind.name, draw(hyper_subsets(kind.options)))


def points(dim: int) -> st.SearchStrategy[tuple[float, ...]]:
    return st.tuples(*[finite] * dim)


@st.composite
def runs(draw: st.DrawFn, dim: int) -> RunSpec:
    spec = OPTIMIZERS[draw(st.sampled_from(list(OPTIMIZERS)))]
    steps = draw(st.lists(st.integers(1, MAX_STEPS), unique=True, max_size=3))
    edits = tuple(Edit(step, draw(hyper_subsets(spec.hyper, min_size=1))) for step in steps)
    try:
        return RunSpec(
            spec.name, draw(hyper_subsets(spec.hyper)),
            schedule=draw(st.none() | schedules()), label=draw(words),
            color=draw(st.just("") | colors), start=draw(st.none() | points(dim)),
            seed=draw(st.none() | seeds), edits=edits)
    except ValueError:  # nesterov without momentum, at step 0 or after an edit
        reject()


@st.composite
def races(draw: st.DrawFn) -> RaceSpec:
    land = LANDSCAPES[draw(st.sampled_from(list(LANDSCAPES)))]
    params = draw(hyper_subsets(land.model.specs) if isinstance(land, DataLandscape)
                  else st.dictionaries(st.sampled_from(list(land.params)), finite)
                  if land.params else st.just({}))
    return RaceSpec(land.name, tuple(draw(st.lists(runs(land.dim), max_size=3))), params,
                    start=draw(st.none() | points(land.dim)), steps=draw(st.integers(0, MAX_STEPS)),
                    seed=draw(seeds), tol=draw(st.floats(0, allow_infinity=False)))


FORMULAS = ("x^4 - 2*x^2", "x^2 + 10*sin(y)", "x^2 + 2*y^2 + 3*z^2 + x*z")  # 1-, 2-, 3-D


@st.composite
def expr_races(draw: st.DrawFn) -> RaceSpec:
    """A race on a typed formula (a few fixed ones: sympy takes a moment per new text)."""
    text = draw(st.sampled_from(FORMULAS))
    dim = expression_landscape(text).dim
    return RaceSpec("expr", tuple(draw(st.lists(runs(dim), max_size=3))),
                    start=draw(st.none() | points(dim)), steps=draw(st.integers(0, MAX_STEPS)),
                    seed=draw(seeds), tol=draw(st.floats(0, allow_infinity=False)), expr=text)


@st.composite
def networks(draw: st.DrawFn) -> NetworkSpec:
    """A network that fits its data (small datasets: they are generated on every load)."""
    data = DATASETS[draw(st.sampled_from(list(DATASETS)))]
    options = draw(hyper_subsets(tuple(h for h in data.options if h.name != "n_samples")))
    options["n_samples"] = draw(st.integers(10, 120))
    made = data.make(0, **options)
    classify = data.task == "classification"
    hidden = draw(st.lists(st.integers(1, MAX_UNITS), min_size=1, max_size=MAX_HIDDEN_LAYERS))
    sizes = (made.X.shape[1], *hidden, made.n_classes if classify else 1)
    try:
        return NetworkSpec(data.name, sizes, draw(st.sampled_from(list(ACTIVATIONS))),
                           "cross_entropy" if classify else "mse", options, draw(seeds),
                           draw(st.floats(0.05, 0.5)))
    except ValueError:  # a split that leaves an empty part
        reject()


@st.composite
def network_races(draw: st.DrawFn) -> RaceSpec:
    """A race on a network: runs without starts, and none that needs a Hessian."""
    racing = draw(st.lists(runs(1).filter(lambda r: r.optimizer not in HESSIAN_OPTIMIZERS),
                           max_size=3))
    return RaceSpec("network", tuple(replace(r, start=None) for r in racing),
                    steps=draw(st.integers(0, MAX_STEPS)), seed=draw(seeds),
                    tol=draw(st.floats(0, allow_infinity=False)), network=draw(networks()))


intervals = st.tuples(finite, finite).filter(lambda t: t[0] != t[1]).map(
    lambda t: (min(t), max(t)))


@st.composite
def views(draw: st.DrawFn, dim: int, box: bool = True) -> ViewSettings:
    """View settings; ``box=False`` (a network) leaves x, y, z and log_contours unset;
    y from 2-D on, z in 3-D."""
    return ViewSettings(
        show=tuple(draw(st.lists(st.sampled_from(VIEWS), unique=True))),
        x=draw(st.none() | intervals) if box else None,
        y=draw(st.none() | intervals) if box and dim >= 2 else None,
        z=draw(st.none() | intervals) if box and dim == 3 else None,
        log_contours=draw(st.none() | st.booleans()) if box else None,
        log_loss=draw(st.none() | st.booleans()),
        overlays=draw(st.dictionaries(st.sampled_from(OVERLAYS), st.booleans())),
        steps_per_second=draw(st.floats(*SPEED_RANGE)))


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    race = draw(races() | network_races() | expr_races())
    if race.network is not None:
        return Scenario(race, draw(views(1, box=False)), draw(words), draw(words))
    return Scenario(race, draw(views(race.build_landscape().dim)), draw(words), draw(words))


# ---- any TOML value, for documents that are valid TOML but not valid scenarios ----------
toml_scalars = st.one_of(
    st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), st.text(max_size=10),
    st.dates(), st.datetimes(), st.times())
toml_values: st.SearchStrategy[Any] = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8)
