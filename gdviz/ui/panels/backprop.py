"""Backpropagation with numbers: one training (or test) sample through the focused run's
network at the cursor, forward from the input to the loss, then backward by the chain
rule from the output to the input.

Forward, per layer k: z = a·W + b and a = f(z); at the top the loss head (softmax
probabilities, or the output itself for mse) and this sample's loss. Backward: δ = ∂L/∂z
of the output layer from the loss head, then layer after layer δ of the one below =
(δ · Wᵀ) ⊙ f′(z), and the size of the gradient ∂L/∂W = aᵀ·δ this sample gives each layer.
Every number is the Session's ``trace``; the formulas are core's. Vectors show their first
entries; the full vector is in the row's tooltip.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFontDatabase
from PyQt6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.mlp import ACTIVATIONS, LOSSES
from gdviz.core.network_read import DERIVATIVES, OUTPUT_DELTAS, Trace
from gdviz.ui import style
from gdviz.ui.session import Session

SHOWN = 6  # entries of a vector shown in the row; the tooltip has all
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
HINT = "Open a network race to step through backpropagation"


def section_colors() -> dict[str, str]:
    """Forward and backward rows in two colours readable on the theme."""
    if style.THEME.dark:
        return {"input": "#e4e4e4", "forward": "#4fd1a5", "loss": "#f0c05a",
                "backward": "#e59cd0"}
    return {"input": "#222222", "forward": "#00785a", "loss": "#9a6400", "backward": "#a4377e"}


@dataclass(frozen=True)
class Row:
    """One line of the step-through: ``values`` as the trace gave them."""

    section: str  # input, forward, loss or backward
    name: str
    formula: str
    values: np.ndarray


def number(v: float) -> str:
    return f"{v:.3g}"


def compact(values: np.ndarray) -> str:
    """A vector's first SHOWN entries, then "…" when there are more."""
    items = [number(float(v)) for v in np.ravel(values)]
    if len(items) == 1:
        return items[0]
    more = ", …" if len(items) > SHOWN else ""
    return f"[{', '.join(items[:SHOWN])}{more}]"


def full(name: str, values: np.ndarray) -> str:
    """Every entry, eight to a line, for the tooltip."""
    items = [f"{float(v):.6g}" for v in np.ravel(values)]
    lines = [", ".join(items[i:i + 8]) for i in range(0, len(items), 8)]
    return f"{name} ({len(items)} values):\n" + "\n".join(lines)


def sub(k: int) -> str:
    return str(k).translate(SUB)


def trace_rows(tr: Trace, activation: str, loss: str, classify: bool) -> list[Row]:
    """The step-through's rows for trace ``tr``: layers counted from 1, a₀ = x; classes
    by their index."""
    f, top = ACTIVATIONS[activation].name, len(tr.z)
    target = "the target class" if classify else "the target"
    rows = [Row("input", "x", "the input", tr.x), Row("input", "y", target, tr.target)]
    for l, z in enumerate(tr.z):
        k = l + 1
        rows.append(Row("forward", f"z{sub(k)}", f"= a{sub(l)}·W{sub(k)} + b{sub(k)}", z))
        if k < top:
            rows.append(Row("forward", f"a{sub(k)}", f"= {f}(z{sub(k)})", tr.a[k]))
    if classify:
        rows.append(Row("forward", "p", f"= softmax(z{sub(top)}): predicted class "
                        f"{tr.predicted}", tr.out))
        rows.append(Row("loss", "L", "= −log p[y]", np.array([tr.loss])))
    else:
        rows.append(Row("forward", "ŷ", f"= z{sub(top)}", tr.out))
        rows.append(Row("loss", "L", "= (1/m) Σ (ŷ − y)²", np.array([tr.loss])))
    for l in reversed(range(top)):
        k = l + 1
        formula = (f"= ∂L/∂z{sub(k)} = {OUTPUT_DELTAS[loss]}" if k == top else
                   f"= (δ{sub(k + 1)}·W{sub(k + 1)}ᵀ) ⊙ f′(z{sub(k)})")
        rows.append(Row("backward", f"δ{sub(k)}", formula, tr.delta[l]))
        rows.append(Row("backward", f"‖∂L/∂W{sub(k)}‖", f"= ‖a{sub(l)}ᵀ·δ{sub(k)}‖",
                        np.array([tr.dW_norms[l]])))
    return rows


