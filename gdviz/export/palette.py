"""One palette of at most 255 colours for a whole GIF, and a fast map from RGB to it.

Plots are mostly flat colours: a white background, black text, a few line colours and a
colormap image. The palette keeps the most frequent colours of the sample frames exactly
and spends the rest on the others by median cut (each distinct colour counted once, so
thin lines and every shade of the colormap get a say next to the acres of white). When
the sample is only the first frame, a coarse colour cube is added so that colours which
appear later still land near a palette entry.

``Quantizer`` maps a frame to palette indices through a lookup table over RGB reduced to
6 bits per channel (64³ cells, 256 KiB): each cell holds the palette colour nearest to
its centre (Euclidean RGB), except that a palette colour's own cell holds that colour
(the palette has at most one colour per cell), so flat plot colours stay exact.
No dithering: flat areas stay flat, which keeps frame-to-frame differences small.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from gdviz.export.frames import Frame

Colours = npt.NDArray[np.uint8]  # (n, 3) RGB
Indexed = npt.NDArray[np.uint8]  # (H, W) palette indices
MAX_COLOURS = 255  # the 256th index is kept free for "unchanged pixel" (transparency)
EXACT_COLOURS = 64  # this many of the most frequent sample colours are kept exactly
_LEVELS = np.array([0, 85, 170, 255], dtype=np.uint8)
FALLBACK_CUBE: Colours = np.stack(np.meshgrid(_LEVELS, _LEVELS, _LEVELS, indexing="ij"),
                                  axis=-1).reshape(-1, 3)  # (64, 3)
_BITS = 6  # bits per channel in the lookup table


def distinct_colours(frames: Sequence[Frame]) -> tuple[Colours, npt.NDArray[np.int64]]:
    """The distinct colours of ``frames`` ``(k, 3)`` and their pixel counts ``(k,)``, most
    frequent first (ties in RGB order)."""
    keys, counts = np.unique(np.concatenate([_rgb24(f).ravel() for f in frames]),
                             return_counts=True)
    order = np.argsort(-counts, kind="stable")
    keys = keys[order]
    colours = np.stack([keys >> 16, (keys >> 8) & 255, keys & 255], axis=-1)
    return colours.astype(np.uint8), counts[order].astype(np.int64)


def build_palette(samples: Sequence[Frame], fallback_cube: bool) -> Colours:
    """A palette ``(n, 3)``, n ≤ 255, for frames that look like ``samples`` (at least one
    frame), most frequent colours first, at most one per lookup-table cell (a colour
    within 3 levels per channel of a more frequent one gives way to it); with
    ``fallback_cube`` the 64 colours of a 4-level RGB cube are included too."""
    colours = _one_per_cell(distinct_colours(samples)[0])
    extra = FALLBACK_CUBE if fallback_cube else np.empty((0, 3), np.uint8)
    budget = MAX_COLOURS - len(extra)
    if len(colours) > budget:
        rest = _median_cut(colours[EXACT_COLOURS:], budget - EXACT_COLOURS)
        colours = np.concatenate([colours[:EXACT_COLOURS], rest])
    return _one_per_cell(np.concatenate([colours, extra]))


class Quantizer:
    """Maps RGB frames to indices into ``palette`` ``(n, 3)``, 1 ≤ n ≤ 255."""

    def __init__(self, palette: Colours) -> None:
        if not 1 <= len(palette) <= MAX_COLOURS:
            raise ValueError(f"a palette has 1 to {MAX_COLOURS} colours, got {len(palette)}")
        self.palette = palette
        self._table = _nearest_table(palette)

    def __call__(self, frame: Frame) -> Indexed:
        """Palette indices ``(H, W)`` of ``frame`` ``(H, W, 3)``."""
        return self._table[_cell(frame)]


def _one_per_cell(colours: Colours) -> Colours:
    """``colours`` ``(k, 3)`` without those whose lookup-table cell an earlier one has."""
    _, first = np.unique(_cell(colours), return_index=True)
    return colours[np.sort(first)]


def _rgb24(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """``(...)`` keys r·2¹⁶ + g·2⁸ + b of colours ``(..., 3)``."""
    c = rgb.astype(np.uint32)
    return (c[..., 0] << np.uint32(16)) | (c[..., 1] << np.uint32(8)) | c[..., 2]


def _cell(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """``(...)`` lookup-table cells of colours ``(..., 3)``: the top 6 bits of r, g, b."""
    c: npt.NDArray[np.uint32] = rgb.astype(np.uint32) >> np.uint32(8 - _BITS)
    return (c[..., 0] << np.uint32(2 * _BITS)) | (c[..., 1] << np.uint32(_BITS)) | c[..., 2]


def _nearest_table(palette: Colours) -> Indexed:
    """``(64³,)`` palette index per cell; see the module docstring."""
    side, step = 1 << _BITS, 1 << (8 - _BITS)
    centre = np.arange(side, dtype=np.float32) * step + step // 2  # (64,)
    # the nearest p to a centre c has the largest 2c·p − |p|², a sum of one term per
    # channel; exact in float32 (every number is an integer < 2**24)
    p = palette.astype(np.float32)
    terms = 2 * centre[:, None, None] * p.T[None]  # (64 levels, 3 channels, n)
    norms = (p * p).sum(axis=1)  # (n,)
    table = np.empty((side, side, side), np.uint8)
    for red in range(side):
        red_green = terms[red, 0] - norms + terms[:, 1]  # (64 green levels, n)
        table[red] = np.argmax(red_green[:, None, :] + terms[None, :, 2], axis=-1)
    flat = table.reshape(-1)
    flat[_cell(palette)] = np.arange(len(palette))  # one palette colour per cell
    return flat


def _median_cut(colours: Colours, n: int) -> Colours:
    """At most ``n`` colours ``(≤ n, 3)`` standing for ``colours`` ``(k, 3)``, each counted
    once, by Pillow's median cut."""
    from PIL import Image  # loaded with the first GIF written: the window starts without it

    strip = Image.frombytes("RGB", (len(colours), 1), np.ascontiguousarray(colours).tobytes())
    cut = strip.quantize(colors=n, method=Image.Quantize.MEDIANCUT,
                         dither=Image.Dither.NONE)
    used: npt.NDArray[np.intp] = np.unique(np.asarray(cut, dtype=np.intp))
    entries: Colours = np.array(cut.getpalette() or [], dtype=np.uint8).reshape(-1, 3)
    return entries[used]
