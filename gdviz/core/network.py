"""The loss of a small network on a toy dataset, as a problem optimizers race on.

``NetworkSpec`` names the problem (a dataset from ``datasets.DATASETS`` with its options
and data seed, the train/test split, the layer sizes, the activation and the loss) and
checks on construction that the network fits the data: as many inputs as the data has
features; one output per class with ``cross_entropy`` for classification, one output
with ``mse`` for regression.

``NetworkSpec.build(seed)`` gives a ``NetworkObjective``, which a ``Stepper`` steps on
exactly like a ``Landscape``: points are weight vectors ``params (n, p)`` (n independent
networks; a race has n = 1), ``value_and_grad(params) -> (loss (n,), grad (n, p))`` is the
mean loss over the whole training set and its gradient (what is recorded and plotted),
``dim = p`` and ``start`` the MLP's initial weights drawn from ``seed``. It has no known
minima and no view box: only a non-finite loss or gradient makes a run diverge.

The stochastic part of ``sgd`` comes from the data here: ``stochastic_gradient`` is the
gradient on the minibatch ``mlp.batch_at(step, n_train, batch_size, seed)``, a seeded
shuffle of the training set per epoch, so a run resumed at any step draws the same
batches and runs that share a seed draw them in the same order (``minibatch``: the rule
data landscapes follow too).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from gdviz.core.datasets import DATASETS, Dataset, load_csv
from gdviz.core.hyper import Value
from gdviz.core.minibatch import batch_index, minibatch_size
from gdviz.core.mlp import MLP
from gdviz.core.optimizers import Optimizer

Array = npt.NDArray[np.float64]
NAME = "network"  # the landscape name a network race records
CSV = "csv"  # the dataset name of samples read from a file
MAX_DATA_SEED = 2**63 - 1
HESSIAN_OPTIMIZERS = frozenset({"newton"})  # they need a Hessian, which a network lacks


@dataclass(frozen=True, eq=False)
class NetworkSpec:
    """A network and its data; ``options`` are resolved (every dataset option, checked)."""

    dataset: str = "spiral"
    sizes: tuple[int, ...] = (2, 16, 16, 2)
    activation: str = "tanh"
    loss: str = "cross_entropy"
    options: Mapping[str, Value] = field(default_factory=dict)
    data_seed: int = 0
    test_fraction: float = 0.2
    csv: str | None = None  # a CSV file of samples instead of a generated set

    def __post_init__(self) -> None:
        if self.csv is not None:
            self._check_csv()
        elif self.dataset not in DATASETS:
            raise ValueError(f"unknown dataset {self.dataset!r}; choose one of: "
                             f"{', '.join(DATASETS)}")
        else:
            spec = DATASETS[self.dataset]
            resolved, by_name = spec.defaults, {h.name: h for h in spec.options}
            for key, value in self.options.items():
                if key not in by_name:
                    raise ValueError(f"{self.dataset} has no option {key!r}; valid: "
                                     f"{', '.join(by_name)}")
                resolved[key] = by_name[key].check(value)
            object.__setattr__(self, "options", MappingProxyType(resolved))
        if isinstance(self.data_seed, bool) or not isinstance(self.data_seed, int | np.integer) \
                or not 0 <= self.data_seed <= MAX_DATA_SEED:
            raise ValueError(f"data_seed must be a whole number in [0, 2^63 − 1], "
                             f"got {self.data_seed!r}")
        object.__setattr__(self, "data_seed", int(self.data_seed))
        fraction = float(self.test_fraction)
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"test_fraction must be in (0, 1), got {self.test_fraction!r}")
        object.__setattr__(self, "test_fraction", fraction)
        object.__setattr__(self, "sizes", tuple(self.sizes))
        mlp = self.mlp  # refuses bad sizes, activations and losses
        data = self.data
        if mlp.sizes[0] != data.X.shape[1]:
            raise ValueError(f"{self.dataset} has {data.X.shape[1]} input(s): the first size "
                             f"must be {data.X.shape[1]}, got {mlp.sizes[0]}")
        if data.task == "classification":
            if mlp.loss != "cross_entropy":
                raise ValueError(f"{self.dataset} is a classification set: use "
                                 "loss cross_entropy")
            if mlp.sizes[-1] != data.n_classes:
                raise ValueError(f"{self.dataset} has {data.n_classes} classes: the last size "
                                 f"must be {data.n_classes}, got {mlp.sizes[-1]}")
        elif mlp.loss != "mse" or mlp.sizes[-1] != 1:
            raise ValueError(f"{self.dataset} is a regression set: use loss mse and "
                             "one output (last size 1)")
        _ = self.split  # refuses a fraction that leaves an empty part

    def _check_csv(self) -> None:
        """A CSV dataset: its path made absolute, named ``CSV``, no generator options; the
        file is read now (``DatasetError`` names the line of a bad row). Classes come in
        the plane (``x1,x2,label``), as the network views draw them."""
        if not isinstance(self.csv, str) or not self.csv:
            raise ValueError(f"csv must be the path of a CSV file, got {self.csv!r}")
        if self.options:
            raise ValueError("a dataset read from a CSV file takes no dataset options")
        object.__setattr__(self, "csv", os.path.abspath(self.csv))
        object.__setattr__(self, "dataset", CSV)
        object.__setattr__(self, "options", MappingProxyType({}))
        if self.data.task == "classification" and self.data.X.shape[1] != 2:
            raise ValueError(f"{self.csv}: a network classifies points in the plane: its "
                             "file needs the header x1,x2,label (a file x,label is for the "
                             "logistic_regression landscape)")

    def _key(self) -> tuple[object, ...]:
        return (self.dataset, self.sizes, self.activation, self.loss,
                tuple(sorted(self.options.items())), self.data_seed, self.test_fraction,
                self.csv)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NetworkSpec) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @functools.cached_property
    def mlp(self) -> MLP:
        return MLP(self.sizes, self.activation, self.loss)

    @functools.cached_property
    def data(self) -> Dataset:
        """The whole dataset: read from ``csv``, else generated from ``options`` and
        ``data_seed``."""
        if self.csv is not None:
            return load_csv(Path(self.csv))
        return DATASETS[self.dataset].make(self.data_seed, **self.options)

    @functools.cached_property
    def split(self) -> tuple[Dataset, Dataset]:
        """``(train, test)``: ``test_fraction`` of the data held out, seeded by data_seed."""
        return self.data.split(self.test_fraction, self.data_seed)

    def initial_weights(self, seed: int) -> Array:
        """The MLP's initial weights ``(p,)`` drawn from ``seed``."""
        return self.mlp.init(seed)

    def build(self, seed: int = 0) -> NetworkObjective:
        """The training loss as an objective starting at the weights drawn from ``seed``."""
        train, test = self.split
        return NetworkObjective(self.mlp, train, test, self.initial_weights(seed))


