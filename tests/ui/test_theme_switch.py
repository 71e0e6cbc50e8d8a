"""View ▸ Theme and View ▸ Large fonts while the window is open: the window is rebuilt
around the same session (same race, step, selection and modified mark), in the new
colours and sizes, with the old layout and presenter state, and the old one is gone."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PyQt6 import sip
from PyQt6.QtCore import QEvent
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import QApplication

from gdviz.scenario import load_scenario
from gdviz.ui import style
from gdviz.ui.main_window import MainWindow
from gdviz.ui.session import Session
from gdviz.ui.shell import Shell


@pytest.fixture
def light_again():
    """The process's look is global: give the next test the light theme at scale 1."""
    yield
    style.set_theme("light")
    style.set_scale(1.0)
    style.configure()
    app = QApplication.instance()
    style.apply_palette(app)
    style.apply_font(app)


def settle() -> None:
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QApplication.processEvents()


def windows_on(session: Session) -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and not sip.isdeleted(w) and w.session is session]


def backgrounds(window: MainWindow) -> set[str]:
    """The background colour of every plot view (and the 3-D view) of the window."""
    colours = {v.backgroundBrush().color().name() for v in window.findChildren(pg.GraphicsView)}
    surface = getattr(window.surface, "gl", None)
    if surface is not None:
        colours.add(QColor.fromRgbF(*surface.opts["bgcolor"]).name())
    return colours


def close(shell: Shell) -> None:
    """Close and delete the shell's window now: a window left to the garbage collector
    would be deleted at some later moment, perhaps while another one sets up OpenGL."""
    shell.window.close()
    shell.window.deleteLater()
    settle()


def open_shell(qtbot) -> Shell:
    session = Session(load_scenario("momentum_lecture"))
    session.run_to(40)
    session.seek(25)
    session.select(1)
    session.set_speed(12)  # marks the race modified
    shell = Shell(session, remember_layout=False)
    shell.window.show()
    qtbot.waitExposed(shell.window)
    return shell


@pytest.mark.parametrize("theme", ["dark", "contrast", "light"])
def test_a_theme_switch_rebuilds_the_window_around_the_same_session(qtbot, light_again, theme):
    if theme == "light":  # from dark back to light: the system's palette again
        style.set_theme("dark")
    shell = open_shell(qtbot)
    old, s = shell.window, shell.session
    old.docks["loss"].hide()
    assert s.modified and old.isWindowModified()
    old.theme_menu.actions[theme].trigger()
    settle()
    new = shell.window
    assert sip.isdeleted(old) and windows_on(s) == [new]
    assert new.session is s and s.step == 25 and s.head_step == 40 and s.selected == 1
    assert s.modified and new.isWindowModified()
    assert backgrounds(new) == {style.THEMES[theme].background}
    assert style.THEME.name == theme and new.theme_menu.actions[theme].isChecked()
    assert not new.docks["loss"].isVisible()  # the layout came along
    window_colour = QApplication.instance().palette().color(QPalette.ColorRole.Window)
    assert (window_colour.lightness() < 80) == (theme == "dark")
    s.step_forward()  # the new window follows the session; nothing reaches the old one
    assert s.step == 26 and new.transport.scrubber.value() == 26
    close(shell)


def test_large_fonts_and_the_presenter_layout_carry_over(qtbot, light_again):
    shell = open_shell(qtbot)
    s = shell.session
    shell.window.lecture.toggle_presenter()
    s.play()
    shell.window.theme_menu.large_fonts.trigger()
    settle()
    new = shell.window
    assert style.SCALE == style.PRESENTER_SCALE and new.theme_menu.large_fonts.isChecked()
    assert QApplication.instance().font().pointSize() == style.scaled(style.FONT_PT)
    assert new.isFullScreen() and not new.docks["optimizers"].isVisible() and s.playing
    s.pause()
    new.lecture.toggle_presenter()  # leaving brings back the panels the old window hid
    assert new.docks["optimizers"].isVisible() and not new.isFullScreen()
    new.theme_menu.large_fonts.trigger()
    settle()
    assert style.SCALE == 1.0 and windows_on(s) == [shell.window]
    close(shell)


def test_without_an_owner_the_entries_are_disabled(qtbot):
    window = MainWindow(Session("booth"), remember_layout=False)
    qtbot.addWidget(window)
    assert not window.theme_menu.menu.isEnabled()
    assert not window.theme_menu.large_fonts.isEnabled()
