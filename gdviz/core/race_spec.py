"""What to run: ``RaceSpec`` and its parts, frozen and checked on construction.

A ``RaceSpec`` is everything that decides the numbers of a race: the landscape and its
parameters, the shared start, the race's seed, tolerance and length, and one ``RunSpec``
per racing optimizer (its hyperparameters, learning-rate schedule, label, colour, own
start, own seed and the ``edits`` a user made while it ran). The command line, the
window and scenario files all build one, so the same race gives the same numbers
everywhere. Any value the registries refuse raises ValueError here, so every spec that
exists is valid.

Seed rule: every run uses the race's ``seed`` (the same noise sequence for ``sgd``, as a
fair comparison needs) unless it sets its own. ``tol = 0`` means "never converged".

A race on a network sets ``network`` (a ``NetworkSpec``): its landscape name is then
``"network"``, and every run starts from the same initial weights, the MLP's init drawn
from the race's ``seed`` (a run's own seed changes only its minibatch order). Such a race
has no start points and no landscape parameters.

A race on a typed formula sets ``expr`` (e.g. ``"x^2 + 10*sin(y)"``): its landscape name
is then ``"expr"`` and the landscape is built from the text (``gdviz.core.expression``;
the box, start and minima found automatically). It takes no landscape parameters.

A race on samples of one's own sets ``data``, a CSV file's path (made absolute): the
landscape, a data landscape such as ``linear_regression``, is then computed from the
file's samples instead of generated ones (``data_file.file_landscape``) and takes no
parameters.

The parts of a run (``RunSpec``, ``ScheduleSpec``, ``Edit``) live in ``run_spec``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from gdviz.core.data_file import data_landscapes, file_landscape
from gdviz.core.expression import NAME as EXPR
from gdviz.core.expression import expression_landscape
from gdviz.core.landscapes import Landscape, get_landscape
from gdviz.core.network import HESSIAN_OPTIMIZERS, NAME, NetworkSpec
from gdviz.core.run import Objective, Stepper
from gdviz.core.run_spec import RunSpec, check_point, check_seed, frozen

Array = npt.NDArray[np.float64]
DEFAULT_STEPS = 200
DEFAULT_TOL = 0.0  # off: runs stop only when they diverge or the race ends
MAX_STEPS = 1_000_000


@dataclass(frozen=True, eq=False)
class RaceSpec:
    """What to run: one landscape (or network), a shared start, and the racing optimizers."""

    landscape: str
    runs: tuple[RunSpec, ...] = ()
    params: Mapping[str, float] = field(default_factory=dict)
    start: tuple[float, ...] | None = None  # None: the landscape's start
    steps: int = DEFAULT_STEPS
    seed: int = 0
    tol: float = DEFAULT_TOL
    network: NetworkSpec | None = None  # set: a race on this network's training loss
    expr: str | None = None  # set: a race on this typed formula
    data: str | None = None  # set: a CSV file of samples for a data landscape

    def __post_init__(self) -> None:
        if self.network is not None:
            self._check_network()
        if self.expr is not None:
            self._check_expr()
        if self.data is not None:
            self._check_data()
        land = self.build_objective()  # refuses unknown names and parameters
        object.__setattr__(self, "params", frozen({k: float(v) for k, v in self.params.items()}))
        object.__setattr__(self, "runs", tuple(self.runs))
        if isinstance(self.steps, bool) or int(self.steps) != self.steps or not (
                0 <= self.steps <= MAX_STEPS):
            raise ValueError(f"steps must be a whole number in [0, {MAX_STEPS}], "
                             f"got {self.steps!r}")
        object.__setattr__(self, "steps", int(self.steps))
        object.__setattr__(self, "seed", check_seed(self.seed))
        tol = float(self.tol)
        if not (np.isfinite(tol) and tol >= 0):
            raise ValueError(f"tol must be a finite number ≥ 0, got {self.tol!r}")
        object.__setattr__(self, "tol", tol)
        if self.start is not None:
            object.__setattr__(self, "start", check_point(self.start, land.dim))
        for r in self.runs:
            if r.start is not None:
                check_point(r.start, land.dim)

    def _check_network(self) -> None:
        if not isinstance(self.network, NetworkSpec):
            raise ValueError(f"network must be a NetworkSpec, got {self.network!r}")
        object.__setattr__(self, "landscape", NAME)
        if self.params:
            raise ValueError("a network race has no landscape parameters")
        if self.start is not None or any(r.start is not None for r in self.runs):
            raise ValueError("a network race starts every run from the same initial weights: "
                             "it takes no start point")
        for r in self.runs:
            if r.optimizer in HESSIAN_OPTIMIZERS:
                raise ValueError(f"{r.optimizer} needs the Hessian, which a network race "
                                 "does not have")

    def _check_expr(self) -> None:
        if not isinstance(self.expr, str):
            raise ValueError(f"expr must be a formula as text, got {self.expr!r}")
        if self.network is not None:
            raise ValueError("a race is on a network or on a typed formula, not both")
        object.__setattr__(self, "landscape", EXPR)
        if self.params:
            raise ValueError("a typed formula has no landscape parameters: write the numbers "
                             "into it")

    def _check_data(self) -> None:
        if not isinstance(self.data, str) or not self.data:
            raise ValueError(f"data must be the path of a CSV file, got {self.data!r}")
        if self.network is not None or self.expr is not None:
            raise ValueError("a CSV file of samples is for a data landscape, not for a "
                             "network or a typed formula")
        if self.landscape not in data_landscapes():
            raise ValueError(f"a CSV file of samples applies to {', '.join(data_landscapes())}"
                             f", not {self.landscape!r}")
        if self.params:
            raise ValueError("a landscape on samples from a file has no parameters")
        object.__setattr__(self, "data", os.path.abspath(self.data))

    def _key(self) -> tuple[object, ...]:
        return (self.landscape, tuple(sorted(self.params.items())), self.start, self.steps,
                self.seed, self.tol, self.runs, self.network, self.expr, self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RaceSpec) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def build_landscape(self) -> Landscape:
        """The formula landscape: a registered one, the typed formula's (built once per
        text, then remembered) or a data landscape on the file ``data`` (read once per
        version of the file); ValueError on a network race (see ``build_objective``)."""
        if self.network is not None:
            raise ValueError("a network race has no formula landscape")
        if self.expr is not None:
            return expression_landscape(self.expr)
        if self.data is not None:
            return file_landscape(self.data, self.landscape)
        land = get_landscape(self.landscape)
        return land.with_params(**self.params) if self.params else land

    def build_objective(self) -> Objective:
        """What the runs step on: the network's training loss (its initial weights drawn
        from the race's seed) or the formula landscape."""
        if self.network is not None:
            return self.network.build(self.seed)
        return self.build_landscape()

    def start_of(self, i: int, landscape: Objective | None = None) -> tuple[float, ...]:
        """Run ``i``'s start: its own, else the race's, else the landscape's (on a network:
        the initial weights, the same for every run)."""
        own = self.runs[i].start
        if own is not None:
            return own
        if self.start is not None:
            return self.start
        return tuple((landscape or self.build_objective()).start)

    def seed_of(self, i: int) -> int:
        own = self.runs[i].seed
        return self.seed if own is None else own

    def stepper(self, i: int, landscape: Objective | None = None) -> Stepper:
        """A Stepper for run ``i`` at step 0, with its step-0 hyperparameters."""
        land = landscape or self.build_objective()
        return Stepper(land, self.runs[i].optimizer_at(0), [self.start_of(i, land)],
                       seed=self.seed_of(i), tol=self.tol)

    def with_run(self, i: int, run: RunSpec) -> RaceSpec:
        return replace(self, runs=(*self.runs[:i], run, *self.runs[i + 1:]))
