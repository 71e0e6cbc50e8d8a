"""Start-up: the whole process, from launch to a drawn window saved as PNG.

gdviz: ``gdviz gui --scenario default --screenshot OUT.png`` (the default race, its
contour map, 3-D surface, panels and loss plots). Baseline: a bare program that opens the
same kinds of widgets — a pyqtgraph PlotWidget with a 200×200 image and a GLViewWidget with
a 100×100 surface — shows them, lets them draw and saves the window the same way. Both run
as separate processes, alternating, on one X display: the current one, else one Xvfb
server started for the whole benchmark (the script runs itself under ``xvfb-run``), else
the offscreen platform without the 3-D parts (GL needs a display). Median of 7 each.
gdviz's bytecode is compiled first, as ``make`` installs it (its modules are compiled
once, not on every start). Goal: ≤ 1.2× the bare program.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 7
SETTLE_MS = 250  # as gdviz's screenshot waits for layouts and GL views to settle

BARE = """
import sys
import numpy as np
SETTLE_MS = int(sys.argv[3])
from PyQt6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PyQt6.QtWidgets import QApplication, QHBoxLayout, QWidget
import pyqtgraph as pg
gl = sys.argv[2] == "gl"
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
app = QApplication(sys.argv[:1])
window = QWidget()
window.resize(1600, 1000)
row = QHBoxLayout(window)
plot = pg.PlotWidget()
x = np.linspace(-2, 2, 200)
z = (1 - x[:, None]) ** 2 + 100 * (x[None, :] - x[:, None] ** 2) ** 2
plot.addItem(pg.ImageItem(np.log1p(z)))
row.addWidget(plot)
if gl:
    import pyqtgraph.opengl as gl_
    view = gl_.GLViewWidget()
    s = np.linspace(-2, 2, 100)
    surface = gl_.GLSurfacePlotItem(x=s, y=s, z=np.log1p((1 - s[:, None]) ** 2
                                    + 100 * (s[None, :] - s[:, None] ** 2) ** 2),
                                    shader="shaded")
    view.addItem(surface)
    row.addWidget(view)
window.show()
loop = QEventLoop()
QTimer.singleShot(SETTLE_MS, loop.quit)
loop.exec()
window.repaint()
app.processEvents()
assert window.grab().save(sys.argv[1], "PNG")
"""


def command(kind: str, out: Path, gl: bool) -> list[str]:
    if kind == "gdviz":
        cmd = [sys.executable, "-m", "gdviz", "gui", "--scenario", "default",
               "--screenshot", str(out)]
    else:
        cmd = [sys.executable, "-c", BARE, str(out), "gl" if gl else "flat", str(SETTLE_MS)]
    return cmd


def timed(kind: str, folder: Path, gl: bool, env: dict[str, str]) -> float:
    out = folder / f"{kind}.png"
    t0 = time.perf_counter()
    subprocess.run(command(kind, out, gl), check=True, env=env, capture_output=True)
    elapsed = time.perf_counter() - t0
    if not out.is_file():
        raise RuntimeError(f"{kind} wrote no picture")
    out.unlink()
    return elapsed


def main() -> None:
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        os.execvp("xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24",
                               sys.executable, *sys.argv])
    gl = bool(os.environ.get("DISPLAY"))
    env = dict(os.environ)
    if not gl:
        env["QT_QPA_PLATFORM"] = "offscreen"
    package = Path(__file__).resolve().parent.parent / "gdviz"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    times: dict[str, list[float]] = {"gdviz": [], "bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in times:  # warm the file cache once, not measured
            timed(kind, Path(tmp), gl, env)
        for _ in range(REPEATS):
            for kind in times:
                times[kind].append(timed(kind, Path(tmp), gl, env))
    ours, base = (statistics.median(times[k]) for k in ("gdviz", "bare"))
    print(json.dumps({"bench": "startup", "display": "xvfb" if gl else "offscreen",
                      "ours": round(ours, 3), "baseline": round(base, 3),
                      "unit": "s to a saved screenshot", "ratio": round(ours / base, 3),
                      "goal": 1.2}))


if __name__ == "__main__":
    main()
