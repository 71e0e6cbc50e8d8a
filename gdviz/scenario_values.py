"""Reading the values of a parsed scenario document: each value's TOML type checked, key
paths built for messages (``optimizer[2].edits[0].step``), a did-you-mean for unknown
names, and core's ValueErrors turned into ``Problem(path, reason)`` at the key they are
about. ``gdviz.scenario_check`` builds the race and the view from these.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from gdviz.core.hyper import Hyper, Value
from gdviz.core.race import check_point, check_seed

T = TypeVar("T")
Table = Mapping[str, object]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class Problem(Exception):
    """One thing wrong in a scenario document, at a key path."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path, self.reason = path, reason


# ---- paths, values in messages, suggestions ------------------------------------------
def join(path: str, key: str | int) -> str:
    """``path`` extended by a table key (quoted unless bare) or an array index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    part = key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)
    return f"{path}.{part}" if path else part


def show(value: object) -> str:
    """A value as a TOML reader would recognise it, shortened for a one-line message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "an array"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def suggest(word: str, choices: Iterable[str], what: str = "choose one of") -> str:
    """``did you mean 'x'?`` for a close match, else the list of valid choices."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"{what}: {', '.join(options)}" if options else f"{what}: none"


def _strip(path: str, reason: str) -> str:
    """Drop a leading repetition of the key's own name from a reason given by core."""
    name = re.split(r"[.\[]", path)[-1]
    for prefix in (f"{name} ", f"parameter {name!r} "):
        if name and reason.startswith(prefix):
            return reason[len(prefix):]
    return reason


@contextmanager
def at(path: str) -> Iterator[None]:
    """Turn a ValueError raised by core into a Problem at ``path``."""
    try:
        yield
    except ValueError as e:
        raise Problem(path, _strip(path, str(e))) from None


def pick(name: str, registry: Mapping[str, T], what: str, path: str) -> T:
    if name not in registry:
        raise Problem(path, f"unknown {what} {name!r}; {suggest(name, registry)}")
    return registry[name]


# ---- TOML types ----------------------------------------------------------------------
def table(value: object, path: str) -> Table:
    if not isinstance(value, dict):
        raise Problem(path, f"expected a table, got {show(value)}")
    return value


def keys(tab: Table, path: str, valid: Iterable[str], required: Iterable[str] = ()) -> None:
    """Refuse unknown keys (with a did-you-mean) and missing required ones."""
    allowed = list(valid)
    for key in tab:
        if key not in allowed:
            raise Problem(join(path, key), f"unknown key; {suggest(key, allowed, 'valid keys')}")
    for key in required:
        if key not in tab:
            raise Problem(join(path, key), "missing (required)")


def array(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise Problem(path, f"expected an array, got {show(value)}")
    return value


def tables(value: object, path: str) -> list[Table]:
    """An array of tables (``[[name]]`` or ``[{…}, …]``)."""
    if not isinstance(value, list):
        raise Problem(path, f"expected an array of tables, got {show(value)}")
    return [table(item, join(path, i)) for i, item in enumerate(value)]


def string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise Problem(path, f"expected a string, got {show(value)}")
    return value


def boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise Problem(path, f"expected true or false, got {show(value)}")
    return value


def number(value: object, path: str) -> float:
    """An integer or a float (booleans are not numbers) as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Problem(path, f"expected a number, got {show(value)}")
    try:
        return float(value)
    except OverflowError:
        raise Problem(path, f"too large a number, got {show(value)}") from None


def whole(value: object, path: str) -> int:
    """An integer, or a float with a whole value, as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Problem(path, f"expected a whole number, got {show(value)}")
    return value


def point(value: object, path: str, dim: int) -> tuple[float, ...]:
    """A start point: an array of numbers with one per dimension of the landscape."""
    coords = [number(v, join(path, i)) for i, v in enumerate(array(value, path))]
    with at(path):
        return check_point(coords, dim)


def hyper_value(hyper: Hyper, value: object, path: str) -> Value:
    """A hyperparameter (or schedule option) of the right TOML type, checked by its Hyper."""
    raw: Value
    if hyper.kind == "bool":
        raw = boolean(value, path)
    elif hyper.kind == "int":
        raw = whole(value, path)
    else:
        raw = number(value, path)
    with at(path):
        return hyper.check(raw)


def hyper_values(hypers: Iterable[Hyper], tab: Table, path: str) -> dict[str, Value]:
    """The hyperparameters (or schedule options) that are keys of ``tab``, each checked."""
    return {h.name: hyper_value(h, tab[h.name], join(path, h.name)) for h in hypers
            if h.name in tab}


def seed(value: object, path: str) -> int:
    with at(path):
        return check_seed(whole(value, path))