class NetworkObjective:
    """The mean training loss of ``mlp`` over weight vectors ``(n, p)``; see the module."""

    name = NAME
    domain = None  # no view box: only non-finite values mean diverged
    group = "network"

    def __init__(self, mlp: MLP, train: Dataset, test: Dataset, start: Array) -> None:
        self.mlp, self.train, self.test = mlp, train, test
        self.dim = mlp.n_params
        self.start = tuple(float(v) for v in start)
        self.minima: Array = np.empty((0, self.dim))
        # the targets in the array type the MLP takes (int labels or float targets)
        self._y = {"train": cast(Array, train.y), "test": cast(Array, test.y)}

    def value_and_grad(self, params: npt.ArrayLike) -> tuple[Array, Array]:
        """Training loss ``(...)`` and its gradient ``(..., p)`` at weights ``(..., p)``."""
        thetas = np.asarray(params, dtype=np.float64)
        return self.mlp.loss_and_grad_batch(thetas, self.train.X, self._y["train"])

    def value(self, params: npt.ArrayLike) -> Array:
        return self.value_and_grad(params)[0]

    def hessian(self, params: Array) -> Array:
        """Not available: a network's Hessian has p² entries (ValueError)."""
        raise ValueError("a network has no Hessian here: second-order methods that need "
                         "one cannot race on it")

    def test_loss(self, params: npt.ArrayLike) -> Array:
        """The mean loss ``(...)`` on the held-out test set."""
        thetas = np.asarray(params, dtype=np.float64)
        return self.mlp.loss_and_grad_batch(thetas, self.test.X, self._y["test"])[0]

    def accuracy(self, params: npt.ArrayLike, on: str = "test") -> Array:
        """The share ``(...)`` of correctly classified samples of ``on`` ("train"/"test")."""
        data = self.test if on == "test" else self.train
        probs = self.mlp.predict(np.asarray(params, dtype=np.float64), data.X)
        hit: Array = (probs.argmax(axis=-1) == data.y).mean(axis=-1)
        return hit

    def batch_size(self, optimizer: str, hyper: Mapping[str, Any]) -> int | None:
        """The minibatch an optimizer with these hyperparameters draws, or None when it
        steps on the whole training set (every optimizer but ``sgd``, and an sgd batch at
        least as large as the training set)."""
        return minibatch_size(optimizer, hyper, self.train.n_samples)

    def stochastic_gradient(self, params: Array, grad: Array, step: int, seed: int,
                            optimizer: Optimizer) -> Array:
        """The gradient ``(n, p)`` the update that leaves ``step`` is fed: ``grad`` (the
        full training gradient at ``params``) for every optimizer but ``sgd``, whose
        gradient is that of the minibatch ``batch_at(step, …, batch_size, seed)`` (the same
        batch for every one of the n networks). A batch of the whole training set is the
        full gradient itself, so such an sgd run equals gd exactly."""
        size = self.batch_size(optimizer.name, optimizer.hyper)
        if size is None:
            return grad
        index = batch_index(step, self.train.n_samples, size, seed)
        _, g = self.mlp.loss_and_grad_batch(params, self.train.X[index],
                                            self._y["train"][index])
        return g
