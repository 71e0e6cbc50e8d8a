"""Scenario files and command lines on samples of one's own: ``[landscape] data = "…"``
read beside the scenario, checked with key paths, written back equal, and run as the
same race as ``gdviz run --data``; the JSON output records the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdviz.cli import main
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import (
    ScenarioError,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
)

POINTS = "x,y\n" + "".join(f"{i / 4},{1.5 * i / 4 + 0.3 * (-1) ** i}\n" for i in range(12))
DOC = """version = 1
title = "My points"
[landscape]
name = "linear_regression"
data = "points.csv"
[run]
steps = 30
[[optimizer]]
name = "gd"
lr = 0.05
[[optimizer]]
name = "sgd"
lr = 0.05
batch_size = 4
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "points.csv").write_text(POINTS)
    (tmp_path / "mine.toml").write_text(DOC)
    return tmp_path


def test_the_file_is_read_beside_the_scenario(folder: Path) -> None:
    s = load_scenario(folder / "mine.toml")
    path = str(folder / "points.csv")
    assert s.race == RaceSpec("linear_regression", runs=(
        RunSpec("gd", {"lr": 0.05}), RunSpec("sgd", {"lr": 0.05, "batch_size": 4})),
        steps=30, data=path)
    land = s.race.build_landscape()
    assert land.n_samples == 12 and "points.csv" in land.title
    without_name = loads_scenario(DOC.replace('name = "linear_regression"\n', ""), "x.toml",
                                  folder)
    assert without_name.race == s.race  # the header picks the landscape


def test_written_back_and_read_equal(folder: Path, tmp_path: Path) -> None:
    s = load_scenario(folder / "mine.toml")
    text = dumps_scenario(s)
    assert f'data = "{folder / "points.csv"}"' in text
    assert loads_scenario(text) == s
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    save_scenario(s, elsewhere / "copy.toml")  # an absolute path: read from anywhere
    assert load_scenario(elsewhere / "copy.toml") == s


def test_the_scenario_and_the_flags_write_the_same_numbers(folder: Path, capsys) -> None:
    assert main(["run", "--scenario", str(folder / "mine.toml")]) == 0
    from_file = capsys.readouterr().out
    assert main(["run", "--data", str(folder / "points.csv"), "--steps", "30",
                 "--opt", "gd:lr=0.05", "--opt", "sgd:lr=0.05,batch_size=4"]) == 0
    assert capsys.readouterr().out == from_file
    assert from_file.splitlines()[0] == "run,optimizer,step,x,y,loss,grad_norm,status"
    assert len(from_file.splitlines()) == 1 + 2 * 31


def test_gdviz_run_on_a_file_writes_csv_and_json(folder: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(folder)
    assert main(["run", "--data", "points.csv", "--opt", "gd", "--opt",
                 "sgd:batch_size=4", "--steps", "5", "--out", "out.json"]) == 0
    doc = json.loads((folder / "out.json").read_text())
    assert doc["landscape"] == "linear_regression"
    assert doc["data"] == str(folder / "points.csv")
    assert [r["optimizer"] for r in doc["runs"]] == ["gd", "sgd"]
    assert main(["run", "--data", "points.csv", "--landscape", "linear_regression",
                 "--opt", "gd", "--steps", "5"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 7


@pytest.mark.parametrize(("args", "message"), [
    (["--expr", "x^2"], "give either --expr or --data, not both"),
    (["--param", "noise=1"], "--param does not apply to --data"),
    (["--scenario", "ravine"], "give either --scenario or --landscape/--expr/--data"),
    (["--landscape", "booth"], "--landscape booth: --data applies to linear_regression"),
    (["--landscape", "logistic_regression"], "points.csv: logistic_regression takes a file "
                                             "with the header x,label, not x,y"),
])
def test_gdviz_run_refuses_flags_that_do_not_go_with_data(folder: Path, capsys, args,
                                                          message) -> None:
    assert main(["run", "--data", str(folder / "points.csv"), "--opt", "gd", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err


def test_a_bad_file_names_its_line(folder: Path, capsys) -> None:
    (folder / "bad.csv").write_text("x,y\n1,2\n3,four\n")
    assert main(["run", "--data", str(folder / "bad.csv"), "--opt", "gd"]) == 2
    assert capsys.readouterr().err.strip().endswith("bad.csv: line 3: y = 'four' is not a "
                                                    "number")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('data = "points.csv"', 'data = "nowhere.csv"', "landscape.data: cannot read "),
    ('data = "points.csv"', 'data = "bad.csv"', "landscape.data: "),
    ('data = "points.csv"', 'data = "points.csv"\nparams = { noise = 1 }',
     "landscape.params: a landscape on samples from a file has no parameters"),
    ('data = "points.csv"', 'data = "points.csv"\nexpr = "x^2"',
     "landscape.data: give either expr or data, not both"),
    ('name = "linear_regression"', 'name = "booth"',
     "landscape.name: 'booth' is not computed from data"),
    ('name = "linear_regression"', 'name = "boooth"',
     "landscape.name: unknown landscape 'boooth'; did you mean 'booth'?"),
    ('name = "linear_regression"', 'name = "logistic_regression"',
     "landscape.data: "),
    ('data = "points.csv"', "data = 3", "landscape.data: expected a string, got 3"),
])
def test_mistakes_name_the_key_path(folder: Path, old: str, new: str, expected: str) -> None:
    (folder / "bad.csv").write_text("x,y\n1,2\n3,four\n")
    with pytest.raises(ScenarioError) as info:
        loads_scenario(DOC.replace(old, new), "mine.toml", folder)
    assert str(info.value).startswith(f"mine.toml: {expected}"), str(info.value)
    if "bad.csv" in new:
        assert str(info.value).endswith("bad.csv: line 3: y = 'four' is not a number")
