"""``export_frames``: a stream of RGB frames to a GIF, an MP4 or PNG files, atomically."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from gdviz.export.atomic import check_target, replacing, staging_folder
from gdviz.export.frames import (
    MAX_FPS,
    Cancel,
    Frame,
    Progress,
    as_frame,
    check_fps,
    checked_frames,
    size_of,
)
from gdviz.export.gif import MAX_GIF_FPS, GifWriter
from gdviz.export.mp4 import Mp4Writer, check_mp4_size
from gdviz.export.png import PngWriter

FORMATS = ("gif", "mp4", "png")
MP4_SIZE, MP4_FPS = (1280, 720), 30.0  # (W, H), frames per second
GIF_SIZE, GIF_FPS = (640, 360), 15.0
DEFAULTS: dict[str, tuple[tuple[int, int], float]] = {
    "mp4": (MP4_SIZE, MP4_FPS), "gif": (GIF_SIZE, GIF_FPS), "png": (MP4_SIZE, MP4_FPS)}
MAX_PALETTE_FRAMES = 16


class FrameWriter(Protocol):
    """What ``export_frames`` needs of a format's writer."""

    def append(self, frame: Frame) -> None: ...
    def finish(self) -> None: ...
    def abort(self) -> None: ...


def export_format(path: str | Path) -> str:
    """``"gif"``, ``"mp4"`` or ``"png"`` from the extension of ``path`` (any letter case);
    ValueError naming the supported ones for anything else."""
    kind = Path(path).suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise ValueError(f"cannot export to {path}: the file name must end in "
                         f"{', '.join('.' + f for f in FORMATS[:-1])} or .{FORMATS[-1]}")
    return kind


def export_frames(frames: Iterable[np.ndarray], path: str | Path, fps: float,
                  total: int | None = None, progress: Progress | None = None,
                  cancel: Cancel | None = None,
                  palette_frames: Sequence[np.ndarray] | np.ndarray | None = None) -> Path:
    """Write ``frames`` (RGB ``uint8`` arrays ``(H, W, 3)``, all of one size) to ``path``,
    in the format its extension names, and return the path of the (first) file written.

    - ``.gif``: loops forever, one palette for all frames, ``fps`` ≤ 50 (GIF delays are
      whole hundredths of a second). The palette is built from ``palette_frames`` (a few
      frames like the ones to come, e.g. the first, middle and last; a sequence or an
      array ``(k, H, W, 3)``; at most 16 evenly spaced ones are used), else from the
      first frame plus a coarse colour cube. Other formats ignore ``palette_frames``.
    - ``.mp4``: H.264, yuv420p, exactly W×H; W and H must be even.
    - ``.png``: one frame → ``path``; several → ``name_0001.png …`` beside it (see
      ``gdviz.export.png``); the return value is then the first of them.

    ``frames`` is consumed once, lazily; only the frame in hand (plus the first frame and
    the palette frames) is kept. ``fps`` is in (0, 120] (GIF: (0, 50]); it does not
    matter for PNG. ``total``, if given, is the exact number of frames, passed on to
    ``progress(done, total)``, which is called after each frame. ``cancel()`` is asked
    before each frame is requested from ``frames`` (a cancel never waits for one more
    frame to be drawn) and once at the end; True stops the export with ExportCancelled.

    Atomic: the output is written under a temporary name next to ``path`` and renamed
    into place at the end; any failure (a bad frame, an exception from ``frames``, a full
    disk, a cancel) removes it and leaves an existing file at ``path`` untouched.
    Raises ValueError for a bad extension, fps, frame, size or count; OSError (its
    subclasses FileNotFoundError, NotADirectoryError, PermissionError,
    IsADirectoryError) for a target that cannot be written, checked before the first
    frame is asked for, and for failures while writing; ExportCancelled.
    """
    target = Path(path)
    kind = export_format(target)
    rate = check_fps(fps, MAX_GIF_FPS if kind == "gif" else MAX_FPS)
    check_target(target)
    stream = checked_frames(frames, total, progress, cancel)
    first = next(stream)
    size = size_of(first)
    everything = itertools.chain([first], stream)
    if kind == "png":
        with staging_folder(target) as staging:
            png = PngWriter(staging)
            _write(png, everything)
            return png.place(target)
    if kind == "mp4":
        check_mp4_size(size)
    given = palette_frames if palette_frames is not None and kind == "gif" else []
    samples = _palette_samples(given, size)
    with replacing(target) as tmp:
        writer: FrameWriter = (
            Mp4Writer(tmp, size, rate) if kind == "mp4"
            else GifWriter(tmp, size, rate, samples or [first], fallback_cube=not samples))
        _write(writer, everything)
    return target


def _write(writer: FrameWriter, frames: Iterator[Frame]) -> None:
    try:
        for frame in frames:
            writer.append(frame)
    except BaseException:
        writer.abort()
        raise
    writer.finish()


def _palette_samples(frames: Sequence[np.ndarray] | np.ndarray,
                     size: tuple[int, int]) -> list[Frame]:
    """At most MAX_PALETTE_FRAMES of ``frames``, evenly spaced, checked to be frames of
    ``size`` ``(W, H)``."""
    n = min(len(frames), MAX_PALETTE_FRAMES)
    samples = []
    for i in (round(k * (len(frames) - 1) / max(1, n - 1)) for k in range(n)):
        frame = as_frame(frames[i], i, "palette frame")
        if size_of(frame) != size:
            raise ValueError(f"palette frame {i} is {size_of(frame)[0]}×{size_of(frame)[1]}, "
                             f"but the frames are {size[0]}×{size[1]}")
        samples.append(frame)
    return samples
