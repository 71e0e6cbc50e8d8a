"""Scenarios on the command line: `gdviz run --scenario` against the same race given as
flags, presets in `gdviz list`, one-line errors, schedules in --opt SPECs, `gdviz gui`
without a display, and the presets shipped inside an installed wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.cli import main
from gdviz.cli.args import format_opt_spec, parse_opt_spec
from gdviz.cli.display import missing_display
from gdviz.cli.output import csv_text
from gdviz.core.hyper import Hyper
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import MAX_SEED, RaceSpec, RunSpec, ScheduleSpec, run_race
from gdviz.core.schedules import SCHEDULES
from gdviz.scenario import list_presets, load_scenario, preset_names, preset_path

REPO = Path(__file__).resolve().parents[2]
PRESETS = preset_names()


def gdviz(capsys, *argv: str) -> tuple[int, str, str]:
    """`gdviz ARGV` in-process: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(code: int, out: str, err: str) -> str:
    """The single `gdviz: error: …` line of a refused command (exit 2, no traceback)."""
    assert code == 2 and out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdviz: error: "), err
    return lines[0]


def race_flags(spec: RaceSpec) -> list[str]:
    """The `gdviz run` flags that describe ``spec`` (runs without own starts or edits)."""
    flags = ["--landscape", spec.landscape]
    for key, value in spec.params.items():
        flags += ["--param", f"{key}={value!r}"]
    if spec.start is not None:
        flags.append("--start=" + ",".join(repr(v) for v in spec.start))
    flags += ["--steps", str(spec.steps), "--seed", str(spec.seed), "--tol", repr(spec.tol)]
    for run in spec.runs:
        flags += ["--opt", format_opt_spec(run)]
    return flags


# ---- presets: --scenario equals the same race as flags ----------------------------------
def test_there_are_presets():
    assert len(PRESETS) >= 13 and "ravine" in PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_a_preset_runs_as_the_same_race_given_as_flags(capsys, name):
    spec = load_scenario(name).race
    code, from_scenario, err = gdviz(capsys, "run", "--scenario", name)
    assert (code, err) == (0, "")
    assert from_scenario == csv_text(run_race(spec))
    if spec.network is not None or any(r.start is not None or r.edits for r in spec.runs):
        return  # networks, own starts and edits have no flags; run_race above covers them
    code, from_flags, err = gdviz(capsys, "run", *race_flags(spec))
    assert (code, err) == (0, "")
    assert from_flags == from_scenario


def test_steps_given_with_a_scenario_override_its_length(capsys):
    code, out, _ = gdviz(capsys, "run", "--scenario", "ravine", "--steps", "7")
    assert code == 0
    rows = out.splitlines()[1:]
    runs = len(load_scenario("ravine").race.runs)
    assert len(rows) == 8 * runs
    for i in range(runs):
        assert [r.split(",")[2] for r in rows if r.startswith(f"{i},")] == [
            str(k) for k in range(8)]


