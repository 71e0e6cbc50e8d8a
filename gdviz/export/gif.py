"""Animated GIF, written frame by frame with one global palette.

imageio's GIF writers do not fit: the pillow plugin keeps every frame until the file is
closed, and the legacy streaming writer gives each frame its own palette. So the GIF
container is written here (it is short), and Pillow's GIF encoder compresses each frame
(``PIL.GifImagePlugin.getdata``, the LZW step in C).

The file: ``GIF89a``, one global colour table (the palette of ``gdviz.export.palette``,
padded to a power of two; the entry after the last colour is the transparent index), a
NETSCAPE loop block asking for an endless loop, then per frame a graphics control block
(delay, "leave in place", transparency) and an image without a local colour table. The
first frame covers the whole canvas; each later frame covers only the rectangle of
pixels that changed, with unchanged pixels inside it transparent, so still areas cost
nothing and long transparent runs compress well. A frame identical to the one before
becomes a 1×1 transparent patch, which keeps the frame count exact.

Delays are whole hundredths of a second: frame k (0-based) lasts
round(100·(k+1)/fps) − round(100·k/fps), so the total time stays true (15 fps gives
7, 6, 7, 7, 6, 7, … hundredths). Browsers stretch delays under 2/100 s, hence fps ≤ 50.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from gdviz.export.frames import Frame
from gdviz.export.palette import Colours, Indexed, Quantizer, build_palette

MAX_GIF_FPS = 50.0
MAX_GIF_SIDE = 65535
_LEAVE_IN_PLACE = 1  # GIF disposal method


def gif_delay(fps: float, k: int) -> int:
    """The delay of frame ``k`` (0-based) at ``fps``, in hundredths of a second."""
    return math.floor(100.0 * (k + 1) / fps + 0.5) - math.floor(100.0 * k / fps + 0.5)


class GifWriter:
    """Appends frames ``(H, W, 3)`` of one size to a new GIF at ``path``.

    ``samples`` are frames the palette is built from (at least one; the first frame will
    do); ``fallback_cube`` adds a coarse colour cube for colours the samples lack.
    ``finish()`` completes the file; ``abort()`` only closes it (the caller removes it).
    """

    def __init__(self, path: Path, size: tuple[int, int], fps: float,
                 samples: Sequence[Frame], fallback_cube: bool) -> None:
        if max(size) > MAX_GIF_SIDE:
            raise ValueError(f"a GIF is at most {MAX_GIF_SIDE} pixels wide and high, "
                             f"got {size[0]}×{size[1]}")
        self.fps = fps
        self.quantize = Quantizer(build_palette(samples, fallback_cube))
        self.transparent = len(self.quantize.palette)
        self._previous: Indexed | None = None
        self._count = 0
        self._file: BinaryIO = open(path, "wb")  # closed by finish() or abort()
        try:
            self._file.write(_header(size, self.quantize.palette))
        except BaseException:
            self._file.close()
            raise

    def append(self, frame: Frame) -> None:
        """Add one frame ``(H, W, 3)`` of the writer's size."""
        from PIL import GifImagePlugin, Image  # a writer's own, not the window's start-up

        indices = self.quantize(frame)
        patch, offset, transparency = self._patch(indices)
        image = Image.frombytes("P", (patch.shape[1], patch.shape[0]), patch.tobytes())
        params = {"duration": 10 * gif_delay(self.fps, self._count),  # in milliseconds
                  "disposal": _LEAVE_IN_PLACE}
        if transparency:
            params["transparency"] = self.transparent
        for chunk in GifImagePlugin.getdata(image, offset, **params):
            self._file.write(chunk)
        self._previous = indices
        self._count += 1

    def finish(self) -> None:
        """Write the trailer and close the file."""
        with self._file:
            self._file.write(b";")

    def abort(self) -> None:
        """Close the file, incomplete."""
        self._file.close()

    def _patch(self, indices: Indexed) -> tuple[Indexed, tuple[int, int], bool]:
        """What to draw for a frame: ``(patch (h, w), (x, y) offset, uses transparency)``."""
        if self._previous is None:
            return indices, (0, 0), False
        changed = indices != self._previous
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if rows.size == 0:
            return np.full((1, 1), self.transparent, np.uint8), (0, 0), True
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        patch = indices[y0:y1, x0:x1].copy()
        patch[~changed[y0:y1, x0:x1]] = self.transparent
        return patch, (x0, y0), True


def _header(size: tuple[int, int], palette: Colours) -> bytes:
    """Signature, logical screen, global colour table (``palette`` ``(n, 3)`` plus room
    for the transparent index) and the endless-loop block."""
    bits = max(1, math.ceil(math.log2(len(palette) + 1)))  # table of 2**bits entries
    table = np.zeros((1 << bits, 3), np.uint8)
    table[:len(palette)] = palette
    packed = 0x80 | ((bits - 1) << 4) | (bits - 1)  # global table, colour resolution, size
    screen = struct.pack("<6sHHBBB", b"GIF89a", size[0], size[1], packed, 0, 0)
    loop = b"!\xff\x0bNETSCAPE2.0" + struct.pack("<BBHB", 3, 1, 0, 0)  # 0: loop forever
    return screen + table.tobytes() + loop
