"""Data landscapes: the loss of a linear model on generated data (or on samples of one's
own), registered into ``LANDSCAPES`` (group "data").

A point is the model's parameters ``θ = (w₁ … w_d, b)``; its value is the model's mean
loss over all samples (``data_loss``: squared error for a line, log-loss for a logistic
classifier), with analytic gradients and Hessians. The samples are generated from the
landscape's parameters (``n_samples``, ``noise``, ``data_seed``, …: plain numbers, so
``with_params``, ``--param`` and a scenario's ``params`` set them like any other) and
cached per parameter set. The minimum is the exact least-squares solution or the
logistic fit found by Newton's method; the view and the start follow it when the
parameters change. ``DataModel`` (``data_model``) makes and scores the samples.

What only data has: ``data()`` (the samples, for drawing them), ``batch_value_and_grad``
(the loss of a subset of samples) and the ``Minibatched`` pair (``batch_size``,
``stochastic_gradient``): ``sgd`` with ``batch_size`` steps on the gradient of real
minibatches, in the seeded order of ``mlp.batch_at`` that networks use too; a batch of
at least ``n_samples`` is the full gradient, so that run equals ``gd`` exactly. sgd's
Gaussian ``noise`` does not apply here: the noise of its gradient is the minibatch's.

``with_data`` puts a landscape on fixed samples instead (e.g. read from a CSV file): a
copy without parameters whose minimum, view and start follow those samples;
``landscape_for`` picks the landscape whose model fits a dataset.

Logistic regression has a finite minimum only when the two classes overlap; on
separable data (e.g. ``noise = 0``) the loss falls towards 0 without end as ‖θ‖ grows,
``minima`` is empty and the view stays about the origin. The defaults overlap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from gdviz.core.data_model import DataModel, Generator, design_samples
from gdviz.core.datasets import Dataset, Task, csv_header
from gdviz.core.hyper import Hyper
from gdviz.core.landscapes import LANDSCAPES, Array, Landscape, Params, register
from gdviz.core.minibatch import batch_index, minibatch_size
from gdviz.core.optimizers import Optimizer

# every point of a view is scored on every sample: at 1000 samples the window's 300²
# contour grid of a logistic loss takes about 2 s
N_SAMPLES = Hyper("n_samples", 64, 2, 1000, "number of data points", kind="int")
DATA_SEED = Hyper("data_seed", 0, 0, 2**32 - 1, "seed of the random data", kind="int")
MAX_VALUE = 1e100  # larger numbers in given samples are refused: the loss squares them


@dataclass(frozen=True, eq=False, kw_only=True)
class DataLandscape(Landscape):
    """A ``Landscape`` whose loss is a model's mean loss over data (see the module)."""

    model: DataModel = field(repr=False)

    def data(self) -> Dataset:
        """The samples: ``X (m, d)``, ``y`` (labels ``(m,)`` or targets ``(m, 1)``), task."""
        return self.model.samples(self.params).data

    @property
    def n_samples(self) -> int:
        return self.data().n_samples

    def fits(self, data: Dataset) -> bool:
        """True when ``data`` has this model's task and number of features."""
        return data.task == self.model.task and data.X.shape[1] == self.dim - 1

    @property
    def header(self) -> str:
        """The header of the CSV files this landscape takes (``x,y``, ``x,label``, …)."""
        return csv_header(self.model.task, self.dim - 1) or "?"

    def with_data(self, data: Dataset, source: str) -> DataLandscape:
        """This landscape on the fixed samples ``data`` from ``source`` (e.g. a file's
        path, named by the title and description): without parameters, its minimum, view
        and start those of the samples. ValueError (prefixed by ``source``) unless the data
        fit the model (which header fits which landscape), hold exactly 2 classes for a
        classifier, at most ``N_SAMPLES.hi`` samples and numbers within ±``MAX_VALUE``."""
        if not self.fits(data):
            theirs = csv_header(data.task, data.X.shape[1]) or f"{data.X.shape[1]} features"
            other = next((f"; {theirs} fits {name}" for name, land in LANDSCAPES.items()
                          if isinstance(land, DataLandscape) and land.fits(data)), "")
            raise ValueError(f"{source}: {self.name} takes a file with the header "
                             f"{self.header}, not {theirs}{other}")
        if data.task == "classification" and data.n_classes != 2:
            raise ValueError(f"{source}: {self.name} separates exactly 2 classes, the file "
                             f"has {data.n_classes}: {', '.join(data.class_names)}")
        if data.n_samples > N_SAMPLES.hi:
            raise ValueError(f"{source}: a data landscape takes at most {N_SAMPLES.hi:g} "
                             f"samples (every point of a view is scored on each), got "
                             f"{data.n_samples}")
        if max(np.abs(data.X).max(), np.abs(np.asarray(data.y, float)).max()) > MAX_VALUE:
            raise ValueError(f"{source}: a number beyond ±{MAX_VALUE:g}: the loss squares it")
        model = replace(self.model, specs=(), fixed=design_samples(data))
        minima = model.minima({})
        domain, start = model.frame(minima)
        short = self.title.split(":")[0]
        return replace(self, params={}, minima=minima, domain=domain, start=start,
                       fn=model.fn, minima_fn=model.minima, hess_fn=model.hess, model=model,
                       title=f"{short}: {os.path.basename(source) or source}",
                       description=_described(short, data, source, len(minima) > 0))

    def with_params(self, **params: float) -> DataLandscape:
        """A copy with some parameters replaced (each checked against its range), its data
        regenerated, and its minimum, view and start moved with them."""
        for key, value in params.items():
            try:
                self.model.check(key, value)
            except ValueError as exc:
                raise ValueError(f"landscape {self.name!r}: {exc}") from None
        moved = super().with_params(**params)
        domain, start = self.model.frame(moved.minima)
        return replace(self, params=moved.params, minima=moved.minima, domain=domain,
                       start=start)

    def batch_value_and_grad(self, points: npt.ArrayLike,
                             index: npt.ArrayLike) -> tuple[Array, Array]:
        """The mean loss ``(...)`` and gradient ``(..., dim)`` over the samples ``index``
        only (an array of sample numbers, e.g. a minibatch), at points ``(..., dim)``."""
        pts = self._points(points)
        idx = np.asarray(index)
        n = self.n_samples
        if idx.ndim != 1 or not len(idx) or idx.dtype.kind not in "iu" or idx.min() < 0 \
                or idx.max() >= n:
            raise ValueError(f"landscape {self.name!r}: a batch is a non-empty list of "
                             f"sample numbers in 0..{n - 1}")
        s = self.model.samples(self.params)
        A = s.A[idx]
        value, grad = self.model.loss(pts.reshape(-1, self.dim), A, s.t[idx])
        return value.reshape(pts.shape[:-1]), grad.reshape(pts.shape)

    def batch_size(self, optimizer: str, hyper: Mapping[str, Any]) -> int | None:
        """The minibatch an optimizer draws here, or None for the full gradient (every
        optimizer but ``sgd``, and an sgd batch of at least ``n_samples``)."""
        return minibatch_size(optimizer, hyper, self.n_samples)

    def batch_at(self, step: int, seed: int, size: int | None) -> npt.NDArray[np.int64]:
        """The samples the update that leaves ``step`` averages over with batches of
        ``size`` (None: all of them)."""
        return batch_index(step, self.n_samples, size, seed)

    def stochastic_gradient(self, params: Array, grad: Array, step: int, seed: int,
                            optimizer: Optimizer) -> Array:
        """The gradient ``(n, dim)`` the update that leaves ``step`` is fed: ``grad`` (the
        full gradient at ``params``) for every optimizer but sgd with a batch smaller
        than the data, whose gradient is that of the minibatch ``batch_at(step, seed,
        batch_size)``, the same batch for every start."""
        size = self.batch_size(optimizer.name, optimizer.hyper)
        if size is None:
            return grad
        return self.batch_value_and_grad(params, self.batch_at(step, seed, size))[1]


