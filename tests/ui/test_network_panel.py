"""The network panel builds the network race the form shows, and shows the race's network."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor

from gdviz.core.mlp import MAX_HIDDEN_LAYERS, MLP
from gdviz.scenario import dumps_scenario, load_scenario, loads_scenario
from gdviz.ui.panels.data_preview import CLASS_COLORS
from gdviz.ui.panels.network import NetworkPanel
from gdviz.ui.session import Session


@pytest.fixture
def xor(qtbot) -> Session:
    """The xor preset (2-4-2 tanh, sgd and Adam), stepped to 40."""
    s = Session(load_scenario("xor"))
    s.run_to(40)
    return s


def panel_of(qtbot, session: Session) -> NetworkPanel:
    panel = NetworkPanel(session)
    qtbot.addWidget(panel)
    panel.resize(340, 520)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def type_into(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)  # textEdited, as a person typing


def colour_count(panel: NetworkPanel, colour: str) -> int:
    """Pixels of the preview within a few levels of ``colour`` (drawn with alpha 220)."""
    image = panel.preview.pixmap().toImage()
    want = QColor(colour)
    return sum(1 for x in range(image.width()) for y in range(image.height())
               if all(abs(a - b) < 40 for a, b in zip(QColor(image.pixel(x, y)).getRgb()[:3],
                                                         want.getRgb()[:3], strict=True)))


def test_apply_builds_the_forms_network_and_restarts_the_race(qtbot, xor):
    panel = panel_of(qtbot, xor)
    assert not panel.pending and not panel.apply_button.isEnabled()
    panel.dataset.setCurrentIndex(panel.dataset.findData("blobs"))
    type_into(qtbot, panel.option_edits["classes"], "4")
    type_into(qtbot, panel.seed_edit, "7")
    panel.layers.add_button.click()
    panel.layers.spins[1].setValue(9)
    panel.activation.setCurrentText("relu")
    assert panel.pending and panel.apply_button.isEnabled()
    assert "Not applied" in panel.status.text()
    assert xor.network.dataset == "xor"  # nothing happens before Apply
    with qtbot.waitSignal(xor.sigTimelineReset):
        panel.apply_button.click()
    net = xor.network
    assert (net.dataset, net.sizes, net.activation, net.loss) == ("blobs", (2, 4, 9, 4),
                                                                 "relu", "cross_entropy")
    assert net.options["classes"] == 4 and net.data_seed == 7
    assert xor.step == xor.head_step == 0 and len(xor.runs) == 2
    assert not panel.pending and not panel.apply_button.isEnabled()
    assert panel.shape_label.text() == f"2-4-9-4 · {MLP((2, 4, 9, 4)).n_params} weights"


def test_enter_applies_and_a_regression_gets_mse_and_one_output(qtbot, xor):
    panel = panel_of(qtbot, xor)
    panel.dataset.setCurrentIndex(panel.dataset.findData("wave"))
    assert panel.loss_label.text() == "mean squared error"
    assert panel.shape_label.text().startswith("1-4-1 · ")
    type_into(qtbot, panel.option_edits["frequency"], "2")
    qtbot.keyClick(panel.option_edits["frequency"], Qt.Key.Key_Return)
    net = xor.network
    assert (net.dataset, net.sizes, net.loss) == ("wave", (1, 4, 1), "mse")
    assert net.options["frequency"] == 2.0 and xor.train_data.task == "regression"


def test_a_refused_value_shows_why_and_leaves_the_race_alone(qtbot, xor):
    panel = panel_of(qtbot, xor)
    before, revision = xor.network, xor.revision
    type_into(qtbot, panel.option_edits["noise"], "50")
    panel.apply_button.click()
    assert panel.error.isVisible() and "noise must be in [0, 10], got 50" in panel.error.text()
    assert panel.option_edits["noise"].reason is not None  # the editor is marked
    assert xor.network == before and xor.revision == revision and xor.step == 40
    assert panel.pending
    type_into(qtbot, panel.option_edits["noise"], "0.2")  # typing again clears the marks
    assert not panel.error.isVisible() and panel.option_edits["noise"].reason is None
    type_into(qtbot, panel.fraction_edit, "1")
    assert not panel.apply()
    assert "test fraction must be in (0, 1)" in panel.error.text()
    type_into(qtbot, panel.fraction_edit, "0.2")
    type_into(qtbot, panel.seed_edit, "x")
    assert not panel.apply() and "data seed must be a whole number" in panel.error.text()
    assert xor.network == before and xor.revision == revision


def test_plus_and_minus_keep_one_to_six_hidden_layers(qtbot, xor):
    panel = panel_of(qtbot, xor)
    layers = panel.layers
    assert layers.sizes() == (4,) and not layers.remove_button.isEnabled()
    layers.remove_layer()
    assert layers.sizes() == (4,)
    while layers.add_button.isEnabled():
        layers.add_button.click()
    assert layers.sizes() == (4,) * MAX_HIDDEN_LAYERS
    layers.add_layer()
    assert len(layers.sizes()) == MAX_HIDDEN_LAYERS
    assert panel.shape_label.text().startswith("2-4-4-4-4-4-4-2 · ")
    assert panel.apply()
    assert xor.network.sizes == (2, *(4,) * MAX_HIDDEN_LAYERS, 2)
    while layers.remove_button.isEnabled():
        layers.remove_button.click()
    assert layers.sizes() == (4,) and layers.add_button.isEnabled()
    assert layers.spins[0].maximum() == 32 and layers.spins[0].minimum() == 1


def test_sync_shows_a_loaded_scenarios_network(qtbot, xor):
    panel = panel_of(qtbot, xor)
    type_into(qtbot, panel.seed_edit, "3")  # a pending edit is replaced by the race's
    xor.load(load_scenario("spiral"))
    net = xor.network
    assert panel.dataset_name == "spiral" and panel.dataset.currentText() == "Spiral"
    assert {k: e.text() for k, e in panel.option_edits.items()} == {
        "n_samples": "300", "noise": "0.1", "classes": "3", "turns": "1"}
    assert (panel.seed_edit.text(), panel.fraction_edit.text()) == ("0", "0.2")
    assert panel.layers.sizes() == net.sizes[1:-1] == (16, 16)
    assert panel.activation.currentText() == net.activation
    assert panel.loss_label.text() == "cross-entropy (softmax)"
    assert panel.shape_label.text() == f"2-16-16-3 · {net.mlp.n_params} weights"
    assert not panel.pending and "trains this network" in panel.status.text()
    assert all(colour_count(panel, c) > 20 for c in CLASS_COLORS[:3])  # three classes
    assert colour_count(panel, CLASS_COLORS[3]) == 0


def test_from_a_landscape_race_apply_starts_a_network_race(qtbot):
    s = Session("rosenbrock")
    s.add_run("adam", lr=0.01)
    panel = panel_of(qtbot, s)
    assert panel.pending and panel.apply_button.isEnabled()
    assert "landscape" in panel.status.text()
    assert panel.dataset_name == "spiral" and panel.layers.sizes() == (16, 16)
    assert panel.apply()
    assert s.is_network and s.network.sizes == (2, 16, 16, 2) and not panel.pending


def test_samples_from_a_csv_file_train_the_form_s_network(qtbot, tmp_path):
    good, bad = tmp_path / "pts.csv", tmp_path / "bad.csv"
    rows = "".join(f"{i % 7 / 7:.3f},{i % 5 / 5:.3f},{'ab'[i % 2]}\n" for i in range(40))
    good.write_text("x1,x2,label\n" + rows)
    bad.write_text("x1,x2,label\n0.1,0.2,a\n0.3,oops,b\n")
    session = Session(load_scenario("xor"))
    panel = NetworkPanel(session)
    qtbot.addWidget(panel)
    before = session.spec
    assert not panel.load_csv(str(bad))
    assert "line 3" in panel.error.text() and session.spec == before
    panel.layers.set_sizes((5,))
    assert panel.load_csv(str(good))
    net = session.network
    assert net.csv == str(good) and net.sizes == (2, 5, 2) and net.data.n_samples == 40
    assert session.step == 0 and not panel.pending and "pts.csv" in panel.status.text()
    again = loads_scenario(dumps_scenario(session.scenario()), "again.toml")
    assert again.race.network == net
