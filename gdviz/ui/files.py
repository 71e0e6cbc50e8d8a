"""Scenario files in the window: File ▸ Open, Save, Save As, Open Recent and Presets.

A scenario that cannot be read is reported in a dialog and the current race stays as
it was; unsaved changes are never dropped without asking. The window's title shows the
file (or preset) and a modified mark.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QObject, QSettings
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from gdviz.scenario import Scenario, ScenarioError, list_presets, load_scenario, save_scenario
from gdviz.ui.session import Session

RECENT_KEY = "files/recent"
RECENT_MAX = 8
FILTER = "gdviz scenarios (*.toml);;All files (*)"


class ScenarioFiles(QObject):
    """The File menu's scenario actions for ``window``; ``current()`` gives the scenario
    to save (the session's race plus what the window shows)."""

    def __init__(self, window: QMainWindow, session: Session,
                 current: Callable[[], Scenario]) -> None:
        super().__init__(window)
        self.window, self.session, self.current = window, session, current
        self.open_action = self._action("&Open…", QKeySequence.StandardKey.Open, self.open)
        self.save_action = self._action("&Save", QKeySequence.StandardKey.Save, self.save)
        self.save_as_action = self._action("Save &As…", QKeySequence.StandardKey.SaveAs,
                                           self.save_as)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.presets_menu = QMenu("&Presets", window)
        self.presets_menu.setToolTipsVisible(True)
        # filled when first opened: reading every preset's title is not start-up's work
        self.presets_menu.aboutToShow.connect(self.fill_presets)
        session.sigScenarioChanged.connect(self._sync_title)
        self._sync_title()

    def fill_presets(self) -> None:
        """One action per preset, titled; done once."""
        if self.presets_menu.actions():
            return
        for name, title in list_presets():
            action = self.presets_menu.addAction(title)
            assert action is not None
            action.setToolTip(f"preset {name!r}")
            action.triggered.connect(lambda _c=False, n=name: self.open_path(n))

    def _action(self, text: str, key: QKeySequence.StandardKey,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _c=False: slot())
        return action

    # ---- opening -------------------------------------------------------------------------
    def confirm_discard(self) -> bool:
        """True when there is nothing unsaved, or the user agrees to drop it."""
        if not self.session.modified:
            return True
        answer = QMessageBox.question(
            self.window, "Unsaved changes",
            "The current race has changes that are not saved. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a scenario",
                                              self._folder(), FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path_or_preset: str) -> bool:
        """Open a scenario file or preset; a bad one is reported and nothing changes."""
        if not self.confirm_discard():
            return False
        try:
            scenario = load_scenario(path_or_preset)
        except ScenarioError as err:
            self.report("Cannot open the scenario", str(err))
            return False
        self.session.load(scenario, source=path_or_preset)
        if os.path.isfile(path_or_preset):
            self._remember(path_or_preset)
        return True

    def report(self, title: str, text: str) -> None:
        """Show a problem to the user (a dialog; the status bar keeps it too)."""
        self.session.sigMessage.emit(text)
        QMessageBox.warning(self.window, title, text)

    # ---- saving --------------------------------------------------------------------------
    def save(self) -> bool:
        source = self.session.source
        if source is None or not source.lower().endswith(".toml"):
            return self.save_as()  # a preset or a new race: ask where
        return self.save_to(source)

    def save_as(self) -> bool:
        suggestion = os.path.join(self._folder(), _file_name(self.session))
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the scenario", suggestion,
                                              FILTER)
        if not path:
            return False
        if not path.lower().endswith(".toml"):
            path += ".toml"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        try:
            save_scenario(self.current(), path)
        except (ScenarioError, OSError) as err:
            self.report("Cannot save the scenario", str(err))
            return False
        self.session.mark_saved(path)
        self._remember(path)
        self.session.sigMessage.emit(f"saved {path}")
        return True

    # ---- recent files and the title ------------------------------------------------------
    def recent(self) -> list[str]:
        value = QSettings().value(RECENT_KEY, [])
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember(self, path: str) -> None:
        full = os.path.abspath(path)
        paths = [full] + [p for p in self.recent() if p != full]
        QSettings().setValue(RECENT_KEY, paths[:RECENT_MAX])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = [p for p in self.recent() if os.path.isfile(p)]
        for path in paths:
            action = self.recent_menu.addAction(Path(path).name)
            assert action is not None
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not paths:
            empty = self.recent_menu.addAction("(no recent scenarios)")
            assert empty is not None
            empty.setEnabled(False)

    def _folder(self) -> str:
        recent = self.recent()
        return os.path.dirname(recent[0]) if recent else os.getcwd()

    def _sync_title(self) -> None:
        s = self.session
        name = Path(s.source).name if s.source else "untitled"
        what = f"{s.title} ({name})" if s.title else name
        self.window.setWindowTitle(f"{what}[*] — gdviz")
        self.window.setWindowModified(s.modified)


def _file_name(session: Session) -> str:
    """A file name suggested for saving: the source's, else one made of the landscape."""
    if session.source:
        return Path(session.source).stem + ".toml"
    return f"{session.problem_name}-race.toml"
