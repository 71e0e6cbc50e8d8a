"""`gdviz list` and `gdviz run` (DESIGN.md, "CLI"): through a subprocess and in-process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

import gdviz
from gdviz.cli import CSV_COLUMNS, main
from gdviz.cli.args import format_opt_spec, join_negative_start, parse_opt_spec, parse_start
from gdviz.core.hyper import Hyper, Value
from gdviz.core.landscapes import LANDSCAPES
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import RunSpec

DESIGN_LANDSCAPES = ("rosenbrock", "himmelblau", "beale", "booth", "rastrigin", "ackley",
                     "goldstein_price", "six_hump_camel", "quadratic", "saddle", "monkey_saddle")
DESIGN_OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
DESIGN_EXAMPLE = ["run", "--landscape", "rosenbrock", "--start=-1.2,1", "--opt", "adam:lr=0.01",
                  "--opt", "momentum:lr=0.001", "--steps", "300"]


def gdviz_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gdviz", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def rows_of(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def run_csv(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, str]]:
    """``gdviz run ARGS`` in-process, CSV on stdout, parsed."""
    assert main(["run", *args]) == 0
    return rows_of(capsys.readouterr().out)


def assert_matches(rows: list[dict[str, str]], traj: gdviz.Trajectory) -> None:
    """The CSV rows of one run hold the trajectory's numbers bit for bit."""
    assert [int(r["step"]) for r in rows] == list(range(len(traj.loss)))
    assert [float(r["x"]) for r in rows] == traj.params[:, 0, 0].tolist()
    if traj.params.shape[2] == 2:
        assert [float(r["y"]) for r in rows] == traj.params[:, 0, 1].tolist()
    assert [float(r["loss"]) for r in rows] == traj.loss[:, 0].tolist()
    assert [float(r["grad_norm"]) for r in rows] == traj.grad_norm[:, 0].tolist()


def test_list_prints_the_groups() -> None:
    result = gdviz_process("list")
    assert result.returncode == 0, result.stderr
    for name in (*DESIGN_LANDSCAPES, *DESIGN_OPTIMIZERS):
        assert name in result.stdout
    assert "adam:lr=0.001,beta1=0.9" in result.stdout
    assert "schedules" in result.stdout and "cosine" in result.stdout
    assert "Presets" in result.stdout and "ravine" in result.stdout


def test_list_json() -> None:
    result = gdviz_process("list", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"landscapes", "optimizers", "datasets", "presets"}
    datasets = {d["name"]: d for d in data["datasets"]}
    assert {"circle", "xor", "spiral"} <= set(datasets)
    assert datasets["spiral"]["task"] == "classification"
    landscapes = {entry["name"]: entry for entry in data["landscapes"]}
    assert set(DESIGN_LANDSCAPES) <= set(landscapes)
    assert set(landscapes["rosenbrock"]) == {"name", "dim", "group", "title", "formula",
                                             "domain", "start", "minima", "params"}
    assert landscapes["rosenbrock"]["minima"] == [[1.0, 1.0]]
    assert landscapes["quadratic"]["params"] == {"a": 1.0, "b": 10.0, "angle": 0.0}
    names = [o["name"] for o in data["optimizers"]]
    assert names[:len(DESIGN_OPTIMIZERS)] == list(DESIGN_OPTIMIZERS) and names == list(OPTIMIZERS)
    adam = data["optimizers"][DESIGN_OPTIMIZERS.index("adam")]
    assert adam["hyper"][0] == {"name": "lr", "default": 0.001, "lo": 0.0, "hi": 10.0,
                                "log": True, "kind": "float",
                                "help": OPTIMIZERS["adam"].hyper[0].help}


