"""Scenarios in the window: the ravine story from preset to saved file and back, the
title, broken files, the presets menu, drag and drop, a Session that never lets a view
see an inconsistent state, and the window agreeing with `gdviz run` bit for bit.

Dialogs that would block (QMessageBox.warning/question) are patched; QSettings (the
recent files) are written under tmp_path.
"""

from __future__ import annotations

import csv
import io
import os
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PyQt6.QtGui import QDropEvent
from PyQt6.QtWidgets import QMessageBox

from gdviz.cli import main as cli_main
from gdviz.core.landscapes import LANDSCAPES
from gdviz.core.network import NetworkSpec
from gdviz.core.race import Edit, RaceSpec, RunSpec, run_race
from gdviz.core.run import RUNNING
from gdviz.core.schedules import SCHEDULES
from gdviz.scenario import Scenario, list_presets, load_scenario, preset_names, preset_path
from gdviz.ui.main_window import MainWindow, _dropped_scenario
from gdviz.ui.session import Session
from tests.ui.editing import type_into

# every signal of the session that views follow (sigMessage only carries text)
SIGNALS = sorted(name for name in vars(Session) if name.startswith("sig") and
                 name != "sigMessage")


@pytest.fixture(autouse=True)
def no_dialogs(tmp_path, monkeypatch):
    """Warnings are recorded instead of shown; QSettings live under tmp_path."""
    fmt, scope = QSettings.Format.NativeFormat, QSettings.Scope.UserScope
    QSettings.setPath(fmt, scope, str(tmp_path / "settings"))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *a: warnings.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Discard)
    yield warnings
    QSettings.setPath(fmt, scope, os.environ.get("XDG_CONFIG_HOME")
                      or os.path.expanduser("~/.config"))


def open_window(qtbot, scenario: Scenario | RaceSpec, show: bool = False) -> MainWindow:
    window = MainWindow(Session(scenario), remember_layout=False)
    qtbot.addWidget(window)
    if show:
        window.show()
        qtbot.waitExposed(window)
    return window


def cli_points(capsys, *argv: str) -> list[np.ndarray]:
    """Run `gdviz run ARGV` in-process; per run, its (steps+1, dim) points from the CSV."""
    capsys.readouterr()
    assert cli_main(["run", *argv]) == 0
    out = capsys.readouterr().out
    runs: dict[int, list[list[float]]] = {}
    for row in csv.DictReader(io.StringIO(out)):
        point = [float(row["x"])] + ([float(row["y"])] if row["y"] else [])
        runs.setdefault(int(row["run"]), []).append(point)
    return [np.array(runs[i]) for i in sorted(runs)]


# ---- the story ----------------------------------------------------------------
def test_a_branched_race_saved_and_reopened_replays_bit_for_bit(qtbot, tmp_path, capsys):
    first = open_window(qtbot, load_scenario("ravine"), show=True)
    s = first.session
    s.run_to(80)
    s.seek(50)
    assert (s.step, s.head_step) == (50, 80)
    type_into(qtbot, first.optimizer_panel.cards[0].edits["lr"], "0.02")
    assert [r.edits for r in s.runs] == [(Edit(50, {"lr": 0.02}),), ()]
    s.run_to(s.steps)
    end, path = s.step, tmp_path / "r.toml"
    assert first.files.save_to(str(path))

    second = open_window(qtbot, load_scenario(path))
    t = second.session
    t.run_to(end)
    assert [r.edits for r in t.runs] == [r.edits for r in s.runs]
    for i in range(len(s.runs)):
        np.testing.assert_array_equal(t.trail(i), s.trail(i))
    marks = [(50, s.runs[0].color)]
    assert first.transport.scrubber.marks == marks
    for window in (first, second):
        lines = window.loss.edit_lines
        assert [len(m) for m in lines] == [2, 0]  # one line on the loss plot, one on ‖∇f‖
        assert [line.value() for line in lines[0]] == [50, 50]
    assert second.files.open_path(str(path))  # File ▸ Open: the same race, marks shown
    assert second.transport.scrubber.marks == marks

    from_cli = cli_points(capsys, "--scenario", str(path))
    assert len(from_cli) == len(s.runs)
    for i, points in enumerate(from_cli):
        np.testing.assert_array_equal(points, s.trail(i))


