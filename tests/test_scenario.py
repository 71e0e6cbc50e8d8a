"""Scenario files: exact round trips, one clear error per problem, atomic saves, presets."""

from __future__ import annotations

import os
import pickle
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdviz.scenario as scenario_module
from gdviz.core.race import Edit, RaceSpec, RunSpec, ScheduleSpec
from gdviz.scenario import (
    OVERLAYS,
    Scenario,
    ScenarioError,
    ViewSettings,
    dumps_scenario,
    list_presets,
    load_scenario,
    loads_scenario,
    preset_names,
    preset_path,
    presets_dir,
    save_scenario,
)
from tests.scenario_strategies import scenarios, toml_values

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
EXAMPLE = """\
version = 1
title = "Ravine: GD vs momentum"
description = "paragraph shown in the app; what to watch for"
[landscape]
name = "quadratic"
params = { a = 1, b = 25 }
view = { x = [-3, 3], y = [-2, 2], log_contours = false }
[run]
start = [-2.5, 1.5]
steps = 200
seed = 0
tol = 0.0
steps_per_second = 30
[[optimizer]]
name = "momentum"
lr = 0.03
momentum = 0.9
label = "momentum 0.9"
color = "#d62728"
start = [-2.5, 1.5]
seed = 3
schedule = { kind = "cosine", period = 200 }
edits = [{ step = 50, lr = 0.01 }]
[[optimizer]]
name = "adam"
lr = 0.1
[view]
show = ["contour", "surface", "loss"]
trails = true
quiver = true
log_loss = true
"""
HEAD = 'version = 1\n[landscape]\nname = "rosenbrock"\n'


def error_of(text: str, source: str = "x.toml") -> str:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, source)
    return str(info.value)


# ---- reading -----------------------------------------------------------------------------
def test_the_documented_example_reads_as_the_race_it_describes() -> None:
    s = loads_scenario(EXAMPLE)
    assert s.title == "Ravine: GD vs momentum"
    assert s.race == RaceSpec(
        "quadratic", params={"a": 1, "b": 25}, start=(-2.5, 1.5), steps=200, seed=0, tol=0.0,
        runs=(RunSpec("momentum", {"lr": 0.03, "momentum": 0.9}, ScheduleSpec("cosine",
                      {"period": 200}), "momentum 0.9", "#d62728", (-2.5, 1.5), 3,
                      (Edit(50, {"lr": 0.01}),)),
              RunSpec("adam", {"lr": 0.1})))
    assert s.race.runs[1].hyper["beta2"] == 0.999  # resolved: defaults filled in
    assert s.view == ViewSettings(show=("contour", "surface", "loss"), x=(-3, 3), y=(-2, 2),
                                  log_contours=False, log_loss=True, overlays={"quiver": True})
    assert dict(s.view.overlays) == {"trails": True, "gradient": True, "velocity": True,
                                     "quiver": True, "markers": True}


def test_the_smallest_scenario_is_an_empty_race_with_defaults() -> None:
    s = loads_scenario(HEAD)
    assert s == Scenario(RaceSpec("rosenbrock"))
    assert s.view == ViewSettings() and s.race.runs == ()


def test_ints_are_accepted_where_floats_are_expected_and_whole_floats_for_ints() -> None:
    s = loads_scenario(HEAD + "[run]\ntol = 1\nsteps = 20.0\n[[optimizer]]\nname = 'sgd'\n"
                              "lr = 1\nbatch_size = 8.0\n")
    assert s.race.tol == 1.0 and s.race.steps == 20
    assert s.race.runs[0].hyper["lr"] == 1.0 and s.race.runs[0].hyper["batch_size"] == 8


def test_one_dimensional_landscapes_take_one_coordinate_and_an_x_range() -> None:
    s = loads_scenario('version = 1\n[landscape]\nname = "double_well"\nview = {x = [-1, 1]}\n'
                       "[run]\nstart = [0.5]\n[[optimizer]]\nname = 'gd'\nstart = [-0.5]\n")
    assert s.race.start == (0.5,) and s.race.runs[0].start == (-0.5,)
    assert s.view.x == (-1.0, 1.0) and s.view.y is None


