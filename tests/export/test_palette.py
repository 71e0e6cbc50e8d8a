"""The GIF palette: plot colours kept exactly, everything else mapped to its nearest."""

from __future__ import annotations

import numpy as np

from gdviz.export.palette import MAX_COLOURS, Quantizer, build_palette, distinct_colours
from tests.export.synthetic import plot_frame


def test_a_few_colours_are_kept_exactly_most_frequent_first() -> None:
    frame = np.full((20, 30, 3), 255, np.uint8)
    frame[5:8] = (214, 39, 40)
    frame[10, 3:9] = (31, 119, 180)
    palette = build_palette([frame], fallback_cube=False)
    assert palette.tolist() == [[255, 255, 255], [214, 39, 40], [31, 119, 180]]
    assert np.array_equal(palette[Quantizer(palette)(frame)], frame)


def test_the_fallback_cube_is_added_once() -> None:
    white = np.full((4, 4, 3), 255, np.uint8)
    palette = build_palette([white], fallback_cube=True)
    assert len(palette) == 64 and palette[0].tolist() == [255, 255, 255]


def test_many_colours_fit_in_255_and_each_maps_to_itself() -> None:
    frames = [plot_frame(k, 9) for k in (0, 4, 8)]
    assert len(distinct_colours(frames)[0]) > MAX_COLOURS
    palette = build_palette(frames, fallback_cube=True)
    assert len(palette) <= MAX_COLOURS
    assert len({tuple(c) for c in palette.tolist()}) == len(palette)
    assert np.array_equal(Quantizer(palette)(palette[None])[0], np.arange(len(palette)))


def test_any_colour_maps_to_the_palette_colour_nearest_its_cell() -> None:
    palette = build_palette([plot_frame(0, 1)], fallback_cube=True)
    colours = np.random.default_rng(0).integers(0, 256, (5000, 3)).astype(np.uint8)
    got = Quantizer(palette)(colours[None])[0]
    centres = (colours // 4 * 4 + 2).astype(np.int64)  # the 6-bit cell's centre
    d = ((centres[:, None] - palette[None].astype(np.int64)) ** 2).sum(axis=-1)
    own = (colours[:, None] // 4 == palette[None] // 4).all(axis=-1).any(axis=1)
    assert np.array_equal(d[np.arange(len(colours)), got][~own], d.min(axis=1)[~own])
