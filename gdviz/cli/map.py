"""``gdviz map basin|stability``: a basin-of-attraction or a hyperparameter-stability map
as a PNG picture, and optionally its numbers as a ``(res, res)`` .npy array.

The .npy layout (DESIGN.md): row i ↔ y = ys[i], column j ↔ x = xs[j], both increasing;
basin labels are indices into the landscape's minima, −1 not converged, −2 diverged;
stability values are the measure, NaN where a run diverged (or, for steps_to_converge,
did not converge). The PNG is drawn the natural way up (y grows upwards), each cell a
square of ``scale_of(res)`` pixels, framed by axes with tick values, a title line and a
legend (``export.map_figure``). Every mistake is found before any work, is one
error line, and leaves no file behind; both files are written atomically.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from gdviz.cli.args import parse_number, parse_opt_spec, parse_params, parse_start
from gdviz.cli.output import progress_bar
from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.maps import (
    MAP_TOL,
    MEASURES,
    NEAR,
    Axis,
    basin_map,
    stability_map,
)
from gdviz.core.optimizers import get_optimizer
from gdviz.core.race import MAX_SEED, MAX_STEPS, RunSpec
from gdviz.export import export_frames
from gdviz.export.atomic import check_target, replacing
from gdviz.export.maps import basin_figure, loss_floor, stability_figure

T = TypeVar("T")
MAX_RES = 2000
EPILOG = """\
basin: every cell of a res×res grid over --box (default: the landscape's view) is a
start; its colour is the minimum it ends within 0.1% of the box diagonal of (--near),
darker the more steps it took; black: near no minimum after --steps, dark red: diverged.
stability: every cell runs from --start with its own pair of hyperparameters (--x and
--y as NAME=LO:HI, add :log or :lin to choose the spacing; default: the
hyperparameter's own scale); its colour is log10 of the final loss above the
landscape's minimum (or the steps to converge), red where the run diverged.
The picture has axes with tick values, a title line and a legend around the map.
Examples:
  gdviz map basin --landscape himmelblau --opt adam:lr=0.05 -o basin.png --npy basin.npy
  gdviz map stability --landscape rosenbrock --opt momentum --x lr=1e-4:1e-1:log \\
      --y momentum=0:0.99 --start=-1.2,1 -o stab.png
"""


def _flag(flag: str, text: str, parse: Callable[..., T], *args: Any) -> T:
    try:
        return parse(*args)
    except ValueError as exc:
        raise ValueError(f"{flag} {text}: {exc}") from None


def _whole(text: str, flag: str, lo: int, hi: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = lo - 1
    if not lo <= value <= hi:
        raise ValueError(f"{flag} {text}: expected a whole number in [{lo}, {hi}]")
    return value


def parse_box(text: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """``"XMIN,XMAX,YMIN,YMAX"`` -> ``((xmin, xmax), (ymin, ymax))``."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError(f"expected XMIN,XMAX,YMIN,YMAX, got {len(parts)} number(s)")
    x0, x1, y0, y1 = (parse_number(p.strip(), "a box edge") for p in parts)
    if not (x0 < x1 and y0 < y1):
        raise ValueError("expected XMIN < XMAX and YMIN < YMAX")
    return (x0, x1), (y0, y1)


def parse_axis(text: str, optimizer: str) -> Axis:
    """``"NAME=LO:HI[:log|:lin]"`` -> an Axis (default spacing: the hyperparameter's)."""
    name, sep, rest = text.partition("=")
    parts = rest.split(":")
    if not sep or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] not in
                                                ("log", "lin")):
        raise ValueError("expected NAME=LO:HI, NAME=LO:HI:log or NAME=LO:HI:lin")
    hyper = get_optimizer(optimizer).hyper_spec(name.strip())
    log = hyper.log if len(parts) == 2 else parts[2] == "log"
    return Axis(hyper.name, parse_number(parts[0], "LO"), parse_number(parts[1], "HI"), log)