def test_design_example_csv(tmp_path: Path) -> None:
    result = gdviz_process(*DESIGN_EXAMPLE, "--out", "t.csv", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert os.listdir(tmp_path) == ["t.csv"]
    rows = rows_of((tmp_path / "t.csv").read_text())
    assert len(rows) == 2 * 301
    for i, (name, lr) in enumerate((("adam", 0.01), ("momentum", 0.001))):
        mine = [r for r in rows if r["run"] == str(i)]
        assert {r["optimizer"] for r in mine} == {name}
        assert (float(mine[0]["x"]), float(mine[0]["y"])) == (-1.2, 1.0)
        assert_matches(mine, gdviz.run("rosenbrock", name, starts=[[-1.2, 1]], steps=300, lr=lr))
        assert {r["status"] for r in mine} == {"running"}


def test_start_as_a_separate_negative_value(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_csv(capsys, "--landscape", "rosenbrock", "--start", "-1.2,1", "--opt", "gd",
                   "--steps", "1")
    assert (rows[0]["x"], rows[0]["y"]) == ("-1.2", "1.0")


def test_join_negative_start() -> None:
    assert join_negative_start(["--start", "-1.2,1", "--steps", "3"]) == [
        "--start=-1.2,1", "--steps", "3"]
    assert join_negative_start(["--start", "--steps", "3"]) == ["--start", "--steps", "3"]
    assert join_negative_start(["--start"]) == ["--start"]


def test_json_output(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    assert main([*DESIGN_EXAMPLE, "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["landscape"] == "rosenbrock"
    assert [r["optimizer"] for r in data["runs"]] == ["adam", "momentum"]
    adam = data["runs"][0]
    traj = gdviz.run("rosenbrock", "adam", starts=[[-1.2, 1]], steps=300, lr=0.01)
    assert adam["hyper"] == dict(traj.hyper) == {**OPTIMIZERS["adam"].defaults, "lr": 0.01}
    assert (adam["status"], adam["stopped_at"]) == ("running", 300)
    assert adam["points"] == traj.params[:, 0, :].tolist()
    assert adam["loss"] == traj.loss[:, 0].tolist()
    assert adam["grad_norm"] == traj.grad_norm[:, 0].tolist()


def test_one_d_landscape_has_an_empty_y(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_csv(capsys, "--landscape", "double_well", "--start=-1.5", "--opt", "gd:lr=0.01",
                   "--steps", "20")
    assert len(rows) == 21 and {r["y"] for r in rows} == {""}
    assert_matches(rows, gdviz.run("double_well", "gd", starts=[[-1.5]], steps=20, lr=0.01))


def test_params_seed_and_tol_reach_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_csv(capsys, "--landscape", "quadratic", "--param", "b=25", "--param", "angle=0.3",
                   "--seed", "7", "--opt", "sgd:lr=0.01,noise=0.5", "--steps", "50")
    land = LANDSCAPES["quadratic"].with_params(b=25, angle=0.3)
    assert_matches(rows, gdviz.run(land, "sgd", steps=50, seed=7, lr=0.01, noise=0.5))


def test_converged_run_shows_its_status_from_stopped_at(
        capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_csv(capsys, "--landscape", "quadratic", "--opt", "gd:lr=0.05", "--tol", "1e-2",
                   "--steps", "400")
    traj = gdviz.run("quadratic", "gd", steps=400, tol=1e-2, lr=0.05)
    stop = int(traj.stopped_at[0])
    assert traj.status[0] == "converged" and 0 < stop < 400
    assert [r["status"] for r in rows] == ["running"] * stop + ["converged"] * (401 - stop)
    assert_matches(rows, traj)


def test_diverging_run_holds_its_point(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    rows = run_csv(capsys, "--landscape", "rosenbrock", "--opt", "gd:lr=1", "--steps", "20")
    traj = gdviz.run("rosenbrock", "gd", steps=20, lr=1)
    stop = int(traj.stopped_at[0])
    assert traj.status[0] == "diverged"
    assert [r["status"] for r in rows] == ["running"] * (stop + 1) + ["diverged"] * (20 - stop)
    assert {(r["x"], r["y"], r["loss"]) for r in rows[stop:]} == {
        (rows[stop]["x"], rows[stop]["y"], rows[stop]["loss"])}
    assert_matches(rows, traj)
    out = tmp_path / "d.json"
    assert main(["run", "--landscape", "rosenbrock", "--opt", "gd:lr=1", "--steps", "20",
                 "--out", str(out)]) == 0
    run = json.loads(out.read_text())["runs"][0]
    assert (run["status"], run["stopped_at"]) == ("diverged", stop)


BAD_RUNS = {
    "unknown landscape": (["--landscape", "nope", "--opt", "gd"], list(LANDSCAPES)),
    "unknown optimizer": (["--landscape", "booth", "--opt", "nope"], list(DESIGN_OPTIMIZERS)),
    "unknown hyper": (["--landscape", "booth", "--opt", "gd:beta1=0.9"], ["lr"]),
    "hyper without value": (["--landscape", "booth", "--opt", "adam:lr"], []),
    "hyper not a number": (["--landscape", "booth", "--opt", "adam:lr=fast"], []),
    "empty hyper list": (["--landscape", "booth", "--opt", "adam:"], []),
    "empty hyper item": (["--landscape", "booth", "--opt", "adam:lr=0.1,,eps=1e-8"], []),
    "hyper twice": (["--landscape", "booth", "--opt", "adam:lr=0.1,lr=0.2"], []),
    "lr zero": (["--landscape", "booth", "--opt", "adam:lr=0"], ["lr"]),
    "lr negative": (["--landscape", "booth", "--opt", "gd:lr=-1"], ["lr"]),
    "nesterov without momentum": (
        ["--landscape", "booth", "--opt", "momentum:momentum=0,nesterov=true"], []),
    "start of 1-D on 2-D": (["--landscape", "booth", "--opt", "gd", "--start=1"], ["2-D"]),
    "start of 2-D on 1-D": (["--landscape", "parabola", "--opt", "gd", "--start=1,2"], ["1-D"]),
    "start not numbers": (["--landscape", "booth", "--opt", "gd", "--start=a,b"], []),
    "start not finite": (["--landscape", "booth", "--opt", "gd", "--start=nan,1"], []),
    "start overflows": (["--landscape", "rosenbrock", "--opt", "gd", "--start=1e300,0"], []),
    "unknown param": (["--landscape", "rosenbrock", "--opt", "gd", "--param", "a=1"], []),
    "param not a number": (["--landscape", "quadratic", "--opt", "gd", "--param", "b=x"], []),
    "param without value": (["--landscape", "quadratic", "--opt", "gd", "--param", "b"], []),
    "negative steps": (["--landscape", "booth", "--opt", "gd", "--steps", "-1"], []),
    "negative tol": (["--landscape", "booth", "--opt", "gd", "--tol", "-1"], []),
    "seed not a number": (["--landscape", "booth", "--opt", "gd", "--seed", "x"], []),
    "no optimizer": (["--landscape", "booth"], ["--opt"]),
    "bad extension": (["--landscape", "booth", "--opt", "gd", "--out", "OUT/t.txt"], []),
    "no extension": (["--landscape", "booth", "--opt", "gd", "--out", "OUT/t"], []),
    "missing directory": (["--landscape", "booth", "--opt", "gd", "--out", "OUT/no/t.csv"], []),
    "directory as file": (["--landscape", "booth", "--opt", "gd", "--out", "OUT/dir.csv"], []),
}


@pytest.mark.parametrize("case", BAD_RUNS)
def test_bad_run_is_one_error_line(case: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    args, mentioned = BAD_RUNS[case]
    (tmp_path / "dir.csv").mkdir()
    args = [a.replace("OUT", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "t.csv")]
    assert main(["run", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("gdviz: error: ") and err.count("\n") == 1
    assert all(word in err for word in mentioned)
    assert os.listdir(tmp_path) == ["dir.csv"] and os.listdir(tmp_path / "dir.csv") == []


@pytest.mark.parametrize("args", [
    ["run", "--landscape", "nope", "--opt", "gd", "--out", "t.csv"],
    ["run", "--landscape", "booth", "--opt", "gd", "--out", "missing/t.csv"],
    ["run", "--landscape", "booth"],
    [],
])
def test_errors_through_the_console(args: list[str], tmp_path: Path) -> None:
    result = gdviz_process(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("gdviz: error: ") and result.stderr.count("\n") == 1
    assert os.listdir(tmp_path) == []


def values(h: Hyper) -> st.SearchStrategy[Value]:
    """Valid values of ``h``."""
    if h.kind == "bool":
        return st.booleans()
    if h.kind == "int":
        return st.integers(int(h.lo), int(h.hi))
    return st.floats(h.lo, h.hi, exclude_min=h.lo_open, exclude_max=h.hi_open)


@st.composite
def valid_specs(draw: st.DrawFn) -> tuple[str, dict[str, Value]]:
    spec = OPTIMIZERS[draw(st.sampled_from(list(OPTIMIZERS)))]
    chosen = draw(st.lists(st.sampled_from(spec.hyper), unique=True))
    return spec.name, {h.name: draw(values(h)) for h in chosen}


@given(valid_specs())
def test_opt_spec_round_trip(name_hyper: tuple[str, dict[str, Value]]) -> None:
    name, hyper = name_hyper
    try:
        OPTIMIZERS[name].make(None, **hyper)
    except ValueError:  # a combination that is invalid as a whole (nesterov, momentum 0)
        reject()
    run = parse_opt_spec(format_opt_spec(RunSpec(name, hyper), only=hyper))
    assert run == RunSpec(name, hyper)


SPEC_CHARS = st.sampled_from(list(":=,.-+e0123456789 lrbetamonsuxifINFnatrue\x00é"))


@given(st.one_of(st.text(), st.builds(lambda name, rest: f"{name}:{rest}",
                                      st.sampled_from(list(OPTIMIZERS)),
                                      st.text(SPEC_CHARS))))
def test_garbage_spec_raises_only_value_error(text: str) -> None:
    try:
        run = parse_opt_spec(text)
    except ValueError:
        return
    assert run.optimizer in OPTIMIZERS and set(run.hyper) == set(OPTIMIZERS[run.optimizer].defaults)


@given(st.text(SPEC_CHARS), st.sampled_from([1, 2, 3]))
def test_garbage_start_raises_only_value_error(text: str, dim: int) -> None:
    try:
        start = parse_start(text, dim)
    except ValueError:
        return
    assert len(start) == dim
