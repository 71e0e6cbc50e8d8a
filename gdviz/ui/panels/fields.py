"""Small editor widgets shared by the control panels.

``ValueEdit`` is the one-line editor every panel uses for typed values (hyperparameters,
landscape parameters, start coordinates, labels): it commits on Enter or focus-out only
when the user changed the text, shows a refused value with a red border and the reason
as tooltip, and is never overwritten by the model while the user is typing in it.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QLineEdit, QWidget

ERROR_COLOR = "#d62728"  # a refused value's border and the text saying why
REFUSED_STYLE = (f"QLineEdit {{ border: 2px solid {ERROR_COLOR}; border-radius: 3px; "
                 "padding: 1px; }")


def fmt(value: float) -> str:
    """A number as the editors show it (``:g``: six significant digits)."""
    return f"{value:g}"


class ValueEdit(QLineEdit):
    """A line editor for one model value; ``sigCommitted(text)`` on Enter/focus-out."""

    sigCommitted = pyqtSignal(str)

    def __init__(self, hint: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._hint = hint
        self.reason: str | None = None  # why the last committed text was refused
        self.setToolTip(hint)
        self.editingFinished.connect(self._finish)

    def _finish(self) -> None:
        if self.isModified():  # Enter on untouched text changes nothing
            self.setModified(False)
            self.sigCommitted.emit(self.text().strip())

    def show_value(self, text: str) -> None:
        """Show the model's value (clearing a refusal) unless the user is typing here."""
        if self.hasFocus() and self.isModified():
            return
        if text != self.text():
            self.setText(text)
            self.setCursorPosition(0)
        self.refuse(None)

    def attempt(self, apply: Callable[[], object]) -> bool:
        """Run ``apply``; a ValueError marks this editor refused with its message."""
        try:
            apply()
        except ValueError as err:
            self.refuse(str(err))
            return False
        self.refuse(None)
        return True

    def refuse(self, reason: str | None) -> None:
        """Mark the text refused (red border, ``reason`` as tooltip), or clear with None."""
        if reason == self.reason:
            return
        self.reason = reason
        self.setStyleSheet(REFUSED_STYLE if reason else "")
        self.setToolTip(f"{reason}\n\n{self._hint}".strip() if reason else self._hint)
