"""The timeline packs snapshots exactly, stays bounded and restores any kept step."""

import numpy as np
import pytest

from gdviz.core.landscapes import get_landscape
from gdviz.core.optimizers import make_optimizer
from gdviz.core.run import Stepper
from gdviz.core.timeline import Timeline

KINDS = [("gd", {}), ("momentum", {}), ("nesterov", {}), ("adagrad", {"lr": 0.1}),
         ("rmsprop", {"momentum": 0.5}), ("adam", {"lr": 0.02}), ("adamw", {"lr": 0.02}),
         ("sgd", {"noise": 3.0})]


def steppers(landscape="rosenbrock"):
    land = get_landscape(landscape)
    return [Stepper(land, make_optimizer(k, **h), [land.start], seed=i)
            for i, (k, h) in enumerate(KINDS)]


def assert_same(a, b):
    assert a.step == b.step
    for name in ("params", "loss", "grad", "stopped_at"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert list(a.status) == list(b.status)
    assert type(a.state) is type(b.state)
    for x, y in zip(a.state, b.state, strict=True):
        np.testing.assert_array_equal(x, y)
        assert type(x) is type(y)


def test_frames_round_trip_exactly():
    ss = steppers()
    tl = Timeline([s.snapshot for s in ss])
    kept = [[s.snapshot for s in ss]]
    for _ in range(30):
        kept.append([s.advance() for s in ss])
        tl.append(kept[-1])
    assert len(tl) == 31 and tl.head_step == 30
    for row in (0, 1, 17, 30):
        for a, b in zip(tl.frame(row), kept[row], strict=True):
            assert_same(a, b)


def test_restore_from_a_kept_row_reproduces_the_future():
    ss = steppers()
    tl = Timeline([s.snapshot for s in ss])
    for _ in range(40):
        tl.append([s.advance() for s in ss])
    later = tl.frame(40)
    for s, snap in zip(ss, tl.frame(25), strict=True):
        s.restore(snap)
    for _ in range(15):
        frame = [s.advance() for s in ss]
    for a, b in zip(frame, later, strict=True):
        assert_same(a, b)


def test_capacity_bounds_memory_and_keeps_recent_rows_dense():
    land = get_landscape("quadratic")
    s = Stepper(land, make_optimizer("gd", lr=0.01), [land.start])
    tl = Timeline([s.snapshot], capacity=64)
    for _ in range(1000):
        tl.append([s.advance()])
    assert len(tl) <= 64
    steps = np.asarray(tl.steps)
    assert steps[0] == 0 and steps[-1] == 1000
    assert np.all(np.diff(steps) > 0)
    assert np.all(np.diff(steps[-16:]) == 1)  # the newest rows are every step
    assert tl.frame(len(tl) - 1)[0].step == 1000
    np.testing.assert_array_equal(tl.frame(len(tl) - 1)[0].params, s.snapshot.params)


def test_row_of_truncate_and_columns():
    land = get_landscape("booth")
    s = Stepper(land, make_optimizer("adam", lr=0.1), [land.start])
    tl = Timeline([s.snapshot])
    snaps = [s.snapshot]
    for _ in range(10):
        snaps.append(s.advance())
        tl.append([snaps[-1]])
    assert tl.row_of(4) == 4 and tl.row_of(-3) == 0 and tl.row_of(99) == 10
    np.testing.assert_array_equal(tl.params(0, 5)[:, 0], [x.params[0] for x in snaps[:6]])
    np.testing.assert_array_equal(tl.loss(0)[:, 0], [x.loss[0] for x in snaps])
    np.testing.assert_allclose(tl.grad_norm(0)[:, 0],
                               [np.linalg.norm(x.grad[0]) for x in snaps], rtol=1e-15)
    tl.truncate(3)
    assert len(tl) == 4 and tl.head_step == 3
    with pytest.raises(ValueError, match="increase"):
        tl.append([snaps[2]])
    with pytest.raises(IndexError):
        tl.frame(4)


def test_status_survives_packing():
    land = get_landscape("rosenbrock")
    s = Stepper(land, make_optimizer("gd", lr=1.0), [land.start, (1.0, 1.0)], tol=1e-9)
    tl = Timeline([s.snapshot])
    for _ in range(5):
        tl.append([s.advance()])
    last = tl.frame(len(tl) - 1)[0]
    assert list(last.status) == ["diverged", "converged"]
    np.testing.assert_array_equal(last.stopped_at, s.snapshot.stopped_at)


def test_capacity_is_bounded_in_bytes_for_wide_rows():
    """A frame of 20 000 floats (a long optimizer history, many weights) keeps fewer rows
    so that the timeline stays below its byte budget."""
    import gdviz.core.timeline as timeline_module
    from gdviz.core.landscapes import get_landscape
    from gdviz.core.optimizers import make_optimizer
    from gdviz.core.run import Stepper

    starts = np.random.default_rng(0).uniform(-2, 2, (5_000, 2))
    stepper = Stepper(get_landscape("rosenbrock"), make_optimizer("adam", lr=0.01), starts)
    t = timeline_module.Timeline([stepper.snapshot], capacity=20_000, max_bytes=8 * 2**20)
    width = t._rows.shape[1]
    assert t.capacity == 8 * 2**20 // (8 * width) < 20_000
    for _ in range(3 * t.capacity):
        t.append([stepper.advance()])
    assert len(t) <= t.capacity and t._rows.nbytes <= 8 * 2**20
    assert timeline_module.Timeline([stepper.snapshot], max_bytes=1).capacity == 8
