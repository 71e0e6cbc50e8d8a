"""What the data views read from the Session on a data landscape (a loss computed from
samples, e.g. linear or logistic regression): the samples, each run's fitted model at the
cursor, the minibatch the next update uses and that minibatch's own loss landscape.
Read-only; every number comes from core (``data_read``, ``probe``)."""

from __future__ import annotations

import numpy as np

from gdviz.core import data_read, probe
from gdviz.core.datasets import Dataset
from gdviz.core.landscapes_data import DataLandscape
from gdviz.core.race import Race


class DataReadout:
    """Mixed into the Session, which provides ``race``."""

    race: Race

    @property
    def is_data(self) -> bool:
        """True on a landscape computed from samples."""
        return isinstance(self.race.objective, DataLandscape)

    @property
    def data_landscape(self) -> DataLandscape:
        obj = self.race.objective
        if not isinstance(obj, DataLandscape):
            raise ValueError("this race is not on a landscape computed from data")
        return obj

    @property
    def samples(self) -> Dataset:
        return self.data_landscape.data()

    def samples_box(self) -> data_read.Box:
        """The axes of the data panel (see ``data_read.data_box``)."""
        return data_read.data_box(self.data_landscape)

    def theta(self, i: int) -> np.ndarray:
        """Run ``i``'s parameters at the cursor, ``(dim,)``."""
        return self.race.frame()[i].params[0]

    def fitted(self, i: int, x_range: tuple[float, float],
               res: int = 200) -> tuple[np.ndarray, np.ndarray]:
        """Run ``i``'s fitted line, or its probability curve, over ``x_range``."""
        return data_read.fitted_curve(self.data_landscape, self.theta(i), x_range, res)

    def boundary(self, i: int, box: data_read.Box) -> np.ndarray:
        """Run ``i``'s decision boundary inside ``box`` (``data_read.boundary``)."""
        land = self.data_landscape
        return data_read.boundary(land, self.theta(i), box[: land.dim - 1])

    def probability_grid(self, i: int, box: data_read.Box,
                         res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return data_read.probability_grid(self.data_landscape, self.theta(i), box, res)

    def batch_now(self, i: int) -> tuple[np.ndarray, int | None]:
        """The samples run ``i``'s next update averages over, and its batch size (None:
        all of them, the full gradient)."""
        land, r, step = self.data_landscape, self.race.runs[i], self.race.step
        size = land.batch_size(r.optimizer, r.hyper_at(step))
        return land.batch_at(step, self.race.spec.seed_of(i), size), size

    def batch_grid(self, i: int, box: probe.Box,
                   res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The loss of run ``i``'s next minibatch over a grid of the parameter plane."""
        _, size = self.batch_now(i)
        return probe.batch_grid(self.data_landscape, box, res, self.race.step,
                                self.race.spec.seed_of(i), size)
