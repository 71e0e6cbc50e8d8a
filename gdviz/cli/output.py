"""What ``gdviz run`` writes: trajectories as CSV or JSON, to a file atomically.

CSV columns ``CSV_COLUMNS`` (``CSV_COLUMNS_3D``, with ``z`` after ``y``, on a landscape of
three parameters): steps+1 rows per run (step 0 is the start), ``run`` the 0-based index
of the run, ``y`` empty on 1-D landscapes, ``x`` and ``y`` both empty on a network (its
weights have hundreds of dimensions: the JSON ``points`` hold them), floats written with
``repr`` (they round-trip). JSON: ``{"landscape", "runs": [{"optimizer",
"hyper", "status", "stopped_at", "points", "loss", "grad_norm"}]}``, ``hyper`` the run's
hyperparameters at step 0; on a network ``landscape`` is "network", ``loss`` the training
loss and ``points`` the weight vectors; on a typed formula ``landscape`` is "expr" and
``"expr"`` holds the formula; on samples from a file ``"data"`` holds its path.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from gdviz.core.network import NAME as NETWORK
from gdviz.core.race import RaceSpec
from gdviz.core.run import CONVERGED, DIVERGED, RUNNING, Trajectory


def progress_bar(name: str, unit: str) -> tuple[Any, Callable[[int, int | None], None]]:
    """A tqdm bar on stderr (shown only on a terminal) and the ``progress(done, total)``
    callback that moves it; close the bar when the work ends."""
    from tqdm import tqdm

    bar = tqdm(desc=name, unit=unit, file=sys.stderr, disable=not sys.stderr.isatty(),
               leave=False)

    def update(done: int, total: int | None) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return bar, update


CSV_COLUMNS = ("run", "optimizer", "step", "x", "y", "loss", "grad_norm", "status")
CSV_COLUMNS_3D = (*CSV_COLUMNS[:5], "z", *CSV_COLUMNS[5:])


def row_statuses(traj: Trajectory) -> list[str]:
    """The CSV status of each of the ``steps + 1`` rows of a one-start trajectory."""
    rows, final, stop = len(traj.loss), str(traj.status[0]), int(traj.stopped_at[0])
    first = {CONVERGED: stop, DIVERGED: stop + 1}.get(final, rows)  # first row showing it
    return [RUNNING] * min(first, rows) + [final] * max(rows - first, 0)


def csv_text(trajs: Sequence[Trajectory]) -> str:
    """One row per step per run, columns ``CSV_COLUMNS`` (``CSV_COLUMNS_3D`` when the runs
    are on a three-parameter landscape); floats as ``repr`` (round trip)."""
    network = any(t.landscape == NETWORK for t in trajs)
    dim = 0 if network or not trajs else trajs[0].params.shape[-1]
    columns = CSV_COLUMNS_3D if dim == 3 else CSV_COLUMNS
    width = columns.index("loss") - columns.index("x")  # coordinate cells: x, y (, z)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for i, traj in enumerate(trajs):
        points = traj.params[:, 0, :].tolist()
        rows = zip(points, traj.loss[:, 0].tolist(), traj.grad_norm[:, 0].tolist(),
                   row_statuses(traj), strict=True)
        for step, (p, loss, gnorm, status) in enumerate(rows):
            coords = [] if network else [repr(v) for v in p]
            coords += [""] * (width - len(coords))  # y on a curve, all on a network
            writer.writerow((i, traj.optimizer, step, *coords, repr(loss), repr(gnorm),
                             status))
    return out.getvalue()


def json_text(spec: RaceSpec, trajs: Sequence[Trajectory]) -> str:
    """``{"landscape", ("expr",) ("data",) "runs": [...]}``; strict JSON (a NaN would raise
    ValueError)."""
    runs = [{"optimizer": t.optimizer, "hyper": dict(r.hyper), "status": str(t.status[0]),
             "stopped_at": int(t.stopped_at[0]), "points": t.params[:, 0, :].tolist(),
             "loss": t.loss[:, 0].tolist(), "grad_norm": t.grad_norm[:, 0].tolist()}
            for r, t in zip(spec.runs, trajs, strict=True)]
    formula = {} if spec.expr is None else {"expr": spec.expr}
    data = {} if spec.data is None else {"data": spec.data}
    return json.dumps({"landscape": spec.landscape, **formula, **data, "runs": runs},
                      allow_nan=False) + "\n"


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory."""
    target = os.path.abspath(path)
    tmp = os.path.join(os.path.dirname(target),
                       f".{os.path.basename(target)}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise ValueError(f"cannot write {path}: {exc.strerror or exc}") from None
