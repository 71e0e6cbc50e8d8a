"""Scenario files of three-parameter landscapes: starts of three numbers, a z view range,
exact round trips, and one clear error where a file gives the wrong number of them."""

from __future__ import annotations

import tomllib

import pytest

from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import (
    Scenario,
    ScenarioError,
    ViewSettings,
    dumps_scenario,
    load_scenario,
    loads_scenario,
)

SPACE_TOML = """\
version = 1
title = "Rosenbrock in three parameters"
[landscape]
name = "rosenbrock3"
view = { x = [-2, 2], y = [-1, 3], z = [-0.5, 2.5] }
[run]
start = [-1.2, 1.0, 0.8]
steps = 150
[[optimizer]]
name = "adam"
lr = 0.02
[[optimizer]]
name = "lbfgs"
start = [0.5, 0.5, 2.0]
"""


def test_a_3d_scenario_reads_its_start_and_view():
    s = loads_scenario(SPACE_TOML)
    assert s.race.start == (-1.2, 1.0, 0.8) and s.race.runs[1].start == (0.5, 0.5, 2.0)
    assert (s.view.x, s.view.y, s.view.z) == ((-2.0, 2.0), (-1.0, 3.0), (-0.5, 2.5))
    assert s.race.start_of(0) == (-1.2, 1.0, 0.8)


def test_a_3d_scenario_round_trips_exactly():
    race = RaceSpec("quadratic3", runs=(RunSpec("momentum", {"lr": 0.01}, label="m",
                                                start=(0.25, -1.5, 2.75)),
                                        RunSpec("newton")),
                    params={"c": 80.0, "coupling": -2.5}, start=(-2.5, 1.5, 2.0), steps=40)
    s = Scenario(race, ViewSettings(x=(-3.0, 3.0), y=(-2.0, 2.0), z=(-1.0, 4.0)), "bowl")
    text = dumps_scenario(s)
    doc = tomllib.loads(text)
    assert doc["landscape"]["view"] == {"x": [-3.0, 3.0], "y": [-2.0, 2.0], "z": [-1.0, 4.0]}
    assert doc["run"]["start"] == [-2.5, 1.5, 2.0]
    assert doc["optimizer"][0]["start"] == [0.25, -1.5, 2.75]
    back = loads_scenario(text)
    assert back == s and back.race.build_landscape().params["c"] == 80.0
    assert dumps_scenario(back) == text


def test_files_without_z_stay_valid():
    s = load_scenario("ravine")
    assert s.view.z is None and len(s.race.start_of(0)) == 2
    assert "z =" not in dumps_scenario(s)


@pytest.mark.parametrize(("text", "message"), [
    (SPACE_TOML.replace("start = [-1.2, 1.0, 0.8]", "start = [-1.2, 1.0]"),
     "x.toml: run.start: the landscape is 3-D: a point needs 3 coordinate(s), got 2"),
    (SPACE_TOML.replace("start = [0.5, 0.5, 2.0]", "start = [0.5, 0.5, 2.0, 1.0]"),
     "x.toml: optimizer[1].start: the landscape is 3-D: a point needs 3 coordinate(s), got 4"),
    (SPACE_TOML.replace("z = [-0.5, 2.5]", "z = [2.5, -0.5]"),
     "x.toml: landscape.view.z: must be [low, high] with finite low < high, got [2.5, -0.5]"),
    (SPACE_TOML.replace("z = [-0.5, 2.5]", "z = [0, 'a']"),
     'x.toml: landscape.view.z[1]: expected a number, got "a"'),
    ("version = 1\n[landscape]\nname = 'rosenbrock'\nview = {z = [0, 1]}\n",
     "x.toml: landscape.view.z: 'rosenbrock' is a 2-D landscape: it has no z axis"),
    ("version = 1\n[landscape]\nname = 'parabola'\nview = {z = [0, 1]}\n",
     "x.toml: landscape.view.z: 'parabola' is a 1-D landscape: it has no z axis"),
    ("version = 1\n[landscape]\nname = 'three_wells'\nview = {w = [0, 1]}\n",
     "x.toml: landscape.view.w: unknown key; valid keys: x, y, z, log_contours"),
])
def test_wrong_coordinates_are_one_clear_error(text, message):
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, "x.toml")
    assert str(info.value) == message


def test_a_z_range_needs_a_3d_landscape_in_code_too():
    with pytest.raises(ValueError, match="no z axis"):
        Scenario(RaceSpec("himmelblau"), ViewSettings(z=(0.0, 1.0)))
    with pytest.raises(ValueError, match="no view box"):
        Scenario(load_scenario("xor").race, ViewSettings(z=(0.0, 1.0)))
    assert Scenario(RaceSpec("three_wells"), ViewSettings(z=(0.0, 1.0))).view.z == (0.0, 1.0)
