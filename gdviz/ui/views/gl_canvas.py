"""A pyqtgraph 3-D scene drawn offscreen and painted as an image in a plain widget.

A QOpenGLWidget in a window makes Qt compose the whole window through OpenGL on every
repaint, and sets that up when the window is first shown: cheap on a graphics card,
the larger part of a frame and of the start-up under software OpenGL. A ``GLCanvas``
keeps pyqtgraph's scene and camera (``GLViewMixin``) but renders into a framebuffer
object of its own and paints the image it reads back, so the window stays a plain
raster window, a hidden canvas sets up no OpenGL at all, and a grab of the window
paints it like any widget.

Every canvas renders with one GL context (made for the first, let go with the last):
a new context costs its creation and, the first time it resolves a multisampled
framebuffer, the driver's set-up for that (under software OpenGL about 50 ms), so the
views of a 3-D race or of a network, shown after the surface, start without that wait.
"""

from __future__ import annotations

from typing import Any

from OpenGL import GL
from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import (
    QImage,
    QOffscreenSurface,
    QOpenGLContext,
    QPainter,
    QPaintEvent,
)
from PyQt6.QtGui import QSurfaceFormat as Format
from PyQt6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat
from PyQt6.QtWidgets import QWidget
from pyqtgraph.opengl.GLViewWidget import GLViewMixin


class _Context:
    """The GL context and offscreen surface the canvases render with, and how many
    canvases use them (the context goes with the last)."""

    current: _Context | None = None  # the one in use

    def __init__(self, context: QOpenGLContext, surface: QOffscreenSurface) -> None:
        self.context, self.surface = context, surface
        self.users = 0

    @classmethod
    def acquire(cls, fmt: Format) -> _Context | None:
        """The context in use (made now for ``fmt`` if there is none), one more user;
        None where OpenGL cannot be had."""
        if cls.current is None:
            context = QOpenGLContext()
            context_format = Format(fmt)
            context_format.setSamples(0)  # the framebuffer objects multisample
            context.setFormat(context_format)
            share = QOpenGLContext.globalShareContext()
            if share is not None:  # pyqtgraph keeps one shader program for every view
                context.setShareContext(share)
            if not context.create():
                return None
            surface = QOffscreenSurface(None, context)
            surface.setFormat(context.format())
            surface.create()
            cls.current = cls(context, surface)
        cls.current.users += 1
        return cls.current

    def make_current(self) -> bool:
        try:
            return self.context.makeCurrent(self.surface)
        except RuntimeError:  # the context is gone already
            return False

    def release(self) -> None:
        """One user less; the last lets the context go."""
        self.users -= 1
        if self.users == 0 and _Context.current is self:
            _Context.current = None  # the last reference: Qt deletes the context now


class _Resources:
    """A canvas's share of the context and its framebuffer. ``release`` lets the
    framebuffer go with the context current, then the canvas's use of the context; it
    runs on the widget's ``destroyed`` and so never touches the widget."""

    def __init__(self, shared: _Context) -> None:
        self.shared: _Context | None = shared
        self.context, self.surface = shared.context, shared.surface
        self.fbo: QOpenGLFramebufferObject | None = None

    def drop_framebuffer(self) -> None:
        if self.fbo is None:
            return
        current = self.shared is not None and self.shared.make_current()
        self.fbo = None
        if current:
            self.context.doneCurrent()

    def release(self) -> None:
        self.drop_framebuffer()
        shared, self.shared = self.shared, None
        if shared is not None:
            shared.release()


class GLCanvas(GLViewMixin, QWidget):
    """pyqtgraph's GL view (items, camera, mouse) on a plain widget. ``format()`` and
    ``setFormat()`` as on a QOpenGLWidget (the depth buffer and the samples of the
    framebuffer); ``grabFramebuffer()`` renders the scene now and returns the image."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._format = Format.defaultFormat()
        self._gl: _Resources | None = None  # set up on the first paint
        self._image: QImage | None = None  # the scene last rendered, None: render again
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # ---- what GLViewMixin and its items ask of a QOpenGLWidget --------------------------
    def format(self) -> Format:
        return Format(self._format)

    def setFormat(self, fmt: Format) -> None:  # noqa: N802 (Qt's name)
        self._format = Format(fmt)
        if self._gl is not None:  # a new framebuffer with the new samples on the next paint
            self._gl.drop_framebuffer()
        self.update()

    def context(self) -> QOpenGLContext | None:
        return self._gl.context if self._gl is not None else None

    def isValid(self) -> bool:  # noqa: N802
        return self._gl is not None

    def makeCurrent(self) -> None:  # noqa: N802
        gl = self._gl
        if gl is not None and gl.shared is not None and gl.shared.make_current():
            if gl.fbo is not None:
                gl.fbo.bind()

    def doneCurrent(self) -> None:  # noqa: N802
        if self._gl is not None:
            self._gl.context.doneCurrent()

    def defaultFramebufferObject(self) -> int:  # noqa: N802
        fbo = self._gl.fbo if self._gl is not None else None
        return int(fbo.handle()) if fbo is not None else 0

    # ---- rendering ------------------------------------------------------------------------
    def _set_up(self) -> _Resources | None:
        """The context made current with a framebuffer of the widget's size in device
        pixels; None where OpenGL cannot be had."""
        if self._gl is None:
            shared = _Context.acquire(self._format)
            if shared is None:
                return None
            self._gl = _Resources(shared)
            self.destroyed.connect(self._gl.release)
            if not shared.make_current():
                return None
            self.initializeGL()
        gl = self._gl
        if gl.shared is None or not gl.shared.make_current():
            return None
        size = self._device_size()
        if gl.fbo is None or gl.fbo.size() != size:
            gl.fbo = None
            fbo_format = QOpenGLFramebufferObjectFormat()
            fbo_format.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            fbo_format.setSamples(max(0, self._format.samples()))
            gl.fbo = QOpenGLFramebufferObject(size, fbo_format)
        return gl

    def render_scene(self) -> QImage | None:
        """The scene at the widget's size now, or None without OpenGL."""
        gl = self._set_up()
        if gl is None or gl.fbo is None:
            return None
        gl.fbo.bind()
        GL.glViewport(0, 0, gl.fbo.width(), gl.fbo.height())
        self.paintGL()
        gl.fbo.release()
        image = gl.fbo.toImage()  # resolves the samples; the rows come out top first
        gl.context.doneCurrent()
        image.setDevicePixelRatio(self.devicePixelRatioF())
        return image

    def _device_size(self) -> QSize:
        """The widget's size in device pixels (at least 1×1): the framebuffer's."""
        return QSize(max(1, self.deviceWidth()), max(1, self.deviceHeight()))

    def update(self, *args: Any) -> None:
        """The scene changed (pyqtgraph's items and camera call this): render it again on
        the next paint. Other paints (a label over the view moved, the window uncovered)
        draw the image already rendered."""
        self._image = None
        super().update(*args)

    def grabFramebuffer(self) -> QImage:  # noqa: N802 (QOpenGLWidget's name)
        self._image = self.render_scene()
        return self._image if self._image is not None else QImage()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802
        if self._image is None or self._image.size() != self._device_size():  # also resized
            self._image = self.render_scene()
        image = self._image
        painter = QPainter(self)
        if image is None:
            painter.fillRect(self.rect(), self.palette().window())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "OpenGL is not available here")
        else:
            painter.drawImage(0, 0, image)
        painter.end()
