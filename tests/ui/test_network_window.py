"""The window on a network race: its mode, its keys, the update rule of one weight, the
optimizer cards, saving, and switching back to a landscape."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from gdviz.core import network_read
from gdviz.scenario import dumps_scenario as dumps
from gdviz.scenario import load_scenario, loads_scenario
from gdviz.ui.export_job import plan_export
from gdviz.ui.session import Session
from tests.ui.test_main_window import open_window, press

NETWORK_DOCKS = ("network", "metrics", "diagram", "backprop")


def mode_shown(window) -> str:
    page = window.centre.currentWidget()
    network = all(window.docks[d].isVisible() for d in NETWORK_DOCKS)
    landscape = window.docks["landscape"].isVisible()
    assert network != landscape, "the docks of one mode only"
    if page is window.network_mode.page:
        assert network
        return "network"
    assert landscape and page in (window.pair, window.curve)
    return "landscape"


def test_new_races_switch_between_network_and_landscape_mode(qtbot, monkeypatch):
    window = open_window(qtbot, Session(load_scenario("ravine")))
    monkeypatch.setattr(window.files, "confirm_discard", lambda: True)
    assert mode_shown(window) == "landscape"
    assert not window.transport.epoch_button.isVisible()
    window.network_mode.new_network.trigger()
    s = window.session
    assert s.is_network and s.source == "xor" and mode_shown(window) == "network"
    assert window.transport.epoch_button.isVisible()
    assert window.docks["diagram"].toggleViewAction().isEnabled()
    assert not window.docks["landscape"].toggleViewAction().isEnabled()
    window.network_mode.new_landscape.trigger()
    assert not s.is_network and s.source == "default" and mode_shown(window) == "landscape"


def test_reset_layout_shows_the_docks_of_the_race_s_mode(qtbot):
    window = open_window(qtbot, Session(load_scenario("xor")))
    window.docks["diagram"].hide()
    window._reset_layout()  # every dock shown again, then the mode's rule applies
    assert mode_shown(window) == "network" and window.docks["diagram"].isVisible()


def test_one_epoch_forward_takes_the_smallest_batch_s_steps(qtbot):
    window = open_window(qtbot, Session(load_scenario("xor")))
    s = window.session
    n, batch = s.train_data.n_samples, 16  # xor's sgd draws batches of 16
    assert s.steps_per_epoch() == -(-n // batch)
    press(qtbot, window, Qt.Key.Key_Home)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert s.step == s.steps_per_epoch()
    steps, epochs, _ = s.network_metrics(0)
    assert epochs[-1] == pytest.approx(s.step * batch / n)


def numbers_of(label_text: str) -> dict[str, float]:
    rows = re.findall(r"<tr><td><b>(.*?)</b></td><td>(.*?)</td></tr>", label_text)
    return {name: float(value) for name, value in rows}


@pytest.mark.parametrize("run", [0, 1])
def test_the_update_rule_follows_one_weight_and_its_chain_rule(qtbot, run):
    window = open_window(qtbot, Session(load_scenario("xor")))
    s, panel = window.session, window.equation
    s.run_to(40)
    s.seek(25)
    s.select(run)
    picker = panel.picker
    assert picker.isVisible() or not panel.isVisible()
    picker.layer.setCurrentIndex(0)
    picker.row.setValue(1)
    picker.col.setValue(2)
    w = picker.weight
    assert w is not None and w == network_read.weight_at(s.objective.mlp, 0, 1, 2)
    shown = numbers_of(panel.numbers.text())
    expected = dict(s.step_numbers(run))
    for name in ("θ", "g", "θ new"):
        assert shown[name] == pytest.approx(expected[name][w.k], rel=1e-3)
    s.seek(26)  # the new θ shown was where the update took the weight
    assert s.weights(run)[w.k] == pytest.approx(shown["θ new"], rel=1e-3)
    s.seek(25)
    mean = float(re.search(r"mean = <b>(.*?)</b>", panel.chain.text()).group(1))
    assert mean == pytest.approx(shown["g"], rel=1e-3)
    picker.row.setValue(-1)  # the bias
    assert picker.weight.row is None and "b¹[2]" in panel.numbers.text()


def test_hyperparameters_that_do_nothing_here_are_greyed_with_the_reason(qtbot):
    window = open_window(qtbot, Session(load_scenario("xor")))
    card = window.optimizer_panel.cards[0]  # sgd with batches
    assert window.session.runs[0].optimizer == "sgd"
    assert not card.edits["noise"].isEnabled() and card.edits["batch_size"].isEnabled()
    assert "minibatches" in card.edits["noise"].toolTip()
    window.session.load(load_scenario("sgd_noise"))
    sgd = next(c for c in window.optimizer_panel.cards
               if window.session.runs[c.index].optimizer == "sgd")
    assert sgd.edits["noise"].isEnabled() and not sgd.edits["batch_size"].isEnabled()


def test_a_network_race_saves_as_the_same_race_with_its_views(qtbot):
    window = open_window(qtbot, Session(load_scenario("spiral")))
    scenario = window.current_scenario()
    assert scenario.view.show == ("network", "loss")
    again = loads_scenario(dumps(scenario), "again.toml")
    assert again.race == window.session.spec
    assert plan_export(again, "x.gif", frames=2).views == ("network", "loss")


def test_the_data_view_and_the_slice_show_the_focused_run(qtbot):
    window = open_window(qtbot, Session(load_scenario("xor")))
    s, mode = window.session, window.network_mode
    s.run_to(60)
    s.select(1)
    mode.settle()
    assert mode.data.focused == 1
    shown = mode.slice.slice
    assert shown is not None
    centre = shown.Z[len(shown.betas) // 2, len(shown.alphas) // 2]
    assert centre == pytest.approx(float(s.frame()[mode.slice.shown.centre].loss[0]))
    assert np.allclose(shown.paths[1][-1], 0.0, atol=1e-9) or mode.slice.shown.centre != 1
