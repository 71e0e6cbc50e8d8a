"""The ``gdviz`` command line (DESIGN.md, "CLI"): ``gdviz list``, ``run`` and ``gui``.

Each subcommand is one ``_add_<name>(subparsers)`` function that registers its parser
and sets ``handler``; ``COMMANDS`` lists them. A user error is a ValueError anywhere
below ``main``: it becomes one ``gdviz: error: …`` line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import numpy as np

from gdviz import startup
from gdviz.cli.args import (
    DEFAULT_PRESET,
    add_run_arguments,
    build_race,
    format_opt_spec,
    join_negative_start,
    scenario_of,
)
from gdviz.cli.display import NoDisplayError, missing_display
from gdviz.cli.export import add_export
from gdviz.cli.map import add_map
from gdviz.cli.output import CSV_COLUMNS, csv_text, json_text, write_atomically
from gdviz.core.datasets import DATASETS
from gdviz.core.landscapes import LANDSCAPES, Landscape
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import RunSpec, run_race
from gdviz.core.run import CONVERGED, DIVERGED, RUNNING
from gdviz.core.schedules import SCHEDULES
from gdviz.scenario import list_presets

Subparsers = Any  # argparse's private _SubParsersAction

RUN_EPILOG = f"""\
Output: CSV on stdout, or --out FILE.csv / FILE.json (written atomically).

CSV columns {",".join(CSV_COLUMNS)}: steps+1 rows per --opt
(step 0 is the start); run is the 0-based index of the --opt, y is empty on 1-D
landscapes (x and y both on a network race: its weights are in the JSON points), a
landscape of three parameters adds a z column after y; numbers are written with full
round-trip precision. status is
"{RUNNING}" until the run stops, then its final status: a {CONVERGED} run from the
step whose gradient norm reached --tol (stopped_at) on, a {DIVERGED} run from the
step after its last normal one (stopped_at + 1) on; those rows repeat the held point.

JSON: {{"landscape", ("expr" or "data",) "runs": [{{"optimizer", "hyper", "status",
"stopped_at", "points", "loss", "grad_norm"}}]}}; stopped_at is the last step computed
normally; "expr" holds a --expr formula, "data" the path of a --data file.
"""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are ValueErrors, reported by ``main``."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(f"{message} (see {self.prog} --help)")


def _plain(array: Any) -> Any:
    """Nested lists of Python floats, for JSON."""
    return np.asarray(array, dtype=np.float64).tolist()


def _landscape_entry(ls: Landscape) -> dict[str, Any]:
    """One landscape of ``gdviz list --json``."""
    return {"name": ls.name, "dim": ls.dim, "group": ls.group, "title": ls.title,
            "formula": ls.formula, "domain": _plain(ls.domain), "start": _plain(ls.start),
            "minima": _plain(ls.minima), "params": dict(ls.params)}


def _catalogue() -> dict[str, Any]:
    """Everything ``gdviz list --json`` prints."""
    optimizers = [
        {"name": spec.name, "title": spec.title,
         "hyper": [{"name": h.name, "default": h.default, "lo": h.lo, "hi": h.hi,
                    "log": h.log, "kind": h.kind, "help": h.help} for h in spec.hyper]}
        for spec in OPTIMIZERS.values()
    ]
    return {"landscapes": [_landscape_entry(ls) for ls in LANDSCAPES.values()],
            "optimizers": optimizers,
            "datasets": [{"name": d.name, "title": d.title, "task": d.task,
                          "description": d.description,
                          "options": [{"name": h.name, "default": h.default, "lo": h.lo,
                                       "hi": h.hi, "kind": h.kind, "help": h.help}
                                      for h in d.options]} for d in DATASETS.values()],
            "presets": [{"name": name, "title": title} for name, title in list_presets()]}


def _catalogue_text() -> str:
    """Readable ``gdviz list``: landscapes by group, optimizers' default SPECs, schedules."""
    lines = ["Landscapes (--landscape NAME [--param K=V])"]
    group = None
    for ls in LANDSCAPES.values():
        if ls.group != group:
            group = ls.group
            lines.append(f"  {group}")
        params = ", ".join(f"{k}={v:g}" for k, v in ls.params.items())
        lines.append(f"    {ls.name:<18} {ls.dim}-D  {ls.formula}"
                     + (f"   [{params}]" if params else ""))
    lines.append("Optimizers (--opt SPEC; the defaults shown as a SPEC)")
    for spec in OPTIMIZERS.values():
        defaults = format_opt_spec(RunSpec(spec.name))
        lines.append(f"  {spec.name:<10} {spec.title:<30} {defaults}")
    lines.append("Learning-rate schedules (in a SPEC: schedule=KIND plus its options, "
                 "e.g. adam:lr=0.1,schedule=cosine,period=200)")
    for kind in SCHEDULES.values():
        options = ", ".join(f"{h.name}={h.default:g}" for h in kind.options) or "no options"
        lines.append(f"  {kind.name:<12} {kind.title:<20} {options}")
        lines.append(f"  {'':<12} {kind.help}")
    lines.append("Presets (--scenario NAME)")
    for name, title in list_presets():
        lines.append(f"  {name:<18} {title}")
    return "\n".join(lines) + "\n"


