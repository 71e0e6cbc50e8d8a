"""`gdviz run --scenario spiral`: network races on the command line, and the commands
that cannot show one yet refusing it in one line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from gdviz.cli import main
from gdviz.cli.output import CSV_COLUMNS, csv_text
from gdviz.core.race import run_race
from gdviz.scenario import load_scenario


def gdviz(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_writes_a_network_race_as_csv_with_empty_coordinates(capsys):
    spec = load_scenario("spiral").race
    code, out, err = gdviz(capsys, "run", "--scenario", "spiral", "--steps", "40")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 3 * 41
    assert all(r["x"] == "" and r["y"] == "" for r in rows)
    trajs = run_race(spec, steps=40)
    assert out == csv_text(trajs)
    for i, traj in enumerate(trajs):
        mine = [r for r in rows if r["run"] == str(i)]
        assert [float(r["loss"]) for r in mine] == traj.loss[:, 0].tolist()  # training loss
        assert [float(r["grad_norm"]) for r in mine] == traj.grad_norm[:, 0].tolist()
        assert {r["optimizer"] for r in mine} == {spec.runs[i].optimizer}


def test_run_writes_the_weight_vectors_as_json_points(capsys, tmp_path: Path):
    out = tmp_path / "xor.json"
    code, _, err = gdviz(capsys, "run", "--scenario", "xor", "--steps", "5", "--out", str(out))
    assert (code, err) == (0, "")
    doc = json.loads(out.read_text())
    spec = load_scenario("xor").race
    assert spec.network is not None and doc["landscape"] == "network"
    p = spec.network.mlp.n_params
    weights = spec.network.initial_weights(spec.seed)
    for run in doc["runs"]:
        points = np.array(run["points"])
        assert points.shape == (6, p) and np.array_equal(points[0], weights)
        assert run["status"] == "running" and len(run["loss"]) == 6


def test_the_seed_flag_changes_the_initial_weights_and_start_is_refused(capsys):
    code, out0, _ = gdviz(capsys, "run", "--scenario", "xor", "--steps", "1")
    code, out1, _ = gdviz(capsys, "run", "--scenario", "xor", "--steps", "1", "--seed", "1")
    assert code == 0 and out0 != out1
    code, out, err = gdviz(capsys, "run", "--scenario", "xor", "--start=0,0")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "--start does not apply to a network race" in err
