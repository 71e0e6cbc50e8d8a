"""The optimizer panel: an "Add optimizer" menu and one card per racing run.

A card holds the run's colour, label, kind, a remove button, editors built from the
registry's hyperparameter specs (showing the values in force at the scrubber's step), its
learning-rate schedule and the update equations. Cards are rebuilt only when the set of
runs changes (count or kinds); otherwise their values are updated in place, so an editor
the user is typing in survives. The selected run lives in the Session.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QColor, QFontDatabase, QMouseEvent
from PyQt6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.hyper import Hyper
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import RunSpec
from gdviz.ui import style
from gdviz.ui.panels.fields import ValueEdit, fmt
from gdviz.ui.panels.schedule import ScheduleRow
from gdviz.ui.session import Session

PAIRS_PER_ROW = 2  # hyperparameter editors side by side in a card
SHORT_NAME = 8  # a longer hyperparameter name gets a row of its own


def _places(hypers: tuple[Hyper, ...]) -> list[tuple[int, int, bool]]:
    """(row, column pair, wide) of each editor: short names two to a row, a long name
    (weight_decay, momentum_decay…) on a row of its own so the card stays narrow."""
    places, row, col = [], 0, 0
    for hyper in hypers:
        wide = len(hyper.name) > SHORT_NAME
        if col and wide:
            row, col = row + 1, 0
        places.append((row, col, wide))
        row, col = (row + 1, 0) if wide or col + 1 == PAIRS_PER_ROW else (row, col + 1)
    return places


def _tip(hyper: Hyper) -> str:
    """An editor's tooltip: what the hyperparameter means and its valid range."""
    return f"{hyper.help}\nvalid: {hyper.range_text()}"


class RunCard(QFrame):
    """One run: swatch, label, kind, × and its hyperparameter editors."""

    sigClicked = pyqtSignal(int)

    def __init__(self, session: Session, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.index = session, index
        run = session.runs[index]
        spec = OPTIMIZERS[run.optimizer]
        self.setObjectName("runCard")
        self.swatch = QToolButton()
        self.swatch.setToolTip("Colour: click to change")
        self.swatch.setFixedSize(22, 22)
        self.swatch.clicked.connect(self._pick_color)
        self.label = ValueEdit("Label shown in the legends; Enter applies")
        self.label.sigCommitted.connect(
            lambda text: self.label.attempt(lambda: session.set_appearance(index, label=text)))
        kind = QLabel(f"{spec.title} ({run.optimizer})")
        kind.setToolTip(spec.description)
        kind.setStyleSheet(f"color: {style.THEME.muted};")
        kind.setFont(style.font(style.FONT_PT - 1))
        self.remove = QToolButton()
        self.remove.setText("×")
        self.remove.setToolTip("Remove this optimizer")
        header = QHBoxLayout()
        for widget in (self.swatch, self.label, self.remove):
            header.addWidget(widget)
        header.setStretch(1, 1)
        self.edits: dict[str, ValueEdit] = {}
        self.checks: dict[str, QCheckBox] = {}
        self.names: dict[str, QLabel] = {}
        self.tips: dict[str, str] = {}
        form = QGridLayout()
        form.setHorizontalSpacing(6)
        for (row, col, wide), hyper in zip(_places(spec.hyper), spec.hyper, strict=True):
            tip = _tip(hyper)
            if hyper.kind == "bool":
                check = QCheckBox(hyper.name)
                check.setToolTip(tip)
                check.toggled.connect(lambda on, h=hyper, c=check: self._toggled(h, c, on))
                form.addWidget(check, row, 2 * col, 1, 4 if wide else 2)
                self.checks[hyper.name] = check
            else:
                edit = ValueEdit(tip)
                edit.setMinimumWidth(44)
                edit.sigCommitted.connect(lambda text, h=hyper, e=edit: e.attempt(
                    lambda: session.set_hyper(index, h.name, text)))
                name = QLabel(hyper.name)
                name.setToolTip(tip)
                form.addWidget(name, row, 2 * col)
                form.addWidget(edit, row, 2 * col + 1, 1, 3 if wide else 1)
                self.edits[hyper.name] = edit
                self.names[hyper.name] = name
                self.tips[hyper.name] = tip
        for col in range(PAIRS_PER_ROW):
            form.setColumnStretch(2 * col + 1, 1)
        equations = QLabel("\n".join(spec.equations))
        equations.setToolTip("The update rule, one step")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(style.scaled(style.FONT_PT - 1))
        equations.setFont(mono)
        equations.setStyleSheet(f"color: {style.THEME.foreground};")
        equations.setWordWrap(True)  # a long rule wraps instead of widening the card
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 6, 6)
        box.addLayout(header)
        box.addWidget(kind)
        box.addLayout(form)
        self.schedule = ScheduleRow(session, index)
        box.addWidget(self.schedule)
        box.addWidget(equations)
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)  # a click anywhere in the card selects it
        self.selected = False
        self.sync()

    def sync(self) -> None:
        """Show the session's values for this run (editors being typed in are kept)."""
        run: RunSpec = self.session.runs[self.index]
        hyper = self.session.hyper_now(self.index)
        _set_sheet(self.swatch, f"QToolButton {{ background: {run.color}; "
                                "border: 1px solid #444444; border-radius: 3px; }")
        self.label.show_value(run.label)
        unused = self.session.unused_hypers()
        for name, edit in self.edits.items():
            edit.show_value(fmt(hyper[name]))
            why = unused.get(name)
            for widget in (edit, self.names[name]):
                widget.setEnabled(why is None)
                widget.setToolTip(self.tips[name] if why is None else f"not used: {why}")
        for name, check in self.checks.items():
            check.blockSignals(True)
            check.setChecked(bool(hyper[name]))
            check.blockSignals(False)
        self.schedule.sync()
        self.set_selected(self.session.selected == self.index)

    def set_selected(self, on: bool) -> None:
        self.selected = on
        self._restyle(self.session.runs[self.index].color)

    def _restyle(self, color: str) -> None:
        theme = style.THEME
        width, background = (2, theme.card_selected) if self.selected else (1, theme.card)
        _set_sheet(self, f"QFrame#runCard {{ background: {background}; border: {width}px "
                         f"solid {color if self.selected else '#c8c8c8'}; border-left: 6px "
                         f"solid {color}; border-radius: 4px; }}")

    def _toggled(self, hyper: Hyper, check: QCheckBox, on: bool) -> None:
        try:
            self.session.set_hyper(self.index, hyper.name, on)
        except ValueError as err:
            check.setToolTip(f"{err}\n\n{_tip(hyper)}")
            self.sync()  # back to the session's value
        else:
            check.setToolTip(_tip(hyper))

    def _pick_color(self) -> None:
        run = self.session.runs[self.index]
        color = QColorDialog.getColor(QColor(run.color), self, f"Colour of {run.label}")
        if color.isValid():
            self.session.set_appearance(self.index, color=color.name())

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 - Qt API
        self.sigClicked.emit(self.index)
        super().mousePressEvent(event)

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:  # noqa: N802
        if event is not None and event.type() == QEvent.Type.MouseButtonPress:
            self.sigClicked.emit(self.index)
        return False

    def retire(self) -> None:
        """Silence the editors (no focus-out commit) and delete the card later."""
        for edit in self.findChildren(ValueEdit):
            edit.blockSignals(True)
        self.hide()
        self.deleteLater()


