"""The transport bar: play/pause, single steps, the timeline scrubber and run settings.

The buttons use QActions carrying the keyboard shortcuts (Space, →, ←, Home, R); the
main window adds ``bar.actions()`` to itself so the keys work anywhere in the window.
Wide, the bar is one row; less wide, two (the timeline over the settings); narrower, the
parts of a row that does not fit stack (e.g. docked at a side).
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QIcon, QKeySequence, QResizeEvent
from PyQt6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSpinBox,
    QStyle,
    QToolButton,
    QWidget,
)

from gdviz.core.race import MAX_STEPS
from gdviz.ui import style
from gdviz.ui.panels.timeline_slider import TimelineSlider
from gdviz.ui.session import Session

WIDE = 900  # px: from this width on the bar is a single row
Pixmap = QStyle.StandardPixmap


class TransportBar(QWidget):
    """Drive the session's timeline: the buttons, the scrubber and the step label."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.play_action = self._action("Play", "Space", Pixmap.SP_MediaPlay,
                                        "Play / pause", session.toggle_play)
        self.back_action = self._action("Step back", "Left", Pixmap.SP_MediaSeekBackward,
                                        "One step back", session.step_back)
        self.forward_action = self._action("Step forward", "Right", Pixmap.SP_MediaSeekForward,
                                           "One step forward", session.step_forward)
        self.epoch_action = self._action("One epoch forward", "Shift+Right",
                                         Pixmap.SP_MediaSkipForward,
                                         "Network races: forward by one pass over the "
                                         "training set (of the run with the smallest "
                                         "minibatch)", session.step_epoch)
        self.home_action = self._action("Go to step 0", "Home", Pixmap.SP_MediaSkipBackward,
                                        "Show step 0 (the recorded steps are kept)",
                                        lambda: session.seek(0))
        self.restart_action = self._action("Restart", "R", Pixmap.SP_BrowserReload,
                                           "Restart the race from step 0", session.reset)
        self.scrubber = TimelineSlider()
        self.scrubber.setMinimumWidth(160)
        self.scrubber.setToolTip("The recorded timeline: drag to show any earlier step; "
                                 "the triangles mark hyperparameter edits")
        self.scrubber.sliderPressed.connect(session.pause)
        self.scrubber.valueChanged.connect(session.seek)
        self.step_label = QLabel()
        self.step_label.setFont(style.font())
        self.step_label.setMinimumWidth(
            self.step_label.fontMetrics().horizontalAdvance("step 0000 / 0000"))
        self.speed = _spin_box(1, 1000, suffix=" steps/s")
        self.speed.setToolTip("Playback speed")
        self.speed.valueChanged.connect(session.set_speed)
        self.steps = _spin_box(1, MAX_STEPS, prefix="race ", suffix=" steps")
        self.steps.setToolTip("The race's length: computing stops at this step")
        self.steps.valueChanged.connect(session.set_steps)
        self.seed = _spin_box(0, 2**31 - 1, prefix="seed ")
        self.seed.setToolTip("Seed of sgd's gradient noise or minibatch order and of a "
                             "network's initial weights, shared by every run (a fair "
                             "comparison); changing it recomputes the race")
        self.seed.valueChanged.connect(session.set_seed)
        self.stop_on_convergence = QCheckBox()
        self.stop_on_convergence.setToolTip(
            "A run stops (✓) once its gradient norm is at most this tolerance; off, runs "
            "stop only when they diverge or the race ends")
        self.stop_on_convergence.toggled.connect(session.set_stop_on_convergence)
        # QWidget.actions() returns these, for the window: addActions(bar.actions())
        self.addActions([self.play_action, self.forward_action, self.epoch_action,
                         self.back_action, self.home_action, self.restart_action])
        self._layout()
        session.sigStepChanged.connect(self._sync_step)
        session.sigPlayingChanged.connect(self._sync_playing)
        session.sigRunsChanged.connect(self._sync_marks)
        session.sigTimelineReset.connect(self._sync_marks)
        session.sigSettingsChanged.connect(self._sync_settings)
        session.sigLandscapeChanged.connect(self._sync_settings)  # the epoch button
        self._sync_settings()
        self._sync_marks()
        self._sync_step(session.step)
        self._sync_playing(session.playing)

    def _action(self, text: str, key: str, icon: Pixmap, tip: str,
                slot: Callable[[], object]) -> QAction:
        action = QAction(self._icon(icon), text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip} ({QKeySequence(key).toString()})")
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _icon(self, pixmap: Pixmap) -> QIcon:
        style_ = self.style()
        return style_.standardIcon(pixmap) if style_ is not None else QIcon()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        self.epoch_button = QToolButton()
        for action in (self.home_action, self.back_action, self.play_action,
                       self.forward_action, self.epoch_action, self.restart_action):
            button = self.epoch_button if action is self.epoch_action else QToolButton()
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            buttons.addWidget(button)
        buttons.addWidget(self.step_label)
        settings = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        settings.addWidget(self.speed)
        settings.addWidget(self.steps)
        settings.addWidget(self.seed)
        # two halves side by side (wide), one over the other (less wide), and within a
        # half that does not fit in a row its parts stacked (narrow, e.g. docked at a side)
        self._top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._top.addLayout(buttons)
        self._top.addWidget(self.scrubber, 1)
        self._bottom = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._bottom.addLayout(settings)
        self._bottom.addWidget(self.stop_on_convergence)
        # a row to begin with, as in a window of the default width: the first resize then
        # changes nothing (a bar changing height lays the whole window out again)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(6, 6, 6, 6)
        self._box.addLayout(self._top)
        self._box.addLayout(self._bottom)
        self._rows = (self._box, self._top, self._bottom, settings)  # each a row or stacked
        # the bar asks only for its narrowest width: a row that does not fit (large fonts
        # on a small screen) stacks instead of widening the window past the screen
        self.setMinimumWidth(_stacked_width(self._box) + 12)

    def row_width(self) -> int:
        """The least width the bar needs as one row: its parts side by side."""
        return _row_width(self._box) + 12

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 - Qt API
        # one row when it fits (large fonts need more room), else a row per part that fits
        for box in self._rows:
            fits = self.width() >= max(WIDE if box is self._box else 0, _row_width(box) + 12)
            direction = (QBoxLayout.Direction.LeftToRight if fits
                         else QBoxLayout.Direction.TopToBottom)
            if box.direction() != direction:
                box.setDirection(direction)
        super().resizeEvent(event)

    # ---- session -> widgets ------------------------------------------------------------
    def _sync_step(self, step: int) -> None:
        head = self.session.head_step
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, head)
        self.scrubber.setValue(step)
        self.scrubber.blockSignals(False)
        self.step_label.setText(f"step {step} / {head}")

    def _sync_marks(self) -> None:
        self.scrubber.set_marks([(e.step, r.color) for r in self.session.runs for e in r.edits])

    def _sync_settings(self) -> None:
        s = self.session
        self.epoch_action.setEnabled(s.is_network)
        self.epoch_button.setVisible(s.is_network)
        for box, value in ((self.speed, round(s.speed)), (self.steps, s.steps),
                           (self.seed, s.seed)):
            box.blockSignals(True)
            box.setValue(min(value, box.maximum()))
            box.blockSignals(False)
        check = self.stop_on_convergence
        check.blockSignals(True)
        check.setChecked(s.tol > 0)
        check.setText(f"stop at ‖∇f‖ ≤ {s.tol_when_on:g}")
        check.blockSignals(False)

    def _sync_playing(self, playing: bool) -> None:
        icon = Pixmap.SP_MediaPause if playing else Pixmap.SP_MediaPlay
        self.play_action.setIcon(self._icon(icon))
        self.play_action.setText("Pause" if playing else "Play")


def _spin_box(lo: int, hi: int, prefix: str = "", suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setPrefix(prefix)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)  # typing "5000" must not apply 5, 50 and 500 first
    return box


def _items(box: QLayout) -> list[QLayoutItem]:
    return [item for k in range(box.count()) if (item := box.itemAt(k)) is not None]


def _row_width(box: QLayout) -> int:
    """The least width of ``box`` with it and every layout in it as a row."""
    widths = [_row_width(sub) if (sub := item.layout()) is not None
              else item.minimumSize().width() for item in _items(box)]
    return sum(widths) + box.spacing() * (len(widths) - 1)


def _stacked_width(box: QLayout) -> int:
    """The least width of ``box`` with every layout in it stacked: its widest part."""
    return max(_stacked_width(sub) if (sub := item.layout()) is not None
               else item.minimumSize().width() for item in _items(box))
