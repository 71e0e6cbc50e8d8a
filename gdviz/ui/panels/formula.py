"""Your own function: a formula box under the landscape picker.

The text is checked while it is typed (a moment after the last key): a valid formula
shows how it was read and how many parameters it has, a mistake shows where and why and
selects the character it is about. Enter (or "Race on it") starts a race on it; "Save as
scenario…" asks the window to save the race as a file. Every check and every number comes
from ``gdviz.core.expression`` through the Session.
"""

from __future__ import annotations

import html

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from gdviz.core.expression import validate_expression
from gdviz.ui import style
from gdviz.ui.panels.fields import ERROR_COLOR
from gdviz.ui.session import Session

CHECK_DELAY_MS = 300  # after the last key: a formula is checked once typing pauses
EXAMPLE = "x^2 + 10*sin(y)"
OK_COLOR = "#1a7f37"


class FormulaBox(QWidget):
    """A line to type f(x), f(x, y) or f(x, y, z) in, with live checking.

    ``sigSaveAs()``: the user asked to save the race on the formula as a scenario."""

    sigSaveAs = pyqtSignal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(f"your own f(x, y), e.g. {EXAMPLE}")
        self.edit.setToolTip(
            "Type a function of x, y (and z): + − * / ^, parentheses, numbers, pi, e, "
            "sin cos tan exp log sqrt abs tanh sinh cosh min max. Enter races on it.")
        self.edit.setFont(style.font())
        self.race_button = QPushButton("Race on it")
        self.race_button.setToolTip("Start the race on this formula (Enter)")
        self.save_button = QPushButton("Save as scenario…")
        self.save_button.setToolTip("Save the race on this formula as a scenario file")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setFont(style.font(style.FONT_PT - 1))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.race_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.edit)
        box.addWidget(self.status)
        box.addLayout(buttons)
        self.edit.textEdited.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self.apply)
        self.race_button.clicked.connect(lambda _c=False: self.apply())
        self.save_button.clicked.connect(lambda _c=False: self.sigSaveAs.emit())
        session.sigLandscapeChanged.connect(self.sync)
        self.sync()

    def check(self) -> bool:
        """Check the text now and say what it is (or what is wrong); True when valid."""
        self._timer.stop()
        text = self.edit.text().strip()
        if not text:
            self.status.clear()
            return False
        found = validate_expression(text)
        if isinstance(found, tuple):
            column, message = found
            self._say(message, ERROR_COLOR)
            if 1 <= column <= len(self.edit.text()):
                self.edit.setSelection(column - 1, 1)
            return False
        names = ", ".join("xyz"[: found.dim])
        self._say(f"f({names}) = {found.formula} · {found.dim} parameter"
                  f"{'s' if found.dim > 1 else ''}", OK_COLOR)
        return True

    def apply(self) -> None:
        """Race on the typed formula (a refused one keeps the race and says why)."""
        if not self.check():
            return
        try:
            self.session.set_expression(self.edit.text().strip())
        except ValueError as err:
            self._say(str(err), ERROR_COLOR)

    def sync(self) -> None:
        """Show the race's formula when it is on one (another landscape: keep the text)."""
        expr = None if self.session.is_network else self.session.spec.expr
        self.save_button.setEnabled(expr is not None)
        if expr is not None and expr != self.edit.text().strip():
            self.edit.setText(expr)
            self.check()

    def _say(self, text: str, color: str) -> None:
        self.status.setText(f"<span style='color:{color}'>{html.escape(text)}</span>")