def _landscape(args: argparse.Namespace) -> Landscape:
    land = _flag("--landscape", args.landscape, get_landscape, args.landscape)
    if args.param:
        text = " ".join(args.param)
        land = _flag("--param", text, lambda: land.with_params(
            **parse_params(args.param)))
    return land


def _name(land: Landscape) -> str:
    """The landscape as a title names it: with its parameters, if it has any."""
    params = ", ".join(f"{k}={v:g}" for k, v in land.params.items())
    return f"{land.name}({params})" if params else land.name


def _outputs(args: argparse.Namespace) -> None:
    """Refuse bad output names and unwritable places before any work."""
    if not args.out.lower().endswith(".png"):
        raise ValueError(f"-o {args.out}: the file name must end in .png")
    if args.npy is not None and not args.npy.lower().endswith(".npy"):
        raise ValueError(f"--npy {args.npy}: the file name must end in .npy")
    for path in (args.out, args.npy):
        try:
            if path is not None:
                check_target(Path(path))
        except OSError as exc:
            raise ValueError(str(exc)) from None


def _write(args: argparse.Namespace, image: npt.NDArray[np.uint8], array: np.ndarray) -> None:
    try:
        if args.npy is None:
            export_frames([image], args.out, fps=1)
            return
        with replacing(Path(args.npy)) as tmp:
            with open(tmp, "wb") as f:
                np.save(f, array)
            export_frames([image], args.out, fps=1)  # a failure here removes the .npy too
    except OSError as exc:
        raise ValueError(f"cannot write {args.out}: {exc.strerror or exc}") from None


def _run_spec(text: str) -> RunSpec:
    return _flag("--opt", text, parse_opt_spec, text)


def _basin(args: argparse.Namespace) -> int:
    _outputs(args)
    land = _landscape(args)
    run = _run_spec(args.opt)
    box = None if args.box is None else _flag("--box", args.box, parse_box, args.box)
    res = _whole(args.res, "--res", 2, MAX_RES)
    steps = _whole(args.steps, "--steps", 0, MAX_STEPS)
    seed = run.seed if run.seed is not None else _whole(args.seed, "--seed", 0, MAX_SEED)
    tol, near = parse_number(args.tol, "--tol"), parse_number(args.near, "--near")
    if tol < 0 or near <= 0:
        raise ValueError("--tol must be ≥ 0 and --near > 0")
    bar, update = progress_bar("map", "step")
    try:
        bmap = basin_map(land, run.optimizer_at(0), box, res=res, steps=steps, tol=tol,
                         seed=seed, near=near, progress=update)
    finally:
        bar.close()
    title = f"basin map · {_name(land)} · {args.opt} · {steps} steps"
    _write(args, basin_figure(bmap, title), bmap.labels)
    return 0


def _stability(args: argparse.Namespace) -> int:
    _outputs(args)
    land = _landscape(args)
    run = _run_spec(args.opt)
    if run.schedule is not None:
        raise ValueError(f"--opt {args.opt}: a stability map uses a constant learning rate; "
                         "drop the schedule")
    x = _flag("--x", args.x, parse_axis, args.x, run.optimizer)
    y = _flag("--y", args.y, parse_axis, args.y, run.optimizer)
    given = {item.partition("=")[0].strip() for item in args.opt.partition(":")[2].split(",")}
    for flag, axis in (("--x", x), ("--y", y)):
        if axis.name in given:
            raise ValueError(f"--opt {args.opt}: {axis.name} is the {flag} axis; "
                             "do not also set it here")
    start = None if args.start is None else _flag("--start", args.start, parse_start,
                                                   args.start, land.dim)
    res = _whole(args.res, "--res", 2, MAX_RES)
    steps = _whole(args.steps, "--steps", 0, MAX_STEPS)
    seed = run.seed if run.seed is not None else _whole(args.seed, "--seed", 0, MAX_SEED)
    tol = parse_number(args.tol, "--tol")
    if tol < 0:
        raise ValueError("--tol must be ≥ 0")
    hyper = {k: v for k, v in run.hyper.items() if k not in (x.name, y.name)}
    bar, update = progress_bar("map", "step")
    try:
        smap = stability_map(land, run.optimizer, start, x, y, res=res, steps=steps,
                             seed=seed, tol=tol, measure=args.measure, progress=update,
                             **hyper)
    finally:
        bar.close()
    point = ", ".join(f"{v:g}" for v in (land.start if start is None else start))
    title = f"stability map · {_name(land)} · {args.opt} from ({point}) · {steps} steps"
    if args.measure == "steps_to_converge":
        title += f" · steps to ‖∇f‖ ≤ {tol:g}"
    _write(args, stability_figure(smap, loss_floor(land), title), smap.values)
    return 0


