"""Text at points of a 3-D scene, drawn over the GL view by a transparent widget.

pyqtgraph's ``GLTextItem`` paints with a QPainter inside the GL paint, which a grabbed
picture (screenshots, exported frames) loses; a child widget on top of the GL view is
part of every grab. It projects each label's GL point through the view's camera when it
paints, and repaints whenever the mouse moves the camera.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from PyQt6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QMatrix4x4, QPainter, QPaintEvent, QVector3D
from PyQt6.QtWidgets import QWidget

if TYPE_CHECKING:
    from gdviz.ui.views.gl_canvas import GLCanvas

CAMERA_EVENTS = (QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.MouseButtonRelease)
ROOM = 400.0  # the box a label's text is laid out in around its point (pixels)
PAD = 3.0  # a filled label's box reaches this far left and right of its text (pixels)


class Label(NamedTuple):
    """``text`` at GL point ``pos (3,)``, placed by ``align`` (Qt flags) around it, on a
    box of colour ``fill`` when given."""

    pos: np.ndarray
    text: str
    color: QColor
    font: QFont
    align: Qt.AlignmentFlag
    fill: QColor | None = None


class GLLabels(QWidget):
    """Labels over ``view``, kept in named groups (``set(group, labels)``)."""

    def __init__(self, view: GLCanvas) -> None:
        super().__init__(view)
        self.view = view
        self.groups: dict[str, list[Label]] = {}
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setGeometry(view.rect())
        view.installEventFilter(self)

    def set(self, group: str, labels: list[Label]) -> None:
        self.groups[group] = labels
        self.update()

    def labels(self) -> list[Label]:
        return [label for group in self.groups.values() for label in group]

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:  # noqa: N802
        if event is not None and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.rect())
        elif event is not None and event.type() in CAMERA_EVENTS:
            self.update()  # after the view moved its camera
        return False

    def screen_point(self, pos: np.ndarray) -> QPointF | None:
        """Where GL point ``pos`` is on the view (pixels), None if behind the camera."""
        w, h = self.view.width(), self.view.height()
        if w <= 0 or h <= 0:
            return None
        viewport = (0, 0, w, h)
        to_screen = QMatrix4x4()
        to_screen.viewport(0.0, float(h), float(w), -float(h))
        point = QVector3D(*(float(v) for v in pos))
        if self.view.viewMatrix().map(point).z() >= 0:  # the camera looks along −z
            return None
        mvp = self.view.projectionMatrix(viewport, viewport) * self.view.viewMatrix()
        return (to_screen * mvp).map(point).toPointF()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        for label in self.labels():
            at = self.screen_point(label.pos)
            if at is None or not label.text:
                continue
            room, flags = _room(at, label.align), int(label.align.value)
            painter.setFont(label.font)
            if label.fill is not None:
                box = painter.boundingRect(room, flags, label.text)
                painter.fillRect(box.adjusted(-PAD, 0, PAD, 0), label.fill)
            painter.setPen(label.color)
            painter.drawText(room, flags, label.text)
        painter.end()


def _room(at: QPointF, align: Qt.AlignmentFlag) -> QRectF:
    """A box around ``at`` that puts text drawn with ``align`` in it beside or on ``at``:
    left-aligned text starts at ``at``, bottom-aligned text ends there, centred text
    centres on it."""
    f = Qt.AlignmentFlag
    x = at.x() - (0.0 if align & f.AlignLeft else ROOM if align & f.AlignRight else ROOM / 2)
    y = at.y() - (0.0 if align & f.AlignTop else ROOM if align & f.AlignBottom else ROOM / 2)
    return QRectF(x, y, ROOM, ROOM)