def _list(args: argparse.Namespace) -> int:
    """``gdviz list [--json]``."""
    if args.json:
        sys.stdout.write(json.dumps(_catalogue(), allow_nan=False) + "\n")
    else:
        sys.stdout.write(_catalogue_text())
    return 0


def _add_list(subparsers: Subparsers) -> None:
    """Register ``gdviz list``."""
    parser = subparsers.add_parser(
        "list", help="landscapes, optimizers and schedules",
        description="List the landscapes, the optimizers with their default "
                    "hyperparameters, and the learning-rate schedules.")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object: landscapes, optimizers, datasets, presets")
    parser.set_defaults(handler=_list)


def _run(args: argparse.Namespace) -> int:
    """``gdviz run``: validate everything, run the race, then write the output once."""
    ext = ".csv" if args.out is None else os.path.splitext(args.out)[1].lower()
    if ext not in (".csv", ".json"):
        raise ValueError(f"--out {args.out}: the file name must end in .csv or .json")
    spec = build_race(args)
    if not spec.runs:
        raise ValueError("the race has no optimizer: add one with --opt")
    trajs = run_race(spec)
    text = json_text(spec, trajs) if ext == ".json" else csv_text(trajs)
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomically(args.out, text)
    return 0


def _add_run(subparsers: Subparsers) -> None:
    """Register ``gdviz run``."""
    parser = subparsers.add_parser(
        "run", help="race optimizers on a landscape, print CSV or write CSV/JSON",
        description="Run one or more optimizers from the same start and record every step.",
        epilog=RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_arguments(parser)
    parser.add_argument("--out", metavar="FILE.csv|FILE.json",
                        help="write here instead of CSV on stdout (format from the extension)")
    parser.set_defaults(handler=_run)


def _gui(args: argparse.Namespace) -> int:
    """``gdviz gui``: the window, on the default scenario or the race the flags describe."""
    if args.screenshot is not None and not args.screenshot.lower().endswith(".png"):
        raise ValueError(f"--screenshot {args.screenshot}: the file name must end in .png")
    problem = missing_display()
    if problem:
        raise NoDisplayError(problem)
    scenario, source = scenario_of(args, DEFAULT_PRESET)
    startup.pause()  # until the window is up (launch): Qt's modules, the window
    from gdviz.ui.app import launch  # Qt only now: the other commands never load it

    try:
        return launch(scenario, source=source, steps=args.steps, screenshot=args.screenshot,
                      present=args.present, theme=args.theme)
    except OSError as exc:
        raise ValueError(str(exc)) from None


def _add_gui(subparsers: Subparsers) -> None:
    """Register ``gdviz gui``."""
    parser = subparsers.add_parser(
        "gui", help="open the window",
        description="Open the window on a race: the default one, or the landscape and "
                    "optimizers given with the flags of `gdviz run`.")
    add_run_arguments(parser)
    parser.add_argument("--present", action="store_true",
                        help="presenter mode: large fonts and thick lines for a projector, "
                             "full screen with the side panels hidden (F11 toggles the layout)")
    parser.add_argument("--theme", choices=("light", "dark", "contrast"), default="light",
                        help="colours: light (default), dark, or high contrast for "
                             "projectors")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="compute --steps steps, save the whole window as PNG and exit")
    parser.set_defaults(handler=_gui)


COMMANDS: tuple[Callable[[Subparsers], None], ...] = (_add_list, _add_run, _add_gui,
                                                      add_export, add_map)


def build_parser() -> argparse.ArgumentParser:
    """The ``gdviz`` parser with every subcommand of ``COMMANDS``."""
    parser = _Parser(prog="gdviz",
                     description="Watch gradient descent and its cousins race across "
                                 "loss landscapes.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``gdviz`` command line on ``argv`` (default ``sys.argv[1:]``); the exit code."""
    try:
        args = build_parser().parse_args(join_negative_start(sys.argv[1:] if argv is None
                                                              else argv))
        return int(args.handler(args))
    except ValueError as exc:  # a user mistake (NoDisplayError too): one line, exit 2
        print(f"gdviz: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `gdviz run … | head`: the reader left; stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
