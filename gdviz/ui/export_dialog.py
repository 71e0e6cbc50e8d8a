"""File ▸ Export…: the race as an animation, and this frame as a picture.

The dialog picks the format, the views, the size (presets or custom), the frame rate and
which steps to show; the export then draws frame after frame with a progress bar that
can cancel (nothing is left behind), and offers to open the folder at the end. The
animation is made from the window's race exactly as ``gdviz export`` makes it.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QUrl
from PyQt6.QtGui import QDesktopServices, QGuiApplication, QImage
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gdviz.export import DEFAULTS, ExportCancelled
from gdviz.scenario import Scenario
from gdviz.ui.export_job import ExportPlan, export_animation, plan_export
from gdviz.ui.render import FrameRenderer, NeedsOpenGL, choose_views, has_gl

SIZES = (("GIF 640×360", (640, 360)), ("HD 1280×720", (1280, 720)),
         ("Full HD 1920×1080", (1920, 1080)), ("Square 1080×1080", (1080, 1080)))
VIEW_NAMES = (("The scenario's views", None), ("Landscape and loss, all", "all"),
              ("Contour map", "contour"), ("3-D surface", "surface"), ("1-D curve", "curve"),
              ("Parameter space (3-D)", "space"), ("Plane through the focused point", "plane"),
              ("Loss plots", "loss"))
FORMATS = (("MP4 video (H.264)", "mp4"), ("GIF animation", "gif"), ("PNG picture(s)", "png"))


class ExportDialog(QDialog):
    """Settings of one export; ``plan()`` turns them into an ExportPlan (or raises)."""

    def __init__(self, scenario: Scenario, head: int, folder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the race")
        self.scenario = scenario
        self.format = _combo(FORMATS)
        self.views = _combo(VIEW_NAMES)
        self.sizes = _combo((*SIZES, ("Custom…", None)))
        self.width_box, self.height_box = _spin(16, 7680, 1280), _spin(16, 4320, 720)
        self.fps = QDoubleSpinBox()
        self.fps.setRange(1, 120)
        self.fps.setDecimals(1)
        self.first, self.last = _spin(0, head, 0), _spin(0, head, head)
        self.per_frame = _spin(1, max(head, 1), max(1, head // 300))
        self.frames_label = QLabel()
        name = Path(folder) / f"{scenario.race.landscape}-race.mp4"
        self.path = QLineEdit(str(name))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        custom = QHBoxLayout()
        custom.addWidget(self.width_box)
        custom.addWidget(QLabel("×"))
        custom.addWidget(self.height_box)
        steps = QHBoxLayout()
        for widget in (QLabel("from"), self.first, QLabel("to"), self.last,
                       QLabel("every"), self.per_frame, QLabel("steps")):
            steps.addWidget(widget)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Views", self.views)
        form.addRow("Size", self.sizes)
        form.addRow("", custom)
        form.addRow("Frames per second", self.fps)
        form.addRow("Steps", steps)
        form.addRow("", self.frames_label)
        form.addRow("File", where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        tips: tuple[tuple[QWidget, str], ...] = (
                (self.format, "MP4 plays in browsers and slides; a GIF loops anywhere; PNG "
                              "writes one picture per frame"),
                (self.views, "What each frame shows; the 3-D surface and parameter space "
                             "need OpenGL"),
                (self.sizes, "The frames' size in pixels"),
                (self.fps, "Frames per second (a GIF at most 50)"),
                (self.per_frame, "Show every n-th step: fewer frames, a faster race"),
                (self.path, "Where to write; nothing is left there if the export fails "
                            "or is cancelled"))
        for tipped, tip in tips:
            tipped.setToolTip(tip)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.sizes.currentIndexChanged.connect(self._size_changed)
        for box in (self.first, self.last, self.per_frame):
            box.valueChanged.connect(self._count_frames)
        self._format_changed()

    def _format_changed(self) -> None:
        kind = self.format.currentData()
        size, fps = DEFAULTS[kind]
        self.fps.setValue(fps)
        self.sizes.setCurrentIndex([s for _, s in SIZES].index(size))
        self.path.setText(str(Path(self.path.text()).with_suffix("." + kind)))
        self._size_changed()
        self._count_frames()

    def _size_changed(self) -> None:
        size = self.sizes.currentData()
        for box, value in zip((self.width_box, self.height_box), size or (0, 0), strict=True):
            if size is not None:
                box.setValue(value)
        self.width_box.setEnabled(size is None)
        self.height_box.setEnabled(size is None)

    def steps(self) -> list[int]:
        return list(range(self.first.value(), self.last.value() + 1, self.per_frame.value()))

    def _count_frames(self) -> None:
        n = len(self.steps())
        seconds = n / max(self.fps.value(), 1e-9)
        self.frames_label.setText(f"{n} frame(s), {seconds:.1f} s")

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                              "MP4 (*.mp4);;GIF (*.gif);;PNG (*.png)")
        if path:
            self.path.setText(path)

    def plan(self) -> ExportPlan:
        size = (self.width_box.value(), self.height_box.value())
        return plan_export(self.scenario, self.path.text(), fps=self.fps.value(), size=size,
                           view=self.views.currentData(), steps=self.steps() or None)


def run_export(parent: QWidget, scenario: Scenario, plan: ExportPlan) -> Path | None:
    """Export with a progress dialog; None when cancelled or refused (the user was told)."""
    progress = QProgressDialog("Drawing frames…", "Cancel", 0, len(plan.steps), parent)
    progress.setWindowTitle("Exporting")
    progress.setMinimumDuration(0)

    def step(done: int, _total: int | None) -> None:
        progress.setValue(done)
        QGuiApplication.processEvents()

    try:
        path = export_animation(scenario, plan, progress=step, cancel=progress.wasCanceled)
    except ExportCancelled:
        return None
    except (ValueError, OSError) as err:
        QMessageBox.warning(parent, "Export failed", str(err))
        return None
    finally:
        progress.close()
    box = QMessageBox(QMessageBox.Icon.Information, "Export done", f"Wrote {path}",
                      QMessageBox.StandardButton.Ok, parent)
    folder = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
    return path


def frame_image(scenario: Scenario, step: int, size: tuple[int, int]) -> QImage | None:
    """The frame at ``step`` as export draws it (None where the views need OpenGL that
    is not there)."""
    try:
        views = choose_views(scenario, None, has_gl())
    except NeedsOpenGL:
        return None
    renderer = FrameRenderer(scenario, views, size)
    try:
        renderer.prepare(step)
        return renderer.image(step)
    finally:
        renderer.close()
        renderer.deleteLater()


def _combo(items: tuple[tuple[str, object], ...]) -> QComboBox:
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
    return box


def _spin(lo: int, hi: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    return box
