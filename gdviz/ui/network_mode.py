"""The window's network mode: the views of a network race and the switch between modes.

On a network race the centre shows the data with the focused run's decision boundary
beside the network's own loss landscape (a slice through weight space); docks show the
network builder, train/test metrics, the network diagram and one sample's backward
pass. On a landscape race those docks are hidden and the landscape's own come back. All
views follow the one Session either way (a network view on a landscape race is empty).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QSplitter, QWidget

from gdviz.ui.session import Session

if TYPE_CHECKING:
    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.panels.network import NetworkPanel
    from gdviz.ui.views.network_data import DataView
    from gdviz.ui.views.slice_view import SliceView

LANDSCAPE_DOCKS = ("landscape",)  # shown only on a landscape race
NETWORK_DOCKS = ("network", "metrics", "diagram", "backprop")  # only on a network race
NEW_LANDSCAPE, NEW_NETWORK = "default", "xor"  # the presets File ▸ New opens


class NetworkMode(QObject):
    """Builds the network views into ``window`` and shows the ones the race needs."""

    def __init__(self, window: MainWindow, session: Session) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        # the views are built when a network race is first shown (start-up stays quick);
        # their page and docks exist from the start, for the layout to be saved and loaded
        self.page = QSplitter(Qt.Orientation.Horizontal)
        window.centre.addWidget(self.page)
        left, bottom = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.docks = {
            "network": window.add_dock("network", "Network and data", QWidget(), left),
            "metrics": window.add_dock("metrics", "Train and test", QWidget(), bottom),
            "diagram": window.add_dock("diagram", "The network", QWidget(), right),
            "backprop": window.add_dock("backprop", "Backpropagation, one sample",
                                        QWidget(), right),
        }
        self._views: NetworkViews | None = None
        self.new_landscape = QAction("New landscape race", window)
        self.new_landscape.setShortcut(QKeySequence("Ctrl+N"))
        self.new_landscape.setToolTip("Open the default race on a landscape")
        self.new_landscape.triggered.connect(lambda _c=False: window.files.open_path(
            NEW_LANDSCAPE))
        self.new_network = QAction("New network race", window)
        self.new_network.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_network.setToolTip("Open a small network race (XOR) to build on")
        self.new_network.triggered.connect(lambda _c=False: window.files.open_path(
            NEW_NETWORK))
        self._network: bool | None = None  # the mode shown (None: none yet)

    def arrange(self) -> None:
        """Place the network docks beside the window's own (once, before layouts load)."""
        w = self.window
        w.tabifyDockWidget(w.docks["landscape"], self.docks["network"])
        w.splitDockWidget(w.docks["loss"], self.docks["metrics"], Qt.Orientation.Horizontal)
        w.splitDockWidget(self.docks["diagram"], self.docks["backprop"],
                          Qt.Orientation.Vertical)
        w.resizeDocks([self.docks["diagram"]], [430], Qt.Orientation.Horizontal)

    @property
    def views(self) -> NetworkViews:
        """The network views (built on first use)."""
        if self._views is None:
            self._views = NetworkViews(self.session)
            v = self._views
            self.page.addWidget(v.data)
            self.page.addWidget(v.slice)
            self.page.setSizes([5000, 5000])
            for name, widget in (("network", v.panel), ("metrics", v.metrics),
                                 ("diagram", v.diagram), ("backprop", v.backprop)):
                self.docks[name].setWidget(widget)
        return self._views

    @property
    def data(self) -> DataView:
        return self.views.data

    @property
    def slice(self) -> SliceView:
        return self.views.slice

    @property
    def panel(self) -> NetworkPanel:
        return self.views.panel

    def actions(self) -> list[QAction]:
        return [self.new_landscape, self.new_network]

    def centre_widget(self) -> QWidget:
        return self.page

    def settle(self) -> None:
        """Draw what is still being computed in the background now (before a screenshot)."""
        if self.session.is_network and self._views is not None:
            self._views.slice.compute_now()

    def stop(self) -> None:
        """Before the window closes: no more slices, the one being computed finished."""
        if self._views is not None:
            self._views.slice.stop()

    def apply(self, force: bool = False) -> None:
        """Show the docks of the race's mode, when the mode changed (or ``force``)."""
        network = self.session.is_network
        if network == self._network and not force:
            return
        self._network = network
        if network:
            _ = self.views
        docks = self.window.docks
        for name in LANDSCAPE_DOCKS:
            docks[name].setVisible(not network)
            docks[name].toggleViewAction().setEnabled(not network)
        for name in NETWORK_DOCKS:
            docks[name].setVisible(network)
            docks[name].toggleViewAction().setEnabled(network)
        if network:
            docks["network"].raise_()
        else:
            docks["landscape"].raise_()



class NetworkViews:
    """The widgets of network mode, each following the session."""

    def __init__(self, session: Session) -> None:
        # imported here: a window that never shows a network race never loads them
        from gdviz.ui.panels.backprop import BackpropPanel
        from gdviz.ui.panels.network import NetworkPanel
        from gdviz.ui.views.metrics import MetricsView
        from gdviz.ui.views.network_data import DataView
        from gdviz.ui.views.network_diagram import NetworkDiagram
        from gdviz.ui.views.slice_view import SliceView

        self.data = DataView(session)
        self.slice = SliceView(session)
        self.panel = NetworkPanel(session)
        self.metrics = MetricsView(session)
        self.diagram = NetworkDiagram(session)
        self.backprop = BackpropPanel(session)
