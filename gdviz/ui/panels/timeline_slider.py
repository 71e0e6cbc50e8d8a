"""A timeline scrubber that marks steps: where a run's hyperparameters were edited."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor, QPainter, QPaintEvent, QPolygonF
from PyQt6.QtWidgets import QSlider, QStyle, QStyleOptionSlider, QWidget

MARK = 5.0  # half-width of a mark's triangle, px


class TimelineSlider(QSlider):
    """A horizontal slider over steps with small coloured triangles at ``marks``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.marks: list[tuple[int, str]] = []  # (step, "#rrggbb")

    def set_marks(self, marks: Sequence[tuple[int, str]]) -> None:
        self.marks = list(marks)
        self.update()

    def mark_x(self, step: int) -> float:
        """The x pixel of ``step`` along the groove (the handle's centre at that value)."""
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style = self.style()
        assert style is not None
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                      QStyle.SubControl.SC_SliderHandle, self)
        span = self.width() - handle.width()
        pos = QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), step, span)
        return pos + handle.width() / 2

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self.marks or self.maximum() <= self.minimum():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        bottom = float(self.height() - 1)
        for step, color in self.marks:
            if self.minimum() <= step <= self.maximum():
                x = self.mark_x(step)
                painter.setBrush(QColor(color))
                painter.drawPolygon(QPolygonF([QPointF(x - MARK, bottom), QPointF(x + MARK, bottom),
                                               QPointF(x, bottom - 1.6 * MARK)]))
        painter.end()
