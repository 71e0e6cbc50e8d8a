"""Reading a parsed scenario document: typed values, key paths, the race and the view.

``tomllib`` turns a scenario file into plain Python values; the readers here check each
value's TOML type, then hand it to the registries and the ``RaceSpec``/``RunSpec``
constructors, which decide what is in range. A piece is validated on its own before the
whole is built, so a refusal names the most precise key path. Every problem is raised
as ``Problem(path, reason)`` (``path`` like ``optimizer[2].edits[0].step``); the caller
adds the file's name. The rules of the view settings live here too (``check_*``), used by
``gdviz.scenario.ViewSettings`` and by ``read_view`` alike. Nothing here touches a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gdviz.core.data_file import data_landscapes, file_landscape
from gdviz.core.datasets import DATASETS, DatasetError, load_csv
from gdviz.core.expression import NAME as EXPR
from gdviz.core.hyper import BATCH_SIZE, Value
from gdviz.core.landscapes import LANDSCAPES
from gdviz.core.mlp import ACTIVATIONS, LOSSES
from gdviz.core.network import CSV, HESSIAN_OPTIMIZERS, NAME, NetworkSpec
from gdviz.core.optimizers import OPTIMIZERS, OptimizerSpec
from gdviz.core.race import Edit, RaceSpec, RunSpec, ScheduleSpec
from gdviz.core.schedules import SCHEDULES
from gdviz.scenario_values import (
    Problem,
    Table,
    array,
    at,
    boolean,
    hyper_value,
    hyper_values,
    join,
    keys,
    number,
    pick,
    point,
    seed,
    show,
    string,
    suggest,
    table,
    tables,
    whole,
)

# the folder of the scenario file being read: a relative csv path is relative to it
SCENARIO_FOLDER: ContextVar[Path | None] = ContextVar("scenario_folder", default=None)
VIEWS = ("contour", "surface", "curve", "loss", "network", "space", "plane")
OVERLAYS = ("trails", "gradient", "velocity", "quiver", "markers")
OVERLAY_DEFAULTS: Mapping[str, bool] = MappingProxyType(
    {"trails": True, "gradient": True, "velocity": True, "quiver": False, "markers": True})
SPEED_RANGE = (1.0, 1000.0)  # steps per second
RACE_KEYS = {"landscape": ("name", "expr", "params", "data", "view"),
             "network": ("dataset", "csv", "dataset_options", "data_seed", "test_fraction",
                         "sizes", "activation", "loss", "batch_size"),
             "run": ("start", "steps", "seed", "tol", "steps_per_second")}
RUN_KEYS = ("name", "label", "color", "start", "seed", "schedule", "edits")
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


# ---- the race ------------------------------------------------------------------------
def read_race(doc: Table) -> RaceSpec:
    """``[landscape]`` (or ``[network]``), ``[run]`` and every ``[[optimizer]]`` as a
    RaceSpec (the view keys of ``[landscape]`` and ``[run]`` are only allowed here, not
    read)."""
    if "network" in doc:
        if "landscape" in doc:
            raise Problem("network", "a scenario races on a [landscape] or on a [network], "
                                     "not both")
        return _read_network_race(doc)
    if "landscape" not in doc:
        raise Problem("landscape", "missing (required): a [landscape] table with a name "
                                   "(or an expr)")
    land_tab = table(doc["landscape"], "landscape")
    keys(land_tab, "landscape", RACE_KEYS["landscape"])
    read = (_read_data if "data" in land_tab else _read_expr if "expr" in land_tab
            else _read_named)
    race = _read_run_table(doc, read(land_tab))
    dim = race.build_landscape().dim
    run_tab = table(doc.get("run", {}), "run")
    if "start" in run_tab:
        race = replace(race, start=point(run_tab["start"], "run.start", dim))
    runs = tables(doc.get("optimizer", []), "optimizer")
    return replace(race, runs=tuple(read_run(t, join("optimizer", i), dim)
                                    for i, t in enumerate(runs)))


def _read_named(tab: Table) -> RaceSpec:
    """A registered landscape: ``name`` and its ``params`` table."""
    if "name" not in tab:
        raise Problem("landscape.name", "missing (required): a landscape's name, or "
                                        'expr = "…" for a formula of your own')
    name = string(tab["name"], "landscape.name")
    land = pick(name, LANDSCAPES, "landscape", "landscape.name")
    params: dict[str, float] = {}
    if "params" in tab:
        params_tab = table(tab["params"], "landscape.params")
        if params_tab and not land.params:
            raise Problem(join("landscape.params", next(iter(params_tab))),
                          f"unknown key; {name!r} has no parameters")
        keys(params_tab, "landscape.params", land.params)
        for key, value in params_tab.items():
            params[key] = number(value, join("landscape.params", key))
            with at(join("landscape.params", key)):
                land.with_params(**{key: params[key]})
    return RaceSpec(name, params=params)


def _read_expr(tab: Table) -> RaceSpec:
    """A formula of one's own: ``expr = "x^2 + 10*sin(y)"``, without name or params."""
    if "name" in tab:
        raise Problem("landscape.name", "give either name or expr, not both")
    if "params" in tab:
        raise Problem("landscape.params", "a typed formula (expr) has no parameters: write "
                                          "the numbers into it")
    text = string(tab["expr"], "landscape.expr")
    with at("landscape.expr"):
        return RaceSpec(EXPR, expr=text)