# ---- one error per problem, naming the source, the key path and why -----------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("", "x.toml: version: missing"),
    ("version = 2\n", "x.toml: version: this gdviz reads version 1, got 2"),
    ('version = "1"\n', 'x.toml: version: this gdviz reads version 1, got "1"'),
    ("version = true\n", "x.toml: version: this gdviz reads version 1, got true"),
    ("version = 1.0\n", "x.toml: version: this gdviz reads version 1, got 1.0"),
    ("version = 1\n", "x.toml: landscape: missing (required)"),
    ("version = 1\ntitel = 'a'\n", "x.toml: titel: unknown key; did you mean 'title'?"),
    ("version = 1\ntitle = 3\n", "x.toml: title: expected a string, got 3"),
    ("version = 1\n[landscape]\nnme = 'x'\n",
     "x.toml: landscape.nme: unknown key; did you mean 'name'?"),
    ("version = 1\n[landscape]\n", "x.toml: landscape.name: missing (required)"),
    ("version = 1\nlandscape = 'rosenbrock'\n", "x.toml: landscape: expected a table, got"),
    ("version = 1\n[landscape]\nname = 'quadratc'\n",
     "x.toml: landscape.name: unknown landscape 'quadratc'; did you mean 'quadratic'?"),
    ("version = 1\n[landscape]\nname = 'zzz'\n",
     "x.toml: landscape.name: unknown landscape 'zzz'; choose one of: rosenbrock, "),
    ("version = 1\n[landscape]\nname = 'quadratic'\nparams = {c = 1}\n",
     "x.toml: landscape.params.c: unknown key; valid keys: a, b, angle"),
    ("version = 1\n[landscape]\nname = 'quadratic'\nparams = {angel = 1}\n",
     "x.toml: landscape.params.angel: unknown key; did you mean 'angle'?"),
    ("version = 1\n[landscape]\nname = 'rosenbrock'\nparams = {a = 1}\n",
     "x.toml: landscape.params.a: unknown key; 'rosenbrock' has no parameters"),
    ("version = 1\n[landscape]\nname = 'quadratic'\nparams = {a = nan}\n",
     "x.toml: landscape.params.a: must be finite, got nan"),
    ("version = 1\n[landscape]\nname = 'quadratic'\nparams = {a = true}\n",
     "x.toml: landscape.params.a: expected a number, got true"),
    ("version = 1\n[landscape]\nname = 'parabola'\nview = {x = [0, 1], y = [0, 1]}\n",
     "x.toml: landscape.view.y: 'parabola' is a 1-D landscape: it has no y axis"),
    ("version = 1\n[landscape]\nname = 'wiggly'\nview = {y = 'a'}\n",
     "x.toml: landscape.view.y: 'wiggly' is a 1-D landscape: it has no y axis"),
    (HEAD + "view = {x = [1, 0]}\n",
     "x.toml: landscape.view.x: must be [low, high] with finite low < high, got [1, 0]"),
    (HEAD + "view = {x = [0, 1, 2]}\n", "x.toml: landscape.view.x: must be [low, high]"),
    (HEAD + "view = {x = [0, 'a']}\n", 'x.toml: landscape.view.x[1]: expected a number, got "a"'),
    (HEAD + "view = {log_contours = 1}\n",
     "x.toml: landscape.view.log_contours: expected true or false, got 1"),
    (HEAD + "[run]\nsteps = 'abc'\n", 'x.toml: run.steps: expected a whole number, got "abc"'),
    (HEAD + "[run]\nsteps = true\n", "x.toml: run.steps: expected a whole number, got true"),
    (HEAD + "[run]\nsteps = 2.5\n", "x.toml: run.steps: expected a whole number, got 2.5"),
    (HEAD + "[run]\nsteps = -1\n", "x.toml: run.steps: must be a whole number in [0, "),
    (HEAD + "[run]\nstesp = 1\n", "x.toml: run.stesp: unknown key; did you mean 'steps'?"),
    (HEAD + "[run]\ntol = -1\n", "x.toml: run.tol: must be a finite number ≥ 0"),
    (HEAD + "[run]\nseed = -1\n", "x.toml: run.seed: a seed is a whole number in [0, "),
    (HEAD + "[run]\nstart = [1, 2, 3]\n",
     "x.toml: run.start: the landscape is 2-D: a point needs 2 coordinate(s), got 3"),
    (HEAD + "[run]\nstart = [1, inf]\n", "x.toml: run.start: a point is a list of finite"),
    (HEAD + "[run]\nstart = [1, false]\n", "x.toml: run.start[1]: expected a number, got false"),
    (HEAD + "[run]\nstart = 1\n", "x.toml: run.start: expected an array, got 1"),
    (HEAD + "[run]\nsteps_per_second = 0\n",
     "x.toml: run.steps_per_second: must be in [1, 1000], got 0"),
    (HEAD + "[optimizer]\nname = 'gd'\n",
     "x.toml: optimizer: expected an array of tables, got a table"),
    ("version = 1\noptimizer = [1]\n[landscape]\nname = 'booth'\n",
     "x.toml: optimizer[0]: expected a table, got 1"),
    (HEAD + "[[optimizer]]\nlr = 0.1\n", "x.toml: optimizer[0].name: missing (required)"),
    (HEAD + "[[optimizer]]\nname = 'nesterv'\n",
     "x.toml: optimizer[0].name: unknown optimizer 'nesterv'; did you mean 'nesterov'?"),
    (HEAD + "[[optimizer]]\nname = 'gd'\n[[optimizer]]\nname = 'gd'\n[[optimizer]]\n"
            "name = 'adam'\nlr = -0.1\n",
     "x.toml: optimizer[2].lr: must be in (0, 10], got -0.1"),
    (HEAD + "[[optimizer]]\nname = 'adam'\nlrr = 0.1\n",
     "x.toml: optimizer[0].lrr: unknown key; did you mean 'lr'?"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nmomentum = 0.9\n",
     "x.toml: optimizer[0].momentum: unknown key; valid keys: name, label, color, start, seed, "
     "schedule, edits, lr, weight_decay"),
    (HEAD + "[[optimizer]]\nname = 'adam'\nbeta1 = 1\n",
     "x.toml: optimizer[0].beta1: must be in [0, 1), got 1"),
    (HEAD + "[[optimizer]]\nname = 'adam'\nlr = '0.1'\n",
     'x.toml: optimizer[0].lr: expected a number, got "0.1"'),
    (HEAD + "[[optimizer]]\nname = 'momentum'\nnesterov = 1\n",
     "x.toml: optimizer[0].nesterov: expected true or false, got 1"),
    (HEAD + "[[optimizer]]\nname = 'sgd'\nbatch_size = 0\n",
     "x.toml: optimizer[0].batch_size: must be in [1, 1e+06], got 0"),
    (HEAD + "[[optimizer]]\nname = 'momentum'\nnesterov = true\nmomentum = 0\n",
     "x.toml: optimizer[0]: nesterov needs momentum > 0"),
    (HEAD + "[[optimizer]]\nname = 'nesterov'\nmomentum = 0.0\n",
     "x.toml: optimizer[0]: nesterov needs momentum > 0"),
    (HEAD + "[[optimizer]]\nname = 'gd'\ncolor = 'red'\n",
     'x.toml: optimizer[0].color: expected a colour "#rrggbb", got "red"'),
    (HEAD + "[[optimizer]]\nname = 'gd'\nlabel = 1\n",
     "x.toml: optimizer[0].label: expected a string, got 1"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nstart = [1]\n",
     "x.toml: optimizer[0].start: the landscape is 2-D: a point needs 2 coordinate(s), got 1"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nseed = 1.5\n",
     "x.toml: optimizer[0].seed: expected a whole number, got 1.5"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nschedule = 'cosine'\n",
     'x.toml: optimizer[0].schedule: expected a table, got "cosine"'),
    (HEAD + "[[optimizer]]\nname = 'gd'\nschedule = {period = 3}\n",
     "x.toml: optimizer[0].schedule.kind: missing (required); choose one of: constant, "),
    (HEAD + "[[optimizer]]\nname = 'gd'\nschedule = {kind = 'cosin'}\n",
     "x.toml: optimizer[0].schedule.kind: unknown schedule 'cosin'; did you mean 'cosine'?"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nschedule = {kind = 'cosine', perod = 3}\n",
     "x.toml: optimizer[0].schedule.perod: unknown key; did you mean 'period'?"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nschedule = {kind = 'step', gamma = 2}\n",
     "x.toml: optimizer[0].schedule.gamma: must be in (0, 1], got 2"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nschedule = {kind = 'cosine', period = 0.5}\n",
     "x.toml: optimizer[0].schedule.period: expected a whole number, got 0.5"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = {step = 1, lr = 0.1}\n",
     "x.toml: optimizer[0].edits: expected an array of tables, got a table"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = [{step = 5, lr = 0.1}, {step = 0, lr = 1}]\n",
     "x.toml: optimizer[0].edits[1].step: an edit's step must be a whole number ≥ 1, got 0"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = [{lr = 0.1}]\n",
     "x.toml: optimizer[0].edits[0].step: missing (required)"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = [{step = 'a', lr = 0.1}]\n",
     'x.toml: optimizer[0].edits[0].step: expected a whole number, got "a"'),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = [{step = 3}]\n",
     "x.toml: optimizer[0].edits[0]: an edit changes at least one hyperparameter"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = [{step = 3, beta1 = 0.5}]\n",
     "x.toml: optimizer[0].edits[0].beta1: unknown key; valid keys: step, lr, weight_decay"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = [{step = 3, lr = 20}]\n",
     "x.toml: optimizer[0].edits[0].lr: must be in (0, 10], got 20"),
    (HEAD + "[[optimizer]]\nname = 'gd'\nedits = [{step = 3, lr = 1}, {step = 3, lr = 2}]\n",
     "x.toml: optimizer[0].edits[1]: two edits of one run at the same step"),
    (HEAD + "[[optimizer]]\nname = 'nesterov'\nedits = [{step = 3, momentum = 0}]\n",
     "x.toml: optimizer[0].edits[0]: nesterov needs momentum > 0"),
    (HEAD + "[view]\nshow = ['contur']\n",
     "x.toml: view.show[0]: unknown view 'contur'; did you mean 'contour'?"),
    (HEAD + "[view]\nshow = ['loss', 'loss']\n", "x.toml: view.show: a view is listed twice"),
    (HEAD + "[view]\nshow = 'loss'\n", 'x.toml: view.show: expected an array, got "loss"'),
    (HEAD + "[view]\nshow = [1]\n", "x.toml: view.show[0]: expected a string, got 1"),
    (HEAD + "[view]\ntrail = true\n", "x.toml: view.trail: unknown key; did you mean 'trails'?"),
    (HEAD + "[view]\nquiver = 'yes'\n", 'x.toml: view.quiver: expected true or false, got "yes"'),
    (HEAD + '"a b" = 1\n', 'x.toml: landscape."a b": unknown key; valid keys: name, expr, params'),
    ("version = 1\n[landscape\n", "x.toml: not valid TOML: "),
    ("version = 1\nversion = 1\n", "x.toml: not valid TOML: "),
])
def test_each_problem_is_one_error_with_source_key_path_and_reason(text: str,
                                                                    expected: str) -> None:
    assert error_of(text).startswith(expected)


