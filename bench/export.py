"""Export speed: 300 frames of a 4-optimizer Rosenbrock race at 1280×720 to MP4.

gdviz (the window's views drawn offscreen, streamed to H.264) against the same animation
made the usual way: matplotlib's FuncAnimation with its ffmpeg writer, drawing the contour
map, the four trails and points, and the loss and gradient-norm plots with a cursor.
Each measurement runs in a fresh process (so its peak memory is its own), alternating,
median of 5. gdviz's peak memory is also measured at 1200 frames: streaming keeps it flat.

Prints one JSON line: seconds per animation, the ratio (goal ≥ 3× faster, i.e. ratio
baseline/ours ≥ 3 is reported as ``speedup``), and the peak RSS of each.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

FRAMES, SIZE, FPS, REPEATS = 300, (1280, 720), 30, 5
PRESET = "default"  # Rosenbrock with gd, momentum, rmsprop and adam


def ours(frames: int, out: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gdviz.scenario import load_scenario
    from gdviz.ui.app import application
    from gdviz.ui.export_job import export_animation, plan_export

    app = application()
    t0 = time.perf_counter()
    scenario = load_scenario(PRESET)
    plan = plan_export(scenario, out, frames=frames, fps=FPS, size=SIZE, view=None)
    export_animation(scenario, plan)
    elapsed = time.perf_counter() - t0
    del app
    return elapsed


def baseline(frames: int, out: str) -> float:
    import imageio_ffmpeg
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.animation import FFMpegWriter, FuncAnimation

    from gdviz.core.race import run_race
    from gdviz.scenario import load_scenario

    t0 = time.perf_counter()
    scenario = load_scenario(PRESET)
    spec = scenario.race
    trajs = run_race(spec)
    land = spec.build_landscape()
    (x0, x1), (y0, y1) = land.domain
    xs, ys = np.linspace(x0, x1, 300), np.linspace(y0, y1, 300)
    z = np.log10(land.value(np.stack(np.meshgrid(xs, ys), axis=-1)) + 1e-6)
    steps = np.linspace(0, spec.steps, frames).round().astype(int)
    colors = [r.color or c for r, c in zip(spec.runs, ("C0", "C1", "C2", "C3"), strict=False)]
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    fig = plt.figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
    ax = fig.add_axes((0.04, 0.08, 0.42, 0.84))
    ax.contourf(xs, ys, z, levels=30, cmap="viridis", alpha=0.6)
    ax.contour(xs, ys, z, levels=16, colors="k", linewidths=0.5, alpha=0.35)
    loss_ax = fig.add_axes((0.55, 0.42, 0.42, 0.5))
    grad_ax = fig.add_axes((0.55, 0.08, 0.42, 0.3), sharex=loss_ax)
    for a in (loss_ax, grad_ax):
        a.set_yscale("log")
        a.set_xlim(0, spec.steps)
    loss_ax.set_ylim(1e-3, 1e3)
    grad_ax.set_ylim(1e-3, 1e3)
    trails = [ax.plot([], [], color=c, lw=2.5)[0] for c in colors]
    points = [ax.plot([], [], "o", color=c, ms=10, mec="k")[0] for c in colors]
    losses = [loss_ax.plot([], [], color=c, lw=1)[0] for c in colors]
    grads = [grad_ax.plot([], [], color=c, lw=1)[0] for c in colors]
    cursors = [a.axvline(0, color="#444444") for a in (loss_ax, grad_ax)]
    title = fig.suptitle("")

    def update(k: int) -> list:
        step = int(steps[k])
        for i, t in enumerate(trajs):
            p = t.params[: step + 1, 0]
            trails[i].set_data(p[:, 0], p[:, 1])
            points[i].set_data([p[-1, 0]], [p[-1, 1]])
            losses[i].set_data(np.arange(step + 1), t.loss[: step + 1, 0])
            grads[i].set_data(np.arange(step + 1), t.grad_norm[: step + 1, 0])
        for c in cursors:
            c.set_xdata([step, step])
        title.set_text(f"{scenario.title}    step {step} / {spec.steps}")
        return [*trails, *points, *losses, *grads, *cursors, title]

    anim = FuncAnimation(fig, update, frames=frames, blit=False)
    anim.save(out, writer=FFMpegWriter(fps=FPS, codec="libx264",
                                       extra_args=["-pix_fmt", "yuv420p"]))
    plt.close(fig)
    return time.perf_counter() - t0


def one(kind: str, frames: int) -> None:
    """Child process: one measurement, printed as JSON (seconds, peak RSS in MB)."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "race.mp4")
        seconds = (ours if kind == "ours" else baseline)(frames, out)
        size = os.path.getsize(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "bytes": size}))


def measure(kind: str, frames: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    result = subprocess.run([sys.executable, __file__, "--one", kind, str(frames)],
                            capture_output=True, text=True, check=True, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    mine, theirs = [], []
    for _ in range(REPEATS):
        mine.append(measure("ours", FRAMES))
        theirs.append(measure("baseline", FRAMES))
    long = measure("ours", 4 * FRAMES)
    o = statistics.median(m["seconds"] for m in mine)
    b = statistics.median(m["seconds"] for m in theirs)
    print(json.dumps({
        "bench": "export", "ours": o, "baseline": b, "unit": "s per 300-frame MP4",
        "ratio": o / b, "speedup": b / o, "goal": "speedup >= 3",
        "ours_peak_mb": statistics.median(m["peak_mb"] for m in mine),
        "baseline_peak_mb": statistics.median(m["peak_mb"] for m in theirs),
        "ours_peak_mb_1200_frames": long["peak_mb"], "ours_s_1200_frames": long["seconds"]}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        one(sys.argv[2], int(sys.argv[3]))
    else:
        main()
