"""The ``gdviz`` command line (DESIGN.md, "CLI"): ``list``, ``run`` and ``gui``.

``main`` parses and dispatches (``main.py``), ``args`` turns the run flags or a scenario
into one ``RaceSpec``, ``output`` writes trajectories as CSV or JSON.
"""

from gdviz.cli.main import CSV_COLUMNS, main

__all__ = ["CSV_COLUMNS", "main"]