def test_toml_syntax_errors_carry_the_parsers_line_and_column() -> None:
    assert "line 3, column" in error_of("version = 1\n\nx = = 2\n")


def test_the_source_defaults_to_string_and_the_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"^<string>: version: missing"):
        loads_scenario("")


def test_the_error_keeps_its_parts_and_survives_pickling() -> None:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(HEAD + "[run]\nsteps = -1\n", "r.toml")
    e = info.value
    assert (e.source, e.path) == ("r.toml", "run.steps")
    assert e.detail == f"run.steps: {e.problem}" and str(e) == f"r.toml: {e.detail}"
    assert str(pickle.loads(pickle.dumps(e))) == str(e)


def test_numbers_too_large_for_a_float_or_for_python_are_errors() -> None:
    assert "too large" in error_of(HEAD + "params = {}\n[run]\ntol = " + "9" * 400 + "\n")
    assert "not valid TOML" in error_of(HEAD + "[run]\nsteps = " + "9" * 5000 + "\n")
    assert "nested too deeply" in error_of("x = " + "[" * 100_000)


# ---- writing -----------------------------------------------------------------------------
@FUZZ
@given(scenarios())
def test_dumps_then_loads_gives_an_equal_scenario(s: Scenario) -> None:
    assert loads_scenario(dumps_scenario(s)) == s


