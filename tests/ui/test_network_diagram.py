"""The network diagram: edges drawn from the focused run's weights, the gradient per layer
under the columns, following the cursor and the selection, empty on a landscape race."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import QPointF

from gdviz.scenario import load_scenario
from gdviz.ui.session import Session
from gdviz.ui.views.network_diagram import NetworkDiagram, sign_colors


@pytest.fixture
def net(qtbot) -> Session:
    """The xor preset (a 2-4-2 network, two runs) after 60 steps."""
    s = Session(load_scenario("xor"))
    s.run_to(60)
    return s


def diagram(qtbot, session: Session) -> NetworkDiagram:
    view = NetworkDiagram(session)
    qtbot.addWidget(view)
    view.resize(640, 440)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_edges_are_the_runs_weights_sized_by_magnitude_and_coloured_by_sign(qtbot, net):
    view = diagram(qtbot, net)
    layers = net.objective.mlp.unflatten(net.weights(0))
    nodes, edges = view.shapes()
    assert len(nodes) == sum(net.network.sizes)
    assert len(edges) == sum(W.size for W, _ in layers)
    for e in edges:
        assert e.weight == layers[e.layer][0][e.row, e.col]
    widest = max(edges, key=lambda e: e.width)
    assert abs(widest.weight) == max(np.abs(W).max() for W, _ in layers)
    by_size = sorted(edges, key=lambda e: abs(e.weight))
    assert [e.width for e in by_size] == sorted(e.width for e in edges)
    pos, neg = sign_colors()
    for e in edges:
        assert e.color.name() == (pos if e.weight >= 0 else neg)
    # the widest edge is drawn last, on top: its middle pixel has its sign's colour
    middle = (widest.p0 + widest.p1) / 2
    pixel = view.grab().toImage().pixelColor(round(middle.x()), round(middle.y()))
    want = pos if widest.weight >= 0 else neg
    assert abs(pixel.hueF() - widest.color.hueF()) < 0.05, (pixel.name(), want)


def test_a_neuron_shows_its_bias_and_hovering_reads_values(qtbot, net):
    view = diagram(qtbot, net)
    nodes, edges = view.shapes()
    b_out = net.objective.mlp.unflatten(net.weights(0))[-1][1]
    out = [n for n in nodes if n.column == 2]
    assert [n.bias for n in out] == list(b_out)
    assert view.describe_at(out[1].centre) == f"class 1: bias b = {b_out[1]:.4g}"
    e = edges[-1]
    text = view.describe_at((e.p0 + e.p1) / 2)
    assert text is not None and f"= {e.weight:.4g}" in text
    assert view.describe_at(QPointF(2, view.height() - 2)) is None


def test_gradient_norms_under_the_layers_are_the_sessions(qtbot, net):
    view = diagram(qtbot, net)
    norms = net.layer_grad_norms(0)
    assert view.norms == norms and len(norms) == 2
    assert view.norm_texts == [f"{n:.3g}" for n in norms]
    fractions = view.bar_fractions()
    assert max(fractions) == 1.0
    small = int(np.argmin(norms))
    assert fractions[small] == pytest.approx(1 + np.log10(norms[small] / max(norms)) / 4)
    names = view.column_names()
    assert names[0][0] == "input" and names[1] == ("hidden 1", "tanh")
    assert names[2] == ("output", "softmax")


def test_it_follows_the_cursor_and_the_selection(qtbot, net):
    view = diagram(qtbot, net)
    before = view.shapes()[1][-1].weight
    net.step_forward(5)
    assert view.run == 0
    np.testing.assert_array_equal(view.layers[0][0],
                                  net.objective.mlp.unflatten(net.weights(0))[0][0])
    assert view.shapes()[1][-1].weight != before
    net.select(1)
    assert view.run == 1
    assert view.norms == net.layer_grad_norms(1)
    np.testing.assert_array_equal(view.layers[1][1],
                                  net.objective.mlp.unflatten(net.weights(1))[1][1])


def test_a_landscape_race_clears_it_and_a_network_brings_it_back(qtbot, net):
    view = diagram(qtbot, net)
    net.set_landscape("rosenbrock")
    assert view.run is None and view.shapes() == ([], [])
    assert view.describe_at(QPointF(100, 100)) is None
    view.grab()  # paints the hint without reading a network
    net.set_network(load_scenario("spiral").race.network)
    assert view.run == 0 and len(view.shapes()[0]) == 2 + 16 + 16 + 3


def test_edges_come_in_a_few_pens_drawn_weakest_first(qtbot, net):
    from gdviz.ui.views.network_diagram import EDGE_SHADES

    view = diagram(qtbot, net)
    _, edges = view.shapes()
    pens = [(e.color.rgba(), e.width) for e in edges]
    assert len(set(pens)) <= 2 * (EDGE_SHADES + 1)  # per sign, one pen a shade
    widths = [e.width for e in edges]
    assert widths == sorted(widths)  # the order they are drawn in: the strongest on top
    runs = sum(1 for k in range(len(pens)) if k == 0 or pens[k] != pens[k - 1])
    assert runs == len(set(pens))  # the edges of one pen are next to each other