def _read_data(tab: Table) -> RaceSpec:
    """Samples of one's own: ``data = "points.csv"`` (relative to the scenario's folder)
    and the ``name`` of a data landscape, by default the one the file's header fits."""
    if "expr" in tab:
        raise Problem("landscape.data", "give either expr or data, not both")
    if "params" in tab:
        raise Problem("landscape.params", "a landscape on samples from a file has no "
                                          "parameters: the file gives the data")
    path = str(_in_folder(string(tab["data"], "landscape.data")))
    name = string(tab["name"], "landscape.name") if "name" in tab else None
    if name is not None and name not in data_landscapes():
        pick(name, LANDSCAPES, "landscape", "landscape.name")
        raise Problem("landscape.name", f"{name!r} is not computed from data: a file of "
                                        f"samples applies to {', '.join(data_landscapes())}")
    with at("landscape.data"):
        return RaceSpec(file_landscape(path, name).name, data=path)


def _in_folder(name: str) -> Path:
    """A file named in a scenario: relative to the scenario's folder (when known)."""
    path = Path(name).expanduser()
    folder = SCENARIO_FOLDER.get()
    return path if path.is_absolute() or folder is None else folder / path


def _read_run_table(doc: Table, race: RaceSpec) -> RaceSpec:
    """``race`` with the steps, tol and seed of ``[run]`` (its start is read by the caller)."""
    run_tab = table(doc.get("run", {}), "run")
    keys(run_tab, "run", RACE_KEYS["run"])
    if "steps" in run_tab:
        with at("run.steps"):
            race = replace(race, steps=whole(run_tab["steps"], "run.steps"))
    if "tol" in run_tab:
        with at("run.tol"):
            race = replace(race, tol=number(run_tab["tol"], "run.tol"))
    if "seed" in run_tab:
        race = replace(race, seed=seed(run_tab["seed"], "run.seed"))
    return race


_NO_START = "a network race starts every run from the same initial weights: no start point"


def _read_network_race(doc: Table) -> RaceSpec:
    """A race on ``[network]``: the optimizers' tables take no start, and an sgd table
    without its own ``batch_size`` takes the one of ``[network]`` (when given)."""
    network, batch_size = read_network(doc["network"], "network")
    race = _read_run_table(doc, RaceSpec(NAME, network=network))
    if "start" in table(doc.get("run", {}), "run"):
        raise Problem("run.start", _NO_START)
    defaults = {} if batch_size is None else {"batch_size": batch_size}
    runs = []
    for i, tab in enumerate(tables(doc.get("optimizer", []), "optimizer")):
        path = join("optimizer", i)
        if "start" in tab:
            raise Problem(join(path, "start"), _NO_START)
        run = read_run(tab, path, 0, defaults)
        if run.optimizer in HESSIAN_OPTIMIZERS:
            raise Problem(join(path, "name"), f"{run.optimizer} needs the Hessian, which a "
                                              "network race does not have")
        runs.append(run)
    return replace(race, runs=tuple(runs))