def _described(what: str, data: Dataset, source: str, has_minimum: bool) -> str:
    """The description of ``what`` (e.g. "Linear regression") on samples from a file."""
    text = f"{what} on the {data.n_samples} samples of {source}"
    if data.task == "regression":
        return (f"{text}: the mean squared error of the line y ≈ w·x + b. Its bottom is "
                "the least-squares line.")
    c0, c1 = data.class_names
    text += f", class 0 = label {c0}, class 1 = label {c1}: the mean log-loss of σ(z)."
    return text + ("" if has_minimum else " The classes do not overlap: the loss falls "
                   "towards 0 without end, there is no finite minimum.")


def landscape_for(data: Dataset) -> str:
    """The name of the data landscape whose model fits ``data``: linear_regression for a
    file ``x,y``, logistic_regression for ``x,label``, logistic_regression2 for
    ``x1,x2,label`` (ValueError when none does)."""
    for name, land in LANDSCAPES.items():
        if isinstance(land, DataLandscape) and land.fits(data):
            return name
    raise ValueError(f"no data landscape fits {data.X.shape[1]} features for "
                     f"{data.task}; the headers are {data_headers_text()}")


def data_headers_text() -> str:
    """Which CSV header fits which landscape, e.g. ``x,y → linear_regression; …``."""
    return "; ".join(f"{land.header} → {name}" for name, land in LANDSCAPES.items()
                     if isinstance(land, DataLandscape))


