"""Data landscapes on samples read from a CSV file, for a race's ``data``.

``file_landscape(path, name)`` reads the file (``datasets.load_csv``: a header ``x,y``,
``x,label`` or ``x1,x2,label``) and puts the data landscape ``name`` on its samples
(``DataLandscape.with_data``); without a name the header picks the landscape
(``landscape_for``). A race asks for its landscape often, so the result is remembered
per file version (path, modification time and size): an edited file is read again.
Every problem is a ValueError naming the file (and, for a bad row, its line).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from gdviz.core.datasets import DatasetError, load_csv
from gdviz.core.landscapes import LANDSCAPES, get_landscape
from gdviz.core.landscapes_data import DataLandscape, landscape_for

CACHED_FILES = 16


def data_landscapes() -> list[str]:
    """The names of the landscapes that can take samples from a file."""
    return [name for name, land in LANDSCAPES.items() if isinstance(land, DataLandscape)]


def file_landscape(path: str, name: str | None = None) -> DataLandscape:
    """The data landscape ``name`` (None: the one the file's header fits) on the samples
    of the CSV file ``path``; ValueError naming the file when it cannot be read, is not a
    valid dataset or does not fit the landscape."""
    try:
        info = os.stat(path)
    except OSError as err:
        raise DatasetError(f"cannot read {path}: {err.strerror or err}") from None
    return _file_landscape(path, name, info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=CACHED_FILES)
def _file_landscape(path: str, name: str | None, mtime_ns: int, size: int) -> DataLandscape:
    """``file_landscape`` for one version of the file (``mtime_ns`` and ``size`` are only
    part of the cache key)."""
    if name is not None:
        land = get_landscape(name)
        if not isinstance(land, DataLandscape):
            raise ValueError(f"{name} is not computed from data: a CSV file of samples "
                             f"applies to {', '.join(data_landscapes())}")
    try:
        data = load_csv(Path(path))
    except DatasetError as err:
        text = str(err)
        raise DatasetError(text if text.startswith("cannot read") else f"{path}: {text}") \
            from None
    if name is None:
        try:
            name = landscape_for(data)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
        land = get_landscape(name)
    assert isinstance(land, DataLandscape)
    return land.with_data(data, path)