def read_network(value: object, path: str) -> tuple[NetworkSpec, int | None]:
    """``[network]``: ``dataset`` and its ``dataset_options`` table (the dataset's own
    options, e.g. ``{ n_samples = 300, noise = 0.1 }``), ``data_seed``, ``test_fraction``,
    ``sizes`` (input size first, output size last), ``activation`` (default tanh) and
    ``loss`` (default: cross_entropy on classification data, mse on regression data). The
    optional ``batch_size`` is not part of the network: it is the default batch size of
    the race's sgd runs that do not set their own, and is returned beside the spec."""
    tab = table(value, path)
    keys(tab, path, RACE_KEYS["network"], required=("sizes",))
    csv, task = _read_csv(tab, path)
    name_path = join(path, "dataset")
    if csv is None and "dataset" not in tab:
        raise Problem(name_path, "missing (required): a dataset name, or a csv file")
    data = None if csv is not None else pick(string(tab["dataset"], name_path), DATASETS,
                                              "dataset", name_path)
    options: dict[str, Value] = {}
    if "dataset_options" in tab and data is not None:
        opt_path = join(path, "dataset_options")
        opt_tab = table(tab["dataset_options"], opt_path)
        keys(opt_tab, opt_path, (h.name for h in data.options))
        options = hyper_values(data.options, opt_tab, opt_path)
    sizes_path = join(path, "sizes")
    sizes = tuple(whole(v, join(sizes_path, i))
                  for i, v in enumerate(array(tab["sizes"], sizes_path)))
    task = data.task if data is not None else task
    default_loss = "cross_entropy" if task == "classification" else "mse"
    chosen = {}
    for key, registry, default in (("activation", ACTIVATIONS, "tanh"),
                                   ("loss", LOSSES, default_loss)):
        word = string(tab.get(key, default), join(path, key))
        pick(word, registry, key, join(path, key))
        chosen[key] = word
    data_seed = seed(tab["data_seed"], join(path, "data_seed")) if "data_seed" in tab else 0
    fraction = 0.2
    if "test_fraction" in tab:
        fraction = number(tab["test_fraction"], join(path, "test_fraction"))
        if not 0.0 < fraction < 1.0:
            raise Problem(join(path, "test_fraction"), f"must be in (0, 1), got {fraction:g}")
    batch_size = None
    if "batch_size" in tab:
        batch_size = int(hyper_value(BATCH_SIZE, tab["batch_size"], join(path, "batch_size")))
    with at(path):
        network = NetworkSpec(CSV if data is None else data.name, sizes, chosen["activation"],
                              chosen["loss"], options, data_seed, fraction, csv)
    return network, batch_size


def _read_csv(tab: Table, path: str) -> tuple[str | None, str]:
    """``csv``: a file of samples (relative to the scenario's folder), read and checked
    here, with its task; (None, "") without one."""
    if "csv" not in tab:
        return None, ""
    csv_path = join(path, "csv")
    if "dataset" in tab or "dataset_options" in tab:
        raise Problem(csv_path, "give a dataset name or a csv file, not both")
    full = _in_folder(string(tab["csv"], csv_path))
    try:
        return str(full), load_csv(full).task
    except DatasetError as e:
        raise Problem(csv_path, str(e)) from None


def read_run(tab: Table, path: str, dim: int,
             defaults: Mapping[str, Value] | None = None) -> RunSpec:
    """One ``[[optimizer]]`` table: hyperparameters are keys of the table itself;
    ``defaults`` fill in hyperparameters of the optimizer that the table leaves out."""
    name_path = join(path, "name")
    if "name" not in tab:
        raise Problem(name_path, "missing (required)")
    spec = pick(string(tab["name"], name_path), OPTIMIZERS, "optimizer", name_path)
    keys(tab, path, (*RUN_KEYS, *(h.name for h in spec.hyper)))
    given = defaults or {}
    hyper = {**{h.name: given[h.name] for h in spec.hyper if h.name in given},
             **hyper_values(spec.hyper, tab, path)}
    label = string(tab.get("label", ""), join(path, "label"))
    color = string(tab.get("color", ""), join(path, "color"))
    if color and not _COLOR.fullmatch(color):
        raise Problem(join(path, "color"), f'expected a colour "#rrggbb", got {show(color)}')
    start = point(tab["start"], join(path, "start"), dim) if "start" in tab else None
    own_seed = seed(tab["seed"], join(path, "seed")) if "seed" in tab else None
    schedule = read_schedule(tab["schedule"], join(path, "schedule")) if "schedule" in tab else None
    with at(path):
        run = RunSpec(spec.name, hyper, schedule, label, color, start, own_seed)
    for j, edit_tab in enumerate(tables(tab.get("edits", []), join(path, "edits"))):
        edit_path = join(join(path, "edits"), j)
        edit = read_edit(edit_tab, edit_path, spec)
        with at(edit_path):
            run = replace(run, edits=(*run.edits, edit))
    return run


def read_schedule(value: object, path: str) -> ScheduleSpec:
    """``{kind = "cosine", period = 200}``: the kind's options are keys of the table."""
    tab = table(value, path)
    if "kind" not in tab:
        raise Problem(join(path, "kind"), f"missing (required); {suggest('', SCHEDULES)}")
    name = string(tab["kind"], join(path, "kind"))
    kind = pick(name, SCHEDULES, "schedule", join(path, "kind"))
    keys(tab, path, ("kind", *(h.name for h in kind.options)))
    with at(path):
        return ScheduleSpec(name, hyper_values(kind.options, tab, path))


