"""The race flags shared by ``gdviz run`` and ``gdviz gui``, parsed into a ``RaceSpec``.

``--opt SPEC`` adds a racing optimizer (``specs``: ``NAME[:k=v[,k=v]…]``, e.g.
``adam:lr=0.05,beta1=0.8``). ``--param K=V`` sets a landscape parameter,
``--expr FORMULA`` races on a formula of one's own instead of a named landscape
(``--expr "x^2 + 3*y^2"``), ``--data FILE.csv`` races on a data landscape computed
from the file's samples (the landscape picked from its header unless ``--landscape``
names it), ``--start X[,Y[,Z]]`` the start point (one number per parameter of the
landscape),
``--scenario PATH|PRESET`` takes the whole race from a scenario file (``--steps``,
``--seed``, ``--tol`` and ``--start`` may still override it).
The parsers raise ValueError with a one-line reason; ``build_race`` prefixes it with the
flag it came from.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from gdviz.cli.specs import (
    format_opt_spec,
    parse_number,
    parse_opt_spec,
    parse_params,
    parse_start,
)
from gdviz.core.data_file import data_landscapes, file_landscape
from gdviz.core.expression import NAME as EXPR
from gdviz.core.expression import expression_landscape
from gdviz.core.landscapes import get_landscape
from gdviz.core.landscapes_data import data_headers_text
from gdviz.core.race import (
    DEFAULT_STEPS,
    MAX_SEED,
    MAX_STEPS,
    RaceSpec,
    RunSpec,
)
from gdviz.core.run import DIVERGED, run
from gdviz.scenario import Scenario, load_scenario

__all__ = ["DEFAULT_PRESET", "add_run_arguments", "build_race", "format_opt_spec",
           "given_race", "join_negative_start", "parse_number", "parse_opt_spec",
           "parse_params", "parse_start", "refuse_network", "scenario_of"]

T = TypeVar("T")
DEFAULT_PRESET = "default"  # the scenario `gdviz gui` (and `make run`) opens
_NEGATIVE_VALUE = re.compile(r"-\.?\d")  # "-1.2,1", "-.5": a value, not an option



def join_negative_start(argv: Sequence[str]) -> list[str]:
    """Rewrite ``--start -1.2,1`` as ``--start=-1.2,1`` and ``--expr -x^2`` as
    ``--expr=-x^2``.

    argparse reads a value starting with ``-`` that is not a plain number as an option;
    call this on the argument list before ``parse_args``. A formula is joined unless it
    starts with ``--`` (then the flag's value is missing, which argparse reports).
    """
    out: list[str] = []
    items = iter(argv)
    for item in items:
        if item in ("--start", "--expr"):
            value = next(items, None)
            if value is not None and (_NEGATIVE_VALUE.match(value) if item == "--start"
                                      else not value.startswith("--")):
                out.append(f"{item}={value}")
                continue
            out.extend([item] if value is None else [item, value])
        else:
            out.append(item)
    return out


def _whole(limit: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = -1
        if not 0 <= value <= limit:
            raise argparse.ArgumentTypeError(
                f"expected a whole number in [0, {limit}], got {text!r}")
        return value

    return parse


def _tolerance(text: str) -> float:
    try:
        value = parse_number(text, "the tolerance")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"the tolerance must be ≥ 0, got {text!r}")
    return value


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --scenario/--landscape/--expr/--data/--param/--start/--steps/--tol/--seed/--opt to
    ``parser``; ``build_race`` checks which combinations were given."""
    parser.add_argument("--scenario", metavar="PATH|PRESET",
                        help="take the race from a scenario file or a preset (see `gdviz "
                             "list`); --steps, --seed, --tol and --start override it")
    parser.add_argument("--landscape", metavar="NAME",
                        help="the loss landscape (see `gdviz list`)")
    parser.add_argument("--expr", metavar="FORMULA",
                        help="race on a formula of your own instead of --landscape: f(x), "
                             "f(x, y) or f(x, y, z) with + - * / ^, parentheses, pi, e, sin, "
                             "cos, tan, exp, log, sqrt, abs, tanh, sinh, cosh, min, max "
                             "(e.g. --expr \"x^2 + 10*sin(y)\")")
    parser.add_argument("--data", metavar="FILE.csv",
                        help="race on a data landscape computed from the samples of a CSV "
                             "file, picked from its header unless --landscape names it: "
                             f"{data_headers_text()}")
    parser.add_argument("--param", action="append", default=[], metavar="K=V",
                        help="set a landscape parameter, repeatable (e.g. --param b=25)")
    parser.add_argument("--start", metavar="X[,Y[,Z]]",
                        help="start point, one number per parameter of the landscape, e.g. "
                             "--start=-1.2,1 (default: the landscape's own)")
    parser.add_argument("--steps", type=_whole(MAX_STEPS), metavar="N",
                        help=f"number of steps (default: {DEFAULT_STEPS})")
    parser.add_argument("--tol", type=_tolerance, metavar="T",
                        help="converged once the gradient norm is ≤ T (default: 0, off)")
    parser.add_argument("--seed", type=_whole(MAX_SEED), metavar="S",
                        help="seed of the gradient noise (sgd), shared by every run "
                             "(default: 0)")
    parser.add_argument("--opt", action="append", default=[], metavar="SPEC",
                        help="optimizer NAME[:k=v[,k=v]…], repeatable: several race from "
                             "the same start (e.g. --opt adam:lr=0.05,beta1=0.8 or "
                             "--opt adam:lr=0.1,schedule=cosine,period=200)")


def _flagged(flag: str, text: str, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``parse(*args, **kwargs)``, its ValueError prefixed with the flag and its text."""
    try:
        return parse(*args, **kwargs)
    except ValueError as exc:
        raise ValueError(f"{flag} {text}: {exc}") from None


def given_race(args: argparse.Namespace) -> bool:
    """True when the flags describe a race (a scenario, a landscape, a formula or
    optimizers)."""
    return bool(args.scenario or args.landscape or args.opt or args.param
                or args.expr is not None or args.data is not None)


def build_race(args: argparse.Namespace, default: RaceSpec | None = None) -> RaceSpec:
    """The RaceSpec of ``args`` (from ``add_run_arguments``); ValueError saying why not.

    From ``--scenario``, or from ``--landscape`` (or ``--expr``) and ``--opt`` (``default``
    fills in what is missing, e.g. the window's default race); ``--steps``/``--seed``/
    ``--tol``/``--start`` override either."""
    if args.scenario:
        if args.landscape or args.opt or args.param or args.expr is not None \
                or args.data is not None:
            raise ValueError("give either --scenario or --landscape/--expr/--data/--param/"
                             "--opt, not both")
        spec = load_scenario(args.scenario).race
    else:
        spec = _race_from_flags(args, default)
    overrides: dict[str, Any] = {k: getattr(args, k) for k in ("steps", "seed", "tol")
                                 if getattr(args, k) is not None}
    if args.start is not None:
        if spec.network is not None:
            raise ValueError("--start does not apply to a network race: every run starts "
                             "from the initial weights drawn from --seed")
        land = spec.build_landscape()
        start = _flagged("--start", args.start, parse_start, args.start, land.dim)
        if run(land, "gd", starts=[start], steps=0).status[0] == DIVERGED:
            raise ValueError(f"--start {args.start}: {land.name} is not finite there "
                             "or the point is far outside its view")
        overrides["start"] = start  # runs with their own start keep it
    return replace(spec, **overrides) if overrides else spec


def scenario_of(args: argparse.Namespace, default: str | None) -> tuple[Scenario, str | None]:
    """The scenario the flags ask for, and its source (a path, a preset or None): from
    ``--scenario``, from the race flags (the ``default`` preset fills in what they leave
    out), or the ``default`` preset itself when no race flag is given."""
    base = load_scenario(default) if default is not None else None
    if args.scenario:
        scenario, source = load_scenario(args.scenario), args.scenario
    elif given_race(args) or base is None:
        scenario, source = Scenario(base.race if base else RaceSpec("rosenbrock")), None
    else:
        scenario, source = base, default
    spec = build_race(args, default=scenario.race if base is not None else None)
    if base is not None and (args.landscape and args.landscape != base.race.landscape
                             or args.expr is not None and args.expr != base.race.expr
                             or args.data is not None):
        scenario = Scenario(spec)  # another landscape: none of the preset's view fits
    return replace(scenario, race=spec), source


def refuse_network(scenario: Scenario, source: str | None, what: str) -> None:
    """ValueError for a network race where only landscape races can be shown yet."""
    if scenario.race.network is not None:
        name = source or "SCENARIO"
        raise ValueError(f"{name}: network races {what} the window's network mode, which is "
                         f"not built yet; use gdviz run --scenario {name}")


def _race_from_flags(args: argparse.Namespace, default: RaceSpec | None) -> RaceSpec:
    if args.data is not None:
        return _race_from_data(args, default)
    if args.expr is not None:
        return _race_from_expr(args, default)
    if default is None and (args.landscape is None or not args.opt):
        raise ValueError("give --scenario PATH|PRESET, or --landscape (or --expr) and at "
                         "least one --opt")
    name = args.landscape or (default.landscape if default else "")
    land = get_landscape(name)
    params_text = " ".join(args.param)
    params = _flagged("--param", params_text, parse_params, args.param)
    if params:
        _flagged("--param", params_text, land.with_params, **params)
    same_landscape = default is not None and name == default.landscape
    start = default.start if same_landscape and default is not None else None
    return RaceSpec(land.name, runs=_runs(args, default), params=params, start=start)


def _race_from_expr(args: argparse.Namespace, default: RaceSpec | None) -> RaceSpec:
    """The race on ``--expr``: the formula's own message names the flag and the column."""
    if args.landscape is not None:
        raise ValueError("give either --landscape or --expr, not both")
    if args.param:
        raise ValueError("--param does not apply to --expr: write the numbers into the "
                         "formula")
    if default is None and not args.opt:
        raise ValueError("give at least one --opt to race on --expr")
    _flagged("--expr", args.expr, expression_landscape, args.expr)
    same_formula = default is not None and default.expr == args.expr
    start = default.start if same_formula and default is not None else None
    return RaceSpec(EXPR, runs=_runs(args, default), start=start, expr=args.expr)


def _race_from_data(args: argparse.Namespace, default: RaceSpec | None) -> RaceSpec:
    """The race on ``--data``: the file's own messages name it (and the line)."""
    if args.expr is not None:
        raise ValueError("give either --expr or --data, not both")
    if args.param:
        raise ValueError("--param does not apply to --data: the file gives the samples")
    if default is None and not args.opt:
        raise ValueError("give at least one --opt to race on --data")
    if args.landscape is not None and args.landscape not in data_landscapes():
        get_landscape(args.landscape)  # an unknown name: the message lists the valid ones
        raise ValueError(f"--landscape {args.landscape}: --data applies to "
                         f"{', '.join(data_landscapes())}")
    path = os.path.abspath(args.data)
    land = file_landscape(path, args.landscape)
    return RaceSpec(land.name, runs=_runs(args, default), data=path)


def _runs(args: argparse.Namespace, default: RaceSpec | None) -> tuple[RunSpec, ...]:
    """The runs of the ``--opt`` flags, else those of ``default``."""
    if args.opt:
        return tuple(_flagged("--opt", text, parse_opt_spec, text) for text in args.opt)
    assert default is not None
    return default.runs
