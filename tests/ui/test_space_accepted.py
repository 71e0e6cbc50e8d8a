"""The window takes races on three parameters like any other: the picker offers those
landscapes, the Session and File ▸ Open accept them, a saved race keeps its box and
views, and export chooses the views that fit (the GL one only with OpenGL)."""

from __future__ import annotations

import pytest

from gdviz.core.landscapes import LANDSCAPES
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import Scenario, ViewSettings, load_scenario, save_scenario
from gdviz.ui.main_window import MainWindow
from gdviz.ui.render import NeedsOpenGL, choose_views, landscape_views
from gdviz.ui.runs import landscape_names_by_group
from gdviz.ui.session import Session

SPACE = [name for name, land in LANDSCAPES.items() if land.dim == 3]


def test_the_picker_offers_every_landscape_with_those_of_three_parameters():
    offered = [n for group in landscape_names_by_group().values() for n in group]
    assert offered == list(LANDSCAPES)
    assert {"quadratic3", "rosenbrock3", "three_wells"} <= set(landscape_names_by_group()["space"])


def test_the_session_takes_a_3d_landscape(session):
    session.run_to(5)
    session.set_landscape("rosenbrock3")
    assert session.landscape.dim == 3 and session.start == (-1.2, 1.0, 1.0)
    session.step_forward(5)
    assert session.snapshot(0).params.shape == (1, 3)
    s = Session(RaceSpec("quadratic3", runs=(RunSpec("gd"),)))
    assert s.space_box() == ((-3.0, 3.0),) * 3


def test_a_3d_scenario_opens_and_saves_with_its_box_and_views(qtbot, tmp_path):
    window = MainWindow(Session("rosenbrock"), remember_layout=False)
    qtbot.addWidget(window)
    path = tmp_path / "wells.toml"
    race = RaceSpec("three_wells", runs=(RunSpec("gd", {"lr": 0.1}),))
    view = ViewSettings(show=("plane", "loss"), x=(-2.0, 2.0), z=(-1.0, 3.0))
    save_scenario(Scenario(race, view), path)
    assert window.files.open_path(str(path)) is True
    s = window.session
    assert s.space_box() == ((-2.0, 2.0), (-3.0, 3.0), (-1.0, 3.0))
    assert window.centre.currentWidget() is window.space_mode.centre_widget()
    assert window.space_mode.space.isHidden() and not window.space_mode.plane.isHidden()
    assert window.space_mode.plane.box() == ((-2.0, 2.0), (-3.0, 3.0))
    saved = window.current_scenario()
    assert saved.race == s.spec and saved.race.landscape == "three_wells"
    assert (saved.view.show, saved.view.x, saved.view.y, saved.view.z) == (
        ("plane", "loss"), (-2.0, 2.0), None, (-1.0, 3.0))


def test_the_three_wells_preset_opens_on_the_space_page(qtbot):
    window = MainWindow(Session(load_scenario("three_wells")), remember_layout=False)
    qtbot.addWidget(window)
    assert window.centre.currentWidget() is window.space_mode.centre_widget()
    assert window.space_mode.shown() == ("space", "plane")


@pytest.mark.parametrize("gl", [True, False])
def test_export_chooses_the_views_of_a_3d_race(gl):
    scenario = Scenario(RaceSpec("three_wells", runs=(RunSpec("gd"),)))
    assert landscape_views(scenario) == ("space", "plane")
    assert choose_views(scenario, None, gl) == (("space", "loss") if gl else ("plane", "loss"))
    assert choose_views(scenario, "plane", gl) == ("plane",)
    assert choose_views(scenario, "all", True) == ("space", "plane", "loss")
    with pytest.raises(ValueError, match="the contour view does not fit a 3-D landscape; "
                                         "choose one of: space, plane, loss, all"):
        choose_views(scenario, "contour", gl)
    if not gl:
        with pytest.raises(NeedsOpenGL, match="choose --view plane, loss without it"):
            choose_views(scenario, "space", gl)
