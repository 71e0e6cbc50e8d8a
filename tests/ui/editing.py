"""Typing into gdviz's value editors as a user does, and reading whether they refused."""

from PyQt6.QtCore import Qt


def type_into(qtbot, edit, text: str) -> None:
    """Replace the editor's text by typing, then press Enter."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def is_refused(edit) -> bool:
    """The editor shows a refusal: a reason in its tooltip and the red border."""
    return edit.reason is not None and "#d62728" in edit.styleSheet()
