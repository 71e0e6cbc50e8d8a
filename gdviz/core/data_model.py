"""How a data landscape makes its samples and scores parameters θ on them: ``DataModel``
and the ``Samples`` it hands to the loss (see ``landscapes_data`` for the landscapes).

The samples are generated from the landscape's parameters and cached per parameter set,
or fixed (e.g. read from a CSV file). ``Samples.A (m, dim)`` is the design matrix (the
features and a column of ones) and ``Samples.t (m,)`` the float targets or 0/1 labels.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdviz.core import data_loss
from gdviz.core.datasets import Dataset, Task
from gdviz.core.hyper import Hyper
from gdviz.core.landscapes import Array, Params

Generator = Callable[[np.random.Generator, int, Params], tuple[Array, Array]]


@dataclass(frozen=True)
class Samples:
    """A data landscape's samples: ``data`` for views, the design matrix ``A (m, dim)``
    (features and a column of ones) and the float targets ``t (m,)`` the loss uses."""

    data: Dataset
    A: Array
    t: Array


@dataclass(frozen=True, eq=False)
class DataModel:
    """How a data landscape makes its samples from its parameters and scores θ on them.

    ``generate(rng, n, params) -> (X (n, d), y (n,))`` draws the data (labels 0/1 for
    classification); ``specs`` check every parameter (``n_samples`` and ``data_seed``
    are always among them). ``fixed`` samples, when set, replace the generated ones (and
    ``specs`` is then empty). The view is ``centre ± half`` about the minimum rounded to
    a whole number (the origin without one), ``half = max(half_width, ½·|centre|)`` per
    coordinate so that far minima keep their surroundings in view; the start is
    ``centre + offset``, the offset stretched as the view is.
    """

    task: Task
    specs: tuple[Hyper, ...]
    generate: Generator
    half_width: tuple[float, ...]
    offset: tuple[float, ...]
    fixed: Samples | None = None

    @property
    def defaults(self) -> dict[str, float]:
        return {h.name: float(h.default) for h in self.specs}

    def check(self, key: str, value: object) -> None:
        """ValueError unless ``value`` is valid for parameter ``key`` (unknown keys pass:
        ``Landscape.with_params`` names them)."""
        for h in self.specs:
            if h.name == key:
                h.check(value)

    def samples(self, params: Params) -> Samples:
        """The samples for ``params`` (generated once per parameter set), or the fixed ones."""
        if self.fixed is not None:
            return self.fixed
        return _samples(self, tuple(sorted(params.items())))

    @property
    def loss(self) -> data_loss.Loss:
        """``(θ (n, dim), A, t) -> (L (n,), ∇L (n, dim))``: mse or log-loss by task."""
        return data_loss.mse if self.task == "regression" else data_loss.log_loss

    def fn(self, p: Array, params: Params) -> tuple[Array, Array]:
        """The mean loss ``(n,)`` and its gradient ``(n, dim)`` at ``(n, dim)`` points."""
        s = self.samples(params)
        return self.loss(p, s.A, s.t)

    def hess(self, p: Array, params: Params) -> Array:
        """The analytic Hessians ``(n, dim, dim)``."""
        s = self.samples(params)
        hessian = (data_loss.mse_hessian if self.task == "regression"
                   else data_loss.log_loss_hessian)
        return hessian(p, s.A, s.t)

    def minima(self, params: Params) -> Array:
        """The minimum ``(1, dim)``, or ``(0, dim)`` for separable classes."""
        s = self.samples(params)
        best = (data_loss.least_squares(s.A, s.t) if self.task == "regression"
                else data_loss.logistic_fit(s.A, s.t))
        return np.empty((0, s.A.shape[1])) if best is None else best[None, :]

    def frame(self, minima: Array) -> tuple[tuple[tuple[float, float], ...], tuple[float, ...]]:
        """``(domain, start)`` about the minimum (see the class)."""
        centre = np.round(minima[0]) if len(minima) else np.zeros(len(self.half_width))
        default = np.array(self.half_width)
        half = np.maximum(default, 0.5 * np.abs(centre))
        domain = tuple((float(c - h), float(c + h)) for c, h in zip(centre, half, strict=True))
        start = tuple(float(v) for v in centre + np.array(self.offset) * half / default)
        return domain, start


@functools.lru_cache(maxsize=32)
def _samples(model: DataModel, items: tuple[tuple[str, float], ...]) -> Samples:
    params = dict(items)
    for key, value in items:
        model.check(key, value)
    rng = np.random.default_rng(int(params["data_seed"]))
    X, y = model.generate(rng, int(params["n_samples"]), params)
    data = (Dataset("data", "regression", X, y) if model.task == "regression"
            else Dataset("data", "classification", X, y.astype(np.int64), 2))
    return design_samples(data)


def design_samples(data: Dataset) -> Samples:
    """``data`` with its read-only design matrix and float targets (see ``Samples``)."""
    A = data_loss.design(data.X)
    A.flags.writeable = False
    t = np.ravel(data.y).astype(np.float64)
    t.flags.writeable = False
    return Samples(data, A, t)
