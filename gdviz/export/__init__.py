"""Frames to files: a stream of RGB frames becomes a GIF, an MP4 or PNG files.

No Qt here: the frames come from whoever draws them (the window's offscreen renderer in
``gdviz.ui.render``) as ``uint8`` arrays ``(H, W, 3)``; this package only encodes and
writes them, atomically. ``export_frames`` is the one entry point; ``DEFAULTS`` holds
the size and frame rate the UI and CLI offer per format.
"""

from gdviz.export.api import (
    DEFAULTS,
    FORMATS,
    GIF_FPS,
    GIF_SIZE,
    MP4_FPS,
    MP4_SIZE,
    export_format,
    export_frames,
)
from gdviz.export.frames import MAX_FPS, ExportCancelled
from gdviz.export.gif import MAX_GIF_FPS
from gdviz.export.png import output_paths

__all__ = ["DEFAULTS", "FORMATS", "GIF_FPS", "GIF_SIZE", "MAX_FPS", "MAX_GIF_FPS", "MP4_FPS",
           "MP4_SIZE", "ExportCancelled", "export_format", "export_frames", "output_paths"]
