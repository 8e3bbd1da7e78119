"""A working copy of an upload kept in memory, never on disk, for metadata extraction.

An uploaded file reaches the server as a stream: it is encrypted into the vault as it arrives,
and the extractors (which want a file they can open and seek) read a copy kept in an anonymous
memory file (``memfd_create``, opened through ``/proc/self/fd``). Files larger than ``LIMIT``,
and systems without memory files, are not copied: their records say they were not described.

Not protected: like any process memory, the copy may be written to swap; encrypt swap.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

__all__ = ["LIMIT", "Tee", "WorkingCopy"]

LIMIT = 64 * 1024 * 1024


class WorkingCopy:
    """What was read so far, in memory, until it would exceed ``limit``."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.size = 0
        self._fd = _memory_file()
        self.complete = self._fd is not None

    @property
    def path(self) -> Path:
        """A path the extractors can open (only while ``complete``)."""
        if self._fd is None or not self.complete:
            raise ValueError("no working copy")
        return Path(f"/proc/self/fd/{self._fd}")

    def write(self, data: bytes) -> None:
        if not self.complete or self._fd is None:
            return
        if self.size + len(data) > self.limit:
            self.complete = False
            os.ftruncate(self._fd, 0)  # give the memory back at once
            return
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        self.size += len(data)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.complete = False

    def __enter__(self) -> WorkingCopy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Tee:
    """A stream that copies what is read from it into a working copy."""

    def __init__(self, stream: _Readable, copy: WorkingCopy) -> None:
        self.stream, self.copy = stream, copy

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.copy.write(data)
        return data


def _memory_file() -> int | None:
    create = getattr(os, "memfd_create", None)
    if create is None or not Path("/proc/self/fd").is_dir():
        return None
    fd: int = create("sviedka-working-copy", os.MFD_CLOEXEC)
    return fd