def read_edit(tab: Table, path: str, spec: OptimizerSpec) -> Edit:
    """``{step = 50, lr = 0.01}``: hyperparameters changed before the update leaving step."""
    keys(tab, path, ("step", *(h.name for h in spec.hyper)), required=("step",))
    step = whole(tab["step"], join(path, "step"))
    hyper = hyper_values(spec.hyper, tab, path)
    if not hyper:
        raise Problem(path, "an edit changes at least one hyperparameter, e.g. lr = 0.01")
    with at(join(path, "step")):
        return Edit(step, hyper)


# ---- the view ------------------------------------------------------------------------
def check_show(views: Iterable[str]) -> tuple[str, ...]:
    shown = tuple(views)
    for view in shown:
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; {suggest(str(view), VIEWS)}")
    if len(set(shown)) != len(shown):
        raise ValueError(f"a view is listed twice: {', '.join(shown)}")
    return shown


def check_interval(name: str, box: Iterable[float] | None) -> tuple[float, float] | None:
    """A view range ``(low, high)``: two finite numbers, low < high."""
    if box is None:
        return None
    v = tuple(float(x) for x in box)
    if len(v) != 2 or not (math.isfinite(v[0]) and v[0] < v[1] and math.isfinite(v[1])):
        got = ", ".join(f"{x:g}" for x in v)
        raise ValueError(f"{name} must be [low, high] with finite low < high, got [{got}]")
    return v[0], v[1]


def check_axes(race: RaceSpec, y: object, z: object = None) -> None:
    """A view range only for an axis the race's landscape has: y from 2-D on, z in 3-D."""
    dim = race.build_landscape().dim
    landscape = race.landscape if race.expr is None else race.expr
    if y is not None and dim == 1:
        raise ValueError(f"{landscape!r} is a 1-D landscape: it has no y axis")
    if z is not None and dim < 3:
        raise ValueError(f"{landscape!r} is a {dim}-D landscape: it has no z axis")


def check_overlays(overlays: Mapping[str, bool]) -> Mapping[str, bool]:
    """Every overlay, the missing ones at their defaults."""
    for key, on in overlays.items():
        if key not in OVERLAYS:
            raise ValueError(f"unknown overlay {key!r}; {suggest(str(key), OVERLAYS)}")
        if not isinstance(on, bool):
            raise ValueError(f"overlay {key!r} must be true or false, got {on!r}")
    return MappingProxyType({**OVERLAY_DEFAULTS, **overlays})


def check_speed(steps_per_second: float) -> float:
    speed, (lo, hi) = float(steps_per_second), SPEED_RANGE
    if not lo <= speed <= hi:
        raise ValueError(f"steps_per_second must be in [{lo:g}, {hi:g}], got {speed:g}")
    return speed


def read_view(doc: Table, race: RaceSpec) -> dict[str, Any]:
    """The ViewSettings arguments from ``[landscape].view``, ``[run].steps_per_second``
    and ``[view]`` (``read_race`` has checked that those two tables are tables)."""
    box = table(doc.get("landscape", {}), "landscape").get("view", {})
    box = table(box, "landscape.view")
    keys(box, "landscape.view", ("x", "y", "z", "log_contours"))
    view: dict[str, Any] = {}
    if race.network is None:
        with at("landscape.view.y"):
            check_axes(race, box.get("y"))
        with at("landscape.view.z"):
            check_axes(race, None, box.get("z"))
    for axis in ("x", "y", "z"):
        if axis in box:
            path = join("landscape.view", axis)
            numbers = [number(v, join(path, i)) for i, v in enumerate(array(box[axis], path))]
            with at(path):
                view[axis] = check_interval(axis, numbers)
    if "log_contours" in box:
        view["log_contours"] = boolean(box["log_contours"], "landscape.view.log_contours")
    speed = table(doc.get("run", {}), "run").get("steps_per_second")
    if speed is not None:
        with at("run.steps_per_second"):
            view["steps_per_second"] = check_speed(number(speed, "run.steps_per_second"))
    tab = table(doc.get("view", {}), "view")
    keys(tab, "view", ("show", *OVERLAYS, "log_loss"))
    if "show" in tab:
        shown = array(tab["show"], "view.show")
        for i, name in enumerate(shown):
            with at(join("view.show", i)):
                check_show([string(name, join("view.show", i))])
        with at("view.show"):
            view["show"] = check_show(str(v) for v in shown)
    view["overlays"] = {k: boolean(tab[k], join("view", k)) for k in OVERLAYS if k in tab}
    if "log_loss" in tab:
        view["log_loss"] = boolean(tab["log_loss"], "view.log_loss")
    return view
