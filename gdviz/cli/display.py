"""Is there a screen to open the window on? Asked before Qt is loaded, because Qt
aborts the whole process (with a core dump) when its platform plugin finds none."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

# Qt platforms that need no display at all
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")
ADVICE = ("run it under a virtual screen (xvfb-run -a gdviz gui …), or use `gdviz run` "
          "for the numbers")


class NoDisplayError(ValueError):
    """The window cannot open: there is no screen."""


def missing_display(environ: dict[str, str] | None = None,
                    platform: str = sys.platform) -> str | None:
    """Why the window cannot open here (one line), or None when it can."""
    env = dict(os.environ) if environ is None else environ
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None  # macOS and Windows always have their native platform
    qpa = env.get("QT_QPA_PLATFORM", "")
    if qpa.split(":")[0] in HEADLESS_PLATFORMS:
        return None
    if env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return f"no display: neither DISPLAY nor WAYLAND_DISPLAY is set; {ADVICE}"
    local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display)
    if local and not Path(f"/tmp/.X11-unix/X{local.group(1)}").exists():
        return f"no display: no X server answers on DISPLAY={display}; {ADVICE}"
    return None
