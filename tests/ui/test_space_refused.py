"""The window has no view of three parameters yet: it never offers such a landscape, and a
race on one is refused with one clear message while the window keeps its race."""

from __future__ import annotations

import pytest

from gdviz.core.landscapes import LANDSCAPES
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import Scenario, save_scenario
from gdviz.ui.runs import SHOWN_DIMS, check_shown, landscape_names_by_group
from gdviz.ui.session import Session

SPACE = [name for name, land in LANDSCAPES.items() if land.dim == 3]


def test_the_picker_offers_every_landscape_but_those_of_three_parameters():
    offered = [n for group in landscape_names_by_group().values() for n in group]
    assert SPACE and not set(SPACE) & set(offered)
    assert offered == [n for n, land in LANDSCAPES.items() if land.dim in SHOWN_DIMS]
    assert "space" not in landscape_names_by_group()


def test_check_shown_says_what_the_window_cannot_do():
    check_shown(RaceSpec("rosenbrock"))
    check_shown(RaceSpec("parabola"), "export")
    with pytest.raises(ValueError, match="^three_wells is a landscape of three parameters, "
                                         "which the window cannot export yet; gdviz run"):
        check_shown(RaceSpec("three_wells"), "export")


def test_the_session_refuses_a_3d_landscape_and_keeps_its_race(session):
    session.run_to(20)
    before = (session.spec, session.step, session.head_step, session.modified)
    with pytest.raises(ValueError, match="rosenbrock3 is a landscape of three parameters"):
        session.set_landscape("rosenbrock3")
    assert (session.spec, session.step, session.head_step, session.modified) == before
    with pytest.raises(ValueError, match="three parameters"):
        Session(RaceSpec("quadratic3", runs=(RunSpec("gd"),)))


def test_opening_a_3d_scenario_reports_it_and_changes_nothing(qtbot, tmp_path, monkeypatch):
    from PyQt6.QtWidgets import QMessageBox

    from gdviz.ui.main_window import MainWindow

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *a: warnings.append(text))
    window = MainWindow(Session("rosenbrock"), remember_layout=False)
    qtbot.addWidget(window)
    before = window.session.spec
    path = tmp_path / "wells.toml"
    save_scenario(Scenario(RaceSpec("three_wells", runs=(RunSpec("gd"),))), path)
    assert window.files.open_path(str(path)) is False
    assert len(warnings) == 1 and warnings[0].startswith(f"{path}: three_wells is a landscape")
    assert window.session.spec == before
