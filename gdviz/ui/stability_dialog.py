"""Maps ▸ Stability map…: the dialog that sets up a map of one run's optimizer over a grid
of two of its hyperparameters.

It offers the optimizer's real-valued hyperparameters for the axes (by default ``lr`` on
a log axis × ``momentum`` or ``beta1`` where the optimizer has one), each with an
editable range, the resolution, the steps and the measure. ``job()`` turns the settings
into the keyword arguments of ``core.maps.stability_map``; the run's other
hyperparameters at step 0, its start and its seed complete them, so a cell with the
run's own values is the race's run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from gdviz.core.hyper import Hyper, parse_number
from gdviz.core.maps import Axis, stability_map
from gdviz.core.optimizers import get_optimizer
from gdviz.ui.panels.fields import ERROR_COLOR, fmt
from gdviz.ui.session import Session

RES, MAX_RES = 60, 400  # cells per side: default and most
MAP_STEPS = 300  # default steps per cell (the race's length if shorter)
LOG_SPAN = (1e-2, 10.0)  # a log axis: the run's value × these, within the valid range
OPEN_SHARE = 0.01  # an open end of a range is moved this share of the range inwards
Y_FAVOURITES = ("momentum", "beta1")
MEASURES = (("final loss", "final_loss"), ("steps to converge", "steps_to_converge"))


def real_hypers(optimizer: str) -> list[Hyper]:
    """The optimizer's real-valued hyperparameters: the ones a map's axis can sweep."""
    return [h for h in get_optimizer(optimizer).hyper if h.kind == "float"]


def default_axes(optimizer: str) -> tuple[str, str]:
    """``lr`` × ``momentum`` or ``beta1`` where the optimizer has them, else its first two
    real-valued hyperparameters; ValueError if it has fewer than two."""
    names = [h.name for h in real_hypers(optimizer)]
    if len(names) < 2:
        raise ValueError(f"{optimizer} has fewer than two real-valued hyperparameters to "
                         "map")
    x = "lr" if "lr" in names else names[0]
    rest = [n for n in names if n != x]
    y = next((n for n in Y_FAVOURITES if n in rest), rest[0])
    return x, y


def default_range(optimizer: str, h: Hyper, values: Mapping[str, Any]) -> tuple[float, float]:
    """An axis range for ``h``: on a log scale the run's value × ``LOG_SPAN``, else the
    whole valid range; open ends, and ends the optimizer refuses with the run's other
    ``values`` (nesterov without momentum), moved inwards; always within the valid range."""
    lo, hi = h.lo, h.hi
    value = float(values[h.name])
    if h.log and value > 0:
        lo, hi = max(lo, value * LOG_SPAN[0]), min(hi, value * LOG_SPAN[1])
    inward = OPEN_SHARE * (hi - lo)
    spec = get_optimizer(optimizer)

    def refused(v: float) -> bool:
        try:
            spec.make(**{**values, h.name: v})
        except ValueError:
            return True
        return False

    if (h.lo_open and lo == h.lo) or refused(lo):
        lo += inward
    if (h.hi_open and hi == h.hi) or refused(hi):
        hi -= inward
    return lo, hi


class AxisRow(QWidget):
    """One axis: the hyperparameter, its range and whether it runs on a log scale."""

    def __init__(self, optimizer: str, values: Mapping[str, Any], name: str) -> None:
        super().__init__()
        self.optimizer, self.values = optimizer, values
        self.hypers = {h.name: h for h in real_hypers(optimizer)}
        self.name = QComboBox()
        self.name.addItems(list(self.hypers))
        self.lo, self.hi = QLineEdit(), QLineEdit()
        self.log = QCheckBox("log")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget, label in ((self.name, None), (self.lo, "from"), (self.hi, "to"),
                              (self.log, None)):
            if label:
                row.addWidget(QLabel(label))
            row.addWidget(widget)
        self.name.currentTextChanged.connect(self._defaults)
        self.name.setCurrentText(name)
        self._defaults(name)

    def _defaults(self, name: str) -> None:
        h = self.hypers[name]
        lo, hi = default_range(self.optimizer, h, self.values)
        self.lo.setText(fmt(lo))
        self.hi.setText(fmt(hi))
        self.log.setChecked(h.log)
        self.name.setToolTip(h.help)

    def axis(self, which: str) -> Axis:
        name = self.name.currentText()
        return Axis(name, parse_number(self.lo.text().strip(), f"{which} axis: {name} from"),
                    parse_number(self.hi.text().strip(), f"{which} axis: {name} to"),
                    self.log.isChecked())


class StabilityDialog(QDialog):
    """The settings of one stability map of run ``run`` of ``session``."""

    def __init__(self, session: Session, run: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.run = session, run
        r = session.runs[run]
        self.setWindowTitle(f"Stability map of {r.label}")
        values = r.hyper_at(0)
        x, y = default_axes(r.optimizer)
        self.x_row = AxisRow(r.optimizer, values, x)
        self.y_row = AxisRow(r.optimizer, values, y)
        self.res = QSpinBox()
        self.res.setRange(2, MAX_RES)
        self.res.setValue(RES)
        self.steps = QSpinBox()
        self.steps.setRange(1, max(1, session.steps))
        self.steps.setValue(min(session.steps, MAP_STEPS))
        self.measure = QComboBox()
        for text, key in MEASURES:
            self.measure.addItem(text, key)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {ERROR_COLOR}")
        self.error.setWordWrap(True)
        note = QLabel(f"Every cell runs {r.optimizer} from the run's start with the run's other "
                      "settings at step 0; click a cell of the map to race with its values."
                      + (" The run's learning-rate schedule is left out: each cell keeps "
                         "its rate constant." if r.schedule is not None else ""))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(note)
        for label, widget in (("x axis", self.x_row), ("y axis", self.y_row),
                              ("cells per side", self.res), ("steps per cell", self.steps),
                              ("colour shows", self.measure)):
            form.addRow(label, widget)
        form.addRow(self.error)
        form.addRow(buttons)

    def job(self) -> dict[str, Any]:
        """The keyword arguments of ``stability_map`` for these settings (ValueError if a
        range is not a number)."""
        s, i = self.session, self.run
        r = s.runs[i]
        x, y = self.x_row.axis("x"), self.y_row.axis("y")
        measure = self.measure.currentData()
        tol = s.tol if s.tol > 0 or measure == "final_loss" else s.tol_when_on
        others = {k: v for k, v in r.hyper_at(0).items() if k not in (x.name, y.name)}
        return {"landscape": s.landscape, "optimizer": r.optimizer,
                "start": s.spec.start_of(i, s.landscape), "x": x, "y": y,
                "res": self.res.value(), "steps": self.steps.value(), "seed": s.spec.seed_of(i),
                "tol": tol, "measure": measure, **others}

    def accept(self) -> None:
        """Close only on settings the core accepts (checked on a 2×2 grid of no steps);
        else say why in the dialog."""
        try:
            stability_map(**{**self.job(), "res": 2, "steps": 0})
        except ValueError as err:
            self.error.setText(str(err))
            return
        super().accept()