def test_dumps_writes_every_resolved_hyperparameter_and_only_set_extras() -> None:
    s = Scenario(RaceSpec("rosenbrock", (RunSpec("adam", {"lr": 0.1}),)))
    doc = tomllib.loads(dumps_scenario(s))
    assert doc["optimizer"] == [{"name": "adam", "lr": 0.1, "beta1": 0.9, "beta2": 0.999,
                                 "eps": 1e-8, "weight_decay": 0.0}]
    assert "view" not in doc and "view" not in doc["landscape"] and "title" not in doc


def test_multiline_descriptions_stay_readable_and_exact() -> None:
    s = Scenario(RaceSpec("booth"), description='Watch "momentum" here:\n  it overshoots.\n')
    text = dumps_scenario(s)
    assert '"""' in text and loads_scenario(text) == s
    s = replace(s, description="windows\r\nline ends")
    assert loads_scenario(dumps_scenario(s)) == s


def test_view_settings_fill_overlays_compare_and_hash() -> None:
    a, b = ViewSettings(overlays={"quiver": False}), ViewSettings()
    assert a == b and hash(a) == hash(b) and tuple(a.overlays) == OVERLAYS
    assert hash(Scenario(RaceSpec("booth"), a)) == hash(Scenario(RaceSpec("booth"), b))
    with pytest.raises(ValueError, match="did you mean 'trails'"):
        ViewSettings(overlays={"trail": True})
    with pytest.raises(ValueError, match="steps_per_second"):
        ViewSettings(steps_per_second=2000)
    with pytest.raises(ValueError, match="no y axis"):
        Scenario(RaceSpec("parabola"), ViewSettings(y=(0, 1)))


