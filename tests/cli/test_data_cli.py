"""`gdviz run` on a data landscape: minibatch sgd, seeded; data parameters by --param."""

from __future__ import annotations

import pytest

import gdviz
from gdviz.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["run", "--landscape", "linear_regression", *args]) == 0
    return capsys.readouterr().out


def test_gdviz_run_draws_minibatches_seeded(capsys: pytest.CaptureFixture[str]) -> None:
    opt = ("--opt", "sgd:lr=0.1,batch_size=8", "--steps", "50")
    first = run_cli(capsys, *opt, "--seed", "1")
    assert first.splitlines()[0] == "run,optimizer,step,x,y,loss,grad_norm,status"
    assert len(first.splitlines()) == 52
    assert run_cli(capsys, *opt, "--seed", "1") == first
    assert run_cli(capsys, *opt, "--seed", "2") != first
    traj = gdviz.run("linear_regression", "sgd", steps=50, seed=1, lr=0.1, batch_size=8)
    last = first.splitlines()[-1].split(",")
    assert (float(last[3]), float(last[4])) == tuple(traj.params[-1, 0])
    fewer = run_cli(capsys, "--param", "n_samples=16", "--param", "noise=0.1", *opt)
    assert fewer != run_cli(capsys, *opt)


def test_gdviz_run_refuses_a_bad_data_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--landscape", "linear_regression", "--param", "n_samples=0.5",
                 "--opt", "gd"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "n_samples must be a whole number" in err


def test_a_three_parameter_data_landscape_writes_a_z_column(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--landscape", "logistic_regression2", "--opt", "adam:lr=0.1",
                 "--steps", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "run,optimizer,step,x,y,z,loss,grad_norm,status" and len(lines) == 5
