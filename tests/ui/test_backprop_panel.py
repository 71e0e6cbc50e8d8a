"""The backpropagation panel: one sample's forward and backward pass at the cursor, every
number the Session's trace, following the sample picker, the cursor and the selection."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gdviz.core.network import NetworkSpec
from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario import load_scenario
from gdviz.ui.panels.backprop import HINT, BackpropPanel, compact
from gdviz.ui.session import Session


@pytest.fixture
def net(qtbot) -> Session:
    """The spiral preset (a 2-16-16-3 network, three runs) after 40 steps."""
    s = Session(load_scenario("spiral"))
    s.run_to(40)
    return s


def panel(qtbot, session: Session) -> BackpropPanel:
    p = BackpropPanel(session)
    qtbot.addWidget(p)
    p.resize(480, 800)
    return p


def shown(p: BackpropPanel, name: str) -> tuple[str, str]:
    """The text and tooltip of row ``name`` as displayed."""
    k = [r.name for r in p.rows].index(name)
    body = p._labels[k][1]
    return re.sub(r"<[^>]+>", "", body.text()), body.toolTip()


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text)]


def test_rows_are_the_sessions_trace(qtbot, net):
    p = panel(qtbot, net)
    p.sample.setValue(7)
    tr = net.trace(0, 7, "train")
    rows = {r.name: r.values for r in p.rows}
    np.testing.assert_array_equal(rows["x"], net.train_data.X[7])
    assert rows["y"][0] == net.train_data.y[7]
    for k, name in ((1, "₁"), (2, "₂"), (3, "₃")):
        np.testing.assert_array_equal(rows[f"z{name}"], tr.z[k - 1])
        np.testing.assert_array_equal(rows[f"δ{name}"], tr.delta[k - 1])
        assert rows[f"‖∂L/∂W{name}‖"][0] == tr.dW_norms[k - 1]
    np.testing.assert_array_equal(rows["a₁"], tr.a[1])
    np.testing.assert_array_equal(rows["p"], tr.out)
    assert rows["L"][0] == tr.loss
    order = [r.section for r in p.rows]
    assert order.index("backward") > order.index("loss") > order.index("forward")
    assert [r.name for r in p.rows if r.section == "backward"][::2] == ["δ₃", "δ₂", "δ₁"]


def test_the_text_shows_the_traces_numbers(qtbot, net):
    p = panel(qtbot, net)
    p.sample.setValue(3)
    tr = net.trace(0, 3, "train")
    text, tip = shown(p, "z₁")
    assert "a₀·W₁ + b₁" in text and text.endswith("…]")
    np.testing.assert_allclose(numbers(text.split("\n")[-1].split("b₁")[-1])[:6],
                               tr.z[0][:6], rtol=5e-3)
    np.testing.assert_allclose(numbers(tip.split(":", 1)[1]), tr.z[0], rtol=1e-5)
    text, _ = shown(p, "L")
    assert numbers(text)[-1] == pytest.approx(tr.loss, rel=5e-3)
    text, _ = shown(p, "δ₃")
    assert "p − onehot(y)" in text
    np.testing.assert_allclose(numbers(text.split("onehot(y)")[1]), tr.delta[2], rtol=5e-3)
    text, _ = shown(p, "δ₂")
    assert "(δ₃·W₃ᵀ) ⊙ f′(z₂)" in text
    assert "1 − tanh²(z)" in p.hint.text()
    assert compact(np.arange(8.0)) == "[0, 1, 2, 3, 4, 5, …]"


def test_picking_a_sample_the_test_set_or_the_hardest_updates_the_rows(qtbot, net):
    p = panel(qtbot, net)
    p.sample.setValue(11)
    np.testing.assert_array_equal(p.rows[0].values, net.train_data.X[11])
    p.test.setChecked(True)
    assert p.sample.maximum() == net.test_data.n_samples - 1
    np.testing.assert_array_equal(p.rows[0].values, net.test_data.X[11])
    assert "test sample 11" in p.title.text()
    p.hardest.click()
    hardest = net.hardest_sample(0, "test")
    assert p.sample.value() == hardest
    assert p.rows[-1].values[0] == net.trace(0, hardest, "test").dW_norms[0]


def test_it_follows_the_cursor_and_the_selection(qtbot, net):
    p = panel(qtbot, net)
    before = p.rows[2].values.copy()
    net.step_forward(3)
    np.testing.assert_array_equal(p.rows[2].values, net.trace(0, 0).z[0])
    assert not np.array_equal(before, p.rows[2].values)
    net.select(2)
    assert "SGD" in p.title.text() and f"step {net.step}" in p.title.text()
    np.testing.assert_array_equal(p.rows[2].values, net.trace(2, 0).z[0])


def test_a_regression_network_shows_its_output_and_the_mse_delta(qtbot):
    spec = RaceSpec("network", (RunSpec("adam", {"lr": 0.02}),),
                    network=NetworkSpec("wave", (1, 8, 1), loss="mse"))
    s = Session(spec)
    s.run_to(10)
    p = panel(qtbot, s)
    tr = s.trace(0, 0)
    names = [r.name for r in p.rows]
    assert "ŷ" in names and "p" not in names
    text, _ = shown(p, "δ₂")
    assert "2·(ŷ − y) / m" in text
    assert numbers(text)[-1] == pytest.approx(float(tr.delta[1][0]), rel=5e-3)


def test_a_landscape_race_clears_it_and_a_smaller_network_keeps_a_valid_sample(qtbot, net):
    p = panel(qtbot, net)
    p.sample.setValue(200)
    net.set_landscape("rosenbrock")
    assert p.rows == [] and p.hint.text() == HINT and p.picker.isHidden()
    assert p.grid.count() == 0 and not p.title.text()
    net.set_network(load_scenario("xor").race.network)
    assert not p.picker.isHidden()
    assert p.sample.value() == p.sample.maximum() == net.train_data.n_samples - 1
    np.testing.assert_array_equal(p.rows[0].values, net.train_data.X[-1])