def test_save_then_load_round_trips_through_a_file(tmp_path: Path) -> None:
    s = loads_scenario(EXAMPLE)
    save_scenario(s, tmp_path / "ravine.toml")
    assert load_scenario(tmp_path / "ravine.toml") == s
    assert load_scenario(str(tmp_path / "ravine.toml")) == s
    assert os.listdir(tmp_path) == ["ravine.toml"]


def test_a_saved_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    save_scenario(Scenario(RaceSpec("booth")), tmp_path / "a.toml")
    assert (tmp_path / "a.toml").stat().st_mode & 0o777 == 0o666 & ~umask


def test_saving_into_a_missing_folder_raises_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no folder"):
        save_scenario(Scenario(RaceSpec("booth")), tmp_path / "missing" / "a.toml")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("fail", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: str) -> None:
    target = tmp_path / "a.toml"
    target.write_text("old")

    def boom(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scenario_module.os, fail, boom)
    with pytest.raises(ScenarioError, match="cannot save: No space left on device"):
        save_scenario(Scenario(RaceSpec("booth")), target)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["a.toml"] and target.read_text() == "old"


def test_a_failed_first_write_leaves_neither_target_nor_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario_module.os, "fsync", lambda fd: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        save_scenario(Scenario(RaceSpec("booth")), tmp_path / "a.toml")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_an_existing_file_is_replaced_on_success(tmp_path: Path) -> None:
    target = tmp_path / "a.toml"
    target.write_text("old")
    s = Scenario(RaceSpec("booth"), title="new")
    save_scenario(s, target)
    assert load_scenario(target) == s and os.listdir(tmp_path) == ["a.toml"]


