"""The racing optimizers as the user set them up, and the small rules around them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gdviz.core.hyper import Value
from gdviz.core.landscapes import LANDSCAPES, Landscape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
           "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")


@dataclass(frozen=True)
class RunConfig:
    """One racing optimizer as the user set it up."""

    kind: str  # optimizer registry name
    hyper: dict[str, Value]  # resolved, validated
    label: str
    color: str  # "#rrggbb"
    start: tuple[float, ...] | None = None  # None: the shared start
    edits: tuple[int, ...] = field(default=())  # steps at which hyper was edited


def next_color(runs: Sequence[RunConfig]) -> str:
    """The first palette colour no run uses yet (cycling once all are taken)."""
    used = {r.color for r in runs}
    return next((c for c in PALETTE if c not in used), PALETTE[len(runs) % len(PALETTE)])


def default_label(runs: Sequence[RunConfig], kind: str, values: dict[str, Value]) -> str:
    """``"adam η=0.1"``, numbered when another run already has that label."""
    label = f"{kind} η={values['lr']:g}"
    taken = {r.label for r in runs}
    k = 2
    while label in taken:
        label, k = f"{kind} η={values['lr']:g} ({k})", k + 1
    return label


def bounded_below(land: Landscape) -> bool:
    """True when the landscape has a known minimum: f − f_min on a log axis reads well.
    Without one (a saddle) f falls without end and the log axis reads flat, then a cliff."""
    return len(land.minima) > 0


def landscape_names_by_group() -> dict[str, list[str]]:
    """Registry names grouped for the picker, in registry order."""
    groups: dict[str, list[str]] = {}
    for name, land in LANDSCAPES.items():
        groups.setdefault(land.group, []).append(name)
    return groups
