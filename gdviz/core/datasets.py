"""Toy data for network mode: 2-D classification sets, a 1-D regression curve, CSV import.

A :class:`Dataset` holds ``X (n, d) float64`` and ``y``: integer class labels ``(n,) int64``
in ``0..n_classes−1`` for classification, float targets ``(n, 1)`` for regression (the
shape an MLP's output has, so ``mse`` compares like with like). Every generator is a pure
function of ``(n_samples, noise, seed, **options)``; its classes take turns (sample i has
class i mod k), so class sizes differ by at most one. ``noise`` is the standard deviation
of Gaussian jitter added to the points (to the targets for regression).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from gdviz.core.hyper import Hyper, Value

Array = npt.NDArray[np.float64]
Task = Literal["classification", "regression"]
K = TypeVar("K", float, str)
MAX_ROWS, MAX_CLASSES = 100_000, 10
# the CSV headers: feature columns, then the target (y) or class (label) column
HEADERS: dict[tuple[str, ...], Task] = {("x1", "x2", "label"): "classification",
                                        ("x", "label"): "classification",
                                        ("x", "y"): "regression"}
EXPECTED = "'x,y' (regression), 'x,label' or 'x1,x2,label' (classification)"

N_SAMPLES = Hyper("n_samples", 200, 4, MAX_ROWS, "number of points", kind="int")
CLASSES = Hyper("classes", 3, 2, 6, "number of classes", kind="int")
FACTOR = Hyper("factor", 0.5, 0.05, 0.95, "radius of the inner circle")
TURNS = Hyper("turns", 1.0, 0.25, 3.0, "turns of each spiral arm")
FREQUENCY = Hyper("frequency", 1.0, 0.25, 4.0, "half-periods of the sine over [−1, 1]")


def _noise(default: float) -> Hyper:
    return Hyper("noise", default, 0.0, 10.0, "std of the Gaussian jitter added to the data")


class DatasetError(ValueError):
    """A CSV file (or text) that is not a valid dataset; the message says where and why."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """``X (n, d)``, ``y (n,) int64`` (classification) or ``(n, 1) float64`` (regression).

    ``class_names[i]`` is the label class i had in its source (``"0"``, ``"1"``… for
    generated data); regression sets have ``n_classes = 0`` and no class names. The arrays
    are read-only copies.
    """

    name: str
    task: Task
    X: Array = field(repr=False)
    y: npt.NDArray[np.int64] | Array = field(repr=False)
    n_classes: int = 0
    class_names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.task not in ("classification", "regression"):
            raise ValueError(f"task must be classification or regression, got {self.task!r}")
        X = np.array(self.X, dtype=np.float64)
        n = X.shape[0] if X.ndim == 2 else -1
        if n < 1 or not np.isfinite(X).all():
            raise ValueError(f"X must be a finite (n, d) array, got shape {X.shape}")
        y: npt.NDArray[Any]
        if self.task == "classification":
            y = np.array(self.y, dtype=np.int64)
            if y.shape != (n,) or not (0 <= y.min() and y.max() < self.n_classes):
                raise ValueError(f"y must be ({n},) labels in 0..{self.n_classes - 1}")
            names = self.class_names or tuple(str(c) for c in range(self.n_classes))
            if len(names) != self.n_classes:
                raise ValueError(f"{self.n_classes} classes but {len(names)} class names")
        else:
            y, names = np.array(self.y, dtype=np.float64).reshape(-1, 1), ()
            if y.shape != (n, 1) or self.n_classes or not np.isfinite(y).all():
                raise ValueError(f"regression needs finite targets of shape ({n}, 1)")
        X.flags.writeable = y.flags.writeable = False
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "class_names", names)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    def subset(self, index: npt.NDArray[np.int64]) -> Dataset:
        """The samples at ``index``, in that order."""
        return Dataset(self.name, self.task, self.X[index], self.y[index], self.n_classes,
                       self.class_names)

    def split(self, test_fraction: float, seed: int) -> tuple[Dataset, Dataset]:
        """``(train, test)``, a seeded shuffle with ``round(test_fraction·count)`` test points
        taken from each class (stratified) or from all points (regression)."""
        if not 0.0 < test_fraction < 1.0:
            raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
        order = np.random.default_rng(seed).permutation(self.n_samples)
        groups = ([order[self.y[order] == c] for c in range(self.n_classes)]
                  if self.task == "classification" else [order])
        is_test = np.zeros(self.n_samples, dtype=bool)
        for g in groups:
            is_test[g[:round(test_fraction * len(g))]] = True
        test, train = order[is_test[order]], order[~is_test[order]]
        if not len(test) or not len(train):
            raise ValueError(f"test_fraction {test_fraction} leaves an empty part of "
                             f"{self.n_samples} samples")
        return self.subset(train), self.subset(test)


# ---- generators ---------------------------------------------------------------------------
def _start(n_samples: int, noise: float, seed: int) -> tuple[int, float, np.random.Generator]:
    n = int(N_SAMPLES.check(n_samples))
    return n, float(_noise(0.0).check(noise)), np.random.default_rng(seed)


def _classes(X: Array, k: int, name: str, noise: float, rng: np.random.Generator) -> Dataset:
    X = X + noise * rng.standard_normal(X.shape)
    return Dataset(name, "classification", X, np.arange(len(X)) % k, k)


def circle(n_samples: int = 200, noise: float = 0.05, seed: int = 0,
           factor: float = 0.5) -> Dataset:
    """Class 0 on the unit circle, class 1 on a circle of radius ``factor`` inside it."""
    n, noise, rng = _start(n_samples, noise, seed)
    radius = np.where(np.arange(n) % 2, float(FACTOR.check(factor)), 1.0)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    return _classes(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), 2,
                    "circle", noise, rng)


def xor(n_samples: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Points in the four quadrants of [−1, 1]²; the class is 1 where x1·x2 < 0."""
    n, noise, rng = _start(n_samples, noise, seed)
    quadrant = np.arange(n) % 4  # (+,+) (+,−) (−,−) (−,+): classes 0 1 0 1
    signs = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1]])[quadrant]
    X = signs * rng.uniform(0.1, 1.0, (n, 2))
    return _classes(X, 2, "xor", noise, rng)


