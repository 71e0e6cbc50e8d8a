"""The main window: controls on the left, the landscape in the centre, loss plots below.

Panels are dock widgets (hide, move, float them); their layout is remembered between
launches. The window wires views and panels to one Session and adds the menus, the
keyboard shortcuts and the status bar; it draws nothing itself.
"""

from __future__ import annotations

import html

from PyQt6.QtCore import QByteArray, QMimeData, QSettings, Qt
from PyQt6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PyQt6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from gdviz.scenario import Scenario
from gdviz.ui.data_mode import DataMode
from gdviz.ui.export_actions import ExportActions
from gdviz.ui.fair_lr import FairComparison
from gdviz.ui.files import ScenarioFiles
from gdviz.ui.lecture_keys import LectureKeys
from gdviz.ui.map_job import BasinMaps
from gdviz.ui.network_mode import NetworkMode
from gdviz.ui.panels.about import AboutPanel
from gdviz.ui.panels.equation import EquationPanel
from gdviz.ui.panels.landscape import LandscapePanel
from gdviz.ui.panels.optimizers import OptimizerPanel
from gdviz.ui.panels.transport import TransportBar
from gdviz.ui.render import gl_placeholder, has_gl
from gdviz.ui.session import Session
from gdviz.ui.space_mode import SpaceMode
from gdviz.ui.stability_job import StabilityMaps
from gdviz.ui.theme_menu import ThemeMenu
from gdviz.ui.views.contour import ContourView
from gdviz.ui.views.curve1d import CurveView
from gdviz.ui.views.loss import LossView
from gdviz.ui.views.plotview import view_box

OVERLAYS = (
    ("trails", "Trajectory trails", "T"),
    ("gradient", "Negative-gradient arrows", "G"),
    ("velocity", "Momentum arrows", "V"),
    ("quiver", "Gradient field", "F"),
    ("markers", "Converged / diverged markers", "M"),
    ("log_loss", "Logarithmic loss axis", "L"),
)
SETTINGS_KEY = "main_window"
HINT = "Space: start the race · click the map: move the start · F1: all shortcuts"
NETWORK_HINT = ("Space: start training · Shift+→: one epoch · 1-9: focus an optimizer · "
                "F1: all shortcuts")