def test_a_window_opened_on_a_race_with_edits_marks_them_on_the_scrubber(qtbot):
    run = RunSpec("gd", {"lr": 0.01}, color="#0072B2", edits=(Edit(50, {"lr": 0.02}),))
    window = open_window(qtbot, RaceSpec("quadratic", runs=(run,)))
    assert window.transport.scrubber.marks == [(50, "#0072B2")]


def test_the_title_shows_the_file_and_a_modified_mark(qtbot, tmp_path):
    window = open_window(qtbot, load_scenario("ravine"))
    assert not window.isWindowModified()
    window.session.set_hyper(0, "lr", 0.03)
    assert window.isWindowModified()
    path = tmp_path / "r.toml"
    assert window.files.save_to(str(path))
    assert not window.isWindowModified()
    assert "r.toml" in window.windowTitle()
    window.session.set_speed(12)
    assert window.isWindowModified() and "r.toml" in window.windowTitle()


RAVINE_TEXT = preset_path("ravine").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "expected"), [
    ("version = 1\n[landscape\n", "not valid TOML"),
    (RAVINE_TEXT.replace("lr = 0.038", "lr = -1"), "optimizer[0].lr"),
], ids=["bad-toml", "negative-lr"])
def test_a_broken_scenario_is_reported_and_changes_nothing(qtbot, tmp_path, no_dialogs,
                                                           monkeypatch, text, expected):
    window = open_window(qtbot, load_scenario("ravine"))
    s = window.session
    s.run_to(30)
    s.seek(10)
    s.set_hyper(1, "lr", 0.02)  # modified: confirm_discard would ask
    monkeypatch.setattr(window.files, "confirm_discard", lambda: True)
    before = (s.spec, s.step, s.head_step, s.source, s.title, s.modified)
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    assert window.files.open_path(str(path)) is False
    assert len(no_dialogs) == 1
    assert expected in no_dialogs[0] and "broken.toml" in no_dialogs[0]
    assert (s.spec, s.step, s.head_step, s.source, s.title, s.modified) == before


def unstyled(spec: RaceSpec) -> RaceSpec:
    """The race without labels and colours (the session fills in missing ones)."""
    return replace(spec, runs=tuple(replace(r, label="", color="") for r in spec.runs))


def test_the_presets_menu_lists_and_opens_every_preset(qtbot, monkeypatch):
    window = open_window(qtbot, load_scenario("ravine"), show=True)
    monkeypatch.setattr(window.files, "confirm_discard", lambda: True)
    presets = list_presets()
    assert [name for name, _ in presets] == preset_names() and len(presets) >= 13
    assert not window.files.presets_menu.actions()  # read when the menu first opens
    window.files.presets_menu.aboutToShow.emit()
    actions = window.files.presets_menu.actions()
    assert [a.text() for a in actions] == [title for _, title in presets]
    refused: list[str] = []
    monkeypatch.setattr(window.files, "report", lambda _title, text: refused.append(text))
    for (name, title), action in zip(presets, actions, strict=True):
        action.trigger()
        s = window.session
        assert not refused
        network = load_scenario(name).race.network is not None
        assert s.is_network == network
        assert (window.centre.currentWidget() is window.network_mode.page) == network
        assert window.docks["network"].isVisible() == network
        assert window.docks["landscape"].isVisible() != network
        assert (s.source, s.title, s.modified) == (name, title, False)
        assert unstyled(s.spec) == unstyled(load_scenario(name).race)
        assert window.about.title.text() == title
        assert window.about.description.text() == load_scenario(name).description
        assert window.docks["about"].isVisible()
        assert name in window.windowTitle() and title in window.windowTitle()


def test_a_dropped_scenario_file_is_recognised_and_opened(qtbot, tmp_path):
    toml, other, txt = tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "a.txt"

    def mime_of(*urls: QUrl | Path) -> QMimeData:
        mime = QMimeData()
        mime.setUrls([u if isinstance(u, QUrl) else QUrl.fromLocalFile(str(u)) for u in urls])
        return mime

    assert _dropped_scenario(mime_of(toml)) == str(toml)
    assert _dropped_scenario(mime_of(txt)) is None
    assert _dropped_scenario(mime_of(toml, other)) is None
    assert _dropped_scenario(mime_of(QUrl("https://example.org/a.toml"))) is None
    assert _dropped_scenario(QMimeData()) is None

    toml.write_text(RAVINE_TEXT, encoding="utf-8")
    window = open_window(qtbot, RaceSpec("rosenbrock", runs=(RunSpec("gd"),)))
    mime = mime_of(toml)  # kept alive: the event only points to it
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert window.session.source == str(toml)
    assert window.session.spec == load_scenario(toml).race