def test_a_scenario_that_would_not_read_back_is_not_saved(tmp_path: Path) -> None:
    s = Scenario(RaceSpec("booth", (RunSpec("gd", color="red"),)))
    with pytest.raises(ScenarioError, match=r"optimizer\[0\]\.color"):
        save_scenario(s, tmp_path / "a.toml")
    with pytest.raises(ScenarioError, match="not a file name"):
        save_scenario(Scenario(RaceSpec("booth")), "/")
    assert os.listdir(tmp_path) == []


# ---- files, presets and names --------------------------------------------------------------
@pytest.fixture
def presets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "ravine.toml").write_text('version = 1\ntitle = "Ravine"\n[landscape]\n'
                                        'name = "quadratic"\n', encoding="utf-8")
    (folder / "broken.toml").write_text("version = 1\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a preset", encoding="utf-8")
    monkeypatch.setattr(scenario_module, "presets_dir", lambda: folder)
    monkeypatch.chdir(tmp_path)
    return folder


def test_presets_are_found_by_name(presets: Path) -> None:
    assert preset_names() == ["broken", "ravine"]
    assert preset_path("ravine") == presets / "ravine.toml"
    assert load_scenario("ravine").title == "Ravine"


def test_a_broken_preset_does_not_break_the_listing(presets: Path) -> None:
    assert list_presets() == [("broken", "(invalid: landscape: missing (required): a "
                                         "[landscape] table with a name (or an expr))"),
                              ("ravine", "Ravine")]


def test_an_unknown_preset_lists_the_presets_with_a_suggestion(presets: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("ravin")
    assert str(info.value) == ("ravin: no such file or preset; did you mean 'ravine'? "
                               "presets: broken, ravine")
    with pytest.raises(ScenarioError, match="^zzz: no such file or preset; presets: broken, rav"):
        load_scenario("zzz")
    with pytest.raises(ScenarioError, match="presets: "):
        preset_path("../presets/ravine")


def test_errors_in_a_preset_name_the_preset(presets: Path) -> None:
    with pytest.raises(ScenarioError, match="^broken: landscape: missing"):
        load_scenario("broken")


def test_paths_are_files_and_names_are_presets(presets: Path, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="^ravine.toml: no such file$"):
        load_scenario("ravine.toml")
    with pytest.raises(ScenarioError, match="no such file$"):
        load_scenario("sub/ravine")
    with pytest.raises(ScenarioError, match="no such file$"):
        load_scenario(Path("ravine"))
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario("presets")
    (tmp_path / "ravine").write_text('version = 1\ntitle = "here"\n[landscape]\nname = "booth"\n')
    assert load_scenario("ravine").title == "here"  # an existing file comes first
    assert load_scenario(presets / "ravine.toml").title == "Ravine"


def test_files_that_are_not_utf8_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'version = 1\ntitle = "caf\xe9"\n')
    with pytest.raises(ScenarioError, match=r"bad.toml: not UTF-8 text: byte 0xe9 at line 2, "
                                            r"column 13"):
        load_scenario(path)
    path.write_bytes(b"\xef\xbb\xbf" + HEAD.encode())  # a byte order mark is fine
    assert load_scenario(path) == Scenario(RaceSpec("rosenbrock"))


def test_loading_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    load_scenario(path)
    assert os.listdir(tmp_path) == ["a.toml"]


def test_presets_dir_is_the_resources_scenarios_folder() -> None:
    assert presets_dir().parts[-2:] == ("resources", "scenarios")
    assert all(isinstance(name, str) for name in preset_names())


