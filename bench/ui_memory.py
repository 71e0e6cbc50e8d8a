"""Memory over a long race: 8 optimizers, 100 000 steps, the views attached.

The session keeps a bounded timeline (older rows are thinned) and the views draw from
it, so the resident memory after 100 000 steps should match the one after 20 000. The
baseline is the resident size at 20 000 steps in the same process; the ratio is the
growth factor from there to 100 000 steps (goal: ≤ 1.1, i.e. flat).
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtWidgets import QApplication  # noqa: E402

from gdviz.ui.app import application  # noqa: E402
from gdviz.ui.session import Session  # noqa: E402
from gdviz.ui.views.contour import ContourView  # noqa: E402
from gdviz.ui.views.loss import LossView  # noqa: E402

RUNS = (("gd", 1.5e-3), ("sgd", 1e-3), ("momentum", 1e-3), ("nesterov", 1e-3),
        ("adagrad", 0.5), ("rmsprop", 1e-2), ("adam", 0.1), ("adamw", 0.1))
CHUNK = 1000


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    app = application()
    session = Session("rosenbrock")
    session.set_stop_on_convergence(False)
    session.set_steps(10**6)
    for kind, lr in RUNS:
        session.add_run(kind, lr=lr)
    views = [ContourView(session), LossView(session)]
    for v in views:
        v.resize(900, 700)
        v.show()
    marks = {}
    for step in range(CHUNK, 100_001, CHUNK):
        session.run_to(step)  # one redraw per chunk, as a fast-playing window would
        QApplication.processEvents()
        if step in (20_000, 100_000):
            marks[step] = rss_mb()
    assert session.head_step == 100_000, session.head_step
    ours, base = marks[100_000], marks[20_000]
    rows = len(session.race.timeline)
    print(json.dumps({"bench": "ui_memory", "ours": ours, "baseline": base, "unit": "MB RSS",
                      "ratio": ours / base, "goal": 1.1, "timeline_rows": rows}))
    app.quit()


if __name__ == "__main__":
    main()
