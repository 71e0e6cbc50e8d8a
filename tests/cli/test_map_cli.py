"""``gdviz map basin|stability``: PNG and .npy shapes, layout and orientation; one error
line and no file for every mistake."""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from gdviz.cli import main
from gdviz.core.maps import basin_map, stability_map
from gdviz.export.map_figure import BOTTOM, LEFT, MIN_RIGHT, TOP
from gdviz.export.maps import PALETTE, STABILITY_DIVERGED_RGB, scale_of


def run_ok(capsys, *args: str) -> None:
    assert main(["map", *args]) == 0
    assert capsys.readouterr().err == ""  # no progress bar when stderr is not a terminal


def the_map(png: Path, side: int) -> np.ndarray:
    """The map's own pixels ``(side, side, 3)`` inside the framed picture (axes, title,
    legend around it)."""
    image = iio.imread(png)
    assert image.dtype == np.uint8 and image.shape[0] == side + TOP + BOTTOM
    assert image.shape[1] >= side + LEFT + MIN_RIGHT
    return image[TOP:TOP + side, LEFT:LEFT + side]


def palette_index(pixel: np.ndarray) -> int:
    """The minimum whose colour ``pixel`` is a shade of (nearest direction in RGB)."""
    p = pixel.astype(float) / np.linalg.norm(pixel)
    cos = PALETTE @ p / np.linalg.norm(PALETTE, axis=1)
    return int(np.argmax(cos))


def test_basin_png_and_npy_layout_and_orientation(tmp_path: Path, capsys) -> None:
    """x ∈ [0, 5], y ∈ [−5, 5] on himmelblau: the top right corner (5, 5) falls to the
    minimum (3, 2) (label 0), the bottom right (5, −5) to (3.58, −1.85) (label 3)."""
    png, npy = tmp_path / "b.png", tmp_path / "b.npy"
    run_ok(capsys, "basin", "--landscape", "himmelblau", "--opt", "gd:lr=0.01", "--res", "25",
           "--steps", "400", "--box=0,5,-5,5", "-o", str(png), "--npy", str(npy))
    labels = np.load(npy)
    assert labels.shape == (25, 25) and labels.dtype == np.int64
    want = basin_map("himmelblau", "gd", box=((0, 5), (-5, 5)), res=25, steps=400, lr=0.01)
    np.testing.assert_array_equal(labels, want.labels)
    assert labels[-1, -1] == 0 and labels[0, -1] == 3  # row i ↔ ys[i], increasing
    s = scale_of(25)
    image = the_map(png, 25 * s)
    assert palette_index(image[0, -1]) == 0  # top of the picture: y = 5
    assert palette_index(image[-1, -1]) == 3  # bottom: y = −5
    for i, j in ((0, 0), (7, 19), (24, 3)):  # every cell a uniform square
        cell = image[(24 - i) * s:(25 - i) * s, j * s:(j + 1) * s]
        assert (cell == cell[0, 0]).all()
        if labels[i, j] >= 0:
            assert palette_index(cell[0, 0]) == labels[i, j]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.npy", "b.png"]


def test_basin_without_npy_writes_only_the_picture(tmp_path: Path, capsys) -> None:
    png = tmp_path / "only.png"
    run_ok(capsys, "basin", "--landscape", "booth", "--opt", "adam:lr=0.5", "--res", "8",
           "--steps", "50", "-o", str(png))
    assert [p.name for p in tmp_path.iterdir()] == ["only.png"]
    assert the_map(png, 8 * scale_of(8)).shape == (8 * scale_of(8), 8 * scale_of(8), 3)


def test_stability_png_and_npy_with_lr_growing_upwards(tmp_path: Path, capsys) -> None:
    """lr on the y axis: the large rates at the top of the picture diverge (red)."""
    png, npy = tmp_path / "s.png", tmp_path / "s.npy"
    run_ok(capsys, "stability", "--landscape", "rosenbrock", "--opt", "momentum",
           "--x", "momentum=0:0.9", "--y", "lr=1e-4:1e-1:log", "--res", "9", "--steps", "150",
           "--start=-1.2,1", "-o", str(png), "--npy", str(npy))
    values = np.load(npy)
    assert values.shape == (9, 9) and values.dtype == np.float64
    want = stability_map("rosenbrock", "momentum", start=(-1.2, 1.0),
                         x=("momentum", 0.0, 0.9, False), y=("lr", 1e-4, 1e-1, True), res=9,
                         steps=150)
    np.testing.assert_array_equal(values, want.values)  # NaN where diverged
    assert np.isnan(values[-1]).all() and np.isfinite(values[0]).all()
    s = scale_of(9)
    image = the_map(png, 9 * s)
    assert (image[:s] == STABILITY_DIVERGED_RGB).all()  # top row: lr = 0.1
    assert not (image[-s:] == STABILITY_DIVERGED_RGB).all(axis=-1).any()  # bottom: 1e-4


