"""PNG: one file for one frame, a numbered sequence for several.

Naming rule, for a target ``name.png`` in a folder: one frame is written as ``name.png``
itself; n > 1 frames as ``name_0001.png … name_<n>.png`` beside it (numbered from 1,
zero-padded to 4 digits, or to the digits of n when n ≥ 10000); ``name.png`` itself is
then not written. Whether one or several is known only at the end, so the frames are
first written into a hidden staging folder next to the target and renamed into place
once all are done; a failure removes the staging folder and touches nothing else.
After a sequence is placed, the frames of an earlier, longer export to the same name
(``name_<n+1>.png``, ``name_<n+2>.png``, … as long as they exist, same padding) are
removed, so a folder never mixes two exports.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from gdviz.export.atomic import move_all
from gdviz.export.frames import Frame

MIN_DIGITS = 4


def sequence_path(target: Path, number: int, count: int) -> Path:
    """The file of frame ``number`` (1-based) of a ``count``-frame sequence for ``target``."""
    digits = max(MIN_DIGITS, len(str(count)))
    return target.with_name(f"{target.stem}_{number:0{digits}d}{target.suffix}")


def output_paths(target: Path, count: int) -> list[Path]:
    """The files an export of ``count`` frames to ``target`` creates, in frame order."""
    if count == 1:
        return [target]
    return [sequence_path(target, k, count) for k in range(1, count + 1)]


class PngWriter:
    """Writes frames ``(H, W, 3)`` as numbered PNG files into the folder ``staging``;
    ``place(target)`` then moves them to their final names."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.count = 0

    def append(self, frame: Frame) -> None:
        """Add one frame ``(H, W, 3)``."""
        self.count += 1
        from PIL import Image  # loaded with the first PNG written: the window starts without it

        Image.fromarray(frame).save(self._staged(self.count), format="PNG")

    def finish(self) -> None:
        """Nothing to complete: ``place`` moves the files."""

    def abort(self) -> None:
        """Nothing to close: the caller removes the staging folder."""

    def place(self, target: Path) -> Path:
        """Move the frames to the names of ``output_paths(target, count)``, remove the
        leftovers of a longer earlier sequence, and return the first file's path."""
        final = output_paths(target, self.count)
        move_all([(self._staged(k), path) for k, path in enumerate(final, start=1)])
        if self.count > 1:
            k = self.count + 1
            while (old := sequence_path(target, k, self.count)).is_file():
                with suppress(OSError):
                    old.unlink()
                k += 1
        return final[0]

    def _staged(self, number: int) -> Path:
        return self.staging / f"{number:09d}.png"
