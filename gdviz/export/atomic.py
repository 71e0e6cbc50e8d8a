"""Files that appear whole or not at all.

Every export is written under a hidden temporary name in the target's own folder (so the
final rename stays on one file system) and renamed into place only once complete. Any
failure on the way (an exception from the frames, a full disk, a cancel, Ctrl-C) removes
the temporary file or folder and leaves a pre-existing target untouched.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def check_target(target: Path) -> None:
    """Refuse, before any work, a target that cannot be written: its folder is missing,
    is not a folder or is not writable (FileNotFoundError, NotADirectoryError,
    PermissionError), or the target itself is a folder (IsADirectoryError)."""
    folder = target.parent
    if not folder.exists():
        raise FileNotFoundError(f"cannot write to {target}: no such folder {folder}")
    if not folder.is_dir():
        raise NotADirectoryError(f"cannot write to {target}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write to {target}: {folder} is not writable")
    if target.is_dir():
        raise IsADirectoryError(f"cannot write to {target}: it is a folder")


def _temp_name(target: Path, suffix: str) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{suffix}")


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a new, empty temporary file next to ``target``; when the block ends normally
    it is flushed to disk and renamed onto ``target``, otherwise it is removed."""
    tmp = _temp_name(target, ".tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666))
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


@contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """Yield a new, empty temporary folder next to ``target``; it is removed with whatever
    is still inside when the block ends, normally or not (move the results out first)."""
    tmp = _temp_name(target, ".tmp.d")
    tmp.mkdir()
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def move_all(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each ``(source, destination)`` after flushing the source to disk. If one
    rename fails, the destinations already placed are removed again and the error raised
    (a file they had replaced is not restored)."""
    for source, _ in pairs:
        _fsync(source)
    done: list[Path] = []
    try:
        for source, destination in pairs:
            os.replace(source, destination)
            done.append(destination)
    except BaseException:
        for destination in done:
            with suppress(OSError):
                destination.unlink()
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
