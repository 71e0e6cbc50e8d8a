"""``gdviz export`` end to end: files that decode to the asked frames and size, the same
bytes twice, every preset headless, one clear line for every mistake, nothing left
behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import imageio.v2 as iio2
import imageio.v3 as iio
import numpy as np
import pytest

from gdviz.cli import main
from gdviz.export import ExportCancelled, output_paths
from gdviz.scenario import load_scenario, preset_names
from gdviz.ui.app import application
from gdviz.ui.export_job import export_animation, plan_export


@pytest.fixture(scope="module", autouse=True)
def _app():
    app = application()
    yield app


def export(tmp_path: Path, *args: str) -> int:
    return main(["export", *args])


def test_mp4_gif_and_png_have_the_asked_frames_and_size(tmp_path: Path) -> None:
    mp4, gif, png = tmp_path / "r.mp4", tmp_path / "r.gif", tmp_path / "r.png"
    assert export(tmp_path, "ravine", "-o", str(mp4), "--frames", "12", "--size",
                  "320x240", "--fps", "12") == 0
    reader = iio2.get_reader(mp4)
    meta = reader.get_meta_data()
    frames = [frame for frame in reader]  # list() asks len(), which ffmpeg gives as inf
    assert len(frames) == 12 and frames[0].shape == (240, 320, 3)
    assert meta["codec"] == "h264" and meta["pix_fmt"].startswith("yuv420p")
    assert export(tmp_path, "ravine", "-o", str(gif), "--frames", "7") == 0
    assert iio.imread(gif, index=None).shape[:3] == (7, 360, 640)
    assert export(tmp_path, "tangent_walk", "-o", str(png), "--size", "400x300") == 0
    assert iio.imread(png).shape[:2] == (300, 400)
    assert export(tmp_path, "ravine", "-o", str(tmp_path / "seq.png"), "--frames", "3") == 0
    assert sorted(p.name for p in tmp_path.glob("seq_*.png")) == [
        p.name for p in output_paths(tmp_path / "seq.png", 3)]


def test_the_frames_show_the_steps_spread_over_the_race(tmp_path: Path) -> None:
    """The first frame is the start, the last the race's end: their pictures differ."""
    gif = tmp_path / "r.gif"
    assert export(tmp_path, "learning_rate", "-o", str(gif), "--frames", "4") == 0
    frames = iio.imread(gif, index=None)
    assert not np.array_equal(frames[0], frames[-1])


def test_two_exports_are_identical(tmp_path: Path) -> None:
    for name in ("a.gif", "b.gif"):
        assert export(tmp_path, "saddle", "-o", str(tmp_path / name), "--frames", "5") == 0
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()


def test_a_race_given_by_flags_exports_too(tmp_path: Path) -> None:
    out = tmp_path / "flags.gif"
    assert export(tmp_path, "--landscape", "himmelblau", "--opt", "adam:lr=0.1", "--opt",
                  "gd:lr=0.01", "--steps", "40", "-o", str(out), "--frames", "3") == 0
    assert iio.imread(out, index=None).shape[0] == 3


@pytest.mark.parametrize(("args", "words"), [
    (["ravine", "-o", "OUT/no/r.gif"], ["no such folder"]),
    (["ravine", "-o", "OUT/r.avi"], [".gif"]),
    (["ravine", "-o", "OUT/r.gif", "--size", "12x3"], ["WxH"]),
    (["ravine", "-o", "OUT/r.mp4", "--size", "641x360"], ["even"]),
    (["ravine", "-o", "OUT/r.gif", "--view", "curve"], ["does not fit"]),
    (["raveen", "-o", "OUT/r.gif"], ["ravine"]),
    (["-o", "OUT/r.gif"], ["--scenario"]),
    (["ravine", "--scenario", "saddle", "-o", "OUT/r.gif"], ["once"]),
])
def test_mistakes_are_one_line_and_leave_nothing(tmp_path: Path, capsys, args, words) -> None:
    args = [a.replace("OUT", str(tmp_path)) for a in args]
    assert export(tmp_path, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("gdviz: error: ") and err.count("\n") == 1
    assert all(w in err for w in words), err
    assert os.listdir(tmp_path) == []


def test_a_cancel_and_a_failing_disk_leave_nothing(tmp_path: Path, monkeypatch) -> None:
    scenario = load_scenario("ravine")
    plan = plan_export(scenario, tmp_path / "r.mp4", frames=20, size=(320, 240))
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(ExportCancelled):
        export_animation(scenario, plan, cancel=cancel)
    assert os.listdir(tmp_path) == []
    (tmp_path / "keep.gif").write_bytes(b"old")
    gif_plan = plan_export(scenario, tmp_path / "keep.gif", frames=20, size=(320, 240))
    import gdviz.export.gif as gif_module

    def full_disk(self, frame):  # noqa: ANN001
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gif_module.GifWriter, "append", full_disk)
    with pytest.raises(OSError):
        export_animation(scenario, gif_plan)
    assert os.listdir(tmp_path) == ["keep.gif"] and (tmp_path / "keep.gif").read_bytes() == b"old"


def test_every_preset_exports_three_frames_without_a_display(tmp_path: Path) -> None:
    """In a process with no display at all: Qt runs offscreen, the 3-D view is left out."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    script = (
        "import sys\nfrom gdviz.cli import main\n"
        "for name in sys.argv[2:]:\n"
        "    code = main(['export', name, '-o', f'{sys.argv[1]}/{name}.gif', '--frames', '3',"
        " '--size', '320x180'])\n"
        "    assert code == 0, name\n")
    names = preset_names()
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path), *names],
                            capture_output=True, text=True, timeout=600, check=False,
                            env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Aborted" not in result.stderr and "propagateSizeHints" not in result.stderr
    for name in names:
        frames = iio.imread(tmp_path / f"{name}.gif", index=None)
        assert frames.shape[:3] == (3, 180, 320), name


def test_the_default_gif_is_ten_seconds_and_small(tmp_path: Path) -> None:
    out = tmp_path / "ravine.gif"
    assert export(tmp_path, "ravine", "-o", str(out)) == 0
    frames = iio.imread(out, index=None)
    assert frames.shape[:3] == (150, 360, 640)  # 10 s at 15 fps, 640x360
    assert out.stat().st_size < 10 * 2**20