def test_presets_dir_prefers_the_installed_package(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scenarios").mkdir()
    monkeypatch.setattr(scenario_module.resources, "files", lambda package: tmp_path)
    assert presets_dir() == tmp_path / "scenarios"

    def not_installed(package: str) -> Path:
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(scenario_module.resources, "files", not_installed)
    checkout = Path(scenario_module.__file__).resolve().parent.parent
    assert presets_dir() == checkout / "resources" / "scenarios"


# ---- nothing but a Scenario or a ScenarioError ---------------------------------------------
def loads_or_error(text: str) -> None:
    try:
        result = loads_scenario(text, "f.toml")
    except ScenarioError as e:
        assert str(e).startswith("f.toml: ")
    else:
        assert isinstance(result, Scenario)


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    """A valid dump with a few random edits of characters, lines and values."""
    lines = dumps_scenario(draw(scenarios())).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(min(1, len(lines) - 1), len(lines) - 1))  # mostly keep version
        line = lines[i]
        action = draw(st.sampled_from(["delete", "duplicate", "char", "value", "key", "swap"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "char":
            j = draw(st.integers(0, len(line)))
            cut = draw(st.integers(0, 3))
            lines[i] = line[:j] + draw(st.text(max_size=2)) + line[j + cut:]
        elif action == "value" and "=" in line:
            value = draw(toml_values)
            literal = tomli_w.dumps({"v": value}).partition("=")[2].strip() if not isinstance(
                value, dict) else "{}"
            lines[i] = line.partition("=")[0] + "= " + literal + "\n"
        elif action == "key":
            lines.insert(i, draw(st.sampled_from(["name", "lr", "step", "x", "y", "kind",
                                                  "show", "zz"])) + " = 1\n")
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], line
        if not lines:
            break
    return "".join(lines)


@FUZZ
@given(mutated_texts())
def test_mutated_documents_give_a_scenario_or_a_scenario_error(text: str) -> None:
    loads_or_error(text)


def paths_of(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()
    for key, child in items:
        found += paths_of(child, (*path, key))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> str:
    """A valid document with a value somewhere replaced by any TOML value, or deleted, or
    an extra key added: every type at every place."""
    doc = tomllib.loads(dumps_scenario(draw(scenarios())))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in paths_of(doc)[1:] if p != ("version",)]
        if not paths:  # the earlier mutations deleted all but the version
            break
        *parent_path, last = draw(st.sampled_from(paths))
        parent: Any = doc
        for key in parent_path:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[last] = draw(toml_values)
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=6))] = draw(toml_values)
    return tomli_w.dumps(doc)


@FUZZ
@given(mutated_documents())
def test_any_type_anywhere_gives_a_scenario_or_a_scenario_error(text: str) -> None:
    loads_or_error(text)


@FUZZ
@given(st.text() | st.binary().map(lambda b: b.decode("latin-1")))
def test_random_text_gives_a_scenario_or_a_scenario_error(text: str) -> None:
    loads_or_error(text)


@FUZZ
@given(st.dictionaries(st.sampled_from(["version", "title", "landscape", "run", "optimizer",
                                        "view", "x"]), toml_values))
def test_random_documents_give_a_scenario_or_a_scenario_error(doc: dict[str, Any]) -> None:
    loads_or_error(tomli_w.dumps(doc))


# ---- network races ------------------------------------------------------------------
NET = ("version = 1\n[network]\ndataset = 'spiral'\n"
       "dataset_options = { n_samples = 60, noise = 0.1, classes = 3 }\n"
       "sizes = [2, 8, 3]\n")


def test_a_network_table_reads_as_a_network_race() -> None:
    s = loads_scenario(NET + "batch_size = 16\n[run]\nseed = 4\n"
                       "[[optimizer]]\nname = 'sgd'\n"
                       "[[optimizer]]\nname = 'sgd'\nbatch_size = 8\n"
                       "[[optimizer]]\nname = 'adam'\n")
    network = s.race.network
    assert network is not None and s.race.landscape == "network" and s.race.seed == 4
    assert (network.dataset, network.sizes, network.activation, network.loss) == (
        "spiral", (2, 8, 3), "tanh", "cross_entropy")
    assert dict(network.options) == {"n_samples": 60, "noise": 0.1, "classes": 3, "turns": 1.0}
    assert (network.data_seed, network.test_fraction) == (0, 0.2)
    # [network].batch_size is the default of the sgd runs that do not set their own
    assert [r.hyper.get("batch_size") for r in s.race.runs] == [16, 8, None]
    assert loads_scenario(dumps_scenario(s)) == s
    wave = loads_scenario("version = 1\n[network]\ndataset = 'wave'\nsizes = [1, 4, 1]\n")
    assert wave.race.network is not None and wave.race.network.loss == "mse"


