"""``gdviz run --expr FORMULA``: a formula of one's own on the command line, written as
the same CSV/JSON as a named landscape, and one clear line for a formula with a typo."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdviz.cli import main
from gdviz.cli.output import CSV_COLUMNS, CSV_COLUMNS_3D, csv_text
from gdviz.core.expression import landscape_from_expression
from gdviz.core.race import RaceSpec, RunSpec, run_race


def gdviz(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("formula", "columns"), [
    ("x^2 + 3*y^2", CSV_COLUMNS), ("x^4 - 2*x^2", CSV_COLUMNS),
    ("x^2 + 2*y^2 + 3*z^2", CSV_COLUMNS_3D)])
def test_run_writes_the_race_on_the_formula_as_csv(capsys, formula, columns) -> None:
    code, out, err = gdviz(capsys, "run", "--expr", formula, "--opt", "adam:lr=0.1",
                           "--opt", "gd:lr=0.01", "--steps", "30")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == columns and len(rows) == 2 * 31
    spec = RaceSpec("expr", runs=(RunSpec("adam", {"lr": 0.1}), RunSpec("gd", {"lr": 0.01})),
                    steps=30, expr=formula)
    trajs = run_race(spec)
    assert out == csv_text(trajs)
    land = landscape_from_expression(formula)
    assert [float(v) for v in list(rows[0].values())[3:3 + land.dim]] == list(land.start)
    assert float(rows[30]["loss"]) < float(rows[0]["loss"])  # adam went downhill
    if land.dim == 1:
        assert all(r["y"] == "" for r in rows)


def test_json_names_the_formula_and_start_overrides(capsys, tmp_path: Path) -> None:
    out = tmp_path / "race.json"
    code, _, err = gdviz(capsys, "run", "--expr", "-x^2 + y^4", "--start=1,1", "--opt", "gd",
                         "--steps", "3", "--out", str(out))
    assert (code, err) == (0, "")
    doc = json.loads(out.read_text())
    assert (doc["landscape"], doc["expr"]) == ("expr", "-x^2 + y^4")
    assert doc["runs"][0]["points"][0] == [1.0, 1.0]


def test_a_formula_starting_with_minus_needs_no_equals_sign(capsys) -> None:
    code, out, err = gdviz(capsys, "run", "--expr", "-cos(x)", "--opt", "gd", "--steps", "1")
    assert (code, err) == (0, "")
    assert out.startswith(",".join(CSV_COLUMNS))


@pytest.mark.parametrize(("args", "words"), [
    (["--expr", "2x", "--opt", "gd"], "--expr 2x: missing operator at column 2: write 2*x"),
    (["--expr", "x^2 + sn(y)", "--opt", "gd"], "unknown name 'sn' at column 7: did you mean"),
    (["--expr", "(x+1", "--opt", "gd"], "unbalanced parenthesis at column 1"),
    (["--expr", "", "--opt", "gd"], "the formula is empty"),
    (["--expr", "log(-1 - x^2)", "--opt", "gd"], "not finite anywhere"),
    (["--expr", "x", "--landscape", "booth", "--opt", "gd"], "--landscape or --expr"),
    (["--expr", "x", "--param", "a=1", "--opt", "gd"], "--param does not apply to --expr"),
    (["--expr", "x", "--scenario", "ravine"], "either --scenario or"),
    (["--expr", "x"], "at least one --opt"),
    (["--expr", "x", "--start=1,2", "--opt", "gd"], "1-D: give X"),
    (["--expr", "log(x)", "--start=-1", "--opt", "gd"], "not finite there"),
])
def test_mistakes_are_one_line(capsys, args, words) -> None:
    code, out, err = gdviz(capsys, "run", *args)
    assert code == 2 and out == ""
    assert err.startswith("gdviz: error: ") and err.count("\n") == 1
    assert words in err, err


def test_a_bad_formula_is_one_line_from_the_installed_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "gdviz", "run", "--expr",
                             "__import__('os').system('touch pwned')", "--opt", "gd"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("gdviz: error: --expr __import__('os').system('touch pwned'): "
                             "unknown name '__import__' at column 1: use the variables x, y, "
                             "z, the constants pi, e or the functions sin, cos, tan, exp, "
                             "log, sqrt, abs, tanh, sinh, cosh, min, max\n")
    assert os.listdir(tmp_path) == []


def test_export_draws_a_race_on_a_formula(tmp_path: Path) -> None:
    out = tmp_path / "expr.png"
    result = subprocess.run([sys.executable, "-m", "gdviz", "export", "--expr",
                             "x^2 + 10*sin(y)", "--opt", "adam:lr=0.1", "--steps", "20",
                             "-o", str(out)], capture_output=True, text=True, timeout=300,
                            check=False, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0
