"""Fixtures shared by the UI tests."""

import pytest

from gdviz.ui.session import Session
from gdviz.ui.style import configure


@pytest.fixture(autouse=True, scope="session")
def _style() -> None:
    configure()


@pytest.fixture
def session(qtbot) -> Session:
    """A rosenbrock race with three optimizers, not yet stepped."""
    s = Session("rosenbrock")
    s.add_run("gd", lr=1e-3)
    s.add_run("momentum", lr=1e-3)
    s.add_run("adam", lr=0.02)
    return s
