"""Scenario files with a formula of one's own: ``[landscape] expr = "…"`` read, checked
with key paths, written back equal, and run as the same race as ``gdviz run --expr``."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdviz.cli import main
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import (
    Scenario,
    ScenarioError,
    ViewSettings,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
)

DOC = """version = 1
title = "My own valley"
[landscape]
expr = "x^2 + 10*sin(y)"
view = { x = [-3, 3], y = [-2, 7] }
[run]
start = [-2.5, 5.5]
steps = 40
[[optimizer]]
name = "adam"
lr = 0.1
[[optimizer]]
name = "momentum"
lr = 0.01
"""


def test_a_scenario_races_on_its_formula() -> None:
    s = loads_scenario(DOC)
    assert (s.race.landscape, s.race.expr) == ("expr", "x^2 + 10*sin(y)")
    assert s.race.build_landscape().title == "f(x, y) = x^2 + 10*sin(y)"
    assert (s.view.x, s.view.y, s.race.start) == ((-3.0, 3.0), (-2.0, 7.0), (-2.5, 5.5))
    assert s.race == RaceSpec("expr", runs=(RunSpec("adam", {"lr": 0.1}),
                                            RunSpec("momentum", {"lr": 0.01})),
                              start=(-2.5, 5.5), steps=40, expr="x^2 + 10*sin(y)")


def test_written_back_and_read_equal(tmp_path: Path) -> None:
    s = loads_scenario(DOC)
    assert 'expr = "x^2 + 10*sin(y)"' in dumps_scenario(s)
    assert "name =" not in dumps_scenario(s).split("[landscape]")[1].split("[")[0]
    save_scenario(s, tmp_path / "mine.toml")
    assert load_scenario(tmp_path / "mine.toml") == s
    three = Scenario(RaceSpec("expr", expr="x^2 + y^2 + z^2"), ViewSettings(z=(-1.0, 1.0)))
    assert loads_scenario(dumps_scenario(three)) == three


def test_the_scenario_and_the_flags_write_the_same_numbers(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(DOC, encoding="utf-8")
    assert main(["run", "--scenario", str(path)]) == 0
    from_file = capsys.readouterr().out
    assert main(["run", "--expr", "x^2 + 10*sin(y)", "--start=-2.5,5.5", "--steps", "40",
                 "--opt", "adam:lr=0.1", "--opt", "momentum:lr=0.01"]) == 0
    assert capsys.readouterr().out == from_file


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("sin(y)", "sn(y)", "landscape.expr: unknown name 'sn' at column 10: did you mean sin?"),
    ("10*sin(y)", "10 sin(y)", "landscape.expr: missing operator at column 10: write 10*sin"),
    ('expr = "x^2 + 10*sin(y)"', "expr = 3", "landscape.expr: expected a string, got 3"),
    ('expr = "x^2 + 10*sin(y)"', 'expr = "x"\nname = "booth"',
     "landscape.name: give either name or expr, not both"),
    ('expr = "x^2 + 10*sin(y)"', 'expr = "x"\nparams = { a = 1 }',
     "landscape.params: a typed formula (expr) has no parameters"),
    ('expr = "x^2 + 10*sin(y)"', 'expr = "x^2"', "run.start: the landscape is 1-D"),
    ("start = [-2.5, 5.5]\n", "",
     "landscape.view.y: 'x^2 + 10*sin(x)' is a 1-D landscape: it has no y axis"),
    ("y = [-2, 7] }", "y = [-2, 7], z = [0, 1] }",
     "landscape.view.z: 'x^2 + 10*sin(y)' is a 2-D landscape: it has no z axis"),
    ("start = [-2.5, 5.5]", "start = [1, 2, 3]", "run.start: the landscape is 2-D"),
    ('expr = "x^2 + 10*sin(y)"\n', "", "landscape.name: missing (required)"),
])
def test_mistakes_name_the_key_path_and_the_column(old: str, new: str, expected: str) -> None:
    text = DOC.replace(old, new)
    if "1-D landscape" in expected:  # the same document on a formula in x only
        text = text.replace("10*sin(y)", "10*sin(x)")
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, "mine.toml")
    assert str(info.value).startswith(f"mine.toml: {expected}"), str(info.value)
