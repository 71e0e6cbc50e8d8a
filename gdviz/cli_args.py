"""The run flags shared by ``gdviz run`` and ``gdviz gui``, parsed and validated (no Qt).

``SPEC`` is ``NAME[:k=v[,k=v]…]`` (``adam:lr=0.05,beta1=0.8``), ``--param K=V`` sets a
landscape parameter, ``--start X[,Y]`` the start point. The parsers raise ValueError
with a one-line reason; ``build_runs`` prefixes it with the flag it came from.

A command adds the flags with ``add_run_arguments(parser)`` and turns the parsed
namespace into a ``RunRequest`` with ``build_runs(args)``.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from gdviz.core.hyper import Value
from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.optimizers import get_optimizer
from gdviz.core.run import DIVERGED, run

T = TypeVar("T")
MAX_STEPS = 1_000_000
_NEGATIVE_VALUE = re.compile(r"-\.?\d")  # "-1.2,1", "-.5": a value, not an option


@dataclass(frozen=True)
class RunRequest:
    """Validated run flags: one run per optimizer, all from the same start."""

    landscape: Landscape  # with the --param values applied
    optimizers: list[tuple[str, dict[str, Value]]]  # (name, hyperparameters given in SPEC)
    start: tuple[float, ...]  # (dim,)
    steps: int
    seed: int
    tol: float


def _pair(item: str) -> tuple[str, str]:
    """``"k=v"`` -> ``("k", "v")``, both stripped and non-empty."""
    key, sep, value = item.partition("=")
    key, value = key.strip(), value.strip()
    if not (sep and key and value):
        raise ValueError(f"expected K=V, got {item!r}")
    return key, value


def _number(text: str, what: str) -> float:
    """A finite float parsed from ``text``; ``what`` names it in the error."""
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{what} must be a number, got {text!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {text!r}")
    return number


def parse_opt_spec(text: str) -> tuple[str, dict[str, Value]]:
    """``NAME[:k=v[,k=v]…]`` -> ``(name, hyper)``, checked against ``OPTIMIZERS``.

    ``hyper`` holds only the values given in the spec, converted by their ``Hyper``;
    the optimizer is built once so that combinations (nesterov without momentum) are
    checked too.
    """
    name, sep, rest = text.partition(":")
    spec = get_optimizer(name.strip())
    hyper: dict[str, Value] = {}
    for item in rest.split(",") if sep else ():
        key, value = _pair(item)
        if key in hyper:
            raise ValueError(f"{key} is given twice")
        hyper[key] = spec.hyper_spec(key).check(value)
    spec.make(None, **hyper)
    return spec.name, hyper


def format_opt_spec(name: str, hyper: Mapping[str, Value]) -> str:
    """The SPEC text of ``name`` with ``hyper``; ``parse_opt_spec`` reads it back exactly."""

    def text(value: Value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int) else repr(float(value))

    items = ",".join(f"{key}={text(value)}" for key, value in hyper.items())
    return f"{name}:{items}" if items else name


def parse_params(items: Iterable[str]) -> dict[str, float]:
    """``["a=1", "b=25"]`` -> ``{"a": 1.0, "b": 25.0}``; names are checked by ``with_params``."""
    params: dict[str, float] = {}
    for item in items:
        key, value = _pair(item)
        if key in params:
            raise ValueError(f"{key} is given twice")
        params[key] = _number(value, key)
    return params


def parse_start(text: str, dim: int) -> tuple[float, ...]:
    """``"X,Y"`` (or ``"X"`` for a 1-D landscape) -> a point of ``dim`` finite floats."""
    parts = text.split(",")
    if len(parts) != dim:
        shape = "X,Y" if dim == 2 else "X"
        raise ValueError(f"the landscape is {dim}-D: give {shape}, got {len(parts)} number(s)")
    return tuple(_number(part.strip(), "the start") for part in parts)


def join_negative_start(argv: Sequence[str]) -> list[str]:
    """Rewrite ``--start -1.2,1`` as ``--start=-1.2,1``.

    argparse reads a value starting with ``-`` that is not a plain number as an option;
    call this on the argument list before ``parse_args``.
    """
    out: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--start":
            value = next(items, None)
            if value is not None and _NEGATIVE_VALUE.match(value):
                out.append(f"--start={value}")
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
        value = _number(text, "the tolerance")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"the tolerance must be ≥ 0, got {text!r}")
    return value


def add_run_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """Add --landscape/--param/--start/--steps/--tol/--seed/--opt to ``parser``.

    ``required`` makes --landscape and --opt mandatory (``gdviz run``); a command that can
    take them from elsewhere (a scenario) passes ``required=False``.
    """
    parser.add_argument("--landscape", required=required, metavar="NAME",
                        help="the loss landscape (see `gdviz list`)")
    parser.add_argument("--param", action="append", default=[], metavar="K=V",
                        help="set a landscape parameter, repeatable (e.g. --param b=25)")
    parser.add_argument("--start", metavar="X[,Y]",
                        help="start point, e.g. --start=-1.2,1 (default: the landscape's own)")
    parser.add_argument("--steps", type=_whole(MAX_STEPS), default=200, metavar="N",
                        help="number of steps (default: 200)")
    parser.add_argument("--tol", type=_tolerance, default=0.0, metavar="T",
                        help="converged once the gradient norm is ≤ T (default: 0, off)")
    parser.add_argument("--seed", type=_whole(2**63 - 1), default=0, metavar="S",
                        help="seed of the gradient noise (sgd) (default: 0)")
    parser.add_argument("--opt", action="append", required=required, default=[],
                        metavar="SPEC",
                        help="optimizer NAME[:k=v[,k=v]…], repeatable: several race from "
                             "the same start (e.g. --opt adam:lr=0.05,beta1=0.8)")


def _flagged(flag: str, text: str, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``parse(*args, **kwargs)``, its ValueError prefixed with the flag and its text."""
    try:
        return parse(*args, **kwargs)
    except ValueError as exc:
        raise ValueError(f"{flag} {text}: {exc}") from None


def build_runs(args: argparse.Namespace) -> RunRequest:
    """The validated run flags of ``args`` (from ``add_run_arguments``); ValueError if not."""
    if args.landscape is None or not args.opt:
        raise ValueError("--landscape and at least one --opt are needed")
    landscape = get_landscape(args.landscape)
    params_text = " ".join(args.param)
    params = _flagged("--param", params_text, parse_params, args.param)
    if params:
        landscape = _flagged("--param", params_text, landscape.with_params, **params)
    optimizers = [_flagged("--opt", text, parse_opt_spec, text) for text in args.opt]
    if args.start is None:
        start = landscape.start
    else:
        start = _flagged("--start", args.start, parse_start, args.start, landscape.dim)
        if run(landscape, "gd", starts=[start], steps=0).status[0] == DIVERGED:
            raise ValueError(f"--start {args.start}: {landscape.name} is not finite there "
                             "or the point is far outside its view")
    return RunRequest(landscape, optimizers, start, args.steps, args.seed, args.tol)
