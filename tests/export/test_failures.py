"""A failed, refused or cancelled export leaves the folder exactly as it was."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from gdviz.export import ExportCancelled, export_frames
from gdviz.export import mp4 as mp4_module
from gdviz.export.gif import GifWriter
from gdviz.export.mp4 import Mp4Writer
from gdviz.export.png import PngWriter
from tests.export.synthetic import plot_frames

FORMATS = ["gif", "mp4", "png"]
WRITERS: dict[str, type[GifWriter | Mp4Writer | PngWriter]] = {
    "gif": GifWriter, "mp4": Mp4Writer, "png": PngWriter}
OLD = b"an earlier export"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding one earlier export per format (and nothing else)."""
    for ext in FORMATS:
        (tmp_path / f"out.{ext}").write_bytes(OLD)
    return tmp_path


def assert_untouched(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == [f"out.{ext}" for ext in FORMATS]
    assert all((folder / f"out.{ext}").read_bytes() == OLD for ext in FORMATS)


def failing_after(n: int, error: BaseException) -> Iterator[np.ndarray]:
    yield from plot_frames(n, 64, 48)
    raise error


@pytest.mark.parametrize("ext", FORMATS)
def test_an_exception_from_the_frames_midway_leaves_nothing(folder: Path, ext: str) -> None:
    with pytest.raises(RuntimeError, match="renderer broke"):
        export_frames(failing_after(5, RuntimeError("renderer broke")), folder / f"out.{ext}",
                      fps=10)
    assert_untouched(folder)


@pytest.mark.parametrize("ext", FORMATS)
def test_ctrl_c_midway_leaves_nothing(folder: Path, ext: str) -> None:
    with pytest.raises(KeyboardInterrupt):
        export_frames(failing_after(4, KeyboardInterrupt()), folder / f"out.{ext}", fps=10)
    assert_untouched(folder)


@pytest.mark.parametrize("ext", FORMATS)
def test_a_full_disk_leaves_nothing(folder: Path, ext: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    writer = WRITERS[ext]
    append = writer.append
    calls = []

    def append_until_full(self: object, frame: np.ndarray) -> None:
        calls.append(1)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        append(self, frame)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "append", append_until_full)
    with pytest.raises(OSError, match="No space left"):
        export_frames(plot_frames(10, 64, 48), folder / f"out.{ext}", fps=10)
    assert len(calls) == 4
    assert_untouched(folder)


@pytest.mark.parametrize("ext", FORMATS)
def test_a_bad_frame_midway_leaves_nothing(folder: Path, ext: str) -> None:
    def frames() -> Iterator[np.ndarray]:
        yield from plot_frames(3, 64, 48)
        yield np.zeros((48, 66, 3), np.uint8)

    with pytest.raises(ValueError, match=r"frame 3 is 66×48, but the first frame is 64×48"):
        export_frames(frames(), folder / f"out.{ext}", fps=10)
    assert_untouched(folder)


@pytest.mark.parametrize("ext", FORMATS)
def test_a_cancel_stops_between_frames_and_leaves_nothing(folder: Path, ext: str) -> None:
    seen: list[tuple[int, int | None]] = []
    drawn = []

    def frames() -> Iterator[np.ndarray]:
        for frame in plot_frames(10, 64, 48):
            drawn.append(1)
            yield frame

    with pytest.raises(ExportCancelled):
        export_frames(frames(), folder / f"out.{ext}", fps=10, total=10,
                      progress=lambda done, total: seen.append((done, total)),
                      cancel=lambda: len(seen) >= 4)
    assert seen == [(k, 10) for k in range(1, 5)]
    assert len(drawn) == 4  # no frame is drawn after the cancel
    assert_untouched(folder)


@pytest.mark.parametrize("ext", FORMATS)
def test_too_few_frames_for_the_announced_total_leaves_nothing(folder: Path, ext: str) -> None:
    with pytest.raises(ValueError, match="ended after 4 of the 5 announced frames"):
        export_frames(plot_frames(4, 64, 48), folder / f"out.{ext}", fps=10, total=5)
    assert_untouched(folder)


def test_an_mp4_that_ffmpeg_cannot_finish_leaves_nothing(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ffmpeg's exit status is checked: a failure while it completes the file is an error."""
    failing = [sys.executable, "-c",
               "import sys; sys.stdin.buffer.read(); sys.stderr.write('disk full\\n'); exit(1)"]
    monkeypatch.setattr(mp4_module, "ffmpeg_command", lambda *args: failing)
    with pytest.raises(OSError, match="ffmpeg failed.*disk full"):
        export_frames(plot_frames(5, 64, 48), folder / "out.mp4", fps=10)
    assert_untouched(folder)


def test_an_mp4_whose_ffmpeg_dies_midway_leaves_nothing(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dying = [sys.executable, "-c", "import sys; sys.stderr.write('crashed\\n'); exit(3)"]
    monkeypatch.setattr(mp4_module, "ffmpeg_command", lambda *args: dying)
    with pytest.raises(OSError, match="crashed"):
        export_frames(plot_frames(200, 640, 360), folder / "out.mp4", fps=10)
    assert_untouched(folder)


def never_started() -> Iterator[np.ndarray]:
    raise AssertionError("the frames were asked for")
    yield  # a generator


@pytest.mark.parametrize("ext", FORMATS)
def test_a_missing_folder_is_refused_before_any_frame(tmp_path: Path, ext: str) -> None:
    with pytest.raises(FileNotFoundError, match="cannot write to .*: no such folder"):
        export_frames(never_started(), tmp_path / "nope" / f"out.{ext}", fps=10)
    assert list(tmp_path.iterdir()) == []


def test_a_file_as_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        export_frames(never_started(), tmp_path / "notes.txt" / "out.gif", fps=10)


def test_a_folder_as_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out.gif").mkdir()
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        export_frames(never_started(), tmp_path / "out.gif", fps=10)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="the superuser may write anywhere")
def test_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    with pytest.raises(PermissionError, match="is not writable"):
        export_frames(never_started(), locked / "out.mp4", fps=10)


@pytest.mark.parametrize("name", ["out.avi", "out", "out.gif.part"])
def test_an_unknown_extension_names_the_supported_ones(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=r"must end in \.gif, \.mp4 or \.png"):
        export_frames(never_started(), tmp_path / name, fps=10)


@pytest.mark.parametrize("fps", [0, -1, 120.5, float("nan"), float("inf")])
def test_fps_outside_0_to_120_is_refused(tmp_path: Path, fps: float) -> None:
    with pytest.raises(ValueError, match=r"fps must be a number in \(0, 120\]"):
        export_frames(never_started(), tmp_path / "out.mp4", fps=fps)


def test_gif_fps_above_50_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"fps must be a number in \(0, 50\]"):
        export_frames(never_started(), tmp_path / "out.gif", fps=60)


@pytest.mark.parametrize("bad", [np.zeros((4, 4, 3)), np.zeros((4, 4), np.uint8),
                                 np.zeros((4, 4, 4), np.uint8), np.zeros((0, 4, 3), np.uint8),
                                 [[[0, 0, 0]]]])
def test_a_first_frame_that_is_not_rgb_uint8_is_refused(tmp_path: Path, bad: object) -> None:
    with pytest.raises(ValueError, match=r"frame 0: expected a uint8 array of shape \(H, W, 3\)"):
        export_frames(iter([bad]), tmp_path / "out.png", fps=10)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_no_frames_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no frames to export"):
        export_frames([], tmp_path / "out.gif", fps=10)
    assert list(tmp_path.iterdir()) == []
