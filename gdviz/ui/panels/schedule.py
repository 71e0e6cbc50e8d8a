"""A run's learning-rate schedule in its card: a kind picker and the kind's options.

The kinds and their options come from the core registry ``SCHEDULES``, so the window
offers exactly what scenario files and ``--opt`` specs accept.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from gdviz.core.schedules import SCHEDULES
from gdviz.ui.panels.fields import ValueEdit, fmt
from gdviz.ui.session import Session


class ScheduleRow(QWidget):
    """``lr schedule [kind ▾] option [value] …`` for run ``index`` of the session."""

    def __init__(self, session: Session, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.index = session, index
        self.kind = QComboBox()
        for name, kind in SCHEDULES.items():
            self.kind.addItem(kind.title, name)
            self.kind.setItemData(self.kind.count() - 1, kind.help,
                                  Qt.ItemDataRole.ToolTipRole)
        self.kind.setToolTip("Learning-rate schedule: how η changes with the step "
                             "(as torch.optim.lr_scheduler computes it)")
        self.kind.activated.connect(self._picked)
        self.options: dict[str, ValueEdit] = {}
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addWidget(QLabel("η schedule"))
        self._row.addWidget(self.kind, 1)
        self._shown: str | None = None
        self.sync()

    def _current(self) -> tuple[str, dict[str, object]]:
        sched = self.session.runs[self.index].schedule
        if sched is None:
            return "constant", {}
        return sched.kind, dict(sched.options)

    def sync(self) -> None:
        """Show the run's schedule; option editors are rebuilt only when the kind changes."""
        kind, options = self._current()
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.kind.blockSignals(False)
        if kind != self._shown:
            self._rebuild(kind)
        for name, edit in self.options.items():
            edit.show_value(fmt(float(options[name])))  # type: ignore[arg-type]

    def _rebuild(self, kind: str) -> None:
        for edit in self.options.values():
            edit.blockSignals(True)
        while self._row.count() > 2:
            item = self._row.takeAt(2)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.options = {}
        for hyper in SCHEDULES[kind].options:
            tip = f"{hyper.help}\nvalid: {hyper.range_text()}"
            label = QLabel(hyper.name)
            label.setToolTip(tip)
            edit = ValueEdit(tip)
            edit.setMinimumWidth(44)
            edit.sigCommitted.connect(lambda text, n=hyper.name, e=edit: e.attempt(
                lambda: self._set_option(n, text)))
            self._row.addWidget(label)
            self._row.addWidget(edit, 1)
            self.options[hyper.name] = edit
        self._shown = kind

    def _picked(self, row: int) -> None:
        kind = self.kind.itemData(row)
        if kind != self._current()[0]:
            self.session.set_schedule(self.index, kind)

    def _set_option(self, name: str, text: str) -> None:
        kind, options = self._current()
        self.session.set_schedule(self.index, kind, **{**options, name: text})
