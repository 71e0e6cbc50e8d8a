"""The README's examples work as written."""

import re
from pathlib import Path

from gdviz.core.race import run_race
from gdviz.scenario import loads_scenario

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_scenario_example_loads_and_runs() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        scenario = loads_scenario(block, "README.md")
        (traj,) = run_race(scenario.race, steps=60)
        dim = scenario.race.build_objective().dim  # 2 on a landscape, the weights on a network
        assert traj.params.shape == (61, 1, dim) and traj.status[0] == "running"
