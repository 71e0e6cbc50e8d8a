"""The light polyline behind trails, arrow shafts and loss curves: what it draws, where it
breaks, its bounds on a log axis, and the per-column thinning of long curves."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from hypothesis import given, settings
from hypothesis import strategies as st
from PyQt6.QtGui import QColor

from gdviz.ui.views.polyline import Polyline, peak_columns

RED = QColor("#ff0000")


def plot_with(qtbot, line: Polyline, x_range=(0, 4), y_range=(0, 4)) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.plotItem.hideAxis("left")
    widget.plotItem.hideAxis("bottom")
    widget.addItem(line)
    widget.setRange(xRange=x_range, yRange=y_range, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def red_at(widget: pg.PlotWidget, x: float, y: float, reach: int = 1) -> bool:
    """Whether a pixel within ``reach`` pixels of data point (x, y) is drawn red."""
    image = widget.grab().toImage()
    vb = widget.plotItem.vb
    p = widget.mapFromScene(vb.mapViewToScene(pg.Point(x, y)))
    for dx in range(-reach, reach + 1):
        for dy in (-1, 0, 1):
            c = image.pixelColor(p.x() + dx, p.y() + dy)
            if c.red() > 200 and c.green() < 80 and c.blue() < 80:
                return True
    return False


def test_it_draws_its_segments_and_breaks_at_a_non_finite_point(qtbot):
    line = Polyline(pg.mkPen(RED, width=3))
    line.setData([0.5, 1.5, np.nan, 2.5, 3.5], [0.5, 1.5, np.nan, 1.5, 0.5])
    widget = plot_with(qtbot, line)
    assert red_at(widget, 1.0, 1.0)  # the first segment
    assert red_at(widget, 3.0, 1.0)  # the last one
    assert not red_at(widget, 2.0, 1.5)  # no segment across the NaN
    np.testing.assert_array_equal(line.xData, [0.5, 1.5, np.nan, 2.5, 3.5])  # as given
    assert line.dataBounds(0) == (0.5, 3.5) and line.dataBounds(1) == (0.5, 1.5)


def test_new_data_replace_the_old_on_screen(qtbot):
    line = Polyline(pg.mkPen(RED, width=3))
    line.setData([0.5, 3.5], [0.5, 0.5])
    widget = plot_with(qtbot, line)
    assert red_at(widget, 2.0, 0.5)
    line.setData([0.5, 3.5], [3.0, 3.0])
    qtbot.wait(10)
    assert red_at(widget, 2.0, 3.0) and not red_at(widget, 2.0, 0.5)
    line.setData([], [])
    assert line.dataBounds(0) is None and line.boundingRect().isEmpty()
    qtbot.wait(10)
    assert not red_at(widget, 2.0, 3.0)


def test_on_a_log_axis_y_is_drawn_as_its_log_and_kept_as_given(qtbot):
    line = Polyline(pg.mkPen(RED, width=3))
    line.setData([0.5, 3.5], [10.0, 1000.0])
    widget = plot_with(qtbot, line)
    widget.plotItem.setLogMode(y=True)  # calls the item's setLogMode
    widget.setRange(xRange=(0, 4), yRange=(0, 4), padding=0)
    assert line.dataBounds(1) == (1.0, 3.0)
    np.testing.assert_array_equal(line.yData, [10.0, 1000.0])
    assert red_at(widget, 2.0, 2.0)
    widget.plotItem.setLogMode(y=False)
    assert line.dataBounds(1) == (10.0, 1000.0)


def test_a_legend_shows_its_pen(qtbot):
    line = Polyline(pg.mkPen(RED, width=3))
    line.setData([0.5, 3.5], [0.5, 0.5])
    widget = plot_with(qtbot, line)
    legend = widget.plotItem.addLegend()
    legend.addItem(line, "run")
    assert legend.items[0][1].text == "run"
    assert legend.items[0][0].item.opts["pen"].color() == RED


def test_a_long_curve_keeps_each_columns_extremes(qtbot):
    x = np.arange(20_000, dtype=np.float64)
    y = np.sin(x / 50.0) + (x == 12_345) * 5.0  # one spike must survive the thinning
    line = Polyline(pg.mkPen(RED, width=1), antialias=False, columns=True)
    line.setData(x, y)
    widget = plot_with(qtbot, line, x_range=(0, 20_000), y_range=(-2, 7))
    assert red_at(widget, 12_345, 5.5, reach=3)  # its pixel column, give or take one


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6) | st.just(float("nan")), min_size=0, max_size=200),
       st.integers(0, 30))
def test_peak_columns_keeps_every_runs_lowest_and_highest(values, per):
    y = np.array(values, dtype=np.float64)
    x = np.arange(len(y), dtype=np.float64)
    xs, ys = peak_columns(x, y, per)
    if per <= 2 or len(x) <= per:
        assert xs is x and ys is y
        return
    n = len(x) // per
    assert len(xs) == 2 * n + len(x) - n * per
    assert np.all(np.diff(xs) >= 0)
    for k in range(n):
        chunk = y[k * per:(k + 1) * per]
        lo, hi = ys[2 * k], ys[2 * k + 1]
        if np.isnan(chunk).all():
            assert np.isnan(lo) and np.isnan(hi)
        else:
            assert lo == np.nanmin(chunk) and hi == np.nanmax(chunk)
        assert xs[2 * k] == xs[2 * k + 1] == x[k * per]
    np.testing.assert_array_equal(ys[2 * n:], y[n * per:])


def test_zoomed_in_a_long_curve_is_drawn_point_for_point_again(qtbot):
    x = np.arange(20_000, dtype=np.float64)
    y = np.zeros_like(x)
    y[150] = 3.0  # a spike one step wide: (149, 0) → (150, 3) → (151, 0)
    line = Polyline(pg.mkPen(RED, width=1), antialias=False, columns=True)
    line.setData(x, y)
    widget = plot_with(qtbot, line, x_range=(0, 20_000), y_range=(-1, 4))
    assert red_at(widget, 150, 2.5, reach=3)  # drawn once thinned, in its pixel column
    widget.setRange(xRange=(140, 160), yRange=(-1, 4), padding=0)
    qtbot.wait(10)
    assert red_at(widget, 149.5, 1.5) and red_at(widget, 150.5, 1.5)  # both flanks
    assert not red_at(widget, 145, 1.5)
