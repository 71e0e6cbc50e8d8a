"""The transport bar lays its parts out as the width allows: one row, the timeline over
the settings, or each half's parts stacked, and never asks for more than its narrowest
layout (so large fonts on a small screen stack it instead of widening the window)."""

from __future__ import annotations

from PyQt6.QtWidgets import QBoxLayout

from gdviz.ui.panels.transport import WIDE, TransportBar, _row_width

ROW, COLUMN = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom


def directions(bar: TransportBar) -> list[QBoxLayout.Direction]:
    return [box.direction() for box in bar._rows]  # the bar, its two halves, the settings


def at_width(qtbot, bar: TransportBar, width: int) -> list[QBoxLayout.Direction]:
    bar.resize(width, bar.height())
    qtbot.wait(1)
    return directions(bar)


def test_one_row_two_rows_or_stacked_as_the_width_allows(qtbot, session):
    bar = TransportBar(session)
    qtbot.addWidget(bar)
    bar.show()
    row = bar.row_width()
    assert at_width(qtbot, bar, max(WIDE, row) + 10) == [ROW, ROW, ROW, ROW]
    medium = max(_row_width(half) for half in bar._rows[1:3]) + 12
    assert medium < max(WIDE, row)
    assert at_width(qtbot, bar, medium)[:3] == [COLUMN, ROW, ROW]
    narrow = bar.minimumWidth()
    assert at_width(qtbot, bar, narrow) == [COLUMN, COLUMN, COLUMN, COLUMN]
    assert bar.width() == narrow  # no part forces the bar wider than its minimum
    assert at_width(qtbot, bar, max(WIDE, row) + 10) == [ROW, ROW, ROW, ROW]  # and back
