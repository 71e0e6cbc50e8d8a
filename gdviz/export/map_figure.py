"""A map picture framed for a page: axes with tick values, a title line and a legend,
drawn with Pillow (no Qt).

The map's own pixels are pasted unchanged at ``(TOP, LEFT)``; the margins hold the rest:
the title above, y ticks and name on the left, x ticks and name below, and on the right
the legend (colour swatches with their meaning, and for a colour scale a vertical bar
with its ticks). Text is DejaVu Sans where fonts-dejavu-core installed it, else Pillow's
own font.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import numpy.typing as npt

from gdviz.export.ticks import minor_log_ticks, ticks

if TYPE_CHECKING:  # Pillow is loaded with the first figure drawn: the window starts without it
    from PIL import Image, ImageDraw, ImageFont

    Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/"
TEXT_PX, TITLE_PX = 15, 17
LEFT, TOP, BOTTOM, MIN_RIGHT = 86, 46, 64, 190  # margins around the map, in pixels
PAD, TICK = 12, 6  # space between things; tick length
SWATCH = 16
BAR_WIDTH = 22
WHITE, INK = (255, 255, 255), (34, 34, 34)
RGB = tuple[int, int, int]


@cache
def font(px: int, bold: bool = False) -> Font:
    """DejaVu Sans (bold) of ``px`` pixels, else Pillow's default font."""
    from PIL import ImageFont

    try:
        return ImageFont.truetype(FONTS + ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"),
                                  px)
    except OSError:
        try:
            return ImageFont.load_default(px)
        except TypeError:  # Pillow before 10.1: one bitmap size
            return ImageFont.load_default()


def text_size(text: str, f: Font) -> tuple[int, int]:
    left, top, right, bottom = f.getbbox(text)
    return int(math.ceil(right - left)), int(math.ceil(bottom - top))


@dataclass(frozen=True)
class MapAxis:
    """A map's axis: ``name`` and the cells' centres ``(res,)`` (increasing, evenly
    spaced, or geometrically when ``log``)."""

    name: str
    centres: npt.NDArray[np.float64]
    log: bool = False

    def to_u(self, v: float) -> float:
        return math.log10(v) if self.log else v

    def edges(self) -> tuple[float, float]:
        """The outer edges of the first and last cell, in ``to_u`` units."""
        u0, u1 = self.to_u(float(self.centres[0])), self.to_u(float(self.centres[-1]))
        half = (u1 - u0) / (len(self.centres) - 1) / 2
        return u0 - half, u1 + half

    def ticks(self) -> list[tuple[float, str, float]]:
        """``(value, text, t)`` of the labelled ticks, ``t`` in [0, 1] along the map."""
        a, b = self.edges()
        lo, hi = (10 ** a, 10 ** b) if self.log else (a, b)
        return [(v, text, (self.to_u(v) - a) / (b - a)) for v, text in ticks(lo, hi, self.log)]

    def minor(self) -> list[float]:
        """``t`` in [0, 1] of the unlabelled 2…9 × 10ᵏ ticks of a log axis (none if linear)."""
        if not self.log:
            return []
        a, b = self.edges()
        return [(math.log10(v) - a) / (b - a) for v in minor_log_ticks(10 ** a, 10 ** b)]


@dataclass(frozen=True)
class ColourBar:
    """A colour scale: ``colours (n, 3)`` from ``lo`` to ``hi`` of the coloured quantity,
    its ``label``; with ``log`` the quantity is log10 of what the ticks read."""

    colours: npt.NDArray[np.float64]
    lo: float
    hi: float
    label: str
    log: bool = False

    def ticks(self) -> list[tuple[str, float]]:
        """``(text, t)``, ``t`` in [0, 1] from ``lo`` to ``hi``."""
        if self.hi <= self.lo:
            return [(f"{10 ** self.lo if self.log else self.lo:.3g}", 0.5)]
        lo, hi = (10 ** self.lo, 10 ** self.hi) if self.log else (self.lo, self.hi)
        out = []
        for v, text in ticks(lo, hi, self.log):
            u = math.log10(v) if self.log else v
            out.append((text, (u - self.lo) / (self.hi - self.lo)))
        return out