def _set_sheet(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` the style sheet ``sheet`` unless it has it: setting one polishes
    the widget and all its children again, a millisecond a card."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


class OptimizerPanel(QWidget):
    """Add, configure and remove the racing optimizers; a click on a card selects its
    run (``session.select``)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.cards: list[RunCard] = []
        self._kinds: tuple[str, ...] = ()
        self.add_menu = QMenu(self)
        self.add_menu.setToolTipsVisible(True)
        for name, spec in OPTIMIZERS.items():
            action = QAction(f"{spec.title}  ({name})", self.add_menu)
            action.setToolTip(spec.description)
            action.triggered.connect(lambda _c=False, n=name: session.add_run(n))
            self.add_menu.addAction(action)
        self.add_button = QToolButton()
        self.add_button.setText("Add optimizer ▾")
        self.add_button.setMenu(self.add_menu)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.add_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.addStretch(1)
        container = QWidget()
        container.setLayout(self._list)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(container)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.add_button)
        box.addWidget(self.scroll_area, 1)
        session.sigRunsChanged.connect(self._sync)
        session.sigSelectionChanged.connect(self._sync_selection)
        session.sigStepChanged.connect(self._sync_edited)
        self._sync()

    @property
    def selected(self) -> int | None:
        return self.session.selected

    def _sync_selection(self, i: int) -> None:
        for card in self.cards:
            if card.selected != (card.index == i):
                card.set_selected(card.index == i)

    def _sync_edited(self) -> None:
        """Scrubbing across an edit changes the values in force: show them."""
        for card in self.cards:
            if self.session.runs[card.index].edits:
                card.sync()

    def _sync(self) -> None:
        kinds = tuple(r.optimizer for r in self.session.runs)
        if kinds != self._kinds:
            self._rebuild(kinds)
        for card in self.cards:
            card.sync()

    def _rebuild(self, kinds: tuple[str, ...]) -> None:
        for card in self.cards:
            self._list.removeWidget(card)
            card.retire()
        self._kinds = kinds
        self.cards = [RunCard(self.session, i) for i in range(len(kinds))]
        for card in self.cards:
            self._list.insertWidget(self._list.count() - 1, card)
            card.sigClicked.connect(self.session.select)
            card.remove.clicked.connect(
                lambda _c=False, i=card.index: self.session.remove_run(i))
