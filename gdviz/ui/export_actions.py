"""The window's export actions: File ▸ Export…, Save this frame as PNG…, Copy this frame."""

from __future__ import annotations

import os
from collections.abc import Callable

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction, QGuiApplication, QKeySequence
from PyQt6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from gdviz.scenario import Scenario
from gdviz.ui.export_dialog import ExportDialog, frame_image, run_export
from gdviz.ui.session import Session

FRAME_SIZE = (1280, 720)  # a saved or copied frame: the size of an HD export


class ExportActions(QObject):
    def __init__(self, window: QMainWindow, session: Session,
                 current: Callable[[], Scenario]) -> None:
        super().__init__(window)
        self.window, self.session, self.current = window, session, current
        self.export_action = self._action("&Export animation…", "Ctrl+E", self.export)
        self.save_frame_action = self._action("Save this &frame as PNG…", "Ctrl+Shift+E",
                                              self.save_frame)
        self.copy_frame_action = self._action("&Copy this frame", "Ctrl+Shift+C",
                                              self.copy_frame)

    def _action(self, text: str, key: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _c=False: slot())
        return action

    def actions(self) -> list[QAction]:
        return [self.export_action, self.save_frame_action, self.copy_frame_action]

    def _folder(self) -> str:
        source = self.session.source
        return os.path.dirname(os.path.abspath(source)) if source and os.path.isfile(
            source) else os.getcwd()

    def export(self) -> None:
        self.session.pause()
        dialog = ExportDialog(self.current(), self.session.head_step, self._folder(),
                              self.window)
        while dialog.exec():
            try:
                plan = dialog.plan()
            except ValueError as err:  # a bad choice: say why, keep the dialog's values
                QMessageBox.warning(self.window, "Cannot export", str(err))
                continue
            run_export(self.window, self.current(), plan)
            return

    def _image(self) -> object:
        image = frame_image(self.current(), self.session.step, FRAME_SIZE)
        if image is None:
            QMessageBox.warning(self.window, "No frame",
                                "The 3-D view needs OpenGL, which this display lacks.")
        return image

    def save_frame(self) -> None:
        name = os.path.join(self._folder(), f"{self.session.problem_name}-step"
                                            f"{self.session.step}.png")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save this frame", name,
                                              "PNG (*.png)")
        if not path:
            return
        image = self._image()
        if image is not None and not image.save(path, "PNG"):  # type: ignore[attr-defined]
            QMessageBox.warning(self.window, "Cannot save", f"could not write {path}")

    def copy_frame(self) -> None:
        image = self._image()
        clipboard = QGuiApplication.clipboard()
        if image is not None and clipboard is not None:
            clipboard.setImage(image)  # type: ignore[arg-type]
            self.session.sigMessage.emit("the frame is on the clipboard")
