"""The scenario's title and explanation: what a preset shows and what to watch for."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gdviz.ui import style
from gdviz.ui.session import Session


class AboutPanel(QWidget):
    """Title (bold) and description of the session's scenario; the main window hides
    its dock while both are empty."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.title = QLabel()
        self.title.setFont(style.font(style.FONT_PT + 1, bold=True))
        self.title.setWordWrap(True)
        self.description = QLabel()
        self.description.setFont(style.font(style.FONT_PT))
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setStyleSheet(f"color: {style.THEME.muted};")
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.setContentsMargins(8, 6, 8, 6)
        box.addWidget(self.title)
        box.addWidget(self.description)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        session.sigScenarioChanged.connect(self.sync)
        self.sync()

    @property
    def empty(self) -> bool:
        return not (self.session.title or self.session.description)

    def sync(self) -> None:
        self.title.setText(self.session.title)
        self.title.setVisible(bool(self.session.title))
        self.description.setText(self.session.description)
        self.description.setVisible(bool(self.session.description))