def _common(parser: argparse.ArgumentParser, res: int, tol: float) -> None:
    parser.add_argument("--landscape", required=True, metavar="NAME",
                        help="the loss landscape (see `gdviz list`)")
    parser.add_argument("--param", action="append", default=[], metavar="K=V",
                        help="set a landscape parameter, repeatable")
    parser.add_argument("--opt", required=True, metavar="SPEC",
                        help="the optimizer NAME[:k=v[,k=v]…], e.g. adam:lr=0.05")
    parser.add_argument("--res", default=str(res), metavar="N",
                        help=f"cells per side, 2 to {MAX_RES} (default: {res})")
    parser.add_argument("--steps", default="500", metavar="N",
                        help="steps per run (default: 500)")
    parser.add_argument("--tol", default=repr(tol), metavar="T",
                        help=f"a run stops once its gradient norm is ≤ T (default: {tol:g})")
    parser.add_argument("--seed", default="0", metavar="S",
                        help="seed of sgd's gradient noise (default: 0)")
    parser.add_argument("-o", "--out", required=True, metavar="OUT.png",
                        help="the picture to write")
    parser.add_argument("--npy", metavar="OUT.npy", help="also write the (res, res) array")


def add_map(subparsers: Any) -> None:
    """Register ``gdviz map basin`` and ``gdviz map stability``."""
    parser = subparsers.add_parser(
        "map", help="basin-of-attraction and hyperparameter-stability maps as PNG/.npy",
        description="Run an optimizer from every cell of a grid and draw where the runs "
                    "end.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    basin = kinds.add_parser("basin", help="which minimum each start of a grid ends in",
                             epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(basin, 200, MAP_TOL)
    basin.add_argument("--box", metavar="XMIN,XMAX,YMIN,YMAX",
                       help="the grid's box, e.g. --box=-5,5,-5,5 (default: the view)")
    basin.add_argument("--near", default=repr(NEAR), metavar="F",
                       help="'at a minimum' = within F × the box diagonal (default: "
                            f"{NEAR:g})")
    basin.set_defaults(handler=_basin)
    stab = kinds.add_parser("stability", help="how runs from one start fare over a grid "
                                              "of two hyperparameters",
                            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(stab, 100, 0.0)
    stab.add_argument("--x", required=True, metavar="NAME=LO:HI[:log|:lin]",
                      help="the horizontal axis, e.g. lr=1e-4:1e-1:log")
    stab.add_argument("--y", required=True, metavar="NAME=LO:HI[:log|:lin]",
                      help="the vertical axis, e.g. momentum=0:0.99")
    stab.add_argument("--start", metavar="X[,Y[,Z]]",
                      help="the start, e.g. --start=-1.2,1 (default: the landscape's)")
    stab.add_argument("--measure", choices=MEASURES, default="final_loss",
                      help="what the colour shows (default: final_loss; "
                           "steps_to_converge needs --tol > 0)")
    stab.set_defaults(handler=_stability)
