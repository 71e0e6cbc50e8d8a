"""The 3-D view of a network's loss slice: the loss on the plane as a shaded surface, with
every run's projected trajectory lifted onto it.

It is the landscape's ``SurfaceView`` (the same GL view, shading, trail items and
``SurfaceScale``) drawing a ``core.slices.Slice`` instead of the session's landscape. A
trail point's height is the slice's own loss under it (``Slice.path_losses``), so the
trails lie on the surface; the parts of a path off the grid are left out.

Never ``show()`` this widget on the offscreen platform: OpenGL needs an X server.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtWidgets import QWidget

from gdviz.core.slices import Slice
from gdviz.ui import style
from gdviz.ui.session import Session
from gdviz.ui.views.surface import (
    LIFT,
    SurfaceView,
)

CENTRE_COLOR = "#ffffff"


class SliceSurface(SurfaceView):
    """A slice as a rotatable surface; ``show_slice`` draws one. Besides SurfaceView's
    items: ``lines`` and ``ghosts`` hold each run's lifted path as segment pairs
    (``mode="lines"``), and ``points`` the centre, then the runs' last points (a run at
    the centre covers it)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        self.slice: Slice | None = None
        self.log = True
        super().__init__(session, parent)
        self.caption.setText("the loss on the plane — 3-D")

    def show_slice(self, sl: Slice | None, log: bool, aim: bool = False) -> None:
        """Draw ``sl`` (None: nothing), its heights on a log scale when ``log``; with
        ``aim`` a fresh camera for it."""
        self.slice, self.log = sl, log
        self._draw_surface(aim)
        self._draw_trails()

    # the session's landscape, display options and cursor are not drawn here: the slice is
    def _on_landscape(self) -> None:
        pass

    def _on_display(self) -> None:
        pass

    def _update_trails(self, _step: int = 0) -> None:
        pass

    def _draw_surface(self, aim: bool = False) -> None:
        sl = self.slice
        if sl is None or not np.isfinite(sl.Z).any():
            self.scale, self.surface_grid = None, None
            self.surface.setVisible(False)
            return
        box = ((float(sl.alphas[0]), float(sl.alphas[-1])),
               (float(sl.betas[0]), float(sl.betas[-1])))
        self.show_grid(box, sl.alphas, sl.betas, sl.Z, self.log, aim)

    def _draw_trails(self) -> None:
        sl, scale = self.slice, self.scale
        if sl is None or scale is None or len(sl.paths) != len(self.lines):
            self._hide_trails()  # no slice yet, or one of other runs
            return
        mid = (len(sl.betas) // 2, len(sl.alphas) // 2)  # odd res: the node at α = β = 0
        heads = [scale.positions(np.zeros((1, 2)), np.array([sl.Z[mid]]), LIFT)[0]]
        colors = [style.qcolor(CENTRE_COLOR).getRgbF()]
        for i, (run, path, loss) in enumerate(zip(self.session.runs, sl.paths,
                                                  sl.path_losses(), strict=True)):
            pos = scale.positions(path, loss, LIFT)
            on = np.isfinite(loss)
            both = on[:-1] & on[1:]
            pairs = np.stack([pos[:-1][both], pos[1:][both]], axis=1).reshape(-1, 3)
            for line in (self.lines[i], self.ghosts[i]):
                line.setData(pos=pairs, mode="lines")
                line.setVisible(len(pairs) > 0)
            if on[-1]:
                heads.append(pos[-1])
                colors.append(style.qcolor(run.color).getRgbF())
        self.points.setData(pos=np.array(heads), color=np.array(colors))
        self.points.setVisible(True)
