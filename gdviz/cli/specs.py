"""The text of flag values: an optimizer ``SPEC``, ``K=V`` pairs, numbers and start points.

``SPEC`` is ``NAME[:k=v[,k=v]…]``: hyperparameters (``adam:lr=0.05,beta1=0.8``), a
learning-rate schedule and its options (``adam:lr=0.1,schedule=cosine,period=200``) and
an own noise seed (``sgd:seed=3``); ``format_opt_spec`` writes one back. Every parser
raises ValueError with a one-line reason (``args.build_race`` prefixes the flag).
"""

from __future__ import annotations

from collections.abc import Iterable

from gdviz.core.hyper import parse_number
from gdviz.core.optimizers import get_optimizer
from gdviz.core.race import RunSpec, ScheduleSpec, check_seed
from gdviz.core.schedules import SCHEDULES

ALL_OPTIONS = {h.name for kind in SCHEDULES.values() for h in kind.options}


def _pair(item: str) -> tuple[str, str]:
    """``"k=v"`` -> ``("k", "v")``, both stripped and non-empty."""
    key, sep, value = item.partition("=")
    key, value = key.strip(), value.strip()
    if not (sep and key and value):
        raise ValueError(f"expected K=V, got {item!r}")
    return key, value


SPEC_EXTRAS = ("schedule", "seed")  # SPEC keys besides hyperparameters and schedule options


def parse_opt_spec(text: str) -> RunSpec:
    """``NAME[:k=v[,k=v]…]`` -> a RunSpec, every value checked by the registries.

    Keys are the optimizer's hyperparameters, ``schedule`` (a kind of ``SCHEDULES``) with
    that kind's options, and ``seed``.
    """
    name, sep, rest = text.partition(":")
    spec = get_optimizer(name.strip())
    given: dict[str, str] = {}
    for item in rest.split(",") if sep else ():
        key, value = _pair(item)
        if key in given:
            raise ValueError(f"{key} is given twice")
        given[key] = value
    kind = given.pop("schedule", None)
    seed = given.pop("seed", None)
    options_of = {h.name for h in SCHEDULES[kind].options} if kind in SCHEDULES else set()
    options = {k: given.pop(k) for k in list(given) if k in options_of}
    names = [h.name for h in spec.hyper]
    for key in given:
        if key not in names:
            valid = [*names, *SPEC_EXTRAS, *sorted(options_of)]
            hint = "" if kind is not None or key not in ALL_OPTIONS else (
                f" ({key} is a schedule option: add schedule=KIND)")
            raise ValueError(f"{spec.name} has no hyperparameter {key!r}{hint}; "
                             f"valid: {', '.join(valid)}")
    hyper = {k: spec.hyper_spec(k).check(v) for k, v in given.items()}
    schedule = None
    if kind is not None and kind != "constant":
        schedule = ScheduleSpec(kind, options)
    elif kind == "constant" and options:
        raise ValueError("a constant schedule has no options")
    if seed is not None:
        try:
            seed_value = check_seed(int(seed))
        except ValueError:
            raise ValueError(f"seed must be a whole number in [0, 2^63 − 1], got {seed!r}") \
                from None
    return RunSpec(spec.name, hyper, schedule=schedule,
                   seed=None if seed is None else seed_value)


def format_opt_spec(run: RunSpec, only: Iterable[str] | None = None) -> str:
    """The SPEC text of ``run`` (its hyperparameters, or only those named in ``only``);
    ``parse_opt_spec`` reads it back to an equal run (labels and colours aside)."""

    def text(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int) else repr(float(value))  # type: ignore[arg-type]

    keys = list(run.hyper) if only is None else [k for k in run.hyper if k in set(only)]
    items = [f"{key}={text(run.hyper[key])}" for key in keys]
    if run.schedule is not None:
        items.append(f"schedule={run.schedule.kind}")
        items += [f"{k}={text(v)}" for k, v in run.schedule.options.items()]
    if run.seed is not None:
        items.append(f"seed={run.seed}")
    return f"{run.optimizer}:{','.join(items)}" if items else run.optimizer


def parse_params(items: Iterable[str]) -> dict[str, float]:
    """``["a=1", "b=25"]`` -> ``{"a": 1.0, "b": 25.0}``; names are checked by ``with_params``."""
    params: dict[str, float] = {}
    for item in items:
        key, value = _pair(item)
        if key in params:
            raise ValueError(f"{key} is given twice")
        params[key] = parse_number(value, key)
    return params


def parse_start(text: str, dim: int) -> tuple[float, ...]:
    """``"X,Y"`` (``"X"`` on a 1-D landscape, ``"X,Y,Z"`` on a 3-D one) -> a point of
    ``dim`` finite floats."""
    parts = text.split(",")
    if len(parts) != dim:
        shape = ",".join("XYZ"[:dim])
        raise ValueError(f"the landscape is {dim}-D: give {shape}, got {len(parts)} number(s)")
    return tuple(parse_number(part.strip(), "the start") for part in parts)
