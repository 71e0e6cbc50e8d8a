"""Your own function in the window: live checking, racing on it, saving it."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from gdviz.scenario import load_scenario
from gdviz.ui.panels.landscape import NAME_ROLE, LandscapePanel
from gdviz.ui.session import Session


def panel_on(qtbot, preset: str = "ravine") -> LandscapePanel:
    panel = LandscapePanel(Session(load_scenario(preset)))
    qtbot.addWidget(panel)
    return panel


def test_a_mistake_is_shown_with_its_place_and_changes_nothing(qtbot):
    panel = panel_on(qtbot)
    box, s = panel.own, panel.session
    before = (s.spec, s.step)
    qtbot.keyClicks(box.edit, "x^2 + sn(y)")
    qtbot.waitUntil(lambda: "sn" in box.status.text(), timeout=2000)
    assert "column 7" in box.status.text() and "did you mean sin" in box.status.text()
    assert box.edit.selectionStart() == 6 and box.edit.selectedText() == "s"
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert (s.spec, s.step) == before
    box.edit.setText("2x")
    assert not box.check() and "write 2*x" in box.status.text()


def test_enter_races_on_the_formula_and_the_picker_follows(qtbot):
    panel = panel_on(qtbot)
    box, s = panel.own, panel.session
    s.step_forward(5)
    box.edit.setText("x^2 + 3*y^2")
    assert box.check() and "2 parameters" in box.status.text()
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert s.spec.expr == "x^2 + 3*y^2" and s.landscape.name == "expr" and s.step == 0
    assert panel.combo.currentData(NAME_ROLE) == "expr" and box.save_button.isEnabled()
    f, g = s.value_and_grad_at((1.0, 2.0))
    assert f == 13.0 and list(g) == [2.0, 12.0]
    row = panel.combo.findData("himmelblau", NAME_ROLE)
    panel.combo.setCurrentIndex(row)
    assert s.spec.expr is None and s.landscape.name == "himmelblau"
    assert not box.save_button.isEnabled()


def test_picking_your_own_function_races_on_the_typed_text_or_waits_for_one(qtbot):
    panel = panel_on(qtbot)
    s = panel.session
    own = panel.combo.findData("expr", NAME_ROLE)
    panel.combo.setCurrentIndex(own)  # nothing typed yet: the race stays
    assert s.landscape.name == "quadratic" and panel.combo.currentData(NAME_ROLE) == "quadratic"
    panel.own.edit.setText("(x-1)^2")
    panel.combo.setCurrentIndex(own)
    assert s.spec.expr == "(x-1)^2" and s.landscape.dim == 1


def test_a_scenario_on_a_formula_shows_its_text(qtbot):
    panel = panel_on(qtbot)
    panel.session.set_expression("sin(x) + y^2/4")
    assert panel.own.edit.text() == "sin(x) + y^2/4"
    panel.session.load(load_scenario("ravine"))
    assert panel.own.edit.text() == "sin(x) + y^2/4"  # kept to edit further
