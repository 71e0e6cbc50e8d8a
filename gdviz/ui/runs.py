"""Small rules the window applies to the racing optimizers (colours and labels) and the
picker's list of landscapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gdviz.core.hyper import Value
from gdviz.core.landscapes import LANDSCAPES
from gdviz.core.race import RunSpec

# colour-blind safe (Okabe & Ito, without yellow and black), then Tol's wine, teal, olive
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9", "#882255",
           "#44aa99", "#999933", "#777777")


# the classes of a dataset, class c = CLASS_COLORS[c]: soft distinct hues, readable on
# light and dark backgrounds and apart from the runs' strong colours (up to 10 classes)
CLASS_COLORS = ("#e15759", "#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2",
                "#edc948", "#ff9da7", "#9c755f", "#bab0ac")


def next_color(runs: Sequence[RunSpec]) -> str:
    """The first palette colour no run uses yet (cycling once all are taken)."""
    used = {r.color for r in runs}
    return next((c for c in PALETTE if c not in used), PALETTE[len(runs) % len(PALETTE)])


def default_label(runs: Sequence[RunSpec], kind: str, values: Mapping[str, Value]) -> str:
    """``"adam η=0.1"``, numbered when another run already has that label."""
    label = f"{kind} η={values['lr']:g}"
    taken = {r.label for r in runs}
    k = 2
    while label in taken:
        label, k = f"{kind} η={values['lr']:g} ({k})", k + 1
    return label


def landscape_names_by_group() -> dict[str, list[str]]:
    """Registry names grouped for the picker (curves, surfaces and landscapes of three
    parameters alike), in registry order."""
    groups: dict[str, list[str]] = {}
    for name, land in LANDSCAPES.items():
        groups.setdefault(land.group, []).append(name)
    return groups
