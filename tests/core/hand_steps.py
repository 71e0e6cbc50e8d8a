"""Shared by the by-hand optimizer tests: run an optimizer on a list of gradients from one
point, apply a one-coordinate rule written by hand to each coordinate, compare closely."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gdviz.core.optimizers import Optimizer

THETA0 = (0.8, -1.3)
REL = 1e-15
Grads = Sequence[tuple[float, float]]


def run_updates(opt: Optimizer, grads: Grads) -> list[tuple[np.ndarray, Any]]:
    """Feed ``grads`` to ``opt`` from THETA0; list of (params, state) after each update."""
    p = np.array(THETA0)
    state = opt.init(p)
    out = []
    for g in grads:
        p, state = opt.update(np.array(g), state, p)
        out.append((p, state))
    return out


def by_coordinate(hand: Callable[..., list[Any]], *args: Any, grads: Grads,
                  **kwargs: Any) -> list[list[np.ndarray]]:
    """Apply a one-coordinate rule to each coordinate of THETA0; result[t][field] is an
    array over the coordinates (or the shared scalar)."""
    columns = [hand(THETA0[i], [g[i] for g in grads], *args, **kwargs)
               for i in range(len(THETA0))]
    steps = []
    for t in range(len(grads)):
        fields = zip(*(col[t] for col in columns), strict=True)
        steps.append([np.array(f, dtype=np.float64) for f in fields])
    return steps


def assert_rel(got: Any, want: Any, rel: float = REL) -> None:
    """Equal to ``rel`` relative, coordinate by coordinate (a state scalar shared by all
    coordinates may stand for the hand rule's equal per-coordinate values)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if want.ndim == 1 and np.all(want == want[0]) and got.ndim == 0:
        want = want[0]
    assert got.shape == want.shape
    pairs = zip(got.flat, want.flat, strict=True)
    ok = [math.isclose(a, b, rel_tol=rel, abs_tol=0.0) for a, b in pairs]
    assert all(ok), f"got {got.tolist()} want {want.tolist()}"


def assert_elementwise_in_any_shape(opt: Optimizer, steps: int) -> None:
    """The same numbers laid out as (3,4,2), (24,) or (12,2) give the same updates over
    ``steps`` random gradients, and one point on its own gives what it gives in a batch."""
    rng = np.random.default_rng(2)
    p0 = rng.normal(size=(3, 4, 2))
    grads = rng.normal(size=(steps, 3, 4, 2))
    results = []
    for shape in [(3, 4, 2), (24,), (12, 2)]:
        p = p0.reshape(shape)
        state = opt.init(p)
        for g in grads:
            p, state = opt.update(g.reshape(shape), state, p)
        results.append(p.reshape(3, 4, 2))
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])
    one = p0.reshape(12, 2)[5]
    state = opt.init(one)
    for g in grads:
        one, state = opt.update(g.reshape(12, 2)[5], state, one)
    np.testing.assert_array_equal(one, results[2].reshape(12, 2)[5])