# ---- gdviz list ------------------------------------------------------------------------
def test_list_shows_every_preset_with_its_title(capsys):
    code, out, _ = gdviz(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    presets = list_presets()
    assert [name for name, _ in presets] == PRESETS
    for name, title in presets:
        assert title and not title.startswith("(invalid")
        assert any(line.split() and line.split()[0] == name and line.endswith(title)
                   for line in lines), name

    code, out, _ = gdviz(capsys, "list", "--json")
    assert code == 0
    listed = json.loads(out)["presets"]
    assert listed == [{"name": name, "title": title} for name, title in presets]


# ---- errors: one line, exit 2, never a traceback -----------------------------------------
def test_scenario_and_opt_together_are_refused(capsys):
    line = one_error_line(*gdviz(capsys, "run", "--scenario", "ravine", "--opt", "gd"))
    assert "--scenario" in line and "--opt" in line


def test_an_unknown_preset_suggests_the_nearest_name(capsys):
    line = one_error_line(*gdviz(capsys, "run", "--scenario", "ravin"))
    assert "did you mean 'ravine'" in line


def test_a_broken_scenario_names_the_file_and_the_key(capsys, tmp_path):
    text = preset_path("ravine").read_text(encoding="utf-8").replace("lr = 0.038", "lr = -1")
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    line = one_error_line(*gdviz(capsys, "run", "--scenario", str(path)))
    assert str(path) in line and "optimizer[0].lr" in line
    done = subprocess.run([sys.executable, "-m", "gdviz", "run", "--scenario", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert one_error_line(done.returncode, done.stdout, done.stderr) == line


# ---- schedules in --opt SPECs ----------------------------------------------------------
def test_a_schedule_in_a_spec_is_the_schedule_of_the_race(capsys):
    code, out, _ = gdviz(capsys, "run", "--landscape", "quadratic", "--start=-2.5,1.5",
                         "--steps", "120", "--opt", "adam:lr=0.1,schedule=cosine,period=50")
    assert code == 0
    run = RunSpec("adam", {"lr": 0.1}, schedule=ScheduleSpec("cosine", {"period": 50}))
    spec = RaceSpec("quadratic", runs=(run,), start=(-2.5, 1.5), steps=120)
    assert out == csv_text(run_race(spec))
    constant = RaceSpec("quadratic", runs=(RunSpec("adam", {"lr": 0.1}),), start=(-2.5, 1.5),
                        steps=120)
    assert out != csv_text(run_race(constant))


def test_a_schedule_option_without_a_schedule_is_refused_with_a_hint(capsys):
    line = one_error_line(*gdviz(capsys, "run", "--landscape", "quadratic",
                                 "--opt", "adam:period=5"))
    assert "period" in line and "schedule=" in line


def hyper_values(h: Hyper) -> st.SearchStrategy[object]:
    """Values ``h.check`` accepts."""
    if h.kind == "bool":
        return st.booleans()
    if h.kind == "int":
        return st.integers(int(h.lo) + h.lo_open, int(h.hi) - h.hi_open)
    return st.floats(h.lo, h.hi, exclude_min=h.lo_open, exclude_max=h.hi_open)


def some_of(hypers: tuple[Hyper, ...]) -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries({}, optional={h.name: hyper_values(h) for h in hypers})


@st.composite
def run_specs(draw: st.DrawFn) -> RunSpec:
    spec = OPTIMIZERS[draw(st.sampled_from(sorted(OPTIMIZERS)))]
    hyper = draw(some_of(spec.hyper))
    if hyper.get("nesterov", spec.name == "nesterov"):
        hyper["momentum"] = draw(st.floats(0.01, 0.99))  # nesterov needs momentum > 0
    kind = draw(st.none() | st.sampled_from(list(SCHEDULES)))  # "constant": no schedule
    schedule = None if kind is None else ScheduleSpec(kind, draw(some_of(
        SCHEDULES[kind].options)))
    return RunSpec(spec.name, hyper, schedule=schedule, label=draw(st.text(max_size=8)),
                   color=draw(st.sampled_from(["", "#123456"])),
                   start=draw(st.none() | st.just((0.5, -1.0))),
                   seed=draw(st.none() | st.integers(0, MAX_SEED)))


@settings(max_examples=300, deadline=None)
@given(run_specs())
def test_a_spec_reads_back_as_the_run_it_was_written_from(run):
    text = format_opt_spec(run)
    assert parse_opt_spec(text) == replace(run, label="", color="", start=None, edits=())
    assert format_opt_spec(parse_opt_spec(text)) == text


def test_a_constant_schedule_reads_back_equal():
    run = RunSpec("gd", schedule=ScheduleSpec("constant"))
    assert parse_opt_spec(format_opt_spec(run)) == run == RunSpec("gd")


# ---- gdviz gui without a display ---------------------------------------------------------
def free_display() -> str:
    n = 57
    while Path(f"/tmp/.X11-unix/X{n}").exists():
        n += 1
    return f":{n}"


@pytest.mark.parametrize("display", [None, free_display()], ids=["unset", "no-server"])
def test_gui_without_a_display_says_so_in_one_line(tmp_path, display):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if display is not None:
        env["DISPLAY"] = display
    done = subprocess.run([sys.executable, "-m", "gdviz", "gui"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "display" in lines[0] and "xvfb-run" in lines[0]
    assert "Aborted" not in done.stderr and "core dumped" not in done.stderr


@pytest.mark.parametrize(("env", "platform"), [
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
    ({"QT_QPA_PLATFORM": "minimal:enable_fonts"}, "linux"),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
    ({}, "darwin"),
    ({}, "win32"),
])
def test_a_platform_without_x_needs_no_display(env, platform):
    assert missing_display(env, platform) is None


def test_missing_display_explains_what_is_missing():
    unset = missing_display({}, "linux")
    assert unset is not None and "DISPLAY" in unset and "xvfb-run" in unset
    gone = free_display()
    for display in (gone, f"{gone}.0", f"unix{gone}"):
        why = missing_display({"DISPLAY": display}, "linux")
        assert why is not None and display in why
    assert missing_display({"DISPLAY": "", "QT_QPA_PLATFORM": "xcb"}, "linux") is not None


# ---- presets from an installed wheel -----------------------------------------------------
CHECK_INSTALLED = """
import sys, gdviz, gdviz.scenario as sc
from gdviz.core.race import run_race
site, expected = sys.argv[1], sys.argv[2].split(",")
assert gdviz.__file__.startswith(site), gdviz.__file__
assert str(sc.presets_dir()).startswith(site), sc.presets_dir()
assert sc.preset_names() == expected, sc.preset_names()
for name in expected:
    spec = sc.load_scenario(name).race
    trajs = run_race(spec, steps=3)
    assert len(trajs) == len(spec.runs) and all(len(t.loss) == 4 for t in trajs)
print("ok", len(expected))
"""


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True,
                          text=True, timeout=300, check=False)


def test_an_installed_wheel_ships_every_preset(tmp_path):
    # built from a copy, so the build leaves no build/ or egg-info in the checkout
    src = tmp_path / "src"
    src.mkdir()
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / part, src / part)
    for folder in ("gdviz", "resources"):
        shutil.copytree(REPO / folder, src / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    built = pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist),
                str(src))
    if built.returncode != 0:  # setuptools in the venv too old: let pip fetch a new one
        built = pip("wheel", "--no-deps", "-w", str(dist), str(src))
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("gdviz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in PRESETS:
        assert f"gdviz/resources/scenarios/{name}.toml" in names

    site = tmp_path / "site"
    installed = pip("install", "--no-deps", "--no-index", "--target", str(site), str(wheel))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", CHECK_INSTALLED, str(site), ",".join(PRESETS)],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", str(len(PRESETS))]
