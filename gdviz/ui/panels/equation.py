"""The update rule of the selected optimizer, and the same rule with this step's numbers.

Above: the rule in readable notation (from the registry). Below, labelled "this step":
θ, the gradient g it is fed, the learning rate η, the optimizer's memory after the step
(velocity, m, v, m̂, v̂ …) and the new θ, for the step at the scrubber. Every number is
asked of the Session; a stopped run says so instead (its state is frozen). On a network
race the numbers are those of one chosen weight, with its gradient along the chain rule.
"""

from __future__ import annotations

import html

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFontDatabase
from PyQt6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.run import RUNNING
from gdviz.ui import style
from gdviz.ui.panels.weight_pick import WeightPicker, chain_html
from gdviz.ui.session import Session

NAMES = {"velocity": "b (velocity)", "m_hat": "m̂", "v_hat": "v̂", "sum_sq": "s",
         "square_avg": "v", "u": "u (max |g|)", "acc_delta": "u (mean Δ²)",
         "prev": "g previous", "step_size": "step sizes", "ax": "θ̄ (average)",
         "d": "d (direction)", "prev_flat_grad": "g previous",
         "newton_step": "Δ = (H + λI)⁻¹g"}


def number(v: float) -> str:
    return f"{v:.4g}"


class EquationPanel(QWidget):
    """The rule and this step's numbers for the session's selected run (else run 0)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(style.scaled(style.FONT_PT))
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setFont(style.font(style.FONT_PT, bold=True))
        self.rule = QLabel()
        self.rule.setFont(mono)
        self.rule.setWordWrap(True)
        self.numbers = QLabel()
        self.numbers.setFont(mono)
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.setContentsMargins(8, 6, 8, 6)
        self.picker = WeightPicker(session)
        self.picker.sigChanged.connect(self.sync)
        self.chain = QLabel()
        self.chain.setFont(mono)
        self.chain.setTextFormat(Qt.TextFormat.RichText)
        self.chain.setWordWrap(True)
        for label in (self.title, self.rule, self.picker, self.numbers, self.chain):
            box.addWidget(label)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        for signal in (session.sigStepChanged, session.sigRunsChanged,
                       session.sigSelectionChanged, session.sigTimelineReset,
                       session.sigLandscapeChanged):
            signal.connect(self.sync)
        self.sync()

    @property
    def run(self) -> int | None:
        s = self.session
        return s.selected if s.selected is not None else (0 if s.runs else None)

    def sync(self, *_: object) -> None:
        i = self.run
        self.chain.clear()
        if i is None:
            self.title.setText("Add an optimizer to see its update rule")
            self.rule.clear()
            self.numbers.clear()
            return
        s = self.session
        r = s.runs[i]
        self.title.setText(f"<span style='color:{r.color}'>■</span> {html.escape(r.label)}")
        self.rule.setText("\n".join(OPTIMIZERS[r.optimizer].equations))
        snap = s.snapshot(i)
        if str(snap.status[0]) != RUNNING:
            self.numbers.setText(f"<p>{html.escape(str(snap.status[0]))} at step "
                                 f"{int(snap.stopped_at[0])}: it no longer moves, its "
                                 "state is frozen.</p>")
            return
        numbers = s.step_numbers(i)
        weight = self.picker.weight
        where = ""
        if weight is not None:  # one weight of the network: its coordinate of each vector
            numbers = [(n, v if v.size == 1 else v[weight.k : weight.k + 1])
                       for n, v in numbers]
            where = f" for w = {html.escape(weight.label)}"
            self.chain.setText(chain_html(s.chain_terms(i, weight)))
        rows = "".join(
            f"<tr><td><b>{html.escape(NAMES.get(name, name))}</b></td>"
            f"<td>{html.escape(_vector(value))}</td></tr>"
            for name, value in numbers)
        self.numbers.setText(f"<p><b>this step</b>: {s.step} → {s.step + 1}{where}</p>"
                             f"<table cellspacing=6>{rows}</table>")


def _vector(value: np.ndarray) -> str:
    items = [number(float(v)) for v in np.ravel(value)]
    return items[0] if len(items) == 1 else f"({', '.join(items)})"