# ---- no view ever sees an inconsistent session ----------------------------------------
def violations_of(s: Session) -> list[str]:
    """What is wrong with the session's state right now (nothing, if consistent)."""
    t, n, dim = s.race.timeline, len(s.runs), s.race.objective.dim
    found = [why for bad, why in (
        ((t is None) != (n == 0), f"timeline {t!r} with {n} runs"),
        (t is not None and t.runs != n, f"a timeline of other runs than the {n}"),
        (not 0 <= s.step <= s.head_step, f"step {s.step} outside [0, {s.head_step}]"),
        (s.selected is not None and not 0 <= s.selected < n, f"selected {s.selected} of {n}"),
        (t is not None and len(s.frame()) != n, f"a frame of other runs than the {n}")) if bad]
    for i, snap in enumerate(s.frame() if not found else []):
        if snap.params.shape != (1, dim) or snap.step != s.step:
            found.append(f"run {i}: params {snap.params.shape} of step {snap.step}")
        elif not np.array_equal(s.trail(i)[-1], snap.params[0], equal_nan=True):
            found.append(f"run {i}: trail ends at {s.trail(i)[-1]}, point {snap.params[0]}")
    return found


def random_action(s: Session, rng: random.Random) -> None:
    """One random public call with plausible (sometimes refused) values."""
    n, head, dim = len(s.runs), s.head_step, s.race.objective.dim
    i = rng.randrange(n) if n else None
    kind, preset = rng.choice(list(SCHEDULES)), rng.choice(preset_names())
    options = {h.name: h.default for h in SCHEDULES[kind].options}
    if options and rng.random() < 0.3:
        options[rng.choice(list(options))] = 0  # sometimes out of range

    def edit_somewhere(i: int) -> None:
        s.seek(rng.randint(0, head))
        s.set_hyper(i, "lr", rng.choice(["0.02", "1e-3", "0", "x"]))

    calls: list[tuple[object, ...]] = [
        (s.set_landscape, rng.choice(list(LANDSCAPES))),
        (lambda: s.set_landscape_params(**{rng.choice(["a", "b", "angle", "c"]):
                                           rng.uniform(-5, 60)}),),
        (s.seek, rng.randint(0, head)), (s.step_forward, rng.randint(1, 30)), (s.step_back,),
        (s.run_to, rng.randint(0, 300)), (s.reset,), (s.random_start,),
        (s.set_tol, rng.choice([0.0, 1e-6, 1e-2, -1.0])),
        (s.set_stop_on_convergence, rng.random() < 0.5),
        (s.set_seed, rng.choice([0, 1, 12345, -3])), (s.set_steps, rng.randint(1, 400)),
        (s.set_speed, rng.uniform(0, 2000)),
        (s.set_display, rng.choice(list(s.display)), rng.random() < 0.5),
        (s.select, rng.choice([None, -1, 0, 1, 2, 7])),
        (s.set_start, tuple(rng.uniform(-3, 3) for _ in range(dim)), rng.choice([None, i])),
        (s.load, load_scenario(preset), preset), (s.play,), (s.pause,), (s.toggle_play,),
        (s.step_epoch,), (lambda: s.set_network(NetworkSpec(
            rng.choice(["xor", "circle", "moons"]), (2, rng.randint(1, 6), 2),
            rng.choice(["tanh", "relu"]), options={"n_samples": 40})),)]
    if n < 5:
        calls.append((lambda: s.add_run(rng.choice(["gd", "sgd", "momentum", "adam"]),
                                        lr=rng.choice([1e-3, 0.01, 0.05, -1.0])),))
    if i is not None:
        calls += [(s.remove_run, i), (edit_somewhere, i), (lambda: s.set_schedule(
            i, kind, **options),), (s.set_appearance, i, rng.choice(["", "new"]), "#123456")]
    method, *args = rng.choice(calls)
    method(*args)  # type: ignore[operator]


