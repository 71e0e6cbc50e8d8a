"""A scenario turned into an animation file: the frames drawn by ``FrameRenderer`` and
streamed to ``gdviz.export`` (GIF, MP4, PNG), one frame at a time.

Used by ``gdviz export`` and by File ▸ Export… alike, so both make the same file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdviz.export import DEFAULTS, MAX_FPS, MAX_GIF_FPS, export_format, export_frames
from gdviz.scenario import Scenario
from gdviz.ui.render import FrameRenderer, choose_views, frame_steps, has_gl

SECONDS = 10  # the default animation lasts this long (a PNG: one picture of the end)
PALETTE_SAMPLES = 4  # frames drawn first to build a GIF's one palette
Progress = Callable[[int, int | None], object]


def format_of(path: str | Path) -> str:
    """The file's format ("gif", "mp4" or "png"), refused unless gdviz writes it."""
    return export_format(path)


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> (1280, 720); ValueError with the reason otherwise."""
    w, sep, h = text.lower().replace("×", "x").partition("x")
    try:
        size = (int(w), int(h))
    except ValueError:
        size = (0, 0)
    if not sep or not (16 <= size[0] <= 7680 and 16 <= size[1] <= 4320):
        raise ValueError(f"a size is WxH with 16 ≤ W ≤ 7680 and 16 ≤ H ≤ 4320, got {text!r}")
    return size


@dataclass(frozen=True)
class ExportPlan:
    """Everything one export needs, resolved and checked."""

    path: Path
    views: tuple[str, ...]
    size: tuple[int, int]
    fps: float
    steps: tuple[int, ...]  # the step each frame shows


def plan_export(scenario: Scenario, path: str | Path, *, frames: int | None = None,
                fps: float | None = None, size: tuple[int, int] | None = None,
                view: str | None = None, steps: Sequence[int] | None = None) -> ExportPlan:
    """Fill in the format's defaults; ``steps`` (explicit) wins over ``frames`` spread
    evenly over the whole race."""
    kind = format_of(path)
    default_size, default_fps = DEFAULTS[kind]
    rate = default_fps if fps is None else float(fps)
    most = MAX_GIF_FPS if kind == "gif" else MAX_FPS  # GIF delays are hundredths of a second
    if not 0 < rate <= most:
        raise ValueError(f"fps must be in (0, {most:g}] for {kind.upper()}, got {fps:g}")
    if steps is None:
        count = frames if frames is not None else (1 if kind == "png" else int(SECONDS * rate))
        steps = frame_steps(scenario.race.steps, count)
    if not steps or min(steps) < 0:
        raise ValueError("an animation shows at least one step, none below 0")
    views = choose_views(scenario, view, has_gl())
    return ExportPlan(Path(path), views, size or default_size, rate, tuple(steps))


def render_frames(renderer: FrameRenderer, steps: Sequence[int]) -> Iterator[np.ndarray]:
    """The renderer's frames for ``steps``, drawn one at a time as they are asked for."""
    for step in steps:
        yield renderer.frame(step)


def export_animation(scenario: Scenario, plan: ExportPlan, progress: Progress | None = None,
                     cancel: Callable[[], bool] | None = None) -> Path:
    """Write ``plan.path``: nothing is left behind on failure or cancel."""
    renderer = FrameRenderer(scenario, plan.views, plan.size)
    try:
        renderer.prepare(max(plan.steps))
        palette = None
        if plan.path.suffix.lower() == ".gif":
            picks = frame_steps(max(plan.steps), min(PALETTE_SAMPLES, len(plan.steps)))
            palette = [renderer.frame(step) for step in picks]
        return export_frames(render_frames(renderer, plan.steps), plan.path, plan.fps,
                             total=len(plan.steps), progress=progress, cancel=cancel,
                             palette_frames=palette)
    finally:
        renderer.close()
        renderer.deleteLater()