def test_steps_to_converge_and_an_own_seed(tmp_path: Path, capsys) -> None:
    npy = tmp_path / "c.npy"
    run_ok(capsys, "stability", "--landscape", "quadratic", "--opt", "sgd:seed=5",
           "--x", "lr=1e-2:0.15", "--y", "noise=0:0.5:lin", "--res", "4", "--steps", "200",
           "--tol", "0.05", "--measure", "steps_to_converge", "-o", str(tmp_path / "c.png"),
           "--npy", str(npy))
    want = stability_map("quadratic", "sgd", x=("lr", 1e-2, 0.15, True),  # lr: log
                         y=("noise", 0.0, 0.5, False), res=4, steps=200, tol=0.05, seed=5,
                         measure="steps_to_converge")
    np.testing.assert_array_equal(np.load(npy), want.values)
    assert np.isfinite(want.values).any()


BASIN = ["basin", "--landscape", "himmelblau", "--opt", "gd:lr=0.01", "--res", "4",
         "--steps", "3"]
STAB = ["stability", "--landscape", "rosenbrock", "--opt", "momentum", "--x",
        "lr=1e-4:1e-1:log", "--y", "momentum=0:0.99", "--res", "3", "--steps", "3"]
MISTAKES = [
    (BASIN + ["-o", "OUT.gif"], ".png"),
    (BASIN + ["-o", "OUT.png", "--npy", "OUT.txt"], ".npy"),
    (BASIN + ["-o", "missing/OUT.png"], "no such folder"),
    (["basin", "--landscape", "nowhere", "--opt", "gd", "-o", "OUT.png"], "nowhere"),
    (["basin", "--landscape", "parabola", "--opt", "gd", "-o", "OUT.png"], "2-D"),
    (BASIN + ["--param", "a=1", "-o", "OUT.png"], "no parameter"),
    (["basin", "--landscape", "himmelblau", "--opt", "adam:lr=-1", "-o", "OUT.png"], "lr"),
    (["basin", "--landscape", "himmelblau", "--opt", "nosuch", "-o", "OUT.png"], "nosuch"),
    (BASIN + ["--box", "1,2,3", "-o", "OUT.png"], "XMIN,XMAX"),
    (BASIN + ["--box=5,-5,0,1", "-o", "OUT.png"], "XMIN < XMAX"),
    (BASIN + ["--res", "1", "-o", "OUT.png"], "--res"),
    (BASIN + ["--res", "many", "-o", "OUT.png"], "--res"),
    (BASIN + ["--steps", "-3", "-o", "OUT.png"], "--steps"),
    (BASIN + ["--tol", "-1", "-o", "OUT.png"], "--tol"),
    (BASIN + ["--near", "nan", "-o", "OUT.png"], "--near"),
    (BASIN + ["--seed", "x", "-o", "OUT.png"], "--seed"),
    (["basin", "--landscape", "himmelblau", "-o", "OUT.png"], "--opt"),
    (["sideways", "-o", "OUT.png"], "invalid choice"),
    (STAB[:5] + ["--y", "momentum=0:0.99", "-o", "OUT.png"], "--x"),
    (STAB + ["-o", "OUT.png", "--x", "lr=1:2:sqrt"], "NAME=LO:HI"),
    (STAB[:6] + ["speed=0:1"] + STAB[7:] + ["-o", "OUT.png"], "speed"),
    (STAB[:6] + ["lr=0:1e-1:log"] + STAB[7:] + ["-o", "OUT.png"], "lo > 0"),
    (STAB[:6] + ["lr=1e-4:20:log"] + STAB[7:] + ["-o", "OUT.png"], "lr must be in"),
    (STAB[:8] + ["lr=0:1"] + STAB[9:] + ["-o", "OUT.png"], "both lr"),
    (STAB[:4] + ["momentum:momentum=0.5"] + STAB[5:] + ["-o", "OUT.png"], "--y axis"),
    (STAB[:4] + ["momentum:lr=0.1,schedule=cosine"] + STAB[5:] + ["-o", "OUT.png"],
     "schedule"),
    (STAB[:4] + ["nesterov"] + STAB[5:] + ["-o", "OUT.png"], "nesterov needs momentum"),
    (STAB + ["--measure", "steps_to_converge", "-o", "OUT.png"], "tol > 0"),
    (STAB + ["--measure", "speed", "-o", "OUT.png"], "invalid choice"),
    (STAB + ["--start=1,2,3", "-o", "OUT.png"], "--start"),
]


@pytest.mark.parametrize(("args", "match"), MISTAKES, ids=lambda a: " ".join(a)
                         if isinstance(a, list) else a)
def test_every_mistake_is_one_line_and_leaves_nothing(tmp_path: Path, capsys, monkeypatch,
                                                      args, match) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["map", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gdviz: error: "), err
    assert match in err, err
    assert list(tmp_path.iterdir()) == []
