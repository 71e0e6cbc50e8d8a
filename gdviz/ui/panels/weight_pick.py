"""On a network race the update rule is shown for one weight: which one, and its gradient
broken down along the chain rule (∂L/∂w = mean over the batch of a · δ)."""

from __future__ import annotations

import html

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from gdviz.core.network_read import ChainTerms, Weight
from gdviz.ui.session import Session

SHOWN_SAMPLES = 4  # samples whose a · δ are written out


def number(v: float) -> str:
    return f"{v:.4g}"


class WeightPicker(QWidget):
    """Layer, input unit (or the bias) and output unit of the weight to follow.

    ``sigChanged()`` after the user picked another weight; ``weight`` is the current one
    (None on a landscape race)."""

    sigChanged = pyqtSignal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.layer = QComboBox()
        self.layer.setToolTip("The layer whose weight is followed (1: the first hidden layer)")
        self.row = QSpinBox()
        self.row.setSpecialValueText("bias")
        self.row.setToolTip("The input unit the weight multiplies (the lowest value: the "
                            "bias, which multiplies 1)")
        self.col = QSpinBox()
        self.col.setToolTip("The unit of this layer the weight feeds")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, widget in (("weight of layer", self.layer), ("from", self.row),
                             ("to", self.col)):
            layout.addWidget(QLabel(text))
            layout.addWidget(widget)
        layout.addStretch(1)
        self.layer.currentIndexChanged.connect(self._layer_picked)
        self.row.valueChanged.connect(lambda _v: self.sigChanged.emit())
        self.col.valueChanged.connect(lambda _v: self.sigChanged.emit())
        session.sigLandscapeChanged.connect(self.sync)
        self.sync()

    @property
    def weight(self) -> Weight | None:
        if not self.session.is_network or self.layer.currentIndex() < 0:
            return None
        if self.layer.count() != len(self.session.network.sizes) - 1:
            self.sync()  # asked before the picker heard of a new network
        row = self.row.value()
        try:
            return self.session.weight_at(self.layer.currentIndex(),
                                          None if row < 0 else row, self.col.value())
        except ValueError:  # the ranges are those of the network the picker last saw
            self.sync()
            row = self.row.value()
            return self.session.weight_at(self.layer.currentIndex(),
                                          None if row < 0 else row, self.col.value())

    def sync(self) -> None:
        """Offer the layers of the session's network (keeping the choice where it fits)."""
        self.setVisible(self.session.is_network)
        if not self.session.is_network:
            return
        sizes = self.session.network.sizes
        keep = self.layer.currentIndex()
        self.layer.blockSignals(True)
        self.layer.clear()
        last = len(sizes) - 2
        self.layer.addItems([f"{l + 1} ({'output' if l == last else 'hidden'}: "
                             f"{sizes[l]}→{sizes[l + 1]})" for l in range(len(sizes) - 1)])
        self.layer.setCurrentIndex(keep if 0 <= keep <= last else last)
        self.layer.blockSignals(False)
        self._layer_picked(emit=False)

    def _layer_picked(self, *_: object, emit: bool = True) -> None:
        sizes = self.session.network.sizes
        layer = max(self.layer.currentIndex(), 0)
        for box, hi, lo in ((self.row, sizes[layer] - 1, -1), (self.col, sizes[layer + 1] - 1, 0)):
            box.blockSignals(True)
            box.setRange(lo, hi)
            box.blockSignals(False)
        if emit:
            self.sigChanged.emit()


def chain_html(terms: ChainTerms) -> str:
    """The chain rule for one weight with this step's numbers, as HTML."""
    w = terms.weight
    source = "1 (the bias input)" if w.row is None else f"a{_layer_sup(w.layer)}[{w.row}]"
    n = len(terms.samples)
    rows = "".join(
        f"<tr><td>sample {int(s)}</td><td>{number(a)}</td><td>× {number(d)}</td>"
        f"<td>= {number(a * d)}</td></tr>"
        for s, a, d in list(zip(terms.samples, terms.a, terms.delta, strict=True))[
            :SHOWN_SAMPLES])
    more = f"<tr><td colspan=4>… and {n - SHOWN_SAMPLES} more</td></tr>" \
        if n > SHOWN_SAMPLES else ""
    return (f"<p><b>g of {html.escape(w.label)}, by the chain rule</b>: "
            f"∂L/∂w = mean over the {n} samples of the batch of "
            f"{html.escape(source)} · δ[{w.col}], where δ = ∂L/∂z of the unit the weight "
            f"feeds</p><table cellspacing=6><tr><td></td><td>a</td><td>δ</td><td>a·δ</td>"
            f"</tr>{rows}{more}</table><p>mean = <b>{number(terms.grad)}</b></p>")


def _layer_sup(layer: int) -> str:
    """The activations entering layer ``layer`` (0-based) are a⁰ = x, a¹, …"""
    return str(layer).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