# ---- the data ------------------------------------------------------------------------------
def _line(rng: np.random.Generator, n: int, params: Params) -> tuple[Array, Array]:
    """x uniform in [0, 2], y = slope·x + intercept + noise·N(0, 1)."""
    x = rng.uniform(0.0, 2.0, n)
    y = params["slope"] * x + params["intercept"] + params["noise"] * rng.standard_normal(n)
    return x[:, None], y


def _two_classes(centre: Array) -> Generator:
    """Sample i has class i mod 2; class 0 about the origin and class 1 about ``centre``,
    both with Gaussian spread ``noise`` in every feature."""
    def generate(rng: np.random.Generator, n: int, params: Params) -> tuple[Array, Array]:
        y = (np.arange(n) % 2).astype(np.float64)
        X = y[:, None] * centre + params["noise"] * rng.standard_normal((n, len(centre)))
        return X, y
    return generate


def _noise(default: float, what: str) -> Hyper:
    return Hyper("noise", default, 0.0, 10.0, what)


def _model(task: Task, generate: Generator, half_width: tuple[float, ...],
           offset: tuple[float, ...], *specs: Hyper) -> DataModel:
    return DataModel(task, (N_SAMPLES, *specs, DATA_SEED), generate, half_width, offset)


def data_landscape(name: str, title: str, formula: str, description: str,
                   model: DataModel) -> DataLandscape:
    """A data landscape with ``model``'s default parameters, its minimum, view and start."""
    params = model.defaults
    minima = model.minima(params)
    domain, start = model.frame(minima)
    return DataLandscape(name=name, dim=len(start), domain=domain, start=start,
                         minima=minima, formula=formula, group="data", title=title,
                         description=description, log_contours=False, params=params,
                         fn=model.fn, minima_fn=model.minima, hess_fn=model.hess, model=model,
                         axes=("w", "b") if len(start) == 2 else ("w₁", "w₂", "b"))


_LOG_LOSS = "(1/n) Σᵢ [log(1 + e^zᵢ) − yᵢ·zᵢ]"
register(
    data_landscape(
        "linear_regression", "Linear regression: fitting a line",
        "(1/n) Σᵢ (w·xᵢ + b − yᵢ)²,  (x, y) = (w, b)",
        "The mean squared error of the line y ≈ w·x + b on n noisy points of the line "
        "slope·x + intercept (x in [0, 2]). A tilted bowl: w and b trade off, so the "
        "valley runs diagonally; its bottom is the least-squares line. sgd with batch_size "
        "steps on the error of a few points at a time and jitters about the bottom.",
        _model("regression", _line, (3.0, 3.0), (-2.5, 2.0),
               _noise(0.5, "std of the Gaussian noise added to y"),
               Hyper("slope", 2.0, -100.0, 100.0, "slope of the line the data follow"),
               Hyper("intercept", 1.0, -100.0, 100.0, "intercept of that line"))),
    data_landscape(
        "logistic_regression", "Logistic regression: one feature, two classes",
        f"{_LOG_LOSS},  zᵢ = w·xᵢ + b,  (x, y) = (w, b)",
        "The mean log-loss (cross-entropy) of the classifier P(class 1 | x) = σ(w·x + b) "
        "on two overlapping classes of n points, one about x = 0 and one about x = 2 "
        "with spread noise. Convex, with its minimum where the classes overlap least; "
        "classes that do not overlap (small noise) have no finite minimum: the loss falls "
        "towards 0 as w grows without end.",
        _model("classification", _two_classes(np.array([2.0])), (4.0, 4.0), (-3.0, 3.0),
               _noise(1.0, "spread of each class about its centre: the overlap"))),
    data_landscape(
        "logistic_regression2", "Logistic regression: two features, two classes",
        f"{_LOG_LOSS},  zᵢ = w₁·x₁ᵢ + w₂·x₂ᵢ + b,  (x, y, z) = (w₁, w₂, b)",
        "The mean log-loss of the classifier σ(w₁·x₁ + w₂·x₂ + b) on two overlapping "
        "Gaussian blobs in the plane, about (0, 0) and (2, 1) with spread noise: a "
        "three-parameter bowl whose line w₁·x₁ + w₂·x₂ + b = 0 is the decision "
        "boundary. Separable blobs (small noise) have no finite minimum.",
        _model("classification", _two_classes(np.array([2.0, 1.0])), (3.0, 3.0, 3.0),
               (-2.0, 2.0, 2.0), _noise(1.0, "spread of each blob: the overlap"))),
)
