"""What the network views read from the Session on a network race: the data, the weights
at the cursor, train/test metrics along the recording, class probabilities, one sample's
backward pass and loss-landscape slices. Read-only; every number comes from core
(``network_read``, ``slices``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

import numpy as np

from gdviz.core import network_read, slices
from gdviz.core.datasets import Dataset
from gdviz.core.network import NetworkObjective, NetworkSpec
from gdviz.core.race import Race


class NetworkReadout:
    """Mixed into the Session, which provides ``race``."""

    race: Race

    @property
    def is_network(self) -> bool:
        return self.race.spec.network is not None

    @property
    def problem_name(self) -> str:
        """A short name of what is raced on, for file names: the landscape's name, or
        the dataset's with "-network"."""
        network = self.race.spec.network
        return self.race.spec.landscape if network is None else f"{network.dataset}-network"

    @property
    def problem_title(self) -> str:
        """What is raced on, for a header: the landscape's title, or the network's
        layers and dataset ("2-16-16-3 tanh network on spiral")."""
        network = self.race.spec.network
        if network is None:
            return self.race.landscape.title
        sizes = "-".join(str(n) for n in network.sizes)
        return f"{sizes} {network.activation} network on {network.dataset}"

    @property
    def network(self) -> NetworkSpec:
        """The network and its data (ValueError on a landscape race)."""
        if self.race.spec.network is None:
            raise ValueError("this race is on a landscape, not a network")
        return self.race.spec.network

    @property
    def objective(self) -> NetworkObjective:
        obj = self.race.objective
        if not isinstance(obj, NetworkObjective):
            raise ValueError("this race is on a landscape, not a network")
        return obj

    @property
    def train_data(self) -> Dataset:
        return self.objective.train

    @property
    def test_data(self) -> Dataset:
        return self.objective.test

    def weights(self, i: int) -> np.ndarray:
        """Run ``i``'s weights at the cursor, ``(p,)``."""
        return self.race.frame()[i].params[0]

    def weight_grad(self, i: int) -> np.ndarray:
        """The full training gradient at run ``i``'s weights at the cursor, ``(p,)``."""
        return self.race.frame()[i].grad[0]

    def batch_size(self, i: int) -> int | None:
        """The minibatch run ``i`` draws (None: the whole training set every step)."""
        r = self.race.runs[i]
        return self.objective.batch_size(r.optimizer, r.hyper_at(self.race.step))

    def steps_per_epoch(self) -> int:
        """Updates in one epoch of the run with the smallest minibatch (1 when every run
        takes the whole training set each step)."""
        n = self.objective.train.n_samples
        return max((network_read.steps_per_epoch(n, self.batch_size(i))
                    for i in range(len(self.race.runs))), default=1)

    def network_metrics(self, i: int) -> tuple[np.ndarray, np.ndarray, network_read.Metrics]:
        """Run ``i`` over the whole recording: steps, epochs and train/test metrics
        (each step's numbers computed once per recording)."""
        logs = self._metric_logs()
        while len(logs) <= i:
            logs.append(network_read.MetricsLog(self.objective))
        steps, thetas = self.race.recorded_params(i)
        epochs = network_read.epochs(steps, self.objective.train.n_samples, self.batch_size(i))
        return steps, epochs, logs[i].at(steps, thetas)

    def _metric_logs(self) -> list[network_read.MetricsLog]:
        key = (id(self.race.objective), self.race.lineage, len(self.race.runs))
        cache: tuple[object, list[network_read.MetricsLog]] | None = getattr(
            self, "_metrics_cache", None)
        if cache is None or cache[0] != key:
            cache = (key, [])
            self._metrics_cache = cache
        return cache[1]

    def metrics_now(self, i: int) -> network_read.Metrics:
        """Run ``i``'s train/test loss and accuracy at the cursor (arrays of one)."""
        return network_read.metrics(self.objective, self.weights(i)[None, :])

    def data_box(self) -> network_read.Box:
        return network_read.data_box(self.objective)

    def class_field(self, i: int, box: network_read.Box,
                    res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run ``i``'s class probabilities over the input plane (see ``network_read``)."""
        return network_read.class_field(self.objective, self.weights(i), box, res)

    def fitted_curve(self, i: int, x_range: tuple[float, float],
                     res: int) -> tuple[np.ndarray, np.ndarray]:
        return network_read.fitted_curve(self.objective, self.weights(i), x_range, res)

    def layer_grad_norms(self, i: int) -> list[float]:
        """‖∂L/∂θ‖ per layer of the full training gradient at run ``i``'s weights."""
        return network_read.layer_grad_norms(self.objective, self.weight_grad(i))

    def trace(self, i: int, sample: int, on: str = "train") -> network_read.Trace:
        """One sample's forward and backward pass at run ``i``'s weights at the cursor."""
        return network_read.trace(self.objective, self.weights(i), sample, on)

    def hardest_sample(self, i: int, on: str = "train") -> int:
        """The sample of the ``on`` set with the largest loss at run ``i``'s weights."""
        return network_read.hardest_sample(self.objective, self.weights(i), on)

    def weight_at(self, layer: int, row: int | None, col: int) -> network_read.Weight:
        """Where a weight of the network sits in the flat vector (ValueError if none)."""
        return network_read.weight_at(self.objective.mlp, layer, row, col)

    def chain_terms(self, i: int, weight: network_read.Weight) -> network_read.ChainTerms:
        """Run ``i``'s gradient of ``weight`` for the update that leaves the cursor, sample
        by sample over the batch that update averages (sgd's minibatch, else all)."""
        r, step = self.race.runs[i], self.race.step
        samples = network_read.batch_index(self.objective, r.optimizer, dict(r.hyper_at(step)),
                                           step, self.race.spec.seed_of(i))
        return network_read.chain_terms(self.objective, self.weights(i), weight, samples)

    def loss_slice(self, kind: str = "pca", centre_run: int = 0, res: int = 41,
                   span: float = 1.0, seed: int = 0) -> slices.Slice:
        """The training loss on a plane through run ``centre_run``'s weights at the
        cursor, with every run's trajectory up to the cursor projected onto it
        (``slices.race_slice``: "pca" or "random" directions)."""
        return self.loss_slice_job(kind, centre_run, res, span, seed)()

    def loss_slice_job(self, kind: str = "pca", centre_run: int = 0, res: int = 41,
                       span: float = 1.0, seed: int = 0) -> Callable[[], slices.Slice]:
        """``loss_slice`` with its inputs taken now (copies of the centre and the trails),
        computed when called, on any thread: the race may move on meanwhile."""
        obj = self.objective
        trails = [self.race.trail(r).copy() for r in range(len(self.race.runs))]
        labels = cast(np.ndarray, obj.train.y)  # class indices or targets, as the MLP takes
        return functools.partial(slices.race_slice, obj.mlp, obj.train.X, labels,
                                 self.weights(centre_run).copy(), trails, kind, res, span,
                                 seed)
