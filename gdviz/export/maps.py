"""Basin and stability maps as pictures: one colour per minimum, shaded by the steps a
run took; a viridis-like scale of the final loss. No Qt: the command line writes these
pictures to files and the window lays them under its contour map.

Cells come as ``(res, res)`` arrays with row i at the i-th y from the bottom; pictures
are drawn the natural way up (y grows upwards).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gdviz.core.landscapes import Landscape
from gdviz.core.maps import BasinMap, StabilityMap
from gdviz.export.map_figure import ColourBar, MapAxis, framed

MIN_SIDE = 512  # pixels: small maps are drawn with larger cells
PRECISION = 1e-16  # relative: a final loss this close to the minimum's value is at it
# one colour per minimum (cycled past nine); none is red, black or grey
PALETTE = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44), (148, 103, 189),
                    (23, 190, 207), (227, 119, 194), (188, 189, 34), (140, 86, 75),
                    (250, 250, 250)], dtype=np.float64)
NOT_CONVERGED_RGB, DIVERGED_RGB = (0, 0, 0), (110, 0, 0)
STABILITY_DIVERGED_RGB, STABILITY_MISSING_RGB = (214, 39, 40), (90, 90, 90)
VIRIDIS = np.array([(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98),
                    (253, 231, 37)], dtype=np.float64)  # low → high


def scale_of(res: int) -> int:
    """Pixels per cell side in the PNG of a res×res map."""
    return max(1, -(-MIN_SIDE // res))


def _picture(rgb: npt.NDArray[np.float64]) -> npt.NDArray[np.uint8]:
    """Cells ``(res, res, 3)`` (row 0 = lowest y) -> the PNG frame, y growing upwards."""
    s = scale_of(len(rgb))
    up = np.repeat(np.repeat(rgb[::-1], s, axis=0), s, axis=1)
    return np.ascontiguousarray(np.clip(np.rint(up), 0, 255).astype(np.uint8))


def basin_image(bmap: BasinMap) -> npt.NDArray[np.uint8]:
    """The map's picture (``basin_colours``), y growing upwards."""
    return _picture(basin_colours(bmap))


def basin_colours(bmap: BasinMap) -> npt.NDArray[np.float64]:
    """Cell colours ``(res, res, 3)`` in 0..255, row 0 the lowest y: one colour per
    minimum, from full brightness (stopped at once) to 40% (took all steps); black: not
    converged; dark red: diverged."""
    labels = bmap.labels
    shade = 1.0 - 0.6 * bmap.steps_taken / max(bmap.steps, 1)
    rgb = np.empty((*labels.shape, 3))
    found = labels >= 0
    rgb[found] = PALETTE[labels[found] % len(PALETTE)] * shade[found][:, None]
    rgb[labels == -1], rgb[labels == -2] = NOT_CONVERGED_RGB, DIVERGED_RGB
    return rgb


def loss_floor(landscape: Landscape) -> float | None:
    """The lowest value at the landscape's known minima (None without any): the final
    loss is coloured as log10(loss − floor)."""
    return float(landscape.value(landscape.minima).min()) if len(landscape.minima) else None


def stability_scalar(smap: StabilityMap, floor: float | None) -> npt.NDArray[np.float64]:
    """What a stability map's colour shows, ``(res, res)``: log10(final loss − ``floor``)
    (the plain values when ``floor`` is None, and for steps_to_converge); NaN where the
    map has no value. A loss within ``PRECISION`` · max(1, |floor|) of the floor is the
    floor as far as float64 can tell: it is shown as that distance, so one run that hits
    the minimum exactly does not stretch the scale over dozens of decades."""
    z = smap.values
    if smap.measure == "final_loss" and floor is not None:
        with np.errstate(all="ignore"):
            z = np.log10(np.maximum(z - floor, PRECISION * max(1.0, abs(floor))))
    return np.where(np.isfinite(z), z, np.nan)


