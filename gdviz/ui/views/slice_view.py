"""The network's own loss landscape: the training loss on a plane through weight space
(``Session.loss_slice``), drawn as a map with every run's projected trajectory
(``SliceMap``) and, where OpenGL is available, as a surface (``SliceSurface``).

What is shown is always one slice computed for a stated (step, directions, centre run),
and its label says which. A slice costs a few tenths of a second, so it is computed off
the GUI thread (``LatestJob``) from inputs taken when it was asked for; a result is shown
only if no newer slice was asked for meanwhile. With "auto" on the slice follows the
cursor, at most once every ``AUTO_MS``. ``compute_now`` computes and shows it
synchronously (tests, exports).

On a landscape race the view is empty and returns at once from every signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QIcon, QPixmap, QResizeEvent, QShowEvent
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gdviz.core.slices import Slice
from gdviz.ui.latest_job import LatestJob
from gdviz.ui.render import has_gl
from gdviz.ui.session import Session
from gdviz.ui.style import font
from gdviz.ui.views.slice_map import SliceMap
from gdviz.ui.views.slice_surface import SliceSurface

RES = 41  # grid points per side (odd: the centre is a grid node)
AUTO_MS = 500  # with "auto", at most one new slice per this many milliseconds
SPAN_RANGE = (0.25, 5.0)
DIRECTIONS = (  # (kind, combo text, tooltip)
    ("pca", "PCA of all trajectories",
     "The two directions along which all optimizers' trajectories spread most: one plane "
     "for every optimizer, so their paths can be compared on it"),
    ("random", "random (filter-normalized)",
     "Two random directions, each neuron's part scaled to the size of that neuron's "
     "weights (Li et al. 2018, \"Visualizing the Loss Landscape of Neural Nets\"); the "
     "paths mostly leave such a plane, so they look short"),
)


@dataclass(frozen=True)
class SliceAsk:
    """What a slice is computed for: the cursor's step on one recording (``revision``),
    the directions, the run at the centre, the span, the random seed and the run count."""

    step: int
    revision: int
    kind: str
    centre: int
    span: float
    seed: int
    runs: int


def _single_shot(parent: QWidget, ms: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer


class SliceView(QWidget):
    """The slice's controls, its label (``info``), ``map`` and, with OpenGL, ``surface``
    (else None). ``slice`` and ``shown`` are the slice drawn and what it was computed for
    (None when nothing is drawn); ``sigShown(step)`` follows every drawing."""

    sigShown = pyqtSignal(int)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.slice: Slice | None = None
        self.shown: SliceAsk | None = None
        self.error = ""
        self._asked_for: SliceAsk | None = None  # the last slice asked for
        self.jobs = LatestJob(self)
        self.jobs.sigDone.connect(self._show)
        self.jobs.sigFailed.connect(self._failed)
        self._due = False  # the cursor moved while "auto" was holding back
        self._aim = True  # the next slice drawn gets a fresh 3-D camera
        self._halved = False  # the splitter was given its first sizes

        self.kind = QComboBox()
        for i, (kind, text, tip) in enumerate(DIRECTIONS):
            self.kind.addItem(text, kind)
            self.kind.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.kind.setToolTip("Which plane through weight space: " + "; ".join(
            f"{text}: {tip}" for _, text, tip in DIRECTIONS))
        self.centre = QComboBox()
        self.centre.setToolTip("The plane passes through this run's weights at the cursor "
                               "(α = β = 0, marked +)")
        self.span = QDoubleSpinBox()
        self.span.setRange(*SPAN_RANGE)
        self.span.setSingleStep(0.25)
        self.span.setValue(1.0)
        self.span.setPrefix("span ±")
        self.span.setToolTip("α and β run from −span to +span; with PCA directions 1 "
                             "reaches just past the farthest point of any trajectory")
        self.recompute = QPushButton("Recompute")
        self.recompute.setToolTip("Compute the slice for the cursor's step now")
        self.auto = QCheckBox("auto")
        self.auto.setChecked(True)
        self.auto.setToolTip(f"Follow the cursor: a new slice whenever the step changed, "
                             f"at most every {AUTO_MS} ms (off: the slice stays at its step)")
        self.log = QCheckBox("log")
        self.log.setChecked(True)
        self.log.setToolTip("Colours and heights on a log scale of the loss: the valley "
                            "floor stays readable next to the high walls")
        self.info = QLabel()
        self.info.setFont(font(10))
        self.info.setWordWrap(True)
        self.map = SliceMap()
        self.surface = SliceSurface(session) if has_gl() else None

        for combo in (self.kind, self.centre):  # narrow when the window is
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        bar = QVBoxLayout()  # two rows: the plane, then how it is computed and drawn
        bar.setSpacing(2)
        for row in ((self.kind, self.centre), (self.span, self.recompute, self.auto, self.log)):
            line = QHBoxLayout()
            line.setSpacing(6)
            for w in row:
                line.addWidget(w)
            line.addStretch(1)
            bar.addLayout(line)
        self.body = QSplitter(Qt.Orientation.Horizontal)
        for i, pane in enumerate(p for p in (self.map, self.surface) if p is not None):
            self.body.addWidget(pane)
            self.body.setStretchFactor(i, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.info)
        layout.addWidget(self.body, stretch=1)

        self._soon = _single_shot(self, 0, self._ask)  # one change's signals, one ask
        self._throttle = _single_shot(self, AUTO_MS, self._on_throttle)

        self.kind.currentIndexChanged.connect(self._ask_soon)
        self.centre.currentIndexChanged.connect(self._ask_soon)
        self.span.valueChanged.connect(self._ask_soon)
        self.recompute.clicked.connect(lambda _c=False: self._ask(force=True))
        self.auto.toggled.connect(lambda on: self._ask_soon() if on else None)
        self.log.toggled.connect(lambda _on: self._redraw())
        session.sigLandscapeChanged.connect(self._on_problem)
        session.sigRunsChanged.connect(self._on_runs)
        session.sigTimelineReset.connect(self._ask_soon)
        session.sigSettingsChanged.connect(self._ask_soon)  # the seed may have changed
        session.sigStepChanged.connect(self._on_step)
        session.sigSelectionChanged.connect(self._on_selection)
        self._on_runs()

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 - Qt's name
        """Map and surface side by side in a wide view, one above the other in a tall one."""
        tall = self.height() > 0.9 * self.width()
        orientation = Qt.Orientation.Vertical if tall else Qt.Orientation.Horizontal
        if self.body.orientation() != orientation:
            self.body.setOrientation(orientation)
            self._halved = False
            if self.isVisible():
                self._halve()
        super().resizeEvent(event)

    def _halve(self) -> None:
        if not self._halved and self.surface is not None:
            self._halved = True
            along = self.body.orientation() == Qt.Orientation.Vertical
            half = max((self.body.height() if along else self.body.width()) // 2, 1)
            self.body.setSizes([half, half])

    def showEvent(self, event: QShowEvent | None) -> None:  # noqa: N802 - Qt's name
        """The first time shown: the map and the surface get half the width each (the
        splitter would go by their size hints, the map's far larger)."""
        self._halve()
        super().showEvent(event)

    # ---- what to compute -----------------------------------------------------------------
    @property
    def computing(self) -> bool:
        """True while the last slice asked for is still being computed."""
        return self.jobs.busy

    def current(self) -> SliceAsk:
        """The slice the controls and the cursor ask for now."""
        s = self.session
        return SliceAsk(s.step, s.revision, self.kind.currentData(),
                        max(self.centre.currentIndex(), 0), self.span.value(), s.seed,
                        len(s.runs))

    def compute_now(self) -> Slice | None:
        """Compute the slice for the cursor here and now and draw it (tests, exports); a
        slice still being computed in the background is then dropped. None on a
        landscape race or without runs."""
        if not self._network() or not self.session.runs:
            return None
        ask = self._asked_for = self.current()
        self.jobs.drop()
        sl = self.session.loss_slice(ask.kind, ask.centre, RES, ask.span, ask.seed)
        self._show(ask, sl)
        return sl

    def stop(self) -> None:
        """The window closes: no more slices, and the one being computed is waited for."""
        self._soon.stop()
        self._throttle.stop()
        self.jobs.stop()

    def wait(self, ms: int = 10_000) -> bool:
        """Block until the background computation (if any) ends; its result is drawn
        once the event loop runs again (tests, closing the window)."""
        return self.jobs.wait(ms)

    def _ask_soon(self, *_changed: object) -> None:
        """Ask once the event loop runs again: one change's several signals, one ask."""
        self._soon.start()

    def _ask(self, force: bool = False) -> None:
        """Ask for the slice at the cursor, unless it is the last one asked for."""
        if not self._network() or not self.session.runs:
            return
        ask = self.current()
        if ask == self._asked_for and not force:
            return
        self._asked_for = ask
        self.jobs.ask(ask, self.session.loss_slice_job(ask.kind, ask.centre, RES, ask.span,
                                                       ask.seed))
        self._label()

    def _failed(self, message: str) -> None:
        self.error = message
        self._label()

    # ---- following the session -----------------------------------------------------------
    def _network(self) -> bool:
        """True on a network race; on a landscape race the view is emptied (once) and
        any slice being computed is dropped."""
        if self.session.is_network:
            return True
        if self._asked_for is not None or self.slice is not None:
            self.jobs.drop()
            self._asked_for = None
            self.slice = self.shown = None
            self.map.clear()
            if self.surface is not None:
                self.surface.show_slice(None, self.log.isChecked())
            self.error = ""
            self.info.setText("")
        return False

    def _on_problem(self) -> None:
        if self._network():
            self._aim = True
            self._ask_soon()

    def _on_runs(self) -> None:
        if not self._network():
            return
        s = self.session
        self.centre.blockSignals(True)
        keep = self.centre.currentIndex()
        self.centre.clear()
        for run in s.runs:
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(run.color))
            self.centre.addItem(QIcon(swatch), f"centre: {run.label} at the cursor")
        chosen = s.selected if s.selected is not None else keep
        self.centre.setCurrentIndex(chosen if 0 <= chosen < len(s.runs) else 0)
        self.centre.blockSignals(False)
        self.map.set_runs([run.color for run in s.runs])
        self._redraw()
        self._ask_soon()

    def _on_selection(self, i: int) -> None:
        if self._network() and 0 <= i < self.centre.count():
            self.centre.setCurrentIndex(i)

    def _on_step(self, _step: int) -> None:
        if not self._network():
            return
        self._label()
        if not self.auto.isChecked():
            return
        if self._throttle.isActive():
            self._due = True
            return
        self._ask()
        self._throttle.start()

    def _on_throttle(self) -> None:
        if self._due and self.auto.isChecked():
            self._due = False
            self._ask()
            self._throttle.start()

    # ---- drawing -------------------------------------------------------------------------
    def _show(self, ask: SliceAsk, sl: Slice) -> None:
        self.error = ""
        old = self.shown
        if old is None or (old.kind, old.centre, old.span) != (ask.kind, ask.centre, ask.span):
            self._aim = True
        self.slice, self.shown = sl, ask
        self._redraw()
        self.sigShown.emit(ask.step)

    def _redraw(self) -> None:
        """The slice drawn again (colours, log scale); none while it belongs to other runs."""
        sl, log = self.slice, self.log.isChecked()
        if sl is None or len(sl.paths) != len(self.session.runs):
            self.map.clear()
            if self.surface is not None:
                self.surface.show_slice(None, log)
        else:
            self.map.draw(sl, log)
            if self.surface is not None:
                self.surface.show_slice(sl, log, aim=self._aim)
                self._aim = False
        self._label()

    def _label(self) -> None:
        parts = []
        sl, ask, s = self.slice, self.shown, self.session
        if sl is not None and ask is not None and ask.centre < len(s.runs):
            if sl.explained is None:
                parts.append(f"random directions (seed {ask.seed})")
            elif sum(sl.explained) > 0:
                a, b = (100 * e for e in sl.explained)
                parts.append(f"PCA of all trajectories: the plane holds {a:.0f} % + "
                             f"{b:.0f} % of the trajectories' spread")
            else:
                parts.append("PCA of all trajectories: no run has moved yet, so the "
                             "directions mean nothing")
            at = f"slice at step {ask.step} through {s.runs[ask.centre].label}"
            parts.append(at if ask.step == s.step else f"{at} (cursor at step {s.step})")
        if self.computing:
            parts.append("computing…")
        if self.error:
            parts.append(self.error)
        self.info.setText(" · ".join(parts))
