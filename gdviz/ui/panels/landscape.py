"""The landscape panel: the picker, the formula, its parameters and the start point."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QResizeEvent, QStandardItem, QStandardItemModel
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.expression import NAME as EXPR
from gdviz.core.landscapes import LANDSCAPES
from gdviz.ui import style
from gdviz.ui.panels.data_file import headers_tip, pick_data_csv
from gdviz.ui.panels.fields import ValueEdit, fmt
from gdviz.ui.panels.formula import FormulaBox
from gdviz.ui.runs import landscape_names_by_group
from gdviz.ui.session import Session

GROUP_TITLES = {"classic": "Classic test functions", "teaching": "Teaching landscapes",
                "1d": "1-D curves", "space": "Three parameters",
                "data": "Fitting data (regression)"}
NAME_ROLE = Qt.ItemDataRole.UserRole
OWN_TITLE = "Your own function (type it below)"
DATA_FILE, DATA_TITLE = "data-file", "Your data (a CSV file)…"
AXES = ("x", "y", "z")


class LandscapePanel(QWidget):
    """Pick a landscape, edit its parameters and the shared start point.

    ``sigResetView()`` asks the views to show the landscape's default box again.
    """

    sigResetView = pyqtSignal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.combo = QComboBox()
        self.combo.setModel(self._picker_model())
        self.combo.setFont(style.font())
        self.combo.currentIndexChanged.connect(self._picked)
        self.own = FormulaBox(session)
        self.formula = _wrapped_label(style.FONT_PT + 2)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description = _wrapped_label(style.FONT_PT - 1)
        self.description.setStyleSheet(f"color: {style.THEME.muted};")
        self.params_form = QFormLayout()
        self.param_edits: dict[str, ValueEdit] = {}
        self.log_contours = QCheckBox("log contours")
        self.log_contours.setToolTip("Space the contour levels logarithmically")
        self.log_contours.toggled.connect(lambda on: session.set_display("log_contours", on))
        self.reset_view = QPushButton("Reset view")
        self.reset_view.setToolTip("Back to the landscape's default view box")
        self.reset_view.clicked.connect(self.sigResetView)
        self._start_labels = [QLabel(a) for a in AXES]
        self.start_edits = [ValueEdit(f"start {a}: type a number, Enter applies") for a in AXES]
        for edit in self.start_edits:
            edit.sigCommitted.connect(lambda _t, e=edit: self._start_committed(e))
        self.random_start = QPushButton("Random")
        self.random_start.setToolTip("Random start: a random point inside the view box")
        self.random_start.clicked.connect(session.random_start)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_height)
        self._layout()
        session.sigLandscapeChanged.connect(self._sync_landscape)
        session.sigDisplayChanged.connect(self._sync_display)
        session.sigTimelineReset.connect(self._sync_start)
        self._sync_landscape()

    def _picker_model(self) -> QStandardItemModel:
        """Registry titles under bold, unselectable group headers; the name in tooltip/data.
        The data group ends with "Your data…" (a CSV file), the list with your own formula."""
        model = QStandardItemModel(self)
        for group, names in landscape_names_by_group().items():
            header = QStandardItem(GROUP_TITLES.get(group, group))
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setFont(style.font(bold=True))
            header.setForeground(style.qcolor(style.THEME.muted))
            model.appendRow(header)
            for name in names:
                item = QStandardItem("   " + LANDSCAPES[name].title)
                item.setData(name, NAME_ROLE)
                item.setToolTip(name)
                model.appendRow(item)
            if group == "data":
                mine = QStandardItem("   " + DATA_TITLE)
                mine.setData(DATA_FILE, NAME_ROLE)
                mine.setToolTip(headers_tip())
                model.appendRow(mine)
        own = QStandardItem("   " + OWN_TITLE)
        own.setData(EXPR, NAME_ROLE)
        own.setToolTip("Type your own f(x, y) in the box below")
        model.appendRow(own)
        return model

    def _layout(self) -> None:
        options = QHBoxLayout()
        options.addWidget(self.log_contours)
        options.addStretch(1)
        options.addWidget(self.reset_view)
        start = QHBoxLayout()
        start.addWidget(QLabel("start"))
        for label, edit in zip(self._start_labels, self.start_edits, strict=True):
            edit.setMinimumWidth(50)
            start.addWidget(label)
            start.addWidget(edit, 1)
        start.addWidget(self.random_start)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.combo)
        box.addWidget(self.own)
        box.addWidget(self.formula)
        box.addWidget(self.description)
        box.addLayout(self.params_form)
        box.addLayout(options)
        box.addLayout(start)
        box.addStretch(1)

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """A dock sizes its widget by the wrapped labels' width-free hint; ask for the height
        they need at this width, so a long formula is never cut off."""
        layout = self.layout()
        need = layout.heightForWidth(self.width()) if layout is not None else -1
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    # ---- user -> session ---------------------------------------------------------------
    def _picked(self, row: int) -> None:
        name = self.combo.itemData(row, NAME_ROLE)
        if name is None:  # a group header: keep the current landscape
            self._sync_combo()
        elif name == DATA_FILE:  # a file dialog, then the race on the file (if any)
            pick_data_csv(self, self.session)
            self._sync_combo()
        elif name == EXPR:  # the formula box says what happens
            self.own.edit.setFocus()
            if name != self.session.landscape.name and self.own.edit.text().strip():
                self.own.apply()
            self._sync_combo()  # the race's landscape, if the formula was not raced on
        elif name != self.session.landscape.name or self.session.spec.data is not None:
            self.session.set_landscape(name)  # from samples of a file back to generated ones

    def _param_committed(self, name: str, edit: ValueEdit) -> None:
        value = _number(edit, f"parameter {name!r}")
        if value is not None:
            edit.attempt(lambda: self.session.set_landscape_params(**{name: value}))

    def _start_committed(self, edit: ValueEdit) -> None:
        point: list[float] = []
        for axis, e, now in zip(AXES, self.start_edits, self.session.start, strict=False):
            # an untouched coordinate keeps its exact value, not the rounded text
            value = now if e.text() == fmt(now) else _number(e, f"start {axis}")
            if value is None:
                return
            point.append(value)
        edit.attempt(lambda: self.session.set_start(tuple(point)))

    # ---- session -> widgets ------------------------------------------------------------
    def _sync_landscape(self) -> None:
        if self.session.is_network:  # the network panel builds a network race
            return
        land = self.session.landscape
        self._sync_combo()
        # one clause a line ("f,  u = …"); "x = y" never split across lines
        self.formula.setText(land.formula.replace(",  ", ",\n").replace(" = ", "\u00a0=\u00a0"))
        self.description.setText(land.description)
        self.description.setVisible(bool(land.description))
        if set(land.params) != set(self.param_edits):
            self._rebuild_params()
        for name, edit in self.param_edits.items():
            edit.show_value(fmt(land.params[name]))
        for k in (1, 2):  # a coordinate field for each parameter
            self.start_edits[k].setVisible(k < land.dim)
            self._start_labels[k].setVisible(k < land.dim)
        for label, name in zip(self._start_labels, land.axes, strict=False):
            label.setText(name)  # w and b on a fitted line
        self._sync_display()
        self._sync_start()
        self._fit_timer.start()  # fit once new parameter rows are shown

    def _sync_combo(self) -> None:
        s = self.session
        row = self.combo.findData(DATA_FILE if s.spec.data is not None else s.landscape.name,
                                  NAME_ROLE)
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(row)
        self.combo.blockSignals(False)

    def _rebuild_params(self) -> None:
        for edit in self.param_edits.values():
            edit.blockSignals(True)  # no focus-out commit from an editor being removed
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.param_edits = {}
        for name in self.session.landscape.params:
            edit = ValueEdit(f"landscape parameter {name}: a finite number, Enter applies")
            edit.sigCommitted.connect(lambda _t, n=name, e=edit: self._param_committed(n, e))
            self.params_form.addRow(name, edit)
            self.param_edits[name] = edit

    def _sync_display(self) -> None:
        if self.session.is_network:
            return
        self.log_contours.blockSignals(True)
        self.log_contours.setChecked(self.session.display["log_contours"])
        self.log_contours.blockSignals(False)
        self.log_contours.setEnabled(self.session.landscape.dim >= 2)  # a curve has none

    def _sync_start(self) -> None:
        if self.session.is_network:
            return
        for edit, value in zip(self.start_edits, self.session.start, strict=False):
            edit.show_value(fmt(value))


def _wrapped_label(points: int) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setFont(style.font(points))
    return label


def _number(edit: ValueEdit, what: str) -> float | None:
    """The editor's text as a float, or None after refusing it with the reason."""
    try:
        return float(edit.text())
    except ValueError:
        edit.refuse(f"{what} must be a number, got {edit.text().strip()!r}")
        return None
