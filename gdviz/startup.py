"""Opening the window without cyclic garbage collections in vain.

Importing Qt and pyqtgraph and building the window create some 120 000 objects that live
as long as the process: modules, classes, functions, widgets. Python's cyclic collector
scans young objects every few hundred allocations and all of them now and then, so while
the window is being built it walks these objects again and again and frees almost
nothing (about 1 000 objects, 0.4 MB, of classes made and dropped along the way).
``pause`` turns the collector off; ``settle``, once the window is up, moves every object
alive at that moment to the collector's permanent generation and turns it on again: no
later collection walks the start-up objects (a full one otherwise takes 20–25 ms, a
hitch when it comes during an animation), and those few cycles are never freed.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """No cyclic garbage collection until ``settle`` (calling it again changes nothing)."""
    gc.disable()


def settle() -> None:
    """What is alive now stays for good, skipped by every later collection; the
    collector runs again."""
    gc.freeze()
    gc.enable()