@pytest.mark.parametrize(("text", "expected"), [
    (NET + "[landscape]\nname = 'booth'\n",
     "x.toml: network: a scenario races on a [landscape] or on a [network], not both"),
    (NET.replace("sizes = [2, 8, 3]\n", ""), "x.toml: network.sizes: missing (required)"),
    (NET + "datset = 'x'\n", "x.toml: network.datset: unknown key; did you mean 'dataset'?"),
    (NET.replace("'spiral'", "'spirl'"),
     "x.toml: network.dataset: unknown dataset 'spirl'; did you mean 'spiral'?"),
    (NET.replace("classes = 3", "clases = 3"),
     "x.toml: network.dataset_options.clases: unknown key; did you mean 'classes'?"),
    (NET.replace("n_samples = 60", "n_samples = 2"),
     "x.toml: network.dataset_options.n_samples: must be in [4, 100000], got 2"),
    (NET.replace("[2, 8, 3]", "[2, 8, 'a']"),
     'x.toml: network.sizes[2]: expected a whole number, got "a"'),
    (NET.replace("[2, 8, 3]", "[2, 8, 2]"),
     "x.toml: network: spiral has 3 classes: the last size must be 3, got 2"),
    (NET + "activation = 'rellu'\n",
     "x.toml: network.activation: unknown activation 'rellu'; did you mean 'relu'?"),
    (NET + "loss = 'mse'\n", "x.toml: network: spiral is a classification set"),
    (NET + "test_fraction = 1.5\n", "x.toml: network.test_fraction: must be in (0, 1)"),
    (NET + "batch_size = 0\n", "x.toml: network.batch_size: must be in [1, 1e+06], got 0"),
    (NET + "[run]\nstart = [0, 0]\n", "x.toml: run.start: a network race starts every run"),
    (NET + "[[optimizer]]\nname = 'adam'\nstart = [0, 0]\n",
     "x.toml: optimizer[0].start: a network race starts every run"),
    (NET + "[[optimizer]]\nname = 'newton'\n",
     "x.toml: optimizer[0].name: newton needs the Hessian"),
])
def test_each_network_problem_names_its_key_path(text: str, expected: str) -> None:
    assert error_of(text).startswith(expected)


def test_a_network_scenario_has_no_view_box() -> None:
    race = loads_scenario(NET).race
    with pytest.raises(ValueError, match="no view box"):
        Scenario(race, ViewSettings(x=(0.0, 1.0)))
    with pytest.raises(ScenarioError, match="not both"):
        loads_scenario(NET + "[landscape.view]\nx = [0, 1]\n")


def test_a_network_on_samples_from_a_csv_file_reads_it_beside_the_scenario(tmp_path):
    (tmp_path / "pts.csv").write_text("x,y\n" + "".join(f"{i / 10},{(i / 10) ** 2}\n"
                                                        for i in range(30)))
    text = ('version = 1\n[network]\ncsv = "pts.csv"\nsizes = [1, 4, 1]\n'
            '[[optimizer]]\nname = "adam"\n')
    (tmp_path / "fit.toml").write_text(text)
    net = load_scenario(tmp_path / "fit.toml").race.network
    assert net is not None and net.csv == str(tmp_path / "pts.csv")
    assert net.loss == "mse" and net.data.n_samples == 30
    with pytest.raises(ScenarioError, match="network.csv: cannot read"):
        loads_scenario(text, "elsewhere.toml", tmp_path / "nowhere")
    with pytest.raises(ScenarioError, match="network.csv: give a dataset name or a csv"):
        loads_scenario(text.replace("[network]\n", '[network]\ndataset = "xor"\n'), "x.toml",
                       tmp_path)
