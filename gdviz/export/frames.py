"""A stream of RGB frames, checked as it is consumed.

A frame is a ``uint8`` array of shape ``(H, W, 3)`` (rows top to bottom, RGB). Every
writer takes frames one at a time from ``checked_frames``, which refuses a bad frame at
the moment it arrives, counts the frames, reports progress and honours a cancel request
between frames. Nothing here keeps more than the frame in hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import cast

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]  # (H, W, 3)
Progress = Callable[[int, int | None], object]  # (frames done, total or None); result ignored
Cancel = Callable[[], bool]  # True: stop as soon as possible
MAX_FPS = 120.0
_END = object()


class ExportCancelled(Exception):
    """The export was cancelled; nothing was written (a pre-existing file is untouched)."""


def check_fps(fps: float, most: float = MAX_FPS) -> float:
    """``fps`` as a float if it is a finite number in (0, ``most``], else ValueError."""
    value = float(fps)
    if not (math.isfinite(value) and 0.0 < value <= most):
        raise ValueError(f"fps must be a number in (0, {most:g}], got {fps!r}")
    return value


def as_frame(frame: object, index: int, what: str = "frame") -> Frame:
    """``frame`` itself if it is a ``uint8 (H, W, 3)`` array with H, W ≥ 1; otherwise a
    ValueError naming ``what`` and ``index`` (0-based)."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 \
            or frame.shape[2] != 3 or frame.shape[0] < 1 or frame.shape[1] < 1:
        got = (f"{frame.dtype} array of shape {frame.shape}" if isinstance(frame, np.ndarray)
               else type(frame).__name__)
        raise ValueError(f"{what} {index}: expected a uint8 array of shape (H, W, 3), got {got}")
    return cast(Frame, frame)


def size_of(frame: Frame) -> tuple[int, int]:
    """``(W, H)`` of a frame."""
    return int(frame.shape[1]), int(frame.shape[0])


def checked_frames(frames: Iterable[object], total: int | None = None,
                   progress: Progress | None = None,
                   cancel: Cancel | None = None) -> Iterator[Frame]:
    """Yield the frames of ``frames`` unchanged, lazily, after checking each one.

    ``cancel()`` is asked before each frame is requested from ``frames`` (so a cancel
    never waits for one more frame to be drawn) and once more when it ends; True raises
    ``ExportCancelled``. After the consumer has taken frame k (1-based) and asks for the
    next one, ``progress(k, total)`` is called. Raises ValueError for a frame that is not
    ``uint8 (H, W, 3)``, a frame whose size differs from the first one's, an empty
    stream, or (when ``total`` is given) a stream with more or fewer than ``total`` frames.
    """
    if total is not None and total < 1:
        raise ValueError(f"total must be a positive number of frames, got {total}")
    size: tuple[int, int] | None = None
    count = 0
    source = iter(frames)
    while True:
        _ask(cancel)
        frame = next(source, _END)
        if frame is _END:
            break
        if total is not None and count == total:
            raise ValueError(f"the stream has more frames than the {total} announced")
        checked = as_frame(frame, count)
        this = size_of(checked)
        if size is None:
            size = this
        elif this != size:
            raise ValueError(f"frame {count} is {this[0]}×{this[1]}, "
                             f"but the first frame is {size[0]}×{size[1]}")
        yield checked
        count += 1
        if progress is not None:
            progress(count, total)
    if count == 0:
        raise ValueError("no frames to export")
    if total is not None and count != total:
        raise ValueError(f"the stream ended after {count} of the {total} announced frames")


def _ask(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled("export cancelled")