@pytest.mark.parametrize("seed", [1, 2])
def test_no_signal_ever_shows_an_inconsistent_session(qtbot, seed):
    s = Session(load_scenario("ravine"))
    seen: list[str] = []
    problems: list[str] = []

    def record(name: str) -> None:
        seen.append(name)
        problems.extend(f"{name}: {p}" for p in violations_of(s))

    for name in SIGNALS:
        getattr(s, name).connect(lambda *_a, n=name: record(n))
    window = MainWindow(s, remember_layout=False)  # the views react to every signal too
    qtbot.addWidget(window)
    rng = random.Random(seed)
    for k in range(150):
        try:
            random_action(s, rng)
        except ValueError:
            pass  # a refused value: nothing changed
        assert not problems, f"after action {k}: {problems[:3]}"
        assert not violations_of(s)
    s.pause()
    assert {"sigStepChanged", "sigRunsChanged", "sigTimelineReset", "sigLoaded"} <= set(seen)


# ---- the window and the command line agree --------------------------------------------
BOWL = ("--landscape", "quadratic", "--start=-2.5,1.5")


def test_with_tol_zero_runs_never_converge_and_5000_steps_match_the_cli(qtbot, capsys):
    spec = RaceSpec("quadratic", runs=(RunSpec("gd", {"lr": 0.09}),), start=(-2.5, 1.5),
                    tol=0.0)
    converging = run_race(replace(spec, tol=1e-6), steps=300)
    assert converging[0].status[0] == "converged"  # this bowl is easy for gd
    s = open_window(qtbot, spec).session
    s.run_to(5000)
    assert s.head_step == s.step == 5000
    assert [str(snap.status[0]) for snap in s.frame()] == [RUNNING]
    from_cli = cli_points(capsys, *BOWL, "--opt", "gd:lr=0.09", "--steps", "5000", "--tol", "0")
    np.testing.assert_array_equal(from_cli[0], s.trail(0))
    np.testing.assert_array_equal(run_race(s.spec, 5000)[0].params[:, 0, :], s.trail(0))


def test_identical_sgd_runs_share_the_race_seed_and_an_own_seed_differs(qtbot, capsys):
    s = open_window(qtbot, RaceSpec("quadratic", start=(-2.5, 1.5), seed=7)).session
    for _ in range(2):
        s.add_run("sgd", lr=0.05, noise=1.0)
    s.run_to(120)
    np.testing.assert_array_equal(s.trail(0), s.trail(1))
    opt = "sgd:lr=0.05,noise=1.0"
    from_cli = cli_points(capsys, *BOWL, "--seed", "7", "--steps", "120", "--opt", opt,
                          "--opt", opt)
    for i in range(2):
        np.testing.assert_array_equal(from_cli[i], s.trail(i))

    own = RunSpec("sgd", {"lr": 0.05, "noise": 1.0}, seed=8)
    t = open_window(qtbot, replace(s.spec, runs=(*s.runs, own))).session
    t.run_to(120)
    np.testing.assert_array_equal(t.trail(0), s.trail(0))
    assert not np.array_equal(t.trail(2), t.trail(0))
    from_cli = cli_points(capsys, *BOWL, "--seed", "7", "--steps", "120", "--opt",
                          opt + ",seed=8")
    np.testing.assert_array_equal(from_cli[0], t.trail(2))


def test_the_next_step_arrow_ends_where_the_next_point_is(qtbot):
    spec = RaceSpec("quadratic", runs=(RunSpec("sgd", {"lr": 0.05, "noise": 1.0}),
                                       RunSpec("adam", {"lr": 0.1})),
                    start=(-2.5, 1.5), seed=3, steps=60)
    s = open_window(qtbot, spec).session
    s.run_to(40)
    s.seek(20)
    s.set_hyper(1, "lr", 0.01)
    assert s.runs[1].edits == (Edit(20, {"lr": 0.01}),)
    s.run_to(60)
    for step in (0, 1, 10, 19, 20, 21, 35, 59):
        s.seek(step)
        arrows = [s.next_point(i) for i in range(2)]
        s.seek(step + 1)
        for i, arrow in enumerate(arrows):
            np.testing.assert_array_equal(arrow, s.frame()[i].params[0], err_msg=f"{step=}")
