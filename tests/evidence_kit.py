"""What the evidence leak tests share: a watch on the disk for evidence plaintext while a file is
ingested (issue 12, leak 10); their PostgreSQL schema is the ``database`` fixture of conftest.py.

``watch()`` records, through a Python audit hook, every file opened for writing and every folder
made while it is active, in any thread; ``holding(marker, roots)`` lists the files under the
roots that contain the marker, including open files already unlinked or never named (Starlette
spools uploads into unnamed temporary files), found through ``/proc/self/fd``. Tests point
``tempfile.tempdir`` at a folder of their own so that the system's temp folder can be scanned.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MARKER = b"SVIEDKA-PLAINTEXT-MARKER-" * 4000  # 100 KB of bytes that only the evidence holds
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT
_active: list[list[str]] = []
_installed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active:
        return
    if event == "open" and isinstance(args[0], str | bytes) and (args[2] or 0) & _WRITING:
        _active[-1].append(os.fsdecode(args[0]))
    elif event == "os.mkdir":
        _active[-1].append(os.fsdecode(args[0]) + os.sep)


@contextmanager
def watch() -> Iterator[list[str]]:
    """The paths opened for writing (and folders made) while the block runs."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)  # hooks cannot be removed: this one does nothing when idle
        _installed = True
    written: list[str] = []
    _active.append(written)
    try:
        yield written
    finally:
        _active.remove(written)


def under(paths: list[str], root: Path) -> list[str]:
    base = str(root.resolve())
    return [p for p in paths if p == base or p.startswith(base + os.sep)]


def holding(marker: bytes, *roots: Path) -> list[str]:
    """Files under ``roots`` (named, or open in this process) whose bytes contain ``marker``."""
    found = [str(p) for root in roots for p in root.rglob("*") if _has(p, marker)]
    bases = tuple(str(r.resolve()) for r in roots)
    for fd in Path("/proc/self/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith(bases) and _has(fd, marker):
            found.append(target)
    return found


def _has(path: Path, marker: bytes) -> bool:
    try:
        return path.is_file() and marker[:64] in path.read_bytes()
    except OSError:
        return False
