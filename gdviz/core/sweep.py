"""A fair comparison: each optimizer's best learning rate for one landscape and start.

A race decided by one badly chosen learning rate says little about the optimizers. Here
each optimizer runs from the race's start with ``res`` learning rates spread on a log
scale (its other hyperparameters as given) and keeps only its final state (the maps'
machinery); the best rate is the one with the lowest final loss among the runs that did
not diverge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Landscape
from gdviz.core.maps import PER_START_LR, Progress, _PerStartRate, final_state
from gdviz.core.optimizers import get_optimizer
from gdviz.core.run import DIVERGED, Stepper
from gdviz.core.run_spec import check_point

Array = npt.NDArray[np.float64]
LR_RANGE = (1e-4, 1.0)  # the rates tried, log-spaced
SWEEP_RES = 25


@dataclass(frozen=True)
class LrSweep:
    """``lrs (res,)``, each run's ``final_loss (res,)`` (NaN where it diverged) and
    ``diverged (res,)``; ``best`` the rate with the lowest final loss (None: all diverged)."""

    optimizer: str
    lrs: Array
    final_loss: Array
    diverged: npt.NDArray[np.bool_]

    @property
    def best(self) -> float | None:
        if self.diverged.all():
            return None
        return float(self.lrs[int(np.nanargmin(self.final_loss))])

    @property
    def best_loss(self) -> float | None:
        return None if self.best is None else float(np.nanmin(self.final_loss))


def lr_sweep(landscape: Landscape, optimizer: str, start: Sequence[float],
             hyper: Mapping[str, Any] | None = None, steps: int = 300, seed: int = 0,
             lo: float = LR_RANGE[0], hi: float = LR_RANGE[1], res: int = SWEEP_RES,
             progress: Progress | None = None) -> LrSweep:
    """Run ``optimizer`` (with ``hyper``, ``lr`` aside) from ``start`` at ``res`` rates
    in [lo, hi] (log-spaced, clipped to what its lr accepts) for ``steps`` steps."""
    spec = get_optimizer(optimizer)
    others = {k: v for k, v in (hyper or {}).items() if k != "lr"}
    lr = spec.hyper_spec("lr")
    lrs = np.array([lr.check(v) for v in np.geomspace(lo, min(hi, lr.hi), res)])
    point = np.array(check_point(start, landscape.dim))
    if spec.name in PER_START_LR:  # one batch: every start with its own rate
        opts = [(np.arange(res), spec.make(_PerStartRate(lrs[:, None]), **others))]
    else:
        opts = [(np.array([k]), spec.make(**{**others, "lr": v})) for k, v in enumerate(lrs)]
    final = np.empty(res)
    diverged = np.empty(res, dtype=bool)
    for b, (cells, opt) in enumerate(opts):
        stepper = Stepper(landscape, opt, np.repeat(point[None, :], len(cells), axis=0),
                          seed=seed, first=np.zeros(len(cells), dtype=np.int64))
        end = final_state(stepper, steps)
        bad = end.status == DIVERGED
        final[cells] = np.where(bad, np.nan, end.loss)
        diverged[cells] = bad
        if progress is not None:
            progress(b + 1, len(opts))
    return LrSweep(spec.name, lrs, final, diverged)
