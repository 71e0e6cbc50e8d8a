"""gdviz: watch gradient descent and its cousins race across loss landscapes.

The public API is small: ``run`` computes trajectories, ``run_race`` the trajectories of a
whole ``RaceSpec``, ``load_scenario``/``save_scenario`` read and write scenario files, and
``LANDSCAPES`` and ``OPTIMIZERS`` are the registries every part of gdviz is built from.
"""

from gdviz.core.landscapes import LANDSCAPES, Landscape
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.race import RaceSpec, RunSpec, run_race
from gdviz.core.run import Trajectory, run
from gdviz.scenario import Scenario, load_scenario, save_scenario

__all__ = ["LANDSCAPES", "OPTIMIZERS", "Landscape", "RaceSpec", "RunSpec", "Scenario",
           "Trajectory", "load_scenario", "run", "run_race", "save_scenario"]
__version__ = "0.1.0"
