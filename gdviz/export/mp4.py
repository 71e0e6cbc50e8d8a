"""MP4 (H.264, yuv420p) through the ffmpeg binary that ships with imageio-ffmpeg.

Frames go as raw RGB through a pipe to ffmpeg, which converts them to limited-range
BT.709 YUV 4:2:0 (tagged as such, so browsers and slide software show the colours that
were drawn) and encodes them with libx264 (High profile, CRF 18, ``-preset medium``,
a fixed thread count so that the same frames give the same bytes on any machine) into an
MP4 whose index sits at the front (``+faststart``, plays while downloading).

ffmpeg is run directly rather than through ``imageio_ffmpeg.write_frames`` because the
exit status matters: a full disk while ffmpeg finishes the file must be an error, not a
truncated video renamed into place. yuv420p stores colour at half resolution, so the
width and height must be even; other sizes (not multiples of 16) are encoded as they are.
"""

from __future__ import annotations

import subprocess
import tempfile
from contextlib import suppress
from fractions import Fraction
from pathlib import Path
from typing import IO

import numpy as np

from gdviz.export.frames import Frame

CRF = 18  # libx264 constant rate factor: 0 lossless … 51 worst; 18 looks like the input
PRESET = "medium"
THREADS = 4
_COLOUR = ("scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
           "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709")


def check_mp4_size(size: tuple[int, int]) -> None:
    """ValueError unless ``(W, H)`` are both even (yuv420p halves the colour planes)."""
    if size[0] % 2 or size[1] % 2:
        raise ValueError(f"MP4 needs an even width and height, got {size[0]}×{size[1]}")


def ffmpeg_command(path: Path, size: tuple[int, int], fps: float) -> list[str]:
    """The ffmpeg command line that reads raw RGB frames of ``size`` ``(W, H)`` from
    standard input and writes the MP4 ``path``."""
    import imageio_ffmpeg  # loaded with the first MP4 written: the window starts without it

    rate = Fraction(fps).limit_denominator(1001)
    return [str(imageio_ffmpeg.get_ffmpeg_exe()), "-hide_banner", "-nostats",
            "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", f"{size[0]}x{size[1]}",
            "-framerate", str(rate), "-i", "pipe:0", "-an",
            "-vf", _COLOUR, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-profile:v", "high",
            "-preset", PRESET, "-crf", str(CRF), "-threads", str(THREADS),
            "-movflags", "+faststart", "-f", "mp4", "-y", str(path)]


class Mp4Writer:
    """Appends frames ``(H, W, 3)`` of one even size to a new MP4 at ``path``.

    ``finish()`` waits for ffmpeg and raises OSError if it failed; ``abort()`` stops it
    at once (the caller removes the file).
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: float) -> None:
        check_mp4_size(size)
        self._errors: IO[bytes] = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(ffmpeg_command(path, size, fps),
                                             stdin=subprocess.PIPE,
                                             stdout=subprocess.DEVNULL, stderr=self._errors)
        except BaseException:
            self._errors.close()
            raise
        assert self._process.stdin is not None
        self._pipe: IO[bytes] = self._process.stdin

    def append(self, frame: Frame) -> None:
        """Add one frame ``(H, W, 3)`` of the writer's size."""
        try:
            self._pipe.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            self._process.wait()
            raise OSError(f"ffmpeg stopped: {self._message()}") from None

    def finish(self) -> None:
        """Wait for ffmpeg to complete the file; OSError with its message if it failed."""
        with suppress(BrokenPipeError):
            self._pipe.close()
        status = self._process.wait()
        message = self._message()
        self._errors.close()
        if status != 0:
            raise OSError(f"ffmpeg failed (exit status {status}): {message}")

    def abort(self) -> None:
        """Stop ffmpeg without waiting for the file to be completed."""
        self._process.kill()
        self._process.wait()
        for stream in (self._pipe, self._errors):
            with suppress(OSError):
                stream.close()

    def _message(self) -> str:
        self._errors.seek(0)
        lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "no message"