def blobs(n_samples: int = 200, noise: float = 0.3, seed: int = 0, classes: int = 3) -> Dataset:
    """``classes`` round Gaussian clusters (std ``noise``) centred on the unit circle."""
    n, noise, rng = _start(n_samples, noise, seed)
    k = int(CLASSES.check(classes))
    angle = 2 * np.pi * (np.arange(n) % k) / k
    return _classes(np.column_stack([np.cos(angle), np.sin(angle)]), k, "blobs", noise, rng)


def spiral(n_samples: int = 200, noise: float = 0.05, seed: int = 0, classes: int = 2,
           turns: float = 1.0) -> Dataset:
    """``classes`` interleaved arms r = t, angle = 2π(turns·t + arm/classes), t ∈ [0, 1]."""
    n, noise, rng = _start(n_samples, noise, seed)
    k, turns = int(CLASSES.check(classes)), float(TURNS.check(turns))
    t = rng.uniform(0.05, 1.0, n)
    angle = 2 * np.pi * (turns * t + (np.arange(n) % k) / k)
    return _classes(t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), k,
                    "spiral", noise, rng)


def moons(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (class 0 above, class 1 below), centred on 0."""
    n, noise, rng = _start(n_samples, noise, seed)
    t = rng.uniform(0.0, np.pi, n)
    lower = np.arange(n) % 2 == 1
    x = np.where(lower, 1.0 - np.cos(t), np.cos(t)) - 0.5
    y = np.where(lower, 0.5 - np.sin(t), np.sin(t)) - 0.25
    return _classes(np.column_stack([x, y]), 2, "moons", noise, rng)


def wave(n_samples: int = 200, noise: float = 0.1, seed: int = 0,
         frequency: float = 1.0) -> Dataset:
    """Regression: x uniform in [−1, 1], y = sin(π·frequency·x) + noise·N(0, 1)."""
    n, noise, rng = _start(n_samples, noise, seed)
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    y = np.sin(np.pi * float(FREQUENCY.check(frequency)) * x) + noise * rng.standard_normal(n)
    return Dataset("wave", "regression", x[:, None], y[:, None])


@dataclass(frozen=True)
class DatasetSpec:
    """A registry entry; ``options`` excludes the seed, which every generator takes."""

    name: str
    title: str
    description: str
    task: Task
    options: tuple[Hyper, ...]
    generate: Callable[..., Dataset] = field(repr=False)

    @property
    def defaults(self) -> dict[str, Value]:
        return {h.name: h.default for h in self.options}

    def make(self, seed: int = 0, **options: object) -> Dataset:
        """The dataset with its defaults overridden by ``options`` (each checked)."""
        values = self.defaults
        for key, value in options.items():
            spec = next((h for h in self.options if h.name == key), None)
            if spec is None:
                raise ValueError(f"{self.name} has no option {key!r}; valid: "
                                 f"{', '.join(values)}")
            values[key] = spec.check(value)
        return self.generate(seed=seed, **values)


DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec("circle", "Circle", "A ring around a smaller ring: needs a curved boundary.",
                    "classification", (N_SAMPLES, _noise(0.05), FACTOR), circle),
        DatasetSpec("xor", "XOR", "Opposite quadrants share a class: no line separates them.",
                    "classification", (N_SAMPLES, _noise(0.05)), xor),
        DatasetSpec("blobs", "Blobs", "Gaussian clusters, one per class.",
                    "classification", (N_SAMPLES, _noise(0.3), CLASSES), blobs),
        DatasetSpec("spiral", "Spiral", "Interleaved spiral arms, one per class: hard.",
                    "classification", (N_SAMPLES, _noise(0.05), replace(CLASSES, default=2),
                                       TURNS), spiral),
        DatasetSpec("moons", "Moons", "Two interleaving half circles.",
                    "classification", (N_SAMPLES, _noise(0.1)), moons),
        DatasetSpec("wave", "Wave", "Regression: a noisy sine curve y(x).",
                    "regression", (N_SAMPLES, _noise(0.1), FREQUENCY), wave),
    )
}


# ---- CSV import -----------------------------------------------------------------------------
def load_csv(source: str | os.PathLike[str], name: str | None = None) -> Dataset:
    """A dataset from a CSV file (``source`` a path object) or CSV text (``source`` a str).

    The first non-blank line is the header, in any column order: ``x,y`` (regression: X
    ``(n, 1)``, targets ``(n, 1)``), ``x,label`` (classification on one feature, X
    ``(n, 1)``) or ``x1,x2,label`` (classification in the plane, X ``(n, 2)``); blank lines
    are skipped and fields may be quoted.
    Labels: if every label is a number, the classes are the distinct values in increasing
    order (so 0..k−1 keep their meaning); otherwise each distinct text is a class, in sorted
    text order. ``class_names`` keeps the original labels. 2 to 10 classes, 2 to 100 000
    rows. Any problem raises :class:`DatasetError` naming the line; nothing is half-loaded.
    """
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as err:
            raise DatasetError(f"cannot read {path}: {err}") from None
        return _parse(text, name or os.path.splitext(os.path.basename(path))[0])
    return _parse(source.removeprefix("\ufeff"), name or "csv")


def _parse(text: str, name: str) -> Dataset:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                raise DatasetError(f"line {reader.line_num}: more than {MAX_ROWS} data rows")
    except csv.Error as err:
        raise DatasetError(f"line {reader.line_num}: {err}") from None
    if not rows:
        raise DatasetError(f"line 1: the file is empty; expected the header {EXPECTED}")
    (head_line, head), body = rows[0], rows[1:]
    names = tuple(c.strip().lower() for c in head)
    cols = next((cols for cols in HEADERS if sorted(cols) == sorted(names)), None)
    if cols is None:
        hint = " (to read a file, pass a pathlib.Path)" if "\n" not in text else ""
        raise DatasetError(f"line {head_line}: header missing: expected {EXPECTED}, got "
                           f"{','.join(head)!r}{hint}")
    if len(body) < 2:
        raise DatasetError(f"line {head_line}: a dataset needs at least 2 data rows, "
                           f"found {len(body)}")
    for line, cells in body:
        if len(cells) != len(names):
            raise DatasetError(f"line {line}: expected {len(names)} columns "
                               f"({','.join(names)}), got {len(cells)}")
    col = {c: [cells[names.index(c)] for _, cells in body] for c in names}
    lines = [line for line, _ in body]
    task = HEADERS[cols]
    X = np.column_stack([_numbers(col[c], c, lines) for c in cols[:-1]])
    if task == "regression":
        return Dataset(name, task, X, _numbers(col["y"], "y", lines)[:, None])
    labels, class_names = _classes_of(col["label"], lines)
    return Dataset(name, task, X, labels, len(class_names), class_names)


def csv_header(task: Task, features: int) -> str | None:
    """The CSV header that reads into data of ``task`` with ``features`` columns of X
    (``"x,y"``, ``"x,label"``, ``"x1,x2,label"``), or None when no header does."""
    return next((",".join(cols) for cols, t in HEADERS.items()
                 if t == task and len(cols) == features + 1), None)


def _numbers(cells: list[str], column: str, lines: list[int]) -> Array:
    values = np.empty(len(cells))
    for i, (cell, line) in enumerate(zip(cells, lines, strict=True)):
        value = _number(cell)
        if value is None:
            raise DatasetError(f"line {line}: {column} = {cell!r} is not a number")
        if not math.isfinite(value):
            raise DatasetError(f"line {line}: {column} = {cell!r} is not finite")
        values[i] = value
    return values


def _number(cell: str) -> float | None:
    try:
        return None if "_" in cell else float(cell)
    except ValueError:
        return None


def _classes_of(cells: list[str], lines: list[int]) -> tuple[npt.NDArray[np.int64],
                                                               tuple[str, ...]]:
    """Class indices ``(n,)`` and the class names in index order (see :func:`load_csv`)."""
    texts = [c.strip() for c in cells]
    seen: set[str] = set()
    for text, line in zip(texts, lines, strict=True):
        if not text:
            raise DatasetError(f"line {line}: the label is empty")
        seen.add(text)
        if len(seen) > MAX_CLASSES:
            raise DatasetError(f"line {line}: label {text!r} makes {len(seen)} classes; "
                               f"at most {MAX_CLASSES} are supported")
    numbers = [_number(t) for t in texts]
    if all(v is not None and math.isfinite(v) for v in numbers):
        y, values = _ranks([v for v in numbers if v is not None])
        names = tuple(str(int(v)) if v.is_integer() else repr(v) for v in values)
    else:
        y, names_list = _ranks(texts)
        names = tuple(names_list)
    if len(names) < 2:
        raise DatasetError(f"lines {lines[0]}-{lines[-1]}: every label is {texts[0]!r}; "
                           "classification needs at least 2 classes")
    return y, names


def _ranks(keys: list[K]) -> tuple[npt.NDArray[np.int64], list[K]]:
    """Each key's index among the sorted distinct keys, and those keys."""
    distinct = sorted(set(keys))
    index = {k: i for i, k in enumerate(distinct)}
    return np.array([index[k] for k in keys], dtype=np.int64), distinct
