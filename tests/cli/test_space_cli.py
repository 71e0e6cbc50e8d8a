"""The command line on three-parameter landscapes: a z column after y, JSON points of three
numbers, --start with three numbers, export drawing them, and one error line where a
command cannot follow (a basin map)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import gdviz
from gdviz.cli import CSV_COLUMNS, main
from gdviz.cli.output import CSV_COLUMNS_3D
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import Scenario, ViewSettings, save_scenario

SPACE = ("quadratic3", "rosenbrock3", "three_wells")


def gdviz_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def table(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or ()), rows


def test_the_3d_columns_put_z_after_y():
    assert CSV_COLUMNS_3D == ("run", "optimizer", "step", "x", "y", "z", "loss", "grad_norm",
                              "status")
    assert CSV_COLUMNS == ("run", "optimizer", "step", "x", "y", "loss", "grad_norm", "status")


def test_rosenbrock3_csv_has_z_and_every_step_at_full_precision(capsys):
    code, out, err = gdviz_cli(capsys, "run", "--landscape", "rosenbrock3", "--steps", "40",
                               "--opt", "adam:lr=0.02", "--opt", "newton")
    assert (code, err) == (0, "")
    header, rows = table(out)
    assert tuple(header) == CSV_COLUMNS_3D and len(rows) == 2 * 41
    for i, name in enumerate(("adam", "newton")):
        mine = [r for r in rows if r["run"] == str(i)]
        traj = gdviz.run("rosenbrock3", name, steps=40, **({"lr": 0.02} if i == 0 else {}))
        assert [r["optimizer"] for r in mine] == [name] * 41
        assert [int(r["step"]) for r in mine] == list(range(41))
        for k, axis in enumerate("xyz"):  # repr round-trips: bit for bit
            assert [float(r[axis]) for r in mine] == traj.params[:, 0, k].tolist()
        assert [float(r["loss"]) for r in mine] == traj.loss[:, 0].tolist()
        assert [float(r["grad_norm"]) for r in mine] == traj.grad_norm[:, 0].tolist()
        assert [float(mine[0][a]) for a in "xyz"] == [-1.2, 1.0, 1.0]
    assert any(len(r["z"]) > 15 for r in rows)  # full digits, not a rounded print


@pytest.mark.parametrize(("landscape", "columns"), [("rosenbrock", CSV_COLUMNS),
                                                    ("parabola", CSV_COLUMNS),
                                                    ("three_wells", CSV_COLUMNS_3D)])
def test_only_3d_landscapes_get_a_z_column(capsys, landscape, columns):
    code, out, _ = gdviz_cli(capsys, "run", "--landscape", landscape, "--steps", "2",
                             "--opt", "gd")
    header, rows = table(out)
    assert code == 0 and tuple(header) == columns and len(rows) == 3
    assert all(r[a] != "" for r in rows for a in "xyz"[:len(columns) - 7])


def test_start_takes_three_numbers_even_negative_ones(capsys, tmp_path: Path):
    target = tmp_path / "r.json"
    code, _, err = gdviz_cli(capsys, "run", "--landscape", "quadratic3", "--start",
                             "-1.5,0.25,2", "--steps", "5", "--opt", "lbfgs", "--out",
                             str(target))
    assert (code, err) == (0, "")
    doc = json.loads(target.read_text())
    points = doc["runs"][0]["points"]
    assert doc["landscape"] == "quadratic3" and len(points) == 6
    assert all(len(p) == 3 for p in points) and points[0] == [-1.5, 0.25, 2.0]
    traj = gdviz.run("quadratic3", "lbfgs", starts=[(-1.5, 0.25, 2.0)], steps=5)
    assert points == traj.params[:, 0, :].tolist()


@pytest.mark.parametrize(("start", "message"), [
    ("--start=1,2", "--start 1,2: the landscape is 3-D: give X,Y,Z, got 2 number(s)"),
    ("--start=1,2,3,4", "--start 1,2,3,4: the landscape is 3-D: give X,Y,Z, got 4 number(s)"),
    ("--start=1,a,3", "--start 1,a,3: the start must be a number, got 'a'"),
])
def test_a_wrong_start_is_one_clear_line(capsys, start, message):
    code, out, err = gdviz_cli(capsys, "run", "--landscape", "rosenbrock3", start,
                               "--opt", "gd")
    assert (code, out) == (2, "") and err == f"gdviz: error: {message}\n"


def test_a_3d_scenario_runs_as_its_flags(capsys, tmp_path: Path):
    race = RaceSpec("three_wells", runs=(RunSpec("momentum", {"lr": 0.05}),),
                    start=(0.5, 2.5, 2.5), steps=30)
    path = tmp_path / "wells.toml"
    save_scenario(Scenario(race, ViewSettings(z=(-3.0, 3.0))), path)
    _, from_file, _ = gdviz_cli(capsys, "run", "--scenario", str(path))
    _, from_flags, _ = gdviz_cli(capsys, "run", "--landscape", "three_wells",
                                 "--start=0.5,2.5,2.5", "--steps", "30",
                                 "--opt", "momentum:lr=0.05")
    assert from_file == from_flags and from_file.startswith(",".join(CSV_COLUMNS_3D))


def test_list_shows_the_space_group(capsys):
    _, text, _ = gdviz_cli(capsys, "list")
    assert "  space\n" in text and "    rosenbrock3        3-D  100(y−x²)²" in text
    _, out, _ = gdviz_cli(capsys, "list", "--json")
    listed = {ls["name"]: ls for ls in json.loads(out)["landscapes"]}
    for name in SPACE:
        assert listed[name]["dim"] == 3 and listed[name]["group"] == "space"
        assert len(listed[name]["domain"]) == len(listed[name]["start"]) == 3
    assert listed["quadratic3"]["params"] == {"a": 1.0, "b": 10.0, "c": 50.0, "coupling": 3.0}


def test_export_draws_a_3d_race_and_names_the_views_that_fit(capsys, tmp_path: Path):
    import imageio.v3 as iio

    scenario = tmp_path / "q.toml"
    save_scenario(Scenario(RaceSpec("quadratic3", steps=40, runs=(RunSpec("gd"),))), scenario)
    target = tmp_path / "q.gif"
    code, out, err = gdviz_cli(capsys, "export", str(scenario), "-o", str(target),
                               "--frames", "3", "--size", "320x180", "--view", "plane")
    assert (code, out) == (0, ""), err
    assert iio.imread(target, index=None).shape == (3, 180, 320, 3)
    code, out, err = gdviz_cli(capsys, "export", str(scenario), "-o", str(tmp_path / "c.gif"),
                               "--view", "contour")
    assert (code, out) == (2, "") and err == (
        "gdviz: error: the contour view does not fit a 3-D landscape; choose one of: space, "
        "plane, loss, all\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.gif", "q.toml"]


def test_a_basin_map_of_a_3d_landscape_is_one_error_line(capsys, tmp_path: Path):
    code, out, err = gdviz_cli(capsys, "map", "basin", "--landscape", "three_wells",
                               "--opt", "gd", "-o", str(tmp_path / "b.png"))
    assert (code, out) == (2, "") and err == (
        "gdviz: error: a basin map needs a 2-D landscape; three_wells is 3-D\n")
    assert list(tmp_path.iterdir()) == []
