"""The hidden layers of a network as spin boxes (units per layer) with − and + buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QSpinBox, QWidget

from gdviz.core.mlp import MAX_HIDDEN_LAYERS, MAX_UNITS

PER_ROW = 3  # spin boxes per row: six hidden layers take two rows in a side panel


class LayersEdit(QWidget):
    """``spins[k]`` holds the units of hidden layer k (1…MAX_UNITS); ``add_button`` appends
    a layer like the last one (up to MAX_HIDDEN_LAYERS), ``remove_button`` drops the last
    (down to one). ``sigChanged()`` after every change the user makes."""

    sigChanged = pyqtSignal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.spins: list[QSpinBox] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.remove_button = QPushButton("−")
        self.remove_button.setToolTip("Remove the last hidden layer")
        self.remove_button.clicked.connect(self.remove_layer)
        self.add_button = QPushButton("+")
        self.add_button.setToolTip(f"Add a hidden layer (at most {MAX_HIDDEN_LAYERS})")
        self.add_button.clicked.connect(self.add_layer)
        for button in (self.remove_button, self.add_button):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("+") + 24)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(self.grid, 1)
        row.addWidget(self.remove_button)
        row.addWidget(self.add_button)
        self.set_sizes((16,))

    def sizes(self) -> tuple[int, ...]:
        """Units per hidden layer, input side first."""
        return tuple(spin.value() for spin in self.spins)

    def set_sizes(self, sizes: Sequence[int]) -> None:
        """Show these hidden layers (no ``sigChanged``: this is the model speaking)."""
        while len(self.spins) > len(sizes):
            self._drop()
        while len(self.spins) < len(sizes):
            self._append(int(sizes[len(self.spins)]))
        for spin, units in zip(self.spins, sizes, strict=True):
            spin.blockSignals(True)
            spin.setValue(int(units))
            spin.blockSignals(False)
        self._enable()

    def add_layer(self) -> None:
        if len(self.spins) < MAX_HIDDEN_LAYERS:
            self._append(self.spins[-1].value())
            self._enable()
            self.sigChanged.emit()

    def remove_layer(self) -> None:
        if len(self.spins) > 1:
            self._drop()
            self._enable()
            self.sigChanged.emit()

    def _append(self, units: int) -> None:
        k = len(self.spins)
        spin = QSpinBox()
        spin.setRange(1, MAX_UNITS)
        spin.setValue(units)
        spin.setToolTip(f"Units (neurons) in hidden layer {k + 1}: 1 to {MAX_UNITS}")
        spin.valueChanged.connect(self.sigChanged)
        self.grid.addWidget(spin, k // PER_ROW, k % PER_ROW)
        self.spins.append(spin)

    def _drop(self) -> None:
        spin = self.spins.pop()
        self.grid.removeWidget(spin)
        spin.hide()
        spin.deleteLater()

    def _enable(self) -> None:
        self.add_button.setEnabled(len(self.spins) < MAX_HIDDEN_LAYERS)
        self.remove_button.setEnabled(len(self.spins) > 1)
