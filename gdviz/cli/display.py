"""Is there a screen to open the window on? Asked before Qt is loaded, because Qt
aborts the whole process (with a core dump) when its platform plugin finds none."""

from __future__ import annotations

import os
import re
import socket
import sys
from pathlib import Path

# Qt platforms that need no display at all
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")
CONNECT_TIMEOUT = 2.0  # seconds to wait for an X server to accept a connection
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
    if not _x_server_answers(display):
        return f"no display: no X server answers on DISPLAY={display}; {ADVICE}"
    return None


def _x_server_answers(display: str) -> bool:
    """Whether something accepts a connection where ``display`` points: the local socket
    (a dead server may leave it behind) or TCP port 6000 + N; True when unsure."""
    match = re.fullmatch(r"(?P<host>[^:/]*)(?:/unix)?:(?P<n>\d+)(?:\.\d+)?", display)
    if match is None:
        return True  # a form we do not know: let Qt try
    host, number = match["host"], int(match["n"])
    try:
        if host in ("", "unix"):
            path = Path(f"/tmp/.X11-unix/X{number}")
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(CONNECT_TIMEOUT)
                sock.connect(str(path))
        else:
            with socket.create_connection((host, 6000 + number), timeout=CONNECT_TIMEOUT):
                pass
    except OSError:
        return False
    return True
