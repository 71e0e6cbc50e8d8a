"""Frames are taken one at a time: a long stream is never held in memory."""

from __future__ import annotations

import tracemalloc
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from gdviz.export import export_frames
from tests.export.synthetic import plot_frame

N = 600


class LiveFrames:
    """A generator of ``n`` fresh frames that remembers how many were alive at once."""

    def __init__(self, width: int, height: int, n: int = N) -> None:
        self.n = n
        self.alive: list[weakref.ref[np.ndarray]] = []
        self.peak = self.made = 0
        # a few distinct pictures, copied so every frame is a new array
        self.pictures = [plot_frame(k, 8, width, height) for k in range(8)]

    def __iter__(self) -> Iterator[np.ndarray]:
        for k in range(self.n):
            frame = self.pictures[k % 8].copy()
            self.alive = [r for r in self.alive if r() is not None] + [weakref.ref(frame)]
            self.peak = max(self.peak, len(self.alive))
            self.made += 1
            yield frame
            del frame


@pytest.mark.parametrize("ext", ["gif", "mp4", "png"])
def test_a_600_frame_generator_is_consumed_lazily(tmp_path: Path, ext: str) -> None:
    frames = LiveFrames(64, 48)
    export_frames(iter(frames), tmp_path / f"long.{ext}", fps=30, total=N)
    assert frames.made == N
    assert frames.peak <= 3  # the frame in hand, the first frame, at most one more


@pytest.mark.parametrize("ext", ["gif", "mp4", "png"])
def test_peak_memory_does_not_grow_with_the_stream(tmp_path: Path, ext: str) -> None:
    def peak(n: int) -> int:
        frames = LiveFrames(160, 120, n)
        tracemalloc.start()
        try:
            export_frames(iter(frames), tmp_path / f"{n}.{ext}", fps=30)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    frame, more = 160 * 120 * 3, N - N // 10
    # 540 more frames cost almost nothing (a PNG sequence keeps the names of its files)
    assert peak(N) - peak(N // 10) < more * frame / 20
