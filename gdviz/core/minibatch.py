"""Minibatches: which samples the update that leaves a step averages over.

An objective made of data (a network's training set, a data landscape's samples) feeds
``sgd`` the gradient of a seeded minibatch instead of the full gradient: ``Minibatched``
is what a run asks of such an objective, and the two helpers below are the one rule
both kinds follow. The batch of the update that leaves ``step`` is
``mlp.batch_at(step, n_samples, batch_size, seed)`` (a fresh seeded shuffle per epoch),
the same for every start of a run, so a run resumed at any step, or a batch of starts cut
into pieces, draws the same batches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from gdviz.core.mlp import batch_at
from gdviz.core.optimizers import Optimizer

Array = npt.NDArray[np.float64]
Index = npt.NDArray[np.int64]


class Minibatched(Protocol):
    """An objective whose ``sgd`` gradient comes from minibatches of its samples."""

    def batch_size(self, optimizer: str, hyper: Mapping[str, Any]) -> int | None:
        """The minibatch size the optimizer draws, or None for the full gradient."""

    def stochastic_gradient(self, params: Array, grad: Array, step: int, seed: int,
                            optimizer: Optimizer) -> Array:
        """The gradient ``(n, dim)`` the update that leaves ``step`` is fed; ``grad`` is
        the full gradient at ``params``."""


def minibatch_size(optimizer: str, hyper: Mapping[str, Any], n_samples: int) -> int | None:
    """The minibatch an optimizer with these hyperparameters draws from ``n_samples``
    samples, or None when it steps on all of them: every optimizer but ``sgd``, and an sgd
    batch at least as large as the data (which is then exactly ``gd``)."""
    size = hyper.get("batch_size")
    if optimizer != "sgd" or size is None or int(size) >= n_samples:
        return None
    return int(size)


def batch_index(step: int, n_samples: int, size: int | None, seed: int) -> Index:
    """The samples ``(b,)`` the update that leaves ``step`` averages over: the seeded
    minibatch of ``size`` (see the module), or all of them in order when ``size`` is None."""
    if size is None:
        return np.arange(n_samples, dtype=np.int64)
    return batch_at(step, n_samples, size, seed)