def stability_label(smap: StabilityMap, floor: float | None) -> str:
    """What the colour scale reads (its ticks: the loss above ``floor``, not its log)."""
    if smap.measure == "steps_to_converge":
        return "steps to converge"
    if not floor:
        return "final loss"
    return f"final loss {'−' if floor > 0 else '+'} {abs(floor):.4g}"


def colour_scale(t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Viridis-like colours ``(..., 3)`` in 0..255 of ``t`` in [0, 1] (low → high)."""
    anchors = np.linspace(0.0, 1.0, len(VIRIDIS))
    return np.stack([np.interp(t, anchors, VIRIDIS[:, c]) for c in range(3)], axis=-1)


def stability_range(z: npt.NDArray[np.float64]) -> tuple[float, float] | None:
    """The finite values' (lo, hi) of ``stability_scalar``, None when none is finite."""
    ok = np.isfinite(z)
    return (float(z[ok].min()), float(z[ok].max())) if ok.any() else None


def stability_colours(smap: StabilityMap, floor: float | None) -> npt.NDArray[np.float64]:
    """Cell colours ``(res, res, 3)`` in 0..255, row 0 the lowest y: ``colour_scale`` of
    ``stability_scalar`` from its lowest to its highest value; red: diverged; grey: no
    value."""
    z = stability_scalar(smap, floor)
    ok = np.isfinite(z)
    rgb = np.empty((*z.shape, 3))
    span = stability_range(z)
    if span is not None:
        lo, hi = span
        rgb[ok] = colour_scale((z[ok] - lo) / (hi - lo) if hi > lo else np.zeros(int(ok.sum())))
    rgb[~ok] = STABILITY_MISSING_RGB
    rgb[smap.diverged] = STABILITY_DIVERGED_RGB
    return rgb


def stability_image(smap: StabilityMap, floor: float | None) -> npt.NDArray[np.uint8]:
    """The map's picture (``stability_colours``), y growing upwards."""
    return _picture(stability_colours(smap, floor))


def _where(values: npt.NDArray[np.float64]) -> str:
    return "(" + ", ".join(f"{v:.4g}" for v in values) + ")"


def basin_figure(bmap: BasinMap, title: str) -> npt.NDArray[np.uint8]:
    """``basin_image`` with x and y axes, ``title`` and a legend: one swatch per minimum
    with its coordinates, then not converged and diverged."""
    swatches = [(_rgb(PALETTE[k % len(PALETTE)]), f"minimum {_where(m)}")
                for k, m in enumerate(bmap.minima)]
    swatches += [(_rgb(PALETTE[0] * 0.4), "darker: more steps"),
                 (NOT_CONVERGED_RGB, "not converged"), (DIVERGED_RGB, "diverged")]
    return framed(basin_image(bmap), MapAxis("x", bmap.xs), MapAxis("y", bmap.ys), title,
                  swatches)


def stability_figure(smap: StabilityMap, floor: float | None,
                     title: str) -> npt.NDArray[np.uint8]:
    """``stability_image`` with the two hyperparameters as axes (log ticks on a log axis),
    ``title`` and a legend: the colour bar of the measure, diverged and (where some cell
    has no value) not converged."""
    z = stability_scalar(smap, floor)
    span = stability_range(z)
    bar = None
    if span is not None:
        log = smap.measure == "final_loss" and floor is not None
        bar = ColourBar(colour_scale(np.linspace(0.0, 1.0, 256)), *span,
                        stability_label(smap, floor), log)
    swatches = [(STABILITY_DIVERGED_RGB, "diverged")]
    if (~np.isfinite(z) & ~smap.diverged).any():
        swatches.append((STABILITY_MISSING_RGB, "not converged"))
    return framed(stability_image(smap, floor), MapAxis(smap.x.name, smap.xs, smap.x.log),
                  MapAxis(smap.y.name, smap.ys, smap.y.log), title, swatches, bar)


def _rgb(colour: npt.NDArray[np.float64]) -> tuple[int, int, int]:
    r, g, b = (int(round(float(v))) for v in colour)
    return r, g, b
