"""The network panel: the problem of a network race, its data and its network.

The form holds a dataset from ``DATASETS`` (with a small picture of its points), the
dataset's options, the data seed and the test fraction, the hidden layers and the
activation. The loss follows the dataset's task (cross-entropy for classes, squared
error for a regression), and so do the input and output sizes. Edits stay pending until
Apply (or Enter) builds one ``NetworkSpec`` and the Session restarts the race on it; a
refused value shows why in red and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.datasets import DATASETS, Dataset, load_csv
from gdviz.core.hyper import Hyper, Value
from gdviz.core.mlp import ACTIVATIONS, LOSSES, MLP
from gdviz.core.network import MAX_DATA_SEED, NetworkSpec
from gdviz.ui import style
from gdviz.ui.panels.data_preview import preview_pixmap
from gdviz.ui.panels.fields import ERROR_COLOR, ValueEdit, fmt
from gdviz.ui.panels.layers_edit import LayersEdit
from gdviz.ui.session import Session

PREVIEW_PX = 120
LOSS_OF_TASK = {"classification": "cross_entropy", "regression": "mse"}
LOSS_TITLES = {"cross_entropy": "cross-entropy (softmax)", "mse": "mean squared error"}
TEST_FRACTION = Hyper("test fraction", 0.2, 0.0, 1.0, "the share of the points held out "
                      "to test on", lo_open=True, hi_open=True)
FormState = tuple[object, ...]  # what the form shows, to tell pending edits


class NetworkPanel(QWidget):
    """Pick the data and build the network of a network race.

    ``dataset`` (combo of DATASETS, data = name), ``option_edits`` (one ValueEdit per
    dataset option), ``seed_edit``, ``fraction_edit``, ``layers`` (the hidden layers),
    ``activation``; read-only ``preview``, ``loss_label`` and ``shape_label``
    ("2-16-16-3 · 339 weights"). ``apply()`` (the Apply button, Enter) builds the
    network; ``pending`` says whether the form differs from the race's, ``error`` why
    the last Apply was refused.
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.dataset = QComboBox()
        for name, spec in DATASETS.items():
            self.dataset.addItem(spec.title, name)
            self.dataset.setItemData(self.dataset.count() - 1, spec.description,
                                     Qt.ItemDataRole.ToolTipRole)
        self.dataset.currentIndexChanged.connect(self._dataset_picked)
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_PX, PREVIEW_PX)
        self.preview.setToolTip("The dataset's points (not applied until Apply)")
        self.data_form = QFormLayout()  # the dataset's options, then seed and test fraction
        self.option_edits: dict[str, ValueEdit] = {}
        self.seed_edit = ValueEdit(f"data seed: a whole number in [0, {MAX_DATA_SEED}]; "
                                   "it draws the points and the train/test split")
        self.fraction_edit = ValueEdit(f"{TEST_FRACTION.name}: {TEST_FRACTION.help}, "
                                       f"{TEST_FRACTION.range_text()}")
        self.layers = LayersEdit()
        self.activation = QComboBox()
        for name, act in ACTIVATIONS.items():
            self.activation.addItem(name)
            self.activation.setItemData(self.activation.count() - 1, f"a = {act.formula}",
                                        Qt.ItemDataRole.ToolTipRole)
        self.activation.setToolTip("The hidden layers' activation a = f(z)")
        self.loss_label = QLabel()
        self.loss_label.setToolTip("The loss follows the data: cross-entropy for classes, "
                                   "squared error for a regression")
        self.shape_label = QLabel()
        self.shape_label.setToolTip("Layer sizes, input to output, and the number of "
                                    "weights and biases")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Train on this data and network: a new race from "
                                     "fresh initial weights (Enter)")
        self.apply_button.clicked.connect(self.apply)
        self.csv_button = QPushButton("Load CSV…")
        self.csv_button.setToolTip("Train on samples from a file: a header x1,x2,label "
                                   "(classes) or x,y (regression), one sample a line")
        self.csv_button.clicked.connect(lambda _c=False: self._pick_csv())
        for edit in (self.seed_edit, self.fraction_edit):
            edit.textEdited.connect(self._edited)
        self.layers.sigChanged.connect(self._edited)
        self.activation.currentIndexChanged.connect(self._edited)
        self._synced: FormState = ()
        self._data_key: tuple[object, ...] | None = None
        self._data: Dataset | None = None
        self._layout()
        session.sigLandscapeChanged.connect(self.sync)
        self.sync()

    def _layout(self) -> None:
        data_grid = QGridLayout()
        data_grid.addWidget(self.preview, 0, 0, Qt.AlignmentFlag.AlignTop)
        self.data_form.addRow("data seed", self.seed_edit)
        self.data_form.addRow("test fraction", self.fraction_edit)
        data_grid.addLayout(self.data_form, 0, 1)
        data_grid.setColumnStretch(1, 1)
        net = QFormLayout()
        net.addRow("hidden layers", self.layers)
        net.addRow("activation", self.activation)
        net.addRow("loss", self.loss_label)
        net.addRow("shape", self.shape_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.csv_button)
        bottom.addWidget(self.apply_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(_header("Data"))
        box.addWidget(self.dataset)
        box.addLayout(data_grid)
        box.addWidget(_header("Network"))
        box.addLayout(net)
        box.addWidget(self.error)
        box.addLayout(bottom)
        box.addStretch(1)

    # ---- the form ----------------------------------------------------------------------
    @property
    def dataset_name(self) -> str:
        return str(self.dataset.currentData())

    def _form(self) -> FormState:
        return (self.dataset_name, tuple(e.text() for e in self.option_edits.values()),
                self.seed_edit.text(), self.fraction_edit.text(), self.layers.sizes(),
                self.activation.currentText())

    @property
    def pending(self) -> bool:
        """The form shows another network than the race's (or the race is on a landscape)."""
        return not self.session.is_network or self._form() != self._synced

    def _rebuild_options(self, values: dict[str, Value]) -> None:
        """One editor per option of the picked dataset, showing ``values``."""
        for edit in self.option_edits.values():
            edit.blockSignals(True)  # no focus-out commit from an editor being removed
        for _ in self.option_edits:
            self.data_form.removeRow(0)
        self.option_edits = {}
        for k, h in enumerate(DATASETS[self.dataset_name].options):
            edit = ValueEdit(f"{h.help}: {h.range_text()}; Apply or Enter to use it")
            edit.setText(fmt(values[h.name]))
            edit.textEdited.connect(self._edited)
            self.data_form.insertRow(k, h.name.replace("_", " "), edit)
            self.option_edits[h.name] = edit

    def _options(self, mark: bool) -> dict[str, Value]:
        """The dataset options typed (ValueError naming the first refused, which ``mark``
        marks)."""
        return {h.name: _checked(self.option_edits[h.name], h, mark)
                for h in DATASETS[self.dataset_name].options}

    def _seed(self, mark: bool) -> int:
        text = self.seed_edit.text().strip()
        try:
            return int(text)
        except ValueError:
            reason = f"data seed must be a whole number, got {text!r}"
            if mark:
                self.seed_edit.refuse(reason)
            raise ValueError(reason) from None

    def _dataset_of(self, options: dict[str, Value], seed: int) -> Dataset:
        """The picked dataset with these options (generated once per distinct form)."""
        key = (self.dataset_name, seed, tuple(sorted(options.items())))
        if key != self._data_key or self._data is None:
            self._data = DATASETS[self.dataset_name].make(seed, **options)
            self._data_key = key
        return self._data

    def form_spec(self) -> NetworkSpec:
        """The network the form describes (ValueError saying what is refused)."""
        options, seed = self._options(True), self._seed(True)
        fraction = _checked(self.fraction_edit, TEST_FRACTION, True)
        data = self._dataset_of(options, seed)
        return NetworkSpec(dataset=self.dataset_name, sizes=_sizes(data, self.layers.sizes()),
                           activation=self.activation.currentText(),
                           loss=LOSS_OF_TASK[data.task], options=options,
                           data_seed=seed, test_fraction=float(fraction))

    # ---- user -> session ---------------------------------------------------------------
    def apply(self) -> bool:
        """Train on the form's network: a new race unless it is the race's already. A
        refusal shows its reason and leaves the race as it was."""
        try:
            spec = self.form_spec()
            if not self.session.is_network or spec != self.session.network:
                self.session.set_network(spec)
        except ValueError as err:
            self.error.setText(str(err))
            self.error.show()
            return False
        self.sync()  # the texts as the race states them ("300.0" reads "300")
        return True

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 - Qt API
        """Enter in any editor of the panel applies (editors pass Return on to here)."""
        if event is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.apply()
            return
        super().keyPressEvent(event)

    def _dataset_picked(self) -> None:
        self._rebuild_options(DATASETS[self.dataset_name].defaults)
        self._edited()

    def _edited(self) -> None:
        """A change in the form: the picture, sizes and pending mark follow it."""
        self.error.hide()
        self._show_state()

    def _pick_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Train on samples from a CSV file", "",
                                              "CSV files (*.csv);;All files (*)")
        if path:
            self.load_csv(path)

    def load_csv(self, path: str) -> bool:
        """Train on the samples of the CSV file ``path`` with the form's hidden layers,
        activation, seed and test fraction (inputs, outputs and loss follow the file). A
        bad file shows the line and reason; the race stays as it was."""
        try:
            data = load_csv(Path(path))
            spec = NetworkSpec(sizes=_sizes(data, self.layers.sizes()), csv=path,
                               activation=self.activation.currentText(),
                               loss=LOSS_OF_TASK[data.task], data_seed=self._seed(True),
                               test_fraction=float(_checked(self.fraction_edit,
                                                            TEST_FRACTION, True)))
            self.session.set_network(spec)
        except ValueError as err:  # DatasetError is one
            self.error.setText(str(err))
            self.error.show()
            return False
        return True

    # ---- session -> form ---------------------------------------------------------------
    def sync(self) -> None:
        """Show the race's network (on a landscape race: the default network to start;
        on samples from a file: the file, the generated dataset's fields left as they were)."""
        net = self.session.network if self.session.is_network else NetworkSpec()
        if net.csv is None:
            self.dataset.blockSignals(True)
            self.dataset.setCurrentIndex(self.dataset.findData(net.dataset))
            self.dataset.blockSignals(False)
            if list(self.option_edits) != list(net.options):
                self._rebuild_options(dict(net.options))
            for name, edit in self.option_edits.items():
                edit.show_value(fmt(net.options[name]))
        self.seed_edit.show_value(str(net.data_seed))
        self.fraction_edit.show_value(fmt(net.test_fraction))
        self.layers.set_sizes(net.sizes[1:-1])
        self.activation.blockSignals(True)
        self.activation.setCurrentText(net.activation)
        self.activation.blockSignals(False)
        self._synced = (net.dataset, tuple(fmt(v) for v in net.options.values()),
                        str(net.data_seed), fmt(net.test_fraction), net.sizes[1:-1],
                        net.activation) if net.csv is None else self._form()
        self.error.hide()
        self._show_state()

    def _show_state(self) -> None:
        """Preview, loss, shape and the pending mark for what the form shows now."""
        task = DATASETS[self.dataset_name].task
        loss = LOSS_OF_TASK[task]
        self.loss_label.setText(LOSS_TITLES[loss])
        self.loss_label.setToolTip(LOSSES[loss].formula)
        try:
            data: Dataset | None = self._dataset_of(self._options(False), self._seed(False))
        except ValueError:
            data = None  # a value being typed: keep the last picture
        if data is not None:
            self.preview.setPixmap(preview_pixmap(data, PREVIEW_PX))
            sizes = _sizes(data, self.layers.sizes())
            n = MLP(sizes, self.activation.currentText(), loss).n_params
            self.shape_label.setText(f"{'-'.join(map(str, sizes))} · {n} weights")
        for edit in (*self.option_edits.values(), self.seed_edit, self.fraction_edit):
            edit.refuse(None)  # marks are for Apply's refusals, not for typing
        csv = self.session.network.csv if self.session.is_network else None
        if csv is not None:
            net = self.session.network
            self.preview.setPixmap(preview_pixmap(net.data, PREVIEW_PX))
            self.shape_label.setText(f"{'-'.join(map(str, net.sizes))} · "
                                     f"{net.mlp.n_params} weights")
        if csv is not None and not self.pending:
            text = f"The race trains on {Path(csv).name}; Apply trains on the dataset above."
        elif not self.session.is_network:
            text = "The race is on a landscape: Apply trains this network instead."
        elif self.pending:
            text = "● Not applied yet: Apply (or Enter) restarts the race on it."
        else:
            text = "The race trains this network."
        self.status.setText(text)
        colour = style.THEME.foreground if self.pending else style.THEME.muted
        self.status.setStyleSheet(f"color: {colour};")
        self.apply_button.setEnabled(self.pending)


def _sizes(data: Dataset, hidden: tuple[int, ...]) -> tuple[int, ...]:
    """Input size = the data's features, output size = its classes (1 for a regression)."""
    outputs = data.n_classes if data.task == "classification" else 1
    return (int(data.X.shape[1]), *hidden, outputs)


def _checked(edit: ValueEdit, spec: Hyper, mark: bool) -> Value:
    """The editor's text checked by ``spec``; a refusal is raised (and with ``mark``,
    shown on the editor)."""
    try:
        return spec.check(edit.text().strip())
    except ValueError as err:
        if mark:
            edit.refuse(str(err))
        raise


def _header(text: str) -> QLabel:
    label = QLabel(text)
    label.setFont(style.font(bold=True))
    return label