class MainWindow(QMainWindow):
    def __init__(self, session: Session, remember_layout: bool = True) -> None:
        super().__init__()
        self.session = session
        self.remember_layout = remember_layout
        self.resize(1600, 1000)

        self.contour = ContourView(session)
        self._curve: CurveView | None = None  # built when a 1-D race is first shown
        self.surface: QWidget
        if has_gl():
            from gdviz.ui.views.surface import SurfaceView

            self.surface = SurfaceView(session)
        else:
            self.surface = gl_placeholder("The 3-D surface")
        self.pair = QSplitter(Qt.Orientation.Horizontal)
        self.pair.addWidget(self.contour)
        self.pair.addWidget(self.surface)
        self.pair.setSizes([5000, 4000])  # scaled to the space: contour a little wider
        self.centre = QStackedWidget()
        self.centre.addWidget(self.pair)
        self.setCentralWidget(self.centre)

        self.about = AboutPanel(session)
        self.landscape_panel = LandscapePanel(session)
        self.optimizer_panel = OptimizerPanel(session)
        self.equation = EquationPanel(session)
        self.loss = LossView(session)
        self.transport = TransportBar(session)
        left, bottom = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
        self.docks = {
            "about": self.add_dock("about", "About this race", self.about, left),
            "landscape": self.add_dock("landscape", "Landscape", self.landscape_panel, left),
            "optimizers": self.add_dock("optimizers", "Optimizers", self.optimizer_panel, left),
            "equation": self.add_dock("update", "Update rule, this step", self.equation, left),
            "loss": self.add_dock("loss", "Loss and gradient norm", self.loss, bottom),
        }
        self.network_mode = NetworkMode(self, session)
        self.docks.update(self.network_mode.docks)
        self.data_mode = DataMode(self, session)
        self.docks["data"] = self.data_mode.dock
        self.space_mode = SpaceMode(self, session)
        # the explanation shares the landscape's place: a tab raised when a scenario opens
        self.tabifyDockWidget(self.docks["landscape"], self.docks["about"])
        self.docks["landscape"].raise_()
        self.tabifyDockWidget(self.docks["optimizers"], self.docks["equation"])
        self.docks["optimizers"].raise_()
        self.resizeDocks([self.docks["landscape"]], [340], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["loss"]], [280], Qt.Orientation.Vertical)
        self.network_mode.arrange()
        bar = QToolBar("Transport")
        bar.setObjectName("transport")
        bar.addWidget(self.transport)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
        self.addActions(self.transport.actions())

        self.cursor_label = QLabel()
        self.runs_label = QLabel()
        self.runs_label.setTextFormat(Qt.TextFormat.RichText)
        # many runs make a long line: it is cut at the window's edge (the whole of it in
        # the tooltip) instead of widening the window past the screen
        self.runs_label.setMinimumWidth(1)
        self.statusBar().addWidget(self.cursor_label)
        self.statusBar().addPermanentWidget(self.runs_label)

        self.files = ScenarioFiles(self, session, self.current_scenario)
        self.exports = ExportActions(self, session, self.current_scenario)
        self.setAcceptDrops(True)
        self.lecture = LectureKeys(self, session, self.files, self.docks["equation"])
        self.maps = BasinMaps(self, session, self.contour)
        self.fair = FairComparison(self, session)
        self.stability = StabilityMaps(self, session)
        self.theme_menu = ThemeMenu(self)
        self._build_menus()
        self._connect()
        self._landscape_changed()
        self._default_state = self.saveState()
        self.statusBar().showMessage(NETWORK_HINT if session.is_network else HINT)
        if remember_layout:
            self._restore_layout()
        self.network_mode.apply(force=True)
        self.data_mode.apply(force=True)
        self._scenario_loaded()

    # ---- building ----------------------------------------------------------------------
    @property
    def curve(self) -> CurveView:
        """The view of a 1-D race's curve, built when first asked for."""
        if self._curve is None:
            self._curve = CurveView(self.session)
            self.centre.addWidget(self._curve)
            self.landscape_panel.sigResetView.connect(self._curve.reset_view)
        return self._curve

    def map_views(self) -> tuple[ContourView] | tuple[ContourView, CurveView]:
        """The views built so far that sample the landscape over their box: the contour
        map, then the 1-D curve once it exists."""
        return (self.contour,) if self._curve is None else (self.contour, self._curve)

    def add_dock(self, name: str, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea) -> QDockWidget:
        """A dock holding ``widget``; ``name`` is its key in the saved layout."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        files = self.files
        for item in (*self.network_mode.actions(), None, files.open_action, files.recent_menu,
                     files.presets_menu, None,
                     files.save_action, files.save_as_action, None,
                     *self.exports.actions(), None):
            if item is None:
                file_menu.addSeparator()
            elif isinstance(item, QMenu):
                file_menu.addMenu(item)
            else:
                file_menu.addAction(item)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        run_menu = bar.addMenu("&Run")
        for action in self.transport.actions():
            run_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        self.overlay_actions: dict[str, QAction] = {}
        for key, text, shortcut in OVERLAYS:
            action = QAction(text, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(shortcut))
            action.setChecked(self.session.display[key])
            action.toggled.connect(lambda on, k=key: self.session.set_display(k, on))
            view_menu.addAction(action)
            self.addAction(action)
            self.overlay_actions[key] = action
        view_menu.addSeparator()
        for action in self.lecture.actions():
            view_menu.addAction(action)
        view_menu.addMenu(self.theme_menu.menu)
        view_menu.addAction(self.theme_menu.large_fonts)
        reset_layout = QAction("Reset layout", self)
        reset_layout.triggered.connect(self._reset_layout)
        view_menu.addSeparator()
        view_menu.addAction(reset_layout)

        maps_menu = bar.addMenu("&Maps")
        for action in (*self.maps.actions(), self.stability.action, self.fair.action):
            maps_menu.addAction(action)
            self.addAction(action)

        help_menu = bar.addMenu("&Help")
        keys = QAction("Keyboard shortcuts", self)
        keys.setShortcuts([QKeySequence("F1"), QKeySequence("H")])
        keys.triggered.connect(self._show_shortcuts)
        help_menu.addAction(keys)

    def _connect(self) -> None:
        s = self.session
        s.sigLandscapeChanged.connect(self._landscape_changed)
        s.sigScenarioChanged.connect(self._about_changed)
        s.sigLoaded.connect(self._scenario_loaded)
        s.sigStepChanged.connect(self._update_status)
        s.sigRunsChanged.connect(self._update_status)
        s.sigDisplayChanged.connect(self._sync_overlays)
        s.sigMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.contour.sigHover.connect(self._hover)
        self.space_mode.sigHover.connect(self._hover)
        self.landscape_panel.sigResetView.connect(self.contour.reset_view)
        self.landscape_panel.own.sigSaveAs.connect(self.files.save_as)

    # ---- scenarios -------------------------------------------------------------------
    def current_scenario(self) -> Scenario:
        """The session's race and what this window shows, as a scenario to save."""
        if self.session.is_network:
            views = ("network", *(("loss",) if not self.docks["loss"].isHidden() else ()))
            return self.session.scenario(None, views)
        land = self.session.landscape
        if land.dim == 3:  # the box shown is the scenario's own (or the domain)
            loss = ("loss",) if not self.docks["loss"].isHidden() else ()
            return self.session.scenario(None, (*self.space_mode.shown(), *loss))
        view = self.contour if land.dim == 2 else self.curve
        box = view_box(view.plot.vb)
        shown = [name for name, on in (
            ("contour", land.dim == 2 and not self.contour.isHidden()),
            ("surface", land.dim == 2 and not self.surface.isHidden()),
            ("curve", land.dim == 1),
            ("loss", not self.docks["loss"].isHidden())) if on]
        return self.session.scenario(box if land.dim == 2 else box[:1], tuple(shown))

    def _scenario_loaded(self) -> None:
        """Show the views the scenario asks for (all of them when it names none)."""
        show = self.session.show
        if show and not self.session.is_network:
            if self.session.landscape.dim == 3:
                self.space_mode.show_views(show)
            else:
                self.contour.setVisible("contour" in show)
                self.surface.setVisible("surface" in show)
            self.docks["loss"].setVisible("loss" in show)
        self._about_changed()
        if not self.about.empty:
            self.docks["about"].raise_()

    def _about_changed(self) -> None:
        self.docks["about"].setVisible(not self.about.empty)

    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:  # noqa: N802 - Qt API
        if event is not None and _dropped_scenario(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent | None) -> None:  # noqa: N802 - Qt API
        path = _dropped_scenario(event.mimeData()) if event is not None else None
        if event is not None and path is not None:
            event.acceptProposedAction()
            self.files.open_path(path)

    # ---- reactions ---------------------------------------------------------------------
    def _landscape_changed(self) -> None:
        s = self.session
        if s.is_network:
            self.centre.setCurrentWidget(self.network_mode.centre_widget())
        else:
            dim = s.landscape.dim
            self.centre.setCurrentWidget(self.curve if dim == 1 else self.pair if dim == 2
                                         else self.space_mode.centre_widget())
        self.network_mode.apply()
        self.data_mode.apply()
        self._update_status()

    def _sync_overlays(self) -> None:
        for key, action in self.overlay_actions.items():
            action.blockSignals(True)
            action.setChecked(self.session.display[key])
            action.blockSignals(False)

    def _hover(self, *point: float) -> None:
        """f and ∇f at the point under the mouse (x, y on the map; x, y, z on a plane)."""
        f, g = self.session.value_and_grad_at(point)
        grad = ", ".join(f"{v:.4g}" for v in g)
        names = self.session.landscape.axes
        where = "   ".join(f"{a} = {v:.4g}" for a, v in zip(names, point, strict=False))
        self.cursor_label.setText(f"{where}   f = {f:.6g}   ∇f = ({grad})")

    def _update_status(self, *_: object) -> None:
        s = self.session
        if not s.runs:
            self.runs_label.setText("add an optimizer to start a race")
            return
        parts = [f"<b>step {s.step}</b>"]
        for r, text in zip(s.runs, s.run_states(), strict=True):
            parts.append(f"<span style='color:{r.color}'>■</span> {html.escape(text)}")
        self.runs_label.setText("&nbsp;&nbsp;".join(parts))
        self.runs_label.setToolTip("\n".join(s.run_states()))

    def _show_shortcuts(self) -> None:
        rows = [(a.text().replace("&", ""), a.shortcut().toString())
                for a in (*self.network_mode.actions(), *self.transport.actions(),
                          *self.overlay_actions.values(), *self.lecture.actions(),
                          *self.exports.actions())]
        rows.append(("Focus optimizer 1 … 9", "1 … 9"))
        text = "".join(f"<tr><td>{html.escape(t)}</td><td><b>{k}</b></td></tr>" for t, k in rows)
        QMessageBox.information(self, "Keyboard shortcuts",
                                f"<table cellpadding=4>{text}</table>"
                                "<p>Click the map: set the start. Shift+click: the selected "
                                "optimizer's own start.</p>")

    # ---- layout memory -----------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = QSettings("gdviz", "gdviz")
        geometry = settings.value(f"{SETTINGS_KEY}/geometry")
        state = settings.value(f"{SETTINGS_KEY}/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in self.docks.values():
            dock.show()
        self.network_mode.apply(force=True)
        self.data_mode.apply(force=True)

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802 - Qt override
        self.session.pause()
        if self.remember_layout and not self.files.confirm_discard():
            if event is not None:
                event.ignore()
            return
        self.maps.stop()
        self.stability.stop()
        self.fair.wait()
        self.network_mode.stop()
        if self.remember_layout:
            settings = QSettings("gdviz", "gdviz")
            settings.setValue(f"{SETTINGS_KEY}/geometry", self.saveGeometry())
            settings.setValue(f"{SETTINGS_KEY}/state", self.saveState())
        # a closed window paints no more: its views are being taken down
        self.setUpdatesEnabled(False)
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent | None) -> None:  # noqa: N802 - Qt override
        self.setUpdatesEnabled(True)
        super().showEvent(event)


def _dropped_scenario(mime: QMimeData | None) -> str | None:
    """The one local .toml file being dragged, or None."""
    if mime is None or not mime.hasUrls():
        return None
    paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
    tomls = [p for p in paths if p.lower().endswith(".toml")]
    return tomls[0] if len(tomls) == 1 else None
