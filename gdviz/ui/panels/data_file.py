"""Samples of one's own for a data landscape: a line naming where the race's samples come
from (a CSV file, or generated from the landscape's parameters) and a "Load CSV…" button
that races the current optimizers on a file's samples.

The file is read and checked by core through the Session (``Session.set_data``): the
header picks the landscape, and a bad file shows a message box naming the line while the
race stays as it was.
"""

from __future__ import annotations

import os

from PyQt6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from gdviz.core.landscapes_data import data_headers_text
from gdviz.ui import style
from gdviz.ui.session import Session

FILE_FILTER = "CSV files (*.csv);;All files (*)"


def headers_tip() -> str:
    """Which CSV header races on which landscape, for tooltips."""
    return ("Race the optimizers on samples from a CSV file; its header picks the "
            f"landscape: {data_headers_text()}")


def load_data_csv(parent: QWidget, session: Session, path: str) -> bool:
    """Race the current optimizers on the samples of the CSV file ``path``; a file that
    cannot be raced on shows a message box saying why (and where) and changes nothing."""
    try:
        session.set_data(path)
    except ValueError as err:  # DatasetError is one
        QMessageBox.warning(parent, "Cannot race on this file", str(err))
        return False
    return True


def pick_data_csv(parent: QWidget, session: Session) -> bool:
    """Ask for a CSV file and race on its samples (``load_data_csv``); False if none."""
    path, _ = QFileDialog.getOpenFileName(parent, "Race on samples from a CSV file", "",
                                          FILE_FILTER)
    return bool(path) and load_data_csv(parent, session, path)


def samples_source(session: Session) -> str:
    """Where the race's samples come from: the file's name, or "generated"."""
    path = session.spec.data
    return os.path.basename(path) if path is not None else "generated"


class DataFileBar(QWidget):
    """"Samples: pts.csv (12)" and a "Load CSV…" button, over the data panel."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.label = QLabel()
        self.label.setFont(style.font(style.FONT_PT - 1))
        self.button = QPushButton("Load CSV…")
        self.button.setToolTip(headers_tip())
        self.button.clicked.connect(lambda _c=False: pick_data_csv(self, session))
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        session.sigLandscapeChanged.connect(self.sync)
        self.sync()

    def load_csv(self, path: str) -> bool:
        """Race on the samples of ``path`` (see ``load_data_csv``)."""
        return load_data_csv(self, self.session, path)

    def sync(self) -> None:
        s = self.session
        if not s.is_data:
            return
        source = samples_source(s)
        self.label.setText(f"Samples: {source} ({s.samples.n_samples})")
        self.label.setToolTip(s.spec.data or "Generated from the landscape's parameters")