class BackpropPanel(QWidget):
    """A sample picker and the chosen sample's forward and backward pass, as rows.

    ``rows`` are what is shown (empty on a landscape race, when ``hint`` says so)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.rows: list[Row] = []
        self.sample = QSpinBox()
        self.sample.setToolTip("Which sample to send through the network (0-based index)")
        self.test = QCheckBox("test set")
        self.test.setToolTip("Pick the sample from the held-out test set instead of the "
                             "training set")
        self.hardest = QPushButton("hardest sample")
        self.hardest.setToolTip("Jump to the sample with the largest loss for this run now")
        self.picker = QWidget()
        pick = QHBoxLayout(self.picker)
        pick.setContentsMargins(0, 0, 0, 0)
        pick.addWidget(QLabel("sample"))
        for w in (self.sample, self.test, self.hardest):
            pick.addWidget(w)
        pick.addStretch(1)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setFont(style.font(bold=True))
        self.title.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(3)
        self._labels: list[tuple[QLabel, QLabel]] = []
        self._keys: list[tuple[str, str]] = []
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.setContentsMargins(8, 6, 8, 6)
        box.addWidget(self.picker)
        box.addWidget(self.title)
        box.addLayout(self.grid)
        box.addWidget(self.hint)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.sample.valueChanged.connect(self.sync)
        self.test.toggled.connect(self.sync)
        self.hardest.clicked.connect(self.pick_hardest)
        for signal in (session.sigStepChanged, session.sigRunsChanged, session.sigLandscapeChanged,
                       session.sigSelectionChanged, session.sigTimelineReset):
            signal.connect(self.sync)
        self.sync()

    @property
    def run(self) -> int | None:
        s = self.session
        if not s.is_network or not s.runs:
            return None
        return s.selected if s.selected is not None and s.selected < len(s.runs) else 0

    @property
    def on(self) -> str:
        return "test" if self.test.isChecked() else "train"

    def pick_hardest(self) -> None:
        if self.run is not None:
            self.sample.setValue(self.session.hardest_sample(self.run, self.on))

    def sync(self, *_: object) -> None:
        """Trace the chosen sample at the cursor and show its rows."""
        s, i = self.session, self.run
        self.picker.setVisible(i is not None)
        if i is None:
            self.rows = []
            self.title.clear()
            self._show_rows()
            self.hint.setText(HINT if not s.is_network else "Add an optimizer to trace a sample")
            return
        net = s.network
        data = s.test_data if self.on == "test" else s.train_data
        self.sample.blockSignals(True)  # the picker spans the chosen set (kept if it can)
        self.sample.setRange(0, data.n_samples - 1)
        self.sample.blockSignals(False)
        tr = s.trace(i, self.sample.value(), self.on)
        self.rows = trace_rows(tr, net.activation, net.loss, data.n_classes > 0)
        r = s.runs[i]
        where = "test" if self.on == "test" else "training"
        self.title.setText(f"<span style='color:{r.color}'>■ {html.escape(r.label)}</span>"
                           f" · step {s.step} · {where} sample {tr.sample}")
        self._show_rows()
        f = ACTIVATIONS[net.activation]
        self.hint.setText(
            f"<p><b>loss</b>: {html.escape(LOSSES[net.loss].formula)}, here with n = 1.</p>"
            f"<p><b>chain rule</b>: δ of layer k−1 = (δ of layer k · Wᵀ) ⊙ f′(z), with "
            f"f(z) = {html.escape(f.formula)} and f′(z) = "
            f"{html.escape(DERIVATIVES[net.activation])}. Each layer's ∂L/∂W = aᵀ·δ; "
            "the training gradient is the mean of every sample's (of a minibatch for SGD).</p>")

    def _show_rows(self) -> None:
        keys = [(r.section, r.name) for r in self.rows]
        if keys != self._keys:
            self._rebuild(keys)
        colors = section_colors()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        for (name, body), r in zip(self._labels, self.rows, strict=True):
            name.setText(f"<b style='color:{colors[r.section]}'>{html.escape(r.name)}</b>")
            numbers = (f"<span style='font-family:\"{mono}\"'>"
                       f"{html.escape(compact(r.values))}</span>")
            joint = " = " if r.values.size == 1 else "<br>"
            body.setText(f"{html.escape(r.formula)}{joint}{numbers}")
            body.setToolTip(full(r.name, r.values))

    def _rebuild(self, keys: list[tuple[str, str]]) -> None:
        """A header per section and two labels per row: the name, and the formula with
        the numbers (a vector's on a line of their own)."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        heads = {"input": "The sample", "forward": "Forward: input → output",
                 "loss": "Loss of this sample",
                 "backward": "Backward: output → input, δ = ∂L/∂z (chain rule)"}
        colors = section_colors()
        self._labels, self._keys, row, section = [], keys, 0, ""
        for sect, _ in keys:
            if sect != section:
                section = sect
                head = QLabel(f"<b style='color:{colors[sect]}'>{heads[sect]}</b>")
                head.setFont(style.font())
                head.setWordWrap(True)
                self.grid.addWidget(head, row, 0, 1, 2)
                row += 1
            labels = (QLabel(), QLabel())
            for col, label in enumerate(labels):
                label.setTextFormat(Qt.TextFormat.RichText)
                label.setFont(style.font(style.FONT_PT - 1))
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.grid.addWidget(label, row, col)
            labels[1].setWordWrap(True)
            self._labels.append(labels)
            row += 1
        self.grid.setColumnStretch(1, 1)
