"""Pick the Qt platform once for the whole run: Xvfb (xcb) when available, else offscreen.

pytest-xvfb starts a virtual X server when the Xvfb binary exists; without it every Qt
test runs offscreen and the 3-D (OpenGL) tests skip.
"""

import os
import shutil
from typing import TypeVar

import pytest
from PyQt6.QtCore import QCoreApplication, Qt

if not shutil.which("Xvfb") and not os.environ.get("DISPLAY"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

# GL views share one context group (as the app sets up before its QApplication)
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

HAS_GL = os.environ.get("QT_QPA_PLATFORM") != "offscreen"
# a test that builds OpenGL views: marked ``gl`` (the others get windows without them, see
# tests/ui/conftest.py) and skipped where there is no X server
GL_MARKS = [pytest.mark.gl, pytest.mark.skipif(
    not HAS_GL, reason="the 3-D view needs an X server: install xvfb (OpenGL cannot run offscreen)"
)]
T = TypeVar("T")


def requires_gl(test: T) -> T:
    for mark in GL_MARKS:
        test = mark(test)
    return test
