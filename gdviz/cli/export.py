"""``gdviz export``: a scenario, a preset or a race given by flags, as GIF, MP4 or PNG.

Drawn by the window's own views (``gdviz.ui.render``); the 2-D views need no display,
so without one Qt runs on its offscreen platform. A bad scenario, size or output is one
error line and exit 2, and never leaves a file behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from gdviz.cli.args import add_run_arguments, scenario_of
from gdviz.cli.display import missing_display
from gdviz.cli.output import progress_bar
from gdviz.export.atomic import check_target

VIEW_CHOICES = ("contour", "surface", "curve", "space", "plane", "loss", "all")
EPILOG = """\
Defaults: MP4 1280x720 at 30 fps, GIF 640x360 at 15 fps, both 10 seconds long; PNG: one
picture of the race's last step (--frames N > 1 writes OUT_0001.png … OUT_N.png). The
frames are spread evenly over the race's steps; each shows its step number.
Examples:
  gdviz export ravine -o ravine.mp4
  gdviz export ravine -o ravine.gif --frames 60 --view contour
  gdviz export --landscape himmelblau --opt adam:lr=0.1 --opt gd:lr=0.01 -o race.gif
"""


def _frames(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"expected a whole number in [1, 100000], got {text!r}")
    return value


def _fps(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 120:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 120], got {text!r}")
    return value


def _export(args: argparse.Namespace) -> int:
    from gdviz.ui.export_job import format_of, parse_size, plan_export

    if args.source is not None:
        if args.scenario is not None:
            raise ValueError("give the scenario once: as SCENARIO or as --scenario")
        args.scenario = args.source
    format_of(args.out)
    try:
        check_target(Path(args.out))  # before any work
    except OSError as exc:
        raise ValueError(str(exc)) from None
    size = parse_size(args.size) if args.size is not None else None
    scenario, source = scenario_of(args, None)
    if missing_display() is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the 2-D views need no screen
    from gdviz.ui.app import application
    from gdviz.ui.export_job import export_animation
    from gdviz.ui.render import GL_VIEWS

    app = application()  # kept alive (a discarded QApplication is deleted) until the end
    plan = plan_export(scenario, args.out, frames=args.frames, fps=args.fps, size=size,
                       view=args.view)
    if any(v in scenario.view.show and v not in plan.views for v in GL_VIEWS):
        print("gdviz: note: no display with OpenGL here, so the 3-D view is left out "
              "(xvfb-run gives one)", file=sys.stderr)
    bar, update = progress_bar(os.path.basename(args.out), "frame")
    try:
        export_animation(scenario, plan, progress=update)
    except OSError as exc:  # e.g. the disk filled up: nothing is left behind
        raise ValueError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    finally:
        bar.close()
    del app
    return 0


def add_export(subparsers: Any) -> None:
    """Register ``gdviz export``."""
    parser = subparsers.add_parser(
        "export", help="write a race as GIF, MP4 or PNG (no display needed for 2-D views)",
        description="Animate a scenario, a preset or a race given with the flags of "
                    "`gdviz run`, drawn by the window's own views.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", metavar="SCENARIO|PRESET",
                        help="a scenario file or a preset (see `gdviz list`)")
    parser.add_argument("-o", "--out", required=True, metavar="OUT.{gif,mp4,png}",
                        help="the file to write (format from the extension)")
    parser.add_argument("--frames", type=_frames, metavar="N",
                        help="number of frames (default: 10 seconds' worth; PNG: 1)")
    parser.add_argument("--fps", type=_fps, metavar="F",
                        help="frames per second (default: MP4 30, GIF 15)")
    parser.add_argument("--size", metavar="WxH",
                        help="frame size in pixels (default: MP4 1280x720, GIF 640x360)")
    parser.add_argument("--view", choices=VIEW_CHOICES,
                        help="what to draw (default: the scenario's views, else the "
                             "landscape and the loss plot side by side)")
    add_run_arguments(parser)
    parser.set_defaults(handler=_export)
