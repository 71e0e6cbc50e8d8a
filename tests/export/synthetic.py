"""Plot-like RGB frames for the export tests: a white page, a viridis field, a red dot
walking over it with its trail, a growing loss curve, and the frame number in binary."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]
# five points along matplotlib's viridis, linearly interpolated in between
_VIRIDIS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98],
                     [253, 231, 37]], dtype=np.float64)
BIT, BITS = 4, 12  # the frame number: BITS squares of BIT×BIT pixels, black = 1


def viridis(t: npt.NDArray[np.float64]) -> Frame:
    """Colours ``(..., 3)`` for values ``t`` in [0, 1] ``(...)``."""
    x = np.clip(t, 0.0, 1.0) * (len(_VIRIDIS) - 1)
    i = np.minimum(x.astype(int), len(_VIRIDIS) - 2)
    w = (x - i)[..., None]
    return np.rint(_VIRIDIS[i] * (1 - w) + _VIRIDIS[i + 1] * w).astype(np.uint8)


def plot_frame(k: int, n: int, width: int = 640, height: int = 360) -> Frame:
    """Frame ``k`` of ``n`` ``(height, width, 3)``; at least 64×48."""
    f = np.full((height, width, 3), 255, np.uint8)
    h, w = height * 2 // 3, width // 2
    y, x = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    f[height // 6: height // 6 + h, 8: 8 + w] = viridis((x - 0.6) ** 2 + 2 * (y - 0.4) ** 2)
    t = np.linspace(0.0, 1.0, n)[: k + 1]
    px = (8 + (0.1 + 0.5 * t) * w).astype(int)
    py = (height // 6 + (0.9 - 0.5 * t) * h).astype(int)
    f[py, px] = (255, 127, 14)  # the trail
    f[py[-1] - 2: py[-1] + 3, px[-1] - 2: px[-1] + 3] = (214, 39, 40)  # the dot
    lx = (width * (0.55 + 0.4 * t)).astype(int)
    ly = (height * (0.9 - 0.8 * np.exp(-4 * t))).astype(int)
    f[ly, lx] = (31, 119, 180)  # the loss curve
    f[int(height * 0.92), int(width * 0.53): int(width * 0.97)] = 0  # its axis
    write_number(f, k)
    return f


def write_number(f: Frame, k: int) -> None:
    """Draw ``k`` in binary at the top left of ``f`` (most significant bit first)."""
    for b in range(BITS):
        bit = (k >> (BITS - 1 - b)) & 1
        f[2: 2 + BIT, 2 + b * BIT: 2 + (b + 1) * BIT] = 0 if bit else 255


def read_number(f: Frame) -> int:
    """The number ``write_number`` drew (read from the centre of each square)."""
    k = 0
    for b in range(BITS):
        k = (k << 1) | int(f[2 + BIT // 2, 2 + b * BIT + BIT // 2, :3].mean() < 128)
    return k


def plot_frames(n: int, width: int = 640, height: int = 360) -> Iterator[Frame]:
    """The ``n`` frames, made one at a time."""
    for k in range(n):
        yield plot_frame(k, n, width, height)
