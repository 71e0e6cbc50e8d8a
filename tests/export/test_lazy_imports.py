"""Pillow and ffmpeg are loaded with the first file that needs them, not at start-up."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_and_the_export_package_start_without_pillow_or_ffmpeg() -> None:
    code = ("import sys, gdviz.cli, gdviz.export, gdviz.export.maps; "
            "sys.exit(sorted(m for m in ('PIL', 'imageio_ffmpeg') if m in sys.modules) or 0)")
    done = subprocess.run([sys.executable, "-c", code], timeout=120, check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
