"""gdviz: watch gradient descent and its cousins race across loss landscapes.

The public API is small: ``run`` computes trajectories, ``LANDSCAPES`` and
``OPTIMIZERS`` are the registries every part of gdviz is built from.
"""

from gdviz.core.landscapes import LANDSCAPES, Landscape
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.run import Trajectory, run

__all__ = ["LANDSCAPES", "OPTIMIZERS", "Landscape", "Trajectory", "run"]
__version__ = "0.1.0"