def framed(picture: npt.NDArray[np.uint8], x: MapAxis, y: MapAxis, title: str,
           swatches: Sequence[tuple[RGB, str]], bar: ColourBar | None = None
           ) -> npt.NDArray[np.uint8]:
    """The map ``picture (h, w, 3)`` (y growing upwards) at ``(TOP, LEFT)`` of a white
    figure with axes, ``title`` and the legend: ``bar`` (if any) above ``swatches``."""
    h, w = picture.shape[:2]
    f = font(TEXT_PX)
    legend_w = max([SWATCH + PAD // 2 + text_size(t, f)[0] for _, t in swatches]
                   + ([BAR_WIDTH + PAD + max(text_size(t, f)[0] for t, _ in bar.ticks()),
                       text_size(bar.label, f)[0]] if bar is not None else []))
    right = max(MIN_RIGHT, legend_w + 2 * PAD)
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (LEFT + w + right, TOP + h + BOTTOM), WHITE)
    image.paste(Image.fromarray(picture), (LEFT, TOP))
    draw = ImageDraw.Draw(image)
    draw.rectangle((LEFT - 1, TOP - 1, LEFT + w, TOP + h), outline=INK)
    _title(draw, title, image.width)
    _x_axis(draw, x, w, h)
    _y_axis(image, draw, y, h)
    top = TOP
    if bar is not None:
        top = _bar(draw, bar, LEFT + w + PAD, top, h)
    for rgb, text in swatches:
        if top + SWATCH > TOP + h + BOTTOM:
            break
        x0 = LEFT + w + PAD
        draw.rectangle((x0, top, x0 + SWATCH, top + SWATCH), fill=rgb, outline=INK)
        draw.text((x0 + SWATCH + PAD // 2, top + SWATCH // 2), text, fill=INK, font=f,
                  anchor="lm")
        top += SWATCH + PAD // 2
    return np.asarray(image, dtype=np.uint8).copy()


def _title(draw: ImageDraw.ImageDraw, title: str, width: int) -> None:
    px = TITLE_PX
    while px > 9 and text_size(title, font(px, True))[0] > width - 2 * PAD:
        px -= 1
    draw.text((PAD, TOP // 2), title, fill=INK, font=font(px, True), anchor="lm")


def _x_axis(draw: ImageDraw.ImageDraw, axis: MapAxis, w: int, h: int) -> None:
    f = font(TEXT_PX)
    base = TOP + h
    for t in axis.minor():
        px = round(LEFT + t * (w - 1))
        draw.line((px, base, px, base + TICK // 2), fill=INK)
    last = -math.inf  # the right end of the last label drawn: labels never overlap
    for _, text, t in axis.ticks():
        px = round(LEFT + t * (w - 1))
        draw.line((px, base, px, base + TICK), fill=INK)
        tw = text_size(text, f)[0]
        if px - tw / 2 > last + 4:
            draw.text((px, base + TICK + 2), text, fill=INK, font=f, anchor="mt")
            last = px + tw / 2
    draw.text((LEFT + w / 2, TOP + h + BOTTOM - 6), axis.name, fill=INK, font=f, anchor="md")


def _y_axis(image: Image.Image, draw: ImageDraw.ImageDraw, axis: MapAxis, h: int) -> None:
    f = font(TEXT_PX)
    for t in axis.minor():
        py = round(TOP + (1 - t) * (h - 1))
        draw.line((LEFT - 1 - TICK // 2, py, LEFT - 1, py), fill=INK)
    for _, text, t in axis.ticks():
        py = round(TOP + (1 - t) * (h - 1))
        draw.line((LEFT - 1 - TICK, py, LEFT - 1, py), fill=INK)
        draw.text((LEFT - TICK - 4, py), text, fill=INK, font=f, anchor="rm")
    tw, th = text_size(axis.name, f)
    from PIL import Image, ImageDraw

    label = Image.new("RGB", (tw + 4, th + 8), WHITE)
    ImageDraw.Draw(label).text((2, 2), axis.name, fill=INK, font=f)
    turned = label.rotate(90, expand=True)
    image.paste(turned, (2, TOP + h // 2 - turned.height // 2))


def _bar(draw: ImageDraw.ImageDraw, bar: ColourBar, x0: int, top: int, h: int) -> int:
    """Draw the colour bar from ``top``; returns where the legend goes on below it."""
    f = font(TEXT_PX)
    draw.text((x0, top), bar.label, fill=INK, font=f, anchor="lt")
    top += text_size(bar.label, f)[1] + PAD
    height = max(60, min(h // 2, 260))
    n = len(bar.colours)
    for k in range(height):  # row k from the top: the highest value first
        c = bar.colours[min(n - 1, int((1 - k / max(height - 1, 1)) * (n - 1) + 0.5))]
        draw.line((x0, top + k, x0 + BAR_WIDTH - 1, top + k), fill=tuple(int(v) for v in c))
    draw.rectangle((x0 - 1, top - 1, x0 + BAR_WIDTH, top + height), outline=INK)
    for text, t in bar.ticks():
        py = top + (1 - t) * (height - 1)
        draw.line((x0 + BAR_WIDTH, py, x0 + BAR_WIDTH + 4, py), fill=INK)
        draw.text((x0 + BAR_WIDTH + 7, py), text, fill=INK, font=f, anchor="lm")
    return top + height + 2 * PAD
