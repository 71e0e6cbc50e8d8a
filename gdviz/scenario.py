"""Scenario files: a race and how to show it, as TOML that people write and gdviz saves.

A ``Scenario`` is a ``RaceSpec`` (what to run: everything that decides the numbers) plus
``ViewSettings`` (what the window shows) and a title and description. ``loads_scenario``
validates a document completely and raises one ``ScenarioError`` naming the source, the
key path and the problem; ranges come from the core registries, so a file accepts exactly
what the window and the command line accept. ``dumps_scenario`` writes every resolved
hyperparameter, and ``loads_scenario(dumps_scenario(s)) == s``. ``save_scenario`` writes
atomically. Presets are scenario files shipped in ``resources/scenarios``.

Loading never executes code and never writes a file.
"""

from __future__ import annotations

import difflib
import os
import secrets
import tomllib
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from gdviz.core.race import RaceSpec, RunSpec
from gdviz.scenario_check import (
    OVERLAY_DEFAULTS,
    OVERLAYS,
    SCENARIO_FOLDER,
    SPEED_RANGE,
    VIEWS,
    check_axes,
    check_interval,
    check_overlays,
    check_show,
    check_speed,
    read_race,
    read_view,
)
from gdviz.scenario_values import Problem, keys, show, string

__all__ = ["OVERLAYS", "SPEED_RANGE", "VIEWS", "Scenario", "ScenarioError", "ViewSettings",
           "dumps_scenario", "list_presets", "load_scenario", "loads_scenario", "preset_names",
           "preset_path", "presets_dir", "save_scenario"]

VERSION = 1
DEFAULT_SPEED = 30.0
_TOP_KEYS = ("version", "title", "description", "landscape", "network", "run", "optimizer",
             "view")


