"""The control panels drive the Session and follow its signals (pytest-qt, offscreen)."""

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import QMainWindow

from gdviz.core.optimizers import OPTIMIZERS
from gdviz.ui.panels.landscape import NAME_ROLE, LandscapePanel
from gdviz.ui.panels.optimizers import OptimizerPanel
from gdviz.ui.panels.transport import TransportBar
from tests.ui.editing import is_refused, type_into


# ---- landscape panel ---------------------------------------------------------------------
@pytest.fixture
def landscape_panel(qtbot, session):
    panel = LandscapePanel(session)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_picking_a_landscape_sets_it(landscape_panel, session):
    combo = landscape_panel.combo
    combo.setCurrentIndex(combo.findData("himmelblau", NAME_ROLE))
    assert session.landscape.name == "himmelblau"
    assert landscape_panel.formula.text() == session.landscape.formula


def test_group_headers_are_not_selectable(landscape_panel, session):
    model = landscape_panel.combo.model()
    headers = [model.item(r) for r in range(model.rowCount()) if model.item(r).data(NAME_ROLE)
               is None]
    assert [h.text() for h in headers][:4] == ["Classic test functions", "Teaching landscapes",
                                               "1-D curves", "Three parameters"]
    for header in headers:
        assert not header.flags() & (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    landscape_panel.combo.setCurrentIndex(headers[1].row())
    assert session.landscape.name == "rosenbrock"
    assert landscape_panel.combo.currentData(NAME_ROLE) == "rosenbrock"


def test_items_show_title_with_name_in_tooltip(landscape_panel):
    combo = landscape_panel.combo
    row = combo.findData("six_hump_camel", NAME_ROLE)
    assert combo.itemText(row).strip() == "Six-hump camel"
    assert combo.itemData(row, Qt.ItemDataRole.ToolTipRole) == "six_hump_camel"


def test_panel_follows_set_landscape_from_elsewhere(landscape_panel, session):
    assert landscape_panel.log_contours.isChecked()  # rosenbrock: log contours
    session.set_landscape("quadratic")
    assert landscape_panel.combo.currentData(NAME_ROLE) == "quadratic"
    assert set(landscape_panel.param_edits) == {"a", "b", "angle"}
    assert not landscape_panel.log_contours.isChecked()
    session.set_landscape("parabola")
    assert landscape_panel.param_edits == {}
    assert landscape_panel.start_edits[1].isHidden()
    assert landscape_panel.start_edits[0].text() == f"{session.start[0]:g}"


def test_log_contours_checkbox_sets_display(landscape_panel, session):
    landscape_panel.log_contours.setChecked(False)
    assert session.display["log_contours"] is False
    session.set_display("log_contours", True)
    assert landscape_panel.log_contours.isChecked()


def test_reset_view_emits(qtbot, landscape_panel):
    with qtbot.waitSignal(landscape_panel.sigResetView, timeout=500):
        landscape_panel.reset_view.click()


def test_quadratic_parameter_edit_applies(qtbot, landscape_panel, session):
    session.set_landscape("quadratic")
    edit = landscape_panel.param_edits["b"]
    type_into(qtbot, edit, "50")
    assert session.landscape.params["b"] == 50
    assert not is_refused(edit)


@pytest.mark.parametrize("text, reason", [("abc", "must be a number"),
                                          ("inf", "must be finite")])
def test_refused_parameter_leaves_the_session(qtbot, landscape_panel, session, text, reason):
    session.set_landscape("quadratic")
    landscape = session.landscape
    edit = landscape_panel.param_edits["b"]
    type_into(qtbot, edit, text)
    assert is_refused(edit)
    assert reason in edit.toolTip()
    assert session.landscape is landscape
    session.set_display("trails", False)  # unrelated: the refused text stays visible
    assert edit.text() == text
    session.set_landscape_params(a=2)  # the next landscape sync reverts it
    assert edit.text() == "10" and not is_refused(edit)


def test_start_edit_applies(qtbot, landscape_panel, session):
    type_into(qtbot, landscape_panel.start_edits[0], "0.5")
    assert session.start == (0.5, 1.0)


@pytest.mark.parametrize("text", ["abc", "nan", ""])
def test_invalid_start_is_refused(qtbot, landscape_panel, session, text):
    edit = landscape_panel.start_edits[1]
    type_into(qtbot, edit, text)
    assert is_refused(edit)
    assert session.start == (-1.2, 1.0)


def test_random_start_updates_the_editors(landscape_panel, session):
    landscape_panel.random_start.click()
    assert session.start != (-1.2, 1.0)
    shown = [e.text() for e in landscape_panel.start_edits if not e.isHidden()]
    assert shown == [f"{v:g}" for v in session.start]


# ---- optimizer panel ---------------------------------------------------------------------
@pytest.fixture
def opt_panel(qtbot, session):
    panel = OptimizerPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_add_from_menu_uses_registry_defaults(opt_panel, session):
    action = next(a for a in opt_panel.add_menu.actions() if "(rmsprop)" in a.text())
    assert action.toolTip() == OPTIMIZERS["rmsprop"].description
    action.trigger()
    assert len(session.runs) == 4 and len(opt_panel.cards) == 4
    assert session.runs[3].optimizer == "rmsprop"
    assert session.runs[3].hyper == OPTIMIZERS["rmsprop"].defaults


def test_hyper_edit_applies_in_place(qtbot, opt_panel, session):
    cards = list(opt_panel.cards)
    type_into(qtbot, cards[2].edits["lr"], "0.05")
    assert session.runs[2].hyper["lr"] == 0.05
    assert opt_panel.cards == cards  # values updated in place, no rebuild
    assert cards[2].edits["lr"].text() == "0.05"


@pytest.mark.parametrize("text", ["-1", "0", "abc"])
def test_invalid_hyper_is_refused(qtbot, opt_panel, session, text):
    edit = opt_panel.cards[0].edits["lr"]
    with pytest.raises(ValueError) as refused:
        OPTIMIZERS["gd"].hyper_spec("lr").check(text)
    type_into(qtbot, edit, text)
    assert is_refused(edit)
    assert str(refused.value) in edit.toolTip()
    assert session.runs[0].hyper["lr"] == 1e-3
    session.set_appearance(0, label="plain GD")  # the next sync shows the session's value
    assert edit.text() == "0.001" and not is_refused(edit)


def test_hyper_tooltip_gives_help_and_range(opt_panel):
    tip = opt_panel.cards[2].edits["beta1"].toolTip()
    assert "β₁" in tip and "[0, 1)" in tip


def test_bool_checkbox_and_combination_refusal(qtbot, opt_panel, session):
    card = opt_panel.cards[1]  # momentum
    card.checks["nesterov"].click()
    assert session.runs[1].hyper["nesterov"] is True
    type_into(qtbot, card.edits["momentum"], "0")
    assert "nesterov needs momentum > 0" in card.edits["momentum"].toolTip()
    assert session.runs[1].hyper["momentum"] == 0.9


def test_label_edit_sets_appearance(qtbot, opt_panel, session):
    type_into(qtbot, opt_panel.cards[0].label, "slow and steady")
    assert session.runs[0].label == "slow and steady"


def test_remove_button_removes_the_run(opt_panel, session):
    opt_panel.cards[0].remove.click()
    assert [r.optimizer for r in session.runs] == ["momentum", "adam"]
    assert [c.index for c in opt_panel.cards] == [0, 1]


def test_click_selects_a_card(qtbot, opt_panel, session):
    with qtbot.waitSignal(session.sigSelectionChanged, timeout=500) as blocker:
        qtbot.mouseClick(opt_panel.cards[2], Qt.MouseButton.LeftButton)
    assert blocker.args == [2] and session.selected == 2
    assert opt_panel.cards[2].selected and not opt_panel.cards[0].selected
    with qtbot.waitSignal(session.sigSelectionChanged, timeout=500) as blocker:
        qtbot.mouseClick(opt_panel.cards[1].edits["lr"], Qt.MouseButton.LeftButton)
    assert blocker.args == [1]


def test_selection_follows_its_run_on_removal(qtbot, opt_panel, session):
    session.select(2)
    with qtbot.waitSignal(session.sigSelectionChanged, timeout=500) as blocker:
        opt_panel.cards[0].remove.click()
    assert blocker.args == [1] and opt_panel.selected == 1
    assert opt_panel.cards[1].selected
    opt_panel.cards[1].remove.click()
    assert opt_panel.selected is None


# ---- transport bar -----------------------------------------------------------------------
@pytest.fixture
def bar(qtbot, session):
    widget = TransportBar(session)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    session.pause()


def test_actions_carry_the_shortcuts(bar):
    keys = {a.shortcut().toString() for a in bar.actions()}
    assert keys == {QKeySequence(k).toString()
                    for k in ("Space", "Right", "Shift+Right", "Left", "Home", "R")}
    assert all(a.shortcutContext() == Qt.ShortcutContext.WindowShortcut for a in bar.actions())
    assert all("(" in a.toolTip() for a in bar.actions())


def test_actions_drive_the_session(bar, session):
    bar.play_action.trigger()
    assert session.playing
    bar.play_action.trigger()
    assert not session.playing
    bar.forward_action.trigger()
    bar.forward_action.trigger()
    assert session.step == 2
    bar.back_action.trigger()
    assert session.step == 1
    session.run_to(6)
    bar.home_action.trigger()
    assert session.step == 0 and session.head_step == 6
    bar.restart_action.trigger()
    assert session.head_step == 0


def test_window_keys_reach_the_actions(qtbot, session):
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = TransportBar(session)
    window.setCentralWidget(bar)
    window.addActions(bar.actions())
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert session.step == 1


def test_scrubber_follows_and_drives_the_step(bar, session):
    session.step_forward(10)
    assert bar.scrubber.maximum() == 10 and bar.scrubber.value() == 10
    bar.scrubber.setValue(4)
    assert session.step == 4
    assert bar.step_label.text() == "step 4 / 10"
    session.step_back()
    assert bar.scrubber.value() == 3 and bar.scrubber.maximum() == 10


def test_settings_set_the_session(bar, session):
    bar.speed.setValue(120)
    assert session.speed == 120
    bar.steps.setValue(500)
    assert session.steps == 500
    bar.stop_on_convergence.setChecked(True)
    assert session.tol == 1e-6
    bar.stop_on_convergence.setChecked(False)
    assert session.tol == 0.0
    bar.seed.setValue(7)
    assert session.seed == 7


def test_typing_in_an_editor_does_not_trigger_shortcuts(qtbot, session):
    window = QMainWindow()
    qtbot.addWidget(window)
    panel, bar = OptimizerPanel(session), TransportBar(session)
    window.setCentralWidget(panel)
    window.addActions(bar.actions())
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    type_into(qtbot, panel.cards[0].label, "Run right")  # Space, R and arrows are text here
    qtbot.keyClick(panel.cards[0].label, Qt.Key.Key_Left)
    assert session.runs[0].label == "Run right"
    assert not session.playing and session.head_step == 0


def test_start_edit_keeps_the_other_coordinate_exact(qtbot, landscape_panel, session):
    session.set_start((0.123456789, 1.987654321))
    type_into(qtbot, landscape_panel.start_edits[0], "0.5")
    assert session.start == (0.5, 1.987654321)


def test_typing_the_race_length_applies_once(qtbot, bar, session):
    seen = []
    bar.steps.valueChanged.connect(seen.append)
    bar.steps.lineEdit().selectAll()
    qtbot.keyClicks(bar.steps, "5000")
    qtbot.keyClick(bar.steps, Qt.Key.Key_Return)
    assert seen == [5000] and session.steps == 5000


def test_scrubber_marks_hyperparameter_edits(session, qtbot):
    from gdviz.ui.panels.transport import TransportBar

    bar = TransportBar(session)
    qtbot.addWidget(bar)
    bar.resize(1200, 60)
    session.step_forward(80)
    session.seek(30)
    session.set_hyper(2, "lr", 0.05)
    assert bar.scrubber.marks == [(30, session.runs[2].color)]
    session.step_forward(50)
    x30, x80 = bar.scrubber.mark_x(30), bar.scrubber.mark_x(80)
    assert 0 < x30 < x80 < bar.scrubber.width()
    session.reset()  # a restart replays the race: its edits and their marks stay
    assert bar.scrubber.marks == [(30, session.runs[2].color)]
    session.set_landscape("himmelblau")  # a new race has none
    assert bar.scrubber.marks == []


def test_log_contours_is_off_limits_for_a_curve(session, qtbot):
    from gdviz.ui.panels.landscape import LandscapePanel

    panel = LandscapePanel(session)
    qtbot.addWidget(panel)
    assert panel.log_contours.isEnabled()
    session.set_landscape("double_well")
    assert not panel.log_contours.isEnabled()
    session.set_landscape("booth")
    assert panel.log_contours.isEnabled()
