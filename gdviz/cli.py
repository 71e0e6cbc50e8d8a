"""The ``gdviz`` command line (DESIGN.md, "CLI"): ``gdviz list`` and ``gdviz run``.

Each subcommand is one ``_add_<name>(subparsers)`` function that registers its parser
and sets ``handler``; ``COMMANDS`` lists them. A user error is a ValueError anywhere
below ``main``: it becomes one ``gdviz: error: …`` line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from gdviz.cli_args import add_run_arguments, build_runs, format_opt_spec, join_negative_start
from gdviz.core.landscapes import LANDSCAPES, Landscape
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.run import CONVERGED, DIVERGED, RUNNING, Trajectory, run
from gdviz.core.schedules import SCHEDULES

Subparsers = Any  # argparse's private _SubParsersAction
CSV_COLUMNS = ("run", "optimizer", "step", "x", "y", "loss", "grad_norm", "status")

RUN_EPILOG = f"""\
Output: CSV on stdout, or --out FILE.csv / FILE.json (written atomically).

CSV columns {",".join(CSV_COLUMNS)}: steps+1 rows per --opt
(step 0 is the start); run is the 0-based index of the --opt, y is empty on 1-D
landscapes, numbers are written with full round-trip precision. status is
"{RUNNING}" until the run stops, then its final status: a {CONVERGED} run from the
step whose gradient norm reached --tol (stopped_at) on, a {DIVERGED} run from the
step after its last normal one (stopped_at + 1) on; those rows repeat the held point.

JSON: {{"landscape", "runs": [{{"optimizer", "hyper", "status", "stopped_at",
"points", "loss", "grad_norm"}}]}}; stopped_at is the last step computed normally.
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
            "optimizers": optimizers, "datasets": [], "presets": []}


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
        defaults = format_opt_spec(spec.name, spec.defaults)
        lines.append(f"  {spec.name:<10} {spec.title:<30} {defaults}")
    lines.append("Schedules")
    for name, cls in SCHEDULES.items():
        summary = (cls.__doc__ or "").strip().splitlines()[0]
        lines.append(f"  {name:<12} {summary}")
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


def _row_statuses(traj: Trajectory) -> list[str]:
    """The CSV status of each of the ``steps + 1`` rows of a one-start trajectory."""
    rows, final, stop = len(traj.loss), str(traj.status[0]), int(traj.stopped_at[0])
    first = {CONVERGED: stop, DIVERGED: stop + 1}.get(final, rows)  # first row showing it
    return [RUNNING] * min(first, rows) + [final] * max(rows - first, 0)


def _csv_text(trajs: Sequence[Trajectory]) -> str:
    """One row per step per run, columns ``CSV_COLUMNS``; floats as ``repr`` (round trip)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i, traj in enumerate(trajs):
        points = traj.params[:, 0, :].tolist()
        rows = zip(points, traj.loss[:, 0].tolist(), traj.grad_norm[:, 0].tolist(),
                   _row_statuses(traj), strict=True)
        for step, (p, loss, gnorm, status) in enumerate(rows):
            y = repr(p[1]) if len(p) == 2 else ""
            writer.writerow((i, traj.optimizer, step, repr(p[0]), y, repr(loss), repr(gnorm),
                             status))
    return out.getvalue()


def _json_text(landscape: Landscape, trajs: Sequence[Trajectory]) -> str:
    """``{"landscape", "runs": [...]}``; strict JSON (a NaN would raise ValueError)."""
    runs = [{"optimizer": t.optimizer, "hyper": dict(t.hyper), "status": str(t.status[0]),
             "stopped_at": int(t.stopped_at[0]), "points": t.params[:, 0, :].tolist(),
             "loss": t.loss[:, 0].tolist(), "grad_norm": t.grad_norm[:, 0].tolist()}
            for t in trajs]
    return json.dumps({"landscape": landscape.name, "runs": runs}, allow_nan=False) + "\n"


def _write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory."""
    target = os.path.abspath(path)
    tmp = os.path.join(os.path.dirname(target),
                       f".{os.path.basename(target)}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise ValueError(f"cannot write {path}: {exc.strerror or exc}") from None


def _run(args: argparse.Namespace) -> int:
    """``gdviz run``: validate everything, run each --opt, then write the output once."""
    ext = ".csv" if args.out is None else os.path.splitext(args.out)[1].lower()
    if ext not in (".csv", ".json"):
        raise ValueError(f"--out {args.out}: the file name must end in .csv or .json")
    req = build_runs(args)
    trajs = [run(req.landscape, name, starts=[req.start], steps=req.steps, seed=req.seed,
                 tol=req.tol, **hyper) for name, hyper in req.optimizers]
    text = _json_text(req.landscape, trajs) if ext == ".json" else _csv_text(trajs)
    if args.out is None:
        sys.stdout.write(text)
    else:
        _write_atomically(args.out, text)
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
    """``gdviz gui``: the window, on the default race or the one the flags describe."""
    from gdviz.ui.app import DEFAULT_LANDSCAPE, DEFAULT_RUNS, Setup, launch

    if args.screenshot is not None and not args.screenshot.lower().endswith(".png"):
        raise ValueError(f"--screenshot {args.screenshot}: the file name must end in .png")
    setup = Setup(steps=args.steps, seed=args.seed)
    if args.landscape is not None or args.opt or args.param or args.start:
        args.landscape = args.landscape or DEFAULT_LANDSCAPE
        args.opt = args.opt or [format_opt_spec(k, h) for k, h in DEFAULT_RUNS]
        req = build_runs(args)
        setup = Setup(landscape=req.landscape, start=req.start, runs=req.optimizers,
                      steps=args.steps, seed=req.seed, tol=req.tol)
    try:
        return launch(setup, screenshot=args.screenshot)
    except OSError as exc:
        raise ValueError(str(exc)) from None


def _add_gui(subparsers: Subparsers) -> None:
    """Register ``gdviz gui``."""
    parser = subparsers.add_parser(
        "gui", help="open the window",
        description="Open the window on a race: the default one, or the landscape and "
                    "optimizers given with the flags of `gdviz run`.")
    add_run_arguments(parser, required=False)
    parser.set_defaults(steps=None, tol=None)
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="compute --steps steps, save the whole window as PNG and exit")
    parser.set_defaults(handler=_gui)


COMMANDS: tuple[Callable[[Subparsers], None], ...] = (_add_list, _add_run, _add_gui)


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
    except ValueError as exc:
        print(f"gdviz: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `gdviz run … | head`: the reader left; stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