class ScenarioError(ValueError):
    """A scenario that cannot be read, found or saved: ``<source>: <key.path>: <problem>``."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        super().__init__(source, path, problem)
        self.source, self.path, self.problem = source, path, problem

    @property
    def detail(self) -> str:
        """The message without its source: ``<key.path>: <problem>``."""
        return f"{self.path}: {self.problem}" if self.path else self.problem

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}"


@dataclass(frozen=True)
class ViewSettings:
    """What the window shows; ``None`` and ``()`` leave the choice to the window.

    ``x``/``y``/``z`` are the view box ``(low, high)`` (None: the landscape's domain; ``y``
    only on 2-D and 3-D landscapes, ``z`` only on 3-D ones),
    ``overlays`` holds every name of ``OVERLAYS`` (missing ones take their defaults).
    """

    show: tuple[str, ...] = ()
    x: tuple[float, float] | None = None
    y: tuple[float, float] | None = None
    z: tuple[float, float] | None = None
    log_contours: bool | None = None
    log_loss: bool | None = None
    overlays: Mapping[str, bool] = field(default_factory=lambda: dict(OVERLAY_DEFAULTS))
    steps_per_second: float = DEFAULT_SPEED

    def __post_init__(self) -> None:
        for name in ("log_contours", "log_loss"):
            if not isinstance(getattr(self, name), bool | None):
                raise ValueError(f"{name} must be true, false or None")
        object.__setattr__(self, "show", check_show(self.show))
        object.__setattr__(self, "x", check_interval("x", self.x))
        object.__setattr__(self, "y", check_interval("y", self.y))
        object.__setattr__(self, "z", check_interval("z", self.z))
        object.__setattr__(self, "overlays", check_overlays(self.overlays))
        object.__setattr__(self, "steps_per_second", check_speed(self.steps_per_second))

    def __hash__(self) -> int:
        return hash((self.show, self.x, self.y, self.z, self.log_contours, self.log_loss,
                     tuple(self.overlays.items()), self.steps_per_second))


@dataclass(frozen=True)
class Scenario:
    """A race, how to show it, and the words that go with it."""

    race: RaceSpec
    view: ViewSettings = ViewSettings()
    title: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if self.race.network is None:
            check_axes(self.race, self.view.y, self.view.z)
        elif (self.view.x, self.view.y, self.view.z, self.view.log_contours) != (None,) * 4:
            raise ValueError("a network race has no view box: x, y, z and log_contours are "
                             "unset")


# ---- reading -------------------------------------------------------------------------
def loads_scenario(text: str, source: str = "<string>",
                   folder: str | os.PathLike[str] | None = None) -> Scenario:
    """Parse and validate a scenario document; ScenarioError says where and why. A
    relative csv or data path is read from ``folder`` (default: the current folder)."""
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(source, "", "not valid TOML: nested too deeply") from None
    except ValueError as e:  # TOMLDecodeError, or an integer too long to convert
        raise ScenarioError(source, "", f"not valid TOML: {e}") from None
    token = SCENARIO_FOLDER.set(None if folder is None else Path(folder))
    try:
        return _read(doc)
    except Problem as p:
        raise ScenarioError(source, p.path, p.reason) from None
    finally:
        SCENARIO_FOLDER.reset(token)


def _read(doc: dict[str, Any]) -> Scenario:
    if "version" not in doc:
        raise Problem("version", f"missing: a scenario file starts with version = {VERSION}")
    version = doc["version"]
    if type(version) is not int or version != VERSION:
        raise Problem("version", f"this gdviz reads version {VERSION}, got {show(version)}")
    keys(doc, "", _TOP_KEYS)
    title = string(doc.get("title", ""), "title")
    description = string(doc.get("description", ""), "description")
    race = read_race(doc)
    return Scenario(race, ViewSettings(**read_view(doc, race)), title, description)


def load_scenario(path_or_preset: str | os.PathLike[str]) -> Scenario:
    """A scenario from a file, or from a preset by name (``"ravine"``).

    A string that names no existing file, has no folder part and does not end in
    ``.toml`` is a preset name; anything else is a path.
    """
    given = os.fspath(path_or_preset)
    path = Path(given)
    try:
        if path.is_file():
            return _load_file(path, given)
        if path.exists():
            raise ScenarioError(given, "", "is a folder, not a scenario file")
    except OSError as e:  # a name too long for the system, …
        raise ScenarioError(given, "", f"cannot read: {e.strerror or e}") from None
    is_name = isinstance(path_or_preset, str) and path.suffix != ".toml" and path.name == given
    if not is_name:
        raise ScenarioError(given, "", "no such file")
    return _load_file(preset_path(given), given)


def _load_file(path: Path, source: str) -> Scenario:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ScenarioError(source, "", f"cannot read: {e.strerror or e}") from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        before = data[:e.start].decode("utf-8-sig")
        line, column = before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1
        raise ScenarioError(source, "", f"not UTF-8 text: byte 0x{data[e.start]:02x} at "
                                        f"line {line}, column {column}") from None
    return loads_scenario(content, source, path.parent)


# ---- writing -------------------------------------------------------------------------
def dumps_scenario(s: Scenario) -> str:
    """The scenario as a TOML document that ``loads_scenario`` reads back equal."""
    race, view = s.race, s.view
    doc: dict[str, Any] = {"version": VERSION}
    if s.title:
        doc["title"] = s.title
    if s.description:
        doc["description"] = s.description
    if race.network is not None:
        net = race.network
        data = ({"csv": net.csv} if net.csv is not None else
                {"dataset": net.dataset, "dataset_options": dict(net.options)})
        doc["network"] = {**data, "data_seed": net.data_seed, "test_fraction": net.test_fraction,
                          "sizes": list(net.sizes), "activation": net.activation,
                          "loss": net.loss}
    else:
        land: dict[str, Any] = ({"name": race.landscape} if race.expr is None
                                else {"expr": race.expr})
        if race.data is not None:
            land["data"] = race.data
        if race.params:
            land["params"] = dict(race.params)
        box = {k: v for k, v in (("x", view.x), ("y", view.y), ("z", view.z),
                                 ("log_contours", view.log_contours)) if v is not None}
        if box:
            land["view"] = {k: list(v) if isinstance(v, tuple) else v for k, v in box.items()}
        doc["landscape"] = land
    run: dict[str, Any] = {"steps": race.steps, "seed": race.seed, "tol": race.tol}
    if race.start is not None:
        run["start"] = list(race.start)
    run["steps_per_second"] = view.steps_per_second
    doc["run"] = run
    if race.runs:
        doc["optimizer"] = [_run_table(r) for r in race.runs]
    shown: dict[str, Any] = {"show": list(view.show)} if view.show else {}
    shown.update((k, v) for k, v in view.overlays.items() if v != OVERLAY_DEFAULTS[k])
    if view.log_loss is not None:
        shown["log_loss"] = view.log_loss
    if shown:
        doc["view"] = shown
    words = [s.title, s.description, *(r.label for r in race.runs)]
    return tomli_w.dumps(doc, multiline_strings=not any("\r" in w for w in words))


def _run_table(r: RunSpec) -> dict[str, Any]:
    t: dict[str, Any] = {"name": r.optimizer, **r.hyper}
    if r.label:
        t["label"] = r.label
    if r.color:
        t["color"] = r.color
    if r.start is not None:
        t["start"] = list(r.start)
    if r.seed is not None:
        t["seed"] = r.seed
    if r.schedule is not None:
        t["schedule"] = {"kind": r.schedule.kind, **r.schedule.options}
    if r.edits:
        t["edits"] = [{"step": e.step, **e.hyper} for e in r.edits]
    return t


def save_scenario(s: Scenario, path: str | os.PathLike[str]) -> None:
    """Write ``s`` to ``path`` atomically: the file is replaced only once the new one is
    complete, and nothing is left behind on failure. Raises ScenarioError."""
    target = Path(path)
    content = dumps_scenario(s)
    if loads_scenario(content, os.fspath(path)) != s:  # a safety net: never save a lossy file
        raise ScenarioError(os.fspath(path), "", "cannot save: it would not read back the same")
    try:
        data = content.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ScenarioError(os.fspath(path), "", f"cannot save text that is not valid "
                                                 f"Unicode: {e.reason}") from None
    _write_atomic(target, data)


def _write_atomic(target: Path, data: bytes) -> None:
    if not target.name:
        raise ScenarioError(str(target), "", "cannot save: not a file name")
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except OSError as e:
        why = f"no folder {target.parent}" if isinstance(e, FileNotFoundError) else e.strerror
        raise ScenarioError(str(target), "", f"cannot save: {why or e}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise ScenarioError(str(target), "", f"cannot save: {e.strerror or e}") from e
        raise


# ---- presets -------------------------------------------------------------------------
def presets_dir() -> Path:
    """The folder of preset scenarios: in the installed package, else in the checkout."""
    found: object
    try:
        found = resources.files("gdviz.resources") / "scenarios"
    except (ImportError, TypeError):
        found = None
    if isinstance(found, Path) and found.is_dir():
        return found
    return Path(__file__).resolve().parent.parent / "resources" / "scenarios"


def preset_names() -> list[str]:
    folder = presets_dir()
    return sorted(p.stem for p in folder.glob("*.toml") if p.is_file()) if folder.is_dir() else []


def preset_path(name: str) -> Path:
    """The file of preset ``name``; ScenarioError with the presets (and a did-you-mean)."""
    names = preset_names()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        listed = ", ".join(names) if names else "none found"
        raise ScenarioError(name, "", f"no such file or preset; {hint}presets: {listed}")
    return presets_dir() / f"{name}.toml"


def list_presets() -> list[tuple[str, str]]:
    """``(name, title)`` of every preset; a broken one reads ``(invalid: reason)``."""
    found = []
    for name in preset_names():
        try:
            title = _load_file(preset_path(name), name).title
        except ScenarioError as e:
            title = f"(invalid: {e.detail})"
        found.append((name, title))
    return found
