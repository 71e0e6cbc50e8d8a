"""The Session: the model every view draws from."""

import numpy as np
import pytest

import gdviz
from gdviz.ui.session import Session


def test_three_runs_match_the_engine(session, qtbot):
    session.step_forward(120)
    assert session.step == 120
    for i, (kind, lr) in enumerate((("gd", 1e-3), ("momentum", 1e-3), ("adam", 0.02))):
        t = gdviz.run("rosenbrock", kind, steps=120, lr=lr)
        np.testing.assert_array_equal(session.trail(i), t.params[:, 0, :])
        steps, loss, gnorm = session.history(i)
        np.testing.assert_array_equal(steps, np.arange(121))
        np.testing.assert_array_equal(loss, t.loss[:, 0])
        np.testing.assert_allclose(gnorm, t.grad_norm[:, 0], rtol=1e-14)


def test_step_back_and_seek_restore_exact_positions(session):
    session.step_forward(60)
    at_60 = [s.params.copy() for s in session.frame()]
    session.seek(25)
    t = gdviz.run("rosenbrock", "adam", steps=60, lr=0.02)
    np.testing.assert_array_equal(session.snapshot(2).params[0], t.params[25, 0])
    session.step_back()
    assert session.step == 24
    np.testing.assert_array_equal(session.snapshot(2).params[0], t.params[24, 0])
    session.step_forward(36)  # replays the recorded rows
    assert session.step == 60
    for a, s in zip(at_60, session.frame(), strict=True):
        np.testing.assert_array_equal(a, s.params)


def test_hyper_edit_changes_later_steps_only(session):
    session.step_forward(50)
    before = session.history(2)[1].copy()
    session.seek(30)
    session.set_hyper(2, "lr", 0.05)
    assert session.head_step == 30 and [e.step for e in session.runs[2].edits] == [30]
    session.step_forward(20)
    after = session.history(2)[1]
    np.testing.assert_array_equal(after[:31], before[:31])
    assert not np.array_equal(after[31:], before[31:])
    # the same as running 30 steps at 0.02 then switching: the engine agrees
    first = gdviz.run("rosenbrock", "adam", steps=30, lr=0.02)
    np.testing.assert_array_equal(session.trail(2)[:31], first.params[:, 0, :])


def test_invalid_hyper_is_refused_and_nothing_changes(session):
    session.step_forward(10)
    for bad in ("-1", "0", "abc", "nan"):
        with pytest.raises(ValueError):
            session.set_hyper(0, "lr", bad)
    with pytest.raises(ValueError, match="no hyperparameter"):
        session.set_hyper(0, "beta1", 0.5)
    assert session.runs[0].hyper["lr"] == 1e-3 and session.head_step == 10


def test_divergence_is_marked_and_the_race_goes_on(qtbot):
    s = Session("rosenbrock")
    s.add_run("gd", lr=1.0)
    s.add_run("adam", lr=0.02)
    s.step_forward(30)
    gd, adam = s.frame()
    assert gd.status[0] == "diverged" and np.all(np.isfinite(gd.params))
    assert adam.status[0] == "running" and s.step == 30
    assert "diverged at step" in s.summary()


def test_start_click_and_own_start(session):
    session.step_forward(5)
    session.set_start((0.5, 2.0))
    assert session.step == 0 and session.head_step == 0
    np.testing.assert_array_equal(session.trail(0)[0], [0.5, 2.0])
    session.set_start((-1.0, -0.5), run=1)
    np.testing.assert_array_equal(session.trail(1)[0], [-1.0, -0.5])
    np.testing.assert_array_equal(session.trail(0)[0], [0.5, 2.0])
    with pytest.raises(ValueError):
        session.set_start((1.0,))


def test_play_advances_and_stops_at_the_race_length(session, qtbot):
    session.set_speed(1000)
    session.set_steps(40)
    session.play()
    qtbot.waitUntil(lambda: not session.playing, timeout=5000)
    assert session.head_step == 40


def test_convergence_stops_the_race(qtbot):
    s = Session("quadratic")
    s.add_run("gd", lr=0.1)
    s.set_tol(1e-6)
    s.set_speed(1000)
    s.play()
    qtbot.waitUntil(lambda: not s.playing, timeout=10000)
    assert s.frame()[0].status[0] == "converged" and s.head_step < s.steps


def test_landscape_switch_and_1d(session):
    session.set_landscape("double_well")
    assert session.landscape.dim == 1 and session.start == tuple(session.landscape.start)
    session.step_forward(10)
    assert session.trail(0).shape == (11, 1)
    x = session.next_point(0)
    assert x.shape == (1,)
    assert np.isfinite(session.value_at((0.3,)))


def test_log_loss_default_follows_the_landscape(qtbot):
    """Without a minimum (saddles) the loss axis starts linear; the user may switch it."""
    s = Session("saddle")
    assert not s.display["log_loss"]
    seen = []
    s.sigDisplayChanged.connect(lambda: seen.append(s.display["log_loss"]))
    s.set_landscape("rosenbrock")
    assert s.display["log_loss"] and seen == [True]
    s.set_landscape("monkey_saddle")
    assert not s.display["log_loss"] and seen == [True, False]
    s.set_display("log_loss", True)
    assert s.display["log_loss"]


def test_generated_label_follows_the_learning_rate_but_a_typed_one_stays(session):
    session.set_hyper(2, "lr", 0.05)
    assert session.runs[2].label == "adam η=0.05"
    session.set_appearance(0, label="plain GD")
    session.set_hyper(0, "lr", 0.002)
    assert session.runs[0].label == "plain GD"
